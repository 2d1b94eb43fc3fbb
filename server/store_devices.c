/* SPDX-License-Identifier: ISC */
/*
 * store_devices.c - devices and their enrollment tokens in the server
 * database (see store.h): enrollment in one transaction, the failure
 * window per address, revocation and its generation counter.
 */
#include <string.h>
#include <time.h>

#include "sdb.h"

#include "errors.h"
#include "log.h"
#include "store.h"
#include "store_int.h"
#include "store_notify.h"
#include "token.h"

#define STORE_ADDR_MAX		128
#define STORE_FAIL_KEEP		86400	/* enroll failures kept one day */

/* The columns store_device_row() reads, in order. */
#define STORE_DEVICE_SELECT						\
	"SELECT d.id, d.name, d.keyhash, d.enrolled_at, d.cert_not_after,"  \
	" d.revoked_at, u.id, u.name, u.role, o.name"			\
	" FROM devices d JOIN users u ON u.id = d.user_id"		\
	" JOIN offices o ON o.id = u.office_id "

int
store_token_add(struct store *st, const uint8_t id[TOKEN_ID_LEN],
    const uint8_t hash[TOKEN_HASH_LEN], int64_t user_id,
    const char *device_name, int64_t expires_at)
{
	const struct store_blob	 b[2] = { { id, TOKEN_ID_LEN },
				    { hash, TOKEN_HASH_LEN } };
	const int64_t		 iv[3] = { user_id, (int64_t)time(NULL),
				    expires_at };
	const char		*t[1] = { device_name };

	if (!store_name_valid(device_name))
		return CS_ERR_FORMAT;
	/* FOREIGNKEY: no such user; PRIMARYKEY: id collision */
	return store_do_b(st, "INSERT INTO enroll_tokens(id, hash, user_id,"
	    " device_name, created_at, expires_at) VALUES (?1, ?2, ?3, ?4,"
	    " ?5, ?6)", NULL, "bbitii", iv, t, b);
}

/* Columns of STORE_DEVICE_SELECT. */
static int
store_device_row(struct sdb_stmt *stmt, struct store_device *dev)
{
	const void	*kh;

	memset(dev, 0, sizeof(*dev));
	dev->id = sdb_column_int64(stmt, 0);
	if (store_col_text(stmt, 1, dev->name, sizeof(dev->name)) != 0)
		return CS_ERR_DB;
	kh = sdb_column_blob(stmt, 2);
	if (kh == NULL || (int)sdb_column_bytes(stmt, 2) != PKI_HASH_LEN)
		return CS_ERR_DB;
	memcpy(dev->keyhash, kh, PKI_HASH_LEN);
	dev->enrolled_at = sdb_column_int64(stmt, 3);
	dev->cert_not_after = sdb_column_int64(stmt, 4);
	if (!sdb_column_is_null(stmt, 5)) {
		dev->revoked = 1;
		dev->revoked_at = sdb_column_int64(stmt, 5);
	}
	return store_user_row(stmt, 6, &dev->user);
}

/* The statement of a lookup by id or by key, prepared once. */
static int
store_device_q(struct store *st, int bykey, struct sdb_stmt **stmt)
{
	struct sdb_stmt	**cached = &st->devq[bykey != 0];
	int		  r;

	/* on every Hello: prepared once per connection */
	if (*cached == NULL && (r = store_prepare(st, bykey ?
	    STORE_DEVICE_SELECT "WHERE d.keyhash = ?1" :
	    STORE_DEVICE_SELECT "WHERE d.id = ?1", cached)) != 0)
		return r;
	*stmt = *cached;
	return 0;
}

int
store_device_by_key_send(struct store *st,
    const uint8_t keyhash[PKI_HASH_LEN])
{
	struct sdb_stmt	*stmt;
	int		 r;

	store_device_by_key_drop(st);
	if ((r = store_device_q(st, 1, &stmt)) != 0)
		return r;
	/* bound borrowed (SQLite runs it when it is read): our copy */
	memcpy(st->devkey, keyhash, sizeof(st->devkey));
	if (sdb_bind_blob(stmt, 1, st->devkey, PKI_HASH_LEN) != 0 ||
	    sdb_send(stmt) != 0) {
		sdb_reset(stmt);
		(void)sdb_clear_bindings(stmt);
		return CS_ERR_DB;
	}
	st->devkey_sent = 1;
	return 0;
}

void
store_device_by_key_drop(struct store *st)
{
	if (st->devkey_sent && st->devq[1] != NULL) {
		sdb_reset(st->devq[1]);
		(void)sdb_clear_bindings(st->devq[1]);
	}
	st->devkey_sent = 0;
}

/*
 * Fetch one device by id (keyhash NULL) or by key hash: the answer to
 * a lookup sent ahead (the key it was sent with: SQLite runs it with
 * that binding now), or the lookup now.
 */
