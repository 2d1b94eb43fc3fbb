/* SPDX-License-Identifier: ISC */
/*
 * audit_time.c - reading and showing the times of an audit query
 * (audit_time.h).  The calendar is checked here, not left to mktime(3),
 * which would quietly turn February 30 into March 2.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "audit_time.h"
#include "errors.h"
#include "json.h"
#include "util.h"

#define AUDIT_YEAR_MIN	1970
#define AUDIT_YEAR_MAX	9999

/* Exactly "n" digits at *p; *p moves past them. */
static int
audit_digits(const char **p, int n, int *v)
{
	int	i;

	*v = 0;
	for (i = 0; i < n; i++) {
		if ((*p)[i] < '0' || (*p)[i] > '9')
			return -1;
		*v = *v * 10 + ((*p)[i] - '0');
	}
	*p += n;
	return 0;
}

/* "c" at *p; *p moves past it. */
static int
audit_char(const char **p, char c)
{
	if (**p != c)
		return -1;
	(*p)++;
	return 0;
}

static int
audit_mdays(int y, int m)
{
	static const int	days[] = {
		31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31
	};
	int			leap;

	leap = y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
	return days[m - 1] + (m == 2 && leap);
}

static int
audit_same_wall(const struct tm *a, const struct tm *b)
{
	return a->tm_year == b->tm_year && a->tm_mon == b->tm_mon &&
	    a->tm_mday == b->tm_mday && a->tm_hour == b->tm_hour &&
	    a->tm_min == b->tm_min && a->tm_sec == b->tm_sec;
}

/*
 * The earliest instant whose local time is the wall time "want" (its
 * fields in range, tm_isdst ignored).  With "gap_ok", a wall time that
 * does not exist gives what mktime(3) makes of it; else CS_ERR_FORMAT.
 */
static int
audit_local(const struct tm *want, int gap_ok, int64_t *out)
{
	static const int	isdst[] = { -1, 0, 1 };
	struct tm		tm, back;
	time_t			t, best = 0;
	size_t			i;
	int			have = 0;

	tzset();
	for (i = 0; i < sizeof(isdst) / sizeof(isdst[0]); i++) {
		tm = *want;
		tm.tm_isdst = isdst[i];
		if ((t = mktime(&tm)) == (time_t)-1 ||
		    localtime_r(&t, &back) == NULL ||
		    !audit_same_wall(&back, want))
			continue;
		if (!have || t < best)
			best = t;
		have = 1;
	}
	if (!have && gap_ok) {
		tm = *want;
		tm.tm_isdst = -1;
		if ((best = mktime(&tm)) != (time_t)-1)
			have = 1;
	}
	if (!have)
		return CS_ERR_FORMAT;
	*out = (int64_t)best;
	return 0;
}

int
audit_time_parse(const char *s, int end_of_day, int64_t *out)
{
	struct tm	 tm;
	const char	*p = s;
	uint64_t	 v;
	int64_t		 t;
	int		 y, mo, d, h = 0, mi = 0, sec = 0, oh, om, sign;
	time_t		 u;

	if (parse_u64(s, 0, INT64_MAX, &v) == 0) {
		*out = (int64_t)v;
		return 0;
	}
	if (audit_digits(&p, 4, &y) != 0 || audit_char(&p, '-') != 0 ||
	    audit_digits(&p, 2, &mo) != 0 || audit_char(&p, '-') != 0 ||
	    audit_digits(&p, 2, &d) != 0)
		return CS_ERR_FORMAT;
	if (y < AUDIT_YEAR_MIN || y > AUDIT_YEAR_MAX || mo < 1 || mo > 12 ||
	    d < 1 || d > audit_mdays(y, mo))
		return CS_ERR_FORMAT;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	if (*p == '\0') {
		/* a day: from its first second to the next day's, less one */
		if (end_of_day)
			tm.tm_mday++;	/* mktime carries it into the month */
		if (audit_local(&tm, 1, &t) != 0)
			return CS_ERR_FORMAT;
		*out = end_of_day ? t - 1 : t;
		return 0;
	}
	if (audit_char(&p, 'T') != 0 || audit_digits(&p, 2, &h) != 0 ||
	    audit_char(&p, ':') != 0 || audit_digits(&p, 2, &mi) != 0)
		return CS_ERR_FORMAT;
	if (*p == ':' && (audit_char(&p, ':') != 0 ||
	    audit_digits(&p, 2, &sec) != 0))
		return CS_ERR_FORMAT;
	if (h > 23 || mi > 59 || sec > 59)
		return CS_ERR_FORMAT;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	if (*p == '\0')
		return audit_local(&tm, 0, out);
	if (strcmp(p, "Z") == 0)
		oh = om = sign = 0;
	else {
		sign = *p == '+' ? 1 : *p == '-' ? -1 : 0;
		p++;
		if (sign == 0 || audit_digits(&p, 2, &oh) != 0 ||
		    audit_char(&p, ':') != 0 || audit_digits(&p, 2, &om) != 0 ||
		    *p != '\0' || oh > 23 || om > 59)
			return CS_ERR_FORMAT;
	}
	if ((u = timegm(&tm)) == (time_t)-1)
		return CS_ERR_FORMAT;
	t = (int64_t)u - sign * (oh * 3600 + om * 60);
	if (t < 0)
		return CS_ERR_FORMAT;
	*out = t;
	return 0;
}

void
audit_time_local(char dst[AUDIT_TIME_LEN], int64_t t)
{
	if (json_time_fmt(dst, t) != 0)
		(void)str_fmt(dst, AUDIT_TIME_LEN, "%lld", (long long)t);
}
