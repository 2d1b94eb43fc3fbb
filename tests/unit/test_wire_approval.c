/* SPDX-License-Identifier: ISC */
/*
 * test_wire_approval.c - wire_decode of the approval messages
 * (Envelope fields 121..125) and CaseInfo.close_reason: each round
 * trips; unknown kinds, states, roles and closing reasons, an end date
 * or a closing reason with the wrong kind or missing with the right
 * one, impossible dates, bad UUIDs, id 0 or past INT64_MAX, decided
 * fields on a waiting approval (and missing on a decided one), names
 * with control characters and too many list entries are refused before
 * the server (or the laptop) looks at them.  The fuzz seeds of these
 * messages (tests/fuzz/corpus/wire/approval-*) decode.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "errors.h"
#include "frame.h"
#include "msg.h"
#include "msg_approval.h"
#include "test.h"
#include "test_wire.h"
#include "wire.h"
#include "wire_approval.h"

#define S(x)	((char *)(uintptr_t)(x))

static const char CASE1[] = "11111111-1111-4111-8111-111111111111";
static const char REC1[] = "22222222-2222-4222-8222-222222222222";
static const char REC2[] = "33333333-3333-4333-8333-333333333333";

static void
test_request(void)
{
	Casesync__V1__ApprovalRequest	 m;
	wire_env			 env;

	TEST_START("ApprovalRequest: kinds with their own fields");
	casesync__v1__envelope__init(&env);
	casesync__v1__approval_request__init(&m);
	env.id = 3;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_APPROVAL_REQUEST;
	env.approval_request = &m;
	m.case_id = S(CASE1);
	m.record_id = S(REC1);
	m.kind = S("drang_extension");
	m.end_date = S("2027-03-31");
	ASSERT_INT_EQ(test_wire_ok(&env), 1);
	m.end_date = S("");			/* an extension needs its end */
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	m.end_date = S("2027-02-29");		/* no such day */
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	m.end_date = S("2028-02-29");		/* a leap day */
	ASSERT_INT_EQ(test_wire_ok(&env), 1);
	m.end_date = S("31-03-2027");
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	m.end_date = S("2027-03-31");
	m.close_reason = S("doel_bereikt");	/* not with an extension */
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	m.kind = S("case_close");
	ASSERT_INT_EQ(test_wire_ok(&env), 0);		/* not with an end */
	m.end_date = S("");
	ASSERT_INT_EQ(test_wire_ok(&env), 1);
	m.close_reason = S("maatregel");
	ASSERT_INT_EQ(test_wire_ok(&env), 1);
	m.close_reason = S("measure");		/* the CLI's word only */
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	m.close_reason = S("Doel_bereikt");
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	m.close_reason = S("");			/* a closing needs its reason */
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	m.kind = S("assessment_cosign");
	ASSERT_INT_EQ(test_wire_ok(&env), 1);
	m.kind = S("approval");
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	m.kind = S("");
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	m.kind = S("assessment_cosign");
	m.record_id = S("");			/* a request names a record */
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	m.record_id = S("22222222-2222-4222-8222-22222222222G");
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	m.record_id = S(REC1);
	m.case_id = S("11111111-1111-4111-8111-11111111111");
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	TEST_DONE();
}

static void
test_decision(void)
{
	Casesync__V1__ApprovalDecision	 m;
	wire_env			 env;

	TEST_START("ApprovalDecision: id 1..INT64_MAX, a record");
	casesync__v1__envelope__init(&env);
	casesync__v1__approval_decision__init(&m);
	env.id = 4;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_APPROVAL_DECISION;
	env.approval_decision = &m;
	m.approval_id = 1;
	m.approve = 1;
	m.record_id = S(REC2);
	ASSERT_INT_EQ(test_wire_ok(&env), 1);
	m.approve = 0;
	ASSERT_INT_EQ(test_wire_ok(&env), 1);
	m.approval_id = 0;
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	m.approval_id = (uint64_t)INT64_MAX;
	ASSERT_INT_EQ(test_wire_ok(&env), 1);
	m.approval_id = (uint64_t)INT64_MAX + 1;
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	m.approval_id = 2;
	m.record_id = S("");
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	TEST_DONE();
}

static void
info_init(Casesync__V1__ApprovalInfo *a)
{
	casesync__v1__approval_info__init(a);
	a->approval_id = 7;
	a->case_id = S(CASE1);
	a->kind = S("drang_extension");
	a->state = S("waiting");
	a->requested_by = S("anna");
	a->requested_device = S("laptop-anna");
	a->requested_at = 1798588800;
	a->record_id = S(REC1);
	a->end_date = S("2027-03-31");
	a->required_role = S("teamleider");
}

