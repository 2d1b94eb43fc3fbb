/* SPDX-License-Identifier: ISC */
/*
 * test_frame.c - framing boundaries: 0, max, max + 1, 2^31, 2^32 - 1,
 * byte-by-byte arrival, several frames in one read, and buf limits.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "buf.h"
#include "errors.h"
#include "frame.h"
#include "test.h"

static void
put_hdr(struct buf *b, uint32_t len)
{
	uint8_t	hdr[FRAME_HDR_LEN];

	frame_hdr(hdr, len);
	ASSERT_INT_EQ(buf_put(b, hdr, sizeof(hdr)), 0);
}

static void
test_frame_zero(void)
{
	const uint8_t	*p;
	size_t		 len;
	struct buf	*b;

	TEST_START("frame_get rejects a zero length");
	b = buf_new(64);
	put_hdr(b, 0);
	ASSERT_INT_EQ(frame_get(b, FRAME_MAX_PREAUTH, &p, &len),
	    CS_ERR_FORMAT);
	ASSERT_PTR_EQ(p, NULL);
	ASSERT_INT_EQ(len, 0);
	buf_free(b);
	TEST_DONE();
}

static void
test_frame_limits(void)
{
	static const uint32_t	 lies[] = { FRAME_MAX_PREAUTH + 1,
	    FRAME_MAX_DEFAULT + 1, 0x80000000u, 0xffffffffu };
	const uint8_t		*p;
	size_t			 len, i;
	struct buf		*b;
	uint8_t			*body;

	TEST_START("frame_get: exactly max passes, max + 1 and 2^31 fail "
	    "before the body");
	for (i = 0; i < sizeof(lies) / sizeof(lies[0]); i++) {
		b = buf_new(64);
		put_hdr(b, lies[i]);
		ASSERT_INT_EQ(frame_get(b, lies[i] - 1, &p, &len),
		    CS_ERR_TOO_LARGE);
		ASSERT_PTR_EQ(p, NULL);
		buf_free(b);
	}
	body = calloc(1, FRAME_MAX_PREAUTH);
	ASSERT_PTR_NE(body, NULL);
	b = buf_new(FRAME_HDR_LEN + FRAME_MAX_PREAUTH);
	put_hdr(b, FRAME_MAX_PREAUTH);
	ASSERT_INT_EQ(frame_get(b, FRAME_MAX_PREAUTH, &p, &len),
	    CS_ERR_INCOMPLETE);
	ASSERT_INT_EQ(buf_put(b, body, FRAME_MAX_PREAUTH - 1), 0);
	ASSERT_INT_EQ(frame_get(b, FRAME_MAX_PREAUTH, &p, &len),
	    CS_ERR_INCOMPLETE);
	ASSERT_INT_EQ(buf_put(b, body, 1), 0);
	ASSERT_INT_EQ(frame_get(b, FRAME_MAX_PREAUTH, &p, &len), 0);
	ASSERT_INT_EQ(len, FRAME_MAX_PREAUTH);
	ASSERT_INT_EQ(buf_len(b), 0);
	/* the buffer itself refuses one byte more than its limit */
	ASSERT_INT_EQ(buf_put(b, body, FRAME_MAX_PREAUTH), 0);
	ASSERT_INT_EQ(buf_put(b, body, FRAME_HDR_LEN), 0);
	ASSERT_INT_EQ(buf_put(b, body, 1), CS_ERR_TOO_LARGE);
	buf_free(b);
	free(body);
	TEST_DONE();
}

static void
test_frame_split(void)
{
	const uint8_t	 wire[] = { 0, 0, 0, 3, 'a', 'b', 'c' };
	const uint8_t	*p;
	size_t		 len, i;
	struct buf	*b;

	TEST_START("frame_get waits for a frame delivered byte by byte");
	b = buf_new(64);
	for (i = 0; i < sizeof(wire) - 1; i++) {
		ASSERT_INT_EQ(buf_put(b, &wire[i], 1), 0);
		ASSERT_INT_EQ(frame_get(b, FRAME_MAX_PREAUTH, &p, &len),
		    CS_ERR_INCOMPLETE);
	}
	ASSERT_INT_EQ(buf_put(b, &wire[i], 1), 0);
	ASSERT_INT_EQ(frame_get(b, FRAME_MAX_PREAUTH, &p, &len), 0);
	ASSERT_INT_EQ(len, 3);
	ASSERT_MEM_EQ(p, "abc", 3);
	ASSERT_INT_EQ(buf_len(b), 0);
	buf_free(b);
	TEST_DONE();
}

