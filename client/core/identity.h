/* SPDX-License-Identifier: ISC */
/*
 * identity.h - the device's enrolment state, kept inside the vault:
 * its private key, certificate, the pinned CA, and where the server is:
 * the TLS name to verify (fixed at enrollment) and the addresses to
 * reach it by (DESIGN §11): the enrollment address, until the server's
 * Welcome or "casesync server set" gives a list.
 *
 * In the vault: "addresses" (the list, one a line), "address_last" (the
 * one that worked last) and "server", the single address of vaults from
 * before the list, still written (the list's first) and read as a list
 * of one when "addresses" is missing.
 */
#ifndef IDENTITY_H
#define IDENTITY_H

#include <stddef.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "netaddr.h"

struct vault;

#define IDENTITY_ADDRS_MAX	NETADDR_LIST_MAX
#define IDENTITY_ADDR_LEN	(NETADDR_MAX + 1)

struct identity {
	/* host:port to try first: the last that worked, else addrs[0] */
	char		 server[300];
	char		 server_name[256];	/* TLS name to verify */
	char		 device_id[32];
	char		 addrs[IDENTITY_ADDRS_MAX][IDENTITY_ADDR_LEN];
	size_t		 naddrs;		/* 0 only before a save */
	char		 last[IDENTITY_ADDR_LEN];	/* "": none yet */
	X509		*ca;
	X509		*cert;
	EVP_PKEY	*key;
};

/*
 * Store all of it (in one transaction); 0 or CS_ERR_*.  With naddrs 0
 * (enrollment) the list is "server" alone.
 */
int	identity_save(struct vault *, const struct identity *);
/*
 * Replace the list of addresses with "addrs" (1..IDENTITY_ADDRS_MAX,
 * each netaddr_ok(), no two the same: else CS_ERR_FORMAT), in the
 * vault and in "id".  The one that worked last is forgotten: a new list
 * is tried in its own order.  id->server is updated.
 */
int	identity_set_addrs(struct vault *, struct identity *,
	    const char *const *addrs, size_t n);
/*
 * "addr", one of id's addresses, worked: try it first from now on.
 * Written only when it is not already the last; CS_ERR_NOT_FOUND if it
 * is not listed.
 */
int	identity_set_last(struct vault *, struct identity *, const char *addr);
/* 1 if id's list is "addrs" exactly, in that order. */
int	identity_addrs_same(const struct identity *, const char *const *addrs,
	    size_t n);
/*
 * The order to try them in: the one that worked last, then the others
 * as listed.  Returns how many (id->naddrs).
 */
size_t	identity_addrs_order(const struct identity *,
	    const char *out[IDENTITY_ADDRS_MAX]);
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
