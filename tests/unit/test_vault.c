/* SPDX-License-Identifier: ISC */
/*
 * test_vault.c - unit tests for the encrypted vault (client/vault.c,
 * client/vaultkey.c) and passphrase input (client/passphrase.c), on
 * real files in mkdtemp directories: round trip of many rows across
 * reopen, wrong passphrase leaves every file as it was, single flipped
 * bytes in the database and in the WAL and swapped pages are reported
 * as tampering (never wrong data), a torn last WAL frame is dropped as
 * SQLite would, VACUUM, rollback-journal mode, passphrase change,
 * damaged key files, secrets, temp files refused, a marker that is
 * in no file of the vault while it is in a plain SQLite database, and
 * the read-ahead of sequential scans: every call that must empty it,
 * a tampered page reported exactly when SQLite reaches it, interleaved
 * scans, scans during writes and checkpoints by another connection or
 * process, and scans after the connection's own writes.
 */
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>
#include <sqlite3.h>

#include "buf.h"
#include "errors.h"
#include "log.h"
#include "passphrase.h"
#include "util.h"
#include "vault.h"
#include "test.h"

#define PASS		"correct horse battery staple"
#define PASSLEN		(sizeof(PASS) - 1)
#define MARKER		"ZQX-casesync-marker-81d3"
#define NROWS		20000
#define PG		VAULT_PAGE_SIZE
#define HEAD_FILE	VAULT_DB_FILE "-head"	/* page list (vault_head.c) */

static char	 top[PATH_MAX];
static int	 ndirs;

/* ---- helpers ---- */

static void
newdir(char *dst, size_t len)
{
	ASSERT_INT_EQ(str_fmt(dst, len, "%s/d%d", top, ndirs++), 0);
	ASSERT_INT_EQ(mkdir(dst, 0700), 0);
}

static void
path_of(char *dst, size_t len, const char *dir, const char *name)
{
	ASSERT_INT_EQ(str_fmt(dst, len, "%s/%s", dir, name), 0);
}

static void
rm_rf(const char *dir)
{
	char		 p[PATH_MAX];
	DIR		*d;
	struct dirent	*e;

	if ((d = opendir(dir)) == NULL)
		return;
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		path_of(p, sizeof(p), dir, e->d_name);
		unlink(p);
	}
	closedir(d);
	rmdir(dir);
}

static struct buf *
slurp(const char *path)
{
	struct buf	*b = NULL;

	ASSERT_INT_EQ(file_read(path, 256 * 1024 * 1024, &b), 0);
	return b;
}

static void
spit(const char *path, const void *p, size_t n)
{
	int	fd;

	ASSERT_INT_GE(fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600), 0);
	ASSERT_INT_EQ(write(fd, p, n), (long long)n);
	close(fd);
}

/* Copy the files "names" (NULL-terminated) of "src" into "dst". */
static void
copy_files(const char *src, const char *dst, const char *const *names)
{
	char		 a[PATH_MAX], b[PATH_MAX];
	struct buf	*x;

	for (; *names != NULL; names++) {
		path_of(a, sizeof(a), src, *names);
		path_of(b, sizeof(b), dst, *names);
		x = slurp(a);
		spit(b, buf_ptr(x), buf_len(x));
		buf_free(x);
	}
}

static long long
file_size(const char *dir, const char *name)
{
	char		p[PATH_MAX];
	struct stat	st;

	path_of(p, sizeof(p), dir, name);
	if (stat(p, &st) == -1)
		return -1;
	return (long long)st.st_size;
}

static void
flip(const char *dir, const char *name, long long off)
{
	char	p[PATH_MAX];
	uint8_t	c;
	int	fd;

	path_of(p, sizeof(p), dir, name);
	ASSERT_INT_GE(fd = open(p, O_RDWR), 0);
	ASSERT_INT_EQ(pread(fd, &c, 1, off), 1);
	c ^= 0x04;
	ASSERT_INT_EQ(pwrite(fd, &c, 1, off), 1);
	close(fd);
}

/* 1 if "needle" occurs in any file of "dir". */
static int
marker_in_dir(const char *dir, const char *needle)
{
	char		 p[PATH_MAX];
	DIR		*d;
	struct dirent	*e;
	struct buf	*b;
	int		 found = 0;

	ASSERT_PTR_NE(d = opendir(dir), NULL);
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		path_of(p, sizeof(p), dir, e->d_name);
		b = slurp(p);
		if (buf_len(b) > 0 && memmem(buf_ptr(b), buf_len(b), needle,
		    strlen(needle)) != NULL)
			found = 1;
		buf_free(b);
	}
	closedir(d);
	return found;
}

/* Every file of "dir" into one buffer (name, size, bytes), sorted. */
static struct buf *
dir_snapshot(const char *dir)
{
	char		  p[PATH_MAX];
	struct dirent	**ents;
	struct buf	 *all, *b;
	int		  i, n;

	all = buf_new(64 * 1024 * 1024);
	ASSERT_INT_GE(n = scandir(dir, &ents, NULL, alphasort), 0);
	for (i = 0; i < n; i++) {
		if (ents[i]->d_name[0] != '.') {
			path_of(p, sizeof(p), dir, ents[i]->d_name);
			b = slurp(p);
			ASSERT_INT_EQ(buf_put(all, ents[i]->d_name,
			    strlen(ents[i]->d_name) + 1), 0);
			ASSERT_INT_EQ(buf_put(all, buf_ptr(b), buf_len(b)), 0);
			buf_free(b);
		}
		free(ents[i]);
	}
	free(ents);
	return all;
}

static void
same_snapshot(struct buf *a, struct buf *b)
{
	ASSERT_INT_EQ(buf_len(a), buf_len(b));
	ASSERT_MEM_EQ(buf_ptr(a), buf_ptr(b), buf_len(a));
	buf_free(a);
	buf_free(b);
}

static void
exec_ok(sqlite3 *db, const char *sql)
{
	char	*err = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		TEST_FAIL_("%s: %s", sql, err != NULL ? err : "?");
}

static void
row_text(char *dst, size_t len, int i)
{
	ASSERT_INT_EQ(str_fmt(dst, len, "row %08d %s of a case file, "
	    "with some padding so that a row is about 150 bytes long: "
	    "lorem ipsum dolor sit amet %d", i, MARKER, i * 7), 0);
}

/* Insert rows [from, to) into t, in one transaction. */
static void
fill(sqlite3 *db, int from, int to)
{
	sqlite3_stmt	*st;
	char		 s[256];
	int		 i;

	exec_ok(db, "CREATE TABLE IF NOT EXISTS t "
	    "(id INTEGER PRIMARY KEY, body TEXT NOT NULL)");
	exec_ok(db, "BEGIN");
	ASSERT_INT_EQ(sqlite3_prepare_v2(db, "INSERT INTO t VALUES (?1, ?2)",
	    -1, &st, NULL), SQLITE_OK);
	for (i = from; i < to; i++) {
		row_text(s, sizeof(s), i);
		ASSERT_INT_EQ(sqlite3_bind_int(st, 1, i), SQLITE_OK);
		ASSERT_INT_EQ(sqlite3_bind_text(st, 2, s, -1, SQLITE_STATIC),
		    SQLITE_OK);
		ASSERT_INT_EQ(sqlite3_step(st), SQLITE_DONE);
		ASSERT_INT_EQ(sqlite3_reset(st), SQLITE_OK);
	}
	sqlite3_finalize(st);
	exec_ok(db, "COMMIT");
}

/*
 * Read all of t: 0 and *n = rows if every row is exactly as written,
 * else the CS_ERR_* of the failure.  Wrong data fails the test.
 */
static int
read_all(sqlite3 *db, int *n)
{
	sqlite3_stmt		*st;
	const unsigned char	*s;
	char			 want[256];
	int			 rc, count = 0;

	*n = 0;
	if (sqlite3_prepare_v2(db, "SELECT id, body FROM t ORDER BY id", -1,
	    &st, NULL) != SQLITE_OK)
		return vault_sqlite_err(sqlite3_extended_errcode(db));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		row_text(want, sizeof(want), sqlite3_column_int(st, 0));
		s = sqlite3_column_text(st, 1);
		if (s == NULL || strcmp((const char *)s, want) != 0)
			TEST_FAIL_("wrong data in row %d",
			    sqlite3_column_int(st, 0));
		if (sqlite3_column_int(st, 0) != count)
			TEST_FAIL_("row %d missing", count);
		count++;
	}
	rc = rc == SQLITE_DONE ? 0 :
	    vault_sqlite_err(sqlite3_extended_errcode(db));
	sqlite3_finalize(st);
	*n = count;
	return rc;
}

static struct vault *
open_ok(const char *dir)
{
	struct vault	*v = NULL;

	ASSERT_INT_EQ(vault_open(dir, PASS, PASSLEN, &v), 0);
	return v;
}

static int
count_rows(struct vault *v)
{
	int	n;

	ASSERT_INT_EQ(read_all(vault_db(v), &n), 0);
	return n;
}

/*
 * Open "dir" and read everything: the first error, or 0.  Never wrong
 * data (read_all fails the test on that).
 */
static int
open_and_read(const char *dir, int *n)
{
	struct vault	*v = NULL;
	int		 r;

	*n = -1;
	if ((r = vault_open(dir, PASS, PASSLEN, &v)) != 0)
		return r;
	if ((r = read_all(vault_db(v), n)) == 0)
		r = vault_check(v);
	vault_close(v);
	return r;
}

