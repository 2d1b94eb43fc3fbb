/* SPDX-License-Identifier: ISC */
/*
 * test_sdb_walbuf.c - the store's VFS (server/store/sdb_walbuf.c) keeps
 * SQLite's log as the default VFS would: two connections of one file,
 * as the server's two workers, each see what the other committed, in
 * transactions of one small row, of several MiB (more than the VFS
 * gathers, and pieces of the default VFS's largest write), and of more
 * pages than the writer's cache holds (SQLite writes frames before the
 * commit and reads them back); a log past the VFS's mapping is read
 * beyond it; a rolled back transaction leaves nothing; after a
 * checkpoint that truncates the log the other connection reads the new
 * frames; the file passes integrity_check and holds every row after
 * both are closed and it is opened again.
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

#define ROW_BIG		(200 * 1024)

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

/* Rows id0 .. id0 + n - 1, each "len" bytes, in one transaction. */
static void
put(sqlite3 *db, int64_t id0, int n, size_t len, int commit)
{
	sqlite3_stmt	*s = NULL;
	unsigned char	*p;
	int		 i;

	ASSERT_TRUE((p = malloc(len)) != NULL);
	exec(db, "BEGIN IMMEDIATE");
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
	exec(db, commit ? "COMMIT" : "ROLLBACK");
	free(p);
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

static struct sdb *
open_wal(const char *spec)
{
	struct sdb	*db = NULL;

	ASSERT_INT_EQ(sdb_open(spec, &db), 0);
	exec(sdb_sqlite(db), "PRAGMA journal_mode = WAL;"
	    " PRAGMA synchronous = FULL; PRAGMA wal_autocheckpoint = 0");
	return db;
}

int
main(void)
{
	struct sdb	*a, *b;
	char		 dir[] = "/tmp/test_sdb_walbuf.XXXXXX", spec[128];
	char		 path[128];
	int64_t		 id = 1, n;
	int		 fd, i;

	ASSERT_TRUE(mkdtemp(dir) != NULL);
	ASSERT_INT_GE(snprintf(path, sizeof(path), "%s/db", dir), 1);
	ASSERT_INT_GE(snprintf(spec, sizeof(spec), "sqlite:%s", path), 1);
	ASSERT_TRUE((fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0600)) != -1);
	close(fd);

	TEST_START("two connections see each other's commits");
	a = open_wal(spec);
	b = open_wal(spec);
	exec(sdb_sqlite(a), "CREATE TABLE t (id INTEGER PRIMARY KEY,"
	    " v BLOB NOT NULL)");
	for (i = 0; i < 50; i++) {
		put(sdb_sqlite(i % 2 ? a : b), id, 1, 100 + (size_t)i, 1);
		id++;
		ASSERT_INT_EQ(check(sdb_sqlite(i % 2 ? b : a)), id - 1);
	}
	TEST_DONE();

	TEST_START("large transactions, past the mapping");
	/* 20 x 4 MiB: the log grows past WALBUF_MAP (64 MiB) */
	for (i = 0; i < 20; i++) {
		put(sdb_sqlite(a), id, 20, ROW_BIG, 1);
		id += 20;
	}
	ASSERT_INT_EQ(check(sdb_sqlite(b)), id - 1);
	TEST_DONE();

	TEST_START("rolled back");
	put(sdb_sqlite(b), id, 10, ROW_BIG, 0);
	ASSERT_INT_EQ(check(sdb_sqlite(a)), id - 1);
	TEST_DONE();

	TEST_START("a transaction larger than the writer's cache");
	exec(sdb_sqlite(a), "PRAGMA cache_size = 20");
	put(sdb_sqlite(a), id, 300, 3000, 1);
	id += 300;
	ASSERT_INT_EQ(check(sdb_sqlite(b)), id - 1);
	ASSERT_INT_EQ(check(sdb_sqlite(a)), id - 1);
	TEST_DONE();

	TEST_START("after a checkpoint that truncates the log");
	exec(sdb_sqlite(a), "PRAGMA wal_checkpoint(TRUNCATE)");
	for (i = 0; i < 10; i++) {
		put(sdb_sqlite(a), id, 1, 500, 1);
		id++;
		ASSERT_INT_EQ(check(sdb_sqlite(b)), id - 1);
	}
	integrity(sdb_sqlite(a));
	integrity(sdb_sqlite(b));
	TEST_DONE();

	TEST_START("opened again");
	sdb_close(a);
	sdb_close(b);
	a = open_wal(spec);
	n = check(sdb_sqlite(a));
	ASSERT_INT_EQ(n, id - 1);
	integrity(sdb_sqlite(a));
	sdb_close(a);
	TEST_DONE();

	(void)unlink(path);
	ASSERT_INT_GE(snprintf(path, sizeof(path), "%s/db-wal", dir), 1);
	(void)unlink(path);
	ASSERT_INT_GE(snprintf(path, sizeof(path), "%s/db-shm", dir), 1);
	(void)unlink(path);
	(void)rmdir(dir);
	return 0;
}
