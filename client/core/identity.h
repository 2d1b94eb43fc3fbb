/* SPDX-License-Identifier: ISC */
/*
 * identity.h - the device's enrolment state, kept inside the vault:
 * its private key, certificate, the pinned CA, and where the server is.
 */
#ifndef IDENTITY_H
#define IDENTITY_H

#include <openssl/evp.h>
#include <openssl/x509.h>

struct vault;

struct identity {
	char		 server[300];		/* host:port */
	char		 server_name[256];	/* TLS name to verify */
	char		 device_id[32];
	X509		*ca;
	X509		*cert;
	EVP_PKEY	*key;
};

/* Store all of it (in one transaction); 0 or CS_ERR_*. */
int	identity_save(struct vault *, const struct identity *);
/*
 * A renewal: in one transaction, if the vault's key is still "old"
 * (CS_ERR_EXISTS if another process renewed meanwhile), store "key"
 * and "cert" in its place.
 */
int	identity_replace_key(struct vault *, EVP_PKEY *old, EVP_PKEY *key,
	    X509 *cert);
/* CS_ERR_NOT_FOUND when the device has not been enrolled yet. */
int	identity_load(struct vault *, struct identity *);
/* 1 if an identity is stored. */
int	identity_exists(struct vault *);
/* Release the OpenSSL objects; the struct may be reused. */
void	identity_clear(struct identity *);

#endif /* IDENTITY_H */
