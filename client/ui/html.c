/* SPDX-License-Identifier: ISC */
/*
 * html.c - see html.h.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "buf.h"
#include "errors.h"
#include "html.h"

int
html_init(struct html *h, size_t max)
{
	h->failed = 0;
	if ((h->b = buf_new(max)) == NULL)
		return CS_ERR_ALLOC;
	return 0;
}

void
html_free(struct html *h)
{
	buf_free(h->b);
	h->b = NULL;
}

const char *
html_ptr(const struct html *h, size_t *len)
{
	*len = buf_len(h->b);
	return (const char *)buf_ptr(h->b);
}

int
html_failed(const struct html *h)
{
	return h->failed;
}

static void
put(struct html *h, const char *s, size_t len)
{
	if (!h->failed && buf_put(h->b, s, len) != 0)
		h->failed = 1;
}

void
html_raw(struct html *h, const char *markup)
{
	put(h, markup, strlen(markup));
}

void
html_textn(struct html *h, const char *s, size_t len)
{
	size_t	i, from = 0;
	const char *rep;

	for (i = 0; i < len; i++) {
		switch (s[i]) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '"':
			rep = "&quot;";
			break;
		case '\'':
			rep = "&#39;";
			break;
		default:
			continue;
		}
		put(h, s + from, i - from);
		put(h, rep, strlen(rep));
		from = i + 1;
	}
	put(h, s + from, len - from);
}

void
html_text(struct html *h, const char *s)
{
	if (s != NULL)
		html_textn(h, s, strlen(s));
}

void
html_int(struct html *h, int64_t v)
{
	char	n[24];
	int	len;

	len = snprintf(n, sizeof(n), "%lld", (long long)v);
	if (len > 0 && (size_t)len < sizeof(n))
		put(h, n, (size_t)len);
}

void
html_ymd(struct html *h, const char *ymd)
{
	char	out[11];
	size_t	i;

	if (ymd == NULL)
		return;
	for (i = 0; i < 10; i++)
		if (ymd[i] == '\0' || ((i == 4 || i == 7) ?
		    ymd[i] != '-' : (ymd[i] < '0' || ymd[i] > '9')))
			break;
	if (i != 10 || ymd[10] != '\0') {
		html_text(h, ymd);
		return;
	}
	memcpy(out, ymd + 8, 2);
	out[2] = '-';
	memcpy(out + 3, ymd + 5, 2);
	out[5] = '-';
	memcpy(out + 6, ymd, 4);
	put(h, out, 10);
}

void
html_time(struct html *h, int64_t t)
{
	char		out[32];
	struct tm	tm;
	time_t		tt = (time_t)t;
	size_t		len;

	if (localtime_r(&tt, &tm) == NULL ||
	    (len = strftime(out, sizeof(out), "%d-%m-%Y %H:%M", &tm)) == 0) {
		html_int(h, t);
		return;
	}
	put(h, out, len);
}
