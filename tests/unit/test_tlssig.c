/* SPDX-License-Identifier: ISC */
/*
 * test_tlssig.c - unit tests for tlssig.c, the server store's memory of
 * verified client certificate signatures: a store with it answers
 * every verification as OpenSSL's own does (result, error and depth),
 * the first time and again once the pair is remembered: a good device
 * certificate, one of another CA with the same names, one whose
 * signature was altered, and the good one at times before, within and
 * after its validity and the CA's.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "errors.h"
#include "pki.h"
#include "test.h"
#include "tlsio.h"

/* A verification's outcome: result, error, error depth. */
struct outcome {
	int	ok, err, depth;
};

static struct outcome
verify(X509_STORE *st, X509 *cert, const time_t *at)
{
	X509_STORE_CTX	*ctx;
	struct outcome	 o;

	ctx = X509_STORE_CTX_new();
	ASSERT_PTR_NE(ctx, NULL);
	ASSERT_INT_EQ(X509_STORE_CTX_init(ctx, st, cert, NULL), 1);
	ASSERT_INT_EQ(X509_STORE_CTX_set_purpose(ctx,
	    X509_PURPOSE_SSL_CLIENT), 1);
	X509_VERIFY_PARAM_set_depth(X509_STORE_CTX_get0_param(ctx), 1);
	if (at != NULL)
		X509_STORE_CTX_set_time(ctx, 0, *at);
	o.ok = X509_verify_cert(ctx);
	o.err = X509_STORE_CTX_get_error(ctx);
	o.depth = X509_STORE_CTX_get_error_depth(ctx);
	X509_STORE_CTX_free(ctx);
	ERR_clear_error();
	return o;
}

/* The same outcome from OpenSSL alone and (twice) with the memory. */
static struct outcome
same(X509_STORE *plain, X509_STORE *mem, X509 *cert, const time_t *at)
{
	struct outcome	a, b, c;

	a = verify(plain, cert, at);
	b = verify(mem, cert, at);
	c = verify(mem, cert, at);
	ASSERT_INT_EQ(b.ok, a.ok);
	ASSERT_INT_EQ(b.err, a.err);
	ASSERT_INT_EQ(b.depth, a.depth);
	ASSERT_INT_EQ(c.ok, a.ok);
	ASSERT_INT_EQ(c.err, a.err);
	ASSERT_INT_EQ(c.depth, a.depth);
	return a;
}

static X509 *
issue(X509 *ca, EVP_PKEY *cakey, const char *cn, int64_t life)
{
	EVP_PKEY	*k = NULL;
	X509		*c = NULL;

	ASSERT_INT_EQ(pki_key_new(&k), 0);
	ASSERT_INT_EQ(pki_cert_issue(ca, cakey, k, cn, NULL, life, &c), 0);
	EVP_PKEY_free(k);
	return c;
}

/* "c" with one bit of its signature flipped. */
static X509 *
altered(X509 *c)
{
	uint8_t	*der = NULL;
	size_t	 len;
	X509	*x = NULL;

	ASSERT_INT_EQ(pki_cert_to_der(c, &der, &len), 0);
	der[len - 1] ^= 0x01;	/* the signature's last byte */
	ASSERT_INT_EQ(pki_cert_from_der(der, len, &x), 0);
	free(der);
	return x;
}

