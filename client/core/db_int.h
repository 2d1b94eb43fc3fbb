/* SPDX-License-Identifier: ISC */
/*
 * db_int.h - what the files of the local database share; not for the
 * rest of the client (db.h is its interface):
 *
 *   db.c         statements, records, cursors, the digest
 *   db_schema.c  the versioned schema and its migrations
 *   db_outbox.c  local edits, the outbox and the results of a push,
 *                re-offers after a server restore
 *   db_mirror.c  the merge base: pulls and conflicts
 *
 * Functions return 0 or a negative CS_ERR_*.
 */
#ifndef CLIENT_DB_INT_H
#define CLIENT_DB_INT_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "db.h"

/*
 * The schema: migration i (1-based) brings a database of version i - 1
 * to version i (PRAGMA user_version).  Version 0 is a database from
 * before the numbering (or an empty one); migration 1 is that schema,
 * written so that it leaves such a database as it is.  Entries are only
 * ever added at the end.
 */
struct db_migration {
	int		 version;
	const char	*sql;
};
extern const struct db_migration	db_migrations[];
extern const size_t			db_nmigrations;

/*
 * Bring "db" to the newest version, each step in a transaction of its
 * own (a savepoint inside the caller's).  A version newer than this
 * program knows is refused (CS_ERR_FORMAT) with a message saying so.
 */
int	db_migrate(sqlite3 *);
/* *v: the database's PRAGMA user_version. */
int	db_schema_version(sqlite3 *, int *v);

/* Run "sql" (no rows); errors logged. */
int	db_exec(sqlite3 *, const char *sql);

/*
 * Statements used inside a transaction, prepared once per transaction
 * and keyed by the address of "sql" (a string of static storage):
 * db_get() hands one out reset, db_put() takes it back.
 */
int	db_get(sqlite3 *, const char *sql, sqlite3_stmt **s);
void	db_put(sqlite3_stmt *);

/* Copy a TEXT column into dst (CS_ERR_FORMAT if it does not fit). */
int	db_text(sqlite3_stmt *, int col, char *dst, size_t dstlen);
/* Copy a BLOB column into malloc'd memory (NULL for empty). */
int	db_blob(sqlite3_stmt *, int col, uint8_t **p, size_t *lenp);

/*
 * An outbox row (of a statement on table outbox, not aliased) that has
 * not been taken for a push: not on the server, so it may still change
 * (db.c).  Taken rows have their seq in outbox_sent (db_outbox_take).
 */
#define DB_UNSENT \
	"NOT EXISTS (SELECT 1 FROM outbox_sent s WHERE s.seq = outbox.seq)"

/*
 * The body of outbox row "o" (an alias): its own, or, while it is the
 * record's ("borrowed": db_schema.c version 8), the record's.
 */
#define DB_OUTBOX_BODY(o)						\
	"CASE WHEN " o ".borrowed THEN (SELECT body FROM records rb"	\
	" WHERE rb.record_id = " o ".record_id) ELSE " o ".body END"
/*
 * An outbox row's body and borrowed for a body bound at ?7 of record
 * ?1: empty and borrowed while it is the record's own.
 */
#define DB_OUTBOX_SAME							\
	"?7 IS (SELECT body FROM records WHERE record_id = ?1)"
#define DB_OUTBOX_KEEP							\
	"CASE WHEN " DB_OUTBOX_SAME " THEN x'' ELSE ?7 END"

/* Columns: record_id case_id kind version deleted key_epoch body hlc */
#define DB_RECORD_COLS \
	"record_id, case_id, kind, version, deleted, key_epoch, body, hlc"
/* A row of DB_RECORD_COLS into r; copy: body malloc'd, else borrowed. */
int	db_record_row(sqlite3_stmt *, struct db_record *r, int copy);
/*
 * Step "s" (DB_RECORD_COLS) to the end, cb for each row (body
 * borrowed); a non-zero cb stops it with that value.  CS_ERR_DB.
 */
int	db_record_rows(sqlite3_stmt *, int (*cb)(const struct db_record *,
	    void *), void *arg);
/* Bind the record at ?1..?8 (those the statement has). */
int	db_bind_record(sqlite3_stmt *, const struct db_record *r);
/* Run "sql" with the record bound at ?1..?8. */
int	db_run_record(sqlite3 *, const char *sql, const struct db_record *r);
/* Run "sql" with text ?1 and optional int64 ?2. */
int	db_run(sqlite3 *, const char *sql, const char *t1, int64_t i2);
/* *any: "sql" (a string literal, no parameters) gave a row. */
int	db_exists(sqlite3 *, const char *sql, int *any);

/* sync_state values. */
int	db_state_set(sqlite3 *, const char *key, int64_t v);
/* Next hybrid logical clock value: milliseconds << 16 | counter. */
int	db_hlc_next(sqlite3 *, uint64_t *out);

/* The record as the local state / as the merge base (?1 ?4 ?5 ?7). */
extern const char	db_upsert_record[];
extern const char	db_mirror_put[];

/* db_outbox.c, for db_mirror.c */
/*
 * Before the body of record "record_id" changes or the record goes:
 * its outbox rows that borrow the body get their own copy of it, so a
 * change keeps the content it was queued (and perhaps sent) with.
 * Every writer of records.body for a record that may have outbox rows
 * calls it first (db_local_write_tx, db_rebase); a record without any
 * (db_pulled_clean, or after its rows were deleted) needs none.
 */
int	db_outbox_unborrow(sqlite3 *, const char *record_id);
/* Queue "r" (r->version = base) unless an unsent row can absorb it. */
int	db_queue(sqlite3 *, const struct db_record *r);
/* *dirty = 1 if the record has rows in the outbox. */
int	db_is_dirty(sqlite3 *, const char *record_id, int *dirty);
/* A re-offer has its answer: from now on the record syncs as usual. */
int	db_reoffer_done(sqlite3 *, const struct db_change *c);

#endif /* CLIENT_DB_INT_H */
