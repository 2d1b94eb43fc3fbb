/* SPDX-License-Identifier: ISC */
/*
 * test_msg_auditq.c - AuditQueryRequest and AuditQueryResponse
 * (msg_auditq.h): each encoded with its msg_out_*(), decoded by
 * msg_decode() (so wire_audit_q.c validates it) and read back gives
 * what was sent; another message's getter, or a row past the end, is
 * CS_ERR_PROTOCOL; the limits (500 rows, a 1024-byte detail, strings of
 * WIRE_STR_MAX bytes of UTF-8, a case id, ascending rows) hold.
 * The export (Envelope 112/113): its request is the query's, and an
 * AuditExportResponse passes only with entries that decode strictly
 * (common/audit_enc.c: no byte more or less, no NUL in a text, the
 * version byte) in ascending idx; the decoded entry is the one encoded.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "audit_enc.h"
#include "errors.h"
#include "msg.h"
#include "msg_auditq.h"
#include "msg_session.h"
#include "test.h"
#include "test_msg.h"
#include "wire.h"

static const char CASE1[] = "11111111-1111-4111-8111-111111111111";

static struct msg *
must(struct msg_out o, enum msg_type t)
{
	struct msg	*m;

	ASSERT_INT_EQ(test_msg_roundtrip(&o, 7, &m), 0);
	ASSERT_INT_EQ(msg_type(m), t);
	return m;
}

static int
refused(struct msg_out o)
{
	struct msg	*m;
	int		 r;

	r = test_msg_roundtrip(&o, 7, &m);
	ASSERT_PTR_EQ(m, NULL);
	return r;
}

static void
row_fill(struct msg_audit_row *r, int64_t idx)
{
	memset(r, 0, sizeof(*r));
	r->idx = idx;
	r->server_time = 1796529710;
	r->device_time = idx % 2 ? 1796529700 : 0;
	r->action = 'R';
	r->type = "read";
	r->outcome = "success";
	r->user = "bert";
	r->role = "jeugdbeschermer";
	r->office = "Zwolle";
	r->device_id = 3;
	r->object_type = "record";
	r->object_id = "";
	r->client_ref = CASE1;
	r->basis = "member";
	r->purpose = "";
	r->detail = "records=2 \xc3\xa9";	/* UTF-8 */
}

static void
row_eq(const struct msg_audit_row *a, const struct msg_audit_row *b)
{
	ASSERT_INT_EQ(a->idx, b->idx);
	ASSERT_INT_EQ(a->server_time, b->server_time);
	ASSERT_INT_EQ(a->device_time, b->device_time);
	ASSERT_INT_EQ(a->action, b->action);
	ASSERT_STR_EQ(a->type, b->type);
	ASSERT_STR_EQ(a->outcome, b->outcome);
	ASSERT_STR_EQ(a->user, b->user);
	ASSERT_STR_EQ(a->role, b->role);
	ASSERT_STR_EQ(a->office, b->office);
	ASSERT_INT_EQ(a->device_id, b->device_id);
	ASSERT_STR_EQ(a->object_type, b->object_type);
	ASSERT_STR_EQ(a->object_id, b->object_id);
	ASSERT_STR_EQ(a->client_ref, b->client_ref);
	ASSERT_STR_EQ(a->basis, b->basis);
	ASSERT_STR_EQ(a->purpose, b->purpose);
	ASSERT_STR_EQ(a->detail, b->detail);
}

