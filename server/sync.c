/* SPDX-License-Identifier: ISC */
/*
 * sync.c - push, pull, purge receipts, case creation and membership
 * (see sync.h).  Converts between validated protobuf messages and the
 * store's structs; all rules live in store_sync.c.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "buf.h"
#include "e2e.h"
#include "errmap.h"
#include "errors.h"
#include "fault.h"
#include "log.h"
#include "marker.h"
#include "msg.h"
#include "msg_session.h"
#include "msg_sync.h"
#include "request.h"
#include "server.h"
#include "store.h"
#include "store_audit.h"
#include "store_late.h"
#include "sync.h"
#include "util.h"

/* Framing overhead allowance per record in a PullResponse. */
#define SYNC_RECORD_OVERHEAD	192
/* a pull reply of one largest record fits every allowed max_frame */
_Static_assert(CONFIG_MAX_FRAME_MIN >= MSG_BODY_MAX + SYNC_RECORD_OVERHEAD +
    64 * 1024, "CONFIG_MAX_FRAME_MIN below a pull budget");
/* a store result's status goes out as it is */
_Static_assert(STORE_CHANGE_APPLIED == (int)MSG_CHANGE_APPLIED &&
    STORE_CHANGE_CONFLICT == (int)MSG_CHANGE_CONFLICT &&
    STORE_CHANGE_FORBIDDEN == (int)MSG_CHANGE_FORBIDDEN &&
    STORE_CHANGE_INVALID == (int)MSG_CHANGE_INVALID,
    "store and protocol change status differ");

/* what a pull allocates first (sync_pull_room) */
#define SYNC_PULL_FIRST_RECORDS	64
#define SYNC_PULL_FIRST_BYTES	(64 * 1024)

/* The strings of one record of a reply (the store's are per call). */
struct pull_item {
	char			 record_id[STORE_UUID_LEN + 1];
	char			 case_id[STORE_UUID_LEN + 1];
	char			 kind[STORE_KIND_MAX + 1];
	char			 author[24];
	int64_t			 author_dev;
	int64_t			 author_user;	/* read with the row, or 0 */
	char			 author_uid[24];
	char			 author_name[STORE_NAME_MAX + 1];
	int64_t			 created_dev;	/* 0: not known */
	char			 created_by[STORE_NAME_MAX + 1];
	size_t			 body_off;	/* its body in the arena */
};

/*
 * The users of the author devices of one reply, looked up once per
 * device (a reply seldom has more than a few authors).
 */
#define SYNC_AUTHORS_CACHE	64

struct sync_authors {
	struct {
		int64_t	dev;
		char	uid[24];
		char	name[STORE_NAME_MAX + 1];
	}		e[SYNC_AUTHORS_CACHE];
	size_t		n, next;
};

struct pull_ctx {
	struct pull_item	*items;
	struct msg_record	*recs;		/* recs[i]'s strings: items[i] */
	size_t			 n, max;
	size_t			 cap;		/* items and recs allocated */
	uint8_t			*arena;		/* bodies, back to back */
	size_t			 used, budget;
	size_t			 acap;		/* arena allocated */
	int64_t			 eff, tie;	/* cursor of the last item */
	char			**purges;
	size_t			 npurges, maxpurges;
	struct store_access	*access;	/* read-only cases */
	size_t			 naccess, maxaccess;
};

static int
sync_refuse(struct request *rq, enum wire_code code, const char *msg)
{
	return wire_error(rq->out, rq->id, code, msg, 0);
}

/*
 * The store could not do "what" (nothing of it committed): retryable
 * if the database is unavailable for a moment (CS_ERR_RETRY: a lost
 * connection, a failover, a deadlock), else an internal error.  The
 * laptop tries again either way; UNAVAILABLE says when.
 */
static int
sync_failed(struct request *rq, int r, const char *what)
{
	if ((r = store_retry(rq->w->st, r)) == CS_ERR_RETRY) {
		log_warnx("%s: database unavailable; refused as retryable",
		    what);
		return wire_refuse(rq->out, rq->id, r, WERR_UNAVAILABLE, what,
		    NULL);
	}
	return wire_refuse(rq->out, rq->id, r, WERR_INTERNAL, what, NULL);
}

