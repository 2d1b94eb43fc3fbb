/* SPDX-License-Identifier: ISC */
/*
 * store_sync.c - records, the global change sequence and purges
 * (DESIGN §5; case membership is in store_members.c).  See store.h for
 * the contracts.
 *
 * Every accepted change takes the next value of the sequence kept in
 * meta('seq'); a record's version is the seq of its last change, so
 * versions are unique.  A membership grant takes a seq as well, which
 * is what makes backfill work with a single cursor: a record becomes
 * visible to a new member at the grant's seq ("eff"), tie-broken by
 * the record's rowid, and no record version can equal a grant's seq.
 *
 * Pull merges two streams that each come out in cursor order without a
 * sort: changes by version, and backfill by grant then rowid (unique
 * index on case_members(user_id, granted_seq), records by case, which
 * is rowid order).  The backfill stream is two queries in turn: the
 * rest of the grant the cursor is in (rowid > tie), then later grants.
 *
 * The changes stream is itself a merge, of the user's cases: each
 * case's changes above the cursor come in version order from the
 * index records(case_id, version, author_device), and a heap of the
 * cases keyed by the next version of each says which case goes next
 * and how far (a run of one case is one statement).  So the work is
 * one index probe per member case and page, plus the changes
 * delivered: proportional to what the user's cases hold above the
 * cursor, never to what the server holds (the global version index
 * would walk every other case's changes too).  An already-in-sync pull
 * touches only index ends.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include "sdb.h"

#include "errors.h"
#include "log.h"
#include "record.h"
#include "store.h"
#include "store_int.h"
#include "store_approvals.h"
#include "store_late.h"
#include "store_notify.h"
#include "store_restore.h"

enum {
	Q_SEQ_GET,
	Q_SEQ_SET,
	Q_SEQ_LOCK,
	Q_CHANGE_GET,
	Q_CHANGE_PUT,
	Q_MEMBER_GET,
	Q_RECORD_GET,
	Q_RECORD_PUT,
	Q_PULL_HEADS,
	Q_PULL_CASE,
	Q_PULL_BACKFILL_TIE,
	Q_PULL_BACKFILL,
	Q_PURGES,
	Q_CASE_CLOSED,
	Q_MAX
};

static const char *const store_sql[Q_MAX] = {
	[Q_SEQ_GET] = "SELECT value FROM meta WHERE key = 'seq'",
	[Q_SEQ_SET] = "UPDATE meta SET value = ?1 WHERE key = 'seq'",
	/* the row lock until commit: DESIGN §11, store_seq_lock */
	[Q_SEQ_LOCK] = "UPDATE meta SET value = value WHERE key = 'seq'"
	    " RETURNING value",
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
	/*
	 * The first change above the cursor of each member case, by the
	 * (case_id, version, author_device) index alone: the heads of the
	 * changes stream.  A record is a change for the user once its
	 * version is above both the cursor and her grant (before it, the
	 * backfill brings it).
	 */
	[Q_PULL_HEADS] = "SELECT m.case_id, (SELECT r.version FROM"
	    " records r INDEXED BY records_case_version"
	    " WHERE r.case_id = m.case_id AND r.version > ?2"
	    " AND r.version > m.granted_seq AND r.author_device != ?3"
	    " ORDER BY r.version LIMIT 1) FROM case_members m"
	    " WHERE m.user_id = ?1",
	/* one case's changes from a head on, in version order */
	[Q_PULL_CASE] = "SELECT record_id, case_id, kind, version, deleted,"
	    " key_epoch, body, author_device, hlc, version, 0,"
	    " created_device, created_at, changed_at"
	    " FROM records INDEXED BY records_case_version"
	    " WHERE case_id = ?1 AND version >= ?2 AND author_device != ?3"
	    " ORDER BY version",
	[Q_PULL_BACKFILL_TIE] = "SELECT r.record_id, r.case_id, r.kind,"
	    " r.version, r.deleted, r.key_epoch, r.body, r.author_device,"
	    " r.hlc, m.granted_seq, r.rid, r.created_device, r.created_at,"
	    " r.changed_at FROM case_members m"
	    " JOIN records r INDEXED BY records_case ON r.case_id = m.case_id"
	    " WHERE m.user_id = ?1 AND m.granted_seq = ?2 AND r.rid > ?3"
	    " AND r.version < m.granted_seq AND r.deleted = 0"
	    " ORDER BY r.rid LIMIT ?4",
	[Q_PULL_BACKFILL] = "SELECT r.record_id, r.case_id, r.kind,"
	    " r.version, r.deleted, r.key_epoch, r.body, r.author_device,"
	    " r.hlc, m.granted_seq, r.rid, r.created_device, r.created_at,"
	    " r.changed_at FROM case_members m"
	    " JOIN records r INDEXED BY records_case ON r.case_id = m.case_id"
	    " WHERE m.user_id = ?1 AND m.granted_seq > ?2"
	    " AND r.version < m.granted_seq AND r.deleted = 0"
	    " ORDER BY m.granted_seq, r.rid LIMIT ?3",
	[Q_PURGES] = "SELECT case_id FROM purges WHERE device_id = ?1"
	    " AND receipt_at IS NULL ORDER BY created_seq",
	[Q_CASE_CLOSED] = "SELECT 1 FROM cases WHERE id = ?1"
	    " AND state = 'GESLOTEN'",
};