static int
store_device_fetch(struct store *st, int64_t id, const uint8_t *keyhash,
    struct store_device *dev)
{
	struct sdb_stmt	*stmt;
	int		 r, sent;

	memset(dev, 0, sizeof(*dev));
	sent = keyhash != NULL && st->devkey_sent &&
	    memcmp(keyhash, st->devkey, sizeof(st->devkey)) == 0;
	if (!sent)
		store_device_by_key_drop(st);
	st->devkey_sent = 0;
	if ((r = store_device_q(st, keyhash != NULL, &stmt)) != 0)
		return r;
	r = CS_ERR_DB;
	if (!sent && (keyhash != NULL ? sdb_bind_blob(stmt, 1, keyhash,
	    PKI_HASH_LEN) : sdb_bind_int64(stmt, 1, id)) != 0)
		goto out;
	if ((r = store_row(stmt)) != 0 ||
	    (r = store_device_row(stmt, dev)) != 0)
		goto out;
 out:
	if ((r = store_retry(st, r)) == CS_ERR_DB || r == CS_ERR_RETRY)
		store_log(st, __func__);
	if (r != 0)
		memset(dev, 0, sizeof(*dev));
	sdb_reset(stmt);
	(void)sdb_clear_bindings(stmt);
	return r;
}

/* Called inside store_enroll's transaction; *failed set on AUTH. */
static int
store_token_use(struct store *st, const struct token *t, int64_t now,
    struct store_token_info *info, int *failed)
{
	const struct store_blob	 b[1] = { { t->id, TOKEN_ID_LEN } };
	struct sdb_stmt		*stmt = NULL;
	uint8_t			 hash[TOKEN_HASH_LEN];
	const void		*h;
	int			 used, r;

	*failed = 0;
	memset(info, 0, sizeof(*info));
	if ((r = store_bind(st, "SELECT hash, user_id, device_name,"
	    " expires_at, used_at FROM enroll_tokens WHERE id = ?1", &stmt,
	    "b", NULL, NULL, b)) != 0 || (r = store_row(stmt)) != 0)
		goto out;
	r = CS_ERR_DB;
	if ((h = sdb_column_blob(stmt, 0)) == NULL ||
	    (int)sdb_column_bytes(stmt, 0) != TOKEN_HASH_LEN)
		goto out;
	memcpy(hash, h, sizeof(hash));
	info->user_id = sdb_column_int64(stmt, 1);
	if (store_col_text(stmt, 2, info->device_name,
	    sizeof(info->device_name)) != 0)
		goto out;
	info->expires_at = sdb_column_int64(stmt, 3);
	used = !sdb_column_is_null(stmt, 4);
	sdb_finalize(stmt);
	stmt = NULL;

	/* The secret first: without it, learn nothing about the token. */
	if (!token_matches(t, hash)) {
		*failed = 1;
		r = CS_ERR_AUTH;
		goto out;
	}
	if (now >= info->expires_at) {
		r = CS_ERR_EXPIRED;
		goto out;
	}
	if (used) {
		r = CS_ERR_USED;
		goto out;
	}
	if ((r = store_do_b(st, "UPDATE enroll_tokens SET used_at = ?2"
	    " WHERE id = ?1 AND used_at IS NULL", NULL, "bi", &now, NULL,
	    b)) != 0)
		goto out;
	if (store_changes(st) != 1)
		r = CS_ERR_USED;
 out:
	return store_done(st, stmt, r, __func__);
}

static int
store_token_failed(struct store *st, const struct token *t)
{
	const struct store_blob	b[1] = { { t->id, TOKEN_ID_LEN } };

	return store_do_b(st, "UPDATE enroll_tokens SET failures ="
	    " failures + 1 WHERE id = ?1", NULL, "b", NULL, NULL, b);
}

int
store_enroll(struct store *st, const struct token *t,
    const uint8_t keyhash[PKI_HASH_LEN], int64_t now, int64_t cert_not_after,
    struct store_device *dev)
{
	struct store_token_info	 info;
	struct store_blob	 b[1];
	const char		*tx[1];
	int64_t			 iv[3], devid;
	int			 failed, r;

	memset(dev, 0, sizeof(*dev));
	if ((r = store_begin(st)) != 0)
		goto out;
	if ((r = store_token_use(st, t, now, &info, &failed)) != 0) {
		/* A wrong secret is counted even though enrollment fails. */
		if (failed && store_token_failed(st, t) == 0 &&
		    store_commit(st) != 0)
			log_warnx("store: enroll failure not recorded");
		goto out;
	}
	b[0].p = keyhash;
	b[0].len = PKI_HASH_LEN;
	iv[0] = info.user_id;
	iv[1] = now;
	iv[2] = cert_not_after;
	tx[0] = info.device_name;
	if ((r = store_do_b(st, "INSERT INTO devices(user_id, name, keyhash,"
	    " enrolled_at, cert_not_after) VALUES (?1, ?2, ?3, ?4, ?5)"
	    " RETURNING id", &devid, "itbii", iv, tx, b)) != 0)
		goto out;
	if ((r = store_device_fetch(st, devid, NULL, dev)) != 0 ||
	    (r = store_commit(st)) != 0)
		goto out;
	r = 0;
 out:
	store_rollback(st);
	if (r != 0)
		memset(dev, 0, sizeof(*dev));
	memset(&info, 0, sizeof(info));
	return r;
}

