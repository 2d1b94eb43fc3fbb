/* SPDX-License-Identifier: ISC */
/*
 * test_wire_transfer.c - wire_decode of the transfer, team and glass
 * messages (Envelope fields 70..77): each round trips; unknown reasons
 * and actions, missing or extra fields of a decision, empty, 513-byte,
 * non-UTF-8 or control-character texts, id 0, bad UUIDs, unknown
 * states and too many list entries are refused before the server (or
 * the laptop) looks at them.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "errors.h"
#include "frame.h"
#include "test.h"
#include "test_wire.h"
#include "wire.h"
#include "wire_transfer.h"

static const char CASE1[] = "11111111-1111-4111-8111-111111111111";

static void
test_request(void)
{
	Casesync__V1__TransferRequest	 m;
	wire_env			 env;
	char				 note[WIRE_TEXT_MAX + 2];

	TEST_START("TransferRequest: reasons, office, note");
	casesync__v1__envelope__init(&env);
	casesync__v1__transfer_request__init(&m);
	env.id = 3;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_TRANSFER_REQUEST;
	env.transfer_request = &m;
	m.case_id = (char *)(uintptr_t)CASE1;
	m.to_office = (char *)(uintptr_t)"Lelystad";
	m.reason = (char *)(uintptr_t)"moved";
	ASSERT_INT_EQ(test_wire_ok(&env), 1);		/* note "" is allowed */
	m.reason = (char *)(uintptr_t)"expertise";
	m.note = (char *)(uintptr_t)"gezin verhuisd";
	ASSERT_INT_EQ(test_wire_ok(&env), 1);
	m.reason = (char *)(uintptr_t)"Moved";
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	m.reason = (char *)(uintptr_t)"";
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	m.reason = (char *)(uintptr_t)"other";
	m.to_office = (char *)(uintptr_t)"";
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	m.to_office = (char *)(uintptr_t)"Lelystad";
	m.case_id = (char *)(uintptr_t)"11111111-1111-4111-8111-11111111111";
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	m.case_id = (char *)(uintptr_t)CASE1;
	memset(note, 'a', sizeof(note));
	note[WIRE_TEXT_MAX] = '\0';
	m.note = note;
	ASSERT_INT_EQ(test_wire_ok(&env), 1);		/* 512 bytes */
	note[WIRE_TEXT_MAX] = 'a';
	note[WIRE_TEXT_MAX + 1] = '\0';
	ASSERT_INT_EQ(test_wire_ok(&env), 0);		/* 513 */
	m.note = (char *)(uintptr_t)"regel\nregel";
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	m.note = (char *)(uintptr_t)"\xc3\x28";
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	m.note = (char *)(uintptr_t)"   ";
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	TEST_DONE();
}

static void
test_decision(void)
{
	Casesync__V1__TransferDecision	 m;
	wire_env			 env;

	TEST_START("TransferDecision: each action with exactly its fields");
	casesync__v1__envelope__init(&env);
	casesync__v1__transfer_decision__init(&m);
	env.id = 4;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_TRANSFER_DECISION;
	env.transfer_decision = &m;
	m.transfer_id = 1;
	m.action = CASESYNC__V1__TRANSFER_ACTION__TRANSFER_ACCEPT;
	m.regisseur = (char *)(uintptr_t)"bram";
	ASSERT_INT_EQ(test_wire_ok(&env), 1);
	m.reason = (char *)(uintptr_t)"ok";
	/* accept has no reason */
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	m.reason = (char *)(uintptr_t)"";
	m.regisseur = (char *)(uintptr_t)"";
	ASSERT_INT_EQ(test_wire_ok(&env), 0);		/* accept names one */
	m.action = CASESYNC__V1__TRANSFER_ACTION__TRANSFER_REJECT;
	/* reject needs a reason */
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	m.reason = (char *)(uintptr_t)"geen plek";
	ASSERT_INT_EQ(test_wire_ok(&env), 1);
	m.regisseur = (char *)(uintptr_t)"bram";
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	m.regisseur = (char *)(uintptr_t)"";
	m.reason = (char *)(uintptr_t)"";
	m.action = CASESYNC__V1__TRANSFER_ACTION__TRANSFER_REVOKE;
	ASSERT_INT_EQ(test_wire_ok(&env), 1);
	m.action = CASESYNC__V1__TRANSFER_ACTION__TRANSFER_ACTION_UNSPECIFIED;
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	m.action = (Casesync__V1__TransferAction)9;
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	m.action = CASESYNC__V1__TRANSFER_ACTION__TRANSFER_REVOKE;
	m.transfer_id = 0;
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	m.transfer_id = (uint64_t)INT64_MAX + 1;
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	m.transfer_id = (uint64_t)INT64_MAX;
	ASSERT_INT_EQ(test_wire_ok(&env), 1);
	TEST_DONE();
}

