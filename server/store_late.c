/* SPDX-License-Identifier: ISC */
/*
 * store_late.c - late changes, held changes, held purges and the access
 * mode of cases in the server database (see store_late.h).
 *
 * Tables:
 *  - device_pushes: when each device last pushed (milliseconds), written
 *    in the push's own transaction.  Every change a laptop made before a
 *    push went out with that push (the client pushes its whole outbox),
 *    so a change claiming an earlier time, pushed later, contradicts it.
 *  - late_window: per device of the old office, from a transfer's accept
 *    to the end of its handover window: when write access was lost
 *    (lost_ms) and the device's last push before that (floor_ms).  A
 *    change is late if its claimed time is in [floor_ms, lost_ms) and
 *    it is pushed while the window is open.
 *  - held_changes: refused changes of (former) members, sealed as they
 *    came, until accepted into the case or discarded.
 *  - purge_holds: a device said it did not purge a case because changes
 *    hold it (PurgeReceipt.held); gone once the real receipt comes.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sdb.h"

#include "errors.h"
#include "log.h"
#include "store.h"
#include "store_int.h"
#include "store_late.h"

int64_t
store_now_ms(void)
{
	struct timespec	ts;

	(void)clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t
store_late_ms(int64_t now)
{
	int64_t	ms = store_now_ms();

	return ms / 1000 == now ? ms : now * 1000;
}

int
store_late_open(struct store *st, const char *case_id, int64_t from,
    int64_t transfer_id, int64_t lost_ms, int64_t until)
{
	const char	*t[1] = { case_id };

	/*
	 * floor: the device's last push before the loss, else its
	 * enrollment (it cannot have written anything before that).
	 */
	return store_do(st, "INSERT INTO late_window(device_id, case_id,"
	    " transfer_id, lost_ms, floor_ms, until) SELECT d.id, m.case_id,"
	    " ?2, ?3, coalesce((SELECT p.at_ms FROM device_pushes p WHERE"
	    " p.device_id = d.id), d.enrolled_at * 1000), ?4 FROM"
	    " case_members m JOIN users u ON u.id = m.user_id JOIN devices d"
	    " ON d.user_id = m.user_id WHERE m.case_id = ?5 AND"
	    " u.office_id = ?1 AND m.read_only = 0 AND d.revoked_at IS NULL"
	    " ON CONFLICT(device_id, case_id) DO UPDATE SET transfer_id = ?2, lost_ms = ?3,"
	    " floor_ms = excluded.floor_ms, until = ?4", NULL, "iiiit",
	    (const int64_t[]){ from, transfer_id, lost_ms, until }, t);
}

int
store_late_expire(struct store *st, int64_t now)
{
	return store_do(st, "DELETE FROM late_window WHERE until <= ?1",
	    NULL, "i", &now, NULL);
}

int
store_late_pushed(struct store *st, int64_t device_id, int64_t now_ms)
{
	const int64_t	 iv[2] = { device_id, now_ms };
	struct sdb_stmt	*s = NULL;
	int		 r;

	if ((r = store_bind(st, "INSERT INTO device_pushes(device_id, at_ms)"
	    " VALUES (?1, ?2) ON CONFLICT(device_id) DO UPDATE SET at_ms ="
	    " CASE WHEN device_pushes.at_ms > ?2 THEN device_pushes.at_ms"
	    " ELSE ?2 END", &s, "ii", iv, NULL, NULL)) != 0)
		return r;
	/* inside the push's transaction: sent, met by its commit */
	if (sdb_put(s) != 0)
		r = store_errcode(st);
	return store_done(st, s, r, __func__);
}

