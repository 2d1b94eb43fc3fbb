/* SPDX-License-Identifier: ISC */
/*
 * approvals.c - ApprovalRequest, ApprovalDecision, ApprovalListRequest
 * (see approvals.h).  Converts between validated messages
 * (msg_approval.h) and store_approvals.h, and writes the audit entries.
 *
 * NEN 7513: every request and every decision, done or refused, goes
 * into the audit log with both users: the entry's user is the one who
 * acts (from her device), its detail names the requester (and her
 * device) of a decision and the role that decides a request.  Never a
 * reason: the reasons are sealed records of the dossier, named by id.
 */
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "approvals.h"
#include "errmap.h"
#include "errors.h"
#include "lifecycle.h"
#include "log.h"
#include "msg.h"
#include "msg_approval.h"
#include "request.h"
#include "server.h"
#include "store.h"
#include "store_approvals.h"
#include "store_audit.h"
#include "util.h"

/* One approval as sent: the info points into "a" and "end". */
struct approvals_reply {
	struct msg_approval_info info;
	char			 end[LC_DATE_LEN + 1];
};

static void
approvals_fill(struct approvals_reply *r, const struct store_approval *a)
{
	memset(r, 0, sizeof(*r));
	if (a->end_date != LC_NODATE)
		lc_date_format(a->end_date, r->end, sizeof(r->end));
	r->info.approval_id = a->id;
	r->info.case_id = a->case_id;
	r->info.kind = a->kind;
	r->info.state = a->state;
	r->info.requested_by = a->requested_by;
	r->info.requested_device = a->requested_device;
	r->info.requested_at = a->requested_at;
	r->info.decided_by = a->decided_by;
	r->info.decided_device = a->decided_device;
	r->info.decided_at = a->decided_at;
	r->info.record_id = a->record_id;
	r->info.decision_record_id = a->decision_record_id;
	r->info.end_date = r->end;
	r->info.close_reason = a->close_reason;
	r->info.required_role = store_approval_role(a->kind);
}

static int
approvals_reply(struct request *rq, const struct store_approval *a)
{
	struct approvals_reply	r;
	struct msg_out		o;

	approvals_fill(&r, a);
	o = msg_out_approval_info(&r.info);
	return msg_encode(rq->id, &o, rq->max_frame, rq->out);
}

static void
approvals_entry(struct audit_entry *e, const struct request *rq,
    const char *type, const char *case_id, int64_t id, const char *detail,
    int r)
{
	char	num[24], d[2 * AUDIT_STR_MAX];

	audit_entry_init(e, type, AUDIT_UPDATE, r == 0);
	audit_entry_device(e, rq->dev, rq->peer);
	audit_set(e->client_ref, case_id);
	audit_set(e->object_type, "approval");
	if (id > 0) {
		(void)str_fmt(num, sizeof(num), "%lld", (long long)id);
		audit_set(e->object_id, num);
	}
	(void)str_fmt(d, sizeof(d), "%s%s%s", detail, r != 0 ?
	    " refused: " : "", r != 0 ? cs_err(r) : "");
	audit_set(e->detail, d);
}

/* Append "e": in the open transaction (in_tx) or in one of its own. */
static int
approvals_audit(struct request *rq, struct audit_entry *e, int in_tx)
{
	int	r;

	r = in_tx ? store_audit_append_in(rq->w->st, e, 1) :
	    store_audit_append(rq->w->st, e, 1);
	if (r != 0)
		log_warnx("audit: %s entry NOT recorded: %s%s", e->type,
		    cs_err(r), in_tx ? "; nothing is changed" : "");
	return r;
}

int
approvals_request(struct request *rq, const struct msg *req)
{
	struct msg_approval_request	 m;
	struct store_approval_ask	 in;
	struct store_approval		 a;
	struct audit_entry		 e;
	const char			*why = NULL;
	char				 detail[160];
	int				 r;

	if ((r = msg_get_approval_request(req, &m)) != 0)
		return r;
	memset(&in, 0, sizeof(in));
	in.case_id = m.case_id;
	in.kind = m.kind;
	in.record_id = m.record_id;
	in.close_reason = m.close_reason;
	in.end_date = LC_NODATE;
	/* wire_approval.c checked the date for a drang extension */
	if (m.end_date[0] != '\0' && lc_date_parse(m.end_date,
	    &in.end_date) != 0)
		return request_refuse(rq, WCTX_APPROVAL, CS_ERR_FORMAT,
		    "approval request", "a date is written YYYY-MM-DD");
	(void)str_fmt(detail, sizeof(detail), "kind=%s%s%s%s%s decided_by=%s",
	    m.kind, m.end_date[0] != '\0' ? " end=" : "", m.end_date,
	    m.close_reason[0] != '\0' ? " close_reason=" : "", m.close_reason,
	    store_approval_role(m.kind));
	(void)store_tx_begin(rq->w->st);
	r = store_approval_request(rq->w->st, rq->dev, &in, time_now(),
	    lc_date_from_time(time_now()), &a, &why);
	if (r == 0) {
		approvals_entry(&e, rq, "approval_request", m.case_id, a.id,
		    detail, 0);
		r = approvals_audit(rq, &e, 1);
	}
	r = store_tx_end(rq->w->st, r);
	if (r != 0) {
		approvals_entry(&e, rq, "approval_request", m.case_id, 0,
		    detail, r);
		(void)approvals_audit(rq, &e, 0);
		log_info("case %s: approval request %s by user %lld refused: "
		    "%s", m.case_id, m.kind, (long long)rq->dev->user.id,
		    cs_err(r));
		/* a request is refused for the case's sake, never "decided" */
		return request_refuse(rq, WCTX_CASE, r, "approval request",
		    why);
	}
	log_info("case %s: approval %lld (%s) asked by user %lld", a.case_id,
	    (long long)a.id, a.kind, (long long)rq->dev->user.id);
	return approvals_reply(rq, &a);
}

