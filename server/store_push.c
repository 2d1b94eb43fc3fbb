/* SPDX-License-Identifier: ISC */
/*
 * store_push.c - a push: the changes of a batch checked and applied in
 * one transaction (DESIGN §5; the contract is store.h's store_push).
 * Each change: its change id seen before (a replay), the pusher's
 * membership and the case's state, the record's current version (a
 * conflict), then the record and its change id written at the next seq.
 *
 * Round trips (PostgreSQL, DESIGN §11): the statements go in libpq's
 * pipeline mode (sdb_send, sdb_put).  The reads of every change of the
 * batch are sent at once when no two changes share a change id or a
 * record, the writes without waiting; the store waits only where it
 * needs an answer, so a batch of 500 costs a handful of round trips,
 * not eight per change.  What a case's membership and state are is read
 * once per case of a batch (a push writes neither).  SQLite, in the
 * server's own process, runs each statement as it comes.
 *
 * Statements of many rows (PostgreSQL; store_push_batch.h): when no
 * two changes share a change id or a record, each change's reads are
 * those of K changes in one statement (WHERE ... IN), and the changes
 * the rules apply are written K rows per INSERT, in seq order, before
 * any rule that reads more of the database and at the end; the rules
 * are the same code (store_apply_one).  PostgreSQL's executor costs
 * per statement: 4 statements a record become 4 per K records.
 */
#include <stdlib.h>
#include <string.h>

#include "sdb.h"

#include "errors.h"
#include "log.h"
#include "record.h"
#include "store.h"
#include "store_int.h"
#include "store_approvals.h"
#include "store_late.h"
#include "store_push_batch.h"
#include "store_restore.h"

enum {
	Q_CHANGE_GET,
	Q_CHANGE_PUT,
	Q_MEMBER_GET,
	Q_RECORD_GET,
	Q_RECORD_PUT,
	Q_CASE_CLOSED,
	Q_PUSH_MAX
};
_Static_assert(STORE_STMT_PUSH + Q_PUSH_MAX <= STORE_STMT_MAX,
    "room for the push's statements");

static const char *const push_sql[Q_PUSH_MAX] = {
	/*
	 * Change ids are deduplicated per device: the applied change of
	 * that id, or a held one of another device (store_late.c).
	 */
	[Q_CHANGE_GET] = "SELECT version, device_id FROM changes"
	    " WHERE change_id = ?1 UNION ALL SELECT 0, device_id"
	    " FROM held_changes WHERE change_id = ?1 AND device_id != ?2",
	[Q_CHANGE_PUT] = "INSERT INTO changes(change_id, device_id,"
	    " record_id, version, at) VALUES (?1, ?2, ?3, ?4, ?5)",
	[Q_MEMBER_GET] = "SELECT read_only FROM case_members"
	    " WHERE user_id = ?1 AND case_id = ?2",
	[Q_RECORD_GET] = "SELECT record_id, case_id, kind, version, deleted,"
	    " key_epoch, body, author_device, hlc, created_device,"
	    " created_at, changed_at FROM records WHERE record_id = ?1",
	[Q_RECORD_PUT] = "INSERT INTO records(record_id, case_id, kind,"
	    " version, deleted, key_epoch, body, author_device, hlc,"
	    " created_device, created_at, changed_at)"
	    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?8, ?10, ?10)"
	    " ON CONFLICT(record_id) DO UPDATE SET version = ?4,"
	    " deleted = ?5, key_epoch = ?6, body = ?7, author_device = ?8,"
	    " hlc = ?9, changed_at = ?10",
	[Q_CASE_CLOSED] = "SELECT 1 FROM cases WHERE id = ?1"
	    " AND state = 'GESLOTEN'",
};

/* A cached, reset statement for query "q". */
static struct sdb_stmt *
store_stmt(struct store *st, int q)
{
	return store_cached(st, STORE_STMT_PUSH + q, push_sql[q]);
}

