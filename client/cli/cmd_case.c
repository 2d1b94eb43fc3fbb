/* SPDX-License-Identifier: ISC */
/*
 * cmd_case.c - `casesync case state|info|list`: the case lifecycle of
 * DESIGN §2 on the laptop.
 *
 * `case state` checks the change offline with lifecycle.c against the
 * metadata this laptop holds (case_meta.c) before anything goes to the
 * server; a refusal is reported with the same sentence the server
 * would give, and nothing changes.  The server checks again (it alone
 * knows roles and the regisseur) and answers with the case as it now
 * is, which is stored locally.  `case list --due` works offline from
 * the stored metadata (`--server` refreshes it first).  Dates are UTC
 * days, like the server's.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case_meta.h"
#include "client.h"
#include "clihelp.h"
#include "cmd_case.h"
#include "conn.h"
#include "db.h"
#include "errors.h"
#include "identity.h"
#include "lifecycle.h"
#include "log.h"
#include "msg.h"
#include "msg_case.h"
#include "util.h"
#include "validate.h"
#include "vault.h"

#define CASE_WITHIN_MAX_DAYS	3650

struct case_list_ctx {
	struct cli	*cli;
	int64_t		 today;
	int		 due;
	int64_t		 within;	/* days, or -1 for no limit */
	size_t		 n;
};

static void
case_lc_usage(FILE *f)
{
	fprintf(f,
	    "usage: casesync case state --case UUID --to STATE "
	    "[--date YYYY-MM-DD]\n"
	    "           [--end YYYY-MM-DD] [--reason TEXT] "
	    "[--approved-by TEAMLEIDER]\n"
	    "       casesync case info --case UUID\n"
	    "       casesync case list [--server] [--due [--within DAYS[d]]]\n"
	    "\nSTATE: AANMELDING DRANG_INTENSIEF DRANG_TOETSING "
	    "DRANG_VERVOLG RAAD_MELDING\n"
	    "       MAATREGEL_VOTS MAATREGEL_OTS MAATREGEL_VOOGDIJ AFSLUITING "
	    "NAZORG GESLOTEN\n"
	    "--date: when the change takes effect (default today, UTC)\n"
	    "--end: drang end (DRANG_VERVOLG) or measure end; a drang end "
	    "more than 3 months\n"
	    "       after the drang start needs --reason and --approved-by "
	    "(a teamleider)\n"
	    "--server: first fetch the cases the server lists for you (a "
	    "teamleider: all\n"
	    "       open cases of the office) into the local copy\n");
}

int
cmd_case_lifecycle_sub(const char *sub)
{
	return sub != NULL && (strcmp(sub, "state") == 0 ||
	    strcmp(sub, "info") == 0 || strcmp(sub, "list") == 0);
}

static void
case_date_str(int64_t d, char *dst, size_t len)
{
	if (d == LC_NODATE)
		(void)str_fmt(dst, len, "%s", "");
	else
		lc_date_format(d, dst, len);
}

/* One case as JSON (no newline). */
static void
case_json(const struct case_meta *m, int64_t today)
{
	struct lc_deadline	dl[LC_DEADLINES_MAX];
	char			d[4][LC_DATE_LEN + 1], due[LC_DATE_LEN + 1];
	size_t			i, n;

	case_date_str(m->lc.state_since, d[0], sizeof(d[0]));
	case_date_str(m->lc.drang_start, d[1], sizeof(d[1]));
	case_date_str(m->lc.measure_start, d[2], sizeof(d[2]));
	case_date_str(m->lc.end_date, d[3], sizeof(d[3]));
	printf("{\"case_id\":\"%s\",\"frame\":\"%s\",\"state\":\"%s\","
	    "\"state_since\":\"%s\",\"drang_start\":\"%s\","
	    "\"measure_start\":\"%s\",\"end_date\":\"%s\",\"extended\":%s,"
	    "\"approved_by\":", m->case_id, lc_frame_name(m->lc.frame),
	    lc_state_name(m->lc.state), d[0], d[1], d[2], d[3],
	    m->lc.extended ? "true" : "false");
	cli_json_str(stdout, m->approved_by);
	printf(",\"deadlines\":[");
	lc_deadlines(&m->lc, today, dl, LC_DEADLINES_MAX, &n);
	for (i = 0; i < n; i++) {
		lc_date_format(dl[i].due, due, sizeof(due));
		printf("%s{\"kind\":\"%s\",\"due\":\"%s\",\"days_left\":%lld}",
		    i > 0 ? "," : "", lc_deadline_name(dl[i].kind), due,
		    (long long)dl[i].days_left);
	}
	printf("]}");
}

