/* SPDX-License-Identifier: ISC */
/*
 * conflict.c - the conflicts of the records this laptop holds and
 * their settling (conflict.h).  The labels come from the marker, which
 * syncs, so every laptop and both faces show the same ones.
 */
#include <stdlib.h>
#include <string.h>

#include "body.h"
#include "conflict.h"
#include "db.h"
#include "errors.h"
#include "marker.h"
#include "merge.h"
#include "readlog.h"
#include "schema.h"
#include "util.h"

struct conflict_ctx {
	sqlite3			*db;
	const struct db_record	*rec;
	conflict_cb		 cb;
	void			*arg;
	char			 self[MARKER_NAME_MAX + 1];
	char			 case_id[DB_UUID_LEN + 1]; /* cached */
	char			 case_title[CONFLICT_TITLE_MAX + 1];
	int			 has_case_title;
	char			 rec_title[CONFLICT_TITLE_MAX * 2 + 3];
	int			 has_rec_title;
	const char		*part_field[CONFLICT_TITLE_PARTS];
	char			 part[CONFLICT_TITLE_PARTS][CONFLICT_TITLE_MAX + 2];
	size_t			 nparts;
};

void
conflict_cat(char *dst, size_t dstlen, const uint8_t *p, size_t len,
    size_t max)
{
	char	vis[4 * CONFLICT_SHOW_MAX + 4];
	size_t	n = utf8_cut((const char *)p, len, max), used = strlen(dst);
	size_t	room;
	int	cut;

	cut = n < len;
	if (!utf8_text_ok((const char *)p, n)) {
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
	cx->nparts = 0;
	for (i = 0; k != NULL && i < 3 && k->summary[i] != NULL &&
	    shown < CONFLICT_TITLE_PARTS; i++) {
		if ((f = body_get(b, k->summary[i])) == NULL)
			continue;
		if (shown > 0)
			conflict_cat(cx->rec_title, sizeof(cx->rec_title),
			    (const uint8_t *)", ", 2, 2);
		conflict_cat(cx->rec_title, sizeof(cx->rec_title), f->value,
		    f->len, CONFLICT_TITLE_MAX / 2);
		cx->part_field[shown] = k->summary[i];
		cx->part[shown][0] = '\0';
		conflict_cat(cx->part[shown], sizeof(cx->part[shown]),
		    f->value, f->len, CONFLICT_TITLE_MAX / 2);
		cx->nparts = ++shown;
		cx->has_rec_title = 1;
	}
	return 0;
}

/* The conflict as handed out, from the context and the marker. */
static void
conflict_fill(struct conflict *c, const struct conflict_ctx *cx,
    const char *name, const struct marker_value *v, size_t n, int legacy,
    const struct body_field *cur)
{
	const struct schema_kind	*k = schema_kind(cx->rec->kind);

	memset(c, 0, sizeof(*c));
	c->rec = cx->rec;
	c->case_title = cx->has_case_title ? cx->case_title : NULL;
	c->record_title = cx->has_rec_title ? cx->rec_title : NULL;
	for (c->n_title = 0; c->n_title < cx->nparts; c->n_title++) {
		c->title_field[c->n_title] = cx->part_field[c->n_title];
		c->title_value[c->n_title] = cx->part[c->n_title];
	}
	c->noun = k != NULL ? k->noun : cx->rec->kind;
	c->field = name;
	c->vals = v;
	c->n = n;
	c->legacy = legacy;
	c->cur = cur;
	c->self = cx->self;
}

int
conflict_is_current(const struct marker_value *v,
    const struct body_field *cur)
{
	if (cur == NULL)
		return !v->present;
	return v->present && v->len == cur->len &&
	    (v->len == 0 || memcmp(v->value, cur->value, v->len) == 0);
}

int
conflict_by_self(const struct marker_value *v, const char *self)
{
	return v->user_name[0] != '\0' && self[0] != '\0' &&
	    strcmp(v->user_name, self) == 0;
}

static int
conflict_field_cb(const char *name, const struct marker_value *v, size_t n,
    int legacy, const struct body_field *cur, void *arg)
{
	struct conflict_ctx	*cx = arg;
	struct conflict		 c;

	conflict_fill(&c, cx, name, v, n, legacy, cur);
	return cx->cb(&c, cx->arg);
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

/* A context for "db", with this laptop's user. */
static int
conflict_ctx_init(struct conflict_ctx *cx, sqlite3 *db)
{
	char	sid[MARKER_ID_MAX + 1];

	memset(cx, 0, sizeof(*cx));
	cx->db = db;
	return db_self_get(db, sid, cx->self);
}

int
conflict_list(sqlite3 *db, const char *case_id, conflict_cb cb, void *arg)
{
	struct conflict_ctx	cx;
	int			r;

	if ((r = conflict_ctx_init(&cx, db)) != 0 ||
	    (r = readlog_add(db, "list", case_id != NULL ? case_id : "")) !=
	    0)
		return r;
	cx.cb = cb;
	cx.arg = arg;
	return db_record_list(db, case_id, conflict_record_cb, &cx);
}

struct resolve_ctx {
	struct conflict_ctx	 cx;
	const char		*field;
	enum conflict_by	 by;
	const char		*arg;
	int			 found;	/* the field is marked */
	int			 ok;		/* one choice: res->pick */
	struct conflict_result	*res;
};

/* 1 if values "a" and "b" would write the same thing. */
static int
resolve_same(const struct marker_value *a, const struct marker_value *b)
{
	return a->present == b->present && a->len == b->len &&
	    (a->len == 0 || memcmp(a->value, b->value, a->len) == 0);
}

/* 1 if value "i" of "v" answers the choice in "rc". */
static int
resolve_match(const struct resolve_ctx *rc, const struct marker_value *v,
    size_t i)
{
	char	*end;
	size_t	 len;
	unsigned long long k;

	switch (rc->by) {
	case CONFLICT_BY_VALUE:
		len = strlen(rc->arg);
		if (v[i].present && v[i].len == len &&
		    (len == 0 || memcmp(v[i].value, rc->arg, len) == 0))
			return 1;
		if (rc->arg[0] < '1' || rc->arg[0] > '9')
			return 0;
		k = strtoull(rc->arg, &end, 10);
		return *end == '\0' && k == i + 1;
	case CONFLICT_BY_AUTHOR:
		return v[i].user_name[0] != '\0' &&
		    strcmp(v[i].user_name, rc->arg) == 0;
	case CONFLICT_BY_MINE:
		return conflict_by_self(&v[i], rc->cx.self);
	case CONFLICT_BY_THEIRS:
		return v[i].user_name[0] != '\0' &&
		    strcmp(v[i].user_name, rc->cx.self) != 0;
	case CONFLICT_BY_NEW:
		break;
	}
	return 0;
}

/* The one value the choice names, or why there is none. */
static const char *
resolve_pick(struct resolve_ctx *rc, const struct marker_value *v, size_t n,
    int legacy)
{
	size_t	i, nmatch = 0, first = 0;
	int	differ = 0;

	if (rc->by == CONFLICT_BY_MINE && rc->cx.self[0] == '\0')
		return "this laptop does not know its user yet (sync first)";
	if (legacy && rc->by != CONFLICT_BY_VALUE)
		return "this conflict was recorded by an older version and "
		    "names no authors: choose with --value N";
	for (i = 0; i < n; i++) {
		if (!resolve_match(rc, v, i))
			continue;
		if (nmatch++ == 0)
			first = i;
		else if (!resolve_same(&v[first], &v[i]))
			differ = 1;
	}
	if (nmatch == 0)
		return "no value matches that choice";
	if (differ)
		return "that choice matches more than one value";
	rc->ok = 1;
	rc->res->pick = first;
	memcpy(rc->res->author, v[first].user_name,
	    sizeof(rc->res->author));
	return NULL;
}

static int
resolve_field_cb(const char *name, const struct marker_value *v, size_t n,
    int legacy, const struct body_field *cur, void *arg)
{
	struct resolve_ctx	*rc = arg;
	struct conflict		 c;

	if (strcmp(name, rc->field) != 0)
		return 0;
	rc->found = 1;
	if (rc->by == CONFLICT_BY_NEW) {
		rc->ok = 1;
		return 1;
	}
	if ((rc->res->why = resolve_pick(rc, v, n, legacy)) == NULL)
		return 1;
	rc->res->fault = CONFLICT_NO_CHOICE;
	/* the values are case content: the read is logged first */
	if (rc->cx.cb != NULL &&
	    readlog_add(rc->cx.db, "show", rc->cx.rec->case_id) == 0) {
		conflict_fill(&c, &rc->cx, name, v, n, legacy, cur);
		(void)rc->cx.cb(&c, rc->cx.arg);
	}
	return 1;
}

/* The record's conflict settled in "b" as "rc" says. */
static int
resolve_body(struct resolve_ctx *rc, const struct db_record *rec,
    struct body *b)
{
	const struct schema_kind	*k = schema_kind(rec->kind);
	const struct schema_field	*f;
	struct conflict_result		*res = rc->res;
	int				 r;

	rc->cx.rec = rec;
	if ((r = merge_conflicts(b, resolve_field_cb, rc)) < 0)
		return r;
	if (!rc->found) {
		res->fault = CONFLICT_NONE;
		res->why = "no conflict on that field";
		return CS_ERR_NOT_FOUND;
	}
	if (!rc->ok)
		return CS_ERR_USAGE;
	/* a new value is checked like any written one */
	if (rc->by == CONFLICT_BY_NEW && k != NULL &&
	    (f = schema_field(k, rc->field)) != NULL &&
	    schema_check(f, rc->arg, &res->why) != 0) {
		res->fault = CONFLICT_BAD_VALUE;
		if (res->why == NULL)
			res->why = "invalid value";
		return CS_ERR_USAGE;
	}
	if ((r = merge_resolve(b, rc->field, rc->by == CONFLICT_BY_NEW ?
	    MERGE_VALUE : MERGE_PICK, res->pick, (const uint8_t *)rc->arg,
	    rc->by == CONFLICT_BY_NEW ? strlen(rc->arg) : 0)) != 0)
		res->fault = CONFLICT_NOT_RESOLVED;
	return r;
}

int
conflict_resolve(sqlite3 *db, const char *record_id, const char *field,
    enum conflict_by by, const char *arg, conflict_cb refused,
    void *refused_arg, struct conflict_result *res)
{
	struct resolve_ctx	 rc;
	struct db_record	 rec;
	struct body		 b;
	int			 r;

	memset(res, 0, sizeof(*res));
	memset(&rec, 0, sizeof(rec));
	body_init(&b);
	if ((r = conflict_ctx_init(&rc.cx, db)) != 0)
		return r;
	rc.cx.cb = refused;
	rc.cx.arg = refused_arg;
	rc.field = field;
	rc.by = by;
	rc.arg = arg != NULL ? arg : "";
	rc.found = rc.ok = 0;
	rc.res = res;
	if ((r = db_record_get(db, record_id, &rec)) != 0 ||
	    (r = body_decode(rec.body, rec.body_len, &b)) != 0) {
		res->fault = CONFLICT_NO_RECORD;
		goto out;
	}
	memcpy(res->case_id, rec.case_id, sizeof(res->case_id));
	if ((r = resolve_body(&rc, &rec, &b)) != 0)
		goto out;
	db_record_clear(&rec);
	if ((r = body_encode(&b, &rec.body, &rec.body_len)) != 0 ||
	    (r = db_local_write(db, &rec)) != 0)
		res->fault = CONFLICT_NOT_WRITTEN;
 out:
	db_record_clear(&rec);
	body_free(&b);
	return r;
}
