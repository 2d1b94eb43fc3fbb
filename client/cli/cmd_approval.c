/* SPDX-License-Identifier: ISC */
/*
 * cmd_approval.c - approvals (see cmd_approval.h; DESIGN §2).
 *
 * A request and a decision each name a record of the dossier: the
 * reason (or a closing's summary), and the decision with its reason.
 * The record's id is chosen here, the server takes the request or the
 * decision first, and only then is the record written on this laptop
 * (client/core/approval.c), sealed like every record; the next `sync`
 * brings it to the server and to the others' laptops.  A refused
 * request or decision leaves nothing behind.  The checks of the form
 * (dates, reasons, the case being here) come before any connection, so
 * a typo is a usage error; roles, offices and who asked are known to
 * the server only, and its refusals are shown by their error name.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "approval.h"
#include "cli_ids.h"
#include "client.h"
#include "clihelp.h"
#include "cmd_approval.h"
#include "conn.h"
#include "db.h"
#include "dossier.h"
#include "errors.h"
#include "identity.h"
#include "ids.h"
#include "json.h"
#include "lifecycle.h"
#include "localday.h"
#include "msg.h"
#include "msg_approval.h"
#include "util.h"
#include "validate.h"
#include "vault.h"

/* Room for cli_case_name(): a short id and a title. */
#define APPROVAL_NAME_MAX	(IDS_SHORT_SIZE + IDS_LABEL_MAX + 2)
#define APPROVAL_TEXT_SHOW	400	/* bytes of a reason shown */

static void
approval_usage(FILE *f)
{
	fprintf(f,
	    "usage: casesync case extend --case CASE --end YYYY-MM-DD "
	    "--reason TEXT\n"
	    "       casesync case close --case CASE --reason "
	    "doel_bereikt|measure|verhuisd|overleden|other\n"
	    "           --summary TEXT\n"
	    "       casesync assess cosign --id ASSESSMENT\n"
	    "       casesync approvals [--case CASE] [--all]\n"
	    "       casesync approve ID [--reason TEXT]\n"
	    "       casesync refuse ID --reason TEXT\n"
	    "\nA drang extension and a closing are decided by a teamleider "
	    "of the case's\noffice, a co-signature by a gedragswetenschapper "
	    "of the office who is a member\nof the case; never by the one "
	    "who asked.  `approvals` lists what waits for\nyou (--all: every "
	    "approval of the cases you may see).  The reasons are\nrecords "
	    "of the dossier: `casesync sync` sends them.\n");
}

/*
 * A closing reason as typed to the wire's ("measure" is the CLI's word
 * for a maatregel, docs/CLIENT.md "Words"), NULL if it is none; and
 * back.
 */
static const char *
approval_reason_wire(const char *typed)
{
	if (strcmp(typed, "measure") == 0)
		return "maatregel";
	if (strcmp(typed, "maatregel") != 0 && msg_close_reason_ok(typed))
		return typed;
	return NULL;
}

static const char *
approval_reason_cli(const char *wire)
{
	return strcmp(wire, "maatregel") == 0 ? "measure" : wire;
}

/* "YYYY-MM-DD HH:MM" local, or "-" */
static void
approval_when(int64_t t, char *dst, size_t len)
{
	char	d[LC_DATE_LEN + 1], hm[LOCALDAY_TIME_LEN + 1];

	if (t <= 0 || localday_format(t, d, sizeof(d), hm, sizeof(hm)) != 0)
		(void)str_fmt(dst, len, "-");
	else
		(void)str_fmt(dst, len, "%s %s", d, hm);
}

/* What is asked, for people: "drang extension to 2027-03-01". */
static void
approval_what(const struct msg_approval_info *a, char *dst, size_t len)
{
	if (a->end_date[0] != '\0')
		(void)str_fmt(dst, len, "%s to %s",
		    approval_kind_words(a->kind), a->end_date);
	else if (a->close_reason[0] != '\0')
		(void)str_fmt(dst, len, "%s (%s)",
		    approval_kind_words(a->kind),
		    approval_reason_cli(a->close_reason));
	else
		(void)str_fmt(dst, len, "%s", approval_kind_words(a->kind));
}