int
approvals_decision(struct request *rq, const struct msg *req)
{
	struct msg_approval_decision	 m;
	struct store_approval		 a, before;
	struct audit_entry		 e;
	const char			*why = NULL;
	char				 detail[2 * AUDIT_STR_MAX];
	int				 r, case_refused = 0;

	if ((r = msg_get_approval_decision(req, &m)) != 0)
		return r;
	if (store_approval_get(rq->w->st, m.approval_id, &before) != 0)
		memset(&before, 0, sizeof(before));
	/* both users: the approver is the entry's user, here the asker */
	(void)str_fmt(detail, sizeof(detail), "kind=%s decision=%s"
	    " requested_by=%s requested_device=%s", before.kind[0] != '\0' ?
	    before.kind : "-", m.approve ? "approve" : "refuse",
	    before.requested_by[0] != '\0' ? before.requested_by : "-",
	    before.requested_device[0] != '\0' ? before.requested_device :
	    "-");
	(void)store_tx_begin(rq->w->st);
	r = store_approval_decide(rq->w->st, rq->dev, m.approval_id,
	    m.approve, m.record_id, time_now(),
	    lc_date_from_time(time_now()), &a, &case_refused, &why);
	if (r == 0) {
		approvals_entry(&e, rq, "approval_decision", a.case_id,
		    m.approval_id, detail, 0);
		r = approvals_audit(rq, &e, 1);
	}
	r = store_tx_end(rq->w->st, r);
	if (r != 0) {
		approvals_entry(&e, rq, "approval_decision", before.case_id,
		    m.approval_id, detail, r);
		(void)approvals_audit(rq, &e, 0);
		log_info("approval %lld: decision by user %lld refused: %s",
		    (long long)m.approval_id, (long long)rq->dev->user.id,
		    cs_err(r));
		return request_refuse(rq, case_refused ? WCTX_CASE :
		    WCTX_APPROVAL, r, m.approve ? "approve" : "refuse", why);
	}
	log_info("approval %lld of case %s: %s by user %lld",
	    (long long)a.id, a.case_id, a.state, (long long)rq->dev->user.id);
	return approvals_reply(rq, &a);
}

struct approvals_list {
	struct store_approval	*rows;
	struct approvals_reply	*items;
	struct msg_approval_info *infos;
	size_t			 n, max;
};

static int
approvals_list_cb(const struct store_approval *a, void *arg)
{
	struct approvals_list	*l = arg;

	if (l->n == l->max)
		return CS_ERR_INTERNAL;
	l->rows[l->n] = *a;
	approvals_fill(&l->items[l->n], &l->rows[l->n]);
	l->infos[l->n] = l->items[l->n].info;
	l->n++;
	return 0;
}

int
approvals_list(struct request *rq, const struct msg *req)
{
	struct msg_approval_list_request lr;
	struct msg_approval_list	 al;
	struct approvals_list		 l;
	struct msg_out			 o;
	int				 r, more = 0;

	if ((r = msg_get_approval_list_request(req, &lr)) != 0)
		return r;
	memset(&l, 0, sizeof(l));
	l.max = MSG_APPROVALS_MAX;
	if ((l.rows = calloc(l.max, sizeof(*l.rows))) == NULL ||
	    (l.items = calloc(l.max, sizeof(*l.items))) == NULL ||
	    (l.infos = calloc(l.max, sizeof(*l.infos))) == NULL) {
		r = CS_ERR_ALLOC;
		goto out;
	}
	if ((r = store_approval_list(rq->w->st, &rq->dev->user, lr.case_id,
	    lr.waiting_for_me, l.max, approvals_list_cb, &l, &more)) != 0) {
		r = r == CS_ERR_ALLOC ? r : request_refuse(rq, WCTX_APPROVAL,
		    r, "approval list", NULL);
		goto out;
	}
	al.approvals = l.infos;
	al.n_approvals = l.n;
	al.more = more;
	o = msg_out_approval_list(&al);
	r = msg_encode(rq->id, &o, rq->max_frame, rq->out);
 out:
	free(l.rows);
	free(l.items);
	free(l.infos);
	return r;
}
