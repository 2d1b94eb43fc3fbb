/* SPDX-License-Identifier: ISC */
/*
 * db.c - local records, merge base, outbox and cursor (see db.h).
 *
 * The invariants that make sync lose nothing:
 *  - a record with rows in the outbox is "dirty"; a pull never simply
 *    overwrites a dirty record, it merges (merge.c) with the mirror row
 *    as the base;
 *  - the mirror row exists exactly while the record is dirty and holds
 *    the server's body at records.version;
 *  - an outbox row that may have reached the server ("sent") keeps its
 *    change_id and content, so a retry is idempotent; a later edit goes
 *    into a new row;
 *  - a change the server refuses for want of write access leaves the
 *    outbox only into the "held" table of nolost.c (with its change_id);
 *    a purge deletes a case only when neither table has a change of it.
 * Everything a sync step changes is written in one transaction together
 * with the cursor, so a kill at any point resumes cleanly.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>
#include <sqlite3.h>

#include "body.h"
#include "buf.h"
#include "db.h"
#include "errors.h"
#include "log.h"
#include "merge.h"
#include "nolost.h"
#include "record.h"

static const char db_schema[] =
    "PRAGMA secure_delete = ON;"
    "CREATE TABLE IF NOT EXISTS records ("
    " rid INTEGER PRIMARY KEY,"
    " record_id TEXT NOT NULL UNIQUE,"
    " case_id TEXT NOT NULL,"
    " kind TEXT NOT NULL,"
    " version INTEGER NOT NULL,"
    " deleted INTEGER NOT NULL,"
    " key_epoch INTEGER NOT NULL,"
    " body BLOB NOT NULL,"
    " hlc INTEGER NOT NULL);"
    "CREATE INDEX IF NOT EXISTS records_case ON records(case_id);"
    "CREATE TABLE IF NOT EXISTS mirror ("
    " record_id TEXT PRIMARY KEY NOT NULL,"
    " version INTEGER NOT NULL,"
    " deleted INTEGER NOT NULL,"
    " body BLOB NOT NULL);"
    "CREATE TABLE IF NOT EXISTS outbox ("
    " seq INTEGER PRIMARY KEY AUTOINCREMENT,"
    " change_id TEXT NOT NULL UNIQUE,"
    " record_id TEXT NOT NULL,"
    " case_id TEXT NOT NULL,"
    " kind TEXT NOT NULL,"
    " base_version INTEGER NOT NULL,"
    " deleted INTEGER NOT NULL,"
    " key_epoch INTEGER NOT NULL,"
    " body BLOB NOT NULL,"
    " hlc INTEGER NOT NULL,"
    " sent INTEGER NOT NULL DEFAULT 0);"
    "CREATE INDEX IF NOT EXISTS outbox_record ON outbox(record_id);"
    "CREATE INDEX IF NOT EXISTS outbox_case ON outbox(case_id);"
    "CREATE TABLE IF NOT EXISTS sync_state ("
    " key TEXT PRIMARY KEY NOT NULL,"
    " value INTEGER NOT NULL);"
    /* lifecycle metadata of cases (client/case_meta.c), days or NULL */
    "CREATE TABLE IF NOT EXISTS case_meta ("
    " case_id TEXT PRIMARY KEY NOT NULL, frame TEXT NOT NULL,"
    " state TEXT NOT NULL, state_since INTEGER, drang_start INTEGER,"
    " measure_start INTEGER, end_date INTEGER, extended INTEGER NOT NULL,"
    " approved_by TEXT NOT NULL, updated_at INTEGER NOT NULL);"
    /* this laptop's user, for the authors of conflicts (db_self_get) */
    "CREATE TABLE IF NOT EXISTS self_user ("
    " id INTEGER PRIMARY KEY CHECK (id = 1), user_id TEXT NOT NULL,"
    " user_name TEXT NOT NULL);"
    /* authors of records in keys.c's sealed_pending (client/author.c) */
    "CREATE TABLE IF NOT EXISTS pending_author ("
    " record_id TEXT PRIMARY KEY NOT NULL, version INTEGER NOT NULL,"
    " user_id TEXT NOT NULL, user_name TEXT NOT NULL) WITHOUT ROWID;"
    /*
     * records this laptop re-offers after a server restore (db_restore):
     * the version it held from before, which the server lost
     */
    "CREATE TABLE IF NOT EXISTS reoffer ("
    " record_id TEXT PRIMARY KEY NOT NULL,"
    " lost_version INTEGER NOT NULL,"
    " held INTEGER NOT NULL DEFAULT 0);";

static int
db_exec(sqlite3 *db, const char *sql)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		log_warnx("db: %s", sqlite3_errmsg(db));
		return CS_ERR_DB;
	}
	return 0;
}

int
db_init(sqlite3 *db)
{
	int	r;

	if ((r = db_exec(db, db_schema)) != 0)
		return r;
	return nolost_init(db);		/* read-only cases, held changes */
}

int
db_begin(sqlite3 *db)
{
	return db_exec(db, "BEGIN IMMEDIATE");
}

static void	db_tx_end(sqlite3 *);

int
db_commit(sqlite3 *db)
{
	int	r = db_exec(db, "COMMIT");

	db_tx_end(db);
	return r;
}

void
db_rollback(sqlite3 *db)
{
	db_tx_end(db);
	if (!sqlite3_get_autocommit(db))
		(void)sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
}

/*
 * A new id: a UUID of version 7 (RFC 9562), 48 bits of Unix time in
 * milliseconds, a 12-bit counter, then 62 random bits.  Time first keeps
 * the indexes on record, change and case ids, here and on the server,
 * appending at their right edge: with random (version 4) ids every
 * inserted row dirtied its own index page, so a push of 500 changes
 * wrote some 1,000 pages on the server and the cost grew with the
 * number of records held.  The counter keeps the ids of one process
 * strictly increasing; it starts below 2048 each millisecond and, once
 * used up, moves the time on by one.  The time it shows is no secret
 * from the server: each change's hybrid clock (hlc) shows it too.
 */
