/* SPDX-License-Identifier: ISC */
/*
 * ui_data.c - see ui_data.h.
 */
#include <stdlib.h>
#include <string.h>

#include "body.h"
#include "case_meta.h"
#include "db.h"
#include "errors.h"
#include "html.h"
#include "lifecycle.h"
#include "nolost.h"
#include "readlog.h"
#include "schema.h"
#include "ui.h"
#include "ui_data.h"
#include "ui_util.h"
#include "util.h"
#include "wire.h"

#define UI_ROWS_MAX	100000	/* cases on one laptop, at most */
#define UI_RECS_MAX	1000000	/* records of one case, at most */

/* Copy a body value into buf as text ("" if it is not text). */
static const char *
val_str(const struct body_field *f, char *buf, size_t len)
{
	size_t	n;

	buf[0] = '\0';
	if (f == NULL || len == 0)
		return buf;
	n = f->len < len - 1 ? f->len : utf8_cut((const char *)f->value,
	    f->len, len - 1);
	if (memchr(f->value, '\0', n) != NULL ||
	    !utf8_valid((const char *)f->value, n))
		return buf;
	memcpy(buf, f->value, n);
	buf[n] = '\0';
	return buf;
}

const char *
ui_rec_str(const struct ui_rec *r, const char *name, char *buf, size_t len)
{
	return val_str(body_get(&r->b, name), buf, len);
}

int
ui_rec_is(const struct ui_rec *r, const char *name, const char *value)
{
	const struct body_field	*f = body_get(&r->b, name);

	return f != NULL && f->len == strlen(value) &&
	    memcmp(f->value, value, f->len) == 0;
}

static void
row_add_due(struct ui_caserow *row, int64_t due, int64_t today,
    const char *what)
{
	size_t	i;

	if (due == LC_NODATE)
		return;
	/* soonest first; a full list keeps the soonest */
	for (i = row->ndue; i > 0 && row->due[i - 1].due > due; i--)
		if (i < UI_DUE_MAX)
			row->due[i] = row->due[i - 1];
	if (i >= UI_DUE_MAX)
		return;
	row->due[i].due = due;
	row->due[i].days_left = due - today;
	row->due[i].what = what;
	if (row->ndue < UI_DUE_MAX)
		row->ndue++;
}

static void
row_meta(struct ui_caserow *row, const struct case_meta *m, int64_t today)
{
	struct lc_deadline	dl[LC_DEADLINES_MAX];
	size_t			i, n;

	row->frame = lc_frame_name(m->lc.frame);
	row->state = lc_state_name(m->lc.state);
	if (row->frame == NULL)
		row->frame = "";
	if (row->state == NULL)
		row->state = "";
	row->state_since = m->lc.state_since;
	row->end_date = m->lc.end_date;
	row->extended = m->lc.extended;
	lc_deadlines(&m->lc, today, dl, LC_DEADLINES_MAX, &n);
	for (i = 0; i < n; i++)
		row_add_due(row, dl[i].due, today, lc_deadline_name(dl[i].kind));
}

static void
row_init(struct ui_caserow *row, const char *case_id)
{
	memset(row, 0, sizeof(*row));
	memcpy(row->case_id, case_id, DB_UUID_LEN + 1);
	row->frame = row->state = "";
	row->state_since = row->end_date = LC_NODATE;
}

