/* SPDX-License-Identifier: ISC */
/*
 * bench_pullfloor.c - the floor under the laptop's CPU time in an
 * initial sync (issue 23, goal 1): what the design cannot skip for N
 * records of 1 KiB, each part timed alone in this process (CPU time):
 *
 *  - opening each sealed body once (e2e_body_open, the end-to-end
 *    encryption every pulled record goes through);
 *  - sealing each vault page once (vault_page_seal, as the VFS seals a
 *    page of the main file), for as many 16 KiB pages as the plain
 *    database below holds;
 *  - a plain SQLite insert of the same rows: the client's schema
 *    (db_init), the default VFS (no encryption), page size 16 KiB,
 *    synchronous=FULL, a rollback journal, one transaction per 8 MiB of
 *    bodies as the pull commits them; the records row and the
 *    record_author row of each record, as plain INSERTs, with ids made
 *    as the client makes them (db_uuid) in the order they were made.
 *
 * Output: a markdown table; with -q only "open seal insert pages" (ms
 * of CPU, ms, ms, pages) for bench_sync.sh.
 * Usage: bench_pullfloor [-q] [-n records]
 */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>
#include <sqlite3.h>

#include "db.h"
#include "e2e.h"
#include "vault.h"

#define PLAIN_LEN	1012	/* a pulled body of bench_sync, opened */
#define BATCH_BYTES	(8u * 1024 * 1024)	/* SYNC_PULL_BYTES */