void
db_uuid(char out[DB_UUID_LEN + 1])
{
	static const char	hex[] = "0123456789abcdef";
	static uint64_t		last_ms;
	static uint32_t		ctr;
	struct timespec		ts;
	uint64_t		ms;
	uint8_t			u[16];
	size_t			i, o = 0;

	randombytes_buf(u, sizeof(u));
	(void)clock_gettime(CLOCK_REALTIME, &ts);
	ms = (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
	if (ms > last_ms) {
		last_ms = ms;
		ctr = buf_load_u16(u + 6) & 0x7ff;
	} else if (++ctr > 0xfff) {	/* same ms (or the clock went back) */
		last_ms++;
		ctr = buf_load_u16(u + 6) & 0x7ff;
	}
	for (i = 0; i < 6; i++)
		u[i] = (uint8_t)(last_ms >> (40 - 8 * i));
	u[6] = (uint8_t)(0x70 | ctr >> 8);	/* version 7 */
	u[7] = (uint8_t)ctr;
	u[8] = (u[8] & 0x3f) | 0x80;	/* RFC 9562 variant */
	for (i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hex[u[i] >> 4];
		out[o++] = hex[u[i] & 15];
	}
	out[o] = '\0';
}

int
db_prep(sqlite3 *db, const char *sql, sqlite3_stmt **s)
{
	if (sqlite3_prepare_v2(db, sql, -1, s, NULL) != SQLITE_OK) {
		log_warnx("db: %s", sqlite3_errmsg(db));
		*s = NULL;
		return CS_ERR_DB;
	}
	return 0;
}

/*
 * Statements used inside a transaction are prepared once per
 * transaction: a pull batch applies thousands of records with the same
 * few statements.  db_get() hands out a reset statement for "sql" (a
 * string with static storage: the pointer is the key), db_put() takes
 * it back; db_commit() and db_rollback() finalize them.  Outside a
 * transaction db_get() simply prepares and db_put() finalizes.
 */
#define DB_TX_STMTS	16

static struct db_tx_stmt {
	sqlite3		*db;
	const char	*sql;
	sqlite3_stmt	*s;
} db_tx[DB_TX_STMTS];
static size_t	db_ntx;

static int
db_get(sqlite3 *db, const char *sql, sqlite3_stmt **s)
{
	size_t	i;
	int	ret;

	if (!sqlite3_get_autocommit(db)) {
		for (i = 0; i < db_ntx; i++) {
			if (db_tx[i].db == db && db_tx[i].sql == sql) {
				*s = db_tx[i].s;
				return 0;
			}
		}
	}
	if ((ret = db_prep(db, sql, s)) != 0)
		return ret;
	if (!sqlite3_get_autocommit(db) && db_ntx < DB_TX_STMTS) {
		db_tx[db_ntx].db = db;
		db_tx[db_ntx].sql = sql;
		db_tx[db_ntx].s = *s;
		db_ntx++;
	}
	return 0;
}

static void
db_put(sqlite3_stmt *s)
{
	size_t	i;

	for (i = 0; i < db_ntx; i++) {
		if (db_tx[i].s == s) {
			sqlite3_reset(s);
			sqlite3_clear_bindings(s);
			return;
		}
	}
	sqlite3_finalize(s);
}

static void
db_tx_end(sqlite3 *db)
{
	size_t	i, o = 0;

	for (i = 0; i < db_ntx; i++) {
		if (db_tx[i].db == db)
			sqlite3_finalize(db_tx[i].s);
		else
			db_tx[o++] = db_tx[i];
	}
	db_ntx = o;
}

static int
db_text(sqlite3_stmt *s, int col, char *dst, size_t dstlen)
{
	const unsigned char	*p = sqlite3_column_text(s, col);
	int			 n = sqlite3_column_bytes(s, col);

	if (p == NULL || n < 0 || (size_t)n >= dstlen)
		return CS_ERR_DB;
	memcpy(dst, p, (size_t)n);
	dst[n] = '\0';
	return 0;
}

/* Copy a BLOB column into malloc'd memory (NULL for empty). */
static int
db_blob(sqlite3_stmt *s, int col, uint8_t **p, size_t *lenp)
{
	const void	*b = sqlite3_column_blob(s, col);
	int		 n = sqlite3_column_bytes(s, col);

	*p = NULL;
	*lenp = 0;
	if (n < 0)
		return CS_ERR_DB;
	if (n == 0)
		return 0;
	if ((*p = malloc((size_t)n)) == NULL)
		return CS_ERR_ALLOC;
	memcpy(*p, b, (size_t)n);
	*lenp = (size_t)n;
	return 0;
}

void
db_record_clear(struct db_record *r)
{
	if (r->body != NULL) {
		sodium_memzero(r->body, r->body_len);
		free(r->body);
	}
	r->body = NULL;
	r->body_len = 0;
}

/* Columns: record_id case_id kind version deleted key_epoch body hlc */
#define DB_RECORD_COLS \
	"record_id, case_id, kind, version, deleted, key_epoch, body, hlc"

static int
db_record_row(sqlite3_stmt *s, struct db_record *r, int copy)
{
	int	n;

	if (db_text(s, 0, r->record_id, sizeof(r->record_id)) != 0 ||
	    db_text(s, 1, r->case_id, sizeof(r->case_id)) != 0 ||
	    db_text(s, 2, r->kind, sizeof(r->kind)) != 0)
		return CS_ERR_DB;
	r->version = sqlite3_column_int64(s, 3);
	r->deleted = sqlite3_column_int(s, 4) != 0;
	r->key_epoch = (uint32_t)sqlite3_column_int64(s, 5);
	r->hlc = (uint64_t)sqlite3_column_int64(s, 7);
	if (copy)
		return db_blob(s, 6, &r->body, &r->body_len);
	r->body = (uint8_t *)(uintptr_t)sqlite3_column_blob(s, 6);
	if ((n = sqlite3_column_bytes(s, 6)) < 0)
		return CS_ERR_DB;
	r->body_len = (size_t)n;
	return 0;
}

int
db_record_get(sqlite3 *db, const char *record_id, struct db_record *r)
{
	sqlite3_stmt	*s = NULL;
	int		 rc, ret;

	memset(r, 0, sizeof(*r));
	if ((ret = db_prep(db, "SELECT " DB_RECORD_COLS " FROM records"
	    " WHERE record_id = ?1", &s)) != 0)
		return ret;
	ret = CS_ERR_DB;
	if (sqlite3_bind_text(s, 1, record_id, -1, SQLITE_STATIC) != SQLITE_OK)
		goto out;
	if ((rc = sqlite3_step(s)) == SQLITE_DONE) {
		ret = CS_ERR_NOT_FOUND;
		goto out;
	}
	if (rc != SQLITE_ROW)
		goto out;
	ret = db_record_row(s, r, 1);
 out:
	sqlite3_finalize(s);
	return ret;
}

int
db_record_list(sqlite3 *db, const char *case_id,
    int (*cb)(const struct db_record *, void *), void *arg)
{
	sqlite3_stmt		*s = NULL;
	struct db_record	 r;
	int			 rc, ret;

	if ((ret = db_prep(db, case_id != NULL ?
	    "SELECT " DB_RECORD_COLS " FROM records WHERE case_id = ?1"
	    " ORDER BY case_id, kind, hlc" :
	    "SELECT " DB_RECORD_COLS " FROM records"
	    " ORDER BY case_id, kind, hlc", &s)) != 0)
		return ret;
	if (case_id != NULL &&
	    sqlite3_bind_text(s, 1, case_id, -1, SQLITE_STATIC) != SQLITE_OK) {
		sqlite3_finalize(s);
		return CS_ERR_DB;
	}
	ret = 0;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		memset(&r, 0, sizeof(r));
		if ((ret = db_record_row(s, &r, 0)) != 0 ||
		    (ret = cb(&r, arg)) != 0)
			break;
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = CS_ERR_DB;
	sqlite3_finalize(s);
	return ret;
}

static int
db_state_get(sqlite3 *db, const char *key, int64_t *v)
{
	sqlite3_stmt	*s = NULL;
	int		 rc, ret;

	*v = 0;
	if ((ret = db_get(db, "SELECT value FROM sync_state WHERE key = ?1",
	    &s)) != 0)
		return ret;
	ret = CS_ERR_DB;
	if (sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC) != SQLITE_OK)
		goto out;
	if ((rc = sqlite3_step(s)) == SQLITE_ROW)
		*v = sqlite3_column_int64(s, 0);
	else if (rc != SQLITE_DONE)
		goto out;
	ret = 0;
 out:
	db_put(s);
	return ret;
}

