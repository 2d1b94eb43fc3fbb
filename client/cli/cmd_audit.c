/* SPDX-License-Identifier: ISC */
/*
 * cmd_audit.c - `casesync audit query|who|export|verify` (see
 * cmd_audit.h).  The server decides who may read which entries (an
 * auditor all, anyone else those of a case they hold; export and
 * verify: the auditor alone) and audits each query; this file only
 * asks, page by page, and prints.  The export's entries and their check
 * against the signed checkpoint are client/core/auditx.c's.  Times are read
 * and shown in local time (the TZ environment variable's zone).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auditrows.h"
#include "auditx.h"
#include "children.h"
#include "cli_ids.h"
#include "client.h"
#include "clihelp.h"
#include "cmd_audit.h"
#include "conn.h"
#include "errors.h"
#include "identity.h"
#include "json.h"
#include "msg.h"
#include "msg_auditq.h"
#include "readlog.h"
#include "util.h"
#include "vault.h"

#define AUDIT_PAGES_MAX	200	/* requests per command: 100,000 entries */
#define AUDIT_TIME_MAX	32

static const char audit_usage[] =
    "usage: casesync audit query [--case ID] [--user NAME] [--type TYPE]\n"
    "                            [--since TIME] [--until TIME] [--after IDX]"
    " [--json]\n"
    "       casesync audit who --case ID [--child NAME] [--json]\n"
    "       casesync audit export [--case ID] [--user NAME] [--type TYPE]\n"
    "                             [--since TIME] [--until TIME] [--after IDX]"
    "\n"
    "       casesync audit verify [-q]\n"
    "Read the server's audit log.  An auditor may read every entry; "
    "anyone else\nonly the entries of a case they hold (--case).  "
    "\"who\" lists who read or\nchanged the case, newest first; with "
    "--child, the reads of the whole file\nand of that child's part, "
    "not those of another child's.  TIME is "
    "DD-MM-YYYY or YYYY-MM-DD (a local\nday; --until: up to its end), "
    "either with HH:MM, or seconds since 1970.\n\"export\" (auditors) "
    "writes whole entries, one JSON object a line, as\n\"casesyncctl audit "
    "export --format ndjson\" does; \"verify\" (auditors) checks\nevery "
    "entry against the server's signed checkpoint (-q: silent when it "
    "holds).\nEach query is itself recorded in the audit log.\n";

/* "dd-mm-jjjj HH:MM" in local time, or "-" for 0. */
static void
audit_local(char dst[AUDIT_TIME_MAX], int64_t t)
{
	struct tm	tm;
	time_t		tt = (time_t)t;

	if (t <= 0 || localtime_r(&tt, &tm) == NULL ||
	    strftime(dst, AUDIT_TIME_MAX, "%d-%m-%Y %H:%M", &tm) == 0)
		(void)str_fmt(dst, AUDIT_TIME_MAX, "-");
}

/* ISO 8601 in local time with the offset: 2026-12-06T04:10:00+01:00. */
static void
audit_iso(char dst[AUDIT_TIME_MAX], int64_t t)
{
	struct tm	tm;
	time_t		tt = (time_t)t;
	size_t		len;

	if (localtime_r(&tt, &tm) == NULL ||
	    (len = strftime(dst, AUDIT_TIME_MAX, "%Y-%m-%dT%H:%M:%S%z",
	    &tm)) < 5) {
		(void)str_fmt(dst, AUDIT_TIME_MAX, "1970-01-01T00:00:00Z");
		return;
	}
	/* +0100 -> +01:00 */
	memmove(dst + len - 1, dst + len - 2, 3);
	dst[len - 2] = ':';
}

/*
 * Seconds since 1970 of "s": SECONDS, or a local day DD-MM-YYYY or
 * YYYY-MM-DD, optionally followed by " HH:MM" or "THH:MM".  A day
 * alone as "end": its last second.  CS_ERR_FORMAT otherwise.
 */
