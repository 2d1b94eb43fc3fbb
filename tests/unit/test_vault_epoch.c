/* SPDX-License-Identifier: ISC */
/*
 * test_vault_epoch.c - the WAL epochs of the vault (docs/VAULT.md,
 * "WAL epochs"; client/vault/vault_page.c, vault_head.c): WAL frames
 * sealed under the main file's AD and copied into vault.db as they are
 * must not let anything else in as a frame.  Each test crafts a WAL
 * with SQLite's checksums right (the test has the key and computes
 * them over the plaintext), so that only the vault can refuse it:
 *
 * - old pages of vault.db in a WAL ending in a commit frame;
 * - genuine frames of an older WAL generation;
 * - a page of vault.db appended, as a commit, after a newer committed
 *   frame of the same page in the current WAL (a laptop taken while
 *   casesync runs);
 * - a frame that was not a commit frame made one;
 *
 * each gives CS_ERR_TAMPERED at the open, and a control shows that the
 * same WAL with the frames sealed for the current epoch is taken (so
 * the crafting is right and the refusal is the vault's).  And two
 * processes: a writer starts a new WAL generation while a checkpointer
 * in another process, its pass done, still holds the checkpoint lock
 * (2 s, CASESYNC_FAULT=pause:vault-head-end): the new epoch waits for
 * the lock (the write takes >= 0.5 s), and nothing is refused.
 */
#include <time.h>

#include "test_vault.h"
#include "fault.h"

#define WAL_FILE	VAULT_DB_FILE "-wal"
#define FSZ		(24 + PG)

/* ---- helpers ---- */

static uint32_t
ld32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

static void
st32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* SQLite's walChecksumBytes. */
static void
cksum(int big, const uint8_t *a, size_t n, uint32_t s[2])
{
	uint32_t	x, y;
	size_t		i;

	for (i = 0; i + 8 <= n; i += 8) {
		if (big) {
			x = ld32(a + i);
			y = ld32(a + i + 4);
		} else {
			x = (uint32_t)a[i] | (uint32_t)a[i + 1] << 8 |
			    (uint32_t)a[i + 2] << 16 | (uint32_t)a[i + 3] << 24;
			y = (uint32_t)a[i + 4] | (uint32_t)a[i + 5] << 8 |
			    (uint32_t)a[i + 6] << 16 | (uint32_t)a[i + 7] << 24;
		}
		s[0] += x + s[1];
		s[1] += y + s[0];
	}
}

/* A new WAL header with random salts; its checksum in s. */
static void
wal_header(uint8_t h[32], uint32_t s[2])
{
	st32(h, 0x377f0682);
	st32(h + 4, 3007000);
	st32(h + 8, PG);
	st32(h + 12, 0);
	randombytes_buf(h + 16, 8);
	s[0] = s[1] = 0;
	cksum(0, h, 24, s);
	st32(h + 24, s[0]);
	st32(h + 28, s[1]);
}

/*
 * Frame header for the sealed page "sealed" (as it goes into the WAL)
 * of page "pgno", commit size "commit", the salts of "wh", checksums
 * chained from "s" (updated).  The checksum is over the plaintext.
 */
static void
frame_header(const struct vault_keys *keys, uint8_t fh[24],
    const uint8_t *sealed, uint32_t pgno, uint32_t commit,
    const uint8_t wh[32], uint32_t s[2])
{
	uint8_t	*plain;

	ASSERT_PTR_NE(plain = malloc(PG), NULL);
	memcpy(plain, sealed, PG);
	ASSERT_INT_EQ(vault_page_open(keys, 1, plain, PG, pgno, 0), 0);
	st32(fh, pgno);
	st32(fh + 4, commit);
	memcpy(fh + 8, wh + 16, 8);
	cksum(wh[3] & 1, fh, 8, s);
	cksum(wh[3] & 1, plain, PG, s);
	st32(fh + 16, s[0]);
	st32(fh + 20, s[1]);
	free(plain);
}

