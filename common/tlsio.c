/* SPDX-License-Identifier: ISC */
/*
 * tlsio.c - OpenSSL context setup shared by server and client.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_dispatch.h>
#include <openssl/err.h>
#include <openssl/provider.h>
#include <openssl/x509v3.h>

#include "errors.h"
#include "log.h"
#include "tlsio.h"
#include "transport.h"

/* Key exchange groups, both sides, in order of preference. */
#define TLSIO_GROUPS	"X25519:P-256"

/* ALPN wire form: length-prefixed protocol names. */
static const unsigned char	tlsio_alpn[] = "\x0a" CS_ALPN;
_Static_assert(sizeof(CS_ALPN) - 1 == 0x0a, "the ALPN length prefix");

static int
tlsio_alpn_select(SSL *ssl, const unsigned char **out, unsigned char *outlen,
    const unsigned char *in, unsigned int inlen, void *arg)
{
	unsigned char	*sel;

	(void)ssl;
	(void)arg;
	if (SSL_select_next_proto(&sel, outlen, tlsio_alpn,
	    sizeof(tlsio_alpn) - 1, in, inlen) != OPENSSL_NPN_NEGOTIATED)
		return SSL_TLSEXT_ERR_ALERT_FATAL;	/* no casesync/1 */
	*out = sel;
	return SSL_TLSEXT_ERR_OK;
}

/*
 * A ClientHello without the ALPN extension never reaches
 * tlsio_alpn_select() (OpenSSL calls it only when the client offers
 * protocols), so the handshake would complete and the server would
 * have sent its certificate to a client that cannot speak casesync.
 * Refuse it here, before anything is sent, with the alert a wrong
 * protocol is refused with (RFC 7301 3.2; docs/PROTOCOL.md).
 */
static int
tlsio_client_hello(SSL *ssl, int *alert, void *arg)
{
	const unsigned char	*p;
	size_t			 len;

	(void)arg;
	if (SSL_client_hello_get0_ext(ssl,
	    TLSEXT_TYPE_application_layer_protocol_negotiation, &p,
	    &len) != 1) {
		*alert = SSL_AD_NO_APPLICATION_PROTOCOL;
		return SSL_CLIENT_HELLO_ERROR;
	}
	return SSL_CLIENT_HELLO_SUCCESS;
}

/* Settings both sides share. */
static int
tlsio_common(SSL_CTX *ctx)
{
	if (SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) != 1 ||
	    SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION) != 1)
		return -1;
	/*
	 * Key exchange with X25519 or P-256 only.  The finite-field
	 * groups OpenSSL also offers cost the server 90-115 ms of CPU per
	 * ffdhe8192 handshake, which a few clients sending a fixed key
	 * share turn into a denial of service; nothing of ours uses them.
	 */
	if (SSL_CTX_set1_groups_list(ctx, TLSIO_GROUPS) != 1)
		return -1;
	SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET | SSL_OP_NO_RENEGOTIATION |
	    SSL_OP_NO_COMPRESSION);
	SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
	if (SSL_CTX_set_num_tickets(ctx, 0) != 1)
		return -1;
	/*
	 * NO_AUTO_CHAIN: a context without an explicit chain (every
	 * client's) would otherwise rebuild its own chain from the verify
	 * store on every handshake, verifying its own certificate, and
	 * send the CA along for the peer to parse and ignore: casesyncd
	 * trusts its own copy alone.  The server sets its chain itself.
	 */
	SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE |
	    SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS |
	    SSL_MODE_NO_AUTO_CHAIN);
	return 0;
}

/*
 * Before the server's Certificate goes out: a client that names our CA
 * in certificate_authorities (RFC 8446 4.2.4; tlsio_client_ctx() with a
 * CA does) verifies against its own copy and never uses the one in the
 * chain, so it gets the server certificate alone.  That spares it the
 * parse of a second certificate, which in OpenSSL 3.0 costs about two
 * ECDSA verifications (the key goes through the provider decoders).
 * Verification does not depend on this: a client with a CA trusts
 * only that one.  A client that names no CA, or another one, gets the
 * chain as before; enrollment pins the CA from it (tlsio_check_pinned).
 */
