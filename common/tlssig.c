/* SPDX-License-Identifier: ISC */
/*
 * tlssig.c - the server's memory of the client certificate signatures
 * it has verified (issue 23, goal 6; docs/BENCHMARKS.md bench_sesscpu).
 *
 * Every handshake checks the client's chain (OpenSSL's
 * X509_verify_cert: the issuer found in the store, depth, key usage,
 * purpose, then the signatures and validity periods in the store's
 * verify step), and then the device's revocation in the store
 * (session.c).  Of all that, the ECDSA verification of the
 * certificate's signature by the CA is the one costly step, about
 * 70 us of the server's CPU per session, and for the same certificate
 * under the same CA it gives the same answer every time: a device
 * presents the same certificate on every connection.
 *
 * So the store's verify step (X509_STORE_set_verify; OpenSSL's own,
 * internal_verify, otherwise) remembers the pairs (CA, certificate),
 * by the SHA-256 of both DER encodings, whose whole verify step passed.
 * For a pair it knows it does the rest of what internal_verify does
 * for a chain of a certificate and its self-issued CA, every time: the
 * validity period of the CA and of the certificate at the time of
 * verification, with the same errors.  A certificate that differs in
 * one byte, a CA reloaded with another key, a longer chain, a verify
 * callback or flag of another kind: verified in full.  Only a pair
 * whose signature verified is remembered; nothing of the chain check
 * other than that one signature is skipped, and the handshake's own
 * proof of the key (CertificateVerify) is checked on every connection.
 */
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>
#include <sodium.h>

#include "tlsio.h"

/* Pairs remembered (a power of two); one slot per digest, overwritten. */
#define TLSSIG_SLOTS	1024

static uint8_t			 tlssig_tab[TLSSIG_SLOTS][crypto_hash_sha256_BYTES];
static pthread_mutex_t		 tlssig_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t		 tlssig_once = PTHREAD_ONCE_INIT;
/* OpenSSL's verify step and default callback, to fall back on */
static X509_STORE_CTX_verify_fn	 tlssig_full;
static X509_STORE_CTX_verify_cb	 tlssig_defcb;

static void
tlssig_init(void)
{
	X509_STORE	*st;
	X509_STORE_CTX	*c;

	if ((st = X509_STORE_new()) != NULL &&
	    (c = X509_STORE_CTX_new()) != NULL) {
		if (X509_STORE_CTX_init(c, st, NULL, NULL) == 1) {
			tlssig_full = X509_STORE_CTX_get_verify(c);
			tlssig_defcb = X509_STORE_CTX_get_verify_cb(c);
		}
		X509_STORE_CTX_free(c);
	}
	X509_STORE_free(st);
}

/* The pair's digest: SHA-256 of the two certificates' digests. */
static int
tlssig_key(X509 *ca, X509 *leaf, uint8_t key[crypto_hash_sha256_BYTES])
{
	uint8_t		 h[2][crypto_hash_sha256_BYTES];
	X509		*x[2] = { ca, leaf };
	unsigned char	*der;
	int		 i, n;

	for (i = 0; i < 2; i++) {
		der = NULL;
		if ((n = i2d_X509(x[i], &der)) <= 0)
			return -1;
		crypto_hash_sha256(h[i], der, (unsigned long long)n);
		OPENSSL_free(der);
	}
	crypto_hash_sha256(key, (const unsigned char *)h, sizeof(h));
	return 0;
}

static uint8_t *
tlssig_slot(const uint8_t key[crypto_hash_sha256_BYTES])
{
	return tlssig_tab[((unsigned)key[0] | (unsigned)key[1] << 8) &
	    (TLSSIG_SLOTS - 1)];
}

static int
tlssig_known(const uint8_t key[crypto_hash_sha256_BYTES])
{
	int	known;

	pthread_mutex_lock(&tlssig_lock);
	known = sodium_memcmp(tlssig_slot(key), key,
	    crypto_hash_sha256_BYTES) == 0;
	pthread_mutex_unlock(&tlssig_lock);
	return known;
}

