/* SPDX-License-Identifier: ISC */
/*
 * wire_transfer.c - field checks of TransferRequest, TransferDecision,
 * TransferInfo, TransferListRequest, TransferList, TeamAssign,
 * GlassRequest, GlassGrant, GlassListRequest and GlassList (see
 * wire_transfer.h).  Every string is
 * bounded and strict UTF-8; free texts are printable; enums in range.
 */
#include <string.h>

#include "util.h"
#include "validate.h"
#include "wire.h"
#include "wire_transfer.h"

static const char *const wire_transfer_states[] = {
	"REQUESTED", "ACCEPTED", "REJECTED", "REVOKED", "COMPLETED"
};

/* 1..max bytes of UTF-8 (names of offices and users). */
static int
wire_name_ok(const char *s)
{
	size_t	len;

	if (s == NULL || (len = strlen(s)) == 0 || len > WIRE_STR_MAX)
		return 0;
	return utf8_valid(s, len);
}

/* "" or a name. */
static int
wire_name_opt_ok(const char *s)
{
	return s != NULL && (s[0] == '\0' || wire_name_ok(s));
}

int
wire_text_ok(const char *s)
{
	const char	*why;

	return s != NULL && validate_name(s, WIRE_TEXT_MAX, &why) == 0;
}

/* "" or a text. */
static int
wire_text_opt_ok(const char *s)
{
	return s != NULL && (s[0] == '\0' || wire_text_ok(s));
}

int
wire_transfer_reason_ok(const char *s)
{
	return s != NULL && (strcmp(s, "moved") == 0 ||
	    strcmp(s, "capacity") == 0 || strcmp(s, "expertise") == 0 ||
	    strcmp(s, "other") == 0);
}

static int
wire_transfer_state_ok(const char *s)
{
	size_t	i;

	if (s == NULL)
		return 0;
	for (i = 0; i < sizeof(wire_transfer_states) /
	    sizeof(wire_transfer_states[0]); i++)
		if (strcmp(s, wire_transfer_states[i]) == 0)
			return 1;
	return 0;
}

static int
wire_transfer_info_ok(const Casesync__V1__TransferInfo *m)
{
	return m != NULL && m->transfer_id > 0 &&
	    m->transfer_id <= INT64_MAX && wire_uuid_ok(m->case_id) &&
	    wire_transfer_state_ok(m->state) &&
	    wire_transfer_reason_ok(m->reason) && wire_text_opt_ok(m->note) &&
	    wire_name_ok(m->from_office) && wire_name_ok(m->to_office) &&
	    wire_name_ok(m->requested_by) &&
	    wire_name_opt_ok(m->decided_by) &&
	    wire_text_opt_ok(m->rejection) &&
	    wire_name_opt_ok(m->new_regisseur) && m->requested_at >= 0 &&
	    m->decided_at >= 0 && m->window_end >= 0 &&
	    m->completed_at >= 0 && wire_name_opt_ok(m->regisseur) &&
	    (m->case_info == NULL || (wire_case_info_ok(m->case_info) &&
	    strcmp(m->case_info->case_id, m->case_id) == 0)) &&
	    m->person_records <= m->records &&
	    m->measure_records <= m->records - m->person_records;
}

static int
wire_transfer_decision_ok(const Casesync__V1__TransferDecision *m)
{
	if (m->transfer_id == 0 || m->transfer_id > INT64_MAX)
		return 0;
	switch (m->action) {
	case CASESYNC__V1__TRANSFER_ACTION__TRANSFER_ACCEPT:
		return wire_name_ok(m->regisseur) && m->reason[0] == '\0';
	case CASESYNC__V1__TRANSFER_ACTION__TRANSFER_REJECT:
		return m->regisseur[0] == '\0' && wire_text_ok(m->reason);
	case CASESYNC__V1__TRANSFER_ACTION__TRANSFER_REVOKE:
		return m->regisseur[0] == '\0' && m->reason[0] == '\0';
	default:
		return 0;
	}
}

