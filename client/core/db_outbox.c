/* SPDX-License-Identifier: ISC */
/*
 * db_outbox.c - local edits and the outbox (db.h): a record with rows
 * in the outbox is "dirty"; a row that may have reached the server
 * ("sent") keeps its change_id and content; a push's results; the
 * re-offers after a server restore.  The invariants are in db.c.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include <sqlite3.h>

#include "db.h"
#include "db_int.h"
#include "errors.h"
#include "log.h"
#include "nolost.h"
#include "record.h"

/*
 * Queue "r" (r->version = base) unless an unsent row can absorb it.
 * The row borrows the record's body when it is the same (always, as
 * the callers write the record first; the statements check it): its
 * 1 KiB is then not written into the outbox, read from it when taken
 * and rewritten when the row is deleted (db_outbox_unborrow() gives it
 * a copy before the record's body changes).
 */
int
db_queue(sqlite3 *db, const struct db_record *r)
{
	sqlite3_stmt	*s = NULL;
	char		 cid[DB_UUID_LEN + 1];
	int		 ret, absorbed = 0;

	/*
	 * An unsent row is not on the server: it may still change.  The
	 * statements through db_get: a bulk of edits in one transaction
	 * prepares them once.
	 */
	if ((ret = db_get(db, "UPDATE outbox SET deleted = ?5,"
	    " key_epoch = ?6, body = " DB_OUTBOX_KEEP ", borrowed = "
	    DB_OUTBOX_SAME ", hlc = ?8 WHERE seq = (SELECT"
	    " max(seq) FROM outbox WHERE record_id = ?1) AND " DB_UNSENT
	    " AND case_id = ?2 AND kind = ?3 AND ?4 = ?4", &s)) != 0)
		return ret;
	if ((ret = db_bind_record(s, r)) != 0 ||
	    sqlite3_step(s) != SQLITE_DONE)
		ret = CS_ERR_DB;
	else
		absorbed = sqlite3_changes(db) > 0;
	db_put(s);
	if (ret != 0 || absorbed)
		return ret;
	db_uuid(cid);
	if ((ret = db_get(db, "INSERT INTO outbox(change_id, record_id,"
	    " case_id, kind, base_version, deleted, key_epoch, body, hlc,"
	    " borrowed) VALUES (?9, ?1, ?2, ?3, ?4, ?5, ?6, " DB_OUTBOX_KEEP
	    ", ?8, " DB_OUTBOX_SAME ")", &s)) != 0)
		return ret;
	if ((ret = db_bind_record(s, r)) != 0 ||
	    sqlite3_bind_text(s, 9, cid, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_step(s) != SQLITE_DONE)
		ret = CS_ERR_DB;
	db_put(s);
	return ret;
}

int
db_outbox_unborrow(sqlite3 *db, const char *record_id)
{
	return db_run(db, "UPDATE outbox SET body = (SELECT body FROM"
	    " records WHERE record_id = ?1), borrowed = 0 WHERE"
	    " record_id = ?1 AND borrowed = 1", record_id, 0);
}

int
db_is_dirty(sqlite3 *db, const char *record_id, int *dirty)
{
	sqlite3_stmt	*s = NULL;
	int		 rc, ret;

	*dirty = 0;
	if ((ret = db_get(db, "SELECT 1 FROM outbox WHERE record_id = ?1"
	    " LIMIT 1", &s)) != 0)
		return ret;
	if (sqlite3_bind_text(s, 1, record_id, -1, SQLITE_STATIC) !=
	    SQLITE_OK || ((rc = sqlite3_step(s)) != SQLITE_ROW &&
	    rc != SQLITE_DONE))
		ret = CS_ERR_DB;
	else
		*dirty = rc == SQLITE_ROW;
	db_put(s);
	return ret;
}

int
db_local_write_tx(sqlite3 *db, struct db_record *r)
{
	struct db_record	cur;
	struct nolost_access	ro;
	int			ret, exists, dirty;

	if (r->body_len > DB_BODY_MAX)
		return CS_ERR_TOO_LARGE;
	/*
	 * A case read-only for this user takes no new write (nolost.h),
	 * but the record of her approval request or decision: the server
	 * takes exactly the one the approval names (store_approvals.h).
	 */
	if (!record_approval(r->kind) &&
	    (ret = nolost_writable(db, r->case_id, &ro)) != 0)
		return ret;
	ret = db_record_get(db, r->record_id, &cur);
	if (ret != 0 && ret != CS_ERR_NOT_FOUND)
		return ret;
	exists = ret == 0;
	if (exists && (strcmp(cur.case_id, r->case_id) != 0 ||
	    strcmp(cur.kind, r->kind) != 0 || record_append_only(r->kind))) {
		ret = CS_ERR_EXISTS;
		goto out;
	}
	r->version = exists ? cur.version : 0;
	if ((ret = db_hlc_next(db, &r->hlc)) != 0 ||
	    (ret = db_is_dirty(db, r->record_id, &dirty)) != 0)
		goto out;
	/* first local edit of a synced record: keep the merge base */
	if (exists && !dirty && cur.version > 0 &&
	    (ret = db_run_record(db, db_mirror_put, &cur)) != 0)
		goto out;
	/* queued changes keep the body they were queued with */
	if (dirty && (ret = db_outbox_unborrow(db, r->record_id)) != 0)
		goto out;
	if ((ret = db_run_record(db, db_upsert_record, r)) != 0 ||
	    (ret = db_queue(db, r)) != 0 ||
	    (ret = db_author_local(db, r)) != 0)
		goto out;
 out:
	db_record_clear(&cur);
	return ret;
}

int
db_local_write(sqlite3 *db, struct db_record *r)
{
	int	ret;

	if ((ret = db_begin(db)) != 0)
		return ret;
	if ((ret = db_local_write_tx(db, r)) != 0 ||
	    (ret = db_commit(db)) != 0) {
		db_rollback(db);
		return ret;
	}
	return 0;
}

int
db_outbox_count(sqlite3 *db, int64_t *n)
{
	sqlite3_stmt	*s = NULL;
	int		 ret;

	*n = 0;
	if ((ret = db_prep(db, "SELECT count(*) FROM outbox", &s)) != 0)
		return ret;
	if (sqlite3_step(s) == SQLITE_ROW)
		*n = sqlite3_column_int64(s, 0);
	else
		ret = CS_ERR_DB;
	sqlite3_finalize(s);
	return ret;
}

int
db_outbox_empty(sqlite3 *db, int *empty)
{
	int	any, ret;

	ret = db_exists(db, "SELECT 1 FROM outbox LIMIT 1", &any);
	*empty = ret == 0 && !any;
	return ret;
}

int
db_outbox_per_case(sqlite3 *db, int (*cb)(const char *case_id, int64_t n,
    void *), void *arg)
{
	sqlite3_stmt	*s = NULL;
	const char	*id;
	int		 ret, rc;

	if ((ret = db_prep(db, "SELECT case_id, count(*) FROM outbox "
	    "GROUP BY case_id ORDER BY case_id", &s)) != 0)
		return ret;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if ((id = (const char *)sqlite3_column_text(s, 0)) == NULL) {
			ret = CS_ERR_DB;
			break;
		}
		if ((ret = cb(id, sqlite3_column_int64(s, 1), arg)) != 0)
			break;
	}
	if (ret == 0 && rc != SQLITE_DONE)
		ret = CS_ERR_DB;
	sqlite3_finalize(s);
	return ret;
}

