/* SPDX-License-Identifier: ISC */
/*
 * test_shamir.c - unit tests for shamir.c: the field against a
 * separate reference multiplication (carry-less product, then
 * reduction) for all 65536 pairs, the FIPS-197 examples and every
 * inverse; combining known shares (computed independently in Python
 * with log/exp tables over generator 0x03); split/combine round trips
 * from 2-of-2 to 255-of-255 and secrets of 1..1024 bytes; every subset
 * of a small split, every order; fewer than k shares, a corrupted
 * share and a share of another split giving a different secret; and
 * the refusals (bad k, n, len; no shares, x = 0, repeated x).
 *
 * Comparisons that could in principle match by chance use 32-byte
 * secrets with fresh random coefficients: 2^-256 per comparison.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "errors.h"
#include "shamir.h"
#include "util.h"
#include "test.h"

#define CANARY		0xa5
#define PAD		16

/* A split: n shares of len + 1 bytes in one buffer, PAD canary bytes after. */
struct split {
	uint8_t		*buf;
	const uint8_t	*p[SHAMIR_SHARES_MAX + 1];
	size_t		 len;
	unsigned	 n;
};

static void
split_new(struct split *s, const uint8_t *secret, size_t len, unsigned k,
    unsigned n)
{
	size_t		sz = (size_t)n * SHAMIR_SHARE_LEN(len);
	unsigned	i;

	s->len = len;
	s->n = n;
	s->buf = malloc(sz + PAD);
	ASSERT_PTR_NE(s->buf, NULL);
	memset(s->buf, CANARY, sz + PAD);
	ASSERT_INT_EQ(shamir_split(secret, len, k, n, s->buf), 0);
	for (i = 0; i < PAD; i++)
		ASSERT_INT_EQ(s->buf[sz + i], CANARY);
	for (i = 0; i < n; i++) {
		s->p[i] = s->buf + i * SHAMIR_SHARE_LEN(len);
		ASSERT_INT_EQ(s->p[i][0], i + 1);
	}
}

static void
split_free(struct split *s)
{
	free(s->buf);
	s->buf = NULL;
}

/* Combine the shares of "s" named by "idx" and compare with "secret". */
static int
combine_is(const struct split *s, const unsigned *idx, unsigned count,
    const uint8_t *secret)
{
	const uint8_t	*p[SHAMIR_SHARES_MAX];
	uint8_t		 out[SHAMIR_SECRET_MAX + PAD];
	unsigned	 i;

	for (i = 0; i < count; i++)
		p[i] = s->p[idx[i]];
	memset(out, CANARY, sizeof(out));
	ASSERT_INT_EQ(shamir_combine(p, count, s->len, out), 0);
	for (i = 0; i < PAD; i++)
		ASSERT_INT_EQ(out[s->len + i], CANARY);
	return memcmp(out, secret, s->len) == 0;
}

/* "count" distinct indices below n in random order. */
static void
pick(unsigned *idx, unsigned count, unsigned n)
{
	unsigned	all[SHAMIR_SHARES_MAX], i, j, t;

	for (i = 0; i < n; i++)
		all[i] = i;
	for (i = 0; i < count; i++) {	/* Fisher-Yates, first count */
		j = i + randombytes_uniform(n - i);
		t = all[i];
		all[i] = all[j];
		all[j] = t;
		idx[i] = all[i];
	}
}

/* The reference: carry-less product, then reduce from bit 14 down. */
static uint8_t
ref_mul(uint8_t a, uint8_t b)
{
	unsigned	p = 0;
	int		i;

	for (i = 0; i < 8; i++)
		if (b & (1u << i))
			p ^= (unsigned)a << i;
	for (i = 14; i >= 8; i--)
		if (p & (1u << i))
			p ^= 0x11bu << (i - 8);
	return (uint8_t)p;
}

