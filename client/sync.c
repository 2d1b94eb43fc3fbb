/* SPDX-License-Identifier: ISC */
/*
 * sync.c - push, pull, purge over one connection (see sync.h).
 *
 * Each server reply is applied to the local database in one
 * transaction, together with the pull cursor, before the next request
 * goes out; killed at any point, the next sync resumes from the last
 * committed state.  Pushes are idempotent by change_id, so a change
 * whose reply was lost is simply sent again.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "author.h"
#include "client.h"
#include "conn.h"
#include "db.h"
#include "e2e.h"
#include "errors.h"
#include "keys.h"
#include "log.h"
#include "nolost.h"
#include "sync.h"
#include "synclock.h"
#include "util.h"
#include "wire.h"
#include "wire_nolost.h"

#define SYNC_MAX_ROUNDS		8	/* push/pull rounds per sync */
#define SYNC_WATCH_POLL_MS	1000

struct sync_pend {
	sqlite3			*db;
	const struct keyring	*kr;
	struct sync_stats	*st;
};

static void
sync_progress(int on, const struct sync_stats *st, const char *what)
{
	if (!on)
		return;
	fprintf(stderr, "\r%-8s pushed %llu, pulled %llu records "
	    "(%.1f MiB)   ", what, (unsigned long long)st->pushed,
	    (unsigned long long)st->pulled,
	    (double)st->bytes / (1024.0 * 1024.0));
	fflush(stderr);
}

static void
sync_rec_in(struct db_record *d, const Casesync__V1__Record *r)
{
	memset(d, 0, sizeof(*d));
	/* wire.c checked the lengths: these fit */
	memcpy(d->record_id, r->record_id, DB_UUID_LEN + 1);
	memcpy(d->case_id, r->case_id, DB_UUID_LEN + 1);
	memcpy(d->kind, r->kind, strlen(r->kind) + 1);
	d->version = r->version > INT64_MAX ? INT64_MAX : (int64_t)r->version;
	d->deleted = r->deleted;
	d->key_epoch = r->key_epoch;
	d->body = r->body.data;
	d->body_len = r->body.len;
	d->hlc = r->hlc;
	/* wire.c checked them (marker_user_*_ok): they fit */
	memcpy(d->author_id, r->author_user_id,
	    strlen(r->author_user_id) + 1);
	memcpy(d->author_name, r->author_user_name,
	    strlen(r->author_user_name) + 1);
}

static void
sync_rec_out(Casesync__V1__Record *o, const struct db_record *d)
{
	casesync__v1__record__init(o);
	o->record_id = (char *)(uintptr_t)d->record_id;
	o->case_id = (char *)(uintptr_t)d->case_id;
	o->kind = (char *)(uintptr_t)d->kind;
	o->deleted = d->deleted;
	o->key_epoch = d->key_epoch;
	o->body.data = d->body;
	o->body.len = d->body_len;
	o->hlc = d->hlc;
}