/* The decision already taken on change "c", if any: 1 found, 0 not. */
static int
late_decided(struct store *st, int64_t device_id,
    const struct store_change *c, struct store_change_result *res)
{
	struct sdb_stmt	*s = NULL;
	char		 state[16];
	int		 rc, r = CS_ERR_DB;

	if (store_prepare(st, "SELECT state, coalesce(decided_by, ''),"
	    " device_id FROM held_changes WHERE change_id = ?1", &s) != 0)
		return CS_ERR_DB;
	if (sdb_bind_text(s, 1, c->change_id, -1) !=
	    0)
		goto out;
	if ((rc = sdb_step(s)) == SDB_DONE) {
		r = 0;
		goto out;
	}
	if (rc != SDB_ROW ||
	    store_col_text(s, 0, state, sizeof(state)) != 0 ||
	    store_col_text(s, 1, res->decided_by,
	    sizeof(res->decided_by)) != 0)
		goto out;
	res->status = STORE_CHANGE_FORBIDDEN;
	if (sdb_column_int64(s, 2) != device_id) {
		/* another device's change id: refused, nothing said */
		res->decided_by[0] = '\0';
	} else if (strcmp(state, "discarded") == 0)
		res->discarded = 1;
	else {
		/* accepted ones are found in "changes" before we get here */
		res->held = 2;
		res->decided_by[0] = '\0';
	}
	r = 1;
 out:
	return store_done(st, s, r, __func__);
}

/* 1 if "c" is a late change of a read-only member, 0 if not. */
static int
late_window_ok(struct store *st, int64_t device_id,
    const struct store_change *c, int64_t now_ms)
{
	const char	*t[1] = { c->rec.case_id };
	int64_t		 claimed, ok = 0;
	int		 r;

	/* hlc: milliseconds << 16 | counter; 48 bits of ms fit */
	claimed = (int64_t)(c->rec.hlc >> 16);
	r = store_do(st, "SELECT count(*) FROM late_window WHERE"
	    " device_id = ?1 AND case_id = ?4 AND until * 1000 > ?2 AND"
	    " floor_ms <= ?3 AND ?3 < lost_ms", &ok, "iiit",
	    (const int64_t[]){ device_id, now_ms, claimed }, t);
	if (r != 0)
		return r;
	return ok != 0;
}

/* Keep change "c" of device "device_id" for a decision. */
static int
late_hold_put(struct store *st, int64_t device_id,
    const struct store_change *c, int64_t now)
{
	const struct store_record	*in = &c->rec;
	struct sdb_stmt			*s = NULL;
	int				 r = CS_ERR_DB;

	if (store_prepare(st, "INSERT INTO held_changes(change_id,"
	    " device_id, case_id, record_id, kind, base_version, deleted,"
	    " key_epoch, body, hlc, held_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6,"
	    " ?7, ?8, ?9, ?10, ?11)", &s) != 0)
		return CS_ERR_DB;
	if (sdb_bind_text(s, 1, c->change_id, -1) !=
	    0 ||
	    sdb_bind_int64(s, 2, device_id) != 0 ||
	    sdb_bind_text(s, 3, in->case_id, -1) !=
	    0 ||
	    sdb_bind_text(s, 4, in->record_id, -1) !=
	    0 ||
	    sdb_bind_text(s, 5, in->kind, -1) != 0 ||
	    sdb_bind_int64(s, 6, c->base_version) != 0 ||
	    sdb_bind_int64(s, 7, in->deleted != 0) != 0 ||
	    sdb_bind_int64(s, 8, in->key_epoch) != 0 ||
	    sdb_bind_blob(s, 9, in->body_len > 0 ? in->body :
	    (const void *)"", (int)in->body_len) != 0 ||
	    sdb_bind_int64(s, 10, (int64_t)in->hlc) != 0 ||
	    sdb_bind_int64(s, 11, now) != 0 ||
	    sdb_step(s) != SDB_DONE)
		goto out;
	r = 0;
 out:
	return store_done(st, s, r, __func__);
}

int
store_late_judge(struct store *st, int64_t user_id, int64_t device_id,
    const struct store_change *c, int member, int64_t now_ms, int *late,
    struct store_change_result *res)
{
	const struct store_record	*in = &c->rec;
	const char			*t[1];
	int64_t				 purge = 0, n = 0;
	int				 r;

