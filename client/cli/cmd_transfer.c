/* SPDX-License-Identifier: ISC */
/*
 * cmd_transfer.c - `casesync transfer request|list|accept|reject|revoke`,
 * `casesync team assign` and `casesync glass` (see cmd_transfer.h).
 *
 * Nothing here is decided on the laptop: roles, offices and the state
 * of a transfer are known to the server only.  The laptop checks the
 * form of what it sends (ids, reason codes, text lengths) so that a
 * typo is a usage error without a connection, and shows every refusal
 * by its error name.  After an accepted transfer or a glass grant the
 * case arrives with the next `casesync sync`.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli_ids.h"
#include "client.h"
#include "clihelp.h"
#include "cmd_transfer.h"
#include "glass.h"
#include "json.h"
#include "localday.h"
#include "conn.h"
#include "errors.h"
#include "identity.h"
#include "util.h"
#include "vault.h"
#include "msg.h"
#include "msg_session.h"
#include "msg_transfer.h"

static void
transfer_usage(FILE *f)
{
	fprintf(f,
	    "usage: casesync transfer request --case CASE --to OFFICE "
	    "--reason moved|capacity|expertise|other\n"
	    "           [--note TEXT]\n"
	    "       casesync transfer list\n"
	    "       casesync transfer show --id ID\n"
	    "       casesync transfer accept --id ID --regisseur NAME\n"
	    "       casesync transfer reject --id ID --reason TEXT\n"
	    "       casesync transfer revoke --id ID\n"
	    "\nWhile a transfer is REQUESTED, list and show include what the "
	    "server knows of\nthe case: frame, state, dates, deadlines, "
	    "records by kind, the regisseur.\n"
	    "The case's regisseur or a teamleider of its office requests; "
	    "a teamleider of the\ntarget office accepts (naming a "
	    "jeugdbeschermer of that office as the new\nregisseur) or "
	    "rejects; the requester revokes.  --note and the rejection "
	    "reason\nare read by colleagues: do not identify the family "
	    "in them.\n");
}

/* "YYYY-MM-DDTHH:MM:SSZ", or "-" for 0. */
static void
transfer_time(char *dst, size_t dstlen, int64_t t)
{
	localday_utc_iso(dst, dstlen, t);
}

