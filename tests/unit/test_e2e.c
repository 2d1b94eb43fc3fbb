/* SPDX-License-Identifier: ISC */
/*
 * test_e2e.c - unit tests for e2e.c: record bodies (round trips, every
 * bound value and every byte changed, short and oversized buffers),
 * grants opened and verified (wrong recipient, wrong or forged signer,
 * substituted public key, changed fields), user key certificates under
 * a P-256 and an Ed25519 CA, key backups (wrong passphrase, changed
 * bytes, hostile parameters refused before Argon2 runs) and recovery
 * keys from a seed.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include "e2e.h"
#include "errors.h"
#include "pki.h"
#include "test.h"

#define BIG_LEN		(1024 * 1024)
#define OPS		crypto_pwhash_OPSLIMIT_MIN
#define MEM		crypto_pwhash_MEMLIMIT_MIN
#define PASS		"correct horse battery staple"

static uint8_t	*case_key;	/* sodium_malloc'd */

static void
put_u64(uint8_t *p, uint64_t v)
{
	int	i;

	for (i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (56 - 8 * i));
}

static void
test_body_roundtrip(void)
{
	uint8_t	*plain, *sealed, *opened, empty[1];
	size_t	 n, m;

	TEST_START("e2e_body_seal / e2e_body_open round trip, 0 and 1 MiB");
	plain = malloc(BIG_LEN);
	sealed = malloc(BIG_LEN + E2E_BODY_OVERHEAD);
	opened = malloc(BIG_LEN);
	ASSERT_TRUE(plain != NULL && sealed != NULL && opened != NULL);
	randombytes_buf(plain, BIG_LEN);

	ASSERT_INT_EQ(e2e_body_seal(case_key, "case-1", "rec-1", "note", 7,
	    empty, 0, sealed, E2E_BODY_OVERHEAD, &n), 0);
	ASSERT_INT_EQ(n, E2E_BODY_OVERHEAD);
	ASSERT_INT_EQ(e2e_body_open(case_key, "case-1", "rec-1", "note", 7,
	    sealed, n, opened, 0, &m), 0);
	ASSERT_INT_EQ(m, 0);

	ASSERT_INT_EQ(e2e_body_seal(case_key, "case-1", "rec-1", "note", 7,
	    plain, BIG_LEN, sealed, BIG_LEN + E2E_BODY_OVERHEAD, &n), 0);
	ASSERT_INT_EQ(n, BIG_LEN + E2E_BODY_OVERHEAD);
	ASSERT_INT_EQ(e2e_body_open(case_key, "case-1", "rec-1", "note", 7,
	    sealed, n, opened, BIG_LEN, &m), 0);
	ASSERT_INT_EQ(m, BIG_LEN);
	ASSERT_MEM_EQ(plain, opened, BIG_LEN);

	/* Fresh nonce each time: the same body never seals the same */
	ASSERT_INT_EQ(e2e_body_seal(case_key, "case-1", "rec-1", "note", 7,
	    plain, 64, sealed, 64 + E2E_BODY_OVERHEAD, &n), 0);
	ASSERT_INT_EQ(e2e_body_seal(case_key, "case-1", "rec-1", "note", 7,
	    plain, 64, opened, 64 + E2E_BODY_OVERHEAD, &m), 0);
	ASSERT_TRUE(memcmp(sealed, opened, n) != 0);
	free(plain);
	free(sealed);
	free(opened);
	TEST_DONE();
}

static void
test_body_nonce(void)
{
	uint8_t	 plain[64], nonce[E2E_BODY_NONCE_LEN];
	uint8_t	 a[sizeof(plain) + E2E_BODY_OVERHEAD];
	uint8_t	 b[sizeof(plain) + E2E_BODY_OVERHEAD], out[sizeof(plain)];
	size_t	 n, m;

	TEST_START("e2e_body_seal_nonce: the nonce given leads the body");
	randombytes_buf(plain, sizeof(plain));
	randombytes_buf(nonce, sizeof(nonce));
	ASSERT_INT_EQ(e2e_body_seal_nonce(case_key, "c", "r", "note", 2,
	    nonce, plain, sizeof(plain), a, sizeof(a), &n), 0);
	ASSERT_INT_EQ(n, sizeof(a));
	ASSERT_MEM_EQ(a, nonce, sizeof(nonce));
	ASSERT_INT_EQ(e2e_body_open(case_key, "c", "r", "note", 2, a, n, out,
	    sizeof(out), &m), 0);
	ASSERT_MEM_EQ(out, plain, sizeof(plain));
	/* the same nonce, the same bytes: hence one nonce per body */
	ASSERT_INT_EQ(e2e_body_seal_nonce(case_key, "c", "r", "note", 2,
	    nonce, plain, sizeof(plain), b, sizeof(b), &m), 0);
	ASSERT_MEM_EQ(a, b, sizeof(a));
	ASSERT_INT_EQ(e2e_body_seal_nonce(case_key, "c", "r", "note", 2,
	    nonce, plain, sizeof(plain), b, sizeof(b) - 1, &m),
	    CS_ERR_TOO_LARGE);
	TEST_DONE();
}

