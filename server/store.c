/* SPDX-License-Identifier: ISC */
/*
 * store.c - the server database (see store.h).  One SQLite connection
 * per struct store; every connection runs in WAL mode with
 * synchronous=FULL, foreign keys on and a busy handler, so that the
 * server's workers and a concurrently running casesyncctl can share
 * one file.  Every statement is prepared with bound parameters; every
 * write that touches more than one row runs inside BEGIN IMMEDIATE so
 * that it takes the write lock up front (a deferred transaction that
 * upgrades from read to write can fail with SQLITE_BUSY in WAL mode
 * without the busy handler ever being called).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "errors.h"
#include "log.h"
#include "metrics.h"
#include "store.h"
#include "store_int.h"
#include "store_keys.h"
#include "store_late.h"
#include "store_renew.h"
#include "store_restore.h"
#include "wire_keys.h"
#include "token.h"
#include "util.h"

#define STORE_SCHEMA_VERSION	1
#define STORE_ADDR_MAX		128
#define STORE_FAIL_KEEP		86400	/* enroll failures kept one day */


static const char *const store_roles[] = {
	"jeugdbeschermer",
	"gedragswetenschapper",
	"teamleider",
	"auditor",
	"beheerder",
};

static const char store_schema[] =
    "CREATE TABLE meta ("
    " key TEXT PRIMARY KEY NOT NULL,"
    " value INTEGER NOT NULL);"
    "CREATE TABLE offices ("
    " id INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL UNIQUE,"
    " region TEXT);"
    "CREATE TABLE users ("
    " id INTEGER PRIMARY KEY,"
    " name TEXT NOT NULL UNIQUE,"
    " role TEXT NOT NULL CHECK (role IN ('jeugdbeschermer',"
    "  'gedragswetenschapper', 'teamleider', 'auditor', 'beheerder')),"
    " office_id INTEGER NOT NULL REFERENCES offices(id));"
    "CREATE TABLE enroll_tokens ("
    " id BLOB PRIMARY KEY NOT NULL CHECK (length(id) = 8),"
    " hash BLOB NOT NULL CHECK (length(hash) = 32),"
    " user_id INTEGER NOT NULL REFERENCES users(id),"
    " device_name TEXT NOT NULL,"
    " created_at INTEGER NOT NULL,"
    " expires_at INTEGER NOT NULL,"
    " used_at INTEGER,"
    " failures INTEGER NOT NULL DEFAULT 0);"
    "CREATE TABLE devices ("
    " id INTEGER PRIMARY KEY,"
    " user_id INTEGER NOT NULL REFERENCES users(id),"
    " name TEXT NOT NULL,"
    " keyhash BLOB NOT NULL UNIQUE CHECK (length(keyhash) = 32),"
    " enrolled_at INTEGER NOT NULL,"
    " cert_not_after INTEGER NOT NULL,"
    " revoked_at INTEGER);"
    "CREATE INDEX devices_user ON devices(user_id);"
    "CREATE TABLE enroll_failures ("
    " addr TEXT NOT NULL,"
    " at INTEGER NOT NULL);"
    "CREATE INDEX enroll_failures_addr_at ON enroll_failures(addr, at);"
    STORE_SYNC_SCHEMA
    "INSERT INTO meta(key, value) VALUES ('schema_version', 1),"
    " ('revocation_gen', 0), ('seq', 0);";

/* The columns store_device_row() reads, in order. */
#define STORE_DEVICE_SELECT						\
	"SELECT d.id, d.name, d.keyhash, d.enrolled_at, d.cert_not_after,"  \
	" d.revoked_at, u.id, u.name, u.role, o.name"			\
	" FROM devices d JOIN users u ON u.id = d.user_id"		\
	" JOIN offices o ON o.id = u.office_id "

void
store_log(struct store *st, const char *what)
{
	log_warnx("store: %s: %s", what, sqlite3_errmsg(st->db));
}

/* Map a failed write to EXISTS / NOT_FOUND where a constraint says so. */
int
store_errcode(struct store *st)
{
	int	ext = sqlite3_extended_errcode(st->db);

	if (ext == SQLITE_CONSTRAINT_UNIQUE ||
	    ext == SQLITE_CONSTRAINT_PRIMARYKEY)
		return CS_ERR_EXISTS;
	if (ext == SQLITE_CONSTRAINT_FOREIGNKEY)
		return CS_ERR_NOT_FOUND;
	if (ext == SQLITE_CONSTRAINT_CHECK)
		return CS_ERR_FORMAT;
	return CS_ERR_DB;
}