/* ---- tests ---- */

static char	pristine[PATH_MAX];	/* NROWS rows, closed (no WAL) */

static void
test_create_roundtrip(void)
{
	struct vault	*v = NULL, *w = NULL;
	char		 p[PATH_MAX];
	struct stat	 st;

	TEST_START("create, 20000 rows, close, reopen, all rows intact");
	newdir(pristine, sizeof(pristine));
	ASSERT_INT_EQ(vault_exists(pristine), 0);
	ASSERT_INT_EQ(vault_open(pristine, PASS, PASSLEN, &v),
	    CS_ERR_NOT_FOUND);
	ASSERT_INT_EQ(vault_create(pristine, PASS, PASSLEN, &v), 0);
	ASSERT_INT_EQ(vault_exists(pristine), 1);
	path_of(p, sizeof(p), pristine, VAULT_KEY_FILE);
	ASSERT_INT_EQ(stat(p, &st), 0);
	ASSERT_INT_EQ(st.st_mode & 0777, 0600);
	ASSERT_INT_EQ(vault_create(pristine, PASS, PASSLEN, &w),
	    CS_ERR_EXISTS);
	ASSERT_PTR_EQ(w, NULL);
	fill(vault_db(v), 0, NROWS);
	ASSERT_INT_EQ(count_rows(v), NROWS);
	vault_close(v);
	ASSERT_INT_EQ(file_size(pristine, VAULT_DB_FILE "-wal"), -1);
	ASSERT_INT_EQ(file_size(pristine, VAULT_DB_FILE) % PG, 0);
	v = open_ok(pristine);
	ASSERT_INT_EQ(count_rows(v), NROWS);
	ASSERT_INT_EQ(vault_check(v), 0);
	vault_close(v);
	TEST_DONE();
}

static void
test_pragmas(void)
{
	struct vault	*v;
	sqlite3_stmt	*st;
	const char	*q[][2] = {
		{ "PRAGMA journal_mode", "wal" },
		{ "PRAGMA synchronous", "2" },
		{ "PRAGMA temp_store", "2" },
		{ "PRAGMA page_size", "16384" },
		{ "PRAGMA cache_size", "-65536" },
		/* SQLite's own is off: vault_ckpt.c checkpoints */
		{ "PRAGMA wal_autocheckpoint", "0" },
	};
	size_t		 i;
	int		 n;

	TEST_START("connection settings, reserve, temp files and attach "
	    "refused");
	v = open_ok(pristine);
	for (i = 0; i < sizeof(q) / sizeof(q[0]); i++) {
		ASSERT_INT_EQ(sqlite3_prepare_v2(vault_db(v), q[i][0], -1, &st,
		    NULL), SQLITE_OK);
		ASSERT_INT_EQ(sqlite3_step(st), SQLITE_ROW);
		ASSERT_STR_EQ((const char *)sqlite3_column_text(st, 0),
		    q[i][1]);
		sqlite3_finalize(st);
	}
	n = -1;
	ASSERT_INT_EQ(sqlite3_file_control(vault_db(v), "main",
	    SQLITE_FCNTL_RESERVE_BYTES, &n), SQLITE_OK);
	ASSERT_INT_EQ(n, VAULT_RESERVE);
	ASSERT_INT_NE(sqlite3_exec(vault_db(v), "ATTACH 'other.db' AS o",
	    NULL, NULL, NULL), SQLITE_OK);
	/* A temp table on disk would be a plaintext file: refused. */
	exec_ok(vault_db(v), "CREATE TEMP TABLE x(a)");
	exec_ok(vault_db(v), "PRAGMA temp.cache_size=2");
	exec_ok(vault_db(v), "INSERT INTO x SELECT body FROM t");
	exec_ok(vault_db(v), "DROP TABLE x");
	exec_ok(vault_db(v), "PRAGMA temp_store=FILE");
	exec_ok(vault_db(v), "CREATE TEMP TABLE x(a)");
	exec_ok(vault_db(v), "PRAGMA temp.cache_size=2");
	ASSERT_INT_NE(sqlite3_exec(vault_db(v), "INSERT INTO x SELECT body "
	    "FROM t", NULL, NULL, NULL), SQLITE_OK);
	vault_close(v);
	TEST_DONE();
}

static void
test_wrong_passphrase(void)
{
	struct vault	*v = NULL;
	struct buf	*before;

	TEST_START("wrong passphrase: CS_ERR_PASSPHRASE, files untouched");
	before = dir_snapshot(pristine);
	ASSERT_INT_EQ(vault_open(pristine, "wrong", 5, &v),
	    CS_ERR_PASSPHRASE);
	ASSERT_PTR_EQ(v, NULL);
	ASSERT_INT_EQ(vault_open(pristine, PASS, PASSLEN - 1, &v),
	    CS_ERR_PASSPHRASE);
	ASSERT_INT_EQ(vault_open(pristine, "", 0, &v), CS_ERR_FORMAT);
	same_snapshot(before, dir_snapshot(pristine));
	TEST_DONE();
}

static void
tamper_main(long long off)
{
	const char *const	 names[] = { VAULT_KEY_FILE, VAULT_DB_FILE,
	    HEAD_FILE, NULL };
	char			 d[PATH_MAX];
	int			 n;

	newdir(d, sizeof(d));
	copy_files(pristine, d, names);
	flip(d, VAULT_DB_FILE, off);
	if (open_and_read(d, &n) != CS_ERR_TAMPERED)
		TEST_FAIL_("flip at %lld not detected", off);
	rm_rf(d);
}

static void
test_tamper_main(void)
{
	long long	size, offs[] = { 0, 16, 20, 28, 60, 99, 100, 500,
	    PG - 40, PG - 1, PG + 8, 2 * PG + 3000, 7 * PG + PG - 20 };
	size_t		i;

	TEST_START("a flipped byte anywhere in the database: "
	    "CS_ERR_TAMPERED");
	size = file_size(pristine, VAULT_DB_FILE);
	ASSERT_INT_GE(size, 50 * PG);
	for (i = 0; i < sizeof(offs) / sizeof(offs[0]); i++)
		tamper_main(offs[i]);
	tamper_main(size / 2 + 77);
	tamper_main(size - PG + 1);
	tamper_main(size - 1);
	TEST_DONE();
}

static void
test_swap_truncate(void)
{
	const char *const	 names[] = { VAULT_KEY_FILE, VAULT_DB_FILE,
	    HEAD_FILE, NULL };
	char			 d[PATH_MAX], p[PATH_MAX];
	struct buf		*b;
	uint8_t			*x;
	size_t			 len;
	int			 n;

	TEST_START("swapped pages, a page copied over another, a cut file: "
	    "CS_ERR_TAMPERED");
	newdir(d, sizeof(d));
	copy_files(pristine, d, names);
	path_of(p, sizeof(p), d, VAULT_DB_FILE);
	b = slurp(p);
	len = buf_len(b);
	ASSERT_PTR_NE(x = malloc(len), NULL);
	memcpy(x, buf_ptr(b), len);
	/* swap pages 3 and 4 (offsets 2 and 3 pages in) */
	memcpy(x + 2 * PG, buf_ptr(b) + 3 * PG, PG);
	memcpy(x + 3 * PG, buf_ptr(b) + 2 * PG, PG);
	spit(p, x, len);
	ASSERT_INT_EQ(open_and_read(d, &n), CS_ERR_TAMPERED);
	/* the last page replaced by page 5 */
	memcpy(x, buf_ptr(b), len);
	memcpy(x + len - PG, buf_ptr(b) + 4 * PG, PG);
	spit(p, x, len);
	ASSERT_INT_EQ(open_and_read(d, &n), CS_ERR_TAMPERED);
	/* the last pages cut off, or half a page */
	spit(p, buf_ptr(b), len - 3 * PG);
	ASSERT_INT_EQ(open_and_read(d, &n), CS_ERR_TAMPERED);
	spit(p, buf_ptr(b), len - PG / 2);
	ASSERT_INT_EQ(open_and_read(d, &n), CS_ERR_TAMPERED);
	/* an empty file must not become a new, empty vault */
	spit(p, buf_ptr(b), 0);
	ASSERT_INT_EQ(open_and_read(d, &n), CS_ERR_TAMPERED);
	/* and the original still opens (the test itself is sound) */
	spit(p, buf_ptr(b), len);
	ASSERT_INT_EQ(open_and_read(d, &n), 0);
	ASSERT_INT_EQ(n, NROWS);
	free(x);
	buf_free(b);
	rm_rf(d);
	TEST_DONE();
}

/*
 * A vault whose WAL holds two committed transactions (rows 0..8000 and
 * 8000..8100), copied while the connection is still open.
 */
static void
make_wal_copy(char *d, size_t len)
{
	const char *const	 names[] = { VAULT_KEY_FILE, VAULT_DB_FILE,
	    VAULT_DB_FILE "-wal", HEAD_FILE, NULL };
	char			 src[PATH_MAX];
	struct vault		*v = NULL;

	newdir(src, sizeof(src));
	ASSERT_INT_EQ(vault_create(src, PASS, PASSLEN, &v), 0);
	exec_ok(vault_db(v), "PRAGMA wal_autocheckpoint=0");
	fill(vault_db(v), 0, 8000);
	fill(vault_db(v), 8000, 8100);
	newdir(d, len);
	copy_files(src, d, names);
	vault_close(v);
	rm_rf(src);
}

