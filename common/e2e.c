/* SPDX-License-Identifier: ISC */
/*
 * e2e.c - end-to-end encryption of case content (see e2e.h): record
 * bodies under XChaCha20-Poly1305 with their identity in the associated
 * data, case keys granted as signed crypto_box_seal boxes, users' public
 * keys certified by the deployment CA through OpenSSL, and the private
 * keys backed up under Argon2id of a passphrase.
 *
 * Every signed or authenticated message is built by one static builder
 * into a fixed-size stack buffer: a domain string (its bytes, no NUL),
 * then each id or name as a length byte and the bytes, integers big
 * endian.  The length bytes make the encoding injective: case "ab",
 * record "c" never authenticates as case "a", record "bc".
 */
#include <stdint.h>
#include <string.h>

#include <sodium.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "buf.h"
#include "e2e.h"
#include "errors.h"
#include "log.h"

#define E2E_NAME_MAX		255	/* ids and names, bytes */
#define E2E_NONCE_LEN		crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define E2E_TAG_LEN		crypto_aead_xchacha20poly1305_ietf_ABYTES

#define E2E_BODY_DOMAIN		"casesync body v1"
#define E2E_GRANT_DOMAIN	"casesync grant v1"
#define E2E_CERT_DOMAIN		"casesync user key v1"
#define E2E_DOMAIN_LEN(d)	(sizeof(d) - 1)
#define E2E_STR_MAX		(1 + E2E_NAME_MAX)	/* length byte, bytes */

/* domain, case id, record id, kind, epoch */
#define E2E_BODY_AD_MAX		(E2E_DOMAIN_LEN(E2E_BODY_DOMAIN) + \
	3 * E2E_STR_MAX + 4)
/* domain, case id, epoch, to_user, to_box_pk, from_user, sealed key */
#define E2E_GRANT_MSG_MAX	(E2E_DOMAIN_LEN(E2E_GRANT_DOMAIN) + \
	E2E_STR_MAX + 4 + E2E_STR_MAX + E2E_PK_LEN + E2E_STR_MAX + \
	E2E_SEALED_KEY_LEN)
/* domain, user, box_pk, sign_pk, issued */
#define E2E_CERT_MSG_MAX	(E2E_DOMAIN_LEN(E2E_CERT_DOMAIN) + \
	E2E_STR_MAX + 2 * E2E_PK_LEN + 8)

#define E2E_KDF_CONTEXT		"csrecov1"
#define E2E_KDF_ID_BOX		1
#define E2E_KDF_ID_SIGN		2

/* Key backup layout (e2e.h). */
#define E2E_BACKUP_MAGIC	"CSKB"
#define E2E_BACKUP_VERSION	1
#define E2E_BACKUP_OFF_VERSION	4
#define E2E_BACKUP_OFF_OPS	5
#define E2E_BACKUP_OFF_MEM	13
#define E2E_BACKUP_OFF_SALT	21
#define E2E_BACKUP_OFF_NONCE	(E2E_BACKUP_OFF_SALT + crypto_pwhash_SALTBYTES)
#define E2E_BACKUP_HDR_LEN	(E2E_BACKUP_OFF_NONCE + E2E_NONCE_LEN)
#define E2E_BACKUP_SK_LEN	(32 + 64)	/* box_sk || sign_sk */
#define E2E_BACKUP_AD_MAX	(E2E_BACKUP_HDR_LEN + E2E_STR_MAX)
#define E2E_BACKUP_OPS_MIN	((uint64_t)crypto_pwhash_OPSLIMIT_MIN)
#define E2E_BACKUP_OPS_MAX	(4 * (uint64_t)crypto_pwhash_OPSLIMIT_SENSITIVE)
#define E2E_BACKUP_MEM_MIN	((uint64_t)crypto_pwhash_MEMLIMIT_MIN)
#define E2E_BACKUP_MEM_MAX	((uint64_t)crypto_pwhash_MEMLIMIT_SENSITIVE)
#define E2E_PASS_MAX		1024

_Static_assert(E2E_BODY_OVERHEAD == E2E_NONCE_LEN + E2E_TAG_LEN,
    "body overhead");
_Static_assert(E2E_SEALED_KEY_LEN == E2E_KEY_LEN + crypto_box_SEALBYTES,
    "sealed key length");
