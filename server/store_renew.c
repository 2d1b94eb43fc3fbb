/* SPDX-License-Identifier: ISC */
/*
 * store_renew.c - pending device keys and renewal tokens (see
 * store_renew.h).
 *
 * The two phases of a renewal are two tables: device_renewals holds
 * the keys the server has issued certificates for and the laptop has
 * not confirmed (the newest STORE_RENEW_PENDING_MAX of a device: two
 * casesync processes on one vault may each ask, and only the one that
 * wins the vault stores its key; the other's must not push it out);
 * devices.keyhash the key it has.  A lookup by key tries
 * devices first (the handshake path, store.c) and this table only when
 * that fails, so the common case costs nothing more.  Every write that
 * touches both tables runs in one BEGIN IMMEDIATE transaction: a crash
 * leaves either the old key alone, old and pending, or the new key
 * alone; never no key.
 */
#include <string.h>
#include <time.h>

#include <sodium.h>
#include "sdb.h"

#include "errors.h"
#include "log.h"
#include "store.h"
#include "store_int.h"
#include "store_renew.h"
#include "token.h"

/*
 * Prepare "sql" and bind ?1 to the integer "id" (if "bind_id") and the
 * next parameter to the blob "b" of "blen" bytes (if not NULL).
 */
static int
store_renew_stmt(struct store *st, const char *sql, int bind_id, int64_t id,
    const uint8_t *b, size_t blen, struct sdb_stmt **stmt)
{
	int	n = 1;

	if (store_prepare(st, sql, stmt) != 0)
		return CS_ERR_DB;
	if ((bind_id && sdb_bind_int64(*stmt, n++, id) != 0) ||
	    (b != NULL && sdb_bind_blob(*stmt, n, b, (int)blen) != 0)) {
		sdb_finalize(*stmt);
		*stmt = NULL;
		return CS_ERR_DB;
	}
	return 0;
}

/* *used = 1 if "keyhash" is a device's key or pending key. */
static int
store_renew_key_used(struct store *st, const uint8_t keyhash[PKI_HASH_LEN],
    int *used)
{
	struct sdb_stmt	*stmt = NULL;
	int		 rc, r;

	*used = 0;
	if ((r = store_renew_stmt(st, "SELECT 1 FROM devices WHERE keyhash "
	    "= ?1 UNION ALL SELECT 1 FROM device_renewals WHERE keyhash = ?1",
	    0, 0, keyhash, PKI_HASH_LEN, &stmt)) != 0)
		return r;
	if ((rc = sdb_step(stmt)) == SDB_ROW)
		*used = 1;
	r = rc == SDB_ROW || rc == SDB_DONE ? 0 : CS_ERR_DB;
	sdb_finalize(stmt);
	return r;
}

int
store_renew_pending(struct store *st, int64_t device_id,
    const uint8_t keyhash[PKI_HASH_LEN], int64_t cert_not_after, int64_t now)
{
	static const char ins[] =
	    "INSERT INTO device_renewals(device_id, keyhash, cert_not_after,"
	    " issued_at) VALUES (?1, ?2, ?3, ?4)";
	/* the newest ones stay (ids grow) */
	static const char trim[] =
	    "DELETE FROM device_renewals WHERE device_id = ?1 AND id NOT IN"
	    " (SELECT id FROM device_renewals WHERE device_id = ?1"
	    " ORDER BY id DESC LIMIT ?2)";
	struct store_device	 dev;
	struct sdb_stmt		*stmt = NULL;
	int			 used, r;

	if ((r = store_begin(st)) != 0)
		return r;
	if ((r = store_device_get(st, device_id, &dev)) != 0)
		goto out;
	if (dev.revoked) {
		r = CS_ERR_REVOKED;
		goto out;
	}
	if ((r = store_renew_key_used(st, keyhash, &used)) != 0)
		goto out;
	if (used) {
		r = CS_ERR_EXISTS;
		goto out;
	}
	if ((r = store_renew_stmt(st, ins, 1, device_id, keyhash,
	    PKI_HASH_LEN, &stmt)) != 0)
		goto out;
	r = CS_ERR_DB;
	if (sdb_bind_int64(stmt, 3, cert_not_after) != 0 ||
	    sdb_bind_int64(stmt, 4, now) != 0)
		goto out;
	if (sdb_step(stmt) != SDB_DONE) {
		r = store_errcode(st);
		goto out;
	}
	sdb_finalize(stmt);
	if ((r = store_renew_stmt(st, trim, 1, device_id, NULL, 0,
	    &stmt)) != 0)
		goto out;
	r = CS_ERR_DB;
	if (sdb_bind_int64(stmt, 2, STORE_RENEW_PENDING_MAX) !=
	    0 || sdb_step(stmt) != SDB_DONE)
		goto out;
	r = store_commit(st);
 out:
	if (r == CS_ERR_DB)
		store_log(st, __func__);
	sdb_finalize(stmt);
	store_rollback(st);
	return r;
}