/*
 * The reads of change "c" (store_apply_one), bound and sent together
 * (sdb_send): on PostgreSQL one round trip with the writes of the
 * change before, where one each would be five.  Each is stepped only if
 * the rules get to it; on SQLite only those run.
 */
enum { R_SEEN, R_MEMBER, R_CLOSED, R_RECORD, R_MAX };

static const int	store_reads[R_MAX] = { Q_CHANGE_GET, Q_MEMBER_GET,
			    Q_CASE_CLOSED, Q_RECORD_GET };

/*
 * What a push learns of a case once (membership and GESLOTEN are not
 * written by a push): -1 not yet asked.
 */
struct store_memo {
	int	m;		/* store_member() */
	int	closed;		/* store_case_closed() */
};

/*
 * Bind and send the reads q[] of change "c"; "cs": those of its case
 * too (not when an earlier change of the batch has the same case).
 */
static int
store_apply_send(int64_t user_id, int64_t device_id,
    const struct store_change *c, int cs, struct sdb_stmt *q[R_MAX])
{
	const struct store_record	*in = &c->rec;
	int				 i, r;

	if (sdb_bind_text(q[R_SEEN], 1, c->change_id, -1) != 0 ||
	    sdb_bind_int64(q[R_SEEN], 2, device_id) != 0 ||
	    sdb_bind_int64(q[R_MEMBER], 1, user_id) != 0 ||
	    sdb_bind_text(q[R_MEMBER], 2, in->case_id, -1) != 0 ||
	    sdb_bind_text(q[R_CLOSED], 1, in->case_id, -1) != 0 ||
	    sdb_bind_text(q[R_RECORD], 1, in->record_id, -1) != 0)
		return CS_ERR_DB;
	for (i = 0; i < R_MAX; i++)
		if ((cs || (i != R_MEMBER && i != R_CLOSED)) &&
		    (r = sdb_send(q[i])) != 0)
			return r;
	return 0;
}

/*
 * first[i]: the first change of the batch in the case of change i (the
 * one whose store_memo it shares).  Batches come a case at a time.
 */
static void
store_case_first(const struct store_change *chs, size_t n, size_t *first)
{
	size_t	i, j;

	for (i = 0; i < n; i++) {
		first[i] = i;
		if (i > 0 && strcmp(chs[i].rec.case_id,
		    chs[i - 1].rec.case_id) == 0) {
			first[i] = first[i - 1];
			continue;
		}
		for (j = 0; j < i; j++)
			if (first[j] == j && strcmp(chs[i].rec.case_id,
			    chs[j].rec.case_id) == 0) {
				first[i] = j;
				break;
			}
	}
}

/* The reads of one change, on the cached statements. */
static int
store_apply_reads(struct store *st, int64_t user_id, int64_t device_id,
    const struct store_change *c, struct sdb_stmt *q[R_MAX])
{
	int	i;

	for (i = 0; i < R_MAX; i++)
		if ((q[i] = store_stmt(st, store_reads[i])) == NULL)
			return CS_ERR_DB;
	return store_apply_send(user_id, device_id, c, 1, q);
}

static int
store_strp_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* 1 if no two of the n strings are the same (sorts them). */
static int
store_distinct(const char **tmp, size_t n)
{
	size_t	i;

	qsort(tmp, n, sizeof(*tmp), store_strp_cmp);
	for (i = 1; i < n; i++)
		if (strcmp(tmp[i - 1], tmp[i]) == 0)
			return 0;
	return 1;
}

/*
 * PostgreSQL: the reads of every change of the batch sent at once,
 * before any is applied (statements of their own, *out: n * R_MAX), so
 * the batch costs a round trip per SDB_PIPE_MAX statements instead of
 * one per change.  Only when it changes nothing: no two changes of the
 * batch share a change id or a record (a later one's reads would not
 * see the earlier one's writes; membership and case state are not
 * written by a push).  *out NULL: each change reads for itself.
 */