int
store_prepare(struct store *st, const char *sql, sqlite3_stmt **stmt)
{
	if (sqlite3_prepare_v2(st->db, sql, -1, stmt, NULL) != SQLITE_OK) {
		store_log(st, "prepare");
		*stmt = NULL;
		return CS_ERR_DB;
	}
	return 0;
}

/* Run a statement without parameters or rows (BEGIN, COMMIT, ...). */
int
store_exec(struct store *st, const char *sql)
{
	int	i, rc = SQLITE_ERROR;

	for (i = 0; i <= STORE_BUSY_RETRIES; i++) {
		rc = sqlite3_exec(st->db, sql, NULL, NULL, NULL);
		if (rc != SQLITE_BUSY && rc != SQLITE_LOCKED)
			break;
	}
	if (rc != SQLITE_OK) {
		store_log(st, sql);
		return CS_ERR_DB;
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
store_do(struct store *st, const char *sql, int64_t *out, const char *fmt,
    const int64_t *ints, const char *const *texts)
{
	sqlite3_stmt	*s = NULL;
	int		 i, ni = 0, nt = 0, rc, r = CS_ERR_DB;

	if (out != NULL)
		*out = 0;
	if (store_prepare(st, sql, &s) != 0)
		return CS_ERR_DB;
	for (i = 0; fmt[i] != '\0'; i++) {
		rc = fmt[i] == 'i' ? sqlite3_bind_int64(s, i + 1, ints[ni++]) :
		    sqlite3_bind_text(s, i + 1, texts[nt++], -1, SQLITE_STATIC);
		if (rc != SQLITE_OK)
			goto out;
	}
	rc = sqlite3_step(s);
	if (out != NULL) {
		if (rc == SQLITE_DONE) {
			r = CS_ERR_NOT_FOUND;
			goto out;
		}
		if (rc != SQLITE_ROW)
			goto out;
		*out = sqlite3_column_int64(s, 0);
	} else if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		r = store_errcode(st);
		goto out;
	}
	r = 0;
 out:
	if (r == CS_ERR_DB)
		store_log(st, "store_do");
	sqlite3_finalize(s);
	return r;
}

int
store_begin(struct store *st)
{
	return store_exec(st, "BEGIN IMMEDIATE");
}

void
store_commit_hook(struct store *st, int (*fn)(struct store *, void *),
    void *arg)
{
	st->commit_fn = fn;
	st->commit_arg = arg;
}

int
store_commit(struct store *st)
{
	int	(*fn)(struct store *, void *) = st->commit_fn;
	int64_t	t0;
	int	r;

	st->commit_fn = NULL;
	if (fn != NULL && (r = fn(st, st->commit_arg)) != 0)
		return r;
	t0 = metrics_now_ns();
	if ((r = store_exec(st, "COMMIT")) == 0)
		metrics_commit(metrics_now_ns() - t0);
	return r;
}

/* Safe to call when no transaction is open. */
void
store_rollback(struct store *st)
{
	if (!sqlite3_get_autocommit(st->db))
		(void)sqlite3_exec(st->db, "ROLLBACK", NULL, NULL, NULL);
}

/* Copy a TEXT column into a fixed buffer; NULL gives "". */
int
store_col_text(sqlite3_stmt *stmt, int col, char *dst, size_t dstlen)
{
	const unsigned char	*s;
	int			 n;

	dst[0] = '\0';
	if ((s = sqlite3_column_text(stmt, col)) == NULL)
		return 0;
	if ((n = sqlite3_column_bytes(stmt, col)) < 0 ||
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
	sqlite3_stmt		*stmt = NULL;
	const unsigned char	*mode;
	int			 rc, r = CS_ERR_DB;

	if (sqlite3_busy_handler(st->db, store_busy, NULL) != SQLITE_OK ||
	    sqlite3_extended_result_codes(st->db, 1) != SQLITE_OK ||
	    sqlite3_db_config(st->db, SQLITE_DBCONFIG_DEFENSIVE, 1,
	    NULL) != SQLITE_OK ||
	    sqlite3_db_config(st->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0,
	    NULL) != SQLITE_OK)
		goto out;
	if ((r = store_prepare(st, "PRAGMA journal_mode = WAL", &stmt)) != 0)
		goto out;
	r = CS_ERR_DB;
	if ((rc = sqlite3_step(stmt)) != SQLITE_ROW ||
	    (mode = sqlite3_column_text(stmt, 0)) == NULL ||
	    strcmp((const char *)mode, "wal") != 0) {
		log_warnx("store: cannot switch to WAL mode");
		goto out;
	}
	if ((r = store_exec(st, "PRAGMA synchronous = FULL")) != 0 ||
	    (r = store_exec(st, "PRAGMA foreign_keys = ON")) != 0 ||
	    (r = store_exec(st, "PRAGMA secure_delete = ON")) != 0 ||
	    (r = store_exec(st, STORE_CACHE_PRAGMA)) != 0)
		goto out;
	r = 0;
 out:
	if (r != 0)
		store_log(st, "setup");
	sqlite3_finalize(stmt);
	return r;
}

int
store_meta_get(struct store *st, const char *key, int64_t *value)
{
	sqlite3_stmt	*stmt = NULL;
	int		 rc, r;

	*value = 0;
	if ((r = store_prepare(st,
	    "SELECT value FROM meta WHERE key = ?1", &stmt)) != 0)
		goto out;
	r = CS_ERR_DB;
	if (sqlite3_bind_text(stmt, 1, key, -1, SQLITE_STATIC) != SQLITE_OK)
		goto out;
	if ((rc = sqlite3_step(stmt)) == SQLITE_DONE) {
		r = CS_ERR_NOT_FOUND;
		goto out;
	}
	if (rc != SQLITE_ROW)
		goto out;
	*value = sqlite3_column_int64(stmt, 0);
	r = 0;
 out:
	if (r == CS_ERR_DB)
		store_log(st, __func__);
	sqlite3_finalize(stmt);
	return r;
}

int
store_open(const char *path, int create, struct store **out)
{
	struct store	*st = NULL;
	char		 aux[4096];
	int64_t		 version;
	int		 fd, created = 0, flags, r = CS_ERR_DB;

	*out = NULL;
	if (create) {
		/* The file exists before SQLite sees it: ours, mode 0600. */
		if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC |
		    O_NOFOLLOW, 0600)) == -1) {
			r = errno == EEXIST ? CS_ERR_EXISTS : CS_ERR_SYSTEM;
			if (r == CS_ERR_SYSTEM)
				log_warn("store: %s", path);
			goto out;
		}
		close(fd);
		created = 1;
	} else if (access(path, F_OK) == -1) {
		r = errno == ENOENT ? CS_ERR_NOT_FOUND : CS_ERR_SYSTEM;
		goto out;
	}
	if ((st = calloc(1, sizeof(*st))) == NULL) {
		r = CS_ERR_ALLOC;
		goto out;
	}
	/*
	 * One connection per thread (NOMUTEX); SQLite gives the WAL and
	 * shm files the permissions of the database file.
	 */
	flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX |
	    SQLITE_OPEN_NOFOLLOW;
	if (sqlite3_open_v2(path, &st->db, flags, NULL) != SQLITE_OK) {
		if (st->db != NULL)
			store_log(st, path);
		goto out;
	}
	if ((r = store_setup(st)) != 0)
		goto out;
	if (created) {
		if ((r = store_begin(st)) != 0)
			goto out;
		if (sqlite3_exec(st->db, store_schema, NULL, NULL, NULL) !=
		    SQLITE_OK) {
			store_log(st, "schema");
			r = CS_ERR_DB;
			goto out;
		}
		if ((r = store_commit(st)) != 0)
			goto out;
	}
	if ((r = store_meta_get(st, "schema_version", &version)) != 0)
		goto out;
	if (version != STORE_SCHEMA_VERSION) {
		log_warnx("store: %s: schema version %lld, expected %d", path,
		    (long long)version, STORE_SCHEMA_VERSION);
		r = CS_ERR_DB;
		goto out;
	}
	if ((r = store_audit_schema(st)) != 0)	/* store_audit.c */
		goto out;
	if ((r = store_transfer_schema(st)) != 0)	/* store_transfer.c */
		goto out;
	if ((r = store_keys_schema(st)) != 0)	/* store_keys.c */
		goto out;
	if ((r = store_late_schema(st)) != 0)	/* store_late.c */
		goto out;
	if ((r = store_renew_schema(st)) != 0)	/* store_renew.c */
		goto out;
	if ((r = store_restore_schema(st)) != 0)	/* store_restore.c */
		goto out;
	*out = st;
	st = NULL;	/* transferred */
	r = 0;
 out:
	if (r != 0 && r != CS_ERR_NOT_FOUND && r != CS_ERR_EXISTS)
		log_warnx("store: cannot open %s: %s", path, cs_err(r));
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
		sqlite3_finalize(st->stmts[i]);
	for (i = 0; i < 2; i++)
		sqlite3_finalize(st->devq[i]);
	sqlite3_finalize(st->tickq);
	sqlite3_finalize(st->accessq);
	if (st->db != NULL && sqlite3_close(st->db) != SQLITE_OK)
		log_warnx("store: close: %s", sqlite3_errmsg(st->db));
	free(st);
}

