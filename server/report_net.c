/* SPDX-License-Identifier: ISC */
/*
 * report_net.c - ReportRequest: the management figures for a team
 * lead (see report_net.h).
 *
 * Who may ask what: a user whose role leads (acl_may_lead: teamleider)
 * gets the figures of her own office, the one office she leads (users
 * have one office); ReportRequest.office "" means that office, and any
 * other name, of an office that exists or not, is FORBIDDEN with the
 * same words, so that the answer tells nothing about other offices.
 * Everyone else is FORBIDDEN.  The figures are store_report_make()'s,
 * the ones `casesyncctl report --office` prints: server metadata
 * only, no case content.
 *
 * Every request is a "report_read" entry (docs/AUDIT.md): who, which
 * office, from which day, answered (how many groups) or refused (why).
 * An answer waits for its entry's commit (audit_defer, fail closed).
 */
#include <stdlib.h>
#include <string.h>

#include "acl.h"
#include "audit.h"
#include "audit_enc.h"
#include "errors.h"
#include "figures.h"
#include "lifecycle.h"
#include "msg.h"
#include "msg_report.h"
#include "report_net.h"
#include "request.h"
#include "server.h"
#include "store.h"
#include "store_report.h"
#include "util.h"

/* The request's entry: who, which office, since when, the outcome. */
static void
report_audit(struct request *rq, const char *office, const char *since,
    int ok, const char *why, size_t ngroups)
{
	struct audit_entry	e;
	char			d[4 * AUDIT_STR_MAX];

	audit_entry_init(&e, "report_read", AUDIT_READ, ok);
	audit_entry_device(&e, rq->dev, rq->peer);
	audit_set(e.object_type, "report");
	audit_set(e.object_id, office);
	audit_set(e.basis, ok ? "lead" : rq->dev->user.role);
	audit_set(e.purpose, "management figures");
	if (ok)
		(void)str_fmt(d, sizeof(d), "since=%s groups=%zu",
		    since[0] != '\0' ? since : "all", ngroups);
	else
		(void)str_fmt(d, sizeof(d), "%s since=%s", why,
		    since[0] != '\0' ? since : "all");
	audit_set(e.detail, d);	/* truncated to the field, UTF-8 safe */
	audit_defer(rq, &e, 1, ok);
}

/* The store's report as a ReportReply, encoded into rq->out. */
static int
report_reply(struct request *rq, const struct store_report *rep)
{
	struct figures		 fig;
	struct figures_group	*g;
	struct figures_month	*m;
	struct msg_out		 o;
	int			 r;

	if ((r = store_report_figures(rep, &fig, &g, &m)) == 0) {
		o = msg_out_report_reply(&fig);
		r = msg_encode(rq->id, &o, rq->max_frame, rq->out);
	}
	free(g);
	free(m);
	return r;
}

int
report_request(struct request *rq, const struct msg *req)
{
	const struct store_user		*u = &rq->dev->user;
	struct msg_report_request	 q;
	struct store_report		 rep;
	int64_t				 since = LC_NODATE;
	int				 r;

	memset(&rep, 0, sizeof(rep));
	if ((r = msg_get_report_request(req, &q)) != 0)
		return r;
	if (!acl_may_lead(u->role_id)) {
		report_audit(rq, q.office[0] != '\0' ? q.office : u->office,
		    q.since, 0, "not a team lead", 0);
		return wire_error(rq->out, rq->id, WERR_FORBIDDEN, "report: "
		    "only a teamleider may ask for the figures", 0);
	}
	if (q.office[0] != '\0' && strcmp(q.office, u->office) != 0) {
		report_audit(rq, q.office, q.since, 0,
		    "not an office the user leads", 0);
		return wire_error(rq->out, rq->id, WERR_FORBIDDEN, "report: "
		    "not an office you lead", 0);
	}
	/* wire_report.c let only a real date (or "") through */
	if (q.since[0] != '\0' && lc_date_parse(q.since, &since) != 0)
		return CS_ERR_PROTOCOL;
	if ((r = store_report_make(rq->w->st, u->office, since,
	    lc_date_from_time(time_now()), &rep)) == 0)
		r = report_reply(rq, &rep);
	if (r == 0)
		report_audit(rq, u->office, q.since, 1, NULL, rep.ngroups);
	else if (r != CS_ERR_ALLOC) {
		report_audit(rq, u->office, q.since, 0, cs_err(r), 0);
		r = request_refuse(rq, WCTX_ANY, r, "report", NULL);
	}
	store_report_free(&rep);
	return r;
}
