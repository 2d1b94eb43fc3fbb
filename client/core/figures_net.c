/* SPDX-License-Identifier: ISC */
/*
 * figures_net.c - the management figures from the server (see
 * figures_net.h).  wire_report.c has checked the reply (dates, frames,
 * counts, each month's group) before msg_report.c turns it into the
 * figures.
 */
#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "errors.h"
#include "figures_net.h"
#include "lifecycle.h"
#include "msg.h"
#include "msg_report.h"

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
	return msg_get_report_reply(rep, &fn->fig, &fn->groups, &fn->months);
}

void
figures_net_free(struct figures_net *fn)
{
	free(fn->groups);
	free(fn->months);
	msg_free(fn->reply);
	memset(fn, 0, sizeof(*fn));
}