int
store_role_valid(const char *role)
{
	size_t	i;

	if (role == NULL)
		return 0;
	for (i = 0; i < sizeof(store_roles) / sizeof(store_roles[0]); i++)
		if (strcmp(role, store_roles[i]) == 0)
			return 1;
	return 0;
}

/*
 * Strict UTF-8 (no overlong forms, no surrogates, nothing above
 * U+10FFFF) without C0, DEL or C1 control characters.
 */
int
store_name_valid(const char *name)
{
	size_t	len;

	return name != NULL && (len = strlen(name)) > 0 &&
	    len <= STORE_NAME_MAX && utf8_text_ok(name, len);
}

int
store_office_add(struct store *st, const char *name, const char *region,
    int64_t *idp)
{
	sqlite3_stmt	*stmt = NULL;
	int		 rc, r = CS_ERR_FORMAT;

	if (idp != NULL)
		*idp = 0;
	if (!store_name_valid(name) ||
	    (region != NULL && !store_name_valid(region)))
		goto out;
	if ((r = store_prepare(st,
	    "INSERT INTO offices(name, region) VALUES (?1, ?2)", &stmt)) != 0)
		goto out;
	r = CS_ERR_DB;
	if (sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC) !=
	    SQLITE_OK ||
	    (region != NULL ? sqlite3_bind_text(stmt, 2, region, -1,
	    SQLITE_STATIC) : sqlite3_bind_null(stmt, 2)) != SQLITE_OK)
		goto out;
	if ((rc = sqlite3_step(stmt)) != SQLITE_DONE) {
		r = store_errcode(st);
		goto out;
	}
	if (idp != NULL)
		*idp = sqlite3_last_insert_rowid(st->db);
	r = 0;
 out:
	if (r == CS_ERR_DB)
		store_log(st, __func__);
	sqlite3_finalize(stmt);
	return r;
}