static void
test_tamper_wal(void)
{
	char		 w[PATH_MAX], d[PATH_MAX];
	long long	 fsz = 24 + PG, offs[8], nframes, size;
	size_t		 i;
	int		 n;

	TEST_START("a flipped byte in a WAL frame: CS_ERR_TAMPERED; "
	    "a damaged last frame is dropped like a torn write");
	make_wal_copy(w, sizeof(w));
	size = file_size(w, VAULT_DB_FILE "-wal");
	nframes = (size - 32) / fsz;
	ASSERT_INT_GE(nframes, 40);
	ASSERT_INT_EQ(open_and_read(w, &n), 0);		/* sound test */
	ASSERT_INT_EQ(n, 8100);
	rm_rf(w);
	/* page data, nonce, tag, and the header's page number, commit
	 * size and salts, in frames before the last commit */
	offs[0] = 32 + 24 + 100;
	offs[1] = 32 + 3;
	offs[2] = 32 + fsz * 5 + 24 + 2000;
	offs[3] = 32 + fsz * 7 + 24 + PG - 30;
	offs[4] = 32 + fsz * 9 + 24 + PG - 1;
	offs[5] = 32 + fsz * 11 + 7;
	offs[6] = 32 + fsz * 13 + 9;
	offs[7] = 32 + fsz * (nframes - 2) + 24 + 10;
	for (i = 0; i < sizeof(offs) / sizeof(offs[0]); i++) {
		make_wal_copy(d, sizeof(d));
		flip(d, VAULT_DB_FILE "-wal", offs[i]);
		if (open_and_read(d, &n) != CS_ERR_TAMPERED)
			TEST_FAIL_("WAL flip at %lld not detected", offs[i]);
		rm_rf(d);
	}
	/*
	 * The last frame (the commit of the second transaction): the same
	 * bytes a crash during that commit leaves.  SQLite's answer is to
	 * drop that transaction, and so is ours: the first one is intact.
	 */
	make_wal_copy(d, sizeof(d));
	ASSERT_INT_EQ(file_size(d, VAULT_DB_FILE "-wal"), size);
	flip(d, VAULT_DB_FILE "-wal", 32 + fsz * (nframes - 1) + 24 + 50);
	ASSERT_INT_EQ(open_and_read(d, &n), 0);
	ASSERT_INT_EQ(n, 8000);
	rm_rf(d);
	TEST_DONE();
}

static void
test_wal_spill(void)
{
	struct vault	*v;
	sqlite3_stmt	*st;
	char		 d[PATH_MAX], key[33];
	uint8_t		 r[16];
	int		 i, n;

	TEST_START("WAL: a transaction bigger than the cache, rewriting "
	    "its own frames, commits and reopens intact");
	newdir(d, sizeof(d));
	ASSERT_INT_EQ(vault_create(d, PASS, PASSLEN, &v), 0);
	fill(vault_db(v), 0, 1000);
	exec_ok(vault_db(v), "CREATE TABLE u (k TEXT UNIQUE, b BLOB)");
	/* Random keys touch index pages again and again: SQLite then
	 * overwrites frames of this transaction in place and rewrites
	 * the frame headers' salts and checksums before the commit. */
	exec_ok(vault_db(v), "PRAGMA cache_size=10");
	exec_ok(vault_db(v), "BEGIN");
	ASSERT_INT_EQ(sqlite3_prepare_v2(vault_db(v), "INSERT INTO u VALUES "
	    "(?1, randomblob(300))", -1, &st, NULL), SQLITE_OK);
	for (i = 0; i < 4000; i++) {
		randombytes_buf(r, sizeof(r));
		hex_encode(key, r, sizeof(r));
		ASSERT_INT_EQ(sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC),
		    SQLITE_OK);
		ASSERT_INT_EQ(sqlite3_step(st), SQLITE_DONE);
		ASSERT_INT_EQ(sqlite3_reset(st), SQLITE_OK);
	}
	sqlite3_finalize(st);
	exec_ok(vault_db(v), "UPDATE t SET body = body WHERE id % 7 = 0");
	exec_ok(vault_db(v), "COMMIT");
	ASSERT_INT_EQ(vault_check(v), 0);
	/* a second connection reads the frames the first one wrote */
	ASSERT_INT_EQ(open_and_read(d, &n), 0);
	ASSERT_INT_EQ(n, 1000);
	vault_close(v);
	ASSERT_INT_EQ(open_and_read(d, &n), 0);
	ASSERT_INT_EQ(n, 1000);
	rm_rf(d);
	TEST_DONE();
}

static void
test_vacuum(void)
{
	struct vault	*v;
	char		 d[PATH_MAX];
	long long	 before;
	int		 n;

	TEST_START("VACUUM shrinks the file and keeps the data");
	newdir(d, sizeof(d));
	ASSERT_INT_EQ(vault_create(d, PASS, PASSLEN, &v), 0);
	fill(vault_db(v), 0, 10000);
	exec_ok(vault_db(v), "PRAGMA wal_checkpoint(TRUNCATE)");
	before = file_size(d, VAULT_DB_FILE);
	exec_ok(vault_db(v), "DELETE FROM t WHERE id >= 5000");
	exec_ok(vault_db(v), "VACUUM");
	ASSERT_INT_EQ(count_rows(v), 5000);
	ASSERT_INT_EQ(vault_check(v), 0);
	vault_close(v);
	ASSERT_TRUE(file_size(d, VAULT_DB_FILE) < before * 3 / 4);
	ASSERT_INT_EQ(open_and_read(d, &n), 0);
	ASSERT_INT_EQ(n, 5000);
	rm_rf(d);
	TEST_DONE();
}

static void
test_journal_mode(void)
{
	struct vault	*v;
	char		 d[PATH_MAX];
	int		 n;

	TEST_START("rollback journal: spilled transaction rolled back, "
	    "journal holds no plaintext");
	newdir(d, sizeof(d));
	ASSERT_INT_EQ(vault_create(d, PASS, PASSLEN, &v), 0);
	exec_ok(vault_db(v), "PRAGMA journal_mode=DELETE");
	fill(vault_db(v), 0, 3000);
	exec_ok(vault_db(v), "PRAGMA cache_size=8");
	exec_ok(vault_db(v), "BEGIN");
	exec_ok(vault_db(v), "UPDATE t SET body = 'x' || body");
	exec_ok(vault_db(v), "DELETE FROM t WHERE id % 3 = 0");
	/* the journal has the old pages, the database some new ones */
	ASSERT_TRUE(file_size(d, VAULT_DB_FILE "-journal") > 10 * PG);
	ASSERT_INT_EQ(marker_in_dir(d, MARKER), 0);
	exec_ok(vault_db(v), "ROLLBACK");
	ASSERT_INT_EQ(count_rows(v), 3000);
	ASSERT_INT_EQ(vault_check(v), 0);
	fill(vault_db(v), 3000, 3500);
	vault_close(v);
	ASSERT_INT_EQ(open_and_read(d, &n), 0);
	ASSERT_INT_EQ(n, 3500);
	rm_rf(d);
	TEST_DONE();
}

static void
test_passwd(void)
{
	struct vault	*v = NULL;
	char		 d[PATH_MAX], p[PATH_MAX];
	const char	*names[] = { VAULT_KEY_FILE, VAULT_DB_FILE, HEAD_FILE,
	    NULL };
	struct buf	*db0, *db1, *k0, *k1;
	int		 n;

	TEST_START("passwd re-wraps only: data kept, old passphrase refused");
	newdir(d, sizeof(d));
	copy_files(pristine, d, names);
	path_of(p, sizeof(p), d, VAULT_DB_FILE);
	db0 = slurp(p);
	path_of(p, sizeof(p), d, VAULT_KEY_FILE);
	k0 = slurp(p);
	ASSERT_INT_EQ(vault_passwd(d, "nope", 4, "new pass", 8),
	    CS_ERR_PASSPHRASE);
	k1 = slurp(p);
	same_snapshot(k0, k1);
	k0 = slurp(p);
	ASSERT_INT_EQ(vault_passwd(d, PASS, PASSLEN, "new pass", 8), 0);
	k1 = slurp(p);
	ASSERT_INT_EQ(buf_len(k0), buf_len(k1));
	ASSERT_TRUE(memcmp(buf_ptr(k0), buf_ptr(k1), buf_len(k0)) != 0);
	buf_free(k0);
	buf_free(k1);
	path_of(p, sizeof(p), d, VAULT_DB_FILE);
	db1 = slurp(p);
	same_snapshot(db0, db1);
	ASSERT_INT_EQ(vault_open(d, PASS, PASSLEN, &v), CS_ERR_PASSPHRASE);
	ASSERT_INT_EQ(vault_open(d, "new pass", 8, &v), 0);
	ASSERT_INT_EQ(read_all(vault_db(v), &n), 0);
	ASSERT_INT_EQ(n, NROWS);
	vault_close(v);
	rm_rf(d);
	TEST_DONE();
}

