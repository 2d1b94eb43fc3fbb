/* SPDX-License-Identifier: ISC */
/*
 * json.c - the streaming JSON writer (json.h).  Each value first writes
 * the separator its container needs; a key must precede each member of
 * an object.  The first error sticks: later calls write nothing.
 */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "errors.h"
#include "json.h"
#include "util.h"

#define JSON_YEAR_MAX	9999

static void
json_put(struct json *j, const char *s, size_t len)
{
	if (j->err == 0 && len > 0 && fwrite(s, 1, len, j->f) != len)
		j->err = CS_ERR_SYSTEM;
}

static void
json_puts(struct json *j, const char *s)
{
	json_put(j, s, strlen(s));
}

/* Before a value: the comma, and check a key came first in an object. */
static int
json_value(struct json *j)
{
	if (j->err != 0)
		return -1;
	if (j->depth == 0) {
		if (j->any[0]) {		/* one top-level value */
			j->err = CS_ERR_INTERNAL;
			return -1;
		}
		j->any[0] = 1;
		return 0;
	}
	if (j->obj[j->depth]) {
		if (j->want_key) {
			j->err = CS_ERR_INTERNAL;
			return -1;
		}
		j->want_key = 1;
		return 0;
	}
	if (j->any[j->depth])
		json_puts(j, ",");
	j->any[j->depth] = 1;
	return j->err != 0 ? -1 : 0;
}

void
json_init(struct json *j, FILE *f)
{
	memset(j, 0, sizeof(*j));
	j->f = f;
}

static void
json_open(struct json *j, int obj)
{
	if (json_value(j) != 0)
		return;
	if (j->depth + 1 >= JSON_DEPTH_MAX) {
		j->err = CS_ERR_INTERNAL;
		return;
	}
	j->depth++;
	j->obj[j->depth] = (uint8_t)obj;
	j->any[j->depth] = 0;
	j->want_key = obj;
	json_puts(j, obj ? "{" : "[");
}

static void
json_close(struct json *j, int obj)
{
	if (j->err != 0)
		return;
	if (j->depth == 0 || j->obj[j->depth] != obj ||
	    (obj && !j->want_key)) {
		j->err = CS_ERR_INTERNAL;
		return;
	}
	j->depth--;
	/* the container was a value of its parent: a member is complete */
	j->want_key = j->depth > 0 && j->obj[j->depth];
	json_puts(j, obj ? "}" : "]");
}

void
json_obj_begin(struct json *j)
{
	json_open(j, 1);
}

void
json_obj_end(struct json *j)
{
	json_close(j, 1);
}

void
json_arr_begin(struct json *j)
{
	json_open(j, 0);
}

void
json_arr_end(struct json *j)
{
	json_close(j, 0);
}

/* The quoted, escaped string; invalid UTF-8 becomes U+FFFD. */
static void
json_quote(struct json *j, const char *s, size_t len)
{
	char		esc[8];
	uint32_t	cp;
	size_t		i = 0, n, run = 0;

	json_puts(j, "\"");
	while (i < len) {
		if (utf8_next(s + i, len - i, &cp, &n) != UTF8_OK) {
			json_put(j, s + i - run, run);
			run = 0;
			json_puts(j, "\xef\xbf\xbd");
			i++;	/* one U+FFFD per bad byte */
			continue;
		}
		if (!utf8_is_control(cp) && cp != '"' && cp != '\\') {
			run += n;
			i += n;
			continue;
		}
		json_put(j, s + i - run, run);
		run = 0;
		switch (cp) {
		case '"':
			json_puts(j, "\\\"");
			break;
		case '\\':
			json_puts(j, "\\\\");
			break;
		case '\n':
			json_puts(j, "\\n");
			break;
		case '\r':
			json_puts(j, "\\r");
			break;
		case '\t':
			json_puts(j, "\\t");
			break;
		default:
			(void)snprintf(esc, sizeof(esc), "\\u%04x",
			    (unsigned)cp);
			json_puts(j, esc);
		}
		i += n;
	}
	json_put(j, s + i - run, run);
	json_puts(j, "\"");
}

