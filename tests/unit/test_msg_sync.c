/* SPDX-License-Identifier: ISC */
/*
 * test_msg_sync.c - the sync family of proto/ (msg_sync.h): every
 * message encoded with msg_out_*(), decoded with msg_decode() and read
 * back with its getter equals what was sent; a getter of another type
 * and an item beyond the count return CS_ERR_PROTOCOL; versions and
 * cursors beyond INT64_MAX are refused by the validator on every path
 * (a pulled record's version was clamped once, where push and cursor
 * refused).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "buf.h"
#include "errors.h"
#include "frame.h"
#include "msg_session.h"
#include "msg_sync.h"
#include "test.h"
#include "wire.h"

#define RID	"0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"
#define CID	"0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c"
#define CHID	"0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5d"

/* Decode the one frame in "b" (and free "b"). */
static int
decode_frame(struct buf *b, struct msg **out)
{
	const uint8_t	*p;
	size_t		 len;
	int		 r;

	ASSERT_INT_EQ(frame_get(b, FRAME_MAX_DEFAULT, &p, &len), 0);
	r = msg_decode(p, len, out);
	buf_free(b);
	return r;
}

/* Encode "o" as request "id" and decode it again. */
static int
roundtrip(const struct msg_out *o, uint32_t id, struct msg **out)
{
	struct buf	*b;
	int		 r;

	*out = NULL;
	ASSERT_PTR_NE(b = buf_new(FRAME_MAX_DEFAULT), NULL);
	if ((r = msg_encode(id, o, FRAME_MAX_DEFAULT, b)) != 0) {
		buf_free(b);
		return r;
	}
	return decode_frame(b, out);
}

/* The same, built with the generated types (hostile values). */
static int
roundtrip_env(wire_env *env, struct msg **out)
{
	struct buf	*b;

	*out = NULL;
	ASSERT_PTR_NE(b = buf_new(FRAME_MAX_DEFAULT), NULL);
	ASSERT_INT_EQ(wire_encode(env, FRAME_MAX_DEFAULT, b), 0);
	return decode_frame(b, out);
}

static void
record_fill(struct msg_record *r, const uint8_t *body, size_t len,
    int64_t version)
{
	memset(r, 0, sizeof(*r));
	r->record_id = RID;
	r->case_id = CID;
	r->kind = "note";
	r->version = version;
	r->deleted = 1;
	r->key_epoch = 3;
	r->body.p = body;
	r->body.len = len;
	r->author_device = "17";
	r->hlc = UINT64_MAX - 5;
	r->author_user_id = "42";
	r->author_user_name = "Anna de Vries";
	r->created_by = "Bert Smit";
	r->created_at = 1764700000;
	r->changed_at = 1764800000;
}

static void
record_eq(const struct msg_record *a, const struct msg_record *b)
{
	ASSERT_STR_EQ(a->record_id, b->record_id);
	ASSERT_STR_EQ(a->case_id, b->case_id);
	ASSERT_STR_EQ(a->kind, b->kind);
	ASSERT_INT_EQ(a->version, b->version);
	ASSERT_INT_EQ(a->deleted, b->deleted);
	ASSERT_INT_EQ(a->key_epoch, b->key_epoch);
	ASSERT_INT_EQ(a->body.len, b->body.len);
	ASSERT_MEM_EQ(a->body.p, b->body.p, a->body.len);
	ASSERT_STR_EQ(a->author_device, b->author_device);
	ASSERT_TRUE(a->hlc == b->hlc);
	ASSERT_STR_EQ(a->author_user_id, b->author_user_id);
	ASSERT_STR_EQ(a->author_user_name, b->author_user_name);
	ASSERT_STR_EQ(a->created_by, b->created_by);
	ASSERT_INT_EQ(a->created_at, b->created_at);
	ASSERT_INT_EQ(a->changed_at, b->changed_at);
}

