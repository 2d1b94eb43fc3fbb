/* SPDX-License-Identifier: ISC */
/*
 * doc.c - the report document (doc.h): the blocks in their order, and
 * the HTML page made of them.  The PDF is doc_pdf.c's.
 *
 * The model copies every text on entry, after checking its length
 * (before anything is allocated) and its UTF-8; a block is one
 * allocation, its text pointers followed by the texts.
 *
 * The HTML is one self-contained HTML5 page: an inline stylesheet with
 * print rules (A4 margins, headings kept with what follows, table rows
 * kept whole, the header row repeated, a footer and "Pagina N van M"
 * in the page margins), no scripts, no links, nothing fetched.  Every
 * text goes through doc_html_text() (element content) or
 * doc_css_string() (the footer in the stylesheet), which escape all
 * that could end an element, an attribute or a string.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "doc.h"
#include "doc_int.h"
#include "errors.h"
#include "util.h"
#include "validate.h"

/* ---- the model ---- */

/*
 * The length of "s" (NULL: 0) into *len: CS_ERR_TOO_LARGE past
 * DOC_TEXT_MAX, without reading further; CS_ERR_FORMAT unless UTF-8.
 */
static int
doc_check(const char *s, size_t *len)
{
	size_t	n;

	*len = 0;
	if (s == NULL)
		return 0;
	if ((n = strnlen(s, DOC_TEXT_MAX + 1)) > DOC_TEXT_MAX)
		return CS_ERR_TOO_LARGE;
	if (validate_utf8(s, n, NULL) != 0)
		return CS_ERR_FORMAT;
	*len = n;
	return 0;
}

/*
 * "n" checked bytes of "s" to "dst" (room for n + 1) with "\r\n" and
 * "\r" made "\n", NUL-terminated; returns the bytes written before the
 * NUL (at most n).
 */
static size_t
doc_copy(char *dst, const char *s, size_t n)
{
	size_t	i, o = 0;

	for (i = 0; i < n; i++) {
		if (s[i] == '\r') {
			dst[o++] = '\n';
			if (i + 1 < n && s[i + 1] == '\n')
				i++;
		} else
			dst[o++] = s[i];
	}
	dst[o] = '\0';
	return o;
}

/* A new text (NULL: none) in *out; CS_ERR_INTERNAL for NULL. */
static int
doc_strdup(const char *s, char **out)
{
	size_t	len;
	int	r;

	*out = NULL;
	if (s == NULL)
		return CS_ERR_INTERNAL;
	if ((r = doc_check(s, &len)) != 0)
		return r;
	if ((*out = malloc(len + 1)) == NULL)
		return CS_ERR_ALLOC;
	doc_copy(*out, s, len);
	return 0;
}

static int
doc_add(struct doc *d, enum doc_kind kind, int level, size_t n,
    const char *const *t)
{
	struct doc_block	*b;
	size_t			 len[DOC_COLS_MAX], total = 0, i, cap;
	char			**p, *s;
	int			 r;

	if (n == 0 || n > DOC_COLS_MAX)
		return CS_ERR_INTERNAL;
	if (d->nb >= DOC_BLOCKS_MAX)
		return CS_ERR_TOO_LARGE;
	for (i = 0; i < n; i++) {
		if ((r = doc_check(t[i], &len[i])) != 0)
			return r;
		total += len[i] + 1;	/* at most 8 * (DOC_TEXT_MAX + 1) */
	}
	if (DOC_BYTES_MAX - d->bytes < total)
		return CS_ERR_TOO_LARGE;
	if (d->nb == d->cap) {
		cap = d->cap == 0 ? 64 : d->cap * 2;
		if (cap > DOC_BLOCKS_MAX)
			cap = DOC_BLOCKS_MAX;
		if ((b = reallocarray(d->b, cap, sizeof(*b))) == NULL)
			return CS_ERR_ALLOC;
		d->b = b;
		d->cap = cap;
	}
	if ((p = malloc(n * sizeof(*p) + total)) == NULL)
		return CS_ERR_ALLOC;
	s = (char *)(p + n);
	for (i = 0; i < n; i++) {
		p[i] = s;
		s += doc_copy(s, t[i] != NULL ? t[i] : "", len[i]) + 1;
	}
	b = &d->b[d->nb++];
	b->kind = kind;
	b->level = level;
	b->n = n;
	b->t = p;
	d->bytes += total;
	if (kind == DOC_TABLE)
		d->cols = n;
	else if (kind != DOC_ROW)
		d->cols = 0;
	return 0;
}

