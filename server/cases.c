/* SPDX-License-Identifier: ISC */
/*
 * cases.c - CaseState, CaseInfoRequest and CaseListRequest (see
 * cases.h).  Converts between validated messages (msg_case.h) and
 * lifecycle.h; the rules live in lifecycle.c, the roles and the
 * transaction in store_cases.c.
 *
 * The reason of a drang extension is checked for presence and form but
 * neither stored nor logged: it may describe the family.
 */
#include <stdlib.h>
#include <string.h>

#include "acl.h"
#include "audit.h"
#include "buf.h"
#include "cases.h"
#include "errmap.h"
#include "errors.h"
#include "lifecycle.h"
#include "log.h"
#include "measure.h"
#include "request.h"
#include "retention.h"
#include "server.h"
#include "store.h"
#include "store_audit.h"
#include "store_cases.h"
#include "util.h"
#include "validate.h"
#include "msg.h"
#include "msg_case.h"

struct cases_list {
	struct cases_reply	*items;		/* the strings */
	struct msg_case_info	*infos;		/* what is sent */
	size_t			 n, max;
	int64_t			 today;
};

/* A date for the wire: "" for none. */
static void
cases_date(int64_t d, char *dst, size_t dstlen)
{
	if (d == LC_NODATE)
		dst[0] = '\0';
	else
		lc_date_format(d, dst, dstlen);
}

/* The measures of "m" and their deadlines into "c" (on "today"). */
static void
cases_info_measures(struct cases_reply *c, const struct store_case_meta *m,
    int64_t today)
{
	struct ms_deadline		 dl[MS_DEADLINES_MAX];
	const struct ms_measure		*x;
	struct cases_reply_measure	*t;
	size_t				 i, n, k = c->info.n_deadlines;

	for (i = 0; i < m->n_measures && i < MSG_MEASURES_MAX; i++) {
		x = &m->measures[i];
		t = &c->mstr[i];
		memcpy(t->child_id, x->child_id, sizeof(t->child_id));
		memcpy(t->record_id, m->measure_records[i],
		    sizeof(t->record_id));
		cases_date(x->decision, t->decision, sizeof(t->decision));
		cases_date(x->start, t->start, sizeof(t->start));
		cases_date(x->end, t->end, sizeof(t->end));
		cases_date(x->ended_on, t->ended_on, sizeof(t->ended_on));
		c->ms[i].measure_id = x->id;
		c->ms[i].child_id = t->child_id;
		c->ms[i].type = ms_type_name(x->type);
		c->ms[i].decision_date = t->decision;
		c->ms[i].start_date = t->start;
		c->ms[i].end_date = t->end;
		c->ms[i].status = ms_status_name(ms_status(m->measures,
		    m->n_measures, i, today));
		c->ms[i].extensions = x->extensions;
		c->ms[i].record_id = t->record_id;
		c->ms[i].ended_on = t->ended_on;
	}
	c->info.n_measures = i;
	c->info.measures = c->ms;
	ms_deadlines(m->measures, m->n_measures, today, dl, MS_DEADLINES_MAX,
	    &n);
	for (i = 0; i < n && k < MSG_DEADLINES_MAX; i++, k++) {
		lc_date_format(dl[i].due, c->due[k], sizeof(c->due[k]));
		c->dl[k].kind = ms_deadline_name(dl[i].kind);
		c->dl[k].due = c->due[k];
		c->dl[k].days_left = (int32_t)dl[i].days_left;
		c->dl[k].child_id = c->mstr[dl[i].measure].child_id;
	}
	c->info.n_deadlines = k;
}