static void
test_push(void)
{
	struct msg_change	 in[2], got;
	struct msg_push_request	 req, back;
	struct msg_out		 o;
	struct msg		*m = NULL;
	struct msg_pull_request	 pr;
	uint8_t			 body[64];

	TEST_START("PushRequest: round trip of two changes, item bounds");
	memset(body, 0xa5, sizeof(body));
	memset(in, 0, sizeof(in));
	in[0].change_id = CHID;
	record_fill(&in[0].record, body, sizeof(body), 0);
	in[0].record.author_user_id = "";	/* set by the server only */
	in[0].record.author_user_name = "";
	in[0].record.created_by = "";
	in[0].record.created_at = 0;
	in[0].record.changed_at = 0;
	in[0].base_version = INT64_MAX;
	in[0].lost_version = 7;
	in[1] = in[0];
	in[1].record.body.len = 0;
	in[1].base_version = 0;
	in[1].lost_version = 0;
	req.changes = in;
	req.n_changes = 2;
	o = msg_out_push_request(&req);
	ASSERT_INT_EQ(roundtrip(&o, 9, &m), 0);
	ASSERT_INT_EQ(msg_type(m), MSG_PUSH_REQUEST);
	ASSERT_INT_EQ(msg_id(m), 9);
	ASSERT_INT_EQ(msg_get_push_request(m, &back), 0);
	ASSERT_INT_EQ(back.n_changes, 2);
	ASSERT_PTR_EQ(back.changes, NULL);
	ASSERT_INT_EQ(msg_push_request_item(m, 0, &got), 0);
	ASSERT_STR_EQ(got.change_id, CHID);
	record_eq(&got.record, &in[0].record);
	ASSERT_INT_EQ(got.base_version, INT64_MAX);
	ASSERT_INT_EQ(got.lost_version, 7);
	ASSERT_INT_EQ(msg_push_request_item(m, 1, &got), 0);
	ASSERT_INT_EQ(got.record.body.len, 0);
	ASSERT_INT_EQ(got.base_version, 0);
	ASSERT_INT_EQ(msg_push_request_item(m, 2, &got), CS_ERR_PROTOCOL);
	/* a getter of another type */
	ASSERT_INT_EQ(msg_get_pull_request(m, &pr), CS_ERR_PROTOCOL);
	msg_free(m);

	/* nothing negative goes out */
	in[0].base_version = -1;
	ASSERT_INT_EQ(roundtrip(&o, 9, &m), CS_ERR_INTERNAL);
	ASSERT_PTR_EQ(m, NULL);
	TEST_DONE();
}

static void
test_push_response(void)
{
	struct msg_change_result	 in[3], got;
	struct msg_push_response	 resp, back;
	struct msg_push_request		 preq;
	struct msg_out			 o;
	struct msg			*m = NULL;
	uint8_t				 body[40];

	TEST_START("PushResponse: applied, conflict with current, discard");
	memset(body, 0x3c, sizeof(body));
	memset(in, 0, sizeof(in));
	in[0].change_id = CHID;
	in[0].status = MSG_CHANGE_APPLIED;
	in[0].version = 12;
	in[0].late = 1;
	in[1].change_id = CHID;
	in[1].status = MSG_CHANGE_CONFLICT;
	in[1].has_current = 1;
	record_fill(&in[1].current, body, sizeof(body), 11);
	in[1].no_common_base = 1;
	in[2].change_id = CHID;
	in[2].status = MSG_CHANGE_FORBIDDEN;
	in[2].discarded = 1;
	in[2].decided_by = "teamleider Jansen";
	resp.results = in;
	resp.n_results = 3;
	o = msg_out_push_response(&resp);
	ASSERT_INT_EQ(roundtrip(&o, 4, &m), 0);
	ASSERT_INT_EQ(msg_get_push_response(m, &back), 0);
	ASSERT_INT_EQ(back.n_results, 3);
	ASSERT_INT_EQ(msg_push_response_item(m, 0, &got), 0);
	ASSERT_INT_EQ(got.status, MSG_CHANGE_APPLIED);
	ASSERT_INT_EQ(got.version, 12);
	ASSERT_INT_EQ(got.late, 1);
	ASSERT_INT_EQ(got.has_current, 0);
	ASSERT_STR_EQ(got.decided_by, "");
	ASSERT_INT_EQ(msg_push_response_item(m, 1, &got), 0);
	ASSERT_INT_EQ(got.status, MSG_CHANGE_CONFLICT);
	ASSERT_INT_EQ(got.has_current, 1);
	record_eq(&got.current, &in[1].current);
	ASSERT_INT_EQ(got.no_common_base, 1);
	ASSERT_INT_EQ(msg_push_response_item(m, 2, &got), 0);
	ASSERT_INT_EQ(got.status, MSG_CHANGE_FORBIDDEN);
	ASSERT_INT_EQ(got.discarded, 1);
	ASSERT_INT_EQ(got.held, 0);
	ASSERT_STR_EQ(got.decided_by, "teamleider Jansen");
	ASSERT_INT_EQ(msg_push_response_item(m, 3, &got), CS_ERR_PROTOCOL);
	ASSERT_INT_EQ(msg_get_push_request(m, &preq), CS_ERR_PROTOCOL);
	msg_free(m);

	/* the validator refuses what no honest server sends */
	in[0].late = 0;
	in[0].held = 1;		/* held is a refusal, not APPLIED */
	ASSERT_INT_EQ(roundtrip(&o, 4, &m), CS_ERR_FORMAT);
	TEST_DONE();
}