/* Seal the plaintext of "sealed" (page pgno) again for epoch "e". */
static void
reseal_epoch(const struct vault_keys *keys, uint8_t *sealed, uint32_t pgno,
    uint32_t commit, const uint8_t e[8])
{
	uint8_t			ad[VAULT_DBID_LEN + 9];
	unsigned long long	taglen;
	size_t			n = PG - VAULT_RESERVE;

	ASSERT_INT_EQ(vault_page_open(keys, 1, sealed, PG, pgno, 0), 0);
	memcpy(ad, keys->dbid, VAULT_DBID_LEN);
	ad[VAULT_DBID_LEN] = 1;
	st32(ad + VAULT_DBID_LEN + 1, pgno);
	st32(ad + VAULT_DBID_LEN + 5, 0);
	randombytes_buf(sealed + n, 24);
	memcpy(sealed + n, e, 8);
	st32(sealed + n + 8, commit);
	ASSERT_INT_EQ(crypto_aead_xchacha20poly1305_ietf_encrypt_detached(
	    sealed, sealed + n + 24, &taglen, sealed, n, ad, sizeof(ad), NULL,
	    sealed + n, keys->pagekey), 0);
}

/* The current epoch E from dir's page list (csvhead2). */
static void
list_epoch(const char *dir, uint8_t e[8])
{
	char		 p[PATH_MAX];
	struct buf	*b;

	path_of(p, sizeof(p), dir, HEAD_FILE);
	b = slurp(p);
	ASSERT_TRUE(buf_len(b) > 56);
	ASSERT_INT_EQ(memcmp(buf_ptr(b), "csvhead2", 8), 0);
	memcpy(e, buf_ptr(b) + 32, 8);
	buf_free(b);
}

/*
 * Write dir's WAL: a new header, then "n" pages "pages[i]" (sealed,
 * PG bytes each) at page numbers "pgnos[i]", the last a commit frame
 * of "dbsize" pages; with "epoch", the pages are sealed again for the
 * current epoch first (the control).
 */
static void
write_wal(const struct vault_keys *keys, const char *dir, uint8_t *pages,
    const uint32_t *pgnos, size_t n, uint32_t dbsize, int epoch)
{
	uint8_t		 wh[32], e[8], *w, *fr;
	uint32_t	 s[2], commit;
	char		 p[PATH_MAX];
	size_t		 i;

	if (epoch)
		list_epoch(dir, e);
	ASSERT_PTR_NE(w = malloc(32 + n * FSZ), NULL);
	wal_header(wh, s);
	memcpy(w, wh, 32);
	for (i = 0; i < n; i++) {
		fr = w + 32 + i * FSZ;
		commit = i + 1 == n ? dbsize : 0;
		memcpy(fr + 24, pages + i * PG, PG);
		if (epoch)
			reseal_epoch(keys, fr + 24, pgnos[i], commit, e);
		frame_header(keys, fr, fr + 24, pgnos[i], commit, wh, s);
	}
	path_of(p, sizeof(p), dir, WAL_FILE);
	spit(p, w, 32 + n * FSZ);
	free(w);
}

/* The value of u (one row) after opening "dir": the open's result. */
static int
open_u(const char *dir, char *val, size_t len)
{
	struct vault	*v = NULL;
	sqlite3_stmt	*st;
	int		 r;

	val[0] = '\0';
	if ((r = vault_open(dir, PASS, PASSLEN, &v)) != 0)
		return r;
	ASSERT_INT_EQ(sqlite3_prepare_v2(vault_db(v), "SELECT x FROM u", -1,
	    &st, NULL), SQLITE_OK);
	if (sqlite3_step(st) == SQLITE_ROW)
		ASSERT_INT_EQ(str_fmt(val, len, "%s",
		    (const char *)sqlite3_column_text(st, 0)), 0);
	sqlite3_finalize(st);
	r = vault_check(v);
	vault_close(v);
	return r;
}

/* A vault with table u = 'old'; "o" gets a copy of it (closed). */
static void
make_u(char *d, size_t dlen, char *o, size_t olen)
{
	const char *const	 names[] = { VAULT_KEY_FILE, VAULT_DB_FILE,
	    HEAD_FILE, NULL };
	struct vault		*v;

	copy_pristine(d, dlen);
	v = open_ok(d);
	exec_ok(vault_db(v), "CREATE TABLE u (x TEXT); "
	    "INSERT INTO u VALUES ('old')");
	vault_close(v);
	newdir(o, olen);
	copy_files(d, o, names);
}

