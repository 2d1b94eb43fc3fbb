/* SPDX-License-Identifier: ISC */
/*
 * store_cases.c - lifecycle metadata of cases (see store_cases.h).
 *
 * A state change reads the case, checks the actor and the approver,
 * lets lifecycle.c decide, and writes the result, all inside one
 * BEGIN IMMEDIATE transaction: two devices changing the same case at
 * once are serialised, and the second sees the first one's state.
 */
#include <stdlib.h>
#include <string.h>

#include "sdb.h"

#include "acl.h"
#include "errors.h"
#include "lifecycle.h"
#include "log.h"
#include "store.h"
#include "store_cases.h"
#include "store_int.h"
#include "store_measures.h"

/* The columns store_case_row() reads, in order. */
#define STORE_CASE_SELECT						\
	"SELECT c.frame, c.state, c.state_since, c.created_at,"		\
	" c.drang_start, c.measure_start, c.end_date, c.extended,"	\
	" c.office_id, (SELECT m.user_id FROM case_members m WHERE"	\
	" m.case_id = c.id AND m.user_id = c.regisseur_id), u.name,"	\
	" c.approved_by, coalesce((SELECT ru.name FROM case_members m"	\
	" JOIN users ru ON ru.id = m.user_id WHERE m.case_id = c.id AND"	\
	" m.user_id = c.regisseur_id), ''), c.close_reason, c.closed_on,"	\
	" c.retention_until FROM cases c"				\
	" LEFT JOIN users u ON u.id = c.approved_by WHERE c.id = ?1"

int64_t
store_col_date(struct sdb_stmt *s, int col)
{
	if (sdb_column_is_null(s, col))
		return LC_NODATE;
	return sdb_column_int64(s, col);
}

int
store_bind_date(struct sdb_stmt *s, int i, int64_t d)
{
	return d == LC_NODATE ? sdb_bind_null(s, i) :
	    sdb_bind_int64(s, i, d);
}

int
store_case_load(struct store *st, const char *case_id,
    struct store_case_meta *m)
{
	struct sdb_stmt	*s = NULL;
	char		 frame[16], state[32];
	int		 rc, r = CS_ERR_DB;

	memset(m, 0, sizeof(*m));
	if (strlen(case_id) != STORE_UUID_LEN)
		return CS_ERR_NOT_FOUND;
	memcpy(m->case_id, case_id, STORE_UUID_LEN + 1);
	if (store_prepare(st, STORE_CASE_SELECT, &s) != 0)
		return CS_ERR_DB;
	if (sdb_bind_text(s, 1, case_id, -1) != 0)
		goto out;
	if ((rc = sdb_step(s)) == SDB_DONE) {
		r = CS_ERR_NOT_FOUND;
		goto out;
	}
	if (rc != SDB_ROW ||
	    store_col_text(s, 0, frame, sizeof(frame)) != 0 ||
	    store_col_text(s, 1, state, sizeof(state)) != 0 ||
	    store_col_text(s, 10, m->approved_by,
	    sizeof(m->approved_by)) != 0 ||
	    store_col_text(s, 12, m->regisseur, sizeof(m->regisseur)) != 0 ||
	    store_col_text(s, 13, m->close_reason,
	    sizeof(m->close_reason)) != 0)
		goto out;
	if (lc_frame_parse(frame, &m->lc.frame) != 0 ||
	    lc_state_parse(state, &m->lc.state) != 0) {
		log_warnx("store: case %s: bad frame or state in the database",
		    case_id);
		goto out;
	}
	m->lc.state_since = store_col_date(s, 2);
	if (m->lc.state_since == LC_NODATE)
		m->lc.state_since = lc_date_from_time(
		    sdb_column_int64(s, 3));
	m->lc.drang_start = store_col_date(s, 4);
	m->lc.measure_start = store_col_date(s, 5);
	m->lc.end_date = store_col_date(s, 6);
	m->lc.extended = (int)sdb_column_int64(s, 7) != 0;
	m->office_id = sdb_column_int64(s, 8);
	m->regisseur_id = sdb_column_int64(s, 9);
	m->approver_id = sdb_column_int64(s, 11);	/* NULL: 0 */
	m->closed_on = store_col_date(s, 14);
	m->retention_until = store_col_date(s, 15);
	m->registered = lc_date_from_time(sdb_column_int64(s, 3));
	r = 0;
 out:
	r = store_done(st, s, r, __func__);
	if (r == 0)
		r = store_measures_load(st, m);
	return r;
}

/*
 * Step a one-row query with an int64 and a text parameter; *found is
 * set when it yields a row, *val to column 0.
 */