static int
audit_parse_time(const char *s, int end, int64_t *out)
{
	struct tm	tm, chk;
	int		a, b, c, hh = 0, mm = 0, n = 0, day, mon, year;
	char		sep;
	time_t		t;
	uint64_t	v;

	if (parse_u64(s, 0, INT64_MAX, &v) == 0) {
		*out = (int64_t)v;
		return 0;
	}
	if (sscanf(s, "%4d-%2d-%4d%n", &a, &b, &c, &n) != 3)
		return CS_ERR_FORMAT;
	if (n == 10 && s[4] == '-') {
		year = a;
		mon = b;
		day = c;
	} else if (n == 10 && s[2] == '-') {
		day = a;
		mon = b;
		year = c;
	} else
		return CS_ERR_FORMAT;
	if (s[n] != '\0') {
		sep = s[n];
		if ((sep != ' ' && sep != 'T') || strlen(s + n) != 6 ||
		    sscanf(s + n + 1, "%2d:%2d", &hh, &mm) != 2 ||
		    hh < 0 || hh > 23 || mm < 0 || mm > 59)
			return CS_ERR_FORMAT;
	}
	if (year < 1970 || year > 9999 || mon < 1 || mon > 12 || day < 1 ||
	    day > 31)
		return CS_ERR_FORMAT;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = year - 1900;
	tm.tm_mon = mon - 1;
	tm.tm_mday = day + (end && s[n] == '\0' ? 1 : 0);
	tm.tm_hour = hh;
	tm.tm_min = mm;
	tm.tm_isdst = -1;
	chk = tm;
	if ((t = mktime(&tm)) == (time_t)-1 ||
	    (!(end && s[n] == '\0') && (tm.tm_mday != chk.tm_mday ||
	    tm.tm_mon != chk.tm_mon)))
		return CS_ERR_FORMAT;	/* not in the calendar */
	/* the end of a day: the second before the next one begins */
	*out = (int64_t)t - (end && s[n] == '\0' ? 1 : 0);
	return 0;
}

/* One row with the one JSON writer; schema: docs/json-schemas.json. */
static void
audit_row_json(struct json *j, const struct msg_audit_row *r)
{
	const struct {
		const char	*k;
		const char	*v;
	} t[] = {
		{ "type", r->type }, { "outcome", r->outcome },
		{ "user", r->user }, { "role", r->role },
		{ "office", r->office }, { "object_type", r->object_type },
		{ "object_id", r->object_id }, { "case_id", r->client_ref },
		{ "basis", r->basis }, { "purpose", r->purpose },
		{ "detail", r->detail },
	};
	char	action[2] = { r->action, '\0' };
	size_t	i;

	json_obj_begin(j);
	json_kv_int(j, "idx", r->idx);
	json_kv_time(j, "server_time", r->server_time);
	json_kv_time(j, "device_time", r->device_time);	/* 0: null */
	json_kv_str(j, "action", action);
	json_kv_int(j, "device_id", r->device_id);
	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		json_kv_str(j, t[i].k, t[i].v);
	json_obj_end(j);
}

static const char *
audit_vis(char *dst, size_t len, const char *s)
{
	return s[0] == '\0' ? "-" : str_vis(dst, len, s, strlen(s));
}

/* A row; its case by short id in "x" (NULL: in full). */
static void
audit_row_table(const struct msg_audit_row *r, const struct ids *x)
{
	char	st[AUDIT_TIME_MAX], v[5][4 * WIRE_STR_MAX + 4];
	char	d[4 * MSG_AUDIT_DETAIL_MAX + 4];

	audit_local(st, r->server_time);
	if (x != NULL && wire_uuid_ok(r->client_ref))
		ids_short(x, r->client_ref, v[3]);
	else
		(void)audit_vis(v[3], sizeof(v[3]), r->client_ref);
	printf("%-6lld %-16s %-14s %c %-7s %-16s %-12s %-12s %s\n",
	    (long long)r->idx, st, audit_vis(v[0], sizeof(v[0]), r->type),
	    r->action, audit_vis(v[1], sizeof(v[1]), r->outcome),
	    audit_vis(v[2], sizeof(v[2]), r->user),
	    v[3], audit_vis(v[4], sizeof(v[4]), r->object_type),
	    audit_vis(d, sizeof(d), r->detail));
}

/* `who`: the case, the child asked about, and the children's names. */
struct audit_who {
	sqlite3		*db;
	const char	*case_id;
	const char	*child;		/* --child: its id; NULL: every row */
	int		 named;		/* the names' read is logged */
};

/* A row of another child than the one asked about is left out. */
static int
audit_who_skip(const struct audit_who *w, const struct msg_audit_row *r)
{
	return w->child != NULL && strcmp(r->object_type, "child") == 0 &&
	    strcmp(r->object_id, w->child) != 0;
}

/*
 * What a row concerns: "child NAME" for a read of one child's part (the
 * name from this laptop's person records, a read logged once), else
 * its object type.
 */