static void
keyfile_case(const char *d, const uint8_t *k, size_t len, long long off,
    int want)
{
	char		 p[PATH_MAX];
	uint8_t		 x[256];
	struct vault	*v = NULL;

	ASSERT_TRUE(len <= sizeof(x));
	memcpy(x, k, len);
	if (off >= 0)
		x[off] ^= 0x80;
	path_of(p, sizeof(p), d, VAULT_KEY_FILE);
	spit(p, x, len);
	if (vault_open(d, PASS, PASSLEN, &v) != want)
		TEST_FAIL_("key file len %zu flip %lld: not %d", len, off,
		    want);
	ASSERT_PTR_EQ(v, NULL);
}

static void
test_keyfile(void)
{
	const char *const	 names[] = { VAULT_KEY_FILE, VAULT_DB_FILE,
	    HEAD_FILE, NULL };
	char			 d[PATH_MAX], p[PATH_MAX];
	struct buf		*b;
	uint8_t			 k[256];
	size_t			 len;
	int			 n;

	TEST_START("damaged key files: CS_ERR_FORMAT or CS_ERR_PASSPHRASE");
	newdir(d, sizeof(d));
	copy_files(pristine, d, names);
	path_of(p, sizeof(p), d, VAULT_KEY_FILE);
	b = slurp(p);
	len = buf_len(b);
	ASSERT_INT_EQ(len, 136);
	memcpy(k, buf_ptr(b), len);
	k[len] = 0;
	buf_free(b);
	keyfile_case(d, k, 0, -1, CS_ERR_FORMAT);
	keyfile_case(d, k, 100, -1, CS_ERR_FORMAT);
	keyfile_case(d, k, len - 1, -1, CS_ERR_FORMAT);
	keyfile_case(d, k, len + 1, -1, CS_ERR_FORMAT);
	keyfile_case(d, k, len, 0, CS_ERR_FORMAT);	/* magic */
	keyfile_case(d, k, len, 9, CS_ERR_FORMAT);	/* version */
	keyfile_case(d, k, len, 11, CS_ERR_FORMAT);	/* algorithm */
	keyfile_case(d, k, len, 13, CS_ERR_FORMAT);	/* page size */
	keyfile_case(d, k, len, 16, CS_ERR_FORMAT);	/* opslimit huge */
	keyfile_case(d, k, len, 24, CS_ERR_FORMAT);	/* memlimit huge */
	keyfile_case(d, k, len, 40, CS_ERR_PASSPHRASE);	/* salt */
	keyfile_case(d, k, len, 50, CS_ERR_PASSPHRASE);	/* database id */
	keyfile_case(d, k, len, 70, CS_ERR_PASSPHRASE);	/* nonce */
	keyfile_case(d, k, len, 100, CS_ERR_PASSPHRASE); /* wrapped key */
	keyfile_case(d, k, len, 135, CS_ERR_PASSPHRASE); /* tag */
	unlink(p);
	ASSERT_INT_EQ(open_and_read(d, &n), CS_ERR_NOT_FOUND);
	/* the good one back: it opens */
	spit(p, k, len);
	ASSERT_INT_EQ(open_and_read(d, &n), 0);
	/* a key file of another vault for this database */
	rm_rf(d);
	TEST_DONE();
}

static void
test_secrets(void)
{
	struct vault	*v;
	uint8_t		*p, big[5000];
	size_t		 len;

	TEST_START("secrets: put, replace, get, delete, empty, missing");
	v = open_ok(pristine);
	ASSERT_INT_EQ(vault_secret_get(v, "nope", &p, &len),
	    CS_ERR_NOT_FOUND);
	ASSERT_PTR_EQ(p, NULL);
	ASSERT_INT_EQ(vault_secret_put(v, "k", (const uint8_t *)"one", 3), 0);
	ASSERT_INT_EQ(vault_secret_put(v, "k", (const uint8_t *)"two!", 4),
	    0);
	ASSERT_INT_EQ(vault_secret_get(v, "k", &p, &len), 0);
	ASSERT_INT_EQ(len, 4);
	ASSERT_MEM_EQ(p, "two!", 4);
	vault_secret_free(p, len);
	ASSERT_INT_EQ(vault_secret_put(v, "empty", NULL, 0), 0);
	ASSERT_INT_EQ(vault_secret_get(v, "empty", &p, &len), 0);
	ASSERT_PTR_NE(p, NULL);
	ASSERT_INT_EQ(len, 0);
	vault_secret_free(p, len);
	randombytes_buf(big, sizeof(big));
	ASSERT_INT_EQ(vault_secret_put(v, "big", big, sizeof(big)), 0);
	ASSERT_INT_EQ(vault_secret_put(v, "", big, 1), CS_ERR_TOO_LARGE);
	ASSERT_INT_EQ(vault_secret_del(v, "k"), 0);
	ASSERT_INT_EQ(vault_secret_get(v, "k", &p, &len), CS_ERR_NOT_FOUND);
	vault_close(v);
	v = open_ok(pristine);
	ASSERT_INT_EQ(vault_secret_get(v, "big", &p, &len), 0);
	ASSERT_INT_EQ(len, sizeof(big));
	ASSERT_MEM_EQ(p, big, sizeof(big));
	vault_secret_free(p, len);
	vault_secret_free(NULL, 0);
	vault_close(v);
	vault_close(NULL);
	TEST_DONE();
}

static void
test_marker(void)
{
	struct vault	*v;
	sqlite3		*db;
	char		 d[PATH_MAX], plain[PATH_MAX], p[PATH_MAX];

	TEST_START("a marker in rows and secrets is in no vault file, "
	    "but in a plain SQLite database");
	newdir(d, sizeof(d));
	ASSERT_INT_EQ(vault_create(d, PASS, PASSLEN, &v), 0);
	exec_ok(vault_db(v), "PRAGMA wal_autocheckpoint=0");
	fill(vault_db(v), 0, 12000);
	ASSERT_INT_EQ(vault_secret_put(v, "device.key",
	    (const uint8_t *)"secret " MARKER, strlen(MARKER) + 7), 0);
	/* while open: the WAL and -shm are there */
	ASSERT_TRUE(file_size(d, VAULT_DB_FILE "-wal") > 100 * PG);
	ASSERT_TRUE(file_size(d, VAULT_DB_FILE "-shm") > 0);
	ASSERT_INT_EQ(marker_in_dir(d, MARKER), 0);
	exec_ok(vault_db(v), "PRAGMA wal_checkpoint(PASSIVE)");
	ASSERT_INT_EQ(marker_in_dir(d, MARKER), 0);
	vault_close(v);
	ASSERT_INT_EQ(marker_in_dir(d, MARKER), 0);
	ASSERT_INT_EQ(marker_in_dir(d, "SQLite format 3"), 0);

	newdir(plain, sizeof(plain));
	path_of(p, sizeof(p), plain, "plain.db");
	ASSERT_INT_EQ(sqlite3_open(p, &db), SQLITE_OK);
	exec_ok(db, "PRAGMA journal_mode=WAL");
	exec_ok(db, "PRAGMA wal_autocheckpoint=0");
	fill(db, 0, 3000);
	ASSERT_INT_EQ(marker_in_dir(plain, MARKER), 1);
	sqlite3_close(db);
	ASSERT_INT_EQ(marker_in_dir(plain, MARKER), 1);
	rm_rf(plain);
	rm_rf(d);
	TEST_DONE();
}

static void
test_two_connections(void)
{
	struct vault	*a, *b;

	TEST_START("two connections to one vault see each other's commits");
	a = open_ok(pristine);
	b = open_ok(pristine);
	exec_ok(vault_db(a), "INSERT INTO t VALUES (20000, 'x')");
	ASSERT_INT_EQ(sqlite3_exec(vault_db(b), "SELECT 1", NULL, NULL,
	    NULL), SQLITE_OK);
	exec_ok(vault_db(b), "DELETE FROM t WHERE id = 20000");
	ASSERT_INT_EQ(count_rows(a), NROWS);
	vault_close(b);
	vault_close(a);
	TEST_DONE();
}

/* 1 if this process may run on two CPUs: only then is there a worker. */
static int
ra_possible(void)
{
	cpu_set_t	cpus;

	return sched_getaffinity(0, sizeof(cpus), &cpus) == 0 &&
	    CPU_COUNT(&cpus) >= 2;
}

/*
 * 100 MiB in 25 transactions: the checkpoint thread copies the WAL
 * while the writer goes on, the WAL starts over (it stays under the
 * 64 MiB lag plus one transaction), a second connection reading in
 * between sees every commit, and all of it is there after a reopen.
 */