static void
tlssig_remember(const uint8_t key[crypto_hash_sha256_BYTES])
{
	pthread_mutex_lock(&tlssig_lock);
	memcpy(tlssig_slot(key), key, crypto_hash_sha256_BYTES);
	pthread_mutex_unlock(&tlssig_lock);
}

/*
 * The validity period of "x" at the verification time, as OpenSSL's
 * verify step checks it (with the default callback, which keeps a
 * failure): 1, or 0 with the error set.
 */
static int
tlssig_time(X509_STORE_CTX *ctx, X509 *x, int depth)
{
	X509_VERIFY_PARAM	*vp = X509_STORE_CTX_get0_param(ctx);
	unsigned long		 fl = X509_VERIFY_PARAM_get_flags(vp);
	time_t			 t, *pt = NULL;
	int			 i, err = X509_V_OK;

	if ((fl & X509_V_FLAG_USE_CHECK_TIME) != 0) {
		t = X509_VERIFY_PARAM_get_time(vp);
		pt = &t;
	} else if ((fl & X509_V_FLAG_NO_CHECK_TIME) != 0)
		return 1;
	if ((i = X509_cmp_time(X509_get0_notBefore(x), pt)) == 0)
		err = X509_V_ERR_ERROR_IN_CERT_NOT_BEFORE_FIELD;
	else if (i > 0)
		err = X509_V_ERR_CERT_NOT_YET_VALID;
	else if ((i = X509_cmp_time(X509_get0_notAfter(x), pt)) == 0)
		err = X509_V_ERR_ERROR_IN_CERT_NOT_AFTER_FIELD;
	else if (i < 0)
		err = X509_V_ERR_CERT_HAS_EXPIRED;
	if (err == X509_V_OK)
		return 1;
	X509_STORE_CTX_set_error_depth(ctx, depth);
	X509_STORE_CTX_set_current_cert(ctx, x);
	X509_STORE_CTX_set_error(ctx, err);
	return 0;
}

static int
tlssig_verify(X509_STORE_CTX *ctx)
{
	STACK_OF(X509)	*chain = X509_STORE_CTX_get0_chain(ctx);
	X509		*ca, *leaf;
	uint8_t		 key[crypto_hash_sha256_BYTES];
	int		 r;

	/*
	 * The one shape handled here: a certificate and its self-issued
	 * CA (the trust anchor, whose own signature is not checked
	 * without X509_V_FLAG_CHECK_SS_SIGNATURE), the default callback,
	 * no error so far.
	 */
	if (sk_X509_num(chain) != 2 ||
	    X509_STORE_CTX_get_verify_cb(ctx) != tlssig_defcb ||
	    X509_STORE_CTX_get_error(ctx) != X509_V_OK ||
	    (X509_VERIFY_PARAM_get_flags(X509_STORE_CTX_get0_param(ctx)) &
	    X509_V_FLAG_CHECK_SS_SIGNATURE) != 0 ||
	    (leaf = sk_X509_value(chain, 0)) == NULL ||
	    (ca = sk_X509_value(chain, 1)) == NULL ||
	    X509_check_issued(ca, ca) != X509_V_OK ||
	    tlssig_key(ca, leaf, key) != 0)
		return tlssig_full(ctx);
	if (!tlssig_known(key)) {
		r = tlssig_full(ctx);
		if (r == 1 && X509_STORE_CTX_get_error(ctx) == X509_V_OK)
			tlssig_remember(key);
		return r;
	}
	/* internal_verify's order: the CA (depth 1), then the leaf */
	return tlssig_time(ctx, ca, 1) && tlssig_time(ctx, leaf, 0);
}

int
tlsio_sigcache(X509_STORE *st)
{
	if (pthread_once(&tlssig_once, tlssig_init) != 0 ||
	    tlssig_full == NULL || tlssig_defcb == NULL)
		return -1;
	X509_STORE_set_verify(st, tlssig_verify);
	return 0;
}
