/* SPDX-License-Identifier: ISC */
/*
 * test_wire_cases.c - wire_decode of the lifecycle messages (Envelope
 * fields 60..64): CaseState, CaseInfoRequest and CaseInfo round trip;
 * unknown states, impossible dates, oversize or invalid reasons and
 * malformed deadlines are refused before the server looks at them.
 */
#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "e2e.h"
#include "errors.h"
#include "frame.h"
#include "lifecycle.h"
#include "measure.h"
#include "test.h"
#include "test_wire.h"
#include "wire.h"

/* deadlines per CaseInfo: the family's and its children's measures' */
#define WDL_MAX	(LC_DEADLINES_MAX + MS_DEADLINES_MAX)

static const char CASE1[] = "11111111-1111-4111-8111-111111111111";

static void
state_init(wire_env *env, Casesync__V1__CaseState *cs)
{
	casesync__v1__envelope__init(env);
	casesync__v1__case_state__init(cs);
	cs->case_id = (char *)(uintptr_t)CASE1;
	cs->to_state = (char *)(uintptr_t)"DRANG_VERVOLG";
	cs->effective_date = (char *)(uintptr_t)"2028-02-29";
	cs->end_date = (char *)(uintptr_t)"2028-05-29";
	cs->reason = (char *)(uintptr_t)"gezin werkt mee";
	cs->approved_by = (char *)(uintptr_t)"femke";
	env->id = 7;
	env->msg_case = CASESYNC__V1__ENVELOPE__MSG_CASE_STATE;
	env->case_state = cs;
}

static void
test_case_state(void)
{
	Casesync__V1__CaseState	 cs;
	wire_env		 env, *out = NULL;
	char			 reason[LC_REASON_MAX + 2];

	TEST_START("CaseState: round trip; bad state, date, reason refused");
	state_init(&env, &cs);
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), 0);
	ASSERT_INT_EQ(out->msg_case, CASESYNC__V1__ENVELOPE__MSG_CASE_STATE);
	ASSERT_STR_EQ(out->case_state->to_state, "DRANG_VERVOLG");
	ASSERT_STR_EQ(out->case_state->end_date, "2028-05-29");
	wire_free(out);
	cs.effective_date = (char *)(uintptr_t)"";	/* "": today */
	cs.end_date = (char *)(uintptr_t)"";
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), 0);
	wire_free(out);

	state_init(&env, &cs);
	cs.to_state = (char *)(uintptr_t)"drang_vervolg";
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), CS_ERR_FORMAT);
	cs.to_state = (char *)(uintptr_t)"";
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), CS_ERR_FORMAT);
	state_init(&env, &cs);
	cs.effective_date = (char *)(uintptr_t)"2027-02-29";
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), CS_ERR_FORMAT);
	cs.effective_date = (char *)(uintptr_t)"2027-2-28";
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), CS_ERR_FORMAT);
	state_init(&env, &cs);
	cs.end_date = (char *)(uintptr_t)"2100-02-29";
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), CS_ERR_FORMAT);
	state_init(&env, &cs);
	cs.case_id = (char *)(uintptr_t)"not-a-uuid";
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), CS_ERR_FORMAT);

	state_init(&env, &cs);
	memset(reason, 'r', LC_REASON_MAX);
	reason[LC_REASON_MAX] = '\0';
	cs.reason = reason;
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), 0);	/* 512 bytes */
	wire_free(out);
	reason[LC_REASON_MAX] = 'r';
	reason[LC_REASON_MAX + 1] = '\0';
	/* 513 */
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), CS_ERR_FORMAT);
	cs.reason = (char *)(uintptr_t)"bad \xed\xa0\x80 surrogate";
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), CS_ERR_FORMAT);
	ASSERT_PTR_EQ(out, NULL);
	TEST_DONE();
}