static void
test_request(void)
{
	struct msg_audit_query_request	 q, q2;
	struct msg_audit_query_response	 resp;
	struct msg_hello		 h;
	struct msg			*m;
	char				 big[WIRE_STR_MAX + 2];

	TEST_START("msg_auditq: AuditQueryRequest round trip, wrong type, "
	    "limits");
	memset(&q, 0, sizeof(q));
	q.case_id = CASE1;
	q.user = "bert";
	q.type = "read";
	q.since = 1796529000;
	q.until = 1796539000;
	q.after = 41;
	q.max_rows = 17;
	m = must(msg_out_audit_query_request(&q), MSG_AUDIT_QUERY_REQUEST);
	ASSERT_INT_EQ(msg_get_audit_query_request(m, &q2), 0);
	ASSERT_STR_EQ(q2.case_id, CASE1);
	ASSERT_STR_EQ(q2.user, "bert");
	ASSERT_STR_EQ(q2.type, "read");
	ASSERT_INT_EQ(q2.since, 1796529000);
	ASSERT_INT_EQ(q2.until, 1796539000);
	ASSERT_INT_EQ(q2.after, 41);
	ASSERT_INT_EQ(q2.max_rows, 17);
	ASSERT_INT_EQ(msg_get_audit_query_response(m, &resp),
	    CS_ERR_PROTOCOL);
	ASSERT_INT_EQ(msg_get_hello(m, &h), CS_ERR_PROTOCOL);
	msg_free(m);

	/* no filters: NULL is sent as "", after -1 from the first entry */
	memset(&q, 0, sizeof(q));
	q.after = -1;
	m = must(msg_out_audit_query_request(&q), MSG_AUDIT_QUERY_REQUEST);
	ASSERT_INT_EQ(msg_get_audit_query_request(m, &q2), 0);
	ASSERT_STR_EQ(q2.case_id, "");
	ASSERT_STR_EQ(q2.user, "");
	ASSERT_INT_EQ(q2.after, -1);
	msg_free(m);

	/* what wire_audit_q.c refuses */
	q.case_id = "not-a-case";
	ASSERT_INT_EQ(refused(msg_out_audit_query_request(&q)),
	    CS_ERR_FORMAT);
	q.case_id = NULL;
	q.after = -2;
	ASSERT_INT_EQ(refused(msg_out_audit_query_request(&q)),
	    CS_ERR_FORMAT);
	q.after = -1;
	q.since = -1;
	ASSERT_INT_EQ(refused(msg_out_audit_query_request(&q)),
	    CS_ERR_FORMAT);
	q.since = 0;
	q.max_rows = MSG_AUDIT_ROWS_MAX + 1;
	ASSERT_INT_EQ(refused(msg_out_audit_query_request(&q)),
	    CS_ERR_FORMAT);
	q.max_rows = MSG_AUDIT_ROWS_MAX;
	memset(big, 'u', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';		/* WIRE_STR_MAX + 1 bytes */
	q.user = big;
	ASSERT_INT_EQ(refused(msg_out_audit_query_request(&q)),
	    CS_ERR_FORMAT);
	big[WIRE_STR_MAX] = '\0';		/* exactly the limit */
	m = must(msg_out_audit_query_request(&q), MSG_AUDIT_QUERY_REQUEST);
	msg_free(m);
	q.user = NULL;
	q.type = "re\xff" "ad";			/* not UTF-8 */
	ASSERT_INT_EQ(refused(msg_out_audit_query_request(&q)),
	    CS_ERR_FORMAT);
	TEST_DONE();
}

static void
test_response(void)
{
	struct msg_audit_query_response	 resp, r2;
	struct msg_audit_query_request	 q;
	struct msg_audit_row		*rows, row;
	struct msg			*m;
	char				*detail;
	size_t				 i;

	TEST_START("msg_auditq: AuditQueryResponse of 0, 2 and 500 rows; "
	    "501, a long detail, descending rows and a bad action refused");
	rows = calloc(MSG_AUDIT_ROWS_MAX + 1, sizeof(*rows));
	ASSERT_PTR_NE(rows, NULL);
	memset(&resp, 0, sizeof(resp));
	m = must(msg_out_audit_query_response(&resp),
	    MSG_AUDIT_QUERY_RESPONSE);
	ASSERT_INT_EQ(msg_get_audit_query_response(m, &r2), 0);
	ASSERT_INT_EQ(r2.n_rows, 0);
	ASSERT_INT_EQ(r2.more, 0);
	ASSERT_INT_EQ(msg_audit_query_item(m, 0, &row), CS_ERR_PROTOCOL);
	msg_free(m);

	row_fill(&rows[0], 0);
	row_fill(&rows[1], 5);
	rows[1].action = 'C';
	rows[1].client_ref = "";
	resp.rows = rows;
	resp.n_rows = 2;
	resp.more = 1;
	m = must(msg_out_audit_query_response(&resp),
	    MSG_AUDIT_QUERY_RESPONSE);
	ASSERT_INT_EQ(msg_get_audit_query_response(m, &r2), 0);
	ASSERT_INT_EQ(r2.n_rows, 2);
	ASSERT_INT_EQ(r2.more, 1);
	ASSERT_PTR_EQ(r2.rows, NULL);
	for (i = 0; i < 2; i++) {
		ASSERT_INT_EQ(msg_audit_query_item(m, i, &row), 0);
		row_eq(&rows[i], &row);
	}
	ASSERT_INT_EQ(msg_audit_query_item(m, 2, &row), CS_ERR_PROTOCOL);
	ASSERT_INT_EQ(msg_get_audit_query_request(m, &q), CS_ERR_PROTOCOL);
	msg_free(m);

	for (i = 0; i <= MSG_AUDIT_ROWS_MAX; i++)
		row_fill(&rows[i], (int64_t)i * 3);
	resp.n_rows = MSG_AUDIT_ROWS_MAX;
	m = must(msg_out_audit_query_response(&resp),
	    MSG_AUDIT_QUERY_RESPONSE);
	ASSERT_INT_EQ(msg_get_audit_query_response(m, &r2), 0);
	ASSERT_INT_EQ(r2.n_rows, MSG_AUDIT_ROWS_MAX);
	ASSERT_INT_EQ(msg_audit_query_item(m, MSG_AUDIT_ROWS_MAX - 1, &row),
	    0);
	row_eq(&rows[MSG_AUDIT_ROWS_MAX - 1], &row);
	msg_free(m);
	/* the encoder refuses what no peer would accept */
	resp.n_rows = MSG_AUDIT_ROWS_MAX + 1;
	ASSERT_INT_EQ(refused(msg_out_audit_query_response(&resp)),
	    CS_ERR_INTERNAL);

	resp.n_rows = 2;
	detail = malloc(MSG_AUDIT_DETAIL_MAX + 2);
	ASSERT_PTR_NE(detail, NULL);
	memset(detail, 'd', MSG_AUDIT_DETAIL_MAX + 1);
	detail[MSG_AUDIT_DETAIL_MAX] = '\0';	/* the limit: fine */
	rows[1].detail = detail;
	m = must(msg_out_audit_query_response(&resp),
	    MSG_AUDIT_QUERY_RESPONSE);
	msg_free(m);
	detail[MSG_AUDIT_DETAIL_MAX] = 'd';	/* one more */
	detail[MSG_AUDIT_DETAIL_MAX + 1] = '\0';
	ASSERT_INT_EQ(refused(msg_out_audit_query_response(&resp)),
	    CS_ERR_FORMAT);
	rows[1].detail = "ok";
	rows[1].idx = rows[0].idx;		/* not ascending */
	ASSERT_INT_EQ(refused(msg_out_audit_query_response(&resp)),
	    CS_ERR_FORMAT);
	rows[1].idx = rows[0].idx + 1;
	rows[1].action = 'r';			/* not one capital */
	ASSERT_INT_EQ(refused(msg_out_audit_query_response(&resp)),
	    CS_ERR_FORMAT);
	rows[1].action = 'R';
	rows[1].type = "";			/* an entry has a type */
	ASSERT_INT_EQ(refused(msg_out_audit_query_response(&resp)),
	    CS_ERR_FORMAT);
	rows[1].type = "read";
	rows[1].user = "b\xc0\x80";		/* overlong: not UTF-8 */
	ASSERT_INT_EQ(refused(msg_out_audit_query_response(&resp)),
	    CS_ERR_FORMAT);
	rows[1].user = "bert";
	rows[1].idx = -1;
	rows[0].idx = -2;
	ASSERT_INT_EQ(refused(msg_out_audit_query_response(&resp)),
	    CS_ERR_FORMAT);
	free(detail);
	free(rows);
	TEST_DONE();
}

static void
entry_fill(struct audit_entry *e, int64_t idx)
{
	memset(e, 0, sizeof(*e));
	e->idx = idx;
	e->server_time = 1796529710;
	e->action = AUDIT_READ;
	memcpy(e->type, "read", 5);
	memcpy(e->outcome, "success", 8);
	memcpy(e->user, "bert", 5);
	memcpy(e->addr, "127.0.0.1", 10);
	e->device_id = 3;
}

static void
test_export(void)
{
	struct msg_audit_query_request		 q, q2;
	struct msg_audit_export_response	 resp, r2;
	struct audit_entry			 e, d;
	uint8_t					(*enc)[AUDIT_ENC_MAX + 1];
	const uint8_t				*ents[3], *p;
	size_t					 lens[3], len;
	struct msg				*m;
	int					 i;

	TEST_START("audit export: request, entries that decode, limits");
	enc = calloc(3, sizeof(*enc));
	ASSERT_PTR_NE(enc, NULL);
	memset(&q, 0, sizeof(q));
	q.type = "login";
	q.after = 4;
	m = must(msg_out_audit_export_request(&q), MSG_AUDIT_EXPORT_REQUEST);
	ASSERT_INT_EQ(msg_get_audit_export_request(m, &q2), 0);
	ASSERT_STR_EQ(q2.type, "login");
	ASSERT_INT_EQ(q2.after, 4);
	ASSERT_INT_EQ(msg_get_audit_query_request(m, &q2), CS_ERR_PROTOCOL);
	msg_free(m);
	q.case_id = "not-a-uuid";
	ASSERT_INT_EQ(refused(msg_out_audit_export_request(&q)),
	    CS_ERR_FORMAT);

	for (i = 0; i < 3; i++) {
		entry_fill(&e, 10 + i);
		ASSERT_INT_EQ(audit_entry_encode(&e, enc[i], AUDIT_ENC_MAX,
		    &lens[i]), 0);
		ents[i] = enc[i];
	}
	resp.entries = ents;
	resp.lens = lens;
	resp.n = 3;
	resp.more = 1;
	m = must(msg_out_audit_export_response(&resp),
	    MSG_AUDIT_EXPORT_RESPONSE);
	ASSERT_INT_EQ(msg_get_audit_export_response(m, &r2), 0);
	ASSERT_INT_EQ(r2.n, 3);
	ASSERT_INT_EQ(r2.more, 1);
	ASSERT_INT_EQ(msg_audit_export_item(m, 2, &p, &len), 0);
	ASSERT_INT_EQ(len, lens[2]);
	ASSERT_INT_EQ(audit_entry_decode(p, len, &d), 0);
	entry_fill(&e, 12);
	ASSERT_INT_EQ(memcmp(&d, &e, sizeof(d)), 0);
	ASSERT_INT_EQ(msg_audit_export_item(m, 3, &p, &len),
	    CS_ERR_PROTOCOL);
	ASSERT_PTR_EQ(p, NULL);
	msg_free(m);

	lens[1]--;				/* one byte short */
	ASSERT_INT_EQ(refused(msg_out_audit_export_response(&resp)),
	    CS_ERR_FORMAT);
	enc[1][lens[1] + 1] = 0;		/* the byte after the entry */
	lens[1] += 2;				/* one byte more */
	ASSERT_INT_EQ(refused(msg_out_audit_export_response(&resp)),
	    CS_ERR_FORMAT);
	lens[1]--;
	enc[1][0] = AUDIT_ENC_VERSION + 1;	/* another version */
	ASSERT_INT_EQ(refused(msg_out_audit_export_response(&resp)),
	    CS_ERR_FORMAT);
	enc[1][0] = AUDIT_ENC_VERSION;
	ents[2] = enc[0];			/* idx 10 after 11 */
	lens[2] = lens[0];
	ASSERT_INT_EQ(refused(msg_out_audit_export_response(&resp)),
	    CS_ERR_FORMAT);
	ents[2] = enc[2];
	lens[2] = lens[1];
	m = must(msg_out_audit_export_response(&resp),
	    MSG_AUDIT_EXPORT_RESPONSE);
	msg_free(m);
	/* a NUL inside a text: decodes to something that encodes otherwise */
	entry_fill(&e, 20);
	ASSERT_INT_EQ(audit_entry_encode(&e, enc[0], AUDIT_ENC_MAX, &len), 0);
	/* "read" is at 1 + 3 * 8 + 1 + 2: make its second byte NUL */
	ASSERT_INT_EQ(enc[0][1 + 24 + 1 + 2], 'r');
	enc[0][1 + 24 + 1 + 2 + 1] = '\0';
	ASSERT_INT_EQ(audit_entry_decode(enc[0], len, &d), CS_ERR_FORMAT);
	ASSERT_INT_EQ(d.idx, 0);
	ASSERT_INT_EQ(audit_entry_decode(enc[0], 0, &d), CS_ERR_FORMAT);
	free(enc);
	TEST_DONE();
}

int
main(void)
{
	test_request();
	test_response();
	test_export();
	return 0;
}
