/* SPDX-License-Identifier: ISC */
/*
 * test_util.c - the one UTF-8 decoder (utf8_next and what is built on
 * it): the boundaries of each sequence length, overlong forms,
 * surrogates, code points above U+10FFFF, sequences cut short, stray
 * continuation bytes, control characters and cutting on a character
 * boundary.
 */
#include <stdint.h>
#include <string.h>

#include "test.h"
#include "util.h"

struct utf8_case {
	const char	*s;
	size_t		 len;
	enum utf8_err	 err;
	uint32_t	 cp;	/* when UTF8_OK */
	size_t		 n;	/* when UTF8_OK */
};

#define C(lit, e, cp, n)	{ lit, sizeof(lit) - 1, e, cp, n }

static const struct utf8_case cases[] = {
	/* the first and last of each length */
	C("\x00", UTF8_OK, 0, 1),
	C("\x7f", UTF8_OK, 0x7f, 1),
	C("\xc2\x80", UTF8_OK, 0x80, 2),
	C("\xdf\xbf", UTF8_OK, 0x7ff, 2),
	C("\xe0\xa0\x80", UTF8_OK, 0x800, 3),
	C("\xef\xbf\xbf", UTF8_OK, 0xffff, 3),
	C("\xf0\x90\x80\x80", UTF8_OK, 0x10000, 4),
	C("\xf4\x8f\xbf\xbf", UTF8_OK, 0x10ffff, 4),
	/* around the surrogates */
	C("\xed\x9f\xbf", UTF8_OK, 0xd7ff, 3),
	C("\xee\x80\x80", UTF8_OK, 0xe000, 3),
	C("\xed\xa0\x80", UTF8_SURROGATE, 0, 0),
	C("\xed\xbf\xbf", UTF8_SURROGATE, 0, 0),
	/* overlong forms of NUL, '/', U+07FF and U+FFFF */
	C("\xc0\x80", UTF8_OVERLONG, 0, 0),
	C("\xc0\xaf", UTF8_OVERLONG, 0, 0),
	C("\xc1\xbf", UTF8_OVERLONG, 0, 0),
	C("\xe0\x80\x80", UTF8_OVERLONG, 0, 0),
	C("\xe0\x9f\xbf", UTF8_OVERLONG, 0, 0),
	C("\xf0\x80\x80\x80", UTF8_OVERLONG, 0, 0),
	C("\xf0\x8f\xbf\xbf", UTF8_OVERLONG, 0, 0),
	/* beyond U+10FFFF */
	C("\xf4\x90\x80\x80", UTF8_RANGE, 0, 0),
	C("\xf7\xbf\xbf\xbf", UTF8_RANGE, 0, 0),
	/* bytes that start nothing */
	C("\x80", UTF8_BAD_LEAD, 0, 0),
	C("\xbf", UTF8_BAD_LEAD, 0, 0),
	C("\xf8\x88\x80\x80\x80", UTF8_BAD_LEAD, 0, 0),
	C("\xfc\x84\x80\x80\x80\x80", UTF8_BAD_LEAD, 0, 0),
	C("\xfe", UTF8_BAD_LEAD, 0, 0),
	C("\xff", UTF8_BAD_LEAD, 0, 0),
	/* cut short: too few bytes, or a non-continuation byte */
	C("\xc2", UTF8_SHORT, 0, 0),
	C("\xe0\xa0", UTF8_SHORT, 0, 0),
	C("\xf0\x90\x80", UTF8_SHORT, 0, 0),
	C("\xc2\x41", UTF8_SHORT, 0, 0),
	C("\xe0\xa0\xc0", UTF8_SHORT, 0, 0),
	C("\xf0\x90\x80\x7f", UTF8_SHORT, 0, 0),
};

static void
test_utf8_next(void)
{
	uint32_t	cp;
	size_t		i, n;

	TEST_START("utf8_next: boundaries, overlongs, surrogates, range, "
	    "truncation");
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cp = 0xdeadbeef;
		if (utf8_next(cases[i].s, cases[i].len, &cp, &n) !=
		    cases[i].err)
			TEST_FAIL_("case %zu: %d, expected %d", i,
			    (int)utf8_next(cases[i].s, cases[i].len, &cp, &n),
			    (int)cases[i].err);
		ASSERT_INT_EQ(utf8_valid(cases[i].s, cases[i].len),
		    cases[i].err == UTF8_OK);
		if (cases[i].err == UTF8_OK) {
			ASSERT_INT_EQ(cp, cases[i].cp);
			ASSERT_INT_EQ(n, cases[i].n);
		} else
			ASSERT_INT_EQ(cp, 0);
	}
	TEST_DONE();
}