static void
test_case_info(void)
{
	Casesync__V1__CaseInfoRequest	 rq;
	Casesync__V1__CaseInfo		 ci;
	Casesync__V1__CaseDeadline	 dl[WDL_MAX + 1];
	Casesync__V1__CaseDeadline	*dlp[WDL_MAX + 1];
	wire_env			 env, *out = NULL;
	size_t				 i;

	TEST_START("CaseInfoRequest and CaseInfo; malformed deadlines refused");
	casesync__v1__envelope__init(&env);
	casesync__v1__case_info_request__init(&rq);
	rq.case_id = (char *)(uintptr_t)CASE1;
	env.id = 8;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_CASE_INFO_REQUEST;
	env.case_info_request = &rq;
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), 0);
	wire_free(out);
	rq.case_id = (char *)(uintptr_t)"";
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), CS_ERR_FORMAT);

	casesync__v1__case_info__init(&ci);
	ci.case_id = (char *)(uintptr_t)CASE1;
	ci.frame = (char *)(uintptr_t)"DRANG";
	ci.state = (char *)(uintptr_t)"DRANG_INTENSIEF";
	ci.state_since = (char *)(uintptr_t)"2026-11-30";
	ci.drang_start = (char *)(uintptr_t)"2026-11-30";
	for (i = 0; i < WDL_MAX + 1; i++) {
		casesync__v1__case_deadline__init(&dl[i]);
		dl[i].kind = (char *)(uintptr_t)"toetsing";
		dl[i].due = (char *)(uintptr_t)"2027-01-11";
		dl[i].days_left = 42;
		dlp[i] = &dl[i];
	}
	ci.deadlines = dlp;
	ci.n_deadlines = 1;
	casesync__v1__envelope__init(&env);
	env.id = 8;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_CASE_INFO;
	env.case_info = &ci;
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), 0);
	ASSERT_STR_EQ(out->case_info->deadlines[0]->due, "2027-01-11");
	ASSERT_INT_EQ(out->case_info->deadlines[0]->days_left, 42);
	wire_free(out);
	/* the family's and the children's: LC_ + MS_DEADLINES_MAX */
	ci.n_deadlines = WDL_MAX;
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), 0);
	wire_free(out);
	ci.n_deadlines = WDL_MAX + 1;
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), CS_ERR_FORMAT);
	ci.n_deadlines = 1;
	/* a deadline's child: "" or a UUID */
	dl[0].child_id = (char *)(uintptr_t)CASE1;
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), 0);
	ASSERT_STR_EQ(out->case_info->deadlines[0]->child_id, CASE1);
	wire_free(out);
	dl[0].child_id = (char *)(uintptr_t)"kind 1";
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), CS_ERR_FORMAT);
	dl[0].child_id = (char *)(uintptr_t)"";
	dl[0].due = (char *)(uintptr_t)"";
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), CS_ERR_FORMAT);
	dl[0].due = (char *)(uintptr_t)"2027-01-11";
	dl[0].kind = (char *)(uintptr_t)"Toetsing!";
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), CS_ERR_FORMAT);
	dl[0].kind = (char *)(uintptr_t)"toetsing";
	ci.frame = (char *)(uintptr_t)"JR";
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), CS_ERR_FORMAT);
	ci.frame = (char *)(uintptr_t)"DRANG";
	ci.state_since = (char *)(uintptr_t)"2026-11-31";
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), CS_ERR_FORMAT);
	TEST_DONE();
}

/* A ChildMeasureInfo in a CaseInfo, and one ChildMeasure, field by field. */
static void
test_measures(void)
{
	Casesync__V1__CaseInfo		 ci;
	Casesync__V1__ChildMeasureInfo	 mi[MS_MEASURES_MAX + 1];
	Casesync__V1__ChildMeasureInfo	*mip[MS_MEASURES_MAX + 1];
	Casesync__V1__ChildMeasure	 cm;
	wire_env			 env, *out = NULL;
	size_t				 i;

	TEST_START("ChildMeasure and CaseInfo.measures; malformed refused");
	casesync__v1__case_info__init(&ci);
	ci.case_id = (char *)(uintptr_t)CASE1;
	ci.frame = (char *)(uintptr_t)"OTS";
	ci.state = (char *)(uintptr_t)"MAATREGEL_OTS";
	for (i = 0; i < MS_MEASURES_MAX + 1; i++) {
		casesync__v1__child_measure_info__init(&mi[i]);
		mi[i].measure_id = i + 1;
		mi[i].child_id = (char *)(uintptr_t)CASE1;
		mi[i].type = (char *)(uintptr_t)"OTS";
		mi[i].decision_date = (char *)(uintptr_t)"2028-02-29";
		mi[i].start_date = (char *)(uintptr_t)"2028-02-29";
		mi[i].end_date = (char *)(uintptr_t)"2029-02-28";
		mi[i].status = (char *)(uintptr_t)"running";
		mip[i] = &mi[i];
	}
	ci.measures = mip;
	ci.n_measures = MS_MEASURES_MAX;
	casesync__v1__envelope__init(&env);
	env.id = 8;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_CASE_INFO;
	env.case_info = &ci;
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), 0);
	ASSERT_STR_EQ(out->case_info->measures[63]->status, "running");
	wire_free(out);
	ci.n_measures = MS_MEASURES_MAX + 1;
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), CS_ERR_FORMAT);
	ci.n_measures = 1;
	mi[0].status = (char *)(uintptr_t)"gone";
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), CS_ERR_FORMAT);
	mi[0].status = (char *)(uintptr_t)"lapsed";
	mi[0].decision_date = (char *)(uintptr_t)"";
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), CS_ERR_FORMAT);
	mi[0].decision_date = (char *)(uintptr_t)"2028-02-29";
	mi[0].type = (char *)(uintptr_t)"MACHTIGING";
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), CS_ERR_FORMAT);
	mi[0].type = (char *)(uintptr_t)"UHP";
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), 0);
	wire_free(out);

	casesync__v1__child_measure__init(&cm);
	cm.case_id = (char *)(uintptr_t)CASE1;
	cm.child_id = (char *)(uintptr_t)CASE1;
	cm.action = (char *)(uintptr_t)"end";
	cm.measure_id = 9;
	casesync__v1__envelope__init(&env);
	env.id = 8;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_CHILD_MEASURE;
	env.child_measure = &cm;
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), 0);
	ASSERT_INT_EQ(out->child_measure->measure_id, 9);
	wire_free(out);
	cm.measure_id = 0;
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), CS_ERR_FORMAT);
	cm.measure_id = 9;
	cm.action = (char *)(uintptr_t)"END";
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), CS_ERR_FORMAT);
	cm.action = (char *)(uintptr_t)"end";
	cm.end_date = (char *)(uintptr_t)"2100-02-29";
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), CS_ERR_FORMAT);
	cm.end_date = (char *)(uintptr_t)"2000-02-29";
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), 0);
	wire_free(out);
	cm.record_id = (char *)(uintptr_t)"not-a-uuid";
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), CS_ERR_FORMAT);
	TEST_DONE();
}