static int
store_push_prefetch(struct store *st, int64_t user_id, int64_t device_id,
    const struct store_change *chs, size_t n, const size_t *first,
    struct sdb_stmt ***out)
{
	struct sdb_stmt	**q = NULL;
	const char	**tmp = NULL;
	size_t		 i, k;
	int		 r = 0, distinct;

	*out = NULL;
	if (sdb_backend(st->db) != SDB_POSTGRESQL || n < 2)
		return 0;
	if ((tmp = calloc(n, sizeof(*tmp))) == NULL)
		return CS_ERR_ALLOC;
	for (i = 0; i < n; i++)
		tmp[i] = chs[i].change_id;
	if ((distinct = store_distinct(tmp, n)) != 0) {
		for (i = 0; i < n; i++)
			tmp[i] = chs[i].rec.record_id;
		distinct = store_distinct(tmp, n);
	}
	free(tmp);
	if (!distinct)
		return 0;
	if ((q = calloc(n * R_MAX, sizeof(*q))) == NULL)
		return CS_ERR_ALLOC;
	for (i = 0; i < n && r == 0; i++) {
		for (k = 0; k < R_MAX && r == 0; k++)
			r = store_prepare(st, push_sql[store_reads[k]],
			    &q[i * R_MAX + k]);
		if (r == 0)
			r = store_apply_send(user_id, device_id, &chs[i],
			    first[i] == i, &q[i * R_MAX]);
	}
	if (r != 0) {
		for (i = 0; i < n * R_MAX; i++)
			sdb_finalize(q[i]);
		free(q);
		return r;
	}
	*out = q;
	return 0;
}

/* A failed step as CS_ERR_*: a retryable one stays retryable. */
static int
store_step_err(int rc)
{
	return rc == CS_ERR_RETRY ? rc : CS_ERR_DB;
}

/*
 * From "s" (Q_MEMBER_GET): 1: member with write access, 2: read-only
 * member, 0: none, <0 err.
 */
static int
store_member(struct sdb_stmt *s)
{
	int	rc;

	if ((rc = sdb_step(s)) == SDB_DONE)
		return 0;
	if (rc != SDB_ROW)
		return store_step_err(rc);
	rc = (int)sdb_column_int64(s, 0) ? 2 : 1;
	sdb_reset(s);
	return rc;
}

/* From "s" (Q_CASE_CLOSED): 1 if the case is GESLOTEN, 0 if not, <0. */
static int
store_case_closed(struct sdb_stmt *s)
{
	int	rc;

	rc = sdb_step(s);
	sdb_reset(s);
	if (rc == SDB_ROW)
		return 1;
	return rc == SDB_DONE ? 0 : store_step_err(rc);
}

/* Copy the current row into res->current, body malloc'd. */
static int
store_result_current(struct sdb_stmt *s, struct store_change_result *res)
{
	struct store_record	 r;
	uint8_t			*body = NULL;

	if (store_record_row(s, 9, &r) != 0)
		return CS_ERR_DB;
	if (r.body_len > 0) {
		if ((body = malloc(r.body_len)) == NULL)
			return CS_ERR_ALLOC;
		memcpy(body, r.body, r.body_len);
	}
	res->current = r;
	res->current.body = body;
	res->has_current = 1;
	return 0;
}

/*
 * Change id "c" seen before?  A retry of something this device already
 * applied: *res is its original result and *replayed 1.  The same id
 * used by another device sets *foreign: refused by the caller after
 * the membership check, with nothing of that change (a stranger to the
 * case gets FORBIDDEN either way).
 */
static int
store_change_seen(struct sdb_stmt *s, int64_t device_id,
    struct store_change_result *res, int *replayed, int *foreign)
{
	int	rc;

	*replayed = *foreign = 0;
	while ((rc = sdb_step(s)) == SDB_ROW) {
		if (sdb_column_int64(s, 1) != device_id) {
			*foreign = 1;
			continue;
		}
		res->status = STORE_CHANGE_APPLIED;
		res->version = sdb_column_int64(s, 0);
		res->replayed = 1;
		*replayed = 1;
		sdb_reset(s);
		return 0;
	}
	sdb_reset(s);
	return rc == SDB_DONE ? 0 : store_step_err(rc);
}