void
cases_info_fill(struct cases_reply *c, const struct store_case_meta *m,
    int64_t today)
{
	struct lc_deadline	 dl[LC_DEADLINES_MAX];
	size_t			 i, n = 0;

	memset(c, 0, sizeof(*c));
	memcpy(c->case_id, m->case_id, sizeof(c->case_id));
	memcpy(c->approved_by, m->approved_by, sizeof(c->approved_by));
	memcpy(c->regisseur, m->regisseur, sizeof(c->regisseur));
	memcpy(c->close_reason, m->close_reason, sizeof(c->close_reason));
	cases_date(m->lc.state_since, c->since, sizeof(c->since));
	cases_date(m->lc.drang_start, c->drang, sizeof(c->drang));
	cases_date(m->lc.measure_start, c->measure, sizeof(c->measure));
	cases_date(m->lc.end_date, c->end, sizeof(c->end));
	cases_date(m->closed_on, c->closed, sizeof(c->closed));
	cases_date(m->retention_until, c->retain, sizeof(c->retain));
	c->info.case_id = c->case_id;
	c->info.frame = lc_frame_name(m->lc.frame);
	c->info.state = lc_state_name(m->lc.state);
	c->info.state_since = c->since;
	c->info.drang_start = c->drang;
	c->info.measure_start = c->measure;
	c->info.end_date = c->end;
	c->info.extended = m->lc.extended != 0;
	c->info.approved_by = c->approved_by;
	c->info.regisseur = c->regisseur;
	c->info.close_reason = c->close_reason;
	c->info.closed_on = c->closed;
	c->info.retention_until = c->retain;
	/*
	 * The family's deadlines (drang); a measure's are its child's,
	 * not the family's, once the children have measures.
	 */
	if (m->n_measures == 0 || !lc_is_measure_state(m->lc.state))
		lc_deadlines(&m->lc, today, dl, LC_DEADLINES_MAX, &n);
	for (i = 0; i < n; i++) {
		lc_date_format(dl[i].due, c->due[i], sizeof(c->due[i]));
		c->dl[i].kind = lc_deadline_name(dl[i].kind);
		c->dl[i].due = c->due[i];
		c->dl[i].days_left = (int32_t)dl[i].days_left;
		c->dl[i].child_id = "";
	}
	c->info.n_deadlines = n;
	c->info.deadlines = c->dl;
	cases_info_measures(c, m, today);
}

int
cases_send_info(struct request *rq, const struct store_case_meta *m,
    int64_t today)
{
	struct cases_reply	*c;
	struct msg_out		 o;
	int			 r;

	/* about 20 KiB with 64 measures: not on a worker's stack */
	if ((c = malloc(sizeof(*c))) == NULL)
		return CS_ERR_ALLOC;
	cases_info_fill(c, m, today);
	o = msg_out_case_info(&c->info);
	r = msg_encode(rq->id, &o, rq->max_frame, rq->out);
	free(c);
	return r;
}

/*
 * NEN 7513: every state change asked for, done or refused, goes into the
 * audit log (who, from which device, the case as a pseudonymous id, the
 * target state, end date and approver; never the reason).
 */
static void
cases_entry(struct audit_entry *e, const struct request *rq,
    const struct msg_case_state *cs, const struct lc_change *q, int r,
    int lead)
{
	char			end[LC_DATE_LEN + 1];
	char			detail[2 * AUDIT_STR_MAX + 128];

	audit_entry_init(e, "case_state", AUDIT_UPDATE, r == 0);
	audit_entry_device(e, rq->dev, rq->peer);
	audit_set(e->client_ref, cs->case_id);
	audit_set(e->object_type, "case");
	audit_set(e->object_id, cs->case_id);
	audit_set(e->basis, lead ? "lead" : "regisseur");
	cases_date(q->end, end, sizeof(end));
	/* a long approver name is cut UTF-8-safely by audit_set() */
	(void)str_fmt(detail, sizeof(detail), "to=%s%s%s%s%s%s%s",
	    lc_state_name(q->to), end[0] != '\0' ? " end=" : "", end,
	    cs->approved_by[0] != '\0' ? " approved_by=" : "",
	    cs->approved_by, r != 0 ? " refused: " : "",
	    r != 0 ? cs_err(r) : "");
	audit_set(e->detail, detail);
}

/* A state change done: its entry in the change's transaction. */
static int
cases_audit_in_tx(struct store *st, struct audit_entry *e)
{
	int	r;

	if ((r = store_audit_append_in(st, e, 1)) != 0)
		log_warnx("audit: case_state entry NOT recorded: %s; the "
		    "state is not changed", cs_err(r));
	return r;
}

/* A state change refused: its entry in a transaction of its own. */
static void
cases_audit(const struct request *rq, const struct msg_case_state *cs,
    const struct lc_change *q, int r, int lead)
{
	struct audit_entry	e;
	int			ar;

	cases_entry(&e, rq, cs, q, r, lead);
	if ((ar = store_audit_append(rq->w->st, &e, 1)) != 0)
		log_warnx("audit: case_state entry NOT recorded: %s",
		    cs_err(ar));
}

