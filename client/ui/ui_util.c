/* SPDX-License-Identifier: ISC */
/*
 * ui_util.c - see ui_util.h.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "html.h"
#include "lifecycle.h"
#include "ui_util.h"
#include "util.h"

void
ui_value(struct html *h, const uint8_t *p, size_t len, size_t max)
{
	const char	*s = (const char *)p;
	size_t		 n = len, i, from = 0;

	if (max > 0 && n > max)
		n = utf8_cut(s, len, max);
	for (i = 0; i < n; i++)
		if ((p[i] < 0x20 && p[i] != '\n' && p[i] != '\t') ||
		    p[i] == 0x7f)
			break;
	if (i < n || !utf8_valid(s, n)) {
		html_raw(h, "(onleesbare waarde)");
		return;
	}
	for (i = 0; i < n; i++) {
		if (p[i] != '\n')
			continue;
		html_textn(h, s + from, i - from);
		html_raw(h, "<br>");
		from = i + 1;
	}
	html_textn(h, s + from, n - from);
	if (n < len)
		html_raw(h, "\xe2\x80\xa6");
}

void
ui_urlarg(struct html *h, const char *v)
{
	static const char	hex[] = "0123456789ABCDEF";
	char			out[3 * 64 + 1];
	size_t			o = 0;
	unsigned char		c;

	for (; v != NULL && *v != '\0'; v++) {
		c = (unsigned char)*v;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    (c >= '0' && c <= '9') || c == '-' || c == '_' ||
		    c == '.' || c == '~')
			out[o++] = (char)c;
		else {
			out[o++] = '%';
			out[o++] = hex[c >> 4];
			out[o++] = hex[c & 15];
		}
		if (o + 3 >= sizeof(out)) {
			html_textn(h, out, o);
			o = 0;
		}
	}
	html_textn(h, out, o);
}

/* Base letters of U+00C0..U+017F ('\0': keep the character). */
static const char fold_latin[] =
    /* C0 */ "aaaaaaaceeeeiiii" /* D0 */ "dnooooo\0ouuuuy\0s"
    /* E0 */ "aaaaaaaceeeeiiii" /* F0 */ "dnooooo\0ouuuuy\0y"
    /* 100 */ "aaaaaaccccccccdd" /* 110 */ "ddeeeeeeeeeegggg"
    /* 120 */ "gggghhhhiiiiiiii" /* 130 */ "ii\0\0jjkkklllllll"
    /* 140 */ "lllnnnnnnnnnoooo" /* 150 */ "oo\0\0rrrrrrssssss"
    /* 160 */ "ssttttttuuuuuuuu" /* 170 */ "uuuuwwyyyzzzzzzs";
_Static_assert(sizeof(fold_latin) == 0x17f - 0xc0 + 2, "fold_latin");

void
ui_fold(const char *s, size_t len, char *dst, size_t dstlen)
{
	size_t		i = 0, o = 0, step;
	uint32_t	cp;
	char		c;

	if (dstlen == 0)
		return;
	while (i < len && o + 4 < dstlen) {
		if (utf8_next(s + i, len - i, &cp, &step) != UTF8_OK) {
			i++;
			continue;
		}
		if (cp < 0x80)
			dst[o++] = (char)(cp >= 'A' && cp <= 'Z' ?
			    cp - 'A' + 'a' : cp);
		else if (cp >= 0xc0 && cp <= 0x17f &&
		    (c = fold_latin[cp - 0xc0]) != '\0')
			dst[o++] = c;
		else {
			memcpy(dst + o, s + i, step);
			o += step;
		}
		i += step;
	}
	dst[o] = '\0';
}

int64_t
ui_today(void)
{
	struct tm	tm;
	time_t		now = time(NULL);
	int64_t		days;

	if (localtime_r(&now, &tm) == NULL || lc_date_make(tm.tm_year + 1900,
	    tm.tm_mon + 1, tm.tm_mday, &days) != 0)
		return lc_date_from_time((int64_t)now);
	return days;
}

void
ui_date_in(const char *t, char *dst, size_t dstlen)
{
	unsigned	d, m, y;
	int		n = 0;

	if (sscanf(t, "%2u-%2u-%4u%n", &d, &m, &y, &n) == 3 &&
	    t[n] == '\0' && n >= 8 && y >= 1000 &&
	    snprintf(dst, dstlen, "%04u-%02u-%02u", y, m, d) == 10)
		return;
	(void)snprintf(dst, dstlen, "%s", t);
}