void
db_changes_free(struct db_change *c, size_t n)
{
	size_t	i;

	if (c == NULL)
		return;
	for (i = 0; i < n; i++)
		db_record_clear(&c[i].rec);
	free(c);
}

/*
 * Outbox row "o" of a case with a confirmed key (keys.c's case_keys).
 * The unary + keeps SQLite from using outbox_case for it: the take must
 * walk the outbox in seq order and stop after a batch, not sort it all.
 */
#define DB_KEYED							\
    "+o.case_id IN (SELECT case_id FROM case_keys WHERE confirmed = 1)"

int
db_outbox_keyless(sqlite3 *db, int64_t *n)
{
	sqlite3_stmt	*s = NULL;
	int		 ret;

	*n = 0;
	if ((ret = db_prep(db, "SELECT count(*) FROM outbox o WHERE NOT "
	    DB_KEYED " OR o.record_id IN (SELECT record_id FROM reoffer"
	    " WHERE held = 1)", &s)) != 0)
		return ret;
	if (sqlite3_step(s) == SQLITE_ROW)
		*n = sqlite3_column_int64(s, 0);
	else
		ret = CS_ERR_DB;
	sqlite3_finalize(s);
	return ret;
}

int
db_outbox_take(sqlite3 *db, size_t max, size_t max_bytes,
    struct db_change **out, size_t *np)
{
	return db_outbox_take_after(db, 0, max, max_bytes, out, np);
}

