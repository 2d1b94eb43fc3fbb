/* SPDX-License-Identifier: ISC */
/*
 * cmd_conflict.c - casesync conflicts and casesync resolve: the fields
 * that were changed differently on two laptops, each value with who
 * wrote it and when, named by case, record and field; and settling one
 * by value or by author.  The listing and the settling are the core's
 * (conflict.h); this file has the arguments and the printing.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "body.h"
#include "cli_ids.h"
#include "client.h"
#include "clihelp.h"
#include "conflict.h"
#include "db.h"
#include "dossier.h"
#include "errors.h"
#include "ids.h"
#include "json.h"
#include "marker.h"
#include "util.h"
#include "vault.h"

struct conflict_out {
	struct cli	*cli;
	struct ids	*ids;		/* short ids, in lists */
	struct json	 j;		/* --json */
	size_t		 n;
};

static int
conflict_open(struct cli *cli, struct vault **v, struct sqlite3 **db)
{
	int	r;

	*db = NULL;
	if ((r = cli_vault_open(cli, 0, v)) != 0)
		return r;
	*db = vault_db(*v);
	if ((r = dossier_prepare(*db)) != 0) {
		cli_errx("cannot prepare the local database: %s", cs_err(r));
		vault_close(*v);
		*v = NULL;
		*db = NULL;
	}
	return r;
}

/* "hlc" as local time: "dd-mm-yyyy HH:MM". */
static void
conflict_time(char *dst, size_t dstlen, uint64_t hlc)
{
	struct tm	tm;
	time_t		t = (time_t)((hlc >> 16) / 1000);

	if (hlc == 0 || localtime_r(&t, &tm) == NULL) {
		(void)str_fmt(dst, dstlen, "%s", "time unknown");
		return;
	}
	if (strftime(dst, dstlen, "%d-%m-%Y %H:%M", &tm) == 0)
		dst[0] = '\0';
}

/* A JSON string, or null for "" (NULL). */
static void
conflict_kv_opt(struct json *j, const char *key, const char *s)
{
	json_kv_str(j, key, s != NULL && s[0] != '\0' ? s : NULL);
}

static void
conflict_json_value(struct json *j, const struct conflict *c, size_t i)
{
	const struct marker_value	*v = &c->vals[i];
	uint64_t			 uid;

	json_obj_begin(j);
	json_kv_int(j, "n", (int64_t)i + 1);
	conflict_kv_opt(j, "author", v->user_name);
	/* a user id is a number, as in casesyncctl user list */
	json_key(j, "author_id");
	if (parse_u64(v->user_id, 0, INT64_MAX, &uid) == 0)
		json_int(j, (int64_t)uid);
	else
		json_null(j);
	json_kv_bool(j, "by_me", conflict_by_self(v, c->self));
	json_kv_time(j, "time", v->hlc != 0 ?
	    (int64_t)((v->hlc >> 16) / 1000) : 0);
	json_kv_int(j, "hlc", v->hlc > INT64_MAX ? INT64_MAX :
	    (int64_t)v->hlc);
	json_kv_bool(j, "removed", !v->present);
	if (v->present)
		json_kv_bytes(j, "value", v->value, v->len);
	else
		json_kv_str(j, "value", NULL);
	json_kv_bool(j, "current", conflict_is_current(v, c->cur));
	json_obj_end(j);
}

/* One value for people: "[n] value   author, time (current)". */
static void
conflict_print_value(FILE *f, const struct conflict *c, size_t i)
{
	const struct marker_value	*v = &c->vals[i];
	char				 show[4 * CONFLICT_SHOW_MAX + 8], t[64];

	show[0] = '\0';
	if (v->present)
		conflict_cat(show, sizeof(show), v->value != NULL ? v->value :
		    (const uint8_t *)"", v->len, CONFLICT_SHOW_MAX);
	conflict_time(t, sizeof(t), v->hlc);
	fprintf(f, "  [%zu] %s%s%s\n      by %s%s, %s%s\n", i + 1,
	    v->present ? "\"" : "(removed)", show, v->present ? "\"" : "",
	    v->user_name[0] != '\0' ? v->user_name : "an unknown author",
	    conflict_by_self(v, c->self) ? " (you)" : "", t,
	    conflict_is_current(v, c->cur) ? "  [current value]" : "");
}

