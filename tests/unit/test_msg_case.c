/* SPDX-License-Identifier: ISC */
/*
 * test_msg_case.c - the plain-struct API of the case, transfer, team
 * and glass messages (msg_case.h, msg_transfer.h): each message encoded
 * with its msg_out_*(), decoded by msg_decode() (so wire.c validates
 * it) and read back with its msg_get_*() gives what was sent; a getter
 * of another message, or an item past the end of a list, is
 * CS_ERR_PROTOCOL; an encoder refuses what no peer would accept.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "errors.h"
#include "frame.h"
#include "msg.h"
#include "msg_case.h"
#include "msg_measure.h"
#include "msg_session.h"
#include "msg_transfer.h"
#include "test.h"

static const char CASE1[] = "11111111-1111-4111-8111-111111111111";
static const char CASE2[] = "22222222-2222-4222-8222-222222222222";

/* Encode "o" as request 9, decode it: 0 and *m, or the error. */
static int
roundtrip(struct msg_out o, struct msg **m)
{
	struct buf	*b;
	const uint8_t	*p;
	size_t		 len;
	int		 r;

	*m = NULL;
	b = buf_new(FRAME_MAX_DEFAULT);
	ASSERT_PTR_NE(b, NULL);
	if ((r = msg_encode(9, &o, FRAME_MAX_DEFAULT, b)) == 0) {
		ASSERT_INT_EQ(frame_get(b, FRAME_MAX_DEFAULT, &p, &len), 0);
		r = msg_decode(p, len, m);
		if (r == 0)
			ASSERT_INT_EQ(msg_id(*m), 9);
	}
	buf_free(b);
	return r;
}

static struct msg *
must(struct msg_out o, enum msg_type t)
{
	struct msg	*m;

	ASSERT_INT_EQ(roundtrip(o, &m), 0);
	ASSERT_INT_EQ(msg_type(m), t);
	return m;
}

static const char CHILD1[] = "33333333-3333-4333-8333-333333333333";
static const char REC1[] = "44444444-4444-4444-8444-444444444444";

static const struct msg_case_deadline info_dl[] = {
	{ "drang_end", "2027-05-29", 42, "" },
	{ "toetsing", "2027-01-11", -3, NULL },		/* sent as "" */
	{ "ots_end", "2028-02-29", 400, CHILD1 },
};

static const struct msg_measure_info info_ms[] = {
	{ 7, CHILD1, "UHP", "2027-03-01", "2027-03-01", "2028-02-29",
	    "running", 0, REC1, "" },
	{ 3, CHILD1, "OTS", "2027-02-28", "2027-03-01", "2028-02-29",
	    "running", 2, "", "" },
};

static void
info_fill(struct msg_case_info *ci, const char *cid)
{
	memset(ci, 0, sizeof(*ci));
	ci->case_id = cid;
	ci->frame = "DRANG";
	ci->state = "DRANG_VERVOLG";
	ci->state_since = "2027-01-11";
	ci->drang_start = "2026-11-30";
	ci->measure_start = "";
	ci->end_date = "2027-05-29";
	ci->extended = 1;
	ci->approved_by = "femke";
	ci->regisseur = "Saskia Öztürk";
	ci->n_deadlines = 3;
	ci->deadlines = info_dl;
	ci->n_measures = 2;
	ci->measures = info_ms;
}

static void
info_eq(const struct msg_case_info *a, const struct msg_case_info *b)
{
	struct msg_case_deadline	da, db;
	struct msg_measure_info		ma, mb;
	size_t				i;

	ASSERT_STR_EQ(a->case_id, b->case_id);
	ASSERT_STR_EQ(a->frame, b->frame);
	ASSERT_STR_EQ(a->state, b->state);
	ASSERT_STR_EQ(a->state_since, b->state_since);
	ASSERT_STR_EQ(a->drang_start, b->drang_start);
	ASSERT_STR_EQ(a->measure_start, b->measure_start);
	ASSERT_STR_EQ(a->end_date, b->end_date);
	ASSERT_INT_EQ(a->extended, b->extended);
	ASSERT_STR_EQ(a->approved_by, b->approved_by);
	ASSERT_STR_EQ(a->regisseur, b->regisseur);
	ASSERT_INT_EQ(a->n_deadlines, b->n_deadlines);
	for (i = 0; i < a->n_deadlines; i++) {
		msg_case_deadline(a, i, &da);
		msg_case_deadline(b, i, &db);
		ASSERT_STR_EQ(da.kind, db.kind);
		ASSERT_STR_EQ(da.due, db.due);
		ASSERT_INT_EQ(da.days_left, db.days_left);
		ASSERT_STR_EQ(da.child_id, db.child_id);
	}
	ASSERT_INT_EQ(a->n_measures, b->n_measures);
	for (i = 0; i < a->n_measures; i++) {
		msg_case_measure(a, i, &ma);
		msg_case_measure(b, i, &mb);
		ASSERT_INT_EQ(ma.measure_id, mb.measure_id);
		ASSERT_STR_EQ(ma.child_id, mb.child_id);
		ASSERT_STR_EQ(ma.type, mb.type);
		ASSERT_STR_EQ(ma.decision_date, mb.decision_date);
		ASSERT_STR_EQ(ma.start_date, mb.start_date);
		ASSERT_STR_EQ(ma.end_date, mb.end_date);
		ASSERT_STR_EQ(ma.status, mb.status);
		ASSERT_INT_EQ(ma.extensions, mb.extensions);
		ASSERT_STR_EQ(ma.record_id, mb.record_id);
		ASSERT_STR_EQ(ma.ended_on, mb.ended_on);
	}
}

