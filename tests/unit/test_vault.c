/* SPDX-License-Identifier: ISC */
/*
 * test_vault.c - unit tests for the encrypted vault's VFS and page
 * crypto (client/vault/vault.c, client/vault/vault_page.c) and its life cycle
 * (client/vault/vault_open.c), on real files in mkdtemp directories: round
 * trip of many rows across reopen, wrong passphrase leaves every file
 * as it was, single flipped bytes in the database and in the WAL and
 * swapped pages are reported as tampering (never wrong data), pages
 * put back from an older copy (partial rollback) too, a torn
 * last WAL frame is dropped as SQLite would, VACUUM, rollback-journal
 * mode, a bulk load out of WAL mode, temp files refused, a marker that is in no file of the vault
 * while it is in a plain SQLite database, two connections, the
 * checkpoint thread, and no core dumps.  The key file and passphrases
 * are in test_vault_key.c, the read-ahead in test_vault_ahead.c.
 */
#include "test_vault.h"

/* ---- tests ---- */

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

/* The journal mode of "db" now. */
static void
journal_mode_is(sqlite3 *db, const char *want)
{
	sqlite3_stmt	*st;

	ASSERT_INT_EQ(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &st,
	    NULL), SQLITE_OK);
	ASSERT_INT_EQ(sqlite3_step(st), SQLITE_ROW);
	ASSERT_STR_EQ((const char *)sqlite3_column_text(st, 0), want);
	sqlite3_finalize(st);
}

/*
 * vault_bulk_begin: out of WAL mode even with the checkpoint thread
 * running (a 33 MiB commit starts it), pages straight into the main
 * file, back to WAL at the end; refused (still WAL) while a second
 * connection has the vault open.
 */
static void
test_bulk(void)
{
	struct vault	*v, *r;
	char		 d[PATH_MAX];
	int		 on, i;

	TEST_START("bulk load: rollback journal, then WAL again; not with "
	    "a second connection");
	newdir(d, sizeof(d));
	ASSERT_INT_EQ(vault_create(d, PASS, PASSLEN, &v), 0);
	exec_ok(vault_db(v), "CREATE TABLE b (id INTEGER PRIMARY KEY,"
	    " body BLOB NOT NULL)");
	exec_ok(vault_db(v), "WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL"
	    " SELECT i + 1 FROM s WHERE i < 2100) INSERT INTO b"
	    " SELECT i, randomblob(16000) FROM s");
	ASSERT_TRUE(file_size(d, VAULT_DB_FILE "-wal") > 32 * 1024 * 1024);
	ASSERT_INT_EQ(vault_bulk_begin(vault_db(v), &on), 0);
	ASSERT_INT_EQ(on, 1);
	journal_mode_is(vault_db(v), "delete");
	ASSERT_INT_EQ(file_size(d, VAULT_DB_FILE "-wal"), -1);
	for (i = 0; i < 4; i++)
		exec_ok(vault_db(v), "WITH RECURSIVE s(i) AS (SELECT 1"
		    " UNION ALL SELECT i + 1 FROM s WHERE i < 500)"
		    " INSERT INTO b(body) SELECT randomblob(16000) FROM s");
	ASSERT_INT_EQ(file_size(d, VAULT_DB_FILE "-journal"), -1);
	ASSERT_INT_EQ(vault_bulk_end(vault_db(v)), 0);
	journal_mode_is(vault_db(v), "wal");
	exec_ok(vault_db(v), "INSERT INTO b(body) VALUES (x'01')");
	ASSERT_TRUE(file_size(d, VAULT_DB_FILE "-wal") > 0);
	ASSERT_INT_EQ(vault_check(v), 0);
	/* a second connection keeps the vault in WAL mode */
	r = open_ok(d);
	ASSERT_INT_EQ(sqlite3_exec(vault_db(r), "SELECT count(*) FROM b",
	    NULL, NULL, NULL), SQLITE_OK);
	ASSERT_INT_EQ(vault_bulk_begin(vault_db(v), &on), 0);
	ASSERT_INT_EQ(on, 0);
	journal_mode_is(vault_db(v), "wal");
	vault_close(r);
	vault_close(v);
	v = open_ok(d);
	journal_mode_is(vault_db(v), "wal");
	ASSERT_INT_EQ(vault_check(v), 0);
	vault_close(v);
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
	vt_start("test_vault");
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
	test_bulk();
	test_marker();
	test_two_connections();
	test_checkpoint_thread();
	test_harden();
	vt_end();
	return 0;
}