int
doc_new(const char *title, struct doc **out)
{
	struct doc	*d;
	int		 r;

	*out = NULL;
	if ((d = calloc(1, sizeof(*d))) == NULL)
		return CS_ERR_ALLOC;
	if ((r = doc_strdup(title, &d->title)) != 0) {
		free(d);
		return r;
	}
	*out = d;
	return 0;
}

void
doc_free(struct doc *d)
{
	size_t	i;

	if (d == NULL)
		return;
	for (i = 0; i < d->nb; i++)
		free(d->b[i].t);
	free(d->b);
	free(d->title);
	free(d->footer);
	free(d);
}

int
doc_fact(struct doc *d, const char *label, const char *value)
{
	const char	*t[2] = { label, value };

	if (d == NULL || label == NULL)
		return CS_ERR_INTERNAL;
	return doc_add(d, DOC_FACT, 0, 2, t);
}

void
doc_set_draft(struct doc *d, int on)
{
	if (d != NULL)
		d->draft = on != 0;
}

int
doc_set_footer(struct doc *d, const char *text)
{
	char	*s = NULL;
	int	 r;

	if (d == NULL)
		return CS_ERR_INTERNAL;
	if (text != NULL && (r = doc_strdup(text, &s)) != 0)
		return r;
	free(d->footer);
	d->footer = s;
	return 0;
}

/* A block of one text: a heading, a paragraph, an item, a note. */
static int
doc_add_text(struct doc *d, enum doc_kind kind, int level, const char *text)
{
	if (d == NULL || text == NULL)
		return CS_ERR_INTERNAL;
	return doc_add(d, kind, level, 1, &text);
}

int
doc_heading(struct doc *d, int level, const char *text)
{
	if (d != NULL && text != NULL && (level < 1 || level > 3))
		return CS_ERR_FORMAT;
	return doc_add_text(d, DOC_HEADING, level, text);
}

int
doc_para(struct doc *d, const char *text)
{
	return doc_add_text(d, DOC_PARA, 0, text);
}

int
doc_item(struct doc *d, const char *text)
{
	return doc_add_text(d, DOC_ITEM, 0, text);
}

int
doc_note(struct doc *d, const char *text)
{
	return doc_add_text(d, DOC_NOTE, 0, text);
}

int
doc_table(struct doc *d, size_t ncols, const char *const *headers)
{
	if (d == NULL || headers == NULL)
		return CS_ERR_INTERNAL;
	if (ncols == 0)
		return CS_ERR_FORMAT;
	if (ncols > DOC_COLS_MAX)
		return CS_ERR_TOO_LARGE;
	return doc_add(d, DOC_TABLE, 0, ncols, headers);
}

int
doc_row(struct doc *d, const char *const *cells)
{
	if (d == NULL || cells == NULL)
		return CS_ERR_INTERNAL;
	if (d->cols == 0)
		return CS_ERR_PROTOCOL;
	return doc_add(d, DOC_ROW, 0, d->cols, cells);
}

/* ---- HTML ---- */

/* The writer: the first failure is kept and later writes are skipped. */
struct doc_hw {
	struct buf	*b;
	int		 r;
};

static void
doc_put(struct doc_hw *w, const char *p, size_t n)
{
	if (w->r == 0 && n > 0)
		w->r = buf_put(w->b, p, n);
}