/* Write change "c" as version "seq" of its record, and its change id. */
static int
store_change_write(struct store *st, const struct store_change *c,
    int64_t device_id, int64_t seq)
{
	const struct store_record	*in = &c->rec;
	struct sdb_stmt			*s;
	int				 r;

	if ((s = store_stmt(st, Q_RECORD_PUT)) == NULL ||
	    sdb_bind_text(s, 1, in->record_id, -1) !=
	    0 ||
	    sdb_bind_text(s, 2, in->case_id, -1) !=
	    0 ||
	    sdb_bind_text(s, 3, in->kind, -1) != 0 ||
	    sdb_bind_int64(s, 4, seq) != 0 ||
	    sdb_bind_int64(s, 5, in->deleted != 0) != 0 ||
	    sdb_bind_int64(s, 6, in->key_epoch) != 0 ||
	    sdb_bind_blob(s, 7, in->body_len > 0 ? in->body : (const void *)"", (int)in->body_len) != 0 ||
	    sdb_bind_int64(s, 8, device_id) != 0 ||
	    sdb_bind_int64(s, 9, (int64_t)in->hlc) != 0 ||
	    sdb_bind_int64(s, 10, store_now_ms() / 1000) != 0)
		return CS_ERR_DB;
	/* writes: sent, their failure met by the next read or the commit */
	if ((r = sdb_put(s)) != 0)
		return r;
	if ((s = store_stmt(st, Q_CHANGE_PUT)) == NULL ||
	    sdb_bind_text(s, 1, c->change_id, -1) !=
	    0 ||
	    sdb_bind_int64(s, 2, device_id) != 0 ||
	    sdb_bind_text(s, 3, in->record_id, -1) !=
	    0 ||
	    sdb_bind_int64(s, 4, seq) != 0 ||
	    sdb_bind_int64(s, 5, store_now_ms() / 1000) != 0)
		return CS_ERR_DB;
	return sdb_put(s);
}

static void
store_push_prefetch_free(struct sdb_stmt **q, size_t n)
{
	size_t	i;

	if (q == NULL)
		return;
	for (i = 0; i < n * R_MAX; i++)
		sdb_finalize(q[i]);
	free(q);
}

/* The reads of case "c" (Q_MEMBER_GET, Q_CASE_CLOSED) into q[], bound. */
static int
store_case_reads(struct store *st, int64_t user_id,
    const struct store_change *c, struct sdb_stmt *q[R_MAX])
{
	if ((q[R_MEMBER] = store_stmt(st, Q_MEMBER_GET)) == NULL ||
	    sdb_bind_int64(q[R_MEMBER], 1, user_id) != 0 ||
	    sdb_bind_text(q[R_MEMBER], 2, c->rec.case_id, -1) != 0 ||
	    (q[R_CLOSED] = store_stmt(st, Q_CASE_CLOSED)) == NULL ||
	    sdb_bind_text(q[R_CLOSED], 1, c->rec.case_id, -1) != 0)
		return CS_ERR_DB;
	return 0;
}

static void
store_reset(struct sdb_stmt *s)
{
	if (s != NULL)
		sdb_reset(s);
}

/*
 * How change "c" is read and written: "pre" its reads sent
 * (store_push_prefetch), or "b" the batch's (store_push_batch.h, "idx"
 * its place there; q[R_MEMBER] and q[R_CLOSED] already sent for the
 * case of the batch's first change when "case0"), or neither: its own.
 */
struct store_via {
	struct sdb_stmt		**pre;
	struct push_batch	*b;
	const struct store_change	*chs;	/* the batch */
	size_t			 idx;
	int			 case0;
	struct sdb_stmt		*cq[R_MAX];	/* batch: the first case's */
	int			 cq_live;	/* ... sent, not yet used */
};

