/* SPDX-License-Identifier: ISC */
/*
 * caseload.c - the caseload of this laptop (see caseload.h).
 *
 * One pass over the case ids (db_case_id_list: sorted, each once) makes
 * the rows, sorted by case id so the metadata (case_meta_list) and the
 * records of four kinds (db_record_list_kinds: case files, persons,
 * goals, assessments; never the journal) find their row by binary
 * search.  Then each row's deadlines are sorted and the rows are.  No
 * SQL here: the database files give the lists.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "body.h"
#include "case_meta.h"
#include "caseload.h"
#include "db.h"
#include "errors.h"
#include "fold.h"
#include "ids.h"
#include "lifecycle.h"
#include "readlog.h"
#include "util.h"

#define CASELOAD_ITEMS_MAX	4096	/* deadlines, children per case */

/* While loading: the latest assessment of a row. */
struct caseload_latest {
	int64_t		date;		/* LC_NODATE: none yet */
	int64_t		next_due;	/* LC_NODATE: it has none */
	char		record_id[DB_UUID_LEN + 1];
	char		label[CASELOAD_TEXT_MAX + 1];
};

struct caseload_build {
	struct caseload		*cl;
	const char		*only;		/* one case, or NULL: all */
	struct caseload_latest	*latest;	/* one per row */
	size_t			 cap;
};

static int
caseload_add_case(const char *case_id, void *arg)
{
	struct caseload_build	*b = arg;
	struct caseload_row	*rows;
	size_t			 cap;

	if (b->only != NULL && strcmp(case_id, b->only) != 0)
		return 0;
	if (b->cl->n == b->cap) {
		if (b->cap >= CASELOAD_CASES_MAX)
			return CS_ERR_TOO_LARGE;
		cap = b->cap == 0 ? 64 : b->cap * 2;
		if (cap > CASELOAD_CASES_MAX)
			cap = CASELOAD_CASES_MAX;
		if ((rows = reallocarray(b->cl->rows, cap,
		    sizeof(*rows))) == NULL)
			return CS_ERR_ALLOC;
		b->cl->rows = rows;
		b->cap = cap;
	}
	rows = &b->cl->rows[b->cl->n++];
	memset(rows, 0, sizeof(*rows));
	(void)str_fmt(rows->case_id, sizeof(rows->case_id), "%s", case_id);
	rows->state_since = LC_NODATE;
	return 0;
}

static int
caseload_cmp_id(const void *key, const void *row)
{
	return strcmp(key, ((const struct caseload_row *)row)->case_id);
}

static struct caseload_row *
caseload_find(struct caseload *cl, const char *case_id)
{
	if (cl->n == 0)
		return NULL;
	return bsearch(case_id, cl->rows, cl->n, sizeof(*cl->rows),
	    caseload_cmp_id);
}

static int
caseload_meta(const struct case_meta *m, void *arg)
{
	struct caseload_build	*b = arg;
	struct caseload_row	*row;

	if ((row = caseload_find(b->cl, m->case_id)) == NULL)
		return 0;	/* cannot be: the ids came from here too */
	row->has_meta = 1;
	row->frame = m->lc.frame;
	row->state = m->lc.state;
	row->state_since = m->lc.state_since;
	row->lc = m->lc;
	memcpy(row->regisseur, m->regisseur, sizeof(row->regisseur));
	memcpy(row->approved_by, m->approved_by, sizeof(row->approved_by));
	return 0;
}

static int
caseload_add_deadline(struct caseload_row *row, enum caseload_source src,
    int64_t due, int64_t today, const char *record_id, const char *label)
{
	struct caseload_deadline	*d;

	if (row->ndeadlines >= CASELOAD_ITEMS_MAX)
		return 0;	/* a record flood cannot exhaust memory */
	if ((d = reallocarray(row->deadlines, row->ndeadlines + 1,
	    sizeof(*d))) == NULL)
		return CS_ERR_ALLOC;
	row->deadlines = d;
	d = &row->deadlines[row->ndeadlines++];
	memset(d, 0, sizeof(*d));
	d->source = src;
	d->due = due;
	d->days_left = due - today;
	if (record_id != NULL)
		memcpy(d->record_id, record_id, sizeof(d->record_id));
	if (label != NULL)
		(void)str_fmt(d->label, sizeof(d->label), "%s", label);
	return 0;
}

/* A body field as a date, or LC_NODATE (absent or not a date). */
static int64_t
caseload_date(const struct body *b, const char *name)
{
	const struct body_field	*f;
	char			 s[LC_DATE_LEN + 1];
	int64_t			 d;

	if ((f = body_get(b, name)) == NULL || f->len != LC_DATE_LEN)
		return LC_NODATE;
	memcpy(s, f->value, LC_DATE_LEN);
	s[LC_DATE_LEN] = '\0';
	return lc_date_parse(s, &d) == 0 ? d : LC_NODATE;
}

