/* SPDX-License-Identifier: ISC */
/*
 * store_approvals.c - approvals (see store_approvals.h).
 *
 * A request and a decision each run in one BEGIN IMMEDIATE transaction
 * (or the caller's): a decision reads the approval, checks who decides,
 * applies the case's change through store_case_apply() (the same rules
 * as every state change) and marks the approval decided, so that two
 * teamleiders deciding at once are serialised and the second is told
 * it was decided.
 */
#include <stdlib.h>
#include <string.h>

#include "sdb.h"

#include "acl.h"
#include "errors.h"
#include "lifecycle.h"
#include "log.h"
#include "measure.h"
#include "store.h"
#include "store_approvals.h"
#include "store_cases.h"
#include "store_int.h"
#include "util.h"

/* The columns store_approval_row() reads, in order. */
#define STORE_APPROVAL_SELECT						\
	"SELECT a.id, a.case_id, a.kind, a.state, a.requested_by,"	\
	" ru.name, rd.name, a.requested_at, a.record_id, a.end_date,"	\
	" coalesce(a.close_reason, ''), coalesce(a.decided_by, 0),"	\
	" coalesce(du.name, ''), coalesce(dd.name, ''),"		\
	" coalesce(a.decided_at, 0),"					\
	" coalesce(a.decision_record_id, ''), c.office_id"		\
	" FROM approvals a JOIN cases c ON c.id = a.case_id"		\
	" JOIN users ru ON ru.id = a.requested_by"			\
	" JOIN devices rd ON rd.id = a.requested_device"		\
	" LEFT JOIN users du ON du.id = a.decided_by"			\
	" LEFT JOIN devices dd ON dd.id = a.decided_device"

/* The teamleiders of the case's office who may decide "kind" now. */
#define STORE_APPROVAL_LEADS						\
	"SELECT ?1, u.id FROM users u WHERE u.office_id = ?2 AND"	\
	" u.role = " ACL_SQL_LEAD " AND u.disabled_at IS NULL AND"	\
	" u.removed_at IS NULL"

const char *
store_approval_role(const char *kind)
{
	return strcmp(kind, "assessment_cosign") == 0 ?
	    "gedragswetenschapper" : "teamleider";
}

static int
store_approval_row(struct sdb_stmt *s, struct store_approval *a)
{
	memset(a, 0, sizeof(*a));
	a->id = sdb_column_int64(s, 0);
	if (store_col_text(s, 1, a->case_id, sizeof(a->case_id)) != 0 ||
	    store_col_text(s, 2, a->kind, sizeof(a->kind)) != 0 ||
	    store_col_text(s, 3, a->state, sizeof(a->state)) != 0 ||
	    store_col_text(s, 5, a->requested_by,
	    sizeof(a->requested_by)) != 0 ||
	    store_col_text(s, 6, a->requested_device,
	    sizeof(a->requested_device)) != 0 ||
	    store_col_text(s, 8, a->record_id, sizeof(a->record_id)) != 0 ||
	    store_col_text(s, 10, a->close_reason,
	    sizeof(a->close_reason)) != 0 ||
	    store_col_text(s, 12, a->decided_by, sizeof(a->decided_by)) != 0 ||
	    store_col_text(s, 13, a->decided_device,
	    sizeof(a->decided_device)) != 0 ||
	    store_col_text(s, 15, a->decision_record_id,
	    sizeof(a->decision_record_id)) != 0)
		return CS_ERR_DB;
	a->requested_by_id = sdb_column_int64(s, 4);
	a->requested_at = sdb_column_int64(s, 7);
	a->end_date = sdb_column_is_null(s, 9) ? LC_NODATE :
	    sdb_column_int64(s, 9);
	a->decided_by_id = sdb_column_int64(s, 11);
	a->decided_at = sdb_column_int64(s, 14);
	a->office_id = sdb_column_int64(s, 16);
	return 0;
}

int
store_approval_get(struct store *st, int64_t id, struct store_approval *out)
{
	struct sdb_stmt	*s = NULL;
	int		 rc, r = CS_ERR_DB;

	memset(out, 0, sizeof(*out));
	if ((r = store_bind(st, STORE_APPROVAL_SELECT " WHERE a.id = ?1", &s,
	    "i", &id, NULL, NULL)) != 0)
		return r;
	r = CS_ERR_DB;
	if ((rc = sdb_step(s)) == SDB_DONE)
		r = CS_ERR_NOT_FOUND;
	else if (rc == SDB_ROW)
		r = store_approval_row(s, out);
	return store_done(st, s, r, __func__);
}

