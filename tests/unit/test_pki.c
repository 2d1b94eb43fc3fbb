/* SPDX-License-Identifier: ISC */
/*
 * test_pki.c - unit tests for pki.c: the deployment CA, server and
 * device certificates verified the way TLS peers verify them (an
 * X509_STORE with the right purpose and host), PEM/DER round trips,
 * and CSR parsing of good, truncated, padded, forged and wrong-key
 * requests.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "errors.h"
#include "pki.h"
#include "test.h"

static EVP_PKEY	*ca_key;
static X509	*ca_cert;

/* Verify "cert" against our CA only, for "purpose" (and "host"). */
static int
verify(X509 *cert, int purpose, const char *host)
{
	X509_STORE	*store;
	X509_STORE_CTX	*ctx;
	int		 ok;

	store = X509_STORE_new();
	ASSERT_PTR_NE(store, NULL);
	ASSERT_INT_EQ(X509_STORE_add_cert(store, ca_cert), 1);
	ctx = X509_STORE_CTX_new();
	ASSERT_PTR_NE(ctx, NULL);
	ASSERT_INT_EQ(X509_STORE_CTX_init(ctx, store, cert, NULL), 1);
	ASSERT_INT_EQ(X509_STORE_CTX_set_purpose(ctx, purpose), 1);
	if (host != NULL)
		ASSERT_INT_EQ(X509_VERIFY_PARAM_set1_host(
		    X509_STORE_CTX_get0_param(ctx), host, 0), 1);
	ok = X509_verify_cert(ctx);
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(store);
	ERR_clear_error();
	return ok == 1;
}

static void
test_ca(void)
{
	int64_t	na, now = (int64_t)time(NULL);

	TEST_START("pki_ca_create: a self-signed P-256 CA, 10 years");
	ASSERT_INT_EQ(pki_key_new(&ca_key), 0);
	ASSERT_INT_EQ(pki_ca_create(ca_key, "casesync deployment CA", 3650,
	    &ca_cert), 0);
	ASSERT_INT_EQ(X509_check_ca(ca_cert), 1);
	ASSERT_INT_EQ(X509_check_issued(ca_cert, ca_cert), X509_V_OK);
	ASSERT_TRUE((X509_get_key_usage(ca_cert) & KU_KEY_CERT_SIGN) != 0);
	ASSERT_TRUE(X509_get0_subject_key_id(ca_cert) != NULL);
	ASSERT_INT_EQ(pki_cert_not_after(ca_cert, &na), 0);
	ASSERT_TRUE(na >= now + 3650 * 86400 - 5 &&
	    na <= now + 3650 * 86400 + 5);
	ASSERT_INT_EQ(verify(ca_cert, X509_PURPOSE_ANY, NULL), 1);
	TEST_DONE();
}

static void
test_ca_bad_args(void)
{
	X509	*x = NULL;
	char	 cn[66];

	TEST_START("pki_ca_create rejects bad days and CN");
	ASSERT_INT_EQ(pki_ca_create(ca_key, "x", 0, &x), CS_ERR_FORMAT);
	ASSERT_PTR_EQ(x, NULL);
	ASSERT_INT_EQ(pki_ca_create(ca_key, "", 10, &x), CS_ERR_FORMAT);
	memset(cn, 'a', sizeof(cn) - 1);
	cn[sizeof(cn) - 1] = '\0';		/* 65 > ub-common-name */
	ASSERT_INT_EQ(pki_ca_create(ca_key, cn, 10, &x), CS_ERR_FORMAT);
	cn[64] = '\0';
	ASSERT_INT_EQ(pki_ca_create(ca_key, cn, 10, &x), 0);
	X509_free(x);
	TEST_DONE();
}

