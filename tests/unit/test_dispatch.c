/* SPDX-License-Identifier: ISC */
/*
 * test_dispatch.c - casesyncd's dispatch table (server/dispatch.c):
 * every row sits at its message type, every request a laptop sends has
 * a row that needs an enrolled device (enrollment alone needs none),
 * and no reply or server message is routed (a device sending one gets
 * "not a request").
 */
#include <stdio.h>

#include "request.h"
#include "test.h"

/* What a laptop sends; each needs a route. */
static const enum msg_type requests[] = {
	MSG_ENROLL_REQUEST, MSG_PING, MSG_WATCH, MSG_CERT_RENEW_REQUEST,
	MSG_CERT_RENEW_CONFIRM, MSG_PUSH_REQUEST, MSG_PULL_REQUEST,
	MSG_PURGE_RECEIPT, MSG_CASE_CREATE, MSG_CASE_MEMBER,
	MSG_CHECKPOINT_REQUEST, MSG_READ_LOG_UPLOAD, MSG_CASE_STATE,
	MSG_CASE_INFO_REQUEST, MSG_CASE_LIST_REQUEST, MSG_TRANSFER_REQUEST,
	MSG_TRANSFER_DECISION, MSG_TRANSFER_LIST_REQUEST, MSG_TEAM_ASSIGN,
	MSG_GLASS_REQUEST, MSG_GLASS_LIST_REQUEST, MSG_KEY_PUBLISH,
	MSG_KEY_SYNC_REQUEST, MSG_KEY_GRANTS, MSG_KEY_BACKUP_UPDATE,
	MSG_AUDIT_QUERY_REQUEST, MSG_AUDIT_EXPORT_REQUEST, MSG_CHILD_MEASURE,
	MSG_APPROVAL_REQUEST, MSG_APPROVAL_DECISION, MSG_APPROVAL_LIST_REQUEST,
	MSG_REPORT_REQUEST,
};

/* What only a server sends, and Hello (session.c's own state). */
static const enum msg_type others[] = {
	MSG_NONE, MSG_HELLO, MSG_WELCOME, MSG_ERROR, MSG_PONG,
	MSG_ENROLL_RESPONSE, MSG_CERT_RENEW_RESPONSE,
	MSG_CERT_RENEW_CONFIRMED, MSG_PUSH_RESPONSE, MSG_PULL_RESPONSE,
	MSG_PURGE_ACK, MSG_CASE_ACK, MSG_NOTIFY, MSG_CHECKPOINT_RESPONSE,
	MSG_READ_LOG_ACK, MSG_CASE_INFO, MSG_CASE_LIST, MSG_TRANSFER_INFO,
	MSG_TRANSFER_LIST, MSG_GLASS_GRANT, MSG_GLASS_LIST,
	MSG_KEY_SYNC_RESPONSE, MSG_KEY_GRANTS_ACK, MSG_AUDIT_QUERY_RESPONSE,
	MSG_AUDIT_EXPORT_RESPONSE, MSG_APPROVAL_INFO, MSG_APPROVAL_LIST,
	MSG_REPORT_REPLY,
};

static void
test_rows(void)
{
	const struct request_route	*all, *rt;
	size_t				 n, i, routed = 0;

	TEST_START("dispatch: every row at its type, every request routed");
	all = request_routes(&n);
	ASSERT_INT_EQ(n, MSG_TYPE_MAX);
	for (i = 0; i < n; i++) {
		if (all[i].fn == NULL)
			continue;
		routed++;
		ASSERT_INT_EQ((size_t)all[i].type, i);
		ASSERT_PTR_EQ(request_route(all[i].type), &all[i]);
	}
	ASSERT_INT_EQ(routed, sizeof(requests) / sizeof(requests[0]));
	for (i = 0; i < sizeof(requests) / sizeof(requests[0]); i++) {
		rt = request_route(requests[i]);
		ASSERT_PTR_NE(rt, NULL);
		ASSERT_INT_EQ(rt->need, requests[i] == MSG_ENROLL_REQUEST ?
		    NEED_ENROLL : NEED_DEVICE);
	}
	for (i = 0; i < sizeof(others) / sizeof(others[0]); i++)
		ASSERT_PTR_EQ(request_route(others[i]), NULL);
	ASSERT_PTR_EQ(request_route((enum msg_type)MSG_TYPE_MAX), NULL);
	ASSERT_PTR_EQ(request_route((enum msg_type)-1), NULL);
	TEST_DONE();
}

static void
test_hooks(void)
{
	TEST_START("dispatch: audit hooks on the requests audited as such");
	ASSERT_PTR_NE(request_route(MSG_CASE_CREATE)->audit, NULL);
	ASSERT_PTR_NE(request_route(MSG_CASE_MEMBER)->audit, NULL);
	ASSERT_PTR_NE(request_route(MSG_PURGE_RECEIPT)->audit, NULL);
	/* starting or ending an access with an end time wakes the timer */
	ASSERT_INT_EQ(request_route(MSG_TRANSFER_DECISION)->access, 1);
	ASSERT_INT_EQ(request_route(MSG_GLASS_REQUEST)->access, 1);
	ASSERT_INT_EQ(request_route(MSG_PULL_REQUEST)->access, 0);
	TEST_DONE();
}

int
main(void)
{
	test_rows();
	test_hooks();
	return 0;
}
