/* SPDX-License-Identifier: ISC */
/*
 * figures_net.c - the management figures from the server (see
 * figures_net.h).  wire_report.c has checked the reply (dates, frames,
 * counts, each month's group) before it reaches here.
 */
#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "errors.h"
#include "figures_net.h"
#include "lifecycle.h"
#include "msg.h"
#include "msg_report.h"

static int
figures_net_fill(struct figures_net *fn)
{
	struct msg_report_reply	 rr;
	struct msg_report_group	 g;
	struct msg_report_month	 m;
	enum lc_frame		 f;
	size_t			 i;

	if (msg_get_report_reply(fn->reply, &rr) != 0 ||
	    lc_date_parse(rr.today, &fn->fig.today) != 0)
		return CS_ERR_PROTOCOL;
	fn->fig.since = LC_NODATE;
	if (rr.since[0] != '\0' && lc_date_parse(rr.since, &fn->fig.since) != 0)
		return CS_ERR_PROTOCOL;
	if ((rr.n_groups > 0 &&
	    (fn->groups = calloc(rr.n_groups, sizeof(*fn->groups))) == NULL) ||
	    (rr.n_months > 0 &&
	    (fn->months = calloc(rr.n_months, sizeof(*fn->months))) == NULL))
		return CS_ERR_ALLOC;
	for (i = 0; i < rr.n_groups; i++) {
		if (msg_report_group_item(fn->reply, i, &g) != 0 ||
		    lc_frame_parse(g.frame, &f) != 0)
			return CS_ERR_PROTOCOL;
		fn->groups[i] = (struct figures_group){ g.office, f, g.active,
		    g.new_cases, g.closed, g.drang_ended, g.drang_to_raad,
		    g.drang_median_x2, g.drang_extended, g.ots_extensions,
		    g.toetsing_overdue, g.ots_request_overdue,
		    g.transfers_in, g.transfers_out, g.glass };
	}
	for (i = 0; i < rr.n_months; i++) {
		if (msg_report_month_item(fn->reply, i, &m) != 0)
			return CS_ERR_PROTOCOL;
		fn->months[i] = (struct figures_month){ m.group, m.year,
		    m.month, m.new_cases, m.closed };
	}
	fn->fig.groups = fn->groups;
	fn->fig.ngroups = rr.n_groups;
	fn->fig.months = fn->months;
	fn->fig.nmonths = rr.n_months;
	return 0;
}

int
figures_net_get(struct conn *c, const char *since, const char *office,
    struct figures_net *fn, struct msg **reply_err)
{
	struct msg_report_request	 q;
	struct msg_out			 o;
	struct msg			*rep = NULL;
	int64_t				 d;
	int				 r;

	memset(fn, 0, sizeof(*fn));
	*reply_err = NULL;
	if ((since[0] != '\0' && lc_date_parse(since, &d) != 0) ||
	    !msg_report_office_ok(office))
		return CS_ERR_FORMAT;
	q.since = since;
	q.office = office;
	o = msg_out_report_request(&q);
	if ((r = rpc_call_expect(c, &o, MSG_REPORT_REPLY, &rep)) != 0) {
		*reply_err = rep;
		return r;
	}
	fn->reply = rep;
	return figures_net_fill(fn);
}

void
figures_net_free(struct figures_net *fn)
{
	free(fn->groups);
	free(fn->months);
	msg_free(fn->reply);
	memset(fn, 0, sizeof(*fn));
}
