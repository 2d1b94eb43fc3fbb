/* SPDX-License-Identifier: ISC */
/*
 * db_mirror.c - the merge base (db.h): the mirror row exists exactly
 * while a record is dirty and holds the server's body at
 * records.version; a pull never simply overwrites a dirty record, it
 * merges (merge.c) with the mirror as the base; a conflict the server
 * answers a push with does the same.  The invariants are in db.c.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include <sqlite3.h>

#include "body.h"
#include "db.h"
#include "db_int.h"
#include "errors.h"
#include "log.h"
#include "merge.h"
#include "record.h"

/* The merge base of a dirty record: the mirror body, else empty. */
static int
db_mirror_get(sqlite3 *db, const char *record_id, int64_t *version,
    uint8_t **body, size_t *len)
{
	sqlite3_stmt	*s = NULL;
	int		 rc, ret;

	*version = 0;
	*body = NULL;
	*len = 0;
	if ((ret = db_get(db, "SELECT version, body FROM mirror WHERE"
	    " record_id = ?1", &s)) != 0)
		return ret;
	ret = CS_ERR_DB;
	if (sqlite3_bind_text(s, 1, record_id, -1, SQLITE_STATIC) != SQLITE_OK)
		goto out;
	if ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		*version = sqlite3_column_int64(s, 0);
		ret = db_blob(s, 1, body, len);
	} else if (rc == SQLITE_DONE)
		ret = 0;
 out:
	db_put(s);
	return ret;
}

/*
 * merge3(base = mirror, mine = local, theirs = srv), encoded into *out.
 * Mine's side was written here, by this laptop's user, at the time of
 * the last local edit; theirs' by the user the server names as the
 * author of its version, at that version's time.
 */
static int
db_merge(sqlite3 *db, const struct db_record *local,
    const struct db_record *srv, uint8_t **out, size_t *outlen,
    size_t *nconf)
{
	struct body		 b, m, t, res;
	struct merge_author	 mby, tby;
	char			 sid[MARKER_ID_MAX + 1];
	char			 sname[MARKER_NAME_MAX + 1];
	const char		*record_id = srv->record_id;
	uint8_t			*base = NULL;
	size_t			 baselen;
	int64_t			 v;
	int			 ret;

	*out = NULL;
	*outlen = 0;
	body_init(&b);
	body_init(&m);
	body_init(&t);
	body_init(&res);
	if ((ret = db_mirror_get(db, record_id, &v, &base, &baselen)) != 0 ||
	    (ret = db_self_get(db, sid, sname)) != 0)
		goto out;
	mby.user_id = sid;
	mby.user_name = sname;
	mby.hlc = local->hlc;
	tby.user_id = srv->author_id;
	tby.user_name = srv->author_name;
	tby.hlc = srv->hlc;
	/* a body we cannot read is never silently replaced */
	if ((ret = body_decode(base, baselen, &b)) != 0 ||
	    (ret = body_decode(local->body, local->body_len, &m)) != 0 ||
	    (ret = body_decode(srv->body, srv->body_len, &t)) != 0 ||
	    (ret = merge3(&b, &m, &t, &mby, &tby, &res, nconf)) != 0 ||
	    (ret = body_encode(&res, out, outlen)) != 0)
		goto out;
 out:
	if (ret != 0)
		log_warnx("record %s: cannot merge: %s", record_id,
		    cs_err(ret));
	free(base);
	body_free(&b);
	body_free(&m);
	body_free(&t);
	body_free(&res);
	return ret;
}

/*
 * Make "merged" the local state of "local" on top of server record
 * "srv": records row, mirror = srv, and one fresh outbox row unless
 * the merge equals what the server has.
 */
static int
db_rebase(sqlite3 *db, struct db_record *local, const struct db_record *srv,
    uint8_t *merged, size_t mergedlen)
{
	struct db_record	r = *local;
	int			ret;

	/* the sent rows keep the body they were sent with */
	if ((ret = db_run(db, "DELETE FROM outbox WHERE record_id = ?1 AND "
	    DB_UNSENT, local->record_id, 0)) != 0 ||
	    (ret = db_outbox_unborrow(db, local->record_id)) != 0)
		return ret;
	r.version = srv->version;
	r.deleted = 0;
	r.body = merged;
	r.body_len = mergedlen;
	r.key_epoch = srv->key_epoch > local->key_epoch ? srv->key_epoch :
	    local->key_epoch;
	if ((ret = db_run_record(db, db_upsert_record, &r)) != 0)
		return ret;
	if (mergedlen == srv->body_len && !srv->deleted &&
	    (mergedlen == 0 || memcmp(merged, srv->body, mergedlen) == 0)) {
		/* nothing of ours left to push */
		if ((ret = db_run(db, "DELETE FROM outbox WHERE record_id = ?1"
		    " AND " DB_UNSENT, local->record_id, 0)) != 0)
			return ret;
		return db_run(db, "DELETE FROM mirror WHERE record_id = ?1 AND"
		    " NOT EXISTS (SELECT 1 FROM outbox WHERE record_id = ?1)",
		    local->record_id, 0);
	}
	if ((ret = db_run_record(db, db_mirror_put, srv)) != 0)
		return ret;
	return db_queue(db, &r);
}

/* The server's record replaces ours entirely (ours was a deletion). */
static int
db_take_theirs(sqlite3 *db, const struct db_record *srv)
{
	int	ret;

	if ((ret = db_run(db, "DELETE FROM outbox WHERE record_id = ?1",
	    srv->record_id, 0)) != 0 ||
	    (ret = db_run(db, "DELETE FROM mirror WHERE record_id = ?1",
	    srv->record_id, 0)) != 0)
		return ret;
	if (srv->deleted)
		return db_run(db, "DELETE FROM records WHERE record_id = ?1",
		    srv->record_id, 0);
	return db_run_record(db, db_upsert_record, srv);
}