static void
test_case_msgs(void)
{
	struct msg_case_state		 cs, cs2;
	struct msg_case_info_request	 ir, ir2;
	struct msg_case_list_request	 lr, lr2;
	struct msg_case_info		 ci, ci2;
	struct msg			*m;
	uint64_t			 seq;

	TEST_START("msg_case: CaseState, CaseInfoRequest, CaseInfo, "
	    "CaseListRequest round trip");
	cs.case_id = CASE1;
	cs.to_state = "DRANG_VERVOLG";
	cs.effective_date = "2028-02-29";
	cs.end_date = "";
	cs.reason = "gezin werkt mee";
	cs.approved_by = NULL;			/* sent as "" */
	m = must(msg_out_case_state(&cs), MSG_CASE_STATE);
	ASSERT_INT_EQ(msg_get_case_state(m, &cs2), 0);
	ASSERT_STR_EQ(cs2.case_id, CASE1);
	ASSERT_STR_EQ(cs2.to_state, "DRANG_VERVOLG");
	ASSERT_STR_EQ(cs2.effective_date, "2028-02-29");
	ASSERT_STR_EQ(cs2.end_date, "");
	ASSERT_STR_EQ(cs2.reason, "gezin werkt mee");
	ASSERT_STR_EQ(cs2.approved_by, "");
	/* another message's getter */
	ASSERT_INT_EQ(msg_get_case_info(m, &ci2), CS_ERR_PROTOCOL);
	ASSERT_INT_EQ(msg_get_case_ack(m, &seq), CS_ERR_PROTOCOL);
	msg_free(m);
	cs.to_state = "drang_vervolg";		/* wire.c refuses */
	ASSERT_INT_EQ(roundtrip(msg_out_case_state(&cs), &m), CS_ERR_FORMAT);
	ASSERT_PTR_EQ(m, NULL);

	ir.case_id = CASE2;
	m = must(msg_out_case_info_request(&ir), MSG_CASE_INFO_REQUEST);
	ASSERT_INT_EQ(msg_get_case_info_request(m, &ir2), 0);
	ASSERT_STR_EQ(ir2.case_id, CASE2);
	ASSERT_INT_EQ(msg_get_case_state(m, &cs2), CS_ERR_PROTOCOL);
	msg_free(m);

	lr.after = "";
	m = must(msg_out_case_list_request(&lr), MSG_CASE_LIST_REQUEST);
	ASSERT_INT_EQ(msg_get_case_list_request(m, &lr2), 0);
	ASSERT_STR_EQ(lr2.after, "");
	msg_free(m);

	info_fill(&ci, CASE1);
	m = must(msg_out_case_info(&ci), MSG_CASE_INFO);
	ASSERT_INT_EQ(msg_get_case_info(m, &ci2), 0);
	info_eq(&ci, &ci2);
	ASSERT_INT_EQ(msg_get_case_list_request(m, &lr2), CS_ERR_PROTOCOL);
	msg_free(m);
	/* a regisseur people see: no control characters, at most 128 */
	ci.regisseur = "Saskia\x1b[2J";
	ASSERT_INT_EQ(roundtrip(msg_out_case_info(&ci), &m), CS_ERR_FORMAT);
	ASSERT_PTR_EQ(m, NULL);
	ci.regisseur = "Saskia\xc2\x9b";		/* C1: CSI */
	ASSERT_INT_EQ(roundtrip(msg_out_case_info(&ci), &m), CS_ERR_FORMAT);
	ci.regisseur = "x"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
	    "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx";
	ASSERT_INT_EQ(roundtrip(msg_out_case_info(&ci), &m), CS_ERR_FORMAT);
	ci.regisseur = ci.regisseur + 1;			/* 128 */
	m = must(msg_out_case_info(&ci), MSG_CASE_INFO);
	msg_free(m);
	ci.regisseur = NULL;				/* sent as "" */
	m = must(msg_out_case_info(&ci), MSG_CASE_INFO);
	ASSERT_INT_EQ(msg_get_case_info(m, &ci2), 0);
	ASSERT_STR_EQ(ci2.regisseur, "");
	msg_free(m);
	ci.n_deadlines = MSG_DEADLINES_MAX + 1;	/* the encoder refuses */
	ASSERT_INT_EQ(roundtrip(msg_out_case_info(&ci), &m), CS_ERR_INTERNAL);
	TEST_DONE();
}