/* 1 if field "name" of "b" is exactly "v". */
static int
caseload_is(const struct body *b, const char *name, const char *v)
{
	const struct body_field	*f = body_get(b, name);

	return f != NULL && f->len == strlen(v) &&
	    memcmp(f->value, v, f->len) == 0;
}

static int
caseload_text(const struct body *b, const char *name, char *dst,
    size_t dstlen)
{
	const struct body_field	*f = body_get(b, name);

	dst[0] = '\0';
	if (f == NULL)
		return 0;
	ids_text(f->value, f->len, dst, dstlen);
	return 1;
}

static int
caseload_child(struct caseload_row *row, const struct db_record *r,
    const struct body *b)
{
	struct caseload_child	*c;

	if (row->nchildren >= CASELOAD_ITEMS_MAX)
		return 0;
	if ((c = reallocarray(row->children, row->nchildren + 1,
	    sizeof(*c))) == NULL)
		return CS_ERR_ALLOC;
	row->children = c;
	c = &row->children[row->nchildren++];
	memset(c, 0, sizeof(*c));
	memcpy(c->record_id, r->record_id, sizeof(c->record_id));
	(void)caseload_text(b, "name", c->name, sizeof(c->name));
	return 0;
}

static int
caseload_record(const struct db_record *r, void *arg)
{
	struct caseload_build	*b = arg;
	struct caseload_latest	*l;
	struct caseload_row	*row;
	struct body		 body;
	char			 label[CASELOAD_TEXT_MAX + 1];
	int64_t			 due, date;
	int			 ret = 0;

	if ((row = caseload_find(b->cl, r->case_id)) == NULL)
		return 0;
	l = &b->latest[row - b->cl->rows];
	body_init(&body);
	if (body_decode(r->body, r->body_len, &body) != 0)
		goto out;	/* unreadable: as if it were not there */
	if (strcmp(r->kind, "casefile") == 0) {
		if (row->title[0] == '\0')
			(void)caseload_text(&body, "title", row->title,
			    sizeof(row->title));
	} else if (strcmp(r->kind, "person") == 0) {
		if (caseload_is(&body, "role", "child"))
			ret = caseload_child(row, r, &body);
	} else if (strcmp(r->kind, "goal") == 0) {
		if ((body_get(&body, "status") == NULL ||
		    caseload_is(&body, "status", "open")) &&
		    (due = caseload_date(&body, "due")) != LC_NODATE) {
			(void)caseload_text(&body, "text", label,
			    sizeof(label));
			ret = caseload_add_deadline(row, CASELOAD_GOAL, due,
			    b->cl->today, r->record_id, label);
		}
	} else if (strcmp(r->kind, "assessment") == 0) {
		/* the latest by date; on the same date the later made */
		date = caseload_date(&body, "date");
		if (date != LC_NODATE && (l->date == LC_NODATE ||
		    date >= l->date)) {
			l->date = date;
			l->next_due = caseload_date(&body, "next_due");
			memcpy(l->record_id, r->record_id,
			    sizeof(l->record_id));
			(void)caseload_text(&body, "instrument", l->label,
			    sizeof(l->label));
		}
	}
 out:
	body_free(&body);
	return ret;
}

static int
caseload_cmp_deadline(const void *a, const void *b)
{
	const struct caseload_deadline	*x = a, *y = b;

	if (x->due != y->due)
		return x->due < y->due ? -1 : 1;
	if (x->source != y->source)
		return x->source < y->source ? -1 : 1;
	if (x->lc_kind != y->lc_kind)
		return x->lc_kind < y->lc_kind ? -1 : 1;
	return strcmp(x->record_id, y->record_id);
}

static int
caseload_cmp_row(const void *a, const void *b)
{
	const struct caseload_row	*x = a, *y = b;
	int				 c;

	if ((x->next == NULL) != (y->next == NULL))
		return x->next == NULL ? 1 : -1;
	if (x->next != NULL && x->next->due != y->next->due)
		return x->next->due < y->next->due ? -1 : 1;
	if ((c = strcmp(x->title, y->title)) != 0)
		return c;
	return strcmp(x->case_id, y->case_id);
}

