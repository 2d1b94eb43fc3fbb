/* SPDX-License-Identifier: ISC */
/*
 * store.h - the server database (SQLite, WAL, synchronous=FULL).
 *
 * store.c is the only file that includes sqlite3.h on the server side.
 * One struct store per thread: a worker, or casesyncctl.  Functions
 * return 0 or a negative CS_ERR_*; CS_ERR_DB failures are logged with
 * SQLite's message (never with values that could be secrets).
 */
#ifndef STORE_H
#define STORE_H

#include <stddef.h>
#include <stdint.h>

#include "pki.h"
#include "token.h"

#define STORE_NAME_MAX		128	/* user, office, device names */
#define STORE_ROLE_MAX		32

struct store;

struct store_user {
	int64_t	id;
	char	name[STORE_NAME_MAX + 1];
	char	role[STORE_ROLE_MAX + 1];
	char	office[STORE_NAME_MAX + 1];
};

struct store_device {
	int64_t	id;
	char	name[STORE_NAME_MAX + 1];
	struct store_user user;
	uint8_t	keyhash[PKI_HASH_LEN];
	int64_t	enrolled_at;
	int64_t	cert_not_after;
	int	revoked;
	int64_t	revoked_at;
};

struct store_token_info {
	int64_t	user_id;
	char	device_name[STORE_NAME_MAX + 1];
	int64_t	expires_at;
};

/*
 * Open the database at "path".  With "create", make a new database and
 * its schema (CS_ERR_EXISTS if the file exists); without, open an
 * existing one (CS_ERR_NOT_FOUND if missing).
 */
int	store_open(const char *path, int create, struct store **out);
void	store_close(struct store *);		/* NULL is a no-op */

/* True if "role" is one of the roles of DESIGN §2. */
int	store_role_valid(const char *role);
/* Names: 1..STORE_NAME_MAX bytes of printable UTF-8, no control chars. */
int	store_name_valid(const char *name);

int	store_office_add(struct store *, const char *name, const char *region,
	    int64_t *idp);
/* cb returns 0 to go on; a non-zero return stops and is returned. */
int	store_office_list(struct store *,
	    int (*cb)(int64_t id, const char *name, const char *region,
	    void *), void *arg);

/* CS_ERR_NOT_FOUND if the office does not exist, EXISTS if the name does. */
int	store_user_add(struct store *, const char *name, const char *role,
	    const char *office, int64_t *idp);
/* By name. */
int	store_user_get(struct store *, const char *name, struct store_user *);
int	store_user_list(struct store *,
	    int (*cb)(const struct store_user *, void *), void *arg);

/* Record a new token for "user_id", valid until "expires_at". */
int	store_token_add(struct store *, const uint8_t id[TOKEN_ID_LEN],
	    const uint8_t hash[TOKEN_HASH_LEN], int64_t user_id,
	    const char *device_name, int64_t expires_at);

/*
 * In one transaction: check the token (CS_ERR_NOT_FOUND: no such id,
 * CS_ERR_AUTH: wrong secret (counted on the token), CS_ERR_EXPIRED,
 * CS_ERR_USED), mark it used, and register a device with "keyhash"
 * (CS_ERR_EXISTS if that key is already registered) whose certificate
 * expires at "cert_not_after".  Fills *dev on success.
 */
int	store_enroll(struct store *, const struct token *,
	    const uint8_t keyhash[PKI_HASH_LEN], int64_t now,
	    int64_t cert_not_after, struct store_device *dev);

/* Count one failed enrollment from "addr" at "now". */
int	store_enroll_fail(struct store *, const char *addr, int64_t now);
/* Failures from "addr" since "since". */
int	store_enroll_fail_count(struct store *, const char *addr,
	    int64_t since, int64_t *count);

/* CS_ERR_NOT_FOUND if no device has that key.  Revoked ones are found. */
int	store_device_by_key(struct store *,
	    const uint8_t keyhash[PKI_HASH_LEN], struct store_device *);
int	store_device_get(struct store *, int64_t id, struct store_device *);
int	store_device_list(struct store *,
	    int (*cb)(const struct store_device *, void *), void *arg);
/* Mark revoked and bump the revocation generation.  NOT_FOUND / 0. */
int	store_device_revoke(struct store *, int64_t id, int64_t now);
/* A counter that changes whenever any device is revoked. */
int	store_revocation_gen(struct store *, int64_t *gen);

#endif /* STORE_H */
