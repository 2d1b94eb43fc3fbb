/* SPDX-License-Identifier: ISC */
/*
 * report_int.h - what report_raad.c (the draft) and report_final.c
 * (finalising, listing, rendering again) share.
 */
#ifndef REPORT_INT_H
#define REPORT_INT_H

#include <stddef.h>
#include <stdint.h>

#include "report_raad.h"

/* The document's title for "t". */
const char	*report_title(enum report_type t);
/*
 * A body value from some device as safe text into "dst": cut at a
 * character boundary, control characters as spaces (newlines kept
 * unless "oneline"), "(onleesbare tekst)" if it is not UTF-8.
 */
void	report_text(const uint8_t *p, size_t len, int oneline, char *dst,
	    size_t dstlen);
/* Field "name" of "b" as report_text() makes it ("" if absent). */
struct body;
const char	*report_value(const struct body *b, const char *name,
		    int oneline, char *dst, size_t len);
/* Day "d" (lifecycle.h) as dd-mm-jjjj; "onbekend" for LC_NODATE. */
void	report_date(int64_t d, char *dst, size_t len);

#endif /* REPORT_INT_H */
