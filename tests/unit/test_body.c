/* SPDX-License-Identifier: ISC */
/*
 * test_body.c - record bodies: the canonical codec (round trips,
 * determinism, every kind of malformed input, limits at max and
 * max + 1) and the field operations.  Their merge is test_merge.c's.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "body.h"
#include "errors.h"
#include "marker.h"
#include "merge.h"
#include "test.h"
#include "test_body.h"

/* A growable byte string for hand-made encodings. */
struct tbuf {
	uint8_t	*p;
	size_t	 len, cap;
};

static void
tb_put(struct tbuf *t, const void *p, size_t len)
{
	if (t->cap - t->len < len) {
		t->cap = (t->len + len) * 2;
		t->p = realloc(t->p, t->cap);
		ASSERT_PTR_NE(t->p, NULL);
	}
	if (len > 0)
		memcpy(t->p + t->len, p, len);
	t->len += len;
}

static void
tb_byte(struct tbuf *t, uint8_t c)
{
	tb_put(t, &c, 1);
}

static void
tb_varint(struct tbuf *t, size_t v)
{
	while (v >= 0x80) {
		tb_byte(t, (uint8_t)(v | 0x80));
		v >>= 7;
	}
	tb_byte(t, (uint8_t)v);
}

static void
tb_free(struct tbuf *t)
{
	free(t->p);
	memset(t, 0, sizeof(*t));
}

/* Append one RecordBody.fields entry the way protobuf encodes it. */
static void
tb_field(struct tbuf *t, const char *name, const void *v, size_t vlen)
{
	size_t	nlen = strlen(name), inner = 0;

	if (nlen > 0)
		inner += 1 + (nlen < 128 ? 1 : 2) + nlen;
	if (vlen > 0)
		inner += 1 + (vlen < 128 ? 1 : vlen < 16384 ? 2 : 3) + vlen;
	tb_byte(t, 0x0a);
	tb_varint(t, inner);
	if (nlen > 0) {
		tb_byte(t, 0x0a);
		tb_varint(t, nlen);
		tb_put(t, name, nlen);
	}
	if (vlen > 0) {
		tb_byte(t, 0x12);
		tb_varint(t, vlen);
		tb_put(t, v, vlen);
	}
}

static int
decode_tb(const struct tbuf *t)
{
	struct body	b;
	int		r;

	body_init(&b);
	r = body_decode(t->p, t->len, &b);
	body_free(&b);
	return r;
}

static void
test_body_roundtrip(void)
{
	const uint8_t	 bin[] = { 0x00, 0xff, 0x00, 0x0a, 0x12, 0x00 };
	struct body	 b, c;
	struct tbuf	 t = { 0 };
	uint8_t		*p, *big;
	size_t		 len;

	TEST_START("body: empty body encodes to 0 bytes, non-NULL buffer");
	body_init(&b);
	body_init(&c);
	ASSERT_INT_EQ(body_encode(&b, &p, &len), 0);
	ASSERT_PTR_NE(p, NULL);
	ASSERT_INT_EQ(len, 0);
	body_buf_free(p, len);
	ASSERT_INT_EQ(body_decode(NULL, 0, &c), 0);
	ASSERT_INT_EQ(c.n, 0);
	ASSERT_TRUE(body_equal(&b, &c));
	assert_roundtrip(&b);
	TEST_DONE();

	TEST_START("body: binary values with NUL bytes, empty value");
	ASSERT_INT_EQ(body_set(&b, "notes", bin, sizeof(bin)), 0);
	ASSERT_INT_EQ(body_set(&b, "empty", NULL, 0), 0);
	set_str(&b, "a.b_c9", "x");
	ASSERT_INT_EQ(b.n, 3);
	ASSERT_STR_EQ(b.f[0].name, "a.b_c9");
	ASSERT_STR_EQ(b.f[1].name, "empty");
	ASSERT_STR_EQ(b.f[2].name, "notes");
	ASSERT_PTR_NE(b.f[1].value, NULL);
	ASSERT_INT_EQ(b.f[1].len, 0);
	assert_roundtrip(&b);
	/* the encoding is exactly the protobuf one, field by field */
	tb_field(&t, "a.b_c9", "x", 1);
	tb_field(&t, "empty", NULL, 0);
	tb_field(&t, "notes", bin, sizeof(bin));
	ASSERT_INT_EQ(body_encode(&b, &p, &len), 0);
	ASSERT_INT_EQ(len, t.len);
	ASSERT_MEM_EQ(p, t.p, len);
	body_buf_free(p, len);
	ASSERT_INT_EQ(body_decode(t.p, t.len, &c), 0);
	ASSERT_TRUE(body_equal(&b, &c));
	tb_free(&t);
	TEST_DONE();

	TEST_START("body: value of BODY_VALUE_MAX and markers round trip");
	ASSERT_PTR_NE(big = malloc(BODY_VALUE_MAX + 1), NULL);
	memset(big, 0xa5, BODY_VALUE_MAX + 1);
	ASSERT_INT_EQ(body_set(&b, "big", big, BODY_VALUE_MAX), 0);
	big[0] = 0x01;
	ASSERT_INT_EQ(body_set(&b, "conflict.big", big, BODY_VALUE_MAX + 1),
	    0);
	ASSERT_INT_EQ(body_set(&b, "conflict.gone", (const uint8_t *)"", 1),
	    0);
	assert_roundtrip(&b);
	free(big);
	body_free(&b);
	body_free(&c);
	TEST_DONE();
}

