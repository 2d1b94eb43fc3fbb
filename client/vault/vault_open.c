/* SPDX-License-Identifier: ISC */
/*
 * vault_open.c - the vault's life cycle (vault.h): create, open
 * (through the "casesync-vault" VFS of vault.c, with the keys of the
 * key file, vaultkey.c), check, close, and the secret table.  The
 * table vault_secret is the vault's own, created here when the vault
 * opens, below the client's versioned schema (db_schema.c).
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>
#include <sqlite3.h>

#include "errors.h"
#include "log.h"
#include "util.h"
#include "vault.h"
#include "vault_int.h"

#define CACHE_KIB	65536
#define VAULT_BUSY_MS	10000	/* wait this long for another writer */

struct vault {
	sqlite3			*db;
	struct vault_keys	*keys;
	struct vault_ckpt	*ckpt;
	char			 token[VAULT_TOKEN_LEN];
};

int
vault_sqlite_err(int rc)
{
	switch (rc & 0xff) {
	case SQLITE_OK:
	case SQLITE_ROW:
	case SQLITE_DONE:
		return 0;
	case SQLITE_CORRUPT:
	case SQLITE_NOTADB:
		return CS_ERR_TAMPERED;
	case SQLITE_IOERR:
		return rc == SQLITE_IOERR_DATA ? CS_ERR_TAMPERED : CS_ERR_DB;
	default:
		return CS_ERR_DB;
	}
}

#define HEAD_BUSY_TRIES	100	/* 20 ms apart: another checkpoint */

static int	vault_dberr(sqlite3 *);

