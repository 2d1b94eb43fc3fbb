/* SPDX-License-Identifier: ISC */
/*
 * cmd_conflict.c - casesync conflicts and casesync resolve: the fields
 * that were changed differently on two laptops, each value with who
 * wrote it and when (merge.h, marker.h), named by case, record and
 * field; and settling one by value or by author.  The labels come from
 * the marker, which syncs, so every laptop shows the same ones.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "body.h"
#include "client.h"
#include "clihelp.h"
#include "db.h"
#include "errors.h"
#include "marker.h"
#include "merge.h"
#include "readlog.h"
#include "schema.h"
#include "util.h"
#include "vault.h"

#define CONFLICT_TITLE_MAX	80	/* bytes of a case, record title */
#define CONFLICT_SHOW_MAX	200	/* bytes of a value shown */

struct conflict_ctx {
	struct cli		*cli;
	sqlite3			*db;
	const struct db_record	*rec;
	char			 self[MARKER_NAME_MAX + 1];
	char			 case_id[DB_UUID_LEN + 1]; /* cached */
	char			 case_title[CONFLICT_TITLE_MAX + 1];
	int			 has_case_title;
	char			 rec_title[CONFLICT_TITLE_MAX * 2 + 3];
	int			 has_rec_title;
	size_t			 n;
};

static int
conflict_open(struct cli *cli, struct vault **v, sqlite3 **db)
{
	int	r;

	*db = NULL;
	if ((r = cli_vault_open(cli, 0, v)) != 0)
		return r;
	*db = vault_db(*v);
	if ((r = db_init(*db)) != 0 || (r = readlog_init(*db)) != 0) {
		cli_errx("cannot prepare the local database: %s", cs_err(r));
		vault_close(*v);
		*v = NULL;
		*db = NULL;
	}
	return r;
}

/* 1 if "len" bytes at "p" are UTF-8 text fit to print as they are. */
static int
conflict_plain(const uint8_t *p, size_t len)
{
	return utf8_text_ok((const char *)p, len);
}

/*
 * Append at most "max" bytes of "p" to "dst" (size "dstlen", holding a
 * string), cut on a character boundary, "..." if cut; text that is not
 * plain UTF-8 is escaped (str_vis).  Other laptops wrote these bytes.
 */
static void
conflict_cat(char *dst, size_t dstlen, const uint8_t *p, size_t len,
    size_t max)
{
	char	vis[4 * CONFLICT_SHOW_MAX + 4];
	size_t	n = utf8_cut((const char *)p, len, max), used = strlen(dst);
	size_t	room;
	int	cut;

	cut = n < len;
	if (!conflict_plain(p, n)) {
		(void)str_vis(vis, sizeof(vis), (const char *)p,
		    n > CONFLICT_SHOW_MAX ? CONFLICT_SHOW_MAX : n);
		p = (const uint8_t *)vis;
		len = strlen(vis);
		n = len;
	}
	if (used >= dstlen - 1)
		return;
	room = dstlen - used - 1;
	if (n > room) {
		n = utf8_cut((const char *)p, n, room > 3 ? room - 3 : 0);
		cut = 1;
	}
	memcpy(dst + used, p, n);
	dst[used + n] = '\0';
	if (cut && room - n >= 3)
		memcpy(dst + used + n, "...", 4);
}

/* The case file's title: from the record of kind "casefile". */
static int
conflict_case_cb(const struct db_record *r, void *arg)
{
	struct conflict_ctx		*cx = arg;
	const struct body_field		*f;
	struct body			 b;

	if (strcmp(r->kind, "casefile") != 0 || cx->has_case_title)
		return 0;
	body_init(&b);
	if (body_decode(r->body, r->body_len, &b) == 0 &&
	    (f = body_get(&b, "title")) != NULL) {
		cx->case_title[0] = '\0';
		conflict_cat(cx->case_title, sizeof(cx->case_title), f->value,
		    f->len, CONFLICT_TITLE_MAX - 3);
		cx->has_case_title = 1;
	}
	body_free(&b);
	return 0;
}

