/* SPDX-License-Identifier: ISC */
/*
 * test_buf.c - the bounded buffer's typed big-endian put/get: byte
 * order, round trips at 0 and the maxima, a put that would pass the
 * limit (nothing appended), a get from too few bytes (nothing
 * consumed), byte-by-byte arrival, the plain-array load/store, and
 * reading a descriptor to its end.
 */
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "errors.h"
#include "test.h"

static void
test_buf_order(void)
{
	static const uint8_t	want[] = {
		0x01, 0x02,
		0x01, 0x02, 0x03, 0x04,
		0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
	};
	struct buf	*b;

	TEST_START("buf_put_u16/u32/u64 write big-endian");
	ASSERT_TRUE((b = buf_new(64)) != NULL);
	ASSERT_INT_EQ(buf_put_u16(b, 0x0102), 0);
	ASSERT_INT_EQ(buf_put_u32(b, 0x01020304), 0);
	ASSERT_INT_EQ(buf_put_u64(b, 0x0102030405060708ULL), 0);
	ASSERT_INT_EQ(buf_len(b), sizeof(want));
	ASSERT_MEM_EQ(buf_ptr(b), want, sizeof(want));
	buf_free(b);
	TEST_DONE();
}

static void
test_buf_roundtrip(void)
{
	static const uint64_t	v64[] = { 0, 1, 0xff, 0x100, 0x80000000ULL,
	    0xffffffffULL, 0x100000000ULL, INT64_MAX, (uint64_t)INT64_MAX + 1,
	    UINT64_MAX };
	static const uint32_t	v32[] = { 0, 1, 0x7fffffff, 0x80000000,
	    UINT32_MAX };
	static const uint16_t	v16[] = { 0, 1, 0x7fff, 0x8000, UINT16_MAX };
	struct buf	*b;
	uint64_t	 g64;
	uint32_t	 g32;
	uint16_t	 g16;
	size_t		 i;

	TEST_START("buf_get reads back what buf_put wrote, at the edges");
	ASSERT_TRUE((b = buf_new(1024)) != NULL);
	for (i = 0; i < sizeof(v64) / sizeof(v64[0]); i++)
		ASSERT_INT_EQ(buf_put_u64(b, v64[i]), 0);
	for (i = 0; i < sizeof(v32) / sizeof(v32[0]); i++)
		ASSERT_INT_EQ(buf_put_u32(b, v32[i]), 0);
	for (i = 0; i < sizeof(v16) / sizeof(v16[0]); i++)
		ASSERT_INT_EQ(buf_put_u16(b, v16[i]), 0);
	for (i = 0; i < sizeof(v64) / sizeof(v64[0]); i++) {
		ASSERT_INT_EQ(buf_get_u64(b, &g64), 0);
		ASSERT_TRUE(g64 == v64[i]);
	}
	for (i = 0; i < sizeof(v32) / sizeof(v32[0]); i++) {
		ASSERT_INT_EQ(buf_get_u32(b, &g32), 0);
		ASSERT_TRUE(g32 == v32[i]);
	}
	for (i = 0; i < sizeof(v16) / sizeof(v16[0]); i++) {
		ASSERT_INT_EQ(buf_get_u16(b, &g16), 0);
		ASSERT_TRUE(g16 == v16[i]);
	}
	ASSERT_INT_EQ(buf_len(b), 0);
	buf_free(b);
	TEST_DONE();
}

static void
test_buf_put_limit(void)
{
	struct buf	*b;

	TEST_START("a put past max fails and appends nothing");
	ASSERT_TRUE((b = buf_new(11)) != NULL);
	ASSERT_INT_EQ(buf_put_u64(b, UINT64_MAX), 0);
	ASSERT_INT_EQ(buf_put_u32(b, 1), CS_ERR_TOO_LARGE);
	ASSERT_INT_EQ(buf_len(b), 8);
	ASSERT_INT_EQ(buf_put_u64(b, 1), CS_ERR_TOO_LARGE);
	ASSERT_INT_EQ(buf_len(b), 8);
	ASSERT_INT_EQ(buf_put_u16(b, 0xabcd), 0);	/* 10 */
	ASSERT_INT_EQ(buf_put_u16(b, 1), CS_ERR_TOO_LARGE);
	ASSERT_INT_EQ(buf_len(b), 10);
	buf_free(b);
	/* max 0: nothing fits, nothing is allocated */
	ASSERT_TRUE((b = buf_new(0)) != NULL);
	ASSERT_INT_EQ(buf_put_u16(b, 1), CS_ERR_TOO_LARGE);
	ASSERT_INT_EQ(buf_cap(b), 0);
	buf_free(b);
	TEST_DONE();
}