_Static_assert(E2E_KEY_LEN == crypto_aead_xchacha20poly1305_ietf_KEYBYTES,
    "case key length");
_Static_assert(E2E_SIG_LEN == crypto_sign_BYTES, "signature length");
_Static_assert(E2E_PK_LEN == crypto_box_PUBLICKEYBYTES &&
    E2E_PK_LEN == crypto_sign_PUBLICKEYBYTES, "public key length");
_Static_assert(sizeof(((struct e2e_userkeys *)0)->box_sk) ==
    crypto_box_SECRETKEYBYTES &&
    sizeof(((struct e2e_userkeys *)0)->sign_sk) ==
    crypto_sign_SECRETKEYBYTES, "secret key length");
_Static_assert(E2E_SEED_LEN == crypto_kdf_KEYBYTES &&
    crypto_box_SEEDBYTES == 32 && crypto_sign_SEEDBYTES == 32,
    "seed length");
_Static_assert(sizeof(E2E_KDF_CONTEXT) - 1 == crypto_kdf_CONTEXTBYTES,
    "kdf context");
_Static_assert(E2E_BACKUP_HDR_LEN == 61, "backup header length");
_Static_assert(E2E_BACKUP_LEN ==
    E2E_BACKUP_HDR_LEN + E2E_BACKUP_SK_LEN + E2E_TAG_LEN, "backup length");

/* A message under construction in a caller's fixed-size buffer. */
struct e2e_msg {
	uint8_t	*buf;
	size_t	 cap;
	size_t	 len;
	int	 err;		/* first error; later puts are no-ops */
};

/* Secrets of the key backup, together in one guarded allocation. */
struct e2e_backup_secret {
	uint8_t	key[crypto_aead_xchacha20poly1305_ietf_KEYBYTES];
	uint8_t	plain[E2E_BACKUP_SK_LEN];
	uint8_t	seed[crypto_sign_SEEDBYTES];
	uint8_t	sign_sk[crypto_sign_SECRETKEYBYTES];
};

/* The two subkeys of a recovery seed. */
struct e2e_seeds {
	uint8_t	box[crypto_box_SEEDBYTES];
	uint8_t	sign[crypto_sign_SEEDBYTES];
};

static void
e2e_msg_init(struct e2e_msg *m, uint8_t *buf, size_t cap)
{
	m->buf = buf;
	m->cap = cap;
	m->len = 0;
	m->err = 0;
}

static void
e2e_msg_put(struct e2e_msg *m, const void *p, size_t n)
{
	if (m->err != 0)
		return;
	if (m->cap - m->len < n) {	/* the *_MAX sizes are wrong */
		m->err = CS_ERR_INTERNAL;
		return;
	}
	memcpy(m->buf + m->len, p, n);
	m->len += n;
}

static void
e2e_msg_u32(struct e2e_msg *m, uint32_t v)
{
	uint8_t	b[4];

	buf_store_u32(b, v);
	e2e_msg_put(m, b, sizeof(b));
}

static void
e2e_msg_u64(struct e2e_msg *m, uint64_t v)
{
	uint8_t	b[8];

	buf_store_u64(b, v);
	e2e_msg_put(m, b, sizeof(b));
}


/*
 * An id or name: a length byte and the bytes.  "s" must hold a NUL
 * within its first E2E_NAME_MAX + 1 bytes (the char[256] fields of the
 * structs are never read past their end) and be non-empty.
 */
static void
e2e_msg_str(struct e2e_msg *m, const char *s)
{
	uint8_t	n;
	size_t	len;

	if (m->err != 0)
		return;
	len = strnlen(s, E2E_NAME_MAX + 1);
	if (len == 0 || len > E2E_NAME_MAX) {
		m->err = CS_ERR_FORMAT;
		return;
	}
	n = (uint8_t)len;
	e2e_msg_put(m, &n, 1);
	e2e_msg_put(m, s, len);
}



int
e2e_userkeys_new(struct e2e_userkeys **out)
{
	struct e2e_userkeys	*k = NULL;
	int			 r = CS_ERR_ALLOC;

	*out = NULL;
	if ((k = sodium_malloc(sizeof(*k))) == NULL)
		goto out;
	r = CS_ERR_CRYPTO;
	if (crypto_box_keypair(k->box_pk, k->box_sk) != 0 ||
	    crypto_sign_keypair(k->sign_pk, k->sign_sk) != 0)
		goto out;
	*out = k;
	k = NULL;	/* transferred */
	r = 0;
 out:
	e2e_userkeys_free(k);
	return r;
}

