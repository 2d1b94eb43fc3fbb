/* SPDX-License-Identifier: ISC */
/*
 * test_vault_ahead.c - unit tests for the read-ahead of sequential
 * scans (client/vault/vault_ahead.c) under the VFS (client/vault/vault.c): every
 * call that must empty it, a tampered page reported
 * exactly when SQLite reaches it, interleaved scans, scans during
 * writes and checkpoints by another connection or process, and scans
 * after the connection's own writes.
 */
#include "test_vault.h"

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

int
main(void)
{
	vt_start("test_vault_ahead");
	vt_pristine();
	test_readahead_scan();
	test_readahead_boundaries();
	test_readahead_tamper();
	test_readahead_interleaved();
	test_readahead_concurrent();
	test_readahead_rescan();
	test_readahead_own_writes();
	vt_end();
	return 0;
}
