/* SPDX-License-Identifier: ISC */
/*
 * store.c - the server database (see store.h).  One connection per
 * struct store, SQLite or PostgreSQL (sdb.h, DESIGN §11).  Every SQLite
 * connection runs in WAL mode with
 * synchronous=FULL, foreign keys on and a busy handler, so that the
 * server's workers and a concurrently running casesyncctl can share
 * one file.  Every statement is prepared with bound parameters; every
 * write that touches more than one row runs inside BEGIN IMMEDIATE so
 * that it takes the write lock up front (a deferred transaction that
 * upgrades from read to write can fail with SQLITE_BUSY in WAL mode
 * without the busy handler ever being called).  On PostgreSQL the same
 * BEGIN takes a transaction-scoped advisory lock (STORE_PG_TX_LOCK):
 * the store's transactions run one at a time over every instance, as
 * SQLite's do, so the store's logic (ask first, then write) holds on
 * both; single statements outside a transaction do not take it.
 *
 * This file is the connection and the helpers of store_int.h; the
 * directory is in store_dir.c, devices and tokens in store_devices.c,
 * the schema and its migrations in store_schema.c.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "errors.h"
#include "log.h"
#include "metrics.h"
#include "sdb.h"
#include "store.h"
#include "store_audit.h"
#include "store_int.h"
#include "util.h"

void
store_log(struct store *st, const char *what)
{
	log_warnx("store: %s: %s", what, sdb_errmsg(st->db));
	/* the cause for whoever reports the CS_ERR_DB (errors.h) */
	if (st->db != NULL && sdb_sqlite(st->db) != NULL)
		(void)cs_cause_sqlite(sdb_sqlite(st->db), CS_ERR_DB);
}

/*
 * A failed write as EXISTS / NOT_FOUND / FORMAT where a constraint says
 * so (sdb.h maps them), else CS_ERR_DB.
 */
int
store_errcode(struct store *st)
{
	int	r = sdb_last_error(st->db);

	return r == CS_ERR_EXISTS || r == CS_ERR_NOT_FOUND ||
	    r == CS_ERR_FORMAT ? r : CS_ERR_DB;
}

int
store_prepare(struct store *st, const char *sql, struct sdb_stmt **stmt)
{
	int	r;

	if ((r = sdb_prepare(st->db, sql, stmt)) != 0) {
		store_log(st, "prepare");
		*stmt = NULL;
		/* PostgreSQL prepares on the server: it may be away */
		return r == CS_ERR_RETRY ? r : CS_ERR_DB;
	}
	return 0;
}

struct sdb_stmt *
store_cached(struct store *st, int slot, const char *sql)
{
	struct sdb_stmt	*s = st->stmts[slot];

	if (s == NULL) {
		if (store_prepare(st, sql, &s) != 0)
			return NULL;
		st->stmts[slot] = s;
	}
	sdb_reset(s);
	(void)sdb_clear_bindings(s);
	return s;
}

/* Run a statement without parameters or rows (BEGIN, COMMIT, ...). */
int
store_exec(struct store *st, const char *sql)
{
	int	i, rc = CS_ERR_DB;

	for (i = 0; i <= STORE_BUSY_RETRIES; i++)
		if ((rc = sdb_exec(st->db, sql)) != CS_ERR_RETRY)
			break;
	if (rc != 0) {
		store_log(st, sql);
		/* a lost connection, a deadlock: the request may be retried */
		return rc == CS_ERR_RETRY ? rc : CS_ERR_DB;
	}
	return 0;
}

int
store_exec_tx(struct store *st, const char *sql)
{
	int	r;

	if ((r = store_begin(st)) != 0)
		return r;
	if ((r = store_exec(st, sql)) != 0 || (r = store_commit(st)) != 0)
		store_rollback(st);
	return r;
}