static double
cpu_ms(void)
{
	struct timespec	ts;

	(void)clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void
die(const char *what)
{
	fprintf(stderr, "bench_pullfloor: %s\n", what);
	exit(1);
}

/* Open n sealed bodies once each: CPU ms. */
static double
floor_open(size_t n, char (*ids)[37], const char *case_id)
{
	uint8_t	 key[E2E_KEY_LEN], plain[PLAIN_LEN];
	uint8_t	*sealed;
	size_t	 i, len, slen = PLAIN_LEN + E2E_BODY_OVERHEAD;
	double	 t0, t;

	if ((sealed = malloc(n * slen)) == NULL)
		die("out of memory");
	randombytes_buf(key, sizeof(key));
	randombytes_buf(plain, sizeof(plain));
	for (i = 0; i < n; i++)
		if (e2e_body_seal(key, case_id, ids[i], "note", 1, plain,
		    sizeof(plain), sealed + i * slen, slen, &len) != 0)
			die("seal");
	t0 = cpu_ms();
	for (i = 0; i < n; i++)
		if (e2e_body_open(key, case_id, ids[i], "note", 1,
		    sealed + i * slen, slen, plain, sizeof(plain), &len) != 0)
			die("open");
	t = cpu_ms() - t0;
	free(sealed);
	return t;
}

/* Seal "pages" vault pages once each: CPU ms. */
static double
floor_seal(long long pages, const char *dir)
{
	struct vault_keys	*keys;
	uint8_t			*p;
	long long		 i;
	double			 t0, t;

	if (vaultkey_create(dir, "bench-passphrase-long", 21, &keys) != 0)
		die("vault key");
	if ((p = calloc(1, VAULT_PAGE_SIZE)) == NULL)
		die("out of memory");
	t0 = cpu_ms();
	for (i = 2; i < pages + 2; i++) {
		/* a b-tree page: leave the reserve zero, as SQLite does */
		randombytes_buf(p, 64);
		memset(p + VAULT_PAGE_SIZE - VAULT_RESERVE, 0, VAULT_RESERVE);
		if (vault_page_seal(keys, 1, p, VAULT_PAGE_SIZE, (uint32_t)i,
		    0) != 0)
			die("page seal");
	}
	t = cpu_ms() - t0;
	free(p);
	vaultkey_free(keys);
	return t;
}

static void
exec_ok(sqlite3 *db, const char *sql)
{
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		die(sqlite3_errmsg(db));
}

/* Plain SQLite insert of the rows: CPU ms; *pages the file's pages. */
static double
floor_insert(size_t n, char (*ids)[37], const char *case_id,
    const char *path, long long *pages)
{
	sqlite3		*db;
	sqlite3_stmt	*rs, *as, *pc;
	uint8_t		 body[PLAIN_LEN];
	char		 who[37];
	size_t		 i, per = BATCH_BYTES / (PLAIN_LEN + 40);
	double		 t0, t;

	db_uuid(who);
	randombytes_buf(body, sizeof(body));
	if (sqlite3_open(path, &db) != SQLITE_OK)
		die("sqlite open");
	exec_ok(db, "PRAGMA page_size=16384; PRAGMA journal_mode=DELETE;"
	    " PRAGMA synchronous=FULL; PRAGMA cache_size=-65536;"
	    " PRAGMA temp_store=MEMORY; PRAGMA mmap_size=0");
	if (db_init(db) != 0)
		die("schema");
	if (sqlite3_prepare_v2(db, "INSERT INTO records(record_id, case_id,"
	    " kind, version, deleted, key_epoch, body, hlc) VALUES (?1, ?2,"
	    " 'note', ?3, 0, 1, ?4, ?3)", -1, &rs, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "INSERT INTO record_author(record_id,"
	    " case_id, created_by, created_at, changed_by, changed_at)"
	    " VALUES (?1, ?2, ?3, ?4, 'w', ?4)", -1, &as, NULL) != SQLITE_OK)
		die(sqlite3_errmsg(db));
	t0 = cpu_ms();
	for (i = 0; i < n; i++) {
		if (i % per == 0)
			exec_ok(db, i == 0 ? "BEGIN" : "COMMIT; BEGIN");
		(void)sqlite3_bind_text(rs, 1, ids[i], 36, SQLITE_STATIC);
		(void)sqlite3_bind_text(rs, 2, case_id, 36, SQLITE_STATIC);
		(void)sqlite3_bind_int64(rs, 3, (sqlite3_int64)i + 1);
		(void)sqlite3_bind_blob(rs, 4, body, sizeof(body),
		    SQLITE_STATIC);
		(void)sqlite3_bind_text(as, 1, ids[i], 36, SQLITE_STATIC);
		(void)sqlite3_bind_text(as, 2, case_id, 36, SQLITE_STATIC);
		(void)sqlite3_bind_text(as, 3, who, 36, SQLITE_STATIC);
		(void)sqlite3_bind_int64(as, 4, 1765000000 + (int64_t)i);
		if (sqlite3_step(rs) != SQLITE_DONE ||
		    sqlite3_step(as) != SQLITE_DONE)
			die(sqlite3_errmsg(db));
		(void)sqlite3_reset(rs);
		(void)sqlite3_reset(as);
	}
	exec_ok(db, "COMMIT");
	t = cpu_ms() - t0;
	if (sqlite3_prepare_v2(db, "PRAGMA page_count", -1, &pc, NULL) !=
	    SQLITE_OK || sqlite3_step(pc) != SQLITE_ROW)
		die(sqlite3_errmsg(db));
	*pages = sqlite3_column_int64(pc, 0);
	sqlite3_finalize(pc);
	sqlite3_finalize(rs);
	sqlite3_finalize(as);
	(void)sqlite3_close(db);
	return t;
}

int
main(int argc, char **argv)
{
	char		 dir[PATH_MAX], path[PATH_MAX + 16], case_id[37];
	char		 (*ids)[37];
	const char	*tmp = getenv("TMPDIR");
	long long	 pages;
	double		 to, ts, ti;
	size_t		 n = 100000, i;
	int		 c, quiet = 0;

	while ((c = getopt(argc, argv, "qn:")) != -1) {
		if (c == 'q')
			quiet = 1;
		else if (c == 'n' && atol(optarg) > 0)
			n = (size_t)atol(optarg);
		else
			die("usage: bench_pullfloor [-q] [-n records]");
	}
	if (sodium_init() < 0)
		die("sodium");
	(void)snprintf(dir, sizeof(dir), "%s/casesync-floor.XXXXXX",
	    tmp != NULL ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL)
		die("mkdtemp");
	if ((ids = calloc(n, sizeof(*ids))) == NULL)
		die("out of memory");
	db_uuid(case_id);
	for (i = 0; i < n; i++)
		db_uuid(ids[i]);
	(void)snprintf(path, sizeof(path), "%s/plain.db", dir);
	ti = floor_insert(n, ids, case_id, path, &pages);
	to = floor_open(n, ids, case_id);
	ts = floor_seal(pages, dir);
	(void)unlink(path);
	(void)snprintf(path, sizeof(path), "%s/%s", dir, "vault.key");
	(void)unlink(path);
	(void)rmdir(dir);
	free(ids);
	if (quiet) {
		printf("%.1f %.1f %.1f %lld\n", to, ts, ti, pages);
		return 0;
	}
	printf("| floor of an initial sync of %zu records of 1 KiB, CPU time"
	    " | ms | per record |\n|---|---:|---:|\n", n);
	printf("| open each sealed body once (XChaCha20-Poly1305) | %.1f |"
	    " %.2f us |\n", to, to * 1e3 / (double)n);
	printf("| seal each vault page once (%lld pages of 16 KiB) | %.1f |"
	    " %.2f us |\n", pages, ts, ts * 1e3 / (double)n);
	printf("| plain SQLite insert of the same rows (records,"
	    " record_author; synchronous=FULL) | %.1f | %.2f us |\n", ti,
	    ti * 1e3 / (double)n);
	printf("| sum | %.1f | %.2f us |\n", to + ts + ti,
	    (to + ts + ti) * 1e3 / (double)n);
	return 0;
}