static void
test_measure_info_bad(void)
{
	struct msg_measure_info		ms[MSG_MEASURES_MAX + 1];
	struct msg_case_deadline	dl[MSG_DEADLINES_MAX + 1];
	struct msg_case_info		ci, ci2;
	struct msg			*m;
	size_t				i;

	TEST_START("msg_case: CaseInfo measures and per-child deadlines: "
	    "bounds, names, ids and dates checked");
	for (i = 0; i <= MSG_MEASURES_MAX; i++)
		ms[i] = info_ms[1];
	for (i = 0; i <= MSG_DEADLINES_MAX; i++)
		dl[i] = info_dl[2];
	info_fill(&ci, CASE1);
	ci.measures = ms;
	ci.deadlines = dl;
	ci.n_measures = MSG_MEASURES_MAX;
	ci.n_deadlines = MSG_DEADLINES_MAX;
	m = must(msg_out_case_info(&ci), MSG_CASE_INFO);
	ASSERT_INT_EQ(msg_get_case_info(m, &ci2), 0);
	info_eq(&ci, &ci2);
	msg_free(m);
	ci.n_measures = MSG_MEASURES_MAX + 1;	/* the encoder refuses */
	ASSERT_INT_EQ(roundtrip(msg_out_case_info(&ci), &m), CS_ERR_INTERNAL);
	ci.n_measures = 1;
	ci.n_deadlines = MSG_DEADLINES_MAX + 1;
	ASSERT_INT_EQ(roundtrip(msg_out_case_info(&ci), &m), CS_ERR_INTERNAL);
	ci.n_deadlines = 1;
	/* each bad field: wire.c refuses the CaseInfo */
	ms[0].type = "VOOGDIJ";
	ASSERT_INT_EQ(roundtrip(msg_out_case_info(&ci), &m), CS_ERR_FORMAT);
	ms[0] = info_ms[1];
	ms[0].status = "RUNNING";
	ASSERT_INT_EQ(roundtrip(msg_out_case_info(&ci), &m), CS_ERR_FORMAT);
	ms[0] = info_ms[1];
	ms[0].measure_id = 0;
	ASSERT_INT_EQ(roundtrip(msg_out_case_info(&ci), &m), CS_ERR_FORMAT);
	ms[0] = info_ms[1];
	ms[0].measure_id = (uint64_t)INT64_MAX + 1;
	ASSERT_INT_EQ(roundtrip(msg_out_case_info(&ci), &m), CS_ERR_FORMAT);
	ms[0] = info_ms[1];
	ms[0].child_id = "Anna";
	ASSERT_INT_EQ(roundtrip(msg_out_case_info(&ci), &m), CS_ERR_FORMAT);
	ms[0] = info_ms[1];
	ms[0].end_date = "";
	ASSERT_INT_EQ(roundtrip(msg_out_case_info(&ci), &m), CS_ERR_FORMAT);
	ms[0] = info_ms[1];
	ms[0].start_date = "2027-02-29";
	ASSERT_INT_EQ(roundtrip(msg_out_case_info(&ci), &m), CS_ERR_FORMAT);
	ms[0] = info_ms[1];
	ms[0].ended_on = "31-12-2027";
	ASSERT_INT_EQ(roundtrip(msg_out_case_info(&ci), &m), CS_ERR_FORMAT);
	ms[0] = info_ms[1];
	ms[0].record_id = "44444444-4444-4444-8444-44444444444G";
	ASSERT_INT_EQ(roundtrip(msg_out_case_info(&ci), &m), CS_ERR_FORMAT);
	ms[0] = info_ms[1];
	dl[0].child_id = "child 1";
	ASSERT_INT_EQ(roundtrip(msg_out_case_info(&ci), &m), CS_ERR_FORMAT);
	dl[0] = info_dl[2];
	m = must(msg_out_case_info(&ci), MSG_CASE_INFO);
	msg_free(m);
	TEST_DONE();
}