/*
 * The take itself (db_outbox_take_after(), db_outbox_take_in()), inside
 * the caller's write transaction: the rows read and marked sent.  On
 * failure nothing is handed out; the caller undoes the marks.
 */
static int
db_outbox_take_rows(sqlite3 *db, int64_t after, size_t max,
    size_t max_bytes, struct db_change **out, size_t *np)
{
	sqlite3_stmt		*s = NULL;
	struct db_change	*c = NULL;
	size_t			 i, n = 0, bytes = 0;
	int			 rc, ret;

	*out = NULL;
	*np = 0;
	if ((c = calloc(max, sizeof(*c))) == NULL)
		return CS_ERR_ALLOC;
	/*
	 * The oldest row of each record only: later ones wait their turn.
	 * Only cases this laptop holds a confirmed key of (client/core/keys.c):
	 * the others wait for their key without holding back the rest.
	 */
	if ((ret = db_prep(db, "SELECT o.record_id, o.case_id, o.kind,"
	    " o.base_version, o.deleted, o.key_epoch, " DB_OUTBOX_BODY("o")
	    ", o.hlc, o.seq,"
	    " o.change_id, (SELECT CASE WHEN held THEN -1 ELSE lost_version"
	    " END FROM reoffer x WHERE x.record_id = o.record_id)"
	    " FROM outbox o WHERE o.seq > ?1 AND o.seq ="
	    " (SELECT min(seq) FROM outbox WHERE record_id = o.record_id)"
	    " AND " DB_KEYED " ORDER BY o.seq", &s)) != 0)
		goto fail;
	if (sqlite3_bind_int64(s, 1, after) != SQLITE_OK) {
		ret = CS_ERR_DB;
		goto fail;
	}
	while (n < max && (rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (n > 0 && bytes + (size_t)sqlite3_column_bytes(s, 6) >
		    max_bytes)
			break;
		/* a re-offer the server refused this sync (db_reoffer_hold) */
		if (sqlite3_column_int64(s, 10) < 0)
			continue;
		if ((ret = db_record_row(s, &c[n].rec, 1)) != 0 ||
		    (ret = db_text(s, 9, c[n].change_id,
		    sizeof(c[n].change_id))) != 0)
			goto fail;
		c[n].seq = sqlite3_column_int64(s, 8);
		c[n].lost_version = sqlite3_column_int64(s, 10);
		bytes += c[n].rec.body_len + 200;
		n++;
	}
	sqlite3_finalize(s);
	s = NULL;
	/*
	 * Mark what was taken: its seqs into outbox_sent (a few small
	 * pages; marking the rows themselves rewrote each one).
	 */
	if (n > 0 && (ret = db_prep(db, "INSERT OR IGNORE INTO"
	    " outbox_sent(seq) VALUES (?1)", &s)) != 0)
		goto fail;
	for (i = 0; i < n; i++) {
		if (sqlite3_bind_int64(s, 1, c[i].seq) != SQLITE_OK ||
		    sqlite3_step(s) != SQLITE_DONE) {
			log_warnx("db: %s", sqlite3_errmsg(db));
			ret = CS_ERR_DB;
			goto fail;
		}
		sqlite3_reset(s);
	}
	sqlite3_finalize(s);
	*out = c;
	*np = n;
	return 0;
 fail:
	sqlite3_finalize(s);
	db_changes_free(c, n + 1 <= max ? n + 1 : n);
	return ret != 0 ? ret : CS_ERR_DB;
}

int
db_outbox_take_after(sqlite3 *db, int64_t after, size_t max,
    size_t max_bytes, struct db_change **out, size_t *np)
{
	struct db_change	*c;
	size_t			 n;
	int			 ret;

	*out = NULL;
	*np = 0;
	/*
	 * Read and mark in one write transaction.  An edit commits either
	 * before it (and its content is what is read) or after it (and finds
	 * the row sent, so db_queue() gives it a row of its own).  Between
	 * two separate statements an edit could land in a row that was then
	 * marked sent with the old content pushed, and db_pushed() deleted
	 * it: the edit never reached the server.
	 */
	if ((ret = db_begin(db)) != 0)
		return ret;
	if ((ret = db_outbox_take_rows(db, after, max, max_bytes, &c,
	    &n)) != 0) {
		db_rollback(db);
		return ret;
	}
	if ((ret = db_commit(db)) != 0) {
		db_rollback(db);
		db_changes_free(c, n);
		return ret;
	}
	*out = c;
	*np = n;
	return 0;
}

int
db_outbox_take_in(sqlite3 *db, int64_t after, size_t max,
    size_t max_bytes, struct db_change **out, size_t *np)
{
	int	ret;

	*out = NULL;
	*np = 0;
	if (sqlite3_get_autocommit(db))
		return CS_ERR_INTERNAL;
	/* a failed take leaves the caller's transaction as it was */
	if ((ret = db_exec(db, "SAVEPOINT db_take")) != 0)
		return ret;
	if ((ret = db_outbox_take_rows(db, after, max, max_bytes, out,
	    np)) == 0 && (ret = db_exec(db, "RELEASE db_take")) == 0)
		return 0;
	db_changes_free(*out, *np);
	*out = NULL;
	*np = 0;
	(void)sqlite3_exec(db, "ROLLBACK TO db_take; RELEASE db_take", NULL,
	    NULL, NULL);
	return ret;
}

/* A re-offer has its answer: from now on the record syncs as usual. */
int
db_reoffer_done(sqlite3 *db, const struct db_change *c)
{
	if (c->lost_version == 0)
		return 0;
	return db_run(db, "DELETE FROM reoffer WHERE record_id = ?1",
	    c->rec.record_id, 0);
}

int
db_pushed(sqlite3 *db, const struct db_change *c, int64_t version)
{
	char	self[MARKER_NAME_MAX + 1];
	int	ret;

	if ((ret = db_author_self(db, self)) != 0)
		return ret;
	return db_pushed_as(db, c, version, self);
}

int
db_pushed_as(sqlite3 *db, const struct db_change *c, int64_t version,
    const char *self)
{
	struct db_record	m;
	int			ret, dirty;

	/* by its seq (never used again): the row taken, nothing else */
	if ((ret = db_run(db, "DELETE FROM outbox WHERE seq = ?2 AND"
	    " record_id = ?1", c->rec.record_id, c->seq)) != 0 ||
	    (ret = db_reoffer_done(db, c)) != 0 ||
	    (ret = db_author_pushed(db, c, self)) != 0 ||
	    (ret = db_run(db, "UPDATE records SET version = ?2 WHERE"
	    " record_id = ?1", c->rec.record_id, version)) != 0 ||
	    (ret = db_is_dirty(db, c->rec.record_id, &dirty)) != 0)
		return ret;
	/* local state is what we pushed: clean again */
	if (!dirty)
		return db_run(db, "DELETE FROM mirror WHERE record_id = ?1",
		    c->rec.record_id, 0);
	/* later edits wait: they now build on what the server holds */
	m = c->rec;
	m.version = version;
	if ((ret = db_run(db, "UPDATE outbox SET base_version = ?2 WHERE"
	    " record_id = ?1", c->rec.record_id, version)) != 0)
		return ret;
	return db_run_record(db, db_mirror_put, &m);
}

int
db_rejected(sqlite3 *db, const struct db_change *c)
{
	int	ret;

	log_warnx("record %s: change refused by the server; kept locally",
	    c->rec.record_id);
	if ((ret = db_run(db, "DELETE FROM outbox WHERE record_id = ?1",
	    c->rec.record_id, 0)) != 0 ||
	    (ret = db_reoffer_done(db, c)) != 0)
		return ret;
	return db_run(db, "DELETE FROM mirror WHERE record_id = ?1",
	    c->rec.record_id, 0);
}

/* Ids of the records held at a version above "seq", malloc'd. */
static int
db_records_above(sqlite3 *db, int64_t seq, char (**ids)[DB_UUID_LEN + 1],
    size_t *n)
{
	sqlite3_stmt	*s = NULL;
	char		(*v)[DB_UUID_LEN + 1] = NULL, (*nv)[DB_UUID_LEN + 1];
	size_t		 cap = 0;
	int		 rc, ret;

	*ids = NULL;
	*n = 0;
	if ((ret = db_prep(db, "SELECT record_id FROM records WHERE"
	    " version > ?1 ORDER BY rid", &s)) != 0)
		return ret;
	if (sqlite3_bind_int64(s, 1, seq) != SQLITE_OK) {
		ret = CS_ERR_DB;
		goto out;
	}
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (*n == cap) {
			cap = cap * 2 + 64;
			if ((nv = reallocarray(v, cap, sizeof(*v))) == NULL) {
				ret = CS_ERR_ALLOC;
				goto out;
			}
			v = nv;
		}
		if ((ret = db_text(s, 0, v[*n], sizeof(v[*n]))) != 0)
			goto out;
		(*n)++;
	}
	if (rc != SQLITE_DONE) {
		ret = CS_ERR_DB;
		goto out;
	}
	*ids = v;
	v = NULL;	/* transferred */
 out:
	if (ret != 0)
		*n = 0;
	free(v);
	sqlite3_finalize(s);
	return ret;
}