static void
case_show(struct cli *cli, const struct case_meta *m, int64_t today)
{
	struct lc_deadline	dl[LC_DEADLINES_MAX];
	char			a[LC_DATE_LEN + 1];
	size_t			i, n;

	if (cli->json) {
		case_json(m, today);
		printf("\n");
		return;
	}
	lc_date_format(m->lc.state_since, a, sizeof(a));
	printf("case %s  %s  %s since %s\n", m->case_id,
	    lc_frame_name(m->lc.frame), lc_state_name(m->lc.state), a);
	if (m->lc.drang_start != LC_NODATE) {
		lc_date_format(m->lc.drang_start, a, sizeof(a));
		printf("  drang start   %s\n", a);
	}
	if (m->lc.measure_start != LC_NODATE) {
		lc_date_format(m->lc.measure_start, a, sizeof(a));
		printf("  measure start %s\n", a);
	}
	if (m->lc.end_date != LC_NODATE) {
		lc_date_format(m->lc.end_date, a, sizeof(a));
		printf("  end           %s", a);
		if (m->lc.extended)
			printf(" (extended%s%s)", m->approved_by[0] != '\0' ?
			    ", approved by " : "", m->approved_by);
		printf("\n");
	}
	lc_deadlines(&m->lc, today, dl, LC_DEADLINES_MAX, &n);
	for (i = 0; i < n; i++) {
		lc_date_format(dl[i].due, a, sizeof(a));
		printf("  due %s  %-22s %lld day(s)%s\n", a,
		    lc_deadline_name(dl[i].kind),
		    (long long)(dl[i].days_left < 0 ? -dl[i].days_left :
		    dl[i].days_left), dl[i].days_left < 0 ? " OVERDUE" :
		    " left");
	}
}

/*
 * Send "req" on "c" and store the CaseInfo reply in *m and in the
 * local table.  Returns 0 or an error that has been reported.
 */
static int
case_call(struct conn *c, struct vault *v, struct msg_out req,
    const char *what, struct case_meta *m)
{
	struct msg_case_info	 ci;
	struct msg		*rep = NULL;
	int			 r;

	if ((r = rpc_call_expect(c, &req, MSG_CASE_INFO, &rep)) != 0) {
		cli_report(what, r, rep);
		goto out;
	}
	if (msg_get_case_info(rep, &ci) != 0 ||
	    case_meta_from_info(&ci, m) != 0) {
		cli_errx("%s: unexpected reply from the server", what);
		r = CS_ERR_PROTOCOL;
		goto out;
	}
	if ((r = case_meta_put(vault_db(v), m)) != 0)
		cli_errx("%s: done on the server, but the local copy could "
		    "not be updated: %s", what, cs_err(r));
 out:
	msg_free(rep);
	return r;
}

/* Ask the server for the case's metadata (and store it). */
static int
case_fetch(struct conn *c, struct vault *v, const char *cid,
    struct case_meta *m)
{
	struct msg_case_info_request	rq = { cid };

	return case_call(c, v, msg_out_case_info_request(&rq), "case info",
	    m);
}

static int
case_open(struct cli *cli, struct vault **v)
{
	int	r;

	if ((r = cli_vault_open(cli, 0, v)) != 0)
		return r;
	if ((r = db_init(vault_db(*v))) != 0) {
		cli_errx("cannot prepare the local database: %s", cs_err(r));
		vault_close(*v);
		*v = NULL;
	}
	return r;
}

/* A checked option: prints the problem; CS_ERR_USAGE. */
static int
case_bad(const char *opt, const char *why)
{
	cli_errx("%s: %s", opt, why);
	return CS_ERR_USAGE;
}