static void
test_child_measure(void)
{
	struct msg_child_measure	cm, cm2;
	struct msg_case_info		ci;
	struct msg			*m;

	TEST_START("msg_measure: ChildMeasure round trip; bad input refused");
	memset(&cm, 0, sizeof(cm));
	cm.case_id = CASE1;
	cm.child_id = CHILD1;
	cm.action = "start";
	cm.type = "VOOGDIJ_ONTZETTING";
	cm.decision_date = "2028-02-29";
	cm.start_date = "";
	cm.end_date = NULL;			/* sent as "" */
	cm.birth_date = "2012-02-29";
	cm.record_id = REC1;
	m = must(msg_out_child_measure(&cm), MSG_CHILD_MEASURE);
	ASSERT_INT_EQ(msg_get_child_measure(m, &cm2), 0);
	ASSERT_STR_EQ(cm2.case_id, CASE1);
	ASSERT_STR_EQ(cm2.child_id, CHILD1);
	ASSERT_STR_EQ(cm2.action, "start");
	ASSERT_INT_EQ(cm2.measure_id, 0);
	ASSERT_STR_EQ(cm2.type, "VOOGDIJ_ONTZETTING");
	ASSERT_STR_EQ(cm2.decision_date, "2028-02-29");
	ASSERT_STR_EQ(cm2.start_date, "");
	ASSERT_STR_EQ(cm2.end_date, "");
	ASSERT_STR_EQ(cm2.birth_date, "2012-02-29");
	ASSERT_STR_EQ(cm2.record_id, REC1);
	ASSERT_INT_EQ(msg_get_case_info(m, &ci), CS_ERR_PROTOCOL);
	msg_free(m);
	/* start: a type, a decision, a record, no measure id */
	cm.type = "";
	ASSERT_INT_EQ(roundtrip(msg_out_child_measure(&cm), &m),
	    CS_ERR_FORMAT);
	cm.type = "VOOGDIJ";
	ASSERT_INT_EQ(roundtrip(msg_out_child_measure(&cm), &m),
	    CS_ERR_FORMAT);
	cm.type = "OTS";
	cm.decision_date = "";
	ASSERT_INT_EQ(roundtrip(msg_out_child_measure(&cm), &m),
	    CS_ERR_FORMAT);
	cm.decision_date = "2027-02-29";	/* not a date */
	ASSERT_INT_EQ(roundtrip(msg_out_child_measure(&cm), &m),
	    CS_ERR_FORMAT);
	cm.decision_date = "2027-02-28";
	cm.record_id = "";
	ASSERT_INT_EQ(roundtrip(msg_out_child_measure(&cm), &m),
	    CS_ERR_FORMAT);
	cm.record_id = REC1;
	cm.measure_id = 4;
	ASSERT_INT_EQ(roundtrip(msg_out_child_measure(&cm), &m),
	    CS_ERR_FORMAT);
	cm.measure_id = 0;
	cm.child_id = "";			/* a measure needs its child */
	ASSERT_INT_EQ(roundtrip(msg_out_child_measure(&cm), &m),
	    CS_ERR_FORMAT);
	cm.child_id = "Anna de Vries";
	ASSERT_INT_EQ(roundtrip(msg_out_child_measure(&cm), &m),
	    CS_ERR_FORMAT);
	cm.child_id = CHILD1;
	cm.case_id = "11111111-1111-4111-8111-11111111111";
	ASSERT_INT_EQ(roundtrip(msg_out_child_measure(&cm), &m),
	    CS_ERR_FORMAT);
	cm.case_id = CASE1;
	cm.action = "stop";
	ASSERT_INT_EQ(roundtrip(msg_out_child_measure(&cm), &m),
	    CS_ERR_FORMAT);
	cm.start_date = "2027-3-1";
	cm.action = "start";
	ASSERT_INT_EQ(roundtrip(msg_out_child_measure(&cm), &m),
	    CS_ERR_FORMAT);
	cm.start_date = "";
	cm.birth_date = "yesterday";
	ASSERT_INT_EQ(roundtrip(msg_out_child_measure(&cm), &m),
	    CS_ERR_FORMAT);
	cm.birth_date = "";
	m = must(msg_out_child_measure(&cm), MSG_CHILD_MEASURE);
	msg_free(m);
	/* extend: a measure id, a decision and the new end */
	cm.action = "extend";
	cm.type = "";
	cm.record_id = "";
	cm.end_date = "2029-02-28";
	ASSERT_INT_EQ(roundtrip(msg_out_child_measure(&cm), &m),
	    CS_ERR_FORMAT);
	cm.measure_id = 3;
	m = must(msg_out_child_measure(&cm), MSG_CHILD_MEASURE);
	msg_free(m);
	cm.measure_id = (uint64_t)INT64_MAX + 1;
	ASSERT_INT_EQ(roundtrip(msg_out_child_measure(&cm), &m),
	    CS_ERR_FORMAT);
	cm.measure_id = 3;
	cm.end_date = "";
	ASSERT_INT_EQ(roundtrip(msg_out_child_measure(&cm), &m),
	    CS_ERR_FORMAT);
	cm.end_date = "2029-02-28";
	cm.decision_date = "";
	ASSERT_INT_EQ(roundtrip(msg_out_child_measure(&cm), &m),
	    CS_ERR_FORMAT);
	/* end: the day may be left out, the type if given must be one */
	cm.action = "end";
	cm.end_date = "";
	m = must(msg_out_child_measure(&cm), MSG_CHILD_MEASURE);
	msg_free(m);
	cm.type = "ots";
	ASSERT_INT_EQ(roundtrip(msg_out_child_measure(&cm), &m),
	    CS_ERR_FORMAT);
	TEST_DONE();
}

