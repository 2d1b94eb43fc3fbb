/* SPDX-License-Identifier: ISC */
/*
 * test_audit_time.c - the times of "casesyncctl audit query"
 * (server/audit_time.c) in Europe/Amsterdam: a day for --since is its
 * first second, for --until its last, also on the 23- and 25-hour days
 * of the changes to and from summer time (last Sunday of March and of
 * October); local times, offsets and Z; leap days; the hour that does
 * not exist and the one that occurs twice; what is refused; and the
 * local time with offset that is shown.  Expected values are computed
 * outside this code (UTC instants).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "audit_time.h"
#include "errors.h"
#include "test.h"

static void
zone(const char *tz)
{
	if (setenv("TZ", tz, 1) != 0)
		TEST_FAIL_("setenv TZ=%s", tz);
	tzset();
}

static int64_t
since(const char *s)
{
	int64_t	t = -1;

	if (audit_time_parse(s, 0, &t) != 0)
		TEST_FAIL_("%s refused", s);
	return t;
}

static int64_t
until(const char *s)
{
	int64_t	t = -1;

	if (audit_time_parse(s, 1, &t) != 0)
		TEST_FAIL_("%s refused", s);
	return t;
}

static void
test_days(void)
{
	TEST_START("audit_time: a day from its first to its last second");
	zone("Europe/Amsterdam");
	ASSERT_INT_EQ(since("2026-12-06"), 1796511600);	/* 05 23:00Z */
	ASSERT_INT_EQ(until("2026-12-06"), 1796597999);	/* 06 22:59:59Z */
	/* summer time starts: 23 hours */
	ASSERT_INT_EQ(since("2026-03-29"), 1774738800);	/* 28 23:00Z */
	ASSERT_INT_EQ(until("2026-03-29"), 1774821599);	/* 29 21:59:59Z */
	ASSERT_INT_EQ(until("2026-03-29") - since("2026-03-29") + 1,
	    23 * 3600);
	/* summer time ends: 25 hours */
	ASSERT_INT_EQ(since("2026-10-25"), 1792879200);	/* 24 22:00Z */
	ASSERT_INT_EQ(until("2026-10-25"), 1792969199);	/* 25 22:59:59Z */
	ASSERT_INT_EQ(until("2026-10-25") - since("2026-10-25") + 1,
	    25 * 3600);
	/* leap day, and the end of a month and a year */
	ASSERT_INT_EQ(since("2028-02-29"), 1835391600);
	ASSERT_INT_EQ(until("2028-02-29"), 1835477999);
	ASSERT_INT_EQ(until("2028-02-28") + 1, since("2028-02-29"));
	ASSERT_INT_EQ(until("2028-02-29") + 1, since("2028-03-01"));
	ASSERT_INT_EQ(until("2026-12-31") + 1, since("2027-01-01"));
	ASSERT_INT_EQ(since("2000-02-29") > 0, 1);
	/* seconds since 1970 as before */
	ASSERT_INT_EQ(since("1796511600"), 1796511600);
	ASSERT_INT_EQ(until("0"), 0);
	TEST_DONE();
}

static void
test_times(void)
{
	int64_t	t;

	TEST_START("audit_time: local times and offsets");
	zone("Europe/Amsterdam");
	ASSERT_INT_EQ(since("2026-12-06T04:10:00+01:00"), 1796526600);
	ASSERT_INT_EQ(since("2026-12-06T03:10:00Z"), 1796526600);
	ASSERT_INT_EQ(since("2026-12-06T04:10"), 1796526600);	/* local */
	ASSERT_INT_EQ(until("2026-12-06T04:10:00"), 1796526600);
	ASSERT_INT_EQ(since("2026-12-06T10:10:00-05:30"), 1796571600);
	ASSERT_INT_EQ(since("2026-07-01T12:00"), 1782900000);	/* CEST */
	/* after the skipped hour; the skipped hour itself is refused */
	ASSERT_INT_EQ(since("2026-03-29T03:00"), 1774746000);
	ASSERT_INT_EQ(since("2026-03-29T01:59:59") + 1, 1774746000);
	ASSERT_INT_EQ(audit_time_parse("2026-03-29T02:30", 0, &t),
	    CS_ERR_FORMAT);
	/* the hour that occurs twice: its first time (still summer) */
	ASSERT_INT_EQ(since("2026-10-25T02:30"), 1792888200);
	ASSERT_INT_EQ(since("2026-10-25T02:30+02:00"), 1792888200);
	ASSERT_INT_EQ(since("2026-10-25T02:30+01:00"), 1792888200 + 3600);
	/* another zone than the default */
	zone("UTC");
	ASSERT_INT_EQ(since("2026-12-06"), 1796511600 + 3600);
	ASSERT_INT_EQ(since("2026-12-06T03:10"), 1796526600);
	TEST_DONE();
}

