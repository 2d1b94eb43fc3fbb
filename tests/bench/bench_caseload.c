/* SPDX-License-Identifier: ISC */
/*
 * bench_caseload.c - the caseload (client/core/caseload.c) and the short
 * ids (ids.c) of a laptop with BENCH_FAMILIES (default 500) families in
 * a vault: what `casesync case list` and the page "Mijn caseload" read.
 *
 * Each family has its case file, lifecycle metadata with a regisseur,
 * 4 persons (2 children), 4 goals (2 open with a due date), 2 safety
 * assessments and BENCH_NOTES (default 40) journal entries of 500
 * bytes, which the caseload must not read.  Figures are the best of
 * BENCH_ROUNDS (default 7) rounds, each on a reopened vault (SQLite's
 * cache empty, the OS cache warm):
 *
 *   load      caseload_load(): every row, with its deadlines, sorted
 *   ids       ids_load(): the short ids of every case and record
 *   title     ids_resolve() of a case by a part of its title (the
 *             slowest input: every case file is read)
 *   search    caseload_match() of a folded word over every row
 *
 * Output: a markdown table on stdout; the directory is mkdtemp'd in
 * $TMPDIR (default /tmp) and removed.
 */
#include <sys/stat.h>

#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "body.h"
#include "case_meta.h"
#include "caseload.h"
#include "db.h"
#include "errors.h"
#include "ids.h"
#include "keys.h"
#include "lifecycle.h"
#include "log.h"
#include "util.h"
#include "vault.h"

#define PASS	"bench caseload passphrase"

static char	top[PATH_MAX];
static int	families = 500, notes = 40, rounds = 7;

static void
die(const char *what, int r)
{
	fprintf(stderr, "bench_caseload: %s: %s\n", what, cs_err(r));
	exit(1);
}

static double
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int
env_int(const char *name, int def, int max)
{
	const char	*s = getenv(name);
	uint64_t	 v;

	if (s == NULL || parse_u64(s, 1, (uint64_t)max, &v) != 0)
		return def;
	return (int)v;
}

/* A record in "cid" of "kind" with fields n1, v1, ... NULL. */
static void
put(sqlite3 *db, const char *cid, const char *kind, ...)
{
	struct db_record	 r;
	struct body		 b;
	const char		*n, *v;
	va_list			 ap;
	int			 ret;

	memset(&r, 0, sizeof(r));
	db_uuid(r.record_id);
	memcpy(r.case_id, cid, DB_UUID_LEN + 1);
	(void)str_fmt(r.kind, sizeof(r.kind), "%s", kind);
	r.key_epoch = 1;
	body_init(&b);
	va_start(ap, kind);
	while ((n = va_arg(ap, const char *)) != NULL) {
		v = va_arg(ap, const char *);
		if (body_set(&b, n, (const uint8_t *)v, strlen(v)) != 0)
			die("body_set", CS_ERR_INTERNAL);
	}
	va_end(ap);
	if ((ret = body_encode(&b, &r.body, &r.body_len)) != 0 ||
	    (ret = db_local_write_tx(db, &r)) != 0)
		die("write", ret);
	body_buf_free(r.body, r.body_len);
	body_free(&b);
}

