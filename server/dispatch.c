/* SPDX-License-Identifier: ISC */
/*
 * dispatch.c - the dispatch table of casesyncd: for each message a
 * device may send, the state it needs, its handler and its audit hook.
 * session.c looks a request up here; nothing else decides who answers
 * a message.
 */
#include <stddef.h>

#include "approvals.h"
#include "audit.h"
#include "audit_query.h"
#include "cases.h"
#include "enroll.h"
#include "keys.h"
#include "measures.h"
#include "renew.h"
#include "report_net.h"
#include "request.h"
#include "session.h"
#include "sync.h"
#include "transfer.h"

/*
 * Indexed by message type; a row without a handler: no route.  Columns:
 * what the connection needs (request.h), the handler, the audit hook,
 * and whether the handler may start or end an access with an end time.
 */
#define ROUTE(t, need, fn, audit, access) \
	[t] = { t, NEED_##need, fn, audit, access }
static const struct request_route routes[MSG_TYPE_MAX] = {
	ROUTE(MSG_ENROLL_REQUEST, ENROLL, enroll_request, NULL, 0),
	ROUTE(MSG_PING, DEVICE, session_ping, NULL, 0),
	ROUTE(MSG_WATCH, DEVICE, session_watch, NULL, 0),
	ROUTE(MSG_CERT_RENEW_REQUEST, DEVICE, renew_request, NULL, 0),
	ROUTE(MSG_CERT_RENEW_CONFIRM, DEVICE, renew_confirm, NULL, 0),
	ROUTE(MSG_PUSH_REQUEST, DEVICE, sync_push, NULL, 0),
	ROUTE(MSG_PULL_REQUEST, DEVICE, sync_pull, NULL, 0),
	ROUTE(MSG_PURGE_RECEIPT, DEVICE, sync_purge_receipt,
	    audit_purge_receipt, 0),
	ROUTE(MSG_CASE_CREATE, DEVICE, sync_case_create, audit_case_create,
	    0),
	ROUTE(MSG_CASE_MEMBER, DEVICE, sync_case_member, audit_case_member,
	    0),
	ROUTE(MSG_CHECKPOINT_REQUEST, DEVICE, audit_checkpoint_request, NULL,
	    0),
	ROUTE(MSG_READ_LOG_UPLOAD, DEVICE, audit_read_log_upload, NULL, 0),
	ROUTE(MSG_CASE_STATE, DEVICE, cases_state, NULL, 0),
	ROUTE(MSG_CASE_INFO_REQUEST, DEVICE, cases_info, NULL, 0),
	ROUTE(MSG_CASE_LIST_REQUEST, DEVICE, cases_list, NULL, 0),
	ROUTE(MSG_CHILD_MEASURE, DEVICE, measures_change, NULL, 0),
	ROUTE(MSG_TRANSFER_REQUEST, DEVICE, transfer_request, NULL, 0),
	ROUTE(MSG_TRANSFER_DECISION, DEVICE, transfer_decision, NULL, 1),
	ROUTE(MSG_TRANSFER_LIST_REQUEST, DEVICE, transfer_list, NULL, 0),
	ROUTE(MSG_TEAM_ASSIGN, DEVICE, transfer_team_assign, NULL, 1),
	ROUTE(MSG_GLASS_REQUEST, DEVICE, transfer_glass, NULL, 1),
	ROUTE(MSG_GLASS_LIST_REQUEST, DEVICE, glass_list, NULL, 0),
	ROUTE(MSG_KEY_PUBLISH, DEVICE, keys_publish, NULL, 0),
	ROUTE(MSG_KEY_SYNC_REQUEST, DEVICE, keys_sync_request, NULL, 0),
	ROUTE(MSG_KEY_GRANTS, DEVICE, keys_grants, NULL, 0),
	ROUTE(MSG_KEY_BACKUP_UPDATE, DEVICE, keys_backup_update, NULL, 0),
	ROUTE(MSG_AUDIT_QUERY_REQUEST, DEVICE, audit_query, NULL, 0),
	ROUTE(MSG_AUDIT_EXPORT_REQUEST, DEVICE, audit_export, NULL, 0),
	ROUTE(MSG_APPROVAL_REQUEST, DEVICE, approvals_request, NULL, 0),
	ROUTE(MSG_APPROVAL_DECISION, DEVICE, approvals_decision, NULL, 0),
	ROUTE(MSG_APPROVAL_LIST_REQUEST, DEVICE, approvals_list, NULL, 0),
	ROUTE(MSG_REPORT_REQUEST, DEVICE, report_request, NULL, 0),
};

const struct request_route *
request_route(enum msg_type type)
{
	if ((unsigned)type >= MSG_TYPE_MAX || routes[type].fn == NULL)
		return NULL;
	return &routes[type];
}

const struct request_route *
request_routes(size_t *n)
{
	*n = MSG_TYPE_MAX;
	return routes;
}
