/* SPDX-License-Identifier: ISC */
/*
 * sync_push.c - the push half of sync (see sync.h): send the outbox
 * (sealed) and apply each result in one transaction; offer the held
 * changes again and apply what was decided (nolost.h).  Pushes are
 * idempotent by change_id, so a change whose reply was lost is simply
 * sent again.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "author.h"
#include "notice.h"
#include "conn.h"
#include "db.h"
#include "errors.h"
#include "keys.h"
#include "log.h"
#include "msg_sync.h"
#include "nolost.h"
#include "sync_int.h"
#include "util.h"

/*
 * The server's record of a conflict: merged with the change, or (no
 * key yet, or a body that does not open) kept like a pulled one while
 * the change stays in the outbox (*moved 0).
 */
static int
sync_push_conflict(sqlite3 *db, const struct keyring *kr,
    const struct db_change *ch, const struct msg_change_result *cr,
    struct sync_stats *st, int *moved)
{
	struct db_record	 cur;
	uint8_t			*plain = NULL;
	size_t			 nc;
	int			 r;

	if (!cr->has_current ||
	    strcmp(cr->current.record_id, ch->rec.record_id) != 0)
		return CS_ERR_PROTOCOL;
	sync_rec_in(&cur, &cr->current);
	/*
	 * Without the key (or with a body that does not open) nothing can
	 * be merged: the change stays in the outbox, the server's version
	 * waits for its key like a pulled one, the rest of the batch goes
	 * on.
	 */
	if ((r = sync_open(kr, &cur, &plain, st)) == CS_ERR_NOT_FOUND) {
		if ((r = keys_pending_put(db, &cur)) == 0 &&
		    (r = author_pending_put(db, &cur)) == 0)
			r = db_author_server(db, &cur);
		st->waiting++;
		*moved = 0;
		return r;
	}
	if (r == CS_ERR_TAMPERED) {
		sync_tampered(&cur, st);
		*moved = 0;
		return 0;
	}
	if (r != 0)
		return r;
	if ((r = db_author_server(db, &cur)) == 0)
		r = db_conflict(db, ch, &cur, cr->no_common_base, &nc);
	free(plain);
	st->conflicts += nc;
	return r;
}

/* A change the server refused to let this user write. */
static int
sync_push_forbidden(sqlite3 *db, const struct db_change *ch,
    const struct msg_change_result *cr, struct sync_stats *st, int *moved)
{
	int	r;

	if (ch->lost_version != 0) {
		/* the case or membership may be made again */
		log_warnx("record %s of case %s: the restored server does "
		    "not let this user write the case (made after its "
		    "backup?): kept, and offered again at every sync",
		    ch->rec.record_id, ch->rec.case_id);
		*moved = 0;
		return db_reoffer_hold(db, ch);
	}
	if (cr->error == WERR_CASE_CLOSED)
		log_warnx("record %s of case %s: the case is closed "
		    "(GESLOTEN) and the server takes no new content "
		    "(ERROR_CASE_CLOSED): kept on this laptop, not sent again",
		    ch->rec.record_id, ch->rec.case_id);
	/* kept until someone decides: never dropped unseen */
	if ((r = nolost_hold(db, ch, cr->held)) == 0 &&
	    (r = nolost_hold_rest(db, ch->rec.record_id)) == 0)
		r = db_rejected(db, ch);
	st->rejected++;
	st->held++;
	return r;
}

/*
 * The next batch of a pipelined push, taken in the transaction that
 * applies an answer (sync_apply_push): past outbox seq *after, which
 * moves past it; *chs and *n as db_outbox_take_in().
 */
struct sync_take {
	int64_t			*after;
	struct db_change	*chs;
	size_t			 n;
};

/*
 * Move *after past the batch just taken (in seq order as taken;
 * sync_push_sendable() reorders them).
 */
static void
sync_after_past(const struct db_change *chs, size_t n, int64_t *after)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (chs[i].seq > *after)
			*after = chs[i].seq;
}

static int
sync_take_next(sqlite3 *db, struct sync_take *t)
{
	int	r;

	if ((r = db_outbox_take_in(db, *t->after, SYNC_PUSH_BATCH,
	    SYNC_PUSH_BYTES, &t->chs, &t->n)) != 0)
		return r;
	sync_after_past(t->chs, t->n, t->after);
	return 0;
}

/*
 * Apply the answer "resp" to the batch "chs" (n sent) in one
 * transaction; with "next", take the next batch in it as well
 * (sync_take_next), so that one durable commit serves both: each
 * commit waits for its fdatasync(2), and a push of 100,000 changes made
 * two per batch.  A failed take does not undo the answer's work: that
 * is committed, and the take's error returned.
 */
