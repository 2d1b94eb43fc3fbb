/* SPDX-License-Identifier: ISC */
/*
 * test_wire.c - wire_decode validates before anyone else looks:
 * round trips, oversize fields, bad UTF-8, unknown messages, garbage.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "buf.h"
#include "errors.h"
#include "frame.h"
#include "marker.h"
#include "test.h"
#include "test_wire.h"
#include "util.h"
#include "wire.h"

/* Encode "env", strip the frame header, decode again. */

static void
test_wire_hello(void)
{
	wire_env		env, *out = NULL;
	Casesync__V1__Hello	h;
	char			longstr[WIRE_STR_MAX + 2];

	TEST_START("Hello round trip; 128 bytes ok, 129 and bad UTF-8 not");
	casesync__v1__envelope__init(&env);
	casesync__v1__hello__init(&h);
	h.protocol_version = 1;
	h.client_version = (char *)(uintptr_t)"test";
	env.id = 42;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_HELLO;
	env.hello = &h;
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), 0);
	ASSERT_INT_EQ(out->id, 42);
	ASSERT_INT_EQ(out->msg_case, CASESYNC__V1__ENVELOPE__MSG_HELLO);
	ASSERT_STR_EQ(out->hello->client_version, "test");
	wire_free(out);

	memset(longstr, 'v', WIRE_STR_MAX);
	longstr[WIRE_STR_MAX] = '\0';
	h.client_version = longstr;
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), 0);
	wire_free(out);
	longstr[WIRE_STR_MAX] = 'v';
	longstr[WIRE_STR_MAX + 1] = '\0';
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), CS_ERR_FORMAT);
	ASSERT_PTR_EQ(out, NULL);
	h.client_version = (char *)(uintptr_t)"bad \xc0\xaf utf8";
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), CS_ERR_FORMAT);
	TEST_DONE();
}

static void
test_wire_enroll(void)
{
	wire_env			env, *out = NULL;
	Casesync__V1__EnrollRequest	req;
	uint8_t				csr[2049];

	TEST_START("EnrollRequest: empty CSR and > 2048 bytes refused");
	memset(csr, 0x30, sizeof(csr));
	casesync__v1__envelope__init(&env);
	casesync__v1__enroll_request__init(&req);
	req.token = (char *)(uintptr_t)"cst1-x";
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_ENROLL_REQUEST;
	env.enroll_request = &req;
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), CS_ERR_FORMAT);
	req.csr_der.data = csr;
	req.csr_der.len = 2048;
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), 0);
	wire_free(out);
	req.csr_der.len = 2049;
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), CS_ERR_FORMAT);
	TEST_DONE();
}

static void
test_wire_restore(void)
{
	wire_env				 env, *out = NULL;
	Casesync__V1__CheckpointResponse	 resp;
	Casesync__V1__Checkpoint		 cp;
	Casesync__V1__AuditRestore		 ar;
	Casesync__V1__Welcome			 wel;
	ProtobufCBinaryData			 items[WIRE_PROOF_MAX + 1];
	uint8_t					 h[32], sig[64];
	size_t					 i;

	TEST_START("restore: Welcome generation and AuditRestore validated");
	memset(h, 7, sizeof(h));
	memset(sig, 9, sizeof(sig));
	for (i = 0; i <= WIRE_PROOF_MAX; i++) {
		items[i].data = h;
		items[i].len = sizeof(h);
	}
	casesync__v1__envelope__init(&env);
	casesync__v1__welcome__init(&wel);
	wel.server_version = (char *)(uintptr_t)"0.1";
	wel.generation = INT64_MAX;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_WELCOME;
	env.welcome = &wel;
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), 0);
	ASSERT_INT_EQ(out->welcome->generation, INT64_MAX);
	wire_free(out);
	wel.generation = (uint64_t)INT64_MAX + 1;
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), CS_ERR_FORMAT);
	wel.generation = 1;
	wel.server_seq = UINT64_MAX;
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), CS_ERR_FORMAT);

	casesync__v1__checkpoint_response__init(&resp);
	casesync__v1__checkpoint__init(&cp);
	casesync__v1__audit_restore__init(&ar);
	cp.size = 3;
	cp.root.data = h;
	cp.root.len = 32;
	cp.signature.data = sig;
	cp.signature.len = 64;
	cp.public_key.data = h;
	cp.public_key.len = 32;
	resp.checkpoint = &cp;
	ar.generation = 5;
	ar.backup_size = 2;
	ar.backup_root.data = h;
	ar.backup_root.len = 32;
	ar.old_root.data = h;
	ar.old_root.len = 32;
	ar.signature.data = sig;
	ar.signature.len = 64;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_CHECKPOINT_RESPONSE;
	env.checkpoint_response = &resp;
	/* proofs without a restore */
	resp.restore_consistency = items;
	resp.n_restore_consistency = 1;
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), CS_ERR_FORMAT);
	resp.restore = &ar;
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), 0);
	ASSERT_INT_EQ(out->checkpoint_response->restore->generation, 5);
	wire_free(out);
	resp.n_restore_consistency = WIRE_PROOF_MAX + 1;
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), CS_ERR_FORMAT);
	resp.n_restore_consistency = 0;
	resp.old_consistency = items;
	resp.n_old_consistency = WIRE_PROOF_MAX;
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), 0);
	wire_free(out);
	items[3].len = 31;
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), CS_ERR_FORMAT);
	items[3].len = 32;
	ar.backup_root.len = 31;
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), CS_ERR_FORMAT);
	ar.backup_root.len = 32;
	ar.signature.len = 63;
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), CS_ERR_FORMAT);
	ar.signature.len = 64;
	ar.generation = 0;
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), CS_ERR_FORMAT);
	ar.generation = 5;
	ar.old_size = (uint64_t)INT64_MAX + 1;
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), CS_ERR_FORMAT);
	TEST_DONE();
}