static const char *
audit_who_what(struct audit_who *w, const struct msg_audit_row *r,
    char *dst, size_t len)
{
	char	name[256], vis[4 * sizeof(name)];

	if (strcmp(r->object_type, "child") != 0)
		return r->object_type[0] != '\0' ? audit_vis(dst, len,
		    r->object_type) : "";
	if (!w->named && readlog_add(w->db, "list", w->case_id) != 0)
		return "child";		/* names unread: not logged */
	w->named = 1;
	if (children_name(w->db, w->case_id, r->object_id, name,
	    sizeof(name)) != 0)
		return "child (not on this laptop)";
	(void)str_fmt(dst, len, "child %s", str_vis(vis, sizeof(vis), name,
	    strlen(name)));
	return dst;
}

/* `who`: when, who (role, office), what. */
static void
audit_row_who(struct audit_who *w, const struct msg_audit_row *r)
{
	char	st[AUDIT_TIME_MAX], v[5][4 * WIRE_STR_MAX + 4];
	char	what[4 * WIRE_STR_MAX + 16];

	audit_local(st, r->server_time);
	printf("%-16s %-16s %-15s %-12s %s%s%s%s\n", st,
	    audit_vis(v[0], sizeof(v[0]), r->user),
	    audit_vis(v[1], sizeof(v[1]), r->role),
	    audit_vis(v[2], sizeof(v[2]), r->office),
	    audit_vis(v[3], sizeof(v[3]), r->type),
	    r->object_type[0] != '\0' ? " " : "",
	    audit_who_what(w, r, what, sizeof(what)),
	    strcmp(r->outcome, "success") == 0 ? "" : " (refused)");
}

/*
 * The short ids of the cases in the rows "a", unique over this laptop's
 * ids and theirs; NULL if they cannot be made (then the rows show the
 * full ids).
 */
static struct ids *
audit_ids(sqlite3 *db, const struct auditrows *a)
{
	struct msg_audit_row	 row;
	struct ids		*x = NULL;
	const char		**cases;
	size_t			 i, n = auditrows_n(a);

	if ((cases = calloc(n + 1, sizeof(*cases))) == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		auditrows_row(a, i, &row);
		cases[i] = row.client_ref;	/* non-UUIDs skipped */
	}
	if (ids_load_with(db, cases, n, &x) != 0)
		x = NULL;
	free(cases);
	return x;
}

/* Print every row, oldest first, or with "who" newest first. */
static size_t
audit_print(sqlite3 *db, const struct auditrows *a, struct json *json,
    struct audit_who *who)
{
	struct msg_audit_row	 row;
	struct ids		*x = NULL;
	size_t			 i, total = auditrows_n(a), n = 0;

	if (json == NULL && !who)
		x = audit_ids(db, a);

	for (i = 0; i < total; i++) {
		auditrows_row(a, who ? total - 1 - i : i, &row);
		if (who != NULL && audit_who_skip(who, &row))
			continue;
		if (json != NULL)
			audit_row_json(json, &row);
		else if (who)
			audit_row_who(who, &row);
		else
			audit_row_table(&row, x);
		n++;
	}
	ids_free(x);
	return n;
}

/* --child NAME: the child's id among the case's children on this laptop. */
static int
audit_who_child(struct audit_who *w, const char *what, char *id)
{
	int	r;

	/* the names are searched: a read of the case, logged first */
	if ((r = readlog_add(w->db, "search", w->case_id)) != 0 ||
	    (r = children_resolve(w->db, w->case_id, what, id)) != 0) {
		cli_errx("audit who: --child %s: %s", what,
		    r == CS_ERR_NOT_FOUND ? "no child of that name in the case "
		    "on this laptop" : r == CS_ERR_AMBIGUOUS ? "more than one "
		    "child matches: give the start of its id" : cs_err(r));
		return r == CS_ERR_DB ? r : CS_ERR_USAGE;
	}
	w->child = id;
	return 0;
}

#define AUDIT_QUERY	0
#define AUDIT_WHO	1
#define AUDIT_EXPORT	2

/* export: one entry as a line of JSON, its leaf in hex. */
static int
audit_export_line(const struct audit_entry *e,
    const uint8_t leaf[MERKLE_HASH_LEN], void *arg)
{
	size_t	*n = arg;

	(*n)++;
	return audit_entry_json(stdout, e, leaf);
}

