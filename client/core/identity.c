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
#include "netaddr.h"

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

/*
 * The list as stored: the addresses one a line, and "server", the list
 * of one of older vaults, as its first (a vault opened by an older
 * casesync still finds the service).  Inside the caller's transaction.
 * The one address of an older vault that is not of the form a list
 * takes (enrolled before that was checked) stays "server" alone.
 */
static int
identity_put_addrs(struct vault *v, const char *const *addrs, size_t n)
{
	char	text[IDENTITY_ADDRS_MAX * IDENTITY_ADDR_LEN];
	size_t	i, off = 0, len;
	int	r;

	if (n == 0 || n > IDENTITY_ADDRS_MAX)
		return CS_ERR_INTERNAL;
	if (n == 1 && !netaddr_list_ok(addrs, n)) {
		if ((r = vault_secret_del(v, "addresses")) != 0)
			return r;
		return identity_put_str(v, "server", addrs[0]);
	}
	for (i = 0; i < n; i++) {
		len = strlen(addrs[i]);
		if (len >= IDENTITY_ADDR_LEN || sizeof(text) - off < len + 1)
			return CS_ERR_FORMAT;
		memcpy(text + off, addrs[i], len);
		off += len;
		text[off++] = '\n';
	}
	if ((r = vault_secret_put(v, "addresses", (const uint8_t *)text,
	    off - 1)) != 0)
		return r;
	return identity_put_str(v, "server", addrs[0]);
}

/* id->last and id->server from id's list and the last that worked. */
static void
identity_pick(struct identity *id)
{
	size_t	i;

	for (i = 0; i < id->naddrs; i++)
		if (strcmp(id->addrs[i], id->last) == 0)
			break;
	if (i == id->naddrs)
		id->last[0] = '\0';
	(void)str_fmt(id->server, sizeof(id->server), "%s",
	    id->last[0] != '\0' ? id->last : id->addrs[0]);
}

int
identity_save(struct vault *v, const struct identity *id)
{
	const char	*addrs[IDENTITY_ADDRS_MAX];
	char		*pem = NULL;
	size_t		 len, i, n = id->naddrs;
	int		 r;

	if (n > IDENTITY_ADDRS_MAX)
		return CS_ERR_INTERNAL;
	for (i = 0; i < n; i++)
		addrs[i] = id->addrs[i];
	if (n == 0) {			/* enrollment: its address alone */
		addrs[0] = id->server;
		n = 1;
	}
	if ((r = pki_key_to_pem(id->key, &pem, &len)) != 0)
		return r;
	if ((r = identity_exec(v, "BEGIN IMMEDIATE")) != 0)
		goto out;
	if ((r = vault_secret_put(v, "device.key", (const uint8_t *)pem,
	    len)) != 0 ||
	    (r = identity_put_cert(v, "device.crt", id->cert)) != 0 ||
	    (r = identity_put_cert(v, "ca.crt", id->ca)) != 0 ||
	    (r = identity_put_addrs(v, addrs, n)) != 0 ||
	    (r = (id->last[0] != '\0' ? identity_put_str(v, "address_last",
	    id->last) : vault_secret_del(v, "address_last"))) != 0 ||
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

/*
 * The list from the vault (checked as if it came from the network: a
 * list that is not one is CS_ERR_FORMAT), or the single "server" of a
 * vault from before the list; then the one that worked last.
 */
static int
identity_load_addrs(struct vault *v, struct identity *id)
{
	char		 text[IDENTITY_ADDRS_MAX * IDENTITY_ADDR_LEN];
	const char	*ptrs[IDENTITY_ADDRS_MAX];
	char		*p, *nl;
	size_t	 n = 0;
	int	 r;

	r = identity_get_str(v, "addresses", text, sizeof(text));
	if (r == CS_ERR_NOT_FOUND) {
		/* an older vault: its one address, as it was enrolled */
		if (strlen(id->server) >= IDENTITY_ADDR_LEN)
			return CS_ERR_FORMAT;
		memcpy(id->addrs[0], id->server, strlen(id->server) + 1);
		id->naddrs = 1;
	} else if (r != 0)
		return r;
	else {
		for (p = text; ; p = nl + 1) {
			if (n == IDENTITY_ADDRS_MAX)
				return CS_ERR_FORMAT;
			ptrs[n++] = p;
			if ((nl = strchr(p, '\n')) == NULL)
				break;
			*nl = '\0';
		}
		if (!netaddr_list_ok(ptrs, n))
			return CS_ERR_FORMAT;
		for (id->naddrs = 0; id->naddrs < n; id->naddrs++)
			memcpy(id->addrs[id->naddrs], ptrs[id->naddrs],
			    strlen(ptrs[id->naddrs]) + 1);
	}
	r = identity_get_str(v, "address_last", id->last, sizeof(id->last));
	if (r == CS_ERR_NOT_FOUND || r == CS_ERR_FORMAT)
		id->last[0] = '\0';	/* only an order: start at the first */
	else if (r != 0)
		return r;
	identity_pick(id);
	return 0;
}

int
identity_set_addrs(struct vault *v, struct identity *id,
    const char *const *addrs, size_t n)
{
	size_t	i;
	int	r;

	if (n == 0 || n > IDENTITY_ADDRS_MAX)
		return CS_ERR_FORMAT;
	if (!netaddr_list_ok(addrs, n))
		return CS_ERR_FORMAT;
	/*
	 * A new list is tried in its own order: whoever wrote it (the
	 * beheerder in the server's configuration, or the user) put the
	 * address to use first.
	 */
	if ((r = identity_exec(v, "BEGIN IMMEDIATE")) != 0)
		return r;
	if ((r = identity_put_addrs(v, addrs, n)) != 0 ||
	    (r = vault_secret_del(v, "address_last")) != 0) {
		(void)identity_exec(v, "ROLLBACK");
		return r;
	}
	if ((r = identity_exec(v, "COMMIT")) != 0) {
		(void)identity_exec(v, "ROLLBACK");
		return r;
	}
	for (i = 0; i < n; i++)
		memcpy(id->addrs[i], addrs[i], strlen(addrs[i]) + 1);
	id->naddrs = n;
	id->last[0] = '\0';
	identity_pick(id);
	return 0;
}

int
identity_set_last(struct vault *v, struct identity *id, const char *addr)
{
	size_t	i;
	int	r;

	for (i = 0; i < id->naddrs; i++)
		if (strcmp(id->addrs[i], addr) == 0)
			break;
	if (i == id->naddrs)
		return CS_ERR_NOT_FOUND;
	if (strcmp(id->last, addr) == 0)
		return 0;
	if ((r = identity_put_str(v, "address_last", addr)) != 0)
		return r;
	memcpy(id->last, id->addrs[i], sizeof(id->last));
	identity_pick(id);
	return 0;
}

int
identity_addrs_same(const struct identity *id, const char *const *addrs,
    size_t n)
{
	size_t	i;

	if (n != id->naddrs)
		return 0;
	for (i = 0; i < n; i++)
		if (strcmp(id->addrs[i], addrs[i]) != 0)
			return 0;
	return 1;
}

size_t
identity_addrs_order(const struct identity *id,
    const char *out[IDENTITY_ADDRS_MAX])
{
	size_t	i, n = 0;

	if (id->last[0] != '\0')
		out[n++] = id->last;
	for (i = 0; i < id->naddrs && n < IDENTITY_ADDRS_MAX; i++)
		if (strcmp(id->addrs[i], id->last) != 0)
			out[n++] = id->addrs[i];
	return n;
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
	    (r = identity_load_addrs(v, id)) != 0 ||
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
