/* SPDX-License-Identifier: ISC */
/*
 * cmd_measure.c - `casesync measure start|extend|end|list`: the court
 * measures of a case's children (DESIGN §2, issue 18).
 *
 * A measure belongs to one child and exists only with its court
 * decision.  Its type and dates are the server's (metadata of the
 * child, checked against the law's limits there); court and zaaknummer
 * stay in the sealed measure record (measure_rec.h).  So a change is
 * checked on this laptop first with the server's own rules
 * (common/measure.c), then sent, and only when the server says yes is
 * the measure record written; a refusal is printed in the server's
 * words and nothing is written.  `measure list` works offline, from
 * the measures the server last sent (the case's metadata) and the
 * records.
 *
 * The child is typed as people know it: its name, first name or short
 * id (a UUID is taken too), among the case's persons with role child
 * (caseload_child_find).  The old `measure add|edit`, which wrote a
 * measure the server never saw, are gone: they say what to use.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "body.h"
#include "case_meta.h"
#include "caseload.h"
#include "cli_ids.h"
#include "client.h"
#include "clihelp.h"
#include "cmd_case.h"
#include "cmd_dossier.h"
#include "cmd_dossier_int.h"
#include "conn.h"
#include "db.h"
#include "dossier.h"
#include "errors.h"
#include "identity.h"
#include "json.h"
#include "lifecycle.h"
#include "localday.h"
#include "measure.h"
#include "measure_net.h"
#include "measure_rec.h"
#include "measure_view.h"
#include "msg.h"
#include "schema.h"
#include "util.h"
#include "validate.h"
#include "vault.h"

/* What a command line asks for. */
struct measure_args {
	const char	*sub;
	const char	*case_id, *child, *type, *court, *zaaknummer;
	const char	*decision, *start, *end, *birth, *id, *date;
	char		 case_buf[DB_UUID_LEN + 1];
	char		 id_buf[DB_UUID_LEN + 1];
};

/* The types in words, for people (the CLI's words: docs/CLIENT.md). */
static const struct {
	const char	*type, *words;
} measure_types[] = {
	{ "VOTS", "VOTS (voorlopige ondertoezichtstelling)" },
	{ "OTS", "OTS (ondertoezichtstelling)" },
	{ "UHP", "machtiging uithuisplaatsing" },
	{ "VOOGDIJ_ONTZETTING", "voogdij after ontzetting" },
	{ "VOOGDIJ_GEZAGSBEEINDIGING",
	    "voogdij after gezagsbe\xc3\xabindiging" },
};

static const char *
cli_measure_words(const char *type)
{
	size_t	i;

	for (i = 0; i < sizeof(measure_types) / sizeof(measure_types[0]); i++)
		if (strcmp(measure_types[i].type, type) == 0)
			return measure_types[i].words;
	return type;
}

/* A checked option: prints the problem; CS_ERR_USAGE. */
static int
measure_bad(const char *opt, const char *why)
{
	cli_errx("%s: %s", opt, why);
	return CS_ERR_USAGE;
}

/* A date option, if given, into *d (LC_NODATE if not given). */
static int
measure_date(const char *opt, const char *s, int64_t *d)
{
	const char	*why;

	*d = LC_NODATE;
	if (s == NULL)
		return 0;
	if (validate_date(s, d, &why) != 0)
		return measure_bad(opt, why);
	return 0;
}

/* A short text option (court, zaaknummer). */
static int
measure_text(const char *opt, const char *s)
{
	const char	*why;

	if (s != NULL && validate_name(s, VALIDATE_TEXT_MAX, &why) != 0)
		return measure_bad(opt, why);
	return 0;
}

