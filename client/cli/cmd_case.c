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
 * is, which is stored locally.  `case list [--due]` works offline:
 * the caseload (caseload.c) of the stored metadata and the case files
 * (`--server` refreshes the metadata first).  --case takes a short id,
 * an id or a title (cli_ids.h).  Dates are days; "today" is the local
 * date (localday.h), sent as the date of a change.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "case_meta.h"
#include "caseload.h"
#include "cli_ids.h"
#include "client.h"
#include "cmd_approval.h"
#include "clihelp.h"
#include "cmd_case.h"
#include "conn.h"
#include "db.h"
#include "dossier.h"
#include "sync.h"
#include "synclock.h"
#include "errors.h"
#include "identity.h"
#include "json.h"
#include "lifecycle.h"
#include "localday.h"
#include "log.h"
#include "msg.h"
#include "msg_case.h"
#include "util.h"
#include "validate.h"
#include "vault.h"

#define CASE_WITHIN_MAX_DAYS	3650

static void
case_lc_usage(FILE *f)
{
	fprintf(f,
	    "usage: casesync case state --case CASE --to STATE "
	    "[--date YYYY-MM-DD]\n"
	    "           [--end YYYY-MM-DD] [--reason TEXT]\n"
	    "       casesync case info --case CASE\n"
	    "       casesync case list [--server] [--due [--within DAYS[d]]]\n"
	    "\nSTATE: AANMELDING DRANG_INTENSIEF DRANG_TOETSING "
	    "DRANG_VERVOLG RAAD_MELDING\n"
	    "       MAATREGEL_VOTS MAATREGEL_OTS MAATREGEL_VOOGDIJ AFSLUITING "
	    "NAZORG GESLOTEN\n"
	    "CASE: its short id (case list), its id, or its title\n"
	    "--date: when the change takes effect (default: today, the "
	    "local date)\n"
	    "--end: drang end (DRANG_VERVOLG) or measure end; a drang end "
	    "more than 3 months\n"
	    "       after the drang start needs a teamleider's approval: "
	    "`casesync case extend`\n"
	    "AFSLUITING needs one too: `casesync case close`\n"
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

/* A date of the case, or null when it has none. */
static void
case_kv_date(struct json *j, const char *key, int64_t d)
{
	char	a[LC_DATE_LEN + 1];

	if (d == LC_NODATE) {
		json_kv_str(j, key, NULL);
		return;
	}
	lc_date_format(d, a, sizeof(a));
	json_kv_str(j, key, a);
}

/*
 * Who approved the extension, on which day: "" unless `case info`
 * asked the server's approvals (cmd_approval.c).
 */
struct case_approval {
	char	by[CASE_META_NAME_MAX + 1];
	char	on[LC_DATE_LEN + 1];
};

/*
 * One case with the one JSON writer; schema: docs/json-schemas.json.
 * The deadlines are the caseload row's (the children's too, with
 * their names) when "row" is not NULL, else the lifecycle's.
 */
static int
case_json(const struct case_meta *m, const struct caseload_row *row,
    int64_t today, const struct case_approval *ap)
{
	struct lc_deadline	dl[LC_DEADLINES_MAX];
	struct json		j;
	char			due[LC_DATE_LEN + 1];
	size_t			i, n;

	json_init(&j, stdout);
	json_obj_begin(&j);
	json_kv_str(&j, "case_id", m->case_id);
	json_kv_str(&j, "frame", lc_frame_name(m->lc.frame));
	json_kv_str(&j, "state", lc_state_name(m->lc.state));
	case_kv_date(&j, "state_since", m->lc.state_since);
	case_kv_date(&j, "drang_start", m->lc.drang_start);
	case_kv_date(&j, "measure_start", m->lc.measure_start);
	case_kv_date(&j, "end_date", m->lc.end_date);
	json_kv_bool(&j, "extended", m->lc.extended);
	json_kv_str(&j, "approved_by", m->approved_by);
	json_kv_str(&j, "approved_on", ap != NULL && ap->on[0] != '\0' ?
	    ap->on : NULL);
	json_kv_str(&j, "regisseur", m->regisseur);
	case_kv_date(&j, "closed_on", m->lc.state == LC_GESLOTEN ?
	    m->closed_on : LC_NODATE);
	case_kv_date(&j, "retention_until", m->lc.state == LC_GESLOTEN ?
	    m->retention_until : LC_NODATE);
	json_key(&j, "deadlines");
	json_arr_begin(&j);
	for (i = 0; row != NULL && i < row->ndeadlines; i++) {
		lc_date_format(row->deadlines[i].due, due, sizeof(due));
		json_obj_begin(&j);
		json_kv_str(&j, "kind",
		    caseload_deadline_name(&row->deadlines[i]));
		json_kv_str(&j, "due", due);
		json_kv_int(&j, "days_left", row->deadlines[i].days_left);
		/* the child: null for the family, or when not here */
		json_kv_str(&j, "child_id", row->deadlines[i].child_id[0] !=
		    '\0' ? row->deadlines[i].child_id : NULL);
		json_kv_str(&j, "child", row->deadlines[i].child_name[0] !=
		    '\0' ? row->deadlines[i].child_name : NULL);
		json_kv_bool(&j, "lapsed", row->deadlines[i].lapsed);
		json_obj_end(&j);
	}
	lc_deadlines(&m->lc, today, dl, LC_DEADLINES_MAX, &n);
	for (i = 0; row == NULL && i < n; i++) {
		lc_date_format(dl[i].due, due, sizeof(due));
		json_obj_begin(&j);
		json_kv_str(&j, "kind", lc_deadline_name(dl[i].kind));
		json_kv_str(&j, "due", due);
		json_kv_int(&j, "days_left", dl[i].days_left);
		json_kv_str(&j, "child_id", NULL);
		json_kv_str(&j, "child", NULL);
		json_kv_bool(&j, "lapsed", 0);
		json_obj_end(&j);
	}
	json_arr_end(&j);
	json_obj_end(&j);
	return json_end(&j);
}

static void	case_deadline_what(const struct caseload_deadline *,
		    char *, size_t);

/*
 * A case for people: its lifecycle and its deadlines, the children's
 * with their names (the caseload row of the case, read from the vault:
 * the read is logged), or only the lifecycle's when it cannot be read.
 */
static void
case_show(struct cli *cli, struct vault *v, const struct case_meta *m,
    int64_t today, const struct case_approval *ap)
{
	struct lc_deadline		 dl[LC_DEADLINES_MAX];
	const struct caseload_row	*row = NULL;
	struct caseload			*cl = NULL;
	char				 a[LC_DATE_LEN + 1];
	char				 what[2 * CASELOAD_TEXT_MAX + 64];
	size_t				 i, n;

	if (caseload_load_case(vault_db(v), today, m->case_id, &cl) == 0 &&
	    cl->n == 1)
		row = &cl->rows[0];
	if (cli->json) {
		(void)case_json(m, row, today, ap);	/* json_end() said it */
		caseload_free(cl);
		return;
	}
	lc_date_format(m->lc.state_since, a, sizeof(a));
	printf("case %s  %s  %s since %s\n", m->case_id,
	    lc_frame_name(m->lc.frame), lc_state_name(m->lc.state), a);
	/* wire.c let no control character into the name */
	printf("  regisseur     %s\n", m->regisseur[0] != '\0' ?
	    m->regisseur : "(none: not a member of the case)");
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
			printf(" (extended%s%s%s%s)", m->approved_by[0] !=
			    '\0' ? ", approved by " : "", m->approved_by,
			    ap != NULL && ap->on[0] != '\0' ? " on " : "",
			    ap != NULL ? ap->on : "");
		printf("\n");
	}
	if (m->lc.state == LC_GESLOTEN && m->closed_on != LC_NODATE &&
	    m->retention_until != LC_NODATE) {
		lc_date_format(m->closed_on, a, sizeof(a));
		printf("  closed on     %s\n", a);
		lc_date_format(m->retention_until, a, sizeof(a));
		printf("  kept until    %s (then the server may destroy it)\n",
		    a);
	}
	for (i = 0; row != NULL && i < row->ndeadlines; i++) {
		const struct caseload_deadline *d = &row->deadlines[i];

		lc_date_format(d->due, a, sizeof(a));
		case_deadline_what(d, what, sizeof(what));
		printf("  due %s  %-22s %lld day(s)%s%s%s\n", a,
		    caseload_deadline_name(d), (long long)(d->days_left < 0 ?
		    -d->days_left : d->days_left), d->days_left < 0 ?
		    " OVERDUE" : " left", what[0] != '\0' ? "  " : "", what);
	}
	lc_deadlines(&m->lc, today, dl, LC_DEADLINES_MAX, &n);
	for (i = 0; row == NULL && i < n; i++) {
		lc_date_format(dl[i].due, a, sizeof(a));
		printf("  due %s  %-22s %lld day(s)%s\n", a,
		    lc_deadline_name(dl[i].kind),
		    (long long)(dl[i].days_left < 0 ? -dl[i].days_left :
		    dl[i].days_left), dl[i].days_left < 0 ? " OVERDUE" :
		    " left");
	}
	caseload_free(cl);
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
	if ((r = case_meta_put_info(vault_db(v), &ci, m)) != 0)
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

int
cli_case_fetch(struct conn *c, struct vault *v, const char *cid,
    struct case_meta *m)
{
	return case_fetch(c, v, cid, m);
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

/* lc_apply(), and the way to an approval when one is needed. */
static int
case_check(const struct case_meta *m, const struct lc_change *q,
    int64_t today, struct lc_case *next, const char **why)
{
	int	r;

	if ((r = lc_apply(&m->lc, q, today, next, why)) == CS_ERR_APPROVAL)
		*why = "a drang end more than 3 months after its start needs a "
		    "teamleider's approval: ask for it with `casesync case "
		    "extend`";
	return r;
}

/*
 * NAZORG needs who takes over, GESLOTEN the closing summary: records
 * of the case file, written on this laptop first and sent before the
 * state changes (the server checks that it has them: a GESLOTEN case
 * takes nothing new).  Prints why not.
 */
static int
case_needs_record(struct cli *cli, struct conn *c, sqlite3 *db,
    const struct identity *id, const char *cid, enum lc_state to)
{
	struct sync_stats	st;
	char			rid[DB_UUID_LEN + 1];
	int			r, lock = -1;

	if (to != LC_NAZORG && to != LC_GESLOTEN)
		return 0;
	r = dossier_find(db, cid, to == LC_NAZORG ? "nazorg" : "closing", rid);
	if (r == CS_ERR_NOT_FOUND) {
		if (to == LC_NAZORG)
			cli_errx("case state: NAZORG needs who takes over: "
			    "write it first with `casesync nazorg add --case "
			    "CASE --by wijkteam|jeugdhulp|other --name NAME "
			    "--agreements TEXT --end YYYY-MM-DD`");
		else
			cli_errx("case state: GESLOTEN needs the closing "
			    "summary: write it first with `casesync closing "
			    "add --case CASE --reason REASON --summary TEXT`");
		return CS_ERR_USAGE;
	}
	if (r != 0) {
		cli_errx("case state: local database: %s", cs_err(r));
		return r;
	}
	/* what this laptop wrote goes first, the record with it */
	if ((r = synclock_take(cli->dir, &lock)) != 0 && errno != ENOENT) {
		cli_errx("%s: cannot take the sync lock: %s", cli->dir,
		    cs_err(r));
		return r;
	}
	memset(&st, 0, sizeof(st));
	if ((r = sync_run(c, db, id->ca, NULL, &st)) != 0)
		cli_errx("case state: sync before %s failed: %s (nothing "
		    "changed; run sync again)", lc_state_name(to), cs_err(r));
	synclock_release(lock);
	return r;
}

static int
case_state(struct cli *cli, const char *cid, const char *to,
    const char *date, const char *end, const char *reason)
{
	struct msg_case_state	 cs;
	struct case_meta	 m, after;
	struct lc_change	 q;
	struct lc_case		 next;
	struct identity		 id;
	struct vault		*v = NULL;
	struct conn		*c = NULL;
	const char		*why = NULL;
	char			 cbuf[DB_UUID_LEN + 1];
	int64_t			 today;
	char			 todays[LC_DATE_LEN + 1];
	int			 r, refused = 0, have_meta = 0;

	memset(&q, 0, sizeof(q));
	q.effective = q.end = LC_NODATE;
	if (cid == NULL)
		return cli_exit(case_bad("--case", "which case? (a short id, "
		    "id or title)"));
	if (to == NULL || lc_state_parse(to, &q.to) != 0)
		return cli_exit(case_bad("--to", "not a state of the case "
		    "lifecycle (" LC_STATE_CHOICES ")"));
	if (date != NULL && validate_date(date, &q.effective, &why) != 0)
		return cli_exit(case_bad("--date", why));
	if (end != NULL && validate_date(end, &q.end, &why) != 0)
		return cli_exit(case_bad("--end", why));
	if (reason != NULL &&
	    validate_name(reason, LC_REASON_MAX, &why) != 0)
		return cli_exit(case_bad("--reason", why));
	/* an approval is asked for and given on the approver's laptop */
	if (q.to == LC_AFSLUITING)
		return cli_exit(case_bad("--to AFSLUITING", "closing needs a "
		    "teamleider's approval: ask for it with `casesync case "
		    "close`"));
	q.has_reason = reason != NULL;
	/* "today" is the user's, the local date; it is sent as the date */
	today = localday_today();
	if (date == NULL) {
		lc_date_format(today, todays, sizeof(todays));
		date = todays;
		q.effective = today;
	}
	/* last: the vault may be opened to read what --case means */
	if ((r = cli_resolve(cli, IDS_CASE, "--case", &cid, cbuf)) != 0)
		return cli_exit(r);

	memset(&id, 0, sizeof(id));
	if ((r = case_open(cli, &v)) != 0)
		return cli_exit(r);
	/*
	 * Check with the local copy first.  A refusal is final offline; when
	 * the server can be reached the copy is refreshed and checked again
	 * (someone else may have moved the case), and only a change that
	 * passes is sent.  Without a local copy the server decides alone.
	 */
	if ((r = case_meta_get(vault_db(v), cid, &m)) == 0) {
		refused = case_check(&m, &q, today, &next, &why) != 0;
		have_meta = 1;
	} else if (r != CS_ERR_NOT_FOUND) {
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
		if (case_check(&m, &q, today, &next, &why) != 0) {
			case_refused(&m, &q, why);
			r = CS_ERR_PEER;
			goto out;
		}
	}
	/* with the laptop's copy: NAZORG, GESLOTEN need their record */
	if (have_meta && (r = case_needs_record(cli, c, vault_db(v), &id,
	    cid, q.to)) != 0)
		goto out;
	cs.case_id = cid;
	cs.to_state = lc_state_name(q.to);
	cs.effective_date = date;		/* NULL is sent as "" */
	cs.end_date = end;
	cs.reason = reason;
	cs.approved_by = NULL;
	if ((r = case_call(c, v, msg_out_case_state(&cs), "case state",
	    &after)) == 0)
		case_show(cli, v, &after, today, NULL);
 out:
	cli_disconnect(v, &id, c);
	return cli_exit(r);
}

static int
case_info(struct cli *cli, const char *cid)
{
	struct case_approval	 ap;
	struct case_meta	 m;
	struct identity		 id;
	struct vault		*v = NULL;
	struct conn		*c = NULL;
	char			 cbuf[DB_UUID_LEN + 1];
	int			 r;

	if (cid == NULL)
		return cli_exit(case_bad("--case", "which case? (a short id, "
		    "id or title)"));
	if ((r = cli_resolve(cli, IDS_CASE, "--case", &cid, cbuf)) != 0)
		return cli_exit(r);
	memset(&id, 0, sizeof(id));
	if ((r = case_open(cli, &v)) != 0)
		return cli_exit(r);
	memset(&ap, 0, sizeof(ap));
	if ((r = cli_connect_open(cli, v, &id, &c)) == 0 &&
	    (r = case_fetch(c, v, cid, &m)) == 0) {
		if (m.lc.extended && cli_approval_extension(c, cid, ap.by,
		    sizeof(ap.by), ap.on, sizeof(ap.on)) != 0)
			memset(&ap, 0, sizeof(ap));
		case_show(cli, v, &m, localday_today(), &ap);
	}
	cli_disconnect(v, &id, c);
	return cli_exit(r);
}

/* Every case the server lists for this user into the local table. */
static int
case_fetch_all(struct cli *cli, struct vault *v, size_t *count)
{
	struct identity	 id;
	struct conn	*c = NULL;
	int		 r;

	*count = 0;
	if ((r = cli_connect_open(cli, v, &id, &c)) != 0)
		return r;
	r = case_meta_fetch_all(c, vault_db(v), count, NULL);
	cli_disconnect(NULL, &id, c);
	return r;
}

/*
 * "s" in a column of "width" characters (not bytes: names have
 * accents), cut with "~" when longer; the last column unpadded.
 * Titles and names from other devices went through ids_text() (no
 * control characters).
 */
static void
case_col(const char *s, size_t width, int last)
{
	size_t	len = strlen(s), i, n = 0, cut = len;
	uint32_t cp;
	size_t	k;

	for (i = 0; i < len; i += k) {
		if (utf8_next(s + i, len - i, &cp, &k) != UTF8_OK)
			k = 1;
		if (n == width - 1 && i + k < len) {
			cut = i;
			break;
		}
		n++;
	}
	fwrite(s, 1, cut, stdout);
	if (cut < len) {
		putchar('~');
		n = width;
	}
	if (!last)
		for (; n < width + 2; n++)
			putchar(' ');
}

/*
 * The case's own members of a row (schema "casesync case list"): its
 * frame and state null when this laptop holds records but no lifecycle
 * data of it.
 */
static void
case_json_case(struct json *j, const struct caseload_row *row)
{
	json_kv_str(j, "case_id", row->case_id);
	json_kv_str(j, "short_id", row->short_id);
	json_kv_str(j, "title", row->title[0] != '\0' ? row->title : NULL);
	json_kv_str(j, "regisseur", row->regisseur);
	json_kv_str(j, "frame", row->has_meta ? lc_frame_name(row->frame) :
	    NULL);
	json_kv_str(j, "state", row->has_meta ? lc_state_name(row->state) :
	    NULL);
}

/* A deadline; record_id and label null but for a goal or assessment. */
static void
case_json_deadline(struct json *j, const struct caseload_row *row,
    const struct caseload_deadline *d, int with_case)
{
	json_obj_begin(j);
	if (with_case)
		case_json_case(j, row);
	json_kv_str(j, "kind", caseload_deadline_name(d));
	case_kv_date(j, "due", d->due);
	json_kv_int(j, "days_left", d->days_left);
	json_kv_bool(j, "overdue", d->days_left < 0);
	json_kv_str(j, "record_id", d->record_id[0] != '\0' ? d->record_id :
	    NULL);
	json_kv_str(j, "label", d->record_id[0] != '\0' ? d->label : NULL);
	/* the child it concerns: null for the family */
	json_kv_str(j, "child_id", d->child_id[0] != '\0' ? d->child_id :
	    NULL);
	json_kv_str(j, "child_short_id", d->child_id[0] != '\0' ?
	    d->child_short : NULL);
	json_kv_str(j, "child", d->child_id[0] != '\0' &&
	    d->child_name[0] != '\0' ? d->child_name : NULL);
	json_kv_bool(j, "lapsed", d->lapsed != 0);
	json_obj_end(j);
}

/*
 * What a deadline concerns, for people: the child's name (or "child"
 * and its short id when its person record is not on this laptop), a
 * lapsed VOTS said so, then the label; "" for the family's own.
 */
static void
case_deadline_what(const struct caseload_deadline *d, char *dst,
    size_t len)
{
	char	who[CASELOAD_TEXT_MAX + IDS_SHORT_SIZE + 32];

	who[0] = '\0';
	if (d->child_id[0] != '\0' && d->child_known &&
	    d->child_name[0] != '\0')
		(void)str_fmt(who, sizeof(who), "%s", d->child_name);
	else if (d->child_id[0] != '\0')
		(void)str_fmt(who, sizeof(who), "child %s", d->child_short);
	if (d->lapsed)
		(void)str_fmt(who + strlen(who), sizeof(who) - strlen(who),
		    "%sVOTS LAPSED", who[0] != '\0' ? ": " : "");
	(void)str_fmt(dst, len, "%s%s%s", who, who[0] != '\0' &&
	    d->label[0] != '\0' ? ": " : "", d->label);
}

/* A row of `case list --json`: the metadata, title, children, deadlines. */
static void
case_json_row(struct json *j, const struct caseload_row *row)
{
	size_t	i;

	json_obj_begin(j);
	case_json_case(j, row);
	case_kv_date(j, "state_since", row->has_meta ? row->lc.state_since :
	    LC_NODATE);
	case_kv_date(j, "drang_start", row->has_meta ? row->lc.drang_start :
	    LC_NODATE);
	case_kv_date(j, "measure_start", row->has_meta ?
	    row->lc.measure_start : LC_NODATE);
	case_kv_date(j, "end_date", row->has_meta ? row->lc.end_date :
	    LC_NODATE);
	json_kv_bool(j, "extended", row->has_meta && row->lc.extended);
	json_kv_str(j, "approved_by", row->approved_by);
	json_key(j, "children");
	json_arr_begin(j);
	for (i = 0; i < row->nchildren; i++) {
		json_obj_begin(j);
		json_kv_str(j, "record_id", row->children[i].record_id);
		json_kv_str(j, "short_id", row->children[i].short_id);
		json_kv_str(j, "name", row->children[i].name);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_kv_bool(j, "overdue", row->overdue);
	json_kv_bool(j, "due_soon", row->due_soon);
	json_key(j, "deadlines");
	json_arr_begin(j);
	for (i = 0; i < row->ndeadlines; i++)
		case_json_deadline(j, row, &row->deadlines[i], 0);
	json_arr_end(j);
	json_obj_end(j);
}

/* "in 3 days", "today", "8 days overdue" */
static void
case_days(int64_t left, char *dst, size_t len)
{
	if (left == 0)
		(void)str_fmt(dst, len, "today");
	else if (left > 0)
		(void)str_fmt(dst, len, "in %lld day%s", (long long)left,
		    left == 1 ? "" : "s");
	else
		(void)str_fmt(dst, len, "%lld day%s OVERDUE",
		    (long long)-left, left == -1 ? "" : "s");
}

static void
case_list_rows(const struct caseload *cl)
{
	const struct caseload_row	*row;
	char				 a[LC_DATE_LEN + 1], d[32];
	char				 what[2 * CASELOAD_TEXT_MAX + 64];
	size_t				 i;

	printf("%-12s  ", "CASE");
	case_col("TITLE", 28, 0);
	case_col("REGISSEUR", 18, 0);
	printf("%-7s  %-20s  %s\n", "FRAME", "STATE", "NEXT DEADLINE");
	for (i = 0; i < cl->n; i++) {
		row = &cl->rows[i];
		printf("%-12s  ", row->short_id);
		case_col(row->title[0] != '\0' ? row->title : "-", 28, 0);
		case_col(row->regisseur[0] != '\0' ? row->regisseur : "-", 18,
		    0);
		printf("%-7s  %-20s  ", row->has_meta ?
		    lc_frame_name(row->frame) : "-", row->has_meta ?
		    lc_state_name(row->state) : "-");
		if (row->next == NULL) {
			printf("-\n");
			continue;
		}
		lc_date_format(row->next->due, a, sizeof(a));
		case_days(row->next->days_left, d, sizeof(d));
		/* a child's deadline: whose, and a lapsed VOTS said so */
		case_deadline_what(row->next, what, sizeof(what));
		printf("%s %s%s%s (%s)\n", a, caseload_deadline_name(row->next),
		    row->next->child_id[0] != '\0' ? " " : "",
		    row->next->child_id[0] != '\0' ? what : "", d);
	}
}

struct case_due {
	const struct caseload_row	*row;
	const struct caseload_deadline	*d;
};

static int
case_due_cmp(const void *a, const void *b)
{
	const struct case_due	*x = a, *y = b;
	int			 c;

	if (x->d->due != y->d->due)
		return x->d->due < y->d->due ? -1 : 1;
	if ((c = strcmp(x->row->title, y->row->title)) != 0)
		return c;
	if ((c = strcmp(x->row->case_id, y->row->case_id)) != 0)
		return c;
	return x->d < y->d ? -1 : x->d > y->d;
}

/* Every deadline of the caseload (within "within" days), soonest first. */
static int
case_list_due(struct cli *cli, struct json *js, const struct caseload *cl,
    int64_t within)
{
	const struct caseload_row	*row;
	struct case_due			*all = NULL, *t;
	char				 a[LC_DATE_LEN + 1];
	char				 what[2 * CASELOAD_TEXT_MAX + 64];
	size_t				 i, j, n = 0, max = 0;

	for (i = 0; i < cl->n; i++)
		max += cl->rows[i].ndeadlines;
	if (max > 0 && (all = reallocarray(NULL, max, sizeof(*all))) == NULL)
		return CS_ERR_ALLOC;
	for (i = 0; i < cl->n; i++) {
		row = &cl->rows[i];
		for (j = 0; j < row->ndeadlines; j++) {
			if (within >= 0 &&
			    row->deadlines[j].days_left > within)
				continue;
			all[n].row = row;
			all[n++].d = &row->deadlines[j];
		}
	}
	if (n > 1)
		qsort(all, n, sizeof(*all), case_due_cmp);
	if (!cli->json && n > 0) {
		printf("%-10s  %5s  %-7s  %-21s  %-12s  ", "DUE", "DAYS", "",
		    "KIND", "CASE");
		case_col("TITLE", 28, 0);
		case_col("REGISSEUR", 18, 0);
		printf("WHAT\n");
	}
	for (i = 0; i < n; i++) {
		t = &all[i];
		if (cli->json) {
			case_json_deadline(js, t->row, t->d, 1);
			continue;
		}
		lc_date_format(t->d->due, a, sizeof(a));
		printf("%s  %5lld  %-7s  %-21s  %-12s  ", a,
		    (long long)t->d->days_left, t->d->days_left < 0 ?
		    "OVERDUE" : "", caseload_deadline_name(t->d),
		    t->row->short_id);
		case_col(t->row->title[0] != '\0' ? t->row->title : "-", 28,
		    0);
		case_deadline_what(t->d, what, sizeof(what));
		case_col(t->row->regisseur[0] != '\0' ? t->row->regisseur :
		    "-", 18, what[0] == '\0');
		if (what[0] != '\0') {
			fputs("  ", stdout);
			case_col(what, 60, 1);
		}
		putchar('\n');
	}
	if (!cli->json && n == 0)
		printf("no deadlines%s\n", within >= 0 ? " in that period" :
		    "");
	free(all);
	return 0;
}

static int
case_list(struct cli *cli, int due, const char *within, int server)
{
	struct caseload		*cl = NULL;
	struct vault		*v = NULL;
	struct json		 j;
	char			 num[16], today[LC_DATE_LEN + 1];
	uint64_t		 days;
	int64_t			 lim = -1;
	size_t			 i, len, fetched = 0;
	int			 r;

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
		lim = (int64_t)days;
	}
	if ((r = case_open(cli, &v)) != 0)
		return cli_exit(r);
	if (server && (r = case_fetch_all(cli, v, &fetched)) != 0) {
		vault_close(v);
		return cli_exit(r);
	}
	if (server)
		log_debug("%zu cases from the server", fetched);
	/* titles and names: the read is logged by caseload_load() */
	if ((r = caseload_load(vault_db(v), localday_today(),
	    &cl)) != 0) {
		cli_errx("case list: %s", cs_err(r));
		vault_close(v);
		return cli_exit(r);
	}
	lc_date_format(cl->today, today, sizeof(today));
	if (cli->json) {	/* schemas "casesync case list [--due]" */
		json_init(&j, stdout);
		json_obj_begin(&j);
		json_kv_str(&j, "today", today);
		json_key(&j, due ? "deadlines" : "cases");
		json_arr_begin(&j);
	}
	if (due)
		r = case_list_due(cli, &j, cl, lim);
	else if (cli->json) {
		for (i = 0; i < cl->n; i++)
			case_json_row(&j, &cl->rows[i]);
	} else if (cl->n == 0)
		printf("no cases on this laptop\n");
	else
		case_list_rows(cl);
	if (r != 0)
		cli_errx("case list: %s", cs_err(r));
	else if (cli->json) {
		json_arr_end(&j);
		json_obj_end(&j);
		r = json_end(&j);
	}
	caseload_free(cl);
	vault_close(v);
	return cli_exit(r);
}

int
cmd_case_lifecycle(struct cli *cli, int argc, char *argv[])
{
	static const struct option	opts[] = {
		{ "case", required_argument, NULL, 'c' },
		{ "to", required_argument, NULL, 't' },
		{ "date", required_argument, NULL, 'd' },
		{ "end", required_argument, NULL, 'e' },
		{ "reason", required_argument, NULL, 'r' },
		{ "due", no_argument, NULL, 'u' },
		{ "within", required_argument, NULL, 'w' },
		{ "server", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char	*sub = argv[1], *cid = NULL, *to = NULL, *date = NULL;
	const char	*end = NULL, *reason = NULL;
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
		return case_state(cli, cid, to, date, end, reason);
	if (to != NULL || date != NULL || end != NULL || reason != NULL) {
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

void
cli_json_date(struct json *j, const char *key, int64_t day)
{
	case_kv_date(j, key, day);
}

void
cli_days_text(int64_t left, char *dst, size_t len)
{
	case_days(left, dst, len);
}