/* Name the case and the record of cx->rec (body "b"). */
static int
conflict_names(struct conflict_ctx *cx, const struct body *b)
{
	const struct schema_kind	*k = schema_kind(cx->rec->kind);
	const struct body_field		*f;
	size_t				 i, shown = 0;
	int				 r;

	if (strcmp(cx->case_id, cx->rec->case_id) != 0) {
		memcpy(cx->case_id, cx->rec->case_id, sizeof(cx->case_id));
		cx->has_case_title = 0;
		if ((r = db_record_list(cx->db, cx->case_id, conflict_case_cb,
		    cx)) != 0)
			return r;
	}
	cx->rec_title[0] = '\0';
	cx->has_rec_title = 0;
	for (i = 0; k != NULL && i < 3 && k->summary[i] != NULL &&
	    shown < 2; i++) {
		if ((f = body_get(b, k->summary[i])) == NULL)
			continue;
		if (shown++ > 0)
			conflict_cat(cx->rec_title, sizeof(cx->rec_title),
			    (const uint8_t *)", ", 2, 2);
		conflict_cat(cx->rec_title, sizeof(cx->rec_title), f->value,
		    f->len, CONFLICT_TITLE_MAX / 2);
		cx->has_rec_title = 1;
	}
	return 0;
}

/* "hlc" as local time: "dd-mm-yyyy HH:MM", or ISO 8601 with offset. */
static void
conflict_time(char *dst, size_t dstlen, uint64_t hlc, int iso)
{
	struct tm	tm;
	time_t		t = (time_t)((hlc >> 16) / 1000);
	char		z[8];
	size_t		n;

	if (hlc == 0 || localtime_r(&t, &tm) == NULL) {
		(void)str_fmt(dst, dstlen, "%s", iso ? "" : "time unknown");
		return;
	}
	if (!iso) {
		if (strftime(dst, dstlen, "%d-%m-%Y %H:%M", &tm) == 0)
			dst[0] = '\0';
		return;
	}
	/* strftime's %z is +hhmm; ISO 8601 extended wants +hh:mm */
	if ((n = strftime(dst, dstlen, "%Y-%m-%dT%H:%M:%S", &tm)) == 0 ||
	    strftime(z, sizeof(z), "%z", &tm) != 5) {
		dst[0] = '\0';
		return;
	}
	(void)str_fmt(dst + n, dstlen - n, "%.3s:%.2s", z, z + 3);
}

static const char *
conflict_kind_noun(const char *kind)
{
	const struct schema_kind	*k = schema_kind(kind);

	return k != NULL ? k->noun : kind;
}

/* 1 if values "a" and "b" would write the same thing. */
static int
conflict_same(const struct marker_value *a, const struct marker_value *b)
{
	return a->present == b->present && a->len == b->len &&
	    (a->len == 0 || memcmp(a->value, b->value, a->len) == 0);
}

static int
conflict_is_current(const struct marker_value *v,
    const struct body_field *cur)
{
	if (cur == NULL)
		return !v->present;
	return v->present && v->len == cur->len &&
	    (v->len == 0 || memcmp(v->value, cur->value, v->len) == 0);
}

static void
conflict_json_value(const struct conflict_ctx *cx,
    const struct marker_value *v, size_t i, const struct body_field *cur)
{
	char	t[64];

	conflict_time(t, sizeof(t), v->hlc, 1);
	printf("%s{\"n\":%zu,\"author\":", i > 0 ? "," : "", i + 1);
	if (v->user_name[0] != '\0')
		cli_json_str(stdout, v->user_name);
	else
		fputs("null", stdout);
	printf(",\"author_id\":");
	if (v->user_id[0] != '\0')
		cli_json_str(stdout, v->user_id);
	else
		fputs("null", stdout);
	printf(",\"by_me\":%s,\"time\":", v->user_name[0] != '\0' &&
	    strcmp(v->user_name, cx->self) == 0 ? "true" : "false");
	if (t[0] != '\0')
		cli_json_str(stdout, t);
	else
		fputs("null", stdout);
	printf(",\"hlc\":%llu,\"removed\":%s,\"value\":",
	    (unsigned long long)v->hlc, v->present ? "false" : "true");
	if (v->present)
		cli_json_bytes(stdout, v->value != NULL ? v->value :
		    (const uint8_t *)"", v->len);
	else
		fputs("null", stdout);
	printf(",\"current\":%s}", conflict_is_current(v, cur) ? "true" :
	    "false");
}