static void
test_frame_many(void)
{
	const uint8_t	 wire[] = { 0, 0, 0, 1, 'x', 0, 0, 0, 2, 'y', 'z',
	    0, 0 };
	const uint8_t	*p;
	size_t		 len;
	struct buf	*b;

	TEST_START("frame_get takes several frames from one read");
	b = buf_new(64);
	ASSERT_INT_EQ(buf_put(b, wire, sizeof(wire)), 0);
	ASSERT_INT_EQ(frame_get(b, 16, &p, &len), 0);
	ASSERT_INT_EQ(len, 1);
	ASSERT_INT_EQ(p[0], 'x');
	ASSERT_INT_EQ(frame_get(b, 16, &p, &len), 0);
	ASSERT_INT_EQ(len, 2);
	ASSERT_INT_EQ(frame_get(b, 16, &p, &len), CS_ERR_INCOMPLETE);
	ASSERT_INT_EQ(buf_len(b), 2);
	buf_free(b);
	TEST_DONE();
}

static void
test_frame_put(void)
{
	const uint8_t	*p;
	size_t		 len;
	struct buf	*b;

	TEST_START("frame_put round trip; zero length is our bug");
	b = buf_new(64);
	ASSERT_INT_EQ(frame_put(b, (const uint8_t *)"hello", 5), 0);
	ASSERT_INT_EQ(frame_put(b, (const uint8_t *)"", 0), CS_ERR_INTERNAL);
	ASSERT_INT_EQ(frame_get(b, 5, &p, &len), 0);
	ASSERT_INT_EQ(len, 5);
	ASSERT_MEM_EQ(p, "hello", 5);
	buf_free(b);
	TEST_DONE();
}

static void
test_buf_space(void)
{
	struct buf	*b;
	uint8_t		*p;
	size_t		 n;

	TEST_START("buf_space never offers more than the limit");
	b = buf_new(100);
	n = buf_space(b, 1000, &p);
	ASSERT_INT_EQ(n, 100);
	buf_commit(b, 60);
	ASSERT_INT_EQ(buf_space(b, 1000, &p), 40);
	buf_consume(b, 50);
	ASSERT_INT_EQ(buf_space(b, 1000, &p), 90);
	buf_commit(b, 90);
	ASSERT_INT_EQ(buf_space(b, 1, &p), 0);
	ASSERT_PTR_EQ(p, NULL);
	ASSERT_INT_EQ(buf_put(b, "x", 1), CS_ERR_TOO_LARGE);
	buf_free(b);
	buf_free(NULL);
	TEST_DONE();
}

static void
test_buf_swap_mem(void)
{
	struct buf	*a, *b, *small;
	uint8_t		*p;
	const uint8_t	*mem;

	TEST_START("buf_swap_mem moves memory between empty buffers only");
	a = buf_new(1 << 20);
	b = buf_new(1 << 20);
	small = buf_new(100);
	ASSERT_INT_EQ(buf_space(a, 5000, &p) >= 5000, 1);
	buf_commit(a, 3);
	/* a holds bytes: nothing moves */
	buf_swap_mem(a, b);
	ASSERT_INT_EQ(buf_len(a), 3);
	ASSERT_INT_EQ(buf_cap(b), 0);
	buf_consume(a, 3);
	mem = buf_ptr(a);
	buf_swap_mem(a, b);
	ASSERT_INT_EQ(buf_cap(a), 0);
	ASSERT_INT_EQ(buf_cap(b) >= 5000, 1);
	ASSERT_PTR_EQ(buf_ptr(b), mem);
	ASSERT_INT_EQ(buf_len(b), 0);
	/* more memory than the other's limit: nothing moves */
	buf_swap_mem(b, small);
	ASSERT_INT_EQ(buf_cap(small), 0);
	ASSERT_PTR_EQ(buf_ptr(b), mem);
	/* and the limit stays each buffer's own */
	buf_swap_mem(b, a);
	ASSERT_INT_EQ(buf_max(a), 1 << 20);
	ASSERT_INT_EQ(buf_put(small, mem, 101), CS_ERR_TOO_LARGE);
	buf_free(a);
	buf_free(b);
	buf_free(small);
	TEST_DONE();
}

int
main(void)
{
	test_frame_zero();
	test_frame_limits();
	test_frame_split();
	test_frame_many();
	test_frame_put();
	test_buf_space();
	test_buf_swap_mem();
	return 0;
}