	(void)user_id;
	*late = 0;
	res->status = STORE_CHANGE_FORBIDDEN;
	if ((r = late_decided(st, device_id, c, res)) != 0)
		return r < 0 ? r : 0;
	if (member == 2) {
		if ((r = late_window_ok(st, device_id, c, now_ms)) < 0)
			return r;
		if (r == 1) {
			*late = 1;
			res->status = 0;
			return 0;
		}
	}
	/*
	 * Kept only from a read-only member or a device that must purge
	 * the case (a member until recently), and only so many per device:
	 * a stranger's push is refused, not stored.
	 */
	t[0] = in->case_id;
	if (member != 2 && (r = store_do(st, "SELECT count(*) FROM purges"
	    " WHERE device_id = ?1 AND case_id = ?2 AND receipt_at IS NULL",
	    &purge, "it", &device_id, t)) != 0)
		return r;
	if (member != 2 && purge == 0)
		return 0;
	if ((r = store_do(st, "SELECT count(*) FROM held_changes WHERE"
	    " device_id = ?1 AND state = 'held'", &n, "i", &device_id,
	    NULL)) != 0)
		return r;
	if (n >= STORE_HELD_MAX) {
		log_warnx("device %lld: %lld changes held already; refused",
		    (long long)device_id, (long long)n);
		return 0;
	}
	if ((r = late_hold_put(st, device_id, c, now_ms / 1000)) == 0)
		res->held = 1;
	return r;
}

int
store_purge_hold(struct store *st, int64_t device_id, const char *case_id,
    uint32_t n, int64_t now, int *news)
{
	const char	*t[1] = { case_id };
	int64_t		 pending = 0, old = -1;
	int		 r;

	*news = 0;
	if ((r = store_begin(st)) != 0)
		return r;
	if ((r = store_do(st, "SELECT count(*) FROM purges WHERE"
	    " device_id = ?1 AND case_id = ?2 AND receipt_at IS NULL",
	    &pending, "it", &device_id, t)) != 0)
		goto fail;
	if (pending == 0) {
		r = CS_ERR_NOT_FOUND;
		goto fail;
	}
	r = store_do(st, "SELECT changes FROM purge_holds WHERE"
	    " device_id = ?1 AND case_id = ?2", &old, "it", &device_id, t);
	if (r != 0 && r != CS_ERR_NOT_FOUND)
		goto fail;
	if (r == 0 && old == (int64_t)n) {
		store_rollback(st);
		return 0;
	}
	if ((r = store_do(st, "INSERT INTO purge_holds(device_id, case_id,"
	    " held_at, changes) VALUES (?1, ?3, ?2, ?4) ON CONFLICT(device_id, case_id) DO"
	    " UPDATE SET changes = ?4", NULL, "iiti",
	    (const int64_t[]){ device_id, now, (int64_t)n }, t)) != 0 ||
	    (r = store_commit(st)) != 0)
		goto fail;
	*news = 1;
	return 0;
 fail:
	store_rollback(st);
	return r;
}

int
store_purge_unhold(struct store *st, int64_t device_id, const char *case_id)
{
	const char	*t[1] = { case_id };

	return store_do(st, "DELETE FROM purge_holds WHERE device_id = ?1"
	    " AND case_id = ?2", NULL, "it", &device_id, t);
}

/* Bind the read-only cases query; with "send", send it (sdb_send). */
static int
store_case_access_bind(struct store *st, int64_t user_id, size_t max,
    int send)
{
	struct sdb_stmt	*s;

	/* asked at every pull: the statement stays prepared */
	if (st->accessq == NULL && store_prepare(st, "SELECT m.case_id,"
	    " CASE WHEN a.transfer_id IS NOT NULL THEN 'handover' WHEN"
	    " a.glass_id IS NOT NULL THEN 'glass' ELSE 'read_only' END,"
	    " coalesce((SELECT t.decided_at"
	    " FROM transfers t WHERE t.id = a.transfer_id), (SELECT"
	    " g.granted_at FROM glass g WHERE g.id = a.glass_id), 0),"
	    " coalesce(a.expires_at, 0) FROM case_members m LEFT JOIN"
	    " access_expiry a ON a.user_id = m.user_id AND"
	    " a.case_id = m.case_id WHERE m.user_id = ?1 AND"
	    " m.read_only = 1 ORDER BY m.case_id LIMIT ?2",
	    &st->accessq) != 0)
		return CS_ERR_DB;
	s = st->accessq;
	if (sdb_bind_int64(s, 1, user_id) != 0 ||
	    sdb_bind_int64(s, 2, (int64_t)max) != 0 ||
	    (send && sdb_send(s) != 0)) {
		sdb_reset(s);
		(void)sdb_clear_bindings(s);
		return CS_ERR_DB;
	}
	return 0;
}