static void
test_case_list(void)
{
	struct msg_case_info	*cases, ci;
	struct msg_case_list	 cl, cl2;
	struct msg		*m;
	size_t			 i;

	TEST_START("msg_case: CaseList of 0, 2 and 500 items; 501 and an "
	    "empty page with more refused");
	cases = calloc(MSG_CASES_MAX + 1, sizeof(*cases));
	ASSERT_PTR_NE(cases, NULL);
	memset(&cl, 0, sizeof(cl));
	m = must(msg_out_case_list(&cl), MSG_CASE_LIST);
	ASSERT_INT_EQ(msg_get_case_list(m, &cl2), 0);
	ASSERT_INT_EQ(cl2.n_cases, 0);
	ASSERT_INT_EQ(cl2.more, 0);
	ASSERT_INT_EQ(msg_case_list_item(m, 0, &ci), CS_ERR_PROTOCOL);
	msg_free(m);

	info_fill(&cases[0], CASE1);
	info_fill(&cases[1], CASE2);
	cases[1].n_deadlines = 0;
	cl.cases = cases;
	cl.n_cases = 2;
	cl.more = 1;
	m = must(msg_out_case_list(&cl), MSG_CASE_LIST);
	ASSERT_INT_EQ(msg_get_case_list(m, &cl2), 0);
	ASSERT_INT_EQ(cl2.n_cases, 2);
	ASSERT_INT_EQ(cl2.more, 1);
	ASSERT_PTR_EQ(cl2.cases, NULL);
	for (i = 0; i < 2; i++) {
		ASSERT_INT_EQ(msg_case_list_item(m, i, &ci), 0);
		info_eq(&cases[i], &ci);
	}
	ASSERT_INT_EQ(msg_case_list_item(m, 2, &ci), CS_ERR_PROTOCOL);
	ASSERT_INT_EQ(msg_get_case_info(m, &ci), CS_ERR_PROTOCOL);
	msg_free(m);

	for (i = 0; i <= MSG_CASES_MAX; i++)
		info_fill(&cases[i], CASE1);
	cl.n_cases = MSG_CASES_MAX;
	m = must(msg_out_case_list(&cl), MSG_CASE_LIST);
	ASSERT_INT_EQ(msg_case_list_item(m, MSG_CASES_MAX - 1, &ci), 0);
	info_eq(&cases[0], &ci);
	msg_free(m);
	cl.n_cases = MSG_CASES_MAX + 1;
	ASSERT_INT_EQ(roundtrip(msg_out_case_list(&cl), &m), CS_ERR_INTERNAL);
	cl.n_cases = 0;
	cl.more = 1;
	ASSERT_INT_EQ(roundtrip(msg_out_case_list(&cl), &m), CS_ERR_INTERNAL);
	free(cases);
	TEST_DONE();
}

static void
transfer_fill(struct msg_transfer_info *t, int64_t id, int preview)
{
	memset(t, 0, sizeof(*t));
	t->transfer_id = id;
	t->case_id = CASE1;
	t->state = preview ? "REQUESTED" : "ACCEPTED";
	t->reason = "moved";
	t->note = "gezin verhuist";
	t->from_office = "Utrecht";
	t->to_office = "Zwolle";
	t->requested_by = "anna";
	t->requested_at = 1800000000;
	t->decided_by = preview ? "" : "femke";
	t->decided_at = preview ? 0 : 1800000100;
	t->rejection = "";
	t->new_regisseur = preview ? "" : "bram";
	t->window_end = preview ? 0 : 1800600000;
	t->purges_pending = preview ? 0 : 3;
	t->regisseur = preview ? "anna" : "";
	if (preview) {
		t->has_case_info = 1;
		info_fill(&t->case_info, CASE1);
		t->records = 9;
		t->person_records = 5;
		t->measure_records = 2;
	}
}