void
json_key(struct json *j, const char *key)
{
	if (j->err != 0)
		return;
	if (j->depth == 0 || !j->obj[j->depth] || !j->want_key) {
		j->err = CS_ERR_INTERNAL;
		return;
	}
	if (j->any[j->depth])
		json_puts(j, ",");
	j->any[j->depth] = 1;
	json_quote(j, key, strlen(key));
	json_puts(j, ":");
	j->want_key = 0;
}

void
json_strn(struct json *j, const char *s, size_t len)
{
	if (s == NULL) {
		json_null(j);
		return;
	}
	if (json_value(j) == 0)
		json_quote(j, s, len);
}

void
json_str(struct json *j, const char *s)
{
	json_strn(j, s, s != NULL ? strlen(s) : 0);
}

void
json_int(struct json *j, int64_t v)
{
	char	num[24];

	if (json_value(j) != 0)
		return;
	(void)snprintf(num, sizeof(num), "%lld", (long long)v);
	json_puts(j, num);
}

void
json_bool(struct json *j, int v)
{
	if (json_value(j) == 0)
		json_puts(j, v ? "true" : "false");
}

void
json_null(struct json *j)
{
	if (json_value(j) == 0)
		json_puts(j, "null");
}

void
json_fixed(struct json *j, double v, int decimals)
{
	char	num[64];

	if (!isfinite(v) || decimals < 0 || decimals > 9 ||
	    v >= 1e18 || v <= -1e18) {
		json_null(j);
		return;
	}
	if (json_value(j) != 0)
		return;
	(void)snprintf(num, sizeof(num), "%.*f", decimals, v);
	json_puts(j, num);
}

void
json_kv_str(struct json *j, const char *key, const char *s)
{
	json_key(j, key);
	json_str(j, s);
}

void
json_kv_int(struct json *j, const char *key, int64_t v)
{
	json_key(j, key);
	json_int(j, v);
}

void
json_kv_bool(struct json *j, const char *key, int v)
{
	json_key(j, key);
	json_bool(j, v);
}

void
json_kv_bytes(struct json *j, const char *key, const uint8_t *v, size_t len)
{
	json_key(j, key);
	if (len == 0)
		json_str(j, "");
	else if (v == NULL || memchr(v, '\0', len) != NULL ||
	    !utf8_valid((const char *)v, len))
		json_null(j);
	else
		json_strn(j, (const char *)v, len);
}

void
json_kv_time(struct json *j, const char *key, int64_t t)
{
	char	k[128], when[JSON_TIME_LEN];

	if (str_fmt(k, sizeof(k), "%s_epoch", key) != 0) {
		j->err = CS_ERR_INTERNAL;
		return;
	}
	json_key(j, key);
	if (t > 0 && json_time_fmt(when, t) == 0)
		json_str(j, when);
	else
		json_null(j);
	json_key(j, k);
	if (t > 0)
		json_int(j, t);
	else
		json_null(j);
}

int
json_end(struct json *j)
{
	if (j->err == 0 && (j->depth != 0 || !j->any[0]))
		j->err = CS_ERR_INTERNAL;
	json_puts(j, "\n");
	if (fflush(j->f) == EOF && j->err == 0)
		j->err = CS_ERR_SYSTEM;
	return j->err;
}

int
json_time_fmt(char dst[JSON_TIME_LEN], int64_t t)
{
	struct tm	tm;
	time_t		tt = (time_t)t;
	long		off;
	char		day[20];

	dst[0] = '\0';
	if (localtime_r(&tt, &tm) == NULL ||
	    tm.tm_year + 1900 > JSON_YEAR_MAX || tm.tm_year + 1900 < 0 ||
	    strftime(day, sizeof(day), "%Y-%m-%dT%H:%M:%S", &tm) == 0)
		return -1;
	off = tm.tm_gmtoff;
	if (str_fmt(dst, JSON_TIME_LEN, "%s%c%02ld:%02ld", day,
	    off < 0 ? '-' : '+', (off < 0 ? -off : off) / 3600,
	    (off < 0 ? -off : off) % 3600 / 60) != 0) {
		dst[0] = '\0';
		return -1;
	}
	return 0;
}