static void
test_pull(void)
{
	static const char	*purges[2] = { CID, RID };
	struct msg_record	 recs[2], rgot;
	struct msg_case_access	 acc[1], agot;
	struct msg_pull_response resp, back;
	struct msg_pull_request	 req, rback;
	struct msg_purge_receipt pgot;
	struct msg_out		 o;
	struct msg		*m = NULL;
	uint8_t			 body[100];

	TEST_START("PullRequest, PullResponse: round trips, accessors");
	req.since = INT64_MAX;
	req.since_tie = 3;
	req.max_records = 10000;
	req.max_bytes = 8 << 20;
	o = msg_out_pull_request(&req);
	ASSERT_INT_EQ(roundtrip(&o, 2, &m), 0);
	ASSERT_INT_EQ(msg_get_pull_request(m, &rback), 0);
	ASSERT_INT_EQ(rback.since, INT64_MAX);
	ASSERT_INT_EQ(rback.since_tie, 3);
	ASSERT_INT_EQ(rback.max_records, 10000);
	ASSERT_INT_EQ(rback.max_bytes, 8 << 20);
	msg_free(m);

	memset(body, 0x11, sizeof(body));
	record_fill(&recs[0], body, sizeof(body), INT64_MAX);
	record_fill(&recs[1], body, 10, 1);
	recs[1].deleted = 0;
	acc[0].case_id = CID;
	acc[0].mode = "handover";
	acc[0].since = 1700000000;
	acc[0].until = 0;
	memset(&resp, 0, sizeof(resp));
	resp.records = recs;
	resp.n_records = 2;
	resp.cursor = 99;
	resp.cursor_tie = INT64_MAX;
	resp.more = 1;
	resp.purge_case_ids = purges;
	resp.n_purge_case_ids = 2;
	resp.server_seq = 100;
	resp.case_access = acc;
	resp.n_case_access = 1;
	o = msg_out_pull_response(&resp);
	ASSERT_INT_EQ(roundtrip(&o, 3, &m), 0);
	ASSERT_INT_EQ(msg_get_pull_response(m, &back), 0);
	ASSERT_INT_EQ(back.n_records, 2);
	ASSERT_INT_EQ(back.cursor, 99);
	ASSERT_INT_EQ(back.cursor_tie, INT64_MAX);
	ASSERT_INT_EQ(back.more, 1);
	ASSERT_INT_EQ(back.n_purge_case_ids, 2);
	ASSERT_STR_EQ(back.purge_case_ids[0], CID);
	ASSERT_STR_EQ(back.purge_case_ids[1], RID);
	ASSERT_INT_EQ(back.server_seq, 100);
	ASSERT_INT_EQ(back.n_case_access, 1);
	ASSERT_INT_EQ(msg_pull_response_record(m, 0, &rgot), 0);
	record_eq(&rgot, &recs[0]);
	ASSERT_INT_EQ(msg_pull_response_record(m, 1, &rgot), 0);
	record_eq(&rgot, &recs[1]);
	ASSERT_INT_EQ(msg_pull_response_record(m, 2, &rgot), CS_ERR_PROTOCOL);
	ASSERT_INT_EQ(msg_pull_response_access(m, 0, &agot), 0);
	ASSERT_STR_EQ(agot.case_id, CID);
	ASSERT_STR_EQ(agot.mode, "handover");
	ASSERT_INT_EQ(agot.since, 1700000000);
	ASSERT_INT_EQ(agot.until, 0);
	ASSERT_INT_EQ(msg_pull_response_access(m, 1, &agot), CS_ERR_PROTOCOL);
	ASSERT_INT_EQ(msg_get_purge_receipt(m, &pgot), CS_ERR_PROTOCOL);
	msg_free(m);

	/* empty: no records, no purges, no access */
	memset(&resp, 0, sizeof(resp));
	o = msg_out_pull_response(&resp);
	ASSERT_INT_EQ(roundtrip(&o, 3, &m), 0);
	ASSERT_INT_EQ(msg_get_pull_response(m, &back), 0);
	ASSERT_INT_EQ(back.n_records, 0);
	ASSERT_INT_EQ(back.n_purge_case_ids, 0);
	ASSERT_INT_EQ(back.n_case_access, 0);
	msg_free(m);
	TEST_DONE();
}

/*
 * Versions and cursors are seqs: beyond INT64_MAX they are refused at
 * decode, in a pulled record as in a push's result, a conflict's
 * current record, a cursor and a base_version.
 */
