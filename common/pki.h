/* SPDX-License-Identifier: ISC */
/*
 * pki.h - the deployment's X.509 plumbing on top of OpenSSL: P-256
 * keys, the CA, server and device certificates, CSRs, fingerprints.
 *
 * All keys are ECDSA P-256 (the device may also present Ed25519 in a
 * CSR).  Functions return 0 or a negative CS_ERR_*; on failure the
 * OpenSSL error queue has been drained into the log.  Out-params are
 * NULL/0 on entry and owned by the caller on success.
 */
#ifndef PKI_H
#define PKI_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#define PKI_HASH_LEN		32	/* SHA-256 */
#define PKI_CSR_MAX		2048	/* DER bytes accepted from a peer */
#define PKI_CERT_MAX		4096
#define PKI_PEM_MAX		(16 * 1024)

/* A new ECDSA P-256 private key. */
int	pki_key_new(EVP_PKEY **out);

/* Unencrypted PKCS#8 PEM of a private key; *out is sodium_malloc'd. */
int	pki_key_to_pem(EVP_PKEY *key, char **out, size_t *lenp);
void	pki_pem_free(char *);		/* wipes; NULL is a no-op */
/*
 * Parse an unencrypted PEM private key from memory (not NUL-terminated,
 * len <= PKI_PEM_MAX).  Only P-256 and Ed25519 keys are accepted;
 * CS_ERR_FORMAT for anything else (an encrypted key is never prompted
 * for).
 */
int	pki_key_from_pem(const char *pem, size_t len, EVP_PKEY **out);

/* Certificates to and from PEM / DER; *outs are malloc'd. */
int	pki_cert_to_pem(X509 *cert, char **out, size_t *lenp);
int	pki_cert_from_pem(const char *pem, size_t len, X509 **out);
int	pki_cert_to_der(X509 *cert, uint8_t **out, size_t *lenp);
/* Exactly "len" bytes of DER (trailing bytes are an error). */
int	pki_cert_from_der(const uint8_t *der, size_t len, X509 **out);

/*
 * A self-signed CA certificate valid for "days" days (1..36600):
 * basicConstraints critical CA:TRUE, keyUsage keyCertSign+cRLSign,
 * subject and authority key identifiers.  "cn" is 1..64 bytes of UTF-8
 * (the X.509 upper bound), else CS_ERR_FORMAT.
 */
int	pki_ca_create(EVP_PKEY *key, const char *cn, int days, X509 **out);

/*
 * Issue a certificate for "pub", signed by the CA.  With "dns_name"
 * it is a TLS server certificate for that name (subjectAltName,
 * serverAuth); without, a device (clientAuth) certificate.  Valid
 * from now - 5 minutes to now + lifetime_secs; random 128-bit serial.
 * "pub" must be P-256 or Ed25519; "cn" 1..64 bytes; "dns_name" a host
 * name (letters, digits, '-', '.') or an IP literal, which also gets an
 * iPAddress entry.  notAfter is clamped to the CA's notAfter
 * (CS_ERR_EXPIRED if the CA has expired).  CS_ERR_FORMAT for bad
 * arguments, CS_ERR_CRYPTO if "cakey" does not belong to "ca".
 */
int	pki_cert_issue(X509 *ca, EVP_PKEY *cakey, EVP_PKEY *pub,
	    const char *cn, const char *dns_name, int64_t lifetime_secs,
	    X509 **out);

/*
 * A PKCS#10 request for "key" (P-256 or Ed25519) with subject CN "cn"
 * (1..64 bytes), DER-encoded, *der malloc'd.
 */
int	pki_csr_new(EVP_PKEY *key, const char *cn, uint8_t **der,
	    size_t *lenp);
/*
 * Parse exactly "len" bytes of untrusted DER (len <= PKI_CSR_MAX),
 * verify its self-signature, and return its public key if it is
 * P-256 or Ed25519.  CS_ERR_FORMAT for anything else.
 */
int	pki_csr_parse(const uint8_t *der, size_t len, EVP_PKEY **pub);

/* SHA-256 of the DER SubjectPublicKeyInfo: the device identity. */
int	pki_pubkey_hash(EVP_PKEY *key, uint8_t out[PKI_HASH_LEN]);
/*
 * The same hash for the key of a certificate issued by pki_cert_issue(),
 * taken from the SubjectPublicKeyInfo bytes the CA signed, without
 * re-encoding the key (OpenSSL 3 re-encodes through its encoder lookup,
 * a tenth of the server's cost of a handshake).
 */
int	pki_cert_pubkey_hash(X509 *cert, uint8_t out[PKI_HASH_LEN]);
/* SHA-256 of the certificate's DER: the CA fingerprint. */
int	pki_cert_fingerprint(X509 *cert, uint8_t out[PKI_HASH_LEN]);
/* notAfter as seconds since the epoch. */
int	pki_cert_not_after(X509 *cert, int64_t *out);
/*
 * The lifetime it was issued for: notAfter - notBefore, less the
 * 5 minutes pki_cert_issue() dates notBefore back (when longer).
 */
int	pki_cert_lifetime(X509 *cert, int64_t *out);

#endif /* PKI_H */