/* A request the store refused with "r": the one code map (errmap.h). */
static int
sync_store_refusal(struct request *rq, enum wire_ctx ctx, int r,
    const char *what, const char *why)
{
	if (why == NULL && r == CS_ERR_AUTH)
		why = "not allowed";
	else if (why == NULL && r == CS_ERR_NOT_FOUND)
		why = "no such case or user";
	else if (why == NULL && r == CS_ERR_EXISTS)
		why = "already exists";
	return request_refuse(rq, ctx, r, what, why);
}

static void
sync_record_out(struct msg_record *o, const struct store_record *r,
    struct pull_item *it)
{
	memcpy(it->record_id, r->record_id, sizeof(r->record_id));
	memcpy(it->case_id, r->case_id, sizeof(r->case_id));
	memcpy(it->kind, r->kind, sizeof(r->kind));
	str_fmt(it->author, sizeof(it->author), "%lld",
	    (long long)r->author_device);
	it->author_dev = r->author_device;
	it->author_user = 0;
	if (r->author_user > 0 && r->author_name != NULL &&
	    strlen(r->author_name) < sizeof(it->author_name)) {
		it->author_user = r->author_user;
		memcpy(it->author_name, r->author_name,
		    strlen(r->author_name) + 1);
	}
	it->created_dev = r->created_device;
	memset(o, 0, sizeof(*o));
	o->record_id = it->record_id;
	o->case_id = it->case_id;
	o->kind = it->kind;
	o->version = r->version;
	o->deleted = r->deleted;
	o->key_epoch = r->key_epoch;
	o->author_device = it->author;
	o->hlc = r->hlc;
	o->created_at = r->created_at > 0 ? r->created_at : 0;
	o->changed_at = r->changed_at > 0 ? r->changed_at : 0;
}

/*
 * The cache entry of the user of device "dev", looked up if new.  A
 * device the store cannot find (or an error) leaves the user unnamed:
 * the record still goes out.
 */
static size_t
sync_author_entry(struct worker *w, struct sync_authors *ac, int64_t dev)
{
	struct store_device	d;
	size_t			i;

	for (i = 0; i < ac->n && ac->e[i].dev != dev; i++)
		;
	if (i == ac->n) {
		i = ac->n < SYNC_AUTHORS_CACHE ? ac->n++ :
		    ac->next++ % SYNC_AUTHORS_CACHE;
		ac->e[i].dev = dev;
		ac->e[i].uid[0] = '\0';
		ac->e[i].name[0] = '\0';
		if (store_device_get(w->st, dev, &d) == 0 &&
		    marker_user_name_ok(d.user.name)) {
			str_fmt(ac->e[i].uid, sizeof(ac->e[i].uid), "%lld",
			    (long long)d.user.id);
			memcpy(ac->e[i].name, d.user.name,
			    strlen(d.user.name) + 1);
		}
	}
	return i;
}

/*
 * The users the store read with the records (PostgreSQL) into the
 * cache, so that sync_author() looks none of them up.
 */
static void
sync_author_seed(struct sync_authors *ac, const struct pull_item *it)
{
	size_t	i;

	for (i = 0; i < ac->n && ac->e[i].dev != it->author_dev; i++)
		;
	if (i < ac->n || it->author_user <= 0)
		return;
	i = ac->n < SYNC_AUTHORS_CACHE ? ac->n++ :
	    ac->next++ % SYNC_AUTHORS_CACHE;
	ac->e[i].dev = it->author_dev;
	ac->e[i].uid[0] = '\0';
	ac->e[i].name[0] = '\0';
	if (marker_user_name_ok(it->author_name)) {
		str_fmt(ac->e[i].uid, sizeof(ac->e[i].uid), "%lld",
		    (long long)it->author_user);
		memcpy(ac->e[i].name, it->author_name,
		    strlen(it->author_name) + 1);
	}
}

/*
 * Name the user of author device "dev" in "it" and "o" (for laptops to
 * record who wrote a value in conflict), and the user of the record's
 * first version as its creator (docs/PROTOCOL.md, "Who wrote it").
 */