/* *yes = 1 if "u" works in office "office_id". */
static int
store_approval_in_office(struct store *st, const struct store_user *u,
    int64_t office_id, int *yes)
{
	int64_t	n = 0;
	int	r;

	*yes = 0;
	if ((r = store_do(st, "SELECT count(*) FROM offices WHERE id = ?1"
	    " AND name = ?2", &n, "it", &office_id,
	    (const char *const[]){ u->office })) != 0)
		return r;
	*yes = n > 0;
	return 0;
}

/* *n = 1 if user "uid" is a member of case "case_id" (any access). */
static int
store_approval_member(struct store *st, int64_t uid, const char *case_id,
    int64_t *n)
{
	return store_do(st, "SELECT count(*) FROM case_members WHERE"
	    " user_id = ?1 AND case_id = ?2", n, "it", &uid,
	    (const char *const[]){ case_id });
}

/*
 * Would the case take the change an approval of "in" makes?  Checked
 * when it is asked, so that a request that cannot be granted is refused
 * at once; the decision checks again.
 */
static int
store_approval_dry(const struct store_case_meta *m,
    const struct store_approval_ask *in, int64_t today, const char **why)
{
	struct lc_change	q;
	struct lc_case		next;

	memset(&q, 0, sizeof(q));
	q.effective = q.end = LC_NODATE;
	q.has_reason = q.approved = 1;
	if (strcmp(in->kind, "drang_extension") == 0) {
		q.to = LC_DRANG_VERVOLG;
		q.end = in->end_date;
		if (m->lc.drang_start != LC_NODATE && in->end_date <=
		    lc_add_months(m->lc.drang_start, LC_DRANG_MONTHS)) {
			*why = "an end within 3 months of the drang start "
			    "needs no approval: set it with `casesync case "
			    "state`";
			return CS_ERR_STATE;
		}
	} else {
		q.to = LC_AFSLUITING;
		if (ms_any_running(m->measures, m->n_measures, today)) {
			*why = "a measure of a child still runs: end it before "
			    "the case is closed";
			return CS_ERR_RUNNING;
		}
	}
	return lc_apply(&m->lc, &q, today, &next, why);
}

/* The request's own checks by kind, in the open transaction. */
static int
store_approval_check(struct store *st, const struct store_case_meta *m,
    const struct store_approval_ask *in, int64_t today, const char **why)
{
	int64_t	n = 0;
	int	r;

	if (strcmp(in->kind, "assessment_cosign") != 0)
		return store_approval_dry(m, in, today, why);
	if ((r = store_do(st, "SELECT count(*) FROM records WHERE"
	    " record_id = ?1 AND case_id = ?2 AND kind = 'assessment' AND"
	    " deleted = 0", &n, "tt", NULL, (const char *const[]){
	    in->record_id, in->case_id })) != 0)
		return r;
	if (n == 0) {
		*why = "no such assessment in this case on the server: sync "
		    "first";
		return CS_ERR_NOT_FOUND;
	}
	if ((r = store_do(st, "SELECT count(*) FROM approvals WHERE"
	    " kind = 'assessment_cosign' AND record_id = ?1 AND state ="
	    " 'approved'", &n, "t", NULL, (const char *const[]){
	    in->record_id })) != 0)
		return r;
	if (n > 0) {
		*why = "this assessment is co-signed already";
		return CS_ERR_EXISTS;
	}
	return 0;
}

/*
 * While a request for a teamleider waits, the teamleiders of the office
 * who are not members become read-only members: their laptops then
 * receive the request's record.  They hold the case's key already
 * (docs/E2E.md), so no one reads what she could not decrypt before.
 */
