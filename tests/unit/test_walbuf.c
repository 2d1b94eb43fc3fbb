/* SPDX-License-Identifier: ISC */
/*
 * test_walbuf.c - the VFS of common/walbuf.c, of both kinds (the log
 * mapped, as the server's store opens it; read with pread(2), as the
 * vault opens the files under its encryption), keeps SQLite's log as the
 * default VFS would: two connections of one file, as the server's two
 * workers, each see what the other committed, in transactions of one
 * small row, of several MiB (more than the VFS gathers, and pieces of
 * the default VFS's largest write), and of more pages than the writer's
 * cache holds (SQLite writes frames before the commit and reads them
 * back); a log past the VFS's mapping is read beyond it; a rolled back
 * transaction leaves nothing; after a checkpoint that truncates the log
 * the other connection reads the new frames; the file passes
 * integrity_check and holds every row after both are closed and it is
 * opened again.
 *
 * And a full disk: the VFS under walbuf here is the default one with a
 * switch that makes every write of a log fail with SQLITE_FULL, as the
 * default VFS reports ENOSPC.  A transaction larger than the page cache
 * (SQLite has written some of its frames, walbuf holds the last of
 * them), then a statement that reads one back while the disk is full,
 * so that walbuf's flush fails in a read: a commit that SQLite then
 * reports as done must hold every row, in the file as it is and after
 * it is opened again, and a transaction that does not commit must leave
 * nothing.  Then a commit whose own write fails, and the file still in
 * use afterwards.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "errors.h"
#include "sdb.h"
#include "test.h"
#include "walbuf.h"

#define ROW_BIG		(200 * 1024)
#define ROW_SMALL	3000
#define ROWS_BEFORE	10
#define ROWS_TX		300

/*
 * The default VFS, with the log's writes failing while "full" is set: a
 * log's file is the default VFS's own, with a copy of its methods whose
 * xWrite is ours.
 */
static sqlite3_vfs		*fail_real;
static sqlite3_vfs		 fail_vfs;
static const sqlite3_io_methods	*fail_orig;
static sqlite3_io_methods	 fail_methods;
static int			 full;

static int
fail_write(sqlite3_file *sf, const void *p, int amt, sqlite3_int64 off)
{
	if (full)
		return SQLITE_FULL;
	return fail_orig->xWrite(sf, p, amt, off);
}

static int
fail_open(sqlite3_vfs *vfs, sqlite3_filename name, sqlite3_file *sf,
    int flags, int *outflags)
{
	int	rc;

	(void)vfs;
	if ((rc = fail_real->xOpen(fail_real, name, sf, flags, outflags)) !=
	    SQLITE_OK || (flags & SQLITE_OPEN_WAL) == 0 || sf->pMethods == NULL)
		return rc;
	if (fail_orig == NULL) {
		fail_orig = sf->pMethods;
		fail_methods = *fail_orig;
		fail_methods.xWrite = fail_write;
	}
	ASSERT_TRUE(sf->pMethods == fail_orig);
	sf->pMethods = &fail_methods;
	return SQLITE_OK;
}

/* Made the default before walbuf takes the default as its own. */
static void
fail_register(void)
{
	ASSERT_TRUE((fail_real = sqlite3_vfs_find(NULL)) != NULL);
	fail_vfs = *fail_real;
	fail_vfs.pNext = NULL;
	fail_vfs.zName = "test-walbuf-fail";
	fail_vfs.xOpen = fail_open;
	ASSERT_INT_EQ(sqlite3_vfs_register(&fail_vfs, 1), SQLITE_OK);
}

static void
exec(sqlite3 *db, const char *sql)
{
	char	*err = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "%s: %s\n", sql, err != NULL ? err : "?");
		sqlite3_free(err);
		ASSERT_TRUE(0);
	}
}

static void
fill(unsigned char *p, size_t n, int64_t id)
{
	size_t	i;

	for (i = 0; i < n; i++)
		p[i] = (unsigned char)(id * 7 + (int64_t)i * 13);
}