/* ---- tests ---- */

static void
test_replay_db_pages(void)
{
	struct vault_keys	*keys = NULL;
	struct buf		*old, *cur;
	uint8_t			*pages;
	uint32_t		 pgnos[64];
	char			 d[PATH_MAX], o[PATH_MAX], f[PATH_MAX];
	char			 val[64];
	size_t			 i, n = 0, np;
	struct vault		*v;

	TEST_START("old pages of vault.db in a crafted WAL ending in a "
	    "commit frame: CS_ERR_TAMPERED (sealed for the epoch: taken)");
	make_u(d, sizeof(d), o, sizeof(o));
	v = open_ok(d);
	exec_ok(vault_db(v), "UPDATE u SET x = 'new'");
	vault_close(v);
	ASSERT_INT_EQ(open_u(d, val, sizeof(val)), 0);
	ASSERT_STR_EQ(val, "new");
	path_of(f, sizeof(f), o, VAULT_DB_FILE);
	old = slurp(f);
	path_of(f, sizeof(f), d, VAULT_DB_FILE);
	cur = slurp(f);
	ASSERT_INT_EQ(buf_len(old), buf_len(cur));
	np = buf_len(cur) / PG;
	ASSERT_PTR_NE(pages = malloc(64 * PG), NULL);
	for (i = 0; i < np && n < 64; i++) {
		if (memcmp(buf_ptr(old) + i * PG, buf_ptr(cur) + i * PG,
		    PG) == 0)
			continue;
		memcpy(pages + n * PG, buf_ptr(old) + i * PG, PG);
		pgnos[n++] = (uint32_t)i + 1;
	}
	ASSERT_INT_GE(n, 1);
	ASSERT_INT_EQ(vaultkey_load(d, PASS, PASSLEN, &keys), 0);
	write_wal(keys, d, pages, pgnos, n, (uint32_t)np, 0);
	ASSERT_INT_EQ(open_u(d, val, sizeof(val)), CS_ERR_TAMPERED);
	/* control: the same WAL, the pages sealed for the epoch */
	path_of(f, sizeof(f), d, VAULT_DB_FILE);
	spit(f, buf_ptr(cur), buf_len(cur));
	write_wal(keys, d, pages, pgnos, n, (uint32_t)np, 1);
	ASSERT_INT_EQ(open_u(d, val, sizeof(val)), 0);
	ASSERT_STR_EQ(val, "old");
	vaultkey_free(keys);
	free(pages);
	buf_free(old);
	buf_free(cur);
	rm_rf(d);
	rm_rf(o);
	TEST_DONE();
}

static void
test_replay_old_generation(void)
{
	struct vault_keys	*keys = NULL;
	struct vault		*v;
	struct buf		*w;
	uint8_t			*pages;
	uint32_t		 pgnos[64], dbsize = 0;
	char			 d[PATH_MAX], o[PATH_MAX], f[PATH_MAX];
	char			 val[64];
	size_t			 i, n;

	TEST_START("frames of an older WAL generation in a crafted WAL: "
	    "CS_ERR_TAMPERED");
	make_u(d, sizeof(d), o, sizeof(o));
	v = open_ok(d);
	exec_ok(vault_db(v), "UPDATE u SET x = 'gen1'");
	path_of(f, sizeof(f), d, WAL_FILE);
	w = slurp(f);			/* generation 1, while open */
	vault_close(v);
	v = open_ok(d);
	exec_ok(vault_db(v), "UPDATE u SET x = 'gen2'");
	vault_close(v);
	ASSERT_INT_EQ(open_u(d, val, sizeof(val)), 0);
	ASSERT_STR_EQ(val, "gen2");
	n = (buf_len(w) - 32) / FSZ;
	ASSERT_INT_GE(n, 1);
	ASSERT_TRUE(n <= 64);
	ASSERT_PTR_NE(pages = malloc(n * PG), NULL);
	for (i = 0; i < n; i++) {
		pgnos[i] = ld32(buf_ptr(w) + 32 + i * FSZ);
		if (ld32(buf_ptr(w) + 32 + i * FSZ + 4) != 0)
			dbsize = ld32(buf_ptr(w) + 32 + i * FSZ + 4);
		memcpy(pages + i * PG, buf_ptr(w) + 32 + i * FSZ + 24, PG);
	}
	ASSERT_INT_GE(dbsize, 1);
	ASSERT_INT_EQ(vaultkey_load(d, PASS, PASSLEN, &keys), 0);
	write_wal(keys, d, pages, pgnos, n, dbsize, 0);
	ASSERT_INT_EQ(open_u(d, val, sizeof(val)), CS_ERR_TAMPERED);
	vaultkey_free(keys);
	free(pages);
	buf_free(w);
	rm_rf(d);
	rm_rf(o);
	TEST_DONE();
}