int
store_office_list(struct store *st,
    int (*cb)(int64_t, const char *, const char *, void *), void *arg)
{
	sqlite3_stmt		*stmt = NULL;
	const unsigned char	*name, *region;
	int			 rc, r;

	if ((r = store_prepare(st,
	    "SELECT id, name, region FROM offices ORDER BY id", &stmt)) != 0)
		goto out;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if ((name = sqlite3_column_text(stmt, 1)) == NULL) {
			r = CS_ERR_DB;
			goto out;
		}
		region = sqlite3_column_text(stmt, 2);
		if ((r = cb(sqlite3_column_int64(stmt, 0),
		    (const char *)name, (const char *)region, arg)) != 0)
			goto out;
	}
	r = rc == SQLITE_DONE ? 0 : CS_ERR_DB;
 out:
	if (r == CS_ERR_DB)
		store_log(st, __func__);
	sqlite3_finalize(stmt);
	return r;
}

int
store_user_add(struct store *st, const char *name, const char *role,
    const char *office, int64_t *idp)
{
	static const char sql[] =
	    "INSERT INTO users(name, role, office_id) "
	    "SELECT ?1, ?2, id FROM offices WHERE name = ?3";
	sqlite3_stmt	*stmt = NULL;
	int		 rc, r = CS_ERR_FORMAT;

	if (idp != NULL)
		*idp = 0;
	/* "recovery" names the recovery key in grants (docs/E2E.md) */
	if (!store_name_valid(name) || !store_role_valid(role) ||
	    !store_name_valid(office) || strcmp(name, WIRE_RECOVERY_USER) == 0)
		goto out;
	if ((r = store_prepare(st, sql, &stmt)) != 0)
		goto out;
	r = CS_ERR_DB;
	if (sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC) !=
	    SQLITE_OK ||
	    sqlite3_bind_text(stmt, 2, role, -1, SQLITE_STATIC) !=
	    SQLITE_OK ||
	    sqlite3_bind_text(stmt, 3, office, -1, SQLITE_STATIC) !=
	    SQLITE_OK)
		goto out;
	if ((rc = sqlite3_step(stmt)) != SQLITE_DONE) {
		r = store_errcode(st);
		goto out;
	}
	/* INSERT ... SELECT inserted nothing: no such office. */
	if (sqlite3_changes(st->db) != 1) {
		r = CS_ERR_NOT_FOUND;
		goto out;
	}
	if (idp != NULL)
		*idp = sqlite3_last_insert_rowid(st->db);
	r = 0;
 out:
	if (r == CS_ERR_DB)
		store_log(st, __func__);
	sqlite3_finalize(stmt);
	return r;
}