static uint64_t
sync_ns(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/*
 * Open a record's sealed body in place of it: d->body points into a
 * new malloc'd buffer (*plain) on success.  CS_ERR_NOT_FOUND if the
 * key of its epoch is not here (yet), CS_ERR_TAMPERED if it does not
 * open (changed, or moved from another record or case).
 */
static int
sync_open_body(const struct keyring *kr, struct db_record *d,
    uint8_t **plain)
{
	const uint8_t	*key;
	size_t		 len;
	int		 r;

	*plain = NULL;
	if ((key = keyring_get(kr, d->case_id, d->key_epoch)) == NULL)
		return CS_ERR_NOT_FOUND;
	if (d->body_len < E2E_BODY_OVERHEAD)
		return CS_ERR_TAMPERED;
	if ((*plain = malloc(d->body_len - E2E_BODY_OVERHEAD + 1)) == NULL)
		return CS_ERR_ALLOC;
	if ((r = e2e_body_open(key, d->case_id, d->record_id, d->kind,
	    d->key_epoch, d->body, d->body_len, *plain,
	    d->body_len - E2E_BODY_OVERHEAD + 1, &len)) != 0) {
		free(*plain);
		*plain = NULL;
		return r == CS_ERR_FORMAT ? CS_ERR_TAMPERED : r;
	}
	d->body = *plain;
	d->body_len = len;
	return 0;
}

/* Seal "d" with the newest key of its case into *sealed (malloc'd). */
static int
sync_seal_body(const struct keyring *kr, struct db_record *d,
    uint8_t **sealed, size_t *len)
{
	const uint8_t	*key;
	uint32_t	 epoch;
	int		 r;

	*sealed = NULL;
	if ((key = keyring_newest(kr, d->case_id, &epoch)) == NULL)
		return CS_ERR_NOT_FOUND;
	if ((*sealed = malloc(d->body_len + E2E_BODY_OVERHEAD)) == NULL)
		return CS_ERR_ALLOC;
	if ((r = e2e_body_seal(key, d->case_id, d->record_id, d->kind, epoch,
	    d->body, d->body_len, *sealed, d->body_len + E2E_BODY_OVERHEAD,
	    len)) != 0) {
		free(*sealed);
		*sealed = NULL;
		return r;
	}
	d->key_epoch = epoch;
	return 0;
}

/* sync_open_body(), timed for the benchmark's ratio (e2e_ns). */
static int
sync_open(const struct keyring *kr, struct db_record *d, uint8_t **plain,
    struct sync_stats *st)
{
	uint64_t	t0 = sync_ns();
	int		r = sync_open_body(kr, d, plain);

	st->e2e_ns += sync_ns() - t0;
	return r;
}

static int
sync_seal(const struct keyring *kr, struct db_record *d, uint8_t **sealed,
    size_t *len, struct sync_stats *st)
{
	uint64_t	t0 = sync_ns();
	int		r = sync_seal_body(kr, d, sealed, len);

	st->e2e_ns += sync_ns() - t0;
	return r;
}

static void
sync_tampered(const struct db_record *d, struct sync_stats *st)
{
	st->tampered++;
	log_warnx("record %s of case %s: its sealed body does not open "
	    "(changed, or moved from another record or case): NOT applied",
	    d->record_id, d->case_id);
}

static int
sync_apply_push(sqlite3 *db, const struct keyring *kr,
    const struct db_change *chs, size_t n,
    const Casesync__V1__PushResponse *resp, struct sync_stats *st,
    size_t *done)
{
	uint8_t					*plain = NULL;
	const Casesync__V1__ChangeResult	*cr;
	struct db_record			 cur;
	size_t					 i, nc;
	int					 r, moved;

	if (resp->n_results != n)
		return CS_ERR_PROTOCOL;
	if ((r = db_begin(db)) != 0)
		return r;
	for (i = 0; i < n; i++) {
		moved = 1;
		cr = resp->results[i];
		if (strcmp(cr->change_id, chs[i].change_id) != 0) {
			r = CS_ERR_PROTOCOL;
			goto fail;
		}
		switch (cr->status) {
		case CASESYNC__V1__CHANGE_STATUS__CHANGE_APPLIED:
			if (cr->version == 0 || cr->version > INT64_MAX) {
				r = CS_ERR_PROTOCOL;
				goto fail;
			}
			r = db_pushed(db, &chs[i], (int64_t)cr->version);
			st->pushed++;
			st->late += cr->late != 0;
			break;
		case CASESYNC__V1__CHANGE_STATUS__CHANGE_CONFLICT:
			if (cr->current == NULL ||
			    strcmp(cr->current->record_id,
			    chs[i].rec.record_id) != 0) {
				r = CS_ERR_PROTOCOL;
				goto fail;
			}
			sync_rec_in(&cur, cr->current);
			/*
			 * Without the key (or with a body that does not
			 * open) nothing can be merged: the change stays in
			 * the outbox, the server's version waits for its key
			 * like a pulled one, the rest of the batch goes on.
			 */
			if ((r = sync_open(kr, &cur, &plain, st)) ==
			    CS_ERR_NOT_FOUND) {
				if ((r = keys_pending_put(db, &cur)) == 0)
					r = author_pending_put(db, &cur);
				st->waiting++;
				moved = 0;
				break;
			}
			if (r == CS_ERR_TAMPERED) {
				sync_tampered(&cur, st);
				r = 0;
				moved = 0;
				break;
			}
			if (r != 0)
				goto fail;
			r = db_conflict(db, &chs[i], &cur,
			    cr->no_common_base, &nc);
			free(plain);
			plain = NULL;
			st->conflicts += nc;
			break;
		case CASESYNC__V1__CHANGE_STATUS__CHANGE_FORBIDDEN:
			if (chs[i].lost_version != 0) {
				/* the case or membership may be made again */
				log_warnx("record %s of case %s: the restored "
				    "server does not let this user write the "
				    "case (made after its backup?): kept, and "
				    "offered again at every sync",
				    chs[i].rec.record_id, chs[i].rec.case_id);
				r = db_reoffer_hold(db, &chs[i]);
				moved = 0;
				break;
			}
			/* kept until someone decides: never dropped unseen */
			if ((r = nolost_hold(db, &chs[i], cr->held)) == 0 &&
			    (r = nolost_hold_rest(db,
			    chs[i].rec.record_id)) == 0)
				r = db_rejected(db, &chs[i]);
			st->rejected++;
			st->held++;
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
 * Send the changes "chs" (n of them) that can go in one PushRequest:
 * those of cases whose key this laptop holds, with a body small enough
 * to seal for the wire, are moved to the front, in order, sealed and
 * sent; the others wait where they are.  *ns gets how many went (0: no
 * request, *rep NULL); on 0 with *ns > 0, *rep is the PushResponse, one
 * result per change sent.  Shared by the outbox and the held changes.
 */
static int
sync_push_send(struct conn *c, const struct keyring *kr,
    struct db_change *chs, size_t n, struct sync_stats *st, size_t *ns,
    wire_env **rep)
{
	struct db_change		 tmp;
	Casesync__V1__Change		*cv = NULL, **cp = NULL;
	Casesync__V1__Record		*rv = NULL;
	Casesync__V1__PushRequest	 req;
	wire_env			 env;
	uint8_t				**sealed = NULL;
	size_t				 i, k = 0, len;
	int				 r = CS_ERR_ALLOC;

	*ns = 0;
	*rep = NULL;
	if ((cv = calloc(n, sizeof(*cv))) == NULL ||
	    (cp = calloc(n, sizeof(*cp))) == NULL ||
	    (rv = calloc(n, sizeof(*rv))) == NULL ||
	    (sealed = calloc(n, sizeof(*sealed))) == NULL)
		goto out;
	/* the sendable changes first, in order; the others wait */
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
	r = 0;
	if (k == 0)
		goto out;
	for (i = 0; i < k; i++) {
		if ((r = sync_seal(kr, &chs[i].rec, &sealed[i], &len, st)) != 0)
			goto out;
		casesync__v1__change__init(&cv[i]);
		sync_rec_out(&rv[i], &chs[i].rec);
		rv[i].body.data = sealed[i];
		rv[i].body.len = len;
		cv[i].change_id = chs[i].change_id;
		cv[i].record = &rv[i];
		cv[i].base_version = (uint64_t)chs[i].rec.version;
		cv[i].lost_version = (uint64_t)chs[i].lost_version;
		cp[i] = &cv[i];
	}
	casesync__v1__envelope__init(&env);
	casesync__v1__push_request__init(&req);
	req.changes = cp;
	req.n_changes = k;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_PUSH_REQUEST;
	env.push_request = &req;
	st->round_trips++;
	if ((r = conn_call(c, &env, rep)) != 0) {
		cli_report("push", r, *rep);	/* e.g. the server's disk full */
		goto out;
	}
	if ((*rep)->msg_case != CASESYNC__V1__ENVELOPE__MSG_PUSH_RESPONSE ||
	    (*rep)->push_response->n_results != k) {
		r = CS_ERR_PROTOCOL;
		goto out;
	}
	*ns = k;
 out:
	if (r != 0) {
		wire_free(*rep);
		*rep = NULL;
	}
	for (i = 0; sealed != NULL && i < n; i++)
		free(sealed[i]);
	free(sealed);
	free(cv);
	free(cp);
	free(rv);
	return r;
}

/*
 * Push one batch; *more = 1 when the outbox was not emptied.  A change
 * to a case whose key this laptop does not hold yet stays in the
 * outbox (counted in "keyless").
 */
static int
sync_push_once(struct conn *c, sqlite3 *db, const struct keyring *kr,
    struct sync_stats *st, int *more)
{
	struct db_change	*chs = NULL;
	wire_env		*rep = NULL;
	size_t			 n = 0, ns, done = 0;
	int			 r;

	*more = 0;
	if ((r = db_outbox_take(db, SYNC_PUSH_BATCH, SYNC_PUSH_BYTES, &chs,
	    &n)) != 0 || n == 0)
		goto out;
	if ((r = sync_push_send(c, kr, chs, n, st, &ns, &rep)) != 0 ||
	    ns == 0)
		goto out;
	if ((r = sync_apply_push(db, kr, chs, ns, rep->push_response,
	    st, &done)) != 0)
		goto out;
	/* conflicts may have queued new rows: look again, if anything moved */
	*more = done > 0;
 out:
	wire_free(rep);
	db_changes_free(chs, n);
	return r;
}

/* The server's answer to held change "c": what was decided. */
static int
sync_held_result(sqlite3 *db, const struct db_change *c,
    const Casesync__V1__ChangeResult *cr, struct sync_stats *st)
{
	char	who[4 * WIRE_STR_MAX + 1];

	if (strcmp(cr->change_id, c->change_id) != 0)
		return CS_ERR_PROTOCOL;
	if (cr->status == CASESYNC__V1__CHANGE_STATUS__CHANGE_APPLIED) {
		/* accepted into the case (by a decision, or access is back) */
		st->held_accepted++;
		return nolost_held_done(db, c->change_id);
	}
	if (cr->status == CASESYNC__V1__CHANGE_STATUS__CHANGE_FORBIDDEN &&
	    cr->discarded) {
		log_warnx("record %s of case %s: the change held here was "
		    "discarded by %s", c->rec.record_id, c->rec.case_id,
		    str_vis(who, sizeof(who), cr->decided_by,
		    strlen(cr->decided_by)));
		st->held_discarded++;
		return nolost_held_done(db, c->change_id);
	}
	if (cr->status == CASESYNC__V1__CHANGE_STATUS__CHANGE_FORBIDDEN &&
	    cr->held)
		return nolost_held_mark(db, c->change_id);
	return 0;	/* still refused: kept, and shown */
}

/*
 * Offer the held changes again (same change_id, so the server answers
 * with what was decided) before anything else: a decision lets the
 * purge it held go through in this same sync.
 */
static int
sync_push_held(struct conn *c, sqlite3 *db, const struct keyring *kr,
    struct sync_stats *st)
{
	struct db_change	*chs = NULL;
	wire_env		*rep = NULL;
	size_t			 i, n = 0, ns;
	int			 r;

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
		r = sync_held_result(db, &chs[i],
		    rep->push_response->results[i], st);
	if (r == 0)
		r = db_commit(db);
	else
		db_rollback(db);
 out:
	wire_free(rep);
	db_changes_free(chs, n);
	return r;
}

/*
 * The receipt of a purge, or (held > 0) the news that it was not done
 * because "held" changes written here hold it.
 */
static int
sync_purge_receipt(struct conn *c, const char *case_id, uint32_t n,
    uint32_t held, struct sync_stats *st)
{
	Casesync__V1__PurgeReceipt	 pr;
	wire_env			 env, *rep = NULL;
	int				 r;

	casesync__v1__envelope__init(&env);
	casesync__v1__purge_receipt__init(&pr);
	pr.case_id = (char *)(uintptr_t)case_id;
	pr.records_deleted = held > 0 ? 0 : n;
	pr.held = held > 0;
	pr.held_changes = held;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_PURGE_RECEIPT;
	env.purge_receipt = &pr;
	st->round_trips++;
	r = conn_call(c, &env, &rep);
	if (r == 0 && rep->msg_case != CASESYNC__V1__ENVELOPE__MSG_PURGE_ACK)
		r = CS_ERR_PROTOCOL;
	wire_free(rep);
	return r;
}

/* Apply one PullResponse (records, cursor, purges) in one transaction. */
static int
sync_apply_pull(sqlite3 *db, const struct keyring *kr,
    const Casesync__V1__PullResponse *pr, uint32_t *purged_counts,
    uint32_t *held_counts, struct sync_stats *st)
{
	struct db_record	rec;
	uint8_t			*plain = NULL;
	size_t			i, nc;
	int64_t			unsent;
	int			r;

	if (pr->cursor > INT64_MAX || pr->cursor_tie > INT64_MAX)
		return CS_ERR_PROTOCOL;
	if ((r = db_begin(db)) != 0)
		return r;
	for (i = 0; i < pr->n_records; i++) {
		sync_rec_in(&rec, pr->records[i]);
		st->bytes += rec.body_len;
		if ((r = sync_open(kr, &rec, &plain, st)) == CS_ERR_NOT_FOUND) {
			if ((r = keys_pending_put(db, &rec)) != 0 ||
			    (r = author_pending_put(db, &rec)) != 0)
				goto fail;
			st->waiting++;
			continue;
		}
		if (r == CS_ERR_TAMPERED) {
			sync_tampered(&rec, st);
			continue;
		}
		if (r != 0)
			goto fail;
		r = db_pulled(db, &rec, &nc);
		free(plain);
		plain = NULL;
		if (r != 0)
			goto fail;
		st->conflicts += nc;
	}
	/*
	 * A purge never deletes an unsent change: the outbox was pushed
	 * before this pull, so what is left (refused and held, or never
	 * sendable) holds the purge of its case, and the server is told.
	 */
	for (i = 0; i < pr->n_purge_case_ids; i++) {
		if ((r = nolost_unsent(db, pr->purge_case_ids[i],
		    &unsent)) != 0)
			goto fail;
		if (unsent > 0) {
			held_counts[i] = unsent > WIRE_HELD_MAX ?
			    WIRE_HELD_MAX : (uint32_t)unsent;
			if ((r = nolost_purge_hold(db, pr->purge_case_ids[i],
			    unsent)) != 0)
				goto fail;
			log_warnx("case %s: NOT purged: %lld change%s written "
			    "here the server has not accepted; kept until "
			    "someone decides", pr->purge_case_ids[i],
			    (long long)unsent, unsent == 1 ? "" : "s");
			continue;
		}
		if ((r = db_purge_case(db, pr->purge_case_ids[i],
		    &purged_counts[i])) != 0 ||
		    (r = keys_case_forget(db, pr->purge_case_ids[i])) != 0 ||
		    (r = nolost_purged(db, pr->purge_case_ids[i])) != 0)
			goto fail;
	}
	if ((r = nolost_access_set(db, pr->case_access,
	    pr->n_case_access)) != 0)
		goto fail;
	/* the list is complete unless it reached the limit */
	if (pr->n_purge_case_ids < WIRE_PURGES_MAX &&
	    (r = nolost_purge_moot(db, pr->purge_case_ids,
	    pr->n_purge_case_ids)) != 0)
		goto fail;
	if ((r = db_cursor_set(db, (int64_t)pr->cursor,
	    (int64_t)pr->cursor_tie)) != 0)
		goto fail;
	st->pulled += pr->n_records;
	return db_commit(db);
 fail:
	db_rollback(db);
	return r;
}

/* Ask for the batch after cursor (since, tie); *id is the request's. */
static int
sync_pull_ask(struct conn *c, int64_t since, int64_t tie,
    struct sync_stats *st, uint32_t *id)
{
	Casesync__V1__PullRequest	req;
	wire_env			env;

	casesync__v1__envelope__init(&env);
	casesync__v1__pull_request__init(&req);
	req.since = (uint64_t)since;
	req.since_tie = (uint64_t)tie;
	req.max_records = SYNC_PULL_BATCH;
	req.max_bytes = SYNC_PULL_BYTES;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_PULL_REQUEST;
	env.pull_request = &req;
	st->round_trips++;
	return conn_send(c, &env, id);
}

/*
 * Pull until the server has nothing more.  While one batch is applied
 * (a transaction with the new cursor), the request for the next is
 * already on its way: the server reads the next batch while the laptop
 * writes this one.  The local cursor still moves only on commit, so a
 * kill resumes from the last applied batch.  Purge receipts are plain
 * calls, so a batch that carries purges is not pipelined.
 */
static int
sync_pull(struct conn *c, sqlite3 *db, const struct keyring *kr,
    int progress, struct sync_stats *st, uint32_t sent)
{
	const Casesync__V1__PullResponse *pr;
	wire_env			*rep = NULL;
	uint32_t			*counts = NULL, *held = NULL, id = sent;
	int64_t				 since, tie;
	size_t				 i;
	int				 r, asked;

	/* "sent": the first request went out already (with the key round) */
	if (sent == 0 && ((r = db_cursor_get(db, &since, &tie)) != 0 ||
	    (r = sync_pull_ask(c, since, tie, st, &id)) != 0))
		return r;
	for (asked = 1; asked; ) {
		asked = 0;
		if ((r = conn_wait(c, id, &rep)) != 0)
			goto out;
		if (rep->msg_case != CASESYNC__V1__ENVELOPE__MSG_PULL_RESPONSE) {
			r = CS_ERR_PROTOCOL;
			goto out;
		}
		pr = rep->pull_response;
		if (pr->cursor > INT64_MAX || pr->cursor_tie > INT64_MAX) {
			r = CS_ERR_PROTOCOL;
			goto out;
		}
		if (pr->more && pr->n_purge_case_ids == 0) {
			if ((r = sync_pull_ask(c, (int64_t)pr->cursor,
			    (int64_t)pr->cursor_tie, st, &id)) != 0)
				goto out;
			asked = 1;
		}
		if ((counts = calloc(pr->n_purge_case_ids + 1,
		    sizeof(*counts))) == NULL ||
		    (held = calloc(pr->n_purge_case_ids + 1,
		    sizeof(*held))) == NULL) {
			r = CS_ERR_ALLOC;
			goto out;
		}
		if ((r = sync_apply_pull(db, kr, pr, counts, held, st)) != 0)
			goto out;
		/* receipts only after the deletion is durable */
		for (i = 0; i < pr->n_purge_case_ids; i++) {
			if ((r = sync_purge_receipt(c, pr->purge_case_ids[i],
			    counts[i], held[i], st)) != 0)
				goto out;
			if (held[i] > 0)
				st->purges_held++;
			else
				st->purged++;
		}
		if (pr->more && !asked) {
			if ((r = sync_pull_ask(c, (int64_t)pr->cursor,
			    (int64_t)pr->cursor_tie, st, &id)) != 0)
				goto out;
			asked = 1;
		}
		sync_progress(progress, st, "pulling");
		free(counts);
		free(held);
		counts = NULL;
		held = NULL;
		wire_free(rep);
		rep = NULL;
	}
	return 0;
 out:
	free(counts);
	free(held);
	wire_free(rep);
	return r;
}

/* A record that waited for its key, now that the key is here. */
static int
sync_pending_cb(const struct db_record *sealed, void *arg)
{
	struct sync_pend	*p = arg;
	struct db_record	 rec = *sealed;
	uint8_t			*plain = NULL;
	size_t			 nc;
	int			 r;

	if ((r = sync_open(p->kr, &rec, &plain, p->st)) == CS_ERR_TAMPERED) {
		sync_tampered(&rec, p->st);
		return 0;
	}
	if (r != 0)
		return r;
	if ((r = author_pending_take(p->db, &rec)) == 0)
		r = db_pulled(p->db, &rec, &nc);
	free(plain);
	p->st->conflicts += nc;
	return r;
}

static int
sync_pending(sqlite3 *db, const struct keyring *kr, struct sync_stats *st)
{
	struct sync_pend	p = { db, kr, st };
	int			r;

	if ((r = db_begin(db)) != 0)
		return r;
	if ((r = keys_pending_take(db, kr, sync_pending_cb, &p)) != 0) {
		db_rollback(db);
		return r;
	}
	return db_commit(db);
}

int
sync_run(struct conn *c, sqlite3 *db, X509 *ca, int progress,
    struct sync_stats *st)
{
	struct keys_round	*k = NULL;
	struct keyring		*kr = NULL;
	uint64_t		 before = st->keys.round_trips, got;
	int64_t			 pending, keyless, since, tie;
	int64_t			 held, hpurges, ro;
	uint32_t		 piped = 0;
	int			 r, more, round;

	/*
	 * With nothing to push, the first pull travels with the key round:
	 * an in-sync laptop makes one round trip.  Grants to this user are
	 * kept before the pull's records are opened; the grants this user
	 * makes follow the pull.
	 */
	if ((r = db_outbox_count(db, &pending)) != 0 ||
	    (r = nolost_counts(db, &held, &hpurges, &ro)) != 0 ||
	    (r = keys_round_start(c, db, ca, &st->keys, &k)) != 0)
		goto out;
	/* held changes go first: a decision may let a purge through */
	if (pending == 0 && held == 0 &&
	    ((r = db_cursor_get(db, &since, &tie)) != 0 ||
	    (r = sync_pull_ask(c, since, tie, st, &piped)) != 0))
		goto out;
	if (piped != 0)
		st->round_trips--;	/* it shares the key round's */
	if ((r = keys_round_grants(k)) != 0 ||
	    (r = keyring_load(db, &kr)) != 0 ||
	    (r = sync_pending(db, kr, st)) != 0)
		goto out;
	if (piped != 0 && (r = sync_pull(c, db, kr, progress, st,
	    piped)) != 0)
		goto out;
	got = st->keys.received + st->keys.made;
	if ((r = keys_round_finish(k)) != 0)
		goto out;
	if (st->keys.received + st->keys.made != got) {
		/*
		 * More grants came (records may wait for them), or ours were
		 * stored (a new case's key is confirmed: its changes can go).
		 */
		keyring_free(kr);
		kr = NULL;
		if ((r = keyring_load(db, &kr)) != 0 ||
		    (r = sync_pending(db, kr, st)) != 0)
			goto out;
	}
	if (held > 0 && (r = sync_push_held(c, db, kr, st)) != 0)
		goto out;
	for (round = 0; round < SYNC_MAX_ROUNDS; round++) {
		if (piped != 0 && round == 0) {
			if ((r = db_outbox_count(db, &pending)) != 0 ||
			    (r = db_outbox_keyless(db, &keyless)) != 0)
				goto out;
			if (pending <= keyless)
				break;		/* pulled already */
		}
		do {
			if ((r = sync_push_once(c, db, kr, st, &more)) != 0)
				goto out;
			sync_progress(progress && more, st, "pushing");
		} while (more);
		if ((r = sync_pull(c, db, kr, progress, st, 0)) != 0)
			goto out;
		/* merges during the pull may have queued changes */
		if ((r = db_outbox_count(db, &pending)) != 0 ||
		    (r = db_outbox_keyless(db, &keyless)) != 0)
			goto out;
		if (pending <= keyless)
			break;
	}
	/* every way out of the loop has just counted both */
	st->keyless = (uint64_t)keyless;
	/* after SYNC_MAX_ROUNDS rounds of merges, say so; never silently */
	st->queued = pending > keyless ? (uint64_t)(pending - keyless) : 0;
	if (progress)
		fputc('\n', stderr);
 out:
	st->round_trips += st->keys.round_trips - before;
	keys_round_free(k);
	keyring_free(kr);
	return r;
}

/* sync_run() under the vault's sync lock */
static int
sync_locked(struct conn *c, sqlite3 *db, X509 *ca, const char *dir,
    struct sync_stats *st)
{
	int	r, lock;

	if ((r = synclock_take(dir, &lock)) != 0)
		return r;
	r = sync_run(c, db, ca, 0, st);
	synclock_release(lock);
	return r;
}

int
sync_watch(struct conn *c, sqlite3 *db, X509 *ca, const char *dir,
    int progress, struct sync_stats *st, volatile sig_atomic_t *stop)
{
	wire_env	 env, *rep = NULL;
	Casesync__V1__Watch w;
	int64_t		 pending, keyless;
	int		 r, again;

	casesync__v1__envelope__init(&env);
	casesync__v1__watch__init(&w);
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_WATCH;
	env.watch = &w;
	if ((r = conn_call(c, &env, &rep)) != 0)
		return r;
	wire_free(rep);
	rep = NULL;
	if ((r = sync_locked(c, db, ca, dir, st)) != 0 ||
	    (r = conn_set_timeout(c, SYNC_WATCH_POLL_MS)) != 0)
		return r;
	while (!*stop) {
		again = conn_take_notified(c);
		if (!again) {
			r = conn_recv(c, &rep);
			if (r == CS_ERR_TIMEOUT)
				r = 0;
			else if (r != 0)
				return r;
			else if (rep->msg_case ==
			    CASESYNC__V1__ENVELOPE__MSG_ERROR) {
				log_warnx("server: %s",
				    wire_error_name(rep->error->code));
				wire_free(rep);
				return CS_ERR_PEER;
			} else
				again = rep->msg_case ==
				    CASESYNC__V1__ENVELOPE__MSG_NOTIFY;
			wire_free(rep);
			rep = NULL;
		}
		if (!again) {
			/* changes waiting for a key wake nobody up */
			if ((r = db_outbox_count(db, &pending)) != 0 ||
			    (r = db_outbox_keyless(db, &keyless)) != 0)
				return r;
			if (pending <= keyless)
				continue;
		}
		if ((r = conn_set_timeout(c, CONN_TIMEOUT_MS)) != 0 ||
		    (r = sync_locked(c, db, ca, dir, st)) != 0 ||
		    (r = conn_set_timeout(c, SYNC_WATCH_POLL_MS)) != 0)
			return r;
		sync_progress(progress, st, "watching");
	}
	return 0;
}