static void
fill(sqlite3 *db, int64_t today)
{
	static const char *const	 names[] = { "Öztürk", "Jansen",
	    "de Vries", "Bakker", "Visser", "Smit", "Meijer", "El Amrani" };
	struct case_meta		 m;
	char				 cid[DB_UUID_LEN + 1], t[64], n[64];
	char				 d1[LC_DATE_LEN + 1], d2[LC_DATE_LEN + 1];
	char				 text[501];
	int				 f, i, ret;

	memset(text, 'x', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	if ((ret = db_begin(db)) != 0)
		die("begin", ret);
	for (f = 0; f < families; f++) {
		db_uuid(cid);
		(void)str_fmt(t, sizeof(t), "Familie %s %d", names[f % 8], f);
		memset(&m, 0, sizeof(m));
		memcpy(m.case_id, cid, sizeof(cid));
		lc_case_init(&m.lc, LC_FRAME_DRANG, today - 100);
		m.lc.state = LC_DRANG_INTENSIEF;
		m.lc.state_since = m.lc.drang_start = today - f % 60;
		(void)str_fmt(m.regisseur, sizeof(m.regisseur), "Werker %d",
		    f % 12);
		if ((ret = case_meta_put(db, &m)) != 0)
			die("case_meta_put", ret);
		put(db, cid, "casefile", "title", t, NULL);
		for (i = 0; i < 4; i++) {
			(void)str_fmt(n, sizeof(n), "Kind%d %s", i,
			    names[f % 8]);
			put(db, cid, "person", "name", n, "role", i < 2 ?
			    "child" : "parent", NULL);
		}
		for (i = 0; i < 4; i++) {
			lc_date_format(today + (f * 7 + i * 13) % 90 - 20, d1,
			    sizeof(d1));
			put(db, cid, "goal", "text", "Naar school", "due", d1,
			    "status", i < 2 ? "open" : "achieved", NULL);
		}
		for (i = 0; i < 2; i++) {
			lc_date_format(today - 30 * (i + 1), d1, sizeof(d1));
			lc_date_format(today + (f % 50) - 10 * i, d2,
			    sizeof(d2));
			put(db, cid, "assessment", "instrument", "LIRIK",
			    "outcome", "laag", "date", d1, "next_due", d2, NULL);
		}
		for (i = 0; i < notes; i++)
			put(db, cid, "journal", "text", text, NULL);
	}
	if ((ret = db_commit(db)) != 0)
		die("commit", ret);
}

/* Remove the vault's files, its directory and "top". */
static void
cleanup(const char *dir)
{
	const char *const	files[] = { VAULT_KEY_FILE, VAULT_DB_FILE,
	    VAULT_DB_FILE "-head", VAULT_DB_FILE "-wal", VAULT_DB_FILE "-shm",
	    VAULT_DB_FILE "-journal", NULL };
	char			p[PATH_MAX];
	size_t			i;

	for (i = 0; files[i] != NULL; i++)
		if (str_fmt(p, sizeof(p), "%s/%s", dir, files[i]) == 0)
			(void)unlink(p);
	(void)rmdir(dir);
	(void)rmdir(top);
}

static double
best(double a, double b)
{
	return a < b ? a : b;
}

int
main(void)
{
	struct caseload		*cl;
	struct ids		*ids;
	struct vault		*v;
	char			 dir[PATH_MAX], id[DB_UUID_LEN + 1];
	double			 t, tl = 1e9, ti = 1e9, tt = 1e9, ts = 1e9;
	int64_t			 today = lc_date_from_time(time_now());
	size_t			 i, hits = 0, nrows = 0;
	int			 r, k;

	log_init(1, "bench_caseload");
	if (sodium_init() < 0 || setenv("CASESYNC_KDF", "fast", 1) != 0)
		die("init", CS_ERR_SYSTEM);
	families = env_int("BENCH_FAMILIES", families, 100000);
	notes = env_int("BENCH_NOTES", notes, 10000);
	rounds = env_int("BENCH_ROUNDS", rounds, 1000);
	(void)str_fmt(top, sizeof(top), "%s/bench_caseload.XXXXXX",
	    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp");
	if (mkdtemp(top) == NULL)
		die("mkdtemp", CS_ERR_SYSTEM);
	(void)str_fmt(dir, sizeof(dir), "%s/v", top);
	if (mkdir(dir, 0700) != 0 ||
	    (r = vault_create(dir, PASS, strlen(PASS), &v)) != 0)
		die("vault_create", CS_ERR_SYSTEM);
	if ((r = db_init(vault_db(v))) != 0 || (r = keys_init(vault_db(v))) !=
	    0)
		die("db_init", r);
	fill(vault_db(v), today);
	vault_close(v);
	for (k = 0; k < rounds; k++) {
		if ((r = vault_open(dir, PASS, strlen(PASS), &v)) != 0)
			die("vault_open", r);
		t = now_ms();
		if ((r = caseload_load(vault_db(v), today, &cl)) != 0)
			die("caseload_load", r);
		tl = best(tl, now_ms() - t);
		nrows = cl->n;
		t = now_ms();
		for (i = hits = 0; i < cl->n; i++)
			hits += caseload_match(&cl->rows[i], "OZTURK") != 0;
		ts = best(ts, now_ms() - t);
		caseload_free(cl);
		t = now_ms();
		if ((r = ids_load(vault_db(v), &ids)) != 0)
			die("ids_load", r);
		ti = best(ti, now_ms() - t);
		ids_free(ids);
		t = now_ms();
		if ((r = ids_resolve(vault_db(v), IDS_CASE, "jansen 9", id,
		    NULL)) != 0 && r != CS_ERR_AMBIGUOUS)
			die("ids_resolve", r);
		tt = best(tt, now_ms() - t);
		vault_close(v);
	}
	printf("### Caseload of %d families\n\n", families);
	printf("Each family: case file, lifecycle data, 4 persons, 4 goals, "
	    "2 assessments, %d journal entries of 500 bytes (%d records in "
	    "all); best of %d rounds, each on a reopened vault.\n\n",
	    notes, families * (11 + notes), rounds);
	printf("| figure | ms |\n|---|---:|\n");
	printf("| caseload_load: %zu rows with deadlines, sorted | %.1f |\n",
	    nrows, tl);
	printf("| ids_load: short ids of every case and record | %.1f |\n",
	    ti);
	printf("| ids_resolve by a part of a title | %.1f |\n", tt);
	printf("| caseload_match \"OZTURK\" over every row (%zu hits) | %.2f "
	    "|\n", hits, ts);
	cleanup(dir);
	return 0;
}
