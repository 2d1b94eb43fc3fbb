/* SPDX-License-Identifier: ISC */
/*
 * msg_report.c - the management figures' messages (see msg_report.h).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "lifecycle.h"
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
msg_get_report_reply(const struct msg *m, struct figures *fig,
    struct figures_group **groups, struct figures_month **months)
{
	const wire_env			*env = msg_env(m);
	const Casesync__V1__ReportReply	*rr;
	struct figures_group		*g = NULL;
	struct figures_month		*mo = NULL;
	enum lc_frame			 f;
	size_t				 i;

	memset(fig, 0, sizeof(*fig));
	*groups = NULL;
	*months = NULL;
	if (env->msg_case != CASESYNC__V1__ENVELOPE__MSG_REPORT_REPLY)
		return CS_ERR_PROTOCOL;
	rr = env->report_reply;
	/* wire_report.c: real dates, frames, each month's group */
	fig->since = LC_NODATE;
	if (lc_date_parse(rr->today, &fig->today) != 0 ||
	    (rr->since[0] != '\0' &&
	    lc_date_parse(rr->since, &fig->since) != 0))
		return CS_ERR_PROTOCOL;
	if ((rr->n_groups > 0 &&
	    (g = calloc(rr->n_groups, sizeof(*g))) == NULL) ||
	    (rr->n_months > 0 &&
	    (mo = calloc(rr->n_months, sizeof(*mo))) == NULL)) {
		free(g);
		return CS_ERR_ALLOC;
	}
	*groups = g;
	*months = mo;
	for (i = 0; i < rr->n_groups; i++) {
		const Casesync__V1__ReportGroup *p = rr->groups[i];

		if (lc_frame_parse(p->frame, &f) != 0)
			return CS_ERR_PROTOCOL;
		g[i] = (struct figures_group){ p->office, f, p->active,
		    p->new_cases, p->closed, p->drang_ended,
		    p->drang_to_raad, p->drang_median_x2, p->drang_extended,
		    p->ots_extensions, p->toetsing_overdue,
		    p->ots_request_overdue, p->transfers_in,
		    p->transfers_out, p->glass };
	}
	for (i = 0; i < rr->n_months; i++)
		mo[i] = (struct figures_month){ rr->months[i]->group,
		    rr->months[i]->year, rr->months[i]->month,
		    rr->months[i]->new_cases, rr->months[i]->closed };
	*fig = (struct figures){ fig->today, fig->since, g, rr->n_groups, mo,
	    rr->n_months };
	return 0;
}

static void
report_group_put(const struct figures_group *in,
    Casesync__V1__ReportGroup *g)
{
	casesync__v1__report_group__init(g);
	g->office = PB_STR(in->office);
	g->frame = PB_STR(lc_frame_name(in->frame));
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
	const struct figures		 *b = body;
	Casesync__V1__ReportGroup	 *gs = NULL, **gp = NULL;
	Casesync__V1__ReportMonth	 *ms = NULL, **mp = NULL;
	Casesync__V1__ReportReply	  rr;
	wire_env			  env;
	char				  today[LC_DATE_LEN + 1];
	char				  since[LC_DATE_LEN + 1] = "";
	size_t				  i;
	int				  r = CS_ERR_ALLOC;

	if (b->ngroups > MSG_REPORT_GROUPS_MAX ||
	    b->nmonths > MSG_REPORT_MONTHS_MAX)
		return CS_ERR_TOO_LARGE;
	if (b->ngroups > 0 &&
	    ((gs = calloc(b->ngroups, sizeof(*gs))) == NULL ||
	    (gp = calloc(b->ngroups, sizeof(*gp))) == NULL))
		goto out;
	if (b->nmonths > 0 &&
	    ((ms = calloc(b->nmonths, sizeof(*ms))) == NULL ||
	    (mp = calloc(b->nmonths, sizeof(*mp))) == NULL))
		goto out;
	for (i = 0; i < b->ngroups; i++) {
		report_group_put(&b->groups[i], &gs[i]);
		gp[i] = &gs[i];
	}
	for (i = 0; i < b->nmonths; i++) {
		if (b->months[i].group >= b->ngroups) {
			r = CS_ERR_INTERNAL;
			goto out;
		}
		casesync__v1__report_month__init(&ms[i]);
		/* < ngroups <= MSG_REPORT_GROUPS_MAX: fits */
		ms[i].group = (uint32_t)b->months[i].group;
		ms[i].year = b->months[i].year;
		ms[i].month = b->months[i].month;
		ms[i].new_cases = b->months[i].new_cases;
		ms[i].closed = b->months[i].closed;
		mp[i] = &ms[i];
	}
	lc_date_format(b->today, today, sizeof(today));
	if (b->since != LC_NODATE)
		lc_date_format(b->since, since, sizeof(since));
	casesync__v1__report_reply__init(&rr);
	rr.today = today;
	rr.since = since;
	rr.groups = gp;
	rr.n_groups = b->ngroups;
	rr.months = mp;
	rr.n_months = b->nmonths;
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
msg_out_report_reply(const struct figures *b)
{
	return (struct msg_out){ enc_report_reply, b };
}
