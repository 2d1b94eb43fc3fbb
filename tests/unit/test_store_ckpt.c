/* SPDX-License-Identifier: ISC */
/*
 * test_store_ckpt.c - casesyncd's checkpoint thread (server/
 * store_ckpt.c): two connections attached to it, as two workers, commit
 * far more frames than the WAL may hold, with a third connection that
 * is not attached (casesyncctl) writing now and then; the WAL file
 * stays under the bound the thread keeps (STORE_CKPT_LAG_PAGES and a
 * transaction), where SQLite's autocheckpoint, which the hook replaces,
 * is not there to keep it.  Then a commit too small to ask for a pass
 * is copied once the connections are quiet, every row is there, and
 * the file passes integrity_check.  On PostgreSQL there is no thread.
 */
#include <sys/stat.h>

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "errors.h"
#include "store.h"
#include "store_int.h"
#include "util.h"
#include "test.h"
#include "test_store_db.h"

#define TXS		300	/* transactions of the long write */
#define ROWS		100	/* rows of a transaction, a page each */
#define ROW_LEN		3000
#define PAGE		4096	/* the server database's page size */

static char	 tmpdir[PATH_MAX];
static char	 dbpath[PATH_MAX];
static char	 walpath[PATH_MAX + 8];

static int64_t
wal_size(void)
{
	struct stat	sb;

	return stat(walpath, &sb) == 0 ? (int64_t)sb.st_size : 0;
}

static void
tx(struct store *st, int n)
{
	char	sql[128];

	ASSERT_INT_EQ(str_fmt(sql, sizeof(sql), "WITH RECURSIVE s(i) AS "
	    "(SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < %d) "
	    "INSERT INTO t (x) SELECT randomblob(%d) FROM s", n, ROW_LEN), 0);
	ASSERT_INT_EQ(store_begin(st), 0);
	ASSERT_INT_EQ(store_exec(st, sql), 0);
	ASSERT_INT_EQ(store_commit(st), 0);
}

/* Until a pass has begun after the last commit and ended: 5 s at most. */
static void
quiet(struct store_ckpt *ck, struct store_ckpt_stats *s)
{
	int	i;

	for (i = 0; i < 100; i++) {
		store_ckpt_stats(ck, s);
		if (s->covered == s->commits)
			return;
		usleep(50 * 1000);
	}
	TEST_FAIL_("no pass after the last of %llu commits",
	    (unsigned long long)s->commits);
}

static void
test_pg(void)
{
	struct store_ckpt	*ck = (struct store_ckpt *)1;

	TEST_START("store_ckpt: none on PostgreSQL");
	ASSERT_INT_EQ(store_ckpt_new(test_store_spec(dbpath), &ck), 0);
	ASSERT_PTR_EQ(ck, NULL);
	ASSERT_INT_EQ(store_ckpt_start(ck), 0);
	store_ckpt_free(ck);
	TEST_DONE();
}