static int
db_state_set(sqlite3 *db, const char *key, int64_t v)
{
	sqlite3_stmt	*s = NULL;
	int		 ret;

	if ((ret = db_get(db, "INSERT INTO sync_state(key, value)"
	    " VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = ?2",
	    &s)) != 0)
		return ret;
	ret = CS_ERR_DB;
	if (sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC) == SQLITE_OK &&
	    sqlite3_bind_int64(s, 2, v) == SQLITE_OK &&
	    sqlite3_step(s) == SQLITE_DONE)
		ret = 0;
	db_put(s);
	return ret;
}

int
db_cursor_get(sqlite3 *db, int64_t *since, int64_t *tie)
{
	int	r;

	if ((r = db_state_get(db, "cursor", since)) != 0)
		return r;
	return db_state_get(db, "cursor_tie", tie);
}

int
db_cursor_set(sqlite3 *db, int64_t since, int64_t tie)
{
	int	r;

	if ((r = db_state_set(db, "cursor", since)) != 0)
		return r;
	return db_state_set(db, "cursor_tie", tie);
}

/* Next hybrid logical clock value: milliseconds << 16 | counter. */
static int
db_hlc_next(sqlite3 *db, uint64_t *out)
{
	struct timespec	ts;
	int64_t		last;
	uint64_t	now;
	int		r;

	if ((r = db_state_get(db, "hlc", &last)) != 0)
		return r;
	clock_gettime(CLOCK_REALTIME, &ts);
	now = ((uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000)
	    << 16;
	if (now <= (uint64_t)last)
		now = (uint64_t)last + 1;
	*out = now;
	return db_state_set(db, "hlc", (int64_t)now);
}

static int
db_is_append_only(const char *kind)
{
	return record_append_only(kind);
}

/*
 * Bind the record columns in DB_RECORD_COLS order at ?1..?8; a
 * statement that uses fewer (the mirror) gets only those it has.
 */
static int
db_bind_record(sqlite3_stmt *s, const struct db_record *r)
{
	int	n = sqlite3_bind_parameter_count(s), rc = SQLITE_OK;

	if (rc == SQLITE_OK && n >= 1)
		rc = sqlite3_bind_text(s, 1, r->record_id, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK && n >= 2)
		rc = sqlite3_bind_text(s, 2, r->case_id, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK && n >= 3)
		rc = sqlite3_bind_text(s, 3, r->kind, -1, SQLITE_STATIC);
	if (rc == SQLITE_OK && n >= 4)
		rc = sqlite3_bind_int64(s, 4, r->version);
	if (rc == SQLITE_OK && n >= 5)
		rc = sqlite3_bind_int(s, 5, r->deleted != 0);
	if (rc == SQLITE_OK && n >= 6)
		rc = sqlite3_bind_int64(s, 6, r->key_epoch);
	if (rc == SQLITE_OK && n >= 7)
		rc = sqlite3_bind_blob(s, 7, r->body_len > 0 ?
		    (const void *)r->body : (const void *)"", (int)r->body_len,
		    SQLITE_STATIC);
	if (rc == SQLITE_OK && n >= 8)
		rc = sqlite3_bind_int64(s, 8, (int64_t)r->hlc);
	return rc == SQLITE_OK ? 0 : CS_ERR_DB;
}

/* Run "sql" with the record bound at ?1..?8. */
static int
db_run_record(sqlite3 *db, const char *sql, const struct db_record *r)
{
	sqlite3_stmt	*s = NULL;
	int		 ret;

	if ((ret = db_get(db, sql, &s)) != 0)
		return ret;
	if ((ret = db_bind_record(s, r)) == 0 &&
	    sqlite3_step(s) != SQLITE_DONE)
		ret = CS_ERR_DB;
	if (ret != 0)
		log_warnx("db: %s", sqlite3_errmsg(db));
	db_put(s);
	return ret;
}

/* Run "sql" with text ?1 and optional int64 ?2. */
static int
db_run(sqlite3 *db, const char *sql, const char *t1, int64_t i2)
{
	sqlite3_stmt	*s = NULL;
	int		 ret;

	if ((ret = db_get(db, sql, &s)) != 0)
		return ret;
	if (sqlite3_bind_text(s, 1, t1, -1, SQLITE_STATIC) != SQLITE_OK ||
	    (sqlite3_bind_parameter_count(s) >= 2 &&
	    sqlite3_bind_int64(s, 2, i2) != SQLITE_OK) ||
	    sqlite3_step(s) != SQLITE_DONE) {
		log_warnx("db: %s", sqlite3_errmsg(db));
		ret = CS_ERR_DB;
	}
	db_put(s);
	return ret;
}

static const char db_upsert_record[] =
    "INSERT INTO records(" DB_RECORD_COLS ") VALUES (?1, ?2, ?3, ?4, ?5,"
    " ?6, ?7, ?8) ON CONFLICT(record_id) DO UPDATE SET version = ?4,"
    " deleted = ?5, key_epoch = ?6, body = ?7, hlc = ?8";

static const char db_mirror_put[] =
    "INSERT OR REPLACE INTO mirror(record_id, version, deleted, body)"
    " VALUES (?1, ?4, ?5, ?7)";

/* Queue "r" (r->version = base) unless an unsent row can absorb it. */
static int
db_queue(sqlite3 *db, const struct db_record *r)
{
	sqlite3_stmt	*s = NULL;
	char		 cid[DB_UUID_LEN + 1];
	int		 ret;

	/* an unsent row is not on the server: it may still change */
	if ((ret = db_prep(db, "UPDATE outbox SET deleted = ?5,"
	    " key_epoch = ?6, body = ?7, hlc = ?8 WHERE seq = (SELECT"
	    " max(seq) FROM outbox WHERE record_id = ?1) AND sent = 0"
	    " AND case_id = ?2 AND kind = ?3 AND ?4 = ?4", &s)) != 0)
		return ret;
	if ((ret = db_bind_record(s, r)) != 0 ||
	    sqlite3_step(s) != SQLITE_DONE)
		ret = CS_ERR_DB;
	sqlite3_finalize(s);
	if (ret != 0 || sqlite3_changes(db) > 0)
		return ret;
	db_uuid(cid);
	if ((ret = db_prep(db, "INSERT INTO outbox(change_id, record_id,"
	    " case_id, kind, base_version, deleted, key_epoch, body, hlc)"
	    " VALUES (?9, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)", &s)) != 0)
		return ret;
	if ((ret = db_bind_record(s, r)) != 0 ||
	    sqlite3_bind_text(s, 9, cid, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_step(s) != SQLITE_DONE)
		ret = CS_ERR_DB;
	sqlite3_finalize(s);
	return ret;
}

static int
db_is_dirty(sqlite3 *db, const char *record_id, int *dirty)
{
	sqlite3_stmt	*s = NULL;
	int		 rc, ret;

	*dirty = 0;
	if ((ret = db_get(db, "SELECT 1 FROM outbox WHERE record_id = ?1"
	    " LIMIT 1", &s)) != 0)
		return ret;
	if (sqlite3_bind_text(s, 1, record_id, -1, SQLITE_STATIC) !=
	    SQLITE_OK || ((rc = sqlite3_step(s)) != SQLITE_ROW &&
	    rc != SQLITE_DONE))
		ret = CS_ERR_DB;
	else
		*dirty = rc == SQLITE_ROW;
	db_put(s);
	return ret;
}

int
db_local_write_tx(sqlite3 *db, struct db_record *r)
{
	struct db_record	cur;
	struct nolost_access	ro;
	int			ret, exists, dirty;

	if (r->body_len > DB_BODY_MAX)
		return CS_ERR_TOO_LARGE;
	/* a case read-only for this user takes no new write (nolost.h) */
	if ((ret = nolost_writable(db, r->case_id, &ro)) != 0)
		return ret;
	ret = db_record_get(db, r->record_id, &cur);
	if (ret != 0 && ret != CS_ERR_NOT_FOUND)
		return ret;
	exists = ret == 0;
	if (exists && (strcmp(cur.case_id, r->case_id) != 0 ||
	    strcmp(cur.kind, r->kind) != 0 || db_is_append_only(r->kind))) {
		ret = CS_ERR_EXISTS;
		goto out;
	}
	r->version = exists ? cur.version : 0;
	if ((ret = db_hlc_next(db, &r->hlc)) != 0 ||
	    (ret = db_is_dirty(db, r->record_id, &dirty)) != 0)
		goto out;
	/* first local edit of a synced record: keep the merge base */
	if (exists && !dirty && cur.version > 0 &&
	    (ret = db_run_record(db, db_mirror_put, &cur)) != 0)
		goto out;
	if ((ret = db_run_record(db, db_upsert_record, r)) != 0 ||
	    (ret = db_queue(db, r)) != 0)
		goto out;
 out:
	db_record_clear(&cur);
	return ret;
}

int
db_local_write(sqlite3 *db, struct db_record *r)
{
	int	ret;

	if ((ret = db_begin(db)) != 0)
		return ret;
	if ((ret = db_local_write_tx(db, r)) != 0 ||
	    (ret = db_commit(db)) != 0) {
		db_rollback(db);
		return ret;
	}
	return 0;
}

int
db_outbox_count(sqlite3 *db, int64_t *n)
{
	sqlite3_stmt	*s = NULL;
	int		 ret;

	*n = 0;
	if ((ret = db_prep(db, "SELECT count(*) FROM outbox", &s)) != 0)
		return ret;
	if (sqlite3_step(s) == SQLITE_ROW)
		*n = sqlite3_column_int64(s, 0);
	else
		ret = CS_ERR_DB;
	sqlite3_finalize(s);
	return ret;
}

void
db_changes_free(struct db_change *c, size_t n)
{
	size_t	i;

	if (c == NULL)
		return;
	for (i = 0; i < n; i++)
		db_record_clear(&c[i].rec);
	free(c);
}

/*
 * Outbox row "o" of a case with a confirmed key (keys.c's case_keys).
 * The unary + keeps SQLite from using outbox_case for it: the take must
 * walk the outbox in seq order and stop after a batch, not sort it all.
 */
#define DB_KEYED							\
    "+o.case_id IN (SELECT case_id FROM case_keys WHERE confirmed = 1)"

int
db_outbox_keyless(sqlite3 *db, int64_t *n)
{
	sqlite3_stmt	*s = NULL;
	int		 ret;

	*n = 0;
	if ((ret = db_prep(db, "SELECT count(*) FROM outbox o WHERE NOT "
	    DB_KEYED " OR o.record_id IN (SELECT record_id FROM reoffer"
	    " WHERE held = 1)", &s)) != 0)
		return ret;
	if (sqlite3_step(s) == SQLITE_ROW)
		*n = sqlite3_column_int64(s, 0);
	else
		ret = CS_ERR_DB;
	sqlite3_finalize(s);
	return ret;
}

/* Run "sql" with two integer parameters. */
static int
db_run2(sqlite3 *db, const char *sql, int64_t a, int64_t b)
{
	sqlite3_stmt	*s = NULL;
	int		 ret;

	if ((ret = db_prep(db, sql, &s)) != 0)
		return ret;
	if (sqlite3_bind_int64(s, 1, a) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 2, b) != SQLITE_OK ||
	    sqlite3_step(s) != SQLITE_DONE) {
		log_warnx("db: %s", sqlite3_errmsg(db));
		ret = CS_ERR_DB;
	}
	sqlite3_finalize(s);
	return ret;
}

int
db_outbox_take(sqlite3 *db, size_t max, size_t max_bytes,
    struct db_change **out, size_t *np)
{
	sqlite3_stmt		*s = NULL;
	struct db_change	*c = NULL;
	size_t			 n = 0, bytes = 0;
	int			 rc, ret;

	*out = NULL;
	*np = 0;
	if ((c = calloc(max, sizeof(*c))) == NULL)
		return CS_ERR_ALLOC;
	/*
	 * Read and mark in one write transaction.  An edit commits either
	 * before it (and its content is what is read) or after it (and finds
	 * the row sent, so db_queue() gives it a row of its own).  Between
	 * two separate statements an edit could land in a row that was then
	 * marked sent with the old content pushed, and db_pushed() deleted
	 * it: the edit never reached the server.
	 */
	if ((ret = db_begin(db)) != 0) {
		free(c);
		return ret;
	}
	/*
	 * The oldest row of each record only: later ones wait their turn.
	 * Only cases this laptop holds a confirmed key of (client/keys.c):
	 * the others wait for their key without holding back the rest.
	 */
	if ((ret = db_prep(db, "SELECT o.record_id, o.case_id, o.kind,"
	    " o.base_version, o.deleted, o.key_epoch, o.body, o.hlc, o.seq,"
	    " o.change_id, (SELECT CASE WHEN held THEN -1 ELSE lost_version"
	    " END FROM reoffer x WHERE x.record_id = o.record_id)"
	    " FROM outbox o WHERE o.seq ="
	    " (SELECT min(seq) FROM outbox WHERE record_id = o.record_id)"
	    " AND " DB_KEYED " ORDER BY o.seq", &s)) != 0)
		goto fail;
	while (n < max && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (n > 0 && bytes + (size_t)sqlite3_column_bytes(s, 6) >
		    max_bytes)
			break;
		/* a re-offer the server refused this sync (db_reoffer_hold) */
		if (sqlite3_column_int64(s, 10) < 0)
			continue;
		if ((ret = db_record_row(s, &c[n].rec, 1)) != 0 ||
		    (ret = db_text(s, 9, c[n].change_id,
		    sizeof(c[n].change_id))) != 0)
			goto fail;
		c[n].seq = sqlite3_column_int64(s, 8);
		c[n].lost_version = sqlite3_column_int64(s, 10);
		bytes += c[n].rec.body_len + 200;
		n++;
	}
	sqlite3_finalize(s);
	s = NULL;
	/*
	 * Mark what was taken, by a range of the primary key: the oldest
	 * rows of their records between the first and the last taken are
	 * exactly those (a statement over the whole outbox cost a full
	 * scan per batch: pushing 90,000 changes ran at 3,000/s).
	 */
	if (n > 0 && (ret = db_run2(db, "UPDATE outbox AS o SET sent = 1"
	    " WHERE o.seq BETWEEN ?1 AND ?2 AND o.sent = 0 AND o.seq ="
	    " (SELECT min(seq) FROM outbox x WHERE x.record_id = o.record_id)"
	    " AND " DB_KEYED, c[0].seq, c[n - 1].seq)) != 0)
		goto fail;
	if ((ret = db_commit(db)) != 0)
		goto fail;
	*out = c;
	*np = n;
	return 0;
 fail:
	sqlite3_finalize(s);
	db_rollback(db);
	db_changes_free(c, n + 1 <= max ? n + 1 : n);
	return ret != 0 ? ret : CS_ERR_DB;
}

/* A re-offer has its answer: from now on the record syncs as usual. */
static int
db_reoffer_done(sqlite3 *db, const struct db_change *c)
{
	if (c->lost_version == 0)
		return 0;
	return db_run(db, "DELETE FROM reoffer WHERE record_id = ?1",
	    c->rec.record_id, 0);
}

int
db_pushed(sqlite3 *db, const struct db_change *c, int64_t version)
{
	struct db_record	m;
	int			ret, dirty;

	if ((ret = db_run(db, "DELETE FROM outbox WHERE change_id = ?1",
	    c->change_id, 0)) != 0 ||
	    (ret = db_reoffer_done(db, c)) != 0 ||
	    (ret = db_is_dirty(db, c->rec.record_id, &dirty)) != 0)
		return ret;
	if (!dirty) {
		/* local state is what we pushed: clean again */
		if ((ret = db_run(db, "UPDATE records SET version = ?2 WHERE"
		    " record_id = ?1", c->rec.record_id, version)) != 0)
			return ret;
		return db_run(db, "DELETE FROM mirror WHERE record_id = ?1",
		    c->rec.record_id, 0);
	}
	/* later edits wait: they now build on what the server holds */
	m = c->rec;
	m.version = version;
	if ((ret = db_run(db, "UPDATE outbox SET base_version = ?2 WHERE"
	    " record_id = ?1", c->rec.record_id, version)) != 0 ||
	    (ret = db_run(db, "UPDATE records SET version = ?2 WHERE"
	    " record_id = ?1", c->rec.record_id, version)) != 0)
		return ret;
	return db_run_record(db, db_mirror_put, &m);
}

/* The merge base of a dirty record: the mirror body, else empty. */
static int
db_mirror_get(sqlite3 *db, const char *record_id, int64_t *version,
    uint8_t **body, size_t *len)
{
	sqlite3_stmt	*s = NULL;
	int		 rc, ret;

	*version = 0;
	*body = NULL;
	*len = 0;
	if ((ret = db_get(db, "SELECT version, body FROM mirror WHERE"
	    " record_id = ?1", &s)) != 0)
		return ret;
	ret = CS_ERR_DB;
	if (sqlite3_bind_text(s, 1, record_id, -1, SQLITE_STATIC) != SQLITE_OK)
		goto out;
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		*version = sqlite3_column_int64(s, 0);
		ret = db_blob(s, 1, body, len);
	} else if (rc == SQLITE_DONE)
		ret = 0;
 out:
	db_put(s);
	return ret;
}