static void
transfer_eq(const struct msg_transfer_info *a,
    const struct msg_transfer_info *b)
{
	ASSERT_INT_EQ(a->transfer_id, b->transfer_id);
	ASSERT_STR_EQ(a->case_id, b->case_id);
	ASSERT_STR_EQ(a->state, b->state);
	ASSERT_STR_EQ(a->reason, b->reason);
	ASSERT_STR_EQ(a->note, b->note);
	ASSERT_STR_EQ(a->from_office, b->from_office);
	ASSERT_STR_EQ(a->to_office, b->to_office);
	ASSERT_STR_EQ(a->requested_by, b->requested_by);
	ASSERT_INT_EQ(a->requested_at, b->requested_at);
	ASSERT_STR_EQ(a->decided_by, b->decided_by);
	ASSERT_INT_EQ(a->decided_at, b->decided_at);
	ASSERT_STR_EQ(a->rejection, b->rejection);
	ASSERT_STR_EQ(a->new_regisseur, b->new_regisseur);
	ASSERT_INT_EQ(a->window_end, b->window_end);
	ASSERT_INT_EQ(a->completed_at, b->completed_at);
	ASSERT_INT_EQ(a->purges_pending, b->purges_pending);
	ASSERT_INT_EQ(a->has_case_info, b->has_case_info);
	if (a->has_case_info)
		info_eq(&a->case_info, &b->case_info);
	ASSERT_INT_EQ(a->records, b->records);
	ASSERT_INT_EQ(a->person_records, b->person_records);
	ASSERT_INT_EQ(a->measure_records, b->measure_records);
	ASSERT_STR_EQ(a->regisseur, b->regisseur);
}

static void
test_transfer_msgs(void)
{
	struct msg_transfer_request	 tr, tr2;
	struct msg_transfer_decision	 td, td2;
	struct msg_transfer_info	 ti, ti2;
	struct msg_transfer_list_request lr, lr2;
	struct msg			*m;

	TEST_START("msg_transfer: TransferRequest, TransferDecision, "
	    "TransferInfo (with and without preview), TransferListRequest");
	tr.case_id = CASE1;
	tr.to_office = "Zwolle";
	tr.reason = "capacity";
	tr.note = NULL;				/* sent as "" */
	m = must(msg_out_transfer_request(&tr), MSG_TRANSFER_REQUEST);
	ASSERT_INT_EQ(msg_get_transfer_request(m, &tr2), 0);
	ASSERT_STR_EQ(tr2.case_id, CASE1);
	ASSERT_STR_EQ(tr2.to_office, "Zwolle");
	ASSERT_STR_EQ(tr2.reason, "capacity");
	ASSERT_STR_EQ(tr2.note, "");
	ASSERT_INT_EQ(msg_get_transfer_decision(m, &td2), CS_ERR_PROTOCOL);
	msg_free(m);

	td.transfer_id = INT64_MAX;
	td.action = MSG_TRANSFER_ACCEPT;
	td.regisseur = "bram";
	td.reason = "";
	m = must(msg_out_transfer_decision(&td), MSG_TRANSFER_DECISION);
	ASSERT_INT_EQ(msg_get_transfer_decision(m, &td2), 0);
	ASSERT_INT_EQ(td2.transfer_id, INT64_MAX);
	ASSERT_INT_EQ(td2.action, MSG_TRANSFER_ACCEPT);
	ASSERT_STR_EQ(td2.regisseur, "bram");
	ASSERT_STR_EQ(td2.reason, "");
	msg_free(m);
	td.action = MSG_TRANSFER_REJECT;	/* a reject needs its reason */
	td.regisseur = "";
	ASSERT_INT_EQ(roundtrip(msg_out_transfer_decision(&td), &m),
	    CS_ERR_FORMAT);
	td.reason = "geen plek";
	m = must(msg_out_transfer_decision(&td), MSG_TRANSFER_DECISION);
	ASSERT_INT_EQ(msg_get_transfer_decision(m, &td2), 0);
	ASSERT_INT_EQ(td2.action, MSG_TRANSFER_REJECT);
	ASSERT_STR_EQ(td2.reason, "geen plek");
	msg_free(m);
	td.transfer_id = -1;
	ASSERT_INT_EQ(roundtrip(msg_out_transfer_decision(&td), &m),
	    CS_ERR_INTERNAL);

	transfer_fill(&ti, 7, 0);
	m = must(msg_out_transfer_info(&ti), MSG_TRANSFER_INFO);
	ASSERT_INT_EQ(msg_get_transfer_info(m, &ti2), 0);
	transfer_eq(&ti, &ti2);
	msg_free(m);
	transfer_fill(&ti, 8, 1);
	m = must(msg_out_transfer_info(&ti), MSG_TRANSFER_INFO);
	ASSERT_INT_EQ(msg_get_transfer_info(m, &ti2), 0);
	transfer_eq(&ti, &ti2);
	ASSERT_INT_EQ(msg_get_transfer_request(m, &tr2), CS_ERR_PROTOCOL);
	msg_free(m);

	lr.after = 41;
	m = must(msg_out_transfer_list_request(&lr),
	    MSG_TRANSFER_LIST_REQUEST);
	ASSERT_INT_EQ(msg_get_transfer_list_request(m, &lr2), 0);
	ASSERT_INT_EQ(lr2.after, 41);
	msg_free(m);
	TEST_DONE();
}