int
e2e_userkeys_from_seed(const uint8_t seed[E2E_SEED_LEN],
    struct e2e_userkeys **out)
{
	struct e2e_userkeys	*k = NULL;
	struct e2e_seeds	*s = NULL;
	int			 r = CS_ERR_ALLOC;

	*out = NULL;
	if ((s = sodium_malloc(sizeof(*s))) == NULL ||
	    (k = sodium_malloc(sizeof(*k))) == NULL)
		goto out;
	r = CS_ERR_CRYPTO;
	if (crypto_kdf_derive_from_key(s->box, sizeof(s->box),
	    E2E_KDF_ID_BOX, E2E_KDF_CONTEXT, seed) != 0 ||
	    crypto_kdf_derive_from_key(s->sign, sizeof(s->sign),
	    E2E_KDF_ID_SIGN, E2E_KDF_CONTEXT, seed) != 0 ||
	    crypto_box_seed_keypair(k->box_pk, k->box_sk, s->box) != 0 ||
	    crypto_sign_seed_keypair(k->sign_pk, k->sign_sk, s->sign) != 0)
		goto out;
	*out = k;
	k = NULL;	/* transferred */
	r = 0;
 out:
	e2e_userkeys_free(k);
	if (s != NULL)
		sodium_free(s);		/* zeroes, then unmaps */
	return r;
}

void
e2e_userkeys_free(struct e2e_userkeys *k)
{
	if (k != NULL)
		sodium_free(k);		/* zeroes, then unmaps */
}

void
e2e_case_key_new(uint8_t key[E2E_KEY_LEN])
{
	crypto_aead_xchacha20poly1305_ietf_keygen(key);
}

/* The associated data of a record body. */
static int
e2e_body_ad(const char *case_id, const char *record_id, const char *kind,
    uint32_t epoch, uint8_t ad[E2E_BODY_AD_MAX], size_t *adlen)
{
	struct e2e_msg	m;

	*adlen = 0;
	e2e_msg_init(&m, ad, E2E_BODY_AD_MAX);
	e2e_msg_put(&m, E2E_BODY_DOMAIN, E2E_DOMAIN_LEN(E2E_BODY_DOMAIN));
	e2e_msg_str(&m, case_id);
	e2e_msg_str(&m, record_id);
	e2e_msg_str(&m, kind);
	e2e_msg_u32(&m, epoch);
	if (m.err != 0)
		return m.err;
	*adlen = m.len;
	return 0;
}

_Static_assert(E2E_BODY_NONCE_LEN == E2E_NONCE_LEN, "the body's nonce");

int
e2e_body_seal(const uint8_t key[E2E_KEY_LEN], const char *case_id,
    const char *record_id, const char *kind, uint32_t epoch,
    const uint8_t *plain, size_t len, uint8_t *out, size_t outlen,
    size_t *sealed_len)
{
	uint8_t	nonce[E2E_NONCE_LEN];

	/* Random 192-bit nonces: no counter to keep across devices. */
	randombytes_buf(nonce, sizeof(nonce));
	return e2e_body_seal_nonce(key, case_id, record_id, kind, epoch,
	    nonce, plain, len, out, outlen, sealed_len);
}

int
e2e_body_seal_nonce(const uint8_t key[E2E_KEY_LEN], const char *case_id,
    const char *record_id, const char *kind, uint32_t epoch,
    const uint8_t nonce[E2E_BODY_NONCE_LEN], const uint8_t *plain,
    size_t len, uint8_t *out, size_t outlen, size_t *sealed_len)
{
	uint8_t			ad[E2E_BODY_AD_MAX];
	size_t			adlen;
	unsigned long long	clen;
	int			r;

	*sealed_len = 0;
	if ((r = e2e_body_ad(case_id, record_id, kind, epoch, ad,
	    &adlen)) != 0)
		goto out;
	if (len > crypto_aead_xchacha20poly1305_ietf_MESSAGEBYTES_MAX ||
	    outlen < E2E_BODY_OVERHEAD || outlen - E2E_BODY_OVERHEAD < len) {
		r = CS_ERR_TOO_LARGE;
		goto out;
	}
	memcpy(out, nonce, E2E_NONCE_LEN);
	if (crypto_aead_xchacha20poly1305_ietf_encrypt(out + E2E_NONCE_LEN,
	    &clen, plain, len, ad, adlen, NULL, out, key) != 0 ||
	    clen != (unsigned long long)len + E2E_TAG_LEN) {
		r = CS_ERR_CRYPTO;
		goto out;
	}
	*sealed_len = E2E_NONCE_LEN + (size_t)clen;
	r = 0;
 out:
	return r;
}