static void
info_init(Casesync__V1__TransferInfo *t)
{
	casesync__v1__transfer_info__init(t);
	t->transfer_id = 2;
	t->case_id = (char *)(uintptr_t)CASE1;
	t->state = (char *)(uintptr_t)"ACCEPTED";
	t->reason = (char *)(uintptr_t)"capacity";
	t->from_office = (char *)(uintptr_t)"Zwolle";
	t->to_office = (char *)(uintptr_t)"Lelystad";
	t->requested_by = (char *)(uintptr_t)"anna";
	t->requested_at = 1798588800;
	t->decided_by = (char *)(uintptr_t)"lars";
	t->new_regisseur = (char *)(uintptr_t)"bram";
	t->window_end = 1798588800 + 14 * 86400;
	t->purges_pending = 2;
}

static void
test_info_list(void)
{
	Casesync__V1__TransferInfo	 t, *many[WIRE_TRANSFERS_MAX + 1];
	Casesync__V1__TransferList	 l;
	Casesync__V1__TransferListRequest lr;
	wire_env			 env;
	size_t				 i;

	TEST_START("TransferInfo and TransferList: states, sizes");
	casesync__v1__envelope__init(&env);
	info_init(&t);
	env.id = 5;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_TRANSFER_INFO;
	env.transfer_info = &t;
	ASSERT_INT_EQ(test_wire_ok(&env), 1);
	t.state = (char *)(uintptr_t)"DONE";
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	t.state = (char *)(uintptr_t)"COMPLETED";
	t.requested_by = (char *)(uintptr_t)"";
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	t.requested_by = (char *)(uintptr_t)"anna";
	t.window_end = -1;
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	info_init(&t);
	t.transfer_id = 0;
	ASSERT_INT_EQ(test_wire_ok(&env), 0);

	info_init(&t);
	for (i = 0; i < WIRE_TRANSFERS_MAX + 1; i++)
		many[i] = &t;
	casesync__v1__transfer_list__init(&l);
	l.transfers = many;
	l.n_transfers = WIRE_TRANSFERS_MAX;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_TRANSFER_LIST;
	env.transfer_list = &l;
	ASSERT_INT_EQ(test_wire_ok(&env), 1);
	l.n_transfers = WIRE_TRANSFERS_MAX + 1;
	ASSERT_INT_EQ(test_wire_ok(&env), 0);

	casesync__v1__transfer_list_request__init(&lr);
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_TRANSFER_LIST_REQUEST;
	env.transfer_list_request = &lr;
	lr.after = 7;
	ASSERT_INT_EQ(test_wire_ok(&env), 1);
	lr.after = (uint64_t)INT64_MAX + 1;
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	TEST_DONE();
}

static void
test_info_preview(void)
{
	Casesync__V1__TransferInfo	 t;
	Casesync__V1__CaseInfo		 ci;
	Casesync__V1__CaseDeadline	 dl, *dlp[1] = { &dl };
	wire_env			 env;

	TEST_START("TransferInfo preview: case info of the case, counts");
	casesync__v1__envelope__init(&env);
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_TRANSFER_INFO;
	env.transfer_info = &t;
	info_init(&t);
	t.state = (char *)(uintptr_t)"REQUESTED";
	casesync__v1__case_info__init(&ci);
	ci.case_id = (char *)(uintptr_t)CASE1;
	ci.frame = (char *)(uintptr_t)"DRANG";
	ci.state = (char *)(uintptr_t)"DRANG_INTENSIEF";
	ci.state_since = (char *)(uintptr_t)"2026-11-02";
	ci.drang_start = (char *)(uintptr_t)"2026-11-02";
	casesync__v1__case_deadline__init(&dl);
	dl.kind = (char *)(uintptr_t)"toetsing";
	dl.due = (char *)(uintptr_t)"2026-12-14";
	dl.days_left = 14;
	ci.deadlines = dlp;
	ci.n_deadlines = 1;
	t.case_info = &ci;
	t.records = 14;
	t.person_records = 4;
	t.measure_records = 10;
	t.regisseur = (char *)(uintptr_t)"anna";
	ASSERT_INT_EQ(test_wire_ok(&env), 1);
	t.measure_records = 11;		/* 4 + 11 > 14 */
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	t.measure_records = 0;
	t.person_records = 15;
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	t.person_records = 4;
	t.regisseur = (char *)(uintptr_t)"\xff";
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	t.regisseur = (char *)(uintptr_t)"";
	ASSERT_INT_EQ(test_wire_ok(&env), 1);
	/* the case info of another case */
	ci.case_id = (char *)(uintptr_t)"22222222-2222-4222-8222-222222222222";
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	ci.case_id = (char *)(uintptr_t)CASE1;
	ci.state = (char *)(uintptr_t)"SLAPEND";
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	ci.state = (char *)(uintptr_t)"DRANG_INTENSIEF";
	dl.due = (char *)(uintptr_t)"14-12-2026";
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	TEST_DONE();
}

