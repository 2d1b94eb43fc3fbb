/* SPDX-License-Identifier: ISC */
/*
 * srvfiles.c - read data_dir's PEM certificates and keys without dying
 * on the first problem: casesyncd -t reports them all, and a SIGHUP
 * reload that cannot read a file keeps the context it has.
 */
#include <errno.h>
#include <string.h>

#include <openssl/err.h>

#include "buf.h"
#include "config.h"
#include "errors.h"
#include "pki.h"
#include "srvfiles.h"
#include "tlsio.h"
#include "util.h"

/* srvfiles_via(): where the files come from in the network process */
static int	(*srvfiles_fetch)(void *, const char *, struct buf **);
static void	*srvfiles_fetch_arg;

void
srvfiles_via(int (*fetch)(void *, const char *, struct buf **), void *arg)
{
	srvfiles_fetch = fetch;
	srvfiles_fetch_arg = arg;
}

static int
srvfiles_read(const struct config *c, const char *name, struct buf **b,
    char *path, size_t pathlen, char *err, size_t errlen)
{
	int	r;

	if (config_path(c, name, path, pathlen) != 0) {
		str_fmt(err, errlen, "%s: path too long", name);
		return CS_ERR_CONFIG;
	}
	if (srvfiles_fetch != NULL) {
		if ((r = srvfiles_fetch(srvfiles_fetch_arg, name, b)) != 0)
			str_fmt(err, errlen, "%s: cannot read (signer: %s)",
			    path, cs_err(r));
		return r;
	}
	if ((r = file_read(path, PKI_PEM_MAX, b)) != 0)
		str_fmt(err, errlen, "%s: %s", path, cs_why(r));
	return r;
}

int
srvfiles_cert(const struct config *c, const char *name, X509 **out,
    char *err, size_t errlen)
{
	struct buf	*b = NULL;
	char		 path[CONFIG_PATH_MAX + 32];
	int		 r;

	*out = NULL;
	if ((r = srvfiles_read(c, name, &b, path, sizeof(path), err,
	    errlen)) != 0)
		return r;
	r = pki_cert_from_pem((const char *)buf_ptr(b), buf_len(b), out);
	buf_free(b);
	if (r != 0)
		str_fmt(err, errlen, "%s: not a certificate", path);
	return r;
}

int
srvfiles_key(const struct config *c, const char *name, EVP_PKEY **out,
    char *err, size_t errlen)
{
	struct buf	*b = NULL;
	char		 path[CONFIG_PATH_MAX + 32];
	int		 r;

	*out = NULL;
	if ((r = srvfiles_read(c, name, &b, path, sizeof(path), err,
	    errlen)) != 0)
		return r;
	r = pki_key_from_pem((const char *)buf_ptr(b), buf_len(b), out);
	buf_free_wipe(b);
	if (r != 0)
		str_fmt(err, errlen, "%s: not a private key", path);
	return r;
}

int
srvfiles_tls_ctx(const struct config *c, X509 *ca, SSL_CTX **out,
    char *err, size_t errlen)
{
	X509		*cert = NULL;
	EVP_PKEY	*key = NULL;
	int		 r;

	*out = NULL;
	if ((r = srvfiles_cert(c, "server.crt", &cert, err, errlen)) != 0 ||
	    (r = srvfiles_key(c, "server.key", &key, err, errlen)) != 0)
		goto out;
	if (X509_check_private_key(cert, key) != 1) {
		ERR_clear_error();
		str_fmt(err, errlen, "server.key does not match server.crt");
		r = CS_ERR_CRYPTO;
		goto out;
	}
	if ((*out = tlsio_server_ctx(cert, key, ca)) == NULL) {
		str_fmt(err, errlen, "cannot set up TLS with server.crt");
		r = CS_ERR_TLS;
		goto out;
	}
	r = 0;
 out:
	X509_free(cert);
	EVP_PKEY_free(key);
	return r;
}