/* One value for people: "[n] value   author, time (current)". */
static void
conflict_print_value(FILE *f, const struct conflict_ctx *cx,
    const struct marker_value *v, size_t i, const struct body_field *cur)
{
	char	show[4 * CONFLICT_SHOW_MAX + 8], t[64];

	show[0] = '\0';
	if (v->present)
		conflict_cat(show, sizeof(show), v->value != NULL ? v->value :
		    (const uint8_t *)"", v->len, CONFLICT_SHOW_MAX);
	conflict_time(t, sizeof(t), v->hlc, 0);
	fprintf(f, "  [%zu] %s%s%s\n      by %s%s, %s%s\n", i + 1,
	    v->present ? "\"" : "(removed)", show, v->present ? "\"" : "",
	    v->user_name[0] != '\0' ? v->user_name : "an unknown author",
	    v->user_name[0] != '\0' && strcmp(v->user_name, cx->self) == 0 ?
	    " (you)" : "", t, conflict_is_current(v, cur) ?
	    "  [current value]" : "");
}

static int
conflict_field_cb(const char *name, const struct marker_value *v, size_t n,
    int legacy, const struct body_field *cur, void *arg)
{
	struct conflict_ctx	*cx = arg;
	char			 show[4 * CONFLICT_SHOW_MAX + 8];
	size_t			 i;
	int			 listed = 0;

	for (i = 0; i < n; i++)
		listed |= conflict_is_current(&v[i], cur);
	if (cx->cli->json) {
		printf("%s{\"case_id\":\"%s\",\"case_title\":", cx->n > 0 ?
		    "," : "", cx->rec->case_id);
		if (cx->has_case_title)
			cli_json_str(stdout, cx->case_title);
		else
			fputs("null", stdout);
		printf(",\"record_id\":\"%s\",\"kind\":", cx->rec->record_id);
		cli_json_str(stdout, cx->rec->kind);
		printf(",\"record_title\":");
		if (cx->has_rec_title)
			cli_json_str(stdout, cx->rec_title);
		else
			fputs("null", stdout);
		printf(",\"field\":");
		cli_json_str(stdout, name);
		printf(",\"authors_known\":%s,\"current\":", legacy ? "false" :
		    "true");
		if (cur != NULL)
			cli_json_bytes(stdout, cur->value, cur->len);
		else
			fputs("null", stdout);
		printf(",\"values\":[");
		for (i = 0; i < n; i++)
			conflict_json_value(cx, &v[i], i, cur);
		printf("]}");
		cx->n++;
		return 0;
	}
	printf("%scase \"%s\" / %s \"%s\" / field %s\n", cx->n > 0 ? "\n" :
	    "", cx->has_case_title ? cx->case_title : "(no title)",
	    conflict_kind_noun(cx->rec->kind), cx->has_rec_title ?
	    cx->rec_title : "(no name)", name);
	printf("  record %s, case %s\n", cx->rec->record_id,
	    cx->rec->case_id);
	if (legacy)
		printf("  (recorded by an older version: authors unknown)\n");
	for (i = 0; i < n; i++)
		conflict_print_value(stdout, cx, &v[i], i, cur);
	if (!listed) {
		show[0] = '\0';
		if (cur != NULL)
			conflict_cat(show, sizeof(show), cur->value, cur->len,
			    CONFLICT_SHOW_MAX);
		printf("  current value (changed since): %s%s%s\n",
		    cur != NULL ? "\"" : "(removed)", show,
		    cur != NULL ? "\"" : "");
	}
	cx->n++;
	return 0;
}

static int
conflict_record_cb(const struct db_record *r, void *arg)
{
	struct conflict_ctx	*cx = arg;
	struct body		 b;
	size_t			 i;
	int			 ret = 0;

	body_init(&b);
	if (body_decode(r->body, r->body_len, &b) != 0)
		return 0;	/* not ours to judge here */
	for (i = 0; i < b.n && !body_name_is_marker(b.f[i].name); i++)
		;
	if (i < b.n) {
		cx->rec = r;
		if ((ret = conflict_names(cx, &b)) == 0)
			ret = merge_conflicts(&b, conflict_field_cb, cx);
	}
	body_free(&b);
	return ret;
}