#define CK_TX		25
#define CK_ROWS		1000	/* of 4000 bytes, per transaction */
static void
test_checkpoint_thread(void)
{
	struct vault	*v, *r;
	char		 d[PATH_MAX], sql[256];
	long long	 wal, max = 0;
	sqlite3_stmt	*st;
	int		 i;

	TEST_START("checkpoint thread: WAL bounded, commits seen, all kept");
	newdir(d, sizeof(d));
	ASSERT_INT_EQ(vault_create(d, PASS, PASSLEN, &v), 0);
	exec_ok(vault_db(v), "CREATE TABLE b (id INTEGER PRIMARY KEY,"
	    " body BLOB NOT NULL)");
	r = open_ok(d);
	ASSERT_INT_EQ(str_fmt(sql, sizeof(sql), "WITH RECURSIVE c(i) AS"
	    " (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < %d)"
	    " INSERT INTO b(body) SELECT randomblob(4000) FROM c", CK_ROWS),
	    0);
	for (i = 0; i < CK_TX; i++) {
		exec_ok(vault_db(v), sql);
		if ((wal = file_size(d, VAULT_DB_FILE "-wal")) > max)
			max = wal;
		ASSERT_INT_EQ(sqlite3_prepare_v2(vault_db(r),
		    "SELECT max(id) FROM b", -1, &st, NULL), SQLITE_OK);
		ASSERT_INT_EQ(sqlite3_step(st), SQLITE_ROW);
		ASSERT_INT_EQ(sqlite3_column_int(st, 0), (i + 1) * CK_ROWS);
		sqlite3_finalize(st);
	}
	/* 2 x 32 MiB, one transaction (about 4.3 MiB) and headers */
	if (max > 72LL * 1024 * 1024)
		TEST_FAIL_("WAL grew to %lld bytes", max);
	if (ra_possible() && vault_checkpoints(v) == 0)
		TEST_FAIL_("%s", "no checkpoint on the thread");
	if (!ra_possible())
		ASSERT_INT_EQ(vault_checkpoints(v), 0);
	vault_close(r);
	vault_close(v);
	v = open_ok(d);
	ASSERT_INT_EQ(sqlite3_prepare_v2(vault_db(v), "SELECT count(*),"
	    " sum(length(body)) FROM b", -1, &st, NULL), SQLITE_OK);
	ASSERT_INT_EQ(sqlite3_step(st), SQLITE_ROW);
	ASSERT_INT_EQ(sqlite3_column_int(st, 0), CK_TX * CK_ROWS);
	ASSERT_INT_EQ(sqlite3_column_int64(st, 1), 4000LL * CK_TX * CK_ROWS);
	sqlite3_finalize(st);
	ASSERT_INT_EQ(vault_check(v), 0);
	vault_close(v);
	rm_rf(d);
	TEST_DONE();
}

/* ---- read-ahead of sequential scans ---- */

typedef void	(*want_fn)(char *, size_t, int);

/* Read-ahead must have served at least "min" pages since "before". */
static void
ra_used_since(unsigned long long before, unsigned long long min)
{
	if (ra_possible() && vault_readahead_pages() - before < min)
		TEST_FAIL_("read-ahead served %llu pages, expected >= %llu",
		    vault_readahead_pages() - before, min);
}

/*
 * Like read_all, with the expected body of row "id" from "want" and
 * "nrows" rows in all: 0 and *n = rows, or the CS_ERR_* of the failure.
 */
static int
scan_rows(sqlite3 *db, want_fn want, int nrows, int *n)
{
	sqlite3_stmt		*st;
	const unsigned char	*s;
	char			 w[256];
	int			 rc, count = 0;

	*n = 0;
	if (sqlite3_prepare_v2(db, "SELECT id, body FROM t ORDER BY id", -1,
	    &st, NULL) != SQLITE_OK)
		return vault_sqlite_err(sqlite3_extended_errcode(db));
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (sqlite3_column_int(st, 0) != count)
			TEST_FAIL_("row %d missing", count);
		want(w, sizeof(w), count);
		s = sqlite3_column_text(st, 1);
		if (s == NULL || strcmp((const char *)s, w) != 0)
			TEST_FAIL_("row %d: \"%s\", expected \"%s\"", count,
			    s != NULL ? (const char *)s : "(null)", w);
		count++;
	}
	rc = rc == SQLITE_DONE ? 0 :
	    vault_sqlite_err(sqlite3_extended_errcode(db));
	sqlite3_finalize(st);
	*n = count;
	if (rc == 0 && count != nrows)
		TEST_FAIL_("%d rows, expected %d", count, nrows);
	return rc;
}

/* Rows 10000..11999 were updated to "one <id>" (a peer's first write). */
static void
want_one(char *dst, size_t len, int id)
{
	if (id >= 10000 && id < 12000)
		ASSERT_INT_EQ(str_fmt(dst, len, "one %d", id), 0);
	else
		row_text(dst, len, id);
}

/* ... then every third row to "two <id>" (the later writes). */
static void
want_two(char *dst, size_t len, int id)
{
	if (id % 3 == 0)
		ASSERT_INT_EQ(str_fmt(dst, len, "two %d", id), 0);
	else
		want_one(dst, len, id);
}

/* ... or, instead, "x" in front of every row. */
static void
want_x(char *dst, size_t len, int id)
{
	char	s[256];

	want_one(s, sizeof(s), id);
	ASSERT_INT_EQ(str_fmt(dst, len, "x%s", s), 0);
}

static void
copy_pristine(char *d, size_t len)
{
	const char *const	names[] = { VAULT_KEY_FILE, VAULT_DB_FILE,
	    HEAD_FILE, NULL };

	newdir(d, len);
	copy_files(pristine, d, names);
}

static void
test_readahead_scan(void)
{
	unsigned long long	 before;
	struct vault		*v;
	sqlite3_stmt		*st;
	const unsigned char	*s;
	char			 want[256];
	long long		 npages;
	int			 i, id, n;

	TEST_START("read-ahead: a scan gets its pages from it, exactly; "
	    "point lookups never start it");
	npages = file_size(pristine, VAULT_DB_FILE) / PG;
	ASSERT_INT_GE(npages, 100);
	v = open_ok(pristine);
	before = vault_readahead_pages();
	ASSERT_INT_EQ(read_all(vault_db(v), &n), 0);
	ASSERT_INT_EQ(n, NROWS);
	ra_used_since(before, (unsigned long long)npages / 2);
	vault_close(v);

	v = open_ok(pristine);
	before = vault_readahead_pages();
	ASSERT_INT_EQ(sqlite3_prepare_v2(vault_db(v), "SELECT body FROM t "
	    "WHERE id = ?1", -1, &st, NULL), SQLITE_OK);
	for (i = 0; i < 400; i++) {
		id = (int)(((unsigned)i * 7919u) % NROWS);
		ASSERT_INT_EQ(sqlite3_bind_int(st, 1, id), SQLITE_OK);
		ASSERT_INT_EQ(sqlite3_step(st), SQLITE_ROW);
		row_text(want, sizeof(want), id);
		ASSERT_PTR_NE(s = sqlite3_column_text(st, 0), NULL);
		ASSERT_STR_EQ((const char *)s, want);
		ASSERT_INT_EQ(sqlite3_reset(st), SQLITE_OK);
	}
	sqlite3_finalize(st);
	ASSERT_INT_EQ(vault_readahead_pages(), before);
	vault_close(v);
	TEST_DONE();
}

/* ---- the VFS alone: what empties the ring ---- */

enum {
	RB_NONE,	/* control: no boundary, the ring is used */
	RB_NONSEQ,	/* the next read skips a page */
	RB_WRITE,	/* the write comes through the same file */
	RB_TRUNCATE, RB_SYNC, RB_LOCK, RB_UNLOCK, RB_FCNTL, RB_SHMLOCK,
	RB_SHMBARRIER,
	RB_N
};

static sqlite3_file *
raw_open(sqlite3_vfs *vfs, const char *name)
{
	sqlite3_file	*f;
	int		 out;

	ASSERT_PTR_NE(f = calloc(1, (size_t)vfs->szOsFile), NULL);
	ASSERT_INT_EQ(vfs->xOpen(vfs, name, f, SQLITE_OPEN_MAIN_DB |
	    SQLITE_OPEN_READWRITE, &out), SQLITE_OK);
	return f;
}

static void
raw_read(sqlite3_file *f, uint32_t pgno, uint8_t *p)
{
	ASSERT_INT_EQ(f->pMethods->xRead(f, p, PG,
	    (sqlite3_int64)(pgno - 1) * PG), SQLITE_OK);
}

static void
raw_write(sqlite3_file *f, uint32_t pgno, const uint8_t *p)
{
	ASSERT_INT_EQ(f->pMethods->xWrite(f, p, PG,
	    (sqlite3_int64)(pgno - 1) * PG), SQLITE_OK);
}

/*
 * "a" reads pages 1..8 in order (read-ahead takes over after page 4
 * and queues pages up to 20), "b" (or "a" itself) rewrites page 10,
 * then "a" gets the boundary call "how" and reads pages 9 and 10.
 */