int
db_self_set(sqlite3 *db, const char *user_id, const char *user_name)
{
	sqlite3_stmt	*s = NULL;
	int		 ret;

	if (!marker_user_id_ok(user_id) || !marker_user_name_ok(user_name))
		return CS_ERR_FORMAT;
	if ((ret = db_prep(db, "INSERT INTO self_user(id, user_id, user_name)"
	    " VALUES (1, ?1, ?2) ON CONFLICT(id) DO UPDATE SET user_id = ?1,"
	    " user_name = ?2 WHERE user_id != ?1 OR user_name != ?2",
	    &s)) != 0)
		return ret;
	if (sqlite3_bind_text(s, 1, user_id, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(s, 2, user_name, -1, SQLITE_STATIC) !=
	    SQLITE_OK || sqlite3_step(s) != SQLITE_DONE) {
		log_warnx("db: %s", sqlite3_errmsg(db));
		ret = CS_ERR_DB;
	}
	sqlite3_finalize(s);
	return ret;
}

int
db_self_get(sqlite3 *db, char id[MARKER_ID_MAX + 1],
    char name[MARKER_NAME_MAX + 1])
{
	sqlite3_stmt	*s = NULL;
	int		 rc, ret;

	id[0] = '\0';
	name[0] = '\0';
	if ((ret = db_get(db, "SELECT user_id, user_name FROM self_user"
	    " WHERE id = 1", &s)) != 0)
		return ret;
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (db_text(s, 0, id, MARKER_ID_MAX + 1) != 0 ||
		    db_text(s, 1, name, MARKER_NAME_MAX + 1) != 0) {
			id[0] = '\0';
			name[0] = '\0';
			ret = CS_ERR_DB;
		}
	} else if (rc != SQLITE_DONE)
		ret = CS_ERR_DB;
	db_put(s);
	return ret;
}