static int
tlsio_cert_cb(SSL *ssl, void *arg)
{
	const STACK_OF(X509_NAME)	*names;
	STACK_OF(X509)			*chain = NULL;
	X509_NAME			*ca;
	int				 i;

	(void)arg;
	if ((names = SSL_get0_peer_CA_list(ssl)) == NULL ||
	    SSL_get0_chain_certs(ssl, &chain) != 1 ||
	    sk_X509_num(chain) != 1 ||
	    (ca = X509_get_subject_name(sk_X509_value(chain, 0))) == NULL)
		return 1;
	for (i = 0; i < sk_X509_NAME_num(names); i++) {
		if (X509_NAME_cmp(sk_X509_NAME_value(names, i), ca) == 0)
			return SSL_clear_chain_certs(ssl) == 1;
	}
	return 1;
}

/*
 * The server's library context (issue 23, goal 6; docs/PERFORMANCE.md
 * "Goal 6, branch sesscpu").  libssl parses the client's certificate
 * itself, and OpenSSL 3.0 decodes its public key through the provider
 * decoders: OSSL_DECODER_CTX_new_for_pkey() builds a new decoder chain
 * each time, constructing and freeing a method object for every key
 * manager and every decoder of every provider of the context (there is
 * no cache before 3.2), and looking up the key managers walks the
 * context's whole method store.  With the default provider that is
 * some twenty key managers, eighty decoders and every algorithm libssl
 * fetched: 11 % of casesyncd's CPU per session, 16 % with the rest of
 * the certificate's parse.
 *
 * So the server's SSL_CTX lives in a context of its own whose only
 * provider is a filter in front of the default provider (itself loaded
 * in a second, private context): every operation is the default
 * provider's own implementation, but the key managers and decoders it
 * lists are only those of the key types casesync uses: EC (P-256) and
 * Ed25519 for certificates, X25519 and P-256 for the key exchange,
 * HMAC for the Finished MACs; the ciphers, digests, MACs, KDFs,
 * signatures and key exchanges of TLS 1.3 with those keys (every other
 * operation, such as the random generators, passes through whole).
 * The generic decoders ("DER": from PEM, from EncryptedPrivateKeyInfo,
 * SubjectPublicKeyInfo to its key type) are left out too: nothing in
 * this context reads PEM or private keys, and the key types' own
 * decoders take a SubjectPublicKeyInfo directly.  The server no longer offers RSA
 * signature algorithms, so a client with an RSA certificate (pki.c
 * refuses such keys, no device has one) sends none; a certificate with
 * another kind of key has no key once parsed and fails the handshake.
 * Nothing of what is verified changes: the same libssl code, the same
 * checks, the same implementations.
 */
/* Per operation, the first names of the algorithms kept; NULL ends. */
static const char *const tlsio_keep_keymgmt[] = {
	"EC", "ED25519", "X25519", "HMAC", NULL
};
static const char *const tlsio_keep_decoder[] = {
	"EC", "ED25519", "X25519", NULL
};
static const char *const tlsio_keep_cipher[] = {
	"AES-128-GCM", "AES-256-GCM", "ChaCha20-Poly1305", NULL
};
static const char *const tlsio_keep_digest[] = {
	"SHA1", "SHA2-256", "SHA2-384", "SHA2-512", NULL
};
static const char *const tlsio_keep_mac[] = { "HMAC", NULL };
static const char *const tlsio_keep_kdf[] = { "HKDF", "TLS13-KDF", NULL };
static const char *const tlsio_keep_signature[] = {
	"ECDSA", "ED25519", "HMAC", NULL
};
static const char *const tlsio_keep_keyexch[] = { "ECDH", "X25519", NULL };

