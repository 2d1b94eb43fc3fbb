/* SPDX-License-Identifier: ISC */
/*
 * readlog.c - hash-chained log of reads on this laptop (see readlog.h).
 *
 *   hash(n) = SHA-256(hash(n-1) || n || at || action || 0 || case_id)
 *
 * with n and at as 8-byte big-endian numbers and hash(0) all zeros
 * (checkpoint_read_hash(), which the server checks the upload with).
 * Each row keeps its own hash and the previous one, so the checker
 * needs nothing but the rows.  Removing rows from the end keeps the
 * chain whole, so the head (last n and hash) is also kept in the vault
 * secret READLOG_HEAD_SECRET, written in the entry's transaction (it
 * is the vault's own table, reached here through the same connection
 * so that the two commit together).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "buf.h"
#include "checkpoint.h"
#include "db.h"
#include "errors.h"
#include "log.h"
#include "readlog.h"

#define READLOG_ACTION_MAX	16
#define READLOG_CASE_MAX	36
#define READLOG_HEAD_LEN	40	/* n (8, big-endian) || hash (32) */

int
readlog_init(sqlite3 *db)
{
	return db_init(db);	/* the tables are db_schema.c's */
}

/* The last entry: *n = 0 if there is none (or no table yet). */
static int
readlog_last(sqlite3 *db, int64_t *n, uint8_t hash[32])
{
	sqlite3_stmt	*s = NULL;
	int		 rc, r = CS_ERR_DB;

	*n = 0;
	memset(hash, 0, 32);
	if (sqlite3_prepare_v2(db, "SELECT n, hash FROM read_log ORDER BY n"
	    " DESC LIMIT 1", -1, &s, NULL) != SQLITE_OK) {
		/* no table: nothing was ever read (else the head says so) */
		if (sqlite3_errcode(db) == SQLITE_ERROR &&
		    strstr(sqlite3_errmsg(db), "no such table") != NULL)
			r = 0;
		goto out;
	}
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (sqlite3_column_bytes(s, 1) != 32 ||
		    sqlite3_column_int64(s, 0) < 1) {
			r = CS_ERR_TAMPERED;
			goto out;
		}
		*n = sqlite3_column_int64(s, 0);
		memcpy(hash, sqlite3_column_blob(s, 1), 32);
	} else if (rc != SQLITE_DONE)
		goto out;
	r = 0;
 out:
	sqlite3_finalize(s);
	return r;
}

/* The head secret: *have = 0 if there is none. */
static int
readlog_head_get(sqlite3 *db, int *have, int64_t *n, uint8_t hash[32])
{
	sqlite3_stmt	*s = NULL;
	const uint8_t	*p;
	uint64_t	 v;
	int		 rc, r = CS_ERR_DB;

	*have = 0;
	*n = 0;
	if (sqlite3_prepare_v2(db, "SELECT value FROM vault_secret WHERE"
	    " name = ?1", -1, &s, NULL) != SQLITE_OK ||
	    sqlite3_bind_text(s, 1, READLOG_HEAD_SECRET, -1,
	    SQLITE_STATIC) != SQLITE_OK)
		goto out;
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (sqlite3_column_bytes(s, 0) != READLOG_HEAD_LEN ||
		    (p = sqlite3_column_blob(s, 0)) == NULL) {
			r = CS_ERR_TAMPERED;
			goto out;
		}
		if ((v = buf_load_u64(p)) > INT64_MAX) {
			r = CS_ERR_TAMPERED;
			goto out;
		}
		*n = (int64_t)v;
		memcpy(hash, p + 8, 32);
		*have = 1;
	} else if (rc != SQLITE_DONE)
		goto out;
	r = 0;
 out:
	sqlite3_finalize(s);
	return r;
}