/*
 * merge3(base = mirror, mine = local, theirs = srv), encoded into *out.
 * Mine's side was written here, by this laptop's user, at the time of
 * the last local edit; theirs' by the user the server names as the
 * author of its version, at that version's time.
 */
static int
db_merge(sqlite3 *db, const struct db_record *local,
    const struct db_record *srv, uint8_t **out, size_t *outlen,
    size_t *nconf)
{
	struct body		 b, m, t, res;
	struct merge_author	 mby, tby;
	char			 sid[MARKER_ID_MAX + 1];
	char			 sname[MARKER_NAME_MAX + 1];
	const char		*record_id = srv->record_id;
	uint8_t			*base = NULL;
	size_t			 baselen;
	int64_t			 v;
	int			 ret;

	*out = NULL;
	*outlen = 0;
	body_init(&b);
	body_init(&m);
	body_init(&t);
	body_init(&res);
	if ((ret = db_mirror_get(db, record_id, &v, &base, &baselen)) != 0 ||
	    (ret = db_self_get(db, sid, sname)) != 0)
		goto out;
	mby.user_id = sid;
	mby.user_name = sname;
	mby.hlc = local->hlc;
	tby.user_id = srv->author_id;
	tby.user_name = srv->author_name;
	tby.hlc = srv->hlc;
	/* a body we cannot read is never silently replaced */
	if ((ret = body_decode(base, baselen, &b)) != 0 ||
	    (ret = body_decode(local->body, local->body_len, &m)) != 0 ||
	    (ret = body_decode(srv->body, srv->body_len, &t)) != 0 ||
	    (ret = merge3(&b, &m, &t, &mby, &tby, &res, nconf)) != 0 ||
	    (ret = body_encode(&res, out, outlen)) != 0)
		goto out;
 out:
	if (ret != 0)
		log_warnx("record %s: cannot merge: %s", record_id,
		    cs_err(ret));
	free(base);
	body_free(&b);
	body_free(&m);
	body_free(&t);
	body_free(&res);
	return ret;
}