int
vault_head_check(struct vault *v)
{
	const struct timespec	 ts = { 0, 20 * 1000000L };
	struct vault_head	*h = vault_vfs_head(v->token);
	uint8_t			*p = NULL;
	uint64_t		 nbad;
	uint32_t		 badpg;
	size_t			 len = 0;
	int			 i, rc, verified, missing, r;

	if (h == NULL)
		return CS_ERR_INTERNAL;
	/*
	 * A checkpoint of our own: under its lock no other process writes
	 * the main file, recovery has rewritten what a crash left half
	 * done, and its end compares every page (vault_head.c).
	 */
	vault_head_want_verify(h);
	for (i = 0; i < HEAD_BUSY_TRIES; i++) {
		rc = sqlite3_wal_checkpoint_v2(v->db, "main",
		    SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		if (rc != SQLITE_BUSY)
			break;
		nanosleep(&ts, NULL);
	}
	(void)vault_head_result(h, &verified, &missing, &badpg, &nbad);
	if (rc != SQLITE_OK) {
		r = vault_err(v, vault_dberr(v->db));
		log_warnx("vault: checkpoint before the page check: %s",
		    sqlite3_errmsg(v->db));
		return r;
	}
	if (!verified) {
		log_warnx("vault: the page list was not checked");
		return 0;
	}
	if (missing) {
		if ((r = vault_secret_get(v, VAULT_HEAD_SECRET, &p,
		    &len)) == 0) {
			vault_secret_free(p, len);
			log_warnx("vault: %s-head is missing: database damaged "
			    "or tampered", VAULT_DB_FILE);
			vault_mark_tampered(v);
			return CS_ERR_TAMPERED;
		}
		if (r != CS_ERR_NOT_FOUND)
			return vault_err(v, r);
		/* a vault from before the list: this one is the first */
		if (vault_head_adopt(h, v->keys) != 0)
			return CS_ERR_SYSTEM;
		return vault_err(v, vault_secret_put(v, VAULT_HEAD_SECRET,
		    (const uint8_t *)"1", 1));
	}
	if (nbad > 0) {
		log_warnx("vault: %llu page(s) of the database, the first page "
		    "%u, are not the versions this vault last wrote (put back "
		    "from an older copy?): database damaged or tampered",
		    (unsigned long long)nbad, badpg);
		vault_mark_tampered(v);
		return CS_ERR_TAMPERED;
	}
	return 0;
}

int
vault_tampered(struct vault *v)
{
	return v != NULL && v->token[0] != '\0' &&
	    vault_vfs_tampered(v->token);
}

void
vault_mark_tampered(struct vault *v)
{
	if (v != NULL && v->token[0] != '\0')
		vault_vfs_mark(v->token);
}

const struct vault_keys *
vault_keys_of(struct vault *v)
{
	return v->keys;
}

struct vault_head *
vault_head_of(struct vault *v)
{
	return vault_vfs_head(v->token);
}

int
vault_err(struct vault *v, int r)
{
	return r != 0 && vault_tampered(v) ? CS_ERR_TAMPERED : r;
}

/* The CS_ERR_* for the last error on "db"; never 0. */
static int
vault_dberr(sqlite3 *db)
{
	int	r;

	r = vault_sqlite_err(sqlite3_extended_errcode(db));
	/* the cause for the caller's message (errors.h) */
	return cs_cause_sqlite(db, r != 0 ? r : CS_ERR_DB);
}

static int
vault_exec(sqlite3 *db, const char *sql)
{
	int	r;

	if (sqlite3_exec(db, sql, NULL, NULL, NULL) == SQLITE_OK)
		return 0;
	r = vault_dberr(db);
	if (r != CS_ERR_TAMPERED)
		log_warnx("vault: %s: %s", sql, sqlite3_errmsg(db));
	return r;
}

/* "file:" URI for dir/vault.db with every unusual byte %-escaped. */
static int
vault_uri(char *dst, size_t len, const char *dir, const char *token)
{
	static const char	 hex[] = "0123456789ABCDEF";
	char			 path[PATH_MAX];
	const unsigned char	*s;
	size_t			 n;
	int			 r;

	if ((r = str_fmt(path, sizeof(path), "%s/%s", dir,
	    VAULT_DB_FILE)) != 0)
		return r;
	if ((r = str_fmt(dst, len, "file:%s", path[0] == '/' ? "//" : "")) !=
	    0)
		return r;
	n = strlen(dst);
	for (s = (const unsigned char *)path; *s != '\0'; s++) {
		if (len - n < 4)
			return CS_ERR_TOO_LARGE;
		if ((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		    (*s >= '0' && *s <= '9') || strchr("/._-~", *s) != NULL)
			dst[n++] = (char)*s;
		else {
			dst[n++] = '%';
			dst[n++] = hex[*s >> 4];
			dst[n++] = hex[*s & 0xf];
		}
	}
	dst[n] = '\0';
	return str_fmt(dst + n, len - n, "?vault=%s", token);
}

static int
vault_pragmas(sqlite3 *db, int create)
{
	char	sql[128];
	int	r, n = VAULT_RESERVE;

	if ((r = vault_exec(db, "PRAGMA temp_store=MEMORY;"
	    "PRAGMA mmap_size=0; PRAGMA trusted_schema=OFF")) != 0 ||
	    (r = str_fmt(sql, sizeof(sql), "PRAGMA cache_size=-%d",
	    CACHE_KIB)) != 0 ||
	    (r = vault_exec(db, sql)) != 0)
		return r;
	if (create) {
		/* Before the first write: the reserve is fixed forever. */
		if ((r = str_fmt(sql, sizeof(sql), "PRAGMA page_size=%d",
		    VAULT_PAGE_SIZE)) != 0 ||
		    (r = vault_exec(db, sql)) != 0)
			return r;
		if (sqlite3_file_control(db, "main",
		    SQLITE_FCNTL_RESERVE_BYTES, &n) != SQLITE_OK)
			return CS_ERR_DB;
	}
	/*
	 * Checkpoints (vault_ckpt.c, set up by the caller) come every
	 * 32 MiB of WAL rather than 4: a page rewritten by several
	 * transactions in between is decrypted and re-encrypted into the
	 * main file once instead of each time.  The WAL file is cut
	 * back to 128 MiB when it starts over, above what it holds
	 * between checkpoints (vault_ckpt.c: under two passes' worth,
	 * 64 MiB, plus a transaction): cut back to 8 MiB, as it was,
	 * it grew again by 56 MiB after every pass, each page of it a
	 * new page-cache folio and ext4 block to allocate, a fifth of
	 * the laptop's system time in a push of 100,000 changes
	 * (docs/PERFORMANCE.md, branch push3).  SQLite still deletes
	 * the WAL when the vault is closed.
	 */
	if ((r = vault_exec(db, "PRAGMA journal_mode=WAL")) != 0 ||
	    (r = vault_exec(db, "PRAGMA synchronous=FULL")) != 0 ||
	    (r = vault_exec(db, "PRAGMA journal_size_limit=134217728")) != 0)
		return r;
	return vault_exec(db, "CREATE TABLE IF NOT EXISTS vault_secret ("
	    "name TEXT PRIMARY KEY NOT NULL, value BLOB NOT NULL)");
}

/*
 * Open dir/vault.db through the VFS with the keys in "v".  An existing
 * database must be a non-empty whole number of pages: an empty file
 * would otherwise silently become a new, empty vault.
 */
static int
vault_db_open(struct vault *v, const char *dir, int create)
{
	char		 uri[PATH_MAX * 3 + 64], path[PATH_MAX];
	struct stat	 st;
	int		 r, flags;

	if ((r = vault_vfs_register()) != 0 ||
	    (r = str_fmt(path, sizeof(path), "%s/%s", dir,
	    VAULT_DB_FILE)) != 0)
		return r;
	if (!create) {
		if (stat(path, &st) == -1) {
			/* CS_ERR_DB: exit 1, not a network failure's 6 */
			r = cs_cause(errno == ENOENT ? CS_ERR_NOT_FOUND :
			    CS_ERR_DB, errno);
			log_warnx("vault: %s: %s", path, cs_why(r));
			return r;
		}
		if (!S_ISREG(st.st_mode)) {
			r = S_ISDIR(st.st_mode) ? cs_cause(CS_ERR_DB,
			    EISDIR) : cs_cause_text(CS_ERR_DB,
			    "not a regular file");
			log_warnx("vault: %s: %s", path, cs_why(r));
			return r;
		}
		if (st.st_size == 0 || st.st_size % v->keys->pgsz != 0) {
			log_warnx("vault: %s has a wrong size: database "
			    "damaged or tampered", path);
			return CS_ERR_TAMPERED;
		}
	}
	if ((r = vault_vfs_attach(v->keys, v->token)) != 0 ||
	    (r = vault_uri(uri, sizeof(uri), dir, v->token)) != 0)
		return r;
	/*
	 * A connection is used by one thread at a time (the one that
	 * opened it, or ui_sync.c's own, vault_open_again): no mutex of
	 * its own.
	 */
	flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX |
	    SQLITE_OPEN_NOFOLLOW | (create ? SQLITE_OPEN_CREATE : 0);
	if (sqlite3_open_v2(uri, &v->db, flags, VAULT_VFS_NAME) !=
	    SQLITE_OK) {
		if (v->db == NULL)
			return CS_ERR_ALLOC;
		/* vault_dberr() keeps the cause (errors.h) */
		if ((r = vault_dberr(v->db)) != CS_ERR_TAMPERED)
			log_warnx("vault: %s: %s", path, cs_why(r));
		return r;
	}
	/* another casesync (sync --watch, say) may hold the write lock */
	if (sqlite3_extended_result_codes(v->db, 1) != SQLITE_OK ||
	    sqlite3_busy_timeout(v->db, VAULT_BUSY_MS) != SQLITE_OK)
		return CS_ERR_DB;
	if ((r = vault_pragmas(v->db, create)) != 0)
		return r;
	return vault_ckpt_new(v->db, uri, &v->ckpt);
}

unsigned long long
vault_checkpoints(struct vault *v)
{
	return vault_ckpt_passes(v->ckpt);
}

void
vault_close(struct vault *v)
{
	if (v == NULL)
		return;
	vault_ckpt_free(v->db, v->ckpt);
	v->ckpt = NULL;
	if (v->db != NULL && sqlite3_close(v->db) != SQLITE_OK) {
		/* Statements left open: the files stay open, and so must
		 * their keys.  A leak, not a use after free. */
		log_warnx("vault: close: %s", sqlite3_errmsg(v->db));
		free(v);
		return;
	}
	if (v->token[0] != '\0')
		vault_vfs_detach(v->token);
	vaultkey_free(v->keys);
	free(v);
}

static int
vault_new(struct vault **out)
{
	if ((*out = calloc(1, sizeof(**out))) == NULL)
		return CS_ERR_ALLOC;
	return 0;
}

static int
vault_path_exists(const char *dir, const char *name, const char *suffix)
{
	char		path[PATH_MAX];
	struct stat	st;

	if (str_fmt(path, sizeof(path), "%s/%s%s", dir, name, suffix) != 0)
		return 1;	/* cannot be ours: refuse */
	return lstat(path, &st) == 0;
}

static void
vault_unlink(const char *dir, const char *name, const char *suffix)
{
	char	path[PATH_MAX];

	if (str_fmt(path, sizeof(path), "%s/%s%s", dir, name, suffix) == 0)
		(void)unlink(path);
}

int
vault_create(const char *dir, const char *pass, size_t passlen,
    struct vault **out)
{
	static const char	*sfx[] = { "", "-wal", "-journal", "-shm",
	    "-head" };
	struct vault		*v = NULL;
	size_t			 i;
	int			 r, made = 0;

	*out = NULL;
	if (vault_path_exists(dir, VAULT_KEY_FILE, ""))
		return CS_ERR_EXISTS;
	for (i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++)
		if (vault_path_exists(dir, VAULT_DB_FILE, sfx[i]))
			return CS_ERR_EXISTS;
	if ((r = vault_new(&v)) != 0)
		goto out;
	if ((r = vaultkey_create(dir, pass, passlen, &v->keys)) != 0)
		goto out;
	made = 1;
	if ((r = vault_db_open(v, dir, 1)) != 0 ||
	    (r = vault_secret_put(v, VAULT_HEAD_SECRET, (const uint8_t *)"1",
	    1)) != 0)
		goto out;
	*out = v;
	v = NULL;			/* transferred */
	r = 0;
 out:
	vault_close(v);
	if (r != 0 && made) {
		for (i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++)
			vault_unlink(dir, VAULT_DB_FILE, sfx[i]);
		vault_unlink(dir, VAULT_KEY_FILE, "");
	}
	return r;
}

/*
 * Open dir/vault.db with the keys in v->keys, check that it is ours and
 * that no page was put back from an older copy.  On failure "v" is
 * closed.
 */
static int
vault_open_db(struct vault *v, const char *dir, struct vault **out)
{
	sqlite3_stmt	*st = NULL;
	int		 r;

	if ((r = vault_db_open(v, dir, 0)) != 0)
		goto out;
	/* Our table must be there: anything else is not our database. */
	if (sqlite3_prepare_v2(v->db, "SELECT 1 FROM sqlite_schema WHERE "
	    "type = 'table' AND name = 'vault_secret'", -1, &st, NULL) !=
	    SQLITE_OK) {
		r = vault_err(v, vault_dberr(v->db));
		goto out;
	}
	if ((r = sqlite3_step(st)) != SQLITE_ROW) {
		r = r == SQLITE_DONE ? CS_ERR_TAMPERED :
		    vault_err(v, vault_dberr(v->db));
		goto out;
	}
	sqlite3_finalize(st);
	st = NULL;
	/* pages put back from an older copy (vault_head.c) */
	if ((r = vault_head_check(v)) != 0)
		goto out;
	*out = v;
	v = NULL;			/* transferred */
	r = 0;
 out:
	sqlite3_finalize(st);
	vault_close(v);
	return r;
}

int
vault_open_again(struct vault *v, const char *dir, struct vault **out)
{
	struct vault	*a = NULL;
	int		 r;

	*out = NULL;
	if ((r = vault_new(&a)) != 0 ||
	    (r = vaultkey_dup(v->keys, &a->keys)) != 0 ||
	    (r = vault_db_open(a, dir, 0)) != 0)
		goto out;
	*out = a;
	a = NULL;			/* transferred */
 out:
	vault_close(a);
	return r;
}

int
vault_open(const char *dir, const char *pass, size_t passlen,
    struct vault **out)
{
	return vault_open_unlock(dir, pass, passlen, out, NULL);
}

int
vault_open_unlock(const char *dir, const char *pass, size_t passlen,
    struct vault **out, struct vault_unlock **up)
{
	struct vault_unlock	*u = NULL;
	struct vault		*v = NULL;
	int			 r;

	*out = NULL;
	if (up != NULL) {
		*up = NULL;
		if ((r = vault_unlock_new(&u)) != 0)
			return r;
	}
	if ((r = vault_new(&v)) != 0 ||
	    (r = vaultkey_load_unlock(dir, pass, passlen, u,
	    &v->keys)) != 0) {
		vault_close(v);
		goto out;
	}
	if ((r = vault_open_db(v, dir, out)) != 0)
		goto out;
	if (u != NULL && sodium_mprotect_readonly(u) != 0) {
		vault_close(*out);
		*out = NULL;
		r = CS_ERR_SYSTEM;
		goto out;
	}
	if (up != NULL) {
		*up = u;
		u = NULL;		/* transferred */
	}
	r = 0;
 out:
	vault_unlock_free(u);
	return r;
}

int
vault_open_kek(const char *dir, const struct vault_unlock *u,
    struct vault **out)
{
	struct vault	*v = NULL;
	int		 r;

	*out = NULL;
	if ((r = vault_new(&v)) != 0 ||
	    (r = vaultkey_load_kek(dir, u, &v->keys)) != 0) {
		vault_close(v);
		return r;
	}
	return vault_open_db(v, dir, out);
}

sqlite3 *
vault_db(struct vault *v)
{
	return v->db;
}

int
vault_check(struct vault *v)
{
	sqlite3_stmt		*st = NULL;
	const unsigned char	*s;
	int			 r;

	if (sqlite3_prepare_v2(v->db, "PRAGMA integrity_check", -1, &st,
	    NULL) != SQLITE_OK) {
		r = vault_err(v, vault_dberr(v->db));
		goto out;
	}
	if ((r = sqlite3_step(st)) != SQLITE_ROW) {
		r = vault_err(v, vault_dberr(v->db));
		goto out;
	}
	s = sqlite3_column_text(st, 0);
	if (s == NULL || strcmp((const char *)s, "ok") != 0) {
		log_warnx("vault: integrity check: %s", s != NULL ?
		    (const char *)s : "(null)");
		r = CS_ERR_TAMPERED;
		goto out;
	}
	r = 0;
 out:
	sqlite3_finalize(st);
	return r;
}

static int
vault_name_ok(const char *name)
{
	size_t	n;

	return name != NULL && (n = strlen(name)) > 0 && n <= 255;
}

int
vault_secret_put(struct vault *v, const char *name, const uint8_t *p,
    size_t len)
{
	static const char	 sql[] = "INSERT INTO vault_secret(name, value) "
	    "VALUES (?1, ?2) ON CONFLICT(name) DO UPDATE SET value = ?2";
	static const uint8_t	 empty[1];
	sqlite3_stmt		*st = NULL;
	int			 r;

	if (!vault_name_ok(name) || len > VAULT_SECRET_MAX)
		return CS_ERR_TOO_LARGE;
	if (sqlite3_prepare_v2(v->db, sql, -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_blob(st, 2, len == 0 ? empty : p, (int)len,
	    SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_DONE) {
		r = vault_err(v, vault_dberr(v->db));
		goto out;
	}
	r = 0;
 out:
	sqlite3_finalize(st);
	return r;
}

int
vault_secret_get(struct vault *v, const char *name, uint8_t **p,
    size_t *len)
{
	static const char	 sql[] = "SELECT value FROM vault_secret "
	    "WHERE name = ?1";
	sqlite3_stmt		*st = NULL;
	const void		*b;
	uint8_t			*q;
	int			 r, n;

	*p = NULL;
	*len = 0;
	if (!vault_name_ok(name))
		return CS_ERR_NOT_FOUND;
	if (sqlite3_prepare_v2(v->db, sql, -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC) != SQLITE_OK) {
		r = vault_err(v, vault_dberr(v->db));
		goto out;
	}
	if ((r = sqlite3_step(st)) == SQLITE_DONE) {
		r = CS_ERR_NOT_FOUND;
		goto out;
	}
	if (r != SQLITE_ROW) {
		r = vault_err(v, vault_dberr(v->db));
		goto out;
	}
	b = sqlite3_column_blob(st, 0);
	n = sqlite3_column_bytes(st, 0);
	if (n < 0 || (size_t)n > VAULT_SECRET_MAX) {
		r = CS_ERR_TOO_LARGE;
		goto out;
	}
	if ((q = sodium_malloc(n > 0 ? (size_t)n : 1)) == NULL) {
		r = CS_ERR_ALLOC;
		goto out;
	}
	if (n > 0)
		memcpy(q, b, (size_t)n);
	*p = q;
	*len = (size_t)n;
	r = 0;
 out:
	sqlite3_finalize(st);
	return r;
}

void
vault_secret_free(uint8_t *p, size_t len)
{
	(void)len;		/* sodium_free knows the size and wipes it */
	if (p != NULL)
		sodium_free(p);
}

int
vault_secret_del(struct vault *v, const char *name)
{
	sqlite3_stmt	*st = NULL;
	int		 r;

	if (sqlite3_prepare_v2(v->db, "DELETE FROM vault_secret WHERE "
	    "name = ?1", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_step(st) != SQLITE_DONE) {
		r = vault_err(v, vault_dberr(v->db));
		goto out;
	}
	r = 0;
 out:
	sqlite3_finalize(st);
	return r;
}

int
vault_harden_process(void)
{
	struct rlimit	rl = { 0, 0 };
	int		r = 0;

	if (setrlimit(RLIMIT_CORE, &rl) == -1)
		r = CS_ERR_SYSTEM;
#if defined(__SANITIZE_ADDRESS__)
	/* LeakSanitizer needs to ptrace us at exit: sanitizer builds only. */
#else
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == -1)
		r = CS_ERR_SYSTEM;
#endif
	return r;
}