static int
readlog_head_put(sqlite3 *db, int64_t n, const uint8_t hash[32])
{
	sqlite3_stmt	*s = NULL;
	uint8_t		 v[READLOG_HEAD_LEN];
	int		 r = CS_ERR_DB;

	buf_store_u64(v, (uint64_t)n);
	memcpy(v + 8, hash, 32);
	if (sqlite3_prepare_v2(db, "INSERT INTO vault_secret(name, value)"
	    " VALUES (?1, ?2) ON CONFLICT(name) DO UPDATE SET value = ?2", -1,
	    &s, NULL) != SQLITE_OK ||
	    sqlite3_bind_text(s, 1, READLOG_HEAD_SECRET, -1,
	    SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_blob(s, 2, v, sizeof(v), SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_step(s) != SQLITE_DONE)
		goto out;
	r = 0;
 out:
	sqlite3_finalize(s);
	return r;
}

/*
 * The table's last entry against the head, inside the caller's
 * transaction: 0, CS_ERR_TAMPERED or CS_ERR_DB.  No head but entries:
 * a vault from before the head was kept; with "adopt" it gets one from
 * its last entry (a write), else the answer is 1.
 */
static int
readlog_match(sqlite3 *db, int adopt)
{
	uint8_t	hash[32], head[32];
	int64_t	n, hn;
	int	have, r;

	if ((r = readlog_last(db, &n, hash)) != 0 ||
	    (r = readlog_head_get(db, &have, &hn, head)) != 0)
		return r;
	if (!have && n > 0)
		return adopt ? readlog_head_put(db, n, hash) : 1;
	if (!have)
		return 0;
	if (n == hn && (n == 0 || sodium_memcmp(hash, head, 32) == 0))
		return 0;
	if (n < hn)
		log_warnx("read log: entries %lld to %lld are missing: removed "
		    "before they were uploaded, or the log was put back from "
		    "an older copy of the vault", (long long)n + 1,
		    (long long)hn);
	else
		log_warnx("read log: its last entry (%lld) is not the one this "
		    "vault recorded (%lld): entries were removed or replaced",
		    (long long)n, (long long)hn);
	return CS_ERR_TAMPERED;
}

int
readlog_verify(sqlite3 *db)
{
	int	r, pass;

	/*
	 * A read transaction (no wait for a writer such as "sync
	 * --watch"); only a vault from before the head was kept takes
	 * the write lock, once, to record its first head.
	 */
	for (pass = 0; pass < 2; pass++) {
		if (sqlite3_exec(db, pass == 0 ? "BEGIN" : "BEGIN IMMEDIATE",
		    NULL, NULL, NULL) != SQLITE_OK)
			return CS_ERR_DB;
		if ((r = readlog_match(db, pass)) == 0 &&
		    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
			r = CS_ERR_DB;
		if (r != 0 && !sqlite3_get_autocommit(db))
			(void)sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
		if (r != 1)
			return r;
	}
	return CS_ERR_INTERNAL;
}

int
readlog_add(sqlite3 *db, const char *action, const char *case_id)
{
	return readlog_add_child(db, action, case_id, "");
}

int
readlog_add_child(sqlite3 *db, const char *action, const char *case_id,
    const char *child_id)
{
	sqlite3_stmt	*s = NULL;
	uint8_t		 prev[32], hash[32];
	int64_t		 n = 1, at = (int64_t)time(NULL);
	int		 rc, r = CS_ERR_DB;

	if (strlen(action) > READLOG_ACTION_MAX ||
	    strlen(case_id) > READLOG_CASE_MAX ||
	    strlen(child_id) > READLOG_CASE_MAX ||
	    (child_id[0] != '\0' && case_id[0] == '\0'))
		return CS_ERR_INTERNAL;
	memset(prev, 0, sizeof(prev));
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		goto out;
	if ((rc = readlog_match(db, 1)) != 0) {
		r = rc;
		goto out;
	}
	if (sqlite3_prepare_v2(db, "SELECT n, hash FROM read_log ORDER BY n"
	    " DESC LIMIT 1", -1, &s, NULL) != SQLITE_OK)
		goto out;
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (sqlite3_column_bytes(s, 1) != 32)
			goto out;
		n = sqlite3_column_int64(s, 0) + 1;
		memcpy(prev, sqlite3_column_blob(s, 1), 32);
	} else if (rc != SQLITE_DONE)
		goto out;
	sqlite3_finalize(s);
	s = NULL;
	checkpoint_read_hash(prev, (uint64_t)n, at, action, case_id, child_id,
	    hash);
	if (sqlite3_prepare_v2(db, "INSERT INTO read_log(n, at, action,"
	    " case_id, prev, hash, child_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6,"
	    " ?7)", -1, &s, NULL) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 1, n) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 2, at) != SQLITE_OK ||
	    sqlite3_bind_text(s, 3, action, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(s, 4, case_id, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_blob(s, 5, prev, 32, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_blob(s, 6, hash, 32, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(s, 7, child_id, -1, SQLITE_STATIC) !=
	    SQLITE_OK || sqlite3_step(s) != SQLITE_DONE)
		goto out;
	sqlite3_finalize(s);
	s = NULL;
	if (readlog_head_put(db, n, hash) != 0 ||
	    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto out;
	r = 0;
 out:
	if (r != 0) {
		if (r == CS_ERR_DB)
			log_warnx("readlog: %s", sqlite3_errmsg(db));
		sqlite3_finalize(s);
		if (!sqlite3_get_autocommit(db))
			(void)sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	}
	return r;
}

int
readlog_each(sqlite3 *db, readlog_cb cb, void *arg, int64_t *count)
{
	struct readlog_entry	 e;
	sqlite3_stmt		*s = NULL;
	uint8_t			 prev[32], want[32];
	int64_t			 last = 0;
	int			 rc, r = 0, first = 1;

	*count = 0;
	if (sqlite3_prepare_v2(db, "SELECT n, at, action, case_id, prev, hash,"
	    " child_id FROM read_log ORDER BY n", -1, &s, NULL) != SQLITE_OK)
		return CS_ERR_DB;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		e.n = sqlite3_column_int64(s, 0);
		e.at = sqlite3_column_int64(s, 1);
		e.action = (const char *)sqlite3_column_text(s, 2);
		e.case_id = (const char *)sqlite3_column_text(s, 3);
		e.child_id = (const char *)sqlite3_column_text(s, 6);
		if (e.action == NULL || e.case_id == NULL ||
		    e.child_id == NULL ||
		    sqlite3_column_bytes(s, 4) != 32 ||
		    sqlite3_column_bytes(s, 5) != 32) {
			r = CS_ERR_TAMPERED;
			break;
		}
		/* the first row may follow entries already uploaded */
		if (!first && (e.n != last + 1 ||
		    memcmp(sqlite3_column_blob(s, 4), prev, 32) != 0)) {
			r = CS_ERR_TAMPERED;
			break;
		}
		memcpy(prev, sqlite3_column_blob(s, 4), 32);
		checkpoint_read_hash(prev, (uint64_t)e.n, e.at, e.action,
		    e.case_id, e.child_id, want);
		if (memcmp(want, sqlite3_column_blob(s, 5), 32) != 0) {
			r = CS_ERR_TAMPERED;
			break;
		}
		memcpy(prev, want, 32);
		last = e.n;
		first = 0;
		if ((r = cb(&e, arg)) != 0)
			break;
	}
	if (r == 0 && rc != SQLITE_DONE)
		r = CS_ERR_DB;
	sqlite3_finalize(s);
	*count = last;
	return r;
}