static void
test_gf_mul(void)
{
	unsigned	a, b;

	TEST_START("gf mul: FIPS-197 examples and all pairs vs reference");
	ASSERT_INT_EQ(shamir_gf_mul(0x53, 0xca), 0x01);
	ASSERT_INT_EQ(shamir_gf_mul(0xca, 0x53), 0x01);
	ASSERT_INT_EQ(shamir_gf_mul(0x57, 0x83), 0xc1);
	ASSERT_INT_EQ(shamir_gf_mul(0x57, 0x13), 0xfe);
	ASSERT_INT_EQ(shamir_gf_mul(0x57, 0x02), 0xae);
	ASSERT_INT_EQ(shamir_gf_mul(0xae, 0x02), 0x47);	/* reduced */
	ASSERT_INT_EQ(shamir_gf_mul(0x80, 0x02), 0x1b);
	ASSERT_INT_EQ(shamir_gf_mul(0xff, 0xff), 0x13);
	ASSERT_INT_EQ(ref_mul(0x57, 0x83), 0xc1);	/* the reference too */
	ASSERT_INT_EQ(ref_mul(0x53, 0xca), 0x01);
	for (a = 0; a < 256; a++) {
		ASSERT_INT_EQ(shamir_gf_mul((uint8_t)a, 0), 0);
		ASSERT_INT_EQ(shamir_gf_mul((uint8_t)a, 1), a);
		for (b = 0; b < 256; b++)
			if (shamir_gf_mul((uint8_t)a, (uint8_t)b) !=
			    ref_mul((uint8_t)a, (uint8_t)b))
				TEST_FAIL_("%02x * %02x = %02x, expected "
				    "%02x", a, b,
				    shamir_gf_mul((uint8_t)a, (uint8_t)b),
				    ref_mul((uint8_t)a, (uint8_t)b));
	}
	TEST_DONE();
}

static void
test_gf_inv(void)
{
	unsigned	a;
	uint8_t		i;

	TEST_START("gf inv: a * inv(a) = 1 for all 255 nonzero a");
	ASSERT_INT_EQ(shamir_gf_inv(0), 0);
	ASSERT_INT_EQ(shamir_gf_inv(1), 1);
	ASSERT_INT_EQ(shamir_gf_inv(0x53), 0xca);
	ASSERT_INT_EQ(shamir_gf_inv(0xca), 0x53);
	for (a = 1; a < 256; a++) {
		i = shamir_gf_inv((uint8_t)a);
		ASSERT_INT_EQ(shamir_gf_mul((uint8_t)a, i), 1);
		ASSERT_INT_EQ(shamir_gf_inv(i), a);
	}
	TEST_DONE();
}

/*
 * "casesync" split 3-of-5 with c1 = 0123456789abcdef and
 * c2 = fedcba9876543210 (one byte per secret byte): share x is
 * x || (s ^ c1 x ^ c2 x^2), computed in Python.
 */
static const char *const kat_hex[5] = {
	"019c9e8c9a8c86919c", "02b47a27fdb97f27e6", "034b85d8024680d819",
	"041e8229a140d47ae9", "05e17dd65ebf2b8516",
};

static void
test_combine_vectors(void)
{
	static const unsigned	 sets[][5] = {
		{ 0, 1, 2 }, { 4, 2, 0 }, { 1, 3, 4 }, { 3, 0, 4, 1 },
		{ 4, 3, 2, 1, 0 },
	};
	static const unsigned	 sizes[] = { 3, 3, 3, 4, 5 };
	uint8_t			 sh[5][9], out[8];
	const uint8_t		*p[5];
	size_t			 t;
	unsigned		 i;

	TEST_START("combine: known 3-of-5 shares of \"casesync\"");
	for (i = 0; i < 5; i++)
		ASSERT_INT_EQ(hex_decode(sh[i], 9, kat_hex[i]), 0);
	for (t = 0; t < sizeof(sizes) / sizeof(sizes[0]); t++) {
		for (i = 0; i < sizes[t]; i++)
			p[i] = sh[sets[t][i]];
		memset(out, 0, sizeof(out));
		ASSERT_INT_EQ(shamir_combine(p, sizes[t], 8, out), 0);
		ASSERT_MEM_EQ(out, "casesync", 8);
	}
	/* two of them: a line through two points of a parabola */
	p[0] = sh[0];
	p[1] = sh[1];
	ASSERT_INT_EQ(shamir_combine(p, 2, 8, out), 0);
	ASSERT_TRUE(memcmp(out, "casesync", 8) != 0);
	/* one share: the constant polynomial, its own y */
	ASSERT_INT_EQ(shamir_combine(p, 1, 8, out), 0);
	ASSERT_MEM_EQ(out, sh[0] + 1, 8);
	TEST_DONE();
}