/* What a record adds to its case's row: title, children, deadlines. */
static void
row_record(struct ui_caserow *row, const char *kind, const struct body *b,
    int64_t today, int64_t *last_assess)
{
	const struct body_field	*f;
	char			 v[UI_TEXT_MAX], st[16];
	int64_t			 d, nd;
	size_t			 n;

	if (strcmp(kind, "casefile") == 0) {
		val_str(body_get(b, "title"), row->title, sizeof(row->title));
	} else if (strcmp(kind, "person") == 0) {
		f = body_get(b, "role");
		if (f == NULL || f->len != 5 || memcmp(f->value, "child", 5))
			return;
		if (*val_str(body_get(b, "name"), v, sizeof(v)) == '\0')
			return;
		n = strlen(row->children);
		if (n > 0 && n + 2 < sizeof(row->children)) {
			memcpy(row->children + n, ", ", 3);
			n += 2;
		}
		if (n + strlen(v) < sizeof(row->children))
			memcpy(row->children + n, v, strlen(v) + 1);
	} else if (strcmp(kind, "goal") == 0) {
		val_str(body_get(b, "status"), st, sizeof(st));
		if (st[0] != '\0' && strcmp(st, "open") != 0)
			return;
		if (lc_date_parse(val_str(body_get(b, "due"), v, sizeof(v)),
		    &d) == 0)
			row_add_due(row, d, today, "goal_due");
	} else if (strcmp(kind, "assessment") == 0) {
		/* the newest assessment says when the next one is due */
		if (lc_date_parse(val_str(body_get(b, "date"), v, sizeof(v)),
		    &d) != 0 || d < *last_assess ||
		    lc_date_parse(val_str(body_get(b, "next_due"), v,
		    sizeof(v)), &nd) != 0)
			return;
		for (n = 0; n < row->ndue; n++) {
			if (strcmp(row->due[n].what, "assessment_due") != 0)
				continue;
			memmove(&row->due[n], &row->due[n + 1],
			    (row->ndue - n - 1) * sizeof(row->due[0]));
			row->ndue--;
			break;
		}
		*last_assess = d;
		row_add_due(row, nd, today, "assessment_due");
	}
}

static void
row_fold(struct ui_caserow *row)
{
	char	all[3 * UI_TEXT_MAX + 3];
	int	n;

	n = snprintf(all, sizeof(all), "%s\n%s\n%s", row->title,
	    row->regisseur, row->children);
	if (n < 0)
		n = 0;
	ui_fold(all, strlen(all), row->fold, sizeof(row->fold));
}

/* ---- the caseload ---- */

struct load {
	struct ui_caserow	*rows;
	size_t			 n, cap;
	size_t			 last;		/* the row found last */
	int64_t			 today;
	int64_t			*last_assess;	/* by row */
	int			 err;
};

static struct ui_caserow *
load_row(struct load *l, const char *case_id)
{
	struct ui_caserow	*nr;
	int64_t			*na;
	size_t			 i, ncap;

	if (l->n > 0 && strcmp(l->rows[l->last].case_id, case_id) == 0)
		return &l->rows[l->last];
	for (i = 0; i < l->n; i++)
		if (strcmp(l->rows[i].case_id, case_id) == 0) {
			l->last = i;
			return &l->rows[i];
		}
	if (l->n == l->cap) {
		if (l->cap >= UI_ROWS_MAX) {
			l->err = CS_ERR_LIMIT;
			return NULL;
		}
		ncap = l->cap == 0 ? 64 : l->cap * 2;
		if ((nr = reallocarray(l->rows, ncap, sizeof(*nr))) == NULL) {
			l->err = CS_ERR_ALLOC;
			return NULL;
		}
		l->rows = nr;
		if ((na = reallocarray(l->last_assess, ncap,
		    sizeof(*na))) == NULL) {
			l->err = CS_ERR_ALLOC;
			return NULL;
		}
		l->last_assess = na;
		l->cap = ncap;
	}
	row_init(&l->rows[l->n], case_id);
	l->last_assess[l->n] = LC_NODATE;
	l->last = l->n;
	return &l->rows[l->n++];
}

static int
load_meta_cb(const struct case_meta *m, void *arg)
{
	struct load		*l = arg;
	struct ui_caserow	*row;

	if ((row = load_row(l, m->case_id)) == NULL)
		return l->err;
	row_meta(row, m, l->today);
	return 0;
}

static int
load_rec_cb(const struct db_record *r, void *arg)
{
	struct load		*l = arg;
	struct ui_caserow	*row;
	struct body		 b;

	if (r->deleted || (strcmp(r->kind, "casefile") != 0 &&
	    strcmp(r->kind, "person") != 0 && strcmp(r->kind, "goal") != 0 &&
	    strcmp(r->kind, "assessment") != 0))
		return 0;
	if ((row = load_row(l, r->case_id)) == NULL)
		return l->err;
	body_init(&b);
	if (body_decode(r->body, r->body_len, &b) == 0)
		row_record(row, r->kind, &b, l->today,
		    &l->last_assess[row - l->rows]);
	body_free(&b);
	return 0;
}