/* The preview of a REQUESTED transfer, as the member "preview". */
static void
transfer_json_preview(struct json *j, const struct msg_transfer_info *t)
{
	const struct msg_case_info	*ci = &t->case_info;
	struct msg_case_deadline	 dl;
	size_t				 i;

	if (!t->has_case_info)
		return;
	json_key(j, "preview");
	json_obj_begin(j);
	json_kv_str(j, "frame", ci->frame);
	json_kv_str(j, "case_state", ci->state);
	json_kv_str(j, "state_since", ci->state_since);
	json_kv_str(j, "drang_start", ci->drang_start);
	json_kv_str(j, "measure_start", ci->measure_start);
	json_kv_str(j, "end_date", ci->end_date);
	json_kv_bool(j, "extended", ci->extended);
	json_key(j, "deadlines");
	json_arr_begin(j);
	for (i = 0; i < ci->n_deadlines; i++) {
		msg_case_deadline(ci, i, &dl);
		json_obj_begin(j);
		json_kv_str(j, "kind", dl.kind);
		json_kv_str(j, "due", dl.due);
		json_kv_int(j, "days_left", dl.days_left);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_kv_int(j, "records", t->records);
	json_kv_int(j, "person_records", t->person_records);
	json_kv_int(j, "measure_records", t->measure_records);
	json_kv_str(j, "regisseur", t->regisseur);
	json_obj_end(j);
}

/*
 * One transfer with the one JSON writer (schema: docs/json-schemas.json);
 * times local with their _epoch, null when not (yet) set.
 */
static void
transfer_json(struct json *j, const struct msg_transfer_info *t)
{
	json_obj_begin(j);
	json_kv_int(j, "transfer_id", t->transfer_id);
	json_kv_str(j, "case_id", t->case_id);
	json_kv_str(j, "state", t->state);
	json_kv_str(j, "reason", t->reason);
	json_kv_str(j, "note", t->note);
	json_kv_str(j, "from_office", t->from_office);
	json_kv_str(j, "to_office", t->to_office);
	json_kv_str(j, "requested_by", t->requested_by);
	json_kv_time(j, "requested_at", t->requested_at);
	json_kv_str(j, "decided_by", t->decided_by);
	json_kv_time(j, "decided_at", t->decided_at);
	json_kv_str(j, "rejection", t->rejection);
	json_kv_str(j, "new_regisseur", t->new_regisseur);
	json_kv_time(j, "window_end", t->window_end);
	json_kv_time(j, "completed_at", t->completed_at);
	json_kv_int(j, "purges_pending", t->purges_pending);
	transfer_json_preview(j, t);
	json_obj_end(j);
}

/* One transfer as the whole output. */
static int
transfer_json_one(const struct msg_transfer_info *t)
{
	struct json	j;

	json_init(&j, stdout);
	transfer_json(&j, t);
	return json_end(&j);
}

/* Room for cli_case_name(): a short id and a title. */
#define TRANSFER_NAME_MAX	(IDS_SHORT_SIZE + IDS_LABEL_MAX + 2)
/* Pages of `transfer list` kept to name their cases, at most. */
#define TRANSFER_PAGES_MAX	1000

/* One transfer on a line; "name": its case for people. */
static void
transfer_print(const struct msg_transfer_info *t, const char *name)
{
	char	a[256], b[256], c[256], when[32], text[4 * MSG_TEXT_MAX + 1];

	transfer_time(when, sizeof(when), t->requested_at);
	printf("%lld %-9s %s %s -> %s reason=%s by=%s at=%s",
	    (long long)t->transfer_id, t->state, name,
	    str_vis(a, sizeof(a), t->from_office, strlen(t->from_office)),
	    str_vis(b, sizeof(b), t->to_office, strlen(t->to_office)),
	    t->reason, str_vis(c, sizeof(c), t->requested_by,
	    strlen(t->requested_by)), when);
	if (t->new_regisseur[0] != '\0')
		printf(" regisseur=%s", str_vis(a, sizeof(a),
		    t->new_regisseur, strlen(t->new_regisseur)));
	if (t->window_end > 0 && strcmp(t->state, "ACCEPTED") == 0) {
		transfer_time(when, sizeof(when), t->window_end);
		printf(" handover_until=%s pending_purges=%u", when,
		    t->purges_pending);
	}
	if (t->rejection[0] != '\0')
		printf(" rejected: %s", str_vis(text, sizeof(text),
		    t->rejection, strlen(t->rejection)));
	if (t->has_case_info)
		printf(" frame=%s case_state=%s records=%u persons=%u "
		    "measures=%u", t->case_info.frame, t->case_info.state,
		    t->records, t->person_records, t->measure_records);
	if (t->note[0] != '\0')
		printf(" note: %s", str_vis(text, sizeof(text), t->note,
		    strlen(t->note)));
	putchar('\n');
}

/* One transfer in full, for `transfer show`. */
static void
transfer_print_long(const struct msg_transfer_info *t, const char *name)
{
	const struct msg_case_info	*ci = &t->case_info;
	struct msg_case_deadline	 dl;
	char				 a[256], when[32];
	char				 text[4 * MSG_TEXT_MAX + 1];
	size_t				 i;

	printf("transfer %lld: %s\n", (long long)t->transfer_id,
	    t->state);
	printf("case:          %s\n", name);
	printf("from office:   %s\n", str_vis(a, sizeof(a), t->from_office,
	    strlen(t->from_office)));
	printf("to office:     %s\n", str_vis(a, sizeof(a), t->to_office,
	    strlen(t->to_office)));
	transfer_time(when, sizeof(when), t->requested_at);
	printf("requested by:  %s at %s\n", str_vis(a, sizeof(a),
	    t->requested_by, strlen(t->requested_by)), when);
	printf("reason:        %s\n", t->reason);
	if (t->note[0] != '\0')
		printf("note:          %s\n", str_vis(text, sizeof(text),
		    t->note, strlen(t->note)));
	if (t->decided_by[0] != '\0') {
		transfer_time(when, sizeof(when), t->decided_at);
		printf("decided by:    %s at %s\n", str_vis(a, sizeof(a),
		    t->decided_by, strlen(t->decided_by)), when);
	}
	if (t->new_regisseur[0] != '\0')
		printf("new regisseur: %s\n", str_vis(a, sizeof(a),
		    t->new_regisseur, strlen(t->new_regisseur)));
	if (t->rejection[0] != '\0')
		printf("rejected:      %s\n", str_vis(text, sizeof(text),
		    t->rejection, strlen(t->rejection)));
	if (!t->has_case_info)
		return;
	printf("-- the case, as the server sees it (before you decide)\n");
	printf("frame:         %s\n", ci->frame);
	printf("state:         %s since %s\n", ci->state,
	    ci->state_since[0] != '\0' ? ci->state_since : "-");
	if (ci->drang_start[0] != '\0')
		printf("drang start:   %s\n", ci->drang_start);
	if (ci->measure_start[0] != '\0')
		printf("measure start: %s\n", ci->measure_start);
	if (ci->end_date[0] != '\0')
		printf("end date:      %s%s\n", ci->end_date,
		    ci->extended ? " (extended)" : "");
	for (i = 0; i < ci->n_deadlines; i++) {
		msg_case_deadline(ci, i, &dl);
		printf("deadline:      %s %s (%d days left)\n", dl.kind, dl.due,
		    (int)dl.days_left);
	}
	printf("regisseur:     %s\n", t->regisseur[0] != '\0' ?
	    str_vis(a, sizeof(a), t->regisseur, strlen(t->regisseur)) : "-");
	printf("records:       %u (persons %u, measures %u; the server "
	    "cannot tell children\n               from parents: roles are "
	    "encrypted)\n", t->records, t->person_records,
	    t->measure_records);
}

/* Show a TransferInfo reply; its case by its short id (and title). */
static void
transfer_show(struct cli *cli, struct vault *v, const struct msg *rep)
{
	struct msg_transfer_info	 t;
	struct ids			*x = NULL;
	char				 name[TRANSFER_NAME_MAX];

	(void)msg_get_transfer_info(rep, &t);	/* rpc_call_expect'ed */
	if (cli->json) {
		(void)transfer_json_one(&t);	/* json_end() said it */
		return;
	}
	if (ids_load_with(vault_db(v), &t.case_id, 1, &x) != 0)
		x = NULL;			/* then the full id */
	cli_case_name(vault_db(v), x, t.case_id, name, sizeof(name));
	ids_free(x);
	transfer_print(&t, name);
}

/*
 * Connect, send "req", show the reply, which must be a "want"
 * (TransferInfo or CaseAck); EXIT_*
 */
static int
transfer_call(struct cli *cli, const char *what, struct msg_out req,
    enum msg_type want)
{
	struct identity	 id;
	struct vault	*v = NULL;
	struct conn	*c = NULL;
	struct msg	*rep = NULL;
	uint64_t	 seq;
	int		 r;

	if ((r = cli_connect(cli, &v, &id, &c)) != 0)
		return cli_exit(r);
	if ((r = rpc_call_expect(c, &req, want, &rep)) != 0) {
		cli_report(what, r, rep);
		goto out;
	}
	/* new holders get the case key now, not at someone's next sync */
	cli_key_round(v, &id, c);
	if (want == MSG_TRANSFER_INFO)
		transfer_show(cli, v, rep);
	else if (cli->json && msg_get_case_ack(rep, &seq) == 0)
		printf("{\"seq\":%llu}\n", (unsigned long long)seq);
	else
		printf("%s: done; the regisseur receives the case at the next "
		    "sync\n", what);
 out:
	msg_free(rep);
	cli_disconnect(v, &id, c);
	return cli_exit(r);
}

/*
 * The transfers in pages[0..n), shown (in JSON to "j" if not NULL), or
 * with "show" only that one, in full.  Their cases by short id: the
 * short ids are computed over this laptop's ids and every case listed,
 * so none is ambiguous here.  How many were shown.
 */
static size_t
transfer_pages_print(struct cli *cli, struct vault *v, struct json *j,
    struct msg **pages, size_t npages, int64_t show)
{
	struct msg_transfer_list	 tl;
	struct msg_transfer_info	 t;
	struct ids			*x = NULL;
	const char			**cases = NULL, **cs;
	char				 name[TRANSFER_NAME_MAX];
	size_t				 p, i, ncases = 0, n = 0;

	for (p = 0; j == NULL && p < npages; p++) {
		(void)msg_get_transfer_list(pages[p], &tl);
		if ((cs = reallocarray(cases, ncases + tl.n_transfers + 1,
		    sizeof(*cs))) == NULL)
			break;		/* then the full ids */
		cases = cs;
		for (i = 0; i < tl.n_transfers; i++) {
			(void)msg_transfer_list_item(pages[p], i, &t);
			cases[ncases++] = t.case_id;
		}
	}
	if (j == NULL && (p < npages || ids_load_with(vault_db(v), cases,
	    ncases, &x) != 0))
		x = NULL;
	for (p = 0; p < npages; p++) {
		(void)msg_get_transfer_list(pages[p], &tl);
		for (i = 0; i < tl.n_transfers; i++) {
			(void)msg_transfer_list_item(pages[p], i, &t);
			if (show != 0 && t.transfer_id != show)
				continue;
			n++;
			if (j != NULL) {
				transfer_json(j, &t);
				continue;
			}
			if (show != 0 && cli->json) {
				(void)transfer_json_one(&t);
				goto out;
			}
			cli_case_name(vault_db(v), x, t.case_id, name,
			    sizeof(name));
			if (show != 0) {
				transfer_print_long(&t, name);
				goto out;
			}
			transfer_print(&t, name);
		}
	}
 out:
	ids_free(x);
	free(cases);
	return n;
}

/*
 * All transfers the user may see, page by page (at most
 * TRANSFER_PAGES_MAX) into *pages; with "show", until that one is in.
 */
static int
transfer_fetch(struct conn *c, int64_t show, struct msg ***pages,
    size_t *npages)
{
	struct msg_transfer_list_request lr;
	struct msg_transfer_list	 tl;
	struct msg_transfer_info	 t;
	struct msg_out			 req;
	struct msg			*rep;
	size_t				 i;
	int				 r = 0;

	*pages = NULL;
	*npages = 0;
	lr.after = 0;
	req = msg_out_transfer_list_request(&lr);
	while (*npages < TRANSFER_PAGES_MAX) {
		if ((r = cli_page_fetch(c, &req, MSG_TRANSFER_LIST,
		    "transfer list", pages, npages)) != 0)
			break;
		rep = (*pages)[*npages - 1];
		(void)msg_get_transfer_list(rep, &tl);
		for (i = 0; i < tl.n_transfers; i++) {
			(void)msg_transfer_list_item(rep, i, &t);
			if (show != 0 && t.transfer_id == show)
				return 0;
			lr.after = t.transfer_id;
		}
		/* a page that ends without progress would loop forever */
		if (!tl.more || tl.n_transfers == 0)
			break;
	}
	return r;
}

/* All transfers the user may see; with "show" only that one, in full. */
static int
transfer_list(struct cli *cli, int64_t show)
{
	struct json			 j;
	struct identity			 id;
	struct vault			*v = NULL;
	struct conn			*c = NULL;
	struct msg			**pages = NULL;
	size_t				 n = 0, npages = 0;
	int				 r;

	if ((r = cli_connect(cli, &v, &id, &c)) != 0)
		return cli_exit(r);
	if ((r = transfer_fetch(c, show, &pages, &npages)) != 0)
		goto out;
	if (cli->json && show == 0) {
		json_init(&j, stdout);
		json_obj_begin(&j);
		json_key(&j, "transfers");
		json_arr_begin(&j);
	}
	n = transfer_pages_print(cli, v, cli->json && show == 0 ? &j : NULL,
	    pages, npages, show);
	if (cli->json && show == 0) {
		json_arr_end(&j);
		json_obj_end(&j);
		r = json_end(&j);
	} else if (n == 0 && show == 0)
		printf("no transfers\n");
	if (n == 0 && show != 0) {
		cli_errx("transfer show: no transfer %lld that you may see",
		    (long long)show);
		r = CS_ERR_NOT_FOUND;
	}
 out:
	cli_pages_free(pages, npages);
	cli_disconnect(v, &id, c);
	return cli_exit(r);
}

/* `transfer accept|reject|revoke --id ID`: the checks, then the call. */
static int
transfer_decide(struct cli *cli, const char *sub, int64_t tid,
    const char *reason, const char *reg)
{
	struct msg_transfer_decision	td;

	memset(&td, 0, sizeof(td));		/* strings NULL: sent as "" */
	td.transfer_id = tid;			/* 1..INT64_MAX */
	if (strcmp(sub, "accept") == 0) {
		if (reg == NULL || reg[0] == '\0' || reason != NULL ||
		    strlen(reg) > WIRE_STR_MAX ||
		    !utf8_valid(reg, strlen(reg))) {
			cli_errx("transfer accept: --regisseur NAME is needed: "
			    "a jeugdbeschermer of your office");
			return EXIT_USAGE;
		}
		td.action = MSG_TRANSFER_ACCEPT;
		td.regisseur = reg;
	} else if (strcmp(sub, "reject") == 0) {
		if (reg != NULL || reason == NULL || !msg_text_ok(reason)) {
			cli_errx("transfer reject: --reason TEXT is needed (at "
			    "most %d bytes of printable text)", MSG_TEXT_MAX);
			return EXIT_USAGE;
		}
		td.action = MSG_TRANSFER_REJECT;
		td.reason = reason;
	} else if (strcmp(sub, "revoke") == 0) {
		if (reg != NULL || reason != NULL) {
			transfer_usage(stderr);
			return EXIT_USAGE;
		}
		td.action = MSG_TRANSFER_REVOKE;
	} else {
		transfer_usage(stderr);
		return EXIT_USAGE;
	}
	return transfer_call(cli, sub[2] == 'c' ? "transfer accept" :
	    sub[2] == 'j' ? "transfer reject" : "transfer revoke",
	    msg_out_transfer_decision(&td), MSG_TRANSFER_INFO);
}

int
cmd_transfer(struct cli *cli, int argc, char *argv[])
{
	static const struct option	opts[] = {
		{ "case", required_argument, NULL, 'c' },
		{ "to", required_argument, NULL, 't' },
		{ "reason", required_argument, NULL, 'r' },
		{ "note", required_argument, NULL, 'n' },
		{ "id", required_argument, NULL, 'i' },
		{ "regisseur", required_argument, NULL, 'g' },
		{ NULL, 0, NULL, 0 }
	};
	struct msg_transfer_request	 tr;
	const char			*sub, *cid = NULL, *to = NULL;
	const char			*reason = NULL, *note = "", *reg = NULL;
	const char			*idstr = NULL;
	char				 cbuf[DB_UUID_LEN + 1];
	uint64_t			 tid = 0;
	int				 ch, r;

	if (argc < 2 || strcmp(argv[1], "--help") == 0) {
		transfer_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : EXIT_OK;
	}
	sub = argv[1];
	optind = 1;
	while ((ch = getopt_long(argc - 1, argv + 1, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			cid = optarg;
			break;
		case 't':
			to = optarg;
			break;
		case 'r':
			reason = optarg;
			break;
		case 'n':
			note = optarg;
			break;
		case 'i':
			idstr = optarg;
			break;
		case 'g':
			reg = optarg;
			break;
		default:
			return clihelp_opterr(argv + 1);
		}
	}
	if (optind != argc - 1) {
		transfer_usage(stderr);
		return EXIT_USAGE;
	}
	if (idstr != NULL && parse_u64(idstr, 1, INT64_MAX, &tid) != 0) {
		cli_errx("--id: not a transfer id: use the number shown by "
		    "casesync transfer list");
		return EXIT_USAGE;
	}
	if (strcmp(sub, "list") == 0) {
		if (cid != NULL || to != NULL || reason != NULL ||
		    idstr != NULL || reg != NULL) {
			transfer_usage(stderr);
			return EXIT_USAGE;
		}
		return transfer_list(cli, 0);
	}
	if (strcmp(sub, "show") == 0) {
		if (idstr == NULL || cid != NULL || to != NULL ||
		    reason != NULL || reg != NULL || note[0] != '\0') {
			transfer_usage(stderr);
			return EXIT_USAGE;
		}
		return transfer_list(cli, (int64_t)tid);
	}
	if (strcmp(sub, "request") == 0) {
		if (cid == NULL || to == NULL ||
		    to[0] == '\0' || strlen(to) > WIRE_STR_MAX ||
		    !utf8_valid(to, strlen(to)) || idstr != NULL ||
		    reg != NULL) {
			transfer_usage(stderr);
			return EXIT_USAGE;
		}
		if (!msg_transfer_reason_ok(reason)) {
			cli_errx("--reason: not a transfer reason "
			    "(moved|capacity|expertise|other)");
			return EXIT_USAGE;
		}
		if (note[0] != '\0' && !msg_text_ok(note)) {
			cli_errx("--note: at most %d bytes of printable text",
			    MSG_TEXT_MAX);
			return EXIT_USAGE;
		}
		if ((r = cli_resolve(cli, IDS_CASE, "--case", &cid,
		    cbuf)) != 0)
			return cli_exit(r);
		tr.case_id = cid;
		tr.to_office = to;
		tr.reason = reason;
		tr.note = note;
		return transfer_call(cli, "transfer request",
		    msg_out_transfer_request(&tr), MSG_TRANSFER_INFO);
	}
	if (idstr == NULL || cid != NULL || to != NULL || note[0] != '\0') {
		transfer_usage(stderr);
		return EXIT_USAGE;
	}
	return transfer_decide(cli, sub, (int64_t)tid, reason, reg);
}

int
cmd_team(struct cli *cli, int argc, char *argv[])
{
	static const struct option	opts[] = {
		{ "case", required_argument, NULL, 'c' },
		{ "regisseur", required_argument, NULL, 'g' },
		{ NULL, 0, NULL, 0 }
	};
	static const char		usage[] =
	    "usage: casesync team assign --case CASE --regisseur NAME\n"
	    "       (members: casesync case member --case CASE --user NAME "
	    "[--remove] [--read-only])\n";
	struct msg_team_assign		ta;
	const char			*cid = NULL, *reg = NULL;
	char				cbuf[DB_UUID_LEN + 1];
	int				ch, r;

	if (argc >= 2 && strcmp(argv[1], "--help") == 0) {
		fputs(usage, stdout);
		return EXIT_OK;
	}
	if (argc < 2 || strcmp(argv[1], "assign") != 0) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	optind = 1;
	while ((ch = getopt_long(argc - 1, argv + 1, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			cid = optarg;
			break;
		case 'g':
			reg = optarg;
			break;
		default:
			return clihelp_opterr(argv + 1);
		}
	}
	if (optind != argc - 1 || cid == NULL ||
	    reg == NULL || reg[0] == '\0' || strlen(reg) > WIRE_STR_MAX ||
	    !utf8_valid(reg, strlen(reg))) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	if ((r = cli_resolve(cli, IDS_CASE, "--case", &cid, cbuf)) != 0)
		return cli_exit(r);
	ta.case_id = cid;
	ta.regisseur = reg;
	return transfer_call(cli, "team assign", msg_out_team_assign(&ta),
	    MSG_CASE_ACK);
}

int
cmd_glass(struct cli *cli, int argc, char *argv[])
{
	static const struct option	opts[] = {
		{ "case", required_argument, NULL, 'c' },
		{ "reason", required_argument, NULL, 'r' },
		{ NULL, 0, NULL, 0 }
	};
	static const char		usage[] =
	    "usage: casesync glass --case CASE --reason TEXT\n"
	    "       casesync glass list\n"
	    "Break the glass: read-only access to a case of another office "
	    "in an emergency,\nfor a few hours, granted at once, always "
	    "audited and reviewed.  Asked again\nwhile it lasts, it is "
	    "renewed (audited again).  A few uses a day at most\n"
	    "(the server's glass_limit_per_day).  The case's regisseur and "
	    "its office's\nteamleiders see every use (glass list, and at "
	    "their next sync).\n";
	struct msg_glass_request	 gr;
	struct msg_glass_grant		 gg;
	struct msg_out			 req;
	struct identity			 id;
	struct vault			*v = NULL;
	struct conn			*c = NULL;
	struct msg			*rep = NULL;
	const char			*cid = NULL, *reason = NULL;
	struct ids			*x = NULL;
	char				 when[32], cbuf[DB_UUID_LEN + 1];
	char				 name[TRANSFER_NAME_MAX];
	int				 ch, r;

	if (argc >= 2 && strcmp(argv[1], "list") == 0)
		return cmd_glass_list(cli, argc - 1, argv + 1);
	if (argc >= 2 && strcmp(argv[1], "--help") == 0) {
		fputs(usage, stdout);
		return EXIT_OK;
	}
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			cid = optarg;
			break;
		case 'r':
			reason = optarg;
			break;
		default:
			return clihelp_opterr(argv);
		}
	}
	if (optind != argc || cid == NULL) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	if (reason == NULL || !msg_text_ok(reason)) {
		cli_errx("glass: --reason TEXT is needed (at most %d bytes of "
		    "printable text)", MSG_TEXT_MAX);
		return EXIT_USAGE;
	}
	/* another office's case is not here: its full id, usually */
	if ((r = cli_resolve(cli, IDS_CASE, "--case", &cid, cbuf)) != 0)
		return cli_exit(r);
	gr.case_id = cid;
	gr.reason = reason;
	req = msg_out_glass_request(&gr);
	if ((r = cli_connect(cli, &v, &id, &c)) != 0)
		return cli_exit(r);
	if ((r = rpc_call_expect(c, &req, MSG_GLASS_GRANT, &rep)) != 0)
		cli_report("glass", r, rep);
	else {
		(void)msg_get_glass_grant(rep, &gg);
		transfer_time(when, sizeof(when), gg.expires_at);
		if (cli->json)
			printf("{\"case_id\":\"%s\",\"expires_at\":%lld,"
			    "\"seq\":%llu}\n", gg.case_id,
			    (long long)gg.expires_at,
			    (unsigned long long)gg.seq);
		else {
			if (ids_load_with(vault_db(v), &gg.case_id, 1,
			    &x) != 0)
				x = NULL;	/* then the full id */
			cli_case_name(vault_db(v), x, gg.case_id, name,
			    sizeof(name));
			ids_free(x);
			printf("read-only access to case %s until %s "
			    "(audited); run casesync sync to receive it\n",
			    name, when);
		}
	}
	msg_free(rep);
	cli_disconnect(v, &id, c);
	return cli_exit(r);
}
