/* SPDX-License-Identifier: ISC */
/*
 * html.h - building an HTML page in memory for casesync ui.  Text from
 * the dossier is always escaped (html_text); only string literals of
 * the program go through html_raw.  A failed allocation is remembered
 * and reported once by html_failed(): page code does not check each
 * call.
 */
#ifndef HTML_H
#define HTML_H

#include <stddef.h>
#include <stdint.h>

struct buf;

struct html {
	struct buf	*b;
	int		 failed;
};

/* A page of at most "max" bytes.  0, or CS_ERR_ALLOC. */
int	html_init(struct html *, size_t max);
void	html_free(struct html *);
/* The page so far (not NUL-terminated) and its length. */
const char *html_ptr(const struct html *, size_t *len);
/* Nonzero if any call since html_init() ran out of room. */
int	html_failed(const struct html *);

/* Markup written by the program (a string literal), as is. */
void	html_raw(struct html *, const char *markup);
/* Text, escaped for element content and quoted attribute values. */
void	html_text(struct html *, const char *text);
void	html_textn(struct html *, const char *text, size_t len);
/* A decimal number. */
void	html_int(struct html *, int64_t v);
/*
 * A date "YYYY-MM-DD" shown as dd-mm-jjjj; anything else is shown
 * escaped as it is.
 */
void	html_ymd(struct html *, const char *ymd);
/* A time (seconds since 1970) as dd-mm-jjjj HH:MM, Europe/Amsterdam. */
void	html_time(struct html *, int64_t t);

#endif /* HTML_H */
