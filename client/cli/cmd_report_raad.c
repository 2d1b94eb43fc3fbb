/* SPDX-License-Identifier: ISC */
/*
 * cmd_report_raad.c - `casesync report raad|verlenging|final|list|show`:
 * the melding to the Raad and the request to extend an OTS, as drafts
 * to edit (--out FILE: .html or .pdf), finalised into the dossier from
 * the edited HTML, listed with who finalised them and when, and
 * rendered again from their record.  The rules are the core's
 * (report_raad.h); this file has the arguments, the files and the
 * messages.  Offline: a finalised report reaches the server at the
 * next sync, like any record.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "buf.h"
#include "caseload.h"
#include "cli_author.h"
#include "cli_ids.h"
#include "client.h"
#include "clihelp.h"
#include "cmd_dossier_int.h"
#include "cmd_report_int.h"
#include "db.h"
#include "doc.h"
#include "dossier.h"
#include "errors.h"
#include "ids.h"
#include "json.h"
#include "localday.h"
#include "report_raad.h"
#include "util.h"
#include "vault.h"

#define REPORT_OUT_MAX	(16 * 1024 * 1024)	/* bytes of a document */

struct report_args {
	const char	*sub;
	const char	*case_id;
	const char	*child;
	const char	*select;
	const char	*months;
	const char	*out;
	const char	*file;
	const char	*id;
	char		 case_buf[DB_UUID_LEN + 1];
	char		 id_buf[DB_UUID_LEN + 1];
};

static int
report_parse_args(int argc, char *argv[], struct report_args *a)
{
	static const struct option	opts[] = {
		{ "case", required_argument, NULL, 'c' },
		{ "child", required_argument, NULL, 'k' },
		{ "select", required_argument, NULL, 's' },
		{ "months", required_argument, NULL, 'm' },
		{ "out", required_argument, NULL, 'o' },
		{ "file", required_argument, NULL, 'f' },
		{ "id", required_argument, NULL, 'i' },
		{ NULL, 0, NULL, 0 }
	};
	int	ch;

	memset(a, 0, sizeof(*a));
	a->sub = argv[0];
	optind = 1;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'c':
			a->case_id = optarg;
			break;
		case 'k':
			a->child = optarg;
			break;
		case 's':
			a->select = optarg;
			break;
		case 'm':
			a->months = optarg;
			break;
		case 'o':
			a->out = optarg;
			break;
		case 'f':
			a->file = optarg;
			break;
		case 'i':
			a->id = optarg;
			break;
		default:
			(void)clihelp_opterr(argv);
			return CS_ERR_USAGE;
		}
	}
	if (optind != argc) {
		cli_errx("report %s: unexpected argument \"%.40s\" (casesync "
		    "report %s --help)", a->sub, argv[optind], a->sub);
		return CS_ERR_USAGE;
	}
	if (a->case_id == NULL) {
		cli_errx("report %s: which case? --case (a short id or title)",
		    a->sub);
		return CS_ERR_USAGE;
	}
	return 0;
}

/* The only options "sub" takes besides --case; others are refused. */
static int
report_only(const struct report_args *a, int child, int select, int months,
    int out, int file, int id)
{
	const char	*extra = NULL;

	if (a->child != NULL && !child)
		extra = "--child";
	else if (a->select != NULL && !select)
		extra = "--select";
	else if (a->months != NULL && !months)
		extra = "--months";
	else if (a->out != NULL && !out)
		extra = "--out";
	else if (a->file != NULL && !file)
		extra = "--file";
	else if (a->id != NULL && !id)
		extra = "--id";
	if (extra == NULL)
		return 0;
	cli_errx("report %s takes no %s (casesync report %s --help)", a->sub,
	    extra, a->sub);
	return CS_ERR_USAGE;
}

/* 1 for a PDF, 0 for HTML, by the name's extension; -1 for neither. */
static int
report_out_kind(const char *path)
{
	const char	*dot = strrchr(path, '.');

	if (dot == NULL || strchr(dot, '/') != NULL)
		return -1;
	if (strcasecmp(dot, ".html") == 0 || strcasecmp(dot, ".htm") == 0)
		return 0;
	if (strcasecmp(dot, ".pdf") == 0)
		return 1;
	return -1;
}

