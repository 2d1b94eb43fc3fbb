/* SPDX-License-Identifier: ISC */
/*
 * cmd_plan.c - the plan's agreed versions (plan.h): `plan agree`,
 * `plan history` and `plan diff`.  `plan show|edit` and the goals are
 * in cmd_dossier.c.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_author.h"
#include "cli_ids.h"
#include "client.h"
#include "cmd_dossier.h"
#include "cmd_dossier_int.h"
#include "db.h"
#include "dossier.h"
#include "errors.h"
#include "json.h"
#include "plan.h"
#include "textdiff.h"
#include "util.h"
#include "vault.h"

void
cmd_plan_versions_usage(FILE *f)
{
	fprintf(f, "       casesync plan agree --case ID --with WHO[,WHO]... "
	    "[--date YYYY-MM-DD]\n"
	    "         (WHO: %s)\n"
	    "       casesync plan history --case ID\n"
	    "       casesync plan diff --case ID [A B]   (default: the last "
	    "two versions)\n", PLAN_AGREED_CHOICES);
}

struct plan_args {
	const char	*case_id;
	const char	*with;
	const char	*date;
	const char	*pos[2];
	size_t		 npos;
	char		 case_buf[DB_UUID_LEN + 1];
};

/* --case, --with, --date (also as --opt=value) and up to two numbers. */
static int
plan_parse(struct cli *cli, int argc, char *argv[], struct plan_args *a)
{
	static const char *const opts[3] = { "--case", "--with", "--date" };
	const char	**dst[3];
	size_t		 i, len;
	int		 k;

	memset(a, 0, sizeof(*a));
	dst[0] = &a->case_id;
	dst[1] = &a->with;
	dst[2] = &a->date;
	for (k = 2; k < argc; k++) {
		for (i = 0; i < 3; i++) {
			len = strlen(opts[i]);
			if (strcmp(argv[k], opts[i]) == 0 && k + 1 >= argc) {
				cli_errx("plan %s: option %s needs a value "
				    "(casesync plan %s --help)", argv[1],
				    opts[i], argv[1]);
				return CS_ERR_USAGE;
			}
			if (strcmp(argv[k], opts[i]) == 0) {
				*dst[i] = argv[++k];
				break;
			}
			if (strncmp(argv[k], opts[i], len) == 0 &&
			    argv[k][len] == '=') {
				*dst[i] = argv[k] + len + 1;
				break;
			}
		}
		if (i < 3)
			continue;
		if (argv[k][0] == '-') {
			cli_errx("plan %s: unknown option %s (casesync plan %s "
			    "--help)", argv[1], argv[k], argv[1]);
			return CS_ERR_USAGE;
		}
		if (a->npos == 2) {
			cli_errx("plan %s: unexpected argument %s (casesync "
			    "plan %s --help)", argv[1], argv[k], argv[1]);
			return CS_ERR_USAGE;
		}
		a->pos[a->npos++] = argv[k];
	}
	if (a->case_id == NULL) {
		cli_errx("which case? --case ID");
		return CS_ERR_USAGE;
	}
	return cli_resolve(cli, IDS_CASE, "--case", &a->case_id, a->case_buf);
}

static int
plan_agree_cmd(struct cli *cli, struct plan_args *a)
{
	struct dossier_error	 err;
	struct json		 j;
	struct vault		*v = NULL;
	sqlite3			*db;
	char			 id[DB_UUID_LEN + 1];
	int64_t			 n;
	int			 r;

	if (a->with == NULL || a->npos > 0) {
		cli_errx("usage: casesync plan agree --case ID --with WHO,... "
		    "[--date YYYY-MM-DD]");
		return EXIT_USAGE;
	}
	if ((r = dossier_open(cli, &v, &db)) != 0)
		return cli_exit(r);
	if ((r = plan_agree(db, a->case_id, a->with, a->date, id, &n,
	    &err)) != 0)
		cli_errx("%s", err.text[0] != '\0' ? err.text : cs_err(r));
	else if (cli->json) {
		json_init(&j, stdout);
		json_obj_begin(&j);
		json_kv_str(&j, "record_id", id);
		json_kv_str(&j, "case_id", a->case_id);
		json_kv_int(&j, "version", n);
		json_obj_end(&j);
		r = json_end(&j);
	} else
		printf("plan version %" PRId64 " agreed with %s\n", n, a->with);
	vault_close(v);
	return r == CS_ERR_AUTH ? EXIT_REFUSED : cli_exit(r);
}