/*
 * Make "merged" the local state of "local" on top of server record
 * "srv": records row, mirror = srv, and one fresh outbox row unless
 * the merge equals what the server has.
 */
static int
db_rebase(sqlite3 *db, struct db_record *local, const struct db_record *srv,
    uint8_t *merged, size_t mergedlen)
{
	struct db_record	r = *local;
	int			ret;

	if ((ret = db_run(db, "DELETE FROM outbox WHERE record_id = ?1 AND"
	    " sent = 0", local->record_id, 0)) != 0)
		return ret;
	r.version = srv->version;
	r.deleted = 0;
	r.body = merged;
	r.body_len = mergedlen;
	r.key_epoch = srv->key_epoch > local->key_epoch ? srv->key_epoch :
	    local->key_epoch;
	if ((ret = db_run_record(db, db_upsert_record, &r)) != 0)
		return ret;
	if (mergedlen == srv->body_len && !srv->deleted &&
	    (mergedlen == 0 || memcmp(merged, srv->body, mergedlen) == 0)) {
		/* nothing of ours left to push */
		if ((ret = db_run(db, "DELETE FROM outbox WHERE record_id = ?1"
		    " AND sent = 0", local->record_id, 0)) != 0)
			return ret;
		return db_run(db, "DELETE FROM mirror WHERE record_id = ?1 AND"
		    " NOT EXISTS (SELECT 1 FROM outbox WHERE record_id = ?1)",
		    local->record_id, 0);
	}
	if ((ret = db_run_record(db, db_mirror_put, srv)) != 0)
		return ret;
	return db_queue(db, &r);
}

/* The server's record replaces ours entirely (ours was a deletion). */
static int
db_take_theirs(sqlite3 *db, const struct db_record *srv)
{
	int	ret;

	if ((ret = db_run(db, "DELETE FROM outbox WHERE record_id = ?1",
	    srv->record_id, 0)) != 0 ||
	    (ret = db_run(db, "DELETE FROM mirror WHERE record_id = ?1",
	    srv->record_id, 0)) != 0)
		return ret;
	if (srv->deleted)
		return db_run(db, "DELETE FROM records WHERE record_id = ?1",
		    srv->record_id, 0);
	return db_run_record(db, db_upsert_record, srv);
}