int
store_case_access_send(struct store *st, int64_t user_id, size_t max)
{
	int	r;

	if ((r = store_case_access_bind(st, user_id, max, 1)) == 0)
		st->access_sent = 1;
	return r;
}

int
store_case_access(struct store *st, int64_t user_id, size_t max,
    int (*cb)(const struct store_access *, void *), void *arg)
{
	struct sdb_stmt		*s;
	struct store_access	 a;
	int			 rc, r = CS_ERR_DB;

	if (st->access_sent)	/* store_pull_ahead: as bound */
		st->access_sent = 0;
	else if (store_case_access_bind(st, user_id, max, 0) != 0) {
		store_log(st, __func__);
		return CS_ERR_DB;
	}
	s = st->accessq;
	while ((rc = sdb_step(s)) == SDB_ROW) {
		memset(&a, 0, sizeof(a));
		if (store_col_text(s, 0, a.case_id, sizeof(a.case_id)) != 0 ||
		    store_col_text(s, 1, a.mode, sizeof(a.mode)) != 0)
			goto out;
		a.since = sdb_column_int64(s, 2);
		a.until = sdb_column_int64(s, 3);
		if ((r = cb(&a, arg)) != 0)
			goto out;
		r = CS_ERR_DB;
	}
	if (rc != SDB_DONE)
		goto out;
	r = 0;
 out:
	if (r == CS_ERR_DB)
		store_log(st, __func__);
	sdb_reset(s);
	(void)sdb_clear_bindings(s);
	return r;
}

/* Columns read by late_held_row(), in order. */
#define HELD_SELECT							\
	"SELECT h.change_id, h.case_id, h.record_id, h.kind, h.device_id," \
	" d.name, u.name, h.held_at, 0, coalesce((SELECT t.id FROM"	\
	" transfers t WHERE t.case_id = h.case_id AND t.state ="	\
	" 'ACCEPTED'), 0), h.state, coalesce(h.version, 0) FROM"	\
	" held_changes h JOIN devices d ON d.id = h.device_id JOIN users u" \
	" ON u.id = d.user_id"

static int
late_held_row(struct sdb_stmt *s, struct store_held *h)
{
	memset(h, 0, sizeof(*h));
	if (store_col_text(s, 0, h->change_id, sizeof(h->change_id)) != 0 ||
	    store_col_text(s, 1, h->case_id, sizeof(h->case_id)) != 0 ||
	    store_col_text(s, 2, h->record_id, sizeof(h->record_id)) != 0 ||
	    store_col_text(s, 3, h->kind, sizeof(h->kind)) != 0 ||
	    store_col_text(s, 5, h->device, sizeof(h->device)) != 0 ||
	    store_col_text(s, 6, h->user, sizeof(h->user)) != 0 ||
	    store_col_text(s, 10, h->state, sizeof(h->state)) != 0)
		return CS_ERR_DB;
	h->device_id = sdb_column_int64(s, 4);
	h->at = sdb_column_int64(s, 7);
	h->changes = sdb_column_int64(s, 8);
	h->transfer_id = sdb_column_int64(s, 9);
	h->version = sdb_column_int64(s, 11);
	return 0;
}

