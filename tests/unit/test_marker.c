/* SPDX-License-Identifier: ISC */
/*
 * test_marker.c - the conflict marker codec (proto/marker.c): round
 * trips, canonical order, the limits at max and max + 1, every
 * truncation, legacy markers, and the marker inside a record body.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "body.h"
#include "errors.h"
#include "marker.h"
#include "test.h"

static void
val(struct marker_value *v, int present, const char *value, uint64_t hlc,
    const char *id, const char *name)
{
	memset(v, 0, sizeof(*v));
	v->present = present;
	v->value = (const uint8_t *)value;
	v->len = value != NULL ? strlen(value) : 0;
	if (v->len == 0)
		v->value = NULL;
	v->hlc = hlc;
	snprintf(v->user_id, sizeof(v->user_id), "%s", id);
	snprintf(v->user_name, sizeof(v->user_name), "%s", name);
}

static int
decode(const uint8_t *p, size_t len, struct marker_value *out, size_t *n)
{
	int	legacy;

	return marker_decode(p, len, out, MARKER_VALUES_MAX, n, &legacy);
}

static void
test_roundtrip(void)
{
	struct marker_value	 in[2], out[MARKER_VALUES_MAX];
	uint8_t			*p = NULL, *q = NULL;
	size_t			 len, len2, n, i;
	int			 legacy;

	TEST_START("marker: round trip, sorted by time whatever the input "
	    "order");
	val(&in[0], 1, "111", 300, "3", "anna");
	val(&in[1], 0, NULL, 200, "4", "Bert \xc3\xa9");
	ASSERT_INT_EQ(marker_encode(in, 2, &p, &len), 0);
	ASSERT_INT_EQ(p[0], MARKER_AUTHORED);
	ASSERT_INT_EQ(p[1], 2);
	ASSERT_INT_EQ(len, 2 + 2 * MARKER_ENTRY_FIXED + 1 + 4 + 1 +
	    strlen("Bert \xc3\xa9") + 3);
	ASSERT_INT_EQ(marker_decode(p, len, out, MARKER_VALUES_MAX, &n,
	    &legacy), 0);
	ASSERT_INT_EQ(n, 2);
	ASSERT_INT_EQ(legacy, 0);
	ASSERT_INT_EQ(out[0].present, 0);
	ASSERT_INT_EQ(out[0].hlc, 200);
	ASSERT_STR_EQ(out[0].user_name, "Bert \xc3\xa9");
	ASSERT_STR_EQ(out[0].user_id, "4");
	ASSERT_PTR_EQ(out[0].value, NULL);
	ASSERT_INT_EQ(out[1].present, 1);
	ASSERT_INT_EQ(out[1].len, 3);
	ASSERT_MEM_EQ(out[1].value, "111", 3);
	ASSERT_STR_EQ(out[1].user_name, "anna");
	/* the other input order gives the same bytes */
	memcpy(&out[0], &in[1], sizeof(in[1]));
	memcpy(&out[1], &in[0], sizeof(in[0]));
	ASSERT_INT_EQ(marker_encode(out, 2, &q, &len2), 0);
	ASSERT_INT_EQ(len2, len);
	ASSERT_MEM_EQ(p, q, len);
	free(q);
	q = NULL;
	TEST_DONE();

	TEST_START("marker: every truncation and a trailing byte refused");
	for (i = 0; i < len; i++)
		ASSERT_INT_EQ(decode(p, i, out, &n), CS_ERR_FORMAT);
	ASSERT_PTR_NE(q = malloc(len + 1), NULL);
	memcpy(q, p, len);
	q[len] = 0;
	ASSERT_INT_EQ(decode(q, len + 1, out, &n), CS_ERR_FORMAT);
	TEST_DONE();

	TEST_START("marker: unsorted, duplicate and malformed values "
	    "refused");
	/* swap the two entries by hand: the first is 2 + 9 + 2 + 7 + 4 */
	i = MARKER_ENTRY_FIXED + 1 + strlen("Bert \xc3\xa9");
	memcpy(q, p, 2);
	memcpy(q + 2, p + 2 + i, len - 2 - i);
	memcpy(q + 2 + (len - 2 - i), p + 2, i);
	ASSERT_INT_EQ(decode(q, len, out, &n), CS_ERR_FORMAT);
	memcpy(q, p, len);
	q[2] = 2;			/* present must be 0 or 1 */
	ASSERT_INT_EQ(decode(q, len, out, &n), CS_ERR_FORMAT);
	memcpy(q, p, len);
	q[1] = 1;			/* at least two values */
	ASSERT_INT_EQ(decode(q, len, out, &n), CS_ERR_FORMAT);
	q[1] = MARKER_VALUES_MAX + 1;
	ASSERT_INT_EQ(decode(q, len, out, &n), CS_ERR_FORMAT);
	memcpy(q, p, len);
	q[2 + 9 + 1] = 'x';		/* the user id "4": digits only */
	ASSERT_INT_EQ(decode(q, len, out, &n), CS_ERR_FORMAT);
	memcpy(q, p, len);
	q[2 + 9 + 2 + 1 + 1] = 0x07;	/* a control byte in the name */
	ASSERT_INT_EQ(decode(q, len, out, &n), CS_ERR_FORMAT);
	memcpy(q, p, len);
	q[2 + 9 + 2 + 1 + 1] = 0;	/* a NUL in the name */
	ASSERT_INT_EQ(decode(q, len, out, &n), CS_ERR_FORMAT);
	memcpy(q, p, len);
	q[0] = 0x03;			/* unknown form */
	ASSERT_INT_EQ(decode(q, len, out, &n), CS_ERR_FORMAT);
	/* more values than the caller has room for */
	ASSERT_INT_EQ(marker_decode(p, len, out, 1, &n, &legacy),
	    CS_ERR_FORMAT);
	free(q);
	q = NULL;
	/* two equal values cannot be encoded */
	memcpy(&out[0], &in[0], sizeof(in[0]));
	memcpy(&out[1], &in[0], sizeof(in[0]));
	ASSERT_INT_EQ(marker_encode(out, 2, &q, &len2), CS_ERR_FORMAT);
	ASSERT_PTR_EQ(q, NULL);
	ASSERT_INT_EQ(marker_encode(in, 1, &q, &len2), CS_ERR_FORMAT);
	val(&out[0], 0, "x", 1, "1", "a");	/* removed, with a value */
	val(&out[1], 1, "y", 2, "2", "b");
	ASSERT_INT_EQ(marker_encode(out, 2, &q, &len2), CS_ERR_FORMAT);
	val(&out[0], 1, "x", 1, "1a", "a");
	ASSERT_INT_EQ(marker_encode(out, 2, &q, &len2), CS_ERR_FORMAT);
	val(&out[0], 1, "x", 1, "1", "a\x7f");
	ASSERT_INT_EQ(marker_encode(out, 2, &q, &len2), CS_ERR_FORMAT);
	ASSERT_PTR_EQ(q, NULL);
	free(p);
	TEST_DONE();
}