static void
test_case_list(void)
{
	Casesync__V1__CaseListRequest	 lr;
	Casesync__V1__CaseList		 cl;
	Casesync__V1__CaseInfo		 ci, *cip[WIRE_CASES_MAX + 1];
	wire_env			 env, *out = NULL;
	size_t				 i;

	TEST_START("CaseListRequest and CaseList: 500 cases, not 501; no "
	    "empty page with more");
	casesync__v1__envelope__init(&env);
	casesync__v1__case_list_request__init(&lr);
	env.id = 9;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_CASE_LIST_REQUEST;
	env.case_list_request = &lr;
	lr.after = (char *)(uintptr_t)"";
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), 0);
	wire_free(out);
	lr.after = (char *)(uintptr_t)CASE1;
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), 0);
	wire_free(out);
	lr.after = (char *)(uintptr_t)"11111111";
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), CS_ERR_FORMAT);

	casesync__v1__case_info__init(&ci);
	ci.case_id = (char *)(uintptr_t)CASE1;
	ci.frame = (char *)(uintptr_t)"OTS";
	ci.state = (char *)(uintptr_t)"MAATREGEL_OTS";
	for (i = 0; i < WIRE_CASES_MAX + 1; i++)
		cip[i] = &ci;
	casesync__v1__case_list__init(&cl);
	cl.cases = cip;
	cl.n_cases = WIRE_CASES_MAX;
	casesync__v1__envelope__init(&env);
	env.id = 9;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_CASE_LIST;
	env.case_list = &cl;
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), 0);
	ASSERT_INT_EQ(out->case_list->n_cases, WIRE_CASES_MAX);
	wire_free(out);
	cl.n_cases = WIRE_CASES_MAX + 1;
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), CS_ERR_FORMAT);
	/* "more" after a page of none would keep a laptop asking */
	cl.n_cases = 0;
	cl.more = 1;
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), CS_ERR_FORMAT);
	cl.n_cases = 1;
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), 0);
	ASSERT_INT_EQ(out->case_list->more, 1);
	wire_free(out);
	cl.more = 0;
	ci.state = (char *)(uintptr_t)"OPEN";
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), CS_ERR_FORMAT);
	TEST_DONE();
}

static void
test_key_backup_update(void)
{
	Casesync__V1__KeyBackupUpdate	 u;
	wire_env			 env, *out = NULL;
	uint8_t				 kb[E2E_BACKUP_LEN + 1], sig[E2E_SIG_LEN + 1];

	TEST_START("KeyBackupUpdate: a 173-byte backup and a 64-byte "
	    "signature exactly");
	memset(kb, 0x4b, sizeof(kb));
	memset(sig, 0x53, sizeof(sig));
	casesync__v1__envelope__init(&env);
	casesync__v1__key_backup_update__init(&u);
	u.key_backup.data = kb;
	u.key_backup.len = E2E_BACKUP_LEN;
	u.signature.data = sig;
	u.signature.len = E2E_SIG_LEN;
	env.id = 9;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_KEY_BACKUP_UPDATE;
	env.key_backup_update = &u;
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), 0);
	ASSERT_INT_EQ(out->msg_case,
	    CASESYNC__V1__ENVELOPE__MSG_KEY_BACKUP_UPDATE);
	ASSERT_MEM_EQ(out->key_backup_update->key_backup.data, kb,
	    E2E_BACKUP_LEN);
	wire_free(out);
	u.key_backup.len = E2E_BACKUP_LEN - 1;
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), CS_ERR_FORMAT);
	u.key_backup.len = E2E_BACKUP_LEN + 1;
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), CS_ERR_FORMAT);
	u.key_backup.len = E2E_BACKUP_LEN;
	u.signature.len = E2E_SIG_LEN - 1;
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), CS_ERR_FORMAT);
	u.signature.len = E2E_SIG_LEN + 1;
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), CS_ERR_FORMAT);
	u.signature.len = 0;
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), CS_ERR_FORMAT);
	ASSERT_PTR_EQ(out, NULL);
	TEST_DONE();
}

int
main(void)
{
	test_case_state();
	test_case_info();
	test_measures();
	test_case_list();
	test_key_backup_update();
	return 0;
}