static void
test_transfer_list(void)
{
	struct msg_transfer_info	*ts, ti;
	struct msg_transfer_list	 tl, tl2;
	struct msg			*m;
	size_t				 i;

	TEST_START("msg_transfer: TransferList of 3 and 500 items; 501 "
	    "refused; items past the end");
	ts = calloc(MSG_TRANSFERS_MAX + 1, sizeof(*ts));
	ASSERT_PTR_NE(ts, NULL);
	for (i = 0; i <= MSG_TRANSFERS_MAX; i++)
		transfer_fill(&ts[i], (int64_t)i + 1, i % 2 == 1);
	tl.transfers = ts;
	tl.n_transfers = 3;
	tl.more = 1;
	m = must(msg_out_transfer_list(&tl), MSG_TRANSFER_LIST);
	ASSERT_INT_EQ(msg_get_transfer_list(m, &tl2), 0);
	ASSERT_INT_EQ(tl2.n_transfers, 3);
	ASSERT_INT_EQ(tl2.more, 1);
	for (i = 0; i < 3; i++) {
		ASSERT_INT_EQ(msg_transfer_list_item(m, i, &ti), 0);
		transfer_eq(&ts[i], &ti);
	}
	ASSERT_INT_EQ(msg_transfer_list_item(m, 3, &ti), CS_ERR_PROTOCOL);
	ASSERT_INT_EQ(msg_get_transfer_info(m, &ti), CS_ERR_PROTOCOL);
	msg_free(m);
	tl.n_transfers = MSG_TRANSFERS_MAX;
	tl.more = 0;
	m = must(msg_out_transfer_list(&tl), MSG_TRANSFER_LIST);
	ASSERT_INT_EQ(msg_transfer_list_item(m, MSG_TRANSFERS_MAX - 1, &ti),
	    0);
	transfer_eq(&ts[MSG_TRANSFERS_MAX - 1], &ti);
	msg_free(m);
	tl.n_transfers = MSG_TRANSFERS_MAX + 1;
	ASSERT_INT_EQ(roundtrip(msg_out_transfer_list(&tl), &m),
	    CS_ERR_INTERNAL);
	free(ts);
	TEST_DONE();
}