static void
test_limits(void)
{
	struct marker_value	 in[MARKER_VALUES_MAX];
	struct marker_value	 out[MARKER_VALUES_MAX];
	struct body		 b, c;
	uint8_t			*big, *p = NULL, *enc = NULL;
	char			 name[MARKER_NAME_MAX + 2];
	char			 id[MARKER_ID_MAX + 2];
	size_t			 len, enclen, n, i;

	TEST_START("marker: MARKER_VALUES_MAX values at every limit, in a "
	    "body");
	ASSERT_PTR_NE(big = malloc(BODY_VALUE_MAX + 1), NULL);
	memset(big, 'v', BODY_VALUE_MAX + 1);
	memset(name, 'n', MARKER_NAME_MAX);
	name[MARKER_NAME_MAX] = '\0';
	memset(id, '9', MARKER_ID_MAX);
	id[MARKER_ID_MAX] = '\0';
	for (i = 0; i < MARKER_VALUES_MAX; i++) {
		memset(&in[i], 0, sizeof(in[i]));
		in[i].present = 1;
		in[i].value = big;
		in[i].len = BODY_VALUE_MAX;
		in[i].hlc = UINT64_MAX - i;
		memcpy(in[i].user_id, id, sizeof(in[i].user_id));
		memcpy(in[i].user_name, name, sizeof(in[i].user_name));
	}
	ASSERT_INT_EQ(marker_encode(in, MARKER_VALUES_MAX, &p, &len), 0);
	ASSERT_INT_EQ(len, MARKER_ENCODED_MAX);
	ASSERT_INT_EQ(decode(p, len, out, &n), 0);
	ASSERT_INT_EQ(n, MARKER_VALUES_MAX);
	ASSERT_INT_EQ(out[0].hlc, UINT64_MAX - (MARKER_VALUES_MAX - 1));
	ASSERT_INT_EQ(out[n - 1].hlc, UINT64_MAX);
	body_init(&b);
	body_init(&c);
	ASSERT_INT_EQ(body_set(&b, "x", big, BODY_VALUE_MAX), 0);
	ASSERT_INT_EQ(body_set(&b, "conflict.x", p, len), 0);
	ASSERT_INT_EQ(body_encode(&b, &enc, &enclen), 0);
	ASSERT_INT_EQ(body_decode(enc, enclen, &c), 0);
	ASSERT_TRUE(body_equal(&b, &c));
	body_buf_free(enc, enclen);
	body_free(&b);
	body_free(&c);
	free(p);
	p = NULL;
	TEST_DONE();

	TEST_START("marker: one byte over each limit is refused");
	in[0].len = BODY_VALUE_MAX + 1;
	ASSERT_INT_EQ(marker_encode(in, 2, &p, &len), CS_ERR_FORMAT);
	in[0].len = BODY_VALUE_MAX;
	/* the value length field says BODY_VALUE_MAX + 1 */
	val(&in[0], 1, "a", 1, "1", "a");
	val(&in[1], 1, "b", 2, "2", "b");
	ASSERT_INT_EQ(marker_encode(in, 2, &p, &len), 0);
	/* first entry: 0x02 n | present hlc(8) 1 "1" 1 "a" len(4) */
	p[2 + 1 + 8 + 2 + 2 + 1] = 0x01;	/* len 0x00010001 */
	ASSERT_INT_EQ(decode(p, len, out, &n), CS_ERR_FORMAT);
	free(p);
	p = NULL;
	/* an id of 21 digits and a name of 129 bytes, by hand */
	id[MARKER_ID_MAX] = '9';
	id[MARKER_ID_MAX + 1] = '\0';
	ASSERT_TRUE(!marker_user_id_ok(id));
	name[MARKER_NAME_MAX] = 'n';
	name[MARKER_NAME_MAX + 1] = '\0';
	ASSERT_TRUE(!marker_user_name_ok(name));
	ASSERT_TRUE(marker_user_name_ok(""));
	ASSERT_TRUE(marker_user_id_ok(""));
	ASSERT_TRUE(!marker_user_name_ok(NULL));
	ASSERT_TRUE(!marker_user_name_ok("bad \xc0\xaf utf8"));
	free(big);
	TEST_DONE();
}

