/* SPDX-License-Identifier: ISC */
/*
 * plan.c - the one plan of a family and its agreed versions (plan.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "msg.h"
#include "body.h"
#include "db.h"
#include "dossier.h"
#include "errors.h"
#include "lifecycle.h"
#include "localday.h"
#include "plan.h"
#include "schema.h"
#include "util.h"

#define PLAN_ID_LABEL	"casesync plan v1"
#define PLAN_AGREED_N	8

void
plan_record_id(const char *case_id, char out[DB_UUID_LEN + 1])
{
	crypto_generichash_state	st;
	uint8_t				h[16];

	(void)crypto_generichash_init(&st, NULL, 0, sizeof(h));
	/* the label with its NUL: no case id can run into it */
	(void)crypto_generichash_update(&st, (const uint8_t *)PLAN_ID_LABEL,
	    sizeof(PLAN_ID_LABEL));
	(void)crypto_generichash_update(&st, (const uint8_t *)case_id,
	    strlen(case_id));
	(void)crypto_generichash_final(&st, h, sizeof(h));
	h[6] = (uint8_t)((h[6] & 0x0f) | 0x80);		/* version 8 */
	h[8] = (uint8_t)((h[8] & 0x3f) | 0x80);		/* variant 10 */
	db_uuid_text(h, out);
}

int
plan_agreed_ok(const char *list, const char **why)
{
	static const char	choices[] = PLAN_AGREED_CHOICES;
	const char		*p, *e, *c, *ce;
	const char		*seen[PLAN_AGREED_N];
	size_t			 n = 0, len, i;

	if (list == NULL || *list == '\0' ||
	    strlen(list) > PLAN_AGREED_MAX) {
		*why = "who agreed is empty or too long";
		return CS_ERR_FORMAT;
	}
	for (p = list;; p = e + 1) {
		e = strchr(p, ',');
		len = e != NULL ? (size_t)(e - p) : strlen(p);
		for (c = choices;; c = ce + 1) {
			ce = strchr(c, '|');
			if ((size_t)(ce != NULL ? ce - c :
			    (ptrdiff_t)strlen(c)) == len &&
			    len > 0 && strncmp(c, p, len) == 0)
				break;
			if (ce == NULL) {
				*why = "not one of who may agree to a plan";
				return CS_ERR_FORMAT;
			}
		}
		for (i = 0; i < n; i++)
			if (seen[i] == c) {
				*why = "named twice";
				return CS_ERR_FORMAT;
			}
		if (n == PLAN_AGREED_N) {
			*why = "too many names";
			return CS_ERR_FORMAT;
		}
		seen[n++] = c;
		if (e == NULL)
			return 0;
	}
}

int64_t
plan_version_next(const int64_t *nums, size_t n)
{
	int64_t	max = 0;
	size_t	i;

	for (i = 0; i < n; i++)
		if (nums[i] > max)
			max = nums[i];
	return max < INT64_MAX ? max + 1 : max;
}

/* A version number as written: 1..9 digits, no leading zero; else 0. */
static int64_t
plan_number(const struct body_field *f)
{
	int64_t	v = 0;
	size_t	i;

	if (f == NULL || f->len == 0 || f->len > 9 || f->value[0] == '0')
		return 0;
	for (i = 0; i < f->len; i++) {
		if (f->value[i] < '0' || f->value[i] > '9')
			return 0;
		v = v * 10 + (f->value[i] - '0');
	}
	return v;
}

struct plan_scan {
	char		 derived[DB_UUID_LEN + 1];
	char		 newest[DB_UUID_LEN + 1];
	uint64_t	 newest_hlc;
	int		 have_derived;
	size_t		 nplans;
};

static int
plan_scan_cb(const struct db_record *r, void *arg)
{
	struct plan_scan	*x = arg;

	if (r->deleted || strcmp(r->kind, "plan") != 0)
		return 0;
	x->nplans++;
	if (strcmp(r->record_id, x->derived) == 0)
		x->have_derived = 1;
	else if (x->newest[0] == '\0' || r->hlc >= x->newest_hlc) {
		memcpy(x->newest, r->record_id, sizeof(x->newest));
		x->newest_hlc = r->hlc;
	}
	return 0;
}

int
plan_current(sqlite3 *db, const char *case_id, char id_out[DB_UUID_LEN + 1],
    size_t *others)
{
	struct plan_scan	x;
	const char		*kinds[1] = { "plan" };
	int			r;

	*others = 0;
	memset(&x, 0, sizeof(x));
	plan_record_id(case_id, x.derived);
	if ((r = db_record_list_kinds(db, case_id, kinds, 1, plan_scan_cb,
	    &x)) != 0)
		return r;
	if (x.nplans == 0)
		return CS_ERR_NOT_FOUND;
	memcpy(id_out, x.have_derived ? x.derived : x.newest,
	    DB_UUID_LEN + 1);
	*others = x.nplans - 1;
	return 0;
}