static int
report_out_check(const struct report_args *a)
{
	if (a->out == NULL) {
		cli_errx("report %s: where to? --out FILE (.html or .pdf)",
		    a->sub);
		return CS_ERR_USAGE;
	}
	if (report_out_kind(a->out) < 0) {
		cli_errx("report %s: --out names an .html or a .pdf file",
		    a->sub);
		return CS_ERR_USAGE;
	}
	return 0;
}

/*
 * Write "d" to "path" as HTML or PDF (by its extension), readable by
 * this user only (it is case content).
 */
static int
report_write(const struct doc *d, const char *path)
{
	struct buf	*b;
	size_t		 off, n;
	ssize_t		 w;
	int		 fd = -1, r;

	if ((b = buf_new(REPORT_OUT_MAX)) == NULL)
		return CS_ERR_ALLOC;
	r = report_out_kind(path) == 1 ? doc_pdf(d, b) : doc_html(d, b);
	if (r != 0) {
		cli_errx("cannot make the document: %s", cs_err(r));
		goto out;
	}
	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW |
	    O_CLOEXEC, 0600)) == -1) {
		cli_errx("%s: %s", path, strerror(errno));
		r = CS_ERR_SYSTEM;
		goto out;
	}
	for (off = 0, n = buf_len(b); off < n; off += (size_t)w) {
		if ((w = write(fd, buf_ptr(b) + off, n - off)) <= 0) {
			if (w == -1 && errno == EINTR) {
				w = 0;
				continue;
			}
			cli_errx("%s: %s", path, strerror(errno));
			r = CS_ERR_SYSTEM;
			goto out;
		}
	}
	if (close(fd) != 0) {
		fd = -1;
		cli_errx("%s: %s", path, strerror(errno));
		r = CS_ERR_SYSTEM;
		goto out;
	}
	fd = -1;
 out:
	if (fd != -1)
		(void)close(fd);
	buf_free_wipe(b);
	return r;
}

/* The child "input" names among the case's children (name or short id). */
static int
report_child(sqlite3 *db, const char *case_id, const char *input,
    char out[DB_UUID_LEN + 1])
{
	struct caseload			*cl = NULL;
	const struct caseload_child	*c;
	char				 vis[128];
	size_t				 i;
	int				 r;

	if ((r = caseload_load_case(db, localday_today(), case_id,
	    &cl)) != 0) {
		cli_errx("cannot read the case: %s", cs_err(r));
		goto out;
	}
	if (cl->n == 0) {
		cli_errx("this laptop holds no such case");
		r = CS_ERR_NOT_FOUND;
		goto out;
	}
	if ((r = caseload_child_find(&cl->rows[0], input, &c)) == 0) {
		memcpy(out, c->record_id, DB_UUID_LEN + 1);
		goto out;
	}
	(void)str_vis(vis, sizeof(vis), input, strlen(input));
	cli_errx("--child: %s child \"%s\" in this case; its children:",
	    r == CS_ERR_AMBIGUOUS ? "more than one" : "no", vis);
	for (i = 0; i < cl->rows[0].nchildren; i++)
		fprintf(stderr, "  %-12s  %s\n", cl->rows[0].children[i].short_id,
		    cl->rows[0].children[i].name);
	if (cl->rows[0].nchildren == 0)
		fprintf(stderr, "  (none: person add --role child)\n");
	r = CS_ERR_USAGE;
 out:
	caseload_free(cl);
	return r;
}