static void
approval_json(struct json *j, const struct msg_approval_info *a,
    const char *reason, const char *decision_reason)
{
	json_obj_begin(j);
	json_kv_int(j, "approval_id", a->approval_id);
	json_kv_str(j, "case_id", a->case_id);
	json_kv_str(j, "kind", a->kind);
	json_kv_str(j, "state", a->state);
	json_kv_str(j, "required_role", a->required_role);
	json_kv_str(j, "requested_by", a->requested_by);
	json_kv_str(j, "requested_device", a->requested_device);
	json_kv_time(j, "requested_at", a->requested_at);
	json_kv_str(j, "decided_by", a->decided_by);
	json_kv_str(j, "decided_device", a->decided_device);
	json_kv_time(j, "decided_at", a->decided_at);
	json_kv_str(j, "end_date", a->end_date);
	json_kv_str(j, "close_reason", approval_reason_cli(a->close_reason));
	json_kv_str(j, "record_id", a->record_id);
	json_kv_str(j, "decision_record_id", a->decision_record_id);
	json_kv_str(j, "reason", reason);
	json_kv_str(j, "decision_reason", decision_reason);
	json_obj_end(j);
}

/* One approval for people; its reasons from this laptop's dossier. */
static void
approval_print(const struct msg_approval_info *a, const char *name,
    const char *reason, const char *decision_reason)
{
	char	what[96], when[32];

	approval_what(a, what, sizeof(what));
	approval_when(a->requested_at, when, sizeof(when));
	/* wire_approval.c let no control character into the names */
	printf("%-5lld %-8s %s  %s  asked by %s on %s\n",
	    (long long)a->approval_id, a->state, name, what, a->requested_by,
	    when);
	if (strcmp(a->kind, "assessment_cosign") == 0)
		printf("      assessment: %s\n", reason[0] != '\0' ? reason :
		    "(not on this laptop)");
	else
		printf("      reason: %s\n", reason[0] != '\0' ? reason :
		    "(not on this laptop yet: casesync sync)");
	if (a->decided_at > 0) {
		approval_when(a->decided_at, when, sizeof(when));
		printf("      %s by %s on %s%s%s\n", a->state, a->decided_by,
		    when, decision_reason[0] != '\0' ? ": " : "",
		    decision_reason);
	} else
		printf("      waits for a %s\n", a->required_role);
}

/* The reasons of "a" from the dossier ("" when not here). */
static void
approval_reasons(sqlite3 *db, const struct msg_approval_info *a,
    char *reason, char *dreason, size_t len)
{
	reason[0] = dreason[0] = '\0';
	(void)approval_record_text(db, a->case_id, a->record_id, reason, len);
	if (a->decision_record_id[0] != '\0')
		(void)approval_record_text(db, a->case_id,
		    a->decision_record_id, dreason, len);
}

/* Show one ApprovalInfo (the reply to a request or a decision). */
static void
approval_show(struct cli *cli, struct vault *v, const struct msg *rep)
{
	struct msg_approval_info a;
	struct json		 j;
	struct ids		*x = NULL;
	char			 name[APPROVAL_NAME_MAX];
	char			 r1[APPROVAL_TEXT_SHOW], r2[APPROVAL_TEXT_SHOW];

	(void)msg_get_approval_info(rep, &a);	/* rpc_call_expect'ed */
	approval_reasons(vault_db(v), &a, r1, r2, sizeof(r1));
	if (cli->json) {
		json_init(&j, stdout);
		approval_json(&j, &a, r1, r2);
		(void)json_end(&j);
		return;
	}
	if (ids_load_with(vault_db(v), &a.case_id, 1, &x) != 0)
		x = NULL;
	cli_case_name(vault_db(v), x, a.case_id, name, sizeof(name));
	ids_free(x);
	approval_print(&a, name, r1, r2);
}

/* A refused local check: why, and CS_ERR_USAGE for a bad value. */
static int
approval_local_fail(const char *what, int r, const struct dossier_error *e)
{
	cli_errx("%s: %s; nothing was sent", what, e->text[0] != '\0' ?
	    e->text : cs_err(r));
	return e->fault == DOSSIER_BAD_VALUE || e->fault == DOSSIER_MISSING ||
	    e->fault == DOSSIER_BAD_UNSET ? CS_ERR_USAGE : r;
}

/*
 * Send "req" (an ApprovalRequest or ApprovalDecision) on "c"; on
 * success write the record "rid" with "put", then show the reply.
 */