/* Row of "SELECT keyhash, cert_not_after, issued_at". */
static int
store_renew_row(struct sdb_stmt *stmt, struct store_renew_pending *p)
{
	memset(p, 0, sizeof(*p));
	if ((int)sdb_column_bytes(stmt, 0) != PKI_HASH_LEN ||
	    sdb_column_blob(stmt, 0) == NULL)
		return CS_ERR_DB;
	memcpy(p->keyhash, sdb_column_blob(stmt, 0), PKI_HASH_LEN);
	p->cert_not_after = sdb_column_int64(stmt, 1);
	p->issued_at = sdb_column_int64(stmt, 2);
	return 0;
}

int
store_renew_pending_list(struct store *st, int64_t device_id,
    int (*cb)(const struct store_renew_pending *, void *), void *arg)
{
	struct store_renew_pending	 p;
	struct sdb_stmt			*stmt = NULL;
	int				 rc, r;

	if ((r = store_renew_stmt(st, "SELECT keyhash, cert_not_after, "
	    "issued_at FROM device_renewals WHERE device_id = ?1 ORDER BY id",
	    1, device_id, NULL, 0, &stmt)) != 0)
		return r;
	while ((rc = sdb_step(stmt)) == SDB_ROW)
		if ((r = store_renew_row(stmt, &p)) != 0 ||
		    (r = cb(&p, arg)) != 0)
			goto out;
	r = rc == SDB_DONE ? 0 : CS_ERR_DB;
 out:
	return store_done(st, stmt, r, __func__);
}

/* The pending key "keyhash" of "device_id"; NOT_FOUND if not. */
static int
store_renew_pending_get(struct store *st, int64_t device_id,
    const uint8_t keyhash[PKI_HASH_LEN], struct store_renew_pending *p)
{
	struct sdb_stmt	*stmt = NULL;
	int		 rc, r;

	memset(p, 0, sizeof(*p));
	if ((r = store_renew_stmt(st, "SELECT keyhash, cert_not_after, "
	    "issued_at FROM device_renewals WHERE device_id = ?1 AND "
	    "keyhash = ?2", 1, device_id, keyhash, PKI_HASH_LEN,
	    &stmt)) != 0)
		return r;
	if ((rc = sdb_step(stmt)) == SDB_DONE)
		r = CS_ERR_NOT_FOUND;
	else if (rc != SDB_ROW || store_renew_row(stmt, p) != 0) {
		store_log(st, __func__);
		r = CS_ERR_DB;
	}
	sdb_finalize(stmt);
	return r;
}

int
store_renew_by_pending(struct store *st, const uint8_t keyhash[PKI_HASH_LEN],
    struct store_device *dev)
{
	struct sdb_stmt	*stmt = NULL;
	int64_t		 id;
	int		 rc, r;

	memset(dev, 0, sizeof(*dev));
	if ((r = store_renew_stmt(st, "SELECT device_id FROM device_renewals "
	    "WHERE keyhash = ?1", 0, 0, keyhash, PKI_HASH_LEN, &stmt)) != 0)
		return r;
	rc = sdb_step(stmt);
	id = rc == SDB_ROW ? sdb_column_int64(stmt, 0) : 0;
	sdb_finalize(stmt);
	if (rc == SDB_DONE)
		return CS_ERR_NOT_FOUND;
	if (rc != SDB_ROW) {
		store_log(st, __func__);
		return CS_ERR_DB;
	}
	return store_device_get(st, id, dev);
}