static void
doc_raw(struct doc_hw *w, const char *markup)
{
	doc_put(w, markup, strlen(markup));
}

#define DOC_FFFD	"\xef\xbf\xbd"	/* U+FFFD, the replacement mark */

/*
 * Text as element content (safe in a quoted attribute too): the five
 * markup characters as references, a newline as <br> where "breaks"
 * allows one (else a space), a tab as a space, any other control
 * character (C0, DEL, C1) as U+FFFD.
 */
static void
doc_html_text(struct doc_hw *w, const char *s, int breaks)
{
	const unsigned char	*u = (const unsigned char *)s;
	const char		*rep;
	size_t			 i, run = 0, skip;

	for (i = 0; u[i] != '\0'; i += skip) {
		skip = 1;
		switch (u[i]) {
		case '&':	rep = "&amp;"; break;
		case '<':	rep = "&lt;"; break;
		case '>':	rep = "&gt;"; break;
		case '"':	rep = "&quot;"; break;
		case '\'':	rep = "&#39;"; break;
		case '\n':	rep = breaks ? "<br>\n" : " "; break;
		case '\t':	rep = " "; break;
		default:
			if (u[i] < 0x20 || u[i] == 0x7f)
				rep = DOC_FFFD;
			else if (u[i] == 0xc2 && u[i + 1] >= 0x80 &&
			    u[i + 1] <= 0x9f) {
				rep = DOC_FFFD;		/* C1 control */
				skip = 2;
			} else
				rep = NULL;
			break;
		}
		if (rep == NULL) {
			run += skip;
			continue;
		}
		doc_put(w, s + i - run, run);
		run = 0;
		doc_raw(w, rep);
	}
	doc_put(w, s + i - run, run);
}

/*
 * Text as a CSS string in double quotes: ASCII letters, digits, space
 * and harmless punctuation as they are, every other character as a
 * hexadecimal escape ("\e9 "), so no quote, backslash, "<" or newline
 * reaches the stylesheet.  Controls as in doc_html_text (no breaks).
 */
static void
doc_css_string(struct doc_hw *w, const char *s)
{
	char		 esc[16];
	uint32_t	 cp;
	size_t		 i, n, len = strlen(s);

	doc_raw(w, "\"");
	for (i = 0; i < len; i += n) {
		cp = doc_char(s + i, len - i, &n);
		if (cp == '\n' || cp == '\t')
			cp = ' ';
		else if (utf8_is_control(cp))
			cp = 0xfffd;
		if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') ||
		    (cp >= '0' && cp <= '9') || (cp > 0 && cp < 0x80 &&
		    strchr(" .,:;-_/()!?+=#%*", (int)cp) != NULL)) {
			esc[0] = (char)cp;
			doc_put(w, esc, 1);
		} else if (str_fmt(esc, sizeof(esc), "\\%x ", cp) == 0)
			doc_raw(w, esc);
	}
	doc_raw(w, "\"");
}

