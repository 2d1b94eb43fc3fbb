/* SPDX-License-Identifier: ISC */
/*
 * fuzz_csr.c - libFuzzer target for pki_csr_parse(), which reads the
 * DER certificate request in an EnrollRequest before the device is
 * known.  A request that is accepted must carry a P-256 or Ed25519 key
 * on a named curve (pki.c: "not explicit parameters": the same key
 * spelled with explicit parameters would hash to a second device
 * identity) whose identity hash can be taken; a refused one must leave
 * *pub NULL.
 * The same bytes are also offered to pki_cert_from_der(), the other
 * peer-DER parser, which must likewise return a certificate or nothing.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/err.h>

#include "errors.h"
#include "log.h"
#include "pki.h"

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_init(1, "fuzz_csr");
	return 0;
}

/* P-256 by name, or Ed25519. */
static int
fuzz_key_ok(EVP_PKEY *key)
{
	char	enc[32];

	if (EVP_PKEY_is_a(key, "ED25519"))
		return 1;
	if (!EVP_PKEY_is_a(key, "EC"))
		return 0;
	if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_EC_ENCODING,
	    enc, sizeof(enc), NULL) != 1)
		return 0;
	return strcmp(enc, OSSL_PKEY_EC_ENCODING_GROUP) == 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	EVP_PKEY	*pub = NULL;
	X509		*cert = NULL;
	uint8_t		 h[PKI_HASH_LEN], *der;
	int		 r;

	if (size > 2 * PKI_CERT_MAX)
		return 0;
	/* a heap copy of exactly "size" bytes: ASan sees any overread */
	if ((der = malloc(size == 0 ? 1 : size)) == NULL)
		return 0;
	memcpy(der, data, size);

	r = pki_csr_parse(der, size, &pub);
	if (r != 0) {
		if (pub != NULL || r != CS_ERR_FORMAT)
			abort();
	} else {
		if (pub == NULL || size > PKI_CSR_MAX || !fuzz_key_ok(pub))
			abort();
		if (pki_pubkey_hash(pub, h) != 0)
			abort();
		EVP_PKEY_free(pub);
	}

	r = pki_cert_from_der(der, size, &cert);
	if ((r == 0) != (cert != NULL))
		abort();
	X509_free(cert);

	ERR_clear_error();	/* nothing carries over to the next input */
	free(der);
	return 0;
}