static int
measure_parse(int argc, char *argv[], struct measure_args *a)
{
	static const struct option	opts[] = {
		{ "case", required_argument, NULL, 'c' },
		{ "child", required_argument, NULL, 'k' },
		{ "type", required_argument, NULL, 't' },
		{ "court", required_argument, NULL, 'C' },
		{ "zaaknummer", required_argument, NULL, 'z' },
		{ "decision", required_argument, NULL, 'D' },
		{ "start", required_argument, NULL, 's' },
		{ "end", required_argument, NULL, 'e' },
		{ "birth-date", required_argument, NULL, 'b' },
		{ "id", required_argument, NULL, 'i' },
		{ "date", required_argument, NULL, 'd' },
		{ NULL, 0, NULL, 0 }
	};
	int	ch;

	optind = 1;
	while ((ch = getopt_long(argc - 1, argv + 1, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			a->case_id = optarg;
			break;
		case 'k':
			a->child = optarg;
			break;
		case 't':
			a->type = optarg;
			break;
		case 'C':
			a->court = optarg;
			break;
		case 'z':
			a->zaaknummer = optarg;
			break;
		case 'D':
			a->decision = optarg;
			break;
		case 's':
			a->start = optarg;
			break;
		case 'e':
			a->end = optarg;
			break;
		case 'b':
			a->birth = optarg;
			break;
		case 'i':
			a->id = optarg;
			break;
		case 'd':
			a->date = optarg;
			break;
		default:
			(void)clihelp_opterr(argv + 1);
			return CS_ERR_USAGE;
		}
	}
	if (optind != argc - 1) {
		cli_errx("measure %s: unexpected argument \"%s\" (casesync "
		    "measure --help)", a->sub, argv[optind + 1]);
		return CS_ERR_USAGE;
	}
	return 0;
}

/* Say which children "row" has, after a --child that fits none. */
static void
measure_children(const struct caseload_row *row)
{
	size_t	i;

	if (row->nchildren == 0) {
		fprintf(stderr, "  (this case has no person with role child "
		    "on this laptop: person add --role child)\n");
		return;
	}
	for (i = 0; i < row->nchildren; i++)
		fprintf(stderr, "  %-12s  %s\n", row->children[i].short_id,
		    row->children[i].name[0] != '\0' ? row->children[i].name :
		    "(no name)");
}

/* The child "input" names among the children of "row"; told if not. */
static int
measure_child(const struct caseload_row *row, const char *input,
    const struct caseload_child **c)
{
	char	vis[120];
	int	r;

	if ((r = caseload_child_find(row, input, c)) == 0)
		return 0;
	(void)str_vis(vis, sizeof(vis), input, strlen(input) > 40 ? 40 :
	    strlen(input));
	if (r == CS_ERR_AMBIGUOUS)
		cli_errx("--child \"%s\" fits more than one child of the "
		    "case; give one of these short ids:", vis);
	else
		cli_errx("--child: no child \"%s\" in this case; its "
		    "children:", vis);
	measure_children(row);
	return CS_ERR_USAGE;
}

static const char *
measure_type_str(enum ms_type t)
{
	const char	*s = ms_type_name(t);

	return s != NULL ? s : "?";
}

static void
measure_refused(const char *sub, const char *why)
{
	cli_errx("measure %s: refused (checked on this laptop): %s", sub,
	    why != NULL ? why : "not allowed");
}

/*
 * Check "ch" on this laptop (measure_net.h: the server's rules against
 * the laptop's copy of the case's measures and state), then send it: a
 * refusal here is final offline; when the server can be reached the
 * copy is refreshed and checked again (someone else may have changed
 * the child's measures), and only a change that passes is sent.  On
 * the server's yes, *s holds the case's measures after it (stored
 * too).  Errors are reported, the server's refusal in its words.
 */
static int
measure_exchange(struct cli *cli, struct vault *v,
    const struct measure_change *ch, struct measure_view *s)
{
	struct case_meta	 m;
	struct case_measures	*ms = NULL;
	struct identity		 id;
	struct conn		*c = NULL;
	const char		*why = NULL, *sub = ms_action_name(ch->action);
	char			 said[512];
	int64_t			 today = localday_today();
	enum wire_code		 code;
	int			 r, refused;

	memset(&id, 0, sizeof(id));
	refused = measure_check(vault_db(v), ch, today, &why) != 0;
	if ((r = cli_connect_open(cli, v, &id, &c)) != 0) {
		if (refused) {
			measure_refused(sub, why);
			r = CS_ERR_PEER;
		}
		goto out;
	}
	if (refused) {
		if ((r = cli_case_fetch(c, v, ch->case_id, &m)) != 0)
			goto out;
		if (measure_check(vault_db(v), ch, today, &why) != 0) {
			measure_refused(sub, why);
			r = CS_ERR_PEER;
			goto out;
		}
	}
	if ((ms = calloc(1, sizeof(*ms))) == NULL) {
		r = CS_ERR_ALLOC;
		goto out;
	}
	said[0] = '\0';
	if ((r = measure_send(c, vault_db(v), ch, &m, ms, &code, said,
	    sizeof(said))) != 0) {
		/* the server's refusal in its words ("measure start: ...") */
		if (said[0] != '\0')
			cli_errx("%s", said);
		else
			cli_errx("measure %s: %s", sub, cs_err(r));
		goto out;
	}
	measure_view_set(s, ms);
 out:
	free(ms);
	cli_disconnect(NULL, &id, c);
	return r;
}

/* Open the vault, the case's caseload row and its measures. */
static int
measure_case(struct cli *cli, const char *cid, struct vault **v,
    struct caseload **cl, struct measure_view *s)
{
	sqlite3	*db;
	int	 r;

	*cl = NULL;
	if ((r = dossier_open(cli, v, &db)) != 0)
		return r;
	/* the children's names are case content: the read is logged */
	if ((r = caseload_load_case(db, localday_today(), cid, cl)) != 0) {
		cli_errx("measure: %s", cs_err(r));
		return r;
	}
	if ((*cl)->n == 0) {
		cli_errx("--case: no case %s on this laptop (sync first?)",
		    cid);
		return CS_ERR_USAGE;
	}
	if ((r = measure_view_cached(db, cid, s)) != 0)
		cli_errx("measure: the case's measures: %s", cs_err(r));
	return r;
}

/*
 * The server checks that the child is a person of the case it holds:
 * a person record only this laptop has (never synced, version 0) is
 * said here, before anything is sent.  CS_ERR_PEER (refused here).
 */
static int
measure_child_synced(sqlite3 *db, const struct caseload_child *c)
{
	struct db_record	rec;
	int			r;

	memset(&rec, 0, sizeof(rec));
	if ((r = db_record_get(db, c->record_id, &rec)) != 0) {
		cli_errx("--child: %s", cs_err(r));
		return r;
	}
	r = rec.version == 0 ? CS_ERR_PEER : 0;
	db_record_clear(&rec);
	if (r != 0)
		cli_errx("measure start: refused (checked on this laptop): the "
		    "person record of %s has not reached the server yet "
		    "(casesync sync first)", c->name[0] != '\0' ? c->name :
		    c->short_id);
	return r;
}

/* Tell why the core refused the measure record. */
static void
measure_rec_errx(const char *what, const struct dossier_error *e, int r)
{
	if (e->fault == DOSSIER_BAD_VALUE && e->name != NULL)
		cli_errx("%s: measure %s: %s%s%s%s", what, e->name, e->why,
		    e->choices != NULL ? " (" : "", e->choices != NULL ?
		    e->choices : "", e->choices != NULL ? ")" : "");
	else if (e->text[0] != '\0')
		cli_errx("%s: %s", what, e->text);
	else
		cli_errx("%s: %s", what, cs_err(r));
}

/* The name of child "id" of "row" for a message, or "the child". */
static const char *
measure_child_name(const struct caseload_row *row, const char *id)
{
	size_t	i;

	for (i = 0; i < row->nchildren; i++)
		if (strcmp(row->children[i].record_id, id) == 0 &&
		    row->children[i].name[0] != '\0')
			return row->children[i].name;
	return "a child not on this laptop";
}

static void
measure_said(struct cli *cli, const char *what, const struct ids *ids,
    const struct measure_rec *m, const char *child)
{
	char	s[LC_DATE_LEN + 1], e[LC_DATE_LEN + 1];
	char	sh[IDS_SHORT_SIZE];

	ids_short(ids, m->record_id, sh);
	if (cli->json) {
		printf("{\"id\":\"%s\",\"short_id\":\"%s\",\"measure_id\":"
		    "%llu}\n", m->record_id, sh,
		    (unsigned long long)m->measure_id);
		return;
	}
	lc_date_format(m->start, s, sizeof(s));
	lc_date_format(m->ended_on != LC_NODATE ? m->ended_on : m->end, e,
	    sizeof(e));
	printf("measure %s: %s for %s, %s to %s (%s)\n", what,
	    cli_measure_words(m->type), child, s, e, sh);
}

static int
measure_start(struct cli *cli, struct measure_args *a)
{
	const struct caseload_child	*child;
	struct measure_view		*s = NULL;
	struct caseload			*cl = NULL;
	struct vault			*v = NULL;
	struct dossier_error		 err;
	struct measure_rec		 m;
	struct measure_change		 q;
	enum ms_type			 type;
	int64_t				 birth;
	int				 r, i;

	memset(&q, 0, sizeof(q));
	memset(&m, 0, sizeof(m));
	if (a->case_id == NULL)
		return cli_exit(measure_bad("--case", "which case? (a short "
		    "id, id or title)"));
	if (a->child == NULL)
		return cli_exit(measure_bad("--child", "which child? (its "
		    "name or short id)"));
	if (a->type == NULL || ms_type_parse(a->type, &type) != 0)
		return cli_exit(measure_bad("--type", "not a measure type ("
		    SCHEMA_MEASURE_TYPES ")"));
	if (a->court == NULL || a->zaaknummer == NULL || a->decision == NULL)
		return cli_exit(measure_bad(a->court == NULL ? "--court" :
		    a->zaaknummer == NULL ? "--zaaknummer" : "--decision",
		    "a measure exists only with its court decision: --court, "
		    "--zaaknummer and --decision"));
	if (a->id != NULL || a->date != NULL)
		return cli_exit(measure_bad(a->id != NULL ? "--id" : "--date",
		    "not an option of measure start"));
	q.action = MS_START;
	q.type = type;
	if ((r = measure_text("--court", a->court)) != 0 ||
	    (r = measure_text("--zaaknummer", a->zaaknummer)) != 0 ||
	    (r = measure_date("--decision", a->decision, &q.decision)) != 0 ||
	    (r = measure_date("--start", a->start, &q.start)) != 0 ||
	    (r = measure_date("--end", a->end, &q.end)) != 0 ||
	    (r = measure_date("--birth-date", a->birth, &birth)) != 0)
		return cli_exit(r);
	if (q.end == LC_NODATE && !ms_is_voogdij(type))
		return cli_exit(measure_bad("--end", "the end the court "
		    "decided is required (only a voogdij ends on the 18th "
		    "birthday by itself)"));
	if ((r = cli_resolve(cli, IDS_CASE, "--case", &a->case_id,
	    a->case_buf)) != 0)
		return cli_exit(r);
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return cli_exit(CS_ERR_ALLOC);
	if ((r = measure_case(cli, a->case_id, &v, &cl, s)) != 0 ||
	    (r = measure_child(&cl->rows[0], a->child, &child)) != 0)
		goto out;
	q.child_id = child->record_id;
	/* the server knows the child by its person record: synced yet? */
	if ((r = measure_child_synced(vault_db(v), child)) != 0)
		goto out;
	/* voogdij: the child's birth date from its person record */
	q.birth = child->birth_date;
	if (birth != LC_NODATE && q.birth != LC_NODATE && birth != q.birth) {
		r = measure_bad("--birth-date", "differs from the birth date "
		    "on the child's person record (person edit to correct "
		    "it)");
		goto out;
	}
	if (q.birth == LC_NODATE)
		q.birth = birth;
	if (ms_is_voogdij(type) && q.birth == LC_NODATE) {
		cli_errx("--child: voogdij ends on the 18th birthday: the "
		    "child's person record has no birth date (person edit "
		    "--id %s --birth-date YYYY-MM-DD, or --birth-date)",
		    child->short_id);
		r = CS_ERR_USAGE;
		goto out;
	}
	if (!ms_is_voogdij(type))
		q.birth = LC_NODATE;	/* the server needs it for voogdij only */
	/* the record must be one this laptop can keep, before the server */
	db_uuid(m.record_id);
	(void)str_fmt(m.type, sizeof(m.type), "%s", measure_type_str(type));
	memcpy(m.child_id, child->record_id, sizeof(m.child_id));
	(void)str_fmt(m.court, sizeof(m.court), "%s", a->court);
	(void)str_fmt(m.zaaknummer, sizeof(m.zaaknummer), "%s",
	    a->zaaknummer);
	m.decision_date = q.decision;
	m.start = q.start != LC_NODATE ? q.start : q.decision;
	m.end = q.end != LC_NODATE ? q.end : m.start;
	m.ended_on = LC_NODATE;
	if ((r = measure_rec_check_new(vault_db(v), a->case_id, &m,
	    &err)) != 0) {
		if (r == CS_ERR_AUTH)
			cli_readonly(vault_db(v), a->case_id);
		else
			measure_rec_errx("measure start", &err, r);
		goto out;
	}
	q.case_id = a->case_id;
	q.record_id = m.record_id;
	if ((r = measure_exchange(cli, v, &q, s)) != 0)
		goto out;
	/* the server's measure: its id and the dates it settled */
	for (i = 0; i < (int)s->n; i++)
		if (strcmp(s->rec_id[i], m.record_id) == 0)
			break;
	if (i == (int)s->n) {
		cli_errx("measure start: the server's reply does not hold the "
		    "new measure");
		r = CS_ERR_PROTOCOL;
		goto out;
	}
	m.measure_id = s->m[i].id;
	m.start = s->m[i].start;
	m.end = s->m[i].end;
	if ((r = measure_rec_write_new(vault_db(v), a->case_id, &m,
	    &err)) != 0) {
		measure_rec_errx("measure start: the server registered the "
		    "measure, but its record could not be written here", &err,
		    r);
		goto out;
	}
	measure_said(cli, "started", cl->ids, &m, child->name);
 out:
	caseload_free(cl);
	free(s);
	vault_close(v);
	return r == CS_ERR_AUTH ? EXIT_REFUSED : cli_exit(r);
}

/*
 * extend and end: the measure --id names (its record), the case's
 * row and measures; *idx its index among them.
 */
static int
measure_target(struct cli *cli, struct measure_args *a, struct vault **v,
    struct caseload **cl, struct measure_view *s, struct measure_rec *m,
    int *idx)
{
	sqlite3	*db;
	int	 r;

	*idx = -1;
	if (a->id == NULL)
		return measure_bad("--id", "which measure? (its short id: "
		    "measure list)");
	if (a->case_id != NULL || a->child != NULL || a->type != NULL ||
	    a->start != NULL || a->birth != NULL)
		return measure_bad("--id", "names the measure: its case, "
		    "child and type stay as they are");
	if ((r = cli_resolve(cli, IDS_RECORD, "--id", &a->id,
	    a->id_buf)) != 0)
		return r;
	if ((r = dossier_open(cli, v, &db)) != 0)
		return r;
	if ((r = measure_rec_get(db, a->id, m)) != 0) {
		if (r == CS_ERR_NOT_FOUND)
			return measure_bad("--id", "not a measure on this "
			    "laptop (measure list)");
		cli_errx("--id: %s", cs_err(r));
		return r;
	}
	if (m->measure_id == 0)
		return measure_bad("--id", "this measure was never registered "
		    "with the server (measure start registers one)");
	vault_close(*v);
	*v = NULL;
	if ((r = measure_case(cli, m->case_id, v, cl, s)) != 0)
		return r;
	if ((*idx = measure_view_find(s, m->measure_id)) < 0) {
		cli_errx("--id: the server has not listed this measure to "
		    "this laptop yet (case info --case %s)",
		    (*cl)->rows[0].short_id);
		return CS_ERR_NOT_FOUND;
	}
	return 0;
}

/* The options of extend (q->action MS_EXTEND) or end into "q". */
static int
measure_change_opts(const struct measure_args *a, struct measure_change *q)
{
	int	r;

	if (q->action == MS_END) {
		if (a->date == NULL)
			return measure_bad("--date", "the day the measure "
			    "ended (its last day)");
		if (a->decision != NULL || a->end != NULL ||
		    a->court != NULL || a->zaaknummer != NULL)
			return measure_bad("--date", "measure end takes --id "
			    "and --date only");
		return measure_date("--date", a->date, &q->end);
	}
	if (a->decision == NULL || a->end == NULL)
		return measure_bad(a->decision == NULL ? "--decision" : "--end",
		    "an extension exists only with its court decision: "
		    "--decision and the new --end");
	if (a->date != NULL)
		return measure_bad("--date", "not an option of measure "
		    "extend");
	if ((r = measure_text("--court", a->court)) != 0 ||
	    (r = measure_text("--zaaknummer", a->zaaknummer)) != 0 ||
	    (r = measure_date("--decision", a->decision, &q->decision)) != 0)
		return r;
	return measure_date("--end", a->end, &q->end);
}

/*
 * `measure extend` and `measure end` (action): the measure --id names,
 * the change checked and sent, then its record changed as the server
 * says.
 */
static int
measure_change_cmd(struct cli *cli, struct measure_args *a,
    enum ms_action action)
{
	struct measure_view	*s = NULL;
	struct caseload		*cl = NULL;
	struct vault		*v = NULL;
	struct dossier_error	 err;
	struct measure_rec	 m;
	struct measure_change	 q;
	const char		*sub = ms_action_name(action);
	int			 r, i;

	memset(&q, 0, sizeof(q));
	q.action = action;
	q.type = MS_NTYPES;
	q.decision = q.start = q.end = q.birth = LC_NODATE;
	if ((r = measure_change_opts(a, &q)) != 0)
		return cli_exit(r);
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return cli_exit(CS_ERR_ALLOC);
	if ((r = measure_target(cli, a, &v, &cl, s, &m, &i)) != 0)
		goto out;
	q.measure_id = m.measure_id;
	q.child_id = s->m[i].child_id;
	q.case_id = m.case_id;
	q.record_id = m.record_id;
	if ((r = measure_exchange(cli, v, &q, s)) != 0)
		goto out;
	if ((i = measure_view_find(s, m.measure_id)) < 0) {
		r = CS_ERR_PROTOCOL;
		cli_errx("measure %s: the server's reply does not hold the "
		    "measure", sub);
		goto out;
	}
	if (action == MS_EXTEND)
		r = measure_rec_write_extend(vault_db(v), &m, q.decision,
		    s->m[i].end, a->court, a->zaaknummer, &err);
	else {
		m.ended_on = s->m[i].ended_on != LC_NODATE ?
		    s->m[i].ended_on : q.end;
		r = measure_rec_write_end(vault_db(v), &m, m.ended_on, &err);
	}
	if (r != 0) {
		cli_errx("measure %s: done on the server, but the measure's "
		    "record could not be changed here:", sub);
		measure_rec_errx("measure", &err, r);
		goto out;
	}
	m.end = s->m[i].end;
	measure_said(cli, action == MS_EXTEND ? "extended" : "ended",
	    cl->ids, &m, measure_child_name(&cl->rows[0], m.child_id));
 out:
	caseload_free(cl);
	free(s);
	vault_close(v);
	return r == CS_ERR_AUTH ? EXIT_REFUSED : cli_exit(r);
}

/* One measure of `measure list --json`. */
static void
measure_json(struct json *j, const struct ids *ids,
    const struct caseload_row *row, const struct measure_view *s, size_t i)
{
	const struct ms_measure	*m = &s->m[i];
	const struct measure_rec *rec = s->rec[i];
	const struct ms_deadline *next = s->next[i] >= 0 ?
				    &s->dl[s->next[i]] : NULL;
	char			 sh[IDS_SHORT_SIZE], csh[IDS_SHORT_SIZE];
	size_t			 k;

	ids_short(ids, s->rec_id[i], sh);
	ids_short(ids, m->child_id, csh);
	json_obj_begin(j);
	json_kv_str(j, "record_id", s->rec_id[i][0] != '\0' ? s->rec_id[i] : NULL);
	json_kv_str(j, "short_id", sh);
	json_kv_int(j, "measure_id", (int64_t)m->id);
	json_kv_str(j, "child_id", m->child_id);
	json_kv_str(j, "child_short_id", csh);
	json_kv_str(j, "child", measure_child_name(row, m->child_id));
	json_kv_str(j, "type", measure_type_str(m->type));
	json_kv_str(j, "type_words", cli_measure_words(
	    measure_type_str(m->type)));
	json_kv_str(j, "court", rec != NULL ? rec->court : NULL);
	json_kv_str(j, "zaaknummer", rec != NULL ? rec->zaaknummer : NULL);
	cli_json_date(j, "decision_date", rec != NULL ?
	    rec->decision_date : m->decision);
	cli_json_date(j, "start", m->start);
	cli_json_date(j, "end", m->end);
	cli_json_date(j, "ended_on", m->ended_on);
	json_kv_str(j, "status", ms_status_name(s->status[i]));
	json_kv_int(j, "extensions", m->extensions);
	json_key(j, "extension_history");
	json_arr_begin(j);
	for (k = 0; rec != NULL && k < rec->next; k++) {
		json_obj_begin(j);
		cli_json_date(j, "decision_date", rec->ext[k].decision_date);
		json_kv_str(j, "court", rec->ext[k].court);
		json_kv_str(j, "zaaknummer", rec->ext[k].zaaknummer);
		cli_json_date(j, "previous_end", rec->ext[k].previous_end);
		cli_json_date(j, "end", rec->ext[k].end);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_key(j, "next_deadline");
	if (next == NULL)
		json_null(j);
	else {
		json_obj_begin(j);
		json_kv_str(j, "kind", ms_deadline_name(next->kind));
		cli_json_date(j, "due", next->due);
		json_kv_int(j, "days_left", next->days_left);
		json_obj_end(j);
	}
	json_obj_end(j);
}

/* One measure for people. */
static void
measure_print(const struct ids *ids, const struct caseload_row *row,
    const struct measure_view *s, size_t i)
{
	const struct ms_measure	*m = &s->m[i];
	const struct measure_rec *rec = s->rec[i];
	const struct ms_deadline *next = s->next[i] >= 0 ?
				    &s->dl[s->next[i]] : NULL;
	char			 sh[IDS_SHORT_SIZE], a[LC_DATE_LEN + 1];
	char			 b[LC_DATE_LEN + 1], d[32];
	size_t			 k;

	ids_short(ids, s->rec_id[i], sh);
	printf("%-12s  %s  %s  %s\n", sh, measure_child_name(row,
	    m->child_id), cli_measure_words(measure_type_str(m->type)),
	    ms_status_name(s->status[i]));
	lc_date_format(rec != NULL ? rec->decision_date : m->decision, a,
	    sizeof(a));
	if (rec != NULL)
		printf("  decision   %s, %s, zaaknummer %s\n", rec->court, a,
		    rec->zaaknummer);
	else
		printf("  decision   %s (court and zaaknummer: the measure's "
		    "record is not on this laptop yet: sync)\n", a);
	lc_date_format(m->start, a, sizeof(a));
	lc_date_format(m->end, b, sizeof(b));
	printf("  start      %s  end %s", a, b);
	if (m->ended_on != LC_NODATE) {
		lc_date_format(m->ended_on, a, sizeof(a));
		printf("  ended %s", a);
	}
	printf("  extensions %u\n", m->extensions);
	for (k = 0; rec != NULL && k < rec->next; k++) {
		lc_date_format(rec->ext[k].decision_date, a, sizeof(a));
		printf("  extension  %s, %s, zaaknummer %s:", rec->ext[k].court,
		    a, rec->ext[k].zaaknummer);
		lc_date_format(rec->ext[k].previous_end, a, sizeof(a));
		lc_date_format(rec->ext[k].end, b, sizeof(b));
		printf(" end %s -> %s\n", a, b);
	}
	if (next != NULL) {
		lc_date_format(next->due, a, sizeof(a));
		cli_days_text(next->days_left, d, sizeof(d));
		printf("  next deadline %s %s (%s)\n", a,
		    ms_deadline_name(next->kind), d);
	}
}

static int
measure_list(struct cli *cli, struct measure_args *a)
{
	struct measure_view	*s = NULL;
	struct caseload		*cl = NULL;
	struct vault		*v = NULL;
	struct json		 j;
	size_t			 i, norec = 0;
	int			 r;

	if (a->case_id == NULL)
		return cli_exit(measure_bad("--case", "which case? (a short "
		    "id, id or title)"));
	if (a->id != NULL || a->child != NULL || a->type != NULL ||
	    a->decision != NULL || a->end != NULL || a->date != NULL)
		return cli_exit(measure_bad("--case", "measure list takes "
		    "--case only"));
	if ((r = cli_resolve(cli, IDS_CASE, "--case", &a->case_id,
	    a->case_buf)) != 0)
		return cli_exit(r);
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		r = CS_ERR_ALLOC;
		goto out;
	}
	/* the read is logged by caseload_load_case ("list" of the case) */
	if ((r = measure_case(cli, a->case_id, &v, &cl, s)) != 0)
		goto out;
	free(s);
	if ((r = measure_view_load(vault_db(v), a->case_id, cl->today,
	    &s)) != 0) {
		cli_errx("measure list: %s", cs_err(r));
		goto out;
	}
	for (i = 0; i < s->nrecs; i++)
		norec += measure_view_find(s, s->recs[i].measure_id) < 0;
	if (cli->json) {
		json_init(&j, stdout);
		json_arr_begin(&j);
	} else if (s->n == 0)
		printf("no measures in this case\n");
	for (i = 0; i < s->n; i++) {
		if (cli->json)
			measure_json(&j, cl->ids, &cl->rows[0], s, i);
		else
			measure_print(cl->ids, &cl->rows[0], s, i);
	}
	if (cli->json) {
		json_arr_end(&j);
		r = json_end(&j);
	} else if (norec > 0)
		printf("(%zu measure record%s the server does not list: "
		    "written before measures were the server's, or not yet "
		    "listed to this laptop: case info --case %s)\n", norec,
		    norec == 1 ? "" : "s", cl->rows[0].short_id);
 out:
	caseload_free(cl);
	measure_view_free(s);
	vault_close(v);
	return cli_exit(r);
}

int
cmd_measure(struct cli *cli, int argc, char *argv[])
{
	struct measure_args	a;
	int			r;

	memset(&a, 0, sizeof(a));
	if (argc < 2) {
		cli_errx("measure: which one? start|extend|end|list "
		    "(casesync measure --help)");
		return EXIT_USAGE;
	}
	a.sub = argv[1];
	if (strcmp(a.sub, "add") == 0 || strcmp(a.sub, "edit") == 0) {
		cli_errx("measure %s: a measure exists only with its court "
		    "decision, registered with the server: use measure start "
		    "(a new one), measure extend or measure end (casesync "
		    "measure --help)", a.sub);
		return EXIT_USAGE;
	}
	if (strcmp(a.sub, "start") != 0 && strcmp(a.sub, "extend") != 0 &&
	    strcmp(a.sub, "end") != 0 && strcmp(a.sub, "list") != 0) {
		cli_errx("unknown subcommand \"measure %.40s\", not one of "
		    "start|extend|end|list (casesync measure --help)", a.sub);
		return EXIT_USAGE;
	}
	if ((r = measure_parse(argc, argv, &a)) != 0)
		return cli_exit(r);
	if (strcmp(a.sub, "start") == 0)
		return measure_start(cli, &a);
	if (strcmp(a.sub, "extend") == 0)
		return measure_change_cmd(cli, &a, MS_EXTEND);
	if (strcmp(a.sub, "end") == 0)
		return measure_change_cmd(cli, &a, MS_END);
	return measure_list(cli, &a);
}