static const char doc_css[] =
    ":root{color:#000;background:#fff}\n"
    "body{font-family:Helvetica,Arial,\"Liberation Sans\",sans-serif;"
    "font-size:11pt;line-height:1.4;max-width:48em;margin:2em auto;"
    "padding:0 1em}\n"
    "h1{font-size:18pt;margin:0 0 .5em}\n"
    "h2{font-size:14pt;margin:1.4em 0 .4em;border-bottom:1px solid #777}\n"
    "h3{font-size:12pt;margin:1.1em 0 .3em}\n"
    "h4{font-size:11pt;margin:.9em 0 .2em}\n"
    "h1,h2,h3,h4{break-after:avoid;page-break-after:avoid;"
    "break-inside:avoid;page-break-inside:avoid}\n"
    "p{margin:0 0 .6em;orphans:3;widows:3}\n"
    "p.note{font-size:9pt;font-style:italic;color:#444}\n"
    "dl.facts{display:grid;grid-template-columns:max-content 1fr;"
    "gap:.1em 1em;margin:0 0 1em}\n"
    "dl.facts dt{font-weight:bold}\n"
    "dl.facts dd{margin:0}\n"
    "ul{margin:0 0 .6em;padding-left:1.4em}\n"
    "table{border-collapse:collapse;width:100%;margin:.4em 0 1em;"
    "font-size:10pt}\n"
    "th,td{border:1px solid #777;padding:.2em .4em;text-align:left;"
    "vertical-align:top}\n"
    "th{background:#e6e6e6}\n"
    "thead{display:table-header-group}\n"
    "tr,li,dt,dd{break-inside:avoid;page-break-inside:avoid}\n"
    ".concept{display:inline-block;border:2px solid #a00;color:#a00;"
    "font-weight:bold;padding:0 .5em;margin:0 0 .5em}\n"
    "[contenteditable]{outline:1px dashed #999;outline-offset:2px}\n"
    "footer{margin-top:2em;border-top:1px solid #777;font-size:9pt;"
    "color:#444}\n"
    "@media print{\n"
    "body{margin:0;padding:0;max-width:none;font-size:10pt}\n"
    "[contenteditable]{outline:none}\n"
    "footer{display:none}\n"
    "}\n";

/* The text in the page margins. */
#define DOC_CSS_MARGIN	"font-family:Helvetica,Arial,\"Liberation Sans\"," \
			"sans-serif;font-size:8pt;color:#444;"

/* The @page rule: A4, margins, and what the margins show. */
static void
doc_html_page(struct doc_hw *w, const struct doc *d)
{
	doc_raw(w, "@page{size:A4;margin:20mm 18mm 22mm 18mm;\n");
	if (d->footer != NULL) {
		doc_raw(w, "@bottom-left{" DOC_CSS_MARGIN "content:");
		doc_css_string(w, d->footer);
		doc_raw(w, "}\n");
	}
	doc_raw(w, "@bottom-right{" DOC_CSS_MARGIN "content:\"Pagina \" "
	    "counter(page) \" van \" counter(pages)}\n");
	if (d->draft)
		doc_raw(w, "@top-right{" DOC_CSS_MARGIN "font-size:10pt;"
		    "font-weight:bold;color:#a00;content:\"Concept\"}\n");
	doc_raw(w, "}\n");
}

/* What encloses the blocks, closed before a block of another kind. */
enum doc_open {
	DOC_OPEN_NONE,
	DOC_OPEN_DL,
	DOC_OPEN_UL,
	DOC_OPEN_TABLE
};

static void
doc_html_close(struct doc_hw *w, enum doc_open *open)
{
	switch (*open) {
	case DOC_OPEN_DL:	doc_raw(w, "</dl>\n"); break;
	case DOC_OPEN_UL:	doc_raw(w, "</ul>\n"); break;
	case DOC_OPEN_TABLE:	doc_raw(w, "</tbody>\n</table>\n"); break;
	case DOC_OPEN_NONE:	break;
	}
	*open = DOC_OPEN_NONE;
}

static void
doc_html_cells(struct doc_hw *w, const struct doc_block *b, int head)
{
	size_t	i;

	doc_raw(w, "<tr>");
	for (i = 0; i < b->n; i++) {
		doc_raw(w, head ? "<th scope=\"col\">" : "<td>");
		doc_html_text(w, b->t[i], !head);
		doc_raw(w, head ? "</th>" : "</td>");
	}
	doc_raw(w, "</tr>\n");
}

static void
doc_html_block(struct doc_hw *w, const struct doc_block *b,
    enum doc_open *open)
{
	static const char *const	hopen[] = { "<h2>", "<h3>", "<h4>" };
	static const char *const	hclose[] = { "</h2>\n", "</h3>\n",
					    "</h4>\n" };
	enum doc_open			want;

