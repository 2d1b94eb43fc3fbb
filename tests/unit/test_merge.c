/* SPDX-License-Identifier: ISC */
/*
 * test_merge.c - record bodies and their merge: the canonical codec
 * (round trips, determinism, every kind of malformed input, limits at
 * max and max + 1), the field operations, and merge3() with its
 * conflict markers, merge_conflicts() and merge_resolve().
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
set_str(struct body *b, const char *name, const char *v)
{
	ASSERT_INT_EQ(body_set(b, name, (const uint8_t *)v, strlen(v)), 0);
}

static void
assert_field(const struct body *b, const char *name, const char *v)
{
	const struct body_field	*f;

	f = body_get(b, name);
	if (v == NULL) {
		ASSERT_PTR_EQ(f, NULL);
		return;
	}
	ASSERT_PTR_NE(f, NULL);
	ASSERT_INT_EQ(f->len, strlen(v));
	ASSERT_MEM_EQ(f->value, v, f->len);
}

/* 1 if marker value "v" is "s" (NULL: a removal). */
static int
value_is(const struct marker_value *v, const char *s)
{
	if (s == NULL)
		return !v->present;
	return v->present && v->len == strlen(s) &&
	    (v->len == 0 || memcmp(v->value, s, v->len) == 0);
}

/*
 * The marker for "name" holds "mine" (NULL: removed) as one value and
 * the field's current value as another (and may keep older ones); a
 * legacy marker holds 0x01 + "mine", or 0x00 if mine is NULL.
 */
static void
assert_marker(const struct body *b, const char *name, const char *mine)
{
	struct marker_value	 v[MARKER_VALUES_MAX];
	const struct body_field	*f, *cur;
	char			 mname[BODY_NAME_MAX + 1], cbuf[64];
	size_t			 n, i, hit = 0, hitcur = 0;
	int			 legacy;

	snprintf(mname, sizeof(mname), "%s%s", BODY_CONFLICT_PREFIX, name);
	ASSERT_PTR_NE(f = body_get(b, mname), NULL);
	ASSERT_INT_EQ(marker_decode(f->value, f->len, v, MARKER_VALUES_MAX,
	    &n, &legacy), 0);
	if (legacy) {
		ASSERT_INT_EQ(n, 1);
		ASSERT_TRUE(value_is(&v[0], mine));
		return;
	}
	ASSERT_INT_GE(n, 2);
	cur = body_get(b, name);
	if (cur != NULL) {
		ASSERT_TRUE(cur->len < sizeof(cbuf));
		memcpy(cbuf, cur->value, cur->len);
		cbuf[cur->len] = '\0';
	}
	for (i = 0; i < n; i++) {
		hit += value_is(&v[i], mine);
		hitcur += value_is(&v[i], cur != NULL ? cbuf : NULL);
	}
	ASSERT_INT_EQ(hit, 1);
	ASSERT_INT_EQ(hitcur, 1);
}

/* Value number "i" of the marker for "name" is "s" (NULL: removed). */
static void
assert_marker_value(const struct body *b, const char *name, size_t i,
    const char *s)
{
	struct marker_value	 v[MARKER_VALUES_MAX];
	const struct body_field	*f;
	char			 mname[BODY_NAME_MAX + 1];
	size_t			 n;
	int			 legacy;

	snprintf(mname, sizeof(mname), "%s%s", BODY_CONFLICT_PREFIX, name);
	ASSERT_PTR_NE(f = body_get(b, mname), NULL);
	ASSERT_INT_EQ(marker_decode(f->value, f->len, v, MARKER_VALUES_MAX,
	    &n, &legacy), 0);
	ASSERT_TRUE(i < n);
	ASSERT_TRUE(value_is(&v[i], s));
}