/* One field in conflict (schema "casesync conflicts"). */
static void
conflict_json(struct conflict_out *o, const struct conflict *c)
{
	char	sid[IDS_SHORT_SIZE];
	size_t	i;

	ids_short(o->ids, c->rec->record_id, sid);
	json_obj_begin(&o->j);
	json_kv_str(&o->j, "case_id", c->rec->case_id);
	conflict_kv_opt(&o->j, "case_title", c->case_title);
	json_kv_str(&o->j, "record_id", c->rec->record_id);
	json_kv_str(&o->j, "short_id", sid);
	json_kv_str(&o->j, "kind", c->rec->kind);
	conflict_kv_opt(&o->j, "record_title", c->record_title);
	json_kv_str(&o->j, "field", c->field);
	json_kv_bool(&o->j, "authors_known", !c->legacy);
	if (c->cur != NULL)
		json_kv_bytes(&o->j, "current", c->cur->value, c->cur->len);
	else
		json_kv_str(&o->j, "current", NULL);
	json_key(&o->j, "values");
	json_arr_begin(&o->j);
	for (i = 0; i < c->n; i++)
		conflict_json_value(&o->j, c, i);
	json_arr_end(&o->j);
	json_obj_end(&o->j);
}

static int
conflict_print(const struct conflict *c, void *arg)
{
	struct conflict_out	*o = arg;
	char			 show[4 * CONFLICT_SHOW_MAX + 8];
	char			 rsid[IDS_SHORT_SIZE], csid[IDS_SHORT_SIZE];
	size_t			 i;
	int			 listed = 0;

	if (o->cli->json) {
		conflict_json(o, c);
		o->n++;
		return 0;
	}
	for (i = 0; i < c->n; i++)
		listed |= conflict_is_current(&c->vals[i], c->cur);
	printf("%scase \"%s\" / %s \"%s\" / field %s\n", o->n > 0 ? "\n" :
	    "", c->case_title != NULL ? c->case_title : "(no title)",
	    c->noun, c->record_title != NULL ? c->record_title : "(no name)",
	    c->field);
	ids_short(o->ids, c->rec->record_id, rsid);
	ids_short(o->ids, c->rec->case_id, csid);
	printf("  record %s, case %s\n", rsid, csid);
	if (c->legacy)
		printf("  (recorded by an older version: authors unknown)\n");
	for (i = 0; i < c->n; i++)
		conflict_print_value(stdout, c, i);
	if (!listed) {
		show[0] = '\0';
		if (c->cur != NULL)
			conflict_cat(show, sizeof(show), c->cur->value,
			    c->cur->len, CONFLICT_SHOW_MAX);
		printf("  current value (changed since): %s%s%s\n",
		    c->cur != NULL ? "\"" : "(removed)", show,
		    c->cur != NULL ? "\"" : "");
	}
	o->n++;
	return 0;
}

int
cmd_conflicts(struct cli *cli, int argc, char *argv[])
{
	struct conflict_out	 o;
	struct vault		*v = NULL;
	struct sqlite3		*db;
	int			 r;

	(void)argv;
	if (argc != 1) {
		fprintf(stderr, "usage: casesync conflicts\n");
		return EXIT_USAGE;
	}
	if ((r = conflict_open(cli, &v, &db)) != 0)
		return cli_exit(r);
	memset(&o, 0, sizeof(o));
	o.cli = cli;
	if ((r = ids_load(db, &o.ids)) != 0) {
		cli_errx("cannot list the ids: %s", cs_err(r));
		vault_close(v);
		return cli_exit(r);
	}
	if (cli->json) {
		json_init(&o.j, stdout);
		json_arr_begin(&o.j);
	}
	r = conflict_list(db, NULL, conflict_print, &o);
	if (r != 0)
		cli_errx("cannot list the conflicts: %s", cs_err(r));
	else if (cli->json) {
		json_arr_end(&o.j);
		r = json_end(&o.j);
	} else if (o.n == 0)
		printf("no conflicts\n");
	ids_free(o.ids);
	vault_close(v);
	return cli_exit(r);
}

struct resolve_out {
	const struct conflict_result	*res;	/* its "why" is set */
	int				 shown;
};