int
main(void)
{
	EVP_PKEY	*k1 = NULL, *k2 = NULL;
	X509		*ca1 = NULL, *ca2 = NULL, *dev, *other, *bad, *shortca,
			*shortdev;
	X509_STORE	*plain, *mem, *plain_s, *mem_s;
	struct outcome	 o;
	time_t		 now = time(NULL), t;

	if (sodium_init() < 0)
		return 1;
	ASSERT_INT_EQ(pki_key_new(&k1), 0);
	ASSERT_INT_EQ(pki_key_new(&k2), 0);
	/* two CAs with the same name, different keys */
	ASSERT_INT_EQ(pki_ca_create(k1, "casesync deployment CA", 3650,
	    &ca1), 0);
	ASSERT_INT_EQ(pki_ca_create(k2, "casesync deployment CA", 3650,
	    &ca2), 0);
	dev = issue(ca1, k1, "w1-a", 86400 * 30);
	other = issue(ca2, k2, "w1-a", 86400 * 30);
	bad = altered(dev);
	ASSERT_PTR_NE((plain = X509_STORE_new()), NULL);
	ASSERT_PTR_NE((mem = X509_STORE_new()), NULL);
	ASSERT_INT_EQ(X509_STORE_add_cert(plain, ca1), 1);
	ASSERT_INT_EQ(X509_STORE_add_cert(mem, ca1), 1);
	ASSERT_INT_EQ(tlsio_sigcache(mem), 0);

	TEST_START("tlssig: a device certificate verifies, again from memory");
	o = same(plain, mem, dev, NULL);
	ASSERT_INT_EQ(o.ok, 1);
	ASSERT_INT_EQ(o.err, X509_V_OK);
	TEST_DONE();

	TEST_START("tlssig: another CA's certificate with the same names fails");
	o = same(plain, mem, other, NULL);
	ASSERT_INT_EQ(o.ok, 0);	/* its key identifier names no CA of ours */
	ASSERT_INT_EQ(o.err, X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY);
	TEST_DONE();

	TEST_START("tlssig: an altered signature fails after the good one");
	o = same(plain, mem, bad, NULL);
	ASSERT_INT_EQ(o.ok, 0);
	ASSERT_INT_EQ(o.err, X509_V_ERR_CERT_SIGNATURE_FAILURE);
	o = same(plain, mem, dev, NULL);	/* still remembered */
	ASSERT_INT_EQ(o.ok, 1);
	TEST_DONE();

	TEST_START("tlssig: a remembered certificate still expires");
	t = now + 86400 * 60;
	o = same(plain, mem, dev, &t);
	ASSERT_INT_EQ(o.ok, 0);
	ASSERT_INT_EQ(o.err, X509_V_ERR_CERT_HAS_EXPIRED);
	ASSERT_INT_EQ(o.depth, 0);
	t = now - 86400;	/* before the CA too, checked first */
	o = same(plain, mem, dev, &t);
	ASSERT_INT_EQ(o.ok, 0);
	ASSERT_INT_EQ(o.err, X509_V_ERR_CERT_NOT_YET_VALID);
	ASSERT_INT_EQ(o.depth, 1);
	t = now + 86400 * 29;
	o = same(plain, mem, dev, &t);
	ASSERT_INT_EQ(o.ok, 1);
	TEST_DONE();

	TEST_START("tlssig: a remembered certificate of an expired CA fails");
	ASSERT_INT_EQ(pki_ca_create(k2, "short CA", 1, &shortca), 0);
	shortdev = issue(shortca, k2, "w2-a", 86400 * 30); /* clamped */
	ASSERT_PTR_NE((plain_s = X509_STORE_new()), NULL);
	ASSERT_PTR_NE((mem_s = X509_STORE_new()), NULL);
	ASSERT_INT_EQ(X509_STORE_add_cert(plain_s, shortca), 1);
	ASSERT_INT_EQ(X509_STORE_add_cert(mem_s, shortca), 1);
	ASSERT_INT_EQ(tlsio_sigcache(mem_s), 0);
	o = same(plain_s, mem_s, shortdev, NULL);
	ASSERT_INT_EQ(o.ok, 1);
	t = now + 86400 * 2;
	o = same(plain_s, mem_s, shortdev, &t);
	ASSERT_INT_EQ(o.ok, 0);
	ASSERT_INT_EQ(o.err, X509_V_ERR_CERT_HAS_EXPIRED);
	ASSERT_INT_EQ(o.depth, 1);	/* the CA, checked first */
	/* the remembered pair is (CA, certificate): not another CA's */
	o = same(plain, mem, shortdev, NULL);
	ASSERT_INT_EQ(o.ok, 0);
	TEST_DONE();

	X509_STORE_free(plain);
	X509_STORE_free(mem);
	X509_STORE_free(plain_s);
	X509_STORE_free(mem_s);
	X509_free(dev);
	X509_free(other);
	X509_free(bad);
	X509_free(shortdev);
	X509_free(shortca);
	X509_free(ca1);
	X509_free(ca2);
	EVP_PKEY_free(k1);
	EVP_PKEY_free(k2);
	return 0;
}
