/* SPDX-License-Identifier: ISC */
/*
 * store_sync.c - records, the global change sequence, pull and purges
 * (DESIGN §5; the push is in store_push.c, case membership in
 * store_members.c).  See store.h for the contracts.
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
#include "store_late.h"
#include "store_notify.h"

enum {
	Q_SEQ_GET,
	Q_SEQ_SET,
	Q_SEQ_LOCK,
	Q_PULL_HEADS,
	Q_PULL_CASE,
	Q_PULL_BACKFILL_TIE,
	Q_PULL_BACKFILL,
	Q_PURGES,
	Q_PULL_CHANGES,		/* PostgreSQL's changes stream */
	Q_MAX
};
_Static_assert(Q_MAX <= STORE_STMT_COUNTER, "store_rollback.c's statements");

static const char *const store_sql[Q_MAX] = {
	[Q_SEQ_GET] = "SELECT value FROM meta WHERE key = 'seq'",
	[Q_SEQ_SET] = "UPDATE meta SET value = ?1 WHERE key = 'seq'",
	/* the row lock until commit: DESIGN §11, store_seq_lock */
	[Q_SEQ_LOCK] = "UPDATE meta SET value = value WHERE key = 'seq'"
	    " RETURNING value",
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
};

/*
 * PostgreSQL's pull reads the author device's user with each record
 * (columns 14 and 15; store_record.author_user): one round trip
 * fewer for each author a pull names (sync.c looked each one up).
 * SQLite looks them up in-process, at no such cost.
 */
#define PULL_AUTHOR_COLS	", au.id, au.name"
#define PULL_AUTHOR_JOIN	" LEFT JOIN devices ad ON ad.id = r.author_device" \
	" LEFT JOIN users au ON au.id = ad.user_id"
#define PULL_BACKFILL_COLS	"SELECT r.record_id, r.case_id, r.kind," \
	" r.version, r.deleted, r.key_epoch, r.body, r.author_device," \
	" r.hlc, m.granted_seq, r.rid, r.created_device, r.created_at," \
	" r.changed_at" PULL_AUTHOR_COLS " FROM case_members m" \
	" JOIN records r ON r.case_id = m.case_id" PULL_AUTHOR_JOIN

static const char *const store_sql_pg[Q_MAX] = {
	/*
	 * The first ?4 changes of the changes stream in one statement:
	 * the first ?4 above the cursor of each member case (its index
	 * alone, as the heads), the first ?4 of them all in version
	 * order (exactly the stream's first ?4: no case has more than
	 * ?4 among them), then their rows (version is unique).
	 */
	[Q_PULL_CHANGES] = "SELECT r.record_id, r.case_id, r.kind,"
	    " r.version, r.deleted, r.key_epoch, r.body, r.author_device,"
	    " r.hlc, r.version, 0, r.created_device, r.created_at,"
	    " r.changed_at" PULL_AUTHOR_COLS " FROM (SELECT x.version"
	    " FROM case_members m CROSS JOIN LATERAL (SELECT c.version"
	    " FROM records c WHERE c.case_id = m.case_id AND c.version > ?2"
	    " AND c.version > m.granted_seq AND c.author_device != ?3"
	    " ORDER BY c.version LIMIT ?4) x WHERE m.user_id = ?1"
	    " ORDER BY x.version LIMIT ?4) k"
	    " JOIN records r ON r.version = k.version" PULL_AUTHOR_JOIN
	    " ORDER BY r.version",
	[Q_PULL_CASE] = "SELECT r.record_id, r.case_id, r.kind, r.version,"
	    " r.deleted, r.key_epoch, r.body, r.author_device, r.hlc,"
	    " r.version, 0, r.created_device, r.created_at, r.changed_at"
	    PULL_AUTHOR_COLS " FROM records r" PULL_AUTHOR_JOIN
	    " WHERE r.case_id = ?1 AND r.version >= ?2"
	    " AND r.author_device != ?3 ORDER BY r.version",
	[Q_PULL_BACKFILL_TIE] = PULL_BACKFILL_COLS
	    " WHERE m.user_id = ?1 AND m.granted_seq = ?2 AND r.rid > ?3"
	    " AND r.version < m.granted_seq AND r.deleted = 0"
	    " ORDER BY r.rid LIMIT ?4",
	[Q_PULL_BACKFILL] = PULL_BACKFILL_COLS
	    " WHERE m.user_id = ?1 AND m.granted_seq > ?2"
	    " AND r.version < m.granted_seq AND r.deleted = 0"
	    " ORDER BY m.granted_seq, r.rid LIMIT ?3",
};

