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

#include "errors.h"
#include "log.h"
#include "store.h"
#include "store_int.h"
#include "store_rollback.h"

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