static void
test_wire_unknown(void)
{
	/* id = 7, then field 99 (varint 1): from a newer client */
	static const uint8_t	future[] = { 0x08, 0x07, 0x98, 0x06, 0x01 };
	/* field 2 (Hello) declared 100 bytes long with 2 present */
	static const uint8_t	lie[] = { 0x12, 0x64, 0x08, 0x01 };
	/* id 0 written out: decodes to nothing, cannot be re-encoded */
	static const uint8_t	empty[] = { 0x08, 0x00 };
	/* an overlong tag for field number 0 */
	static const uint8_t	tag0[] = { 0x80, 0x00, 0x00, 0x08, 0x09 };
	/* Hello.client_version "a\0b": the string would be cut at the NUL */
	static const uint8_t	nul[] = { 0x12, 0x05, 0x12, 0x03, 'a', 0, 'b' };
	/* id 42, Hello {1, "test"}; then the same with tag 0 inside Hello */
	static const uint8_t	hello[] = { 0x08, 0x2a, 0x12, 0x08, 0x08, 0x01,
	    0x12, 0x04, 't', 'e', 's', 't' };
	static const uint8_t	deep0[] = { 0x08, 0x2a, 0x12, 0x0b, 0x08, 0x01,
	    0x12, 0x04, 't', 'e', 's', 't', 0x80, 0x00, 0x00 };
	wire_env		*out = NULL;
	uint8_t			 junk[512];
	int			 i, r;

	TEST_START("unknown message parses as NOT_SET; lies and junk fail");
	ASSERT_INT_EQ(wire_decode(future, sizeof(future), &out), 0);
	ASSERT_INT_EQ(out->id, 7);
	ASSERT_INT_EQ(out->msg_case, CASESYNC__V1__ENVELOPE__MSG__NOT_SET);
	wire_free(out);
	ASSERT_INT_EQ(wire_decode(lie, sizeof(lie), &out), CS_ERR_FORMAT);
	/* found by fuzzing: non-canonical forms that re-encode differently */
	ASSERT_INT_EQ(wire_decode(empty, sizeof(empty), &out), CS_ERR_FORMAT);
	ASSERT_INT_EQ(wire_decode(tag0, sizeof(tag0), &out), CS_ERR_FORMAT);
	ASSERT_INT_EQ(wire_decode(nul, sizeof(nul), &out), CS_ERR_FORMAT);
	/* field number 0 inside the message of the Envelope's oneof */
	ASSERT_INT_EQ(wire_decode(hello, sizeof(hello), &out), 0);
	wire_free(out);
	ASSERT_INT_EQ(wire_decode(deep0, sizeof(deep0), &out), CS_ERR_FORMAT);
	ASSERT_INT_EQ(wire_decode(lie, 0, &out), CS_ERR_FORMAT);
	for (i = 0; i < 2000; i++) {
		randombytes_buf(junk, sizeof(junk));
		r = wire_decode(junk, 1 + randombytes_uniform(sizeof(junk)),
		    &out);
		ASSERT_TRUE(r == 0 || r == CS_ERR_FORMAT);
		wire_free(out);
		out = NULL;
	}
	TEST_DONE();
}