int
cmd_conflicts(struct cli *cli, int argc, char *argv[])
{
	struct conflict_ctx	 cx;
	struct vault		*v = NULL;
	sqlite3			*db;
	char			 sid[MARKER_ID_MAX + 1];
	int			 r;

	(void)argv;
	if (argc != 1) {
		fprintf(stderr, "usage: casesync conflicts\n");
		return EXIT_USAGE;
	}
	if ((r = conflict_open(cli, &v, &db)) != 0)
		return cli_exit(r);
	memset(&cx, 0, sizeof(cx));
	cx.cli = cli;
	cx.db = db;
	if ((r = db_self_get(db, sid, cx.self)) != 0 ||
	    (r = readlog_add(db, "list", "")) != 0) {
		cli_errx("cannot log the read: %s", cs_err(r));
		vault_close(v);
		return cli_exit(r);
	}
	if (cli->json)
		putchar('[');
	r = db_record_list(db, NULL, conflict_record_cb, &cx);
	if (cli->json)
		printf("]\n");
	else if (r == 0 && cx.n == 0)
		printf("no conflicts\n");
	vault_close(v);
	return cli_exit(r);
}

enum resolve_by {
	RESOLVE_VALUE,		/* --value N or a listed value */
	RESOLVE_AUTHOR,		/* --author NAME */
	RESOLVE_MINE,		/* --mine: written by this laptop's user */
	RESOLVE_THEIRS,		/* --theirs: by another (known) user */
	RESOLVE_NEW		/* --new VALUE: none of them */
};

struct resolve_ctx {
	struct conflict_ctx	 cx;
	const char		*field;
	enum resolve_by		 by;
	const char		*arg;
	int			 found;	/* the field is marked */
	int			 ok;		/* one choice: "pick" */
	size_t			 pick;
	char			 author[MARKER_NAME_MAX + 1]; /* its */
	const char		*why;		/* no choice: why not */
};

/* 1 if value "i" of "v" answers the choice in "rc". */
static int
resolve_match(const struct resolve_ctx *rc, const struct marker_value *v,
    size_t i)
{
	char	*end;
	size_t	 len;
	unsigned long long k;

	switch (rc->by) {
	case RESOLVE_VALUE:
		len = strlen(rc->arg);
		if (v[i].present && v[i].len == len &&
		    (len == 0 || memcmp(v[i].value, rc->arg, len) == 0))
			return 1;
		if (rc->arg[0] < '1' || rc->arg[0] > '9')
			return 0;
		k = strtoull(rc->arg, &end, 10);
		return *end == '\0' && k == i + 1;
	case RESOLVE_AUTHOR:
		return v[i].user_name[0] != '\0' &&
		    strcmp(v[i].user_name, rc->arg) == 0;
	case RESOLVE_MINE:
		return v[i].user_name[0] != '\0' &&
		    strcmp(v[i].user_name, rc->cx.self) == 0;
	case RESOLVE_THEIRS:
		return v[i].user_name[0] != '\0' &&
		    strcmp(v[i].user_name, rc->cx.self) != 0;
	case RESOLVE_NEW:
		break;
	}
	return 0;
}

static int
resolve_field_cb(const char *name, const struct marker_value *v, size_t n,
    int legacy, const struct body_field *cur, void *arg)
{
	struct resolve_ctx	*rc = arg;
	size_t			 i, nmatch = 0, first = 0;
	int			 differ = 0;

	if (strcmp(name, rc->field) != 0)
		return 0;
	rc->found = 1;
	if (rc->by == RESOLVE_NEW) {
		rc->ok = 1;
		return 1;
	}
	if (rc->by == RESOLVE_MINE && rc->cx.self[0] == '\0') {
		rc->why = "this laptop does not know its user yet (sync first)";
		goto refuse;
	}
	if (legacy && rc->by != RESOLVE_VALUE) {
		rc->why = "this conflict was recorded by an older version "
		    "and names no authors: choose with --value N";
		goto refuse;
	}
	for (i = 0; i < n; i++) {
		if (!resolve_match(rc, v, i))
			continue;
		if (nmatch++ == 0)
			first = i;
		else if (!conflict_same(&v[first], &v[i]))
			differ = 1;
	}
	if (nmatch > 0 && !differ) {
		rc->ok = 1;
		rc->pick = first;
		memcpy(rc->author, v[first].user_name, sizeof(rc->author));
		return 1;
	}
	rc->why = nmatch == 0 ? "no value matches that choice" :
	    "that choice matches more than one value";
 refuse:
	/* the list shows case content: the read is logged first */
	if (readlog_add(rc->cx.db, "show", rc->cx.rec->case_id) != 0) {
		cli_errx("%s: %s", name, rc->why);
		return 1;
	}
	cli_errx("%s: %s; the values are:", name, rc->why);
	for (i = 0; i < n; i++)
		conflict_print_value(stderr, &rc->cx, &v[i], i, cur);
	return 1;
}