int
store_held_list(struct store *st,
    int (*cb)(const struct store_held *, void *), void *arg)
{
	static const char *const q[2] = {
		/* held purges: the same columns, change and record "" */
		"SELECT '', p.case_id, '', '', p.device_id, d.name, u.name,"
		" p.held_at, p.changes, coalesce((SELECT t.id FROM transfers"
		" t WHERE t.case_id = p.case_id AND t.state = 'ACCEPTED'), 0),"
		" 'held', 0 FROM purge_holds p JOIN devices d ON"
		" d.id = p.device_id JOIN users u ON u.id = d.user_id"
		/* a purge made moot (access given back) holds nothing */
		" WHERE EXISTS (SELECT 1 FROM purges x WHERE"
		" x.device_id = p.device_id AND x.case_id = p.case_id AND"
		" x.receipt_at IS NULL) AND d.revoked_at IS NULL"
		" ORDER BY p.case_id, p.device_id",
		/* applied meanwhile (the author could write again): done */
		HELD_SELECT " WHERE h.state = 'held' AND NOT EXISTS (SELECT 1"
		" FROM changes c WHERE c.change_id = h.change_id)"
		" ORDER BY h.id",
	};
	struct sdb_stmt		*s = NULL;
	struct store_held	 h;
	size_t			 i;
	int			 rc, r = 0;

	for (i = 0; r == 0 && i < 2; i++) {
		if (store_prepare(st, q[i], &s) != 0)
			return CS_ERR_DB;
		while ((rc = sdb_step(s)) == SDB_ROW) {
			if ((r = late_held_row(s, &h)) != 0 ||
			    (r = cb(&h, arg)) != 0)
				break;
		}
		if (r == 0 && rc != SDB_DONE)
			r = CS_ERR_DB;
		if (r == CS_ERR_DB)
			store_log(st, __func__);
		sdb_finalize(s);
		s = NULL;
	}
	return r;
}

static int
late_held_get(struct store *st, const char *change_id, struct store_held *h)
{
	struct sdb_stmt	*s = NULL;
	int		 rc, r = CS_ERR_DB;

	if (store_prepare(st, HELD_SELECT " WHERE h.change_id = ?1", &s) != 0)
		return CS_ERR_DB;
	if (sdb_bind_text(s, 1, change_id, -1) != 0)
		goto out;
	if ((rc = sdb_step(s)) == SDB_DONE) {
		r = CS_ERR_NOT_FOUND;
		goto out;
	}
	if (rc != SDB_ROW)
		goto out;
	r = late_held_row(s, h);
 out:
	return store_done(st, s, r, __func__);
}

/*
 * Apply held change "change_id" to its case inside the transaction: as
 * a push would have, with its author device and claimed time, and with
 * a row in "changes" so that the laptop's retry of the same change_id
 * gets this result.  STATE if the record moved on since it was written.
 */
