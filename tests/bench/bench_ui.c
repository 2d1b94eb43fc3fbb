/* SPDX-License-Identifier: ISC */
/*
 * bench_ui.c - how long casesync ui takes to render its two biggest
 * pages, server side (issue 17: each under 100 ms):
 *
 *   caseload   GET / with BENCH_FAMILIES (default 500) families, each
 *              with its case file, three persons (two children), a goal
 *              and a safety assessment, in a mix of states
 *   search     GET /?q=... over the same caseload
 *   dossier    GET /dossier of a family with BENCH_JOURNAL (default
 *              2,000) journal entries besides the rest
 *
 * on a real vault (cheap Argon2id: key derivation is not what is
 * measured), the page function called as the HTTP server calls it,
 * twelve regisseurs, notes with author, date and time,
 * the read log written as in use.  Each figure is the best and the
 * median of BENCH_ROUNDS (default 7) rounds, wall-clock.  Exits 1 if a
 * median is over BENCH_UI_LIMIT_MS (default 100).
 *
 * Output: a markdown table on stdout.  The directory is mkdtemp'd in
 * $TMPDIR (default /tmp) and removed.
 */
#include <sys/stat.h>

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "log.h"
#include "readlog.h"
#include "util.h"
#include "vault.h"
#include "../unit/test_ui_pages.h"

#define PASS	"correct horse battery staple"

static int
env_int(const char *name, int def)
{
	const char	*v = getenv(name);
	int		 n;

	if (v == NULL || (n = atoi(v)) <= 0)
		return def;
	return n;
}