static void
test_body_bound(void)
{
	uint8_t	 plain[100], sealed[100 + E2E_BODY_OVERHEAD], out[100];
	uint8_t	*other;
	size_t	 n, m;

	TEST_START("e2e_body_open: every bound value changed is TAMPERED");
	randombytes_buf(plain, sizeof(plain));
	ASSERT_INT_EQ(e2e_body_seal(case_key, "ab", "c", "note", 3, plain,
	    sizeof(plain), sealed, sizeof(sealed), &n), 0);
	ASSERT_INT_EQ(e2e_body_open(case_key, "ab", "c", "note", 3, sealed, n,
	    out, sizeof(out), &m), 0);
	ASSERT_MEM_EQ(out, plain, sizeof(plain));

	ASSERT_INT_EQ(e2e_body_open(case_key, "ab2", "c", "note", 3, sealed,
	    n, out, sizeof(out), &m), CS_ERR_TAMPERED);
	ASSERT_INT_EQ(m, 0);
	ASSERT_INT_EQ(e2e_body_open(case_key, "ab", "d", "note", 3, sealed, n,
	    out, sizeof(out), &m), CS_ERR_TAMPERED);
	ASSERT_INT_EQ(e2e_body_open(case_key, "ab", "c", "notes", 3, sealed,
	    n, out, sizeof(out), &m), CS_ERR_TAMPERED);
	ASSERT_INT_EQ(e2e_body_open(case_key, "ab", "c", "note", 4, sealed, n,
	    out, sizeof(out), &m), CS_ERR_TAMPERED);
	ASSERT_INT_EQ(e2e_body_open(case_key, "ab", "c", "note", 3 | 1u << 31,
	    sealed, n, out, sizeof(out), &m), CS_ERR_TAMPERED);
	/* Length bytes: the same concatenation is a different body */
	ASSERT_INT_EQ(e2e_body_open(case_key, "a", "bc", "note", 3, sealed, n,
	    out, sizeof(out), &m), CS_ERR_TAMPERED);
	ASSERT_INT_EQ(e2e_body_open(case_key, "ab", "cn", "ote", 3, sealed, n,
	    out, sizeof(out), &m), CS_ERR_TAMPERED);

	other = sodium_malloc(E2E_KEY_LEN);
	ASSERT_PTR_NE(other, NULL);
	memcpy(other, case_key, E2E_KEY_LEN);
	other[E2E_KEY_LEN - 1] ^= 1;
	ASSERT_INT_EQ(e2e_body_open(other, "ab", "c", "note", 3, sealed, n,
	    out, sizeof(out), &m), CS_ERR_TAMPERED);
	e2e_case_key_new(other);
	ASSERT_INT_EQ(e2e_body_open(other, "ab", "c", "note", 3, sealed, n,
	    out, sizeof(out), &m), CS_ERR_TAMPERED);
	sodium_free(other);
	TEST_DONE();
}

static void
test_body_flip(void)
{
	uint8_t	plain[100], sealed[100 + E2E_BODY_OVERHEAD], out[101];
	uint8_t	zero[101], longer[sizeof(sealed) + 1];
	size_t	n, m, i;
	int	bit;

	TEST_START("e2e_body_open: any flipped bit or truncation is TAMPERED");
	memset(zero, 0, sizeof(zero));
	randombytes_buf(plain, sizeof(plain));
	ASSERT_INT_EQ(e2e_body_seal(case_key, "case", "rec", "note", 1, plain,
	    sizeof(plain), sealed, sizeof(sealed), &n), 0);
	for (i = 0; i < n; i++) {
		for (bit = 0; bit < 8; bit++) {
			sealed[i] ^= (uint8_t)(1 << bit);
			memset(out, 0xa5, sizeof(out));
			ASSERT_INT_EQ(e2e_body_open(case_key, "case", "rec",
			    "note", 1, sealed, n, out, sizeof(out), &m),
			    CS_ERR_TAMPERED);
			ASSERT_INT_EQ(m, 0);
			ASSERT_MEM_EQ(out, zero, sizeof(plain)); /* wiped */
			sealed[i] ^= (uint8_t)(1 << bit);
		}
	}
	for (i = E2E_BODY_OVERHEAD; i < n; i++)
		ASSERT_INT_EQ(e2e_body_open(case_key, "case", "rec", "note", 1,
		    sealed, i, out, sizeof(out), &m), CS_ERR_TAMPERED);
	/* A trailing byte is not ignored */
	memcpy(longer, sealed, n);
	longer[n] = 0;
	ASSERT_INT_EQ(e2e_body_open(case_key, "case", "rec", "note", 1,
	    longer, n + 1, out, sizeof(out), &m), CS_ERR_TAMPERED);
	ASSERT_INT_EQ(e2e_body_open(case_key, "case", "rec", "note", 1,
	    sealed, n, out, sizeof(out), &m), 0);
	ASSERT_MEM_EQ(out, plain, sizeof(plain));
	TEST_DONE();
}

