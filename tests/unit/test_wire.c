/* SPDX-License-Identifier: ISC */
/*
 * test_wire.c - wire_decode validates before anyone else looks:
 * round trips, oversize fields, bad UTF-8, unknown messages, garbage.
 */
#include <stdint.h>
#include <string.h>

#include <sodium.h>

#include "buf.h"
#include "errors.h"
#include "frame.h"
#include "test.h"
#include "util.h"
#include "wire.h"

/* Encode "env", strip the frame header, decode again. */
static int
roundtrip(wire_env *env, wire_env **out)
{
	struct buf	*b;
	const uint8_t	*p;
	size_t		 len;
	int		 r;

	b = buf_new(FRAME_MAX_DEFAULT);
	ASSERT_INT_EQ(wire_encode(env, FRAME_MAX_DEFAULT, b), 0);
	ASSERT_INT_EQ(frame_get(b, FRAME_MAX_DEFAULT, &p, &len), 0);
	r = wire_decode(p, len, out);
	buf_free(b);
	return r;
}

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
	ASSERT_INT_EQ(roundtrip(&env, &out), 0);
	ASSERT_INT_EQ(out->id, 42);
	ASSERT_INT_EQ(out->msg_case, CASESYNC__V1__ENVELOPE__MSG_HELLO);
	ASSERT_STR_EQ(out->hello->client_version, "test");
	wire_free(out);

	memset(longstr, 'v', WIRE_STR_MAX);
	longstr[WIRE_STR_MAX] = '\0';
	h.client_version = longstr;
	ASSERT_INT_EQ(roundtrip(&env, &out), 0);
	wire_free(out);
	longstr[WIRE_STR_MAX] = 'v';
	longstr[WIRE_STR_MAX + 1] = '\0';
	ASSERT_INT_EQ(roundtrip(&env, &out), CS_ERR_FORMAT);
	ASSERT_PTR_EQ(out, NULL);
	h.client_version = (char *)(uintptr_t)"bad \xc0\xaf utf8";
	ASSERT_INT_EQ(roundtrip(&env, &out), CS_ERR_FORMAT);
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
	ASSERT_INT_EQ(roundtrip(&env, &out), CS_ERR_FORMAT);
	req.csr_der.data = csr;
	req.csr_der.len = 2048;
	ASSERT_INT_EQ(roundtrip(&env, &out), 0);
	wire_free(out);
	req.csr_der.len = 2049;
	ASSERT_INT_EQ(roundtrip(&env, &out), CS_ERR_FORMAT);
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
	ASSERT_INT_EQ(roundtrip(&env, &out), 0);
	ASSERT_INT_EQ(out->welcome->generation, INT64_MAX);
	wire_free(out);
	wel.generation = (uint64_t)INT64_MAX + 1;
	ASSERT_INT_EQ(roundtrip(&env, &out), CS_ERR_FORMAT);
	wel.generation = 1;
	wel.server_seq = UINT64_MAX;
	ASSERT_INT_EQ(roundtrip(&env, &out), CS_ERR_FORMAT);

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
	ASSERT_INT_EQ(roundtrip(&env, &out), CS_ERR_FORMAT);
	resp.restore = &ar;
	ASSERT_INT_EQ(roundtrip(&env, &out), 0);
	ASSERT_INT_EQ(out->checkpoint_response->restore->generation, 5);
	wire_free(out);
	resp.n_restore_consistency = WIRE_PROOF_MAX + 1;
	ASSERT_INT_EQ(roundtrip(&env, &out), CS_ERR_FORMAT);
	resp.n_restore_consistency = 0;
	resp.old_consistency = items;
	resp.n_old_consistency = WIRE_PROOF_MAX;
	ASSERT_INT_EQ(roundtrip(&env, &out), 0);
	wire_free(out);
	items[3].len = 31;
	ASSERT_INT_EQ(roundtrip(&env, &out), CS_ERR_FORMAT);
	items[3].len = 32;
	ar.backup_root.len = 31;
	ASSERT_INT_EQ(roundtrip(&env, &out), CS_ERR_FORMAT);
	ar.backup_root.len = 32;
	ar.signature.len = 63;
	ASSERT_INT_EQ(roundtrip(&env, &out), CS_ERR_FORMAT);
	ar.signature.len = 64;
	ar.generation = 0;
	ASSERT_INT_EQ(roundtrip(&env, &out), CS_ERR_FORMAT);
	ar.generation = 5;
	ar.old_size = (uint64_t)INT64_MAX + 1;
	ASSERT_INT_EQ(roundtrip(&env, &out), CS_ERR_FORMAT);
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
	    CASESYNC__V1__ERROR_CODE__ERROR_TOKEN_USED, "used", 0), 0);
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
	test_util();
	return 0;
}