/*
 * The change id of "c" as the batch read it (store_change_seen's
 * rules); the case's reads in q[].
 */
static int
store_batch_seen(struct store *st, int64_t user_id, struct store_via *v,
    const struct store_change *c, struct store_memo *memo,
    struct store_change_result *res, int *replayed, int *foreign,
    struct sdb_stmt *q[R_MAX])
{
	const struct push_seen	*sn = &v->b->seen[v->idx];

	*replayed = sn->replayed;
	*foreign = sn->foreign;
	if (sn->replayed) {
		res->status = STORE_CHANGE_APPLIED;
		res->version = sn->version;
		res->replayed = 1;
		return 0;
	}
	memset(q, 0, R_MAX * sizeof(*q));
	/* a case is read at its first change the rules judge */
	if (memo->m >= 0)
		return 0;
	/* the statements are the cached ones: the first case's until reused */
	if (v->case0 && v->cq_live) {
		memcpy(q, v->cq, R_MAX * sizeof(*q));
		v->cq_live = 0;
		return 0;
	}
	v->cq_live = 0;
	return store_case_reads(st, user_id, c, q);
}

/*
 * "v": how it reads and writes; "memo": what the batch knows of its
 * case.
 */
static int
store_apply_one(struct store *st, int64_t user_id, int64_t device_id,
    const struct store_change *c, struct store_via *v,
    struct store_memo *memo, int64_t restore_seq,
    struct store_change_result *res, int64_t *seq)
{
	const struct store_record	*in = &c->rec;
	struct push_batch		*b = v->b;
	struct push_cur			*cur = b != NULL ? &b->cur[v->idx] :
					    NULL;
	struct sdb_stmt			*s = NULL, *q[R_MAX];
	int64_t				 cur_version = 0;
	char				 cur_case[STORE_UUID_LEN + 1];
	char				 cur_kind[STORE_KIND_MAX + 1];
	int				 rc, m, exists = 0, late = 0, reoffer, apply;
	int				 foreign, replayed, approval = 0;

	memset(res, 0, sizeof(*res));
	if (b != NULL) {
		if ((rc = store_batch_seen(st, user_id, v, c, memo, res,
		    &replayed, &foreign, q)) != 0 || replayed)
			return rc;
	} else {
		if (v->pre != NULL)
			memcpy(q, v->pre, sizeof(q));
		else if ((rc = store_apply_reads(st, user_id, device_id, c,
		    q)) != 0)
			return rc;
		if ((rc = store_change_seen(q[R_SEEN], device_id, res,
		    &replayed, &foreign)) != 0 || replayed)
			return rc;
	}
	if (memo->m < 0 && (memo->m = store_member(q[R_MEMBER])) < 0)
		return memo->m;
	m = memo->m;
	/*
	 * A GESLOTEN case takes no new content (DESIGN §2): refused for
	 * a member, who learns why; the laptop keeps the change.  Anyone
	 * else is judged below as before.
	 */
	if (m != 0 && memo->closed < 0 &&
	    (memo->closed = store_case_closed(q[R_CLOSED])) < 0)
		return memo->closed;
	if (m != 0 && (rc = memo->closed) != 0) {
		if (rc < 0)
			return rc;
		res->status = STORE_CHANGE_FORBIDDEN;
		res->closed = 1;
		return 0;
	}
	/*
	 * The rules below that read more of the database see the batch's
	 * changes before this one written, as on the per-change path.
	 */
	if (b != NULL && m != 1 && (rc = push_batch_flush(st, b,
	    v->chs)) != 0)
		return rc;
	/* the record of one's own approval request or decision */
	if (m != 1 && (rc = store_approval_may_push(st, user_id, in->case_id,
	    in->record_id, &approval)) != 0)
		return rc;
	if (approval)
		m = 1;
	/* without write access: a late change, kept for a decision, or no */
	if (m != 1 && ((rc = store_late_judge(st, user_id, device_id, c, m,
	    store_now_ms(), &late, res)) != 0 || !late))
		return rc;
	if (foreign) {
		/* another device's change id: no version, nothing applied */
		memset(res, 0, sizeof(*res));
		res->status = STORE_CHANGE_INVALID;
		return 0;
	}
	if (b != NULL) {
		if ((exists = cur->exists) != 0) {
			cur_version = cur->rec.version;
			memcpy(cur_case, cur->rec.case_id, sizeof(cur_case));
			memcpy(cur_kind, cur->rec.kind, sizeof(cur_kind));
		}
	} else if ((rc = sdb_step(s = q[R_RECORD])) == SDB_ROW) {
		exists = 1;
		cur_version = sdb_column_int64(s, 3);
		if (store_col_text(s, 1, cur_case, sizeof(cur_case)) != 0 ||
		    store_col_text(s, 2, cur_kind, sizeof(cur_kind)) != 0)
			return CS_ERR_DB;
	} else if (rc != SDB_DONE)
		return store_step_err(rc);