static void
test_body_sizes(void)
{
	uint8_t	plain[16], sealed[16 + E2E_BODY_OVERHEAD + 1], out[17];
	char	id[257];
	size_t	n, m;

	TEST_START("e2e_body_*: short input, small buffers, bad ids");
	memset(plain, 'x', sizeof(plain));
	memset(sealed, 0, sizeof(sealed));
	ASSERT_INT_EQ(e2e_body_open(case_key, "c", "r", "k", 0, sealed,
	    E2E_BODY_OVERHEAD - 1, out, sizeof(out), &m), CS_ERR_FORMAT);
	ASSERT_INT_EQ(e2e_body_open(case_key, "c", "r", "k", 0, sealed, 0,
	    out, sizeof(out), &m), CS_ERR_FORMAT);
	ASSERT_INT_EQ(e2e_body_open(case_key, "c", "r", "k", 0, sealed,
	    E2E_BODY_OVERHEAD, out, sizeof(out), &m), CS_ERR_TAMPERED);

	/* outlen one short */
	ASSERT_INT_EQ(e2e_body_seal(case_key, "c", "r", "k", 0, plain,
	    sizeof(plain), sealed, sizeof(plain) + E2E_BODY_OVERHEAD - 1, &n),
	    CS_ERR_TOO_LARGE);
	ASSERT_INT_EQ(n, 0);
	ASSERT_INT_EQ(e2e_body_seal(case_key, "c", "r", "k", 0, plain,
	    sizeof(plain), sealed, E2E_BODY_OVERHEAD - 1, &n),
	    CS_ERR_TOO_LARGE);
	ASSERT_INT_EQ(e2e_body_seal(case_key, "c", "r", "k", 0, plain,
	    SIZE_MAX, sealed, sizeof(sealed), &n), CS_ERR_TOO_LARGE);
	ASSERT_INT_EQ(e2e_body_seal(case_key, "c", "r", "k", 0, plain,
	    sizeof(plain), sealed, sizeof(plain) + E2E_BODY_OVERHEAD, &n), 0);
	ASSERT_INT_EQ(e2e_body_open(case_key, "c", "r", "k", 0, sealed, n,
	    out, sizeof(plain) - 1, &m), CS_ERR_TOO_LARGE);
	ASSERT_INT_EQ(m, 0);
	ASSERT_INT_EQ(e2e_body_open(case_key, "c", "r", "k", 0, sealed, n,
	    out, sizeof(plain), &m), 0);
	ASSERT_INT_EQ(m, sizeof(plain));

	/* Ids of 0, 255 and 256 bytes */
	ASSERT_INT_EQ(e2e_body_seal(case_key, "", "r", "k", 0, plain,
	    sizeof(plain), sealed, sizeof(sealed), &n), CS_ERR_FORMAT);
	ASSERT_INT_EQ(e2e_body_seal(case_key, "c", "", "k", 0, plain,
	    sizeof(plain), sealed, sizeof(sealed), &n), CS_ERR_FORMAT);
	ASSERT_INT_EQ(e2e_body_seal(case_key, "c", "r", "", 0, plain,
	    sizeof(plain), sealed, sizeof(sealed), &n), CS_ERR_FORMAT);
	ASSERT_INT_EQ(e2e_body_open(case_key, "c", "r", "", 0, sealed,
	    sizeof(sealed), out, sizeof(out), &m), CS_ERR_FORMAT);
	memset(id, 'i', sizeof(id));
	id[256] = '\0';
	ASSERT_INT_EQ(e2e_body_seal(case_key, id, "r", "k", 0, plain,
	    sizeof(plain), sealed, sizeof(sealed), &n), CS_ERR_FORMAT);
	ASSERT_INT_EQ(e2e_body_seal(case_key, "c", "r", id, 0, plain,
	    sizeof(plain), sealed, sizeof(sealed), &n), CS_ERR_FORMAT);
	id[255] = '\0';
	ASSERT_INT_EQ(e2e_body_seal(case_key, id, id, id, UINT32_MAX, plain,
	    sizeof(plain), sealed, sizeof(sealed), &n), 0);
	ASSERT_INT_EQ(e2e_body_open(case_key, id, id, id, UINT32_MAX, sealed,
	    n, out, sizeof(out), &m), 0);
	ASSERT_MEM_EQ(out, plain, sizeof(plain));
	TEST_DONE();
}

static void
grant_init(struct e2e_grant *g, const char *case_id, uint32_t epoch,
    const char *to, const char *from)
{
	memset(g, 0, sizeof(*g));
	ASSERT_TRUE(strlen(case_id) < sizeof(g->case_id));
	memcpy(g->case_id, case_id, strlen(case_id) + 1);
	g->epoch = epoch;
	memcpy(g->to_user, to, strlen(to) + 1);
	memcpy(g->from_user, from, strlen(from) + 1);
}