static void
test_roundtrip(void)
{
	static const struct {
		unsigned	k, n;
		size_t		len;
	} cases[] = {
		{ 2, 2, 1 }, { 2, 2, 32 }, { 2, 3, 1 }, { 2, 3, 32 },
		{ 3, 3, 17 }, { 3, 5, 32 }, { 4, 7, 2 }, { 5, 5, 1024 },
		{ 2, 255, 1 }, { 2, 255, 32 }, { 2, 255, 1024 },
		{ 17, 40, 1000 }, { 100, 101, 32 }, { 128, 255, 64 },
		{ 254, 255, 32 }, { 255, 255, 1 }, { 255, 255, 32 },
		{ 255, 255, 1024 },
	};
	uint8_t		secret[SHAMIR_SECRET_MAX];
	unsigned	idx[SHAMIR_SHARES_MAX], i, k, n, round;
	size_t		t;
	struct split	s;

	TEST_START("split/combine round trips, 2-of-2 to 255-of-255");
	for (t = 0; t < sizeof(cases) / sizeof(cases[0]); t++) {
		k = cases[t].k;
		n = cases[t].n;
		randombytes_buf(secret, cases[t].len);
		split_new(&s, secret, cases[t].len, k, n);
		/* the first k, the last k, all n */
		for (i = 0; i < n; i++)
			idx[i] = i;
		ASSERT_TRUE(combine_is(&s, idx, k, secret));
		ASSERT_TRUE(combine_is(&s, idx + (n - k), k, secret));
		ASSERT_TRUE(combine_is(&s, idx, n, secret));
		/* random k-subsets in random order */
		for (round = 0; round < 4; round++) {
			pick(idx, k, n);
			ASSERT_TRUE(combine_is(&s, idx, k, secret));
		}
		/* one fewer: wrong (for 1-byte secrets 1/256, not checked) */
		if (cases[t].len >= 32) {
			pick(idx, k - 1, n);
			ASSERT_TRUE(!combine_is(&s, idx, k - 1, secret));
		}
		split_free(&s);
	}
	TEST_DONE();
}

static void
test_all_subsets(void)
{
	uint8_t		secret[32];
	unsigned	idx[8], mask, i, c, k;
	struct split	s;

	TEST_START("every subset of 7 shares: >= k recover, < k do not");
	for (k = 2; k <= 7; k++) {
		randombytes_buf(secret, sizeof(secret));
		split_new(&s, secret, sizeof(secret), k, 7);
		for (mask = 1; mask < 1u << 7; mask++) {
			for (i = c = 0; i < 7; i++)
				if (mask & (1u << i))
					idx[c++] = i;
			if (c >= k)
				ASSERT_TRUE(combine_is(&s, idx, c, secret));
			else
				ASSERT_TRUE(!combine_is(&s, idx, c, secret));
		}
		split_free(&s);
	}
	TEST_DONE();
}

