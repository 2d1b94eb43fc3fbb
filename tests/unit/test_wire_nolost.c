/* SPDX-License-Identifier: ISC */
/*
 * test_wire_nolost.c - wire_decode of the fields that keep written work
 * from being lost: a ChangeResult may be late only when APPLIED, held
 * or discarded only when FORBIDDEN, never both, and names who decided
 * only when discarded; PullResponse.case_access has valid ids, known
 * modes, no negative times and at most WIRE_ACCESS_MAX entries; a held
 * PurgeReceipt deleted nothing and names 1..WIRE_HELD_MAX changes, a
 * real one names none.  Everything else is refused before the laptop
 * (or the server) looks at it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "errors.h"
#include "frame.h"
#include "test.h"
#include "wire.h"
#include "wire_nolost.h"

static const char CASE1[] = "11111111-1111-4111-8111-111111111111";

/* 1 if "env" survives an encode and wire_decode, 0 if refused. */
static int
decodes(wire_env *env)
{
	struct buf	*b;
	wire_env	*out = NULL;
	const uint8_t	*p;
	size_t		 len;
	int		 r;

	b = buf_new(FRAME_MAX_DEFAULT);
	ASSERT_INT_EQ(wire_encode(env, FRAME_MAX_DEFAULT, b), 0);
	ASSERT_INT_EQ(frame_get(b, FRAME_MAX_DEFAULT, &p, &len), 0);
	r = wire_decode(p, len, &out);
	buf_free(b);
	wire_free(out);
	if (r != 0)
		ASSERT_INT_EQ(r, CS_ERR_FORMAT);
	return r == 0;
}

static int
result(Casesync__V1__ChangeStatus status, int late, int held, int discarded,
    const char *by)
{
	Casesync__V1__ChangeResult	 cr, *crp = &cr;
	Casesync__V1__PushResponse	 pr;
	wire_env			 env;

	casesync__v1__change_result__init(&cr);
	cr.change_id = (char *)(uintptr_t)CASE1;
	cr.status = status;
	cr.late = late;
	cr.held = held;
	cr.discarded = discarded;
	cr.decided_by = (char *)(uintptr_t)by;
	casesync__v1__push_response__init(&pr);
	pr.results = &crp;
	pr.n_results = 1;
	casesync__v1__envelope__init(&env);
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_PUSH_RESPONSE;
	env.push_response = &pr;
	return decodes(&env);
}

static void
test_result(void)
{
	TEST_START("ChangeResult: late, held, discarded, decided_by");
	ASSERT_INT_EQ(result(CASESYNC__V1__CHANGE_STATUS__CHANGE_APPLIED,
	    1, 0, 0, ""), 1);
	ASSERT_INT_EQ(result(CASESYNC__V1__CHANGE_STATUS__CHANGE_FORBIDDEN,
	    0, 1, 0, ""), 1);
	ASSERT_INT_EQ(result(CASESYNC__V1__CHANGE_STATUS__CHANGE_FORBIDDEN,
	    0, 0, 1, "lars"), 1);
	ASSERT_INT_EQ(result(CASESYNC__V1__CHANGE_STATUS__CHANGE_FORBIDDEN,
	    1, 0, 0, ""), 0);
	ASSERT_INT_EQ(result(CASESYNC__V1__CHANGE_STATUS__CHANGE_APPLIED,
	    0, 1, 0, ""), 0);
	ASSERT_INT_EQ(result(CASESYNC__V1__CHANGE_STATUS__CHANGE_CONFLICT,
	    0, 0, 1, ""), 0);
	ASSERT_INT_EQ(result(CASESYNC__V1__CHANGE_STATUS__CHANGE_FORBIDDEN,
	    0, 1, 1, ""), 0);
	ASSERT_INT_EQ(result(CASESYNC__V1__CHANGE_STATUS__CHANGE_FORBIDDEN,
	    0, 1, 0, "lars"), 0);
	ASSERT_INT_EQ(result(CASESYNC__V1__CHANGE_STATUS__CHANGE_FORBIDDEN,
	    0, 0, 1, "\xff\xfe"), 0);
	TEST_DONE();
}