static void
test_team_glass(void)
{
	struct msg_team_assign		 ta, ta2;
	struct msg_glass_request	 gr, gr2;
	struct msg_glass_grant		 gg, gg2;
	struct msg_glass_list_request	 gq, gq2;
	struct msg_glass_use		 uses[3], u;
	struct msg_glass_list		 gl, gl2;
	struct msg			*m;
	size_t				 i;

	TEST_START("msg_transfer: TeamAssign, GlassRequest, GlassGrant, "
	    "GlassListRequest, GlassList");
	ta.case_id = CASE1;
	ta.regisseur = "bram";
	m = must(msg_out_team_assign(&ta), MSG_TEAM_ASSIGN);
	ASSERT_INT_EQ(msg_get_team_assign(m, &ta2), 0);
	ASSERT_STR_EQ(ta2.case_id, CASE1);
	ASSERT_STR_EQ(ta2.regisseur, "bram");
	ASSERT_INT_EQ(msg_get_glass_request(m, &gr2), CS_ERR_PROTOCOL);
	msg_free(m);

	gr.case_id = CASE2;
	gr.reason = "crisis, regisseur niet bereikbaar";
	m = must(msg_out_glass_request(&gr), MSG_GLASS_REQUEST);
	ASSERT_INT_EQ(msg_get_glass_request(m, &gr2), 0);
	ASSERT_STR_EQ(gr2.case_id, CASE2);
	ASSERT_STR_EQ(gr2.reason, gr.reason);
	msg_free(m);
	gr.reason = "";				/* wire_transfer.c refuses */
	ASSERT_INT_EQ(roundtrip(msg_out_glass_request(&gr), &m),
	    CS_ERR_FORMAT);

	gg.case_id = CASE2;
	gg.expires_at = 1800014400;
	gg.seq = UINT64_MAX;
	m = must(msg_out_glass_grant(&gg), MSG_GLASS_GRANT);
	ASSERT_INT_EQ(msg_get_glass_grant(m, &gg2), 0);
	ASSERT_STR_EQ(gg2.case_id, CASE2);
	ASSERT_INT_EQ(gg2.expires_at, 1800014400);
	ASSERT_TRUE(gg2.seq == UINT64_MAX);
	ASSERT_INT_EQ(msg_get_team_assign(m, &ta2), CS_ERR_PROTOCOL);
	msg_free(m);

	gq.after = 12;
	m = must(msg_out_glass_list_request(&gq), MSG_GLASS_LIST_REQUEST);
	ASSERT_INT_EQ(msg_get_glass_list_request(m, &gq2), 0);
	ASSERT_INT_EQ(gq2.after, 12);
	msg_free(m);

	for (i = 0; i < 3; i++) {
		uses[i].id = 10 + (int64_t)i;
		uses[i].case_id = i == 1 ? CASE2 : CASE1;
		uses[i].user = "carla";
		uses[i].user_office = "Zwolle";
		uses[i].reason = "crisis";
		uses[i].granted_at = 1800000000 + (int64_t)i;
		uses[i].expires_at = 1800014400 + (int64_t)i;
		uses[i].ended_at = i == 0 ? 1800000100 : 0;
	}
	gl.uses = uses;
	gl.n_uses = 3;
	gl.more = 0;
	m = must(msg_out_glass_list(&gl), MSG_GLASS_LIST);
	ASSERT_INT_EQ(msg_get_glass_list(m, &gl2), 0);
	ASSERT_INT_EQ(gl2.n_uses, 3);
	ASSERT_INT_EQ(gl2.more, 0);
	for (i = 0; i < 3; i++) {
		ASSERT_INT_EQ(msg_glass_list_item(m, i, &u), 0);
		ASSERT_INT_EQ(u.id, uses[i].id);
		ASSERT_STR_EQ(u.case_id, uses[i].case_id);
		ASSERT_STR_EQ(u.user, uses[i].user);
		ASSERT_STR_EQ(u.user_office, uses[i].user_office);
		ASSERT_STR_EQ(u.reason, uses[i].reason);
		ASSERT_INT_EQ(u.granted_at, uses[i].granted_at);
		ASSERT_INT_EQ(u.expires_at, uses[i].expires_at);
		ASSERT_INT_EQ(u.ended_at, uses[i].ended_at);
	}
	ASSERT_INT_EQ(msg_glass_list_item(m, 3, &u), CS_ERR_PROTOCOL);
	ASSERT_INT_EQ(msg_get_transfer_list(m, NULL), CS_ERR_PROTOCOL);
	msg_free(m);
	uses[2].id = 10;			/* not ascending: refused */
	ASSERT_INT_EQ(roundtrip(msg_out_glass_list(&gl), &m), CS_ERR_FORMAT);
	gl.n_uses = MSG_GLASS_USES_MAX + 1;
	ASSERT_INT_EQ(roundtrip(msg_out_glass_list(&gl), &m), CS_ERR_INTERNAL);
	TEST_DONE();
}

static void
test_checks(void)
{
	char	text[MSG_TEXT_MAX + 2];

	TEST_START("msg_transfer: reason codes and texts as wire_transfer.c");
	ASSERT_INT_EQ(msg_transfer_reason_ok("moved"), 1);
	ASSERT_INT_EQ(msg_transfer_reason_ok("other"), 1);
	ASSERT_INT_EQ(msg_transfer_reason_ok("Moved"), 0);
	ASSERT_INT_EQ(msg_transfer_reason_ok(NULL), 0);
	memset(text, 'x', MSG_TEXT_MAX);
	text[MSG_TEXT_MAX] = '\0';
	ASSERT_INT_EQ(msg_text_ok(text), 1);
	text[MSG_TEXT_MAX] = 'x';
	text[MSG_TEXT_MAX + 1] = '\0';
	ASSERT_INT_EQ(msg_text_ok(text), 0);
	ASSERT_INT_EQ(msg_text_ok(""), 0);
	ASSERT_INT_EQ(msg_text_ok("a\tb"), 0);
	TEST_DONE();
}

int
main(void)
{
	test_case_msgs();
	test_measure_info_bad();
	test_child_measure();
	test_case_list();
	test_transfer_msgs();
	test_transfer_list();
	test_team_glass();
	test_checks();
	return 0;
}