static void
sync_author(struct worker *w, struct sync_authors *ac, int64_t dev,
    struct pull_item *it, struct msg_record *o)
{
	size_t	i;

	if (it->created_dev > 0) {
		i = sync_author_entry(w, ac, it->created_dev);
		memcpy(it->created_by, ac->e[i].name, sizeof(it->created_by));
	} else
		it->created_by[0] = '\0';
	o->created_by = it->created_by;
	i = sync_author_entry(w, ac, dev);
	memcpy(it->author_uid, ac->e[i].uid, sizeof(it->author_uid));
	memcpy(it->author_name, ac->e[i].name, sizeof(it->author_name));
	o->author_user_id = it->author_uid;
	o->author_user_name = it->author_name;
}

/*
 * Room for one more record with a body of "len" bytes.  The arrays and
 * the arena start small and double up to c->max and c->budget: a pull
 * mostly returns a few records, and allocating the whole budget (4 MiB
 * and 1,000 items) for each one was a mapping, a zeroing and an unmap
 * per session (docs/BENCHMARKS.md, bench_sesscpu).  What recs[] points
 * at moves with them.
 */
static int
sync_pull_room(struct pull_ctx *c, size_t len)
{
	struct pull_item	*it;
	struct msg_record	*o;
	uint8_t			*a;
	size_t			 i, want;

	if (c->n == c->cap) {
		want = c->cap < SYNC_PULL_FIRST_RECORDS / 2 ?
		    SYNC_PULL_FIRST_RECORDS : 2 * c->cap;
		if (want > c->max)
			want = c->max;
		if ((it = reallocarray(c->items, want, sizeof(*it))) == NULL)
			return CS_ERR_ALLOC;
		c->items = it;
		if ((o = reallocarray(c->recs, want, sizeof(*o))) == NULL)
			return CS_ERR_ALLOC;
		c->recs = o;
		c->cap = want;
		for (i = 0; i < c->n; i++) {
			c->recs[i].record_id = c->items[i].record_id;
			c->recs[i].case_id = c->items[i].case_id;
			c->recs[i].kind = c->items[i].kind;
			c->recs[i].author_device = c->items[i].author;
		}
	}
	/* c->used counts each record's overhead too: it can pass acap */
	if (c->arena == NULL || c->acap < c->used + len) {
		want = c->acap < SYNC_PULL_FIRST_BYTES / 2 ?
		    SYNC_PULL_FIRST_BYTES : 2 * c->acap;
		if (want < c->used + len)
			want = c->used + len;
		if (want > c->budget)
			want = c->budget;
		if ((a = realloc(c->arena, want)) == NULL)
			return CS_ERR_ALLOC;
		c->arena = a;
		c->acap = want;
		for (i = 0; i < c->n; i++)
			c->recs[i].body.p = c->arena + c->items[i].body_off;
	}
	return 0;
}

static int
sync_pull_cb(const struct store_record *r, int64_t eff, int64_t tie,
    void *arg)
{
	struct pull_ctx		*c = arg;
	struct msg_record	*o;
	int			 rc;

	/* always take one record, however large: it fits in a frame */
	if (c->n > 0 && c->budget - c->used < r->body_len +
	    SYNC_RECORD_OVERHEAD)
		return 1;
	if (c->n == c->max || c->budget - c->used < r->body_len)
		return 1;
	if ((rc = sync_pull_room(c, r->body_len)) != 0)
		return rc;
	o = &c->recs[c->n];
	sync_record_out(o, r, &c->items[c->n]);
	if (r->body_len > 0)
		memcpy(c->arena + c->used, r->body, r->body_len);
	c->items[c->n].body_off = c->used;
	o->body.p = c->arena + c->used;
	o->body.len = r->body_len;
	c->used += r->body_len + SYNC_RECORD_OVERHEAD;
	if (c->used > c->budget)
		c->used = c->budget;
	c->n++;
	c->eff = eff;
	c->tie = tie;
	return 0;
}

