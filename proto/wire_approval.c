/* SPDX-License-Identifier: ISC */
/*
 * wire_approval.c - field checks of the approval messages (see
 * wire_approval.h).  The fields that depend on the kind are checked
 * with it: an end date only for a drang extension (and then required),
 * a closing reason only for a closing (and then required).  Names
 * people see carry no control characters; ids are lower-case UUIDs.
 */
#include <stdint.h>
#include <string.h>

#include "lifecycle.h"
#include "util.h"
#include "wire.h"
#include "wire_approval.h"

static const char *const wire_approval_kinds[] = {
	"drang_extension", "assessment_cosign", "case_close"
};
static const char *const wire_close_reasons[] = {
	"doel_bereikt", "maatregel", "verhuisd", "overleden", "other"
};
static const char *const wire_approval_states[] = {
	"waiting", "approved", "refused"
};

#define N(a)	(sizeof(a) / sizeof((a)[0]))

static int
wire_one_of(const char *s, const char *const *set, size_t n)
{
	size_t	i;

	if (s == NULL)
		return 0;
	for (i = 0; i < n; i++)
		if (strcmp(s, set[i]) == 0)
			return 1;
	return 0;
}

int
wire_approval_kind_ok(const char *s)
{
	return wire_one_of(s, wire_approval_kinds, N(wire_approval_kinds));
}

int
wire_close_reason_ok(const char *s)
{
	return wire_one_of(s, wire_close_reasons, N(wire_close_reasons));
}

/* A name people see: 1..WIRE_STR_MAX bytes, UTF-8, no controls. */
static int
wire_person_ok(const char *s)
{
	size_t	len;

	if (s == NULL || (len = strlen(s)) == 0 || len > WIRE_STR_MAX)
		return 0;
	return utf8_text_ok(s, len);
}

/* A real calendar date, YYYY-MM-DD. */
static int
wire_day_ok(const char *s)
{
	int64_t	d;

	return s != NULL && lc_date_parse(s, &d) == 0;
}

/* The fields that go with "kind": an end, a closing reason. */
static int
wire_kind_fields_ok(const char *kind, const char *end, const char *why)
{
	if (!wire_approval_kind_ok(kind) || end == NULL || why == NULL)
		return 0;
	if (strcmp(kind, "drang_extension") == 0)
		return wire_day_ok(end) && why[0] == '\0';
	if (strcmp(kind, "case_close") == 0)
		return end[0] == '\0' && wire_close_reason_ok(why);
	return end[0] == '\0' && why[0] == '\0';
}

static int
wire_approval_info_ok(const Casesync__V1__ApprovalInfo *m)
{
	int	waiting;

	if (m == NULL || m->approval_id == 0 || m->approval_id > INT64_MAX ||
	    !wire_uuid_ok(m->case_id) ||
	    !wire_kind_fields_ok(m->kind, m->end_date, m->close_reason) ||
	    !wire_one_of(m->state, wire_approval_states,
	    N(wire_approval_states)) ||
	    !wire_person_ok(m->requested_by) ||
	    !wire_person_ok(m->requested_device) || m->requested_at < 0 ||
	    !wire_uuid_ok(m->record_id) ||
	    (strcmp(m->required_role, "teamleider") != 0 &&
	    strcmp(m->required_role, "gedragswetenschapper") != 0))
		return 0;
	waiting = strcmp(m->state, "waiting") == 0;
	if (waiting)
		return m->decided_by[0] == '\0' &&
		    m->decided_device[0] == '\0' && m->decided_at == 0 &&
		    m->decision_record_id[0] == '\0';
	return wire_person_ok(m->decided_by) &&
	    wire_person_ok(m->decided_device) && m->decided_at > 0 &&
	    wire_uuid_ok(m->decision_record_id);
}

static int
wire_approval_list_ok(const Casesync__V1__ApprovalList *m)
{
	size_t	i;

	if (m->n_approvals > WIRE_APPROVALS_MAX)
		return 0;
	for (i = 0; i < m->n_approvals; i++)
		if (!wire_approval_info_ok(m->approvals[i]))
			return 0;
	return 1;
}

int
wire_approval_msg(const wire_env *e)
{
	switch (e->msg_case) {
	case CASESYNC__V1__ENVELOPE__MSG_APPROVAL_REQUEST:
	case CASESYNC__V1__ENVELOPE__MSG_APPROVAL_DECISION:
	case CASESYNC__V1__ENVELOPE__MSG_APPROVAL_INFO:
	case CASESYNC__V1__ENVELOPE__MSG_APPROVAL_LIST_REQUEST:
	case CASESYNC__V1__ENVELOPE__MSG_APPROVAL_LIST:
		return 1;
	default:
		return 0;
	}
}

int
wire_approval_ok(const wire_env *e)
{
	const Casesync__V1__ApprovalRequest	*rq;

	switch (e->msg_case) {
	case CASESYNC__V1__ENVELOPE__MSG_APPROVAL_REQUEST:
		rq = e->approval_request;
		return wire_uuid_ok(rq->case_id) &&
		    wire_uuid_ok(rq->record_id) &&
		    wire_kind_fields_ok(rq->kind, rq->end_date,
		    rq->close_reason);
	case CASESYNC__V1__ENVELOPE__MSG_APPROVAL_DECISION:
		return e->approval_decision->approval_id > 0 &&
		    e->approval_decision->approval_id <= INT64_MAX &&
		    wire_uuid_ok(e->approval_decision->record_id);
	case CASESYNC__V1__ENVELOPE__MSG_APPROVAL_INFO:
		return wire_approval_info_ok(e->approval_info);
	case CASESYNC__V1__ENVELOPE__MSG_APPROVAL_LIST_REQUEST:
		return e->approval_list_request->case_id[0] == '\0' ||
		    wire_uuid_ok(e->approval_list_request->case_id);
	case CASESYNC__V1__ENVELOPE__MSG_APPROVAL_LIST:
		return wire_approval_list_ok(e->approval_list);
	default:
		return 0;
	}
}