/* A cached, reset statement for query "q". */
static struct sdb_stmt *
store_stmt(struct store *st, int q)
{
	struct sdb_stmt	*s = st->stmts[q];

	if (s == NULL) {
		if (store_prepare(st, store_sql[q], &s) != 0)
			return NULL;
		st->stmts[q] = s;
	}
	sdb_reset(s);
	(void)sdb_clear_bindings(s);
	return s;
}

/*
 * Read a record row starting at column 0 into *r, its authorship from
 * columns "auth" .. auth + 2 (created_device, created_at, changed_at:
 * NULL, from before they were kept, reads 0); body borrowed.
 */
static int
store_record_row(struct sdb_stmt *s, int auth, struct store_record *r)
{
	int	n;

	if (store_col_text(s, 0, r->record_id, sizeof(r->record_id)) != 0 ||
	    store_col_text(s, 1, r->case_id, sizeof(r->case_id)) != 0 ||
	    store_col_text(s, 2, r->kind, sizeof(r->kind)) != 0)
		return CS_ERR_DB;
	r->version = sdb_column_int64(s, 3);
	r->deleted = (int)sdb_column_int64(s, 4) != 0;
	r->key_epoch = (uint32_t)sdb_column_int64(s, 5);
	r->body = sdb_column_blob(s, 6);
	if ((n = (int)sdb_column_bytes(s, 6)) < 0)
		return CS_ERR_DB;
	r->body_len = (size_t)n;
	r->author_device = sdb_column_int64(s, 7);
	r->hlc = (uint64_t)sdb_column_int64(s, 8);
	r->created_device = sdb_column_int64(s, auth);
	r->created_at = sdb_column_int64(s, auth + 1);
	r->changed_at = sdb_column_int64(s, auth + 2);
	return 0;
}

/* The seq as query "q" (Q_SEQ_GET, Q_SEQ_LOCK) returns it. */
static int
store_seq_q(struct store *st, int q, int64_t *seq)
{
	struct sdb_stmt	*s;

	*seq = 0;
	if ((s = store_stmt(st, q)) == NULL || sdb_step(s) != SDB_ROW) {
		store_log(st, "seq");
		if (s != NULL)
			sdb_reset(s);
		return CS_ERR_DB;
	}
	*seq = sdb_column_int64(s, 0);
	sdb_reset(s);
	return 0;
}

int
store_seq(struct store *st, int64_t *seq)
{
	return store_seq_q(st, Q_SEQ_GET, seq);
}

/*
 * The seq counter is one row, meta('seq'), written by the committing
 * transaction: reading it with a write takes its row lock (PostgreSQL;
 * SQLite's BEGIN IMMEDIATE holds the whole file), so the next writer
 * waits for this one's commit and reads what it set.  The seq values
 * of changes thus become visible in commit order and a pull cursor
 * never passes one that commits later with a smaller seq.
 */
int
store_seq_lock(struct store *st, int64_t *seq)
{
	return store_seq_q(st, Q_SEQ_LOCK, seq);
}

int
store_seq_next(struct store *st, int64_t *seq)
{
	int	r;

	if ((r = store_seq_lock(st, seq)) != 0)
		return r;
	(*seq)++;
	return store_seq_set(st, *seq);
}