int
store_bind(struct store *st, const char *sql, struct sdb_stmt **stmt,
    const char *fmt, const int64_t *ints, const char *const *texts,
    const struct store_blob *blobs)
{
	int	i, ni = 0, nt = 0, nb = 0, rc;

	if (store_prepare(st, sql, stmt) != 0)
		return CS_ERR_DB;
	for (i = 0; fmt[i] != '\0'; i++) {
		if (fmt[i] == 'i')
			rc = sdb_bind_int64(*stmt, i + 1, ints[ni++]);
		else if (fmt[i] == 't') {
			rc = texts[nt] == NULL ? sdb_bind_null(*stmt, i + 1) :
			    sdb_bind_text(*stmt, i + 1, texts[nt], -1);
			nt++;
		} else if (fmt[i] == 'b') {
			rc = sdb_bind_blob(*stmt, i + 1, blobs[nb].p,
			    blobs[nb].len);
			nb++;
		} else
			rc = CS_ERR_INTERNAL;
		if (rc != 0) {
			store_log(st, "bind");
			sdb_finalize(*stmt);
			*stmt = NULL;
			return CS_ERR_DB;
		}
	}
	return 0;
}

int
store_do_b(struct store *st, const char *sql, int64_t *out, const char *fmt,
    const int64_t *ints, const char *const *texts,
    const struct store_blob *blobs)
{
	struct sdb_stmt	*s = NULL;
	int		 rc, r;

	if (out != NULL)
		*out = 0;
	if ((r = store_bind(st, sql, &s, fmt, ints, texts, blobs)) != 0)
		return r;
	rc = sdb_step(s);
	if (rc != SDB_DONE && rc != SDB_ROW) {
		r = store_errcode(st);
		goto out;
	}
	if (out != NULL) {
		if (rc == SDB_DONE) {
			r = CS_ERR_NOT_FOUND;
			goto out;
		}
		*out = sdb_column_int64(s, 0);
	}
	r = 0;
 out:
	return store_done(st, s, r, "store_do");
}

int
store_do(struct store *st, const char *sql, int64_t *out, const char *fmt,
    const int64_t *ints, const char *const *texts)
{
	return store_do_b(st, sql, out, fmt, ints, texts, NULL);
}

int
store_row(struct sdb_stmt *stmt)
{
	int	rc = sdb_step(stmt);

	return rc == SDB_ROW ? 0 : rc == SDB_DONE ? CS_ERR_NOT_FOUND :
	    rc == CS_ERR_RETRY ? rc : CS_ERR_DB;
}

int
store_changes(struct store *st)
{
	return sdb_changes(st->db);
}

/*
 * A failure as the store reports it: CS_ERR_DB where the database's
 * last call failed retryably (a lost connection, a deadlock, busy)
 * becomes CS_ERR_RETRY, so the request in progress is refused with the
 * protocol's retryable error, not as an internal one.
 */
int
store_retry(struct store *st, int r)
{
	if (r == CS_ERR_DB && st->db != NULL &&
	    (sdb_last_error(st->db) == CS_ERR_RETRY || sdb_lost(st->db)))
		return CS_ERR_RETRY;
	return r;
}

int
store_done(struct store *st, struct sdb_stmt *stmt, int r, const char *what)
{
	r = store_retry(st, r);
	if (r == CS_ERR_DB || r == CS_ERR_RETRY)
		store_log(st, what);
	sdb_finalize(stmt);
	return r;
}

/*
 * The store's transactions, one at a time (the write lock up front):
 * SQLite's BEGIN IMMEDIATE; on PostgreSQL an advisory lock of the
 * transaction, any 64-bit key of our own.
 */
#define STORE_PG_TX_LOCK	"SELECT pg_advisory_xact_lock(4337277105610867)"

/*
 * The SQLite write lock among this process's threads: a worker that
 * wants to write while another worker's transaction holds SQLite's
 * lock sleeps on this mutex and wakes when that transaction ends,
 * instead of retrying every STORE_BUSY_STEP_US in the busy handler
 * (each try a lock attempt and a wake-up: a twentieth of the server's
 * CPU per session when workers write at once; docs/BENCHMARKS.md,
 * bench_sesscpu).  Another process (casesyncctl) is still waited for
 * by the busy handler.  The mutex is a wait, not a guard: after
 * STORE_BUSY_MS without it, or on a thread that holds it for another
 * connection, BEGIN IMMEDIATE goes ahead and the busy handler decides
 * as before.  Taken before BEGIN IMMEDIATE, given back once the
 * connection is out of its transaction (COMMIT, ROLLBACK, a failed
 * BEGIN).  On PostgreSQL it is taken before BEGIN in the same way and
 * the advisory lock remains the guard among instances.
 */
static pthread_mutex_t	store_wlock = PTHREAD_ERRORCHECK_MUTEX_INITIALIZER_NP;