static int
sync_apply_push(sqlite3 *db, const struct keyring *kr,
    const struct db_change *chs, size_t n, const struct msg *resp,
    struct sync_stats *st, size_t *done, struct sync_take *next)
{
	struct msg_change_result	cr;
	char				self[MARKER_NAME_MAX + 1];
	size_t				i;
	int				r, rt = 0, moved;

	if ((r = db_begin(db)) != 0)
		return r;
	if ((r = db_author_self(db, self)) != 0)
		goto fail;
	for (i = 0; i < n; i++) {
		moved = 1;
		if ((r = msg_push_response_item(resp, i, &cr)) != 0)
			goto fail;
		if (strcmp(cr.change_id, chs[i].change_id) != 0) {
			r = CS_ERR_PROTOCOL;
			goto fail;
		}
		switch (cr.status) {
		case MSG_CHANGE_APPLIED:
			/* wire.c checked that the version fits */
			if (cr.version == 0) {
				r = CS_ERR_PROTOCOL;
				goto fail;
			}
			r = db_pushed_as(db, &chs[i], cr.version, self);
			st->pushed++;
			st->late += cr.late != 0;
			break;
		case MSG_CHANGE_CONFLICT:
			r = sync_push_conflict(db, kr, &chs[i], &cr, st,
			    &moved);
			break;
		case MSG_CHANGE_FORBIDDEN:
			r = sync_push_forbidden(db, &chs[i], &cr, st, &moved);
			break;
		default:
			r = db_rejected(db, &chs[i]);
			st->rejected++;
			break;
		}
		if (r != 0)
			goto fail;
		if (moved)
			(*done)++;
	}
	if (next != NULL)
		rt = sync_take_next(db, next);
	if ((r = db_commit(db)) != 0) {
		db_rollback(db);
		if (next != NULL) {
			db_changes_free(next->chs, next->n);
			next->chs = NULL;
			next->n = 0;
		}
		return r;
	}
	return rt;
 fail:
	db_rollback(db);
	return r;
}

/*
 * Move the changes of "chs" that can go in one PushRequest to the
 * front, in order: those of cases whose key this laptop holds, with a
 * body small enough to seal for the wire.  Returns how many.
 */
static size_t
sync_push_sendable(const struct keyring *kr, struct db_change *chs,
    size_t n)
{
	struct db_change	tmp;
	size_t			i, k = 0;

	for (i = 0; i < n; i++) {
		if (keyring_newest(kr, chs[i].rec.case_id, &(uint32_t){ 0 }) ==
		    NULL)
			continue;
		/* a merge can make a body too large to seal for the wire */
		if (chs[i].rec.body_len > DB_BODY_MAX) {
			log_warnx("record %s: %zu bytes, more than %d: not "
			    "sent; edit it to make it smaller",
			    chs[i].rec.record_id, chs[i].rec.body_len,
			    DB_BODY_MAX);
			continue;
		}
		if (i != k) {
			tmp = chs[k];
			chs[k] = chs[i];
			chs[i] = tmp;
		}
		k++;
	}
	return k;
}

/*
 * Send the changes "chs" (n of them) that can go in one PushRequest
 * (sync_push_sendable()), sealed, without waiting for the answer; the
 * others wait where they are.  *ns gets how many went (0: no request);
 * *id the request's, for sync_push_wait().  Shared by the outbox and
 * the held changes.
 */
