/* SPDX-License-Identifier: ISC */
/*
 * sdb_sqlite.c - the SQLite backend of sdb.h: a thin layer over the
 * SQLite calls, with SQLite's result codes mapped to CS_ERR_*.  The
 * connection is set up the way the store has always set it up
 * (defensive, untrusted schema, extended result codes); the pragmas
 * (WAL, synchronous = FULL, foreign keys) are the store's.
 *
 * Statements are kept: sdb_prepare of a text this connection has
 * prepared before hands back the statement it compiled then (reset,
 * its parameters cleared), and sdb_finalize gives it back instead of
 * freeing it, as sdb_pg.c prepares each text once per connection.  A
 * server session runs some thirty statements; compiling each one anew
 * was a tenth of the server's CPU per session (docs/BENCHMARKS.md,
 * bench_sesscpu).  SQLite recompiles a kept statement itself when the
 * schema changes.  A text in use (a statement prepared again before
 * the first is finalized) gets a statement of its own, freed as before;
 * so do texts beyond SQ_KEEP_MAX and the long ones, built with lists.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "errors.h"
#include "sdb_int.h"
#include "walbuf.h"

#define SQ_BUCKETS	64
#define SQ_KEEP_MAX	256	/* statements kept per connection */
#define SQ_KEEP_LEN	2048	/* longest text kept, in bytes */

struct sq_kept;

struct sdb_stmt {
	struct sdb_stmt_head	 h;
	struct sdb		*db;
	sqlite3_stmt		*s;
	struct sq_kept		*kept;	/* NULL: freed by sq_finalize */
};

struct sq_kept {
	struct sq_kept	*next;
	struct sdb_stmt	 st;
	int		 busy;	/* handed out, not finalized yet */
	char		 sql[];
};

struct sdb {
	struct sdb_head	 h;
	sqlite3		*db;
	int		 last;		/* CS_ERR_* of the last failure */
	size_t		 nkept;
	struct sq_kept	*buckets[SQ_BUCKETS];
};

/* SQLite's result of a failed call as CS_ERR_* (sdb.h). */
static int
sq_map(sqlite3 *db, int rc)
{
	switch (rc == SQLITE_CONSTRAINT ? sqlite3_extended_errcode(db) : rc) {
	case SQLITE_CONSTRAINT_UNIQUE:
	case SQLITE_CONSTRAINT_PRIMARYKEY:
		return CS_ERR_EXISTS;
	case SQLITE_CONSTRAINT_FOREIGNKEY:
		return CS_ERR_NOT_FOUND;
	case SQLITE_CONSTRAINT_CHECK:
	case SQLITE_CONSTRAINT_NOTNULL:
		return CS_ERR_FORMAT;
	default:
		break;
	}
	rc &= 0xff;
	return rc == SQLITE_BUSY || rc == SQLITE_LOCKED ? CS_ERR_RETRY :
	    CS_ERR_DB;
}

/* The same, kept as the connection's last error. */
static int
sq_err(struct sdb *db, int rc)
{
	return db->last = sq_map(db->db, rc);
}

static int
sq_open(const char *path, struct sdb **out)
{
	struct sdb	*db;
	int		 flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX |
	    SQLITE_OPEN_NOFOLLOW;

	if ((db = calloc(1, sizeof(*db))) == NULL)
		return CS_ERR_ALLOC;
	db->h.ops = &sdb_sqlite_ops;
	db->h.backend = SDB_SQLITE;
	if (sqlite3_open_v2(path, &db->db, flags, walbuf_vfs(WALBUF_MAPPED)) !=
	    SQLITE_OK ||
	    sqlite3_extended_result_codes(db->db, 1) != SQLITE_OK ||
	    sqlite3_db_config(db->db, SQLITE_DBCONFIG_DEFENSIVE, 1,
	    NULL) != SQLITE_OK ||
	    sqlite3_db_config(db->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0,
	    NULL) != SQLITE_OK) {
		/* the cause for the caller's message: "is a directory" */
		(void)cs_cause_sqlite(db->db, CS_ERR_DB);
		sqlite3_close(db->db);
		free(db);
		return CS_ERR_DB;
	}
	*out = db;
	return 0;
}

