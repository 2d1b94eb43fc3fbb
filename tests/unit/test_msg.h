/* SPDX-License-Identifier: ISC */
/*
 * test_msg.h - for the unit tests of proto/msg_*.h: a message encoded
 * with its msg_out_*() and decoded again as the receiver would.
 */
#ifndef TEST_MSG_H
#define TEST_MSG_H

#include <stdint.h>

#include "buf.h"
#include "frame.h"
#include "msg.h"
#include "test.h"

/*
 * Encode "o" as request "id", strip the frame, decode: 0 and *m (its
 * id checked), or the encoder's or msg_decode()'s error and *m NULL.
 */
static inline int
test_msg_roundtrip(const struct msg_out *o, uint32_t id, struct msg **m)
{
	struct buf	*b;
	const uint8_t	*p;
	size_t		 len;
	int		 r;

	*m = NULL;
	b = buf_new(FRAME_MAX_DEFAULT);
	ASSERT_PTR_NE(b, NULL);
	if ((r = msg_encode(id, o, FRAME_MAX_DEFAULT, b)) == 0) {
		ASSERT_INT_EQ(frame_get(b, FRAME_MAX_DEFAULT, &p, &len), 0);
		r = msg_decode(p, len, m);
		if (r == 0)
			ASSERT_INT_EQ(msg_id(*m), id);
	}
	buf_free(b);
	return r;
}

#endif /* TEST_MSG_H */