int
e2e_body_open(const uint8_t key[E2E_KEY_LEN], const char *case_id,
    const char *record_id, const char *kind, uint32_t epoch,
    const uint8_t *sealed, size_t len, uint8_t *out, size_t outlen,
    size_t *plain_len)
{
	uint8_t			ad[E2E_BODY_AD_MAX];
	size_t			adlen, plen;
	unsigned long long	mlen;
	int			r;

	*plain_len = 0;
	if ((r = e2e_body_ad(case_id, record_id, kind, epoch, ad,
	    &adlen)) != 0)
		goto out;
	if (len < E2E_BODY_OVERHEAD) {
		r = CS_ERR_FORMAT;
		goto out;
	}
	plen = len - E2E_BODY_OVERHEAD;
	if (outlen < plen) {
		r = CS_ERR_TOO_LARGE;
		goto out;
	}
	/* libsodium checks the tag before it writes any plaintext. */
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(out, &mlen, NULL,
	    sealed + E2E_NONCE_LEN, len - E2E_NONCE_LEN, ad, adlen, sealed,
	    key) != 0 || mlen != plen) {
		if (plen > 0)
			sodium_memzero(out, plen);
		r = CS_ERR_TAMPERED;
		goto out;
	}
	*plain_len = plen;
	r = 0;
 out:
	return r;
}

/*
 * The message the granter signs.  "to_box_pk" is the key the case key
 * was sealed to (making) or the recipient's own key (opening).
 */
static int
e2e_grant_msg(const struct e2e_grant *g, const uint8_t to_box_pk[E2E_PK_LEN],
    uint8_t msg[E2E_GRANT_MSG_MAX], size_t *msglen)
{
	struct e2e_msg	m;

	*msglen = 0;
	e2e_msg_init(&m, msg, E2E_GRANT_MSG_MAX);
	e2e_msg_put(&m, E2E_GRANT_DOMAIN, E2E_DOMAIN_LEN(E2E_GRANT_DOMAIN));
	e2e_msg_str(&m, g->case_id);
	e2e_msg_u32(&m, g->epoch);
	e2e_msg_str(&m, g->to_user);
	e2e_msg_put(&m, to_box_pk, E2E_PK_LEN);
	e2e_msg_str(&m, g->from_user);
	e2e_msg_put(&m, g->sealed, sizeof(g->sealed));
	if (m.err != 0)
		return m.err;
	*msglen = m.len;
	return 0;
}

int
e2e_grant_make(const uint8_t key[E2E_KEY_LEN],
    const uint8_t to_box_pk[E2E_PK_LEN], const struct e2e_userkeys *signer,
    struct e2e_grant *g)
{
	uint8_t	msg[E2E_GRANT_MSG_MAX];
	size_t	msglen;
	int	r;

	memset(g->sealed, 0, sizeof(g->sealed));
	memset(g->sig, 0, sizeof(g->sig));
	/* Check the names before any work; the sealed key is filled later. */
	if ((r = e2e_grant_msg(g, to_box_pk, msg, &msglen)) != 0)
		goto out;
	r = CS_ERR_CRYPTO;	/* e.g. a small-order "to_box_pk" */
	if (crypto_box_seal(g->sealed, key, E2E_KEY_LEN, to_box_pk) != 0)
		goto out;
	if ((r = e2e_grant_msg(g, to_box_pk, msg, &msglen)) != 0)
		goto out;
	r = CS_ERR_CRYPTO;
	if (crypto_sign_detached(g->sig, NULL, msg, msglen,
	    signer->sign_sk) != 0)
		goto out;
	r = 0;
 out:
	if (r != 0) {
		memset(g->sealed, 0, sizeof(g->sealed));
		memset(g->sig, 0, sizeof(g->sig));
	}
	return r;
}