/* --select ID,ID,...: each a short id (or id) of a record here. */
static int
report_selection(struct cli *cli, const char *list, char (**ids)[DB_UUID_LEN
    + 1], size_t *n)
{
	char	(*v)[DB_UUID_LEN + 1] = NULL, *copy = NULL, *w, *e;
	const char *in;
	size_t	 k = 0;
	int	 r = 0;

	*ids = NULL;
	*n = 0;
	if (list == NULL)
		return 0;
	if (strlen(list) > REPORT_SELECT_MAX * (IDS_INPUT_MAX + 1)) {
		cli_errx("--select: too long");
		return CS_ERR_USAGE;
	}
	if ((copy = strdup(list)) == NULL ||
	    (v = calloc(REPORT_SELECT_MAX, sizeof(*v))) == NULL) {
		r = CS_ERR_ALLOC;
		goto out;
	}
	for (w = copy; r == 0 && w != NULL; w = e) {
		if ((e = strchr(w, ',')) != NULL)
			*e++ = '\0';
		if (*w == '\0')
			continue;
		if (k == REPORT_SELECT_MAX) {
			cli_errx("--select: at most %d records",
			    REPORT_SELECT_MAX);
			r = CS_ERR_USAGE;
			break;
		}
		in = w;
		if ((r = cli_resolve(cli, IDS_RECORD, "--select", &in,
		    v[k])) == 0)
			k++;
	}
	if (r == 0) {
		*ids = v;
		*n = k;
		v = NULL;	/* transferred */
	}
 out:
	free(copy);
	free(v);
	return r;
}

/* Name professionals by role only (the institution's setting). */
static int
report_roles(sqlite3 *db)
{
	(void)db;
	return 0;
}

/* `report raad` and `report verlenging`: the draft into --out. */
static int
report_draft_cmd(struct cli *cli, int argc, char *argv[],
    enum report_type type)
{
	struct report_args	 a;
	struct report_req	 req;
	struct vault		*v = NULL;
	struct doc		*d = NULL;
	sqlite3			*db;
	char			 (*sel)[DB_UUID_LEN + 1] = NULL;
	const char		**selp = NULL;
	char			 child[DB_UUID_LEN + 1], why[REPORT_WHY_MAX];
	size_t			 nsel = 0, i;
	long long		 months = 0;
	int			 r;

	if ((r = report_parse_args(argc, argv, &a)) != 0 ||
	    (r = report_only(&a, type == REPORT_VERLENGING, 1,
	    type == REPORT_VERLENGING, 1, 0, 0)) != 0 ||
	    (r = report_out_check(&a)) != 0)
		return cli_exit(r);
	if (type == REPORT_VERLENGING && a.child == NULL) {
		cli_errx("report verlenging: for which child? --child (a "
		    "name, first name or short id)");
		return EXIT_USAGE;
	}
	if (a.months != NULL && (parse_i64(a.months, 1, 12, &months) != 0)) {
		cli_errx("report verlenging: --months is 1 to 12 (an OTS is "
		    "extended by at most 12 months at a time)");
		return EXIT_USAGE;
	}
	if ((r = cli_resolve(cli, IDS_CASE, "--case", &a.case_id,
	    a.case_buf)) != 0 ||
	    (r = report_selection(cli, a.select, &sel, &nsel)) != 0 ||
	    (r = dossier_open(cli, &v, &db)) != 0)
		goto out;
	memset(&req, 0, sizeof(req));
	req.type = type;
	req.case_id = a.case_id;
	req.months = (int)months;
	req.today = localday_today();
	req.roles = report_roles(db);
	if (a.child != NULL) {
		if ((r = report_child(db, a.case_id, a.child, child)) != 0)
			goto out;
		req.child_id = child;
	}
	if (nsel > 0) {
		if ((selp = calloc(nsel, sizeof(*selp))) == NULL) {
			r = CS_ERR_ALLOC;
			goto out;
		}
		for (i = 0; i < nsel; i++)
			selp[i] = sel[i];
	}
	req.select = selp;
	req.nselect = nsel;
	if ((r = report_draft(db, &req, &d, why)) != 0) {
		cli_errx("report %s: %s", a.sub, why[0] != '\0' ? why :
		    cs_err(r));
		goto out;
	}
	if ((r = report_write(d, a.out)) != 0)
		goto out;
	if (cli->json)
		printf("{\"file\":\"%s\"}\n", "written");
	else
		printf("draft written to %s: edit it, then casesync report "
		    "final --case %s --file FILE\n", a.out, argv[0] != NULL ?
		    "CASE" : "");
 out:
	doc_free(d);
	free(selp);
	free(sel);
	vault_close(v);
	return cli_exit(r);
}