static void
ra_boundary(sqlite3_file *a, sqlite3_file *b, int how)
{
	uint8_t			*p, *orig, *mod;
	unsigned long long	 before;
	sqlite3_int64		 size;
	int			 i, x = 0;

	ASSERT_PTR_NE(p = malloc(PG), NULL);
	ASSERT_PTR_NE(orig = malloc(PG), NULL);
	ASSERT_PTR_NE(mod = malloc(PG), NULL);
	if (how == RB_UNLOCK)
		ASSERT_INT_EQ(a->pMethods->xLock(a, SQLITE_LOCK_SHARED),
		    SQLITE_OK);
	before = vault_readahead_pages();
	for (i = 1; i <= 8; i++)
		raw_read(a, (uint32_t)i, p);
	ra_used_since(before, 4);
	raw_read(b, 10, orig);
	memcpy(mod, orig, PG);
	mod[PG / 2] ^= 0x5a;
	raw_write(how == RB_WRITE ? a : b, 10, mod);
	switch (how) {
	case RB_TRUNCATE:
		ASSERT_INT_EQ(a->pMethods->xFileSize(a, &size), SQLITE_OK);
		ASSERT_INT_EQ(a->pMethods->xTruncate(a, size), SQLITE_OK);
		break;
	case RB_SYNC:
		ASSERT_INT_EQ(a->pMethods->xSync(a, SQLITE_SYNC_NORMAL),
		    SQLITE_OK);
		break;
	case RB_LOCK:
		ASSERT_INT_EQ(a->pMethods->xLock(a, SQLITE_LOCK_SHARED),
		    SQLITE_OK);
		break;
	case RB_UNLOCK:
		ASSERT_INT_EQ(a->pMethods->xUnlock(a, SQLITE_LOCK_NONE),
		    SQLITE_OK);
		break;
	case RB_FCNTL:
		ASSERT_INT_EQ(a->pMethods->xFileControl(a,
		    SQLITE_FCNTL_HAS_MOVED, &x), SQLITE_OK);
		ASSERT_INT_EQ(x, 0);
		break;
	case RB_SHMLOCK:
		ASSERT_INT_EQ(a->pMethods->xShmLock(a, 3, 1,
		    SQLITE_SHM_LOCK | SQLITE_SHM_SHARED), SQLITE_OK);
		break;
	case RB_SHMBARRIER:
		a->pMethods->xShmBarrier(a);
		break;
	}
	before = vault_readahead_pages();
	if (how != RB_NONSEQ)
		raw_read(a, 9, p);
	raw_read(a, 10, p);
	if (how == RB_NONE) {
		/*
		 * The control: within what SQLite's locks make one
		 * transaction, the ring keeps the page as it was read.
		 * (Such a change cannot happen there; this shows the other
		 * cases test something.)
		 */
		if (ra_possible()) {
			ASSERT_INT_EQ(vault_readahead_pages() - before, 2);
			ASSERT_MEM_EQ(p, orig, PG);
		}
	} else {
		ASSERT_MEM_EQ(p, mod, PG);
		ASSERT_INT_EQ(vault_readahead_pages(), before);
	}
	if (how == RB_SHMLOCK)
		ASSERT_INT_EQ(a->pMethods->xShmLock(a, 3, 1,
		    SQLITE_SHM_UNLOCK | SQLITE_SHM_SHARED), SQLITE_OK);
	if (how == RB_LOCK)
		ASSERT_INT_EQ(a->pMethods->xUnlock(a, SQLITE_LOCK_NONE),
		    SQLITE_OK);
	raw_write(b, 10, orig);
	free(p);
	free(orig);
	free(mod);
}

/*
 * Partial rollback (vault_head.c): pages put back from an older copy
 * of the same vault authenticate, but are not the versions the page
 * list holds.
 */
static void
test_rollback_pages(void)
{
	const char *const	 names[] = { VAULT_KEY_FILE, VAULT_DB_FILE,
	    HEAD_FILE, NULL };
	struct vault		*v = NULL;
	struct buf		*old, *cur;
	uint8_t			*x;
	uint8_t			*p = NULL;
	char			 d[PATH_MAX], o[PATH_MAX], f[PATH_MAX];
	size_t			 len, plen = 0, i, diff = 0;
	int			 n;

	TEST_START("partial rollback: pages from an older copy, a missing "
	    "page list: CS_ERR_TAMPERED; a vault without one adopts it");
	copy_pristine(d, sizeof(d));
	newdir(o, sizeof(o));
	copy_files(d, o, names);		/* the older copy */
	ASSERT_INT_EQ(vault_open(d, PASS, PASSLEN, &v), 0);
	exec_ok(vault_db(v), "UPDATE t SET body = 'changed' WHERE id < 300");
	vault_close(v);
	path_of(f, sizeof(f), o, VAULT_DB_FILE);
	old = slurp(f);
	path_of(f, sizeof(f), d, VAULT_DB_FILE);
	cur = slurp(f);
	ASSERT_INT_EQ(buf_len(old), buf_len(cur));
	len = buf_len(cur);
	ASSERT_PTR_NE(x = malloc(len), NULL);
	/* every changed page but one put back: still caught */
	memcpy(x, buf_ptr(cur), len);
	for (i = 0; i < len / PG; i++) {
		if (memcmp(buf_ptr(old) + i * PG, buf_ptr(cur) + i * PG,
		    PG) == 0)
			continue;
		if (diff++ > 0)
			memcpy(x + i * PG, buf_ptr(old) + i * PG, PG);
	}
	ASSERT_INT_GE(diff, 2);
	spit(f, x, len);
	ASSERT_INT_EQ(open_and_read(d, &n), CS_ERR_TAMPERED);
	/* the whole older file with the current list */
	spit(f, buf_ptr(old), len);
	ASSERT_INT_EQ(open_and_read(d, &n), CS_ERR_TAMPERED);
	/* and without the list, which the vault had: refused too */
	path_of(f, sizeof(f), d, HEAD_FILE);
	ASSERT_INT_EQ(unlink(f), 0);
	ASSERT_INT_EQ(open_and_read(d, &n), CS_ERR_TAMPERED);
	/*
	 * The older copy whole, with its own list, opens: consistent (a
	 * whole vault put back is for the sync counter to find).
	 */
	copy_files(o, d, names);
	ASSERT_INT_EQ(open_and_read(d, &n), 0);
	/* a vault from before the list: no secret, no file; adopted */
	ASSERT_INT_EQ(vault_open(d, PASS, PASSLEN, &v), 0);
	ASSERT_INT_EQ(vault_secret_del(v, VAULT_HEAD_SECRET), 0);
	vault_close(v);
	ASSERT_INT_EQ(unlink(f), 0);
	ASSERT_INT_EQ(open_and_read(d, &n), 0);
	ASSERT_INT_EQ(n, NROWS);
	ASSERT_INT_GE(file_size(d, HEAD_FILE), 32 + 16 + 32);
	ASSERT_INT_EQ(vault_open(d, PASS, PASSLEN, &v), 0);
	ASSERT_INT_EQ(vault_secret_get(v, VAULT_HEAD_SECRET, &p, &plen), 0);
	vault_secret_free(p, plen);
	vault_close(v);
	free(x);
	buf_free(old);
	buf_free(cur);
	rm_rf(d);
	rm_rf(o);
	TEST_DONE();
}

static void
test_readahead_boundaries(void)
{
	struct vault_keys	*keys = NULL;
	sqlite3_vfs		*vfs;
	sqlite3_file		*a, *b;
	const char		*param[2];
	char			 d[PATH_MAX], p[PATH_MAX];
	char			 token[VAULT_TOKEN_LEN];
	void volatile		*shm = NULL;
	sqlite3_filename	 name;
	int			 how, n;

	TEST_START("read-ahead: emptied by xWrite, xTruncate, xSync, xLock, "
	    "xUnlock, xFileControl, xShmLock, xShmBarrier and a skipped page");
	copy_pristine(d, sizeof(d));
	ASSERT_INT_EQ(vault_vfs_register(), 0);
	ASSERT_INT_EQ(vaultkey_load(d, PASS, PASSLEN, &keys), 0);
	ASSERT_INT_EQ(vault_vfs_attach(keys, token), 0);
	path_of(p, sizeof(p), d, VAULT_DB_FILE);
	param[0] = "vault";
	param[1] = token;
	ASSERT_PTR_NE(name = sqlite3_create_filename(p, "", "", 1, param),
	    NULL);
	ASSERT_PTR_NE(vfs = sqlite3_vfs_find(VAULT_VFS_NAME), NULL);
	a = raw_open(vfs, name);
	b = raw_open(vfs, name);
	ASSERT_INT_EQ(a->pMethods->xShmMap(a, 0, 32768, 1, &shm), SQLITE_OK);
	for (how = 0; how < RB_N; how++)
		ra_boundary(a, b, how);
	ASSERT_INT_EQ(a->pMethods->xShmUnmap(a, 1), SQLITE_OK);
	ASSERT_INT_EQ(a->pMethods->xClose(a), SQLITE_OK);
	ASSERT_INT_EQ(b->pMethods->xClose(b), SQLITE_OK);
	free(a);
	free(b);
	sqlite3_free_filename(name);
	vault_vfs_detach(token);
	vaultkey_free(keys);
	/* page 10 is back as it was */
	ASSERT_INT_EQ(open_and_read(d, &n), 0);
	ASSERT_INT_EQ(n, NROWS);
	rm_rf(d);
	TEST_DONE();
}

/* SQLite's varint at "p" (9 bytes at most); its length in *len. */
static uint64_t
varint(const uint8_t *p, int *len)
{
	uint64_t	v = 0;
	int		i;

	for (i = 0; i < 8; i++) {
		v = v << 7 | (p[i] & 0x7f);
		if ((p[i] & 0x80) == 0) {
			*len = i + 1;
			return v;
		}
	}
	*len = 9;
	return v << 8 | p[8];
}

/*
 * The smallest rowid on page "pgno" of the database in "dir", if that
 * page is a table leaf with cells, else -1.
 */