static const struct {
	int			 op;
	const char *const	*keep;
}			 tlsio_keep[] = {
	{ OSSL_OP_KEYMGMT, tlsio_keep_keymgmt },
	{ OSSL_OP_DECODER, tlsio_keep_decoder },
	{ OSSL_OP_CIPHER, tlsio_keep_cipher },
	{ OSSL_OP_DIGEST, tlsio_keep_digest },
	{ OSSL_OP_MAC, tlsio_keep_mac },
	{ OSSL_OP_KDF, tlsio_keep_kdf },
	{ OSSL_OP_SIGNATURE, tlsio_keep_signature },
	{ OSSL_OP_KEYEXCH, tlsio_keep_keyexch },
};
#define TLSIO_NKEEP	(sizeof(tlsio_keep) / sizeof(tlsio_keep[0]))

static pthread_once_t	 tlsio_once = PTHREAD_ONCE_INIT;
static OSSL_LIB_CTX	*tlsio_lctx;	/* the server's: the filter alone */
static OSSL_LIB_CTX	*tlsio_inner;	/* the default provider, whole */
static OSSL_PROVIDER	*tlsio_deflt;
static OSSL_ALGORITHM	*tlsio_kept[TLSIO_NKEEP];

/* 1 if the first of an algorithm's names is in "keep". */
static int
tlsio_keeps(const char *const *keep, const char *names)
{
	size_t	n;

	n = strcspn(names, ":");
	for (; *keep != NULL; keep++)
		if (strlen(*keep) == n && strncmp(names, *keep, n) == 0)
			return 1;
	return 0;
}

/* The default provider's algorithms of operation "op" that are kept. */
static OSSL_ALGORITHM *
tlsio_filter(int op, const char *const *keep)
{
	const OSSL_ALGORITHM	*a;
	OSSL_ALGORITHM		*out;
	size_t			 i, n = 0;
	int			 nocache = 0;

	if ((a = OSSL_PROVIDER_query_operation(tlsio_deflt, op,
	    &nocache)) == NULL)
		return NULL;
	for (i = 0; a[i].algorithm_names != NULL; i++)
		;
	/* the tables are the provider's static arrays */
	if ((out = calloc(i + 1, sizeof(*out))) != NULL)
		for (i = 0; a[i].algorithm_names != NULL; i++)
			if (tlsio_keeps(keep, a[i].algorithm_names))
				out[n++] = a[i];
	OSSL_PROVIDER_unquery_operation(tlsio_deflt, op, a);
	return out;
}

static const OSSL_ALGORITHM *
tlsio_prov_query(void *provctx, int op, int *no_cache)
{
	size_t	i;

	(void)provctx;
	*no_cache = 0;
	for (i = 0; i < TLSIO_NKEEP; i++)
		if (tlsio_keep[i].op == op)
			return tlsio_kept[i];
	return OSSL_PROVIDER_query_operation(tlsio_deflt, op, no_cache);
}

/* libssl learns the TLS groups from here (TLS-GROUP). */
static int
tlsio_prov_caps(void *provctx, const char *capability, OSSL_CALLBACK *cb,
    void *arg)
{
	(void)provctx;
	return OSSL_PROVIDER_get_capabilities(tlsio_deflt, capability, cb,
	    arg);
}

static const OSSL_DISPATCH	tlsio_prov_fns[] = {
	{ OSSL_FUNC_PROVIDER_QUERY_OPERATION,
	    (void (*)(void))tlsio_prov_query },
	{ OSSL_FUNC_PROVIDER_GET_CAPABILITIES,
	    (void (*)(void))tlsio_prov_caps },
	{ 0, NULL }
};

static int
tlsio_prov_init(const OSSL_CORE_HANDLE *handle, const OSSL_DISPATCH *in,
    const OSSL_DISPATCH **out, void **provctx)
{
	(void)handle;
	(void)in;
	*out = tlsio_prov_fns;
	/* the implementations are the default provider's: its context */
	*provctx = OSSL_PROVIDER_get0_provider_ctx(tlsio_deflt);
	return 1;
}