static void
case_refused(const struct case_meta *m, const struct lc_change *q,
    const char *why)
{
	cli_errx("case state: refused (checked on this laptop): %s -> %s: %s",
	    lc_state_name(m->lc.state), lc_state_name(q->to),
	    why != NULL ? why : "not allowed");
}

static int
case_state(struct cli *cli, const char *cid, const char *to,
    const char *date, const char *end, const char *reason,
    const char *approver)
{
	struct msg_case_state	 cs;
	struct case_meta	 m, after;
	struct lc_change	 q;
	struct lc_case		 next;
	struct identity		 id;
	struct vault		*v = NULL;
	struct conn		*c = NULL;
	const char		*why = NULL;
	int64_t			 today;
	int			 r, refused = 0;

	memset(&q, 0, sizeof(q));
	q.effective = q.end = LC_NODATE;
	if (cid == NULL || !wire_uuid_ok(cid))
		return cli_exit(case_bad("--case", "a case id (UUID) is "
		    "required"));
	if (to == NULL || lc_state_parse(to, &q.to) != 0)
		return cli_exit(case_bad("--to", "not a state of the case "
		    "lifecycle (see casesync case state --help)"));
	if (date != NULL && validate_date(date, &q.effective, &why) != 0)
		return cli_exit(case_bad("--date", why));
	if (end != NULL && validate_date(end, &q.end, &why) != 0)
		return cli_exit(case_bad("--end", why));
	if (reason != NULL &&
	    validate_name(reason, LC_REASON_MAX, &why) != 0)
		return cli_exit(case_bad("--reason", why));
	if (approver != NULL &&
	    validate_name(approver, WIRE_STR_MAX, &why) != 0)
		return cli_exit(case_bad("--approved-by", why));
	q.has_reason = reason != NULL;
	/* the server checks that the approver is a teamleider */
	q.approved = approver != NULL;
	today = lc_date_from_time(time_now());

	memset(&id, 0, sizeof(id));
	if ((r = case_open(cli, &v)) != 0)
		return cli_exit(r);
	/*
	 * Check with the local copy first.  A refusal is final offline; when
	 * the server can be reached the copy is refreshed and checked again
	 * (someone else may have moved the case), and only a change that
	 * passes is sent.  Without a local copy the server decides alone.
	 */
	if ((r = case_meta_get(vault_db(v), cid, &m)) == 0)
		refused = lc_apply(&m.lc, &q, today, &next, &why) != 0;
	else if (r != CS_ERR_NOT_FOUND) {
		cli_errx("case state: local database: %s", cs_err(r));
		goto out;
	}
	if ((r = cli_connect_open(cli, v, &id, &c)) != 0) {
		if (refused) {
			case_refused(&m, &q, why);
			r = CS_ERR_PEER;
		}
		goto out;
	}
	if (refused) {
		if ((r = case_fetch(c, v, cid, &m)) != 0)
			goto out;
		if (lc_apply(&m.lc, &q, today, &next, &why) != 0) {
			case_refused(&m, &q, why);
			r = CS_ERR_PEER;
			goto out;
		}
	}
	cs.case_id = cid;
	cs.to_state = lc_state_name(q.to);
	cs.effective_date = date;		/* NULL is sent as "" */
	cs.end_date = end;
	cs.reason = reason;
	cs.approved_by = approver;
	if ((r = case_call(c, v, msg_out_case_state(&cs), "case state",
	    &after)) == 0)
		case_show(cli, &after, today);
 out:
	cli_disconnect(v, &id, c);
	return cli_exit(r);
}

static int
case_info(struct cli *cli, const char *cid)
{
	struct case_meta	 m;
	struct identity		 id;
	struct vault		*v = NULL;
	struct conn		*c = NULL;
	int			 r;

	if (cid == NULL || !wire_uuid_ok(cid))
		return cli_exit(case_bad("--case", "a case id (UUID) is "
		    "required"));
	memset(&id, 0, sizeof(id));
	if ((r = case_open(cli, &v)) != 0)
		return cli_exit(r);
	if ((r = cli_connect_open(cli, v, &id, &c)) == 0 &&
	    (r = case_fetch(c, v, cid, &m)) == 0)
		case_show(cli, &m, lc_date_from_time(time_now()));
	cli_disconnect(v, &id, c);
	return cli_exit(r);
}