static void
test_order(void)
{
	uint8_t		secret[32];
	unsigned	idx[4], a, b, c, d;
	struct split	s;

	TEST_START("4-of-5: every 4-subset in every order recovers");
	randombytes_buf(secret, sizeof(secret));
	split_new(&s, secret, sizeof(secret), 4, 5);
	for (a = 0; a < 5; a++)
		for (b = 0; b < 5; b++)
			for (c = 0; c < 5; c++)
				for (d = 0; d < 5; d++) {
					if (a == b || a == c || a == d ||
					    b == c || b == d || c == d)
						continue;
					idx[0] = a;
					idx[1] = b;
					idx[2] = c;
					idx[3] = d;
					ASSERT_TRUE(combine_is(&s, idx, 4,
					    secret));
				}
	split_free(&s);
	TEST_DONE();
}

static void
test_too_few(void)
{
	uint8_t		secret[32];
	unsigned	idx[SHAMIR_SHARES_MAX], k, c, round;
	struct split	s;

	TEST_START("fewer than k shares give a different secret");
	for (round = 0; round < 50; round++) {
		k = 2 + randombytes_uniform(30);
		randombytes_buf(secret, sizeof(secret));
		split_new(&s, secret, sizeof(secret), k, k + round % 5);
		for (c = 1; c < k; c++) {
			pick(idx, c, s.n);
			ASSERT_TRUE(!combine_is(&s, idx, c, secret));
		}
		pick(idx, k, s.n);
		ASSERT_TRUE(combine_is(&s, idx, k, secret));
		split_free(&s);
	}
	/* an all-zero secret does not leak as all-zero shares */
	memset(secret, 0, sizeof(secret));
	split_new(&s, secret, sizeof(secret), 2, 3);
	for (c = 0; c < 3; c++)
		ASSERT_TRUE(memcmp(s.p[c] + 1, secret, sizeof(secret)) != 0);
	split_free(&s);
	TEST_DONE();
}

static void
test_corrupt(void)
{
	uint8_t		 secret[32], out[32], saved;
	const uint8_t	*p[3];
	unsigned	 idx[3] = { 0, 2, 4 }, i, j;
	struct split	 s, s2;

	TEST_START("a corrupted or foreign share gives a wrong secret");
	randombytes_buf(secret, sizeof(secret));
	split_new(&s, secret, sizeof(secret), 3, 5);
	/*
	 * Changing byte j of one share changes byte j of the result by
	 * l_i * delta, l_i != 0: exactly that byte, always.
	 */
	for (i = 0; i < 3; i++)
		for (j = 0; j < sizeof(secret); j += 7) {
			saved = s.buf[idx[i] * 33 + 1 + j];
			s.buf[idx[i] * 33 + 1 + j] ^= (uint8_t)(1u << (j % 8));
			ASSERT_TRUE(!combine_is(&s, idx, 3, secret));
			p[0] = s.p[idx[0]];
			p[1] = s.p[idx[1]];
			p[2] = s.p[idx[2]];
			ASSERT_INT_EQ(shamir_combine(p, 3, 32, out), 0);
			ASSERT_INT_NE(out[j], secret[j]);
			out[j] = secret[j];
			ASSERT_MEM_EQ(out, secret, sizeof(secret));
			s.buf[idx[i] * 33 + 1 + j] = saved;
		}
	ASSERT_TRUE(combine_is(&s, idx, 3, secret));
	/* same secret, fresh coefficients: shares differ, do not mix */
	split_new(&s2, secret, sizeof(secret), 3, 5);
	ASSERT_TRUE(memcmp(s.buf, s2.buf, 5 * 33) != 0);
	p[0] = s.p[0];
	p[1] = s.p[1];
	p[2] = s2.p[2];
	ASSERT_INT_EQ(shamir_combine(p, 3, 32, out), 0);
	ASSERT_TRUE(memcmp(out, secret, sizeof(secret)) != 0);
	split_free(&s);
	split_free(&s2);
	TEST_DONE();
}