static int
store_approval_hold(struct store *st, const struct store_approval *a,
    int64_t office_id)
{
	int64_t	seq;
	int	r;

	if (strcmp(store_approval_role(a->kind), "teamleider") != 0)
		return 0;
	if ((r = store_do(st, "INSERT INTO approval_holds(approval_id,"
	    " user_id) " STORE_APPROVAL_LEADS " AND u.id != ?3 AND NOT"
	    " EXISTS (SELECT 1 FROM case_members m WHERE m.case_id = ?4 AND"
	    " m.user_id = u.id)", NULL, "iiit", (const int64_t[]){ a->id,
	    office_id, a->requested_by_id }, (const char *const[]){
	    a->case_id })) != 0)
		return r;
	if (store_changes(st) == 0)
		return 0;		/* every teamleider is a member */
	if ((r = store_seq_next(st, &seq)) != 0 ||
	    (r = store_do(st, "INSERT INTO case_members(user_id, case_id,"
	    " granted_seq, read_only) SELECT user_id, ?2, ?3, 1 FROM"
	    " approval_holds WHERE approval_id = ?1", NULL, "iti",
	    (const int64_t[]){ a->id, seq }, (const char *const[]){
	    a->case_id })) != 0)
		return r;
	/* a pending purge is moot once access is back */
	return store_do(st, "DELETE FROM purges WHERE case_id = ?2 AND"
	    " receipt_at IS NULL AND device_id IN (SELECT d.id FROM devices d"
	    " JOIN approval_holds h ON h.user_id = d.user_id WHERE"
	    " h.approval_id = ?1)", NULL, "it", &a->id,
	    (const char *const[]){ a->case_id });
}

/*
 * The decision ends the holds of approval "a" (but those another
 * waiting request of the case holds too): the membership goes, unless
 * it became a real one, and every device of those users purges the
 * case (with a receipt, as after a removal).
 */
static int
store_approval_release(struct store *st, const struct store_approval *a)
{
	static const char who[] = "SELECT h.user_id FROM approval_holds h"
	    " JOIN case_members m ON m.user_id = h.user_id AND m.case_id = ?2"
	    " AND m.read_only = 1 WHERE h.approval_id = ?1 AND NOT EXISTS"
	    " (SELECT 1 FROM approval_holds h2 JOIN approvals a2 ON a2.id ="
	    " h2.approval_id WHERE h2.user_id = h.user_id AND a2.case_id ="
	    " ?2 AND a2.state = 'waiting' AND a2.id != ?1)";
	char	sql[1024];
	int64_t	seq, n = 0;
	int	r;

	if ((r = store_do(st, "SELECT count(*) FROM approval_holds WHERE"
	    " approval_id = ?1", &n, "i", &a->id, NULL)) != 0)
		return r;
	if (n == 0)
		return 0;
	if ((r = store_seq_next(st, &seq)) != 0)
		return r;
	(void)str_fmt(sql, sizeof(sql), "INSERT INTO purges(device_id,"
	    " case_id, created_seq) SELECT id, ?2, ?3 FROM devices WHERE"
	    " revoked_at IS NULL AND user_id IN (%s) ON CONFLICT(device_id, case_id) DO UPDATE"
	    " SET created_seq = ?3, receipt_at = NULL, records_deleted ="
	    " NULL", who);
	if ((r = store_do(st, sql, NULL, "iti", (const int64_t[]){ a->id,
	    seq }, (const char *const[]){ a->case_id })) != 0)
		return r;
	(void)str_fmt(sql, sizeof(sql), "DELETE FROM case_members WHERE"
	    " case_id = ?2 AND user_id IN (%s)", who);
	return store_do(st, sql, NULL, "it", &a->id,
	    (const char *const[]){ a->case_id });
}

int
store_approval_request(struct store *st, const struct store_device *dev,
    const struct store_approval_ask *in, int64_t now, int64_t today,
    struct store_approval *out, const char **why)
{
	struct store_case_meta	 m;
	const char		*dummy;
	int64_t			 id = 0, end = in->end_date;
	int			 r;

