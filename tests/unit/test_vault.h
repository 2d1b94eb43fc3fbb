/* SPDX-License-Identifier: ISC */
/*
 * test_vault.h - what the vault's unit tests share (test_vault.c,
 * test_vault_key.c, test_vault_ahead.c): files in a mkdtemp directory,
 * a table "t" of NROWS rows, opening and reading it back.  Every helper
 * fails the test on an unexpected result.
 */
#ifndef TEST_VAULT_H
#define TEST_VAULT_H

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

static inline void
newdir(char *dst, size_t len)
{
	ASSERT_INT_EQ(str_fmt(dst, len, "%s/d%d", top, ndirs++), 0);
	ASSERT_INT_EQ(mkdir(dst, 0700), 0);
}

static inline void
path_of(char *dst, size_t len, const char *dir, const char *name)
{
	ASSERT_INT_EQ(str_fmt(dst, len, "%s/%s", dir, name), 0);
}

static inline void
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

static inline struct buf *
slurp(const char *path)
{
	struct buf	*b = NULL;

	ASSERT_INT_EQ(file_read(path, 256 * 1024 * 1024, &b), 0);
	return b;
}

static inline void
spit(const char *path, const void *p, size_t n)
{
	int	fd;

	ASSERT_INT_GE(fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600), 0);
	ASSERT_INT_EQ(write(fd, p, n), (long long)n);
	close(fd);
}

/* Copy the files "names" (NULL-terminated) of "src" into "dst". */
static inline void
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

static inline long long
file_size(const char *dir, const char *name)
{
	char		p[PATH_MAX];
	struct stat	st;

	path_of(p, sizeof(p), dir, name);
	if (stat(p, &st) == -1)
		return -1;
	return (long long)st.st_size;
}

static inline void
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
static inline int
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
static inline struct buf *
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

static inline void
same_snapshot(struct buf *a, struct buf *b)
{
	ASSERT_INT_EQ(buf_len(a), buf_len(b));
	ASSERT_MEM_EQ(buf_ptr(a), buf_ptr(b), buf_len(a));
	buf_free(a);
	buf_free(b);
}

static inline void
exec_ok(sqlite3 *db, const char *sql)
{
	char	*err = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
		TEST_FAIL_("%s: %s", sql, err != NULL ? err : "?");
}

static inline void
row_text(char *dst, size_t len, int i)
{
	ASSERT_INT_EQ(str_fmt(dst, len, "row %08d %s of a case file, "
	    "with some padding so that a row is about 150 bytes long: "
	    "lorem ipsum dolor sit amet %d", i, MARKER, i * 7), 0);
}

/* Insert rows [from, to) into t, in one transaction. */
static inline void
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
static inline int
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

static inline struct vault *
open_ok(const char *dir)
{
	struct vault	*v = NULL;

	ASSERT_INT_EQ(vault_open(dir, PASS, PASSLEN, &v), 0);
	return v;
}

static inline int
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
static inline int
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

/* 1 if this process may run on two CPUs: only then is there a worker. */
static inline int
ra_possible(void)
{
	cpu_set_t	cpus;

	return sched_getaffinity(0, sizeof(cpus), &cpus) == 0 &&
	    CPU_COUNT(&cpus) >= 2;
}

/* NROWS rows, closed (no WAL): made by vt_pristine() or its test. */
static char	pristine[PATH_MAX];

/* A copy of "pristine" in a new directory. */
static inline void
copy_pristine(char *d, size_t len)
{
	const char *const	names[] = { VAULT_KEY_FILE, VAULT_DB_FILE,
	    HEAD_FILE, NULL };

	newdir(d, len);
	copy_files(pristine, d, names);
}

/* Make "pristine" (test_vault.c's first test makes it with checks). */
static inline void
vt_pristine(void)
{
	struct vault	*v = NULL;

	newdir(pristine, sizeof(pristine));
	ASSERT_INT_EQ(vault_create(pristine, PASS, PASSLEN, &v), 0);
	fill(vault_db(v), 0, NROWS);
	vault_close(v);
}

/* Before the first test: logs, libsodium, a fast KDF, the directory. */
static inline void
vt_start(const char *name)
{
	char	tmpl[PATH_MAX];

	log_init(1, name);
	ASSERT_INT_GE(sodium_init(), 0);
	ASSERT_INT_EQ(setenv("CASESYNC_KDF", "fast", 1), 0);
	ASSERT_INT_EQ(str_fmt(tmpl, sizeof(tmpl), "/tmp/%s.XXXXXX", name),
	    0);
	ASSERT_PTR_NE(mkdtemp(tmpl), NULL);
	ASSERT_INT_EQ(str_fmt(top, sizeof(top), "%s", tmpl), 0);
}

static inline void
vt_end(void)
{
	rm_rf(pristine);
	rmdir(top);
}

#endif /* TEST_VAULT_H */