static void
test_server_cert(void)
{
	EVP_PKEY	*key = NULL;
	X509		*x = NULL;
	int64_t		 na, now = (int64_t)time(NULL);

	TEST_START("pki_cert_issue: server certificate verifies for its name");
	ASSERT_INT_EQ(pki_key_new(&key), 0);
	ASSERT_INT_EQ(pki_cert_issue(ca_cert, ca_key, key, "srv.example",
	    "srv.example", 365 * 86400, &x), 0);
	ASSERT_INT_EQ(verify(x, X509_PURPOSE_SSL_SERVER, "srv.example"), 1);
	ASSERT_INT_EQ(verify(x, X509_PURPOSE_SSL_SERVER, "other.example"),
	    0);
	ASSERT_INT_EQ(verify(x, X509_PURPOSE_SSL_CLIENT, NULL), 0);
	ASSERT_INT_EQ(X509_check_ca(x), 0);
	ASSERT_INT_EQ(X509_check_host(x, "srv.example", 0, 0, NULL), 1);
	ASSERT_INT_EQ(pki_cert_not_after(x, &na), 0);
	ASSERT_TRUE(na >= now + 365 * 86400 - 5 &&
	    na <= now + 365 * 86400 + 5);
	ASSERT_INT_EQ(X509_check_private_key(x, key), 1);
	X509_free(x);
	x = NULL;

	/* An IP literal gets an iPAddress entry as well */
	ASSERT_INT_EQ(pki_cert_issue(ca_cert, ca_key, key, "127.0.0.1",
	    "127.0.0.1", 3600, &x), 0);
	ASSERT_INT_EQ(X509_check_ip_asc(x, "127.0.0.1", 0), 1);
	X509_free(x);
	x = NULL;

	/* Nothing of the name is interpreted as config syntax */
	ASSERT_INT_EQ(pki_cert_issue(ca_cert, ca_key, key, "a",
	    "a.example,DNS:evil.example", 3600, &x), CS_ERR_FORMAT);
	ASSERT_INT_EQ(pki_cert_issue(ca_cert, ca_key, key, "a",
	    "", 3600, &x), CS_ERR_FORMAT);
	ASSERT_INT_EQ(pki_cert_issue(ca_cert, ca_key, key, "a",
	    "a..b", 3600, &x), CS_ERR_FORMAT);
	ASSERT_PTR_EQ(x, NULL);
	EVP_PKEY_free(key);
	TEST_DONE();
}

static void
test_device_cert(void)
{
	EVP_PKEY	*key = NULL, *ed = NULL, *other = NULL;
	X509		*x = NULL;
	uint8_t		 h1[PKI_HASH_LEN], h2[PKI_HASH_LEN];

	TEST_START("pki_cert_issue: device certificates (P-256, Ed25519)");
	ASSERT_INT_EQ(pki_key_new(&key), 0);
	ASSERT_INT_EQ(pki_cert_issue(ca_cert, ca_key, key, "laptop-1", NULL,
	    7 * 86400, &x), 0);
	ASSERT_INT_EQ(verify(x, X509_PURPOSE_SSL_CLIENT, NULL), 1);
	ASSERT_INT_EQ(verify(x, X509_PURPOSE_SSL_SERVER, NULL), 0);
	/* The identity is the key: same hash from the cert's key */
	ASSERT_INT_EQ(pki_pubkey_hash(key, h1), 0);
	ASSERT_INT_EQ(pki_pubkey_hash(X509_get0_pubkey(x), h2), 0);
	ASSERT_MEM_EQ(h1, h2, PKI_HASH_LEN);
	/* and from the certificate's own bytes, as the server hashes it */
	memset(h2, 0, sizeof(h2));
	ASSERT_INT_EQ(pki_cert_pubkey_hash(x, h2), 0);
	ASSERT_MEM_EQ(h1, h2, PKI_HASH_LEN);
	X509_free(x);
	x = NULL;

	ed = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	ASSERT_PTR_NE(ed, NULL);
	ASSERT_INT_EQ(pki_cert_issue(ca_cert, ca_key, ed, "laptop-2", NULL,
	    86400, &x), 0);
	ASSERT_INT_EQ(verify(x, X509_PURPOSE_SSL_CLIENT, NULL), 1);
	ASSERT_INT_EQ(pki_pubkey_hash(ed, h1), 0);
	ASSERT_INT_EQ(pki_cert_pubkey_hash(x, h2), 0);
	ASSERT_MEM_EQ(h1, h2, PKI_HASH_LEN);
	X509_free(x);
	x = NULL;

	/* The wrong CA key is refused before anything is signed */
	ASSERT_INT_EQ(pki_key_new(&other), 0);
	ASSERT_INT_NE(pki_cert_issue(ca_cert, other, key, "x", NULL, 60, &x),
	    0);
	ASSERT_PTR_EQ(x, NULL);
	ASSERT_INT_EQ(pki_cert_issue(ca_cert, ca_key, key, "x", NULL, 0, &x),
	    CS_ERR_FORMAT);
	EVP_PKEY_free(other);
	EVP_PKEY_free(ed);
	EVP_PKEY_free(key);
	TEST_DONE();
}