/* Inside a transaction: make "keyhash" the key of "device_id". */
static int
store_renew_set_key(struct store *st, int64_t device_id,
    const uint8_t keyhash[PKI_HASH_LEN], int64_t cert_not_after)
{
	struct sdb_stmt	*stmt = NULL;
	int		 r;

	/* the pending rows first: the key moves, it is never in both */
	if ((r = store_renew_stmt(st, "DELETE FROM device_renewals WHERE "
	    "device_id = ?1", 1, device_id, NULL, 0, &stmt)) != 0)
		return r;
	r = sdb_step(stmt) == SDB_DONE ? 0 : CS_ERR_DB;
	sdb_finalize(stmt);
	stmt = NULL;
	if (r != 0)
		goto out;
	if ((r = store_renew_stmt(st, "UPDATE devices SET keyhash = ?2, "
	    "cert_not_after = ?3 WHERE id = ?1 AND revoked_at IS NULL", 1,
	    device_id, keyhash, PKI_HASH_LEN, &stmt)) != 0)
		goto out;
	r = CS_ERR_DB;
	if (sdb_bind_int64(stmt, 3, cert_not_after) != 0)
		goto out;
	if (sdb_step(stmt) != SDB_DONE) {
		r = store_errcode(st);
		goto out;
	}
	r = sdb_changes(st->db) == 1 ? 0 : CS_ERR_REVOKED;
 out:
	return store_done(st, stmt, r, __func__);
}

int
store_renew_promote(struct store *st, int64_t device_id,
    const uint8_t keyhash[PKI_HASH_LEN], struct store_device *dev,
    int *promoted)
{
	struct store_renew_pending	p;
	int				r;

	*promoted = 0;
	memset(dev, 0, sizeof(*dev));
	if ((r = store_begin(st)) != 0)
		return r;
	if ((r = store_device_get(st, device_id, dev)) != 0)
		goto out;
	if (dev->revoked) {
		r = CS_ERR_REVOKED;
		goto out;
	}
	r = store_renew_pending_get(st, device_id, keyhash, &p);
	if (r == 0) {
		if ((r = store_renew_set_key(st, device_id, keyhash,
		    p.cert_not_after)) != 0 ||
		    (r = store_device_get(st, device_id, dev)) != 0 ||
		    (r = store_commit(st)) != 0)
			goto out;
		*promoted = 1;
		goto out;
	}
	if (r != 0 && r != CS_ERR_NOT_FOUND)
		goto out;
	/* a confirm repeated after its reply was lost */
	r = sodium_memcmp(dev->keyhash, keyhash, PKI_HASH_LEN) == 0 ? 0 :
	    CS_ERR_NOT_FOUND;
 out:
	store_rollback(st);
	if (r != 0)
		memset(dev, 0, sizeof(*dev));
	return r;
}

int
store_renew_token_add(struct store *st, const uint8_t id[TOKEN_ID_LEN],
    const uint8_t hash[TOKEN_HASH_LEN], int64_t device_id,
    int64_t expires_at)
{
	struct sdb_stmt	*stmt = NULL;
	int		 r;

	if ((r = store_renew_stmt(st, "INSERT INTO renew_tokens(device_id, "
	    "id, hash, created_at, expires_at) VALUES (?1, ?2, ?3, ?5, ?4)",
	    1, device_id, id, TOKEN_ID_LEN,
	    &stmt)) != 0)
		return r;
	r = CS_ERR_DB;
	if (sdb_bind_blob(stmt, 3, hash, TOKEN_HASH_LEN) !=
	    0 || sdb_bind_int64(stmt, 4, expires_at) != 0 ||
	    sdb_bind_int64(stmt, 5, (int64_t)time(NULL)) != 0)
		goto out;
	if (sdb_step(stmt) != SDB_DONE) {
		/* FOREIGNKEY: no such device; PRIMARYKEY: id collision */
		r = store_errcode(st);
		goto out;
	}
	r = 0;
 out:
	return store_done(st, stmt, r, __func__);
}