static int
plan_history_print(struct cli *cli, const struct plan_versions *pv)
{
	const struct plan_version	*v;
	struct json			 j;
	size_t				 i;

	json_init(&j, stdout);
	if (cli->json)
		json_arr_begin(&j);
	for (i = 0; i < pv->n; i++) {
		v = &pv->v[i];
		if (cli->json) {
			json_obj_begin(&j);
			json_kv_str(&j, "record_id", v->id);
			json_kv_int(&j, "version", v->number);
			json_kv_str(&j, "date", v->date);
			json_kv_str(&j, "agreed_with", v->agreed_with);
			cli_author_json(&j, &v->by);
			json_obj_end(&j);
			continue;
		}
		printf("version %-3" PRId64 " %s  agreed with %s  ", v->number,
		    v->date, v->agreed_with);
		cli_author_print(stdout, &v->by);
		putchar('\n');
	}
	if (cli->json) {
		json_arr_end(&j);
		return json_end(&j);
	}
	if (pv->n == 0)
		puts("(no agreed versions)");
	return 0;
}

static int
plan_diff_line(enum textdiff_op op, const char *line, size_t len, void *arg)
{
	(void)arg;
	printf("%c %.*s\n", (int)op, (int)(len > 4096 ? 4096 : len), line);
	return 0;
}

/* The version numbered "s" (1..), or NULL with a message. */
static const struct plan_version *
plan_version_arg(const struct plan_versions *pv, const char *s)
{
	uint64_t	n;
	size_t		i;

	if (parse_u64(s, 1, INT64_MAX, &n) != 0) {
		cli_errx("plan diff: %s is not a version number", s);
		return NULL;
	}
	/* the last of that number: two agreed offline share one */
	for (i = pv->n; i-- > 0;)
		if ((uint64_t)pv->v[i].number == n)
			return &pv->v[i];
	cli_errx("plan diff: the plan has no version %s here", s);
	return NULL;
}

static int
plan_diff_print(const struct plan_versions *pv, const struct plan_args *a)
{
	const struct plan_version	*x, *y;
	int				 r;

	if (a->npos == 1) {
		cli_errx("plan diff: two versions, or none for the last two");
		return CS_ERR_USAGE;
	}
	if (a->npos == 2) {
		if ((x = plan_version_arg(pv, a->pos[0])) == NULL ||
		    (y = plan_version_arg(pv, a->pos[1])) == NULL)
			return CS_ERR_USAGE;
	} else if (pv->n < 2) {
		cli_errx("plan diff: the plan has %zu agreed version%s here; "
		    "a diff needs two", pv->n, pv->n == 1 ? "" : "s");
		return CS_ERR_NOT_FOUND;
	} else {
		x = &pv->v[pv->n - 2];
		y = &pv->v[pv->n - 1];
	}
	printf("plan version %" PRId64 " (%s) -> version %" PRId64 " (%s)\n",
	    x->number, x->date, y->number, y->date);
	if (strcmp(x->agreed_with, y->agreed_with) != 0)
		printf("agreed with: %s -> %s\n", x->agreed_with,
		    y->agreed_with);
	puts("summary:");
	if ((r = textdiff(x->summary, strlen(x->summary), y->summary,
	    strlen(y->summary), plan_diff_line, NULL)) != 0)
		return r;
	puts("goals:");
	return textdiff(x->goals, strlen(x->goals), y->goals,
	    strlen(y->goals), plan_diff_line, NULL);
}

static int
plan_read_cmd(struct cli *cli, struct plan_args *a, int diff)
{
	struct plan_versions	 pv;
	struct vault		*v = NULL;
	sqlite3			*db;
	int			 r;

	if (!diff && a->npos > 0) {
		cli_errx("usage: casesync plan history --case ID");
		return EXIT_USAGE;
	}
	if ((r = dossier_open(cli, &v, &db)) != 0)
		return cli_exit(r);
	if ((r = plan_versions(db, a->case_id, &pv)) != 0) {
		cli_errx("cannot read the plan's versions: %s", cs_err(r));
		goto out;
	}
	if (diff) {
		if ((r = plan_diff_print(&pv, a)) != 0 && r != CS_ERR_USAGE &&
		    r != CS_ERR_NOT_FOUND)
			cli_errx("plan diff: %s", cs_err(r));
	} else
		r = plan_history_print(cli, &pv);
	plan_versions_free(&pv);
 out:
	vault_close(v);
	return cli_exit(r);
}

int
cmd_plan_versions(struct cli *cli, int argc, char *argv[])
{
	struct plan_args	a;
	int			r;

	if (argc >= 3 && strcmp(argv[2], "--help") == 0) {
		cmd_plan_versions_usage(stdout);
		return EXIT_OK;
	}
	if ((r = plan_parse(cli, argc, argv, &a)) != 0)
		return cli_exit(r);
	if (strcmp(argv[1], "agree") == 0)
		return plan_agree_cmd(cli, &a);
	return plan_read_cmd(cli, &a, strcmp(argv[1], "diff") == 0);
}