static void
test_cert_clamped(void)
{
	EVP_PKEY	*key = NULL;
	X509		*x = NULL;
	int64_t		 ca_na, na;

	TEST_START("pki_cert_issue never outlives the CA");
	ASSERT_INT_EQ(pki_key_new(&key), 0);
	ASSERT_INT_EQ(pki_cert_issue(ca_cert, ca_key, key, "long", NULL,
	    (int64_t)20 * 365 * 86400, &x), 0);
	ASSERT_INT_EQ(pki_cert_not_after(ca_cert, &ca_na), 0);
	ASSERT_INT_EQ(pki_cert_not_after(x, &na), 0);
	ASSERT_INT_EQ(na, ca_na);
	X509_free(x);
	EVP_PKEY_free(key);
	TEST_DONE();
}

static void
test_key_pem(void)
{
	EVP_PKEY	*key = NULL;
	char		*pem = NULL;
	size_t		 len;
	uint8_t		 h1[PKI_HASH_LEN], h2[PKI_HASH_LEN];

	TEST_START("private key PEM round trip");
	ASSERT_INT_EQ(pki_key_to_pem(ca_key, &pem, &len), 0);
	ASSERT_INT_EQ(strlen(pem), len);
	ASSERT_INT_EQ(strncmp(pem, "-----BEGIN PRIVATE KEY-----", 27), 0);
	ASSERT_INT_EQ(pki_key_from_pem(pem, len, &key), 0);
	ASSERT_INT_EQ(EVP_PKEY_eq(key, ca_key), 1);
	ASSERT_INT_EQ(pki_pubkey_hash(key, h1), 0);
	ASSERT_INT_EQ(pki_pubkey_hash(ca_key, h2), 0);
	ASSERT_MEM_EQ(h1, h2, PKI_HASH_LEN);
	EVP_PKEY_free(key);
	key = NULL;
	/* Truncated, empty and garbage PEM */
	ASSERT_INT_EQ(pki_key_from_pem(pem, len / 2, &key), CS_ERR_FORMAT);
	ASSERT_INT_EQ(pki_key_from_pem(pem, 0, &key), CS_ERR_FORMAT);
	ASSERT_INT_EQ(pki_key_from_pem("hello", 5, &key), CS_ERR_FORMAT);
	ASSERT_PTR_EQ(key, NULL);
	pki_pem_free(pem);
	pki_pem_free(NULL);
	ERR_clear_error();
	TEST_DONE();
}

static void
test_cert_pem_der(void)
{
	X509		*x = NULL;
	char		*pem = NULL;
	uint8_t		*der = NULL, *der2, fp[PKI_HASH_LEN], md[32];
	size_t		 len, dlen;
	unsigned int	 mdlen;

	TEST_START("certificate PEM and DER round trips, fingerprint");
	ASSERT_INT_EQ(pki_cert_to_pem(ca_cert, &pem, &len), 0);
	ASSERT_INT_EQ(pki_cert_from_pem(pem, len, &x), 0);
	ASSERT_INT_EQ(X509_cmp(x, ca_cert), 0);
	X509_free(x);
	x = NULL;
	ASSERT_INT_EQ(pki_cert_to_der(ca_cert, &der, &dlen), 0);
	ASSERT_INT_EQ(pki_cert_from_der(der, dlen, &x), 0);
	ASSERT_INT_EQ(X509_cmp(x, ca_cert), 0);
	X509_free(x);
	x = NULL;

	/* fingerprint = SHA-256 of the DER */
	ASSERT_INT_EQ(pki_cert_fingerprint(ca_cert, fp), 0);
	ASSERT_INT_EQ(EVP_Digest(der, dlen, md, &mdlen, EVP_sha256(), NULL),
	    1);
	ASSERT_MEM_EQ(fp, md, PKI_HASH_LEN);

	/* one trailing byte, one missing byte */
	der2 = malloc(dlen + 1);
	ASSERT_PTR_NE(der2, NULL);
	memcpy(der2, der, dlen);
	der2[dlen] = 0;
	ASSERT_INT_EQ(pki_cert_from_der(der2, dlen + 1, &x), CS_ERR_FORMAT);
	ASSERT_INT_EQ(pki_cert_from_der(der2, dlen - 1, &x), CS_ERR_FORMAT);
	ASSERT_INT_EQ(pki_cert_from_der(der2, 0, &x), CS_ERR_FORMAT);
	ASSERT_INT_EQ(pki_cert_from_pem(pem, 10, &x), CS_ERR_FORMAT);
	ASSERT_PTR_EQ(x, NULL);
	free(der2);
	free(der);
	free(pem);
	ERR_clear_error();
	TEST_DONE();
}