/*
 * Our unpushed edits meet a newer server record.  Deletion against
 * modification: the modification wins on either side, so nothing that
 * someone wrote is lost.
 */
static int
db_meet(sqlite3 *db, const struct db_record *srv, size_t *nconf)
{
	struct db_record	 local;
	uint8_t			*merged = NULL;
	size_t			 mergedlen;
	int			 ret;

	*nconf = 0;
	if ((ret = db_record_get(db, srv->record_id, &local)) != 0)
		return ret == CS_ERR_NOT_FOUND ? db_take_theirs(db, srv) : ret;
	if (local.deleted && srv->deleted)
		ret = db_take_theirs(db, srv);
	else if (local.deleted)
		ret = db_take_theirs(db, srv);
	else if (srv->deleted || db_is_append_only(srv->kind))
		ret = db_rebase(db, &local, srv, local.body, local.body_len);
	else if ((ret = db_merge(db, &local, srv, &merged, &mergedlen,
	    nconf)) == 0)
		ret = db_rebase(db, &local, srv, merged, mergedlen);
	if (merged != NULL) {
		sodium_memzero(merged, mergedlen);
		free(merged);
	}
	db_record_clear(&local);
	return ret;
}

/* *same = 1 if the record is as its mirror holds it (no local edit). */
static int
db_unedited(sqlite3 *db, const char *record_id, int *same)
{
	sqlite3_stmt	*s = NULL;
	int		 rc, ret;

	*same = 0;
	if ((ret = db_prep(db, "SELECT r.deleted = m.deleted AND r.body ="
	    " m.body FROM records r JOIN mirror m USING (record_id) WHERE"
	    " r.record_id = ?1", &s)) != 0)
		return ret;
	if (sqlite3_bind_text(s, 1, record_id, -1, SQLITE_STATIC) !=
	    SQLITE_OK || ((rc = sqlite3_step(s)) != SQLITE_ROW &&
	    rc != SQLITE_DONE))
		ret = CS_ERR_DB;
	else if (rc == SQLITE_ROW)
		*same = sqlite3_column_int(s, 0) == 1;
	sqlite3_finalize(s);
	return ret;
}

int
db_conflict(sqlite3 *db, const struct db_change *c,
    const struct db_record *cur, int no_base, size_t *nconflicts)
{
	int	ret, same;

	/* the row that conflicted is settled by the rebase below */
	if ((ret = db_run(db, "DELETE FROM outbox WHERE change_id = ?1",
	    c->change_id, 0)) != 0 ||
	    (ret = db_reoffer_done(db, c)) != 0)
		return ret;
	/*
	 * A re-offer that met a record changed after the restore by
	 * someone without it: no common base is known, so every field the
	 * two differ in is kept as a conflict rather than one side lost.
	 */
	if (no_base && c->lost_version > 0 &&
	    (ret = db_run(db, "DELETE FROM mirror WHERE record_id = ?1",
	    c->rec.record_id, 0)) != 0)
		return ret;
	/*
	 * Otherwise the server's record descends from the re-offered
	 * version; with no local edit on top of that version, it simply
	 * is the newer state (a deletion included).
	 */
	if (!no_base && c->lost_version > 0) {
		if ((ret = db_unedited(db, c->rec.record_id, &same)) != 0)
			return ret;
		if (same) {
			*nconflicts = 0;
			return db_take_theirs(db, cur);
		}
	}
	return db_meet(db, cur, nconflicts);
}

int
db_rejected(sqlite3 *db, const struct db_change *c)
{
	int	ret;

	log_warnx("record %s: change refused by the server; kept locally",
	    c->rec.record_id);
	if ((ret = db_run(db, "DELETE FROM outbox WHERE record_id = ?1",
	    c->rec.record_id, 0)) != 0 ||
	    (ret = db_reoffer_done(db, c)) != 0)
		return ret;
	return db_run(db, "DELETE FROM mirror WHERE record_id = ?1",
	    c->rec.record_id, 0);
}

static int
db_is_reoffered(sqlite3 *db, const char *record_id, int *yes)
{
	sqlite3_stmt	*s = NULL;
	int		 rc, ret;

	*yes = 0;
	if ((ret = db_get(db, "SELECT 1 FROM reoffer WHERE record_id = ?1",
	    &s)) != 0)
		return ret;
	if (sqlite3_bind_text(s, 1, record_id, -1, SQLITE_STATIC) !=
	    SQLITE_OK || ((rc = sqlite3_step(s)) != SQLITE_ROW &&
	    rc != SQLITE_DONE))
		ret = CS_ERR_DB;
	else
		*yes = rc == SQLITE_ROW;
	db_put(s);
	return ret;
}

int
db_pulled(sqlite3 *db, const struct db_record *r, size_t *nconflicts)
{
	uint8_t	*base = NULL;
	size_t	 baselen;
	int64_t	 mv;
	int	 ret, dirty;

	*nconflicts = 0;
	if ((ret = db_is_dirty(db, r->record_id, &dirty)) != 0)
		return ret;
	if (!dirty) {
		if (r->deleted)
			return db_run(db, "DELETE FROM records WHERE"
			    " record_id = ?1", r->record_id, 0);
		return db_run_record(db, db_upsert_record, r);
	}
	/*
	 * A record being re-offered after a restore: its version numbers
	 * from before say nothing now; the push's answer settles it.
	 */
	if ((ret = db_is_reoffered(db, r->record_id, &dirty)) != 0 || dirty)
		return ret;
	if ((ret = db_mirror_get(db, r->record_id, &mv, &base, &baselen)) != 0)
		return ret;
	free(base);
	if (mv >= r->version)
		return 0;	/* merged with this version already */
	return db_meet(db, r, nconflicts);
}