int
cases_state(struct request *rq, const struct msg *req)
{
	struct msg_case_state	 cs;
	struct store_case_meta	 m;
	struct audit_entry	 e;
	struct lc_change	 q;
	const char		*why = NULL;
	char			 what[96];
	int64_t			 today;
	int			 r, lead;

	if ((r = msg_get_case_state(req, &cs)) != 0)
		return r;
	memset(&q, 0, sizeof(q));
	today = lc_date_from_time(time_now());
	/* wire.c checked the names and dates; parse them for real */
	if (lc_state_parse(cs.to_state, &q.to) != 0)
		return request_refuse(rq, WCTX_CASE, CS_ERR_FORMAT,
		    "case state", "unknown state");
	(void)str_fmt(what, sizeof(what), "to %s", lc_state_name(q.to));
	q.effective = q.end = LC_NODATE;
	if ((cs.effective_date[0] != '\0' &&
	    lc_date_parse(cs.effective_date, &q.effective) != 0) ||
	    (cs.end_date[0] != '\0' &&
	    lc_date_parse(cs.end_date, &q.end) != 0))
		return request_refuse(rq, WCTX_CASE, CS_ERR_FORMAT,
		    what, "a date is written YYYY-MM-DD");
	if (cs.reason[0] != '\0') {
		if (validate_name(cs.reason, LC_REASON_MAX, &why) != 0)
			return request_refuse(rq, WCTX_CASE, CS_ERR_FORMAT,
			    what, "the reason must be printable text");
		q.has_reason = 1;
	}
	lead = acl_may_lead(rq->dev->user.role_id);
	cases_entry(&e, rq, &cs, &q, 0, lead);
	/* the change and its entry: one transaction, owned here */
	(void)store_tx_begin(rq->w->st);
	r = store_case_change(rq->w->st, &rq->dev->user, cs.case_id, &q,
	    cs.approved_by, today, &m, &why);
	/* NAZORG, GESLOTEN: their records first (sealed; kinds seen) */
	if (r == 0)
		r = retention_needs_record(rq->w->st, cs.case_id, q.to, &why);
	/* GESLOTEN: the day it closed and its retention date, with it */
	if (r == 0)
		r = retention_on_close(rq->w->st, &rq->w->srv->cfg, &m, today);
	if (r == 0)
		r = cases_audit_in_tx(rq->w->st, &e);
	r = store_tx_end(rq->w->st, r);
	if (r != 0)
		cases_audit(rq, &cs, &q, r, lead);
	if (r != 0) {
		log_info("case %s: %s by user %lld refused: %s", cs.case_id,
		    what, (long long)rq->dev->user.id, cs_err(r));
		return request_refuse(rq, WCTX_CASE, r, what, why);
	}
	log_info("case %s: now %s (by user %lld)", cs.case_id,
	    lc_state_name(m.lc.state), (long long)rq->dev->user.id);
	return cases_send_info(rq, &m, today);
}

static int
cases_list_cb(const struct store_case_meta *m, void *arg)
{
	struct cases_list	*l = arg;

	if (l->n == l->max)
		return CS_ERR_INTERNAL;
	cases_info_fill(&l->items[l->n], m, l->today);
	l->infos[l->n] = l->items[l->n].info;
	l->n++;
	return 0;
}

int
cases_list(struct request *rq, const struct msg *req)
{
	struct msg_case_list_request	 lr;
	struct msg_case_list		 cl;
	struct cases_list		 l;
	struct msg_out			 o;
	int				 r, more = 0;

	if ((r = msg_get_case_list_request(req, &lr)) != 0)
		return r;
	memset(&l, 0, sizeof(l));
	l.max = MSG_CASES_MAX;
	l.today = lc_date_from_time(time_now());
	if ((l.items = calloc(l.max, sizeof(*l.items))) == NULL ||
	    (l.infos = calloc(l.max, sizeof(*l.infos))) == NULL) {
		r = CS_ERR_ALLOC;
		goto out;
	}
	if ((r = store_case_list(rq->w->st, &rq->dev->user, lr.after, l.max,
	    cases_list_cb, &l, &more)) != 0) {
		r = r == CS_ERR_ALLOC ? r : request_refuse(rq, WCTX_CASE, r,
		    "case list", NULL);
		goto out;
	}
	cl.cases = l.infos;
	cl.n_cases = l.n;
	cl.more = more && l.n > 0;
	o = msg_out_case_list(&cl);
	r = msg_encode(rq->id, &o, rq->max_frame, rq->out);
 out:
	free(l.items);
	free(l.infos);
	return r;
}

int
cases_info(struct request *rq, const struct msg *req)
{
	struct msg_case_info_request	ir;
	struct store_case_meta		m;
	int				r;

	if ((r = msg_get_case_info_request(req, &ir)) != 0)
		return r;
	if ((r = store_case_meta_get(rq->w->st, &rq->dev->user,
	    ir.case_id, &m)) != 0)
		return request_refuse(rq, WCTX_CASE, r, "case info",
		    r == CS_ERR_NOT_FOUND ? "no such case" :
		    r == CS_ERR_AUTH ? "not a member of the case" : NULL);
	return cases_send_info(rq, &m, lc_date_from_time(time_now()));
}