/*
 * Fetch every case the server lists for this user, page by page, into
 * the local table.  Ids must grow from page to page (a server that
 * repeats itself cannot keep us looping).
 */
static int
case_fetch_all(struct cli *cli, struct vault *v, size_t *count)
{
	struct msg_case_list_request	 lr;
	struct msg_case_list		 cl;
	struct msg_case_info		 ci;
	struct msg_out			 req;
	struct identity			 id;
	struct case_meta		 m;
	struct conn			*c = NULL;
	struct msg			*rep = NULL;
	char				 after[DB_UUID_LEN + 1] = "";
	size_t				 i;
	int				 r, more = 1;

	*count = 0;
	if ((r = cli_connect_open(cli, v, &id, &c)) != 0)
		return r;
	lr.after = after;		/* the last case id so far */
	req = msg_out_case_list_request(&lr);
	while (more) {
		msg_free(rep);
		rep = NULL;
		if ((r = rpc_call_expect(c, &req, MSG_CASE_LIST,
		    &rep)) != 0) {
			cli_report("case list", r, rep);
			goto out;
		}
		(void)msg_get_case_list(rep, &cl);
		for (i = 0; i < cl.n_cases; i++) {
			r = CS_ERR_PROTOCOL;
			if (msg_case_list_item(rep, i, &ci) != 0 ||
			    case_meta_from_info(&ci, &m) != 0 ||
			    strcmp(m.case_id, after) <= 0) {
				cli_errx("case list: unexpected reply from "
				    "the server");
				goto out;
			}
			if ((r = case_meta_put(vault_db(v), &m)) != 0) {
				cli_errx("case list: local database: %s",
				    cs_err(r));
				goto out;
			}
			memcpy(after, m.case_id, sizeof(after));
			(*count)++;
		}
		more = cl.more;		/* wire.c: never after no cases */
	}
	r = 0;
 out:
	msg_free(rep);
	cli_disconnect(NULL, &id, c);
	return r;
}

static int
case_list_cb(const struct case_meta *m, void *arg)
{
	struct case_list_ctx	*x = arg;
	struct lc_deadline	 dl[LC_DEADLINES_MAX];
	char			 a[LC_DATE_LEN + 1], b[LC_DATE_LEN + 1];
	size_t			 i, n;

	if (!x->due) {
		if (x->cli->json) {
			printf("%s", x->n++ > 0 ? "," : "");
			case_json(m, x->today);
			return 0;
		}
		lc_date_format(m->lc.state_since, a, sizeof(a));
		lc_date_format(m->lc.end_date, b, sizeof(b));
		printf("%s  %-7s  %-17s  since %s  end %s\n", m->case_id,
		    lc_frame_name(m->lc.frame), lc_state_name(m->lc.state), a,
		    b);
		return 0;
	}
	lc_deadlines(&m->lc, x->today, dl, LC_DEADLINES_MAX, &n);
	for (i = 0; i < n; i++) {
		if (x->within >= 0 && dl[i].days_left > x->within)
			continue;
		lc_date_format(dl[i].due, a, sizeof(a));
		if (x->cli->json)
			printf("%s{\"case_id\":\"%s\",\"frame\":\"%s\","
			    "\"state\":\"%s\",\"kind\":\"%s\",\"due\":\"%s\","
			    "\"days_left\":%lld,\"overdue\":%s}",
			    x->n > 0 ? "," : "", m->case_id,
			    lc_frame_name(m->lc.frame),
			    lc_state_name(m->lc.state),
			    lc_deadline_name(dl[i].kind), a,
			    (long long)dl[i].days_left,
			    dl[i].days_left < 0 ? "true" : "false");
		else
			printf("%s  %5lld  %-22s %s  %s\n", a,
			    (long long)dl[i].days_left,
			    lc_deadline_name(dl[i].kind), m->case_id,
			    lc_state_name(m->lc.state));
		x->n++;
	}
	return 0;
}