static void
test_body_determinism(void)
{
	struct body	 a, b;
	uint8_t		*p1, *p2, *p3;
	size_t		 l1, l2, l3;

	TEST_START("body: encoding is deterministic, order of edits aside");
	body_init(&a);
	body_init(&b);
	set_str(&a, "zeta", "1");
	set_str(&a, "alpha", "2");
	set_str(&a, "mid", "old");
	set_str(&a, "mid", "3");
	set_str(&b, "mid", "3");
	set_str(&b, "temp", "x");
	set_str(&b, "alpha", "2");
	set_str(&b, "zeta", "1");
	ASSERT_INT_EQ(body_unset(&b, "temp"), 0);
	ASSERT_TRUE(body_equal(&a, &b));
	ASSERT_INT_EQ(body_encode(&a, &p1, &l1), 0);
	ASSERT_INT_EQ(body_encode(&b, &p2, &l2), 0);
	ASSERT_INT_EQ(body_encode(&a, &p3, &l3), 0);
	ASSERT_INT_EQ(l1, l2);
	ASSERT_INT_EQ(l1, l3);
	ASSERT_MEM_EQ(p1, p2, l1);
	ASSERT_MEM_EQ(p1, p3, l1);
	body_buf_free(p1, l1);
	body_buf_free(p2, l2);
	body_buf_free(p3, l3);
	body_free(&a);
	body_free(&b);
	TEST_DONE();
}