static void
tlsio_lctx_init(void)
{
	OSSL_LIB_CTX	*lctx = NULL;
	size_t		 i;

	if ((tlsio_inner = OSSL_LIB_CTX_new()) == NULL ||
	    (tlsio_deflt = OSSL_PROVIDER_load(tlsio_inner, "default")) ==
	    NULL)
		goto fail;
	for (i = 0; i < TLSIO_NKEEP; i++)
		if ((tlsio_kept[i] = tlsio_filter(tlsio_keep[i].op,
		    tlsio_keep[i].keep)) == NULL)
			goto fail;
	if ((lctx = OSSL_LIB_CTX_new()) == NULL ||
	    OSSL_PROVIDER_add_builtin(lctx, "casesync-tls",
	    tlsio_prov_init) != 1 ||
	    OSSL_PROVIDER_load(lctx, "casesync-tls") == NULL)
		goto fail;
	tlsio_lctx = lctx;
	return;
 fail:
	log_ssl("tlsio_lctx_init");
	OSSL_LIB_CTX_free(lctx);
}

SSL_CTX *
tlsio_server_ctx(X509 *cert, EVP_PKEY *key, X509 *ca)
{
	SSL_CTX		*ctx = NULL;
	X509_STORE	*st;

	if (pthread_once(&tlsio_once, tlsio_lctx_init) != 0 ||
	    tlsio_lctx == NULL)
		goto fail;
	if ((ctx = SSL_CTX_new_ex(tlsio_lctx, NULL,
	    TLS_server_method())) == NULL)
		goto fail;
	if (tlsio_common(ctx) != 0 ||
	    SSL_CTX_use_certificate(ctx, cert) != 1 ||
	    SSL_CTX_use_PrivateKey(ctx, key) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1 ||
	    SSL_CTX_add1_chain_cert(ctx, ca) != 1)
		goto fail;
	if ((st = SSL_CTX_get_cert_store(ctx)) == NULL ||
	    X509_STORE_add_cert(st, ca) != 1 ||
	    SSL_CTX_add_client_CA(ctx, ca) != 1 ||
	    tlsio_sigcache(st) != 0)
		goto fail;
	/*
	 * Read what the socket has in one read(2), not a record's header
	 * and then its body: a session's dozen records (the client's
	 * flight, Hello, push, pull, close_notify) took some 22 reads.
	 * Records left in OpenSSL's buffer are looked at before waiting
	 * again (session.c: SSL_has_pending); the buffer is still given
	 * back when it is empty (SSL_MODE_RELEASE_BUFFERS).
	 */
	SSL_CTX_set_read_ahead(ctx, 1);
	/* device certificates are issued directly by the CA */
	SSL_CTX_set_verify_depth(ctx, 1);
	SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER | SSL_VERIFY_CLIENT_ONCE,
	    NULL);
	SSL_CTX_set_client_hello_cb(ctx, tlsio_client_hello, NULL);
	SSL_CTX_set_alpn_select_cb(ctx, tlsio_alpn_select, NULL);
	SSL_CTX_set_cert_cb(ctx, tlsio_cert_cb, NULL);
	return ctx;
 fail:
	log_ssl("tlsio_server_ctx");
	SSL_CTX_free(ctx);
	return NULL;
}

/*
 * The laptop's context is the server's (above): it parses the server's
 * certificate through the same decoder chain, and the laptop and the
 * load generator paid it on every connection too.
 */
