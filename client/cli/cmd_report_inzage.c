/* SPDX-License-Identifier: ISC */
/*
 * cmd_report_inzage.c - `casesync report inzage --case C [--person P]
 * --out FILE [--format html|pdf] [--force]`: the inzage of a family or
 * a person (client/core/report_inzage.h) written to FILE, as printable
 * HTML or as PDF; on stdout a summary (what it holds, the file).
 *
 * The access section needs the server (the audit log's entries of the
 * case, auditrows.h); everything else is read on this laptop.  The
 * file is written whole or not at all (a temporary file renamed), mode
 * 0600 (it is the dossier), and an existing file is replaced only with
 * --force.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "cli_ids.h"
#include "client.h"
#include "clihelp.h"
#include "cmd_dossier_int.h"
#include "cmd_report_int.h"
#include "conn.h"
#include "db.h"
#include "doc.h"
#include "dossier.h"
#include "errors.h"
#include "identity.h"
#include "json.h"
#include "msg.h"
#include "auditrows.h"
#include "report_inzage.h"
#include "reportnames.h"
#include "util.h"
#include "vault.h"

#define INZAGE_OUT_MAX	(256 * 1024 * 1024)	/* bytes of a document */

static const char inzage_usage[] =
    "usage: casesync report inzage --case CASE [--person NAME] --out FILE\n"
    "                              [--format html|pdf] [--force]\n"
    "Everything this laptop's dossier holds about the family (or, with\n"
    "--person, about one person of it) and who read or changed the file\n"
    "and when (the server's audit log, fetched now: the server must be\n"
    "reachable), in Dutch, as a printable HTML page or a PDF.  The format\n"
    "follows FILE's ending (.html, .htm, .pdf) unless --format says it.\n"
    "An existing FILE is replaced only with --force.  Professionals are\n"
    "named or shown by role as the server's report_names setting says.\n";

/* html 0, pdf 1, or -1 when "out" ends in neither. */
static int
inzage_format_of(const char *out)
{
	size_t	n = strlen(out);

	if ((n > 5 && strcasecmp(out + n - 5, ".html") == 0) ||
	    (n > 4 && strcasecmp(out + n - 4, ".htm") == 0))
		return 0;
	if (n > 4 && strcasecmp(out + n - 4, ".pdf") == 0)
		return 1;
	return -1;
}

/* The summary on stdout: counts and the file, never content. */
static int
inzage_summary(struct cli *cli, const struct report_inzage_sum *s,
    const char *out, int pdf)
{
	const char	*person = s->person[0] != '\0' ? s->person : NULL;

	struct json	j;

	if (cli->json) {
		json_init(&j, stdout);
		json_obj_begin(&j);
		json_kv_str(&j, "file", out);
		json_kv_str(&j, "format", pdf ? "pdf" : "html");
		json_kv_str(&j, "title", s->title);
		json_kv_str(&j, "person", person);	/* NULL: null */
		json_kv_int(&j, "persons", (int64_t)s->persons);
		json_kv_int(&j, "measures", (int64_t)s->measures);
		json_kv_int(&j, "plan_versions", (int64_t)s->plan_versions);
		json_kv_int(&j, "assessments", (int64_t)s->assessments);
		json_kv_int(&j, "notes", (int64_t)s->notes);
		json_kv_int(&j, "partners", (int64_t)s->partners);
		json_kv_int(&j, "escalations", (int64_t)s->escalations);
		json_kv_int(&j, "access_entries", (int64_t)s->access);
		json_kv_int(&j, "left_out", (int64_t)s->left_out);
		json_obj_end(&j);
		return json_end(&j);
	}
	printf("inzage of %s, %s\n", s->title[0] != '\0' ? s->title :
	    "(untitled case)", person != NULL ? person : "the whole family");
	printf("  persons: %zu   measures: %zu   plan versions: %zu   "
	    "assessments: %zu\n  notes: %zu   partners: %zu   "
	    "escalations: %zu\n  who read or changed the file: %zu "
	    "entries\n", s->persons, s->measures, s->plan_versions,
	    s->assessments, s->notes, s->partners, s->escalations,
	    s->access);
	if (person != NULL)
		printf("  records of other family members left out: %zu\n",
		    s->left_out);
	printf("written to %s (%s)\n", out, pdf ? "PDF" : "HTML");
	return 0;
}