/*
 * Re-offer one record held at a version the server lost: its pending
 * rows become one unsent row with the current state (the sent ones may
 * have reached the server before the restore, and the server forgot
 * them with the rest), on the mirror of that version as the merge base.
 */
static int
db_reoffer_one(sqlite3 *db, const char *record_id)
{
	struct db_record	r;
	int			 ret;

	if ((ret = db_record_get(db, record_id, &r)) != 0)
		return ret;
	if ((ret = db_run(db, "DELETE FROM outbox WHERE record_id = ?1",
	    record_id, 0)) != 0 ||
	    /* a dirty record has its mirror; a clean one is its own base */
	    (ret = db_run_record(db, "INSERT OR IGNORE INTO mirror(record_id,"
	    " version, deleted, body) VALUES (?1, ?4, ?5, ?7)", &r)) != 0 ||
	    (ret = db_queue(db, &r)) != 0 ||
	    (ret = db_run(db, "INSERT OR REPLACE INTO reoffer(record_id,"
	    " lost_version) VALUES (?1, ?2)", record_id, r.version)) != 0)
		goto out;
 out:
	db_record_clear(&r);
	return ret;
}

int
db_restore(sqlite3 *db, int64_t generation, int64_t restore_seq,
    size_t *reoffered)
{
	char	(*ids)[DB_UUID_LEN + 1] = NULL;
	size_t	 i, n = 0;
	int	 ret;

	*reoffered = 0;
	if ((ret = db_records_above(db, restore_seq, &ids, &n)) != 0)
		return ret;
	for (i = 0; i < n; i++)
		if ((ret = db_reoffer_one(db, ids[i])) != 0)
			goto out;
	/*
	 * Everything again from the start: the server hands out the seq
	 * values above restore_seq once more, and records it holds from
	 * before the backup may be back (a deletion it lost).  The grant
	 * cursor counts in the same seq.
	 */
	if ((ret = db_cursor_set(db, 0, 0)) != 0 ||
	    (ret = db_state_set(db, "grant_cursor", 0)) != 0 ||
	    (ret = db_state_set(db, "generation", generation)) != 0)
		goto out;
	*reoffered = n;
 out:
	free(ids);
	return ret;
}

int
db_reoffer_hold(sqlite3 *db, const struct db_change *c)
{
	return db_run(db, "UPDATE reoffer SET held = 1 WHERE record_id = ?1",
	    c->rec.record_id, 0);
}

int
db_reoffer_retry(sqlite3 *db)
{
	return db_exec(db, "UPDATE reoffer SET held = 0 WHERE held = 1");
}

int
db_reoffer_held(sqlite3 *db, int64_t *n)
{
	sqlite3_stmt	*s = NULL;
	int		 ret;

	*n = 0;
	if ((ret = db_prep(db, "SELECT count(*) FROM reoffer WHERE held = 1",
	    &s)) != 0)
		return ret;
	if (sqlite3_step(s) == SQLITE_ROW)
		*n = sqlite3_column_int64(s, 0);
	else
		ret = CS_ERR_DB;
	sqlite3_finalize(s);
	return ret;
}
