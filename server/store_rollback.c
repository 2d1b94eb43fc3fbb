/* SPDX-License-Identifier: ISC */
/*
 * store_rollback.c - SQL for the per-device sync counters (see
 * store_rollback.h).  One statement raises the counter only upwards
 * and only while the device is not locked, so two connections of the
 * same device racing on two workers cannot lower it, and "not raised"
 * is known from sdb_changes().  A lock is sticky: the laptop
 * raises its counter before every attempt, so without it a restored
 * copy would simply retry until its counter passed the server's.
 */
#include <stdint.h>
#include <string.h>

#include "errors.h"
#include "log.h"
#include "store.h"
#include "store_int.h"
#include "store_rollback.h"

/*
 * store_counter_send's statements, by the certificate's key: a raise
 * returns the row of the key's device if it raised it; a read returns
 * the key's device with its counter and lock, if it has them.
 */
static const char *const store_counter_key_sql[2] = {
	"INSERT INTO device_counters(device_id, counter)"
	" SELECT id, ?2 FROM devices WHERE keyhash = ?1"
	" ON CONFLICT(device_id) DO UPDATE SET counter = excluded.counter"
	" WHERE excluded.counter > device_counters.counter"
	" AND device_counters.rollback_at IS NULL RETURNING device_id",
	"SELECT d.id, c.counter, c.rollback_at FROM devices d"
	" LEFT JOIN device_counters c ON c.device_id = d.id"
	" WHERE d.keyhash = ?1",
};

int
store_counter_send(struct store *st, const uint8_t keyhash[PKI_HASH_LEN],
    int64_t counter)
{
	struct sdb_stmt	*s;
	int		 k = counter > 0 ? 0 : 1;

	store_counter_drop(st);
	if (counter < 0)
		return CS_ERR_INTERNAL;
	/* SQLite: no round trip to save; the by-id statements, at once */
	if (!store_is_pg(st))
		return 0;
	if ((s = store_cached(st, STORE_STMT_COUNTER + k,
	    store_counter_key_sql[k])) == NULL)
		return CS_ERR_DB;
	/* bound borrowed (SQLite runs it when it is read): our copy */
	memcpy(st->counter_key, keyhash, sizeof(st->counter_key));
	if (sdb_bind_blob(s, 1, st->counter_key, PKI_HASH_LEN) != 0 ||
	    (k == 0 && sdb_bind_int64(s, 2, counter) != 0) ||
	    sdb_send(s) != 0) {
		sdb_reset(s);
		return CS_ERR_DB;
	}
	st->counter_sent = k + 1;
	st->counter_sent_v = counter;
	return 0;
}

void
store_counter_drop(struct store *st)
{
	struct sdb_stmt	*s;

	if (st->counter_sent != 0 &&
	    (s = st->stmts[STORE_STMT_COUNTER + st->counter_sent - 1]) != NULL)
		sdb_reset(s);
	st->counter_sent = 0;
}

/*
 * The answer to a check sent for "device_id" and "counter": 0 (or
 * CS_ERR_REVOKED: a read that found the lock) if it settles it, 1 if
 * not (none sent for that counter, a failure, or no row of that device:
 * the caller's statements by id then decide).
 */
static int
store_counter_read(struct store *st, int64_t device_id, int64_t counter,
    int64_t *stored, int64_t *locked_at)
{
	int		 k = counter > 0 ? 0 : 1, r = 1;
	struct sdb_stmt	*s = st->stmts[STORE_STMT_COUNTER + k];

	if (st->counter_sent != k + 1 || st->counter_sent_v != counter ||
	    s == NULL) {
		store_counter_drop(st);
		return 1;
	}
	st->counter_sent = 0;
	if (sdb_step(s) != SDB_ROW || sdb_column_int64(s, 0) != device_id)
		goto out;
	if (k == 0) {
		/* to the end: SQLite's autocommit ends with the statement */
		if (sdb_step(s) == SDB_DONE) {
			*stored = counter;
			r = 0;
		}
	} else if (sdb_column_is_null(s, 2))
		r = 0;			/* not locked, or no counter yet */
	else {
		*stored = sdb_column_int64(s, 1);
		*locked_at = sdb_column_int64(s, 2);
		r = CS_ERR_REVOKED;
	}
 out:
	sdb_reset(s);
	return r;
}

