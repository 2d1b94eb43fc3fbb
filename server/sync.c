/* SPDX-License-Identifier: ISC */
/*
 * sync.c - push, pull, purge receipts, case creation and membership
 * (see sync.h).  Converts between validated protobuf messages and the
 * store's structs; all rules live in store_sync.c.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "buf.h"
#include "e2e.h"
#include "errors.h"
#include "log.h"
#include "marker.h"
#include "server.h"
#include "store.h"
#include "store_late.h"
#include "sync.h"
#include "util.h"
#include "msg.h"
#include "wire.h"
#include "wire_nolost.h"

/* Framing overhead allowance per record in a PullResponse. */
#define SYNC_RECORD_OVERHEAD	192
/* a pull reply of one largest record fits every allowed max_frame */
_Static_assert(CONFIG_MAX_FRAME_MIN >= WIRE_BODY_MAX + SYNC_RECORD_OVERHEAD +
    64 * 1024, "CONFIG_MAX_FRAME_MIN below a pull budget");

struct pull_item {
	Casesync__V1__Record	 rec;
	char			 record_id[STORE_UUID_LEN + 1];
	char			 case_id[STORE_UUID_LEN + 1];
	char			 kind[STORE_KIND_MAX + 1];
	char			 author[24];
	int64_t			 author_dev;
	char			 author_uid[24];
	char			 author_name[STORE_NAME_MAX + 1];
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
	Casesync__V1__Record	**ptrs;
	size_t			 n, max;
	uint8_t			*arena;		/* bodies, back to back */
	size_t			 used, budget;
	int64_t			 eff, tie;	/* cursor of the last item */
	char			**purges;
	size_t			 npurges, maxpurges;
	struct store_access	*access;	/* read-only cases */
	Casesync__V1__CaseAccess *ainfo, **aptrs;
	size_t			 naccess, maxaccess;
};

static int
sync_refuse(struct buf *out, uint32_t id, enum wire_code code,
    const char *msg)
{
	return wire_error(out, id, code, msg, 0);
}

static void
sync_record_out(Casesync__V1__Record *o, const struct store_record *r,
    char *rid, char *cid, char *kind, char *author, size_t authorlen)
{
	casesync__v1__record__init(o);
	memcpy(rid, r->record_id, sizeof(r->record_id));
	memcpy(cid, r->case_id, sizeof(r->case_id));
	memcpy(kind, r->kind, sizeof(r->kind));
	str_fmt(author, authorlen, "%lld", (long long)r->author_device);
	o->record_id = rid;
	o->case_id = cid;
	o->kind = kind;
	o->version = (uint64_t)r->version;
	o->deleted = r->deleted;
	o->key_epoch = r->key_epoch;
	o->author_device = author;
	o->hlc = r->hlc;
}

/*
 * Name the user of author device "dev" in "it" (for laptops to record
 * who wrote a value in conflict).  A device the store cannot find (or
 * an error) leaves the author unnamed: the record still goes out.
 */
static void
sync_author(struct worker *w, struct sync_authors *ac, int64_t dev,
    struct pull_item *it)
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
	memcpy(it->author_uid, ac->e[i].uid, sizeof(it->author_uid));
	memcpy(it->author_name, ac->e[i].name, sizeof(it->author_name));
	it->rec.author_user_id = it->author_uid;
	it->rec.author_user_name = it->author_name;
}

static int
sync_pull_cb(const struct store_record *r, int64_t eff, int64_t tie,
    void *arg)
{
	struct pull_ctx		*c = arg;
	struct pull_item	*it;

	/* always take one record, however large: it fits in a frame */
	if (c->n > 0 && c->budget - c->used < r->body_len +
	    SYNC_RECORD_OVERHEAD)
		return 1;
	if (c->n == c->max || c->budget - c->used < r->body_len)
		return 1;
	it = &c->items[c->n];
	sync_record_out(&it->rec, r, it->record_id, it->case_id, it->kind,
	    it->author, sizeof(it->author));
	it->author_dev = r->author_device;
	if (r->body_len > 0)
		memcpy(c->arena + c->used, r->body, r->body_len);
	it->rec.body.data = c->arena + c->used;
	it->rec.body.len = r->body_len;
	c->used += r->body_len + SYNC_RECORD_OVERHEAD;
	if (c->used > c->budget)
		c->used = c->budget;
	c->ptrs[c->n++] = &it->rec;
	c->eff = eff;
	c->tie = tie;
	return 0;
}