int
e2e_grant_verify(const struct e2e_grant *g,
    const uint8_t to_box_pk[E2E_PK_LEN],
    const uint8_t from_sign_pk[E2E_PK_LEN])
{
	uint8_t	msg[E2E_GRANT_MSG_MAX];
	size_t	msglen;
	int	r;

	if ((r = e2e_grant_msg(g, to_box_pk, msg, &msglen)) != 0)
		return r;
	if (crypto_sign_verify_detached(g->sig, msg, msglen,
	    from_sign_pk) != 0)
		return CS_ERR_TAMPERED;
	return 0;
}

int
e2e_grant_open(const struct e2e_grant *g,
    const uint8_t from_sign_pk[E2E_PK_LEN], const struct e2e_userkeys *me,
    uint8_t key[E2E_KEY_LEN])
{
	int	r;

	/*
	 * The signature is checked over our own public key: a grant sealed
	 * to a substituted key fails here, whoever signed it.
	 */
	if ((r = e2e_grant_verify(g, me->box_pk, from_sign_pk)) != 0)
		goto out;
	r = CS_ERR_TAMPERED;
	if (crypto_box_seal_open(key, g->sealed, sizeof(g->sealed),
	    me->box_pk, me->box_sk) != 0)
		goto out;
	r = 0;
 out:
	if (r != 0)
		sodium_memzero(key, E2E_KEY_LEN);
	return r;
}

/* The message the CA signs for a user. */
static int
e2e_cert_msg(const struct e2e_usercert *c, uint8_t msg[E2E_CERT_MSG_MAX],
    size_t *msglen)
{
	struct e2e_msg	m;

	*msglen = 0;
	e2e_msg_init(&m, msg, E2E_CERT_MSG_MAX);
	e2e_msg_put(&m, E2E_CERT_DOMAIN, E2E_DOMAIN_LEN(E2E_CERT_DOMAIN));
	e2e_msg_str(&m, c->user);
	e2e_msg_put(&m, c->box_pk, sizeof(c->box_pk));
	e2e_msg_put(&m, c->sign_pk, sizeof(c->sign_pk));
	e2e_msg_u64(&m, (uint64_t)c->issued);
	if (m.err != 0)
		return m.err;
	*msglen = m.len;
	return 0;
}

/* The digest for a CA key: SHA-256 for EC; Ed25519 hashes by itself. */
static int
e2e_cert_md(EVP_PKEY *key, const EVP_MD **md)
{
	*md = NULL;
	if (EVP_PKEY_is_a(key, "ED25519"))
		return 0;
	if (EVP_PKEY_is_a(key, "EC")) {
		*md = EVP_sha256();
		return 0;
	}
	log_warnx("%s: the CA key is neither EC nor Ed25519", __func__);
	return CS_ERR_FORMAT;
}

int
e2e_usercert_sign(EVP_PKEY *cakey, struct e2e_usercert *c)
{
	EVP_MD_CTX	*ctx = NULL;
	const EVP_MD	*md;
	uint8_t		 msg[E2E_CERT_MSG_MAX];
	size_t		 msglen, siglen;
	int		 r;

	memset(c->sig, 0, sizeof(c->sig));
	c->siglen = 0;
	if ((r = e2e_cert_msg(c, msg, &msglen)) != 0 ||
	    (r = e2e_cert_md(cakey, &md)) != 0)
		goto out;
	/* The largest signature the key can make must fit (not P-521). */
	if (EVP_PKEY_get_size(cakey) <= 0 ||
	    (size_t)EVP_PKEY_get_size(cakey) > sizeof(c->sig)) {
		log_warnx("%s: the CA key's signatures are too long",
		    __func__);
		r = CS_ERR_FORMAT;
		goto out;
	}
	r = CS_ERR_CRYPTO;
	siglen = sizeof(c->sig);
	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestSignInit(ctx, NULL, md, NULL, cakey) != 1 ||
	    EVP_DigestSign(ctx, c->sig, &siglen, msg, msglen) != 1 ||
	    siglen == 0 || siglen > sizeof(c->sig))
		goto out;
	c->siglen = siglen;
	r = 0;
 out:
	if (r != 0) {
		log_ssl(__func__);
		memset(c->sig, 0, sizeof(c->sig));
		c->siglen = 0;
	}
	EVP_MD_CTX_free(ctx);
	return r;
}