static int
approval_send(struct cli *cli, struct vault *v, struct conn *c,
    const char *what, struct msg_out req, int (*put)(sqlite3 *,
    const void *, const char *, struct dossier_error *), const void *arg,
    const char *rid)
{
	struct dossier_error	 e;
	struct msg		*rep = NULL;
	int			 r;

	if ((r = rpc_call_expect(c, &req, MSG_APPROVAL_INFO, &rep)) != 0) {
		cli_report(what, r, rep);
		goto out;
	}
	if (put != NULL && (r = put(vault_db(v), arg, rid, &e)) != 0) {
		cli_errx("%s: done on the server, but its record could not be "
		    "written here: %s", what, e.text[0] != '\0' ? e.text :
		    cs_err(r));
		goto out;
	}
	approval_show(cli, v, rep);
	if (put != NULL && !cli->json)
		printf("the record reaches the dossier with your next "
		    "`casesync sync`\n");
 out:
	msg_free(rep);
	return r;
}

static int
approval_put_ask(sqlite3 *db, const void *arg, const char *rid,
    struct dossier_error *e)
{
	return approval_ask_record(db, arg, rid, e);
}

int
cmd_approval_case_sub(const char *sub)
{
	return sub != NULL && (strcmp(sub, "extend") == 0 ||
	    strcmp(sub, "close") == 0);
}