/*
 * Our unpushed edits meet a newer server record.  Deletion against
 * modification: the modification wins on either side, so nothing that
 * someone wrote is lost.
 */
static int
db_meet(sqlite3 *db, const struct db_record *srv, size_t *nconf)
{
	struct db_record	 local;
	uint8_t			*merged = NULL;
	size_t			 mergedlen;
	int			 ret;

	*nconf = 0;
	if ((ret = db_record_get(db, srv->record_id, &local)) != 0)
		return ret == CS_ERR_NOT_FOUND ? db_take_theirs(db, srv) : ret;
	if (local.deleted && srv->deleted)
		ret = db_take_theirs(db, srv);
	else if (local.deleted)
		ret = db_take_theirs(db, srv);
	else if (srv->deleted || record_append_only(srv->kind))
		ret = db_rebase(db, &local, srv, local.body, local.body_len);
	else if ((ret = db_merge(db, &local, srv, &merged, &mergedlen,
	    nconf)) == 0)
		ret = db_rebase(db, &local, srv, merged, mergedlen);
	if (merged != NULL) {
		sodium_memzero(merged, mergedlen);
		free(merged);
	}
	db_record_clear(&local);
	return ret;
}

/* *same = 1 if the record is as its mirror holds it (no local edit). */
static int
db_unedited(sqlite3 *db, const char *record_id, int *same)
{
	sqlite3_stmt	*s = NULL;
	int		 rc, ret;

	*same = 0;
	if ((ret = db_prep(db, "SELECT r.deleted = m.deleted AND r.body ="
	    " m.body FROM records r JOIN mirror m USING (record_id) WHERE"
	    " r.record_id = ?1", &s)) != 0)
		return ret;
	if (sqlite3_bind_text(s, 1, record_id, -1, SQLITE_STATIC) !=
	    SQLITE_OK || ((rc = sqlite3_step(s)) != SQLITE_ROW &&
	    rc != SQLITE_DONE))
		ret = CS_ERR_DB;
	else if (rc == SQLITE_ROW)
		*same = sqlite3_column_int(s, 0) == 1;
	sqlite3_finalize(s);
	return ret;
}

int
db_conflict(sqlite3 *db, const struct db_change *c,
    const struct db_record *cur, int no_base, size_t *nconflicts)
{
	int	ret, same;

	/* the row that conflicted is settled by the rebase below */
	if ((ret = db_run(db, "DELETE FROM outbox WHERE change_id = ?1",
	    c->change_id, 0)) != 0 ||
	    (ret = db_reoffer_done(db, c)) != 0)
		return ret;
	/*
	 * A re-offer that met a record changed after the restore by
	 * someone without it: no common base is known, so every field the
	 * two differ in is kept as a conflict rather than one side lost.
	 */
	if (no_base && c->lost_version > 0 &&
	    (ret = db_run(db, "DELETE FROM mirror WHERE record_id = ?1",
	    c->rec.record_id, 0)) != 0)
		return ret;
	/*
	 * Otherwise the server's record descends from the re-offered
	 * version; with no local edit on top of that version, it simply
	 * is the newer state (a deletion included).
	 */
	if (!no_base && c->lost_version > 0) {
		if ((ret = db_unedited(db, c->rec.record_id, &same)) != 0)
			return ret;
		if (same) {
			*nconflicts = 0;
			return db_take_theirs(db, cur);
		}
	}
	return db_meet(db, cur, nconflicts);
}

static int
db_is_reoffered(sqlite3 *db, const char *record_id, int *yes)
{
	sqlite3_stmt	*s = NULL;
	int		 rc, ret;

	*yes = 0;
	if ((ret = db_get(db, "SELECT 1 FROM reoffer WHERE record_id = ?1",
	    &s)) != 0)
		return ret;
	if (sqlite3_bind_text(s, 1, record_id, -1, SQLITE_STATIC) !=
	    SQLITE_OK || ((rc = sqlite3_step(s)) != SQLITE_ROW &&
	    rc != SQLITE_DONE))
		ret = CS_ERR_DB;
	else
		*yes = rc == SQLITE_ROW;
	db_put(s);
	return ret;
}

int
db_pulled_clean(sqlite3 *db, const struct db_record *r)
{
	if (r->deleted)
		return db_run(db, "DELETE FROM records WHERE"
		    " record_id = ?1", r->record_id, 0);
	return db_run_record(db, db_upsert_record, r);
}

int
db_pulled(sqlite3 *db, const struct db_record *r, size_t *nconflicts)
{
	uint8_t	*base = NULL;
	size_t	 baselen;
	int64_t	 mv;
	int	 ret, dirty;

	*nconflicts = 0;
	if ((ret = db_is_dirty(db, r->record_id, &dirty)) != 0)
		return ret;
	if (!dirty)
		return db_pulled_clean(db, r);
	/*
	 * A record being re-offered after a restore: its version numbers
	 * from before say nothing now; the push's answer settles it.
	 */
	if ((ret = db_is_reoffered(db, r->record_id, &dirty)) != 0 || dirty)
		return ret;
	if ((ret = db_mirror_get(db, r->record_id, &mv, &base, &baselen)) != 0)
		return ret;
	free(base);
	if (mv >= r->version)
		return 0;	/* merged with this version already */
	return db_meet(db, r, nconflicts);
}
