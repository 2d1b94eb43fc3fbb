/* SPDX-License-Identifier: ISC */
/*
 * validate.h - checks of user and peer input in the case domain:
 * BSN (elfproef), dates, UTF-8, names, CBS municipality codes, frames.
 *
 * Every function returns 0, or CS_ERR_FORMAT with *why pointing to a
 * static English sentence that says what is wrong (never echoing the
 * input, which may be personal data).  "why" may be NULL.
 */
#ifndef VALIDATE_H
#define VALIDATE_H

#include <stddef.h>
#include <stdint.h>

#define VALIDATE_BSN_LEN	9
#define VALIDATE_NAME_MAX	200	/* bytes of UTF-8 in a person's name */
#define VALIDATE_TEXT_MAX	512	/* bytes: reasons and short texts */

/*
 * A BSN: exactly 9 ASCII digits, not all zero, passing the elfproef:
 * 9*d1 + 8*d2 + ... + 2*d8 - 1*d9 is a multiple of 11.
 */
int	validate_bsn(const char *s, const char **why);

/* "YYYY-MM-DD", a real calendar date (lifecycle.h range); *days set. */
int	validate_date(const char *s, int64_t *days, const char **why);

/*
 * "len" bytes of strict UTF-8: no overlong forms, no surrogates
 * (U+D800..U+DFFF), nothing above U+10FFFF, no truncated sequence.
 */
int	validate_utf8(const char *s, size_t len, const char **why);

/*
 * A name or short text: 1..max bytes of strict UTF-8 without control
 * characters (C0, DEL, C1), not only spaces.
 */
int	validate_name(const char *s, size_t max, const char **why);

/* A CBS municipality code: "GM" and 4 digits, e.g. GM0193 (Zwolle). */
int	validate_gemeente(const char *s, const char **why);

/* DRANG, VOTS, OTS or VOOGDIJ (exact, upper case). */
int	validate_frame(const char *s, const char **why);

#endif /* VALIDATE_H */