static void
test_bound(void)
{
	struct store		*st[3];
	struct store_ckpt	*ck = NULL;
	struct store_ckpt_stats	 s0, s;
	int64_t			 max = 0, bound, n = 0;
	int			 i;

	TEST_START("store_ckpt: the WAL stays bounded in a long write");
	ASSERT_INT_EQ(store_open(test_store_new(dbpath), 1, &st[0]), 0);
	ASSERT_INT_EQ(store_exec_tx(st[0], "CREATE TABLE t (id INTEGER "
	    "PRIMARY KEY, x BLOB)"), 0);
	ASSERT_INT_EQ(store_open(dbpath, 0, &st[1]), 0);
	ASSERT_INT_EQ(store_open(dbpath, 0, &st[2]), 0);
	ASSERT_INT_EQ(store_ckpt_new(dbpath, &ck), 0);
	ASSERT_PTR_NE(ck, NULL);
	store_ckpt_attach(ck, st[0]);
	store_ckpt_attach(ck, st[1]);
	ASSERT_INT_EQ(store_ckpt_start(ck), 0);
	for (i = 0; i < TXS; i++) {
		tx(st[i % 2], ROWS);
		n += ROWS;
		if (i % 50 == 25) {
			/* casesyncctl, with SQLite's autocheckpoint */
			tx(st[2], 1);
			n++;
		}
		if (wal_size() > max)
			max = wal_size();
	}
	/* the lag and two transactions, a row a page and their tree */
	bound = (int64_t)(STORE_CKPT_LAG_PAGES + 3 * (ROWS + 10)) *
	    (PAGE + 24) + 32;
	if (max > bound)
		TEST_FAIL_("the WAL grew to %lld bytes (bound %lld)",
		    (long long)max, (long long)bound);
	/* without the thread, TXS * ROWS frames: the test must exceed it */
	ASSERT_TRUE((int64_t)TXS * ROWS > 2 * STORE_CKPT_LAG_PAGES);
	store_ckpt_stats(ck, &s0);
	ASSERT_TRUE(s0.passes > 0);
	ASSERT_TRUE(s0.commits >= TXS);
	TEST_DONE();

	TEST_START("store_ckpt: a quiet server copies what is left");
	/* everything copied first: then the WAL starts over */
	quiet(ck, &s0);
	tx(st[0], 3);
	n += 3;
	/* three frames: no pass is asked for; one runs when all is quiet */
	quiet(ck, &s);
	ASSERT_TRUE(s.idle_passes > s0.idle_passes);
	ASSERT_TRUE(s.last_log > 0);
	ASSERT_TRUE(s.last_log < STORE_CKPT_PAGES);
	ASSERT_INT_EQ(s.last_copied, s.last_log);
	ASSERT_INT_EQ(s.failed, 0);
	TEST_DONE();

	TEST_START("store_ckpt: every row, integrity, and a clean stop");
	ASSERT_INT_EQ(test_sql_int(dbpath, "SELECT count(*) FROM t"), n);
	store_close(st[2]);
	store_close(st[1]);
	store_ckpt_detach(ck, st[0]);
	store_ckpt_free(ck);
	/* a checkpoint by SQLite's own rule again on the detached one */
	tx(st[0], 1);
	store_close(st[0]);
	ASSERT_INT_EQ(test_sql_int(dbpath, "SELECT count(*) FROM t"), n + 1);
	{
		struct sdb	*db = test_sdb(dbpath);
		struct sdb_stmt	*q = NULL;

		ASSERT_INT_EQ(sdb_prepare(db, "PRAGMA integrity_check", &q),
		    0);
		ASSERT_INT_EQ(sdb_step(q), SDB_ROW);
		ASSERT_INT_EQ(strcmp((const char *)sdb_column_text(q, 0),
		    "ok"), 0);
		sdb_finalize(q);
		sdb_close(db);
	}
	TEST_DONE();
}

static void
cleanup(void)
{
	char	p[PATH_MAX + 16];

	(void)unlink(dbpath);
	(void)unlink(walpath);
	if (str_fmt(p, sizeof(p), "%s-shm", dbpath) == 0)
		(void)unlink(p);
	(void)rmdir(tmpdir);
}

int
main(void)
{
	const char	*tmp;

	if (sodium_init() < 0)
		return 1;
	if ((tmp = getenv("TMPDIR")) == NULL || *tmp == '\0')
		tmp = "/tmp";
	ASSERT_INT_EQ(str_fmt(tmpdir, sizeof(tmpdir),
	    "%s/test_store_ckpt.XXXXXX", tmp), 0);
	ASSERT_PTR_NE(mkdtemp(tmpdir), NULL);
	ASSERT_INT_EQ(str_fmt(dbpath, sizeof(dbpath), "%s/server.db", tmpdir),
	    0);
	ASSERT_INT_EQ(str_fmt(walpath, sizeof(walpath), "%s-wal", dbpath), 0);
	if (test_store_pg())
		test_pg();
	else
		test_bound();
	cleanup();
	return 0;
}
