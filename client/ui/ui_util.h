/* SPDX-License-Identifier: ISC */
/*
 * ui_util.h - small pieces the case-file pages share: a value from a
 * record shown safely, a URL argument, and a date typed by hand.
 */
#ifndef UI_UTIL_H
#define UI_UTIL_H

#include <stddef.h>
#include <stdint.h>

struct html;

/*
 * A value from a record (bytes from any device): escaped, newlines as
 * <br>; a value that is not text (invalid UTF-8, control characters)
 * is shown as "(onleesbare waarde)".  "max" bytes at most (0: all),
 * cut on a character boundary with "…".
 */
void	ui_value(struct html *, const uint8_t *p, size_t len, size_t max);
/* "v" percent-encoded for a URL's query, then escaped for the attribute. */
void	ui_urlarg(struct html *, const char *v);
/*
 * A date as typed ("dd-mm-jjjj", "d-m-jjjj", or "jjjj-mm-dd") into
 * "jjjj-mm-dd" in dst (11 bytes); anything else is copied as it is
 * (the core's check then says what is wrong).  Only the form of the
 * date changes here: whether it is a date is the core's question.
 */
void	ui_date_in(const char *typed, char *dst, size_t dstlen);

#endif /* UI_UTIL_H */