static void
test_grant(void)
{
	struct e2e_userkeys	*alice, *bob, *mallory;
	struct e2e_grant	 g, h;
	uint8_t			*key, zero[E2E_KEY_LEN];
	size_t			 i;

	TEST_START("e2e_grant: round trip, wrong recipient, wrong signer, "
	    "substituted key, changed fields; e2e_grant_verify");
	memset(zero, 0, sizeof(zero));
	ASSERT_INT_EQ(e2e_userkeys_new(&alice), 0);
	ASSERT_INT_EQ(e2e_userkeys_new(&bob), 0);
	ASSERT_INT_EQ(e2e_userkeys_new(&mallory), 0);
	key = sodium_malloc(E2E_KEY_LEN);
	ASSERT_PTR_NE(key, NULL);

	grant_init(&g, "case-42", 2, "bob", "alice");
	ASSERT_INT_EQ(e2e_grant_make(case_key, bob->box_pk, alice, &g), 0);
	ASSERT_INT_EQ(e2e_grant_open(&g, alice->sign_pk, bob, key), 0);
	ASSERT_MEM_EQ(key, case_key, E2E_KEY_LEN);
	/* The server's check: signature only, against certified keys */
	ASSERT_INT_EQ(e2e_grant_verify(&g, bob->box_pk, alice->sign_pk), 0);
	ASSERT_INT_EQ(e2e_grant_verify(&g, mallory->box_pk, alice->sign_pk),
	    CS_ERR_TAMPERED);
	ASSERT_INT_EQ(e2e_grant_verify(&g, bob->box_pk, mallory->sign_pk),
	    CS_ERR_TAMPERED);

	/* Opened by another user, with the right signer */
	memset(key, 0xa5, E2E_KEY_LEN);
	ASSERT_INT_EQ(e2e_grant_open(&g, alice->sign_pk, mallory, key),
	    CS_ERR_TAMPERED);
	ASSERT_MEM_EQ(key, zero, E2E_KEY_LEN);

	/* Checked against someone else's signing key */
	ASSERT_INT_EQ(e2e_grant_open(&g, mallory->sign_pk, bob, key),
	    CS_ERR_TAMPERED);
	ASSERT_INT_EQ(e2e_grant_open(&g, bob->sign_pk, bob, key),
	    CS_ERR_TAMPERED);

	/* Forged: a non-member signs a grant that says it is from alice */
	grant_init(&h, "case-42", 2, "bob", "alice");
	ASSERT_INT_EQ(e2e_grant_make(case_key, bob->box_pk, mallory, &h), 0);
	ASSERT_INT_EQ(e2e_grant_open(&h, alice->sign_pk, bob, key),
	    CS_ERR_TAMPERED);
	ASSERT_MEM_EQ(key, zero, E2E_KEY_LEN);
	ASSERT_INT_EQ(e2e_grant_verify(&h, bob->box_pk, alice->sign_pk),
	    CS_ERR_TAMPERED);

	/* alice's signature on a grant from mallory's key moved over */
	memcpy(h.sig, g.sig, sizeof(h.sig));
	ASSERT_INT_EQ(e2e_grant_open(&h, alice->sign_pk, bob, key),
	    CS_ERR_TAMPERED);

	/*
	 * Substituted key: the server handed alice mallory's box key as
	 * bob's.  alice seals to it and signs over it; mallory can open
	 * it (so could anyone who holds the sealed bytes and the key),
	 * but bob, checking the signature over his own key, refuses it.
	 */
	grant_init(&h, "case-42", 2, "bob", "alice");
	ASSERT_INT_EQ(e2e_grant_make(case_key, mallory->box_pk, alice, &h),
	    0);
	ASSERT_INT_EQ(e2e_grant_open(&h, alice->sign_pk, bob, key),
	    CS_ERR_TAMPERED);
	ASSERT_MEM_EQ(key, zero, E2E_KEY_LEN);
	ASSERT_INT_EQ(e2e_grant_verify(&h, bob->box_pk, alice->sign_pk),
	    CS_ERR_TAMPERED);
	ASSERT_INT_EQ(e2e_grant_open(&h, alice->sign_pk, mallory, key), 0);
	/* ...and a sealed key swapped into a real grant breaks its sig */
	memcpy(h.sig, g.sig, sizeof(h.sig));
	ASSERT_INT_EQ(e2e_grant_open(&h, alice->sign_pk, bob, key),
	    CS_ERR_TAMPERED);
	memcpy(&h, &g, sizeof(h));
	ASSERT_INT_EQ(e2e_grant_open(&h, alice->sign_pk, bob, key), 0);

	/* Each field changed */
	memcpy(&h, &g, sizeof(h));
	h.case_id[6] = '3';
	ASSERT_INT_EQ(e2e_grant_open(&h, alice->sign_pk, bob, key),
	    CS_ERR_TAMPERED);
	ASSERT_INT_EQ(e2e_grant_verify(&h, bob->box_pk, alice->sign_pk),
	    CS_ERR_TAMPERED);
	memcpy(&h, &g, sizeof(h));
	h.epoch = 3;
	ASSERT_INT_EQ(e2e_grant_open(&h, alice->sign_pk, bob, key),
	    CS_ERR_TAMPERED);
	ASSERT_INT_EQ(e2e_grant_verify(&h, bob->box_pk, alice->sign_pk),
	    CS_ERR_TAMPERED);
	memcpy(&h, &g, sizeof(h));
	memcpy(h.to_user, "eve", 4);
	ASSERT_INT_EQ(e2e_grant_open(&h, alice->sign_pk, bob, key),
	    CS_ERR_TAMPERED);
	ASSERT_INT_EQ(e2e_grant_verify(&h, bob->box_pk, alice->sign_pk),
	    CS_ERR_TAMPERED);
	memcpy(&h, &g, sizeof(h));
	memcpy(h.from_user, "alicf", 6);
	ASSERT_INT_EQ(e2e_grant_open(&h, alice->sign_pk, bob, key),
	    CS_ERR_TAMPERED);
	ASSERT_INT_EQ(e2e_grant_verify(&h, bob->box_pk, alice->sign_pk),
	    CS_ERR_TAMPERED);
	for (i = 0; i < sizeof(g.sealed); i++) {
		memcpy(&h, &g, sizeof(h));
		h.sealed[i] ^= 0x01;
		ASSERT_INT_EQ(e2e_grant_open(&h, alice->sign_pk, bob, key),
		    CS_ERR_TAMPERED);
		ASSERT_INT_EQ(e2e_grant_verify(&h, bob->box_pk,
		    alice->sign_pk), CS_ERR_TAMPERED);
	}
	for (i = 0; i < sizeof(g.sig); i++) {
		memcpy(&h, &g, sizeof(h));
		h.sig[i] ^= 0x80;
		ASSERT_INT_EQ(e2e_grant_open(&h, alice->sign_pk, bob, key),
		    CS_ERR_TAMPERED);
	}
	ASSERT_MEM_EQ(key, zero, E2E_KEY_LEN);

	/* Malformed names: not NUL-terminated, empty */
	memcpy(&h, &g, sizeof(h));
	memset(h.to_user, 'b', sizeof(h.to_user));
	ASSERT_INT_EQ(e2e_grant_open(&h, alice->sign_pk, bob, key),
	    CS_ERR_FORMAT);
	ASSERT_INT_EQ(e2e_grant_verify(&h, bob->box_pk, alice->sign_pk),
	    CS_ERR_FORMAT);
	ASSERT_INT_EQ(e2e_grant_make(case_key, bob->box_pk, alice, &h),
	    CS_ERR_FORMAT);
	grant_init(&h, "case-42", 2, "bob", "");
	ASSERT_INT_EQ(e2e_grant_make(case_key, bob->box_pk, alice, &h),
	    CS_ERR_FORMAT);
	grant_init(&h, "", 2, "bob", "alice");
	ASSERT_INT_EQ(e2e_grant_make(case_key, bob->box_pk, alice, &h),
	    CS_ERR_FORMAT);
	/* A small-order recipient key is refused */
	grant_init(&h, "case-42", 2, "bob", "alice");
	ASSERT_INT_NE(e2e_grant_make(case_key, zero, alice, &h), 0);

	sodium_free(key);
	e2e_userkeys_free(alice);
	e2e_userkeys_free(bob);
	e2e_userkeys_free(mallory);
	e2e_userkeys_free(NULL);
	TEST_DONE();
}