static void
test_utf8_valid(void)
{
	static const char	ok[] =
	    "ok \xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80";
	size_t			i;

	TEST_START("utf8_valid: strings, and every prefix of one");
	ASSERT_INT_EQ(utf8_valid("", 0), 1);
	ASSERT_INT_EQ(utf8_valid(NULL, 0), 1);
	ASSERT_INT_EQ(utf8_valid(ok, sizeof(ok) - 1), 1);
	/* a NUL is a character; the caller decides whether it may be */
	ASSERT_INT_EQ(utf8_valid("a\0b", 3), 1);
	/* a string cut inside a character is not valid */
	for (i = 0; i <= sizeof(ok) - 1; i++)
		ASSERT_INT_EQ(utf8_valid(ok, i),
		    i <= 3 || i == 5 || i == 8 || i == 12);
	/* a bad character after good ones */
	ASSERT_INT_EQ(utf8_valid("abc\xed\xa0\x80", 6), 0);
	ASSERT_INT_EQ(utf8_valid("abc\xc0\x80", 5), 0);
	ASSERT_INT_EQ(utf8_valid("\xc3\xa9\x80", 3), 0);
	TEST_DONE();
}

static void
test_utf8_text(void)
{
	TEST_START("utf8_is_control and utf8_text_ok: C0, DEL, C1");
	ASSERT_INT_EQ(utf8_is_control(0), 1);
	ASSERT_INT_EQ(utf8_is_control(0x1f), 1);
	ASSERT_INT_EQ(utf8_is_control(' '), 0);
	ASSERT_INT_EQ(utf8_is_control(0x7e), 0);
	ASSERT_INT_EQ(utf8_is_control(0x7f), 1);
	ASSERT_INT_EQ(utf8_is_control(0x80), 1);
	ASSERT_INT_EQ(utf8_is_control(0x9f), 1);
	ASSERT_INT_EQ(utf8_is_control(0xa0), 0);
	ASSERT_INT_EQ(utf8_text_ok("Jan de Vries", 12), 1);
	ASSERT_INT_EQ(utf8_text_ok("Ren\xc3\xa9", 5), 1);
	ASSERT_INT_EQ(utf8_text_ok("", 0), 1);
	ASSERT_INT_EQ(utf8_text_ok("a\nb", 3), 0);
	ASSERT_INT_EQ(utf8_text_ok("a\x7f", 2), 0);
	ASSERT_INT_EQ(utf8_text_ok("a\xc2\x85", 3), 0);	/* NEL */
	ASSERT_INT_EQ(utf8_text_ok("a\xc2\x9b", 3), 0);	/* CSI */
	ASSERT_INT_EQ(utf8_text_ok("a\xc2\xa0", 3), 1);	/* NBSP */
	ASSERT_INT_EQ(utf8_text_ok("a\xc0\x8a", 3), 0);	/* overlong LF */
	ASSERT_INT_EQ(utf8_text_ok("a\0", 2), 0);
	TEST_DONE();
}

static void
test_utf8_cut(void)
{
	static const char	s[] = "a\xc3\xa9\xe2\x82\xac";	/* a é € */

	TEST_START("utf8_cut never ends inside a character");
	ASSERT_INT_EQ(utf8_cut(s, 6, 6), 6);
	ASSERT_INT_EQ(utf8_cut(s, 6, 100), 6);
	ASSERT_INT_EQ(utf8_cut(s, 6, 5), 3);
	ASSERT_INT_EQ(utf8_cut(s, 6, 4), 3);
	ASSERT_INT_EQ(utf8_cut(s, 6, 3), 3);
	ASSERT_INT_EQ(utf8_cut(s, 6, 2), 1);
	ASSERT_INT_EQ(utf8_cut(s, 6, 1), 1);
	ASSERT_INT_EQ(utf8_cut(s, 6, 0), 0);
	ASSERT_INT_EQ(utf8_cut("\xc3\xa9", 2, 1), 0);
	ASSERT_INT_EQ(utf8_cut("", 0, 0), 0);
	TEST_DONE();
}

int
main(void)
{
	test_utf8_next();
	test_utf8_valid();
	test_utf8_text();
	test_utf8_cut();
	return 0;
}