/* `case extend` and `case close`: a request with a record of its own. */
int
cmd_approval_case(struct cli *cli, int argc, char *argv[])
{
	static const struct option	opts[] = {
		{ "case", required_argument, NULL, 'c' },
		{ "end", required_argument, NULL, 'e' },
		{ "reason", required_argument, NULL, 'r' },
		{ "summary", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct msg_approval_request	 m;
	struct approval_ask		 a;
	struct dossier_error		 e;
	struct identity			 id;
	struct vault			*v = NULL;
	struct conn			*c = NULL;
	const char			*cid = NULL, *end = NULL, *why;
	const char			*reason = NULL, *summary = NULL;
	char				 cbuf[DB_UUID_LEN + 1];
	char				 rid[DB_UUID_LEN + 1], what[32];
	int64_t				 day;
	int				 ch, r, close;

	optind = 1;
	while ((ch = getopt_long(argc - 1, argv + 1, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			cid = optarg;
			break;
		case 'e':
			end = optarg;
			break;
		case 'r':
			reason = optarg;
			break;
		case 's':
			summary = optarg;
			break;
		case 'h':
			approval_usage(stdout);
			return EXIT_OK;
		default:
			return clihelp_opterr(argv + 1);
		}
	}
	close = strcmp(argv[1], "close") == 0;
	(void)str_fmt(what, sizeof(what), "case %s", argv[1]);
	if (optind != argc - 1 || cid == NULL || reason == NULL ||
	    (close ? (summary == NULL || end != NULL) : (end == NULL ||
	    summary != NULL))) {
		approval_usage(stderr);
		return EXIT_USAGE;
	}
	if (!close && validate_date(end, &day, &why) != 0) {
		cli_errx("--end: %s", why);
		return EXIT_USAGE;
	}
	if (close && (reason = approval_reason_wire(reason)) == NULL) {
		cli_errx("--reason: not a closing reason (doel_bereikt|measure|"
		    "verhuisd|overleden|other)");
		return EXIT_USAGE;
	}
	if ((r = cli_resolve(cli, IDS_CASE, "--case", &cid, cbuf)) != 0)
		return cli_exit(r);
	memset(&a, 0, sizeof(a));
	a.case_id = cid;
	a.kind = close ? "case_close" : "drang_extension";
	a.text = close ? summary : reason;
	a.end = end;
	a.close_reason = close ? reason : NULL;
	if ((r = cli_connect(cli, &v, &id, &c)) != 0)
		return cli_exit(r);
	if ((r = approval_ask_record(vault_db(v), &a, NULL, &e)) != 0) {
		r = approval_local_fail(what, r, &e);
		goto out;
	}
	db_uuid(rid);
	memset(&m, 0, sizeof(m));
	m.case_id = cid;
	m.kind = a.kind;
	m.record_id = rid;
	m.end_date = close ? "" : end;
	m.close_reason = close ? reason : "";
	r = approval_send(cli, v, c, what, msg_out_approval_request(&m),
	    approval_put_ask, &a, rid);
 out:
	cli_disconnect(v, &id, c);
	return cli_exit(r);
}

/* `assess cosign --id A`: the assessment itself is the request. */
int
cmd_approval_cosign(struct cli *cli, int argc, char *argv[])
{
	static const struct option	opts[] = {
		{ "id", required_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct msg_approval_request	 m;
	struct db_record		 rec;
	struct identity			 id;
	struct vault			*v = NULL;
	struct conn			*c = NULL;
	const char			*aid = NULL;
	char				 abuf[DB_UUID_LEN + 1];
	int				 ch, r;

	optind = 1;
	while ((ch = getopt_long(argc - 1, argv + 1, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'i':
			aid = optarg;
			break;
		case 'h':
			approval_usage(stdout);
			return EXIT_OK;
		default:
			return clihelp_opterr(argv + 1);
		}
	}
	if (optind != argc - 1 || aid == NULL) {
		approval_usage(stderr);
		return EXIT_USAGE;
	}
	if ((r = cli_resolve(cli, IDS_RECORD, "--id", &aid, abuf)) != 0)
		return cli_exit(r);
	memset(&rec, 0, sizeof(rec));
	if ((r = cli_connect(cli, &v, &id, &c)) != 0)
		return cli_exit(r);
	if ((r = db_record_get(vault_db(v), aid, &rec)) != 0 ||
	    strcmp(rec.kind, "assessment") != 0) {
		cli_errx("assess cosign: --id: not an assessment on this "
		    "laptop");
		r = CS_ERR_USAGE;
		goto out;
	}
	memset(&m, 0, sizeof(m));
	m.case_id = rec.case_id;
	m.kind = "assessment_cosign";
	m.record_id = aid;
	m.end_date = m.close_reason = "";
	r = approval_send(cli, v, c, "assess cosign",
	    msg_out_approval_request(&m), NULL, NULL, NULL);
 out:
	db_record_clear(&rec);
	cli_disconnect(v, &id, c);
	return cli_exit(r);
}

/* The approvals the server lists for this request, one page. */
static int
approval_fetch(struct conn *c, const char *case_id, int for_me,
    struct msg **rep)
{
	struct msg_approval_list_request	lr;
	struct msg_out				req;
	int					r;

	lr.case_id = case_id != NULL ? case_id : "";
	lr.waiting_for_me = for_me;
	req = msg_out_approval_list_request(&lr);
	if ((r = rpc_call_expect(c, &req, MSG_APPROVAL_LIST, rep)) != 0)
		cli_report("approvals", r, *rep);
	return r;
}

int
cmd_approvals(struct cli *cli, int argc, char *argv[])
{
	static const struct option	opts[] = {
		{ "case", required_argument, NULL, 'c' },
		{ "all", no_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct msg_approval_list	 al;
	struct msg_approval_info	 a;
	struct json			 j;
	struct identity			 id;
	struct vault			*v = NULL;
	struct conn			*c = NULL;
	struct msg			*rep = NULL;
	struct ids			*x = NULL;
	const char			*cid = NULL, **cases = NULL;
	char				 cbuf[DB_UUID_LEN + 1];
	char				 name[APPROVAL_NAME_MAX];
	char				 r1[APPROVAL_TEXT_SHOW];
	char				 r2[APPROVAL_TEXT_SHOW];
	size_t				 i;
	int				 ch, r, all = 0;

	/* argv[0] is this command: 0 makes getopt start afresh at 1 */
	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			cid = optarg;
			break;
		case 'a':
			all = 1;
			break;
		case 'h':
			approval_usage(stdout);
			return EXIT_OK;
		default:
			return clihelp_opterr(argv);
		}
	}
	if (optind != argc) {
		approval_usage(stderr);
		return EXIT_USAGE;
	}
	if (cid != NULL &&
	    (r = cli_resolve(cli, IDS_CASE, "--case", &cid, cbuf)) != 0)
		return cli_exit(r);
	if ((r = cli_connect(cli, &v, &id, &c)) != 0)
		return cli_exit(r);
	if ((r = approval_fetch(c, cid, !all, &rep)) != 0)
		goto out;
	(void)msg_get_approval_list(rep, &al);
	if (al.n_approvals > 0 &&
	    (cases = calloc(al.n_approvals, sizeof(*cases))) != NULL) {
		for (i = 0; i < al.n_approvals; i++) {
			(void)msg_approval_list_item(rep, i, &a);
			cases[i] = a.case_id;
		}
		if (ids_load_with(vault_db(v), cases, al.n_approvals,
		    &x) != 0)
			x = NULL;
	}
	if (cli->json) {
		json_init(&j, stdout);
		json_obj_begin(&j);
		json_key(&j, "approvals");
		json_arr_begin(&j);
	}
	for (i = 0; i < al.n_approvals; i++) {
		(void)msg_approval_list_item(rep, i, &a);
		approval_reasons(vault_db(v), &a, r1, r2, sizeof(r1));
		if (cli->json) {
			approval_json(&j, &a, r1, r2);
			continue;
		}
		cli_case_name(vault_db(v), x, a.case_id, name, sizeof(name));
		approval_print(&a, name, r1, r2);
	}
	if (cli->json) {
		json_arr_end(&j);
		json_kv_bool(&j, "more", al.more);
		json_obj_end(&j);
		r = json_end(&j);
	} else if (al.n_approvals == 0)
		printf("%s\n", all ? "no approvals" :
		    "nothing waits for your approval");
	else if (al.more)
		printf("(more: name a case with --case)\n");
 out:
	ids_free(x);
	free(cases);
	msg_free(rep);
	cli_disconnect(v, &id, c);
	return cli_exit(r);
}

/* `approve ID [--reason TEXT]` and `refuse ID --reason TEXT`. */
static int
approval_decide_cmd(struct cli *cli, int approve, int argc, char *argv[])
{
	static const struct option	opts[] = {
		{ "reason", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct dossier_error		 e;
	struct identity			 id;
	struct vault			*v = NULL;
	struct conn			*c = NULL;
	struct msg			*rep = NULL;
	const char			*reason = NULL;
	const char			*what = approve ? "approve" : "refuse";
	uint64_t			 num;
	int				 ch, r;

	/* argv[0] is this command: 0 makes getopt start afresh at 1 */
	optind = 0;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'r':
			reason = optarg;
			break;
		case 'h':
			approval_usage(stdout);
			return EXIT_OK;
		default:
			return clihelp_opterr(argv);
		}
	}
	if (optind != argc - 1 || (!approve && reason == NULL)) {
		approval_usage(stderr);
		return EXIT_USAGE;
	}
	if (parse_u64(argv[optind], 1, INT64_MAX, &num) != 0) {
		cli_errx("%s: ID is the number `casesync approvals` shows",
		    what);
		return EXIT_USAGE;
	}
	if ((r = cli_connect(cli, &v, &id, &c)) != 0)
		return cli_exit(r);
	r = approval_decide(c, vault_db(v), (int64_t)num, approve, reason,
	    &rep, &e);
	if (r == 0) {
		approval_show(cli, v, rep);
		if (!cli->json)
			printf("the record reaches the dossier with your next "
			    "`casesync sync`\n");
	} else if (e.fault == DOSSIER_WRITE_FAILED) {
		cli_errx("%s: done on the server, but its record could not be "
		    "written here: %s", what, e.text);
	} else if (rep != NULL || e.fault == DOSSIER_OK) {
		if (r == CS_ERR_NOT_FOUND && rep == NULL)
			cli_errx("%s: no approval %llu among those you may see "
			    "(casesync approvals --all)", what,
			    (unsigned long long)num);
		else
			cli_report(what, r, rep);
	} else {
		if (e.fault == DOSSIER_NO_CASE)
			(void)str_fmt(e.text, sizeof(e.text), "the case is not "
			    "on this laptop yet: run `casesync sync` first");
		r = approval_local_fail(what, r, &e);
	}
	msg_free(rep);
	cli_disconnect(v, &id, c);
	return cli_exit(r);
}

int
cmd_approve(struct cli *cli, int argc, char *argv[])
{
	return approval_decide_cmd(cli, 1, argc, argv);
}

int
cmd_refuse(struct cli *cli, int argc, char *argv[])
{
	return approval_decide_cmd(cli, 0, argc, argv);
}

int
cli_approval_extension(struct conn *c, const char *case_id, char *by,
    size_t bylen, char *day, size_t daylen)
{
	struct msg_approval_list_request lr;
	struct msg_approval_list	 al;
	struct msg_approval_info	 a;
	struct msg_out			 req;
	struct msg			*rep = NULL;
	size_t				 i;
	int				 r, found = 0;

	by[0] = day[0] = '\0';
	lr.case_id = case_id;
	lr.waiting_for_me = 0;
	req = msg_out_approval_list_request(&lr);
	if ((r = rpc_call_expect(c, &req, MSG_APPROVAL_LIST, &rep)) != 0)
		goto out;
	(void)msg_get_approval_list(rep, &al);
	/* by id: the last one approved is the extension the case has */
	for (i = 0; i < al.n_approvals; i++) {
		(void)msg_approval_list_item(rep, i, &a);
		if (strcmp(a.kind, "drang_extension") != 0 ||
		    strcmp(a.state, "approved") != 0)
			continue;
		found = 1;
		(void)str_fmt(by, bylen, "%s", a.decided_by);
		if (localday_format(a.decided_at, day, daylen, NULL, 0) != 0)
			day[0] = '\0';
	}
	r = found ? 0 : CS_ERR_NOT_FOUND;
 out:
	msg_free(rep);
	return r;
}
