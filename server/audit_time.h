/* SPDX-License-Identifier: ISC */
/*
 * audit_time.h - the times of "casesyncctl audit query" (docs/AUDIT.md,
 * "Querying"): reading --since / --until, and showing a time as local
 * time with its offset.  Local time is the TZ environment variable's
 * zone (the system's without it).
 */
#ifndef AUDIT_TIME_H
#define AUDIT_TIME_H

#include <stddef.h>
#include <stdint.h>

/* "YYYY-MM-DDTHH:MM:SS+HH:MM" and the NUL. */
#define AUDIT_TIME_LEN	26

/*
 * Seconds since 1970 of "s", one of
 *   SECONDS              seconds since 1970 (UTC);
 *   YYYY-MM-DD           a day in local time: its first second, or with
 *                        "end_of_day" its last (the second before the
 *                        next day begins; 23 or 25 hours on the days
 *                        daylight saving time starts or ends);
 *   YYYY-MM-DDTHH:MM[:SS] followed by Z, +HH:MM or -HH:MM, or by
 *                        nothing for local time.  A local time that
 *                        does not exist (the hour skipped when summer
 *                        time starts) is refused; one that occurs twice
 *                        (when it ends) is the first.
 * CS_ERR_FORMAT for anything else, a day that is not in the calendar
 * or a year before 1970 or after 9999.
 */
int	audit_time_parse(const char *s, int end_of_day, int64_t *out);

/* "t" in local time with its offset: 2026-12-06T04:10:00+01:00. */
void	audit_time_local(char dst[AUDIT_TIME_LEN], int64_t t);

#endif /* AUDIT_TIME_H */
