/* SPDX-License-Identifier: ISC */
/*
 * csv.h - one CSV field (RFC 4180) safe for a terminal and for a
 * spreadsheet: the quoting of casesyncctl's exports (audit log,
 * report) and of the laptop's `casesync report figures --csv`.
 */
#ifndef CSV_H
#define CSV_H

#include <stddef.h>

/*
 * "s" as one CSV field into dst, NUL-terminated: in double quotes,
 * '"' doubled, a C0/DEL/C1 control character or a byte that is not
 * UTF-8 written as "\xNN" per byte, and a leading = + - @ TAB or
 * CR preceded by "'".  0, or CS_ERR_TOO_LARGE if dst is too small
 * (dst is then empty).  5 * strlen(s) + 4 bytes are always enough.
 */
int	csv_field(char *dst, size_t dstlen, const char *s);

#endif /* CSV_H */