static int
sync_push_send(struct conn *c, const struct keyring *kr,
    struct db_change *chs, size_t n, struct sync_stats *st, size_t *ns,
    uint32_t *id)
{
	struct msg_change		*mc = NULL;
	struct msg_push_request		 req;
	struct msg_out			 o;
	uint8_t				*sealed = NULL, *nonces = NULL;
	size_t				 i, k, len, at, total = 0;
	int				 r = 0;

	*ns = 0;
	if ((k = sync_push_sendable(kr, chs, n)) == 0)
		return 0;
	/*
	 * The batch's sealed bodies in one buffer, their nonces drawn in
	 * one call: a malloc and a getrandom(2) per body were 4 % of the
	 * laptop's CPU in a push of 100,000 changes.
	 */
	for (i = 0; i < k; i++) {
		len = chs[i].rec.body_len;
		if (len > SIZE_MAX - E2E_BODY_OVERHEAD ||
		    SIZE_MAX - total < len + E2E_BODY_OVERHEAD) {
			r = CS_ERR_TOO_LARGE;
			goto out;
		}
		total += len + E2E_BODY_OVERHEAD;
	}
	if ((mc = calloc(k, sizeof(*mc))) == NULL ||
	    (nonces = calloc(k, E2E_BODY_NONCE_LEN)) == NULL ||
	    (sealed = malloc(total)) == NULL) {
		r = CS_ERR_ALLOC;
		goto out;
	}
	randombytes_buf(nonces, k * E2E_BODY_NONCE_LEN);
	for (i = 0, at = 0; i < k; i++, at += len) {
		if ((r = sync_seal(kr, &chs[i].rec,
		    nonces + i * E2E_BODY_NONCE_LEN, sealed + at, total - at,
		    &len, st)) != 0)
			goto out;
		mc[i].change_id = chs[i].change_id;
		mc[i].record.record_id = chs[i].rec.record_id;
		mc[i].record.case_id = chs[i].rec.case_id;
		mc[i].record.kind = chs[i].rec.kind;
		mc[i].record.deleted = chs[i].rec.deleted;
		mc[i].record.key_epoch = chs[i].rec.key_epoch;
		mc[i].record.body.p = sealed + at;
		mc[i].record.body.len = len;
		st->sent_bytes += len;
		mc[i].record.hlc = chs[i].rec.hlc;
		mc[i].base_version = chs[i].rec.version;
		mc[i].lost_version = chs[i].lost_version;
	}
	req.changes = mc;
	req.n_changes = k;
	o = msg_out_push_request(&req);
	st->round_trips++;
	if ((r = conn_rpc_send(c, &o, id)) != 0)
		goto out;
	*ns = k;
 out:
	free(sealed);
	free(nonces);
	free(mc);
	return r;
}

/*
 * The PushResponse to request "id" of "ns" changes: 0 and *rep, one
 * result per change sent; else *rep NULL.
 */
static int
sync_push_wait(struct conn *c, uint32_t id, size_t ns, struct msg **rep)
{
	struct msg_push_response	resp;
	int				r;

	if ((r = conn_rpc_wait(c, id, rep)) != 0) {
		/* e.g. the server's disk full */
		notice_reply("push", r, *rep);
		goto out;
	}
	if (msg_type(*rep) != MSG_PUSH_RESPONSE ||
	    msg_get_push_response(*rep, &resp) != 0 ||
	    resp.n_results != ns)
		r = CS_ERR_PROTOCOL;
 out:
	if (r != 0) {
		msg_free(*rep);
		*rep = NULL;
	}
	return r;
}

/* A batch of the outbox on its way: taken, marked sent, sent. */
struct sync_flight {
	struct db_change	*chs;
	size_t			 n;	/* taken */
	size_t			 ns;	/* sent: the first ns of chs */
	uint32_t		 id;
};

static void
sync_flight_clear(struct sync_flight *f)
{
	db_changes_free(f->chs, f->n);
	memset(f, 0, sizeof(*f));
}

/*
 * After a batch was sent from slot "f": one more in flight, or, if
 * nothing went (the outbox is dry past it), the slot emptied and *dry.
 */
static void
sync_flight_sent(struct sync_flight *f, size_t *nfl, int *dry)
{
	if (f->ns == 0) {
		sync_flight_clear(f);
		*dry = 1;
	} else
		(*nfl)++;
}

/*
 * Take the batch after outbox seq *after and send it (f->ns 0: nothing
 * went); *after moves past it.
 */
static int
sync_flight_go(struct conn *c, sqlite3 *db, const struct keyring *kr,
    struct sync_stats *st, int64_t *after, struct sync_flight *f)
{
	int	r;

	memset(f, 0, sizeof(*f));
	if ((r = db_outbox_take_after(db, *after, SYNC_PUSH_BATCH,
	    SYNC_PUSH_BYTES, &f->chs, &f->n)) != 0 || f->n == 0)
		return r;
	sync_after_past(f->chs, f->n, after);
	return sync_push_send(c, kr, f->chs, f->n, st, &f->ns, &f->id);
}

/*
 * Push the outbox, pipelined: while the server checks and commits one
 * batch, the next ones (up to SYNC_PUSH_DEPTH batches on their way) are
 * taken, sealed and sent, so the laptop's work and the server's overlap
 * and a batch that takes one side longer does not leave the other
 * waiting.  Each batch is still marked sent before it goes
 * (db_outbox_take) and its rows leave the outbox only when its answer,
 * sent by the server after its durable commit, has been applied; a cut
 * connection leaves at most SYNC_PUSH_DEPTH batches marked sent, which
 * the next sync sends again (change ids make that idempotent).  Each
 * batch starts past the last seq of the one before
 * (db_outbox_take_after): no record is on its way twice.  A later row
 * of a record that was on its way (an edit queued since, a conflict's
 * merge) may fall behind that bound: when the pipeline runs dry, it
 * starts again from the beginning of the outbox, until a pass moves
 * nothing.
 */