static int
row_cmp(const void *a, const void *b)
{
	const struct ui_caserow	*x = a, *y = b;
	int			 c;

	if (x->ndue > 0 && y->ndue > 0 && x->due[0].due != y->due[0].due)
		return x->due[0].due < y->due[0].due ? -1 : 1;
	if ((x->ndue > 0) != (y->ndue > 0))
		return x->ndue > 0 ? -1 : 1;
	if ((c = strcmp(x->fold, y->fold)) != 0)
		return c;
	return strcmp(x->case_id, y->case_id);
}

int
ui_caseload_read(struct ui_ctx *ctx, struct ui_caserow **rows, size_t *n)
{
	struct load	l;
	size_t		i;
	int		r;

	*rows = NULL;
	*n = 0;
	memset(&l, 0, sizeof(l));
	l.today = ui_today();
	if ((r = readlog_add(ctx->db, "list", "")) != 0)
		return r;
	if ((r = case_meta_list(ctx->db, load_meta_cb, &l)) != 0 ||
	    (r = db_record_list(ctx->db, NULL, load_rec_cb, &l)) != 0)
		goto fail;
	for (i = 0; i < l.n; i++)
		row_fold(&l.rows[i]);
	if (l.n > 0)
		qsort(l.rows, l.n, sizeof(l.rows[0]), row_cmp);
	free(l.last_assess);
	*rows = l.rows;
	*n = l.n;
	return 0;
 fail:
	free(l.rows);
	free(l.last_assess);
	return r;
}

/* ---- one case ---- */

struct one {
	struct ui_case	*c;
	int64_t		 today, last_assess;
	int		 err;
};

static int
one_rec_cb(const struct db_record *r, void *arg)
{
	struct one	*o = arg;
	struct ui_case	*c = o->c;
	struct ui_rec	*nr, *x;
	size_t		 ncap, i;

	if (r->deleted)
		return 0;
	if (c->n == c->cap) {
		if (c->cap >= UI_RECS_MAX)
			return CS_ERR_LIMIT;
		ncap = c->cap == 0 ? 32 : c->cap * 2;
		if ((nr = reallocarray(c->r, ncap, sizeof(*nr))) == NULL)
			return CS_ERR_ALLOC;
		c->r = nr;
		c->cap = ncap;
	}
	x = &c->r[c->n];
	memset(x, 0, sizeof(*x));
	body_init(&x->b);
	if (body_decode(r->body, r->body_len, &x->b) != 0) {
		body_free(&x->b);
		return 0;
	}
	memcpy(x->id, r->record_id, sizeof(x->id));
	memcpy(x->kind, r->kind, sizeof(x->kind));
	/* the hybrid clock of the last write: milliseconds << 16 */
	x->at = (int64_t)((r->hlc >> 16) / 1000);
	for (i = 0; i < x->b.n; i++)
		x->conflicts += body_name_is_marker(x->b.f[i].name) != 0;
	row_record(&c->row, r->kind, &x->b, o->today, &o->last_assess);
	c->n++;
	return 0;
}

int
ui_case_read(struct ui_ctx *ctx, const char *case_id, const char *action,
    struct ui_case *c)
{
	struct case_meta	m;
	struct one		o;
	int			r, has_meta;

	memset(c, 0, sizeof(*c));
	if (!wire_uuid_ok(case_id))
		return CS_ERR_NOT_FOUND;
	row_init(&c->row, case_id);
	memset(&o, 0, sizeof(o));
	o.c = c;
	o.today = ui_today();
	o.last_assess = LC_NODATE;
	if ((r = case_meta_get(ctx->db, case_id, &m)) == 0) {
		has_meta = 1;
		row_meta(&c->row, &m, o.today);
	} else if (r == CS_ERR_NOT_FOUND)
		has_meta = 0;
	else
		return r;
	/* the read is logged before anything is shown */
	if ((r = readlog_add(ctx->db, action, case_id)) != 0)
		return r;
	if ((r = db_record_list(ctx->db, case_id, one_rec_cb, &o)) != 0) {
		ui_case_free(c);
		return r;
	}
	if (!has_meta && c->n == 0)
		return CS_ERR_NOT_FOUND;
	row_fold(&c->row);
	return 0;
}

void
ui_case_free(struct ui_case *c)
{
	size_t	i;

	for (i = 0; i < c->n; i++)
		body_free(&c->r[i].b);
	free(c->r);
	c->r = NULL;
	c->n = c->cap = 0;
}

