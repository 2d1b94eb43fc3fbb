/* SPDX-License-Identifier: ISC */
/*
 * sdb.h - the SQL connection under the server's store: one interface,
 * two backends (DESIGN §11).  SQLite (sdb_sqlite.c) is the embedded
 * default; PostgreSQL (sdb_pg.c, libpq) serves several casesyncd
 * instances on one database.
 *
 * The interface follows the handful of SQLite calls the store makes, so
 * the store's SQL and its logic stay shared: statements with numbered
 * parameters ?1, ?2 ... (sdb_pg.c rewrites them to $1, $2 ...), bound
 * and stepped row by row.  The rules for the SQL the store writes:
 *   - standard SQL both accept: INSERT ... ON CONFLICT DO NOTHING (not
 *     INSERT OR IGNORE), RETURNING (not last_insert_rowid()), COALESCE;
 *   - the schema is each backend's own (types BLOB/BYTEA, rowid keys);
 *   - every integer is 64-bit (BIGINT in PostgreSQL);
 *   - ON CONFLICT names its target for DO UPDATE; no strftime('now')
 *     (the time is bound from C), no scalar max(a, b) / min(a, b)
 *     (CASE), no SUM of a comparison (STORE_SQL_COUNT, store_int.h):
 *     PostgreSQL's comparisons are booleans, which the C code may
 *     read as integers but SQL cannot add;
 *   - a parameter PostgreSQL cannot type from its use (?1 IS NULL) is
 *     cast: CAST(?1 AS BIGINT) IS NULL; a number the SQL skips is
 *     sent as text (sdb_pg.c);
 *   - "user" is quoted (a keyword in PostgreSQL), every subquery in
 *     FROM has an alias, CROSS JOIN has no ON (WHERE instead);
 *   - SQLite's INDEXED BY is dropped by sdb_pg.c;
 *   - a statement that fails inside a transaction ends it on
 *     PostgreSQL (every later statement fails until ROLLBACK), so the
 *     store never carries on after an error it expected: it asks
 *     first, or writes ON CONFLICT, instead of catching CS_ERR_EXISTS.
 *
 * Each connection prepares a statement once: sdb_prepare() of the same
 * SQL text again reuses the backend's prepared statement (PostgreSQL:
 * a named statement per connection; SQLite: the caller caches).
 *
 * Results: sdb_step() returns SDB_ROW, SDB_DONE or a negative CS_ERR_*:
 *   CS_ERR_EXISTS     a unique or primary-key constraint
 *   CS_ERR_NOT_FOUND  a foreign-key constraint
 *   CS_ERR_FORMAT     a check or not-null constraint
 *   CS_ERR_RETRY      the database is busy, a serialisation failure or
 *                     deadlock, or the connection was lost: nothing of
 *                     the transaction was committed; try it again (the
 *                     connection is re-established at the next BEGIN)
 *   CS_ERR_DB         anything else (sdb_errmsg() says what)
 */
#ifndef SDB_H
#define SDB_H

#include <stddef.h>
#include <stdint.h>

#define SDB_ROW		100
#define SDB_DONE	101
#define SDB_PARAMS_MAX	32	/* ?1 .. ?32 */

enum sdb_backend {
	SDB_SQLITE = 0,
	SDB_POSTGRESQL
};

struct sdb;
struct sdb_stmt;

/*
 * Open "spec": "sqlite:PATH" (the file must exist; the store creates it
 * with its permissions first) or "postgresql:CONNINFO" (a libpq
 * connection string or URI; several hosts with
 * target_session_attrs=read-write follow a failover).  A PostgreSQL
 * session runs with synchronous_commit on (or remote_apply if the
 * server's is that): a commit is acknowledged only once it is durable.
 * 0 and *out, or CS_ERR_FORMAT (spec), CS_ERR_RETRY (cannot connect),
 * CS_ERR_DB, CS_ERR_ALLOC.
 */
int	sdb_open(const char *spec, struct sdb **out);
void	sdb_close(struct sdb *);		/* NULL is a no-op */
enum sdb_backend	sdb_backend(const struct sdb *);
/* The last error's text (never NULL; no parameter values in it). */
const char	*sdb_errmsg(const struct sdb *);

/* The CS_ERR_* of the last failed call of this connection; 0: none. */
int	sdb_last_error(const struct sdb *);
/* 1 while a transaction is open on the connection. */
int	sdb_in_tx(const struct sdb *);
/*
 * The SQLite handle of an SQLite connection, NULL for PostgreSQL: for
 * what only SQLite has (the online backup, pragmas, the busy handler).
 */
struct sqlite3	*sdb_sqlite(struct sdb *);

/* Run SQL without parameters or rows (BEGIN, COMMIT, DDL; several ok). */
int	sdb_exec(struct sdb *, const char *sql);
/* Rows changed by the last INSERT, UPDATE or DELETE of this connection. */
int64_t	sdb_changes(const struct sdb *);

int	sdb_prepare(struct sdb *, const char *sql, struct sdb_stmt **out);
/* Forget the rows and start again; the bindings stay. */
int	sdb_reset(struct sdb_stmt *);
void	sdb_finalize(struct sdb_stmt *);	/* NULL is a no-op */

/*
 * Parameters by number (1 ..).  Text and blob values are borrowed: they
 * must stay until the statement is reset, rebound or finalized.
 * "len" -1: up to the NUL.
 */
int	sdb_bind_int64(struct sdb_stmt *, int i, int64_t v);
int	sdb_bind_text(struct sdb_stmt *, int i, const char *s, int len);
int	sdb_bind_blob(struct sdb_stmt *, int i, const void *p, size_t len);
int	sdb_bind_null(struct sdb_stmt *, int i);
/* A text parameter copied: the caller's buffer may change at once. */
int	sdb_bind_text_copy(struct sdb_stmt *, int i, const char *s);
/* Every parameter NULL again. */
int	sdb_clear_bindings(struct sdb_stmt *);

int	sdb_step(struct sdb_stmt *);

/*
 * Columns of the current row (0 ..); the pointers are valid until the
 * next step, reset or finalize.  A NULL value: is_null 1, int64 0, text
 * and blob NULL with 0 bytes.  Text is NUL-terminated.
 */
int		 sdb_column_is_null(struct sdb_stmt *, int col);
int64_t		 sdb_column_int64(struct sdb_stmt *, int col);
/* unsigned, as SQLite's: the store's code reads it as SQLite's */
const unsigned char	*sdb_column_text(struct sdb_stmt *, int col);
const void	*sdb_column_blob(struct sdb_stmt *, int col);
size_t		 sdb_column_bytes(struct sdb_stmt *, int col);

#endif /* SDB_H */