int
store_enroll_fail(struct store *st, const char *addr, int64_t now)
{
	const int64_t	 iv[2] = { now - STORE_FAIL_KEEP, now };
	const char	*t[1] = { addr };
	size_t		 len;
	int		 r;

	if (addr == NULL || (len = strlen(addr)) == 0 || len > STORE_ADDR_MAX)
		return CS_ERR_FORMAT;
	if ((r = store_begin(st)) != 0)
		return r;
	if ((r = store_do(st, "DELETE FROM enroll_failures WHERE at < ?1",
	    NULL, "i", iv, NULL)) != 0 ||
	    (r = store_do(st, "INSERT INTO enroll_failures(addr, at) VALUES"
	    " (?1, ?2)", NULL, "ti", iv + 1, t)) != 0 ||
	    (r = store_commit(st)) != 0)
		store_rollback(st);
	return r;
}

int
store_enroll_fail_count(struct store *st, const char *addr, int64_t since,
    int64_t *count)
{
	const char	*t[1] = { addr };

	return store_do(st, "SELECT count(*) FROM enroll_failures WHERE"
	    " addr = ?1 AND at >= ?2", count, "ti", &since, t);
}

int
store_device_by_key(struct store *st, const uint8_t keyhash[PKI_HASH_LEN],
    struct store_device *dev)
{
	return store_device_fetch(st, 0, keyhash, dev);
}

int
store_device_get(struct store *st, int64_t id, struct store_device *dev)
{
	return store_device_fetch(st, id, NULL, dev);
}

int
store_device_list(struct store *st,
    int (*cb)(const struct store_device *, void *), void *arg)
{
	struct sdb_stmt		*stmt = NULL;
	struct store_device	 dev;
	int			 rc, r;

	if ((r = store_prepare(st, STORE_DEVICE_SELECT "ORDER BY d.id",
	    &stmt)) != 0)
		goto out;
	while ((rc = sdb_step(stmt)) == SDB_ROW) {
		if ((r = store_device_row(stmt, &dev)) != 0 ||
		    (r = cb(&dev, arg)) != 0)
			goto out;
	}
	r = rc == SDB_DONE ? 0 : CS_ERR_DB;
 out:
	return store_done(st, stmt, r, __func__);
}

int
store_device_revoke(struct store *st, int64_t id, int64_t now)
{
	const int64_t	iv[2] = { id, now };
	int		r;

	if ((r = store_begin(st)) != 0)
		return r;
	if ((r = store_do(st, "UPDATE devices SET revoked_at ="
	    " coalesce(revoked_at, ?2) WHERE id = ?1", NULL, "ii", iv,
	    NULL)) != 0)
		goto out;
	if (store_changes(st) != 1) {
		r = CS_ERR_NOT_FOUND;
		goto out;
	}
	/* Bumped even when already revoked: workers recheck, harmlessly. */
	if ((r = store_do(st, "UPDATE meta SET value = value + 1 WHERE"
	    " key = 'revocation_gen'", NULL, "", NULL, NULL)) != 0)
		goto out;
	if (store_changes(st) != 1) {
		r = CS_ERR_DB;
		goto out;
	}
	/* the other instances close its connections too */
	if ((r = store_notify(st, STORE_NOTIFY_REVOKE)) != 0)
		goto out;
	r = store_commit(st);
 out:
	store_rollback(st);
	return r;
}

int
store_revocation_gen(struct store *st, int64_t *gen)
{
	return store_meta_get(st, "revocation_gen", gen);
}

int
store_device_last_seen(struct store *st, int64_t id, int64_t *when,
    char *addr, size_t addrlen)
{
	struct sdb_stmt	*stmt = NULL;
	int		 r;

	*when = 0;
	addr[0] = '\0';
	if ((r = store_bind(st, "SELECT server_time, addr FROM audit_log"
	    " WHERE device_id = ?1 AND type = 'login' ORDER BY idx DESC"
	    " LIMIT 1", &stmt, "i", &id, NULL, NULL)) != 0 ||
	    (r = store_row(stmt)) != 0)
		goto out;
	*when = sdb_column_int64(stmt, 0);
	r = store_col_text(stmt, 1, addr, addrlen);
 out:
	return store_done(st, stmt, r, __func__);
}