/* Inside the transaction: count a wrong secret on the token. */
static void
store_renew_token_failed(struct store *st, const struct token *t)
{
	struct sdb_stmt	*stmt = NULL;

	if (store_renew_stmt(st, "UPDATE renew_tokens SET failures = "
	    "failures + 1 WHERE id = ?1", 0, 0, t->id, TOKEN_ID_LEN,
	    &stmt) != 0)
		return;
	if (sdb_step(stmt) != SDB_DONE || store_commit(st) != 0)
		log_warnx("store: renewal token failure not recorded");
	sdb_finalize(stmt);
}

int
store_renew_by_token(struct store *st, const struct token *t,
    int64_t device_id, const uint8_t keyhash[PKI_HASH_LEN], int64_t now,
    int64_t cert_not_after, struct store_device *dev, int64_t *bound_to)
{
	struct sdb_stmt	*stmt = NULL;
	uint8_t		 hash[TOKEN_HASH_LEN];
	int64_t		 tok_dev, expires;
	int		 rc, used, inuse, r;

	memset(dev, 0, sizeof(*dev));
	*bound_to = 0;
	if ((r = store_begin(st)) != 0)
		return r;
	if ((r = store_renew_stmt(st, "SELECT hash, device_id, expires_at, "
	    "used_at FROM renew_tokens WHERE id = ?1", 0, 0, t->id,
	    TOKEN_ID_LEN, &stmt)) != 0)
		goto out;
	r = CS_ERR_DB;
	if ((rc = sdb_step(stmt)) == SDB_DONE) {
		r = CS_ERR_NOT_FOUND;
		goto out;
	}
	if (rc != SDB_ROW || (int)sdb_column_bytes(stmt, 0) !=
	    TOKEN_HASH_LEN || sdb_column_blob(stmt, 0) == NULL)
		goto out;
	memcpy(hash, sdb_column_blob(stmt, 0), sizeof(hash));
	tok_dev = sdb_column_int64(stmt, 1);
	expires = sdb_column_int64(stmt, 2);
	used = !sdb_column_is_null(stmt, 3);
	sdb_finalize(stmt);
	stmt = NULL;

	/* the secret first: without it, learn nothing about the token */
	if (!token_matches(t, hash)) {
		store_renew_token_failed(st, t);
		r = CS_ERR_AUTH;
		goto out;
	}
	*bound_to = tok_dev;
	if (tok_dev != device_id) {
		r = CS_ERR_AUTH;
		goto out;
	}
	if (now >= expires) {
		r = CS_ERR_EXPIRED;
		goto out;
	}
	if (used) {
		r = CS_ERR_USED;
		goto out;
	}
	if ((r = store_device_get(st, device_id, dev)) != 0)
		goto out;
	if (dev->revoked) {
		r = CS_ERR_REVOKED;
		goto out;
	}
	if ((r = store_renew_key_used(st, keyhash, &inuse)) != 0)
		goto out;
	if (inuse) {
		r = CS_ERR_EXISTS;
		goto out;
	}
	if ((r = store_renew_stmt(st, "UPDATE renew_tokens SET used_at = ?2 "
	    "WHERE id = ?1 AND used_at IS NULL", 0, 0, t->id, TOKEN_ID_LEN,
	    &stmt)) != 0)
		goto out;
	r = CS_ERR_DB;
	if (sdb_bind_int64(stmt, 2, now) != 0 ||
	    sdb_step(stmt) != SDB_DONE)
		goto out;
	if (sdb_changes(st->db) != 1) {
		r = CS_ERR_USED;
		goto out;
	}
	if ((r = store_renew_set_key(st, device_id, keyhash,
	    cert_not_after)) != 0 ||
	    (r = store_device_get(st, device_id, dev)) != 0 ||
	    (r = store_commit(st)) != 0)
		goto out;
	r = 0;
 out:
	if (r == CS_ERR_DB)
		store_log(st, __func__);
	sdb_finalize(stmt);
	store_rollback(st);
	if (r != 0)
		memset(dev, 0, sizeof(*dev));
	sodium_memzero(hash, sizeof(hash));
	return r;
}
