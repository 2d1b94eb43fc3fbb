/* SPDX-License-Identifier: ISC */
/*
 * store_measures.c - court measures per child (see store_measures.h).
 *
 * A change reads the case and its measures, checks the actor and the
 * child, lets measure.c decide, writes the measure and the case's
 * derived state and appends the audit entry, all inside one BEGIN
 * IMMEDIATE transaction (or the caller's): two devices changing the
 * same case's measures at once are serialised.
 */
#include <stdio.h>
#include <string.h>

#include "sdb.h"

#include "audit_entry.h"
#include "errors.h"
#include "lifecycle.h"
#include "log.h"
#include "measure.h"
#include "store.h"
#include "store_audit.h"
#include "store_cases.h"
#include "store_int.h"
#include "store_measures.h"
#include "util.h"

int
store_measures_load(struct store *st, struct store_case_meta *m)
{
	struct ms_measure	*x;
	struct sdb_stmt		*s = NULL;
	char			 type[32];
	int			 rc, r = CS_ERR_DB;

	m->n_measures = 0;
	if (store_prepare(st, "SELECT id, child_id, type, decision_date,"
	    " start_date, end_date, ended_on, extensions, record_id FROM"
	    " child_measures WHERE case_id = ?1 ORDER BY id DESC LIMIT ?2",
	    &s) != 0)
		return CS_ERR_DB;
	if (sdb_bind_text(s, 1, m->case_id, -1) !=
	    0 || sdb_bind_int64(s, 2, MS_MEASURES_MAX) != 0)
		goto out;
	while ((rc = sdb_step(s)) == SDB_ROW) {
		x = &m->measures[m->n_measures];
		memset(x, 0, sizeof(*x));
		x->id = (uint64_t)sdb_column_int64(s, 0);
		if (store_col_text(s, 1, x->child_id,
		    sizeof(x->child_id)) != 0 ||
		    store_col_text(s, 2, type, sizeof(type)) != 0 ||
		    store_col_text(s, 8, m->measure_records[m->n_measures],
		    sizeof(m->measure_records[0])) != 0)
			goto out;
		if (ms_type_parse(type, &x->type) != 0 ||
		    sdb_column_int64(s, 0) <= 0) {
			log_warnx("store: case %s: bad measure in the "
			    "database", m->case_id);
			goto out;
		}
		x->decision = store_col_date(s, 3);
		x->start = store_col_date(s, 4);
		x->end = store_col_date(s, 5);
		x->ended_on = store_col_date(s, 6);
		x->extensions = (unsigned)(int)sdb_column_int64(s, 7);
		m->n_measures++;
	}
	if (rc != SDB_DONE)
		goto out;
	r = 0;
 out:
	return store_done(st, s, r, __func__);
}

/* 1 in *yes if "child_id" is a live person record of "case_id". */
static int
sm_child_ok(struct store *st, const char *case_id, const char *child_id,
    int *yes)
{
	struct sdb_stmt	*s = NULL;
	int		 rc, r = CS_ERR_DB;

	*yes = 0;
	if (store_prepare(st, "SELECT 1 FROM records WHERE record_id = ?1"
	    " AND case_id = ?2 AND kind = 'person' AND deleted = 0", &s) != 0)
		return CS_ERR_DB;
	if (sdb_bind_text(s, 1, child_id, -1) !=
	    0 ||
	    sdb_bind_text(s, 2, case_id, -1) != 0)
		goto out;
	if ((rc = sdb_step(s)) == SDB_ROW)
		*yes = 1;
	else if (rc != SDB_DONE)
		goto out;
	r = 0;
 out:
	return store_done(st, s, r, __func__);
}

/* Insert a new measure (*x gets its id) or update an existing one. */
static int
sm_write(struct store *st, const char *case_id, struct ms_measure *x,
    const char *record_id, const struct store_device *dev, int64_t now)
{
	struct sdb_stmt	*s = NULL;
	int		 r = CS_ERR_DB;

	if (x->id == 0) {
		if (store_prepare(st, "INSERT INTO child_measures(case_id,"
		    " child_id, type, decision_date, start_date, end_date,"
		    " ended_on, extensions, record_id, created_by,"
		    " created_device, created_at, changed_at) VALUES (?1, ?2,"
		    " ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?12)"
		    " RETURNING id",
		    &s) != 0)
			return CS_ERR_DB;
		if (sdb_bind_text(s, 1, case_id, -1) !=
		    0 ||
		    sdb_bind_text(s, 2, x->child_id, -1) !=
		    0 ||
		    sdb_bind_text(s, 3, ms_type_name(x->type), -1) != 0 ||
		    sdb_bind_text(s, 9, record_id, -1) !=
		    0 ||
		    sdb_bind_int64(s, 10, dev->user.id) != 0 ||
		    sdb_bind_int64(s, 11, dev->id) != 0)
			goto out;
	} else {
		if (store_prepare(st, "UPDATE child_measures SET"
		    " decision_date = ?4, start_date = ?5, end_date = ?6,"
		    " ended_on = ?7, extensions = ?8, record_id ="
		    " CASE WHEN ?9 = '' THEN record_id ELSE ?9 END,"
		    " changed_at = ?12 WHERE id = ?1 AND case_id = ?2",
		    &s) != 0)
			return CS_ERR_DB;
		if (sdb_bind_int64(s, 1, (int64_t)x->id) != 0 ||
		    sdb_bind_text(s, 2, case_id, -1) !=
		    0 ||
		    sdb_bind_text(s, 9, record_id, -1) !=
		    0)
			goto out;
	}
	if (store_bind_date(s, 4, x->decision) != 0 ||
	    store_bind_date(s, 5, x->start) != 0 ||
	    store_bind_date(s, 6, x->end) != 0 ||
	    store_bind_date(s, 7, x->ended_on) != 0 ||
	    sdb_bind_int64(s, 8, x->extensions) != 0 ||
	    sdb_bind_int64(s, 12, now) != 0)
		goto out;
	if (x->id == 0) {
		/* RETURNING: the new row's id, the insert done at this step */
		if (sdb_step(s) != SDB_ROW)
			goto out;
		x->id = (uint64_t)sdb_column_int64(s, 0);
	} else if (sdb_step(s) != SDB_DONE || sdb_changes(st->db) != 1)
		goto out;
	r = 0;
 out:
	return store_done(st, s, r, __func__);
}

