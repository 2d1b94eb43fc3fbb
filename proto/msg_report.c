/* SPDX-License-Identifier: ISC */
/*
 * msg_report.c - the management figures' messages (see msg_report.h).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "msg_int.h"
#include "msg_report.h"
#include "wire.h"
#include "wire_report.h"

_Static_assert(MSG_REPORT_GROUPS_MAX == WIRE_REPORT_GROUPS_MAX, "groups");
_Static_assert(MSG_REPORT_MONTHS_MAX == WIRE_REPORT_MONTHS_MAX, "months");

int
msg_report_office_ok(const char *s)
{
	return wire_report_office_ok(s);
}

int
msg_get_report_request(const struct msg *m, struct msg_report_request *out)
{
	const wire_env	*env = msg_env(m);

	if (env->msg_case != CASESYNC__V1__ENVELOPE__MSG_REPORT_REQUEST)
		return CS_ERR_PROTOCOL;
	out->since = env->report_request->since;
	out->office = env->report_request->office;
	return 0;
}

static int
enc_report_request(uint32_t id, const void *body, size_t max,
    struct buf *out)
{
	const struct msg_report_request	*b = body;
	Casesync__V1__ReportRequest	 rr;
	wire_env			 env;

	casesync__v1__report_request__init(&rr);
	rr.since = PB_STR(b->since);
	rr.office = PB_STR(b->office);
	PB_ENV(report_request, CASESYNC__V1__ENVELOPE__MSG_REPORT_REQUEST,
	    &rr);
	return wire_encode(&env, max, out);
}

struct msg_out
msg_out_report_request(const struct msg_report_request *b)
{
	return (struct msg_out){ enc_report_request, b };
}

int
msg_get_report_reply(const struct msg *m, struct msg_report_reply *out)
{
	const wire_env	*env = msg_env(m);

	memset(out, 0, sizeof(*out));
	if (env->msg_case != CASESYNC__V1__ENVELOPE__MSG_REPORT_REPLY)
		return CS_ERR_PROTOCOL;
	out->today = env->report_reply->today;
	out->since = env->report_reply->since;
	out->n_groups = env->report_reply->n_groups;
	out->n_months = env->report_reply->n_months;
	return 0;
}

int
msg_report_group_item(const struct msg *m, size_t i,
    struct msg_report_group *out)
{
	const wire_env				*env = msg_env(m);
	const Casesync__V1__ReportGroup		*g;

	if (env->msg_case != CASESYNC__V1__ENVELOPE__MSG_REPORT_REPLY ||
	    i >= env->report_reply->n_groups)
		return CS_ERR_PROTOCOL;
	g = env->report_reply->groups[i];
	out->office = g->office;
	out->frame = g->frame;
	out->active = g->active;
	out->new_cases = g->new_cases;
	out->closed = g->closed;
	out->drang_ended = g->drang_ended;
	out->drang_to_raad = g->drang_to_raad;
	out->drang_median_x2 = g->drang_median_x2;
	out->drang_extended = g->drang_extended;
	out->ots_extensions = g->ots_extensions;
	out->toetsing_overdue = g->toetsing_overdue;
	out->ots_request_overdue = g->ots_request_overdue;
	out->transfers_in = g->transfers_in;
	out->transfers_out = g->transfers_out;
	out->glass = g->glass;
	return 0;
}

int
msg_report_month_item(const struct msg *m, size_t i,
    struct msg_report_month *out)
{
	const wire_env				*env = msg_env(m);
	const Casesync__V1__ReportMonth		*mo;

	if (env->msg_case != CASESYNC__V1__ENVELOPE__MSG_REPORT_REPLY ||
	    i >= env->report_reply->n_months)
		return CS_ERR_PROTOCOL;
	mo = env->report_reply->months[i];
	out->group = mo->group;		/* wire_report.c: < n_groups */
	out->year = mo->year;
	out->month = mo->month;
	out->new_cases = mo->new_cases;
	out->closed = mo->closed;
	return 0;
}

static void
report_group_put(const struct msg_report_group *in,
    Casesync__V1__ReportGroup *g)
{
	casesync__v1__report_group__init(g);
	g->office = PB_STR(in->office);
	g->frame = PB_STR(in->frame);
	g->active = in->active;
	g->new_cases = in->new_cases;
	g->closed = in->closed;
	g->drang_ended = in->drang_ended;
	g->drang_to_raad = in->drang_to_raad;
	g->drang_median_x2 = in->drang_median_x2;
	g->drang_extended = in->drang_extended;
	g->ots_extensions = in->ots_extensions;
	g->toetsing_overdue = in->toetsing_overdue;
	g->ots_request_overdue = in->ots_request_overdue;
	g->transfers_in = in->transfers_in;
	g->transfers_out = in->transfers_out;
	g->glass = in->glass;
}

static int
enc_report_reply(uint32_t id, const void *body, size_t max,
    struct buf *out)
{
	const struct msg_report_reply	 *b = body;
	Casesync__V1__ReportGroup	 *gs = NULL, **gp = NULL;
	Casesync__V1__ReportMonth	 *ms = NULL, **mp = NULL;
	Casesync__V1__ReportReply	  rr;
	wire_env			  env;
	size_t				  i;
	int				  r = CS_ERR_ALLOC;

	if (b->n_groups > MSG_REPORT_GROUPS_MAX ||
	    b->n_months > MSG_REPORT_MONTHS_MAX)
		return CS_ERR_TOO_LARGE;
	if (b->n_groups > 0 &&
	    ((gs = calloc(b->n_groups, sizeof(*gs))) == NULL ||
	    (gp = calloc(b->n_groups, sizeof(*gp))) == NULL))
		goto out;
	if (b->n_months > 0 &&
	    ((ms = calloc(b->n_months, sizeof(*ms))) == NULL ||
	    (mp = calloc(b->n_months, sizeof(*mp))) == NULL))
		goto out;
	for (i = 0; i < b->n_groups; i++) {
		report_group_put(&b->groups[i], &gs[i]);
		gp[i] = &gs[i];
	}
	for (i = 0; i < b->n_months; i++) {
		if (b->months[i].group >= b->n_groups ||
		    b->months[i].group > UINT32_MAX) {
			r = CS_ERR_INTERNAL;
			goto out;
		}
		casesync__v1__report_month__init(&ms[i]);
		ms[i].group = (uint32_t)b->months[i].group;
		ms[i].year = b->months[i].year;
		ms[i].month = b->months[i].month;
		ms[i].new_cases = b->months[i].new_cases;
		ms[i].closed = b->months[i].closed;
		mp[i] = &ms[i];
	}
	casesync__v1__report_reply__init(&rr);
	rr.today = PB_STR(b->today);
	rr.since = PB_STR(b->since);
	rr.groups = gp;
	rr.n_groups = b->n_groups;
	rr.months = mp;
	rr.n_months = b->n_months;
	PB_ENV(report_reply, CASESYNC__V1__ENVELOPE__MSG_REPORT_REPLY, &rr);
	r = wire_encode(&env, max, out);
 out:
	free(gs);
	free(gp);
	free(ms);
	free(mp);
	return r;
}

struct msg_out
msg_out_report_reply(const struct msg_report_reply *b)
{
	return (struct msg_out){ enc_report_reply, b };
}
