/* SPDX-License-Identifier: ISC */
/*
 * test_body.h - checks on record bodies (common/body.c) that the body
 * and merge tests share (test_body.c, test_merge.c).
 */
#ifndef TEST_BODY_H
#define TEST_BODY_H

#include <stdint.h>
#include <string.h>

#include "body.h"
#include "test.h"

static inline void
set_str(struct body *b, const char *name, const char *v)
{
	ASSERT_INT_EQ(body_set(b, name, (const uint8_t *)v, strlen(v)), 0);
}

static inline void
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


static inline void
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

#endif /* TEST_BODY_H */
