/* SPDX-License-Identifier: ISC */
/*
 * db.c - local records, merge base, outbox and cursor (see db.h); the
 * statements, records and cursors.  The outbox is in db_outbox.c, the
 * merge base (pulls, conflicts) in db_mirror.c, the schema in
 * db_schema.c (db_int.h).
 *
 * The invariants that make sync lose nothing:
 *  - a record with rows in the outbox is "dirty"; a pull never simply
 *    overwrites a dirty record, it merges (merge.c) with the mirror row
 *    as the base;
 *  - the mirror row exists exactly while the record is dirty and holds
 *    the server's body at records.version;
 *  - an outbox row that may have reached the server ("sent": its seq
 *    in outbox_sent, marked when a push takes it) keeps its change_id
 *    and content, so a retry is idempotent; a later edit goes into a
 *    new row;
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

#include "buf.h"
#include "db.h"
#include "db_int.h"
#include "errors.h"
#include "log.h"
#include "record.h"

int
db_exec(sqlite3 *db, const char *sql)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) {
		log_warnx("db: %s", sqlite3_errmsg(db));
		(void)cs_cause_sqlite(db, CS_ERR_DB);
		return CS_ERR_DB;
	}
	return 0;
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
db_uuid_text(const uint8_t u[16], char out[DB_UUID_LEN + 1])
{
	static const char	hex[] = "0123456789abcdef";
	size_t			i, o = 0;

	for (i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hex[u[i] >> 4];
		out[o++] = hex[u[i] & 15];
	}
	out[o] = '\0';
}

void
db_uuid(char out[DB_UUID_LEN + 1])
{
	static uint64_t		last_ms;
	static uint32_t		ctr;
	struct timespec		ts;
	uint64_t		ms;
	uint8_t			u[16];
	size_t			i;

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
	db_uuid_text(u, out);
}

int
db_prep(sqlite3 *db, const char *sql, sqlite3_stmt **s)
{
	if (sqlite3_prepare_v2(db, sql, -1, s, NULL) != SQLITE_OK) {
		log_warnx("db: %s", sqlite3_errmsg(db));
		(void)cs_cause_sqlite(db, CS_ERR_DB);
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
 * transaction db_get() simply prepares and db_put() finalizes.  The
 * list is per thread, as connections are (the web UI's sync thread
 * writes through its own connection while the UI's thread may).
 */
#define DB_TX_STMTS	16

static _Thread_local struct db_tx_stmt {
	sqlite3		*db;
	const char	*sql;
	sqlite3_stmt	*s;
} db_tx[DB_TX_STMTS];
static _Thread_local size_t	db_ntx;

int
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

void
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

int
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
int
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

int
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
	int			 ret;

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
	ret = db_record_rows(s, cb, arg);
	sqlite3_finalize(s);
	return ret;
}

int
db_record_rows(sqlite3_stmt *s, int (*cb)(const struct db_record *, void *),
    void *arg)
{
	struct db_record	r;
	int			rc, ret = 0;

	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		memset(&r, 0, sizeof(r));
		if ((ret = db_record_row(s, &r, 0)) != 0 ||
		    (ret = cb(&r, arg)) != 0)
			break;
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = CS_ERR_DB;
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

int
db_state_set(sqlite3 *db, const char *key, int64_t v)
{
	sqlite3_stmt	*s = NULL;
	int		 ret;

	/* an unchanged value writes no page (a sync in step: no commit) */
	if ((ret = db_get(db, "INSERT INTO sync_state(key, value)"
	    " VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = ?2"
	    " WHERE value IS NOT ?2", &s)) != 0)
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

int
db_case_meta_fetched(sqlite3 *db, int64_t *at)
{
	return db_state_get(db, "case_meta_fetched", at);
}

int
db_case_meta_fetched_set(sqlite3 *db, int64_t at)
{
	return db_state_set(db, "case_meta_fetched", at);
}

int
db_exists(sqlite3 *db, const char *sql, int *any)
{
	sqlite3_stmt	*s = NULL;
	int		 rc, ret;

	*any = 0;
	if ((ret = db_get(db, sql, &s)) != 0)
		return ret;
	if ((rc = sqlite3_step(s)) == SQLITE_ROW)
		*any = 1;
	else if (rc != SQLITE_DONE)
		ret = CS_ERR_DB;
	db_put(s);
	return ret;
}

int
db_any_record(sqlite3 *db, int *any)
{
	return db_exists(db, "SELECT 1 FROM records LIMIT 1", any);
}

/* Next hybrid logical clock value: milliseconds << 16 | counter. */
int
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

/*
 * Bind the record columns in DB_RECORD_COLS order at ?1..?8; a
 * statement that uses fewer (the mirror) gets only those it has.
 */
int
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
int
db_run_record(sqlite3 *db, const char *sql, const struct db_record *r)
{
	sqlite3_stmt	*s = NULL;
	int		 ret;

	if ((ret = db_get(db, sql, &s)) != 0)
		return ret;
	if ((ret = db_bind_record(s, r)) == 0 &&
	    sqlite3_step(s) != SQLITE_DONE)
		ret = CS_ERR_DB;
	if (ret != 0) {
		log_warnx("db: %s", sqlite3_errmsg(db));
		(void)cs_cause_sqlite(db, CS_ERR_DB);
	}
	db_put(s);
	return ret;
}

/* Run "sql" with text ?1 and optional int64 ?2. */
int
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
		(void)cs_cause_sqlite(db, CS_ERR_DB);
		ret = CS_ERR_DB;
	}
	db_put(s);
	return ret;
}

const char db_upsert_record[] =
    "INSERT INTO records(" DB_RECORD_COLS ") VALUES (?1, ?2, ?3, ?4, ?5,"
    " ?6, ?7, ?8) ON CONFLICT(record_id) DO UPDATE SET version = ?4,"
    " deleted = ?5, key_epoch = ?6, body = ?7, hlc = ?8";

const char db_mirror_put[] =
    "INSERT OR REPLACE INTO mirror(record_id, version, deleted, body)"
    " VALUES (?1, ?4, ?5, ?7)";

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
		(void)cs_cause_sqlite(db, CS_ERR_DB);
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
	    case_id, 0)) != 0 ||
	    (ret = db_run(db, "DELETE FROM case_measures WHERE case_id = ?1",
	    case_id, 0)) != 0 ||
	    (ret = db_run(db, "DELETE FROM record_author WHERE case_id = ?1",
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

