/* SPDX-License-Identifier: ISC */
/*
 * measure_view.c - the measures of a case's children for the faces
 * (measure_view.h): the server's list from the case's metadata, the
 * sealed records joined by record id (or, for a record written before
 * the server named its record, by measure id), status and deadlines
 * from measure.h as of the caller's today.
 */
#include <stdlib.h>
#include <string.h>

#include "body.h"
#include "case_meta.h"
#include "db.h"
#include "errors.h"
#include "measure.h"
#include "measure_rec.h"
#include "measure_view.h"

#define MEASURE_VIEW_RECS_MAX	(2 * MS_MEASURES_MAX)

static int
measure_view_rec(const struct db_record *r, void *arg)
{
	struct measure_view	*v = arg;
	struct measure_rec	*p;
	struct body		 b;

	if (v->nrecs >= MEASURE_VIEW_RECS_MAX)
		return 0;
	body_init(&b);
	if (body_decode(r->body, r->body_len, &b) != 0) {
		body_free(&b);
		return 0;	/* unreadable: as if it were not there */
	}
	if ((p = reallocarray(v->recs, v->nrecs + 1, sizeof(*p))) == NULL) {
		body_free(&b);
		return CS_ERR_ALLOC;
	}
	v->recs = p;
	p = &v->recs[v->nrecs++];
	measure_rec_parse(&b, p);
	memcpy(p->record_id, r->record_id, sizeof(p->record_id));
	memcpy(p->case_id, r->case_id, sizeof(p->case_id));
	body_free(&b);
	return 0;
}

void
measure_view_set(struct measure_view *v, const struct case_measures *ms)
{
	v->n = ms->n <= MS_MEASURES_MAX ? ms->n : MS_MEASURES_MAX;
	memcpy(v->m, ms->m, v->n * sizeof(v->m[0]));
	memcpy(v->rec_id, ms->record_id, v->n * sizeof(v->rec_id[0]));
}

int
measure_view_cached(sqlite3 *db, const char *case_id, struct measure_view *v)
{
	struct case_measures	*ms;
	int			 r;

	v->n = 0;
	if ((ms = calloc(1, sizeof(*ms))) == NULL)
		return CS_ERR_ALLOC;
	if ((r = case_measures_get(db, case_id, ms)) == 0)
		measure_view_set(v, ms);
	free(ms);
	return r;
}

int
measure_view_find(const struct measure_view *v, uint64_t id)
{
	size_t	i;

	for (i = 0; i < v->n; i++)
		if (v->m[i].id == id)
			return (int)i;
	return -1;
}

int
measure_view_load(sqlite3 *db, const char *case_id, int64_t today,
    struct measure_view **out)
{
	static const char *const	 kinds[] = { "measure" };
	struct measure_view		*v;
	size_t				 i, k;
	int				 r;

	*out = NULL;
	if ((v = calloc(1, sizeof(*v))) == NULL)
		return CS_ERR_ALLOC;
	v->today = today;
	if ((r = measure_view_cached(db, case_id, v)) != 0 ||
	    (r = db_record_list_kinds(db, case_id, kinds, 1,
	    measure_view_rec, v)) != 0)
		goto out;
	ms_deadlines(v->m, v->n, today, v->dl, MS_DEADLINES_MAX, &v->ndl);
	for (i = 0; i < v->n; i++) {
		v->status[i] = ms_status(v->m, v->n, i, today);
		v->next[i] = -1;
		for (k = 0; k < v->ndl && v->next[i] < 0; k++)
			if (v->dl[k].measure == i)
				v->next[i] = (int)k;
		for (k = 0; k < v->nrecs && v->rec[i] == NULL; k++)
			if (strcmp(v->recs[k].record_id, v->rec_id[i]) == 0 ||
			    v->recs[k].measure_id == v->m[i].id)
				v->rec[i] = &v->recs[k];
	}
	*out = v;
	v = NULL;	/* transferred */
 out:
	measure_view_free(v);
	return r;
}

void
measure_view_free(struct measure_view *v)
{
	if (v == NULL)
		return;
	free(v->recs);
	free(v);
}