static int
case_list(struct cli *cli, int due, const char *within, int server)
{
	struct case_list_ctx	 x;
	struct vault		*v = NULL;
	char			 num[16], today[LC_DATE_LEN + 1];
	uint64_t		 days;
	size_t			 len, fetched = 0;
	int			 r;

	memset(&x, 0, sizeof(x));
	x.cli = cli;
	x.due = due;
	x.within = -1;
	x.today = lc_date_from_time(time_now());
	if (within != NULL) {
		len = strlen(within);
		if (!due)
			return cli_exit(case_bad("--within", "only with --due"));
		if (len == 0 || len >= sizeof(num) ||
		    str_fmt(num, sizeof(num), "%s", within) != 0)
			return cli_exit(case_bad("--within", "a number of days, "
			    "e.g. 14d"));
		if (num[len - 1] == 'd')
			num[len - 1] = '\0';
		if (parse_u64(num, 0, CASE_WITHIN_MAX_DAYS, &days) != 0)
			return cli_exit(case_bad("--within", "a number of days "
			    "(0 to 3650), e.g. 14d"));
		x.within = (int64_t)days;
	}
	if ((r = case_open(cli, &v)) != 0)
		return cli_exit(r);
	if (server && (r = case_fetch_all(cli, v, &fetched)) != 0) {
		vault_close(v);
		return cli_exit(r);
	}
	if (server)
		log_debug("%zu cases from the server", fetched);
	lc_date_format(x.today, today, sizeof(today));
	if (cli->json)
		printf("{\"today\":\"%s\",\"%s\":[", today,
		    due ? "deadlines" : "cases");
	else if (due)
		printf("%-10s  %5s  %-22s %-36s  %s\n", "DUE", "DAYS", "KIND",
		    "CASE", "STATE");
	r = case_meta_list(vault_db(v), case_list_cb, &x);
	if (cli->json)
		printf("]}\n");
	else if (x.n == 0 && due && r == 0)	/* not after an error */
		printf("no deadlines%s\n", within != NULL ? " in that period" :
		    "");
	if (r != 0)
		cli_errx("case list: %s", cs_err(r));
	vault_close(v);
	return cli_exit(r);
}

int
cmd_case_lifecycle(struct cli *cli, int argc, char *argv[])
{
	static const struct option	opts[] = {
		{ "case", required_argument, NULL, 'c' },
		{ "id", required_argument, NULL, 'c' },
		{ "to", required_argument, NULL, 't' },
		{ "date", required_argument, NULL, 'd' },
		{ "end", required_argument, NULL, 'e' },
		{ "reason", required_argument, NULL, 'r' },
		{ "approved-by", required_argument, NULL, 'a' },
		{ "due", no_argument, NULL, 'u' },
		{ "within", required_argument, NULL, 'w' },
		{ "server", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*sub = argv[1], *cid = NULL, *to = NULL, *date = NULL;
	const char	*end = NULL, *reason = NULL, *approver = NULL;
	const char	*within = NULL;
	int		 ch, due = 0, server = 0;

	optind = 1;
	while ((ch = getopt_long(argc - 1, argv + 1, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			cid = optarg;
			break;
		case 't':
			to = optarg;
			break;
		case 'd':
			date = optarg;
			break;
		case 'e':
			end = optarg;
			break;
		case 'r':
			reason = optarg;
			break;
		case 'a':
			approver = optarg;
			break;
		case 'u':
			due = 1;
			break;
		case 'w':
			within = optarg;
			break;
		case 's':
			server = 1;
			break;
		case 'h':
			case_lc_usage(stdout);
			return EXIT_OK;
		default:
			return clihelp_opterr(argv + 1);
		}
	}
	if (optind != argc - 1) {
		case_lc_usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(sub, "state") == 0)
		return case_state(cli, cid, to, date, end, reason, approver);
	if (to != NULL || date != NULL || end != NULL || reason != NULL ||
	    approver != NULL) {
		case_lc_usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(sub, "info") == 0 && !due && within == NULL && !server)
		return case_info(cli, cid);
	if (strcmp(sub, "list") == 0 && cid == NULL)
		return case_list(cli, due, within, server);
	case_lc_usage(stderr);
	return EXIT_USAGE;
}