/* Columns: u.id, u.name, u.role, o.name starting at "col". */
static int
store_user_row(sqlite3_stmt *stmt, int col, struct store_user *u)
{
	memset(u, 0, sizeof(*u));
	u->id = sqlite3_column_int64(stmt, col);
	if (store_col_text(stmt, col + 1, u->name, sizeof(u->name)) != 0 ||
	    store_col_text(stmt, col + 2, u->role, sizeof(u->role)) != 0 ||
	    store_col_text(stmt, col + 3, u->office, sizeof(u->office)) != 0)
		return CS_ERR_DB;
	return 0;
}

int
store_user_get(struct store *st, const char *name, struct store_user *u)
{
	static const char sql[] =
	    "SELECT u.id, u.name, u.role, o.name FROM users u "
	    "JOIN offices o ON o.id = u.office_id WHERE u.name = ?1";
	sqlite3_stmt	*stmt = NULL;
	int		 rc, r;

	memset(u, 0, sizeof(*u));
	if ((r = store_prepare(st, sql, &stmt)) != 0)
		goto out;
	r = CS_ERR_DB;
	if (sqlite3_bind_text(stmt, 1, name, -1, SQLITE_STATIC) != SQLITE_OK)
		goto out;
	if ((rc = sqlite3_step(stmt)) == SQLITE_DONE) {
		r = CS_ERR_NOT_FOUND;
		goto out;
	}
	if (rc != SQLITE_ROW || store_user_row(stmt, 0, u) != 0)
		goto out;
	r = 0;
 out:
	if (r == CS_ERR_DB)
		store_log(st, __func__);
	sqlite3_finalize(stmt);
	return r;
}

int
store_user_list(struct store *st,
    int (*cb)(const struct store_user *, void *), void *arg)
{
	static const char sql[] =
	    "SELECT u.id, u.name, u.role, o.name FROM users u "
	    "JOIN offices o ON o.id = u.office_id ORDER BY u.id";
	sqlite3_stmt		*stmt = NULL;
	struct store_user	 u;
	int			 rc, r;

	if ((r = store_prepare(st, sql, &stmt)) != 0)
		goto out;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if ((r = store_user_row(stmt, 0, &u)) != 0 ||
		    (r = cb(&u, arg)) != 0)
			goto out;
	}
	r = rc == SQLITE_DONE ? 0 : CS_ERR_DB;
 out:
	if (r == CS_ERR_DB)
		store_log(st, __func__);
	sqlite3_finalize(stmt);
	return r;
}

int
store_token_add(struct store *st, const uint8_t id[TOKEN_ID_LEN],
    const uint8_t hash[TOKEN_HASH_LEN], int64_t user_id,
    const char *device_name, int64_t expires_at)
{
	static const char sql[] =
	    "INSERT INTO enroll_tokens(id, hash, user_id, device_name,"
	    " created_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)";
	sqlite3_stmt	*stmt = NULL;
	int		 rc, r = CS_ERR_FORMAT;

	if (!store_name_valid(device_name))
		goto out;
	if ((r = store_prepare(st, sql, &stmt)) != 0)
		goto out;
	r = CS_ERR_DB;
	if (sqlite3_bind_blob(stmt, 1, id, TOKEN_ID_LEN, SQLITE_STATIC) !=
	    SQLITE_OK ||
	    sqlite3_bind_blob(stmt, 2, hash, TOKEN_HASH_LEN, SQLITE_STATIC) !=
	    SQLITE_OK ||
	    sqlite3_bind_int64(stmt, 3, user_id) != SQLITE_OK ||
	    sqlite3_bind_text(stmt, 4, device_name, -1, SQLITE_STATIC) !=
	    SQLITE_OK ||
	    sqlite3_bind_int64(stmt, 5, (int64_t)time(NULL)) != SQLITE_OK ||
	    sqlite3_bind_int64(stmt, 6, expires_at) != SQLITE_OK)
		goto out;
	if ((rc = sqlite3_step(stmt)) != SQLITE_DONE) {
		/* FOREIGNKEY: no such user; PRIMARYKEY: id collision */
		r = store_errcode(st);
		goto out;
	}
	r = 0;
 out:
	if (r == CS_ERR_DB)
		store_log(st, __func__);
	sqlite3_finalize(stmt);
	return r;
}