/* export: the entries, streamed (no page limit: nothing is kept). */
static int
audit_export_run(struct conn *c, struct msg_audit_query_request *q)
{
	struct msg	*err = NULL;
	size_t		 n = 0;
	int		 r;

	if ((r = auditx_export(c, q, audit_export_line, &n, &err)) != 0) {
		if (r == CS_ERR_PROTOCOL && err == NULL)
			cli_errx("audit export: the server went backwards");
		else
			cli_report("audit export", r, err);
	}
	msg_free(err);
	if (fflush(stdout) != 0 && r == 0) {
		cli_errx("audit export: cannot write the output");
		r = CS_ERR_SYSTEM;
	}
	return r;
}

static int
audit_run(struct cli *cli, int mode, int argc, char *argv[])
{
	static const struct option	 opts[] = {
		{ "case",	required_argument,	NULL, 'c' },
		{ "child",	required_argument,	NULL, 'C' },
		{ "user",	required_argument,	NULL, 'u' },
		{ "type",	required_argument,	NULL, 't' },
		{ "since",	required_argument,	NULL, 's' },
		{ "until",	required_argument,	NULL, 'U' },
		{ "after",	required_argument,	NULL, 'a' },
		{ "json",	no_argument,		NULL, 'j' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL,		0,			NULL, 0 }
	};
	const char			*cmd = mode == AUDIT_WHO ?
	    "audit who" : mode == AUDIT_EXPORT ? "audit export" :
	    "audit query";
	int				 who = mode == AUDIT_WHO;
	struct audit_who		 w;
	const char			*child = NULL;
	char				 child_id[CHILD_ID_LEN + 1];
	struct msg_audit_query_request	 q;
	struct json			 j;
	struct identity			 id;
	struct vault			*v = NULL;
	struct conn			*c = NULL;
	struct auditrows		*rows = NULL;
	struct msg			*err = NULL;
	size_t				 n;
	uint64_t			 u64;
	char				 cbuf[DB_UUID_LEN + 1];
	int				 ch, r, more;

	memset(&q, 0, sizeof(q));
	q.after = -1;
	optind = 1;
	while ((ch = getopt_long(argc, argv, "hj", opts, NULL)) != -1) {
		if (ch == '?')
			return clihelp_opterr(argv);
		if ((who && ch != 'c' && ch != 'C' && ch != 'j' &&
		    ch != 'h') || (!who && ch == 'C')) {
			cli_errx("%s: only --case, --child and --json with "
			    "who", cmd);
			return EXIT_USAGE;
		}
		switch (ch) {
		case 'c':
			q.case_id = optarg;
			break;
		case 'C':
			child = optarg;
			break;
		case 'u':
			q.user = optarg;
			break;
		case 't':
			q.type = optarg;
			break;
		case 's':
		case 'U':
			if (audit_parse_time(optarg, ch == 'U', ch == 's' ?
			    &q.since : &q.until) != 0) {
				cli_errx("%s: invalid time %s (DD-MM-YYYY or "
				    "YYYY-MM-DD, optionally with HH:MM, or "
				    "seconds since 1970)", cmd, optarg);
				return EXIT_USAGE;
			}
			break;
		case 'a':
			if (parse_u64(optarg, 0, INT64_MAX, &u64) != 0) {
				cli_errx("%s: invalid --after", cmd);
				return EXIT_USAGE;
			}
			q.after = (int64_t)u64;
			break;
		case 'j':
			cli->json = 1;
			break;
		case 'h':
			fputs(audit_usage, stdout);
			return EXIT_OK;
		default:
			return clihelp_opterr(argv);
		}
	}
	if (optind != argc || (who && q.case_id == NULL)) {
		fputs(audit_usage, stderr);
		return EXIT_USAGE;
	}
	if ((r = cli_resolve(cli, IDS_CASE, "--case", &q.case_id, cbuf)) != 0)
		return cli_exit(r);
	if ((q.user != NULL && (q.user[0] == '\0' ||
	    strlen(q.user) > WIRE_STR_MAX)) || (q.type != NULL &&
	    (q.type[0] == '\0' || strlen(q.type) > WIRE_STR_MAX))) {
		cli_errx("%s: --user and --type take 1..%d bytes", cmd,
		    WIRE_STR_MAX);
		return EXIT_USAGE;
	}
	if ((r = cli_connect(cli, &v, &id, &c)) != 0)
		return cli_exit(r);
	memset(&w, 0, sizeof(w));
	w.db = vault_db(v);
	w.case_id = q.case_id;
	if (child != NULL && (r = audit_who_child(&w, child, child_id)) != 0) {
		cli_disconnect(v, &id, c);
		return cli_exit(r);
	}
	if (mode == AUDIT_EXPORT) {
		r = audit_export_run(c, &q);
		cli_disconnect(v, &id, c);
		return cli_exit(r);
	}
	/* at most AUDIT_PAGES_MAX replies: what they hold is shown */
	if ((r = auditrows_fetch(c, &q, AUDIT_PAGES_MAX, &rows, &more,
	    &err)) != 0) {
		if (r == CS_ERR_PROTOCOL && err == NULL)
			cli_errx("audit query: the server went backwards");
		else
			cli_report("audit query", r, err);
	} else {
		if (cli->json) {
			json_init(&j, stdout);
			json_obj_begin(&j);
			if (who)
				json_kv_str(&j, "case_id", q.case_id);
			json_key(&j, "entries");
			json_arr_begin(&j);
		} else if (who)
			printf("%-16s %-16s %-15s %-12s %s\n", "WHEN", "USER",
			    "ROLE", "OFFICE", "WHAT");
		else
			printf("%-6s %-16s %-14s %s %-7s %-16s %-12s %-12s "
			    "%s\n", "IDX", "WHEN", "TYPE", "A", "OUTCOME",
			    "USER", "CASE", "OBJECT", "DETAIL");
		n = audit_print(vault_db(v), rows, cli->json ? &j : NULL,
		    who ? &w : NULL);
		if (cli->json) {
			json_arr_end(&j);
			json_obj_end(&j);
			r = json_end(&j);
		} else if (n == 0)
			printf("no entries\n");
	}
	auditrows_free(rows);
	msg_free(err);
	cli_disconnect(v, &id, c);
	return cli_exit(r);
}

