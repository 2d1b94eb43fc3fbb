/* SPDX-License-Identifier: ISC */
/*
 * test_validate.c - BSN elfproef, dates, strict UTF-8, names, CBS
 * municipality codes and frames.
 */
#include <stdint.h>
#include <string.h>

#include "errors.h"
#include "lifecycle.h"
#include "test.h"
#include "validate.h"

static void
test_bsn(void)
{
	/* computed: 9*d1 + ... + 2*d8 - d9 = 0 mod 11 */
	static const char *const good[] = {
		"111222333",	/* 66 */
		"123456782",	/* 154 */
		"999999990",	/* 396 */
		"100000009",	/* 9 - 9 = 0 */
		"010000008",	/* 8 - 8 = 0 */
	};
	const char	*why;
	char		 b[16];
	int		 i, d, ok;

	TEST_START("BSN elfproef");
	for (i = 0; i < (int)(sizeof(good) / sizeof(good[0])); i++) {
		ASSERT_INT_EQ(validate_bsn(good[i], &why), 0);
		ASSERT_PTR_EQ(why, NULL);
	}
	/* 010000007: 8*1 - 7 = 1, not a multiple of 11 */
	ASSERT_INT_EQ(validate_bsn("010000007", &why), CS_ERR_FORMAT);
	ASSERT_INT_EQ(validate_bsn("123456789", &why), CS_ERR_FORMAT);
	ASSERT_TRUE(strstr(why, "elfproef") != NULL);
	ASSERT_INT_EQ(validate_bsn("111222334", &why), CS_ERR_FORMAT);
	ASSERT_INT_EQ(validate_bsn("000000000", &why), CS_ERR_FORMAT);
	ASSERT_TRUE(strstr(why, "zeros") != NULL);
	ASSERT_INT_EQ(validate_bsn("12345678", &why), CS_ERR_FORMAT);
	ASSERT_TRUE(strstr(why, "9 digits") != NULL);
	ASSERT_INT_EQ(validate_bsn("1234567820", &why), CS_ERR_FORMAT);
	ASSERT_INT_EQ(validate_bsn("12345678a", &why), CS_ERR_FORMAT);
	ASSERT_INT_EQ(validate_bsn(" 23456782", &why), CS_ERR_FORMAT);
	ASSERT_INT_EQ(validate_bsn("", &why), CS_ERR_FORMAT);
	ASSERT_INT_EQ(validate_bsn(NULL, NULL), CS_ERR_FORMAT);
	/* every single-digit typo of a good BSN is caught */
	for (i = 0; i < 9; i++) {
		for (d = '0'; d <= '9'; d++) {
			memcpy(b, "123456782", 10);
			if (b[i] == d)
				continue;
			b[i] = (char)d;
			ok = validate_bsn(b, NULL) == 0;
			ASSERT_INT_EQ(ok, 0);
		}
	}
	/* the message never contains the number */
	ASSERT_INT_EQ(validate_bsn("123456789", &why), CS_ERR_FORMAT);
	ASSERT_TRUE(strstr(why, "123456789") == NULL);
	TEST_DONE();
}

static void
test_date(void)
{
	const char	*why;
	int64_t		 d;

	TEST_START("dates YYYY-MM-DD, real calendar days");
	ASSERT_INT_EQ(validate_date("2028-02-29", &d, &why), 0);
	{
		int64_t	want;

		ASSERT_INT_EQ(lc_date_make(2028, 2, 29, &want), 0);
		ASSERT_INT_EQ(d, want);
	}
	ASSERT_INT_EQ(validate_date("2000-02-29", &d, &why), 0);
	ASSERT_INT_EQ(validate_date("2100-02-29", &d, &why), CS_ERR_FORMAT);
	ASSERT_STR_EQ(why, "that month has no such day");
	ASSERT_INT_EQ(d, LC_NODATE);
	ASSERT_INT_EQ(validate_date("2027-02-29", &d, &why), CS_ERR_FORMAT);
	ASSERT_INT_EQ(validate_date("2026-04-31", &d, &why), CS_ERR_FORMAT);
	ASSERT_INT_EQ(validate_date("2026-12-31", &d, &why), 0);
	ASSERT_INT_EQ(validate_date("2026-13-01", &d, &why), CS_ERR_FORMAT);
	ASSERT_STR_EQ(why, "the month must be 01 to 12");
	ASSERT_INT_EQ(validate_date("2026-00-01", &d, &why), CS_ERR_FORMAT);
	ASSERT_INT_EQ(validate_date("2026-01-00", &d, &why), CS_ERR_FORMAT);
	ASSERT_INT_EQ(validate_date("1899-12-31", &d, &why), CS_ERR_FORMAT);
	ASSERT_STR_EQ(why, "the year must be between 1900 and 2199");
	ASSERT_INT_EQ(validate_date("31-12-2026", &d, &why), CS_ERR_FORMAT);
	ASSERT_STR_EQ(why, "a date is written YYYY-MM-DD");
	ASSERT_INT_EQ(validate_date("2026-1-5", &d, &why), CS_ERR_FORMAT);
	ASSERT_INT_EQ(validate_date("2026-01-05T", &d, &why), CS_ERR_FORMAT);
	ASSERT_INT_EQ(validate_date("2026-0a-05", &d, &why), CS_ERR_FORMAT);
	ASSERT_INT_EQ(validate_date("", &d, &why), CS_ERR_FORMAT);
	ASSERT_INT_EQ(validate_date(NULL, &d, NULL), CS_ERR_FORMAT);
	TEST_DONE();
}