static void
assert_roundtrip(const struct body *b)
{
	struct body	 c;
	uint8_t		*p, *p2;
	size_t		 len, len2;

	body_init(&c);
	ASSERT_TRUE(body_valid(b));
	ASSERT_INT_EQ(body_encode(b, &p, &len), 0);
	ASSERT_PTR_NE(p, NULL);
	ASSERT_INT_EQ(body_decode(p, len, &c), 0);
	ASSERT_TRUE(body_equal(b, &c));
	ASSERT_INT_EQ(body_encode(&c, &p2, &len2), 0);
	ASSERT_INT_EQ(len2, len);
	ASSERT_MEM_EQ(p2, p, len);
	body_buf_free(p, len);
	body_buf_free(p2, len2);
	body_free(&c);
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

/*
 * Build a body from "name=value" strings; NULL ends the list.  The
 * value "@0" stands for the single byte 0x00 (an "absent" marker).
 */
static void
mk(struct body *b, ...)
{
	va_list		 ap;
	const char	*s, *eq;
	char		 name[BODY_NAME_MAX + 1];

	body_init(b);
	va_start(ap, b);
	while ((s = va_arg(ap, const char *)) != NULL) {
		eq = strchr(s, '=');
		ASSERT_PTR_NE(eq, NULL);
		ASSERT_TRUE((size_t)(eq - s) < sizeof(name));
		memcpy(name, s, (size_t)(eq - s));
		name[eq - s] = '\0';
		if (strcmp(eq + 1, "@0") == 0)
			ASSERT_INT_EQ(body_set(b, name,
			    (const uint8_t *)"", 1), 0);
		else
			set_str(b, name, eq + 1);
	}
	va_end(ap);
}

static void
free3(struct body *a, struct body *b, struct body *c, struct body *d)
{
	body_free(a);
	body_free(b);
	body_free(c);
	body_free(d);
}

static void
test_merge_basic(void)
{
	struct body	base, mine, theirs, out;
	size_t		nc;

	TEST_START("merge3: disjoint edits are merged");
	mk(&base, "a=1", "b=2", "c=3", NULL);
	mk(&mine, "a=mine", "b=2", "c=3", "d=new", NULL);
	mk(&theirs, "a=1", "b=2", "c=theirs", NULL);
	body_init(&out);
	ASSERT_INT_EQ(merge3(&base, &mine, &theirs, NULL, NULL, &out, &nc), 0);
	ASSERT_INT_EQ(nc, 0);
	ASSERT_INT_EQ(out.n, 4);
	assert_field(&out, "a", "mine");
	assert_field(&out, "b", "2");
	assert_field(&out, "c", "theirs");
	assert_field(&out, "d", "new");
	assert_roundtrip(&out);
	free3(&base, &mine, &theirs, &out);
	TEST_DONE();

	TEST_START("merge3: same field, same value on both sides");
	mk(&base, "a=1", NULL);
	mk(&mine, "a=2", NULL);
	mk(&theirs, "a=2", NULL);
	body_init(&out);
	ASSERT_INT_EQ(merge3(&base, &mine, &theirs, NULL, NULL, &out, &nc), 0);
	ASSERT_INT_EQ(nc, 0);
	ASSERT_INT_EQ(out.n, 1);
	assert_field(&out, "a", "2");
	free3(&base, &mine, &theirs, &out);
	TEST_DONE();

	TEST_START("merge3: same field, different values -> conflict");
	mk(&base, "a=1", "name=base", "z=1", NULL);
	mk(&mine, "a=1", "name=mine", "z=1", NULL);
	mk(&theirs, "a=1", "name=theirs", "z=1", NULL);
	body_init(&out);
	ASSERT_INT_EQ(merge3(&base, &mine, &theirs, NULL, NULL, &out, &nc), 0);
	ASSERT_INT_EQ(nc, 1);
	ASSERT_INT_EQ(out.n, 4);
	assert_field(&out, "name", "theirs");
	assert_marker(&out, "name", "mine");
	assert_field(&out, "a", "1");
	assert_field(&out, "z", "1");
	assert_roundtrip(&out);
	free3(&base, &mine, &theirs, &out);
	TEST_DONE();

	TEST_START("merge3: removed on one side, untouched on the other");
	mk(&base, "a=1", "b=2", NULL);
	mk(&mine, "b=2", NULL);
	mk(&theirs, "a=1", "b=2", NULL);
	body_init(&out);
	ASSERT_INT_EQ(merge3(&base, &mine, &theirs, NULL, NULL, &out, &nc), 0);
	ASSERT_INT_EQ(nc, 0);
	ASSERT_INT_EQ(out.n, 1);
	assert_field(&out, "a", NULL);
	ASSERT_INT_EQ(merge3(&base, &theirs, &mine, NULL, NULL, &out, &nc), 0);
	ASSERT_INT_EQ(nc, 0);
	ASSERT_INT_EQ(out.n, 1);
	assert_field(&out, "a", NULL);
	free3(&base, &mine, &theirs, &out);
	TEST_DONE();

	TEST_START("merge3: removed on one side, changed on the other");
	mk(&base, "a=1", NULL);
	mk(&mine, NULL);
	mk(&theirs, "a=2", NULL);
	body_init(&out);
	ASSERT_INT_EQ(merge3(&base, &mine, &theirs, NULL, NULL, &out, &nc), 0);
	ASSERT_INT_EQ(nc, 1);
	ASSERT_INT_EQ(out.n, 2);
	assert_field(&out, "a", "2");
	assert_marker(&out, "a", NULL);		/* 0x00: mine removed it */
	/* the other way round: theirs' absence wins, mine's value kept */
	ASSERT_INT_EQ(merge3(&base, &theirs, &mine, NULL, NULL, &out, &nc), 0);
	ASSERT_INT_EQ(nc, 1);
	ASSERT_INT_EQ(out.n, 1);
	assert_field(&out, "a", NULL);
	assert_marker(&out, "a", "2");
	assert_roundtrip(&out);
	free3(&base, &mine, &theirs, &out);
	TEST_DONE();

	TEST_START("merge3: added on both sides with different values");
	mk(&base, NULL);
	mk(&mine, "a=m", "b=same", NULL);
	mk(&theirs, "a=t", "b=same", NULL);
	body_init(&out);
	ASSERT_INT_EQ(merge3(&base, &mine, &theirs, NULL, NULL, &out, &nc), 0);
	ASSERT_INT_EQ(nc, 1);
	ASSERT_INT_EQ(out.n, 3);
	assert_field(&out, "a", "t");
	assert_marker(&out, "a", "m");
	assert_field(&out, "b", "same");
	free3(&base, &mine, &theirs, &out);
	TEST_DONE();

	TEST_START("merge3: empty values count as values");
	mk(&base, "a=", NULL);
	mk(&mine, "a=x", NULL);
	mk(&theirs, NULL);
	body_init(&out);
	ASSERT_INT_EQ(merge3(&base, &mine, &theirs, NULL, NULL, &out, &nc), 0);
	ASSERT_INT_EQ(nc, 1);
	assert_field(&out, "a", NULL);
	assert_marker(&out, "a", "x");
	ASSERT_INT_EQ(merge3(&base, &theirs, &mine, NULL, NULL, &out, &nc), 0);
	assert_field(&out, "a", "x");
	assert_marker(&out, "a", NULL);
	free3(&base, &mine, &theirs, &out);
	mk(&base, NULL);
	mk(&mine, "a=", NULL);
	mk(&theirs, "a=y", NULL);
	body_init(&out);
	ASSERT_INT_EQ(merge3(&base, &mine, &theirs, NULL, NULL, &out, &nc), 0);
	ASSERT_INT_EQ(nc, 1);
	assert_field(&out, "a", "y");
	assert_marker(&out, "a", "");		/* 0x01, empty value */
	free3(&base, &mine, &theirs, &out);
	TEST_DONE();
}

static void
test_merge_identities(void)
{
	struct body	b, m, t, out, empty;
	size_t		nc;

	TEST_START("merge3: b,b,b = b; b,m,b = m; b,b,t = t; aliasing");
	mk(&b, "a=1", "b=2", "conflict.c=\x01old", "c=3", NULL);
	mk(&m, "a=1", "b=mine", "d=4", NULL);
	mk(&t, "b=2", "c=theirs", "conflict.c=\x01old", "e=5", NULL);
	body_init(&out);
	body_init(&empty);
	ASSERT_INT_EQ(merge3(&b, &b, &b, NULL, NULL, &out, &nc), 0);
	ASSERT_INT_EQ(nc, 0);
	ASSERT_TRUE(body_equal(&out, &b));
	ASSERT_INT_EQ(merge3(&b, &m, &b, NULL, NULL, &out, &nc), 0);
	ASSERT_INT_EQ(nc, 0);
	ASSERT_TRUE(body_equal(&out, &m));
	ASSERT_INT_EQ(merge3(&b, &b, &t, NULL, NULL, &out, &nc), 0);
	ASSERT_INT_EQ(nc, 0);
	ASSERT_TRUE(body_equal(&out, &t));
	ASSERT_INT_EQ(merge3(&empty, &empty, &empty, NULL, NULL, &out, &nc), 0);
	ASSERT_INT_EQ(out.n, 0);
	ASSERT_INT_EQ(merge3(&b, &m, &m, NULL, NULL, &out, &nc), 0);
	ASSERT_TRUE(body_equal(&out, &m));
	/* out may be an input */
	ASSERT_INT_EQ(merge3(&b, &b, &t, NULL, NULL, &b, &nc), 0);
	ASSERT_TRUE(body_equal(&b, &t));
	ASSERT_INT_EQ(merge3(&empty, &m, &empty, NULL, NULL, &m, NULL), 0);
	ASSERT_INT_EQ(m.n, 3);
	free3(&b, &m, &t, &out);
	TEST_DONE();
}

static void
test_merge_markers(void)
{
	struct body	 base, mine, theirs, out, big1, big2;
	char		 name[BODY_NAME_MAX + 1], mname[2 * BODY_NAME_MAX + 16];
	size_t		 nc, i;

	TEST_START("merge3: a conflict resolved on one side stays resolved");
	mk(&base, "a=t", "conflict.a=\x01m", NULL);
	mk(&mine, "a=t", NULL);			/* resolved: kept theirs */
	mk(&theirs, "a=t", "conflict.a=\x01m", "b=new", NULL);
	body_init(&out);
	ASSERT_INT_EQ(merge3(&base, &mine, &theirs, NULL, NULL, &out, &nc), 0);
	ASSERT_INT_EQ(nc, 0);
	ASSERT_INT_EQ(out.n, 2);
	ASSERT_PTR_EQ(body_get(&out, "conflict.a"), NULL);
	assert_field(&out, "b", "new");
	/* and from the other side */
	ASSERT_INT_EQ(merge3(&base, &theirs, &mine, NULL, NULL, &out, &nc), 0);
	ASSERT_PTR_EQ(body_get(&out, "conflict.a"), NULL);
	free3(&base, &mine, &theirs, &out);
	TEST_DONE();

	TEST_START("merge3: markers changed on both sides -> mine's marker");
	mk(&base, "a=t", "conflict.a=\x01m", NULL);
	mk(&mine, "a=t", "conflict.a=\x01m2", NULL);
	mk(&theirs, "a=t", "conflict.a=\x01m3", NULL);
	body_init(&out);
	ASSERT_INT_EQ(merge3(&base, &mine, &theirs, NULL, NULL, &out, &nc), 0);
	ASSERT_INT_EQ(nc, 0);
	assert_marker(&out, "a", "m2");
	ASSERT_PTR_EQ(body_get(&out, "conflict.conflict.a"), NULL);
	ASSERT_INT_EQ(out.n, 2);
	body_free(&mine);
	/* mine resolved it, theirs holds a newer conflict */
	mk(&mine, "a=t", NULL);
	ASSERT_INT_EQ(merge3(&base, &mine, &theirs, NULL, NULL, &out, &nc), 0);
	ASSERT_INT_EQ(nc, 0);
	assert_marker(&out, "a", "m3");
	free3(&base, &mine, &theirs, &out);
	TEST_DONE();

	TEST_START("merge3: a new conflict keeps the older marker's values");
	mk(&base, "a=1", "conflict.a=\x01old", NULL);
	mk(&mine, "a=2", "conflict.a=\x01old", NULL);
	mk(&theirs, "a=3", "conflict.a=\x01old", NULL);
	body_init(&out);
	ASSERT_INT_EQ(merge3(&base, &mine, &theirs, NULL, NULL, &out, &nc), 0);
	ASSERT_INT_EQ(nc, 1);
	ASSERT_INT_EQ(out.n, 2);
	assert_field(&out, "a", "3");
	assert_marker(&out, "a", "2");
	/* no times: by value; the old marker's value is still there */
	assert_marker_value(&out, "a", 0, "2");
	assert_marker_value(&out, "a", 1, "3");
	assert_marker_value(&out, "a", 2, "old");
	assert_roundtrip(&out);
	free3(&base, &mine, &theirs, &out);
	TEST_DONE();

	TEST_START("merge3: several conflicts interleave with other names");
	mk(&base, "b=0", "con=0", "conflict.c=@0", "d=0", "zz=0", NULL);
	mk(&mine, "b=1", "con=1", "conflict.c=@0", "d=1", "zz=1", NULL);
	mk(&theirs, "b=2", "con=2", "conflict.c=@0", "d=2", NULL);
	body_init(&out);
	ASSERT_INT_EQ(merge3(&base, &mine, &theirs, NULL, NULL, &out, &nc), 0);
	ASSERT_INT_EQ(nc, 4);
	ASSERT_INT_EQ(out.n, 8);
	ASSERT_TRUE(body_valid(&out));
	assert_marker(&out, "b", "1");
	assert_marker(&out, "con", "1");
	assert_marker(&out, "c", NULL);		/* untouched old marker */
	assert_marker(&out, "d", "1");
	assert_marker(&out, "zz", "1");
	assert_field(&out, "zz", NULL);
	assert_roundtrip(&out);
	free3(&base, &mine, &theirs, &out);
	TEST_DONE();

	TEST_START("merge3: longest user name gets a BODY_NAME_MAX marker");
	memset(name, 'n', BODY_USER_NAME_MAX);
	name[BODY_USER_NAME_MAX] = '\0';
	body_init(&base);
	body_init(&mine);
	body_init(&theirs);
	body_init(&out);
	set_str(&mine, name, "m");
	set_str(&theirs, name, "t");
	ASSERT_INT_EQ(merge3(&base, &mine, &theirs, NULL, NULL, &out, &nc), 0);
	ASSERT_INT_EQ(nc, 1);
	snprintf(mname, sizeof(mname), "conflict.%s", name);
	ASSERT_PTR_NE(body_get(&out, mname), NULL);
	ASSERT_INT_EQ(strlen(out.f[0].name), BODY_NAME_MAX);
	assert_roundtrip(&out);
	free3(&base, &mine, &theirs, &out);
	TEST_DONE();

	TEST_START("merge3: result over BODY_FIELDS_MAX is refused");
	body_init(&base);
	body_init(&big1);
	body_init(&big2);
	mk(&out, "keep=1", NULL);
	for (i = 0; i < BODY_FIELDS_MAX; i++) {
		snprintf(name, sizeof(name), "m%04zu", i);
		set_str(&big1, name, "v");
		snprintf(name, sizeof(name), "t%04zu", i);
		set_str(&big2, name, "v");
	}
	ASSERT_INT_EQ(merge3(&base, &big1, &big2, NULL, NULL, &out, &nc),
	    CS_ERR_TOO_LARGE);
	ASSERT_INT_EQ(nc, 0);
	assert_field(&out, "keep", "1");	/* untouched */
	ASSERT_INT_EQ(merge3(&base, &big1, &base, NULL, NULL, &out, &nc), 0);
	ASSERT_INT_EQ(out.n, BODY_FIELDS_MAX);
	/* 300 conflicts would need 600 fields */
	body_free(&big1);
	body_free(&big2);
	for (i = 0; i < 300; i++) {
		snprintf(name, sizeof(name), "f%04zu", i);
		set_str(&big1, name, "m");
		set_str(&big2, name, "t");
	}
	ASSERT_INT_EQ(merge3(&base, &big1, &big2, NULL, NULL, &out, &nc),
	    CS_ERR_TOO_LARGE);
	free3(&base, &big1, &big2, &out);
	TEST_DONE();
}

struct listing {
	int	n;
	int	stop_at;
	char	names[8][BODY_NAME_MAX + 1];
	size_t	nvals[8];
	int	legacy[8];
	int	present[8][MARKER_VALUES_MAX];
	char	vals[8][MARKER_VALUES_MAX][16];
	char	who[8][MARKER_VALUES_MAX][MARKER_NAME_MAX + 1];
	uint64_t hlc[8][MARKER_VALUES_MAX];
	char	cur[8][16];
};

static int
list_cb(const char *name, const struct marker_value *v, size_t n,
    int legacy, const struct body_field *cur, void *arg)
{
	struct listing	*l = arg;
	size_t		 i;

	ASSERT_TRUE(l->n < 8 && n >= 2 && n <= MARKER_VALUES_MAX);
	snprintf(l->names[l->n], sizeof(l->names[0]), "%s", name);
	l->nvals[l->n] = n;
	l->legacy[l->n] = legacy;
	for (i = 0; i < n; i++) {
		ASSERT_TRUE(v[i].len < 16);
		l->present[l->n][i] = v[i].present;
		if (v[i].len > 0)
			memcpy(l->vals[l->n][i], v[i].value, v[i].len);
		l->vals[l->n][i][v[i].len] = '\0';
		snprintf(l->who[l->n][i], sizeof(l->who[0][0]), "%s",
		    v[i].user_name);
		l->hlc[l->n][i] = v[i].hlc;
	}
	if (cur == NULL)
		snprintf(l->cur[l->n], sizeof(l->cur[0]), "(none)");
	else {
		ASSERT_TRUE(cur->len < 16);
		memcpy(l->cur[l->n], cur->value, cur->len);
		l->cur[l->n][cur->len] = '\0';
	}
	if (++l->n == l->stop_at)
		return CS_ERR_EXISTS;
	return 0;
}

static void
test_merge_conflicts_resolve(void)
{
	struct body	base, mine, theirs, out, work;
	struct listing	l;
	size_t		nc;

	mk(&base, "a=0", "b=0", "c=0", "d=0", NULL);
	mk(&mine, "a=ma", "c=0", "d=md", NULL);
	mk(&theirs, "a=ta", "b=tb", "d=0", NULL);
	body_init(&out);
	body_init(&work);
	ASSERT_INT_EQ(merge3(&base, &mine, &theirs, NULL, NULL, &out, &nc),
	    0);
	/* a: both changed; b: mine removed, theirs changed; c: removed */
	ASSERT_INT_EQ(nc, 2);

	TEST_START("merge_conflicts lists every marker");
	memset(&l, 0, sizeof(l));
	ASSERT_INT_EQ(merge_conflicts(&out, list_cb, &l), 0);
	ASSERT_INT_EQ(l.n, 2);
	/* no authors, no times: in the order of their values */
	ASSERT_STR_EQ(l.names[0], "a");
	ASSERT_INT_EQ(l.nvals[0], 2);
	ASSERT_INT_EQ(l.legacy[0], 0);
	ASSERT_STR_EQ(l.vals[0][0], "ma");
	ASSERT_STR_EQ(l.vals[0][1], "ta");
	ASSERT_STR_EQ(l.who[0][0], "");
	ASSERT_STR_EQ(l.cur[0], "ta");
	ASSERT_STR_EQ(l.names[1], "b");
	ASSERT_INT_EQ(l.present[1][0], 0);	/* removed sorts first */
	ASSERT_INT_EQ(l.present[1][1], 1);
	ASSERT_STR_EQ(l.vals[1][1], "tb");
	memset(&l, 0, sizeof(l));
	l.stop_at = 1;
	ASSERT_INT_EQ(merge_conflicts(&out, list_cb, &l), CS_ERR_EXISTS);
	ASSERT_INT_EQ(l.n, 1);
	memset(&l, 0, sizeof(l));
	ASSERT_INT_EQ(merge_conflicts(&base, list_cb, &l), 0);
	ASSERT_INT_EQ(l.n, 0);
	TEST_DONE();

	TEST_START("merge_resolve: MERGE_PICK the current value drops the "
	    "marker");
	ASSERT_INT_EQ(body_copy(&out, &work), 0);
	ASSERT_INT_EQ(merge_resolve(&work, "a", MERGE_PICK, 1, NULL, 0), 0);
	assert_field(&work, "a", "ta");
	ASSERT_PTR_EQ(body_get(&work, "conflict.a"), NULL);
	ASSERT_INT_EQ(merge_resolve(&work, "a", MERGE_PICK, 1, NULL, 0),
	    CS_ERR_NOT_FOUND);
	ASSERT_INT_EQ(merge_resolve(&work, "b", MERGE_PICK, 1, NULL, 0), 0);
	assert_field(&work, "b", "tb");
	memset(&l, 0, sizeof(l));
	ASSERT_INT_EQ(merge_conflicts(&work, list_cb, &l), 0);
	ASSERT_INT_EQ(l.n, 0);
	TEST_DONE();

	TEST_START("merge_resolve: MERGE_PICK the other value or absence");
	ASSERT_INT_EQ(body_copy(&out, &work), 0);
	ASSERT_INT_EQ(merge_resolve(&work, "a", MERGE_PICK, 0, NULL, 0), 0);
	assert_field(&work, "a", "ma");
	ASSERT_PTR_EQ(body_get(&work, "conflict.a"), NULL);
	ASSERT_INT_EQ(merge_resolve(&work, "b", MERGE_PICK, 0, NULL, 0), 0);
	assert_field(&work, "b", NULL);
	ASSERT_PTR_EQ(body_get(&work, "conflict.b"), NULL);
	/* resolving to mine everywhere gives mine's edits on top */
	assert_field(&work, "d", "md");
	assert_field(&work, "c", NULL);
	ASSERT_INT_EQ(work.n, 2);
	TEST_DONE();

	TEST_START("merge_resolve: MERGE_VALUE sets a new value");
	ASSERT_INT_EQ(body_copy(&out, &work), 0);
	ASSERT_INT_EQ(merge_resolve(&work, "a", MERGE_VALUE, 0,
	    (const uint8_t *)"both", 4), 0);
	assert_field(&work, "a", "both");
	ASSERT_PTR_EQ(body_get(&work, "conflict.a"), NULL);
	ASSERT_INT_EQ(merge_resolve(&work, "b", MERGE_VALUE, 0, NULL, 0), 0);
	assert_field(&work, "b", "");
	TEST_DONE();

	TEST_START("merge_resolve: errors leave the body unchanged");
	ASSERT_INT_EQ(body_copy(&out, &work), 0);
	ASSERT_INT_EQ(merge_resolve(&work, "d", MERGE_PICK, 0, NULL, 0),
	    CS_ERR_NOT_FOUND);
	ASSERT_INT_EQ(merge_resolve(&work, "a", MERGE_PICK, 2, NULL, 0),
	    CS_ERR_NOT_FOUND);
	ASSERT_INT_EQ(merge_resolve(&work, "zz", MERGE_PICK, 0, NULL, 0),
	    CS_ERR_NOT_FOUND);
	ASSERT_INT_EQ(merge_resolve(&work, "conflict.a", MERGE_PICK, 0, NULL,
	    0), CS_ERR_FORMAT);
	ASSERT_INT_EQ(merge_resolve(&work, "A", MERGE_PICK, 0, NULL, 0),
	    CS_ERR_FORMAT);
	ASSERT_INT_EQ(merge_resolve(&work, "a", MERGE_VALUE, 0, NULL, 1),
	    CS_ERR_FORMAT);
	ASSERT_INT_EQ(merge_resolve(&work, "a", (enum merge_choice)7, 0, NULL,
	    0), CS_ERR_INTERNAL);
	ASSERT_TRUE(body_equal(&work, &out));
	TEST_DONE();

	TEST_START("merge3: a resolution made after the merge propagates");
	/* mine resolved to its own value; theirs untouched since the merge */
	ASSERT_INT_EQ(body_copy(&out, &work), 0);
	ASSERT_INT_EQ(merge_resolve(&work, "a", MERGE_PICK, 0, NULL, 0), 0);
	ASSERT_INT_EQ(merge3(&out, &work, &out, NULL, NULL, &base, &nc), 0);
	ASSERT_INT_EQ(nc, 0);
	ASSERT_TRUE(body_equal(&base, &work));
	free3(&base, &mine, &theirs, &out);
	body_free(&work);
	TEST_DONE();
}

/*
 * The marker names each value's author and time, the same whichever
 * side made the merge: the label is no longer "mine" or "theirs".
 */
static void
test_merge_authors(void)
{
	struct merge_author	 anna = { "3", "anna", 200 << 16 };
	struct merge_author	 bert = { "4", "bert", 100 << 16 };
	struct merge_author	 bad = { "x4", "bert\x01", 7 };
	struct body		 base, a, b, out1, out2;
	struct listing		 l;
	const struct body_field	*m1, *m2;
	size_t			 nc;

	TEST_START("merge3: each value carries its author and time");
	mk(&base, "phone=0", "name=x", NULL);
	mk(&a, "phone=111", "name=x", NULL);
	mk(&b, "phone=222", "name=x", NULL);
	body_init(&out1);
	body_init(&out2);
	/* on anna's laptop: mine = anna's, theirs = bert's from the server */
	ASSERT_INT_EQ(merge3(&base, &a, &b, &anna, &bert, &out1, &nc), 0);
	ASSERT_INT_EQ(nc, 1);
	memset(&l, 0, sizeof(l));
	ASSERT_INT_EQ(merge_conflicts(&out1, list_cb, &l), 0);
	ASSERT_INT_EQ(l.n, 1);
	ASSERT_INT_EQ(l.legacy[0], 0);
	/* in the order written: bert first (earlier), then anna */
	ASSERT_STR_EQ(l.who[0][0], "bert");
	ASSERT_STR_EQ(l.vals[0][0], "222");
	ASSERT_INT_EQ(l.hlc[0][0], (uint64_t)100 << 16);
	ASSERT_STR_EQ(l.who[0][1], "anna");
	ASSERT_STR_EQ(l.vals[0][1], "111");
	ASSERT_STR_EQ(l.cur[0], "222");
	TEST_DONE();

	TEST_START("merge3: the marker is the same from either side");
	/* on bert's laptop the roles swap; the marker must not change */
	ASSERT_INT_EQ(merge3(&base, &b, &a, &bert, &anna, &out2, &nc), 0);
	ASSERT_PTR_NE(m1 = body_get(&out1, "conflict.phone"), NULL);
	ASSERT_PTR_NE(m2 = body_get(&out2, "conflict.phone"), NULL);
	ASSERT_INT_EQ(m1->len, m2->len);
	ASSERT_MEM_EQ(m1->value, m2->value, m1->len);
	assert_field(&out2, "phone", "111");
	assert_roundtrip(&out1);
	TEST_DONE();

	TEST_START("merge3: a removal has an author too; bad names are "
	    "unknown");
	body_free(&b);
	mk(&b, "name=x", NULL);
	ASSERT_INT_EQ(merge3(&base, &a, &b, &anna, &bad, &out1, &nc), 0);
	ASSERT_INT_EQ(nc, 1);
	memset(&l, 0, sizeof(l));
	ASSERT_INT_EQ(merge_conflicts(&out1, list_cb, &l), 0);
	ASSERT_INT_EQ(l.present[0][0], 0);	/* hlc 7: earliest */
	ASSERT_STR_EQ(l.who[0][0], "");		/* control byte: unknown */
	ASSERT_INT_EQ(l.hlc[0][0], 7);
	ASSERT_STR_EQ(l.who[0][1], "anna");
	ASSERT_STR_EQ(l.cur[0], "(none)");
	ASSERT_INT_EQ(merge_resolve(&out1, "phone", MERGE_PICK, 1, NULL, 0),
	    0);
	assert_field(&out1, "phone", "111");
	ASSERT_PTR_EQ(body_get(&out1, "conflict.phone"), NULL);
	free3(&base, &a, &b, &out1);
	body_free(&out2);
	TEST_DONE();

	TEST_START("merge3: a value a merge pushed keeps its first author; "
	    "a third side adds to the marker");
	{
		struct merge_author carla = { "5", "carla", 300 << 16 };
		/* bert's merging laptop pushed this; the server says bert */
		struct merge_author bert_push = { "4", "bert", 250 << 16 };
		struct body c3;

		mk(&base, "phone=0", NULL);
		mk(&a, "phone=111", NULL);
		mk(&b, "phone=222", NULL);
		mk(&c3, "phone=333", NULL);
		body_init(&out1);
		body_init(&out2);
		/* bert's push conflicts with anna's: his laptop merges */
		ASSERT_INT_EQ(merge3(&base, &b, &a, &bert, &anna, &out1, &nc),
		    0);
		assert_field(&out1, "phone", "111");
		/* carla's push conflicts with what bert's laptop pushed */
		ASSERT_INT_EQ(merge3(&base, &c3, &out1, &carla, &bert_push,
		    &out2, &nc), 0);
		ASSERT_INT_EQ(nc, 1);
		memset(&l, 0, sizeof(l));
		ASSERT_INT_EQ(merge_conflicts(&out2, list_cb, &l), 0);
		ASSERT_INT_EQ(l.nvals[0], 3);
		/* 111 is anna's (the marker says so), not bert's */
		ASSERT_STR_EQ(l.who[0][0], "bert");
		ASSERT_STR_EQ(l.vals[0][0], "222");
		ASSERT_STR_EQ(l.who[0][1], "anna");
		ASSERT_STR_EQ(l.vals[0][1], "111");
		ASSERT_INT_EQ(l.hlc[0][1], (uint64_t)200 << 16);
		ASSERT_STR_EQ(l.who[0][2], "carla");
		ASSERT_STR_EQ(l.vals[0][2], "333");
		ASSERT_STR_EQ(l.cur[0], "111");
		free3(&base, &a, &b, &c3);
		body_free(&out1);
		body_free(&out2);
	}
	TEST_DONE();

	TEST_START("merge3: at most MARKER_VALUES_MAX values: the sides and "
	    "the newest older ones");
	{
		struct marker_value	 ov[MARKER_VALUES_MAX];
		struct merge_author	 m5 = { "1", "m", 9000 };
		struct merge_author	 t5 = { "2", "t", 10 };
		uint8_t			*enc = NULL;
		size_t			 elen, i;
		char			 vals[MARKER_VALUES_MAX][8];

		for (i = 0; i < MARKER_VALUES_MAX; i++) {
			memset(&ov[i], 0, sizeof(ov[i]));
			snprintf(vals[i], sizeof(vals[i]), "o%zu", i);
			ov[i].present = 1;
			ov[i].value = (const uint8_t *)vals[i];
			ov[i].len = strlen(vals[i]);
			ov[i].hlc = 100 * (i + 1);
			snprintf(ov[i].user_name, sizeof(ov[i].user_name), "u%zu",
			    i);
		}
		ASSERT_INT_EQ(marker_encode(ov, MARKER_VALUES_MAX, &enc, &elen),
		    0);
		mk(&base, "x=0", NULL);
		ASSERT_INT_EQ(body_set(&base, "conflict.x", enc, elen), 0);
		free(enc);
		ASSERT_INT_EQ(body_copy(&base, &a), 0);
		ASSERT_INT_EQ(body_copy(&base, &b), 0);
		set_str(&a, "x", "mine");
		set_str(&b, "x", "theirs");
		body_init(&out1);
		ASSERT_INT_EQ(merge3(&base, &a, &b, &m5, &t5, &out1, &nc), 0);
		memset(&l, 0, sizeof(l));
		ASSERT_INT_EQ(merge_conflicts(&out1, list_cb, &l), 0);
		ASSERT_INT_EQ(l.nvals[0], MARKER_VALUES_MAX);
		/* t (10), then the two newest old ones, then m (9000) */
		ASSERT_STR_EQ(l.vals[0][0], "theirs");
		ASSERT_STR_EQ(l.vals[0][1], "o2");
		ASSERT_STR_EQ(l.vals[0][2], "o3");
		ASSERT_STR_EQ(l.vals[0][3], "mine");
		free3(&base, &a, &b, &out1);
	}
	TEST_DONE();

	TEST_START("merge_conflicts: a legacy marker lists the field too");
	mk(&out1, "phone=222", "conflict.phone=\x01" "111", NULL);
	memset(&l, 0, sizeof(l));
	ASSERT_INT_EQ(merge_conflicts(&out1, list_cb, &l), 0);
	ASSERT_INT_EQ(l.n, 1);
	ASSERT_INT_EQ(l.legacy[0], 1);
	ASSERT_INT_EQ(l.nvals[0], 2);
	ASSERT_STR_EQ(l.vals[0][0], "111");
	ASSERT_STR_EQ(l.vals[0][1], "222");
	ASSERT_STR_EQ(l.who[0][0], "");
	ASSERT_INT_EQ(merge_resolve(&out1, "phone", MERGE_PICK, 0, NULL, 0),
	    0);
	assert_field(&out1, "phone", "111");
	ASSERT_INT_EQ(out1.n, 1);
	body_free(&out1);
	mk(&out1, "conflict.phone=@0", NULL);	/* legacy, both removed */
	memset(&l, 0, sizeof(l));
	ASSERT_INT_EQ(merge_conflicts(&out1, list_cb, &l), 0);
	ASSERT_INT_EQ(l.present[0][0], 0);
	ASSERT_INT_EQ(l.present[0][1], 0);
	ASSERT_INT_EQ(merge_resolve(&out1, "phone", MERGE_PICK, 1, NULL, 0),
	    0);
	ASSERT_INT_EQ(out1.n, 0);
	body_free(&out1);
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
	test_merge_basic();
	test_merge_identities();
	test_merge_markers();
	test_merge_conflicts_resolve();
	test_merge_authors();
	return 0;
}