static int
sync_purge_cb(const char *case_id, void *arg)
{
	struct pull_ctx	*c = arg;
	char		**p;

	if (c->npurges == WIRE_PURGES_MAX)
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
	struct pull_ctx			*c = arg;
	Casesync__V1__CaseAccess	*o;
	size_t				 i;
	void				*p;

	if (c->naccess == WIRE_ACCESS_MAX)
		return 0;
	/* grown on demand: most pulls have none, and pay nothing */
	if (c->naccess == c->maxaccess) {
		c->maxaccess = c->maxaccess * 2 + 8;
		if ((p = reallocarray(c->access, c->maxaccess,
		    sizeof(*c->access))) == NULL)
			return CS_ERR_ALLOC;
		c->access = p;
		if ((p = reallocarray(c->ainfo, c->maxaccess,
		    sizeof(*c->ainfo))) == NULL)
			return CS_ERR_ALLOC;
		c->ainfo = p;
		if ((p = reallocarray(c->aptrs, c->maxaccess,
		    sizeof(*c->aptrs))) == NULL)
			return CS_ERR_ALLOC;
		c->aptrs = p;
		/* the strings point into "access", which may have moved */
		for (i = 0; i < c->naccess; i++) {
			c->ainfo[i].case_id = c->access[i].case_id;
			c->ainfo[i].mode = c->access[i].mode;
			c->aptrs[i] = &c->ainfo[i];
		}
	}
	c->access[c->naccess] = *a;
	o = &c->ainfo[c->naccess];
	casesync__v1__case_access__init(o);
	o->case_id = c->access[c->naccess].case_id;
	o->mode = c->access[c->naccess].mode;
	o->since = a->since;
	o->until = a->until;
	c->aptrs[c->naccess] = o;
	c->naccess++;
	return 0;
}