/* Columns of STORE_DEVICE_SELECT. */
static int
store_device_row(sqlite3_stmt *stmt, struct store_device *dev)
{
	const void	*kh;

	memset(dev, 0, sizeof(*dev));
	dev->id = sqlite3_column_int64(stmt, 0);
	if (store_col_text(stmt, 1, dev->name, sizeof(dev->name)) != 0)
		return CS_ERR_DB;
	kh = sqlite3_column_blob(stmt, 2);
	if (kh == NULL || sqlite3_column_bytes(stmt, 2) != PKI_HASH_LEN)
		return CS_ERR_DB;
	memcpy(dev->keyhash, kh, PKI_HASH_LEN);
	dev->enrolled_at = sqlite3_column_int64(stmt, 3);
	dev->cert_not_after = sqlite3_column_int64(stmt, 4);
	if (sqlite3_column_type(stmt, 5) != SQLITE_NULL) {
		dev->revoked = 1;
		dev->revoked_at = sqlite3_column_int64(stmt, 5);
	}
	return store_user_row(stmt, 6, &dev->user);
}

/* Fetch one device by id (bind_key == 0) or by key hash. */
static int
store_device_fetch(struct store *st, int64_t id, const uint8_t *keyhash,
    struct store_device *dev)
{
	sqlite3_stmt	**cached = &st->devq[keyhash != NULL], *stmt;
	int		  rc, r;

	/* on every handshake: prepared once per connection */
	memset(dev, 0, sizeof(*dev));
	if (*cached == NULL && (r = store_prepare(st, keyhash != NULL ?
	    STORE_DEVICE_SELECT "WHERE d.keyhash = ?1" :
	    STORE_DEVICE_SELECT "WHERE d.id = ?1", cached)) != 0)
		return r;
	stmt = *cached;
	r = CS_ERR_DB;
	if ((keyhash != NULL ? sqlite3_bind_blob(stmt, 1, keyhash,
	    PKI_HASH_LEN, SQLITE_STATIC) : sqlite3_bind_int64(stmt, 1, id)) !=
	    SQLITE_OK)
		goto out;
	if ((rc = sqlite3_step(stmt)) == SQLITE_DONE) {
		r = CS_ERR_NOT_FOUND;
		goto out;
	}
	if (rc != SQLITE_ROW || store_device_row(stmt, dev) != 0)
		goto out;
	r = 0;
 out:
	if (r == CS_ERR_DB)
		store_log(st, __func__);
	if (r != 0)
		memset(dev, 0, sizeof(*dev));
	sqlite3_reset(stmt);
	sqlite3_clear_bindings(stmt);
	return r;
}

/* Called inside store_enroll's transaction; *failed set on AUTH. */
static int
store_token_use(struct store *st, const struct token *t, int64_t now,
    struct store_token_info *info, int *failed)
{
	static const char sel[] =
	    "SELECT hash, user_id, device_name, expires_at, used_at "
	    "FROM enroll_tokens WHERE id = ?1";
	static const char use[] =
	    "UPDATE enroll_tokens SET used_at = ?2 "
	    "WHERE id = ?1 AND used_at IS NULL";
	sqlite3_stmt	*stmt = NULL;
	uint8_t		 hash[TOKEN_HASH_LEN];
	const void	*h;
	int		 rc, used, r;

	*failed = 0;
	memset(info, 0, sizeof(*info));
	if ((r = store_prepare(st, sel, &stmt)) != 0)
		goto out;
	r = CS_ERR_DB;
	if (sqlite3_bind_blob(stmt, 1, t->id, TOKEN_ID_LEN, SQLITE_STATIC) !=
	    SQLITE_OK)
		goto out;
	if ((rc = sqlite3_step(stmt)) == SQLITE_DONE) {
		r = CS_ERR_NOT_FOUND;
		goto out;
	}
	if (rc != SQLITE_ROW)
		goto out;
	if ((h = sqlite3_column_blob(stmt, 0)) == NULL ||
	    sqlite3_column_bytes(stmt, 0) != TOKEN_HASH_LEN)
		goto out;
	memcpy(hash, h, sizeof(hash));
	info->user_id = sqlite3_column_int64(stmt, 1);
	if (store_col_text(stmt, 2, info->device_name,
	    sizeof(info->device_name)) != 0)
		goto out;
	info->expires_at = sqlite3_column_int64(stmt, 3);
	used = sqlite3_column_type(stmt, 4) != SQLITE_NULL;
	sqlite3_finalize(stmt);
	stmt = NULL;