int
e2e_usercert_verify(X509 *ca, const struct e2e_usercert *c)
{
	EVP_MD_CTX	*ctx = NULL;
	EVP_PKEY	*pub;
	const EVP_MD	*md;
	uint8_t		 msg[E2E_CERT_MSG_MAX];
	size_t		 msglen;
	int		 r;

	if ((r = e2e_cert_msg(c, msg, &msglen)) != 0)
		goto out;
	if (c->siglen > sizeof(c->sig)) {
		r = CS_ERR_FORMAT;
		goto out;
	}
	r = CS_ERR_CRYPTO;
	if ((pub = X509_get0_pubkey(ca)) == NULL)
		goto out;
	if ((r = e2e_cert_md(pub, &md)) != 0)
		goto out;
	r = CS_ERR_CRYPTO;
	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestVerifyInit(ctx, NULL, md, NULL, pub) != 1)
		goto out;
	/* 0 is a bad signature, < 0 one that does not even parse. */
	r = CS_ERR_TAMPERED;
	if (EVP_DigestVerify(ctx, c->sig, c->siglen, msg, msglen) != 1)
		goto out;
	r = 0;
 out:
	if (r != 0)
		log_ssl(__func__);
	EVP_MD_CTX_free(ctx);
	return r;
}

/* The associated data of a key backup: its header and the user. */
static int
e2e_backup_ad(const uint8_t hdr[E2E_BACKUP_HDR_LEN], const char *user,
    uint8_t ad[E2E_BACKUP_AD_MAX], size_t *adlen)
{
	struct e2e_msg	m;

	*adlen = 0;
	e2e_msg_init(&m, ad, E2E_BACKUP_AD_MAX);
	e2e_msg_put(&m, hdr, E2E_BACKUP_HDR_LEN);
	e2e_msg_str(&m, user);
	if (m.err != 0)
		return m.err;
	*adlen = m.len;
	return 0;
}

/* Argon2id parameters we accept, from us or from a file. */
static int
e2e_backup_params_ok(uint64_t ops, uint64_t mem)
{
	return ops >= E2E_BACKUP_OPS_MIN && ops <= E2E_BACKUP_OPS_MAX &&
	    mem >= E2E_BACKUP_MEM_MIN && mem <= E2E_BACKUP_MEM_MAX;
}

int
e2e_backup_seal(const struct e2e_userkeys *k, const char *user,
    const char *pass, size_t passlen, uint64_t opslimit, size_t memlimit,
    uint8_t out[E2E_BACKUP_LEN])
{
	struct e2e_backup_secret	*s = NULL;
	uint8_t				 ad[E2E_BACKUP_AD_MAX];
	size_t				 adlen;
	unsigned long long		 clen;
	int				 r = CS_ERR_FORMAT;

	memset(out, 0, E2E_BACKUP_LEN);
	if (passlen == 0 || passlen > E2E_PASS_MAX ||
	    !e2e_backup_params_ok(opslimit, (uint64_t)memlimit))
		goto out;
	memcpy(out, E2E_BACKUP_MAGIC, E2E_BACKUP_OFF_VERSION);
	out[E2E_BACKUP_OFF_VERSION] = E2E_BACKUP_VERSION;
	buf_store_u64(out + E2E_BACKUP_OFF_OPS, opslimit);
	buf_store_u64(out + E2E_BACKUP_OFF_MEM, (uint64_t)memlimit);
	randombytes_buf(out + E2E_BACKUP_OFF_SALT, crypto_pwhash_SALTBYTES);
	randombytes_buf(out + E2E_BACKUP_OFF_NONCE, E2E_NONCE_LEN);
	if ((r = e2e_backup_ad(out, user, ad, &adlen)) != 0)
		goto out;
	if ((s = sodium_malloc(sizeof(*s))) == NULL) {
		r = CS_ERR_ALLOC;
		goto out;
	}
	/* With the parameters in range, only memory can run out. */
	if (crypto_pwhash(s->key, sizeof(s->key), pass, passlen,
	    out + E2E_BACKUP_OFF_SALT, opslimit, memlimit,
	    crypto_pwhash_ALG_ARGON2ID13) != 0) {
		r = CS_ERR_ALLOC;
		goto out;
	}
	memcpy(s->plain, k->box_sk, sizeof(k->box_sk));
	memcpy(s->plain + sizeof(k->box_sk), k->sign_sk, sizeof(k->sign_sk));
	if (crypto_aead_xchacha20poly1305_ietf_encrypt(out +
	    E2E_BACKUP_HDR_LEN, &clen, s->plain, sizeof(s->plain), ad, adlen,
	    NULL, out + E2E_BACKUP_OFF_NONCE, s->key) != 0 ||
	    clen != E2E_BACKUP_LEN - E2E_BACKUP_HDR_LEN) {
		r = CS_ERR_CRYPTO;
		goto out;
	}
	r = 0;
 out:
	if (r != 0)
		memset(out, 0, E2E_BACKUP_LEN);
	if (s != NULL)
		sodium_free(s);		/* zeroes, then unmaps */
	return r;
}