	want = b->kind == DOC_FACT ? DOC_OPEN_DL : b->kind == DOC_ITEM ?
	    DOC_OPEN_UL : b->kind == DOC_ROW ? DOC_OPEN_TABLE : DOC_OPEN_NONE;
	if (*open != want)
		doc_html_close(w, open);
	switch (b->kind) {
	case DOC_FACT:
		if (*open != DOC_OPEN_DL)
			doc_raw(w, "<dl class=\"facts\">\n");
		*open = DOC_OPEN_DL;
		doc_raw(w, "<dt>");
		doc_html_text(w, b->t[0], 0);
		doc_raw(w, "</dt><dd>");
		doc_html_text(w, b->t[1], 1);
		doc_raw(w, "</dd>\n");
		break;
	case DOC_HEADING:
		doc_raw(w, hopen[b->level - 1]);
		doc_html_text(w, b->t[0], 0);
		doc_raw(w, hclose[b->level - 1]);
		break;
	case DOC_PARA:
	case DOC_NOTE:
		doc_raw(w, b->kind == DOC_NOTE ? "<p class=\"note\">" : "<p>");
		doc_html_text(w, b->t[0], 1);
		doc_raw(w, "</p>\n");
		break;
	case DOC_ITEM:
		if (*open != DOC_OPEN_UL)
			doc_raw(w, "<ul>\n");
		*open = DOC_OPEN_UL;
		doc_raw(w, "<li>");
		doc_html_text(w, b->t[0], 1);
		doc_raw(w, "</li>\n");
		break;
	case DOC_TABLE:
		doc_raw(w, "<table>\n<thead>\n");
		doc_html_cells(w, b, 1);
		doc_raw(w, "</thead>\n<tbody>\n");
		*open = DOC_OPEN_TABLE;
		break;
	case DOC_ROW:
		doc_html_cells(w, b, 0);
		break;
	}
}

int
doc_html(const struct doc *d, struct buf *out)
{
	struct doc_hw	 w;
	enum doc_open	 open = DOC_OPEN_NONE;
	const char	*section;
	size_t		 i, start;
	int		 in_section = 0;

	if (d == NULL || out == NULL)
		return CS_ERR_INTERNAL;
	w.b = out;
	w.r = 0;
	start = buf_len(out);
	section = d->draft ? "<section contenteditable=\"true\">\n" :
	    "<section>\n";

	doc_raw(&w, "<!DOCTYPE html>\n<html lang=\"nl\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n"
	    "<meta name=\"viewport\" content=\"width=device-width, "
	    "initial-scale=1\">\n<title>");
	doc_html_text(&w, d->title, 0);
	doc_raw(&w, "</title>\n<style>\n");
	doc_raw(&w, doc_css);
	doc_html_page(&w, d);
	doc_raw(&w, "</style>\n</head>\n<body>\n<header>\n");
	if (d->draft)
		doc_raw(&w, "<p class=\"concept\">Concept</p>\n");
	doc_raw(&w, "<h1>");
	doc_html_text(&w, d->title, 0);
	doc_raw(&w, "</h1>\n</header>\n<main>\n");
	for (i = 0; i < d->nb; i++) {
		if (d->b[i].kind == DOC_HEADING && d->b[i].level == 1 &&
		    in_section) {
			doc_html_close(&w, &open);
			doc_raw(&w, "</section>\n");
			in_section = 0;
		}
		if (!in_section) {
			doc_raw(&w, section);
			in_section = 1;
		}
		doc_html_block(&w, &d->b[i], &open);
	}
	doc_html_close(&w, &open);
	if (in_section)
		doc_raw(&w, "</section>\n");
	doc_raw(&w, "</main>\n");
	if (d->footer != NULL) {
		doc_raw(&w, "<footer><p>");
		doc_html_text(&w, d->footer, 0);
		doc_raw(&w, "</p></footer>\n");
	}
	doc_raw(&w, "</body>\n</html>\n");
	if (w.r != 0)
		buf_truncate(out, start);
	return w.r;
}