/*
 * A vault "d" whose WAL holds committed transactions, copied while the
 * connection is open into "e" (a laptop taken while casesync runs).
 */
static void
make_live_copy(char *d, size_t dlen, char *e, size_t elen)
{
	const char *const	 names[] = { VAULT_KEY_FILE, VAULT_DB_FILE,
	    WAL_FILE, HEAD_FILE, NULL };
	char			 o[PATH_MAX];
	struct vault		*v;

	make_u(d, dlen, o, sizeof(o));
	rm_rf(o);
	v = open_ok(d);
	exec_ok(vault_db(v), "PRAGMA wal_autocheckpoint=0");
	exec_ok(vault_db(v), "UPDATE u SET x = 'new'");
	fill(vault_db(v), NROWS, NROWS + 300);
	newdir(e, elen);
	copy_files(d, e, names);
	vault_close(v);
}

static void
test_replay_after_newer(void)
{
	struct vault_keys	*keys = NULL;
	struct buf		*w, *db;
	uint8_t			*x, *fr;
	uint32_t		 s[2], pgno, dbsize = 0;
	char			 d[PATH_MAX], e[PATH_MAX], f[PATH_MAX];
	char			 val[64];
	size_t			 n, i, len;

	TEST_START("a page of vault.db appended as a commit after a newer "
	    "committed frame of it in the current WAL: CS_ERR_TAMPERED");
	make_live_copy(d, sizeof(d), e, sizeof(e));
	ASSERT_INT_EQ(open_u(d, val, sizeof(val)), 0);
	ASSERT_STR_EQ(val, "new");
	path_of(f, sizeof(f), e, WAL_FILE);
	w = slurp(f);
	n = (buf_len(w) - 32) / FSZ;
	ASSERT_INT_GE(n, 2);
	for (i = 0; i < n; i++)
		if (ld32(buf_ptr(w) + 32 + i * FSZ + 4) != 0)
			dbsize = ld32(buf_ptr(w) + 32 + i * FSZ + 4);
	ASSERT_INT_GE(dbsize, 1);
	pgno = ld32(buf_ptr(w) + 32);	/* the first frame's page */
	path_of(f, sizeof(f), e, VAULT_DB_FILE);
	db = slurp(f);
	ASSERT_TRUE(buf_len(db) >= (size_t)pgno * PG);
	len = 32 + n * FSZ;
	ASSERT_PTR_NE(x = malloc(len + FSZ), NULL);
	memcpy(x, buf_ptr(w), len);
	fr = x + len;
	memcpy(fr + 24, buf_ptr(db) + (size_t)(pgno - 1) * PG, PG);
	s[0] = ld32(x + len - FSZ + 16);
	s[1] = ld32(x + len - FSZ + 20);
	ASSERT_INT_EQ(vaultkey_load(e, PASS, PASSLEN, &keys), 0);
	frame_header(keys, fr, fr + 24, pgno, dbsize, x, s);
	path_of(f, sizeof(f), e, WAL_FILE);
	spit(f, x, len + FSZ);
	ASSERT_INT_EQ(open_u(e, val, sizeof(val)), CS_ERR_TAMPERED);
	/* control: the WAL as it was opens */
	spit(f, buf_ptr(w), buf_len(w));
	path_of(f, sizeof(f), e, VAULT_DB_FILE);
	spit(f, buf_ptr(db), buf_len(db));
	ASSERT_INT_EQ(open_u(e, val, sizeof(val)), 0);
	ASSERT_STR_EQ(val, "new");
	vaultkey_free(keys);
	free(x);
	buf_free(w);
	buf_free(db);
	rm_rf(d);
	rm_rf(e);
	TEST_DONE();
}