/* A body field as a new NUL-terminated string ("" if absent). */
static char *
plan_str(const struct body *b, const char *name)
{
	const struct body_field	*f = body_get(b, name);
	char			*s;
	size_t			 len = f != NULL ? f->len : 0;

	if ((s = malloc(len + 1)) == NULL)
		return NULL;
	if (len > 0)
		memcpy(s, f->value, len);
	s[len] = '\0';
	return s;
}

static void
plan_version_clear(struct plan_version *v)
{
	free(v->summary);
	free(v->goals);
	free(v->agreed_with);
	free(v->date);
	memset(v, 0, sizeof(*v));
}

static int
plan_versions_cb(const struct dossier_record *d, void *arg)
{
	struct plan_versions	*pv = arg;
	struct plan_version	*nv, *v;

	if (d->body == NULL)
		return 0;
	if (pv->n >= 100000)
		return CS_ERR_TOO_LARGE;
	if ((nv = reallocarray(pv->v, pv->n + 1, sizeof(*nv))) == NULL)
		return CS_ERR_ALLOC;
	pv->v = nv;
	v = &pv->v[pv->n];
	memset(v, 0, sizeof(*v));
	memcpy(v->id, d->rec->record_id, sizeof(v->id));
	v->number = plan_number(body_get(d->body, "number"));
	v->by = d->by;
	v->hlc = d->rec->hlc;
	if ((v->summary = plan_str(d->body, "summary")) == NULL ||
	    (v->goals = plan_str(d->body, "goals")) == NULL ||
	    (v->agreed_with = plan_str(d->body, "agreed_with")) == NULL ||
	    (v->date = plan_str(d->body, "date")) == NULL) {
		plan_version_clear(v);
		return CS_ERR_ALLOC;
	}
	pv->n++;
	return 0;
}

static int
plan_version_cmp(const void *a, const void *b)
{
	const struct plan_version	*x = a, *y = b;

	if (x->number != y->number)
		return x->number < y->number ? -1 : 1;
	if (x->hlc != y->hlc)
		return x->hlc < y->hlc ? -1 : 1;
	return strcmp(x->id, y->id);
}

int
plan_versions(sqlite3 *db, const char *case_id, struct plan_versions *pv)
{
	const char	*kinds[2] = { "plan_version", NULL };
	int		 r;

	memset(pv, 0, sizeof(*pv));
	if ((r = dossier_read(db, case_id, kinds, "plan", plan_versions_cb,
	    pv)) != 0) {
		plan_versions_free(pv);
		return r;
	}
	if (pv->n > 1)
		qsort(pv->v, pv->n, sizeof(*pv->v), plan_version_cmp);
	return 0;
}

void
plan_versions_free(struct plan_versions *pv)
{
	size_t	i;

	for (i = 0; i < pv->n; i++)
		plan_version_clear(&pv->v[i]);
	free(pv->v);
	memset(pv, 0, sizeof(*pv));
}

/* What plan_agree() copies: the plan, its goals, the numbers so far. */
struct plan_copy {
	const char	*plan_id;
	struct body	 plan;
	int		 have_plan;
	char		*goals;
	size_t		 glen, gcap;
	int64_t		*nums;
	size_t		 nnums;
	size_t		 nconflicts;	/* of the plan and its goals */
};

/* Fields of "b" in conflict (merge.h markers). */
static size_t
plan_markers(const struct body *b)
{
	size_t	i, n = 0;

	for (i = 0; i < b->n; i++)
		n += body_name_is_marker(b->f[i].name) != 0;
	return n;
}

static int
plan_goals_add(struct plan_copy *c, const char *s, size_t len)
{
	char	*ng;
	size_t	 cap;

	if (c->glen + len + 1 > SCHEMA_LONG_MAX)
		return CS_ERR_TOO_LARGE;
	if (c->glen + len + 1 > c->gcap) {
		cap = c->gcap * 2 + len + 256;
		if ((ng = realloc(c->goals, cap)) == NULL)
			return CS_ERR_ALLOC;
		c->goals = ng;
		c->gcap = cap;
	}
	memcpy(c->goals + c->glen, s, len);
	c->glen += len;
	c->goals[c->glen] = '\0';
	return 0;
}

/* A goal as one line: "text | owner: X | due: D | status: S". */
static int
plan_goal_line(struct plan_copy *c, const struct body *b)
{
	static const char *const extra[] = { "owner", "due", "status" };
	const struct body_field	*f;
	size_t			 i;
	int			 r;

	if ((f = body_get(b, "text")) == NULL)
		return 0;
	if ((r = plan_goals_add(c, (const char *)f->value, f->len)) != 0)
		return r;
	for (i = 0; i < sizeof(extra) / sizeof(extra[0]); i++) {
		if ((f = body_get(b, extra[i])) == NULL)
			continue;
		if ((r = plan_goals_add(c, " | ", 3)) != 0 ||
		    (r = plan_goals_add(c, extra[i], strlen(extra[i]))) != 0 ||
		    (r = plan_goals_add(c, ": ", 2)) != 0 ||
		    (r = plan_goals_add(c, (const char *)f->value,
		    f->len)) != 0)
			return r;
	}
	return plan_goals_add(c, "\n", 1);
}

