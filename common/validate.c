/* SPDX-License-Identifier: ISC */
/*
 * validate.c - input checks for the case domain (see validate.h).
 * Messages never contain the input itself: it may be a BSN or a name.
 */
#include <string.h>

#include "errors.h"
#include "lifecycle.h"
#include "validate.h"

static int
validate_fail(const char **why, const char *msg)
{
	if (why != NULL)
		*why = msg;
	return CS_ERR_FORMAT;
}

static int
validate_ok(const char **why)
{
	if (why != NULL)
		*why = NULL;
	return 0;
}

int
validate_bsn(const char *s, const char **why)
{
	int	i, sum = 0, zero = 1;

	if (s == NULL || strlen(s) != VALIDATE_BSN_LEN)
		return validate_fail(why, "a BSN has exactly 9 digits");
	for (i = 0; i < VALIDATE_BSN_LEN; i++) {
		if (s[i] < '0' || s[i] > '9')
			return validate_fail(why, "a BSN has digits only");
		if (s[i] != '0')
			zero = 0;
		/* weights 9, 8, ..., 2 and -1 for the last digit */
		sum += (i < 8 ? 9 - i : -1) * (s[i] - '0');
	}
	if (zero)
		return validate_fail(why, "a BSN cannot be all zeros");
	if (sum % 11 != 0)
		return validate_fail(why, "the BSN fails the elfproef "
		    "(check digit wrong: a typing error?)");
	return validate_ok(why);
}

int
validate_date(const char *s, int64_t *days, const char **why)
{
	int64_t	d;
	int	y, m, dd;

	*days = LC_NODATE;
	if (s == NULL || strlen(s) != LC_DATE_LEN || s[4] != '-' ||
	    s[7] != '-')
		return validate_fail(why, "a date is written YYYY-MM-DD");
	if (lc_date_parse(s, &d) != 0) {
		/* tell a wrong day from a wrong format */
		if (strspn(s, "0123456789") == 4 &&
		    strspn(s + 5, "0123456789") == 2 &&
		    strspn(s + 8, "0123456789") == 2) {
			y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 +
			    (s[2] - '0') * 10 + (s[3] - '0');
			m = (s[5] - '0') * 10 + (s[6] - '0');
			dd = (s[8] - '0') * 10 + (s[9] - '0');
			if (y < LC_YEAR_MIN || y > LC_YEAR_MAX)
				return validate_fail(why, "the year must be "
				    "between 1900 and 2199");
			if (m < 1 || m > 12)
				return validate_fail(why, "the month must be "
				    "01 to 12");
			if (dd < 1 || dd > lc_month_days(y, m))
				return validate_fail(why, "that month has no "
				    "such day");
		}
		return validate_fail(why, "a date is written YYYY-MM-DD");
	}
	*days = d;
	return validate_ok(why);
}

/*
 * Decode one code point at s[i]; *n gets its length.  0 or a static
 * message saying what is wrong.
 */
static const char *
validate_utf8_one(const unsigned char *s, size_t len, size_t i, size_t *n)
{
	uint32_t	cp, min;
	size_t		k;

	if (s[i] < 0x80) {
		*n = 1;
		return NULL;
	}
	if ((s[i] & 0xe0) == 0xc0) {
		*n = 2;
		cp = s[i] & 0x1f;
		min = 0x80;
	} else if ((s[i] & 0xf0) == 0xe0) {
		*n = 3;
		cp = s[i] & 0x0f;
		min = 0x800;
	} else if ((s[i] & 0xf8) == 0xf0) {
		*n = 4;
		cp = s[i] & 0x07;
		min = 0x10000;
	} else
		return "invalid UTF-8: a byte that cannot start a character";
	if (len - i < *n)
		return "invalid UTF-8: a character cut short";
	for (k = 1; k < *n; k++) {
		if ((s[i + k] & 0xc0) != 0x80)
			return "invalid UTF-8: a character cut short";
		cp = cp << 6 | (s[i + k] & 0x3f);
	}
	if (cp < min)
		return "invalid UTF-8: overlong encoding";
	if (cp >= 0xd800 && cp <= 0xdfff)
		return "invalid UTF-8: a surrogate code point";
	if (cp > 0x10ffff)
		return "invalid UTF-8: beyond U+10FFFF";
	return NULL;
}

int
validate_utf8(const char *s, size_t len, const char **why)
{
	const unsigned char	*p = (const unsigned char *)s;
	const char		*msg;
	size_t			 i, n;

	if (s == NULL && len > 0)
		return validate_fail(why, "no text");
	for (i = 0; i < len; i += n)
		if ((msg = validate_utf8_one(p, len, i, &n)) != NULL)
			return validate_fail(why, msg);
	return validate_ok(why);
}

int
validate_name(const char *s, size_t max, const char **why)
{
	const unsigned char	*p = (const unsigned char *)s;
	const char		*msg;
	size_t			 i, n, len;
	uint32_t		 c1;
	int			 blank = 1;

	if (s == NULL || (len = strlen(s)) == 0)
		return validate_fail(why, "the text is empty");
	if (len > max)
		return validate_fail(why, "the text is too long");
	for (i = 0; i < len; i += n) {
		if ((msg = validate_utf8_one(p, len, i, &n)) != NULL)
			return validate_fail(why, msg);
		if (n == 1 && (p[i] < 0x20 || p[i] == 0x7f))
			return validate_fail(why, "the text contains a "
			    "control character");
		if (n == 2) {
			c1 = (uint32_t)(p[i] & 0x1f) << 6 | (p[i + 1] & 0x3f);
			if (c1 >= 0x80 && c1 <= 0x9f)
				return validate_fail(why, "the text contains "
				    "a control character");
		}
		if (!(n == 1 && p[i] == ' '))
			blank = 0;
	}
	if (blank)
		return validate_fail(why, "the text is only spaces");
	return validate_ok(why);
}

int
validate_gemeente(const char *s, const char **why)
{
	if (s == NULL || strlen(s) != 6 || s[0] != 'G' || s[1] != 'M' ||
	    strspn(s + 2, "0123456789") != 4)
		return validate_fail(why, "a municipality code is GM and 4 "
		    "digits (CBS), e.g. GM0193");
	return validate_ok(why);
}

int
validate_frame(const char *s, const char **why)
{
	enum lc_frame	f;

	if (lc_frame_parse(s, &f) != 0)
		return validate_fail(why, "the frame is DRANG, VOTS, OTS or "
		    "VOOGDIJ");
	return validate_ok(why);
}