static void
test_legacy(void)
{
	static const uint8_t	absent[] = { 0x00 };
	static const uint8_t	value[] = { 0x01, 'o', 'l', 'd' };
	static const uint8_t	empty[] = { 0x01 };
	static const uint8_t	absent_extra[] = { 0x00, 'x' };
	struct marker_value	out[MARKER_VALUES_MAX];
	size_t			n;
	int			legacy;

	TEST_START("marker: the forms of earlier versions still decode");
	ASSERT_INT_EQ(marker_decode(absent, 1, out, 2, &n, &legacy), 0);
	ASSERT_INT_EQ(n, 1);
	ASSERT_INT_EQ(legacy, 1);
	ASSERT_INT_EQ(out[0].present, 0);
	ASSERT_STR_EQ(out[0].user_name, "");
	ASSERT_INT_EQ(marker_decode(value, sizeof(value), out, 2, &n,
	    &legacy), 0);
	ASSERT_INT_EQ(out[0].present, 1);
	ASSERT_INT_EQ(out[0].len, 3);
	ASSERT_MEM_EQ(out[0].value, "old", 3);
	ASSERT_INT_EQ(marker_decode(empty, 1, out, 2, &n, &legacy), 0);
	ASSERT_INT_EQ(out[0].present, 1);
	ASSERT_INT_EQ(out[0].len, 0);
	ASSERT_INT_EQ(decode(absent_extra, 2, out, &n), CS_ERR_FORMAT);
	ASSERT_INT_EQ(decode(absent, 0, out, &n), CS_ERR_FORMAT);
	ASSERT_INT_EQ(decode(NULL, 0, out, &n), CS_ERR_FORMAT);
	TEST_DONE();
}

int
main(void)
{
	if (sodium_init() < 0)
		return 1;
	test_roundtrip();
	test_limits();
	test_legacy();
	return 0;
}