	/* The secret first: without it, learn nothing about the token. */
	if (!token_matches(t, hash)) {
		*failed = 1;
		r = CS_ERR_AUTH;
		goto out;
	}
	if (now >= info->expires_at) {
		r = CS_ERR_EXPIRED;
		goto out;
	}
	if (used) {
		r = CS_ERR_USED;
		goto out;
	}
	if ((r = store_prepare(st, use, &stmt)) != 0)
		goto out;
	r = CS_ERR_DB;
	if (sqlite3_bind_blob(stmt, 1, t->id, TOKEN_ID_LEN, SQLITE_STATIC) !=
	    SQLITE_OK || sqlite3_bind_int64(stmt, 2, now) != SQLITE_OK ||
	    sqlite3_step(stmt) != SQLITE_DONE)
		goto out;
	if (sqlite3_changes(st->db) != 1) {
		r = CS_ERR_USED;
		goto out;
	}
	r = 0;
 out:
	if (r == CS_ERR_DB)
		store_log(st, __func__);
	sqlite3_finalize(stmt);
	return r;
}

static int
store_token_failed(struct store *st, const struct token *t)
{
	sqlite3_stmt	*stmt = NULL;
	int		 r;

	if ((r = store_prepare(st, "UPDATE enroll_tokens SET failures = "
	    "failures + 1 WHERE id = ?1", &stmt)) != 0)
		goto out;
	r = CS_ERR_DB;
	if (sqlite3_bind_blob(stmt, 1, t->id, TOKEN_ID_LEN, SQLITE_STATIC) !=
	    SQLITE_OK || sqlite3_step(stmt) != SQLITE_DONE)
		goto out;
	r = 0;
 out:
	if (r != 0)
		store_log(st, __func__);
	sqlite3_finalize(stmt);
	return r;
}

int
store_enroll(struct store *st, const struct token *t,
    const uint8_t keyhash[PKI_HASH_LEN], int64_t now, int64_t cert_not_after,
    struct store_device *dev)
{
	static const char ins[] =
	    "INSERT INTO devices(user_id, name, keyhash, enrolled_at,"
	    " cert_not_after) VALUES (?1, ?2, ?3, ?4, ?5)";
	struct store_token_info	 info;
	sqlite3_stmt		*stmt = NULL;
	int64_t			 devid;
	int			 failed, rc, r;

