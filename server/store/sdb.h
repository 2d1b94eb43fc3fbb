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
/*
 * ?1 .. ?8192: a statement's own count sizes its parameters (sdb_pg.c);
 * SQLite takes 32766 since 3.32, PostgreSQL 65535.
 */
#define SDB_PARAMS_MAX	8192

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

/*
 * The CS_ERR_* of the last call of this connection that ran something
 * (prepare, exec, step, send, put): 0 if it succeeded.  So right after
 * a failure the store can tell a retryable one (CS_ERR_RETRY) from the
 * rest.
 */
int	sdb_last_error(const struct sdb *);
/*
 * 1 while the connection is lost and not yet re-established (PostgreSQL
 * restarting, a failover): whatever failed meanwhile is retryable.
 * SQLite: 0.
 */
int	sdb_lost(const struct sdb *);
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
 * Fewer round trips (PostgreSQL's pipeline mode): statements sent
 * without waiting for their results, which all come back with the next
 * call that waits for the server (a sdb_step() of a statement not sent,
 * sdb_exec(), the first sdb_prepare() of a text), in one round trip.
 * A failure of any statement sent is returned by that call (inside a
 * transaction, which PostgreSQL has then aborted: the caller rolls
 * back), or by sdb_step() of a statement sent after it.  SQLite, in the
 * server's own process, runs each at once.
 *
 * sdb_send: a query whose rows the caller reads later with sdb_step()
 * (on SQLite, nothing: sdb_step() runs it, so its bindings and the
 * values they borrow stay as they are until then); sdb_reset() forgets
 * it.  A read only: one sent and never stepped is a waste, not an
 * error.
 * sdb_put: a statement without rows whose success is all the caller
 * needs (not sdb_changes(), which it leaves unknown): 0 or CS_ERR_*
 * (SQLite: run now; PostgreSQL: sent, its failure reported later).
 */
#define SDB_PIPE_MAX	512	/* statements sent before they are waited for */

int	sdb_send(struct sdb_stmt *);
int	sdb_put(struct sdb_stmt *);
/*
 * sdb_exec_put: one SQL statement without parameters (not a list; rows
 * it returns are dropped), sent as sdb_put sends (SQLite: sdb_exec
 * now).  "BEGIN" sent
 * so counts as inside the transaction from then on (sdb_in_tx; a
 * connection lost meanwhile fails every call until the ROLLBACK).
 */
int	sdb_exec_put(struct sdb *, const char *sql);

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

/*
 * Between the instances on one database (sdb_pg_notify.c; DESIGN §11).
 * SQLite serves one casesyncd, whose workers tell each other in
 * memory: there sdb_notify is a no-op.
 *
 * sdb_notify: inside the caller's transaction, tell every listener of
 * "channel" (an identifier: a-z, 0-9, _; at most SDB_CHANNEL_MAX) the
 * "payload" (at most SDB_NOTIFY_MAX of a-z A-Z 0-9 _ : . -): delivered
 * only if and when the transaction commits (PostgreSQL's NOTIFY), once
 * however often the same pair is sent in it.  0 or CS_ERR_*.
 */
#define SDB_CHANNEL_MAX	63
#define SDB_NOTIFY_MAX	63

int	sdb_notify(struct sdb *, const char *channel, const char *payload);

/*
 * A listening connection of its own, kept apart from the store's (a
 * connection that runs transactions cannot wait for notifications).
 * The caller polls sdb_listen_fd() for input in its event loop, reads
 * with sdb_listen_read() and calls sdb_listen_tick() at least every
 * SDB_LISTEN_PING_MS.  A connection found lost (closed by the server,
 * or a ping without its answer within SDB_LISTEN_PING_MS) makes
 * sdb_listen_read()/sdb_listen_tick() return CS_ERR_RETRY and the fd
 * -1; sdb_listen_connect() makes a new one.  Notifications sent while
 * none was listening are lost, so after EVERY successful
 * sdb_listen_connect() (the first too) the caller assumes anything may
 * have changed, and looks.
 */
#define SDB_LISTEN_PING_MS	2000

struct sdb_listen;

/*
 * A listener for "channel" of the database "spec" ("postgresql:..."),
 * not yet connected.  0, CS_ERR_FORMAT (not PostgreSQL, or a bad
 * channel), CS_ERR_ALLOC.
 */
int	sdb_listen_new(const char *spec, const char *channel,
	    struct sdb_listen **out);
void	sdb_listen_free(struct sdb_listen *);	/* NULL is a no-op */
/*
 * Connect (blocking, at most about 10 s) and LISTEN; a connection held
 * before is closed first.  0, or CS_ERR_RETRY (sdb_listen_errmsg()).
 */
int	sdb_listen_connect(struct sdb_listen *);
/* The descriptor to poll for input; -1 while not connected. */
int	sdb_listen_fd(const struct sdb_listen *);
/*
 * Take what arrived: cb(payload, arg) for each valid notification of
 * the channel, in commit order (a malformed payload is dropped and
 * logged).  0, or CS_ERR_RETRY: the connection is lost.
 */
int	sdb_listen_read(struct sdb_listen *,
	    void (*cb)(const char *payload, void *arg), void *arg);
/*
 * Keep the connection honest at "now_ms" (a monotonic clock): a ping
 * every SDB_LISTEN_PING_MS; one unanswered for as long means a
 * connection that is gone without a word (a failover, a cable).
 * 0, or CS_ERR_RETRY: the connection is lost.
 */
int	sdb_listen_tick(struct sdb_listen *, int64_t now_ms);
const char	*sdb_listen_errmsg(const struct sdb_listen *);

#endif /* SDB_H */