static void
test_buf_get_short(void)
{
	static const uint8_t	p[8] = { 0x80, 0, 0, 0, 0, 0, 0, 0x01 };
	struct buf		*b;
	uint64_t		 v64 = 42;
	uint32_t		 v32 = 42;
	uint16_t		 v16 = 42;
	size_t			 i;

	TEST_START("a get from too few bytes fails and consumes nothing");
	ASSERT_TRUE((b = buf_new(64)) != NULL);
	ASSERT_INT_EQ(buf_get_u16(b, &v16), CS_ERR_INCOMPLETE);
	ASSERT_INT_EQ(v16, 0);
	ASSERT_INT_EQ(buf_get_u32(b, &v32), CS_ERR_INCOMPLETE);
	ASSERT_INT_EQ(v32, 0);
	ASSERT_INT_EQ(buf_get_u64(b, &v64), CS_ERR_INCOMPLETE);
	ASSERT_TRUE(v64 == 0);
	/* byte by byte: incomplete until the eighth */
	for (i = 0; i < 7; i++) {
		ASSERT_INT_EQ(buf_put(b, p + i, 1), 0);
		v64 = 42;
		ASSERT_INT_EQ(buf_get_u64(b, &v64), CS_ERR_INCOMPLETE);
		ASSERT_TRUE(v64 == 0);
		ASSERT_INT_EQ(buf_len(b), i + 1);
	}
	ASSERT_INT_EQ(buf_put(b, p + 7, 1), 0);
	ASSERT_INT_EQ(buf_get_u64(b, &v64), 0);
	ASSERT_TRUE(v64 == 0x8000000000000001ULL);
	ASSERT_INT_EQ(buf_len(b), 0);
	/* three bytes: a u16 but not a u32 */
	ASSERT_INT_EQ(buf_put(b, p, 3), 0);
	ASSERT_INT_EQ(buf_get_u32(b, &v32), CS_ERR_INCOMPLETE);
	ASSERT_INT_EQ(buf_len(b), 3);
	ASSERT_INT_EQ(buf_get_u16(b, &v16), 0);
	ASSERT_INT_EQ(v16, 0x8000);
	ASSERT_INT_EQ(buf_get_u16(b, &v16), CS_ERR_INCOMPLETE);
	ASSERT_INT_EQ(buf_len(b), 1);
	buf_free(b);
	TEST_DONE();
}

static void
test_buf_load_store(void)
{
	uint8_t	p[10];

	TEST_START("buf_load/buf_store on plain arrays");
	memset(p, 0xee, sizeof(p));
	buf_store_u64(p + 1, 0xfedcba9876543210ULL);
	ASSERT_INT_EQ(p[0], 0xee);
	ASSERT_INT_EQ(p[1], 0xfe);
	ASSERT_INT_EQ(p[8], 0x10);
	ASSERT_INT_EQ(p[9], 0xee);
	ASSERT_TRUE(buf_load_u64(p + 1) == 0xfedcba9876543210ULL);
	buf_store_u32(p, 0x80000001);
	ASSERT_INT_EQ(p[0], 0x80);
	ASSERT_INT_EQ(p[3], 0x01);
	ASSERT_TRUE(buf_load_u32(p) == 0x80000001);
	buf_store_u16(p, 0xff01);
	ASSERT_INT_EQ(p[0], 0xff);
	ASSERT_INT_EQ(p[1], 0x01);
	ASSERT_INT_EQ(buf_load_u16(p), 0xff01);
	/* the sign bit of an int64_t survives the round trip */
	buf_store_u64(p, (uint64_t)INT64_MIN);
	ASSERT_TRUE((int64_t)buf_load_u64(p) == INT64_MIN);
	buf_store_u64(p, (uint64_t)(int64_t)-1);
	ASSERT_TRUE(buf_load_u64(p) == UINT64_MAX);
	TEST_DONE();
}

/* A pipe holding "n" bytes 0, 1, 2, ... and closed for writing. */
static int
pipe_with(size_t n)
{
	uint8_t	b[256];
	int	fds[2];
	size_t	i;

	ASSERT_TRUE(n <= sizeof(b));
	for (i = 0; i < n; i++)
		b[i] = (uint8_t)i;
	ASSERT_INT_EQ(pipe(fds), 0);
	ASSERT_INT_EQ(write(fds[1], b, n), (long long)n);
	close(fds[1]);
	return fds[0];
}

static void
test_buf_read_fd(void)
{
	struct buf	*b;
	int		 fd;

	TEST_START("buf_read_fd reads to the end, in chunks, within max");
	ASSERT_TRUE((b = buf_new(201)) != NULL);
	fd = pipe_with(100);
	ASSERT_INT_EQ(buf_read_fd(b, fd, 7), 0);	/* many short reads */
	close(fd);
	ASSERT_INT_EQ(buf_len(b), 100);
	ASSERT_INT_EQ(buf_ptr(b)[0], 0);
	ASSERT_INT_EQ(buf_ptr(b)[99], 99);
	/* appends to what is there */
	fd = pipe_with(100);
	ASSERT_INT_EQ(buf_read_fd(b, fd, 4096), 0);
	close(fd);
	ASSERT_INT_EQ(buf_len(b), 200);
	ASSERT_INT_EQ(buf_ptr(b)[100], 0);
	buf_free(b);
	/* more than max: refused, never more than max held */
	ASSERT_TRUE((b = buf_new(99)) != NULL);
	fd = pipe_with(100);
	ASSERT_INT_EQ(buf_read_fd(b, fd, 4096), CS_ERR_TOO_LARGE);
	close(fd);
	ASSERT_INT_EQ(buf_len(b), 99);
	buf_reset(b);
	/* exactly max: full before the end is seen, refused too */
	fd = pipe_with(99);
	ASSERT_INT_EQ(buf_read_fd(b, fd, 4096), CS_ERR_TOO_LARGE);
	close(fd);
	buf_reset(b);
	/* empty input */
	fd = pipe_with(0);
	ASSERT_INT_EQ(buf_read_fd(b, fd, 16), 0);
	close(fd);
	ASSERT_INT_EQ(buf_len(b), 0);
	/* not a descriptor */
	ASSERT_INT_EQ(buf_read_fd(b, -1, 16), CS_ERR_SYSTEM);
	buf_free(b);
	TEST_DONE();
}

int
main(void)
{
	test_buf_order();
	test_buf_roundtrip();
	test_buf_put_limit();
	test_buf_get_short();
	test_buf_load_store();
	test_buf_read_fd();
	return 0;
}