	memset(dev, 0, sizeof(*dev));
	if ((r = store_begin(st)) != 0)
		goto out;
	if ((r = store_token_use(st, t, now, &info, &failed)) != 0) {
		/* A wrong secret is counted even though enrollment fails. */
		if (failed && store_token_failed(st, t) == 0 &&
		    store_commit(st) != 0)
			log_warnx("store: enroll failure not recorded");
		goto out;
	}
	if ((r = store_prepare(st, ins, &stmt)) != 0)
		goto out;
	r = CS_ERR_DB;
	if (sqlite3_bind_int64(stmt, 1, info.user_id) != SQLITE_OK ||
	    sqlite3_bind_text(stmt, 2, info.device_name, -1, SQLITE_STATIC) !=
	    SQLITE_OK ||
	    sqlite3_bind_blob(stmt, 3, keyhash, PKI_HASH_LEN,
	    SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_int64(stmt, 4, now) != SQLITE_OK ||
	    sqlite3_bind_int64(stmt, 5, cert_not_after) != SQLITE_OK)
		goto out;
	if ((rc = sqlite3_step(stmt)) != SQLITE_DONE) {
		r = store_errcode(st);
		goto out;
	}
	devid = sqlite3_last_insert_rowid(st->db);
	if ((r = store_device_fetch(st, devid, NULL, dev)) != 0 ||
	    (r = store_commit(st)) != 0)
		goto out;
	r = 0;
 out:
	if (r == CS_ERR_DB)
		store_log(st, __func__);
	sqlite3_finalize(stmt);
	store_rollback(st);
	if (r != 0)
		memset(dev, 0, sizeof(*dev));
	memset(&info, 0, sizeof(info));
	return r;
}

int
store_enroll_fail(struct store *st, const char *addr, int64_t now)
{
	sqlite3_stmt	*stmt = NULL;
	size_t		 len;
	int		 r = CS_ERR_FORMAT;

	if (addr == NULL || (len = strlen(addr)) == 0 || len > STORE_ADDR_MAX)
		goto out;
	if ((r = store_begin(st)) != 0 ||
	    (r = store_prepare(st, "DELETE FROM enroll_failures "
	    "WHERE at < ?1", &stmt)) != 0)
		goto out;
	r = CS_ERR_DB;
	if (sqlite3_bind_int64(stmt, 1, now - STORE_FAIL_KEEP) != SQLITE_OK ||
	    sqlite3_step(stmt) != SQLITE_DONE)
		goto out;
	sqlite3_finalize(stmt);
	stmt = NULL;
	if ((r = store_prepare(st, "INSERT INTO enroll_failures(addr, at) "
	    "VALUES (?1, ?2)", &stmt)) != 0)
		goto out;
	r = CS_ERR_DB;
	if (sqlite3_bind_text(stmt, 1, addr, (int)len, SQLITE_STATIC) !=
	    SQLITE_OK || sqlite3_bind_int64(stmt, 2, now) != SQLITE_OK ||
	    sqlite3_step(stmt) != SQLITE_DONE)
		goto out;
	if ((r = store_commit(st)) != 0)
		goto out;
	r = 0;
 out:
	if (r == CS_ERR_DB)
		store_log(st, __func__);
	sqlite3_finalize(stmt);
	store_rollback(st);
	return r;
}

int
store_enroll_fail_count(struct store *st, const char *addr, int64_t since,
    int64_t *count)
{
	sqlite3_stmt	*stmt = NULL;
	int		 r;

	*count = 0;
	if ((r = store_prepare(st, "SELECT count(*) FROM enroll_failures "
	    "WHERE addr = ?1 AND at >= ?2", &stmt)) != 0)
		goto out;
	r = CS_ERR_DB;
	if (sqlite3_bind_text(stmt, 1, addr, -1, SQLITE_STATIC) !=
	    SQLITE_OK || sqlite3_bind_int64(stmt, 2, since) != SQLITE_OK ||
	    sqlite3_step(stmt) != SQLITE_ROW)
		goto out;
	*count = sqlite3_column_int64(stmt, 0);
	r = 0;
 out:
	if (r != 0)
		store_log(st, __func__);
	sqlite3_finalize(stmt);
	return r;
}

int
store_device_by_key(struct store *st, const uint8_t keyhash[PKI_HASH_LEN],
    struct store_device *dev)
{
	return store_device_fetch(st, 0, keyhash, dev);
}

int
store_device_get(struct store *st, int64_t id, struct store_device *dev)
{
	return store_device_fetch(st, id, NULL, dev);
}

int
store_device_list(struct store *st,
    int (*cb)(const struct store_device *, void *), void *arg)
{
	sqlite3_stmt		*stmt = NULL;
	struct store_device	 dev;
	int			 rc, r;

	if ((r = store_prepare(st, STORE_DEVICE_SELECT "ORDER BY d.id",
	    &stmt)) != 0)
		goto out;
	while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
		if ((r = store_device_row(stmt, &dev)) != 0 ||
		    (r = cb(&dev, arg)) != 0)
			goto out;
	}
	r = rc == SQLITE_DONE ? 0 : CS_ERR_DB;
 out:
	if (r == CS_ERR_DB)
		store_log(st, __func__);
	sqlite3_finalize(stmt);
	return r;
}

int
store_device_revoke(struct store *st, int64_t id, int64_t now)
{
	sqlite3_stmt	*stmt = NULL;
	int		 r;

	if ((r = store_begin(st)) != 0 ||
	    (r = store_prepare(st, "UPDATE devices SET revoked_at = "
	    "coalesce(revoked_at, ?2) WHERE id = ?1", &stmt)) != 0)
		goto out;
	r = CS_ERR_DB;
	if (sqlite3_bind_int64(stmt, 1, id) != SQLITE_OK ||
	    sqlite3_bind_int64(stmt, 2, now) != SQLITE_OK ||
	    sqlite3_step(stmt) != SQLITE_DONE)
		goto out;
	if (sqlite3_changes(st->db) != 1) {
		r = CS_ERR_NOT_FOUND;
		goto out;
	}
	sqlite3_finalize(stmt);
	stmt = NULL;
	/* Bumped even when already revoked: workers recheck, harmlessly. */
	if ((r = store_prepare(st, "UPDATE meta SET value = value + 1 "
	    "WHERE key = 'revocation_gen'", &stmt)) != 0)
		goto out;
	r = CS_ERR_DB;
	if (sqlite3_step(stmt) != SQLITE_DONE ||
	    sqlite3_changes(st->db) != 1)
		goto out;
	if ((r = store_commit(st)) != 0)
		goto out;
	r = 0;
 out:
	if (r == CS_ERR_DB)
		store_log(st, __func__);
	sqlite3_finalize(stmt);
	store_rollback(st);
	return r;
}

int
store_revocation_gen(struct store *st, int64_t *gen)
{
	return store_meta_get(st, "revocation_gen", gen);
}
