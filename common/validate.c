/* SPDX-License-Identifier: ISC */
/*
 * validate.c - input checks for the case domain (see validate.h).
 * Messages never contain the input itself: it may be a BSN or a name.
 */
#include <string.h>

#include "errors.h"
#include "lifecycle.h"
#include "util.h"
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

/* What utf8_next() found wrong, for people; NULL if nothing. */
static const char *
validate_utf8_why(enum utf8_err e)
{
	switch (e) {
	case UTF8_OK:
		return NULL;
	case UTF8_BAD_LEAD:
		return "invalid UTF-8: a byte that cannot start a character";
	case UTF8_SHORT:
		return "invalid UTF-8: a character cut short";
	case UTF8_OVERLONG:
		return "invalid UTF-8: overlong encoding";
	case UTF8_SURROGATE:
		return "invalid UTF-8: a surrogate code point";
	case UTF8_RANGE:
		return "invalid UTF-8: beyond U+10FFFF";
	}
	return "invalid UTF-8";
}

int
validate_utf8(const char *s, size_t len, const char **why)
{
	enum utf8_err	e;
	uint32_t	cp;
	size_t		i, n;

	if (s == NULL && len > 0)
		return validate_fail(why, "no text");
	for (i = 0; i < len; i += n)
		if ((e = utf8_next(s + i, len - i, &cp, &n)) != UTF8_OK)
			return validate_fail(why, validate_utf8_why(e));
	return validate_ok(why);
}

int
validate_name(const char *s, size_t max, const char **why)
{
	enum utf8_err	e;
	size_t		i, n, len;
	uint32_t	cp;
	int		blank = 1;

	if (s == NULL || (len = strlen(s)) == 0)
		return validate_fail(why, "the text is empty");
	if (len > max)
		return validate_fail(why, "the text is too long");
	for (i = 0; i < len; i += n) {
		if ((e = utf8_next(s + i, len - i, &cp, &n)) != UTF8_OK)
			return validate_fail(why, validate_utf8_why(e));
		if (utf8_is_control(cp))
			return validate_fail(why, "the text contains a "
			    "control character");
		if (cp != ' ')
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
