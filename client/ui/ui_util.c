/* SPDX-License-Identifier: ISC */
/*
 * ui_util.c - see ui_util.h.
 */
#include <stdio.h>
#include <string.h>

#include "html.h"
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