static void
test_info(void)
{
	Casesync__V1__ApprovalInfo	 a;
	wire_env			 env;

	TEST_START("ApprovalInfo: states and their decided fields");
	casesync__v1__envelope__init(&env);
	env.id = 5;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_APPROVAL_INFO;
	env.approval_info = &a;
	info_init(&a);
	ASSERT_INT_EQ(test_wire_ok(&env), 1);
	a.decided_by = S("femke");		/* waiting: nobody decided */
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	a.state = S("approved");		/* decided: all of it */
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	a.decided_device = S("laptop-femke");
	a.decided_at = 1798592400;
	ASSERT_INT_EQ(test_wire_ok(&env), 0);		/* no decision record */
	a.decision_record_id = S(REC2);
	ASSERT_INT_EQ(test_wire_ok(&env), 1);
	a.state = S("refused");
	ASSERT_INT_EQ(test_wire_ok(&env), 1);
	a.state = S("Approved");
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	a.state = S("approved");
	a.decided_at = 0;
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	a.decided_at = 1798592400;
	a.decided_by = S("femke\x1b[2J");	/* a terminal escape */
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	a.decided_by = S("femke");
	a.requested_by = S("");
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	a.requested_by = S("anna");
	a.requested_at = -1;
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	a.requested_at = 0;
	ASSERT_INT_EQ(test_wire_ok(&env), 1);
	a.required_role = S("jeugdbeschermer");
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	a.required_role = S("gedragswetenschapper");
	ASSERT_INT_EQ(test_wire_ok(&env), 1);
	a.end_date = S("");			/* an extension needs its end */
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	a.end_date = S("2027-03-31");
	a.approval_id = 0;
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	TEST_DONE();
}

static void
test_list(void)
{
	Casesync__V1__ApprovalListRequest	 lr;
	Casesync__V1__ApprovalList		 l;
	Casesync__V1__ApprovalInfo		*items, **ptrs;
	wire_env				 env;
	size_t					 i;

	TEST_START("ApprovalListRequest, ApprovalList: at most 500");
	casesync__v1__envelope__init(&env);
	casesync__v1__approval_list_request__init(&lr);
	env.id = 6;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_APPROVAL_LIST_REQUEST;
	env.approval_list_request = &lr;
	ASSERT_INT_EQ(test_wire_ok(&env), 1);		/* "": every case */
	lr.case_id = S(CASE1);
	lr.waiting_for_me = 1;
	ASSERT_INT_EQ(test_wire_ok(&env), 1);
	lr.case_id = S("not-a-case");
	ASSERT_INT_EQ(test_wire_ok(&env), 0);

	items = calloc(WIRE_APPROVALS_MAX + 1, sizeof(*items));
	ptrs = calloc(WIRE_APPROVALS_MAX + 1, sizeof(*ptrs));
	ASSERT_PTR_NE(items, NULL);
	ASSERT_PTR_NE(ptrs, NULL);
	for (i = 0; i <= WIRE_APPROVALS_MAX; i++) {
		info_init(&items[i]);
		items[i].approval_id = i + 1;
		ptrs[i] = &items[i];
	}
	casesync__v1__approval_list__init(&l);
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_APPROVAL_LIST;
	env.approval_list = &l;
	l.approvals = ptrs;
	l.n_approvals = 0;
	ASSERT_INT_EQ(test_wire_ok(&env), 1);
	l.n_approvals = WIRE_APPROVALS_MAX;
	ASSERT_INT_EQ(test_wire_ok(&env), 1);
	l.n_approvals = WIRE_APPROVALS_MAX + 1;
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	l.n_approvals = 3;
	items[1].kind = S("drang");		/* one bad item spoils all */
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	free(items);
	free(ptrs);
	TEST_DONE();
}

static void
test_case_info(void)
{
	Casesync__V1__CaseInfo	ci;
	wire_env		env;

	TEST_START("CaseInfo.close_reason: none or one of the five");
	casesync__v1__envelope__init(&env);
	casesync__v1__case_info__init(&ci);
	env.id = 7;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_CASE_INFO;
	env.case_info = &ci;
	ci.case_id = S(CASE1);
	ci.frame = S("DRANG");
	ci.state = S("AFSLUITING");
	ASSERT_INT_EQ(test_wire_ok(&env), 1);
	ci.close_reason = S("overleden");
	ASSERT_INT_EQ(test_wire_ok(&env), 1);
	ci.close_reason = S("klaar");
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	TEST_DONE();
}

/* The fuzz seeds of the approval messages are valid messages. */
static void
test_seeds(void)
{
	static const char *const seeds[] = {
		"approval-request-extension", "approval-request-close",
		"approval-request-cosign", "approval-decision",
		"approval-list-request", "approval-list",
		"approval-info-waiting",
	};
	uint8_t		 data[4096];
	char		 path[256];
	wire_env	*e;
	size_t		 i, n;
	FILE		*f;

	TEST_START("fuzz seeds of the approval messages decode");
	for (i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		snprintf(path, sizeof(path), "tests/fuzz/corpus/wire/%s",
		    seeds[i]);
		ASSERT_PTR_NE(f = fopen(path, "rb"), NULL);
		n = fread(data, 1, sizeof(data), f);
		fclose(f);
		e = NULL;
		if (wire_decode(data, n, &e) != 0)
			fprintf(stderr, "seed %s\n", seeds[i]);
		ASSERT_PTR_NE(e, NULL);
		ASSERT_TRUE(wire_approval_msg(e));
		wire_free(e);
	}
	TEST_DONE();
}

int
main(void)
{
	test_request();
	test_decision();
	test_info();
	test_list();
	test_case_info();
	test_seeds();
	return 0;
}