static int
store_case_query(struct store *st, const char *sql, int64_t i1,
    const char *t2, int *found, int64_t *val)
{
	struct sdb_stmt	*s = NULL;
	int		 rc, r = CS_ERR_DB;

	*found = 0;
	if (val != NULL)
		*val = 0;
	if (store_prepare(st, sql, &s) != 0)
		return CS_ERR_DB;
	if (sdb_bind_int64(s, 1, i1) != 0 ||
	    sdb_bind_text(s, 2, t2, -1) != 0)
		goto out;
	if ((rc = sdb_step(s)) == SDB_ROW) {
		*found = 1;
		if (val != NULL)
			*val = sdb_column_int64(s, 0);
	} else if (rc != SDB_DONE)
		goto out;
	r = 0;
 out:
	return store_done(st, s, r, __func__);
}

int
store_case_is_lead(struct store *st, const struct store_user *u,
    int64_t office_id, int *yes)
{
	*yes = 0;
	if (!acl_may_lead(u->role_id))
		return 0;
	return store_case_query(st, "SELECT 1 FROM offices WHERE id = ?1"
	    " AND name = ?2", office_id, u->office, yes, NULL);
}

int
store_case_meta_get(struct store *st, const struct store_user *actor,
    const char *case_id, struct store_case_meta *out)
{
	int	r, ok = 0;

	if ((r = store_case_load(st, case_id, out)) != 0)
		return r;
	if ((r = store_case_is_lead(st, actor, out->office_id, &ok)) != 0)
		return r;
	if (!ok && (r = store_case_query(st, "SELECT 1 FROM case_members"
	    " WHERE user_id = ?1 AND case_id = ?2", actor->id, case_id, &ok,
	    NULL)) != 0)
		return r;
	return ok ? 0 : CS_ERR_AUTH;
}

int
store_case_write(struct store *st, const struct store_case_meta *m,
    int64_t approver)
{
	struct sdb_stmt	*s = NULL;
	int		 r = CS_ERR_DB;

	if (store_prepare(st, "UPDATE cases SET frame = ?2, state = ?3,"
	    " state_since = ?4, drang_start = ?5, measure_start = ?6,"
	    " end_date = ?7, extended = ?8, approved_by = ?9 WHERE id = ?1",
	    &s) != 0)
		return CS_ERR_DB;
	if (sdb_bind_text(s, 1, m->case_id, -1) !=
	    0 ||
	    sdb_bind_text(s, 2, lc_frame_name(m->lc.frame), -1) != 0 ||
	    sdb_bind_text(s, 3, lc_state_name(m->lc.state), -1) != 0 ||
	    store_bind_date(s, 4, m->lc.state_since) != 0 ||
	    store_bind_date(s, 5, m->lc.drang_start) != 0 ||
	    store_bind_date(s, 6, m->lc.measure_start) != 0 ||
	    store_bind_date(s, 7, m->lc.end_date) != 0 ||
	    sdb_bind_int64(s, 8, m->lc.extended != 0) != 0 ||
	    (approver > 0 ? sdb_bind_int64(s, 9, approver) :
	    sdb_bind_null(s, 9)) != 0)
		goto out;
	if (sdb_step(s) != SDB_DONE || sdb_changes(st->db) != 1)
		goto out;
	r = 0;
 out:
	return store_done(st, s, r, __func__);
}

/* The change in the open transaction: load, lc_apply(), write. */
static int
store_case_apply_tx(struct store *st, const char *case_id,
    const struct lc_change *req, int64_t approver, int64_t today,
    const char **why)
{
	struct store_case_meta	m;
	struct lc_change	q = *req;
	struct lc_case		next;
	int64_t			keep = 0;
	int			r;

	if ((r = store_case_load(st, case_id, &m)) != 0) {
		if (r == CS_ERR_NOT_FOUND)
			*why = "no such case";
		return r;
	}
	q.approved = approver != 0;
	if ((r = lc_apply(&m.lc, &q, today, &next, why)) != 0)
		return r;
	/* the case closes only when no measure of a child runs */
	if (q.to == LC_AFSLUITING &&
	    ms_any_running(m.measures, m.n_measures, today)) {
		*why = "a measure of a child still runs: end it before the "
		    "case is closed";
		return CS_ERR_RUNNING;
	}
	/*
	 * Record who approved the drang end the case now has: a new
	 * extension names its approver, an unchanged one keeps it.
	 */
	if (next.extended)
		keep = q.end != LC_NODATE || !m.lc.extended ? approver :
		    m.approver_id;
	m.lc = next;
	return store_case_write(st, &m, keep);
}

int
store_case_apply(struct store *st, const char *case_id,
    const struct lc_change *req, int64_t approver, int64_t today,
    struct store_case_meta *out, const char **why)
{
	int	r;