static int
sm_lc_same(const struct lc_case *a, const struct lc_case *b)
{
	return a->frame == b->frame && a->state == b->state &&
	    a->state_since == b->state_since &&
	    a->drang_start == b->drang_start &&
	    a->measure_start == b->measure_start &&
	    a->end_date == b->end_date && a->extended == b->extended;
}

void
store_measure_detail(char *dst, size_t dstlen, const struct ms_request *q,
    const struct ms_measure *m, int backdated, int r)
{
	char		 dec[LC_DATE_LEN + 1], from[LC_DATE_LEN + 1];
	char		 to[LC_DATE_LEN + 1];
	const char	*type;
	enum ms_type	 t = m != NULL ? m->type : q->type;
	uint64_t	 id = m != NULL ? m->id : q->measure_id;

	type = ms_type_name(t) != NULL ? ms_type_name(t) : "-";
	lc_date_format(m != NULL ? m->decision : q->decision, dec,
	    sizeof(dec));
	lc_date_format(m != NULL ? m->start : q->start, from, sizeof(from));
	if (q->action == MS_END)
		lc_date_format(m != NULL ? m->ended_on : q->end, to,
		    sizeof(to));
	else
		lc_date_format(m != NULL ? m->end : q->end, to, sizeof(to));
	(void)str_fmt(dst, dstlen, "%s %s m=%llu dec=%s from=%s %s=%s%s%s%s",
	    ms_action_name(q->action) != NULL ? ms_action_name(q->action) :
	    "-", type, (unsigned long long)id, dec, from,
	    q->action == MS_END ? "ended" : "to", to,
	    backdated ? " backdated" : "", r != 0 ? " refused: " : "",
	    r != 0 ? cs_err(r) : "");
}

int
store_measure_change(struct store *st, const struct store_device *dev,
    const char *case_id, const struct ms_request *req, const char *record_id,
    int64_t today, int64_t now, struct audit_entry *e,
    struct store_case_meta *out, struct store_measure_result *res,
    const char **why)
{
	struct store_case_meta	*m = out;
	struct ms_measure	 x;
	struct lc_case		 next;
	char			 detail[2 * AUDIT_STR_MAX];
	size_t			 i;
	int			 r, lead = 0, child = 0;

	*why = NULL;
	memset(res, 0, sizeof(*res));
	if ((r = store_begin(st)) != 0)
		return r;
	/* out doubles as the case before the change: it is reloaded */
	if ((r = store_case_load(st, case_id, m)) != 0) {
		if (r == CS_ERR_NOT_FOUND)
			*why = "no such case";
		goto fail;
	}
	if ((r = store_case_is_lead(st, &dev->user, m->office_id,
	    &lead)) != 0)
		goto fail;
	if (m->regisseur_id != dev->user.id && !lead) {
		*why = "only the case's regisseur or a teamleider of its "
		    "office may register a measure";
		r = CS_ERR_AUTH;
		goto fail;
	}
	/* a closed or closing case first: no measure makes it run again */
	if ((r = ms_case_after(&m->lc, m->measures, m->n_measures,
	    req->action, today, &next, why)) != 0)
		goto fail;
	if (req->action == MS_START) {
		if ((r = sm_child_ok(st, case_id, req->child_id,
		    &child)) != 0)
			goto fail;
		if (!child) {
			*why = "the child must be a person of the case, "
			    "registered with the server";
			r = CS_ERR_NOT_FOUND;
			goto fail;
		}
	}
	if ((r = ms_apply(m->measures, m->n_measures, req, today,
	    m->registered, &x, &res->backdated, why)) != 0)
		goto fail;
	if ((r = sm_write(st, case_id, &x, record_id != NULL ? record_id :
	    "", dev, now)) != 0)
		goto fail;
	res->measure = x;
	/* the measures after the change, for the derivation */
	if (req->action == MS_START) {
		/* newest first: the new one in front (n < MAX: ms_apply) */
		memmove(&m->measures[1], &m->measures[0],
		    m->n_measures * sizeof(m->measures[0]));
		m->measures[0] = x;
		m->n_measures++;
	} else
		for (i = 0; i < m->n_measures; i++)
			if (m->measures[i].id == x.id)
				m->measures[i] = x;
	if ((r = ms_case_after(&m->lc, m->measures, m->n_measures,
	    req->action, today, &next, why)) != 0)
		goto fail;
	res->state_changed = next.state != m->lc.state;
	if (!sm_lc_same(&next, &m->lc)) {
		m->lc = next;
		if ((r = store_case_write(st, m, next.extended ?
		    m->approver_id : 0)) != 0)
			goto fail;
	}
	if (e != NULL) {
		store_measure_detail(detail, sizeof(detail), req, &x,
		    res->backdated, 0);
		audit_set(e->detail, detail);
		if ((r = store_audit_append_in(st, e, 1)) != 0) {
			log_warnx("audit: child_measure entry NOT recorded: "
			    "%s; the measure is not changed", cs_err(r));
			goto fail;
		}
	}
	if ((r = store_commit(st)) != 0)
		goto fail;
	return store_case_load(st, case_id, out);
 fail:
	store_rollback(st);
	return r;
}