	if (why == NULL)
		why = &dummy;
	*why = NULL;
	memset(out, 0, sizeof(*out));
	if ((r = store_begin(st)) != 0)
		return r;
	if ((r = store_case_meta_get(st, &dev->user, in->case_id,
	    &m)) != 0) {
		*why = r == CS_ERR_NOT_FOUND ? "no such case" :
		    r == CS_ERR_AUTH ? "only a member of the case or a "
		    "teamleider of its office asks for an approval" : NULL;
		goto fail;
	}
	if ((r = store_approval_check(st, &m, in, today, why)) != 0 ||
	    (r = store_do(st, "SELECT count(*) FROM approvals WHERE"
	    " case_id = ?1 AND kind = ?2 AND state = 'waiting'", &id, "tt",
	    NULL, (const char *const[]){ in->case_id, in->kind })) != 0)
		goto fail;
	if (id > 0) {
		*why = "a request of this kind waits for this case already";
		r = CS_ERR_EXISTS;
		goto fail;
	}
	r = store_do(st, "INSERT INTO approvals(case_id, kind,"
	    " requested_by, requested_device, requested_at, record_id,"
	    " end_date, close_reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6,"
	    " nullif(?7, -1), nullif(?8, '')) RETURNING id", &id, "ttiiitit",
	    (const int64_t[]){ dev->user.id, dev->id, now,
	    end == LC_NODATE ? -1 : end }, (const char *const[]){ in->case_id,
	    in->kind, in->record_id, in->close_reason });
	if (r == CS_ERR_EXISTS)
		*why = "a request of this kind waits for this case already";
	if (r != 0 || (r = store_approval_get(st, id, out)) != 0 ||
	    (r = store_approval_hold(st, out, m.office_id)) != 0 ||
	    (r = store_commit(st)) != 0)
		goto fail;
	return 0;
 fail:
	store_rollback(st);
	memset(out, 0, sizeof(*out));
	return r;
}

/* May "dev"'s user decide "a"?  0, or SELF / AUTH with *why. */
static int
store_approval_may_decide(struct store *st, const struct store_device *dev,
    const struct store_approval *a, const char **why)
{
	int64_t	n = 0;
	int	r, yes = 0;

	if (a->requested_by_id == dev->user.id) {
		*why = "you asked for this approval yourself: another user "
		    "of the required role decides it";
		return CS_ERR_SELF;
	}
	if ((r = store_approval_in_office(st, &dev->user, a->office_id,
	    &yes)) != 0)
		return r;
	if (strcmp(store_approval_role(a->kind), "teamleider") == 0) {
		if (!yes || !acl_may_lead(dev->user.role_id)) {
			*why = "only a teamleider of the case's office decides "
			    "this";
			return CS_ERR_AUTH;
		}
		return 0;
	}
	if (yes && dev->user.role_id == ROLE_GEDRAGSWETENSCHAPPER &&
	    (r = store_approval_member(st, dev->user.id, a->case_id,
	    &n)) != 0)
		return r;
	if (!yes || dev->user.role_id != ROLE_GEDRAGSWETENSCHAPPER ||
	    n == 0) {
		*why = "only a gedragswetenschapper of the case's office who "
		    "is a member of the case co-signs";
		return CS_ERR_AUTH;
	}
	return 0;
}

/* An approved extension or closing: the case's change, as the rules say. */
static int
store_approval_apply(struct store *st, const struct store_device *dev,
    const struct store_approval *a, int64_t today, const char **why)
{
	struct store_case_meta	m;
	struct lc_change	q;

	memset(&q, 0, sizeof(q));
	q.effective = q.end = LC_NODATE;
	q.has_reason = 1;
	if (strcmp(a->kind, "drang_extension") == 0) {
		q.to = LC_DRANG_VERVOLG;
		q.end = a->end_date;
		return store_case_apply(st, a->case_id, &q, dev->user.id,
		    today, &m, why);
	}
	q.to = LC_AFSLUITING;
	return store_case_apply(st, a->case_id, &q, dev->user.id, today, &m,
	    why);
}

int
store_approval_decide(struct store *st, const struct store_device *dev,
    int64_t id, int approve, const char *record_id, int64_t now,
    int64_t today, struct store_approval *out, int *case_refused,
    const char **why)
{
	struct store_approval	 a;
	const char		*dummy;
	int			 r;

	if (why == NULL)
		why = &dummy;
	*why = NULL;
	*case_refused = 0;
	memset(out, 0, sizeof(*out));
	if ((r = store_begin(st)) != 0)
		return r;
	if ((r = store_approval_get(st, id, &a)) != 0) {
		if (r == CS_ERR_NOT_FOUND)
			*why = "no such approval";
		goto fail;
	}
	if (strcmp(a.state, "waiting") != 0) {
		*why = "this approval has been decided already";
		r = CS_ERR_STATE;
		goto fail;
	}
	if ((r = store_approval_may_decide(st, dev, &a, why)) != 0)
		goto fail;
	if (strcmp(record_id, a.record_id) == 0) {
		*why = "the decision needs a record of its own";
		r = CS_ERR_EXISTS;
		goto fail;
	}
	if (approve && strcmp(a.kind, "assessment_cosign") != 0) {
		if ((r = store_approval_apply(st, dev, &a, today, why)) != 0) {
			*case_refused = 1;
			goto fail;
		}
		if (strcmp(a.kind, "case_close") == 0 &&
		    (r = store_do(st, "UPDATE cases SET close_reason = ?1"
		    " WHERE id = ?2", NULL, "tt", NULL, (const char *const[]){
		    a.close_reason, a.case_id })) != 0)
			goto fail;
	}
	r = store_do(st, "UPDATE approvals SET state = ?2, decided_by = ?3,"
	    " decided_device = ?4, decided_at = ?5, decision_record_id = ?6"
	    " WHERE id = ?1 AND state = 'waiting'", NULL, "itiiit",
	    (const int64_t[]){ id, dev->user.id, dev->id, now },
	    (const char *const[]){ approve ? "approved" : "refused",
	    record_id });
	if (r == CS_ERR_EXISTS)
		*why = "the record names another decision already";
	if (r != 0 || (r = store_approval_release(st, &a)) != 0 ||
	    (r = store_commit(st)) != 0)
		goto fail;
	return store_approval_get(st, id, out);
 fail:
	store_rollback(st);
	return r;
}