/* Rows id0 .. id0 + n - 1, each "len" bytes, in the caller's transaction. */
static void
put_rows(sqlite3 *db, int64_t id0, int n, size_t len)
{
	sqlite3_stmt	*s = NULL;
	unsigned char	*p;
	int		 i;

	ASSERT_TRUE((p = malloc(len)) != NULL);
	ASSERT_INT_EQ(sqlite3_prepare_v2(db, "INSERT INTO t(id, v)"
	    " VALUES (?1, ?2)", -1, &s, NULL), SQLITE_OK);
	for (i = 0; i < n; i++) {
		fill(p, len, id0 + i);
		ASSERT_INT_EQ(sqlite3_bind_int64(s, 1, id0 + i), SQLITE_OK);
		ASSERT_INT_EQ(sqlite3_bind_blob(s, 2, p, (int)len,
		    SQLITE_TRANSIENT), SQLITE_OK);
		ASSERT_INT_EQ(sqlite3_step(s), SQLITE_DONE);
		ASSERT_INT_EQ(sqlite3_reset(s), SQLITE_OK);
	}
	sqlite3_finalize(s);
	free(p);
}

/* The same rows in a transaction of their own. */
static void
put(sqlite3 *db, int64_t id0, int n, size_t len, int commit)
{
	exec(db, "BEGIN IMMEDIATE");
	put_rows(db, id0, n, len);
	exec(db, commit ? "COMMIT" : "ROLLBACK");
}

/* Every row is there with its bytes; returns how many. */
static int64_t
check(sqlite3 *db)
{
	sqlite3_stmt		*s = NULL;
	const unsigned char	*v;
	unsigned char		*p;
	int64_t			 n = 0, id;
	int			 len, rc;

	ASSERT_TRUE((p = malloc(ROW_BIG)) != NULL);
	ASSERT_INT_EQ(sqlite3_prepare_v2(db, "SELECT id, v FROM t ORDER BY id",
	    -1, &s, NULL), SQLITE_OK);
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		id = sqlite3_column_int64(s, 0);
		v = sqlite3_column_blob(s, 1);
		len = sqlite3_column_bytes(s, 1);
		ASSERT_TRUE(len > 0 && len <= ROW_BIG && v != NULL);
		fill(p, (size_t)len, id);
		ASSERT_MEM_EQ(v, p, (size_t)len);
		n++;
	}
	ASSERT_INT_EQ(rc, SQLITE_DONE);
	sqlite3_finalize(s);
	free(p);
	return n;
}

static void
integrity(sqlite3 *db)
{
	sqlite3_stmt	*s = NULL;

	ASSERT_INT_EQ(sqlite3_prepare_v2(db, "PRAGMA integrity_check", -1, &s,
	    NULL), SQLITE_OK);
	ASSERT_INT_EQ(sqlite3_step(s), SQLITE_ROW);
	ASSERT_STR_EQ((const char *)sqlite3_column_text(s, 0), "ok");
	sqlite3_finalize(s);
}

/*
 * A connection of "path" in WAL mode, as the server's store opens it
 * (sdb_open, the log mapped) or as the vault's VFS opens its files (the
 * VFS by name, without the mapping).
 */
struct conn {
	struct sdb	*sdb;
	sqlite3		*db;
};

static void
open_wal(struct conn *c, int how, const char *path)
{
	char	spec[160];

	memset(c, 0, sizeof(*c));
	if (how == WALBUF_MAPPED) {
		ASSERT_INT_GE(snprintf(spec, sizeof(spec), "sqlite:%s", path),
		    1);
		ASSERT_INT_EQ(sdb_open(spec, &c->sdb), 0);
		c->db = sdb_sqlite(c->sdb);
	} else {
		ASSERT_TRUE(walbuf_vfs(how) != NULL);
		ASSERT_INT_EQ(sqlite3_open_v2(path, &c->db,
		    SQLITE_OPEN_READWRITE, walbuf_vfs(how)), SQLITE_OK);
	}
	exec(c->db, "PRAGMA journal_mode = WAL;"
	    " PRAGMA synchronous = FULL; PRAGMA wal_autocheckpoint = 0");
}