static int
late_held_apply(struct store *st, const char *change_id, int64_t *seqp,
    const char **why)
{
	const char	*t[1] = { change_id };
	int64_t		 cur = -1, base = 0, append = 0, other = 0, seq;
	int64_t		 now = (int64_t)time(NULL);
	int		 r;

	if ((r = store_do(st, "SELECT base_version FROM held_changes WHERE"
	    " change_id = ?1", &base, "t", NULL, t)) != 0)
		return r;
	r = store_do(st, "SELECT r.version FROM records r JOIN held_changes h"
	    " ON h.record_id = r.record_id WHERE h.change_id = ?1", &cur, "t",
	    NULL, t);
	if (r != 0 && r != CS_ERR_NOT_FOUND)
		return r;
	if (r == 0 && ((r = store_do(st, "SELECT count(*) FROM records r"
	    " JOIN held_changes h ON h.record_id = r.record_id WHERE"
	    " h.change_id = ?1 AND (r.case_id != h.case_id OR"
	    " r.kind != h.kind)", &other, "t", NULL, t)) != 0 ||
	    (r = store_do(st, "SELECT kind IN ('journal', 'audit',"
	    " 'plan_version') FROM"
	    " held_changes WHERE change_id = ?1", &append, "t", NULL,
	    t)) != 0))
		return r;
	if (cur >= 0 && (other != 0 || append != 0 || cur != base)) {
		*why = "the record changed since this was written (or may "
		    "not change): it cannot be accepted as it is; discard it "
		    "and ask a member of the case to write it again";
		return CS_ERR_STATE;
	}
	if (cur < 0 && base != 0) {
		*why = "the record no longer exists on the server";
		return CS_ERR_STATE;
	}
	if ((r = store_seq_next(st, &seq)) != 0 ||
	    (r = store_do(st, "INSERT INTO records(record_id, case_id, kind,"
	    " version, deleted, key_epoch, body, author_device, hlc,"
	    " created_device, created_at, changed_at) SELECT"
	    " record_id, case_id, kind, ?2, deleted, key_epoch, body,"
	    " device_id, hlc, device_id, ?3, ?3 FROM held_changes WHERE"
	    " change_id = ?1 ON"
	    " CONFLICT(record_id) DO UPDATE SET version = excluded.version,"
	    " deleted = excluded.deleted, key_epoch = excluded.key_epoch,"
	    " body = excluded.body, author_device = excluded.author_device,"
	    " hlc = excluded.hlc, changed_at = excluded.changed_at", NULL,
	    "tii", (const int64_t[]){ seq, now }, t)) != 0 ||
	    (r = store_do(st, "INSERT INTO changes(change_id, device_id,"
	    " record_id, version, at) SELECT change_id, device_id,"
	    " record_id, ?2, ?3 FROM held_changes WHERE"
	    " change_id = ?1", NULL, "tii", (const int64_t[]){ seq, now },
	    t)) != 0)
		return r;
	*seqp = seq;
	return 0;
}

int
store_held_decide(struct store *st, const char *change_id, int accept,
    const char *who, const char *reason, int64_t now, struct store_held *out,
    int64_t *seqp, const char **why)
{
	const char	*t[4];
	int64_t		 seq = 0, applied = 0;
	int		 r;

	memset(out, 0, sizeof(*out));
	*seqp = 0;
	*why = NULL;
	if ((r = store_begin(st)) != 0)
		return r;
	if ((r = late_held_get(st, change_id, out)) != 0) {
		*why = "no such held change";
		goto fail;
	}
	t[0] = change_id;
	if ((r = store_do(st, "SELECT count(*) FROM changes WHERE"
	    " change_id = ?1", &applied, "t", NULL, t)) != 0)
		goto fail;
	if (strcmp(out->state, "held") != 0 || applied != 0) {
		*why = applied != 0 ? "applied already: its author could "
		    "write the case again" : "decided already";
		r = CS_ERR_STATE;
		goto fail;
	}
	/* a GESLOTEN case takes no new content, a held change neither */
	t[0] = out->case_id;
	if (accept && (r = store_do(st, "SELECT count(*) FROM cases WHERE"
	    " id = ?1 AND state = 'GESLOTEN'", &applied, "t", NULL, t)) != 0)
		goto fail;
	if (accept && applied != 0) {
		*why = "the case is closed (GESLOTEN): a held change of it "
		    "can only be discarded";
		r = CS_ERR_CASE_CLOSED;
		goto fail;
	}
	if (accept && (r = late_held_apply(st, change_id, &seq, why)) != 0)
		goto fail;
	t[0] = accept ? "accepted" : "discarded";
	t[1] = who;
	t[2] = reason;
	t[3] = change_id;
	if ((r = store_do(st, "UPDATE held_changes SET state = ?1,"
	    " decided_by = ?2, reason = ?3, decided_at = ?5, version ="
	    " nullif(?6, 0) WHERE change_id = ?4", NULL, "ttttii",
	    (const int64_t[]){ now, seq }, t)) != 0 ||
	    (r = late_held_get(st, change_id, out)) != 0 ||
	    (r = store_commit(st)) != 0)
		goto fail;
	*seqp = seq;
	return 0;
 fail:
	store_rollback(st);
	return r;
}