static void
sq_close(struct sdb *db)
{
	struct sq_kept	*k, *next;
	size_t		 i;

	for (i = 0; i < SQ_BUCKETS; i++)
		for (k = db->buckets[i]; k != NULL; k = next) {
			next = k->next;
			sqlite3_finalize(k->st.s);
			free(k);
		}
	(void)sqlite3_close(db->db);	/* the caller finalized its own */
	free(db);
}

/*
 * The bucket of a text of "len" bytes: eight bytes a step, not one.
 * The texts are long (the audit row's INSERT is 300 bytes) and one is
 * looked up per row the audit appends; FNV-1a byte by byte was 2 % of
 * casesyncd's CPU in a push.  Only the spread matters: strcmp decides.
 */
static size_t
sq_hash(const char *s, size_t len)
{
	const uint64_t	 k = 0x9e3779b97f4a7c15ULL;
	uint64_t	 h = len * k, w;
	size_t		 i;

	for (i = 0; len - i >= sizeof(w); i += sizeof(w)) {
		memcpy(&w, s + i, sizeof(w));
		h = (h ^ w) * k;
		h ^= h >> 29;
	}
	w = 0;
	memcpy(&w, s + i, len - i);
	h = (h ^ w) * k;
	h ^= h >> 32;
	return (size_t)(h % SQ_BUCKETS);
}

/*
 * The kept statement of "sql" if it is free (reset when it was given
 * back), else a new kept one if there is room, else NULL.
 */
static struct sdb_stmt *
sq_kept_get(struct sdb *db, const char *sql)
{
	struct sq_kept	*k;
	const char	*tail = NULL;
	size_t		 b, len;
	int		 rc;

	len = strlen(sql);
	b = sq_hash(sql, len);
	for (k = db->buckets[b]; k != NULL; k = k->next)
		if (strcmp(k->sql, sql) == 0) {
			if (k->busy)
				return NULL;
			k->busy = 1;
			return &k->st;
		}
	if (db->nkept >= SQ_KEEP_MAX || len > SQ_KEEP_LEN ||
	    (k = calloc(1, sizeof(*k) + len + 1)) == NULL)
		return NULL;
	memcpy(k->sql, sql, len + 1);
	k->st.h.ops = &sdb_sqlite_ops;
	k->st.db = db;
	k->st.kept = k;
	if ((rc = sqlite3_prepare_v3(db->db, sql, (int)len + 1,
	    SQLITE_PREPARE_PERSISTENT, &k->st.s, &tail)) != SQLITE_OK ||
	    k->st.s == NULL || tail == NULL || *tail != '\0') {
		/* the caller's own prepare or exec reports it */
		sqlite3_finalize(k->st.s);
		free(k);
		return NULL;
	}
	k->busy = 1;
	k->next = db->buckets[b];
	db->buckets[b] = k;
	db->nkept++;
	return &k->st;
}

static const char *
sq_errmsg(const struct sdb *db)
{
	return sqlite3_errmsg(db->db);
}

static void	sq_finalize(struct sdb_stmt *);

/*
 * A text of one statement (BEGIN, COMMIT, ...) runs its kept statement;
 * one of several statements goes to sqlite3_exec.
 */
static int
sq_exec(struct sdb *db, const char *sql)
{
	struct sdb_stmt	*s;
	int		 rc;

	db->last = 0;
	if ((s = sq_kept_get(db, sql)) == NULL) {
		rc = sqlite3_exec(db->db, sql, NULL, NULL, NULL);
		return rc == SQLITE_OK ? 0 : sq_err(db, rc);
	}
	while ((rc = sqlite3_step(s->s)) == SQLITE_ROW)
		;
	sq_finalize(s);
	return rc == SQLITE_DONE ? 0 : sq_err(db, rc);
}

static int64_t
sq_changes(const struct sdb *db)
{
	return sqlite3_changes(db->db);
}