	*why = NULL;
	memset(out, 0, sizeof(*out));
	/* inside a transaction of the store's own caller: its part */
	if (!st->owned && sdb_in_tx(st->db)) {
		if ((r = store_case_apply_tx(st, case_id, req, approver, today,
		    why)) != 0)
			return r;
		return store_case_load(st, case_id, out);
	}
	if ((r = store_begin(st)) != 0)
		return r;
	if ((r = store_case_apply_tx(st, case_id, req, approver, today,
	    why)) != 0 || (r = store_commit(st)) != 0)
		goto fail;
	return store_case_load(st, case_id, out);
 fail:
	store_rollback(st);
	return r;
}

int
store_case_change(struct store *st, const struct store_user *actor,
    const char *case_id, const struct lc_change *req,
    const char *approved_by, int64_t today, struct store_case_meta *out,
    const char **why)
{
	struct store_case_meta	m;
	int			r, lead = 0;

	*why = NULL;
	memset(out, 0, sizeof(*out));
	if ((r = store_begin(st)) != 0)
		return r;
	if ((r = store_case_load(st, case_id, &m)) != 0) {
		if (r == CS_ERR_NOT_FOUND)
			*why = "no such case";
		goto fail;
	}
	if ((r = store_case_is_lead(st, actor, m.office_id, &lead)) != 0)
		goto fail;
	if (m.regisseur_id != actor->id && !lead) {
		*why = "only the case's regisseur or a teamleider of its "
		    "office may change its state";
		r = CS_ERR_AUTH;
		goto fail;
	}
	/*
	 * An approval is an act of the approver on her own device
	 * (store_approvals.c), never a name typed by the one who asks.
	 */
	if (approved_by != NULL && approved_by[0] != '\0') {
		*why = "an approval is not typed: ask for it with `casesync "
		    "case extend`; a teamleider approves on her own laptop";
		r = CS_ERR_APPROVAL;
		goto fail;
	}
	if (req->to == LC_AFSLUITING) {
		*why = "closing needs a teamleider's approval: ask for it "
		    "with `casesync case close`";
		r = CS_ERR_APPROVAL;
		goto fail;
	}
	if ((r = store_case_apply_tx(st, case_id, req, 0, today,
	    why)) != 0) {
		if (r == CS_ERR_APPROVAL)
			*why = "a drang end more than 3 months after its start "
			    "needs a teamleider's approval: ask for it with "
			    "`casesync case extend`";
		goto fail;
	}
	if ((r = store_commit(st)) != 0)
		goto fail;
	return store_case_load(st, case_id, out);
 fail:
	store_rollback(st);
	return r;
}

int
store_case_list(struct store *st, const struct store_user *actor,
    const char *after, size_t max,
    int (*cb)(const struct store_case_meta *, void *), void *arg, int *more)
{
	struct store_case_meta	 m;
	struct sdb_stmt		*s = NULL;
	char			(*ids)[STORE_UUID_LEN + 1] = NULL;
	size_t			 i, n = 0;
	int			 rc, r = CS_ERR_DB;

	*more = 0;
	if (max == 0)
		return CS_ERR_INTERNAL;
	if ((ids = calloc(max, sizeof(*ids))) == NULL)
		return CS_ERR_ALLOC;
	/* ids first: each case is then read with the one loader */
	if (store_prepare(st, "SELECT c.id FROM cases c WHERE c.id > ?1 AND"
	    " ((?2 AND c.state != 'GESLOTEN' AND c.office_id ="
	    " (SELECT id FROM offices WHERE name = ?3)) OR c.id IN (SELECT"
	    " case_id FROM case_members WHERE user_id = ?4))"
	    " ORDER BY c.id LIMIT ?5", &s) != 0)
		goto out;
	if (sdb_bind_text(s, 1, after, -1) != 0 ||
	    sdb_bind_int64(s, 2, acl_may_lead(actor->role_id)) !=
	    0 ||
	    sdb_bind_text(s, 3, actor->office, -1) !=
	    0 ||
	    sdb_bind_int64(s, 4, actor->id) != 0 ||
	    sdb_bind_int64(s, 5, (int64_t)max + 1) != 0)
		goto out;
	while ((rc = sdb_step(s)) == SDB_ROW) {
		if (n == max) {
			*more = 1;
			break;
		}
		if (store_col_text(s, 0, ids[n], sizeof(ids[n])) != 0)
			goto out;
		n++;
	}
	if (rc != SDB_ROW && rc != SDB_DONE)
		goto out;
	sdb_finalize(s);
	s = NULL;
	for (i = 0; i < n; i++) {
		if ((r = store_case_load(st, ids[i], &m)) != 0 ||
		    (r = cb(&m, arg)) != 0)
			goto out;
	}
	r = 0;
 out:
	if (r == CS_ERR_DB)
		store_log(st, __func__);
	sdb_finalize(s);
	free(ids);
	return r;
}