static void
test_csr_roundtrip(void)
{
	EVP_PKEY	*key = NULL, *pub = NULL, *ed = NULL;
	uint8_t		*der = NULL, h1[PKI_HASH_LEN], h2[PKI_HASH_LEN];
	size_t		 len;

	TEST_START("CSR round trip, P-256 and Ed25519");
	ASSERT_INT_EQ(pki_key_new(&key), 0);
	ASSERT_INT_EQ(pki_csr_new(key, "laptop", &der, &len), 0);
	ASSERT_TRUE(len > 0 && len <= PKI_CSR_MAX);
	ASSERT_INT_EQ(pki_csr_parse(der, len, &pub), 0);
	ASSERT_INT_EQ(EVP_PKEY_eq(pub, key), 1);
	ASSERT_INT_EQ(pki_pubkey_hash(key, h1), 0);
	ASSERT_INT_EQ(pki_pubkey_hash(pub, h2), 0);
	ASSERT_MEM_EQ(h1, h2, PKI_HASH_LEN);
	/* stable: the same key hashes the same way twice */
	ASSERT_INT_EQ(pki_pubkey_hash(pub, h2), 0);
	ASSERT_MEM_EQ(h1, h2, PKI_HASH_LEN);
	EVP_PKEY_free(pub);
	pub = NULL;
	free(der);
	der = NULL;

	ed = EVP_PKEY_Q_keygen(NULL, NULL, "ED25519");
	ASSERT_PTR_NE(ed, NULL);
	ASSERT_INT_EQ(pki_csr_new(ed, "laptop-ed", &der, &len), 0);
	ASSERT_INT_EQ(pki_csr_parse(der, len, &pub), 0);
	ASSERT_INT_EQ(EVP_PKEY_eq(pub, ed), 1);
	ASSERT_INT_EQ(pki_pubkey_hash(pub, h2), 0);
	ASSERT_INT_NE(memcmp(h1, h2, PKI_HASH_LEN), 0);
	EVP_PKEY_free(pub);
	free(der);
	EVP_PKEY_free(ed);
	EVP_PKEY_free(key);
	TEST_DONE();
}