static void
usercert_checks(EVP_PKEY *cakey, X509 *ca, X509 *other_ca)
{
	struct e2e_userkeys	*u;
	struct e2e_usercert	 c, d;

	ASSERT_INT_EQ(e2e_userkeys_new(&u), 0);
	memset(&c, 0, sizeof(c));
	memcpy(c.user, "j.devries", 10);
	memcpy(c.box_pk, u->box_pk, E2E_PK_LEN);
	memcpy(c.sign_pk, u->sign_pk, E2E_PK_LEN);
	c.issued = 1700000000;
	ASSERT_INT_EQ(e2e_usercert_sign(cakey, &c), 0);
	ASSERT_TRUE(c.siglen > 0 && c.siglen <= E2E_CERT_SIG_MAX);
	ASSERT_INT_EQ(e2e_usercert_verify(ca, &c), 0);
	ASSERT_INT_EQ(e2e_usercert_verify(other_ca, &c), CS_ERR_TAMPERED);

	memcpy(&d, &c, sizeof(d));
	d.user[0] = 'k';
	ASSERT_INT_EQ(e2e_usercert_verify(ca, &d), CS_ERR_TAMPERED);
	memcpy(&d, &c, sizeof(d));
	memcpy(d.user, "j.devries2", 11);
	ASSERT_INT_EQ(e2e_usercert_verify(ca, &d), CS_ERR_TAMPERED);
	memcpy(&d, &c, sizeof(d));
	d.box_pk[31] ^= 1;
	ASSERT_INT_EQ(e2e_usercert_verify(ca, &d), CS_ERR_TAMPERED);
	memcpy(&d, &c, sizeof(d));
	d.sign_pk[0] ^= 1;
	ASSERT_INT_EQ(e2e_usercert_verify(ca, &d), CS_ERR_TAMPERED);
	memcpy(&d, &c, sizeof(d));
	d.issued++;
	ASSERT_INT_EQ(e2e_usercert_verify(ca, &d), CS_ERR_TAMPERED);
	memcpy(&d, &c, sizeof(d));
	d.issued = -d.issued;
	ASSERT_INT_EQ(e2e_usercert_verify(ca, &d), CS_ERR_TAMPERED);
	memcpy(&d, &c, sizeof(d));
	d.sig[d.siglen / 2] ^= 0x10;
	ASSERT_INT_EQ(e2e_usercert_verify(ca, &d), CS_ERR_TAMPERED);
	memcpy(&d, &c, sizeof(d));
	d.sig[d.siglen - 1] ^= 0x01;
	ASSERT_INT_EQ(e2e_usercert_verify(ca, &d), CS_ERR_TAMPERED);
	memcpy(&d, &c, sizeof(d));
	d.siglen--;
	ASSERT_INT_EQ(e2e_usercert_verify(ca, &d), CS_ERR_TAMPERED);
	memcpy(&d, &c, sizeof(d));
	d.siglen = 0;
	ASSERT_INT_EQ(e2e_usercert_verify(ca, &d), CS_ERR_TAMPERED);
	memcpy(&d, &c, sizeof(d));
	d.siglen = E2E_CERT_SIG_MAX + 1;
	ASSERT_INT_EQ(e2e_usercert_verify(ca, &d), CS_ERR_FORMAT);
	memcpy(&d, &c, sizeof(d));
	memset(d.user, 'u', sizeof(d.user));
	ASSERT_INT_EQ(e2e_usercert_verify(ca, &d), CS_ERR_FORMAT);
	ASSERT_INT_EQ(e2e_usercert_sign(cakey, &d), CS_ERR_FORMAT);
	ASSERT_INT_EQ(d.siglen, 0);
	memcpy(&d, &c, sizeof(d));
	d.user[0] = '\0';
	ASSERT_INT_EQ(e2e_usercert_sign(cakey, &d), CS_ERR_FORMAT);
	/* A 255-byte name is fine */
	memcpy(&d, &c, sizeof(d));
	memset(d.user, 'u', 255);
	d.user[255] = '\0';
	ASSERT_INT_EQ(e2e_usercert_sign(cakey, &d), 0);
	ASSERT_INT_EQ(e2e_usercert_verify(ca, &d), 0);
	ASSERT_INT_EQ(e2e_usercert_verify(ca, &c), 0);
	e2e_userkeys_free(u);
	ERR_clear_error();
}