static void
test_body_decode_bad(void)
{
	struct tbuf	 t = { 0 };
	struct body	 b;
	char		 name[BODY_NAME_MAX + 2], mname[2 * BODY_NAME_MAX + 16];
	uint8_t		*big;
	size_t		 i;
	const uint8_t	 garbage[] = { 0xde, 0xad, 0xbe, 0xef, 0x01 };
	const uint8_t	 mk_bad[] = { 0x02, 'x' };
	const uint8_t	 mk_abs_extra[] = { 0x00, 'x' };

	TEST_START("body_decode: unsorted and duplicate names");
	tb_field(&t, "b", "1", 1);
	tb_field(&t, "a", "1", 1);
	ASSERT_INT_EQ(decode_tb(&t), CS_ERR_FORMAT);
	t.len = 0;
	tb_field(&t, "a", "1", 1);
	tb_field(&t, "a", "2", 1);
	ASSERT_INT_EQ(decode_tb(&t), CS_ERR_FORMAT);
	t.len = 0;
	tb_field(&t, "a", "1", 1);
	tb_field(&t, "b", "2", 1);
	ASSERT_INT_EQ(decode_tb(&t), 0);
	TEST_DONE();

	TEST_START("body_decode: invalid names");
	t.len = 0;
	tb_field(&t, "Name", "1", 1);
	ASSERT_INT_EQ(decode_tb(&t), CS_ERR_FORMAT);
	t.len = 0;
	tb_field(&t, "", "1", 1);		/* empty name */
	ASSERT_INT_EQ(decode_tb(&t), CS_ERR_FORMAT);
	t.len = 0;
	tb_field(&t, ".a", "1", 1);
	ASSERT_INT_EQ(decode_tb(&t), CS_ERR_FORMAT);
	t.len = 0;
	tb_field(&t, "a.", "1", 1);
	ASSERT_INT_EQ(decode_tb(&t), CS_ERR_FORMAT);
	t.len = 0;
	tb_field(&t, "a b", "1", 1);
	ASSERT_INT_EQ(decode_tb(&t), CS_ERR_FORMAT);
	t.len = 0;
	tb_field(&t, "conflict.conflict.a", "\x01", 1);
	ASSERT_INT_EQ(decode_tb(&t), CS_ERR_FORMAT);
	t.len = 0;
	tb_field(&t, "conflict.", "\x01", 1);
	ASSERT_INT_EQ(decode_tb(&t), CS_ERR_FORMAT);
	/* 65 bytes: too long for anything */
	memset(name, 'a', BODY_NAME_MAX + 1);
	name[BODY_NAME_MAX + 1] = '\0';
	t.len = 0;
	tb_field(&t, name, "1", 1);
	ASSERT_INT_EQ(decode_tb(&t), CS_ERR_FORMAT);
	/* a user name must leave room for "conflict." */
	name[BODY_USER_NAME_MAX + 1] = '\0';
	t.len = 0;
	tb_field(&t, name, "1", 1);
	ASSERT_INT_EQ(decode_tb(&t), CS_ERR_FORMAT);
	name[BODY_USER_NAME_MAX] = '\0';
	t.len = 0;
	tb_field(&t, name, "1", 1);
	ASSERT_INT_EQ(decode_tb(&t), 0);
	/* so its marker, of exactly BODY_NAME_MAX bytes, is valid */
	snprintf(mname, sizeof(mname), "conflict.%s", name);
	ASSERT_INT_EQ(strlen(mname), BODY_NAME_MAX);
	ASSERT_TRUE(body_name_valid(mname));
	t.len = 0;
	tb_field(&t, mname, "\x01", 1);
	ASSERT_INT_EQ(decode_tb(&t), 0);
	ASSERT_TRUE(!body_name_valid(NULL));
	TEST_DONE();

	TEST_START("body_decode: value limits and marker values");
	ASSERT_PTR_NE(big = malloc(BODY_VALUE_MAX + 2), NULL);
	memset(big, 0x01, BODY_VALUE_MAX + 2);
	t.len = 0;
	tb_field(&t, "v", big, BODY_VALUE_MAX + 1);
	ASSERT_INT_EQ(decode_tb(&t), CS_ERR_FORMAT);
	t.len = 0;
	tb_field(&t, "v", big, BODY_VALUE_MAX);
	ASSERT_INT_EQ(decode_tb(&t), 0);
	t.len = 0;
	tb_field(&t, "conflict.v", big, BODY_VALUE_MAX + 1);
	ASSERT_INT_EQ(decode_tb(&t), 0);
	t.len = 0;
	tb_field(&t, "conflict.v", big, BODY_VALUE_MAX + 2);
	ASSERT_INT_EQ(decode_tb(&t), CS_ERR_FORMAT);
	free(big);
	t.len = 0;
	tb_field(&t, "conflict.v", NULL, 0);	/* empty marker */
	ASSERT_INT_EQ(decode_tb(&t), CS_ERR_FORMAT);
	t.len = 0;
	tb_field(&t, "conflict.v", mk_bad, sizeof(mk_bad));
	ASSERT_INT_EQ(decode_tb(&t), CS_ERR_FORMAT);
	t.len = 0;
	tb_field(&t, "conflict.v", mk_abs_extra, sizeof(mk_abs_extra));
	ASSERT_INT_EQ(decode_tb(&t), CS_ERR_FORMAT);
	TEST_DONE();

	TEST_START("body_decode: BODY_FIELDS_MAX fields, and one more");
	t.len = 0;
	for (i = 0; i < BODY_FIELDS_MAX; i++) {
		snprintf(name, sizeof(name), "f%04zu", i);
		tb_field(&t, name, "v", 1);
	}
	body_init(&b);
	ASSERT_INT_EQ(body_decode(t.p, t.len, &b), 0);
	ASSERT_INT_EQ(b.n, BODY_FIELDS_MAX);
	ASSERT_INT_EQ(body_set(&b, "zz", (const uint8_t *)"v", 1),
	    CS_ERR_TOO_LARGE);
	ASSERT_INT_EQ(body_set(&b, "f0000", (const uint8_t *)"w", 1), 0);
	body_free(&b);
	snprintf(name, sizeof(name), "f%04d", BODY_FIELDS_MAX);
	tb_field(&t, name, "v", 1);
	ASSERT_INT_EQ(decode_tb(&t), CS_ERR_FORMAT);
	TEST_DONE();

	TEST_START("body_decode: garbage, trailing garbage, truncation");
	ASSERT_INT_EQ(decode_tb(&(struct tbuf){ (uint8_t *)(uintptr_t)garbage,
	    sizeof(garbage), 0 }), CS_ERR_FORMAT);
	t.len = 0;
	tb_field(&t, "a", "1", 1);
	tb_byte(&t, 0x00);
	ASSERT_INT_EQ(decode_tb(&t), CS_ERR_FORMAT);
	t.len--;
	tb_byte(&t, 0x0a);			/* a tag with no length */
	ASSERT_INT_EQ(decode_tb(&t), CS_ERR_FORMAT);
	t.len--;
	tb_put(&t, "\x0a\x05\x0a\x01", 4);	/* a field cut short */
	ASSERT_INT_EQ(decode_tb(&t), CS_ERR_FORMAT);
	t.len = 0;
	tb_field(&t, "a", "1", 1);
	for (i = 1; i < t.len; i++) {
		body_init(&b);
		ASSERT_INT_EQ(body_decode(t.p, i, &b), CS_ERR_FORMAT);
		ASSERT_INT_EQ(b.n, 0);
	}
	ASSERT_INT_EQ(body_decode(NULL, 1, &b), CS_ERR_FORMAT);
	TEST_DONE();

	TEST_START("body_decode: only the canonical encoding");
	t.len = 0;			/* explicit empty value */
	tb_put(&t, "\x0a\x05\x0a\x01" "a" "\x12\x00", 7);
	ASSERT_INT_EQ(decode_tb(&t), CS_ERR_FORMAT);
	t.len = 0;			/* value before name */
	tb_put(&t, "\x0a\x06\x12\x01" "1" "\x0a\x01" "a", 8);
	ASSERT_INT_EQ(decode_tb(&t), CS_ERR_FORMAT);
	t.len = 0;			/* the same, in order */
	tb_put(&t, "\x0a\x06\x0a\x01" "a" "\x12\x01" "1", 8);
	ASSERT_INT_EQ(decode_tb(&t), 0);
	t.len = 0;			/* overlong inner length */
	tb_put(&t, "\x0a\x07\x0a\x81\x00" "a" "\x12\x01" "1", 9);
	ASSERT_INT_EQ(decode_tb(&t), CS_ERR_FORMAT);
	t.len = 0;			/* overlong outer length */
	tb_put(&t, "\x0a\x86\x00\x0a\x01" "a" "\x12\x01" "1", 9);
	ASSERT_INT_EQ(decode_tb(&t), CS_ERR_FORMAT);
	t.len = 0;			/* unknown inner field */
	tb_put(&t, "\x0a\x08\x0a\x01" "a" "\x12\x01" "1" "\x18\x01", 10);
	ASSERT_INT_EQ(decode_tb(&t), CS_ERR_FORMAT);
	t.len = 0;			/* unknown outer field */
	tb_put(&t, "\x10\x01", 2);
	ASSERT_INT_EQ(decode_tb(&t), CS_ERR_FORMAT);
	t.len = 0;			/* name with a NUL in it */
	tb_put(&t, "\x0a\x07\x0a\x02" "a\0" "\x12\x01" "1", 9);
	ASSERT_INT_EQ(decode_tb(&t), CS_ERR_FORMAT);
	t.len = 0;			/* field number 0 in two bytes */
	tb_put(&t, "\x0a\x06\x0a\x01" "a" "\x80\x00\x01", 8);
	ASSERT_INT_EQ(decode_tb(&t), CS_ERR_FORMAT);
	TEST_DONE();

	TEST_START("body_decode: error leaves the output untouched");
	body_init(&b);
	set_str(&b, "keep", "me");
	t.len = 0;
	tb_field(&t, "B", "1", 1);
	ASSERT_INT_EQ(body_decode(t.p, t.len, &b), CS_ERR_FORMAT);
	assert_field(&b, "keep", "me");
	ASSERT_INT_EQ(b.n, 1);
	t.len = 0;
	tb_field(&t, "new", "1", 1);
	ASSERT_INT_EQ(body_decode(t.p, t.len, &b), 0);	/* replaces */
	ASSERT_INT_EQ(b.n, 1);
	assert_field(&b, "new", "1");
	body_free(&b);
	tb_free(&t);
	TEST_DONE();
}

