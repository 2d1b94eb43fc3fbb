/* SPDX-License-Identifier: ISC */
/*
 * wire_measure.c - ChildMeasure and a CaseInfo's measures (see
 * wire_measure.h).  The law's limits are the server's to check
 * (measure.c); here only form: ids, names, dates, counts.
 */
#include <stdint.h>
#include <string.h>

#include "lifecycle.h"
#include "measure.h"
#include "util.h"
#include "wire.h"
#include "wire_measure.h"

/* "" or a real YYYY-MM-DD date. */
static int
wm_date_ok(const char *s)
{
	int64_t	d;

	return s != NULL && (s[0] == '\0' || lc_date_parse(s, &d) == 0);
}

static int
wm_date_set(const char *s)
{
	return s != NULL && s[0] != '\0' && wm_date_ok(s);
}

static int
wm_type_ok(const char *s)
{
	enum ms_type	t;

	return ms_type_parse(s, &t) == 0;
}

/* "" or a UUID (wire.c's form: lower-case hex). */
static int
wm_uuid_opt(const char *s)
{
	return s != NULL && (s[0] == '\0' || wire_uuid_ok(s));
}

int
wire_measure_msg(const wire_env *e)
{
	return e->msg_case == CASESYNC__V1__ENVELOPE__MSG_CHILD_MEASURE;
}

int
wire_measure_ok(const wire_env *e)
{
	const Casesync__V1__ChildMeasure	*m = e->child_measure;
	enum ms_action				 a;

	if (!wire_measure_msg(e) || m == NULL ||
	    !wire_uuid_ok(m->case_id) || !wire_uuid_ok(m->child_id) ||
	    ms_action_parse(m->action, &a) != 0 ||
	    m->measure_id > INT64_MAX || m->type == NULL ||
	    !wm_date_ok(m->decision_date) || !wm_date_ok(m->start_date) ||
	    !wm_date_ok(m->end_date) || !wm_date_ok(m->birth_date) ||
	    !wm_uuid_opt(m->record_id))
		return 0;
	if (a == MS_START)
		/* a new measure: its type, decision and sealed record */
		return m->measure_id == 0 && wm_type_ok(m->type) &&
		    m->decision_date[0] != '\0' && wire_uuid_ok(m->record_id);
	/* extend, end: a measure the server numbered; the type if given */
	if (m->measure_id == 0 ||
	    (m->type[0] != '\0' && !wm_type_ok(m->type)) ||
	    (a == MS_EXTEND && (m->decision_date[0] == '\0' ||
	    m->end_date[0] == '\0')))
		return 0;
	return 1;
}

static int
wm_info_ok(const Casesync__V1__ChildMeasureInfo *m)
{
	enum ms_status	s;

	return m != NULL && m->measure_id > 0 && m->measure_id <= INT64_MAX &&
	    wire_uuid_ok(m->child_id) && wm_type_ok(m->type) &&
	    wm_date_set(m->decision_date) && wm_date_set(m->start_date) &&
	    wm_date_set(m->end_date) && ms_status_parse(m->status, &s) == 0 &&
	    wm_uuid_opt(m->record_id) && wm_date_ok(m->ended_on);
}

int
wire_case_measures_ok(const Casesync__V1__CaseInfo *m)
{
	size_t	i;

	if (m->n_measures > MS_MEASURES_MAX ||
	    m->n_deadlines > LC_DEADLINES_MAX + MS_DEADLINES_MAX)
		return 0;
	for (i = 0; i < m->n_measures; i++)
		if (!wm_info_ok(m->measures[i]))
			return 0;
	for (i = 0; i < m->n_deadlines; i++)
		if (m->deadlines[i] == NULL ||
		    !wm_uuid_opt(m->deadlines[i]->child_id))
			return 0;
	return 1;
}
