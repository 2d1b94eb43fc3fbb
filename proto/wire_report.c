/* SPDX-License-Identifier: ISC */
/*
 * wire_report.c - field checks of the management figures (see
 * wire_report.h).  Dates are real calendar dates (YYYY-MM-DD); office
 * names people see carry no control characters; every count is >= 0
 * (the median's -1 says there is none); a month names a group of the
 * same reply and a real month.
 */
#include <stdint.h>
#include <string.h>

#include "lifecycle.h"
#include "util.h"
#include "wire.h"
#include "wire_report.h"

/* "" or a real calendar date, YYYY-MM-DD. */
static int
wire_report_day_ok(const char *s, int empty_ok)
{
	int64_t	d;

	if (s == NULL)
		return 0;
	if (s[0] == '\0')
		return empty_ok;
	return lc_date_parse(s, &d) == 0;
}

int
wire_report_office_ok(const char *s)
{
	size_t	len;

	if (s == NULL || (len = strlen(s)) > WIRE_STR_MAX)
		return 0;
	return len == 0 || utf8_text_ok(s, len);
}

static int
wire_report_group_ok(const Casesync__V1__ReportGroup *g)
{
	if (g == NULL || g->office == NULL || g->office[0] == '\0' ||
	    !wire_report_office_ok(g->office) || !wire_frame_ok(g->frame))
		return 0;
	return g->active >= 0 && g->new_cases >= 0 && g->closed >= 0 &&
	    g->drang_ended >= 0 && g->drang_to_raad >= 0 &&
	    g->drang_median_x2 >= -1 && g->drang_extended >= 0 &&
	    g->ots_extensions >= 0 && g->toetsing_overdue >= 0 &&
	    g->ots_request_overdue >= 0 && g->transfers_in >= 0 &&
	    g->transfers_out >= 0 && g->glass >= 0;
}

static int
wire_report_month_ok(const Casesync__V1__ReportMonth *m, size_t ngroups)
{
	return m != NULL && m->group < ngroups && m->year >= 1 &&
	    m->year <= 9999 && m->month >= 1 && m->month <= 12 &&
	    m->new_cases >= 0 && m->closed >= 0;
}

static int
wire_report_reply_ok(const Casesync__V1__ReportReply *m)
{
	size_t	i;

	if (!wire_report_day_ok(m->today, 0) ||
	    !wire_report_day_ok(m->since, 1) ||
	    m->n_groups > WIRE_REPORT_GROUPS_MAX ||
	    m->n_months > WIRE_REPORT_MONTHS_MAX)
		return 0;
	for (i = 0; i < m->n_groups; i++)
		if (!wire_report_group_ok(m->groups[i]))
			return 0;
	for (i = 0; i < m->n_months; i++)
		if (!wire_report_month_ok(m->months[i], m->n_groups))
			return 0;
	return 1;
}

int
wire_report_msg(const wire_env *e)
{
	return e->msg_case == CASESYNC__V1__ENVELOPE__MSG_REPORT_REQUEST ||
	    e->msg_case == CASESYNC__V1__ENVELOPE__MSG_REPORT_REPLY;
}

int
wire_report_ok(const wire_env *e)
{
	switch (e->msg_case) {
	case CASESYNC__V1__ENVELOPE__MSG_REPORT_REQUEST:
		return wire_report_day_ok(e->report_request->since, 1) &&
		    wire_report_office_ok(e->report_request->office);
	case CASESYNC__V1__ENVELOPE__MSG_REPORT_REPLY:
		return wire_report_reply_ok(e->report_reply);
	default:
		return 0;
	}
}