struct inzage_args {
	int		 help;		/* --help: said, nothing else */
	const char	*case_in;
	const char	*person;
	const char	*out;
	int		 pdf;
	int		 force;
};

static int
inzage_parse(struct cli *cli, int argc, char *argv[], struct inzage_args *a)
{
	static const struct option	 opts[] = {
		{ "case",	required_argument,	NULL, 'c' },
		{ "person",	required_argument,	NULL, 'p' },
		{ "out",	required_argument,	NULL, 'o' },
		{ "format",	required_argument,	NULL, 'F' },
		{ "force",	no_argument,		NULL, 'f' },
		{ "json",	no_argument,		NULL, 'j' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL,		0,			NULL, 0 }
	};
	const char	*format = NULL;
	int		 ch;

	memset(a, 0, sizeof(*a));
	optind = 1;
	while ((ch = getopt_long(argc, argv, "hj", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			a->case_in = optarg;
			break;
		case 'p':
			a->person = optarg;
			break;
		case 'o':
			a->out = optarg;
			break;
		case 'F':
			format = optarg;
			break;
		case 'f':
			a->force = 1;
			break;
		case 'j':
			cli->json = 1;
			break;
		case 'h':
			fputs(inzage_usage, stdout);
			a->help = 1;
			return EXIT_OK;
		default:
			return clihelp_opterr(argv);
		}
	}
	if (optind != argc || a->case_in == NULL || a->out == NULL ||
	    a->out[0] == '\0') {
		fputs(inzage_usage, stderr);
		return EXIT_USAGE;
	}
	if (format != NULL && strcmp(format, "html") != 0 &&
	    strcmp(format, "pdf") != 0) {
		cli_errx("report inzage: --format html or pdf");
		return EXIT_USAGE;
	}
	if (format == NULL && (a->pdf = inzage_format_of(a->out)) < 0) {
		cli_errx("report inzage: %s: name a .html or .pdf file, or "
		    "give --format", a->out);
		return EXIT_USAGE;
	}
	if (format != NULL)
		a->pdf = strcmp(format, "pdf") == 0;
	/* before the passphrase and the server: a careful user's file */
	if (!a->force && access(a->out, F_OK) == 0) {
		cli_errx("report inzage: %s exists; --force replaces it",
		    a->out);
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

/* The document as HTML or PDF, written to a->out. */
static int
inzage_write(const struct doc *d, const struct inzage_args *a)
{
	struct buf	*b;
	int		 r;

	if ((b = buf_new(INZAGE_OUT_MAX)) == NULL)
		return CS_ERR_ALLOC;
	if ((r = a->pdf ? doc_pdf(d, b) : doc_html(d, b)) != 0)
		cli_errx("report inzage: cannot make the %s: %s",
		    a->pdf ? "PDF" : "HTML", cs_err(r));
	else if ((r = file_write_atomic(a->out, buf_ptr(b), buf_len(b), 0600,
	    !a->force)) != 0)
		cli_errx("report inzage: cannot write %s: %s", a->out,
		    r == CS_ERR_EXISTS ? "it exists (--force replaces it)" :
		    cs_why(r));
	buf_free_wipe(b);	/* the dossier's content */
	return r;
}

int
cmd_report_inzage(struct cli *cli, int argc, char *argv[])
{
	struct inzage_args	 a;
	struct report_inzage_in	 in;
	struct report_inzage_sum sum;
	struct auditrows	*acc = NULL;
	struct identity		 id;
	struct vault		*v = NULL;
	struct conn		*c = NULL;
	struct doc		*d = NULL;
	struct msg		*err = NULL;
	sqlite3			*db;
	const char		*case_id;
	char			 cbuf[DB_UUID_LEN + 1], pid[DB_UUID_LEN + 1];
	char			 self[MARKER_ID_MAX + 1];
	char			 selfname[MARKER_NAME_MAX + 1];
	struct msg_audit_query_request q;
	int			 r, more, wfail = 0;

	if ((r = inzage_parse(cli, argc, argv, &a)) != EXIT_OK || a.help)
		return r;
	case_id = a.case_in;
	if ((r = cli_resolve(cli, IDS_CASE, "--case", &case_id, cbuf)) != 0)
		return cli_exit(r);
	if ((r = dossier_open(cli, &v, &db)) != 0)
		return cli_exit(r);
	memset(&in, 0, sizeof(in));
	memset(&id, 0, sizeof(id));
	if (!dossier_case_known(db, case_id)) {
		cli_errx("report inzage: this laptop holds no case %s",
		    a.case_in);
		r = CS_ERR_USAGE;
		goto out;
	}
	in.case_id = case_id;
	if (a.person != NULL) {
		if ((r = report_inzage_person(db, case_id, a.person,
		    pid)) != 0) {
			cli_errx("report inzage: --person %s: %s", a.person,
			    r == CS_ERR_NOT_FOUND ? "no person of that name "
			    "in the case on this laptop" :
			    r == CS_ERR_AMBIGUOUS ? "more than one person "
			    "matches: give the short id" : cs_err(r));
			if (r == CS_ERR_NOT_FOUND || r == CS_ERR_AMBIGUOUS)
				r = CS_ERR_USAGE;
			goto out;
		}
		in.person_id = pid;
	}
	/* who read the file: the server's log of the case, this fetch too */
	if ((r = cli_connect_open(cli, v, &id, &c)) != 0)
		goto out;
	memset(&q, 0, sizeof(q));
	q.case_id = case_id;
	q.after = -1;
	if ((r = auditrows_fetch(c, &q, REPORT_INZAGE_ACCESS_PAGES, &acc,
	    &more, &err)) != 0) {
		if (r == CS_ERR_PROTOCOL && err == NULL)
			cli_errx("report inzage: the server went backwards");
		else
			cli_report("report inzage: the audit log", r, err);
		goto out;
	}
	if (more) {
		/* an inzage with part of the access list would mislead */
		cli_errx("report inzage: the case's audit log holds more than "
		    "%d entries", REPORT_INZAGE_ACCESS_PAGES *
		    MSG_AUDIT_ROWS_MAX);
		r = CS_ERR_TOO_LARGE;
		goto out;
	}
	if ((r = reportnames_get(v, &in.names)) != 0) {
		cli_errx("report inzage: %s", cs_err(r));
		goto out;
	}
	if (db_self_get(db, self, selfname) == 0 && selfname[0] != '\0')
		in.self_name = selfname;
	in.access = acc;
	in.now = (int64_t)time(NULL);
	if ((r = report_inzage_make(db, &in, &d, &sum)) != 0) {
		cli_errx("report inzage: %s", r == CS_ERR_NOT_FOUND ?
		    "this laptop holds no readable record of the case" :
		    cs_err(r));
		goto out;
	}
	if ((r = inzage_write(d, &a)) != 0) {
		wfail = 1;	/* a file not written: EXIT_FAIL, not the net */
		goto out;
	}
	r = inzage_summary(cli, &sum, a.out, a.pdf);
 out:
	doc_free(d);
	auditrows_free(acc);
	msg_free(err);
	if (c != NULL)
		cli_disconnect(v, &id, c);
	else
		vault_close(v);
	return wfail && cli_exit(r) != EXIT_TAMPERED ? EXIT_FAIL :
	    cli_exit(r);
}