static void
store_wlock_take(struct store *st)
{
	struct timespec	ts;

	if (st->wlocked || clock_gettime(CLOCK_REALTIME, &ts) == -1)
		return;
	ts.tv_sec += STORE_BUSY_MS / 1000;
	ts.tv_nsec += (long)(STORE_BUSY_MS % 1000) * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	if (pthread_mutex_timedlock(&store_wlock, &ts) == 0)
		st->wlocked = 1;
}

int
store_wlock_try(struct store *st)
{
	if (st->wlocked)
		return 1;
	if (pthread_mutex_trylock(&store_wlock) != 0)
		return 0;
	st->wlocked = 1;
	return 1;
}

static void
store_wlock_give(struct store *st)
{
	if (st->wlocked && (st->db == NULL || !sdb_in_tx(st->db))) {
		st->wlocked = 0;
		(void)pthread_mutex_unlock(&store_wlock);
	}
}

static int
store_begin_tx(struct store *st)
{
	int	r;

	store_audit_tx_end(st, 0);	/* a transaction not ended here */
	store_wlock_take(st);
	if (sdb_backend(st->db) != SDB_POSTGRESQL) {
		r = store_exec(st, "BEGIN IMMEDIATE");
		store_wlock_give(st);	/* if BEGIN failed */
		return r;
	}
	/*
	 * Both sent, not waited for: they go with the transaction's first
	 * statement, in its round trip; a failure of either is met there
	 * (the lock is taken before that statement runs).  store_wlock is
	 * taken on PostgreSQL too: the process's transactions wait for
	 * each other there rather than on the advisory lock, and so run
	 * in the order of store_audit.c's kept tree.
	 */
	if ((r = sdb_exec_put(st->db, "BEGIN")) != 0 ||
	    (r = sdb_exec_put(st->db, STORE_PG_TX_LOCK)) != 0) {
		store_log(st, "begin");
		store_rollback(st);
		return r == CS_ERR_RETRY ? r : CS_ERR_DB;
	}
	return 0;
}

int
store_begin(struct store *st)
{
	if (st->owned)
		return st->owned_r;
	return store_begin_tx(st);
}

int
store_commit(struct store *st)
{
	int64_t	t0;
	int	r;

	if (st->owned)
		return st->owned_r;
	store_audit_lock_drop(st);
	t0 = metrics_now_ns();
	if (!st->audit_fast)
		r = store_exec(st, "COMMIT");
	else if ((r = sdb_exec(st->db, "COMMIT")) != 0 && r != CS_ERR_RETRY)
		r = CS_ERR_DB;	/* the kept tree was stale: not logged */
	if (r == 0)
		metrics_commit(metrics_now_ns() - t0);
	store_audit_tx_end(st, r == 0);
	store_wlock_give(st);
	return r;
}

/* Safe to call when no transaction is open. */
void
store_rollback(struct store *st)
{
	if (!st->owned) {
		store_audit_lock_drop(st);
		store_audit_tx_end(st, 0);
	}
	if (!st->owned && st->db != NULL && sdb_in_tx(st->db))
		(void)sdb_exec(st->db, "ROLLBACK");
	if (!st->owned)
		store_wlock_give(st);
}

int
store_tx_begin(struct store *st)
{
	if (st->owned) {
		log_warnx("store: a transaction is already owned");
		return CS_ERR_INTERNAL;
	}
	st->owned_r = store_begin_tx(st);
	st->owned = 1;
	return st->owned_r;
}

int
store_tx_end(struct store *st, int r)
{
	if (!st->owned)
		return r != 0 ? r : CS_ERR_INTERNAL;
	if (r == 0)
		r = st->owned_r;
	st->owned = 0;
	if (r == 0)
		r = store_commit(st);
	store_rollback(st);
	return r;
}

void
store_read_begin(struct store *st)
{
	if (st->rtx || st->owned || st->db == NULL ||
	    sdb_backend(st->db) == SDB_POSTGRESQL || sdb_in_tx(st->db))
		return;
	/* a failed BEGIN leaves the reads in autocommit, as before */
	st->rtx = sdb_exec(st->db, "BEGIN") == 0;
}

void
store_read_end(struct store *st)
{
	if (!st->rtx)
		return;
	st->rtx = 0;
	/* a store function that failed may have rolled it back already */
	if (sdb_in_tx(st->db) && sdb_exec(st->db, "COMMIT") != 0 &&
	    sdb_in_tx(st->db))
		(void)sdb_exec(st->db, "ROLLBACK");
}