/* verify: the whole log against the signed checkpoint (auditx.c). */
static int
audit_verify(struct cli *cli, int argc, char *argv[])
{
	static const struct option	 opts[] = {
		{ "quiet",	no_argument,		NULL, 'q' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL,		0,			NULL, 0 }
	};
	struct auditx_verified		 ok;
	struct identity			 id;
	struct vault			*v = NULL;
	struct conn			*c = NULL;
	struct msg			*err = NULL;
	const char			*why;
	char				 when[AUDIT_TIME_MAX];
	char				 hex[2 * MERKLE_HASH_LEN + 1];
	int				 ch, quiet = 0, r;

	optind = 1;
	while ((ch = getopt_long(argc, argv, "hq", opts, NULL)) != -1) {
		switch (ch) {
		case 'q':
			quiet = 1;
			break;
		case 'h':
			fputs(audit_usage, stdout);
			return EXIT_OK;
		default:
			return clihelp_opterr(argv);
		}
	}
	if (optind != argc) {
		fputs(audit_usage, stderr);
		return EXIT_USAGE;
	}
	if ((r = cli_connect(cli, &v, &id, &c)) != 0)
		return cli_exit(r);
	r = auditx_verify(c, vault_db(v), &ok, &why, &err);
	if (r == 0 && !quiet) {
		audit_iso(when, ok.time);
		hex_encode(hex, ok.root, sizeof(ok.root));
		printf("audit log verified: %llu entries, checkpoint signed "
		    "%s, root %s\n", (unsigned long long)ok.size, when, hex);
	} else if (r == CS_ERR_TAMPERED)
		cli_errx("audit verify: the server's audit log does NOT "
		    "verify: %s", why);
	else if (r != 0 && (err != NULL || why == NULL))
		cli_report("audit verify", r, err);
	else if (r != 0)
		cli_errx("audit verify: %s: %s", why, cs_err(r));
	msg_free(err);
	cli_disconnect(v, &id, c);
	/* a log that does not verify is this command's "no" */
	return r == CS_ERR_TAMPERED ? EXIT_FAIL : cli_exit(r);
}

int
cmd_audit(struct cli *cli, int argc, char *argv[])
{
	if (argc >= 2 && strcmp(argv[1], "query") == 0)
		return audit_run(cli, AUDIT_QUERY, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "who") == 0)
		return audit_run(cli, AUDIT_WHO, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "export") == 0)
		return audit_run(cli, AUDIT_EXPORT, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "verify") == 0)
		return audit_verify(cli, argc - 1, argv + 1);
	if (argc == 2 && (strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0)) {
		fputs(audit_usage, stdout);
		return EXIT_OK;
	}
	fputs(audit_usage, stderr);
	return EXIT_USAGE;
}