/* The lifecycle's and the latest assessment's deadlines; then order. */
static int
caseload_finish(struct caseload *cl, struct caseload_row *row,
    const struct caseload_latest *l)
{
	struct lc_deadline	 dl[LC_DEADLINES_MAX];
	size_t			 i, n;
	int			 r;

	if (row->has_meta) {
		lc_deadlines(&row->lc, cl->today, dl, LC_DEADLINES_MAX, &n);
		for (i = 0; i < n; i++) {
			if ((r = caseload_add_deadline(row, CASELOAD_LIFECYCLE,
			    dl[i].due, cl->today, NULL, NULL)) != 0)
				return r;
			row->deadlines[row->ndeadlines - 1].lc_kind =
			    dl[i].kind;
		}
	}
	if (l->date != LC_NODATE && l->next_due != LC_NODATE &&
	    (r = caseload_add_deadline(row, CASELOAD_ASSESSMENT, l->next_due,
	    cl->today, l->record_id, l->label)) != 0)
		return r;
	ids_short(cl->ids, row->case_id, row->short_id);
	for (i = 0; i < row->nchildren; i++)
		ids_short(cl->ids, row->children[i].record_id,
		    row->children[i].short_id);
	for (i = 0; i < row->ndeadlines; i++)
		ids_short(cl->ids, row->deadlines[i].record_id,
		    row->deadlines[i].short_id);
	if (row->ndeadlines > 1)
		qsort(row->deadlines, row->ndeadlines,
		    sizeof(*row->deadlines), caseload_cmp_deadline);
	if (row->ndeadlines > 0) {
		row->next = &row->deadlines[0];
		row->overdue = row->next->days_left < 0;
		row->due_soon = row->next->days_left >= 0 &&
		    row->next->days_left <= CASELOAD_SOON_DAYS;
	}
	return 0;
}

/* The rows of every case, or of case "only" (not NULL). */
static int
caseload_build(sqlite3 *db, int64_t today, const char *only,
    struct caseload **out)
{
	static const char *const	 kinds[] = { "casefile", "person",
					    "goal", "assessment" };
	struct caseload_build		 b;
	struct caseload			*cl;
	size_t				 i;
	int				 r;

	*out = NULL;
	memset(&b, 0, sizeof(b));
	if ((cl = calloc(1, sizeof(*cl))) == NULL)
		return CS_ERR_ALLOC;
	cl->today = today;
	b.cl = cl;
	b.only = only;
	/* titles and names are case content: logged before they are read */
	if ((r = readlog_add(db, "list", only != NULL ? only : "")) != 0 ||
	    (r = ids_load(db, &cl->ids)) != 0 ||
	    (r = db_case_id_list(db, caseload_add_case, &b)) != 0)
		goto out;
	if (cl->n > 0 &&
	    (b.latest = reallocarray(NULL, cl->n, sizeof(*b.latest))) ==
	    NULL) {
		r = CS_ERR_ALLOC;
		goto out;
	}
	for (i = 0; i < cl->n; i++) {
		memset(&b.latest[i], 0, sizeof(b.latest[i]));
		b.latest[i].date = b.latest[i].next_due = LC_NODATE;
	}
	if ((r = case_meta_list(db, caseload_meta, &b)) != 0 ||
	    (r = db_record_list_kinds(db, only, kinds, 4, caseload_record,
	    &b)) != 0)
		goto out;
	for (i = 0; i < cl->n; i++)
		if ((r = caseload_finish(cl, &cl->rows[i], &b.latest[i])) != 0)
			goto out;
	/* "next" points into each row's own array: it moves with the row */
	if (cl->n > 1)
		qsort(cl->rows, cl->n, sizeof(*cl->rows), caseload_cmp_row);
	*out = cl;
	cl = NULL;			/* transferred */
 out:
	free(b.latest);
	caseload_free(cl);
	return r;
}

int
caseload_load(sqlite3 *db, int64_t today, struct caseload **out)
{
	return caseload_build(db, today, NULL, out);
}

int
caseload_load_case(sqlite3 *db, int64_t today, const char *case_id,
    struct caseload **out)
{
	return caseload_build(db, today, case_id, out);
}

void
caseload_free(struct caseload *cl)
{
	size_t	i;

	if (cl == NULL)
		return;
	for (i = 0; i < cl->n; i++) {
		free(cl->rows[i].children);
		free(cl->rows[i].deadlines);
	}
	free(cl->rows);
	ids_free(cl->ids);
	free(cl);
}

int
caseload_match(const struct caseload_row *row, const char *query)
{
	size_t	i;

	if (fold_contains(row->title, query) ||
	    fold_contains(row->regisseur, query) ||
	    fold_contains(row->short_id, query))
		return 1;
	for (i = 0; i < row->nchildren; i++)
		if (fold_contains(row->children[i].name, query))
			return 1;
	return 0;
}

const char *
caseload_deadline_name(const struct caseload_deadline *d)
{
	switch (d->source) {
	case CASELOAD_LIFECYCLE:
		return lc_deadline_name(d->lc_kind);
	case CASELOAD_GOAL:
		return "goal";
	case CASELOAD_ASSESSMENT:
		return "assessment";
	}
	return "unknown";
}