static void
close_wal(struct conn *c)
{
	if (c->sdb != NULL)
		sdb_close(c->sdb);
	else
		ASSERT_INT_EQ(sqlite3_close(c->db), SQLITE_OK);
	memset(c, 0, sizeof(*c));
}

/* Remove the database "path" (room "len"), its log and index, and "dir". */
static void
rm_db(const char *dir, char *path, size_t len)
{
	(void)unlink(path);
	ASSERT_INT_GE(snprintf(path, len, "%s/db-wal", dir), 1);
	(void)unlink(path);
	ASSERT_INT_GE(snprintf(path, len, "%s/db-shm", dir), 1);
	(void)unlink(path);
	(void)rmdir(dir);
}

static void
run(int how)
{
	struct conn	 a, b;
	char		 dir[] = "/tmp/test_walbuf.XXXXXX";
	char		 path[128];
	int64_t		 id = 1, n;
	int		 fd, i;

	ASSERT_TRUE(mkdtemp(dir) != NULL);
	ASSERT_INT_GE(snprintf(path, sizeof(path), "%s/db", dir), 1);
	ASSERT_TRUE((fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0600)) != -1);
	close(fd);

	TEST_START(how == WALBUF_MAPPED ? "mapped: two connections see each"
	    " other's commits" : "plain: two connections see each other's"
	    " commits");
	open_wal(&a, how, path);
	open_wal(&b, how, path);
	exec(a.db, "CREATE TABLE t (id INTEGER PRIMARY KEY,"
	    " v BLOB NOT NULL)");
	for (i = 0; i < 50; i++) {
		put(i % 2 ? a.db : b.db, id, 1, 100 + (size_t)i, 1);
		id++;
		ASSERT_INT_EQ(check(i % 2 ? b.db : a.db), id - 1);
	}
	TEST_DONE();

	TEST_START("large transactions, past the mapping");
	/* 20 x 4 MiB: the log grows past WALBUF_MAP (64 MiB) */
	for (i = 0; i < 20; i++) {
		put(a.db, id, 20, ROW_BIG, 1);
		id += 20;
	}
	ASSERT_INT_EQ(check(b.db), id - 1);
	TEST_DONE();

	TEST_START("rolled back");
	put(b.db, id, 10, ROW_BIG, 0);
	ASSERT_INT_EQ(check(a.db), id - 1);
	TEST_DONE();

	TEST_START("a transaction larger than the writer's cache");
	exec(a.db, "PRAGMA cache_size = 20");
	put(a.db, id, 300, 3000, 1);
	id += 300;
	ASSERT_INT_EQ(check(b.db), id - 1);
	ASSERT_INT_EQ(check(a.db), id - 1);
	TEST_DONE();

	TEST_START("after a checkpoint that truncates the log");
	exec(a.db, "PRAGMA wal_checkpoint(TRUNCATE)");
	for (i = 0; i < 10; i++) {
		put(a.db, id, 1, 500, 1);
		id++;
		ASSERT_INT_EQ(check(b.db), id - 1);
	}
	integrity(a.db);
	integrity(b.db);
	TEST_DONE();

	TEST_START("opened again");
	close_wal(&a);
	close_wal(&b);
	open_wal(&a, how, path);
	n = check(a.db);
	ASSERT_INT_EQ(n, id - 1);
	integrity(a.db);
	close_wal(&a);
	TEST_DONE();

	rm_db(dir, path, sizeof(path));
}

/*
 * The disk full while a statement reads a page back (the file's
 * comment), through the VFS of kind "how" opened by name.
 */
