/* SPDX-License-Identifier: ISC */
/*
 * doc_text.c - text for the PDF (doc_pdf.c): UTF-8 to Windows-1252,
 * the width of a text in Helvetica by the fonts' AFM metrics
 * (doc_afm.h), and lines broken to a width.  See doc_int.h.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "doc_afm.h"
#include "doc_int.h"
#include "errors.h"
#include "util.h"

/* Windows-1252 0x80..0x9F: the Unicode character of each, 0: none. */
static const uint16_t doc_text_cp1252[32] = {
	0x20ac, 0, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021,
	0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017d, 0,
	0, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014,
	0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0, 0x017e, 0x0178
};

uint32_t
doc_char(const char *s, size_t len, size_t *n)
{
	uint32_t	cp;

	if (utf8_next(s, len, &cp, n) != UTF8_OK) {
		*n = 1;		/* checked on entry: cannot happen */
		cp = 0xfffd;
	}
	return cp;
}

static unsigned char
doc_text_byte(uint32_t cp)
{
	size_t	i;

	if ((cp >= 0x20 && cp < 0x7f) || (cp >= 0xa0 && cp <= 0xff))
		return (unsigned char)cp;
	for (i = 0; i < 32; i++)
		if (doc_text_cp1252[i] != 0 && doc_text_cp1252[i] == cp)
			return (unsigned char)(0x80 + i);
	return '?';
}

/*
 * Checked UTF-8 to Windows-1252 in t->s (never longer): a newline
 * kept where "breaks" allows it (else a space), a tab a space, a soft
 * hyphen dropped, any other control character or one outside the code
 * page '?'.
 */
int
doc_text_conv(struct doc_text *t, const char *s, int breaks)
{
	uint32_t	cp;
	size_t		i, n, len = strlen(s);

	memset(t, 0, sizeof(*t));
	if ((t->s = malloc(len + 1)) == NULL)
		return CS_ERR_ALLOC;
	for (i = 0; i < len; i += n) {
		if ((cp = doc_char(s + i, len - i, &n)) == 0xad)
			continue;
		if (cp == '\n' && breaks)
			t->s[t->n++] = '\n';
		else if (cp == '\n' || cp == '\t')
			t->s[t->n++] = ' ';
		else
			t->s[t->n++] = doc_text_byte(cp);
	}
	return 0;
}

void
doc_text_clear(struct doc_text *t)
{
	free(t->s);
	free(t->line);
	memset(t, 0, sizeof(*t));
}

static const uint16_t *
doc_text_widths(enum doc_font f)
{
	return f == DOC_BOLD ? doc_afm_helvetica_bold : doc_afm_helvetica;
}

/*
 * The width of n bytes at size "sz" (1/10 pt), in 1/100 pt, rounded up
 * (so that text measured fits a line of that width).
 */
int64_t
doc_text_width(enum doc_font f, int sz, const unsigned char *s, size_t n)
{
	const uint16_t	*w = doc_text_widths(f);
	int64_t		 units = 0;
	size_t		 i;

	for (i = 0; i < n; i++)
		units += w[s[i]];
	return (units * sz + 99) / 100;
}

static int
doc_text_line_add(struct doc_text *t, size_t *cap, size_t off, size_t len)
{
	struct doc_line	*l;
	size_t		 c;

	if (t->nline == *cap) {
		c = *cap == 0 ? 8 : *cap * 2;
		if ((l = reallocarray(t->line, c, sizeof(*l))) == NULL)
			return CS_ERR_ALLOC;
		t->line = l;
		*cap = c;
	}
	while (len > 0 && t->s[off + len - 1] == ' ')
		len--;
	t->line[t->nline].off = off;
	t->line[t->nline++].len = len;
	return 0;
}

/*
 * Break t->s into lines no wider than "width" (1/100 pt): at a newline,
 * else after the last space that fits, else before the first character
 * that does not fit (one at least a line).  At least one line, empty
 * for an empty text.
 */
int
doc_text_wrap(struct doc_text *t, enum doc_font f, int sz, int64_t width)
{
	const uint16_t	*w = doc_text_widths(f);
	int64_t		 lim = width * 100, units;
	size_t		 pos = 0, i, sp, cap = 0;
	int		 r;

	free(t->line);
	t->line = NULL;
	t->nline = 0;
	do {
		units = 0;
		sp = SIZE_MAX;
		for (i = pos; i < t->n; i++) {
			if (t->s[i] == '\n')
				break;
			/* a space need not fit: the line may end before it */
			if (t->s[i] == ' ')
				sp = i;
			else if (i > pos && (units + w[t->s[i]]) * sz > lim)
				break;
			units += w[t->s[i]];
		}
		if (i == t->n || t->s[i] == '\n') {
			if ((r = doc_text_line_add(t, &cap, pos, i - pos)) != 0)
				return r;
			pos = i + (i < t->n);
		} else {
			if (sp != SIZE_MAX && sp > pos)
				i = sp;
			if ((r = doc_text_line_add(t, &cap, pos, i - pos)) != 0)
				return r;
			for (pos = i; pos < t->n && t->s[pos] == ' '; pos++)
				;
		}
	} while (pos < t->n);
	return 0;
}

/* Convert and wrap in one. */
int
doc_text_make(struct doc_text *t, const char *s, int breaks,
    enum doc_font f, int sz, int64_t width)
{
	int	r;

	if ((r = doc_text_conv(t, s, breaks)) != 0 ||
	    (r = doc_text_wrap(t, f, sz, width)) != 0)
		doc_text_clear(t);
	return r;
}

int
doc_text_measure(const char *s, int breaks, enum doc_font f, int sz,
    int64_t *nat, int64_t *word)
{
	struct doc_text	t;
	size_t		i, a = 0;
	int64_t		w;
	int		r;

	if ((r = doc_text_conv(&t, s, breaks)) != 0)
		return r;
	for (i = 0; i <= t.n; i++) {
		if (i < t.n && t.s[i] != ' ' && t.s[i] != '\n')
			continue;
		w = doc_text_width(f, sz, t.s + a, i - a);
		if (w > *word)
			*word = w;
		a = i + 1;
	}
	for (i = 0, a = 0; i <= t.n; i++) {
		if (i < t.n && t.s[i] != '\n')
			continue;
		w = doc_text_width(f, sz, t.s + a, i - a);
		if (w > *nat)
			*nat = w;
		a = i + 1;
	}
	doc_text_clear(&t);
	return 0;
}
