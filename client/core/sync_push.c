/* SPDX-License-Identifier: ISC */
/*
 * sync_push.c - the push half of sync (see sync.h): send the outbox
 * (sealed) and apply each result in one transaction; offer the held
 * changes again and apply what was decided (nolost.h).  Pushes are
 * idempotent by change_id, so a change whose reply was lost is simply
 * sent again.
 */
#include <stdlib.h>
#include <string.h>

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

static int
sync_apply_push(sqlite3 *db, const struct keyring *kr,
    const struct db_change *chs, size_t n, const struct msg *resp,
    struct sync_stats *st, size_t *done)
{
	struct msg_change_result	cr;
	size_t				i;
	int				r, moved;

	if ((r = db_begin(db)) != 0)
		return r;
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
			r = db_pushed(db, &chs[i], cr.version);
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
	return db_commit(db);
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
 * (sync_push_sendable()), sealed; the others wait where they are.  *ns
 * gets how many went (0: no request, *rep NULL); on 0 with *ns > 0,
 * *rep is the PushResponse, one result per change sent.  Shared by the
 * outbox and the held changes.
 */
static int
sync_push_send(struct conn *c, const struct keyring *kr,
    struct db_change *chs, size_t n, struct sync_stats *st, size_t *ns,
    struct msg **rep)
{
	struct msg_change		*mc = NULL;
	struct msg_push_request		 req;
	struct msg_push_response	 resp;
	struct msg_out			 o;
	uint8_t				**sealed = NULL;
	size_t				 i, k, len;
	int				 r = 0;

	*ns = 0;
	*rep = NULL;
	if ((k = sync_push_sendable(kr, chs, n)) == 0)
		return 0;
	if ((mc = calloc(k, sizeof(*mc))) == NULL ||
	    (sealed = calloc(k, sizeof(*sealed))) == NULL) {
		r = CS_ERR_ALLOC;
		goto out;
	}
	for (i = 0; i < k; i++) {
		if ((r = sync_seal(kr, &chs[i].rec, &sealed[i], &len, st)) != 0)
			goto out;
		mc[i].change_id = chs[i].change_id;
		mc[i].record.record_id = chs[i].rec.record_id;
		mc[i].record.case_id = chs[i].rec.case_id;
		mc[i].record.kind = chs[i].rec.kind;
		mc[i].record.deleted = chs[i].rec.deleted;
		mc[i].record.key_epoch = chs[i].rec.key_epoch;
		mc[i].record.body.p = sealed[i];
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
	if ((r = rpc_call_expect(c, &o, MSG_PUSH_RESPONSE, rep)) != 0) {
		/* e.g. the server's disk full */
		notice_reply("push", r, *rep);
		goto out;
	}
	if ((r = msg_get_push_response(*rep, &resp)) != 0 ||
	    resp.n_results != k) {
		r = CS_ERR_PROTOCOL;
		goto out;
	}
	*ns = k;
 out:
	if (r != 0) {
		msg_free(*rep);
		*rep = NULL;
	}
	for (i = 0; sealed != NULL && i < k; i++)
		free(sealed[i]);
	free(sealed);
	free(mc);
	return r;
}

int
sync_push_once(struct conn *c, sqlite3 *db, const struct keyring *kr,
    struct sync_stats *st, int *more)
{
	struct db_change	*chs = NULL;
	struct msg		*rep = NULL;
	size_t			 n = 0, ns, done = 0;
	int			 r;

	*more = 0;
	if ((r = db_outbox_take(db, SYNC_PUSH_BATCH, SYNC_PUSH_BYTES, &chs,
	    &n)) != 0 || n == 0)
		goto out;
	if ((r = sync_push_send(c, kr, chs, n, st, &ns, &rep)) != 0 ||
	    ns == 0)
		goto out;
	if ((r = sync_apply_push(db, kr, chs, ns, rep, st, &done)) != 0)
		goto out;
	/* conflicts may have queued new rows: look again, if anything moved */
	*more = done > 0;
 out:
	msg_free(rep);
	db_changes_free(chs, n);
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
	int				 r;

	if ((r = nolost_held_take(db, SYNC_PUSH_BATCH, &chs, &n)) != 0 ||
	    n == 0)
		goto out;
	/* without a key of its case a held change cannot go: kept, shown */
	if ((r = sync_push_send(c, kr, chs, n, st, &ns, &rep)) != 0 ||
	    ns == 0)
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