static int
plan_copy_cb(const struct db_record *r, void *arg)
{
	struct plan_copy	*c = arg;
	struct body		 b;
	int64_t			*nn;
	int			 ret = 0;

	if (r->deleted)
		return 0;
	body_init(&b);
	if (strcmp(r->kind, "plan") == 0 &&
	    strcmp(r->record_id, c->plan_id) == 0) {
		if ((ret = body_decode(r->body, r->body_len, &c->plan)) == 0) {
			c->have_plan = 1;
			c->nconflicts += plan_markers(&c->plan);
		}
	} else if (strcmp(r->kind, "goal") == 0) {
		if (body_decode(r->body, r->body_len, &b) == 0) {
			c->nconflicts += plan_markers(&b);
			ret = plan_goal_line(c, &b);
		}
	} else if (strcmp(r->kind, "plan_version") == 0 &&
	    body_decode(r->body, r->body_len, &b) == 0) {
		if ((nn = reallocarray(c->nums, c->nnums + 1,
		    sizeof(*nn))) == NULL)
			ret = CS_ERR_ALLOC;
		else {
			c->nums = nn;
			c->nums[c->nnums++] = plan_number(body_get(&b,
			    "number"));
		}
	}
	body_free(&b);
	return ret;
}

/* Set field "name" of input "in" (kind k) to "v". */
static void
plan_val(struct dossier_input *in, const char *name, const char *v)
{
	size_t	i;

	for (i = 0; i < in->k->nfields && i < DOSSIER_FIELDS_MAX; i++)
		if (strcmp(in->k->fields[i].name, name) == 0)
			in->val[i] = v;
}

int
plan_agree(sqlite3 *db, const char *case_id, const char *agreed_with,
    const char *date, char id_out[DB_UUID_LEN + 1], int64_t *number,
    struct dossier_error *err)
{
	const char		*kinds[3] = { "plan", "goal", "plan_version" };
	struct plan_copy	 c;
	struct dossier_input	 in;
	char			 pid[DB_UUID_LEN + 1], today[LC_DATE_LEN + 1];
	char			 num[24], *summary = NULL;
	const char		*why;
	size_t			 others;
	int			 r;

	memset(err, 0, sizeof(*err));
	err->field = -1;
	memset(&c, 0, sizeof(c));
	body_init(&c.plan);
	*number = 0;
	if ((r = plan_agreed_ok(agreed_with, &why)) != 0) {
		err->fault = DOSSIER_BAD_VALUE;
		err->name = "with";
		err->why = why;
		err->choices = PLAN_AGREED_CHOICES;
		(void)snprintf(err->text, sizeof(err->text), "plan agree "
		    "--with: %s (%s)", why, PLAN_AGREED_CHOICES);
		return CS_ERR_USAGE;
	}
	if (case_id == NULL || !wire_uuid_ok(case_id) ||
	    (r = plan_current(db, case_id, pid, &others)) == CS_ERR_NOT_FOUND) {
		err->fault = DOSSIER_NO_RECORD;
		(void)snprintf(err->text, sizeof(err->text), "the case has no "
		    "plan on this laptop: make it first (plan edit)");
		return CS_ERR_NOT_FOUND;
	}
	if (r != 0)
		return r;
	c.plan_id = pid;
	if ((r = db_record_list_kinds(db, case_id, kinds, 3, plan_copy_cb,
	    &c)) != 0)
		goto out;
	if (c.nconflicts > 0) {
		/* what is agreed is one text, not two in conflict */
		err->fault = DOSSIER_NO_RECORD;
		(void)snprintf(err->text, sizeof(err->text), "the plan or its "
		    "goals have %zu value%s in conflict: settle them first "
		    "(casesync conflicts, resolve)", c.nconflicts,
		    c.nconflicts == 1 ? "" : "s");
		r = CS_ERR_STATE;
		goto out;
	}
	if (!c.have_plan || (summary = plan_str(&c.plan, "summary")) == NULL) {
		r = c.have_plan ? CS_ERR_ALLOC : CS_ERR_FORMAT;
		goto out;
	}
	if (date == NULL) {
		lc_date_format(localday_today(), today, sizeof(today));
		date = today;
	}
	*number = plan_version_next(c.nums, c.nnums);
	(void)snprintf(num, sizeof(num), "%lld", (long long)*number);
	memset(&in, 0, sizeof(in));
	in.k = schema_kind("plan_version");
	in.case_id = case_id;
	plan_val(&in, "number", num);
	plan_val(&in, "summary", summary[0] != '\0' ? summary : NULL);
	plan_val(&in, "goals", c.glen > 0 ? c.goals : NULL);
	plan_val(&in, "agreed_with", agreed_with);
	plan_val(&in, "date", date);
	r = dossier_write(db, &in, id_out, NULL, err);
 out:
	if (summary != NULL) {
		sodium_memzero(summary, strlen(summary));
		free(summary);
	}
	if (c.goals != NULL) {
		sodium_memzero(c.goals, c.gcap);
		free(c.goals);
	}
	free(c.nums);
	body_free(&c.plan);
	return r;
}