static void
test_refused(void)
{
	static const char *const	 bad[] = {
		"", "yesterday", "-1", "+5", "26-12-06", "2026-1-06",
		"2026-12-6", "2026/12/06", "2026-13-01", "2026-00-10",
		"2026-12-00", "2026-12-32", "2026-04-31", "2026-02-29",
		"2100-02-29", "1969-12-31", "10000-01-01", "2026-12-06T",
		"2026-12-06 10:00", "2026-12-06t10:00", "2026-12-06T24:00",
		"2026-12-06T10:60", "2026-12-06T10:00:60", "2026-12-06T1:00",
		"2026-12-06T10", "2026-12-06T10:00:", "2026-12-06T10:00+1:00",
		"2026-12-06T10:00+01", "2026-12-06T10:00+0100",
		"2026-12-06T10:00+24:00", "2026-12-06T10:00+01:60",
		"2026-12-06T10:00Zjunk", "2026-12-06T10:00z",
		"2026-12-06T10:00 Z", "2026-12-06Z", "2026-12-06+01:00",
		"1970-01-01T00:30+01:00", "2026-12-06\n",
		"99999999999999999999999",
	};
	int64_t				 t;
	size_t				 i;

	TEST_START("audit_time: invalid times are refused");
	zone("Europe/Amsterdam");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		t = 12345;
		if (audit_time_parse(bad[i], 0, &t) != CS_ERR_FORMAT ||
		    audit_time_parse(bad[i], 1, &t) != CS_ERR_FORMAT)
			TEST_FAIL_("\"%s\" accepted", bad[i]);
		ASSERT_INT_EQ(t, 12345);
	}
	TEST_DONE();
}

static void
test_shown(void)
{
	char	s[AUDIT_TIME_LEN];

	TEST_START("audit_time: shown in local time with the offset");
	zone("Europe/Amsterdam");
	audit_time_local(s, 1796526600);
	ASSERT_STR_EQ(s, "2026-12-06T04:10:00+01:00");
	audit_time_local(s, 1782900000);
	ASSERT_STR_EQ(s, "2026-07-01T12:00:00+02:00");
	audit_time_local(s, 1792888200);		/* twice 02:30 */
	ASSERT_STR_EQ(s, "2026-10-25T02:30:00+02:00");
	audit_time_local(s, 1792888200 + 3600);
	ASSERT_STR_EQ(s, "2026-10-25T02:30:00+01:00");
	ASSERT_INT_EQ(since(s), 1792888200 + 3600);	/* read back */
	audit_time_local(s, 1835477999);
	ASSERT_STR_EQ(s, "2028-02-29T23:59:59+01:00");
	zone("America/St_Johns");
	audit_time_local(s, 1796526600);
	ASSERT_STR_EQ(s, "2026-12-05T23:40:00-03:30");
	ASSERT_INT_EQ(since(s), 1796526600);
	zone("UTC");
	audit_time_local(s, 0);
	ASSERT_STR_EQ(s, "1970-01-01T00:00:00+00:00");
	TEST_DONE();
}

int
main(void)
{
	test_days();
	test_times();
	test_refused();
	test_shown();
	return 0;
}