static int
access_list(size_t n, const char *id, const char *mode, int64_t since,
    int64_t until)
{
	Casesync__V1__CaseAccess	*a, **ap;
	Casesync__V1__PullResponse	 pr;
	wire_env			 env;
	size_t				 i;
	int				 r;

	ASSERT_PTR_NE(a = calloc(n + 1, sizeof(*a)), NULL);
	ASSERT_PTR_NE(ap = calloc(n + 1, sizeof(*ap)), NULL);
	for (i = 0; i < n; i++) {
		casesync__v1__case_access__init(&a[i]);
		a[i].case_id = (char *)(uintptr_t)id;
		a[i].mode = (char *)(uintptr_t)mode;
		a[i].since = since;
		a[i].until = until;
		ap[i] = &a[i];
	}
	casesync__v1__pull_response__init(&pr);
	pr.case_access = ap;
	pr.n_case_access = n;
	casesync__v1__envelope__init(&env);
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_PULL_RESPONSE;
	env.pull_response = &pr;
	r = decodes(&env);
	free(a);
	free(ap);
	return r;
}

static void
test_access(void)
{
	TEST_START("PullResponse.case_access: ids, modes, times, count");
	ASSERT_INT_EQ(access_list(1, CASE1, "handover", 1, 2), 1);
	ASSERT_INT_EQ(access_list(1, CASE1, "glass", 0, 0), 1);
	ASSERT_INT_EQ(access_list(1, CASE1, "read_only", 0, 0), 1);
	ASSERT_INT_EQ(access_list(WIRE_ACCESS_MAX, CASE1, "glass", 0, 0), 1);
	ASSERT_INT_EQ(access_list(WIRE_ACCESS_MAX + 1, CASE1, "glass", 0, 0),
	    0);
	ASSERT_INT_EQ(access_list(1, CASE1, "writer", 0, 0), 0);
	ASSERT_INT_EQ(access_list(1, CASE1, "", 0, 0), 0);
	ASSERT_INT_EQ(access_list(1, "11111111-1111-4111-8111-11111111111",
	    "glass", 0, 0), 0);
	ASSERT_INT_EQ(access_list(1, CASE1, "glass", -1, 0), 0);
	ASSERT_INT_EQ(access_list(1, CASE1, "glass", 0, -1), 0);
	TEST_DONE();
}

static int
receipt(uint32_t deleted, int held, uint32_t n)
{
	Casesync__V1__PurgeReceipt	pr;
	wire_env			env;

	casesync__v1__purge_receipt__init(&pr);
	pr.case_id = (char *)(uintptr_t)CASE1;
	pr.records_deleted = deleted;
	pr.held = held;
	pr.held_changes = n;
	casesync__v1__envelope__init(&env);
	env.id = 1;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_PURGE_RECEIPT;
	env.purge_receipt = &pr;
	return decodes(&env);
}

static void
test_receipt(void)
{
	TEST_START("PurgeReceipt: held or done, never both");
	ASSERT_INT_EQ(receipt(5, 0, 0), 1);
	ASSERT_INT_EQ(receipt(0, 1, 1), 1);
	ASSERT_INT_EQ(receipt(0, 1, WIRE_HELD_MAX), 1);
	ASSERT_INT_EQ(receipt(0, 1, WIRE_HELD_MAX + 1), 0);
	ASSERT_INT_EQ(receipt(0, 1, 0), 0);
	ASSERT_INT_EQ(receipt(5, 1, 1), 0);
	ASSERT_INT_EQ(receipt(5, 0, 1), 0);
	TEST_DONE();
}

int
main(void)
{
	test_result();
	test_access();
	test_receipt();
	return 0;
}
