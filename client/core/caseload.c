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
#include "measure.h"
#include "msg.h"
#include "readlog.h"
#include "util.h"

#define CASELOAD_ITEMS_MAX	4096	/* deadlines, children per case */

/*
 * While loading: the latest assessment of a row for one child (or the
 * family: child_id ""), each child's safety being assessed on its own.
 */
struct caseload_latest {
	char		child_id[DB_UUID_LEN + 1];
	int64_t		date;
	int64_t		next_due;	/* LC_NODATE: it has none */
	char		record_id[DB_UUID_LEN + 1];
	char		label[CASELOAD_TEXT_MAX + 1];
};

struct caseload_latests {
	struct caseload_latest	*l;
	size_t			 n;
};

struct caseload_build {
	struct caseload		*cl;
	const char		*only;		/* one case, or NULL: all */
	struct caseload_latests	*latest;	/* one per row */
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
    int64_t due, int64_t today, const char *record_id, const char *label,
    const char *child_id)
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
	if (child_id != NULL)
		memcpy(d->child_id, child_id, sizeof(d->child_id));
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
	c->birth_date = caseload_date(b, "birth_date");
	return 0;
}

/* The child a goal or assessment names ("child": a person id), or "". */
static void
caseload_child_ref(const struct body *b, char dst[DB_UUID_LEN + 1])
{
	const struct body_field	*f = body_get(b, "child");

	dst[0] = '\0';
	if (f == NULL || f->len != DB_UUID_LEN)
		return;
	memcpy(dst, f->value, DB_UUID_LEN);
	dst[DB_UUID_LEN] = '\0';
	if (!wire_uuid_ok(dst))
		dst[0] = '\0';
}

/* Assessment "r" of child "child" (or ""), if it is the latest so far. */
static int
caseload_assessment(struct caseload_latests *ls, const struct db_record *r,
    const struct body *b, const char *child)
{
	struct caseload_latest	*l;
	int64_t			 date;
	size_t			 i;

	if ((date = caseload_date(b, "date")) == LC_NODATE)
		return 0;
	for (i = 0; i < ls->n; i++)
		if (strcmp(ls->l[i].child_id, child) == 0)
			break;
	if (i == ls->n) {
		if (ls->n >= CASELOAD_ITEMS_MAX)
			return 0;
		if ((l = reallocarray(ls->l, ls->n + 1, sizeof(*l))) == NULL)
			return CS_ERR_ALLOC;
		ls->l = l;
		l = &ls->l[ls->n++];
		memset(l, 0, sizeof(*l));
		memcpy(l->child_id, child, strlen(child) + 1);
	} else if (date < ls->l[i].date)
		return 0;
	/* the latest by date; on the same date the later made */
	l = &ls->l[i];
	l->date = date;
	l->next_due = caseload_date(b, "next_due");
	memcpy(l->record_id, r->record_id, sizeof(l->record_id));
	(void)caseload_text(b, "instrument", l->label, sizeof(l->label));
	return 0;
}

