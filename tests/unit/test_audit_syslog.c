/* SPDX-License-Identifier: ISC */
/*
 * test_audit_syslog.c - unit tests for audit_syslog_format(): the RFC
 * 5424 header (PRI from the outcome, UTC time, "-" for a host or app
 * that is not PRINTUSASCII), the §6.3.3 escapes in a PARAM-VALUE,
 * empty texts and zero ids left out, the largest entry fits
 * AUDIT_SYSLOG_MSG_MAX, and a buffer one byte short is refused whole.
 */
#include <string.h>

#include "audit.h"
#include "audit_syslog.h"
#include "errors.h"
#include "test.h"

static void
test_format(void)
{
	struct audit_entry	e;
	char			m[AUDIT_SYSLOG_MSG_MAX];
	size_t			len;

	TEST_START("audit_syslog_format: header and escapes");
	audit_entry_init(&e, "login", AUDIT_EXECUTE, 1);
	e.idx = 7;
	e.server_time = 1796536250;	/* 2026-12-06T05:50:50Z */
	audit_set(e.user, "anna");
	audit_set(e.office, "Zwolle \"N\" [2] \\ O");
	ASSERT_INT_EQ(audit_syslog_format(&e, "host", "casesyncd", 42, m,
	    sizeof(m), &len), 0);
	ASSERT_INT_EQ(len, strlen(m));
	ASSERT_STR_EQ(m, "<85>1 2026-12-06T05:50:50Z host casesyncd 42 audit "
	    "[casesync-audit@32473 idx=\"7\" server_time=\"1796536250\" "
	    "type=\"login\" action=\"E\" outcome=\"success\" user=\"anna\" "
	    "office=\"Zwolle \\\"N\\\" [2\\] \\\\ O\"] casesync audit entry "
	    "7: login success");
	audit_entry_init(&e, "login", AUDIT_EXECUTE, 0);
	e.server_time = 1796536250;
	ASSERT_INT_EQ(audit_syslog_format(&e, "a host", "", 1, m, sizeof(m),
	    &len), 0);
	ASSERT_INT_EQ(strncmp(m, "<84>1 2026-12-06T05:50:50Z - - 1 audit ",
	    39), 0);
	TEST_DONE();
}

static void
test_bounds(void)
{
	struct audit_entry	e;
	char			m[AUDIT_SYSLOG_MSG_MAX];
	char			big[AUDIT_STR_MAX + 1];
	size_t			len, need;

	TEST_START("audit_syslog_format: the largest entry, a short buffer");
	memset(big, ']', AUDIT_STR_MAX);	/* each escaped: twice */
	big[AUDIT_STR_MAX] = '\0';
	audit_entry_init(&e, big, AUDIT_EXECUTE, 1);
	e.idx = INT64_MAX;
	e.server_time = e.device_time = e.user_id = e.device_id = INT64_MAX;
	audit_set(e.outcome, big);
	audit_set(e.user, big);
	audit_set(e.role, big);
	audit_set(e.office, big);
	audit_set(e.on_behalf_of, big);
	audit_set(e.purpose, big);
	audit_set(e.basis, big);
	audit_set(e.legal_basis, big);
	audit_set(e.client_ref, big);
	audit_set(e.object_type, big);
	audit_set(e.object_id, big);
	audit_set(e.addr, big);
	audit_set(e.detail, big);
	ASSERT_INT_EQ(audit_syslog_format(&e, "h", "a", 1, m, sizeof(m),
	    &len), 0);
	need = len + 1;
	ASSERT_INT_EQ(audit_syslog_format(&e, "h", "a", 1, m, need, &len), 0);
	ASSERT_INT_EQ(audit_syslog_format(&e, "h", "a", 1, m, need - 1,
	    &len), CS_ERR_TOO_LARGE);
	ASSERT_INT_EQ(len, 0);
	ASSERT_STR_EQ(m, "");
	ASSERT_INT_EQ(audit_syslog_format(&e, "h", "a", 1, m, 0, &len),
	    CS_ERR_TOO_LARGE);
	TEST_DONE();
}

int
main(void)
{
	test_format();
	test_bounds();
	return 0;
}