	/* a re-offer after a restore (store_restore.h) */
	reoffer = restore_seq > 0 && c->lost_version > restore_seq &&
	    (!exists || (strcmp(cur_case, in->case_id) == 0 &&
	    strcmp(cur_kind, in->kind) == 0));
	apply = 1;
	if (reoffer && b != NULL && (rc = push_batch_flush(st, b,
	    v->chs)) != 0)
		return rc;
	if (reoffer && (rc = store_reoffer_rule(st, c, exists, cur_version,
	    record_append_only(in->kind), restore_seq, &apply,
	    &res->no_common_base)) != 0) {
		store_reset(s);
		return rc;
	}
	if (!reoffer && exists && (strcmp(cur_case, in->case_id) != 0 ||
	    strcmp(cur_kind, in->kind) != 0 ||
	    record_append_only(in->kind))) {
		/* a record never moves case or kind; append-only is final */
		res->status = STORE_CHANGE_INVALID;
		store_reset(s);
		return 0;
	}
	if (!reoffer && !exists && c->base_version != 0) {
		res->status = STORE_CHANGE_INVALID;
		return 0;
	}
	if ((reoffer && !apply) ||
	    (!reoffer && exists && cur_version != c->base_version)) {
		res->status = STORE_CHANGE_CONFLICT;
		res->version = cur_version;
		if (b != NULL) {
			/* the body moves to the result */
			res->current = cur->rec;
			res->has_current = 1;
			cur->rec.body = NULL;
			return 0;
		}
		rc = store_result_current(s, res);
		sdb_reset(s);
		return rc;
	}
	store_reset(s);
	(*seq)++;
	if (b != NULL)
		push_batch_add(b, v->idx, *seq);
	else if ((rc = store_change_write(st, c, device_id, *seq)) != 0)
		return rc;
	if (reoffer && b != NULL && (rc = push_batch_flush(st, b,
	    v->chs)) != 0)
		return rc;
	if (reoffer && (rc = store_reoffer_note(st, c, *seq,
	    device_id)) != 0)
		return rc;
	res->status = STORE_CHANGE_APPLIED;
	res->version = *seq;
	res->late = late;
	return 0;
}

/*
 * The batch's reads in statements of many rows (store_push_batch.h),
 * the case of its first change's with them; *b NULL if the batch does
 * not fit them.
 */
static int
store_push_batch_start(struct store *st, int64_t user_id, int64_t device_id,
    const struct store_change *chs, size_t n, struct store_via *v)
{
	int	r;

	if (!push_batch_fits(st, chs, n))
		return 0;
	/* sent first: answered in the round trip of the first chunk */
	if ((r = store_case_reads(st, user_id, &chs[0], v->cq)) != 0 ||
	    (r = sdb_send(v->cq[R_MEMBER])) != 0 ||
	    (r = sdb_send(v->cq[R_CLOSED])) != 0)
		return r;
	v->cq_live = 1;
	return push_batch_read(st, device_id, chs, n, &v->b);
}