static int
sq_prepare(struct sdb *db, const char *sql, struct sdb_stmt **out)
{
	struct sdb_stmt	*s;
	int		 rc;

	if ((s = sq_kept_get(db, sql)) != NULL) {
		*out = s;
		return 0;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return CS_ERR_ALLOC;
	s->h.ops = &sdb_sqlite_ops;
	s->db = db;
	if ((rc = sqlite3_prepare_v2(db->db, sql, -1, &s->s, NULL)) !=
	    SQLITE_OK || s->s == NULL) {
		free(s);
		return rc == SQLITE_OK ? (db->last = CS_ERR_DB) : sq_err(db, rc);
	}
	*out = s;
	return 0;
}

static int
sq_reset(struct sdb_stmt *s)
{
	(void)sqlite3_reset(s->s);	/* repeats the step's error */
	return 0;
}

static void
sq_finalize(struct sdb_stmt *s)
{
	if (s->kept != NULL) {
		/* ends its read, forgets pointers bound SQLITE_STATIC */
		(void)sqlite3_reset(s->s);
		(void)sqlite3_clear_bindings(s->s);
		s->kept->busy = 0;
		return;
	}
	sqlite3_finalize(s->s);
	free(s);
}

static int
sq_bound(struct sdb_stmt *s, int rc)
{
	return rc == SQLITE_OK ? 0 : sq_err(s->db, rc);
}

static int
sq_bind_int64(struct sdb_stmt *s, int i, int64_t v)
{
	return sq_bound(s, sqlite3_bind_int64(s->s, i, v));
}

static int
sq_bind_text(struct sdb_stmt *s, int i, const char *v, size_t len)
{
	if (len > INT32_MAX)
		return CS_ERR_TOO_LARGE;
	return sq_bound(s, sqlite3_bind_text(s->s, i, v, (int)len,
	    SQLITE_STATIC));
}

static int
sq_bind_blob(struct sdb_stmt *s, int i, const void *p, size_t len)
{
	if (len > INT32_MAX)
		return CS_ERR_TOO_LARGE;
	/* a zero-length blob is a blob, not NULL */
	return sq_bound(s, p == NULL ? sqlite3_bind_zeroblob(s->s, i, 0) :
	    sqlite3_bind_blob(s->s, i, p, (int)len, SQLITE_STATIC));
}

static int
sq_bind_null(struct sdb_stmt *s, int i)
{
	return sq_bound(s, sqlite3_bind_null(s->s, i));
}

static int
sq_step(struct sdb_stmt *s)
{
	int	rc;

	s->db->last = 0;
	if ((rc = sqlite3_step(s->s)) == SQLITE_ROW)
		return SDB_ROW;
	if (rc == SQLITE_DONE)
		return SDB_DONE;
	return sq_err(s->db, rc);
}

static int
sq_bind_text_copy(struct sdb_stmt *s, int i, const char *v)
{
	return sq_bound(s, sqlite3_bind_text(s->s, i, v, -1, SQLITE_TRANSIENT));
}

static int
sq_clear_bindings(struct sdb_stmt *s)
{
	return sq_bound(s, sqlite3_clear_bindings(s->s));
}

static int
sq_last_error(const struct sdb *db)
{
	return db->last;
}

static int
sq_in_tx(const struct sdb *db)
{
	return !sqlite3_get_autocommit(db->db);
}

static struct sqlite3 *
sq_handle(struct sdb *db)
{
	return db->db;
}

static int
sq_is_null(struct sdb_stmt *s, int col)
{
	return sqlite3_column_type(s->s, col) == SQLITE_NULL;
}

static int64_t
sq_int64(struct sdb_stmt *s, int col)
{
	return sqlite3_column_int64(s->s, col);
}

static const char *
sq_text(struct sdb_stmt *s, int col)
{
	return (const char *)sqlite3_column_text(s->s, col);
}

static const void *
sq_blob(struct sdb_stmt *s, int col)
{
	return sqlite3_column_blob(s->s, col);
}

static size_t
sq_bytes(struct sdb_stmt *s, int col)
{
	int	n = sqlite3_column_bytes(s->s, col);

	return n > 0 ? (size_t)n : 0;
}

const struct sdb_ops sdb_sqlite_ops = {
	sq_open, sq_close, sq_errmsg, sq_exec, sq_changes, sq_prepare,
	sq_reset, sq_finalize, sq_bind_int64, sq_bind_text, sq_bind_blob,
	sq_bind_null, sq_bind_text_copy, sq_clear_bindings, sq_last_error,
	sq_in_tx, NULL, sq_handle, sq_step, NULL, NULL, sq_is_null, sq_int64,
	sq_text, sq_blob, sq_bytes, NULL,
};
