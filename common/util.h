/* SPDX-License-Identifier: ISC */
/*
 * util.h - small helpers: number parsing with limits, printable
 * rendering of untrusted strings, hex, and whole-file I/O.
 */
#ifndef UTIL_H
#define UTIL_H

#include <stddef.h>
#include <stdint.h>

struct buf;

/*
 * Parse a decimal unsigned integer in [min, max].  The whole string
 * must be digits.  Returns 0 and sets *out, or CS_ERR_FORMAT.
 */
int	parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);

/*
 * Parse a duration: digits with an optional unit s, m, h or d
 * (seconds when absent), in [1, max_seconds].  0 or CS_ERR_FORMAT.
 */
int	parse_duration(const char *s, uint64_t max_seconds, uint64_t *out);

/*
 * Render "len" bytes of untrusted "s" into "dst" (size "dstlen" > 0)
 * with non-printable bytes as \xNN, truncated with "..." to fit.
 * Returns dst, always NUL-terminated.
 */
char	*str_vis(char *dst, size_t dstlen, const char *s, size_t len);

/* Lower-case hex of "len" bytes into dst (2 * len + 1 bytes). */
void	hex_encode(char *dst, const uint8_t *src, size_t len);
/*
 * Decode exactly "len" bytes from the 2 * len hex digits of "s"
 * (upper or lower case, optional ':' between bytes not accepted).
 * 0 or CS_ERR_FORMAT.
 */
int	hex_decode(uint8_t *dst, size_t len, const char *s);

/*
 * Read the whole file at "path" (at most "max" bytes) into a new buf.
 * CS_ERR_TOO_LARGE if it is bigger, CS_ERR_SYSTEM on I/O errors
 * (errno set), CS_ERR_NOT_FOUND if it does not exist.
 */
int	file_read(const char *path, size_t max, struct buf **out);

/*
 * Write "len" bytes to "path" atomically: a temporary file in the same
 * directory with "mode", fsync, rename, fsync of the directory.
 * With "excl", fail with CS_ERR_EXISTS if "path" exists.
 */
int	file_write_atomic(const char *path, const void *p, size_t len,
	    int mode, int excl);

/*
 * UTF-8, strict (RFC 3629): the one decoder every module uses.
 *
 * utf8_next() decodes the character at s[0..len), len > 0: UTF8_OK with
 * *cp and its length *n (1..4), or what is wrong (*n as far as the lead
 * byte says, *cp 0).  Overlong forms, surrogates (U+D800..U+DFFF) and
 * anything above U+10FFFF are errors.
 */
enum utf8_err {
	UTF8_OK = 0,
	UTF8_BAD_LEAD,		/* a byte that cannot start a character */
	UTF8_SHORT,		/* cut short: too few continuation bytes */
	UTF8_OVERLONG,
	UTF8_SURROGATE,
	UTF8_RANGE		/* beyond U+10FFFF */
};
enum utf8_err	utf8_next(const char *s, size_t len, uint32_t *cp,
		    size_t *n);
/* 1 if "len" bytes of "s" are valid UTF-8. */
int	utf8_valid(const char *s, size_t len);
/* 1 for a control character: C0, DEL or C1 (U+0080..U+009F). */
int	utf8_is_control(uint32_t cp);
/* 1 if "len" bytes of "s" are valid UTF-8 without control characters. */
int	utf8_text_ok(const char *s, size_t len);
/*
 * The longest prefix of "s" (len bytes) of at most "max" bytes that
 * does not end inside a character: "max" moved back over continuation
 * bytes (len if len <= max).
 */
size_t	utf8_cut(const char *s, size_t len, size_t max);

/* snprintf into dst; CS_ERR_TOO_LARGE if truncated. */
int	str_fmt(char *dst, size_t dstlen, const char *fmt, ...)
	    __attribute__((__format__(printf, 3, 4)));

/* Seconds since the epoch, and a monotonic clock in milliseconds. */
int64_t	time_now(void);
int64_t	time_mono_ms(void);

#endif /* UTIL_H */