static void
test_team_glass(void)
{
	Casesync__V1__TeamAssign	ta;
	Casesync__V1__GlassRequest	gr;
	Casesync__V1__GlassGrant	gg;
	wire_env			env;

	TEST_START("TeamAssign, GlassRequest, GlassGrant");
	casesync__v1__envelope__init(&env);
	env.id = 6;
	casesync__v1__team_assign__init(&ta);
	ta.case_id = (char *)(uintptr_t)CASE1;
	ta.regisseur = (char *)(uintptr_t)"dirk";
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_TEAM_ASSIGN;
	env.team_assign = &ta;
	ASSERT_INT_EQ(test_wire_ok(&env), 1);
	ta.regisseur = (char *)(uintptr_t)"";
	ASSERT_INT_EQ(test_wire_ok(&env), 0);

	casesync__v1__glass_request__init(&gr);
	gr.case_id = (char *)(uintptr_t)CASE1;
	gr.reason = (char *)(uintptr_t)"spoedmelding politie";
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_GLASS_REQUEST;
	env.glass_request = &gr;
	ASSERT_INT_EQ(test_wire_ok(&env), 1);
	gr.reason = (char *)(uintptr_t)"";
	/* a reason is required */
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	gr.reason = (char *)(uintptr_t)"x\x1b[2J";
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	gr.reason = (char *)(uintptr_t)"spoed";
	gr.case_id = (char *)(uintptr_t)"";
	ASSERT_INT_EQ(test_wire_ok(&env), 0);

	casesync__v1__glass_grant__init(&gg);
	gg.case_id = (char *)(uintptr_t)CASE1;
	gg.expires_at = 1798588800;
	gg.seq = 9;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_GLASS_GRANT;
	env.glass_grant = &gg;
	ASSERT_INT_EQ(test_wire_ok(&env), 1);
	gg.expires_at = 0;
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	TEST_DONE();
}

static void
test_glass_list(void)
{
	Casesync__V1__GlassListRequest	 q;
	Casesync__V1__GlassList		 l;
	Casesync__V1__GlassUse		 u[2], *up[2] = { &u[0], &u[1] };
	Casesync__V1__CaseMember	 cm;
	wire_env			 env;
	int				 i;

	TEST_START("GlassListRequest, GlassList, CaseMember.new_regisseur");
	casesync__v1__envelope__init(&env);
	env.id = 7;
	casesync__v1__glass_list_request__init(&q);
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_GLASS_LIST_REQUEST;
	env.glass_list_request = &q;
	ASSERT_INT_EQ(test_wire_ok(&env), 1);
	q.after = -1;
	ASSERT_INT_EQ(test_wire_ok(&env), 0);

	for (i = 0; i < 2; i++) {
		casesync__v1__glass_use__init(&u[i]);
		u[i].id = i + 1;
		u[i].case_id = (char *)(uintptr_t)CASE1;
		u[i].user = (char *)(uintptr_t)"eva";
		u[i].user_office = (char *)(uintptr_t)"Utrecht";
		u[i].reason = (char *)(uintptr_t)"spoed";
		u[i].granted_at = 1798588800;
		u[i].expires_at = 1798588800 + 3600;
	}
	casesync__v1__glass_list__init(&l);
	l.uses = up;
	l.n_uses = 2;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_GLASS_LIST;
	env.glass_list = &l;
	ASSERT_INT_EQ(test_wire_ok(&env), 1);
	u[1].id = 1;				/* ids ascend */
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	u[1].id = 2;
	u[1].reason = (char *)(uintptr_t)"x\x1b[2J";
	ASSERT_INT_EQ(test_wire_ok(&env), 0);		/* printable only */
	u[1].reason = (char *)(uintptr_t)"spoed";
	u[1].user = (char *)(uintptr_t)"";
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	u[1].user = (char *)(uintptr_t)"eva";
	u[1].ended_at = -1;
	ASSERT_INT_EQ(test_wire_ok(&env), 0);

	casesync__v1__case_member__init(&cm);
	cm.case_id = (char *)(uintptr_t)CASE1;
	cm.user_name = (char *)(uintptr_t)"anna";
	cm.remove = 1;
	cm.new_regisseur = (char *)(uintptr_t)"bert";
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_CASE_MEMBER;
	env.case_member = &cm;
	ASSERT_INT_EQ(test_wire_ok(&env), 1);
	cm.remove = 0;				/* only with a removal */
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	TEST_DONE();
}

int
main(void)
{
	test_request();
	test_decision();
	test_info_list();
	test_info_preview();
	test_team_glass();
	test_glass_list();
	ASSERT_STR_EQ(wire_error_name(
	    CASESYNC__V1__ERROR_CODE__ERROR_GLASS_LIMIT), "GLASS_LIMIT");
	ASSERT_STR_EQ(wire_error_name(
	    CASESYNC__V1__ERROR_CODE__ERROR_OWN_TRANSFER), "OWN_TRANSFER");
	return 0;
}
