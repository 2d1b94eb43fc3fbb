/* SPDX-License-Identifier: ISC */
/*
 * json.h - the one JSON writer of the command-line tools (`--json`):
 * streams objects, arrays, strings, int64 numbers, booleans and null to
 * a FILE.  Strings are escaped (quote, backslash, every control
 * character: C0, DEL, C1); valid UTF-8 passes through, each invalid
 * byte becomes U+FFFD, so the output is valid JSON and valid UTF-8.
 * Times are local time with the offset (json_time_fmt), e.g.
 * 2026-12-06T04:10:00+01:00.  Misuse (a value where a key is due, too
 * deep, unbalanced) and write errors are remembered and reported once,
 * by json_end().
 */
#ifndef JSON_H
#define JSON_H

#include <stdint.h>
#include <stdio.h>

#define JSON_DEPTH_MAX	16
/* "YYYY-MM-DDTHH:MM:SS+HH:MM" and the NUL. */
#define JSON_TIME_LEN	26

struct json {
	FILE	*f;
	int	 depth;
	int	 err;
	int	 want_key;			/* in an object, no key yet */
	uint8_t	 obj[JSON_DEPTH_MAX];		/* 1 object, 0 array */
	uint8_t	 any[JSON_DEPTH_MAX];		/* an element written */
};

void	json_init(struct json *j, FILE *f);
void	json_obj_begin(struct json *j);
void	json_obj_end(struct json *j);
void	json_arr_begin(struct json *j);
void	json_arr_end(struct json *j);
void	json_key(struct json *j, const char *key);
/* A string of "len" bytes; NULL is null. */
void	json_strn(struct json *j, const char *s, size_t len);
void	json_str(struct json *j, const char *s);
void	json_int(struct json *j, int64_t v);
void	json_bool(struct json *j, int v);
void	json_null(struct json *j);
/* "v" with "decimals" digits after the point (0..9); null if not finite. */
void	json_fixed(struct json *j, double v, int decimals);

/* Key and value in one call. */
void	json_kv_str(struct json *j, const char *key, const char *s);
void	json_kv_int(struct json *j, const char *key, int64_t v);
void	json_kv_bool(struct json *j, const char *key, int v);
/*
 * Bytes that may be anything (a field of a record): a string when they
 * are UTF-8 without a NUL, else null (never a changed value).
 */
void	json_kv_bytes(struct json *j, const char *key, const uint8_t *v,
	    size_t len);
/*
 * A time as two members: "key" the local time with its offset and
 * "key_epoch" its seconds since 1970; both null when t <= 0 (never).
 */
void	json_kv_time(struct json *j, const char *key, int64_t t);

/*
 * The newline after the top-level value and a flush: 0, or
 * CS_ERR_INTERNAL for misuse (unbalanced, nothing written) or
 * CS_ERR_SYSTEM when a write failed.
 */
int	json_end(struct json *j);

/*
 * "t" in local time (TZ) with its offset: 2026-12-06T04:10:00+01:00.
 * -1 (dst empty) for a time outside years 0..9999.
 */
int	json_time_fmt(char dst[JSON_TIME_LEN], int64_t t);

#endif /* JSON_H */