/* A cached, reset statement for query "q". */
static struct sdb_stmt *
store_stmt(struct store *st, int q)
{
	const char	*sql = store_is_pg(st) && store_sql_pg[q] != NULL ?
	    store_sql_pg[q] : store_sql[q];

	/*
	 * SQLite: BEGIN IMMEDIATE holds the write lock of the whole file
	 * from the transaction's start, so the seq is read as it is (an
	 * UPDATE ... RETURNING there writes the row and collects what it
	 * returns in a temporary table, each time).
	 */
	if (q == Q_SEQ_LOCK && !store_is_pg(st))
		sql = store_sql[Q_SEQ_GET];
	/* Q_PULL_CHANGES: PostgreSQL's alone */
	return sql != NULL ? store_cached(st, q, sql) : NULL;
}

/*
 * Read a record row starting at column 0 into *r, its authorship from
 * columns "auth" .. auth + 2 (created_device, created_at, changed_at:
 * NULL, from before they were kept, reads 0); body borrowed.
 */
int
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
	r->author_user = 0;
	r->author_name = NULL;
	return 0;
}

/* The seq as statement "s" (Q_SEQ_GET, Q_SEQ_LOCK) returns it; reset. */
static int
store_seq_read(struct store *st, struct sdb_stmt *s, int64_t *seq)
{
	*seq = 0;
	if (s == NULL || sdb_step(s) != SDB_ROW) {
		store_log(st, "seq");
		if (s != NULL)
			sdb_reset(s);
		return CS_ERR_DB;
	}
	*seq = sdb_column_int64(s, 0);
	sdb_reset(s);
	return 0;
}

