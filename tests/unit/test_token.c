/* SPDX-License-Identifier: ISC */
/*
 * test_token.c - unit tests for the enrollment tokens of token.c:
 * round trip, every malformed shape the parser must refuse (length
 * boundaries, prefix, hex), and constant-time hash matching.
 */
#include <stdint.h>
#include <string.h>

#include <sodium.h>

#include "errors.h"
#include "token.h"
#include "test.h"

static void
test_token_roundtrip(void)
{
	struct token	t, p;
	char		s[TOKEN_STR_LEN + 1];
	uint8_t		h1[TOKEN_HASH_LEN], h2[TOKEN_HASH_LEN];

	TEST_START("token_new / token_parse round trip");
	token_new(&t, s);
	ASSERT_INT_EQ(strlen(s), TOKEN_STR_LEN);
	ASSERT_INT_EQ(TOKEN_STR_LEN, 69);
	ASSERT_INT_EQ(strncmp(s, TOKEN_PREFIX, 5), 0);
	ASSERT_INT_EQ(token_parse(s, strlen(s), &p), 0);
	ASSERT_MEM_EQ(t.id, p.id, TOKEN_ID_LEN);
	ASSERT_MEM_EQ(t.secret, p.secret, TOKEN_SECRET_LEN);
	token_hash(&t, h1);
	token_hash(&p, h2);
	ASSERT_MEM_EQ(h1, h2, TOKEN_HASH_LEN);
	ASSERT_INT_EQ(token_matches(&p, h1), 1);
	token_clear(&t);
	token_clear(&p);
	TEST_DONE();
}

static void
test_token_two_differ(void)
{
	struct token	a, b;
	char		sa[TOKEN_STR_LEN + 1], sb[TOKEN_STR_LEN + 1];

	TEST_START("two fresh tokens differ");
	token_new(&a, sa);
	token_new(&b, sb);
	ASSERT_INT_NE(strcmp(sa, sb), 0);
	ASSERT_INT_NE(memcmp(a.id, b.id, TOKEN_ID_LEN), 0);
	token_clear(&a);
	token_clear(&b);
	TEST_DONE();
}

static void
test_token_lengths(void)
{
	struct token	t, zero;
	char		s[TOKEN_STR_LEN + 2];
	char		good[TOKEN_STR_LEN + 1];

	TEST_START("token_parse length boundaries 68 / 69 / 70 and 0");
	memset(&zero, 0, sizeof(zero));
	token_new(&t, good);
	memcpy(s, good, TOKEN_STR_LEN);
	s[TOKEN_STR_LEN] = 'a';
	s[TOKEN_STR_LEN + 1] = '\0';
	ASSERT_INT_EQ(token_parse(s, TOKEN_STR_LEN - 1, &t), CS_ERR_FORMAT);
	ASSERT_MEM_EQ(&t, &zero, sizeof(t));
	ASSERT_INT_EQ(token_parse(s, TOKEN_STR_LEN + 1, &t), CS_ERR_FORMAT);
	ASSERT_MEM_EQ(&t, &zero, sizeof(t));
	ASSERT_INT_EQ(token_parse(s, 0, &t), CS_ERR_FORMAT);
	ASSERT_INT_EQ(token_parse(s, TOKEN_STR_LEN, &t), 0);
	token_clear(&t);
	TEST_DONE();
}

static void
test_token_bad_prefix(void)
{
	struct token	t;
	char		s[TOKEN_STR_LEN + 1];

	TEST_START("token_parse rejects a wrong prefix");
	token_new(&t, s);
	s[3] = '2';				/* cst2- */
	ASSERT_INT_EQ(token_parse(s, TOKEN_STR_LEN, &t), CS_ERR_FORMAT);
	s[3] = '1';
	s[4] = '_';				/* cst1_ */
	ASSERT_INT_EQ(token_parse(s, TOKEN_STR_LEN, &t), CS_ERR_FORMAT);
	s[4] = '-';
	s[0] = 'C';				/* Cst1- */
	ASSERT_INT_EQ(token_parse(s, TOKEN_STR_LEN, &t), CS_ERR_FORMAT);
	TEST_DONE();
}

