/* SPDX-License-Identifier: ISC */
/*
 * localday.c - local dates and times (localday.h).  The offset from
 * UTC is the C library's (TZ), taken for the time asked about, so a
 * date just after midnight in summer time is that day, not the one
 * before.
 */
#include <stdio.h>
#include <time.h>

#include "errors.h"
#include "lifecycle.h"
#include "localday.h"
#include "util.h"

int64_t
localday_of(int64_t t)
{
	struct tm	tm;
	time_t		tt = (time_t)t;

	if (localtime_r(&tt, &tm) == NULL)
		return lc_date_from_time(t);
	return lc_date_from_time(t + (int64_t)tm.tm_gmtoff);
}

int64_t
localday_today(void)
{
	return localday_of(time_now());
}

void
localday_utc_iso(char *dst, size_t len, int64_t t)
{
	struct tm	tm;
	time_t		tt = (time_t)t;

	if (t <= 0)
		(void)str_fmt(dst, len, "-");
	else if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(dst, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		(void)str_fmt(dst, len, "%lld", (long long)t);
}

int
localday_format(int64_t t, char *date, size_t datelen, char *hm,
    size_t hmlen)
{
	struct tm	tm;
	time_t		tt = (time_t)t;

	if (localtime_r(&tt, &tm) == NULL)
		return CS_ERR_SYSTEM;
	if (date != NULL && strftime(date, datelen, "%Y-%m-%d", &tm) == 0)
		return CS_ERR_SYSTEM;
	if (hm != NULL && strftime(hm, hmlen, "%H:%M", &tm) == 0)
		return CS_ERR_SYSTEM;
	return 0;
}