SSL_CTX *
tlsio_client_ctx(X509 *ca, X509 *cert, EVP_PKEY *key)
{
	SSL_CTX		*ctx = NULL;
	X509_STORE	*st;

	if (pthread_once(&tlsio_once, tlsio_lctx_init) != 0 ||
	    tlsio_lctx == NULL)
		goto fail;
	if ((ctx = SSL_CTX_new_ex(tlsio_lctx, NULL,
	    TLS_client_method())) == NULL)
		goto fail;
	if (tlsio_common(ctx) != 0 ||
	    SSL_CTX_set_alpn_protos(ctx, tlsio_alpn,
	    sizeof(tlsio_alpn) - 1) != 0)
		goto fail;
	if (ca != NULL) {
		/* named in the ClientHello: see tlsio_cert_cb() */
		if ((st = SSL_CTX_get_cert_store(ctx)) == NULL ||
		    X509_STORE_add_cert(st, ca) != 1 ||
		    SSL_CTX_add1_to_CA_list(ctx, ca) != 1)
			goto fail;
		SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
		SSL_CTX_set_verify_depth(ctx, 1);
	} else
		SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	if (cert != NULL && key != NULL &&
	    (SSL_CTX_use_certificate(ctx, cert) != 1 ||
	    SSL_CTX_use_PrivateKey(ctx, key) != 1 ||
	    SSL_CTX_check_private_key(ctx) != 1))
		goto fail;
	return ctx;
 fail:
	log_ssl("tlsio_client_ctx");
	SSL_CTX_free(ctx);
	return NULL;
}

int
tlsio_check_pinned(SSL *ssl, const uint8_t fp[PKI_HASH_LEN],
    const char *name, X509 **cap)
{
	STACK_OF(X509)	*chain;
	X509_STORE	*st = NULL;
	X509_STORE_CTX	*vctx = NULL;
	X509		*leaf, *ca = NULL, *c;
	uint8_t		 h[PKI_HASH_LEN];
	int		 i, r = CS_ERR_AUTH;

	*cap = NULL;
	if ((leaf = SSL_get0_peer_certificate(ssl)) == NULL ||
	    (chain = SSL_get_peer_cert_chain(ssl)) == NULL)
		return CS_ERR_AUTH;
	for (i = 0; i < sk_X509_num(chain); i++) {
		c = sk_X509_value(chain, i);
		if (pki_cert_fingerprint(c, h) == 0 &&
		    CRYPTO_memcmp(h, fp, PKI_HASH_LEN) == 0 &&
		    X509_check_ca(c) != 0) {
			ca = c;
			break;
		}
	}
	if (ca == NULL) {
		log_warnx("server CA does not match the pinned fingerprint");
		return CS_ERR_AUTH;
	}
	if ((st = X509_STORE_new()) == NULL ||
	    X509_STORE_add_cert(st, ca) != 1 ||
	    (vctx = X509_STORE_CTX_new()) == NULL ||
	    X509_STORE_CTX_init(vctx, st, leaf, NULL) != 1 ||
	    X509_VERIFY_PARAM_set1_host(X509_STORE_CTX_get0_param(vctx),
	    name, 0) != 1) {
		r = CS_ERR_TLS;
		goto out;
	}
	X509_STORE_CTX_set_purpose(vctx, X509_PURPOSE_SSL_SERVER);
	if (X509_verify_cert(vctx) != 1) {
		log_warnx("server certificate: %s", X509_verify_cert_error_string(
		    X509_STORE_CTX_get_error(vctx)));
		goto out;
	}
	if (X509_up_ref(ca) != 1) {
		r = CS_ERR_TLS;
		goto out;
	}
	*cap = ca;
	r = 0;
 out:
	if (r != 0)
		log_ssl("tlsio_check_pinned");
	X509_STORE_CTX_free(vctx);
	X509_STORE_free(st);
	return r;
}

int
tlsio_alpn_ok(SSL *ssl)
{
	const unsigned char	*p;
	unsigned int		 len;

	SSL_get0_alpn_selected(ssl, &p, &len);
	return len == sizeof(tlsio_alpn) - 2 &&
	    memcmp(p, tlsio_alpn + 1, len) == 0;
}