static void
test_commit_forged(void)
{
	struct vault_keys	*keys = NULL;
	struct buf		*w, *db;
	uint8_t			*x, *fr;
	uint32_t		 s[2], dbsize = 0;
	char			 d[PATH_MAX], e[PATH_MAX], f[PATH_MAX];
	char			 val[64];
	size_t			 n, i, k = 0;

	TEST_START("a frame that was not a commit frame made one "
	    "(checksums redone): CS_ERR_TAMPERED");
	make_live_copy(d, sizeof(d), e, sizeof(e));
	path_of(f, sizeof(f), e, WAL_FILE);
	w = slurp(f);
	path_of(f, sizeof(f), e, VAULT_DB_FILE);
	db = slurp(f);
	n = (buf_len(w) - 32) / FSZ;
	/* a non-commit frame after the first commit */
	for (i = 0; i < n; i++) {
		if (ld32(buf_ptr(w) + 32 + i * FSZ + 4) != 0) {
			if (dbsize == 0)
				dbsize = ld32(buf_ptr(w) + 32 + i * FSZ + 4);
			else
				break;
		} else if (dbsize != 0 && k == 0)
			k = i;
	}
	ASSERT_INT_GE(k, 1);
	ASSERT_PTR_NE(x = malloc(32 + (k + 1) * FSZ), NULL);
	memcpy(x, buf_ptr(w), 32 + (k + 1) * FSZ);
	fr = x + 32 + k * FSZ;
	s[0] = ld32(fr - FSZ + 16);
	s[1] = ld32(fr - FSZ + 20);
	ASSERT_INT_EQ(vaultkey_load(e, PASS, PASSLEN, &keys), 0);
	frame_header(keys, fr, fr + 24, ld32(fr), dbsize, x, s);
	path_of(f, sizeof(f), e, WAL_FILE);
	spit(f, x, 32 + (k + 1) * FSZ);
	ASSERT_INT_EQ(open_u(e, val, sizeof(val)), CS_ERR_TAMPERED);
	/* control: cut after the genuine commit frame k - 1 or before */
	spit(f, x, 32 + k * FSZ);
	path_of(f, sizeof(f), e, VAULT_DB_FILE);
	spit(f, buf_ptr(db), buf_len(db));
	ASSERT_INT_EQ(open_u(e, val, sizeof(val)), 0);
	vaultkey_free(keys);
	free(x);
	buf_free(w);
	buf_free(db);
	rm_rf(d);
	rm_rf(e);
	TEST_DONE();
}