static int
sync_purge_cb(const char *case_id, void *arg)
{
	struct pull_ctx	*c = arg;
	char		**p;

	if (c->npurges == MSG_PURGES_MAX)
		return 0;
	if (c->npurges == c->maxpurges) {
		if ((p = reallocarray(c->purges, c->maxpurges * 2 + 8,
		    sizeof(*p))) == NULL)
			return CS_ERR_ALLOC;
		c->purges = p;
		c->maxpurges = c->maxpurges * 2 + 8;
	}
	if ((c->purges[c->npurges] = strdup(case_id)) == NULL)
		return CS_ERR_ALLOC;
	c->npurges++;
	return 0;
}

static int
sync_access_cb(const struct store_access *a, void *arg)
{
	struct pull_ctx	*c = arg;
	void		*p;

	if (c->naccess == MSG_ACCESS_MAX)
		return 0;
	/* grown on demand: most pulls have none, and pay nothing */
	if (c->naccess == c->maxaccess) {
		if ((p = reallocarray(c->access, c->maxaccess * 2 + 8,
		    sizeof(*c->access))) == NULL)
			return CS_ERR_ALLOC;
		c->access = p;
		c->maxaccess = c->maxaccess * 2 + 8;
	}
	c->access[c->naccess++] = *a;
	return 0;
}

static void
sync_pull_free(struct pull_ctx *c)
{
	size_t	i;

	for (i = 0; i < c->npurges; i++)
		free(c->purges[i]);
	free(c->purges);
	free(c->items);
	free(c->recs);
	free(c->arena);
	free(c->access);
}

/*
 * Read what the pull after (c->eff, c->tie) delivers into "c": records,
 * purges and read-only cases.  *seq gets the newest seq, read first (a
 * change racing the pull is seen next time).
 */
static int
sync_pull_read(struct request *rq, struct pull_ctx *c, int64_t *seq,
    int *more)
{
	struct worker			*w = rq->w;
	const struct store_device	*dev = rq->dev;
	int				 r;

	/* the purges and read-only cases first: one round trip with it */
	if ((r = store_pull_ahead(w->st, dev->user.id, dev->id,
	    MSG_ACCESS_MAX)) != 0 ||
	    (r = store_pull_seq(w->st, dev->user.id, dev->id, c->eff,
	    c->tie, c->max, sync_pull_cb, c, more, seq)) != 0 ||
	    (r = store_purges_pending(w->st, dev->id, sync_purge_cb,
	    c)) != 0 ||
	    (r = store_case_access(w->st, dev->user.id, MSG_ACCESS_MAX,
	    sync_access_cb, c)) != 0) {
		store_pull_ahead_drop(w->st);
		return r;
	}
	return 0;
}

/* Append the PullResponse of what sync_pull_read() read. */
static int
sync_pull_reply(struct request *rq, struct pull_ctx *c, int64_t seq,
    int more)
{
	struct msg_pull_response	 resp;
	struct msg_case_access		*acc = NULL;
	struct msg_out			 o;
	size_t				 i;
	int				 r;

	if (c->naccess > 0 && (acc = calloc(c->naccess,
	    sizeof(*acc))) == NULL)
		return CS_ERR_ALLOC;
	for (i = 0; i < c->naccess; i++) {
		acc[i].case_id = c->access[i].case_id;
		acc[i].mode = c->access[i].mode;
		acc[i].since = c->access[i].since;
		acc[i].until = c->access[i].until;
	}
	memset(&resp, 0, sizeof(resp));
	resp.records = c->recs;
	resp.n_records = c->n;
	resp.cursor = c->eff;
	resp.cursor_tie = c->tie;
	resp.more = more;
	resp.purge_case_ids = (const char *const *)c->purges;
	resp.n_purge_case_ids = c->npurges;
	resp.server_seq = seq;
	resp.case_access = acc;
	resp.n_case_access = c->naccess;
	o = msg_out_pull_response(&resp);
	r = msg_encode(rq->id, &o, rq->max_frame, rq->out);
	free(acc);
	return r;
}

