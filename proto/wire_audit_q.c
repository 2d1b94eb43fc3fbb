/* SPDX-License-Identifier: ISC */
/*
 * wire_audit_q.c - field checks of AuditQueryRequest and
 * AuditQueryResponse, and of the export's AuditExportResponse (see
 * wire_audit_q.h).  Every string is bounded and strict UTF-8, the case
 * filter a case id, the counts limited; an exported entry must decode
 * as a canonical entry (common/audit_enc.c) before anyone reads it.
 */
#include <string.h>

#include "audit_enc.h"
#include "util.h"
#include "wire.h"
#include "wire_audit_q.h"

/* At most "max" bytes of UTF-8 ("" allowed). */
static int
wire_aq_str_ok(const char *s, size_t max)
{
	size_t	len;

	if (s == NULL || (len = strlen(s)) > max)
		return 0;
	return utf8_valid(s, len);
}

static int
wire_aq_request_ok(const Casesync__V1__AuditQueryRequest *m)
{
	return m->case_id != NULL &&
	    (m->case_id[0] == '\0' || wire_uuid_ok(m->case_id)) &&
	    wire_aq_str_ok(m->user, WIRE_STR_MAX) &&
	    wire_aq_str_ok(m->type, WIRE_STR_MAX) &&
	    m->since >= 0 && m->until >= 0 && m->after >= -1 &&
	    m->max_rows <= WIRE_AUDIT_ROWS_MAX;
}

static int
wire_aq_row_ok(const Casesync__V1__AuditRow *r)
{
	const char *const	 s[] = {
		r->type, r->outcome, r->user, r->role, r->office,
		r->object_type, r->object_id, r->client_ref, r->basis,
		r->purpose,
	};
	size_t			 i;

	if (r->idx < 0 || r->server_time < 0 || r->device_time < 0 ||
	    r->device_id < 0 || r->action == NULL ||
	    strlen(r->action) != 1 || r->action[0] < 'A' ||
	    r->action[0] > 'Z' || r->type == NULL || r->type[0] == '\0' ||
	    !wire_aq_str_ok(r->detail, WIRE_AUDIT_DETAIL_MAX))
		return 0;
	for (i = 0; i < sizeof(s) / sizeof(s[0]); i++)
		if (!wire_aq_str_ok(s[i], WIRE_STR_MAX))
			return 0;
	return 1;
}

static int
wire_aq_response_ok(const Casesync__V1__AuditQueryResponse *m)
{
	size_t	i;

	if (m->n_rows > WIRE_AUDIT_ROWS_MAX)
		return 0;
	for (i = 0; i < m->n_rows; i++)
		if (m->rows[i] == NULL || !wire_aq_row_ok(m->rows[i]) ||
		    (i > 0 && m->rows[i]->idx <= m->rows[i - 1]->idx))
			return 0;
	return 1;
}

/* Each entry decodes (strictly: canonical, no trailing bytes), idx ascend. */
static int
wire_ax_response_ok(const Casesync__V1__AuditExportResponse *m)
{
	struct audit_entry	e;
	int64_t			prev = -1;
	size_t			i;

	if (m->n_entries > WIRE_AUDIT_ROWS_MAX)
		return 0;
	for (i = 0; i < m->n_entries; i++) {
		if (m->entries[i].len == 0 ||
		    m->entries[i].len > AUDIT_ENC_MAX ||
		    audit_entry_decode(m->entries[i].data, m->entries[i].len,
		    &e) != 0 || e.idx < 0 || e.idx <= prev)
			return 0;
		prev = e.idx;
	}
	return 1;
}

int
wire_audit_q_msg(const wire_env *e)
{
	return e->msg_case == CASESYNC__V1__ENVELOPE__MSG_AUDIT_QUERY_REQUEST ||
	    e->msg_case == CASESYNC__V1__ENVELOPE__MSG_AUDIT_QUERY_RESPONSE ||
	    e->msg_case == CASESYNC__V1__ENVELOPE__MSG_AUDIT_EXPORT_REQUEST ||
	    e->msg_case == CASESYNC__V1__ENVELOPE__MSG_AUDIT_EXPORT_RESPONSE;
}

int
wire_audit_q_ok(const wire_env *e)
{
	switch (e->msg_case) {
	case CASESYNC__V1__ENVELOPE__MSG_AUDIT_QUERY_REQUEST:
		return wire_aq_request_ok(e->audit_query_request);
	case CASESYNC__V1__ENVELOPE__MSG_AUDIT_QUERY_RESPONSE:
		return wire_aq_response_ok(e->audit_query_response);
	case CASESYNC__V1__ENVELOPE__MSG_AUDIT_EXPORT_REQUEST:
		return wire_aq_request_ok(e->audit_export_request);
	case CASESYNC__V1__ENVELOPE__MSG_AUDIT_EXPORT_RESPONSE:
		return wire_ax_response_ok(e->audit_export_response);
	default:
		return 0;
	}
}
