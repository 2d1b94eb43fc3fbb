/* SPDX-License-Identifier: ISC */
/*
 * tlsio.h - OpenSSL contexts for casesync: TLS 1.3 only, ALPN
 * "casesync/1", no session tickets or resumption (a resumed session
 * would skip the certificate checks a revoked device must fail).
 */
#ifndef TLSIO_H
#define TLSIO_H

#include <stdint.h>

#include <openssl/ssl.h>

#include "pki.h"

/*
 * Server context: presents "cert" and "key", with "ca" in the chain
 * unless the client names "ca" in certificate_authorities (it has it);
 * asks for a client certificate and verifies it against "ca" only,
 * but lets a client without one through (enrollment).  NULL on error.
 */
SSL_CTX	*tlsio_server_ctx(X509 *cert, EVP_PKEY *key, X509 *ca);

/*
 * The server's store remembers the client certificates whose signature
 * by the CA it has verified and does not verify that signature again;
 * everything else of the chain is checked on every handshake
 * (tlssig.c).  0, or -1 if OpenSSL's verify step cannot be found.
 */
int	tlsio_sigcache(X509_STORE *);

/*
 * Client context.  With "ca", the server must chain to it (and nothing
 * else: the system store is never loaded), and the ClientHello names
 * it in certificate_authorities, so casesyncd leaves it out of its
 * chain.  Without "ca" the caller must pin with tlsio_check_pinned()
 * after the handshake.  "cert" and "key" may be NULL (enrollment); the
 * certificate goes out without a chain.  NULL on error.
 */
SSL_CTX	*tlsio_client_ctx(X509 *ca, X509 *cert, EVP_PKEY *key);

/*
 * Enrollment pinning: after a completed handshake, find in the peer's
 * chain the CA whose SHA-256 fingerprint is "fp", and verify the
 * server's certificate against it alone, for host "name".  On success
 * *ca is a new reference to that CA.  CS_ERR_AUTH otherwise.
 */
int	tlsio_check_pinned(SSL *ssl, const uint8_t fp[PKI_HASH_LEN],
	    const char *name, X509 **ca);

/* 1 if the negotiated ALPN protocol is casesync/1. */
int	tlsio_alpn_ok(SSL *ssl);

#endif /* TLSIO_H */