static void
test_wire_error(void)
{
	struct buf	*b;
	const uint8_t	*p;
	size_t		 len;
	wire_env	*out = NULL;

	TEST_START("wire_error encodes a typed Error");
	b = buf_new(4096);
	ASSERT_INT_EQ(wire_error(b, 9,
	    WERR_TOKEN_USED, "used", 0), 0);
	ASSERT_INT_EQ(frame_get(b, 4096, &p, &len), 0);
	ASSERT_INT_EQ(wire_decode(p, len, &out), 0);
	ASSERT_INT_EQ(out->id, 9);
	ASSERT_INT_EQ(out->msg_case, CASESYNC__V1__ENVELOPE__MSG_ERROR);
	ASSERT_STR_EQ(wire_error_name(out->error->code), "TOKEN_USED");
	ASSERT_STR_EQ(wire_error_name(9999), "UNKNOWN");
	wire_free(out);
	buf_free(b);
	TEST_DONE();
}

static void
test_util(void)
{
	uint64_t	v;
	char		vis[16];
	uint8_t		bytes[2];

	TEST_START("util: parse_u64, parse_duration, str_vis, hex, utf8");
	ASSERT_INT_EQ(parse_u64("18446744073709551615", 0, UINT64_MAX, &v), 0);
	ASSERT_TRUE(v == UINT64_MAX);
	ASSERT_INT_EQ(parse_u64("18446744073709551616", 0, UINT64_MAX, &v),
	    CS_ERR_FORMAT);
	ASSERT_INT_EQ(parse_u64("", 0, 10, &v), CS_ERR_FORMAT);
	ASSERT_INT_EQ(parse_u64("+1", 0, 10, &v), CS_ERR_FORMAT);
	ASSERT_INT_EQ(parse_u64("11", 0, 10, &v), CS_ERR_FORMAT);
	ASSERT_INT_EQ(parse_duration("90m", 86400, &v), 0);
	ASSERT_INT_EQ(v, 5400);
	ASSERT_INT_EQ(parse_duration("2d", 86400, &v), CS_ERR_FORMAT);
	ASSERT_INT_EQ(parse_duration("h", 86400, &v), CS_ERR_FORMAT);
	ASSERT_STR_EQ(str_vis(vis, sizeof(vis), "a\nb", 3), "a\\x0ab");
	ASSERT_STR_EQ(str_vis(vis, sizeof(vis), "0123456789abcdefghij", 20),
	    "0123456789ab...");
	ASSERT_INT_EQ(hex_decode(bytes, 2, "0aFf"), 0);
	ASSERT_INT_EQ(bytes[0], 0x0a);
	ASSERT_INT_EQ(bytes[1], 0xff);
	ASSERT_INT_EQ(hex_decode(bytes, 2, "0aF"), CS_ERR_FORMAT);
	ASSERT_INT_EQ(hex_decode(bytes, 2, "0aFg"), CS_ERR_FORMAT);
	ASSERT_TRUE(utf8_valid("caf\xc3\xa9", 5));
	ASSERT_TRUE(!utf8_valid("\xed\xa0\x80", 3));	/* surrogate */
	ASSERT_TRUE(!utf8_valid("\xf4\x90\x80\x80", 4));	/* > U+10FFFF */
	ASSERT_TRUE(!utf8_valid("\xc3", 1));		/* truncated */
	TEST_DONE();
}