int
store_approval_list(struct store *st, const struct store_user *u,
    const char *case_id, int for_me, size_t max,
    int (*cb)(const struct store_approval *, void *), void *arg, int *more)
{
	struct store_approval	 a;
	struct sdb_stmt		*s = NULL;
	size_t			 n = 0;
	int64_t			 ints[4];
	int			 rc, r;

	*more = 0;
	if (max == 0 || max > INT32_MAX)
		return CS_ERR_INTERNAL;
	ints[0] = u->id;
	ints[1] = acl_may_lead(u->role_id);
	ints[2] = u->role_id == ROLE_GEDRAGSWETENSCHAPPER;
	ints[3] = (int64_t)max + 1;
	/*
	 * ?1 user, ?2 leads, ?3 gedragswetenschapper, ?4 limit, ?5 her
	 * office, ?6 case ("": any), ?7 only those for her to decide.
	 */
	if ((r = store_bind(st, STORE_APPROVAL_SELECT " WHERE (?6 = '' OR"
	    " a.case_id = ?6) AND CASE WHEN ?7 THEN a.state = 'waiting' AND"
	    " a.requested_by != ?1 AND c.office_id = (SELECT id FROM offices"
	    " WHERE name = ?5) AND ((a.kind != 'assessment_cosign' AND ?2) OR"
	    " (a.kind = 'assessment_cosign' AND ?3 AND EXISTS (SELECT 1 FROM"
	    " case_members m WHERE m.case_id = a.case_id AND m.user_id ="
	    " ?1))) ELSE EXISTS (SELECT 1 FROM case_members m WHERE"
	    " m.case_id = a.case_id AND m.user_id = ?1) OR (?2 AND"
	    " c.office_id = (SELECT id FROM offices WHERE name = ?5)) END"
	    " ORDER BY a.id LIMIT ?4", &s, "iiiitti", (const int64_t[]){
	    ints[0], ints[1], ints[2], ints[3], for_me != 0 },
	    (const char *const[]){ u->office, case_id }, NULL)) != 0)
		return r;
	r = CS_ERR_DB;
	while ((rc = sdb_step(s)) == SDB_ROW) {
		if (n == max) {
			*more = 1;
			break;
		}
		if ((r = store_approval_row(s, &a)) != 0 ||
		    (r = cb(&a, arg)) != 0)
			goto out;
		n++;
	}
	r = rc == SDB_ROW || rc == SDB_DONE ? 0 : CS_ERR_DB;
 out:
	return store_done(st, s, r, __func__);
}

int
store_approval_may_push(struct store *st, int64_t user_id,
    const char *case_id, const char *record_id, int *yes)
{
	int64_t	n = 0;
	int	r;

	*yes = 0;
	if ((r = store_do(st, "SELECT count(*) FROM approvals WHERE"
	    " case_id = ?2 AND ((record_id = ?3 AND requested_by = ?1) OR"
	    " (decision_record_id = ?3 AND decided_by = ?1)) AND NOT EXISTS"
	    " (SELECT 1 FROM records WHERE record_id = ?3)", &n, "itt",
	    &user_id, (const char *const[]){ case_id, record_id })) != 0)
		return r;
	*yes = n > 0;
	return 0;
}
