/* SPDX-License-Identifier: ISC */
/*
 * localday.h - "today" and "now" as the laptop's user sees them: the
 * local date and time (TZ; Europe/Amsterdam in the field), not UTC.
 * Dates are days since 1970-01-01 like lifecycle.h's.
 */
#ifndef CLIENT_LOCALDAY_H
#define CLIENT_LOCALDAY_H

#include <stddef.h>
#include <stdint.h>

#define LOCALDAY_TIME_LEN	5	/* HH:MM */

/* The local date of time "t" (seconds since the epoch). */
int64_t	localday_of(int64_t t);
/* The local date now. */
int64_t	localday_today(void);
/*
 * Time "t" as local "YYYY-MM-DD" (date, LC_DATE_LEN + 1 bytes) and
 * "HH:MM" (hm, LOCALDAY_TIME_LEN + 1 bytes); either may be NULL.
 * CS_ERR_SYSTEM if the time cannot be converted.
 */
int	localday_format(int64_t t, char *date, size_t datelen, char *hm,
	    size_t hmlen);

/*
 * An instant for logs and JSON: "YYYY-MM-DDTHH:MM:SSZ" (UTC) of "t",
 * "-" for t <= 0 (none), into dst (at least 21 bytes).
 */
void	localday_utc_iso(char *dst, size_t len, int64_t t);

#endif /* CLIENT_LOCALDAY_H */