static void
test_csr_bad(void)
{
	EVP_PKEY	*key = NULL, *pub = NULL;
	uint8_t		*der = NULL, *big, junk[256];
	size_t		 len, i;

	TEST_START("CSR parse rejects trailing, truncated, forged, garbage");
	ASSERT_INT_EQ(pki_key_new(&key), 0);
	ASSERT_INT_EQ(pki_csr_new(key, "laptop", &der, &len), 0);
	big = calloc(1, PKI_CSR_MAX + 2);
	ASSERT_PTR_NE(big, NULL);
	memcpy(big, der, len);

	/* one trailing byte */
	ASSERT_INT_EQ(pki_csr_parse(big, len + 1, &pub), CS_ERR_FORMAT);
	ASSERT_PTR_EQ(pub, NULL);
	/* every truncation */
	for (i = 0; i < len; i++)
		ASSERT_INT_EQ(pki_csr_parse(big, i, &pub), CS_ERR_FORMAT);
	/* over the limit, before any parsing */
	ASSERT_INT_EQ(pki_csr_parse(big, PKI_CSR_MAX + 1, &pub),
	    CS_ERR_FORMAT);
	/* signature bytes flipped: the self-signature no longer verifies */
	big[len - 1] ^= 0x01;
	ASSERT_INT_EQ(pki_csr_parse(big, len, &pub), CS_ERR_FORMAT);
	big[len - 1] ^= 0x01;
	/* the subject changed after signing (CN "laptop" -> "laptoq") */
	for (i = 0; i + 6 <= len; i++)
		if (memcmp(big + i, "laptop", 6) == 0)
			break;
	ASSERT_TRUE(i + 6 <= len);
	big[i + 5] = 'q';
	ASSERT_INT_EQ(pki_csr_parse(big, len, &pub), CS_ERR_FORMAT);
	big[i + 5] = 'p';
	ASSERT_INT_EQ(pki_csr_parse(big, len, &pub), 0);
	EVP_PKEY_free(pub);
	pub = NULL;

	/* garbage */
	randombytes_buf(junk, sizeof(junk));
	ASSERT_INT_EQ(pki_csr_parse(junk, sizeof(junk), &pub), CS_ERR_FORMAT);
	junk[0] = 0x30;		/* a SEQUENCE that lies about its length */
	junk[1] = 0x82;
	junk[2] = 0x7f;
	junk[3] = 0xff;
	ASSERT_INT_EQ(pki_csr_parse(junk, sizeof(junk), &pub), CS_ERR_FORMAT);
	ASSERT_PTR_EQ(pub, NULL);
	free(big);
	free(der);
	EVP_PKEY_free(key);
	ERR_clear_error();
	TEST_DONE();
}

/* A CSR for a key pki_csr_new() refuses to use, built by hand. */
static void
csr_for(EVP_PKEY *key, uint8_t **der, size_t *lenp)
{
	X509_REQ	*req;
	uint8_t		*p;
	int		 n;

	req = X509_REQ_new();
	ASSERT_PTR_NE(req, NULL);
	ASSERT_INT_EQ(X509_NAME_add_entry_by_txt(X509_REQ_get_subject_name(
	    req), "CN", MBSTRING_UTF8, (const unsigned char *)"x", -1, -1, 0),
	    1);
	ASSERT_INT_EQ(X509_REQ_set_pubkey(req, key), 1);
	ASSERT_TRUE(X509_REQ_sign(req, key, EVP_sha256()) > 0);
	n = i2d_X509_REQ(req, NULL);
	ASSERT_TRUE(n > 0);
	*der = malloc((size_t)n);
	ASSERT_PTR_NE(*der, NULL);
	p = *der;
	ASSERT_INT_EQ(i2d_X509_REQ(req, &p), n);
	*lenp = (size_t)n;
	X509_REQ_free(req);
}

static void
test_csr_wrong_key(void)
{
	EVP_PKEY	*rsa, *p384, *pub = NULL;
	uint8_t		*der = NULL;
	size_t		 len;

	TEST_START("CSR parse rejects RSA and P-384 keys");
	rsa = EVP_PKEY_Q_keygen(NULL, NULL, "RSA", (size_t)1024);
	ASSERT_PTR_NE(rsa, NULL);
	ASSERT_INT_EQ(pki_csr_new(rsa, "x", &der, &len), CS_ERR_FORMAT);
	csr_for(rsa, &der, &len);
	ASSERT_INT_EQ(pki_csr_parse(der, len, &pub), CS_ERR_FORMAT);
	free(der);
	der = NULL;

	p384 = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
	ASSERT_PTR_NE(p384, NULL);
	csr_for(p384, &der, &len);
	ASSERT_INT_EQ(pki_csr_parse(der, len, &pub), CS_ERR_FORMAT);
	ASSERT_PTR_EQ(pub, NULL);
	free(der);
	EVP_PKEY_free(p384);
	EVP_PKEY_free(rsa);
	ERR_clear_error();
	TEST_DONE();
}

int
main(void)
{
	if (sodium_init() < 0)
		return 1;
	test_ca();
	test_ca_bad_args();
	test_server_cert();
	test_device_cert();
	test_cert_clamped();
	test_key_pem();
	test_cert_pem_der();
	test_csr_roundtrip();
	test_csr_bad();
	test_csr_wrong_key();
	X509_free(ca_cert);
	EVP_PKEY_free(ca_key);
	return 0;
}