static void
test_usercert(void)
{
	EVP_PKEY	*eckey = NULL, *edkey, *eckey2 = NULL, *rsa;
	X509		*ecca = NULL, *edca = NULL, *ecca2 = NULL;
	struct e2e_usercert c;

	TEST_START("e2e_usercert: P-256 and Ed25519 CAs, every field bound");
	ASSERT_INT_EQ(pki_key_new(&eckey), 0);
	ASSERT_INT_EQ(pki_ca_create(eckey, "casesync CA", 30, &ecca), 0);
	ASSERT_INT_EQ(pki_key_new(&eckey2), 0);
	ASSERT_INT_EQ(pki_ca_create(eckey2, "casesync CA", 30, &ecca2), 0);
	edkey = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	ASSERT_PTR_NE(edkey, NULL);
	ASSERT_INT_EQ(pki_ca_create(edkey, "casesync CA", 30, &edca), 0);

	usercert_checks(eckey, ecca, ecca2);
	usercert_checks(eckey, ecca, edca);
	usercert_checks(edkey, edca, ecca);

	/* Signed by one CA's key, checked against another of the same CN */
	memset(&c, 0, sizeof(c));
	memcpy(c.user, "x", 2);
	ASSERT_INT_EQ(e2e_usercert_sign(eckey2, &c), 0);
	ASSERT_INT_EQ(e2e_usercert_verify(ecca2, &c), 0);
	ASSERT_INT_EQ(e2e_usercert_verify(ecca, &c), CS_ERR_TAMPERED);

	/* Neither EC nor Ed25519 */
	rsa = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024);
	ASSERT_PTR_NE(rsa, NULL);
	ASSERT_INT_EQ(e2e_usercert_sign(rsa, &c), CS_ERR_FORMAT);
	ASSERT_INT_EQ(c.siglen, 0);
	EVP_PKEY_free(rsa);

	ERR_clear_error();
	X509_free(ecca);
	X509_free(ecca2);
	X509_free(edca);
	EVP_PKEY_free(eckey);
	EVP_PKEY_free(eckey2);
	EVP_PKEY_free(edkey);
	TEST_DONE();
}

static void
test_backup_sig(void)
{
	struct e2e_userkeys	*k, *o;
	uint8_t			 b[E2E_BACKUP_LEN], sig[E2E_SIG_LEN];
	size_t			 i;

	TEST_START("e2e_backup_sign/verify: the user's key only, every byte");
	ASSERT_INT_EQ(e2e_userkeys_new(&k), 0);
	ASSERT_INT_EQ(e2e_userkeys_new(&o), 0);
	randombytes_buf(b, sizeof(b));
	e2e_backup_sign(k, b, sig);
	ASSERT_INT_EQ(e2e_backup_verify(k->sign_pk, b, sig), 0);
	ASSERT_INT_EQ(e2e_backup_verify(o->sign_pk, b, sig), CS_ERR_CRYPTO);
	/* every byte of the backup and of the signature counts */
	for (i = 0; i < sizeof(b); i++) {
		b[i] ^= 0x80;
		ASSERT_INT_EQ(e2e_backup_verify(k->sign_pk, b, sig),
		    CS_ERR_CRYPTO);
		b[i] ^= 0x80;
	}
	for (i = 0; i < sizeof(sig); i++) {
		sig[i] ^= 0x01;
		ASSERT_INT_EQ(e2e_backup_verify(k->sign_pk, b, sig),
		    CS_ERR_CRYPTO);
		sig[i] ^= 0x01;
	}
	ASSERT_INT_EQ(e2e_backup_verify(k->sign_pk, b, sig), 0);
	e2e_userkeys_free(k);
	e2e_userkeys_free(o);
	TEST_DONE();
}

static void
test_backup(void)
{
	struct e2e_userkeys	*k, *o = NULL;
	uint8_t			 b[E2E_BACKUP_LEN], c[E2E_BACKUP_LEN + 1];
	size_t			 i;
	int			 r;

	TEST_START("e2e_backup: round trip, wrong passphrase, changed bytes");
	ASSERT_INT_EQ(e2e_userkeys_new(&k), 0);
	ASSERT_INT_EQ(e2e_backup_seal(k, "j.devries", PASS, strlen(PASS), OPS,
	    MEM, b), 0);
	ASSERT_MEM_EQ(b, "CSKB\001", 5);
	ASSERT_INT_EQ(e2e_backup_open(b, sizeof(b), "j.devries", PASS,
	    strlen(PASS), &o), 0);
	ASSERT_PTR_NE(o, NULL);
	ASSERT_MEM_EQ(o->box_pk, k->box_pk, E2E_PK_LEN);
	ASSERT_MEM_EQ(o->box_sk, k->box_sk, sizeof(k->box_sk));
	ASSERT_MEM_EQ(o->sign_pk, k->sign_pk, E2E_PK_LEN);
	ASSERT_MEM_EQ(o->sign_sk, k->sign_sk, sizeof(k->sign_sk));
	e2e_userkeys_free(o);
	o = NULL;

	ASSERT_INT_EQ(e2e_backup_open(b, sizeof(b), "j.devries",
	    "correct horse battery stapler", strlen(PASS) + 1, &o),
	    CS_ERR_PASSPHRASE);
	ASSERT_PTR_EQ(o, NULL);
	ASSERT_INT_EQ(e2e_backup_open(b, sizeof(b), "j.devries", PASS,
	    strlen(PASS) - 1, &o), CS_ERR_PASSPHRASE);
	ASSERT_INT_EQ(e2e_backup_open(b, sizeof(b), "j.devrie", PASS,
	    strlen(PASS), &o), CS_ERR_PASSPHRASE);

	/*
	 * Every byte: the parameters may land in or out of range, the
	 * rest (salt, nonce, ciphertext, tag) is authenticated.
	 */
	for (i = 0; i < sizeof(b); i++) {
		memcpy(c, b, sizeof(b));
		c[i] ^= 0x01;
		r = e2e_backup_open(c, sizeof(b), "j.devries", PASS,
		    strlen(PASS), &o);
		ASSERT_PTR_EQ(o, NULL);
		if (i < 5)
			ASSERT_INT_EQ(r, CS_ERR_FORMAT);
		else if (i < 21)
			ASSERT_TRUE(r == CS_ERR_FORMAT ||
			    r == CS_ERR_PASSPHRASE);
		else
			ASSERT_INT_EQ(r, CS_ERR_PASSPHRASE);
	}
	/* opslimit 1 -> 2 is in range, so only the AD catches it */
	memcpy(c, b, sizeof(b));
	c[12] = 2;
	ASSERT_INT_EQ(e2e_backup_open(c, sizeof(b), "j.devries", PASS,
	    strlen(PASS), &o), CS_ERR_PASSPHRASE);

	e2e_userkeys_free(k);
	TEST_DONE();
}