int
store_push(struct store *st, int64_t user_id, int64_t device_id,
    const struct store_change *chs, size_t n,
    struct store_change_result *res, int64_t *last_seq)
{
	struct store_gen	g;
	struct store_memo	*memo = NULL;
	struct sdb_stmt		**pre = NULL;
	struct store_via	 v;
	size_t			*first = NULL;
	int64_t			seq, seq0;
	size_t			i;
	int			r;

	*last_seq = 0;
	memset(res, 0, n * sizeof(*res));
	memset(&g, 0, sizeof(g));
	memset(&v, 0, sizeof(v));
	v.chs = chs;
	if (n > 0 && ((memo = malloc(n * sizeof(*memo))) == NULL ||
	    (first = malloc(n * sizeof(*first))) == NULL)) {
		free(memo);
		return CS_ERR_ALLOC;
	}
	for (i = 0; i < n; i++)
		memo[i].m = memo[i].closed = -1;
	store_case_first(chs, n, first);
	if ((r = store_begin(st)) != 0) {
		free(memo);
		free(first);
		return r;
	}
	/*
	 * The seq's lock and read sent, answered with the batch's reads
	 * (on PostgreSQL one round trip for BEGIN, the locks and the
	 * reads): nothing before store_apply_one() needs the seq.
	 */
	if ((r = store_seq_lock_send(st)) != 0)
		goto fail;
	/* re-offers are rare: the generation is read only for them */
	for (i = 0; i < n; i++)
		if (chs[i].lost_version > 0)
			break;
	if (i < n && (r = store_generation(st, &g)) != 0)
		goto fail;
	if ((r = store_push_batch_start(st, user_id, device_id, chs, n,
	    &v)) != 0)
		goto fail;
	if (v.b == NULL && (r = store_push_prefetch(st, user_id, device_id,
	    chs, n, first, &pre)) != 0)
		goto fail;
	if ((r = store_seq_lock_sent(st, &seq)) != 0)
		goto fail;
	seq0 = seq;
	for (i = 0; i < n; i++) {
		v.pre = pre != NULL ? &pre[i * R_MAX] : NULL;
		v.idx = i;
		v.case0 = first[i] == 0;
		if ((r = store_apply_one(st, user_id, device_id, &chs[i], &v,
		    &memo[first[i]], g.restore_seq, &res[i], &seq)) != 0) {
			store_log(st, "push");
			goto fail;
		}
	}
	store_push_prefetch_free(pre, n);
	pre = NULL;
	if (v.b != NULL && (r = push_batch_flush(st, v.b, chs)) != 0) {
		store_log(st, "push");
		goto fail;
	}
	push_batch_free(v.b);
	v.b = NULL;
	if (seq != seq0 && (r = store_seq_set(st, seq)) != 0)
		goto fail;
	if ((r = store_late_pushed(st, device_id, store_now_ms())) != 0)
		goto fail;
	/* synchronous=FULL: durable once COMMIT returns */
	if ((r = store_commit(st)) != 0)
		goto fail;
	*last_seq = seq;
	free(memo);
	free(first);
	return 0;
 fail:
	r = store_retry(st, r);		/* before the ROLLBACK */
	store_seq_lock_drop(st);	/* sent and not read, if so */
	store_push_prefetch_free(pre, n);
	push_batch_free(v.b);
	free(memo);
	free(first);
	store_rollback(st);
	store_results_clear(res, n);
	/* a lost connection, a deadlock: the laptop tries again */
	return r == CS_ERR_ALLOC || r == CS_ERR_RETRY ? r : CS_ERR_DB;
}

void
store_results_clear(struct store_change_result *res, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++) {
		if (res[i].has_current)
			free((void *)(uintptr_t)res[i].current.body);
		memset(&res[i], 0, sizeof(res[i]));
	}
}
