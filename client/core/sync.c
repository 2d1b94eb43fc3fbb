/* SPDX-License-Identifier: ISC */
/*
 * sync.c - push, pull, purge over one connection (see sync.h): the
 * order of the steps (sync_run), watch mode, and the sealing and
 * opening of bodies.  The push is in sync_push.c, the pull and purges
 * in sync_pull.c.
 *
 * Each server reply is applied to the local database in one
 * transaction, together with the pull cursor, before the next request
 * goes out; killed at any point, the next sync resumes from the last
 * committed state.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "author.h"
#include "case_meta.h"
#include "conn.h"
#include "db.h"
#include "e2e.h"
#include "errors.h"
#include "keys.h"
#include "log.h"
#include "msg_session.h"
#include "nolost.h"
#include "sync.h"
#include "sync_int.h"
#include "synclock.h"

#define SYNC_MAX_ROUNDS		8	/* push/pull rounds per sync */
#define SYNC_WATCH_POLL_MS	1000

struct sync_pend {
	sqlite3			*db;
	const struct keyring	*kr;
	struct sync_stats	*st;
};

void
sync_progress(const struct sync_observer *obs, const struct sync_stats *st,
    const char *what)
{
	struct sync_progress	p;

	if (obs == NULL || obs->progress == NULL)
		return;
	memset(&p, 0, sizeof(p));
	p.phase = what;
	p.st = st;
	p.records_done = st->pushed + st->rejected + st->pulled;
	p.records_total = st->push_total + st->pull_total;
	if (p.records_total < p.records_done ||
	    strcmp(what, "done") == 0)
		p.records_total = p.records_done;
	p.bytes_done = st->bytes + st->sent_bytes;
	if (p.records_done > 0 && p.records_total > 0)
		p.bytes_total = (uint64_t)((double)p.bytes_done *
		    ((double)p.records_total / (double)p.records_done));
	if (p.bytes_total < p.bytes_done)
		p.bytes_total = p.bytes_done;
	obs->progress(&p, obs->arg);
}

