/* SPDX-License-Identifier: ISC */
/*
 * transfer.c - TransferRequest, TransferDecision, TransferListRequest,
 * TeamAssign and GlassRequest (see transfer.h).  Converts between
 * validated messages (msg_transfer.h) and store_transfer.h, maps refusals to
 * typed Errors, and writes an audit entry for every decision, granted
 * or refused.
 *
 * Notes, rejection reasons and glass reasons are never written to the
 * server log: colleagues are asked not to identify the family in them,
 * but they are free text.
 */
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "buf.h"
#include "cases.h"
#include "errmap.h"
#include "errors.h"
#include "keys.h"
#include "log.h"
#include "request.h"
#include "server.h"
#include "store.h"
#include "store_audit.h"
#include "store_cases.h"
#include "store_transfer.h"
#include "transfer.h"
#include "util.h"
#include "msg.h"
#include "msg_session.h"
#include "msg_transfer.h"
#include "wire.h"		/* wire_refuse */

struct transfer_list {
	struct store_transfer		*items;
	struct msg_transfer_info	*infos;
	struct transfer_preview		*prev;	/* of REQUESTED ones */
	size_t				 n, max;
};

/* A REQUESTED transfer's preview for the receiving office. */
struct transfer_preview {
	struct store_transfer_preview	p;
	struct cases_reply		c;
};