int
e2e_backup_open(const uint8_t *blob, size_t len, const char *user,
    const char *pass, size_t passlen, struct e2e_userkeys **out)
{
	struct e2e_backup_secret	*s = NULL;
	struct e2e_userkeys		*k = NULL;
	uint8_t				 ad[E2E_BACKUP_AD_MAX];
	size_t				 adlen;
	uint64_t			 ops, mem;
	int				 r = CS_ERR_FORMAT;

	*out = NULL;
	/* Everything an attacker controls is checked before Argon2 runs. */
	if (len != E2E_BACKUP_LEN || passlen == 0 || passlen > E2E_PASS_MAX ||
	    memcmp(blob, E2E_BACKUP_MAGIC, E2E_BACKUP_OFF_VERSION) != 0 ||
	    blob[E2E_BACKUP_OFF_VERSION] != E2E_BACKUP_VERSION)
		goto out;
	ops = buf_load_u64(blob + E2E_BACKUP_OFF_OPS);
	mem = buf_load_u64(blob + E2E_BACKUP_OFF_MEM);
	if (!e2e_backup_params_ok(ops, mem))
		goto out;
	if ((r = e2e_backup_ad(blob, user, ad, &adlen)) != 0)
		goto out;
	if ((s = sodium_malloc(sizeof(*s))) == NULL ||
	    (k = sodium_malloc(sizeof(*k))) == NULL) {
		r = CS_ERR_ALLOC;
		goto out;
	}
	if (crypto_pwhash(s->key, sizeof(s->key), pass, passlen,
	    blob + E2E_BACKUP_OFF_SALT, ops, (size_t)mem,
	    crypto_pwhash_ALG_ARGON2ID13) != 0) {
		r = CS_ERR_ALLOC;
		goto out;
	}
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(s->plain, NULL, NULL,
	    blob + E2E_BACKUP_HDR_LEN, E2E_BACKUP_LEN - E2E_BACKUP_HDR_LEN,
	    ad, adlen, blob + E2E_BACKUP_OFF_NONCE, s->key) != 0) {
		r = CS_ERR_PASSPHRASE;
		goto out;
	}
	memcpy(k->box_sk, s->plain, sizeof(k->box_sk));
	memcpy(k->sign_sk, s->plain + sizeof(k->box_sk), sizeof(k->sign_sk));
	/*
	 * An Ed25519 secret key carries a copy of its public key; derive
	 * the public key from the seed half instead and insist they agree,
	 * or we would sign under a key nobody can verify.
	 */
	r = CS_ERR_FORMAT;
	if (crypto_scalarmult_base(k->box_pk, k->box_sk) != 0)
		goto out;
	if (crypto_sign_ed25519_sk_to_seed(s->seed, k->sign_sk) != 0 ||
	    crypto_sign_seed_keypair(k->sign_pk, s->sign_sk, s->seed) != 0 ||
	    sodium_memcmp(s->sign_sk, k->sign_sk, sizeof(s->sign_sk)) != 0)
		goto out;
	*out = k;
	k = NULL;	/* transferred */
	r = 0;
 out:
	e2e_userkeys_free(k);
	if (s != NULL)
		sodium_free(s);		/* zeroes, then unmaps */
	return r;
}