void
sync_rec_in(struct db_record *d, const struct msg_record *r)
{
	memset(d, 0, sizeof(*d));
	/* wire.c checked the lengths: these fit */
	memcpy(d->record_id, r->record_id, DB_UUID_LEN + 1);
	memcpy(d->case_id, r->case_id, DB_UUID_LEN + 1);
	memcpy(d->kind, r->kind, strlen(r->kind) + 1);
	/* wire.c refused a version beyond INT64_MAX, as on every path */
	d->version = r->version;
	d->deleted = r->deleted;
	d->key_epoch = r->key_epoch;
	/* only read (sealed, or kept as it came): db_record's is not const */
	d->body = (uint8_t *)(uintptr_t)r->body.p;
	d->body_len = r->body.len;
	d->hlc = r->hlc;
	/* wire.c checked them (marker_user_*_ok): they fit */
	memcpy(d->author_id, r->author_user_id,
	    strlen(r->author_user_id) + 1);
	memcpy(d->author_name, r->author_user_name,
	    strlen(r->author_user_name) + 1);
	memcpy(d->created_by, r->created_by, strlen(r->created_by) + 1);
	d->created_at = r->created_at;
	d->changed_at = r->changed_at;
}
static uint64_t
sync_ns(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/*
 * Open a record's sealed body into "dst" (room for "cap" bytes, at
 * least its sealed length less E2E_BODY_OVERHEAD, plus one) in place
 * of it: d->body points into dst on success.  CS_ERR_NOT_FOUND if the
 * key of its epoch is not here (yet), CS_ERR_TAMPERED if it does not
 * open (changed, or moved from another record or case); "d" is left
 * as it was on failure.
 */
static int
sync_open_body(const struct keyring *kr, struct db_record *d, uint8_t *dst,
    size_t cap)
{
	const uint8_t	*key;
	size_t		 len;
	int		 r;

	if ((key = keyring_get(kr, d->case_id, d->key_epoch)) == NULL)
		return CS_ERR_NOT_FOUND;
	if (d->body_len < E2E_BODY_OVERHEAD ||
	    cap < d->body_len - E2E_BODY_OVERHEAD + 1)
		return CS_ERR_TAMPERED;
	if ((r = e2e_body_open(key, d->case_id, d->record_id, d->kind,
	    d->key_epoch, d->body, d->body_len, dst, cap, &len)) != 0)
		return r == CS_ERR_FORMAT ? CS_ERR_TAMPERED : r;
	d->body = dst;
	d->body_len = len;
	return 0;
}

/* Seal "d" with the newest key of its case and "nonce" into "out". */
static int
sync_seal_body(const struct keyring *kr, struct db_record *d,
    const uint8_t nonce[E2E_BODY_NONCE_LEN], uint8_t *out, size_t cap,
    size_t *len)
{
	const uint8_t	*key;
	uint32_t	 epoch;
	int		 r;

	*len = 0;
	if ((key = keyring_newest(kr, d->case_id, &epoch)) == NULL)
		return CS_ERR_NOT_FOUND;
	if ((r = e2e_body_seal_nonce(key, d->case_id, d->record_id, d->kind,
	    epoch, nonce, d->body, d->body_len, out, cap, len)) != 0)
		return r;
	d->key_epoch = epoch;
	return 0;
}

/* sync_open_body(), timed for the benchmark's ratio (e2e_ns). */
int
sync_open_to(const struct keyring *kr, struct db_record *d, uint8_t *dst,
    size_t cap, struct sync_stats *st)
{
	uint64_t	t0 = sync_ns();
	int		r = sync_open_body(kr, d, dst, cap);

	st->e2e_ns += sync_ns() - t0;
	return r;
}

int
sync_open(const struct keyring *kr, struct db_record *d, uint8_t **plain,
    struct sync_stats *st)
{
	size_t	cap;
	int	r;

	*plain = NULL;
	if (keyring_get(kr, d->case_id, d->key_epoch) == NULL)
		return CS_ERR_NOT_FOUND;
	if (d->body_len < E2E_BODY_OVERHEAD)
		return CS_ERR_TAMPERED;
	cap = d->body_len - E2E_BODY_OVERHEAD + 1;
	if ((*plain = malloc(cap)) == NULL)
		return CS_ERR_ALLOC;
	if ((r = sync_open_to(kr, d, *plain, cap, st)) != 0) {
		free(*plain);
		*plain = NULL;
	}
	return r;
}

int
sync_seal(const struct keyring *kr, struct db_record *d,
    const uint8_t nonce[E2E_BODY_NONCE_LEN], uint8_t *out, size_t cap,
    size_t *len, struct sync_stats *st)
{
	uint64_t	t0 = sync_ns();
	int		r = sync_seal_body(kr, d, nonce, out, cap, len);

	st->e2e_ns += sync_ns() - t0;
	return r;
}

void
sync_tampered(const struct db_record *d, struct sync_stats *st)
{
	st->tampered++;
	log_warnx("record %s of case %s: its sealed body does not open "
	    "(changed, or moved from another record or case): NOT applied",
	    d->record_id, d->case_id);
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
sync_run(struct conn *c, sqlite3 *db, X509 *ca,
    const struct sync_observer *obs, struct sync_stats *st)
{
	struct keys_round	*k = NULL;
	struct keyring		*kr = NULL;
	uint64_t		 before = st->keys.round_trips, got;
	uint64_t		 nometa = st->nometa;	/* watch: many runs */
	int64_t			 pending, keyless, since, tie;
	int64_t			 held, hpurges, ro;
	uint32_t		 piped = 0;
	size_t			 ncases;
	int			 r, round;

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
	st->push_total = st->pushed + st->rejected + (uint64_t)pending;
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
	if (piped != 0 && (r = sync_pull(c, db, kr, obs, st,
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
		if ((r = sync_push_all(c, db, kr, obs, st)) != 0)
			goto out;
		if ((r = sync_pull(c, db, kr, obs, st, 0)) != 0)
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
	/* frame, state, deadlines: of new cases, or every 15 minutes */
	if ((r = case_meta_refresh(c, db, st->nometa > nometa, &ncases,
	    &st->round_trips)) != 0)
		goto out;
	st->cases += ncases;
	sync_progress(obs, st, "done");
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
	r = sync_run(c, db, ca, NULL, st);
	synclock_release(lock);
	return r;
}

/*
 * Wait up to the poll interval for a message from the server: *again
 * if it was a Notify; an Error ends watch mode.
 */
static int
sync_watch_wait(struct conn *c, int *again)
{
	struct msg_error	 e;
	struct msg		*m = NULL;
	int			 r;

	*again = 0;
	if ((r = conn_recv(c, &m)) == CS_ERR_TIMEOUT)
		return 0;
	if (r != 0)
		return r;
	if (msg_get_error(m, &e) == 0) {
		log_warnx("server: %s", msg_code_name(e.code));
		r = CS_ERR_PEER;
	} else
		*again = msg_type(m) == MSG_NOTIFY;
	msg_free(m);
	return r;
}

int
sync_watch(struct conn *c, sqlite3 *db, X509 *ca, const char *dir,
    const struct sync_observer *obs, struct sync_stats *st,
    volatile sig_atomic_t *stop)
{
	struct msg_out	 o = msg_out_watch();
	struct msg	*rep = NULL;
	int64_t		 pending, keyless;
	int		 r, again;

	r = conn_rpc(c, &o, &rep);
	msg_free(rep);
	rep = NULL;
	if (r != 0)
		return r;
	if ((r = sync_locked(c, db, ca, dir, st)) != 0 ||
	    (r = conn_set_timeout(c, SYNC_WATCH_POLL_MS)) != 0)
		return r;
	while (!*stop) {
		again = conn_take_notified(c);
		if (!again && (r = sync_watch_wait(c, &again)) != 0)
			return r;
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
		sync_progress(obs, st, "watching");
	}
	return 0;
}