static void
test_backup_format(void)
{
	struct e2e_userkeys	*k, *o = NULL;
	uint8_t			 b[E2E_BACKUP_LEN], c[E2E_BACKUP_LEN + 1];
	char			 pass[1026];
	time_t			 t0;

	TEST_START("e2e_backup: bad length, version, parameters, passphrase");
	ASSERT_INT_EQ(e2e_userkeys_new(&k), 0);
	ASSERT_INT_EQ(e2e_backup_seal(k, "u", PASS, strlen(PASS), OPS, MEM,
	    b), 0);

	ASSERT_INT_EQ(e2e_backup_open(b, sizeof(b) - 1, "u", PASS,
	    strlen(PASS), &o), CS_ERR_FORMAT);
	memcpy(c, b, sizeof(b));
	c[sizeof(b)] = 0;
	ASSERT_INT_EQ(e2e_backup_open(c, sizeof(c), "u", PASS, strlen(PASS),
	    &o), CS_ERR_FORMAT);
	ASSERT_INT_EQ(e2e_backup_open(b, 0, "u", PASS, strlen(PASS), &o),
	    CS_ERR_FORMAT);
	memcpy(c, b, sizeof(b));
	c[4] = 2;
	ASSERT_INT_EQ(e2e_backup_open(c, sizeof(b), "u", PASS, strlen(PASS),
	    &o), CS_ERR_FORMAT);
	memcpy(c, b, sizeof(b));
	c[0] = 'X';
	ASSERT_INT_EQ(e2e_backup_open(c, sizeof(b), "u", PASS, strlen(PASS),
	    &o), CS_ERR_FORMAT);

	/*
	 * Hostile parameters must be refused before Argon2 runs: a 1 GiB +
	 * 1 or 2^64 - 1 memlimit, an opslimit of 0 or 2^64 - 1.  Argon2
	 * with any of them would take seconds or fail on memory.
	 */
	t0 = time(NULL);
	memcpy(c, b, sizeof(b));
	put_u64(c + 13, (uint64_t)crypto_pwhash_MEMLIMIT_SENSITIVE + 1);
	ASSERT_INT_EQ(e2e_backup_open(c, sizeof(b), "u", PASS, strlen(PASS),
	    &o), CS_ERR_FORMAT);
	put_u64(c + 13, UINT64_MAX);
	ASSERT_INT_EQ(e2e_backup_open(c, sizeof(b), "u", PASS, strlen(PASS),
	    &o), CS_ERR_FORMAT);
	put_u64(c + 13, (uint64_t)crypto_pwhash_MEMLIMIT_MIN - 1);
	ASSERT_INT_EQ(e2e_backup_open(c, sizeof(b), "u", PASS, strlen(PASS),
	    &o), CS_ERR_FORMAT);
	memcpy(c, b, sizeof(b));
	put_u64(c + 5, 0);
	ASSERT_INT_EQ(e2e_backup_open(c, sizeof(b), "u", PASS, strlen(PASS),
	    &o), CS_ERR_FORMAT);
	put_u64(c + 5, 4 * (uint64_t)crypto_pwhash_OPSLIMIT_SENSITIVE + 1);
	ASSERT_INT_EQ(e2e_backup_open(c, sizeof(b), "u", PASS, strlen(PASS),
	    &o), CS_ERR_FORMAT);
	put_u64(c + 5, UINT64_MAX);
	ASSERT_INT_EQ(e2e_backup_open(c, sizeof(b), "u", PASS, strlen(PASS),
	    &o), CS_ERR_FORMAT);
	ASSERT_TRUE(time(NULL) - t0 <= 1);
	ASSERT_PTR_EQ(o, NULL);

	/* The sealer refuses what the opener would */
	ASSERT_INT_EQ(e2e_backup_seal(k, "u", PASS, strlen(PASS), OPS,
	    crypto_pwhash_MEMLIMIT_SENSITIVE + 1, c), CS_ERR_FORMAT);
	ASSERT_INT_EQ(e2e_backup_seal(k, "u", PASS, strlen(PASS), 0, MEM, c),
	    CS_ERR_FORMAT);
	ASSERT_INT_EQ(e2e_backup_seal(k, "u", PASS, strlen(PASS),
	    4 * crypto_pwhash_OPSLIMIT_SENSITIVE + 1, MEM, c), CS_ERR_FORMAT);
	ASSERT_INT_EQ(e2e_backup_seal(k, "u", PASS, strlen(PASS), OPS,
	    crypto_pwhash_MEMLIMIT_MIN - 1, c), CS_ERR_FORMAT);

	/* Passphrases of 0, 1, 1024 and 1025 bytes; user names */
	memset(pass, 'p', sizeof(pass));
	ASSERT_INT_EQ(e2e_backup_seal(k, "u", pass, 0, OPS, MEM, c),
	    CS_ERR_FORMAT);
	ASSERT_INT_EQ(e2e_backup_seal(k, "u", pass, 1025, OPS, MEM, c),
	    CS_ERR_FORMAT);
	ASSERT_INT_EQ(e2e_backup_open(b, sizeof(b), "u", pass, 0, &o),
	    CS_ERR_FORMAT);
	ASSERT_INT_EQ(e2e_backup_open(b, sizeof(b), "u", pass, 1025, &o),
	    CS_ERR_FORMAT);
	ASSERT_INT_EQ(e2e_backup_seal(k, "", PASS, strlen(PASS), OPS, MEM,
	    c), CS_ERR_FORMAT);
	ASSERT_INT_EQ(e2e_backup_open(b, sizeof(b), "", PASS, strlen(PASS),
	    &o), CS_ERR_FORMAT);
	ASSERT_INT_EQ(e2e_backup_seal(k, "u", pass, 1, OPS, MEM, c), 0);
	ASSERT_INT_EQ(e2e_backup_open(c, sizeof(b), "u", pass, 1, &o), 0);
	ASSERT_MEM_EQ(o->sign_sk, k->sign_sk, sizeof(k->sign_sk));
	e2e_userkeys_free(o);
	o = NULL;
	ASSERT_INT_EQ(e2e_backup_seal(k, "u", pass, 1024, OPS, MEM, c), 0);
	ASSERT_INT_EQ(e2e_backup_open(c, sizeof(b), "u", pass, 1024, &o), 0);
	ASSERT_MEM_EQ(o->box_sk, k->box_sk, sizeof(k->box_sk));
	e2e_userkeys_free(o);
	e2e_userkeys_free(k);
	TEST_DONE();
}

