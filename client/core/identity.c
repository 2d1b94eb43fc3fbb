/* SPDX-License-Identifier: ISC */
/*
 * identity.c - device key, certificate and pinned CA in the vault.
 *
 * Everything is stored as vault secrets (inside the encrypted
 * database): the private key never touches a plain file.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/x509.h>
#include <sodium.h>
#include <sqlite3.h>

#include "errors.h"
#include "identity.h"
#include "pki.h"
#include "util.h"
#include "vault.h"

static int
identity_put_cert(struct vault *v, const char *name, X509 *x)
{
	uint8_t	*der = NULL;
	size_t	 len;
	int	 r;

	if ((r = pki_cert_to_der(x, &der, &len)) != 0)
		return r;
	r = vault_secret_put(v, name, der, len);
	free(der);
	return r;
}

static int
identity_put_str(struct vault *v, const char *name, const char *s)
{
	return vault_secret_put(v, name, (const uint8_t *)s, strlen(s));
}

static int
identity_exec(struct vault *v, const char *sql)
{
	return sqlite3_exec(vault_db(v), sql, NULL, NULL, NULL) == SQLITE_OK ?
	    0 : CS_ERR_DB;
}

int
identity_save(struct vault *v, const struct identity *id)
{
	char	*pem = NULL;
	size_t	 len;
	int	 r;

	if ((r = pki_key_to_pem(id->key, &pem, &len)) != 0)
		return r;
	if ((r = identity_exec(v, "BEGIN IMMEDIATE")) != 0)
		goto out;
	if ((r = vault_secret_put(v, "device.key", (const uint8_t *)pem,
	    len)) != 0 ||
	    (r = identity_put_cert(v, "device.crt", id->cert)) != 0 ||
	    (r = identity_put_cert(v, "ca.crt", id->ca)) != 0 ||
	    (r = identity_put_str(v, "server", id->server)) != 0 ||
	    (r = identity_put_str(v, "server_name", id->server_name)) != 0 ||
	    (r = identity_put_str(v, "device_id", id->device_id)) != 0) {
		(void)identity_exec(v, "ROLLBACK");
		goto out;
	}
	r = identity_exec(v, "COMMIT");
 out:
	pki_pem_free(pem);
	return r;
}

int
identity_replace_key(struct vault *v, EVP_PKEY *old, EVP_PKEY *key,
    X509 *cert)
{
	char	*oldpem = NULL, *pem = NULL;
	uint8_t	*cur = NULL;
	size_t	 oldlen, len, curlen = 0;
	int	 r;

	if ((r = pki_key_to_pem(old, &oldpem, &oldlen)) != 0 ||
	    (r = pki_key_to_pem(key, &pem, &len)) != 0)
		goto out;
	if ((r = identity_exec(v, "BEGIN IMMEDIATE")) != 0)
		goto out;
	/* the write lock is ours: nobody changes the key under us now */
	if ((r = vault_secret_get(v, "device.key", &cur, &curlen)) != 0)
		goto rollback;
	if (curlen != oldlen || sodium_memcmp(cur, oldpem, oldlen) != 0) {
		r = CS_ERR_EXISTS;
		goto rollback;
	}
	if ((r = vault_secret_put(v, "device.key", (const uint8_t *)pem,
	    len)) != 0 ||
	    (r = identity_put_cert(v, "device.crt", cert)) != 0)
		goto rollback;
	r = identity_exec(v, "COMMIT");
	goto out;
 rollback:
	(void)identity_exec(v, "ROLLBACK");
 out:
	vault_secret_free(cur, curlen);
	pki_pem_free(oldpem);
	pki_pem_free(pem);
	return r;
}

static int
identity_get_str(struct vault *v, const char *name, char *dst, size_t dstlen)
{
	uint8_t	*p = NULL;
	size_t	 len;
	int	 r;

	if ((r = vault_secret_get(v, name, &p, &len)) != 0)
		return r;
	if (len >= dstlen || memchr(p, '\0', len) != NULL)
		r = CS_ERR_FORMAT;
	else {
		memcpy(dst, p, len);
		dst[len] = '\0';
	}
	vault_secret_free(p, len);
	return r;
}

static int
identity_get_cert(struct vault *v, const char *name, X509 **x)
{
	uint8_t	*p = NULL;
	size_t	 len;
	int	 r;

	if ((r = vault_secret_get(v, name, &p, &len)) != 0)
		return r;
	r = pki_cert_from_der(p, len, x);
	vault_secret_free(p, len);
	return r;
}

int
identity_load(struct vault *v, struct identity *id)
{
	uint8_t	*pem = NULL;
	size_t	 len;
	int	 r;

	memset(id, 0, sizeof(*id));
	if ((r = identity_get_str(v, "server", id->server,
	    sizeof(id->server))) != 0 ||
	    (r = identity_get_str(v, "server_name", id->server_name,
	    sizeof(id->server_name))) != 0 ||
	    (r = identity_get_str(v, "device_id", id->device_id,
	    sizeof(id->device_id))) != 0 ||
	    (r = identity_get_cert(v, "ca.crt", &id->ca)) != 0 ||
	    (r = identity_get_cert(v, "device.crt", &id->cert)) != 0 ||
	    (r = vault_secret_get(v, "device.key", &pem, &len)) != 0)
		goto out;
	r = pki_key_from_pem((const char *)pem, len, &id->key);
	vault_secret_free(pem, len);
 out:
	if (r != 0)
		identity_clear(id);
	return r;
}

int
identity_exists(struct vault *v)
{
	uint8_t	*p = NULL;
	size_t	 len;

	if (vault_secret_get(v, "device_id", &p, &len) != 0)
		return 0;
	vault_secret_free(p, len);
	return 1;
}

void
identity_clear(struct identity *id)
{
	X509_free(id->ca);
	X509_free(id->cert);
	EVP_PKEY_free(id->key);
	memset(id, 0, sizeof(*id));
}