static void
test_wire_record_author(void)
{
	wire_env			 env, *out = NULL;
	Casesync__V1__PullResponse	 pr;
	Casesync__V1__PushRequest	 push;
	Casesync__V1__Change		 ch;
	Casesync__V1__Record		 rec, *recs[1] = { &rec };
	Casesync__V1__Change		*chs[1] = { &ch };
	char				 name[MARKER_NAME_MAX + 2];
	char				 id[MARKER_ID_MAX + 2];

	TEST_START("Record author: user id digits <= 20, name <= 128 bytes "
	    "without controls; never in a push");
	casesync__v1__record__init(&rec);
	rec.record_id = (char *)(uintptr_t)
	    "0193a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2b";
	rec.case_id = (char *)(uintptr_t)
	    "0193a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2c";
	rec.kind = (char *)(uintptr_t)"person";
	rec.author_user_id = (char *)(uintptr_t)"17";
	rec.author_user_name = (char *)(uintptr_t)"Anna de Vries";
	casesync__v1__pull_response__init(&pr);
	pr.records = recs;
	pr.n_records = 1;
	casesync__v1__envelope__init(&env);
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_PULL_RESPONSE;
	env.pull_response = &pr;
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), 0);
	ASSERT_STR_EQ(out->pull_response->records[0]->author_user_name,
	    "Anna de Vries");
	ASSERT_STR_EQ(out->pull_response->records[0]->author_user_id, "17");
	wire_free(out);
	/* who wrote it first and when: a name like the author's, times >= 0 */
	rec.created_by = (char *)(uintptr_t)"Bert Smit";
	rec.created_at = 1764700000;
	rec.changed_at = 1764800000;
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), 0);
	ASSERT_STR_EQ(out->pull_response->records[0]->created_by, "Bert Smit");
	ASSERT_INT_EQ(out->pull_response->records[0]->created_at, 1764700000);
	ASSERT_INT_EQ(out->pull_response->records[0]->changed_at, 1764800000);
	wire_free(out);
	rec.created_by = (char *)(uintptr_t)"bert\x07";
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), CS_ERR_FORMAT);
	rec.created_by = (char *)(uintptr_t)"";
	rec.created_at = -1;
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), CS_ERR_FORMAT);
	rec.created_at = 0;
	rec.changed_at = -5;
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), CS_ERR_FORMAT);
	rec.changed_at = 0;
	memset(id, '9', MARKER_ID_MAX);
	id[MARKER_ID_MAX] = '\0';
	rec.author_user_id = id;
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), 0);
	wire_free(out);
	id[MARKER_ID_MAX] = '9';
	id[MARKER_ID_MAX + 1] = '\0';
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), CS_ERR_FORMAT);
	rec.author_user_id = (char *)(uintptr_t)"1a";
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), CS_ERR_FORMAT);
	rec.author_user_id = (char *)(uintptr_t)"";
	memset(name, 'n', MARKER_NAME_MAX);
	name[MARKER_NAME_MAX] = '\0';
	rec.author_user_name = name;
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), 0);
	wire_free(out);
	name[MARKER_NAME_MAX] = 'n';
	name[MARKER_NAME_MAX + 1] = '\0';
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), CS_ERR_FORMAT);
	rec.author_user_name = (char *)(uintptr_t)"anna\x1b[2J";
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), CS_ERR_FORMAT);
	rec.author_user_name = (char *)(uintptr_t)"anna\xc2\x85";	/* C1 */
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), CS_ERR_FORMAT);

	/* a laptop cannot say who wrote its own change */
	rec.author_user_name = (char *)(uintptr_t)"bert";
	casesync__v1__change__init(&ch);
	ch.change_id = (char *)(uintptr_t)
	    "0193a1b2-c3d4-7e5f-8a6b-7c8d9e0f1a2d";
	ch.record = &rec;
	casesync__v1__push_request__init(&push);
	push.changes = chs;
	push.n_changes = 1;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_PUSH_REQUEST;
	env.push_request = &push;
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), CS_ERR_FORMAT);
	rec.author_user_name = (char *)(uintptr_t)"";
	rec.author_user_id = (char *)(uintptr_t)"3";
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), CS_ERR_FORMAT);
	rec.author_user_id = (char *)(uintptr_t)"";
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), 0);
	wire_free(out);
	/* nor who wrote the record first, nor when */
	rec.created_by = (char *)(uintptr_t)"anna";
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), CS_ERR_FORMAT);
	rec.created_by = (char *)(uintptr_t)"";
	rec.created_at = 1;
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), CS_ERR_FORMAT);
	rec.created_at = 0;
	rec.changed_at = 1;
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), CS_ERR_FORMAT);
	rec.changed_at = 0;
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), 0);
	wire_free(out);
	TEST_DONE();
}