static void
test_token_bad_hex(void)
{
	struct token	t, zero;
	char		s[TOKEN_STR_LEN + 1];
	size_t		pos[] = { 5, 5 + 15, 5 + 16, TOKEN_STR_LEN - 1 };
	const char	bad[] = { 'g', 'z', ' ', ':', '\0', '\xff' };
	size_t		i, j;

	TEST_START("token_parse rejects non-hex in id and secret");
	memset(&zero, 0, sizeof(zero));
	for (i = 0; i < sizeof(pos) / sizeof(pos[0]); i++) {
		for (j = 0; j < sizeof(bad); j++) {
			token_new(&t, s);
			s[pos[i]] = bad[j];
			ASSERT_INT_EQ(token_parse(s, TOKEN_STR_LEN, &t),
			    CS_ERR_FORMAT);
			ASSERT_MEM_EQ(&t, &zero, sizeof(t));
		}
	}
	TEST_DONE();
}

static void
test_token_upper_hex(void)
{
	struct token	t, p;
	char		s[TOKEN_STR_LEN + 1];
	size_t		i;

	TEST_START("token_parse accepts upper-case hex digits");
	token_new(&t, s);
	for (i = 5; i < TOKEN_STR_LEN; i++)
		if (s[i] >= 'a' && s[i] <= 'f')
			s[i] = (char)(s[i] - 'a' + 'A');
	ASSERT_INT_EQ(token_parse(s, TOKEN_STR_LEN, &p), 0);
	ASSERT_MEM_EQ(t.secret, p.secret, TOKEN_SECRET_LEN);
	token_clear(&t);
	token_clear(&p);
	TEST_DONE();
}

static void
test_token_matches(void)
{
	struct token	t, other;
	char		s[TOKEN_STR_LEN + 1];
	uint8_t		h[TOKEN_HASH_LEN], ho[TOKEN_HASH_LEN];

	TEST_START("token_matches true for its hash, false for another");
	token_new(&t, s);
	token_new(&other, s);
	token_hash(&t, h);
	token_hash(&other, ho);
	ASSERT_INT_EQ(token_matches(&t, h), 1);
	ASSERT_INT_EQ(token_matches(&t, ho), 0);
	ASSERT_INT_EQ(token_matches(&other, h), 0);
	h[TOKEN_HASH_LEN - 1] ^= 1;
	ASSERT_INT_EQ(token_matches(&t, h), 0);
	token_clear(&t);
	token_clear(&other);
	TEST_DONE();
}

static void
test_token_bitflip(void)
{
	struct token	t, p;
	char		s[TOKEN_STR_LEN + 1];
	uint8_t		h[TOKEN_HASH_LEN];
	size_t		i;

	TEST_START("a token with one bit of its secret flipped does not match");
	token_new(&t, s);
	token_hash(&t, h);
	/* Flip the low bit of each secret digit in turn: '0'<->'1', ... */
	for (i = 5 + 2 * TOKEN_ID_LEN; i < TOKEN_STR_LEN; i++) {
		char	saved = s[i];

		s[i] = (char)(saved ^ 1);
		if (!((s[i] >= '0' && s[i] <= '9') ||
		    (s[i] >= 'a' && s[i] <= 'f'))) {
			s[i] = saved;
			continue;
		}
		ASSERT_INT_EQ(token_parse(s, TOKEN_STR_LEN, &p), 0);
		ASSERT_MEM_EQ(p.id, t.id, TOKEN_ID_LEN);
		ASSERT_INT_EQ(token_matches(&p, h), 0);
		s[i] = saved;
	}
	ASSERT_INT_EQ(token_parse(s, TOKEN_STR_LEN, &p), 0);
	ASSERT_INT_EQ(token_matches(&p, h), 1);
	token_clear(&t);
	token_clear(&p);
	TEST_DONE();
}

static void
test_token_clear(void)
{
	struct token	t, zero;
	char		s[TOKEN_STR_LEN + 1];

	TEST_START("token_clear wipes the token");
	memset(&zero, 0, sizeof(zero));
	token_new(&t, s);
	token_clear(&t);
	ASSERT_MEM_EQ(&t, &zero, sizeof(t));
	TEST_DONE();
}

int
main(void)
{
	if (sodium_init() < 0)
		return 1;
	test_token_roundtrip();
	test_token_two_differ();
	test_token_lengths();
	test_token_bad_prefix();
	test_token_bad_hex();
	test_token_upper_hex();
	test_token_matches();
	test_token_bitflip();
	test_token_clear();
	return 0;
}