static void
test_seed(void)
{
	struct e2e_userkeys	*a, *b, *c;
	uint8_t			 seed[E2E_SEED_LEN];
	uint8_t			 m[] = "recovery", sig[E2E_SIG_LEN];
	uint8_t			 sealed[E2E_KEY_LEN + crypto_box_SEALBYTES];
	uint8_t			 key[E2E_KEY_LEN];

	TEST_START("e2e_userkeys_from_seed: deterministic, seeds differ");
	randombytes_buf(seed, sizeof(seed));
	ASSERT_INT_EQ(e2e_userkeys_from_seed(seed, &a), 0);
	ASSERT_INT_EQ(e2e_userkeys_from_seed(seed, &b), 0);
	ASSERT_MEM_EQ(a, b, sizeof(*a));
	/* The box and sign keys come from different subkeys */
	ASSERT_TRUE(memcmp(a->box_sk, a->sign_sk, 32) != 0);
	seed[0] ^= 1;
	ASSERT_INT_EQ(e2e_userkeys_from_seed(seed, &c), 0);
	ASSERT_TRUE(memcmp(a->box_pk, c->box_pk, E2E_PK_LEN) != 0);
	ASSERT_TRUE(memcmp(a->box_sk, c->box_sk, sizeof(a->box_sk)) != 0);
	ASSERT_TRUE(memcmp(a->sign_pk, c->sign_pk, E2E_PK_LEN) != 0);
	ASSERT_TRUE(memcmp(a->sign_sk, c->sign_sk, sizeof(a->sign_sk)) != 0);

	/* The pairs work together */
	ASSERT_INT_EQ(crypto_sign_detached(sig, NULL, m, sizeof(m),
	    a->sign_sk), 0);
	ASSERT_INT_EQ(crypto_sign_verify_detached(sig, m, sizeof(m),
	    b->sign_pk), 0);
	ASSERT_INT_NE(crypto_sign_verify_detached(sig, m, sizeof(m),
	    c->sign_pk), 0);
	ASSERT_INT_EQ(crypto_box_seal(sealed, case_key, E2E_KEY_LEN,
	    a->box_pk), 0);
	ASSERT_INT_EQ(crypto_box_seal_open(key, sealed, sizeof(sealed),
	    b->box_pk, b->box_sk), 0);
	ASSERT_MEM_EQ(key, case_key, E2E_KEY_LEN);
	sodium_memzero(key, sizeof(key));
	sodium_memzero(seed, sizeof(seed));
	e2e_userkeys_free(a);
	e2e_userkeys_free(b);
	e2e_userkeys_free(c);

	/* Random pairs differ */
	ASSERT_INT_EQ(e2e_userkeys_new(&a), 0);
	ASSERT_INT_EQ(e2e_userkeys_new(&b), 0);
	ASSERT_TRUE(memcmp(a->box_sk, b->box_sk, sizeof(a->box_sk)) != 0);
	ASSERT_TRUE(memcmp(a->sign_sk, b->sign_sk, sizeof(a->sign_sk)) != 0);
	e2e_userkeys_free(a);
	e2e_userkeys_free(b);
	TEST_DONE();
}

int
main(void)
{
	if (sodium_init() < 0)
		return 1;
	if ((case_key = sodium_malloc(E2E_KEY_LEN)) == NULL)
		return 1;
	e2e_case_key_new(case_key);
	test_body_roundtrip();
	test_body_nonce();
	test_body_bound();
	test_body_flip();
	test_body_sizes();
	test_grant();
	test_usercert();
	test_backup();
	test_backup_sig();
	test_backup_format();
	test_seed();
	sodium_free(case_key);
	return 0;
}