static void
test_utf8(void)
{
	static const struct {
		const char	*s;
		size_t		 len;
		int		 ok;
	} v[] = {
		{ "", 0, 1 },
		{ "Jansen", 6, 1 },
		{ "\xc3\xa9", 2, 1 },			/* U+00E9 */
		{ "\xc2\x80", 2, 1 },			/* U+0080, smallest 2 */
		{ "\xdf\xbf", 2, 1 },			/* U+07FF */
		{ "\xe0\xa0\x80", 3, 1 },		/* U+0800 */
		{ "\xed\x9f\xbf", 3, 1 },		/* U+D7FF */
		{ "\xee\x80\x80", 3, 1 },		/* U+E000 */
		{ "\xef\xbf\xbd", 3, 1 },		/* U+FFFD */
		{ "\xf0\x90\x80\x80", 4, 1 },		/* U+10000 */
		{ "\xf4\x8f\xbf\xbf", 4, 1 },		/* U+10FFFF */
		{ "\xc0\xaf", 2, 0 },			/* overlong '/' */
		{ "\xc1\xbf", 2, 0 },			/* overlong */
		{ "\xe0\x9f\xbf", 3, 0 },		/* overlong U+07FF */
		{ "\xf0\x8f\xbf\xbf", 4, 0 },		/* overlong U+FFFF */
		{ "\xed\xa0\x80", 3, 0 },		/* U+D800 */
		{ "\xed\xbf\xbf", 3, 0 },		/* U+DFFF */
		{ "\xf4\x90\x80\x80", 4, 0 },		/* U+110000 */
		{ "\xf7\xbf\xbf\xbf", 4, 0 },
		{ "\xf8\x88\x80\x80\x80", 5, 0 },	/* 5-byte form */
		{ "\xff", 1, 0 },
		{ "\x80", 1, 0 },			/* lone continuation */
		{ "\xc3", 1, 0 },			/* cut short */
		{ "\xe2\x82", 2, 0 },
		{ "\xc3(", 2, 0 },
		{ "a\xf0\x9f\x98", 4, 0 },
	};
	const char	*why;
	size_t		 i;

	TEST_START("strict UTF-8: overlongs, surrogates, > U+10FFFF");
	for (i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		if ((validate_utf8(v[i].s, v[i].len, &why) == 0) != v[i].ok)
			TEST_FAIL_("case %zu: expected %s", i,
			    v[i].ok ? "valid" : "invalid");
		if (!v[i].ok)
			ASSERT_TRUE(why != NULL &&
			    strncmp(why, "invalid UTF-8", 13) == 0);
	}
	ASSERT_INT_EQ(validate_utf8("\xed\xa0\x80", 3, &why), CS_ERR_FORMAT);
	ASSERT_STR_EQ(why, "invalid UTF-8: a surrogate code point");
	ASSERT_INT_EQ(validate_utf8("\xc0\xaf", 2, &why), CS_ERR_FORMAT);
	ASSERT_STR_EQ(why, "invalid UTF-8: overlong encoding");
	ASSERT_INT_EQ(validate_utf8("\xf4\x90\x80\x80", 4, &why),
	    CS_ERR_FORMAT);
	ASSERT_STR_EQ(why, "invalid UTF-8: beyond U+10FFFF");
	TEST_DONE();
}