static void
test_body_ops(void)
{
	struct body	 a, b;
	uint8_t		*big;
	uint8_t		*p;
	size_t		 len;

	TEST_START("body_set/unset/get/copy");
	body_init(&a);
	body_init(&b);
	ASSERT_INT_EQ(body_set(&a, "Bad", (const uint8_t *)"x", 1),
	    CS_ERR_FORMAT);
	ASSERT_INT_EQ(body_set(&a, "", (const uint8_t *)"x", 1),
	    CS_ERR_FORMAT);
	ASSERT_INT_EQ(body_set(&a, "conflict.x", (const uint8_t *)"x", 1),
	    CS_ERR_FORMAT);			/* bad marker value */
	ASSERT_INT_EQ(body_set(&a, "x", NULL, 1), CS_ERR_FORMAT);
	ASSERT_PTR_NE(big = calloc(1, BODY_VALUE_MAX + 1), NULL);
	ASSERT_INT_EQ(body_set(&a, "x", big, BODY_VALUE_MAX + 1),
	    CS_ERR_FORMAT);
	free(big);
	ASSERT_INT_EQ(a.n, 0);
	set_str(&a, "m", "1");
	set_str(&a, "c", "2");
	set_str(&a, "x", "3");
	set_str(&a, "m", "4");
	ASSERT_INT_EQ(a.n, 3);
	ASSERT_STR_EQ(a.f[0].name, "c");
	ASSERT_STR_EQ(a.f[1].name, "m");
	ASSERT_STR_EQ(a.f[2].name, "x");
	assert_field(&a, "m", "4");
	ASSERT_PTR_EQ(body_get(&a, "nope"), NULL);
	/* the value may come from the body itself */
	ASSERT_INT_EQ(body_set(&a, "m", a.f[2].value, a.f[2].len), 0);
	assert_field(&a, "m", "3");
	ASSERT_INT_EQ(body_set(&a, "d", a.f[0].value, a.f[0].len), 0);
	assert_field(&a, "d", "2");
	ASSERT_INT_EQ(body_unset(&a, "nope"), CS_ERR_NOT_FOUND);
	ASSERT_INT_EQ(body_unset(&a, "d"), 0);
	ASSERT_INT_EQ(body_copy(&a, &b), 0);
	ASSERT_TRUE(body_equal(&a, &b));
	ASSERT_INT_EQ(body_copy(&a, &a), 0);	/* aliasing is fine */
	ASSERT_TRUE(body_equal(&a, &b));
	set_str(&b, "m", "5");
	ASSERT_TRUE(!body_equal(&a, &b));
	assert_field(&a, "m", "3");
	ASSERT_INT_EQ(body_unset(&a, "c"), 0);
	ASSERT_INT_EQ(body_unset(&a, "m"), 0);
	ASSERT_INT_EQ(body_unset(&a, "x"), 0);
	ASSERT_INT_EQ(a.n, 0);
	ASSERT_PTR_EQ(a.f, NULL);
	body_free(&a);
	body_free(&a);				/* reusable */
	body_free(NULL);
	TEST_DONE();

	TEST_START("body_encode/copy refuse a hand-made invalid body");
	a.f = b.f;
	a.n = b.n;
	a.f[0].name[0] = 'C';		/* breaks the charset */
	ASSERT_INT_EQ(body_encode(&a, &p, &len), CS_ERR_FORMAT);
	ASSERT_PTR_EQ(p, NULL);
	ASSERT_INT_EQ(len, 0);
	body_init(&a);
	ASSERT_INT_EQ(body_copy(&b, &a), CS_ERR_FORMAT);
	ASSERT_INT_EQ(merge3(&a, &b, &a, NULL, NULL, &a, NULL), CS_ERR_FORMAT);
	b.f[0].name[0] = 'c';
	ASSERT_TRUE(body_valid(&b));
	body_free(&b);
	TEST_DONE();
}

int
main(void)
{
	if (sodium_init() < 0)
		return 1;
	test_body_roundtrip();
	test_body_determinism();
	test_body_decode_bad();
	test_body_ops();
	return 0;
}