int
db_purge_case(sqlite3 *db, const char *case_id, uint32_t *n)
{
	sqlite3_stmt	*s = NULL;
	int		 ret;

	*n = 0;
	if ((ret = db_prep(db, "SELECT count(*) FROM records WHERE"
	    " case_id = ?1", &s)) != 0)
		return ret;
	if (sqlite3_bind_text(s, 1, case_id, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_step(s) != SQLITE_ROW)
		ret = CS_ERR_DB;
	else
		*n = (uint32_t)sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	if (ret != 0 ||
	    (ret = db_run(db, "DELETE FROM mirror WHERE record_id IN (SELECT"
	    " record_id FROM records WHERE case_id = ?1)", case_id, 0)) != 0 ||
	    (ret = db_run(db, "DELETE FROM outbox WHERE case_id = ?1",
	    case_id, 0)) != 0 ||
	    (ret = db_run(db, "DELETE FROM reoffer WHERE record_id IN"
	    " (SELECT record_id FROM records WHERE case_id = ?1)", case_id,
	    0)) != 0 ||
	    (ret = db_run(db, "DELETE FROM case_meta WHERE case_id = ?1",
	    case_id, 0)) != 0)
		return ret;
	return db_run(db, "DELETE FROM records WHERE case_id = ?1", case_id,
	    0);
}

int
db_digest(sqlite3 *db, int64_t *count, uint8_t hash[32])
{
	struct record_digest	 d;
	sqlite3_stmt		*s = NULL;
	const unsigned char	*id;
	int			 rc, ret;

	*count = 0;
	record_digest_init(&d);
	if ((ret = db_prep(db, "SELECT record_id, version FROM records"
	    " WHERE deleted = 0 ORDER BY record_id", &s)) != 0)
		return ret;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		id = sqlite3_column_text(s, 0);
		record_digest_add(&d, id, (size_t)sqlite3_column_bytes(s, 0),
		    sqlite3_column_int64(s, 1));
	}
	if (rc != SQLITE_DONE)
		ret = CS_ERR_DB;
	sqlite3_finalize(s);
	record_digest_final(&d, count, hash);
	return ret;
}

int
db_generation_get(sqlite3 *db, int64_t *gen)
{
	return db_state_get(db, "generation", gen);
}

/* Ids of the records held at a version above "seq", malloc'd. */
static int
db_records_above(sqlite3 *db, int64_t seq, char (**ids)[DB_UUID_LEN + 1],
    size_t *n)
{
	sqlite3_stmt	*s = NULL;
	char		(*v)[DB_UUID_LEN + 1] = NULL, (*nv)[DB_UUID_LEN + 1];
	size_t		 cap = 0;
	int		 rc, ret;

	*ids = NULL;
	*n = 0;
	if ((ret = db_prep(db, "SELECT record_id FROM records WHERE"
	    " version > ?1 ORDER BY rid", &s)) != 0)
		return ret;
	if (sqlite3_bind_int64(s, 1, seq) != SQLITE_OK) {
		ret = CS_ERR_DB;
		goto out;
	}
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap * 2 + 64;
			if ((nv = reallocarray(v, cap, sizeof(*v))) == NULL) {
				ret = CS_ERR_ALLOC;
				goto out;
			}
			v = nv;
		}
		if ((ret = db_text(s, 0, v[*n], sizeof(v[*n]))) != 0)
			goto out;
		(*n)++;
	}
	if (rc != SQLITE_DONE) {
		ret = CS_ERR_DB;
		goto out;
	}
	*ids = v;
	v = NULL;	/* transferred */
 out:
	if (ret != 0)
		*n = 0;
	free(v);
	sqlite3_finalize(s);
	return ret;
}

/*
 * Re-offer one record held at a version the server lost: its pending
 * rows become one unsent row with the current state (the sent ones may
 * have reached the server before the restore, and the server forgot
 * them with the rest), on the mirror of that version as the merge base.
 */
static int
db_reoffer_one(sqlite3 *db, const char *record_id)
{
	struct db_record	r;
	int			 ret;

	if ((ret = db_record_get(db, record_id, &r)) != 0)
		return ret;
	if ((ret = db_run(db, "DELETE FROM outbox WHERE record_id = ?1",
	    record_id, 0)) != 0 ||
	    /* a dirty record has its mirror; a clean one is its own base */
	    (ret = db_run_record(db, "INSERT OR IGNORE INTO mirror(record_id,"
	    " version, deleted, body) VALUES (?1, ?4, ?5, ?7)", &r)) != 0 ||
	    (ret = db_queue(db, &r)) != 0 ||
	    (ret = db_run(db, "INSERT OR REPLACE INTO reoffer(record_id,"
	    " lost_version) VALUES (?1, ?2)", record_id, r.version)) != 0)
		goto out;
 out:
	db_record_clear(&r);
	return ret;
}

int
db_restore(sqlite3 *db, int64_t generation, int64_t restore_seq,
    size_t *reoffered)
{
	char	(*ids)[DB_UUID_LEN + 1] = NULL;
	size_t	 i, n = 0;
	int	 ret;

	*reoffered = 0;
	if ((ret = db_records_above(db, restore_seq, &ids, &n)) != 0)
		return ret;
	for (i = 0; i < n; i++)
		if ((ret = db_reoffer_one(db, ids[i])) != 0)
			goto out;
	/*
	 * Everything again from the start: the server hands out the seq
	 * values above restore_seq once more, and records it holds from
	 * before the backup may be back (a deletion it lost).  The grant
	 * cursor counts in the same seq.
	 */
	if ((ret = db_cursor_set(db, 0, 0)) != 0 ||
	    (ret = db_state_set(db, "grant_cursor", 0)) != 0 ||
	    (ret = db_state_set(db, "generation", generation)) != 0)
		goto out;
	*reoffered = n;
 out:
	free(ids);
	return ret;
}

int
db_reoffer_hold(sqlite3 *db, const struct db_change *c)
{
	return db_run(db, "UPDATE reoffer SET held = 1 WHERE record_id = ?1",
	    c->rec.record_id, 0);
}

int
db_reoffer_retry(sqlite3 *db)
{
	return db_exec(db, "UPDATE reoffer SET held = 0 WHERE held = 1");
}

int
db_reoffer_held(sqlite3 *db, int64_t *n)
{
	sqlite3_stmt	*s = NULL;
	int		 ret;

	*n = 0;
	if ((ret = db_prep(db, "SELECT count(*) FROM reoffer WHERE held = 1",
	    &s)) != 0)
		return ret;
	if (sqlite3_step(s) == SQLITE_ROW)
		*n = sqlite3_column_int64(s, 0);
	else
		ret = CS_ERR_DB;
	sqlite3_finalize(s);
	return ret;
}