static int
wire_transfer_list_ok(const Casesync__V1__TransferList *m)
{
	size_t	i;

	if (m->n_transfers > WIRE_TRANSFERS_MAX)
		return 0;
	for (i = 0; i < m->n_transfers; i++)
		if (!wire_transfer_info_ok(m->transfers[i]))
			return 0;
	return 1;
}

static int
wire_glass_list_ok(const Casesync__V1__GlassList *m)
{
	const Casesync__V1__GlassUse	*u;
	size_t				 i;

	if (m->n_uses > WIRE_GLASS_USES_MAX)
		return 0;
	for (i = 0; i < m->n_uses; i++) {
		if ((u = m->uses[i]) == NULL || u->id <= 0 ||
		    (i > 0 && u->id <= m->uses[i - 1]->id) ||
		    !wire_uuid_ok(u->case_id) || !wire_name_ok(u->user) ||
		    !wire_name_ok(u->user_office) ||
		    !wire_text_ok(u->reason) || u->granted_at <= 0 ||
		    u->expires_at <= 0 || u->ended_at < 0)
			return 0;
	}
	return 1;
}

int
wire_transfer_msg(const wire_env *e)
{
	switch (e->msg_case) {
	case CASESYNC__V1__ENVELOPE__MSG_TRANSFER_REQUEST:
	case CASESYNC__V1__ENVELOPE__MSG_TRANSFER_DECISION:
	case CASESYNC__V1__ENVELOPE__MSG_TRANSFER_INFO:
	case CASESYNC__V1__ENVELOPE__MSG_TRANSFER_LIST_REQUEST:
	case CASESYNC__V1__ENVELOPE__MSG_TRANSFER_LIST:
	case CASESYNC__V1__ENVELOPE__MSG_TEAM_ASSIGN:
	case CASESYNC__V1__ENVELOPE__MSG_GLASS_REQUEST:
	case CASESYNC__V1__ENVELOPE__MSG_GLASS_GRANT:
	case CASESYNC__V1__ENVELOPE__MSG_GLASS_LIST_REQUEST:
	case CASESYNC__V1__ENVELOPE__MSG_GLASS_LIST:
		return 1;
	default:
		return 0;
	}
}

int
wire_transfer_ok(const wire_env *e)
{
	switch (e->msg_case) {
	case CASESYNC__V1__ENVELOPE__MSG_TRANSFER_REQUEST:
		return wire_uuid_ok(e->transfer_request->case_id) &&
		    wire_name_ok(e->transfer_request->to_office) &&
		    wire_transfer_reason_ok(e->transfer_request->reason) &&
		    wire_text_opt_ok(e->transfer_request->note);
	case CASESYNC__V1__ENVELOPE__MSG_TRANSFER_DECISION:
		return wire_transfer_decision_ok(e->transfer_decision);
	case CASESYNC__V1__ENVELOPE__MSG_TRANSFER_INFO:
		return wire_transfer_info_ok(e->transfer_info);
	case CASESYNC__V1__ENVELOPE__MSG_TRANSFER_LIST_REQUEST:
		return e->transfer_list_request->after <= INT64_MAX;
	case CASESYNC__V1__ENVELOPE__MSG_TRANSFER_LIST:
		return wire_transfer_list_ok(e->transfer_list);
	case CASESYNC__V1__ENVELOPE__MSG_TEAM_ASSIGN:
		return wire_uuid_ok(e->team_assign->case_id) &&
		    wire_name_ok(e->team_assign->regisseur);
	case CASESYNC__V1__ENVELOPE__MSG_GLASS_REQUEST:
		return wire_uuid_ok(e->glass_request->case_id) &&
		    wire_text_ok(e->glass_request->reason);
	case CASESYNC__V1__ENVELOPE__MSG_GLASS_GRANT:
		return wire_uuid_ok(e->glass_grant->case_id) &&
		    e->glass_grant->expires_at > 0;
	case CASESYNC__V1__ENVELOPE__MSG_GLASS_LIST_REQUEST:
		return e->glass_list_request->after >= 0;
	case CASESYNC__V1__ENVELOPE__MSG_GLASS_LIST:
		return wire_glass_list_ok(e->glass_list);
	default:
		return 0;
	}
}