static long long
leaf_first_rowid(const char *dir, uint32_t pgno)
{
	struct vault_keys	*keys = NULL;
	struct buf		*b;
	char			 p[PATH_MAX];
	uint8_t			*pg;
	long long		 id = -1;
	int			 len, off;

	path_of(p, sizeof(p), dir, VAULT_DB_FILE);
	b = slurp(p);
	ASSERT_TRUE(buf_len(b) >= (size_t)pgno * PG);
	ASSERT_PTR_NE(pg = malloc(PG), NULL);
	memcpy(pg, buf_ptr(b) + (size_t)(pgno - 1) * PG, PG);
	ASSERT_INT_EQ(vaultkey_load(dir, PASS, PASSLEN, &keys), 0);
	ASSERT_INT_EQ(vault_page_open(keys, 1, pg, PG, pgno, 0), 0);
	if (pg[0] == 0x0d && (pg[3] << 8 | pg[4]) > 0) {
		off = pg[8] << 8 | pg[9];
		ASSERT_TRUE(off > 8 && off < PG - 18);
		(void)varint(pg + off, &len);
		id = (long long)varint(pg + off + len, &len);
	}
	vaultkey_free(keys);
	free(pg);
	buf_free(b);
	return id;
}

static void
tamper_scan(uint32_t pgno)
{
	unsigned long long	 before;
	struct vault		*v;
	char			 d[PATH_MAX];
	long long		 first;
	int			 n;

	copy_pristine(d, sizeof(d));
	for (; (first = leaf_first_rowid(d, pgno)) <= 0; pgno++)
		ASSERT_TRUE(pgno < file_size(d, VAULT_DB_FILE) / PG);
	flip(d, VAULT_DB_FILE, (long long)(pgno - 1) * PG + 3000);
	v = open_ok(d);
	before = vault_readahead_pages();
	/* every row before the page, exactly; then the VFS's error (not
	 * SQLITE_CORRUPT over a page of zeros, say) */
	ASSERT_INT_EQ(read_all(vault_db(v), &n), CS_ERR_TAMPERED);
	ASSERT_INT_EQ(sqlite3_extended_errcode(vault_db(v)),
	    SQLITE_IOERR_DATA);
	if (n != first)
		TEST_FAIL_("page %u tampered: %d rows read, expected %lld",
		    pgno, n, first);
	if (pgno > 20)
		ra_used_since(before, pgno / 2);
	vault_close(v);
	rm_rf(d);
}

static void
test_readahead_tamper(void)
{
	long long	npages;

	TEST_START("read-ahead: a tampered page in a scan is reported when "
	    "SQLite reads it, every row before it intact");
	npages = file_size(pristine, VAULT_DB_FILE) / PG;
	tamper_scan(7);
	tamper_scan(12);
	tamper_scan((uint32_t)(npages / 2));
	tamper_scan((uint32_t)(npages - 1));
	TEST_DONE();
}

static void
test_readahead_interleaved(void)
{
	unsigned long long	 before;
	struct vault		*v[3];
	sqlite3_stmt		*st[3];
	const unsigned char	*s;
	char			 d[PATH_MAX], want[256];
	int			 i, k, rc, done, nrows[3], row[3];

	TEST_START("read-ahead: interleaved scans of two vaults and of two "
	    "connections to one");
	newdir(d, sizeof(d));
	ASSERT_INT_EQ(vault_create(d, "another passphrase", 18, &v[2]), 0);
	fill(vault_db(v[2]), 0, 6000);
	exec_ok(vault_db(v[2]), "PRAGMA wal_checkpoint(TRUNCATE)");
	vault_close(v[2]);
	v[0] = open_ok(pristine);
	v[1] = open_ok(pristine);
	ASSERT_INT_EQ(vault_open(d, "another passphrase", 18, &v[2]), 0);
	nrows[0] = nrows[1] = NROWS;
	nrows[2] = 6000;
	before = vault_readahead_pages();
	for (k = 0; k < 3; k++) {
		ASSERT_INT_EQ(sqlite3_prepare_v2(vault_db(v[k]), "SELECT id, "
		    "body FROM t ORDER BY id", -1, &st[k], NULL), SQLITE_OK);
		row[k] = 0;
	}
	/* row by row in turn; the second connection two rows at a time */
	for (done = 0; done != 7;) {
		for (k = 0; k < 3; k++) {
			for (i = 0; i < (k == 1 ? 2 : 1); i++) {
				if (done & 1 << k)
					break;
				rc = sqlite3_step(st[k]);
				if (rc == SQLITE_DONE) {
					ASSERT_INT_EQ(row[k], nrows[k]);
					done |= 1 << k;
					break;
				}
				ASSERT_INT_EQ(rc, SQLITE_ROW);
				ASSERT_INT_EQ(sqlite3_column_int(st[k], 0),
				    row[k]);
				row_text(want, sizeof(want), row[k]);
				ASSERT_PTR_NE(s = sqlite3_column_text(st[k], 1),
				    NULL);
				ASSERT_STR_EQ((const char *)s, want);
				row[k]++;
			}
		}
	}
	ra_used_since(before, 2 * 150 + 40);
	for (k = 0; k < 3; k++) {
		sqlite3_finalize(st[k]);
		vault_close(v[k]);
	}
	rm_rf(d);
	TEST_DONE();
}

/*
 * The other side of test_readahead_concurrent: an UPDATE of rows, then
 * (but for the first) a passive checkpoint, which copies into the main
 * file what every reader's snapshot has.  In this process ("db") or in
 * a child that takes commands over "cmd" and answers on "ack".
 */
struct peer {
	sqlite3	*db;
	int	 cmd, ack;
};

static void
peer_run(sqlite3 *db, char c)
{
	static const char *const	sql[] = {
		"UPDATE t SET body = 'one ' || id WHERE id >= 10000 AND "
		    "id < 12000",
		"UPDATE t SET body = 'two ' || id WHERE id % 3 = 0 AND "
		    "id < 5000",
		"UPDATE t SET body = 'two ' || id WHERE id % 3 = 0 AND "
		    "id >= 5000 AND id < 14000",
		"UPDATE t SET body = 'two ' || id WHERE id % 3 = 0 AND "
		    "id >= 14000",
	};

	ASSERT_TRUE(c >= '0' && c <= '3');
	exec_ok(db, sql[c - '0']);
	if (c != '0')
		exec_ok(db, "PRAGMA wal_checkpoint(PASSIVE)");
}

static void
peer_do(struct peer *p, char c)
{
	char	r;

	if (p->db != NULL) {
		peer_run(p->db, c);
		return;
	}
	ASSERT_INT_EQ(write(p->cmd, &c, 1), 1);
	ASSERT_INT_EQ(read(p->ack, &r, 1), 1);
	ASSERT_INT_EQ(r, c);
}

static void
peer_child(const char *d, int cmd, int ack)
{
	struct vault	*v = NULL;
	char		 c;

	if (vault_open(d, PASS, PASSLEN, &v) != 0)
		_exit(1);
	exec_ok(vault_db(v), "PRAGMA wal_autocheckpoint=0");
	while (read(cmd, &c, 1) == 1 && c != 'q') {
		peer_run(vault_db(v), c);
		if (write(ack, &c, 1) != 1)
			_exit(1);
	}
	vault_close(v);
	_exit(0);
}

static void
readahead_concurrent(int other_process)
{
	unsigned long long	 before;
	struct vault		*a, *b = NULL;
	struct peer		 peer;
	sqlite3_stmt		*st;
	const unsigned char	*s;
	char			 d[PATH_MAX], want[256];
	int			 i, n, status, cmd[2], ack[2];
	pid_t			 pid = -1;

	copy_pristine(d, sizeof(d));
	memset(&peer, 0, sizeof(peer));
	if (other_process) {
		ASSERT_INT_EQ(pipe(cmd), 0);
		ASSERT_INT_EQ(pipe(ack), 0);
		ASSERT_INT_GE(pid = fork(), 0);
		if (pid == 0) {
			close(cmd[1]);
			close(ack[0]);
			peer_child(d, cmd[0], ack[1]);
		}
		close(cmd[0]);
		close(ack[1]);
		peer.cmd = cmd[1];
		peer.ack = ack[0];
	} else {
		b = open_ok(d);
		exec_ok(vault_db(b), "PRAGMA wal_autocheckpoint=0");
		peer.db = vault_db(b);
	}
	a = open_ok(d);
	/* Rows in the middle change in the WAL before the scan starts. */
	peer_do(&peer, '0');
	ASSERT_INT_EQ(sqlite3_prepare_v2(vault_db(a), "SELECT id, body FROM "
	    "t ORDER BY id", -1, &st, NULL), SQLITE_OK);
	for (i = 0; i < NROWS; i++) {
		ASSERT_INT_EQ(sqlite3_step(st), SQLITE_ROW);
		ASSERT_INT_EQ(sqlite3_column_int(st, 0), i);
		want_one(want, sizeof(want), i);
		ASSERT_PTR_NE(s = sqlite3_column_text(st, 1), NULL);
		if (strcmp((const char *)s, want) != 0)
			TEST_FAIL_("row %d: \"%s\", expected \"%s\"", i, s,
			    want);
		/*
		 * While the scan runs: writes after its snapshot, and
		 * checkpoints that copy the rows of '0' into the main file
		 * (they are in the snapshot), ahead of and behind the scan.
		 */
		if (i == 1000)
			peer_do(&peer, '1');
		else if (i == 6000)
			peer_do(&peer, '2');
		else if (i == 13000)
			peer_do(&peer, '3');
	}
	ASSERT_INT_EQ(sqlite3_step(st), SQLITE_DONE);
	sqlite3_finalize(st);
	if (other_process) {
		ASSERT_INT_EQ(write(peer.cmd, "q", 1), 1);
		ASSERT_INT_EQ(waitpid(pid, &status, 0), pid);
		ASSERT_TRUE(WIFEXITED(status));
		ASSERT_INT_EQ(WEXITSTATUS(status), 0);
		close(peer.cmd);
		close(peer.ack);
	} else
		vault_close(b);
	/* Everything into the main file: the next scan reads it there. */
	ASSERT_INT_EQ(sqlite3_prepare_v2(vault_db(a), "PRAGMA "
	    "wal_checkpoint(TRUNCATE)", -1, &st, NULL), SQLITE_OK);
	ASSERT_INT_EQ(sqlite3_step(st), SQLITE_ROW);
	ASSERT_INT_EQ(sqlite3_column_int(st, 0), 0);	/* not busy */
	sqlite3_finalize(st);
	ASSERT_INT_EQ(file_size(d, VAULT_DB_FILE "-wal"), 0);
	before = vault_readahead_pages();
	ASSERT_INT_EQ(scan_rows(vault_db(a), want_two, NROWS, &n), 0);
	ra_used_since(before, 100);
	ASSERT_INT_EQ(vault_check(a), 0);
	vault_close(a);
	rm_rf(d);
}