/* A refused choice: why, and the values to choose from. */
static int
resolve_refused(const struct conflict *c, void *arg)
{
	struct resolve_out	*o = arg;
	size_t			 i;

	o->shown = 1;
	cli_errx("%s: %s; the values are:", c->field, o->res->why);
	for (i = 0; i < c->n; i++)
		conflict_print_value(stderr, c, i);
	return 0;
}

static void
resolve_usage(void)
{
	fprintf(stderr, "usage: casesync resolve --record ID --field NAME\n"
	    "    (--value N|VALUE | --author NAME | --mine | --theirs |"
	    " --new VALUE)\n");
}

/* Say why the core did not settle it (res, r). */
static void
resolve_errx(struct sqlite3 *db, const char *rid, const char *field,
    const struct conflict_result *res, const struct resolve_out *o, int r)
{
	switch (res->fault) {
	case CONFLICT_NO_RECORD:
		cli_errx("record %s: %s", rid, cs_err(r));
		break;
	case CONFLICT_NO_CHOICE:
		if (!o->shown)
			cli_errx("%s: %s", field, res->why);
		break;
	case CONFLICT_NONE:
	case CONFLICT_BAD_VALUE:
		cli_errx("%s: %s", field, res->why);
		break;
	case CONFLICT_NOT_RESOLVED:
		cli_errx("%s: %s", field, cs_err(r));
		break;
	case CONFLICT_NOT_WRITTEN:
		if (r == CS_ERR_AUTH)
			cli_readonly(db, res->case_id);
		break;
	case CONFLICT_OK:
		break;
	}
}

/* The options of resolve; 0, or -1 on a usage error. */
static int
resolve_args(int argc, char *argv[], const char **rid, const char **field,
    enum conflict_by *by, const char **arg)
{
	static const struct option	opts[] = {
		{ "record", required_argument, NULL, 'r' },
		{ "field", required_argument, NULL, 'f' },
		{ "value", required_argument, NULL, 'v' },
		{ "author", required_argument, NULL, 'a' },
		{ "mine", no_argument, NULL, 'm' },
		{ "theirs", no_argument, NULL, 't' },
		{ "new", required_argument, NULL, 'n' },
		{ NULL, 0, NULL, 0 }
	};
	int	ch, nchoice = 0;

	*rid = *field = *arg = NULL;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'r':
			*rid = optarg;
			break;
		case 'f':
			*field = optarg;
			break;
		case 'v':
		case 'a':
		case 'n':
			*by = ch == 'v' ? CONFLICT_BY_VALUE : ch == 'a' ?
			    CONFLICT_BY_AUTHOR : CONFLICT_BY_NEW;
			*arg = optarg;
			nchoice++;
			break;
		case 'm':
		case 't':
			*by = ch == 'm' ? CONFLICT_BY_MINE : CONFLICT_BY_THEIRS;
			nchoice++;
			break;
		default:
			return clihelp_opterr(argv);
		}
	}
	if (*rid == NULL || *field == NULL || nchoice != 1 || optind != argc)
		return -1;
	return 0;
}

int
cmd_resolve(struct cli *cli, int argc, char *argv[])
{
	struct conflict_result	 res;
	struct resolve_out	 o;
	struct vault		*v = NULL;
	struct sqlite3		*db;
	const char		*rid, *field, *arg;
	char			 rbuf[DB_UUID_LEN + 1];
	enum conflict_by	 by = CONFLICT_BY_VALUE;
	int			 r;

	if (resolve_args(argc, argv, &rid, &field, &by, &arg) != 0) {
		resolve_usage();
		return EXIT_USAGE;
	}
	if ((r = cli_resolve(cli, IDS_RECORD, "--record", &rid, rbuf)) != 0 ||
	    (r = conflict_open(cli, &v, &db)) != 0)
		return cli_exit(r);
	memset(&o, 0, sizeof(o));
	o.res = &res;
	r = conflict_resolve(db, rid, field, by, arg, resolve_refused, &o,
	    &res);
	if (r != 0) {
		resolve_errx(db, rid, field, &res, &o, r);
		goto out;
	}
	if (by == CONFLICT_BY_NEW)
		printf("resolved %s %s: a new value\n", rid, field);
	else
		printf("resolved %s %s: value %zu, by %s\n", rid, field,
		    res.pick + 1, res.author[0] != '\0' ? res.author :
		    "an unknown author");
 out:
	vault_close(v);
	return r == CS_ERR_AUTH ? EXIT_REFUSED : cli_exit(r);
}