int
sync_pull(struct request *rq, const struct msg *m)
{
	struct msg_pull_request	 pr;
	struct pull_ctx		 c;
	struct sync_authors	 ac;
	int64_t			 seq;
	size_t			 i;
	int			 more = 0, r;

	if ((r = msg_get_pull_request(m, &pr)) != 0)
		return r;
	memset(&c, 0, sizeof(c));
	memset(&ac, 0, sizeof(ac));
	c.max = pr.max_records == 0 ? SYNC_PULL_RECORDS_DEFAULT :
	    pr.max_records > SYNC_PULL_RECORDS_MAX ? SYNC_PULL_RECORDS_MAX :
	    pr.max_records;
	c.budget = pr.max_bytes == 0 ? SYNC_PULL_BYTES_DEFAULT :
	    pr.max_bytes;
	/* leave room for the rest of the frame (config.c: it cannot wrap) */
	if (c.budget > rq->max_frame - 64 * 1024)
		c.budget = rq->max_frame - 64 * 1024;
	if (c.budget < MSG_BODY_MAX + SYNC_RECORD_OVERHEAD)
		c.budget = MSG_BODY_MAX + SYNC_RECORD_OVERHEAD;
	/* wire.c checked that the cursor fits */
	c.eff = pr.since;
	c.tie = pr.since_tie;
	/*
	 * The pull's reads and its authors' lookups, some seven statements,
	 * in one read transaction: each alone took and gave back one of
	 * SQLite's WAL read locks (two fcntl calls) and checked the log
	 * for the other worker's commits, emptying the page cache after
	 * each.  Ended before the reply and its audit entries.
	 */
	store_read_begin(rq->w->st);
	if ((r = sync_pull_read(rq, &c, &seq, &more)) != 0) {
		store_read_end(rq->w->st);
		if (r != CS_ERR_ALLOC)
			r = sync_failed(rq, r, "pull failed");
		goto out;
	}
	/*
	 * Nothing left: every visible item up to the seq read before the
	 * pull was delivered or skipped as the device's own, so the cursor
	 * may move past them all (tie: past any grant at that seq too) and
	 * the next pull does not walk the skipped ones again.
	 */
	if (!more && seq >= c.eff) {
		c.eff = seq;
		c.tie = INT64_MAX;
	}
	for (i = 0; i < c.n; i++)
		sync_author_seed(&ac, &c.items[i]);
	for (i = 0; i < c.n; i++)
		sync_author(rq->w, &ac, c.items[i].author_dev, &c.items[i],
		    &c.recs[i]);
	store_read_end(rq->w->st);
	r = sync_pull_reply(rq, &c, seq, more);
	audit_pull(rq, c.recs, c.n, r);
 out:
	sync_pull_free(&c);
	return r;
}

/*
 * Change "i" of PushRequest "m" as the store's; 0, or 1 if it must be
 * refused (a body not sealed), or a CS_ERR_*.
 */
static int
sync_change_in(const struct msg *m, size_t i, struct store_change *ch)
{
	struct msg_change	c;
	int			r;

	if ((r = msg_push_request_item(m, i, &c)) != 0)
		return r;
	ch->change_id = c.change_id;
	/* lengths were checked by wire.c: these copies fit */
	memcpy(ch->rec.record_id, c.record.record_id, STORE_UUID_LEN + 1);
	memcpy(ch->rec.case_id, c.record.case_id, STORE_UUID_LEN + 1);
	memcpy(ch->rec.kind, c.record.kind, strlen(c.record.kind) + 1);
	ch->rec.deleted = c.record.deleted;
	ch->rec.key_epoch = c.record.key_epoch;
	ch->rec.body = c.record.body.p;
	ch->rec.body_len = c.record.body.len;
	ch->rec.hlc = c.record.hlc;
	/* wire.c checked that both fit */
	ch->base_version = c.base_version;
	ch->lost_version = c.lost_version;
	/* bodies come sealed (docs/E2E.md): refuse a client that would
	 * send case content in the clear */
	return c.record.key_epoch == 0 ||
	    c.record.body.len < E2E_BODY_OVERHEAD ? 1 : 0;
}