int
store_seq_set(struct store *st, int64_t seq)
{
	struct sdb_stmt	*s;

	if ((s = store_stmt(st, Q_SEQ_SET)) == NULL ||
	    sdb_bind_int64(s, 1, seq) != 0 ||
	    sdb_step(s) != SDB_DONE) {
		store_log(st, __func__);
		return CS_ERR_DB;
	}
	/* the watchers of the other instances, at the commit */
	return store_notify(st, STORE_NOTIFY_CHANGE);
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
			r = store_prepare(st, store_sql[store_reads[k]],
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

/*
 * "pre": the reads of "c" sent (store_push_prefetch), or NULL; "memo":
 * what the batch knows of its case.
 */
static int
store_apply_one(struct store *st, int64_t user_id, int64_t device_id,
    const struct store_change *c, struct sdb_stmt **pre,
    struct store_memo *memo, int64_t restore_seq,
    struct store_change_result *res, int64_t *seq)
{
	const struct store_record	*in = &c->rec;
	struct sdb_stmt			*s, *q[R_MAX];
	int64_t				 cur_version = 0;
	char				 cur_case[STORE_UUID_LEN + 1];
	char				 cur_kind[STORE_KIND_MAX + 1];
	int				 rc, m, exists = 0, late = 0, reoffer, apply;
	int				 foreign, replayed, approval = 0;

	memset(res, 0, sizeof(*res));
	if (pre != NULL)
		memcpy(q, pre, sizeof(q));
	else if ((rc = store_apply_reads(st, user_id, device_id, c, q)) != 0)
		return rc;
	if ((rc = store_change_seen(q[R_SEEN], device_id, res, &replayed,
	    &foreign)) != 0 || replayed)
		return rc;
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
	s = q[R_RECORD];
	if ((rc = sdb_step(s)) == SDB_ROW) {
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
	if (reoffer && (rc = store_reoffer_rule(st, c, exists, cur_version,
	    record_append_only(in->kind), restore_seq, &apply,
	    &res->no_common_base)) != 0) {
		sdb_reset(s);
		return rc;
	}
	if (!reoffer && exists && (strcmp(cur_case, in->case_id) != 0 ||
	    strcmp(cur_kind, in->kind) != 0 ||
	    record_append_only(in->kind))) {
		/* a record never moves case or kind; append-only is final */
		res->status = STORE_CHANGE_INVALID;
		sdb_reset(s);
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
		rc = store_result_current(s, res);
		sdb_reset(s);
		return rc;
	}
	sdb_reset(s);
	(*seq)++;
	if ((rc = store_change_write(st, c, device_id, *seq)) != 0)
		return rc;
	if (reoffer && (rc = store_reoffer_note(st, c, *seq,
	    device_id)) != 0)
		return rc;
	res->status = STORE_CHANGE_APPLIED;
	res->version = *seq;
	res->late = late;
	return 0;
}

int
store_push(struct store *st, int64_t user_id, int64_t device_id,
    const struct store_change *chs, size_t n,
    struct store_change_result *res, int64_t *last_seq)
{
	struct store_gen	g;
	struct store_memo	*memo = NULL;
	struct sdb_stmt		**pre = NULL;
	size_t			*first = NULL;
	int64_t			seq, seq0;
	size_t			i;
	int			r;

	*last_seq = 0;
	memset(res, 0, n * sizeof(*res));
	memset(&g, 0, sizeof(g));
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
	if ((r = store_seq_lock(st, &seq)) != 0)
		goto fail;
	/* re-offers are rare: the generation is read only for them */
	for (i = 0; i < n; i++)
		if (chs[i].lost_version > 0)
			break;
	if (i < n && (r = store_generation(st, &g)) != 0)
		goto fail;
	seq0 = seq;
	if ((r = store_push_prefetch(st, user_id, device_id, chs, n, first,
	    &pre)) != 0)
		goto fail;
	for (i = 0; i < n; i++) {
		if ((r = store_apply_one(st, user_id, device_id, &chs[i],
		    pre != NULL ? &pre[i * R_MAX] : NULL, &memo[first[i]],
		    g.restore_seq, &res[i], &seq)) != 0) {
			store_log(st, "push");
			goto fail;
		}
	}
	store_push_prefetch_free(pre, n);
	pre = NULL;
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
	store_push_prefetch_free(pre, n);
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

/* Step "s"; 1 with a row, 0 at the end, <0 on error. */
static int
store_next(struct sdb_stmt *s)
{
	int	rc = sdb_step(s);

	if (rc == SDB_ROW)
		return 1;
	return rc == SDB_DONE ? 0 : CS_ERR_DB;
}

/*
 * The changes stream (see the top of this file): a min-heap of the
 * member cases that have changes left, keyed by the version of the
 * next one, and "s" on the current case's run.  A key is never above
 * its case's next change (versions only grow), so a run may go on
 * while its version is below the smallest key: that is the next
 * change of all.
 */
struct pull_head {
	char	case_id[STORE_UUID_LEN + 1];
	int64_t	next;
};

struct pull_changes {
	struct sdb_stmt		*s;
	int64_t			 device_id;
	struct pull_head	*h;		/* heap on next */
	size_t			 n, cap;
	struct pull_head	 cur;		/* the case "s" is on */
	int			 on;		/* "s" has a row of cur */
};

static void
pull_heap_up(struct pull_changes *pc, size_t i)
{
	struct pull_head	t;

	while (i > 0 && pc->h[(i - 1) / 2].next > pc->h[i].next) {
		t = pc->h[i];
		pc->h[i] = pc->h[(i - 1) / 2];
		pc->h[(i - 1) / 2] = t;
		i = (i - 1) / 2;
	}
}

static void
pull_heap_down(struct pull_changes *pc, size_t i)
{
	struct pull_head	t;
	size_t			m, c;

	for (;;) {
		m = i;
		c = 2 * i + 1;
		if (c < pc->n && pc->h[c].next < pc->h[m].next)
			m = c;
		if (c + 1 < pc->n && pc->h[c + 1].next < pc->h[m].next)
			m = c + 1;
		if (m == i)
			return;
		t = pc->h[i];
		pc->h[i] = pc->h[m];
		pc->h[m] = t;
		i = m;
	}
}

/* Add case "id" with its next change at version "next". */
static int
pull_heap_push(struct pull_changes *pc, const char *id, int64_t next)
{
	struct pull_head	*p;
	size_t			 cap;

	if (pc->n == pc->cap) {
		cap = pc->cap * 2 + 16;
		if ((p = reallocarray(pc->h, cap, sizeof(*p))) == NULL)
			return CS_ERR_ALLOC;
		pc->h = p;
		pc->cap = cap;
	}
	memcpy(pc->h[pc->n].case_id, id, sizeof(pc->h[pc->n].case_id));
	pc->h[pc->n].next = next;
	pull_heap_up(pc, pc->n++);
	return 0;
}

/* The heads of the member cases with changes above the cursor. */
static int
pull_changes_open(struct store *st, struct pull_changes *pc,
    int64_t user_id, int64_t device_id, int64_t since)
{
	struct sdb_stmt	*s;
	char		 id[STORE_UUID_LEN + 1];
	int		 rc, r = 0;

	memset(pc, 0, sizeof(*pc));
	pc->device_id = device_id;
	if ((pc->s = store_stmt(st, Q_PULL_CASE)) == NULL ||
	    (s = store_stmt(st, Q_PULL_HEADS)) == NULL ||
	    sdb_bind_int64(s, 1, user_id) != 0 ||
	    sdb_bind_int64(s, 2, since) != 0 ||
	    sdb_bind_int64(s, 3, device_id) != 0)
		return CS_ERR_DB;
	while ((rc = sdb_step(s)) == SDB_ROW) {
		if (sdb_column_is_null(s, 1))
			continue;	/* nothing new in that case */
		if ((r = store_col_text(s, 0, id, sizeof(id))) != 0 ||
		    (r = pull_heap_push(pc, id,
		    sdb_column_int64(s, 1))) != 0)
			break;
	}
	if (r == 0 && rc != SDB_DONE)
		r = CS_ERR_DB;
	sdb_reset(s);
	return r == CS_ERR_ALLOC ? r : r != 0 ? CS_ERR_DB : 0;
}

/*
 * Move the changes stream to its next change: 1 with "s" on it, 0 at
 * the end, <0 on error.  A run ends at a version above the smallest
 * key: its case goes back into the heap with that key, and the case of
 * the smallest key runs from it.
 */
static int
pull_changes_next(struct pull_changes *pc)
{
	int64_t	v;
	int	rc, r;

	for (;;) {
		if (pc->on) {
			if ((rc = sdb_step(pc->s)) == SDB_DONE)
				pc->on = 0;	/* this case is done */
			else if (rc != SDB_ROW)
				return CS_ERR_DB;
			else {
				v = sdb_column_int64(pc->s, 3);
				if (pc->n == 0 || v < pc->h[0].next)
					return 1;
				pc->on = 0;
				if ((r = pull_heap_push(pc, pc->cur.case_id,
				    v)) != 0)
					return r;
			}
		}
		if (pc->n == 0)
			return 0;
		/* the case of the smallest key runs from it */
		pc->cur = pc->h[0];
		pc->h[0] = pc->h[--pc->n];
		pull_heap_down(pc, 0);
		sdb_reset(pc->s);
		if (sdb_bind_text_copy(pc->s, 1, pc->cur.case_id) != 0 ||
		    sdb_bind_int64(pc->s, 2, pc->cur.next) != 0 ||
		    sdb_bind_int64(pc->s, 3, pc->device_id) != 0)
			return CS_ERR_DB;
		pc->on = 1;
	}
}

int
store_pull(struct store *st, int64_t user_id, int64_t device_id,
    int64_t since, int64_t tie, size_t max, store_record_cb cb, void *arg,
    int *more)
{
	struct pull_changes	 pc;
	struct sdb_stmt		*a, *b, *b2;
	struct store_record	 r;
	int64_t			 ea, ta, eb, tb;
	size_t			 n = 0;
	int			 ha, hb, take_a, rc, ret = 0;

	*more = 0;
	/* three statements are live at once: distinct cached ones */
	if ((ret = pull_changes_open(st, &pc, user_id, device_id,
	    since)) != 0)
		goto out;
	a = pc.s;
	if ((b = store_stmt(st, Q_PULL_BACKFILL_TIE)) == NULL ||
	    (b2 = store_stmt(st, Q_PULL_BACKFILL)) == NULL) {
		ret = CS_ERR_DB;
		goto out;
	}
	if (sdb_bind_int64(b, 1, user_id) != 0 ||
	    sdb_bind_int64(b, 2, since) != 0 ||
	    sdb_bind_int64(b, 3, tie) != 0 ||
	    sdb_bind_int64(b, 4, (int64_t)max + 1) != 0 ||
	    sdb_bind_int64(b2, 1, user_id) != 0 ||
	    sdb_bind_int64(b2, 2, since) != 0 ||
	    sdb_bind_int64(b2, 3, (int64_t)max + 1) != 0) {
		ret = CS_ERR_DB;
		goto out;
	}
	if ((ha = pull_changes_next(&pc)) < 0 || (hb = store_next(b)) < 0) {
		ret = ha == CS_ERR_ALLOC ? ha : CS_ERR_DB;
		goto out;
	}
	if (hb == 0) {		/* the cursor's grant is done: later ones */
		b = b2;
		if ((hb = store_next(b)) < 0) {
			ret = CS_ERR_DB;
			goto out;
		}
	}
	while (ha || hb) {
		if (n == max) {
			*more = 1;
			break;
		}
		ea = ha ? sdb_column_int64(a, 9) : 0;
		ta = ha ? sdb_column_int64(a, 10) : 0;
		eb = hb ? sdb_column_int64(b, 9) : 0;
		tb = hb ? sdb_column_int64(b, 10) : 0;
		take_a = ha && (!hb || ea < eb || (ea == eb && ta < tb));
		if (store_record_row(take_a ? a : b, 11, &r) != 0) {
			ret = CS_ERR_DB;
			goto out;
		}
		if ((rc = cb(&r, take_a ? ea : eb, take_a ? ta : tb,
		    arg)) != 0) {
			if (rc > 0)
				*more = 1;
			else
				ret = rc;
			goto out;
		}
		n++;
		if (take_a)
			ha = pull_changes_next(&pc);
		else if ((hb = store_next(b)) == 0 && b != b2) {
			b = b2;
			hb = store_next(b);
		}
		if (ha < 0 || hb < 0) {
			ret = ha == CS_ERR_ALLOC ? ha : CS_ERR_DB;
			goto out;
		}
	}
 out:
	if ((ret = store_retry(st, ret)) == CS_ERR_DB || ret == CS_ERR_RETRY)
		store_log(st, __func__);
	if (st->stmts[Q_PULL_CASE] != NULL)
		sdb_reset(st->stmts[Q_PULL_CASE]);
	if (st->stmts[Q_PULL_BACKFILL_TIE] != NULL)
		sdb_reset(st->stmts[Q_PULL_BACKFILL_TIE]);
	if (st->stmts[Q_PULL_BACKFILL] != NULL)
		sdb_reset(st->stmts[Q_PULL_BACKFILL]);
	free(pc.h);
	return ret;
}

int
store_purges_pending(struct store *st, int64_t device_id,
    int (*cb)(const char *, void *), void *arg)
{
	struct sdb_stmt	*s;
	char		 id[STORE_UUID_LEN + 1];
	int		 rc, r = 0;

	if ((s = store_stmt(st, Q_PURGES)) == NULL ||
	    sdb_bind_int64(s, 1, device_id) != 0)
		return CS_ERR_DB;
	while ((rc = sdb_step(s)) == SDB_ROW) {
		if (store_col_text(s, 0, id, sizeof(id)) != 0) {
			r = CS_ERR_DB;
			break;
		}
		if ((r = cb(id, arg)) != 0)
			break;
	}
	if (r == 0 && rc != SDB_DONE)
		r = CS_ERR_DB;
	sdb_reset(s);
	return r;
}

int
store_purge_receipt(struct store *st, int64_t device_id, const char *case_id,
    uint32_t n, int64_t now)
{
	struct sdb_stmt	*s = NULL;
	int		 r = CS_ERR_DB;

	if (store_prepare(st, "UPDATE purges SET receipt_at = ?3,"
	    " records_deleted = ?4 WHERE device_id = ?1 AND case_id = ?2"
	    " AND receipt_at IS NULL", &s) != 0)
		return CS_ERR_DB;
	if (sdb_bind_int64(s, 1, device_id) != 0 ||
	    sdb_bind_text(s, 2, case_id, -1) != 0 ||
	    sdb_bind_int64(s, 3, now) != 0 ||
	    sdb_bind_int64(s, 4, n) != 0 ||
	    sdb_step(s) != SDB_DONE)
		goto out;
	r = sdb_changes(st->db) == 1 ? 0 : CS_ERR_NOT_FOUND;
 out:
	return store_done(st, s, r, __func__);
}

int
store_has_changes(struct store *st, int64_t user_id, int64_t since, int *yes)
{
	int64_t	n = 0;
	int	r;

	*yes = 0;
	/*
	 * Each part driven by an index on what is new since the cursor:
	 * records by member case (one probe per case, whatever the other
	 * cases of the server hold), grants, purges.
	 */
	r = store_do(st, "SELECT EXISTS (SELECT 1 FROM case_members m"
	    " CROSS JOIN records r INDEXED BY records_case_version"
	    " WHERE r.case_id = m.case_id AND r.version > ?2"
	    " AND m.user_id = ?1) OR EXISTS (SELECT 1 FROM case_members"
	    " WHERE user_id = ?1 AND granted_seq > ?2) OR EXISTS (SELECT 1"
	    " FROM devices d CROSS JOIN purges p WHERE p.device_id = d.id AND"
	    " d.user_id = ?1 AND p.created_seq > ?2)", &n, "ii",
	    (const int64_t[]){ user_id, since }, NULL);
	if (r == 0)
		*yes = n != 0;
	return r;
}

int
store_digest(struct store *st, int64_t *count, uint8_t hash[32])
{
	struct record_digest	 d;
	struct sdb_stmt		*s = NULL;
	const unsigned char	*id;
	int			 rc, r;

	*count = 0;
	record_digest_init(&d);
	if ((r = store_prepare(st, "SELECT record_id, version FROM"
	    " records WHERE deleted = 0 ORDER BY record_id", &s)) != 0)
		return r;
	while ((rc = sdb_step(s)) == SDB_ROW) {
		id = sdb_column_text(s, 0);
		record_digest_add(&d, id, (size_t)(int)sdb_column_bytes(s, 0),
		    sdb_column_int64(s, 1));
	}
	if (rc != SDB_DONE) {
		store_log(st, __func__);
		r = CS_ERR_DB;
	}
	sdb_finalize(s);
	record_digest_final(&d, count, hash);
	return r;
}

int
store_purge_list(struct store *st,
    int (*cb)(int64_t device_id, const char *case_id, int64_t receipt_at,
    int64_t records_deleted, void *), void *arg)
{
	struct sdb_stmt	*s = NULL;
	char		 id[STORE_UUID_LEN + 1];
	int		 rc, r;

	if ((r = store_prepare(st, "SELECT device_id, case_id,"
	    " coalesce(receipt_at, 0), coalesce(records_deleted, -1)"
	    " FROM purges ORDER BY created_seq", &s)) != 0)
		return r;
	while ((rc = sdb_step(s)) == SDB_ROW) {
		if (store_col_text(s, 1, id, sizeof(id)) != 0) {
			r = CS_ERR_DB;
			break;
		}
		if ((r = cb(sdb_column_int64(s, 0), id,
		    sdb_column_int64(s, 2), sdb_column_int64(s, 3),
		    arg)) != 0)
			break;
	}
	if (r == 0 && rc != SDB_DONE)
		r = CS_ERR_DB;
	sdb_finalize(s);
	return r;
}