static void
test_int64_refused(void)
{
	wire_env			env;
	Casesync__V1__PullResponse	pr;
	Casesync__V1__PullRequest	preq;
	Casesync__V1__PushResponse	presp;
	Casesync__V1__PushRequest	push;
	Casesync__V1__ChangeResult	cr, *crp[1] = { &cr };
	Casesync__V1__Change		ch, *chp[1] = { &ch };
	Casesync__V1__Record		rec, *recs[1] = { &rec };
	struct msg			*m = NULL;
	struct msg_record		got;

	TEST_START("versions and cursors beyond INT64_MAX refused everywhere");
	casesync__v1__record__init(&rec);
	rec.record_id = (char *)(uintptr_t)RID;
	rec.case_id = (char *)(uintptr_t)CID;
	rec.kind = (char *)(uintptr_t)"note";
	rec.version = INT64_MAX;

	/* a pulled record (the path that used to clamp) */
	casesync__v1__envelope__init(&env);
	casesync__v1__pull_response__init(&pr);
	pr.records = recs;
	pr.n_records = 1;
	env.id = 1;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_PULL_RESPONSE;
	env.pull_response = &pr;
	ASSERT_INT_EQ(roundtrip_env(&env, &m), 0);
	ASSERT_INT_EQ(msg_pull_response_record(m, 0, &got), 0);
	ASSERT_INT_EQ(got.version, INT64_MAX);
	msg_free(m);
	rec.version = (uint64_t)INT64_MAX + 1;
	ASSERT_INT_EQ(roundtrip_env(&env, &m), CS_ERR_FORMAT);
	ASSERT_PTR_EQ(m, NULL);
	rec.version = 1;
	pr.cursor = (uint64_t)INT64_MAX + 1;
	ASSERT_INT_EQ(roundtrip_env(&env, &m), CS_ERR_FORMAT);
	pr.cursor = 0;
	pr.cursor_tie = UINT64_MAX;
	ASSERT_INT_EQ(roundtrip_env(&env, &m), CS_ERR_FORMAT);
	pr.cursor_tie = 0;
	pr.server_seq = (uint64_t)INT64_MAX + 1;
	ASSERT_INT_EQ(roundtrip_env(&env, &m), CS_ERR_FORMAT);

	/* a conflict's current record, and an applied version */
	casesync__v1__push_response__init(&presp);
	casesync__v1__change_result__init(&cr);
	cr.change_id = (char *)(uintptr_t)CHID;
	cr.status = CASESYNC__V1__CHANGE_STATUS__CHANGE_CONFLICT;
	cr.current = &rec;
	presp.results = crp;
	presp.n_results = 1;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_PUSH_RESPONSE;
	env.push_response = &presp;
	ASSERT_INT_EQ(roundtrip_env(&env, &m), 0);
	msg_free(m);
	rec.version = (uint64_t)INT64_MAX + 1;
	ASSERT_INT_EQ(roundtrip_env(&env, &m), CS_ERR_FORMAT);
	rec.version = 0;
	cr.current = NULL;
	cr.status = CASESYNC__V1__CHANGE_STATUS__CHANGE_APPLIED;
	cr.version = (uint64_t)INT64_MAX + 1;
	ASSERT_INT_EQ(roundtrip_env(&env, &m), CS_ERR_FORMAT);

	/* a push's base_version and record version */
	casesync__v1__push_request__init(&push);
	casesync__v1__change__init(&ch);
	ch.change_id = (char *)(uintptr_t)CHID;
	ch.record = &rec;
	push.changes = chp;
	push.n_changes = 1;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_PUSH_REQUEST;
	env.push_request = &push;
	ch.base_version = INT64_MAX;
	ASSERT_INT_EQ(roundtrip_env(&env, &m), 0);
	msg_free(m);
	ch.base_version = (uint64_t)INT64_MAX + 1;
	ASSERT_INT_EQ(roundtrip_env(&env, &m), CS_ERR_FORMAT);
	ch.base_version = 0;
	rec.version = UINT64_MAX;
	ASSERT_INT_EQ(roundtrip_env(&env, &m), CS_ERR_FORMAT);

	/* a pull's cursor */
	casesync__v1__pull_request__init(&preq);
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_PULL_REQUEST;
	env.pull_request = &preq;
	preq.since = (uint64_t)INT64_MAX + 1;
	ASSERT_INT_EQ(roundtrip_env(&env, &m), CS_ERR_FORMAT);
	preq.since = 0;
	preq.since_tie = (uint64_t)INT64_MAX + 1;
	ASSERT_INT_EQ(roundtrip_env(&env, &m), CS_ERR_FORMAT);
	preq.since_tie = INT64_MAX;
	ASSERT_INT_EQ(roundtrip_env(&env, &m), 0);
	msg_free(m);
	TEST_DONE();
}