/* Milliseconds since an arbitrary start. */
static long long
now_ms(void)
{
	struct timespec	ts;

	ASSERT_INT_EQ(clock_gettime(CLOCK_MONOTONIC, &ts), 0);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Read fd until a line holding "what" has come: 0, or -1 at its end. */
static int
wait_line(int fd, const char *what)
{
	char	buf[4096];
	size_t	len = 0;
	ssize_t	n;

	for (;;) {
		if (len == sizeof(buf) - 1) {
			/* keep the tail: "what" may straddle the cut */
			memmove(buf, buf + len / 2, len - len / 2);
			len -= len / 2;
		}
		if ((n = read(fd, buf + len, sizeof(buf) - 1 - len)) <= 0)
			return -1;
		len += (size_t)n;
		buf[len] = '\0';
		if (strstr(buf, what) != NULL)
			return 0;
	}
}

/*
 * One try of test_two_processes(): the milliseconds the new epoch's
 * write waited.
 */
static long long
two_processes_once(void)
{
	const struct timespec	 ts = { 0, 100 * 1000000L };
	struct vault		*v, *w = NULL;
	char			 d[PATH_MAX], o[PATH_MAX], val[64], c;
	long long		 t0, waited;
	int			 go[2], said[2], st, n, i, rc = SQLITE_OK;
	pid_t			 pid;

	make_u(d, sizeof(d), o, sizeof(o));
	rm_rf(o);
	ASSERT_INT_EQ(pipe(go), 0);
	ASSERT_INT_EQ(pipe(said), 0);
	ASSERT_INT_GE(pid = fork(), 0);
	if (pid == 0) {
		close(go[1]);
		close(said[0]);
		/* its log says when it pauses (fault.c) */
		if (dup2(said[1], STDERR_FILENO) == -1)
			_exit(2);
		if (read(go[0], &c, 1) != 1)
			_exit(2);
		/* the open's checkpoint, then the lock held 2 s */
		if (setenv("CASESYNC_FAULT", "pause:vault-head-end", 1) != 0)
			_exit(2);
		fault_init();
		if (vault_open(d, PASS, PASSLEN, &w) != 0)
			_exit(1);
		vault_close(w);
		_exit(0);
	}
	close(go[0]);
	close(said[1]);
	v = open_ok(d);
	exec_ok(vault_db(v), "UPDATE u SET x = 'one'");
	ASSERT_INT_EQ(write(go[1], "g", 1), 1);
	/* the child's pause has begun: the lock is held 2 s from now */
	ASSERT_INT_EQ(wait_line(said[0], "pausing at vault-head-end"), 0);
	/* the WAL all copied (by us or the child), and the child holding
	 * the checkpoint lock: our checkpoint is busy */
	for (i = 0; i < 100; i++) {
		rc = sqlite3_wal_checkpoint_v2(vault_db(v), "main",
		    SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		if (rc == SQLITE_BUSY)
			break;
		ASSERT_INT_EQ(rc, SQLITE_OK);
		nanosleep(&ts, NULL);
	}
	ASSERT_INT_EQ(rc, SQLITE_BUSY);
	/* a new generation: its epoch waits for the lock */
	t0 = now_ms();
	exec_ok(vault_db(v), "UPDATE u SET x = 'two'");
	waited = now_ms() - t0;
	ASSERT_INT_EQ(waitpid(pid, &st, 0), pid);
	ASSERT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	exec_ok(vault_db(v), "UPDATE u SET x = 'three'");
	ASSERT_INT_EQ(read_all(vault_db(v), &n), 0);
	ASSERT_INT_EQ(vault_check(v), 0);
	vault_close(v);
	ASSERT_INT_EQ(open_u(d, val, sizeof(val)), 0);
	ASSERT_STR_EQ(val, "three");
	close(go[1]);
	close(said[0]);
	rm_rf(d);
	return waited;
}

/*
 * Up to TWO_PROCESSES_TRIES tries: on a loaded machine the write can
 * come when the WAL was not wholly copied yet, so that it appends to
 * it and starts no new generation (nothing to wait for).  The lock
 * wait removed, every try fails.
 */
#define TWO_PROCESSES_TRIES	3

static void
test_two_processes(void)
{
	long long	waited = 0;
	int		k;

	TEST_START("a new WAL epoch while a checkpointer in another process "
	    "holds the checkpoint lock after its pass: it waits for it, "
	    "no false alarm");
	for (k = 0; k < TWO_PROCESSES_TRIES; k++) {
		if ((waited = two_processes_once()) >= 500)
			break;
		printf("# try %d: the write waited %lld ms\n", k + 1, waited);
	}
	if (waited < 500)
		TEST_FAIL_("the new epoch did not wait for the lock (%lld ms, "
		    "%d tries)", waited, TWO_PROCESSES_TRIES);
	TEST_DONE();
}

int
main(void)
{
	vt_start("test_vault_epoch");
	vt_pristine();
	test_replay_db_pages();
	test_replay_old_generation();
	test_replay_after_newer();
	test_commit_forged();
	test_two_processes();
	vt_end();
	return 0;
}