/* The result of change "ch" as it goes out ("it": its strings). */
static void
sync_result_out(struct worker *w, struct sync_authors *ac,
    const struct store_change *ch, const struct store_change_result *res,
    struct msg_change_result *o, struct pull_item *it)
{
	memset(o, 0, sizeof(*o));
	o->change_id = ch->change_id;
	o->status = (enum msg_change_status)res->status;
	o->version = res->version;
	o->late = res->late != 0;
	o->held = res->held != 0;
	o->discarded = res->discarded != 0;
	if (res->discarded)
		o->decided_by = res->decided_by;
	o->no_common_base = res->no_common_base;
	if (res->closed)
		o->error = WERR_CASE_CLOSED;
	if (res->has_current) {
		o->has_current = 1;
		sync_record_out(&o->current, &res->current, it);
		sync_author(w, ac, res->current.author_device, it,
		    &o->current);
		o->current.body.p = res->current.body;
		o->current.body.len = res->current.body_len;
	}
}

/* Apply a push in the store, with its audit entries in the same tx. */
static int
sync_push_apply(struct request *rq, const struct store_change *chs,
    struct store_change_result *res, size_t n)
{
	struct worker			*w = rq->w;
	const struct store_device	*dev = rq->dev;
	struct audit_push		 ap;
	int64_t				 seq;
	int				 r;

	ap.peer = rq->peer;
	ap.dev = dev;
	ap.chs = chs;
	ap.res = res;
	ap.n = n;
	/*
	 * The push and its entries: one transaction, owned here; the
	 * worker's queued login and read entries ride along (their own
	 * commit at the end of the pass is spared: audit_batch_in_tx),
	 * in the same append, before the push's own entries.  The append
	 * comes after store_push, whose reads wait for the answers
	 * anyway: the tree's lock and read, sent ahead with the push's
	 * first statements, are answered in that round trip (appended
	 * before them, the carried entries would wait for it alone, one
	 * round trip more with the lock held on PostgreSQL).
	 */
	if ((r = store_tx_begin(w->st)) == 0)
		r = store_audit_lock_ahead(w->st);
	if (r == 0)
		r = store_push(w->st, dev->user.id, dev->id, chs, n, res,
		    &seq);
	if (r == 0)
		r = audit_batch_in_tx(w, &ap);
	/* CASESYNC_FAULT=fail:push-commit: a commit that fails (tests) */
	r = store_tx_end(w->st, r == 0 && fault_fail("push-commit") ?
	    CS_ERR_RETRY : r);
	audit_batch_done(w, r);
	if (r != 0) {
		store_results_clear(res, n);
		return r;
	}
	if (atomic_load(&w->srv->fault_push_exit) > 0 &&
	    atomic_fetch_sub(&w->srv->fault_push_exit, 1) == 1) {
		log_warnx("fault injection: exiting after a committed push");
		_exit(3);
	}
	server_note_seq(w->srv, seq);
	return 0;
}

int
sync_push(struct request *rq, const struct msg *m)
{
	struct msg_push_request		 pr;
	struct msg_push_response	 resp;
	struct msg_out			 o;
	struct store_change		*chs = NULL;
	struct store_change_result	*res = NULL;
	struct msg_change_result	*cr = NULL;
	struct pull_item		*cur = NULL;
	struct sync_authors		 ac;
	size_t				 i, n;
	int				 r, have = 0;

	if ((r = msg_get_push_request(m, &pr)) != 0)
		return r;
	n = pr.n_changes;
	memset(&ac, 0, sizeof(ac));
	r = CS_ERR_ALLOC;
	if ((chs = calloc(n, sizeof(*chs))) == NULL ||
	    (res = calloc(n, sizeof(*res))) == NULL ||
	    (cr = calloc(n, sizeof(*cr))) == NULL ||
	    (cur = calloc(n, sizeof(*cur))) == NULL)
		goto out;
	for (i = 0; i < n; i++) {
		if ((r = sync_change_in(m, i, &chs[i])) == 1) {
			r = sync_refuse(rq, WERR_BAD_REQUEST,
			    "record bodies must be sealed (key_epoch >= 1)");
			goto out;
		}
		if (r != 0)
			goto out;
	}
	if ((r = sync_push_apply(rq, chs, res, n)) != 0) {
		r = sync_failed(rq, r, "push not applied");
		goto out;
	}
	have = 1;
	for (i = 0; i < n; i++)
		sync_result_out(rq->w, &ac, &chs[i], &res[i], &cr[i],
		    &cur[i]);
	resp.results = cr;
	resp.n_results = n;
	o = msg_out_push_response(&resp);
	r = msg_encode(rq->id, &o, rq->max_frame, rq->out);
 out:
	if (have)
		store_results_clear(res, n);
	free(chs);
	free(res);
	free(cr);
	free(cur);
	return r;
}