static void
test_purge_case(void)
{
	struct msg_purge_receipt	 pr, pback;
	struct msg_case_create		 cc, cback;
	struct msg_case_member		 cm, mback;
	struct msg_out			 o;
	struct msg			*m = NULL;
	uint64_t			 seq;

	TEST_START("PurgeReceipt, PurgeAck, CaseCreate, CaseMember");
	pr.case_id = CID;
	pr.records_deleted = 0;
	pr.held = 1;
	pr.held_changes = MSG_HELD_MAX;
	o = msg_out_purge_receipt(&pr);
	ASSERT_INT_EQ(roundtrip(&o, 5, &m), 0);
	ASSERT_INT_EQ(msg_get_purge_receipt(m, &pback), 0);
	ASSERT_STR_EQ(pback.case_id, CID);
	ASSERT_INT_EQ(pback.held, 1);
	ASSERT_INT_EQ(pback.held_changes, MSG_HELD_MAX);
	ASSERT_INT_EQ(pback.records_deleted, 0);
	msg_free(m);
	pr.held_changes = MSG_HELD_MAX + 1;
	ASSERT_INT_EQ(roundtrip(&o, 5, &m), CS_ERR_FORMAT);
	pr.held = 0;
	pr.held_changes = 0;
	pr.records_deleted = 812;
	ASSERT_INT_EQ(roundtrip(&o, 5, &m), 0);
	ASSERT_INT_EQ(msg_get_purge_receipt(m, &pback), 0);
	ASSERT_INT_EQ(pback.held, 0);
	ASSERT_INT_EQ(pback.records_deleted, 812);
	msg_free(m);

	o = msg_out_purge_ack();
	ASSERT_INT_EQ(roundtrip(&o, 5, &m), 0);
	ASSERT_INT_EQ(msg_type(m), MSG_PURGE_ACK);
	ASSERT_INT_EQ(msg_id(m), 5);
	ASSERT_INT_EQ(msg_get_case_ack(m, &seq), CS_ERR_PROTOCOL);
	msg_free(m);

	cc.case_id = CID;
	cc.frame = "VOOGDIJ";
	o = msg_out_case_create(&cc);
	ASSERT_INT_EQ(roundtrip(&o, 6, &m), 0);
	ASSERT_INT_EQ(msg_get_case_create(m, &cback), 0);
	ASSERT_STR_EQ(cback.case_id, CID);
	ASSERT_STR_EQ(cback.frame, "VOOGDIJ");
	ASSERT_INT_EQ(msg_get_case_member(m, &mback), CS_ERR_PROTOCOL);
	msg_free(m);
	cc.frame = "NONE";
	ASSERT_INT_EQ(roundtrip(&o, 6, &m), CS_ERR_FORMAT);

	memset(&cm, 0, sizeof(cm));
	cm.case_id = CID;
	cm.user_name = "jan";
	cm.read_only = 1;
	o = msg_out_case_member(&cm);
	ASSERT_INT_EQ(roundtrip(&o, 7, &m), 0);
	ASSERT_INT_EQ(msg_get_case_member(m, &mback), 0);
	ASSERT_STR_EQ(mback.case_id, CID);
	ASSERT_STR_EQ(mback.user_name, "jan");
	ASSERT_INT_EQ(mback.remove, 0);
	ASSERT_INT_EQ(mback.read_only, 1);
	ASSERT_STR_EQ(mback.new_regisseur, "");
	ASSERT_INT_EQ(msg_get_case_create(m, &cback), CS_ERR_PROTOCOL);
	msg_free(m);
	/* a new regisseur only with a removal */
	cm.new_regisseur = "piet";
	ASSERT_INT_EQ(roundtrip(&o, 7, &m), CS_ERR_FORMAT);
	cm.remove = 1;
	ASSERT_INT_EQ(roundtrip(&o, 7, &m), 0);
	ASSERT_INT_EQ(msg_get_case_member(m, &mback), 0);
	ASSERT_INT_EQ(mback.remove, 1);
	ASSERT_STR_EQ(mback.new_regisseur, "piet");
	msg_free(m);
	TEST_DONE();
}

int
main(void)
{
	if (sodium_init() < 0)
		return 1;
	test_push();
	test_push_response();
	test_pull();
	test_int64_refused();
	test_purge_case();
	return 0;
}
