/* SPDX-License-Identifier: ISC */
/*
 * measures.c - ChildMeasure: start, extend or end a court measure of
 * one child of a case (DESIGN §2; docs/PROTOCOL.md, "Measures per
 * child").  Converts the validated message (msg_measure.h) into a
 * measure.h request; the rules live in measure.c, the roles, the child
 * check and the transaction in store_measures.c.  The reply is the
 * case's CaseInfo after the change, with its measures.
 *
 * Every request, done or refused, is audited (type child_measure):
 * the case and the child as pseudonymous ids, the type, the dates and
 * the action, "backdated" for a start before the case's registration;
 * never a name, never the court or zaaknummer (they are sealed in the
 * measure record).
 */
#include <stdlib.h>
#include <string.h>

#include "acl.h"
#include "audit.h"
#include "cases.h"
#include "errmap.h"
#include "errors.h"
#include "lifecycle.h"
#include "log.h"
#include "measure.h"
#include "measures.h"
#include "msg.h"
#include "msg_measure.h"
#include "request.h"
#include "server.h"
#include "store.h"
#include "store_audit.h"
#include "store_cases.h"
#include "store_measures.h"
#include "util.h"

/* "" is no date; wire.c checked the rest. */
static int
measures_date(const char *s, int64_t *d)
{
	*d = LC_NODATE;
	return s[0] == '\0' ? 0 : lc_date_parse(s, d);
}

static void
measures_entry(struct audit_entry *e, const struct request *rq,
    const struct msg_child_measure *cm, const struct ms_request *q, int ok)
{
	audit_entry_init(e, "child_measure", q->action == MS_START ?
	    AUDIT_CREATE : AUDIT_UPDATE, ok);
	audit_entry_device(e, rq->dev, rq->peer);
	audit_set(e->client_ref, cm->case_id);
	audit_set(e->object_type, "child");
	audit_set(e->object_id, cm->child_id);
	audit_set(e->basis, acl_may_lead(rq->dev->user.role_id) ? "lead" :
	    "regisseur");
}

/* A refusal: its entry in a transaction of its own. */
static void
measures_audit_refused(const struct request *rq,
    const struct msg_child_measure *cm, const struct ms_request *q,
    int backdated, int r)
{
	struct audit_entry	e;
	char			detail[2 * AUDIT_STR_MAX];
	int			ar;

	measures_entry(&e, rq, cm, q, 0);
	store_measure_detail(detail, sizeof(detail), q, NULL, backdated, r);
	audit_set(e.detail, detail);
	if ((ar = store_audit_append(rq->w->st, &e, 1)) != 0)
		log_warnx("audit: child_measure entry NOT recorded: %s",
		    cs_err(ar));
}

int
measures_change(struct request *rq, const struct msg *req)
{
	struct msg_child_measure	 cm;
	struct store_measure_result	 res;
	struct store_case_meta		*m = NULL;
	struct audit_entry		 e;
	struct ms_request		 q;
	const char			*why = NULL;
	char				 what[64];
	int64_t				 today;
	int				 r, cr, made;

	if ((r = msg_get_child_measure(req, &cm)) != 0)
		return r;
	memset(&q, 0, sizeof(q));
	memset(&res, 0, sizeof(res));
	today = lc_date_from_time(time_now());
	q.child_id = cm.child_id;
	q.measure_id = cm.measure_id;
	q.type = MS_NTYPES;
	/* wire_measure.c checked the names and dates; parse them for real */
	if (ms_action_parse(cm.action, &q.action) != 0 ||
	    (cm.type[0] != '\0' && ms_type_parse(cm.type, &q.type) != 0) ||
	    measures_date(cm.decision_date, &q.decision) != 0 ||
	    measures_date(cm.start_date, &q.start) != 0 ||
	    measures_date(cm.end_date, &q.end) != 0 ||
	    measures_date(cm.birth_date, &q.birth) != 0)
		return request_refuse(rq, WCTX_CASE, CS_ERR_FORMAT, "measure",
		    "a date is written YYYY-MM-DD");
	(void)str_fmt(what, sizeof(what), "measure %s", cm.action);
	if ((m = malloc(sizeof(*m))) == NULL)
		return CS_ERR_ALLOC;
	measures_entry(&e, rq, &cm, &q, 1);
	r = store_measure_change(rq->w->st, rq->dev, cm.case_id, &q,
	    cm.record_id, today, time_now(), &e, m, &res, &why);
	if (r != 0) {
		measures_audit_refused(rq, &cm, &q, res.backdated, r);
		log_info("case %s: %s by user %lld refused: %s", cm.case_id,
		    what, (long long)rq->dev->user.id, cs_err(r));
		free(m);
		if (r == CS_ERR_ALLOC)
			return r;
		return request_refuse(rq, WCTX_CASE, r, what,
		    why != NULL ? why : r == CS_ERR_NOT_FOUND ?
		    "no such case" : NULL);
	}
	/* a decision taken: a signed checkpoint over its entry */
	if (rq->w->srv->audit_key != NULL && (cr = audit_checkpoint(rq->w->st,
	    rq->w->srv->audit_key, time_now(), 0, &made)) != 0)
		log_warnx("audit: checkpoint after a measure NOT signed: %s",
		    cs_err(cr));
	log_info("case %s: %s %s measure %llu (by user %lld)%s; case %s",
	    cm.case_id, what, ms_type_name(res.measure.type),
	    (unsigned long long)res.measure.id, (long long)rq->dev->user.id,
	    res.backdated ? " backdated" : "", lc_state_name(m->lc.state));
	r = cases_send_info(rq, m, today);
	free(m);
	return r;
}