static int
sync_pull(struct worker *w, const struct store_device *dev,
    const wire_env *req, size_t max_frame, struct buf *out)
{
	const Casesync__V1__PullRequest	*pr = req->pull_request;
	struct pull_ctx			 c;
	wire_env			 env;
	Casesync__V1__PullResponse	 resp;
	struct sync_authors		 ac;
	int64_t				 seq;
	size_t				 i;
	int				 more = 0, r;

	memset(&c, 0, sizeof(c));
	memset(&ac, 0, sizeof(ac));
	c.max = pr->max_records == 0 ? SYNC_PULL_RECORDS_DEFAULT :
	    pr->max_records > SYNC_PULL_RECORDS_MAX ? SYNC_PULL_RECORDS_MAX :
	    pr->max_records;
	c.budget = pr->max_bytes == 0 ? SYNC_PULL_BYTES_DEFAULT :
	    pr->max_bytes;
	/* leave room for the rest of the frame (config.c: it cannot wrap) */
	if (c.budget > max_frame - 64 * 1024)
		c.budget = max_frame - 64 * 1024;
	if (c.budget < WIRE_BODY_MAX + SYNC_RECORD_OVERHEAD)
		c.budget = WIRE_BODY_MAX + SYNC_RECORD_OVERHEAD;
	c.eff = (int64_t)pr->since;
	c.tie = (int64_t)pr->since_tie;
	if (pr->since > INT64_MAX || pr->since_tie > INT64_MAX)
		return sync_refuse(out, req->id,
		    WERR_BAD_REQUEST,
		    "cursor out of range");
	r = CS_ERR_ALLOC;
	if ((c.items = calloc(c.max, sizeof(*c.items))) == NULL ||
	    (c.ptrs = calloc(c.max, sizeof(*c.ptrs))) == NULL ||
	    (c.arena = malloc(c.budget)) == NULL)
		goto out;
	/* read the seq first: a change racing the pull is seen next time */
	if ((r = store_seq(w->st, &seq)) != 0 ||
	    (r = store_pull(w->st, dev->user.id, dev->id, c.eff, c.tie,
	    c.max, sync_pull_cb, &c, &more)) != 0 ||
	    (r = store_purges_pending(w->st, dev->id, sync_purge_cb,
	    &c)) != 0 ||
	    (r = store_case_access(w->st, dev->user.id, WIRE_ACCESS_MAX,
	    sync_access_cb, &c)) != 0) {
		if (r != CS_ERR_ALLOC)
			r = sync_refuse(out, req->id,
			    WERR_INTERNAL,
			    "pull failed");
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
		sync_author(w, &ac, c.items[i].author_dev, &c.items[i]);
	casesync__v1__envelope__init(&env);
	casesync__v1__pull_response__init(&resp);
	resp.records = c.ptrs;
	resp.n_records = c.n;
	resp.cursor = (uint64_t)c.eff;
	resp.cursor_tie = (uint64_t)c.tie;
	resp.more = more;
	resp.purge_case_ids = c.purges;
	resp.n_purge_case_ids = c.npurges;
	resp.server_seq = (uint64_t)seq;
	resp.case_access = c.aptrs;
	resp.n_case_access = c.naccess;
	env.id = req->id;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_PULL_RESPONSE;
	env.pull_response = &resp;
	r = wire_encode(&env, max_frame, out);
	audit_pull(w, dev, c.ptrs, c.n, r);
 out:
	for (i = 0; i < c.npurges; i++)
		free(c.purges[i]);
	free(c.purges);
	free(c.items);
	free(c.ptrs);
	free(c.arena);
	free(c.access);
	free(c.ainfo);
	free(c.aptrs);
	return r;
}

static int
sync_push(struct worker *w, const struct store_device *dev,
    const wire_env *req, size_t max_frame, struct buf *out)
{
	const Casesync__V1__PushRequest	 *pr = req->push_request;
	const Casesync__V1__Record	 *in;
	struct store_change		 *chs = NULL;
	struct store_change_result	 *res = NULL;
	struct pull_item		 *cur = NULL;
	Casesync__V1__ChangeResult	 *cr = NULL, **crp = NULL;
	Casesync__V1__PushResponse	  resp;
	struct audit_push		  ap;
	struct sync_authors		  ac;
	wire_env			  env;
	int64_t				  seq;
	size_t				  i, n = pr->n_changes;
	int				  r = CS_ERR_ALLOC, have = 0;

	memset(&ac, 0, sizeof(ac));
	if ((chs = calloc(n, sizeof(*chs))) == NULL ||
	    (res = calloc(n, sizeof(*res))) == NULL ||
	    (cr = calloc(n, sizeof(*cr))) == NULL ||
	    (crp = calloc(n, sizeof(*crp))) == NULL ||
	    (cur = calloc(n, sizeof(*cur))) == NULL)
		goto out;
	for (i = 0; i < n; i++) {
		in = pr->changes[i]->record;
		chs[i].change_id = pr->changes[i]->change_id;
		/* lengths were checked by wire.c: these copies fit */
		memcpy(chs[i].rec.record_id, in->record_id, STORE_UUID_LEN + 1);
		memcpy(chs[i].rec.case_id, in->case_id, STORE_UUID_LEN + 1);
		memcpy(chs[i].rec.kind, in->kind, strlen(in->kind) + 1);
		chs[i].rec.deleted = in->deleted;
		chs[i].rec.key_epoch = in->key_epoch;
		chs[i].rec.body = in->body.data;
		chs[i].rec.body_len = in->body.len;
		chs[i].rec.hlc = in->hlc;
		/* bodies come sealed (docs/E2E.md): refuse a client that
		 * would send case content in the clear */
		if (in->key_epoch == 0 || in->body.len < E2E_BODY_OVERHEAD) {
			r = sync_refuse(out, req->id,
			    WERR_BAD_REQUEST,
			    "record bodies must be sealed (key_epoch >= 1)");
			goto out;
		}
		if (pr->changes[i]->base_version > INT64_MAX) {
			r = sync_refuse(out, req->id,
			    WERR_BAD_REQUEST,
			    "base_version out of range");
			goto out;
		}
		chs[i].base_version = (int64_t)pr->changes[i]->base_version;
		/* wire.c checked it fits */
		chs[i].lost_version = (int64_t)pr->changes[i]->lost_version;
	}
	ap.w = w;
	ap.dev = dev;
	ap.chs = chs;
	ap.res = res;
	ap.n = n;
	/* the push and its entries: one transaction, owned here */
	(void)store_tx_begin(w->st);
	r = store_push(w->st, dev->user.id, dev->id, chs, n, res, &seq);
	if (r == 0)
		r = audit_push_in_tx(w->st, &ap);
	if ((r = store_tx_end(w->st, r)) != 0) {
		store_results_clear(res, n);
		r = sync_refuse(out, req->id,
		    WERR_INTERNAL,
		    "push not applied; retry");
		goto out;
	}
	have = 1;
	if (atomic_load(&w->srv->fault_push_exit) > 0 &&
	    atomic_fetch_sub(&w->srv->fault_push_exit, 1) == 1) {
		log_warnx("fault injection: exiting after a committed push");
		_exit(3);
	}
	server_note_seq(w->srv, seq);
	for (i = 0; i < n; i++) {
		casesync__v1__change_result__init(&cr[i]);
		cr[i].change_id = pr->changes[i]->change_id;
		cr[i].status = (Casesync__V1__ChangeStatus)res[i].status;
		cr[i].version = (uint64_t)res[i].version;
		cr[i].late = res[i].late != 0;
		cr[i].held = res[i].held != 0;
		cr[i].discarded = res[i].discarded != 0;
		if (res[i].discarded)
			cr[i].decided_by = res[i].decided_by;
		cr[i].no_common_base = res[i].no_common_base;
		if (res[i].has_current) {
			sync_record_out(&cur[i].rec, &res[i].current,
			    cur[i].record_id, cur[i].case_id, cur[i].kind,
			    cur[i].author, sizeof(cur[i].author));
			sync_author(w, &ac, res[i].current.author_device,
			    &cur[i]);
			cur[i].rec.body.data = (uint8_t *)(uintptr_t)
			    res[i].current.body;
			cur[i].rec.body.len = res[i].current.body_len;
			cr[i].current = &cur[i].rec;
		}
		crp[i] = &cr[i];
	}
	casesync__v1__envelope__init(&env);
	casesync__v1__push_response__init(&resp);
	resp.results = crp;
	resp.n_results = n;
	env.id = req->id;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_PUSH_RESPONSE;
	env.push_response = &resp;
	r = wire_encode(&env, max_frame, out);
 out:
	if (have)
		store_results_clear(res, n);
	free(chs);
	free(res);
	free(cr);
	free(crp);
	free(cur);
	return r;
}

static int
sync_ack(const wire_env *req, int64_t seq, struct buf *out,
    size_t max_frame)
{
	wire_env		env;
	Casesync__V1__CaseAck	ack;

	casesync__v1__envelope__init(&env);
	casesync__v1__case_ack__init(&ack);
	ack.seq = (uint64_t)seq;
	env.id = req->id;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_CASE_ACK;
	env.case_ack = &ack;
	return wire_encode(&env, max_frame, out);
}

static int
sync_store_refusal(struct buf *out, uint32_t id, int r, const char *what)
{
	char	msg[128];

	switch (r) {
	case CS_ERR_AUTH:
		str_fmt(msg, sizeof(msg), "%s: not allowed", what);
		return sync_refuse(out, id,
		    WERR_FORBIDDEN, msg);
	case CS_ERR_NOT_FOUND:
		str_fmt(msg, sizeof(msg), "%s: no such case or user", what);
		break;
	case CS_ERR_EXISTS:
		str_fmt(msg, sizeof(msg), "%s: already exists", what);
		break;
	default:
		return sync_refuse(out, id,
		    WERR_INTERNAL, what);
	}
	return sync_refuse(out, id, WERR_BAD_REQUEST,
	    msg);
}

static int
sync_purge_ack(const wire_env *req, struct buf *out, size_t max_frame)
{
	wire_env		env;
	Casesync__V1__PurgeAck	ack;

	casesync__v1__envelope__init(&env);
	casesync__v1__purge_ack__init(&ack);
	env.id = req->id;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_PURGE_ACK;
	env.purge_ack = &ack;
	return wire_encode(&env, max_frame, out);
}

/*
 * The laptop did not purge: changes the server has not accepted hold
 * it (store_late.h).  The purge stays pending; the hold is recorded
 * and audited once (again when the number of changes moves).
 */
static int
sync_purge_held(struct worker *w, const struct store_device *dev,
    const wire_env *req, size_t max_frame, struct buf *out)
{
	const Casesync__V1__PurgeReceipt	*pr = req->purge_receipt;
	int					 r, news = 0;

	r = store_purge_hold(w->st, dev->id, pr->case_id, pr->held_changes,
	    time_now(), &news);
	if (r != 0 && r != CS_ERR_NOT_FOUND)
		return sync_store_refusal(out, req->id, r, "purge hold");
	if (r == 0 && news) {
		log_warnx("device %lld holds the purge of case %s: %u "
		    "unsent changes", (long long)dev->id, pr->case_id,
		    pr->held_changes);
		audit_request(w, dev, req, r);
	} else if (r != 0)
		audit_request(w, dev, req, r);
	return sync_purge_ack(req, out, max_frame);
}

int
sync_handle(struct worker *w, const struct store_device *dev,
    const wire_env *req, size_t max_frame, struct buf *out)
{
	const Casesync__V1__PurgeReceipt	*pr;
	wire_env				 env;
	Casesync__V1__PurgeAck			 ack;
	enum wire_code			 code;
	const char				*why;
	int64_t					 seq;
	int					 r;

	switch (req->msg_case) {
	case CASESYNC__V1__ENVELOPE__MSG_PULL_REQUEST:
		return sync_pull(w, dev, req, max_frame, out);
	case CASESYNC__V1__ENVELOPE__MSG_PUSH_REQUEST:
		return sync_push(w, dev, req, max_frame, out);
	case CASESYNC__V1__ENVELOPE__MSG_PURGE_RECEIPT:
		pr = req->purge_receipt;
		if (pr->held)
			return sync_purge_held(w, dev, req, max_frame, out);
		r = store_purge_receipt(w->st, dev->id, pr->case_id,
		    pr->records_deleted, time_now());
		if (r == 0)
			r = store_purge_unhold(w->st, dev->id, pr->case_id);
		if (r != 0 && r != CS_ERR_NOT_FOUND)
			return sync_store_refusal(out, req->id, r,
			    "purge receipt");
		if (r == 0)
			log_info("device %lld purged case %s (%u records)",
			    (long long)dev->id, pr->case_id,
			    pr->records_deleted);
		audit_request(w, dev, req, r);
		casesync__v1__envelope__init(&env);
		casesync__v1__purge_ack__init(&ack);
		env.id = req->id;
		env.msg_case = CASESYNC__V1__ENVELOPE__MSG_PURGE_ACK;
		env.purge_ack = &ack;
		return wire_encode(&env, max_frame, out);
	case CASESYNC__V1__ENVELOPE__MSG_CASE_CREATE:
		if ((r = store_case_create(w->st, &dev->user,
		    req->case_create->case_id, req->case_create->frame,
		    time_now(), &seq)) != 0)
			return sync_store_refusal(out, req->id, r,
			    "case create");
		server_note_seq(w->srv, seq);
		audit_request(w, dev, req, 0);
		return sync_ack(req, seq, out, max_frame);
	case CASESYNC__V1__ENVELOPE__MSG_CASE_MEMBER:
		if ((r = store_case_member_reg(w->st, &dev->user,
		    req->case_member->case_id, req->case_member->user_name,
		    req->case_member->remove, req->case_member->read_only,
		    req->case_member->new_regisseur, &seq, &why)) != 0) {
			audit_request(w, dev, req, r);
			if (r != CS_ERR_STATE)
				return sync_store_refusal(out, req->id, r,
				    "case member");
			code = WERR_REGISSEUR_REQUIRED;
			return wire_refuse(out, req->id, r, code,
			    "case member", why);
		}
		server_note_seq(w->srv, seq);
		audit_request(w, dev, req, 0);
		return sync_ack(req, seq, out, max_frame);
	default:
		return sync_refuse(out, req->id,
		    WERR_BAD_REQUEST,
		    "not a request");
	}
}
