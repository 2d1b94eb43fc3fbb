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

#include <sodium.h>

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
#include "reportnames.h"
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

/* A record selected as a ground. */
struct report_sel {
	char	id[DB_UUID_LEN + 1];
};

/* --select ID,ID,...: each a short id (or id) of a record here. */
static int
report_selection(struct cli *cli, const char *list, struct report_sel **ids,
    size_t *n)
{
	struct report_sel	*v = NULL;
	char			*copy = NULL, *w, *e;
	const char		*in;
	size_t			 k = 0;
	int			 r = 0;

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
		    v[k].id)) == 0)
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

/* How professionals are named: the server's setting, kept here. */
static enum reportnames
report_names(struct vault *v)
{
	enum reportnames	n;

	if (reportnames_get(v, &n) != 0)
		n = REPORTNAMES_ROLES;	/* the reading that shows less */
	return n;
}

/* What was written where; "sh" the case's short id. */
static void
report_done(struct cli *cli, const char *what, const char *path,
    const char *sh)
{
	struct json	j;

	if (cli->json) {
		json_init(&j, stdout);
		json_obj_begin(&j);
		json_kv_str(&j, "document", what);
		json_kv_str(&j, "file", path);
		json_obj_end(&j);
		(void)json_end(&j);
		return;
	}
	if (strcmp(what, "draft") == 0 && report_out_kind(path) == 1)
		printf("draft (Concept) written to %s: to read; a draft to "
		    "edit and finalise is an .html file\n", path);
	else if (strcmp(what, "draft") == 0)
		printf("draft (Concept) written to %s: edit it, then "
		    "casesync report final --case %s --file %s\n", path, sh,
		    path);
	else
		printf("report written to %s\n", path);
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
	struct report_sel	*sel = NULL;
	const char		**selp = NULL;
	struct ids		*ids = NULL;
	char			 sh[IDS_SHORT_SIZE];
	char			 child[DB_UUID_LEN + 1], why[REPORT_WHY_MAX];
	size_t			 nsel = 0, i;
	uint64_t		 months = 0;
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
	if (a.months != NULL && parse_u64(a.months, 1, 12, &months) != 0) {
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
	req.names = report_names(v);
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
			selp[i] = sel[i].id;
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
	if ((r = ids_load(db, &ids)) != 0)
		goto out;
	ids_short(ids, a.case_id, sh);
	report_done(cli, "draft", a.out, sh);
 out:
	ids_free(ids);
	doc_free(d);
	free(selp);
	free(sel);
	vault_close(v);
	return cli_exit(r);
}

int
cmd_report_raad(struct cli *cli, int argc, char *argv[])
{
	return report_draft_cmd(cli, argc, argv, REPORT_RAAD);
}

int
cmd_report_verlenging(struct cli *cli, int argc, char *argv[])
{
	return report_draft_cmd(cli, argc, argv, REPORT_VERLENGING);
}

/*
 * Read the edited draft: a regular file (not a device, a FIFO or a
 * link), at most REPORT_FILE_MAX bytes, checked before it is read.
 */
static int
report_read_file(const char *path, char **out, size_t *len)
{
	struct stat	 st;
	char		*p = NULL;
	size_t		 have = 0;
	ssize_t		 n;
	int		 fd, r;

	*out = NULL;
	*len = 0;
	if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC |
	    O_NONBLOCK)) == -1) {
		cli_errx("%s: %s", path, strerror(errno));
		return CS_ERR_USAGE;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		cli_errx("%s: not a regular file", path);
		r = CS_ERR_USAGE;
		goto out;
	}
	if (st.st_size > REPORT_FILE_MAX) {
		cli_errx("%s: refused: the file is larger than a draft can be "
		    "(%d KiB)", path, REPORT_FILE_MAX / 1024);
		r = CS_ERR_USAGE;
		goto out;
	}
	/* one byte more than allowed: a file that grew is caught too */
	if ((p = malloc(REPORT_FILE_MAX + 1)) == NULL) {
		r = CS_ERR_ALLOC;
		goto out;
	}
	while (have <= REPORT_FILE_MAX) {
		if ((n = read(fd, p + have, REPORT_FILE_MAX + 1 - have)) == 0)
			break;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			cli_errx("%s: %s", path, strerror(errno));
			r = CS_ERR_SYSTEM;
			goto out;
		}
		have += (size_t)n;
	}
	if (have > REPORT_FILE_MAX) {
		cli_errx("%s: refused: the file is larger than a draft can be "
		    "(%d KiB)", path, REPORT_FILE_MAX / 1024);
		r = CS_ERR_USAGE;
		goto out;
	}
	*out = p;
	*len = have;
	p = NULL;	/* transferred */
	r = 0;
 out:
	free(p);
	(void)close(fd);
	return r;
}