int
sync_push_all(struct conn *c, sqlite3 *db, const struct keyring *kr,
    const struct sync_observer *obs, struct sync_stats *st)
{
	struct sync_flight	 fl[SYNC_PUSH_DEPTH], *f;
	struct sync_take	 nx;
	struct msg		*rep = NULL;
	int64_t			 after = 0;
	size_t			 done, moved = 0, head = 0, nfl = 0, i;
	int			 r = 0, dry = 0;

	memset(fl, 0, sizeof(fl));
	memset(&nx, 0, sizeof(nx));
	nx.after = &after;
	for (;;) {
		/* the pipeline full: batches taken and sent ahead */
		while (!dry && nfl < SYNC_PUSH_DEPTH) {
			f = &fl[(head + nfl) % SYNC_PUSH_DEPTH];
			if ((r = sync_flight_go(c, db, kr, st, &after, f)) != 0)
				goto out;
			sync_flight_sent(f, &nfl, &dry);
		}
		if (nfl == 0) {
			/* dry: from the beginning again, if anything moved */
			if (after == 0 || moved == 0)
				break;
			after = 0;
			moved = 0;
			dry = 0;
			continue;
		}
		/* the oldest batch's answer */
		f = &fl[head];
		done = 0;
		if ((r = sync_push_wait(c, f->id, f->ns, &rep)) != 0 ||
		    (r = sync_apply_push(db, kr, f->chs, f->ns, rep, st,
		    &done, dry ? NULL : &nx)) != 0)
			goto out;
		msg_free(rep);
		rep = NULL;
		moved += done;
		sync_progress(obs, st, "pushing");
		sync_flight_clear(f);
		head = (head + 1) % SYNC_PUSH_DEPTH;
		nfl--;
		if (dry)
			continue;
		/* the batch taken with that answer goes in the freed slot */
		f = &fl[(head + nfl) % SYNC_PUSH_DEPTH];
		f->chs = nx.chs;
		f->n = nx.n;
		nx.chs = NULL;	/* transferred */
		nx.n = 0;
		if (f->n > 0 && (r = sync_push_send(c, kr, f->chs, f->n, st,
		    &f->ns, &f->id)) != 0)
			goto out;
		sync_flight_sent(f, &nfl, &dry);
	}
 out:
	msg_free(rep);
	db_changes_free(nx.chs, nx.n);
	for (i = 0; i < SYNC_PUSH_DEPTH; i++)
		sync_flight_clear(&fl[i]);
	return r;
}

/* The server's answer to held change "c": what was decided. */
static int
sync_held_result(sqlite3 *db, const struct db_change *c,
    const struct msg_change_result *cr, struct sync_stats *st)
{
	char	who[4 * MSG_DECIDED_BY_MAX + 1];

	if (strcmp(cr->change_id, c->change_id) != 0)
		return CS_ERR_PROTOCOL;
	if (cr->status == MSG_CHANGE_APPLIED) {
		/* accepted into the case (by a decision, or access is back) */
		st->held_accepted++;
		return nolost_held_done(db, c->change_id);
	}
	if (cr->status == MSG_CHANGE_FORBIDDEN && cr->discarded) {
		log_warnx("record %s of case %s: the change held here was "
		    "discarded by %s", c->rec.record_id, c->rec.case_id,
		    str_vis(who, sizeof(who), cr->decided_by,
		    strlen(cr->decided_by)));
		st->held_discarded++;
		return nolost_held_done(db, c->change_id);
	}
	if (cr->status == MSG_CHANGE_FORBIDDEN && cr->held)
		return nolost_held_mark(db, c->change_id);
	return 0;	/* still refused: kept, and shown */
}

int
sync_push_held(struct conn *c, sqlite3 *db, const struct keyring *kr,
    struct sync_stats *st)
{
	struct msg_change_result	 cr;
	struct db_change		*chs = NULL;
	struct msg			*rep = NULL;
	size_t				 i, n = 0, ns;
	uint32_t			 id;
	int				 r;

	if ((r = nolost_held_take(db, SYNC_PUSH_BATCH, &chs, &n)) != 0 ||
	    n == 0)
		goto out;
	/* without a key of its case a held change cannot go: kept, shown */
	if ((r = sync_push_send(c, kr, chs, n, st, &ns, &id)) != 0 ||
	    ns == 0 || (r = sync_push_wait(c, id, ns, &rep)) != 0)
		goto out;
	if ((r = db_begin(db)) != 0)
		goto out;
	for (i = 0; i < ns && r == 0; i++)
		if ((r = msg_push_response_item(rep, i, &cr)) == 0)
			r = sync_held_result(db, &chs[i], &cr, st);
	if (r == 0)
		r = db_commit(db);
	else
		db_rollback(db);
 out:
	msg_free(rep);
	db_changes_free(chs, n);
	return r;
}