static void
test_split_bad(void)
{
	static const struct {
		unsigned	k, n;
		size_t		len;
	} bad[] = {
		{ 0, 2, 32 }, { 1, 2, 32 }, { 1, 1, 32 }, { 3, 2, 32 },
		{ 2, 0, 32 }, { 2, 256, 32 }, { 256, 256, 32 },
		{ 255, 254, 32 }, { 2, 3, 0 }, { 2, 3, 1025 },
		{ 2, 3, SIZE_MAX }, { 0, 0, 0 },
	};
	uint8_t		secret[SHAMIR_SECRET_MAX + 1] = { 0 };
	uint8_t		buf[4 * 1026], want[4 * 1026];
	size_t		t;

	TEST_START("split refuses bad k, n, len and writes nothing");
	memset(want, CANARY, sizeof(want));
	for (t = 0; t < sizeof(bad) / sizeof(bad[0]); t++) {
		memset(buf, CANARY, sizeof(buf));
		ASSERT_INT_EQ(shamir_split(secret, bad[t].len, bad[t].k,
		    bad[t].n, buf), CS_ERR_FORMAT);
		ASSERT_MEM_EQ(buf, want, sizeof(buf));
	}
	/* the limits themselves are fine */
	ASSERT_INT_EQ(shamir_split(secret, SHAMIR_SECRET_MAX, 2, 2, buf), 0);
	ASSERT_INT_EQ(shamir_split(secret, 1, 2, 2, buf), 0);
	TEST_DONE();
}

static void
test_combine_bad(void)
{
	uint8_t		 secret[32], out[32], want[32], x;
	const uint8_t	*p[SHAMIR_SHARES_MAX + 1];
	unsigned	 i;
	struct split	 s;

	TEST_START("combine refuses no shares, x = 0, repeated x, bad len");
	randombytes_buf(secret, sizeof(secret));
	split_new(&s, secret, sizeof(secret), 3, 255);
	memset(want, CANARY, sizeof(want));
	for (i = 0; i < 255; i++)
		p[i] = s.p[i];
#define REFUSED(count, len) do {					\
	memset(out, CANARY, sizeof(out));				\
	ASSERT_INT_EQ(shamir_combine(p, (count), (len), out),		\
	    CS_ERR_FORMAT);						\
	ASSERT_MEM_EQ(out, want, sizeof(out));				\
} while (0)
	REFUSED(0, 32);
	REFUSED(3, 0);
	REFUSED(3, SHAMIR_SECRET_MAX + 1);
	REFUSED(3, SIZE_MAX);
	/* x = 0, first, middle and last */
	for (i = 0; i < 3; i++) {
		x = s.buf[i * 33];
		s.buf[i * 33] = 0;
		REFUSED(3, 32);
		s.buf[i * 33] = x;
	}
	/* the same share twice, adjacent or not; the same x, other y */
	p[1] = p[0];
	REFUSED(3, 32);
	REFUSED(2, 32);
	p[1] = s.p[1];
	p[2] = p[0];
	REFUSED(3, 32);
	p[2] = s.p[2];
	s.buf[2 * 33] = 1;
	REFUSED(3, 32);
	REFUSED(255, 32);
	s.buf[2 * 33] = 3;
	/* 256 shares must repeat an x */
	p[255] = s.p[100];
	REFUSED(256, 32);
	REFUSED(~0u, 32);
	/* and all 255 are fine */
	memset(out, 0, sizeof(out));
	ASSERT_INT_EQ(shamir_combine(p, 255, 32, out), 0);
	ASSERT_MEM_EQ(out, secret, sizeof(secret));
#undef REFUSED
	split_free(&s);
	TEST_DONE();
}

int
main(void)
{
	if (sodium_init() < 0)
		return 1;
	test_gf_mul();
	test_gf_inv();
	test_combine_vectors();
	test_roundtrip();
	test_all_subsets();
	test_order();
	test_too_few();
	test_corrupt();
	test_split_bad();
	test_combine_bad();
	return 0;
}