static void
resolve_usage(void)
{
	fprintf(stderr, "usage: casesync resolve --record ID --field NAME\n"
	    "    (--value N|VALUE | --author NAME | --mine | --theirs |"
	    " --new VALUE)\n");
}

/* Check a new value against the schema of the record's kind. */
static int
resolve_check_new(const char *kind, const char *field, const char *value)
{
	const struct schema_kind	*k = schema_kind(kind);
	const struct schema_field	*f;
	const char			*why = NULL;

	if (k == NULL || (f = schema_field(k, field)) == NULL)
		return 0;
	if (schema_check(f, value, &why) != 0) {
		cli_errx("%s: %s", field, why != NULL ? why : "invalid value");
		return CS_ERR_USAGE;
	}
	return 0;
}

int
cmd_resolve(struct cli *cli, int argc, char *argv[])
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
	struct resolve_ctx	 rc;
	struct db_record	 rec;
	struct body		 b;
	struct vault		*v = NULL;
	sqlite3			*db;
	char			 sid[MARKER_ID_MAX + 1];
	const char		*rid = NULL;
	int			 ch, r, nchoice = 0;

	memset(&rec, 0, sizeof(rec));
	memset(&rc, 0, sizeof(rc));
	body_init(&b);
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 'r':
			rid = optarg;
			break;
		case 'f':
			rc.field = optarg;
			break;
		case 'v':
		case 'a':
		case 'n':
			rc.by = ch == 'v' ? RESOLVE_VALUE : ch == 'a' ?
			    RESOLVE_AUTHOR : RESOLVE_NEW;
			rc.arg = optarg;
			nchoice++;
			break;
		case 'm':
		case 't':
			rc.by = ch == 'm' ? RESOLVE_MINE : RESOLVE_THEIRS;
			nchoice++;
			break;
		default:
			return clihelp_opterr(argv);
		}
	}
	if (rid == NULL || rc.field == NULL || nchoice != 1 || optind != argc) {
		resolve_usage();
		return EXIT_USAGE;
	}
	if ((r = conflict_open(cli, &v, &db)) != 0)
		return cli_exit(r);
	rc.cx.cli = cli;
	rc.cx.db = db;
	if ((r = db_self_get(db, sid, rc.cx.self)) != 0)
		goto out;
	if ((r = db_record_get(db, rid, &rec)) != 0 ||
	    (r = body_decode(rec.body, rec.body_len, &b)) != 0) {
		cli_errx("record %s: %s", rid, cs_err(r));
		goto out;
	}
	rc.cx.rec = &rec;
	if ((r = merge_conflicts(&b, resolve_field_cb, &rc)) < 0)
		goto out;
	if (!rc.found) {
		cli_errx("%s: no conflict on that field", rc.field);
		r = CS_ERR_NOT_FOUND;
		goto out;
	}
	if (!rc.ok) {
		r = CS_ERR_USAGE;
		goto out;
	}
	if (rc.by == RESOLVE_NEW &&
	    (r = resolve_check_new(rec.kind, rc.field, rc.arg)) != 0)
		goto out;
	if ((r = merge_resolve(&b, rc.field, rc.by == RESOLVE_NEW ?
	    MERGE_VALUE : MERGE_PICK, rc.pick, (const uint8_t *)rc.arg,
	    rc.by == RESOLVE_NEW ? strlen(rc.arg) : 0)) != 0) {
		cli_errx("%s: %s", rc.field, cs_err(r));
		goto out;
	}
	db_record_clear(&rec);
	if ((r = body_encode(&b, &rec.body, &rec.body_len)) != 0 ||
	    (r = db_local_write(db, &rec)) != 0) {
		if (r == CS_ERR_AUTH)
			cli_readonly(db, rec.case_id);
		goto out;
	}
	if (rc.by == RESOLVE_NEW)
		printf("resolved %s %s: a new value\n", rid, rc.field);
	else
		printf("resolved %s %s: value %zu, by %s\n", rid, rc.field,
		    rc.pick + 1, rc.author[0] != '\0' ? rc.author :
		    "an unknown author");
 out:
	db_record_clear(&rec);
	body_free(&b);
	vault_close(v);
	return r == CS_ERR_AUTH ? EXIT_REFUSED : cli_exit(r);
}
