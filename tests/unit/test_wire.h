/* SPDX-License-Identifier: ISC */
/*
 * test_wire.h - for the unit tests of proto/wire*.c (test_wire*.c): an
 * envelope encoded, its frame stripped and decoded again as the
 * receiver would.
 */
#ifndef TEST_WIRE_H
#define TEST_WIRE_H

#include <stdint.h>

#include "buf.h"
#include "errors.h"
#include "frame.h"
#include "test.h"
#include "wire.h"

/* wire_decode()'s result for "env" encoded; *out on 0, else NULL. */
static inline int
test_wire_roundtrip(wire_env *env, wire_env **out)
{
	struct buf	*b;
	const uint8_t	*p;
	size_t		 len;
	int		 r;

	b = buf_new(FRAME_MAX_DEFAULT);
	ASSERT_PTR_NE(b, NULL);
	ASSERT_INT_EQ(wire_encode(env, FRAME_MAX_DEFAULT, b), 0);
	ASSERT_INT_EQ(frame_get(b, FRAME_MAX_DEFAULT, &p, &len), 0);
	*out = NULL;
	r = wire_decode(p, len, out);
	buf_free(b);
	return r;
}

/* "env" decodes (1) or is refused as malformed (0). */
static inline int
test_wire_ok(wire_env *env)
{
	wire_env	*out = NULL;
	int		 r;

	r = test_wire_roundtrip(env, &out);
	if (r == 0) {
		ASSERT_INT_EQ(out->msg_case, env->msg_case);
		wire_free(out);
		return 1;
	}
	ASSERT_INT_EQ(r, CS_ERR_FORMAT);
	ASSERT_PTR_EQ(out, NULL);
	return 0;
}

#endif /* TEST_WIRE_H */