static double
now_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int
cmp_double(const void *a, const void *b)
{
	double	x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void
die(const char *what, int r)
{
	fprintf(stderr, "bench_ui: %s: %d\n", what, r);
	exit(1);
}

/* One family: case file, persons, a goal, an assessment. */
static void
family(sqlite3 *db, int i, char case_id[DB_UUID_LEN + 1])
{
	static const enum lc_state	st[] = { LC_DRANG_INTENSIEF,
	    LC_DRANG_VERVOLG, LC_AANMELDING, LC_MAATREGEL_OTS };
	char				title[64], a[64], b[64], c[64];
	char				reg[32];
	char				kid[DB_UUID_LEN + 1], due[16];
	int				r;

	snprintf(reg, sizeof(reg), "Jeugdbeschermer %d", i % 12);
	if ((r = tui_case(db, case_id, i % 4 == 3 ? LC_FRAME_OTS :
	    LC_FRAME_DRANG, st[i % 4], 10 + i % 90, reg)) != 0)
		die("case", r);
	snprintf(title, sizeof(title), "Familie %c%c%c-%d",
	    'A' + i % 26, 'a' + i / 26 % 26, 'a' + i % 7, i);
	snprintf(a, sizeof(a), "Kind een %d", i);
	snprintf(b, sizeof(b), "Kind twee %d", i);
	snprintf(c, sizeof(c), "Ouder %d", i);
	lc_date_format(localday_today() + i % 120 - 20, due, sizeof(due));
	if ((r = tui_put(db, case_id, "casefile", NULL, "title", title,
	    NULL)) != 0 ||
	    (r = tui_put(db, case_id, "person", kid, "name", a, "role",
	    "child", "birth_date", "2014-05-06", NULL)) != 0 ||
	    (r = tui_put(db, case_id, "person", NULL, "name", b, "role",
	    "child", NULL)) != 0 ||
	    (r = tui_put(db, case_id, "person", NULL, "name", c, "role",
	    "parent", "has_gezag", "yes", "child", kid, NULL)) != 0 ||
	    (r = tui_put(db, case_id, "goal", NULL, "text", "naar school",
	    "due", due, "status", "open", NULL)) != 0 ||
	    (r = tui_put(db, case_id, "assessment", NULL, "instrument",
	    "LIRIK", "outcome", "zorgelijk", "date", "2025-01-01", "next_due",
	    due, NULL)) != 0)
		die("record", r);
}

/* Median and best of "rounds" renders of "fn"; the page size. */
static void
measure(const char *name, ui_page_fn fn, struct ui_ctx *ctx,
    struct tui_req *t, int rounds, double limit, int *over)
{
	double	*ms;
	char	*p;
	size_t	 len = 0;
	int	 i, st;

	if ((ms = calloc((size_t)rounds, sizeof(*ms))) == NULL)
		die("calloc", 0);
	for (i = 0; i < rounds; i++) {
		double	t0 = now_ms();

		if ((st = tui_run(fn, ctx, t, &p, NULL)) != 200)
			die(name, st);
		ms[i] = now_ms() - t0;
		len = strlen(p);
		free(p);
	}
	qsort(ms, (size_t)rounds, sizeof(*ms), cmp_double);
	printf("| %s | %.1f | %.1f | %zu |\n", name, ms[0], ms[rounds / 2],
	    len / 1024);
	if (ms[rounds / 2] > limit)
		*over = 1;
	free(ms);
}

int
main(void)
{
	struct ui_ctx	 ctx;
	struct tui_req	 t;
	struct vault	*v = NULL;
	char		 top[PATH_MAX], big[DB_UUID_LEN + 1];
	char		 cid[DB_UUID_LEN + 1];
	char		 text[200], date[16];
	const char	*tmp = getenv("TMPDIR");
	int		 families = env_int("BENCH_FAMILIES", 500);
	int		 journal = env_int("BENCH_JOURNAL", 2000);
	int		 rounds = env_int("BENCH_ROUNDS", 7);
	int		 limit = env_int("BENCH_UI_LIMIT_MS", 100);
	int		 i, r, over = 0;
	double		 t0;

	log_init(0, "bench_ui");
	if (sodium_init() < 0 || setenv("CASESYNC_KDF", "fast", 1) != 0 ||
	    setenv("TZ", "Europe/Amsterdam", 1) != 0)
		die("init", 0);
	tzset();
	if (str_fmt(top, sizeof(top), "%s/bench_ui.XXXXXX",
	    tmp != NULL ? tmp : "/tmp") != 0 || mkdtemp(top) == NULL)
		die("mkdtemp", 0);
	if ((r = vault_create(top, PASS, strlen(PASS), &v)) != 0)
		die("vault_create", r);
	memset(&ctx, 0, sizeof(ctx));
	ctx.vault = v;
	ctx.db = vault_db(v);
	ctx.dir = top;
	ctx.csrf = "bench";
	if ((r = db_init(ctx.db)) != 0 || (r = readlog_init(ctx.db)) != 0)
		die("db_init", r);
	t0 = now_ms();
	if ((r = db_begin(ctx.db)) != 0)
		die("begin", r);
	for (i = 0; i < families; i++)
		family(ctx.db, i, i == 0 ? big : cid);
	for (i = 0; i < journal; i++) {
		snprintf(text, sizeof(text), "Huisbezoek %d: gesproken met "
		    "moeder en kinderen over school, slaap en de afspraken "
		    "van het plan.", i);
		lc_date_format(localday_today() - journal + i, date,
		    sizeof(date));
		if ((r = tui_put(ctx.db, big, "journal", NULL, "text", text,
		    "type", "home_visit", "date", date, "time", "10:15",
		    "author", "Jeugdbeschermer 0", NULL)) != 0)
			die("journal", r);
	}
	if ((r = db_commit(ctx.db)) != 0)
		die("commit", r);
	printf("%d families (6 records each), one with %d journal entries "
	    "more; filled in %.0f ms.  Best and median of %d rounds, "
	    "wall-clock, the page rendered as the HTTP server asks it "
	    "(the read logged), limit %d ms.\n\n", families, journal,
	    now_ms() - t0, rounds, limit);
	printf("| page | best (ms) | median (ms) | size (KiB) |\n");
	printf("|---|---:|---:|---:|\n");
	tui_req(&t, "/", 0, NULL);
	measure("caseload (GET /)", ui_page_caseload, &ctx, &t, rounds,
	    limit, &over);
	tui_req(&t, "/", 0, "q", "\xc3\xa1" "b", NULL);
	measure("caseload search (GET /?q=)", ui_page_caseload, &ctx, &t,
	    rounds, limit, &over);
	tui_req(&t, "/dossier", 0, "case", big, NULL);
	measure("dossier, 2,000 journal entries", ui_page_dossier, &ctx, &t,
	    rounds, limit, &over);
	tui_req(&t, "/team", 0, NULL);
	measure("teamleider (GET /team, offline)", ui_page_team, &ctx, &t,
	    rounds, limit, &over);
	vault_close(v);
	{
		const char *const	files[] = { VAULT_KEY_FILE,
		    VAULT_DB_FILE, VAULT_DB_FILE "-head", VAULT_DB_FILE "-wal",
		    VAULT_DB_FILE "-shm", VAULT_DB_FILE "-journal", NULL };
		char			 p[PATH_MAX];

		for (i = 0; files[i] != NULL; i++)
			if (str_fmt(p, sizeof(p), "%s/%s", top, files[i]) == 0)
				(void)unlink(p);
		(void)rmdir(top);
	}
	if (over)
		printf("\nA median is over %d ms.\n", limit);
	return over;
}