static void
test_readahead_concurrent(void)
{
	TEST_START("read-ahead: a scan while another connection, or another "
	    "process, writes and checkpoints sees its snapshot; the next "
	    "scan sees the new rows");
	readahead_concurrent(0);
	readahead_concurrent(1);
	TEST_DONE();
}

static void
test_readahead_rescan(void)
{
	unsigned long long	 before;
	struct vault		*a, *b;
	sqlite3_stmt		*st;
	char			 d[PATH_MAX];
	int			 i, n;

	TEST_START("read-ahead: a scan stopped half-way, another connection "
	    "rewrites the pages just ahead of it, the next scan sees them");
	copy_pristine(d, sizeof(d));
	a = open_ok(d);
	b = open_ok(d);
	ASSERT_INT_EQ(sqlite3_prepare_v2(vault_db(a), "SELECT id, body FROM "
	    "t ORDER BY id", -1, &st, NULL), SQLITE_OK);
	before = vault_readahead_pages();
	for (i = 0; i < 9900; i++)
		ASSERT_INT_EQ(sqlite3_step(st), SQLITE_ROW);
	ra_used_since(before, 50);
	/* the ring holds the pages of rows 9900.. as they were */
	ASSERT_INT_EQ(sqlite3_reset(st), SQLITE_OK);
	sqlite3_finalize(st);
	exec_ok(vault_db(b), "UPDATE t SET body = 'one ' || id WHERE "
	    "id >= 10000 AND id < 12000");
	exec_ok(vault_db(b), "PRAGMA wal_checkpoint(TRUNCATE)");
	ASSERT_INT_EQ(file_size(d, VAULT_DB_FILE "-wal"), 0);
	before = vault_readahead_pages();
	ASSERT_INT_EQ(scan_rows(vault_db(a), want_one, NROWS, &n), 0);
	ra_used_since(before, 100);
	vault_close(b);
	vault_close(a);
	rm_rf(d);
	TEST_DONE();
}

static void
test_readahead_own_writes(void)
{
	unsigned long long	 before;
	struct vault		*v;
	char			 d[PATH_MAX];
	int			 n;

	TEST_START("read-ahead: scans after and inside the connection's own "
	    "writes (WAL and rollback journal, tiny cache) see them");
	copy_pristine(d, sizeof(d));
	v = open_ok(d);
	/* a tiny cache: SQLite reads pages back from the file */
	exec_ok(vault_db(v), "PRAGMA cache_size=4");
	ASSERT_INT_EQ(scan_rows(vault_db(v), row_text, NROWS, &n), 0);
	exec_ok(vault_db(v), "UPDATE t SET body = 'one ' || id WHERE "
	    "id >= 10000 AND id < 12000");
	exec_ok(vault_db(v), "PRAGMA wal_checkpoint(TRUNCATE)");
	before = vault_readahead_pages();
	ASSERT_INT_EQ(scan_rows(vault_db(v), want_one, NROWS, &n), 0);
	ra_used_since(before, 100);

	/* Rollback journal: a spilling transaction writes the main file
	 * itself, then a scan in it, then the rollback rewrites it. */
	exec_ok(vault_db(v), "PRAGMA journal_mode=DELETE");
	exec_ok(vault_db(v), "UPDATE t SET body = 'x' || body");
	ASSERT_INT_EQ(scan_rows(vault_db(v), want_x, NROWS, &n), 0);
	exec_ok(vault_db(v), "BEGIN");
	exec_ok(vault_db(v), "UPDATE t SET body = substr(body, 2)");
	ASSERT_TRUE(file_size(d, VAULT_DB_FILE "-journal") > 10 * PG);
	before = vault_readahead_pages();
	ASSERT_INT_EQ(scan_rows(vault_db(v), want_one, NROWS, &n), 0);
	ra_used_since(before, 50);
	exec_ok(vault_db(v), "ROLLBACK");
	ASSERT_INT_EQ(scan_rows(vault_db(v), want_x, NROWS, &n), 0);
	ASSERT_INT_EQ(vault_check(v), 0);
	vault_close(v);
	rm_rf(d);
	TEST_DONE();
}

static void
test_passphrase_input(void)
{
	char	 d[PATH_MAX], p[PATH_MAX], *pass;
	size_t	 len;

	TEST_START("passphrase from a file (first line) and the environment; "
	    "empty refused");
	newdir(d, sizeof(d));
	path_of(p, sizeof(p), d, "pf");
	spit(p, "file pass\r\nsecond line\n", 23);
	ASSERT_INT_EQ(passphrase_get(p, 0, &pass, &len), 0);
	ASSERT_INT_EQ(len, 9);
	ASSERT_STR_EQ(pass, "file pass");
	passphrase_free(pass, len);
	spit(p, "no newline", 10);
	ASSERT_INT_EQ(passphrase_get(p, 1, &pass, &len), 0);
	ASSERT_STR_EQ(pass, "no newline");
	passphrase_free(pass, len);
	spit(p, "\nafter an empty line\n", 21);
	ASSERT_INT_EQ(passphrase_get(p, 0, &pass, &len), CS_ERR_FORMAT);
	ASSERT_PTR_EQ(pass, NULL);
	unlink(p);
	ASSERT_INT_EQ(passphrase_get(p, 0, &pass, &len), CS_ERR_NOT_FOUND);
	ASSERT_INT_EQ(setenv("CASESYNC_PASSPHRASE", "from env", 1), 0);
	ASSERT_INT_EQ(passphrase_get(NULL, 0, &pass, &len), 0);
	ASSERT_STR_EQ(pass, "from env");
	passphrase_free(pass, len);
	ASSERT_INT_EQ(setenv("CASESYNC_PASSPHRASE", "", 1), 0);
	ASSERT_INT_EQ(passphrase_get(NULL, 0, &pass, &len), CS_ERR_FORMAT);
	ASSERT_INT_EQ(setenv("CASESYNC_NEW_PASSPHRASE", "newer", 1), 0);
	ASSERT_INT_EQ(passphrase_get_new(&pass, &len), 0);
	ASSERT_STR_EQ(pass, "newer");
	passphrase_free(pass, len);
	unsetenv("CASESYNC_PASSPHRASE");
	unsetenv("CASESYNC_NEW_PASSPHRASE");
	passphrase_free(NULL, 0);
	rm_rf(d);
	TEST_DONE();
}

static void
test_harden(void)
{
	struct rlimit	rl;
	pid_t		pid;
	int		status;

	TEST_START("vault_harden_process: no core dumps");
	/* In a child: LeakSanitizer cannot inspect an undumpable process. */
	ASSERT_INT_GE(pid = fork(), 0);
	if (pid == 0) {
		if (vault_harden_process() != 0 ||
		    getrlimit(RLIMIT_CORE, &rl) != 0 || rl.rlim_cur != 0 ||
		    rl.rlim_max != 0)
			_exit(1);
#if !defined(__SANITIZE_ADDRESS__)
		if (prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) != 0)
			_exit(2);
#endif
		_exit(0);
	}
	ASSERT_INT_EQ(waitpid(pid, &status, 0), pid);
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_INT_EQ(WEXITSTATUS(status), 0);
	TEST_DONE();
}

int
main(void)
{
	char	tmpl[] = "/tmp/test_vault.XXXXXX";

	log_init(1, "test_vault");
	ASSERT_INT_GE(sodium_init(), 0);
	ASSERT_INT_EQ(setenv("CASESYNC_KDF", "fast", 1), 0);
	ASSERT_PTR_NE(mkdtemp(tmpl), NULL);
	ASSERT_INT_EQ(str_fmt(top, sizeof(top), "%s", tmpl), 0);

	test_create_roundtrip();
	test_pragmas();
	test_wrong_passphrase();
	test_tamper_main();
	test_swap_truncate();
	test_rollback_pages();
	test_tamper_wal();
	test_wal_spill();
	test_vacuum();
	test_journal_mode();
	test_passwd();
	test_keyfile();
	test_secrets();
	test_marker();
	test_two_connections();
	test_checkpoint_thread();
	test_readahead_scan();
	test_readahead_boundaries();
	test_readahead_tamper();
	test_readahead_interleaved();
	test_readahead_concurrent();
	test_readahead_rescan();
	test_readahead_own_writes();
	test_passphrase_input();
	test_harden();

	rm_rf(pristine);
	rmdir(top);
	return 0;
}