static uint32_t
transfer_u32(int64_t v)
{
	return v < 0 ? 0 : v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

/*
 * "info" points into "t" and "pv", which must stay put while it is
 * used.  "pv" (NULL: none) is filled for a REQUESTED transfer: what the
 * receiving office sees before it decides.  Once decided, the other
 * side has no business with the case's state: no preview.
 */
static int
transfer_fill(struct store *st, struct msg_transfer_info *info,
    const struct store_transfer *t, struct transfer_preview *pv)
{
	int	r;

	memset(info, 0, sizeof(*info));
	info->transfer_id = t->id;
	info->case_id = t->case_id;
	info->state = t->state;
	info->reason = t->reason;
	info->note = t->note;
	info->from_office = t->from_office;
	info->to_office = t->to_office;
	info->requested_by = t->requested_by;
	info->requested_at = t->requested_at;
	info->decided_by = t->decided_by;
	info->decided_at = t->decided_at;
	info->rejection = t->rejection;
	info->new_regisseur = t->new_regisseur;
	info->window_end = t->window_end;
	info->completed_at = t->completed_at;
	info->purges_pending = t->purges_pending > UINT32_MAX ? UINT32_MAX :
	    (uint32_t)t->purges_pending;
	info->regisseur = "";
	if (pv == NULL || strcmp(t->state, "REQUESTED") != 0)
		return 0;
	if ((r = store_transfer_preview(st, t->case_id, &pv->p)) != 0)
		return r;
	cases_info_fill(&pv->c, &pv->p.meta, lc_date_from_time(time_now()));
	info->has_case_info = 1;
	info->case_info = pv->c.info;	/* pointing into pv->c */
	info->records = transfer_u32(pv->p.records);
	info->person_records = transfer_u32(pv->p.persons);
	info->measure_records = transfer_u32(pv->p.measures);
	info->regisseur = pv->p.regisseur;
	return 0;
}

/* A typed refusal "what: why" with the codes of "ctx" (errmap.h). */
static int
transfer_refuse(struct request *rq, enum wire_ctx ctx, int r,
    const char *what, const char *why)
{
	return wire_refuse(rq->out, rq->id, r, wire_code_of(ctx, r), what,
	    why);
}

/* The audit entry of a decision about "case_id"; r: the store's. */
static void
transfer_entry(struct audit_entry *e, const struct request *rq,
    const char *type, char action, int r,
    const char *case_id, const char *object_type, const char *object_id,
    const char *basis, const char *purpose, const char *detail)
{
	audit_entry_init(e, type, action, r == 0);
	audit_entry_device(e, rq->dev, rq->peer);
	audit_set(e->client_ref, case_id);
	audit_set(e->object_type, object_type);
	audit_set(e->object_id, object_id);
	audit_set(e->basis, basis);
	if (purpose != NULL)
		audit_set(e->purpose, purpose);
	if (r != 0)
		audit_set(e->detail, cs_err(r));
	else if (detail != NULL)
		audit_set(e->detail, detail);
}

/* The entry of a refused decision, in a transaction of its own. */
static void
transfer_audit(const struct request *rq, const char *type, char action,
    int r, const char *case_id,
    const char *object_type, const char *object_id, const char *basis,
    const char *purpose, const char *detail)
{
	struct audit_entry	e;
	int			rc;

	transfer_entry(&e, rq, type, action, r, case_id, object_type,
	    object_id, basis, purpose, detail);
	if ((rc = audit_append(rq->w->st, &e, rq->w->srv->audit_key)) != 0)
		log_warnx("audit: %s entry NOT recorded: %s", type, cs_err(rc));
}

/*
 * The entry of a decision taken, appended by the decision's own commit
 * (store_commit_hook): both are there, or neither.  "open_case": a
 * transfer request, whose id the entry names once it is inserted.
 */
struct transfer_tx {
	struct audit_entry		 e;
	const char			*open_case;
	const struct store_glass	*glass;	/* a glass grant, or NULL */
};

static int
transfer_tx_hook(struct store *st, void *arg)
{
	struct transfer_tx	*x = arg;
	int64_t			 id;
	int			 r;

	if (x->open_case != NULL) {
		if ((r = store_transfer_open_id(st, x->open_case, &id)) != 0)
			return r;
		(void)str_fmt(x->e.object_id, sizeof(x->e.object_id), "%lld",
		    (long long)id);
	}
	if (x->glass != NULL && x->glass->renews != 0) {
		audit_set(x->e.type, "glass_renew");
		(void)str_fmt(x->e.detail, sizeof(x->e.detail), "read_only=1 "
		    "until=%lld renews=%lld", (long long)x->glass->expires_at,
		    (long long)x->glass->renews);
	} else if (x->glass != NULL)
		(void)str_fmt(x->e.detail, sizeof(x->e.detail), "read_only=1 "
		    "until=%lld", (long long)x->glass->expires_at);
	if ((r = store_audit_append_in(st, &x->e, 1)) != 0)
		log_warnx("audit: %s entry NOT recorded: %s; the decision is "
		    "not taken", x->e.type, cs_err(r));
	return r;
}

/* Set the hook for the decision about to be taken. */
static void
transfer_tx_arm(struct worker *w, struct transfer_tx *x)
{
	store_commit_hook(w->st, transfer_tx_hook, x);
}

/* After the store call: the hook is spent or unused; sign if taken. */
static void
transfer_tx_done(struct worker *w, int r)
{
	int	made;

	store_commit_hook(w->st, NULL, NULL);
	if (r == 0 && w->srv->audit_key != NULL && (r = audit_checkpoint(w->st,
	    w->srv->audit_key, time_now(), 0, &made)) != 0)
		log_warnx("audit: checkpoint after a decision NOT signed: %s",
		    cs_err(r));
}

static int
transfer_reply(struct request *rq, const struct store_transfer *t)
{
	struct msg_transfer_info	 info;
	struct transfer_preview		*pv = NULL;
	struct msg_out			 o;
	int				 r;

	if (strcmp(t->state, "REQUESTED") == 0 &&
	    (pv = calloc(1, sizeof(*pv))) == NULL)
		return CS_ERR_ALLOC;
	if ((r = transfer_fill(rq->w->st, &info, t, pv)) != 0) {
		free(pv);
		return transfer_refuse(rq, WCTX_ANY, r, "transfer", NULL);
	}
	o = msg_out_transfer_info(&info);
	r = msg_encode(rq->id, &o, rq->max_frame, rq->out);
	free(pv);
	return r;
}

int
transfer_request(struct request *rq, const struct msg *req)
{
	struct msg_transfer_request	 m;
	struct store_transfer		 t;
	struct transfer_tx		 x;
	const char			*why = NULL, *basis;
	char				 id[24], detail[160];
	int				 r;

	if ((r = msg_get_transfer_request(req, &m)) != 0)
		return r;
	(void)str_fmt(detail, sizeof(detail), "to=%s reason=%s",
	    m.to_office, m.reason);
	basis = strcmp(rq->dev->user.role, "teamleider") == 0 ? "lead" :
	    "regisseur";
	transfer_entry(&x.e, rq, "transfer_request", AUDIT_CREATE, 0,
	    m.case_id, "transfer", "", basis, NULL, detail);
	x.open_case = m.case_id;
	x.glass = NULL;
	transfer_tx_arm(rq->w, &x);
	r = store_transfer_request(rq->w->st, &rq->dev->user, m.case_id,
	    m.to_office, m.reason, m.note, time_now(), &t, &why);
	transfer_tx_done(rq->w, r);
	(void)str_fmt(id, sizeof(id), "%lld", (long long)t.id);
	if (r != 0)
		transfer_audit(rq, "transfer_request", AUDIT_CREATE, r,
		    m.case_id, "transfer", id, basis, NULL, detail);
	if (r != 0) {
		log_info("case %s: transfer request by user %lld refused: %s",
		    m.case_id, (long long)rq->dev->user.id, cs_err(r));
		return transfer_refuse(rq, WCTX_TRANSFER, r,
		    "transfer request", why);
	}
	log_info("case %s: transfer %lld requested by user %lld",
	    m.case_id, (long long)t.id, (long long)rq->dev->user.id);
	return transfer_reply(rq, &t);
}

/* The decision "m" in the store; *seq: the accept's change. */
static int
transfer_decide(struct request *rq, const struct msg_transfer_decision *m,
    struct store_transfer *t, int64_t *seq, const char **why)
{
	switch (m->action) {
	case MSG_TRANSFER_ACCEPT:
		return store_transfer_accept(rq->w->st, &rq->dev->user,
		    m->transfer_id, m->regisseur, time_now(),
		    rq->w->srv->cfg.handover_window, t, seq, why);
	case MSG_TRANSFER_REJECT:
		return store_transfer_reject(rq->w->st, &rq->dev->user,
		    m->transfer_id, m->reason, time_now(), t, why);
	default:
		return store_transfer_revoke(rq->w->st, &rq->dev->user,
		    m->transfer_id, time_now(), t, why);
	}
}

int
transfer_decision(struct request *rq, const struct msg *req)
{
	struct msg_transfer_decision	 m;
	struct store_transfer		 t, before;
	struct transfer_tx		 x;
	const char			*why = NULL, *what, *type;
	char				 id[24], detail[160];
	int64_t				 seq = 0;
	int				 r;

	if ((r = msg_get_transfer_decision(req, &m)) != 0)
		return r;
	/* wire_transfer.c: the id is 1..INT64_MAX, the action known */
	if (store_transfer_get(rq->w->st, m.transfer_id, &before) != 0)
		memset(&before, 0, sizeof(before));
	(void)str_fmt(id, sizeof(id), "%lld", (long long)m.transfer_id);
	detail[0] = '\0';
	if (m.action == MSG_TRANSFER_ACCEPT) {
		what = "transfer accept";
		type = "transfer_accept";
		(void)str_fmt(detail, sizeof(detail), "regisseur=%s",
		    m.regisseur);
	} else if (m.action == MSG_TRANSFER_REJECT) {
		what = "transfer reject";
		type = "transfer_reject";
	} else {
		what = "transfer revoke";
		type = "transfer_revoke";
	}
	transfer_entry(&x.e, rq, type, AUDIT_UPDATE, 0, before.case_id,
	    "transfer", id, "lead", NULL, detail);
	x.open_case = NULL;
	x.glass = NULL;
	transfer_tx_arm(rq->w, &x);
	r = transfer_decide(rq, &m, &t, &seq, &why);
	transfer_tx_done(rq->w, r);
	if (r != 0)
		transfer_audit(rq, type, AUDIT_UPDATE, r, before.case_id,
		    "transfer", id, "lead", NULL, detail);
	if (r != 0) {
		log_info("transfer %lld: %s by user %lld refused: %s",
		    (long long)m.transfer_id, what, (long long)rq->dev->user.id,
		    cs_err(r));
		return transfer_refuse(rq, WCTX_TRANSFER, r, what, why);
	}
	log_info("transfer %lld of case %s: now %s (by user %lld)",
	    (long long)m.transfer_id, t.case_id, t.state,
	    (long long)rq->dev->user.id);
	if (seq != 0)
		server_note_seq(rq->w->srv, seq);
	return transfer_reply(rq, &t);
}

static int
transfer_list_cb(const struct store_transfer *t, void *arg)
{
	struct transfer_list	*l = arg;

	if (l->n == l->max)
		return CS_ERR_INTERNAL;
	l->items[l->n] = *t;
	l->n++;
	return 0;
}

/* Each listed transfer for the wire, with the previews it needs. */
static int
transfer_list_fill(struct store *st, struct transfer_list *l)
{
	size_t	i;
	int	r;

	for (i = 0; i < l->n; i++) {
		if (strcmp(l->items[i].state, "REQUESTED") == 0 &&
		    l->prev == NULL && (l->prev = calloc(l->max,
		    sizeof(*l->prev))) == NULL)
			return CS_ERR_ALLOC;
		if ((r = transfer_fill(st, &l->infos[i], &l->items[i],
		    l->prev != NULL ? &l->prev[i] : NULL)) != 0)
			return r;
	}
	return 0;
}

int
transfer_list(struct request *rq, const struct msg *req)
{
	struct msg_transfer_list_request lr;
	struct msg_transfer_list	 tl;
	struct transfer_list		 l;
	struct msg_out			 o;
	int				 r, more = 0;

	memset(&l, 0, sizeof(l));
	l.max = MSG_TRANSFERS_MAX;
	if ((r = msg_get_transfer_list_request(req, &lr)) != 0)
		return r;
	if ((l.items = calloc(l.max, sizeof(*l.items))) == NULL ||
	    (l.infos = calloc(l.max, sizeof(*l.infos))) == NULL) {
		r = CS_ERR_ALLOC;
		goto out;
	}
	/* wire_transfer.c: "after" is 0..INT64_MAX */
	if ((r = store_transfer_list(rq->w->st, &rq->dev->user, lr.after, l.max,
	    transfer_list_cb, &l, &more)) != 0 ||
	    (r = transfer_list_fill(rq->w->st, &l)) != 0) {
		r = r == CS_ERR_ALLOC ? r : transfer_refuse(rq, WCTX_ANY, r,
		    "transfer list", NULL);
		goto out;
	}
	tl.transfers = l.infos;
	tl.n_transfers = l.n;
	tl.more = more;
	o = msg_out_transfer_list(&tl);
	r = msg_encode(rq->id, &o, rq->max_frame, rq->out);
 out:
	free(l.items);
	free(l.infos);
	free(l.prev);
	return r;
}

int
transfer_team_assign(struct request *rq, const struct msg *req)
{
	struct msg_team_assign	 m;
	struct transfer_tx	 x;
	struct msg_out		 o;
	const char		*why = NULL;
	uint64_t		 ack;
	int64_t			 seq;
	int			 r;

	if ((r = msg_get_team_assign(req, &m)) != 0)
		return r;
	transfer_entry(&x.e, rq, "team_assign", AUDIT_UPDATE, 0,
	    m.case_id, "user", m.regisseur, "lead", NULL, "regisseur");
	x.open_case = NULL;
	x.glass = NULL;
	transfer_tx_arm(rq->w, &x);
	r = store_team_assign(rq->w->st, &rq->dev->user, m.case_id, m.regisseur,
	    &seq, &why);
	transfer_tx_done(rq->w, r);
	if (r != 0)
		transfer_audit(rq, "team_assign", AUDIT_UPDATE, r,
		    m.case_id, "user", m.regisseur, "lead", NULL, "regisseur");
	if (r != 0) {
		log_info("case %s: team assign by user %lld refused: %s",
		    m.case_id, (long long)rq->dev->user.id, cs_err(r));
		return transfer_refuse(rq, WCTX_ANY, r, "team assign",
		    why);
	}
	log_info("case %s: new regisseur (by user %lld)", m.case_id,
	    (long long)rq->dev->user.id);
	server_note_seq(rq->w->srv, seq);
	ack = (uint64_t)seq;
	o = msg_out_case_ack(&ack);
	return msg_encode(rq->id, &o, rq->max_frame, rq->out);
}

int
transfer_glass(struct request *rq, const struct msg *req)
{
	struct msg_glass_request	 m;
	struct msg_glass_grant		 gg;
	struct transfer_tx		 x;
	struct store_glass		 g;
	struct msg_out			 o;
	const char			*why = NULL;
	int64_t				 seq, now;
	int				 r;

	if ((r = msg_get_glass_request(req, &m)) != 0)
		return r;
	now = time_now();
	/*
	 * The reason is the basis of the access: kept for the review.  The
	 * entry goes in the grant's transaction; whether it renews an
	 * access (glass_renew) the hook reads from "g", filled by then.
	 */
	transfer_entry(&x.e, rq, "break_glass", AUDIT_READ, 0, m.case_id,
	    "case", m.case_id, "break the glass", m.reason, NULL);
	x.open_case = NULL;
	x.glass = &g;
	transfer_tx_arm(rq->w, &x);
	r = store_glass(rq->w->st, &rq->dev->user, m.case_id, m.reason, now,
	    rq->w->srv->cfg.glass_duration,
	    rq->w->srv->cfg.glass_limit_per_day, &g, &seq, &why);
	transfer_tx_done(rq->w, r);
	/* a use over the daily limit has its own type */
	if (r != 0)
		transfer_audit(rq, r == CS_ERR_RATE ? "glass_limit" :
		    "break_glass", AUDIT_READ, r, m.case_id, "case",
		    m.case_id, "break the glass", m.reason, NULL);
	if (r != 0) {
		log_info("case %s: break the glass by user %lld refused: %s",
		    m.case_id, (long long)rq->dev->user.id, cs_err(r));
		return transfer_refuse(rq, WCTX_GLASS, r, "break the glass",
		    why);
	}
	log_warnx("case %s: BREAK THE GLASS by user %lld until %lld",
	    m.case_id, (long long)rq->dev->user.id, (long long)g.expires_at);
	server_note_seq(rq->w->srv, seq);
	gg.case_id = g.case_id;
	gg.expires_at = g.expires_at;
	gg.seq = (uint64_t)seq;
	o = msg_out_glass_grant(&gg);
	return msg_encode(rq->id, &o, rq->max_frame, rq->out);
}

int
transfer_audit_end(struct store *st, const struct store_access_end *end)
{
	struct audit_entry	e;
	char			id[24];
	int			r;

	audit_entry_init(&e, "access_end", AUDIT_DELETE, 1);
	e.user_id = end->user_id;
	audit_set(e.user, end->user);
	audit_set(e.role, end->role);
	audit_set(e.office, end->office);
	audit_set(e.client_ref, end->case_id);
	audit_set(e.object_type, "case");
	audit_set(e.object_id, end->case_id);
	audit_set(e.basis, end->transfer_id != 0 ? "handover window ended" :
	    "glass access ended");
	(void)str_fmt(id, sizeof(id), "%lld", (long long)(end->transfer_id !=
	    0 ? end->transfer_id : end->glass_id));
	(void)str_fmt(e.detail, sizeof(e.detail), "%s=%s purges=%lld",
	    end->transfer_id != 0 ? "transfer" : "glass", id,
	    (long long)end->devices);
	if ((r = store_audit_append_in(st, &e, 1)) != 0)
		log_warnx("audit: access_end entry NOT recorded: %s; the "
		    "access is not ended", cs_err(r));
	return r;
}

static int
transfer_end_cb(const struct store_access_end *end, void *arg)
{
	struct worker	*w = arg;

	log_info("case %s: access of user %lld ends (%s)", end->case_id,
	    (long long)end->user_id, end->transfer_id != 0 ?
	    "handover window" : "glass");
	return transfer_audit_end(w->st, end);
}

int
transfer_tick(struct worker *w)
{
	int64_t	seq;
	int	r, made;

	if ((r = store_transfer_tick(w->st, time_now(), transfer_end_cb, w,
	    &seq)) != 0) {
		log_warnx("transfer: ending expired access failed: %s; the "
		    "request is refused", cs_err(r));
		return r;
	}
	if (seq != 0) {
		log_info("transfer: expired access ended (seq %lld)",
		    (long long)seq);
		server_note_seq(w->srv, seq);
		keys_audit_dropped(w);
		/* a signed checkpoint over the ends, as before */
		if (w->srv->audit_key != NULL && (r = audit_checkpoint(w->st,
		    w->srv->audit_key, time_now(), 0, &made)) != 0)
			log_warnx("audit: checkpoint after access_end NOT "
			    "signed: %s", cs_err(r));
	}
	return 0;
}