const struct ui_rec *
ui_case_rec(const struct ui_case *c, const char *id)
{
	size_t	i;

	for (i = 0; i < c->n; i++)
		if (strcmp(c->r[i].id, id) == 0)
			return &c->r[i];
	return NULL;
}

/* ---- ids ---- */

int
ui_case_id(struct ui_ctx *ctx, const char *arg, char out[DB_UUID_LEN + 1])
{
	(void)ctx;
	if (arg == NULL || !wire_uuid_ok(arg))
		return CS_ERR_NOT_FOUND;
	memcpy(out, arg, DB_UUID_LEN + 1);
	return 0;
}

int
ui_rec_id(struct ui_ctx *ctx, const char *arg, char out[DB_UUID_LEN + 1])
{
	(void)ctx;
	if (arg == NULL || !wire_uuid_ok(arg))
		return CS_ERR_NOT_FOUND;
	memcpy(out, arg, DB_UUID_LEN + 1);
	return 0;
}

void
ui_idarg(struct ui_ctx *ctx, struct html *h, const char *id)
{
	(void)ctx;
	ui_urlarg(h, id);
}

/* ---- writing ---- */

int
ui_case_write(struct ui_ctx *ctx, const char *case_id,
    const struct schema_kind *k, const char *record_id, struct ui_write *w)
{
	struct db_record	 rec, cur;
	struct nolost_access	 ro;
	struct body		 b;
	const char		*missing;
	size_t			 i, bad = 0;
	int			 r;

	memset(&rec, 0, sizeof(rec));
	memset(&cur, 0, sizeof(cur));
	body_init(&b);
	w->why_all[0] = '\0';
	for (i = 0; i < UI_FIELDS_MAX; i++)
		w->why[i] = NULL;
	if (k->nfields > UI_FIELDS_MAX || !wire_uuid_ok(case_id))
		return CS_ERR_USAGE;
	if ((r = nolost_writable(ctx->db, case_id, &ro)) != 0) {
		if (r == CS_ERR_AUTH)
			nolost_explain(&ro, w->why_all, sizeof(w->why_all));
		return r;
	}
	if (record_id != NULL) {
		if ((r = db_record_get(ctx->db, record_id, &cur)) != 0)
			goto out;
		if (strcmp(cur.kind, k->kind) != 0 || cur.deleted ||
		    strcmp(cur.case_id, case_id) != 0 || k->append_only) {
			r = CS_ERR_NOT_FOUND;
			goto out;
		}
		if ((r = body_decode(cur.body, cur.body_len, &b)) != 0)
			goto out;
		memcpy(rec.record_id, record_id, DB_UUID_LEN + 1);
	} else
		db_uuid(rec.record_id);
	for (i = 0; i < k->nfields; i++) {
		if (w->val[i] == NULL)
			continue;
		if (w->val[i][0] == '\0') {
			if (k->fields[i].required) {
				w->why[i] = "required";
				bad++;
			} else
				(void)body_unset(&b, k->fields[i].name);
			continue;
		}
		if (schema_check(&k->fields[i], w->val[i], &w->why[i]) != 0) {
			bad++;
			continue;
		}
		if ((r = body_set(&b, k->fields[i].name,
		    (const uint8_t *)w->val[i], strlen(w->val[i]))) != 0)
			goto out;
	}
	if (bad == 0 && schema_complete(k, &b, &missing) != 0) {
		for (i = 0; i < k->nfields; i++)
			if (strcmp(k->fields[i].name, missing) == 0)
				w->why[i] = "required";
		bad++;
	}
	if (bad > 0) {
		r = CS_ERR_FORMAT;
		goto out;
	}
	memcpy(rec.case_id, case_id, DB_UUID_LEN + 1);
	memcpy(rec.kind, k->kind, strlen(k->kind) + 1);
	if ((r = body_encode(&b, &rec.body, &rec.body_len)) != 0)
		goto out;
	if (rec.body_len > DB_BODY_MAX) {
		r = CS_ERR_TOO_LARGE;
		goto out;
	}
	if ((r = db_local_write(ctx->db, &rec)) != 0)
		goto out;
	memcpy(w->id, rec.record_id, DB_UUID_LEN + 1);
 out:
	db_record_clear(&rec);
	db_record_clear(&cur);
	body_free(&b);
	return r;
}