static void
run_full(int how)
{
	sqlite3		*db = NULL;
	char		 dir[] = "/tmp/test_walbuf.XXXXXX";
	char		 path[128];
	int64_t		 want;
	int		 rc;

	ASSERT_TRUE(mkdtemp(dir) != NULL);
	ASSERT_INT_GE(snprintf(path, sizeof(path), "%s/db", dir), 1);

	TEST_START(how == WALBUF_MAPPED ? "mapped: the disk full while a"
	    " statement reads a page back" : "plain: the disk full while a"
	    " statement reads a page back");
	ASSERT_INT_EQ(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE, walbuf_vfs(how)), SQLITE_OK);
	exec(db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
	    " PRAGMA wal_autocheckpoint = 0");
	exec(db, "CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB NOT NULL,"
	    " u INTEGER UNIQUE)");
	put(db, 1, ROWS_BEFORE, ROW_SMALL, 1);
	/* more pages than the cache holds: SQLite writes some before */
	exec(db, "PRAGMA cache_size = 20");
	exec(db, "BEGIN IMMEDIATE");
	put_rows(db, ROWS_BEFORE + 1, ROWS_TX, ROW_SMALL);
	/* a statement of many rows, undone alone when it fails (UNIQUE) */
	full = 1;
	rc = sqlite3_exec(db, "UPDATE t SET u = id + 1000000", NULL, NULL,
	    NULL);
	full = 0;
	/* the case needs the failure, or it tests nothing */
	ASSERT_INT_NE(rc, SQLITE_OK);
	/* the transaction goes on only if nothing of it was lost */
	rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	want = rc == SQLITE_OK ? ROWS_BEFORE + ROWS_TX : ROWS_BEFORE;
	if (rc != SQLITE_OK)
		ASSERT_INT_NE(sqlite3_get_autocommit(db), 0);
	ASSERT_INT_EQ(check(db), want);
	integrity(db);
	ASSERT_INT_EQ(sqlite3_close(db), SQLITE_OK);
	ASSERT_INT_EQ(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE,
	    walbuf_vfs(how)), SQLITE_OK);
	ASSERT_INT_EQ(check(db), want);
	integrity(db);
	TEST_DONE();

	TEST_START("the commit's own write fails; the file goes on");
	exec(db, "BEGIN IMMEDIATE");
	put_rows(db, want + 1, 5, ROW_SMALL);
	full = 1;
	rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	full = 0;
	ASSERT_INT_NE(rc, SQLITE_OK);
	if (!sqlite3_get_autocommit(db))
		exec(db, "ROLLBACK");
	ASSERT_INT_EQ(check(db), want);
	put(db, want + 1, 5, ROW_SMALL, 1);
	ASSERT_INT_EQ(check(db), want + 5);
	ASSERT_INT_EQ(sqlite3_close(db), SQLITE_OK);
	ASSERT_INT_EQ(sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE,
	    walbuf_vfs(how)), SQLITE_OK);
	ASSERT_INT_EQ(check(db), want + 5);
	integrity(db);
	ASSERT_INT_EQ(sqlite3_close(db), SQLITE_OK);
	TEST_DONE();

	rm_db(dir, path, sizeof(path));
}

int
main(void)
{
	/* before walbuf takes the default VFS as the one under it */
	fail_register();
	TEST_START("two kinds, two names");
	ASSERT_TRUE(walbuf_vfs(WALBUF_MAPPED) != NULL);
	ASSERT_TRUE(walbuf_vfs(WALBUF_PLAIN) != NULL);
	ASSERT_TRUE(strcmp(walbuf_vfs(WALBUF_MAPPED),
	    walbuf_vfs(WALBUF_PLAIN)) != 0);
	TEST_DONE();

	run(WALBUF_MAPPED);
	run(WALBUF_PLAIN);
	run_full(WALBUF_MAPPED);
	run_full(WALBUF_PLAIN);
	return 0;
}