static int
store_seq_q(struct store *st, int q, int64_t *seq)
{
	return store_seq_read(st, store_stmt(st, q), seq);
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
store_seq_lock_send(struct store *st)
{
	struct sdb_stmt	*s;

	if ((s = store_stmt(st, Q_SEQ_LOCK)) == NULL || sdb_send(s) != 0) {
		store_log(st, "seq");
		if (s != NULL)
			sdb_reset(s);
		return CS_ERR_DB;
	}
	return 0;
}

int
store_seq_lock_sent(struct store *st, int64_t *seq)
{
	/* as sent: store_stmt() would reset it */
	return store_seq_read(st, st->stmts[Q_SEQ_LOCK], seq);
}

void
store_seq_lock_drop(struct store *st)
{
	if (st->stmts[Q_SEQ_LOCK] != NULL)
		sdb_reset(st->stmts[Q_SEQ_LOCK]);
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

	/*
	 * Sent (PostgreSQL: answered with the commit, in its round trip);
	 * the row is there, locked by store_seq_lock() in this same
	 * transaction, so no count of rows changed is needed.
	 */
	if ((s = store_stmt(st, Q_SEQ_SET)) == NULL ||
	    sdb_bind_int64(s, 1, seq) != 0 || sdb_put(s) != 0) {
		store_log(st, __func__);
		if (s != NULL)
			sdb_reset(s);
		return CS_ERR_DB;
	}
	/* the watchers of the other instances, at the commit */
	return store_notify(st, STORE_NOTIFY_CHANGE);
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
	/*
	 * PostgreSQL: first the stream's first PULL_FIRST changes in one
	 * statement sent with the pull's other reads ("first"; a pull
	 * with no more than that needs no other round trip), then, if
	 * it returned them all, the heads and runs from the last one.
	 */
	struct sdb_stmt		*first;
	int64_t			 nfirst, last;
	int64_t			 user_id;
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

	pc->device_id = device_id;
	pc->user_id = user_id;
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

#define PULL_FIRST	64	/* changes a PostgreSQL pull reads at once */

/* Send the stream's first PULL_FIRST changes (PostgreSQL). */
static int
pull_first_send(struct store *st, struct pull_changes *pc, int64_t user_id,
    int64_t device_id, int64_t since)
{
	struct sdb_stmt	*s;

	pc->device_id = device_id;
	pc->user_id = user_id;
	if ((s = store_stmt(st, Q_PULL_CHANGES)) == NULL ||
	    sdb_bind_int64(s, 1, user_id) != 0 ||
	    sdb_bind_int64(s, 2, since) != 0 ||
	    sdb_bind_int64(s, 3, device_id) != 0 ||
	    sdb_bind_int64(s, 4, PULL_FIRST) != 0 || sdb_send(s) != 0)
		return CS_ERR_DB;
	pc->first = s;
	return 0;
}

/*
 * The statement the stream's current change is a row of: "first"'s
 * while it has rows, then the run's.
 */
static struct sdb_stmt *
pull_changes_stmt(const struct pull_changes *pc)
{
	return pc->first != NULL ? pc->first : pc->s;
}

/*
 * pull_changes_next() behind the first changes: 1 with
 * pull_changes_stmt() on the next change, 0 at the end, <0 on error.
 */
static int
pull_changes_step(struct store *st, struct pull_changes *pc)
{
	int	r;

	if (pc->first == NULL)
		return pull_changes_next(pc);
	if ((r = store_next(pc->first)) < 0)
		return r;
	if (r == 1) {
		pc->nfirst++;
		pc->last = sdb_column_int64(pc->first, 3);
		return 1;
	}
	sdb_reset(pc->first);
	pc->first = NULL;
	/* fewer than asked for: that was the whole stream */
	if (pc->nfirst < PULL_FIRST)
		return 0;
	if ((r = pull_changes_open(st, pc, pc->user_id, pc->device_id,
	    pc->last)) != 0)
		return r;
	return pull_changes_next(pc);
}

int
store_pull(struct store *st, int64_t user_id, int64_t device_id,
    int64_t since, int64_t tie, size_t max, store_record_cb cb, void *arg,
    int *more)
{
	return store_pull_seq(st, user_id, device_id, since, tie, max, cb,
	    arg, more, NULL);
}

/*
 * The seq before the pull's reads (store_pull_seq): on PostgreSQL sent
 * ahead of them into the pipeline (run first, answered in their round
 * trip; *qs to step for it), on SQLite, where a statement sent runs
 * only when it is stepped, read now.
 */
static int
store_seq_ahead(struct store *st, struct sdb_stmt **qs, int64_t *seq)
{
	*qs = NULL;
	if (!store_is_pg(st))
		return store_seq(st, seq);
	if ((*qs = store_stmt(st, Q_SEQ_GET)) == NULL || sdb_send(*qs) != 0)
		return CS_ERR_DB;
	return 0;
}

int
store_pull_seq(struct store *st, int64_t user_id, int64_t device_id,
    int64_t since, int64_t tie, size_t max, store_record_cb cb, void *arg,
    int *more, int64_t *seq)
{
	struct pull_changes	 pc;
	struct sdb_stmt		*a, *b, *b2, *qs = NULL;
	struct store_record	 r;
	int64_t			 ea, ta, eb, tb;
	size_t			 n = 0;
	int			 ha, hb, take_a, rc, ret = 0;
	int			 pg = store_is_pg(st);

	*more = 0;
	memset(&pc, 0, sizeof(pc));
	if (seq != NULL && (ret = store_seq_ahead(st, &qs, seq)) != 0)
		goto out;
	/*
	 * Three statements are live at once: distinct cached ones.  The
	 * backfill's two are sent ahead of the heads (a read each, run in
	 * the heads' round trip on PostgreSQL; SQLite runs each when it
	 * is first stepped).
	 */
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
	    sdb_bind_int64(b2, 3, (int64_t)max + 1) != 0 ||
	    sdb_send(b) != 0 || sdb_send(b2) != 0) {
		ret = CS_ERR_DB;
		goto out;
	}
	/*
	 * The changes stream: on PostgreSQL its first changes sent with
	 * the others (pull_changes_step), on SQLite the heads at once.
	 */
	if ((ret = pg ? pull_first_send(st, &pc, user_id, device_id, since) :
	    pull_changes_open(st, &pc, user_id, device_id, since)) != 0)
		goto out;
	if (qs != NULL) {
		/* with the heads' answer: the first statement of the lot */
		if (sdb_step(qs) != SDB_ROW) {
			ret = CS_ERR_DB;
			goto out;
		}
		*seq = sdb_column_int64(qs, 0);
		sdb_reset(qs);
		qs = NULL;
	}
	if ((ha = pull_changes_step(st, &pc)) < 0 ||
	    (hb = store_next(b)) < 0) {
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
		a = pull_changes_stmt(&pc);
		ea = ha ? sdb_column_int64(a, 9) : 0;
		ta = ha ? sdb_column_int64(a, 10) : 0;
		eb = hb ? sdb_column_int64(b, 9) : 0;
		tb = hb ? sdb_column_int64(b, 10) : 0;
		take_a = ha && (!hb || ea < eb || (ea == eb && ta < tb));
		if (store_record_row(take_a ? a : b, 11, &r) != 0) {
			ret = CS_ERR_DB;
			goto out;
		}
		if (pg && !sdb_column_is_null(take_a ? a : b, 14)) {
			r.author_user = sdb_column_int64(take_a ? a : b, 14);
			r.author_name = (const char *)sdb_column_text(
			    take_a ? a : b, 15);
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
			ha = pull_changes_step(st, &pc);
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
	if (st->stmts[Q_PULL_CHANGES] != NULL)
		sdb_reset(st->stmts[Q_PULL_CHANGES]);
	if (st->stmts[Q_PULL_BACKFILL_TIE] != NULL)
		sdb_reset(st->stmts[Q_PULL_BACKFILL_TIE]);
	if (st->stmts[Q_PULL_BACKFILL] != NULL)
		sdb_reset(st->stmts[Q_PULL_BACKFILL]);
	if (qs != NULL)
		sdb_reset(qs);
	free(pc.h);
	return ret;
}

int
store_pull_ahead(struct store *st, int64_t user_id, int64_t device_id,
    size_t access_max)
{
	struct sdb_stmt	*s;
	int		 r;

	store_pull_ahead_drop(st);
	if ((s = store_stmt(st, Q_PURGES)) == NULL ||
	    sdb_bind_int64(s, 1, device_id) != 0 || sdb_send(s) != 0)
		return CS_ERR_DB;
	st->purges_sent = 1;
	if ((r = store_case_access_send(st, user_id, access_max)) != 0)
		store_pull_ahead_drop(st);
	return r;
}

void
store_pull_ahead_drop(struct store *st)
{
	if (st->purges_sent && st->stmts[Q_PURGES] != NULL)
		sdb_reset(st->stmts[Q_PURGES]);
	st->purges_sent = 0;
	if (st->access_sent && st->accessq != NULL) {
		sdb_reset(st->accessq);
		(void)sdb_clear_bindings(st->accessq);
	}
	st->access_sent = 0;
}

int
store_purges_pending(struct store *st, int64_t device_id,
    int (*cb)(const char *, void *), void *arg)
{
	struct sdb_stmt	*s;
	char		 id[STORE_UUID_LEN + 1];
	int		 rc, r = 0;

	if (st->purges_sent) {		/* store_pull_ahead: as bound */
		st->purges_sent = 0;
		s = st->stmts[Q_PURGES];
	} else if ((s = store_stmt(st, Q_PURGES)) == NULL ||
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