static void
test_name(void)
{
	const char	*why;
	char		 big[VALIDATE_NAME_MAX + 2];

	TEST_START("names: length limit, UTF-8, no control characters");
	ASSERT_INT_EQ(validate_name("Fatima el Amrani", VALIDATE_NAME_MAX,
	    &why), 0);
	ASSERT_INT_EQ(validate_name("Ren\xc3\xa9 d'Ancona-M\xc3\xbcller",
	    VALIDATE_NAME_MAX, &why), 0);
	memset(big, 'a', sizeof(big));
	big[VALIDATE_NAME_MAX] = '\0';
	ASSERT_INT_EQ(validate_name(big, VALIDATE_NAME_MAX, &why), 0);
	big[VALIDATE_NAME_MAX] = 'a';
	big[VALIDATE_NAME_MAX + 1] = '\0';
	ASSERT_INT_EQ(validate_name(big, VALIDATE_NAME_MAX, &why),
	    CS_ERR_FORMAT);
	ASSERT_STR_EQ(why, "the text is too long");
	ASSERT_INT_EQ(validate_name("", VALIDATE_NAME_MAX, &why),
	    CS_ERR_FORMAT);
	ASSERT_STR_EQ(why, "the text is empty");
	ASSERT_INT_EQ(validate_name("   ", VALIDATE_NAME_MAX, &why),
	    CS_ERR_FORMAT);
	ASSERT_INT_EQ(validate_name("a\nb", VALIDATE_NAME_MAX, &why),
	    CS_ERR_FORMAT);
	ASSERT_STR_EQ(why, "the text contains a control character");
	ASSERT_INT_EQ(validate_name("a\x7f", VALIDATE_NAME_MAX, &why),
	    CS_ERR_FORMAT);
	ASSERT_INT_EQ(validate_name("a\xc2\x85", VALIDATE_NAME_MAX, &why),
	    CS_ERR_FORMAT);			/* U+0085 NEL */
	ASSERT_INT_EQ(validate_name("a\xc2\xa0" "b", VALIDATE_NAME_MAX, &why),
	    0);					/* U+00A0 is fine */
	ASSERT_INT_EQ(validate_name("a\xed\xa0\x80", VALIDATE_NAME_MAX, &why),
	    CS_ERR_FORMAT);
	ASSERT_INT_EQ(validate_name(NULL, VALIDATE_NAME_MAX, &why),
	    CS_ERR_FORMAT);
	TEST_DONE();
}

static void
test_gemeente_frame(void)
{
	const char	*why;

	TEST_START("CBS municipality codes and frames");
	ASSERT_INT_EQ(validate_gemeente("GM0193", &why), 0);	/* Zwolle */
	ASSERT_INT_EQ(validate_gemeente("GM0995", &why), 0);	/* Lelystad */
	ASSERT_INT_EQ(validate_gemeente("GM193", &why), CS_ERR_FORMAT);
	ASSERT_INT_EQ(validate_gemeente("GM01934", &why), CS_ERR_FORMAT);
	ASSERT_INT_EQ(validate_gemeente("gm0193", &why), CS_ERR_FORMAT);
	ASSERT_INT_EQ(validate_gemeente("GMa193", &why), CS_ERR_FORMAT);
	ASSERT_INT_EQ(validate_gemeente("0193", &why), CS_ERR_FORMAT);
	ASSERT_INT_EQ(validate_gemeente("", &why), CS_ERR_FORMAT);
	ASSERT_INT_EQ(validate_gemeente(NULL, &why), CS_ERR_FORMAT);
	ASSERT_TRUE(strstr(why, "GM") != NULL);
	ASSERT_INT_EQ(validate_frame("DRANG", &why), 0);
	ASSERT_INT_EQ(validate_frame("VOTS", &why), 0);
	ASSERT_INT_EQ(validate_frame("OTS", &why), 0);
	ASSERT_INT_EQ(validate_frame("VOOGDIJ", &why), 0);
	ASSERT_INT_EQ(validate_frame("drang", &why), CS_ERR_FORMAT);
	ASSERT_INT_EQ(validate_frame("JR", &why), CS_ERR_FORMAT);
	ASSERT_INT_EQ(validate_frame("", &why), CS_ERR_FORMAT);
	ASSERT_INT_EQ(validate_frame(NULL, &why), CS_ERR_FORMAT);
	TEST_DONE();
}

int
main(void)
{
	test_bsn();
	test_date();
	test_utf8();
	test_name();
	test_gemeente_frame();
	return 0;
}