static int
sync_ack(struct request *rq, int64_t seq)
{
	uint64_t	s = (uint64_t)seq;
	struct msg_out	o = msg_out_case_ack(&s);

	return msg_encode(rq->id, &o, rq->max_frame, rq->out);
}

static int
sync_purge_ack(struct request *rq)
{
	struct msg_out	o = msg_out_purge_ack();

	return msg_encode(rq->id, &o, rq->max_frame, rq->out);
}

/*
 * The laptop did not purge: changes the server has not accepted hold
 * it (store_late.h).  The purge stays pending; the hold is recorded
 * and audited once (again when the number of changes moves).
 */
static int
sync_purge_held(struct request *rq, const struct msg_purge_receipt *pr)
{
	int	r, news = 0;

	r = store_purge_hold(rq->w->st, rq->dev->id, pr->case_id,
	    pr->held_changes, time_now(), &news);
	if (r != 0 && r != CS_ERR_NOT_FOUND)
		return sync_store_refusal(rq, WCTX_ANY, r, "purge hold", NULL);
	if (r == 0 && news) {
		log_warnx("device %lld holds the purge of case %s: %u "
		    "unsent changes", (long long)rq->dev->id, pr->case_id,
		    pr->held_changes);
		request_audit(rq, r);
	} else if (r != 0)
		request_audit(rq, r);
	return sync_purge_ack(rq);
}

int
sync_purge_receipt(struct request *rq, const struct msg *m)
{
	struct msg_purge_receipt	pr;
	int				r;

	if ((r = msg_get_purge_receipt(m, &pr)) != 0)
		return r;
	if (pr.held)
		return sync_purge_held(rq, &pr);
	r = store_purge_receipt(rq->w->st, rq->dev->id, pr.case_id,
	    pr.records_deleted, time_now());
	if (r == 0)
		r = store_purge_unhold(rq->w->st, rq->dev->id, pr.case_id);
	if (r != 0 && r != CS_ERR_NOT_FOUND)
		return sync_store_refusal(rq, WCTX_ANY, r, "purge receipt",
		    NULL);
	if (r == 0)
		log_info("device %lld purged case %s (%u records)",
		    (long long)rq->dev->id, pr.case_id, pr.records_deleted);
	request_audit(rq, r);
	return sync_purge_ack(rq);
}

int
sync_case_create(struct request *rq, const struct msg *m)
{
	struct msg_case_create	cc;
	int64_t			seq;
	int			r;

	if ((r = msg_get_case_create(m, &cc)) != 0)
		return r;
	if ((r = store_case_create(rq->w->st, &rq->dev->user, cc.case_id,
	    cc.frame, time_now(), &seq)) != 0)
		return sync_store_refusal(rq, WCTX_ANY, r, "case create",
		    NULL);
	server_note_seq(rq->w->srv, seq);
	request_audit(rq, 0);
	return sync_ack(rq, seq);
}

int
sync_case_member(struct request *rq, const struct msg *m)
{
	struct msg_case_member	cm;
	const char		*why = NULL;
	int64_t			seq;
	int			r;

	if ((r = msg_get_case_member(m, &cm)) != 0)
		return r;
	if ((r = store_case_member_reg(rq->w->st, &rq->dev->user,
	    cm.case_id, cm.user_name, cm.remove, cm.read_only,
	    cm.new_regisseur, &seq, &why)) != 0) {
		request_audit(rq, r);
		/* CS_ERR_STATE: the regisseur goes without a successor */
		return sync_store_refusal(rq, WCTX_MEMBER, r, "case member",
		    r == CS_ERR_STATE ? why : NULL);
	}
	server_note_seq(rq->w->srv, seq);
	request_audit(rq, 0);
	return sync_ack(rq, seq);
}