/* Copy a TEXT column into a fixed buffer; NULL gives "". */
int
store_col_text(struct sdb_stmt *stmt, int col, char *dst, size_t dstlen)
{
	const unsigned char	*s;
	int			 n;

	dst[0] = '\0';
	if ((s = sdb_column_text(stmt, col)) == NULL)
		return 0;
	if ((n = (int)sdb_column_bytes(stmt, col)) < 0 ||
	    (size_t)n >= dstlen)
		return CS_ERR_DB;
	memcpy(dst, s, (size_t)n);
	dst[n] = '\0';
	return 0;
}

/*
 * Page cache per connection (one per worker): the indexes on random
 * UUIDs (records, changes) are touched all over on every push, and a
 * miss is a pread.  Allocated as pages are used, so an idle server stays
 * small.
 */
#define STORE_CACHE_PRAGMA	"PRAGMA cache_size = -32768"	/* KiB */

/*
 * SQLite's temporary files in memory: a statement's journal (written
 * once a statement in a transaction has changed more than 64 KiB of
 * pages, so that it can be undone alone), sorts and transient indexes.
 * casesyncd's network process may open no file once it serves
 * (sandbox.c), so on disk they would fail with "unable to open
 * database file": with 8 KiB pages, seven tests did
 * (docs/PERFORMANCE.md, "Server database pages of 8 KiB").
 */
#define STORE_TEMP_PRAGMA	"PRAGMA temp_store = MEMORY"

/*
 * Busy handler.  The other worker holds the write lock for one short
 * transaction (a push batch, an audit append), so wait in steps of
 * 100 us, up to STORE_BUSY_MS in all.  SQLite's own timeout handler
 * sleeps 1, 2, 5, 10 ... then 100 ms at a time, which stalls every
 * connection of this worker far longer than the lock is held.
 */
#define STORE_BUSY_STEP_US	100

static int
store_busy(void *arg, int count)
{
	struct timespec	ts = { 0, STORE_BUSY_STEP_US * 1000L };

	(void)arg;
	if ((int64_t)count * STORE_BUSY_STEP_US >= (int64_t)STORE_BUSY_MS * 1000)
		return 0;
	(void)nanosleep(&ts, NULL);
	return 1;
}

/* Pragmas every connection needs; the busy handler comes first. */
static int
store_setup(struct store *st)
{
	struct sdb_stmt		*stmt = NULL;
	const unsigned char	*mode;
	int			 rc, r = CS_ERR_DB;

	/* sdb_sqlite.c set it defensive, with an untrusted schema */
	if (sqlite3_busy_handler(sdb_sqlite(st->db), store_busy, NULL) !=
	    SQLITE_OK)
		goto out;
	if ((r = store_prepare(st, "PRAGMA journal_mode = WAL", &stmt)) != 0)
		goto out;
	r = CS_ERR_DB;
	if ((rc = sdb_step(stmt)) != SDB_ROW ||
	    (mode = sdb_column_text(stmt, 0)) == NULL ||
	    strcmp((const char *)mode, "wal") != 0) {
		log_warnx("store: cannot switch to WAL mode");
		goto out;
	}
	if ((r = store_exec(st, "PRAGMA synchronous = FULL")) != 0 ||
	    (r = store_exec(st, "PRAGMA foreign_keys = ON")) != 0 ||
	    (r = store_exec(st, "PRAGMA secure_delete = ON")) != 0 ||
	    (r = store_exec(st, STORE_TEMP_PRAGMA)) != 0 ||
	    (r = store_exec(st, STORE_CACHE_PRAGMA)) != 0)
		goto out;
	r = 0;
 out:
	if (r != 0)
		store_log(st, "setup");
	sdb_finalize(stmt);
	return r;
}

int
store_meta_get(struct store *st, const char *key, int64_t *value)
{
	const char	*t[1] = { key };

	return store_do(st, "SELECT value FROM meta WHERE key = ?1", value,
	    "t", NULL, t);
}

int
store_spec_pg(const char *spec)
{
	return strncmp(spec, "postgresql:", 11) == 0;
}

int
store_is_pg(const struct store *st)
{
	return sdb_backend(st->db) == SDB_POSTGRESQL;
}