/* This process's peak resident memory (VmHWM), in bytes. */
static size_t
hwm_bytes(void)
{
	FILE		*f;
	char		 line[128];
	unsigned long	 kb = 0;

	ASSERT_TRUE((f = fopen("/proc/self/status", "r")) != NULL);
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "VmHWM: %lu kB", &kb) == 1)
			break;
	fclose(f);
	ASSERT_TRUE(kb > 0);
	return (size_t)kb * 1024;
}

/*
 * Envelope{id 1, push_request{changes: "n" empty}}: two bytes a change
 * on the wire, a pointer and a struct each once unpacked.
 */
static uint8_t *
empty_changes(size_t n, size_t *lenp)
{
	uint8_t	*p;
	size_t	 inner = 2 * n, len = 0, i, v;

	ASSERT_TRUE((p = malloc(inner + 16)) != NULL);
	p[len++] = 0x08;
	p[len++] = 0x01;
	p[len++] = 0xa2;		/* push_request: field 20, */
	p[len++] = 0x01;		/* length-delimited */
	for (v = inner; v >= 0x80; v >>= 7)
		p[len++] = (uint8_t)(v | 0x80);
	p[len++] = (uint8_t)v;
	for (i = 0; i < n; i++) {
		p[len++] = 0x0a;
		p[len++] = 0x00;
	}
	*lenp = len;
	return p;
}

static void
test_wire_budget(void)
{
	wire_env			 env, *out = NULL;
	Casesync__V1__PushRequest	 push;
	Casesync__V1__Change		*ch[WIRE_PUSH_MAX], chs[WIRE_PUSH_MAX];
	Casesync__V1__Record		 recs[WIRE_PUSH_MAX];
	static char			 ids[WIRE_PUSH_MAX][3][WIRE_UUID_LEN + 1];
	uint8_t				*p;
	size_t				 len, before, i, k;
	int				 r;

	TEST_START("wire_decode: 4 MiB of empty changes cost a few frames");
	p = empty_changes(2 * 1024 * 1024, &len);
	before = hwm_bytes();
	r = wire_decode(p, len, &out);
	/*
	 * Unpacked without a budget these cost 50 bytes each: 100 MiB.
	 * The bound leaves room for a sanitizer's redzones.
	 */
	if (hwm_bytes() - before > 2 * WIRE_DECODE_FACTOR * len +
	    WIRE_DECODE_SLACK)
		TEST_FAIL_("peak grew by %zu bytes for a %zu-byte frame",
		    hwm_bytes() - before, len);
	ASSERT_INT_EQ(r, CS_ERR_TOO_LARGE);
	ASSERT_PTR_EQ(out, NULL);
	free(p);
	TEST_DONE();

	TEST_START("wire_decode: the smallest valid changes fit the budget");
	casesync__v1__envelope__init(&env);
	casesync__v1__push_request__init(&push);
	for (i = 0; i < WIRE_PUSH_MAX; i++) {
		for (k = 0; k < 3; k++)
			snprintf(ids[i][k], sizeof(ids[i][k]),
			    "%08zx-0000-4000-8000-%012zx", k, i);
		casesync__v1__change__init(&chs[i]);
		casesync__v1__record__init(&recs[i]);
		recs[i].record_id = ids[i][1];
		recs[i].case_id = ids[i][2];
		recs[i].kind = (char *)(uintptr_t)"n";
		chs[i].change_id = ids[i][0];
		chs[i].record = &recs[i];
		ch[i] = &chs[i];
	}
	push.n_changes = WIRE_PUSH_MAX;
	push.changes = ch;
	env.id = 1;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_PUSH_REQUEST;
	env.push_request = &push;
	ASSERT_INT_EQ(test_wire_roundtrip(&env, &out), 0);
	ASSERT_INT_EQ(out->push_request->n_changes, WIRE_PUSH_MAX);
	wire_free(out);
	TEST_DONE();
}

int
main(void)
{
	if (sodium_init() < 0)
		return 1;
	test_wire_hello();
	test_wire_enroll();
	test_wire_restore();
	test_wire_unknown();
	test_wire_error();
	test_wire_record_author();
	test_util();
	test_wire_budget();
	return 0;
}