static int
caseload_record(const struct db_record *r, void *arg)
{
	struct caseload_build	*b = arg;
	struct caseload_row	*row;
	struct body		 body;
	char			 label[CASELOAD_TEXT_MAX + 1];
	char			 child[DB_UUID_LEN + 1];
	int64_t			 due;
	int			 ret = 0;

	if ((row = caseload_find(b->cl, r->case_id)) == NULL)
		return 0;
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
			caseload_child_ref(&body, child);
			ret = caseload_add_deadline(row, CASELOAD_GOAL, due,
			    b->cl->today, r->record_id, label, child);
		}
	} else if (strcmp(r->kind, "assessment") == 0) {
		caseload_child_ref(&body, child);
		ret = caseload_assessment(&b->latest[row - b->cl->rows], r,
		    &body, child);
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

/*
 * The deadlines of a case's children's measures, from the measures
 * the server last sent ("ms": scratch room for them).
 */
static int
caseload_measures(sqlite3 *db, struct caseload *cl, struct caseload_row *row,
    struct case_measures *ms)
{
	struct caseload_deadline	*d;
	struct ms_deadline		 dl[MS_DEADLINES_MAX];
	const struct ms_measure		*m = ms->m;
	const char			*name;
	size_t				 i, nd, k, n;
	int				 r;

	if (!row->has_meta)
		return 0;	/* no metadata: no measures either */
	if ((r = case_measures_get(db, row->case_id, ms)) != 0)
		return r;
	row->nmeasures = n = ms->n;
	if (n == 0 || !lc_state_active(row->state))
		return 0;	/* a closed case has no deadlines */
	ms_deadlines(m, n, cl->today, dl, MS_DEADLINES_MAX, &nd);
	for (i = 0; i < nd; i++) {
		k = dl[i].measure;
		if (k >= n || (name = ms_deadline_name(dl[i].kind)) == NULL)
			continue;
		if ((r = caseload_add_deadline(row, CASELOAD_MEASURE,
		    dl[i].due, cl->today, ms->record_id[k], NULL,
		    m[k].child_id)) != 0)
			return r;
		d = &row->deadlines[row->ndeadlines - 1];
		(void)str_fmt(d->name, sizeof(d->name), "%s", name);
		d->lapsed = m[k].type == MS_VOTS &&
		    ms_status(m, n, k, cl->today) == MS_LAPSED;
	}
	return 0;
}

/* The family's deadlines a child's measure gives instead. */
static int
caseload_by_child(enum lc_deadline_kind k)
{
	return k == LC_DL_VOTS_END || k == LC_DL_OTS_REQUEST ||
	    k == LC_DL_OTS_END || k == LC_DL_VOOGDIJ_END;
}

/* The child of "row" with person record "id", or NULL. */
static const struct caseload_child *
caseload_child_by_id(const struct caseload_row *row, const char *id)
{
	size_t	i;

	for (i = 0; i < row->nchildren; i++)
		if (strcmp(row->children[i].record_id, id) == 0)
			return &row->children[i];
	return NULL;
}

/* A deadline's child: its short id, and its name if it is here. */
static void
caseload_name_child(struct caseload *cl, const struct caseload_row *row,
    struct caseload_deadline *d)
{
	const struct caseload_child	*c;

	if (d->child_id[0] == '\0')
		return;
	ids_short(cl->ids, d->child_id, d->child_short);
	if ((c = caseload_child_by_id(row, d->child_id)) == NULL)
		return;
	d->child_known = 1;
	memcpy(d->child_name, c->name, sizeof(d->child_name));
}

/*
 * The lifecycle's, the children's measures' and the latest
 * assessments' deadlines; then order.
 */
static int
caseload_finish(struct caseload *cl, struct caseload_row *row,
    const struct caseload_latests *ls)
{
	struct lc_deadline		 dl[LC_DEADLINES_MAX];
	const struct caseload_latest	*l;
	size_t				 i, n;
	int				 r;

	if (row->has_meta) {
		lc_deadlines(&row->lc, cl->today, dl, LC_DEADLINES_MAX, &n);
		for (i = 0; i < n; i++) {
			if (row->nmeasures > 0 && caseload_by_child(dl[i].kind))
				continue;
			if ((r = caseload_add_deadline(row, CASELOAD_LIFECYCLE,
			    dl[i].due, cl->today, NULL, NULL, NULL)) != 0)
				return r;
			row->deadlines[row->ndeadlines - 1].lc_kind =
			    dl[i].kind;
		}
	}
	for (i = 0; i < ls->n; i++) {
		l = &ls->l[i];
		if (l->next_due != LC_NODATE &&
		    (r = caseload_add_deadline(row, CASELOAD_ASSESSMENT,
		    l->next_due, cl->today, l->record_id, l->label,
		    l->child_id)) != 0)
			return r;
	}
	ids_short(cl->ids, row->case_id, row->short_id);
	for (i = 0; i < row->nchildren; i++)
		ids_short(cl->ids, row->children[i].record_id,
		    row->children[i].short_id);
	for (i = 0; i < row->ndeadlines; i++) {
		ids_short(cl->ids, row->deadlines[i].record_id,
		    row->deadlines[i].short_id);
		caseload_name_child(cl, row, &row->deadlines[i]);
	}
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
	struct case_measures		*ms = NULL;
	size_t				 i, nlatest = 0;
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
	    (b.latest = calloc(cl->n, sizeof(*b.latest))) == NULL) {
		r = CS_ERR_ALLOC;
		goto out;
	}
	nlatest = cl->n;
	if ((r = case_meta_list(db, caseload_meta, &b)) != 0)
		goto out;
	if (cl->n > 0 && (ms = calloc(1, sizeof(*ms))) == NULL) {
		r = CS_ERR_ALLOC;
		goto out;
	}
	for (i = 0; i < cl->n; i++)
		if ((r = caseload_measures(db, cl, &cl->rows[i], ms)) != 0)
			goto out;
	if ((r = db_record_list_kinds(db, only, kinds, 4, caseload_record,
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
	free(ms);
	for (i = 0; b.latest != NULL && i < nlatest; i++)
		free(b.latest[i].l);
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
	case CASELOAD_MEASURE:
		return d->name;
	}
	return "unknown";
}

/* 1 if "s" is IDS_INPUT_MIN or more hex digits (and '-'). */
static int
caseload_hexish(const char *s)
{
	size_t	n = 0;

	for (; *s != '\0'; s++) {
		if ((*s >= '0' && *s <= '9') || (*s >= 'a' && *s <= 'f') ||
		    (*s >= 'A' && *s <= 'F'))
			n++;
		else if (*s != '-')
			return 0;
	}
	return n >= IDS_INPUT_MIN;
}

/* 1 if "id" ends with "tail" (lower case, '-' kept). */
static int
caseload_tail(const char *id, const char *tail)
{
	size_t	n = strlen(id), m = strlen(tail), i;

	if (m > n)
		return 0;
	for (i = 0; i < m; i++) {
		char	c = tail[i];

		if (c >= 'A' && c <= 'F')
			c = (char)(c - 'A' + 'a');
		if (id[n - m + i] != c)
			return 0;
	}
	return 1;
}

/* The first word of "name" into dst. */
static void
caseload_first(const char *name, char *dst, size_t len)
{
	size_t	n = strcspn(name, " ");

	if (n >= len)
		n = len - 1;
	memcpy(dst, name, n);
	dst[n] = '\0';
}

int
caseload_child_find(const struct caseload_row *row, const char *input,
    const struct caseload_child **out)
{
	const struct caseload_child	*hit = NULL;
	char				 first[CASELOAD_TEXT_MAX + 1];
	size_t				 i, n;
	int				 pass;

	*out = NULL;
	if (input == NULL || *input == '\0')
		return CS_ERR_NOT_FOUND;
	if (wire_uuid_ok(input)) {
		if ((hit = caseload_child_by_id(row, input)) == NULL)
			return CS_ERR_NOT_FOUND;
		*out = hit;
		return 0;
	}
	/* a short id, then the whole name, then the first name */
	for (pass = caseload_hexish(input) ? 0 : 1; pass < 3; pass++) {
		for (i = n = 0; i < row->nchildren; i++) {
			const struct caseload_child *c = &row->children[i];
			int	 m;

			if (pass == 0)
				m = caseload_tail(c->record_id, input);
			else if (pass == 1)
				m = fold_equal(c->name, input);
			else {
				caseload_first(c->name, first, sizeof(first));
				m = first[0] != '\0' &&
				    fold_equal(first, input);
			}
			if (m) {
				hit = c;
				n++;
			}
		}
		if (n > 1)
			return CS_ERR_AMBIGUOUS;
		if (n == 1) {
			*out = hit;
			return 0;
		}
	}
	return CS_ERR_NOT_FOUND;
}