/* `report final --case C --file EDITED.html`: a record of the dossier. */
int
cmd_report_final(struct cli *cli, int argc, char *argv[])
{
	struct report_args	 a;
	struct dossier_error	 err;
	struct vault		*v = NULL;
	struct ids		*ids = NULL;
	sqlite3			*db;
	char			*html = NULL, why[REPORT_WHY_MAX];
	char			 id[DB_UUID_LEN + 1], sh[IDS_SHORT_SIZE];
	size_t			 len;
	int			 r;

	if ((r = report_parse_args(argc, argv, &a)) != 0 ||
	    (r = report_only(&a, 0, 0, 0, 0, 1, 0)) != 0)
		return cli_exit(r);
	if (a.file == NULL) {
		cli_errx("report final: which draft? --file EDITED.html");
		return EXIT_USAGE;
	}
	if ((r = report_read_file(a.file, &html, &len)) != 0)
		return cli_exit(r);
	if ((r = cli_resolve(cli, IDS_CASE, "--case", &a.case_id,
	    a.case_buf)) != 0 || (r = dossier_open(cli, &v, &db)) != 0)
		goto out;
	r = report_final(db, a.case_id, html, len, id, why, &err);
	if (r == CS_ERR_AUTH && err.fault == DOSSIER_READ_ONLY) {
		cli_readonly(db, a.case_id);
		goto out;
	}
	if (r != 0) {
		cli_errx("report final: %s: refused: %s", a.file,
		    why[0] != '\0' ? why : err.text[0] != '\0' ? err.text :
		    cs_err(r));
		/* as every write: a closed case is the server's refusal too */
		if (r == CS_ERR_CASE_CLOSED)
			r = CS_ERR_PEER;
		/* a file refused is the worker's input: exit 2 */
		if (r == CS_ERR_FORMAT || r == CS_ERR_TOO_LARGE)
			r = CS_ERR_USAGE;
		goto out;
	}
	if (cli->json) {
		r = cli_written_json(id, a.case_id);
		goto out;
	}
	if ((r = ids_load(db, &ids)) != 0)
		goto out;
	ids_short(ids, id, sh);
	printf("report %s finalised: a record of the dossier from now on (it "
	    "reaches the server at the next sync; a correction is a new "
	    "report)\n", sh);
 out:
	ids_free(ids);
	if (html != NULL)
		sodium_memzero(html, len);
	free(html);
	vault_close(v);
	return cli_exit(r);
}

struct report_listing {
	struct cli	*cli;
	struct ids	*ids;
	struct json	 j;
	size_t		 n;
};

static int
report_list_print(const struct report_entry *e, void *arg)
{
	struct report_listing	*l = arg;
	char			 sh[IDS_SHORT_SIZE];

	ids_short(l->ids, e->record_id, sh);
	l->n++;
	if (l->cli->json) {
		json_obj_begin(&l->j);
		json_kv_str(&l->j, "record_id", e->record_id);
		json_kv_str(&l->j, "short_id", sh);
		json_kv_str(&l->j, "type", report_type_name(e->type));
		json_kv_str(&l->j, "subject", e->subject);
		json_kv_str(&l->j, "child", e->child_name[0] != '\0' ?
		    e->child_name : NULL);
		cli_author_json(&l->j, e->by);
		json_obj_end(&l->j);
		return 0;
	}
	printf("%-12s  %-10s  %s%s%s  (finalised: ", sh,
	    report_type_name(e->type), e->subject,
	    e->child_name[0] != '\0' ? ", " : "", e->child_name);
	cli_author_print(stdout, e->by);
	fputs(")\n", stdout);
	return 0;
}

/* `report list --case C`: the finalised reports, who and when. */
int
cmd_report_list(struct cli *cli, int argc, char *argv[])
{
	struct report_args	 a;
	struct report_listing	 l;
	struct vault		*v = NULL;
	sqlite3			*db;
	int			 r;

	memset(&l, 0, sizeof(l));
	if ((r = report_parse_args(argc, argv, &a)) != 0 ||
	    (r = report_only(&a, 0, 0, 0, 0, 0, 0)) != 0)
		return cli_exit(r);
	if ((r = cli_resolve(cli, IDS_CASE, "--case", &a.case_id,
	    a.case_buf)) != 0 || (r = dossier_open(cli, &v, &db)) != 0)
		goto out;
	l.cli = cli;
	if ((r = ids_load(db, &l.ids)) != 0)
		goto out;
	if (cli->json) {
		json_init(&l.j, stdout);
		json_arr_begin(&l.j);
	}
	if ((r = report_list(db, a.case_id, report_list_print, &l)) != 0) {
		cli_errx("cannot read the case: %s", cs_err(r));
		goto out;
	}
	if (cli->json) {
		json_arr_end(&l.j);
		r = json_end(&l.j);
	} else if (l.n == 0)
		printf("no finalised reports in this case\n");
 out:
	ids_free(l.ids);
	vault_close(v);
	return cli_exit(r);
}

/* `report show --case C --id R --out FILE`: the final document again. */
int
cmd_report_show(struct cli *cli, int argc, char *argv[])
{
	struct report_args	 a;
	struct vault		*v = NULL;
	struct doc		*d = NULL;
	sqlite3			*db;
	int			 r;

	if ((r = report_parse_args(argc, argv, &a)) != 0 ||
	    (r = report_only(&a, 0, 0, 0, 1, 0, 1)) != 0 ||
	    (r = report_out_check(&a)) != 0)
		return cli_exit(r);
	if (a.id == NULL) {
		cli_errx("report show: which report? --id (report list)");
		return EXIT_USAGE;
	}
	if ((r = cli_resolve(cli, IDS_CASE, "--case", &a.case_id,
	    a.case_buf)) != 0 ||
	    (r = cli_resolve(cli, IDS_RECORD, "--id", &a.id, a.id_buf)) != 0 ||
	    (r = dossier_open(cli, &v, &db)) != 0)
		goto out;
	if ((r = report_render(db, a.case_id, a.id, report_names(v),
	    &d)) != 0) {
		cli_errx("report show: %s", r == CS_ERR_NOT_FOUND ? "no "
		    "finalised report of this case with that id (report "
		    "list)" : cs_err(r));
		goto out;
	}
	if ((r = report_write(d, a.out)) != 0)
		goto out;
	report_done(cli, "report", a.out, "");
 out:
	doc_free(d);
	vault_close(v);
	return cli_exit(r);
}