/* Lock "device_id" (first detection wins) and read the row back. */
static int
store_counter_lock(struct store *st, int64_t device_id, int64_t now,
    int64_t *stored, int64_t *locked_at)
{
	struct sdb_stmt	*stmt = NULL;
	int		 r = CS_ERR_DB;

	if (store_prepare(st, "UPDATE device_counters SET rollback_at = ?2 "
	    "WHERE device_id = ?1 AND rollback_at IS NULL "
	    "RETURNING counter, rollback_at", &stmt) != 0)
		goto out;
	if (sdb_bind_int64(stmt, 1, device_id) != 0 ||
	    sdb_bind_int64(stmt, 2, now) != 0)
		goto out;
	if (sdb_step(stmt) == SDB_ROW) {
		*stored = sdb_column_int64(stmt, 0);
		*locked_at = sdb_column_int64(stmt, 1);
		if (sdb_step(stmt) == SDB_DONE)
			r = CS_ERR_EXISTS;
		goto out;
	}
	sdb_finalize(stmt);
	/* already locked */
	if (store_prepare(st, "SELECT counter, rollback_at FROM "
	    "device_counters WHERE device_id = ?1", &stmt) != 0 ||
	    sdb_bind_int64(stmt, 1, device_id) != 0)
		goto out;
	if (sdb_step(stmt) == SDB_ROW) {
		*stored = sdb_column_int64(stmt, 0);
		*locked_at = sdb_column_int64(stmt, 1);
		r = CS_ERR_REVOKED;
	}
 out:
	if (r != CS_ERR_EXISTS && r != CS_ERR_REVOKED)
		store_log(st, "counter lock");
	sdb_finalize(stmt);
	return r;
}

int
store_counter_advance(struct store *st, int64_t device_id, int64_t counter,
    int64_t now, int64_t *stored, int64_t *locked_at)
{
	static const char	 sql[] =
	    "INSERT INTO device_counters(device_id, counter) VALUES (?1, ?2) "
	    "ON CONFLICT(device_id) DO UPDATE SET counter = excluded.counter "
	    "WHERE excluded.counter > device_counters.counter "
	    "AND device_counters.rollback_at IS NULL";
	struct sdb_stmt		*stmt = NULL;
	int			 r = CS_ERR_DB, rc;

	*stored = *locked_at = 0;
	if (counter <= 0)
		return CS_ERR_INTERNAL;
	if (store_counter_read(st, device_id, counter, stored,
	    locked_at) == 0)
		return 0;
	if (store_prepare(st, sql, &stmt) != 0)
		goto out;
	if (sdb_bind_int64(stmt, 1, device_id) != 0 ||
	    sdb_bind_int64(stmt, 2, counter) != 0)
		goto out;
	if ((rc = sdb_step(stmt)) != SDB_DONE) {
		store_log(st, "counter advance");
		goto out;
	}
	if (sdb_changes(st->db) == 1) {
		*stored = counter;
		r = 0;
		goto out;
	}
	r = store_counter_lock(st, device_id, now, stored, locked_at);
 out:
	sdb_finalize(stmt);
	return r;
}

int
store_counter_locked(struct store *st, int64_t device_id, int64_t *stored,
    int64_t *locked_at)
{
	struct sdb_stmt	*stmt = NULL;
	int		 r = CS_ERR_DB, rc;

	*stored = *locked_at = 0;
	if ((r = store_counter_read(st, device_id, 0, stored,
	    locked_at)) != 1)
		return r;
	r = CS_ERR_DB;
	if (store_prepare(st, "SELECT counter, rollback_at FROM "
	    "device_counters WHERE device_id = ?1", &stmt) != 0 ||
	    sdb_bind_int64(stmt, 1, device_id) != 0)
		goto out;
	if ((rc = sdb_step(stmt)) == SDB_DONE)
		r = 0;				/* never stated a counter */
	else if (rc == SDB_ROW) {
		if (sdb_column_is_null(stmt, 1))
			r = 0;
		else {
			*stored = sdb_column_int64(stmt, 0);
			*locked_at = sdb_column_int64(stmt, 1);
			r = CS_ERR_REVOKED;
		}
	}
 out:
	if (r == CS_ERR_DB)
		store_log(st, "counter locked");
	sdb_finalize(stmt);
	return r;
}