/*
 * PostgreSQL: "create" wants a database without casesync's schema, an
 * open one with it.  The connection string is never logged (it may
 * hold a password): messages say "postgresql".
 */
static int
store_open_pg(const char *spec, int create, struct store **out)
{
	struct store	*st = NULL;
	int64_t		 v = 0;
	int		 r;

	*out = NULL;
	if ((st = calloc(1, sizeof(*st))) == NULL)
		return CS_ERR_ALLOC;
	if ((r = sdb_open(spec, &st->db)) != 0)
		goto out;
	if ((r = store_schema_version(st, &v)) != 0)
		goto out;
	if (create && v != 0) {
		r = CS_ERR_EXISTS;
		goto out;
	}
	if (!create && v == 0) {
		r = cs_cause(CS_ERR_NOT_FOUND, ENOENT);
		goto out;
	}
	if ((r = store_schema_migrate(st, "postgresql", create)) != 0)
		goto out;
	*out = st;
	st = NULL;	/* transferred */
 out:
	if (r != 0 && r != CS_ERR_NOT_FOUND && r != CS_ERR_EXISTS)
		log_warnx("store: cannot open the PostgreSQL database: %s",
		    cs_why(r));
	if (st != NULL)
		store_rollback(st);
	store_close(st);
	return r;
}

int
store_open(const char *spec, int create, struct store **out)
{
	struct store	*st = NULL;
	const char	*path = spec;
	char		 aux[4096];
	int		 fd, created = 0, r = CS_ERR_DB;

	*out = NULL;
	if (store_spec_pg(spec))
		return store_open_pg(spec, create, out);
	if (strncmp(spec, "sqlite:", 7) == 0)
		path = spec + 7;
	if (create) {
		/* The file exists before SQLite sees it: ours, mode 0600. */
		if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC |
		    O_NOFOLLOW, 0600)) == -1) {
			r = errno == EEXIST ? CS_ERR_EXISTS : cs_sys();
			if (r == CS_ERR_SYSTEM)
				log_warnx("store: %s: %s", path, cs_why(r));
			goto out;
		}
		close(fd);
		created = 1;
	} else if (access(path, F_OK) == -1) {
		r = errno == ENOENT ? cs_cause(CS_ERR_NOT_FOUND, ENOENT) :
		    cs_sys();
		goto out;
	}
	if ((st = calloc(1, sizeof(*st))) == NULL) {
		r = CS_ERR_ALLOC;
		goto out;
	}
	/*
	 * One connection per thread (sdb_sqlite.c: NOMUTEX); SQLite gives
	 * the WAL and shm files the permissions of the database file.
	 */
	if (str_fmt(aux, sizeof(aux), "sqlite:%s", path) != 0) {
		r = CS_ERR_TOO_LARGE;
		goto out;
	}
	if ((r = sdb_open(aux, &st->db)) != 0)
		goto out;
	r = CS_ERR_DB;
	if ((r = store_setup(st)) != 0)
		goto out;
	if ((r = store_schema_migrate(st, path, created)) != 0)
		goto out;
	*out = st;
	st = NULL;	/* transferred */
	r = 0;
 out:
	if (r != 0 && r != CS_ERR_NOT_FOUND && r != CS_ERR_EXISTS)
		log_warnx("store: cannot open %s: %s", path, cs_why(r));
	if (st != NULL)
		store_rollback(st);
	store_close(st);
	if (r != 0 && created) {
		(void)unlink(path);
		if (str_fmt(aux, sizeof(aux), "%s-wal", path) == 0)
			(void)unlink(aux);
		if (str_fmt(aux, sizeof(aux), "%s-shm", path) == 0)
			(void)unlink(aux);
	}
	return r;
}

void
store_close(struct store *st)
{
	size_t	i;

	if (st == NULL)
		return;
	for (i = 0; i < STORE_STMT_MAX; i++)
		sdb_finalize(st->stmts[i]);
	for (i = 0; i < 2; i++)
		sdb_finalize(st->devq[i]);
	sdb_finalize(st->tickq);
	sdb_finalize(st->accessq);
	store_push_batch_close(st);
	sdb_finalize(st->auditq);
	sdb_close(st->db);
	st->db = NULL;
	store_wlock_give(st);	/* closing ended its transaction */
	free(st);
}
