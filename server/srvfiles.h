/* SPDX-License-Identifier: ISC */
/*
 * srvfiles.h - loading casesyncd's certificates and keys from data_dir,
 * for the start, for `casesyncd -t` and for a SIGHUP reload.
 *
 * Each returns 0 or a negative CS_ERR_*, and on failure writes into
 * "err" a message naming the file ("/var/lib/casesync/server.key: no
 * such file").  Out-params are NULL on entry and owned by the caller on
 * success.
 */
#ifndef SRVFILES_H
#define SRVFILES_H

#include <stddef.h>

#include <openssl/ssl.h>
#include <openssl/x509.h>

struct buf;
struct config;

/*
 * From now on read the files through "fetch" (signer.c: the network
 * process cannot open them itself); NULL: from the file system.
 */
void	srvfiles_via(int (*fetch)(void *, const char *, struct buf **),
	    void *arg);
int	srvfiles_cert(const struct config *c, const char *name, X509 **out,
	    char *err, size_t errlen);
int	srvfiles_key(const struct config *c, const char *name,
	    EVP_PKEY **out, char *err, size_t errlen);
/*
 * server.crt and server.key (which must match) into a new server
 * SSL_CTX that trusts and names "ca".
 */
int	srvfiles_tls_ctx(const struct config *c, X509 *ca, SSL_CTX **out,
	    char *err, size_t errlen);

#endif /* SRVFILES_H */
