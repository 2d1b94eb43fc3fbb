/* SPDX-License-Identifier: ISC */
/*
 * doc_pdf.c - a report document (doc.h) as PDF 1.4, written here from
 * the PDF reference, no library: A4 pages, the standard fonts
 * Helvetica, Helvetica-Bold and Helvetica-Oblique (not embedded; every
 * reader has them) in WinAnsiEncoding, uncompressed content streams,
 * a classic cross-reference table, /Info with the title only.
 *
 * Text is converted from UTF-8 to Windows-1252 (what it lacks becomes
 * '?') and broken into lines by the fonts' real widths (doc_afm.h,
 * from the AFM metrics): at spaces, inside a word only when the word
 * is wider than the line.  The pages are laid out first, each content
 * stream in a buf of its own, so that the footer can say "Pagina N van
 * M"; then the objects are written with their offsets.  A heading keeps
 * room for some of what follows it; a table row moves to the next page
 * whole, unless it is taller than a page, and a table continued on a
 * new page repeats its header row.
 *
 * Lengths are integers in 1/100 point and font sizes in 1/10 point, and
 * numbers are printed by hand: no floating point, no locale.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "doc.h"
#include "doc_int.h"
#include "errors.h"
#include "util.h"

#define PDF_PAGE_W	59528			/* A4, 210 x 297 mm */
#define PDF_PAGE_H	84189
#define PDF_LEFT	5669			/* 20 mm */
#define PDF_WIDTH	(PDF_PAGE_W - 2 * PDF_LEFT)
#define PDF_TOP		(PDF_PAGE_H - 5669)
#define PDF_BOTTOM	6803			/* 24 mm: the footer below */
#define PDF_FOOT_LINE	5500
#define PDF_FOOT_Y	4300
#define PDF_CONCEPT_Y	(PDF_PAGE_H - 3400)

#define PDF_CELL_PAD	400			/* left and right in a cell */
#define PDF_CELL_VPAD	250			/* above and below */
#define PDF_CELL_SIZE	90
#define PDF_CELL_LEAD	1150
#define PDF_COL_BASE	(2 * PDF_CELL_PAD + 600)	/* narrowest column */

struct pdf {
	struct buf	**page;		/* content streams */
	size_t		  npage, cap;
	struct buf	 *cur;		/* the page being laid out */
	size_t		  room;		/* bytes all streams may still take */
	int64_t		  y;		/* top of what comes next */
	int		  fresh;	/* nothing on this page yet */
	int		  grey;		/* text in grey (notes) */
	int		  r;		/* the first failure */
};

struct pdf_table {
	const struct doc_block	*head;
	size_t			 ncols;
	int64_t			 w[DOC_COLS_MAX];
	int64_t			 head_h;	/* the header row's height */
	int			 only_head;	/* page holds just that row */
};

/* ---- the content streams ---- */

static void
pdf_put(struct pdf *p, const void *s, size_t n)
{
	if (p->r != 0)
		return;
	if (n > p->room) {
		p->r = CS_ERR_TOO_LARGE;
		return;
	}
	if ((p->r = buf_put(p->cur, s, n)) == 0)
		p->room -= n;
}

static void
pdf_raw(struct pdf *p, const char *s)
{
	pdf_put(p, s, strlen(s));
}

/* A length (1/100 pt) as points, then a space: "60.7 ". */
static void
pdf_num(struct pdf *p, int64_t v)
{
	char	s[32];
	int64_t	a = v < 0 ? -v : v;

	if (a % 100 == 0)
		(void)str_fmt(s, sizeof(s), "%s%lld ", v < 0 ? "-" : "",
		    (long long)(a / 100));
	else
		(void)str_fmt(s, sizeof(s), "%s%lld.%02lld ", v < 0 ? "-" : "",
		    (long long)(a / 100), (long long)(a % 100));
	pdf_raw(p, s);
}

/* A string in parentheses with ( ) \ escaped. */
static void
pdf_string(struct pdf *p, const unsigned char *s, size_t n)
{
	size_t	i, run = 0;

	pdf_raw(p, "(");
	for (i = 0; i < n; i++) {
		if (s[i] != '(' && s[i] != ')' && s[i] != '\\') {
			run++;
			continue;
		}
		pdf_put(p, s + i - run, run);
		run = 0;
		pdf_raw(p, "\\");
		pdf_put(p, s + i, 1);
	}
	pdf_put(p, s + i - run, run);
	pdf_raw(p, ")");
}

/* One line of text with its baseline at (x, y). */
static void
pdf_show(struct pdf *p, enum doc_font f, int sz, int64_t x, int64_t y,
    const unsigned char *s, size_t n)
{
	static const char *const	fonts[] = { "", "/F1 ", "/F2 ",
					    "/F3 " };

	if (n == 0)
		return;
	pdf_raw(p, p->grey ? "BT 0.3 g " : "BT ");
	pdf_raw(p, fonts[f]);
	pdf_num(p, (int64_t)sz * 10);
	pdf_raw(p, "Tf ");
	pdf_num(p, x);
	pdf_num(p, y);
	pdf_raw(p, "Td ");
	pdf_string(p, s, n);
	pdf_raw(p, p->grey ? " Tj 0 g ET\n" : " Tj ET\n");
}

static void
pdf_newpage(struct pdf *p)
{
	struct buf	**pg;
	size_t		  cap;

	if (p->r != 0)
		return;
	if (p->npage == p->cap) {
		cap = p->cap == 0 ? 8 : p->cap * 2;
		if ((pg = reallocarray(p->page, cap, sizeof(*pg))) == NULL) {
			p->r = CS_ERR_ALLOC;
			return;
		}
		p->page = pg;
		p->cap = cap;
	}
	if ((p->cur = buf_new(p->room)) == NULL) {
		p->r = CS_ERR_ALLOC;
		return;
	}
	p->page[p->npage++] = p->cur;
	p->y = PDF_TOP;
	p->fresh = 1;
}

/* Room for "h" below y, or a new page (unless this one is empty). */
static void
pdf_need(struct pdf *p, int64_t h)
{
	if (!p->fresh && p->y - h < PDF_BOTTOM)
		pdf_newpage(p);
}

/* Space before a block, not at the top of a page. */
static void
pdf_gap(struct pdf *p, int64_t h)
{
	if (!p->fresh)
		p->y -= h;
}

/*
 * Lines of a wrapped text at x, "lead" apart, each on this page if it
 * fits, else on the next; but not one line alone at the foot of a page
 * or at the head of the next (when the text has more).
 */
static void
pdf_lines(struct pdf *p, const struct doc_text *t, enum doc_font f,
    int sz, int lead, int64_t x, int bullet)
{
	size_t	i, fit, brk = SIZE_MAX;

	if (!p->fresh && p->y >= PDF_BOTTOM) {
		fit = (size_t)((p->y - PDF_BOTTOM) / lead);
		if (fit < t->nline && t->nline >= 2) {
			if (fit < 2)
				brk = 0;		/* an orphan */
			else if (t->nline - fit == 1)	/* a widow */
				brk = fit >= 3 ? fit - 1 : 0;
		}
	}
	for (i = 0; i < t->nline && p->r == 0; i++) {
		if (i == brk)
			pdf_newpage(p);
		pdf_need(p, lead);
		if (i == 0 && bullet)
			pdf_show(p, DOC_REGULAR, sz, PDF_LEFT + 500,
			    p->y - (int64_t)sz * 8,
			    (const unsigned char *)"\x95", 1);
		pdf_show(p, f, sz, x, p->y - (int64_t)sz * 8,
		    t->s + t->line[i].off, t->line[i].len);
		p->y -= lead;
		p->fresh = 0;
	}
}

/*
 * A text as a block, wrapped to "width" from "x"; with "keep", moved to
 * a new page unless that much room is left below it too; with a
 * bullet at the left margin (an item).
 */
static void
pdf_block_text(struct pdf *p, const char *s, enum doc_font f, int sz,
    int lead, int64_t x, int64_t width, int64_t keep, int bullet)
{
	struct doc_text	t;
	int		r;

	if (p->r != 0)
		return;
	if ((r = doc_text_make(&t, s, f != DOC_BOLD, f, sz, width)) != 0) {
		p->r = r;
		return;
	}
	/* a heading: room for itself and the start of what follows */
	if (keep > 0)
		pdf_need(p, (int64_t)t.nline * lead + keep);
	pdf_lines(p, &t, f, sz, lead, x, bullet);
	doc_text_clear(&t);
}

/* ---- blocks ---- */

/* Facts i .. (the run of them): labels in bold in a column, values. */
static size_t
pdf_facts(struct pdf *p, const struct doc *d, size_t i)
{
	struct doc_text	 lt, vt;
	int64_t		 lw = 0, w, y0;
	size_t		 j, end, k;
	int		 r = 0;

	for (end = i; end < d->nb && d->b[end].kind == DOC_FACT; end++) {
		if ((r = doc_text_conv(&lt, d->b[end].t[0], 0)) != 0)
			break;
		w = doc_text_width(DOC_BOLD, 100, lt.s, lt.n) + 1000;
		if (w > lw)
			lw = w;
		doc_text_clear(&lt);
	}
	if (lw > PDF_WIDTH / 3)
		lw = PDF_WIDTH / 3;
	for (j = i; r == 0 && j < end && p->r == 0; j++) {
		if ((r = doc_text_make(&lt, d->b[j].t[0], 0, DOC_BOLD, 100,
		    lw - 1000)) != 0)
			break;
		if ((r = doc_text_make(&vt, d->b[j].t[1], 1, DOC_REGULAR, 100,
		    PDF_WIDTH - lw)) != 0) {
			doc_text_clear(&lt);
			break;
		}
		for (k = 0; k < lt.nline || k < vt.nline; k++) {
			pdf_need(p, 1400);
			y0 = p->y - 800;
			if (k < lt.nline)
				pdf_show(p, DOC_BOLD, 100, PDF_LEFT, y0,
				    lt.s + lt.line[k].off, lt.line[k].len);
			if (k < vt.nline)
				pdf_show(p, DOC_REGULAR, 100, PDF_LEFT + lw,
				    y0, vt.s + vt.line[k].off,
				    vt.line[k].len);
			p->y -= 1400;
			p->fresh = 0;
		}
		doc_text_clear(&lt);
		doc_text_clear(&vt);
	}
	if (r != 0 && p->r == 0)
		p->r = r;
	pdf_gap(p, 600);
	return end;
}

/* Four numbers between a prefix and a suffix: a rectangle's operands. */
static void
pdf_rect(struct pdf *p, const char *pre, int64_t x, int64_t y, int64_t w,
    int64_t h, const char *post)
{
	pdf_raw(p, pre);
	pdf_num(p, x);
	pdf_num(p, y);
	pdf_num(p, w);
	pdf_num(p, h);
	pdf_raw(p, post);
}

/*
 * k lines from off[] of each cell of a row at y: the header row's
 * shade, the text, the borders; y moves below it.
 */
static void
pdf_row_draw(struct pdf *p, const struct pdf_table *tb,
    const struct doc_text *c, const size_t *off, size_t k, int head)
{
	enum doc_font	f = head ? DOC_BOLD : DOC_REGULAR;
	int64_t		x = PDF_LEFT, h = (int64_t)k * PDF_CELL_LEAD +
			    2 * PDF_CELL_VPAD;
	size_t		i, j;

	for (i = 0; i < tb->ncols; x += tb->w[i], i++) {
		if (head)
			pdf_rect(p, "0.9 g ", x, p->y - h, tb->w[i], h,
			    "re f 0 g\n");
		for (j = 0; j < k && off[i] + j < c[i].nline; j++)
			pdf_show(p, f, PDF_CELL_SIZE, x + PDF_CELL_PAD,
			    p->y - PDF_CELL_VPAD - PDF_CELL_SIZE * 8 -
			    (int64_t)j * PDF_CELL_LEAD,
			    c[i].s + c[i].line[off[i] + j].off,
			    c[i].line[off[i] + j].len);
		pdf_rect(p, "0.4 G 0.5 w ", x, p->y - h, tb->w[i], h,
		    "re S 0 G\n");
	}
	p->y -= h;
	p->fresh = 0;
}

static void	pdf_row(struct pdf *, struct pdf_table *,
		    const struct doc_block *, int);

/* The header row again on a new page, unless it is too tall for it. */
static void
pdf_table_cont(struct pdf *p, struct pdf_table *tb)
{
	pdf_newpage(p);
	if (tb->head_h <= (PDF_TOP - PDF_BOTTOM) / 4) {
		pdf_row(p, tb, tb->head, 1);
		tb->only_head = 1;
	}
}

/* The cells of a row wrapped to their columns, in c[] (cleared first). */
static int
pdf_row_wrap(const struct pdf_table *tb, const struct doc_block *b,
    int head, struct doc_text *c)
{
	size_t	i;
	int	r = 0;

	memset(c, 0, DOC_COLS_MAX * sizeof(*c));
	for (i = 0; i < tb->ncols && r == 0; i++)
		r = doc_text_make(&c[i], b->t[i], !head, head ? DOC_BOLD :
		    DOC_REGULAR, PDF_CELL_SIZE, tb->w[i] - 2 * PDF_CELL_PAD);
	return r;
}

static void
pdf_row_clear(struct doc_text *c)
{
	size_t	i;

	for (i = 0; i < DOC_COLS_MAX; i++)
		doc_text_clear(&c[i]);
}

/* The height of a row's lines from off[] on. */
static int64_t
pdf_row_height(const struct pdf_table *tb, const struct doc_text *c,
    const size_t *off)
{
	size_t	i, rem = 0;

	for (i = 0; i < tb->ncols; i++)
		if (c[i].nline - off[i] > rem)
			rem = c[i].nline - off[i];
	return (int64_t)rem * PDF_CELL_LEAD + 2 * PDF_CELL_VPAD;
}

/*
 * A row: whole on this page if it fits, else whole on the next; split
 * over pages only when it does not fit on a page of its own.
 */
static void
pdf_row(struct pdf *p, struct pdf_table *tb, const struct doc_block *b,
    int head)
{
	struct doc_text	c[DOC_COLS_MAX];
	size_t		off[DOC_COLS_MAX], i, k;
	int64_t		h;
	int		r;

	memset(off, 0, sizeof(off));
	r = pdf_row_wrap(tb, b, head, c);
	while (r == 0 && p->r == 0) {
		h = pdf_row_height(tb, c, off);
		if (p->y - h >= PDF_BOTTOM) {
			pdf_row_draw(p, tb, c, off, (size_t)((h - 2 *
			    PDF_CELL_VPAD) / PDF_CELL_LEAD), head);
			break;
		}
		if (!p->fresh && !tb->only_head) {
			if (head)
				pdf_newpage(p);
			else
				pdf_table_cont(p, tb);
			continue;
		}
		/* taller than what a page has: as much as fits here */
		k = (size_t)((p->y - PDF_BOTTOM - 2 * PDF_CELL_VPAD) /
		    PDF_CELL_LEAD);
		if (k < 1)
			k = 1;
		pdf_row_draw(p, tb, c, off, k, head);
		for (i = 0; i < tb->ncols; i++)
			off[i] = off[i] + k < c[i].nline ? off[i] + k :
			    c[i].nline;
		if (head)
			pdf_newpage(p);
		else
			pdf_table_cont(p, tb);
	}
	if (!head)
		tb->only_head = 0;
	pdf_row_clear(c);
	if (r != 0 && p->r == 0)
		p->r = r;
}

/*
 * Column widths for the table at block i and its rows (ending at
 * *end): each column its widest line if all fit, the rest of the page
 * width shared in proportion.  Else a column that wants no more than
 * an equal share gets what it wants, and the others get their widest
 * word (shrunk in proportion if even those do not fit) and the rest
 * shared by how much more each would want.  Every column has at least
 * PDF_COL_BASE.
 */
static int
pdf_table_widths(const struct doc *d, size_t i, struct pdf_table *tb,
    size_t *end)
{
	int64_t	nat[DOC_COLS_MAX], fl[DOC_COLS_MAX], word, sn = 0, sf = 0,
		so = 0, avail, rest, v;
	int	fixed[DOC_COLS_MAX];
	size_t	c, j, nc = d->b[i].n;
	int	r;

	tb->ncols = nc;
	avail = PDF_WIDTH - (int64_t)nc * PDF_COL_BASE;
	for (c = 0; c < nc; c++) {
		nat[c] = word = 0;
		for (j = i; j < d->nb && (j == i || d->b[j].kind == DOC_ROW);
		    j++)
			if ((r = doc_text_measure(d->b[j].t[c], j != i,
			    j == i ? DOC_BOLD : DOC_REGULAR, PDF_CELL_SIZE,
			    &nat[c], &word)) != 0)
				return r;
		*end = j;
		v = nat[c] + 2 * PDF_CELL_PAD - PDF_COL_BASE;
		nat[c] = v < 0 ? 0 : v > avail ? avail : v;
		v = word + 2 * PDF_CELL_PAD - PDF_COL_BASE;
		fl[c] = v < 0 ? 0 : v > nat[c] ? nat[c] : v;
		sn += nat[c];
	}
	rest = avail;
	for (c = 0; c < nc; c++) {
		fixed[c] = sn <= avail || nat[c] <= avail / (int64_t)nc;
		if (sn <= avail)
			tb->w[c] = sn == 0 ? avail / (int64_t)nc :
			    nat[c] + (avail - sn) * nat[c] / sn;
		else if (fixed[c]) {
			tb->w[c] = nat[c];
			rest -= nat[c];
		} else
			sf += fl[c];
	}
	for (c = 0; c < nc; c++) {
		if (fixed[c])
			continue;
		if (sf > rest)
			fl[c] = fl[c] * rest / sf;
		tb->w[c] = fl[c];
		so += nat[c] - fl[c];
	}
	for (sf = 0, c = 0; c < nc; c++)
		if (!fixed[c])
			sf += fl[c];
	for (c = 0; c < nc; c++) {
		if (!fixed[c] && so > 0)
			tb->w[c] += (rest - sf) * (nat[c] - fl[c]) / so;
		tb->w[c] += PDF_COL_BASE;
	}
	return 0;
}

/* The table at block i and its rows; returns the block after them. */
static size_t
pdf_table(struct pdf *p, const struct doc *d, size_t i)
{
	static const size_t	zero[DOC_COLS_MAX];
	struct pdf_table	tb;
	struct doc_text		c[DOC_COLS_MAX];
	int64_t			first = 0;
	size_t			j, end = i + 1;
	int			r;

	memset(&tb, 0, sizeof(tb));
	tb.head = &d->b[i];
	if ((r = pdf_table_widths(d, i, &tb, &end)) != 0 ||
	    (r = pdf_row_wrap(&tb, tb.head, 1, c)) != 0) {
		p->r = r;
		return end;
	}
	tb.head_h = pdf_row_height(&tb, c, zero);
	pdf_row_clear(c);
	if (end > i + 1) {
		if ((r = pdf_row_wrap(&tb, &d->b[i + 1], 0, c)) != 0) {
			p->r = r;
			return end;
		}
		first = pdf_row_height(&tb, c, zero);
		pdf_row_clear(c);
	}
	/* the header with the first row (or half a page of it) */
	if (first > (PDF_TOP - PDF_BOTTOM) / 2)
		first = (PDF_TOP - PDF_BOTTOM) / 2;
	pdf_gap(p, 300);
	pdf_need(p, tb.head_h + first);
	tb.only_head = p->fresh;
	pdf_row(p, &tb, tb.head, 1);
	for (j = i + 1; j < end && p->r == 0; j++)
		pdf_row(p, &tb, &d->b[j], 0);
	pdf_gap(p, 900);
	return end;
}

static const struct {
	int	sz, lead, before;
} pdf_heading[3] = {
	{ 130, 1700, 1200 },
	{ 115, 1500, 900 },
	{ 105, 1350, 700 }
};

static void
pdf_body(struct pdf *p, const struct doc *d)
{
	const struct doc_block	*b;
	size_t			 i = 0;
	int			 lv;

	pdf_block_text(p, d->title, DOC_BOLD, 160, 2000, PDF_LEFT,
	    PDF_WIDTH, 0, 0);
	pdf_gap(p, 800);
	while (i < d->nb && p->r == 0) {
		b = &d->b[i];
		switch (b->kind) {
		case DOC_FACT:
			i = pdf_facts(p, d, i);
			continue;
		case DOC_TABLE:
			i = pdf_table(p, d, i);
			continue;
		case DOC_HEADING:
			lv = b->level - 1;
			pdf_gap(p, pdf_heading[lv].before);
			pdf_block_text(p, b->t[0], DOC_BOLD, pdf_heading[lv].sz,
			    pdf_heading[lv].lead, PDF_LEFT, PDF_WIDTH, 4000, 0);
			pdf_gap(p, 300);
			break;
		case DOC_PARA:
			pdf_block_text(p, b->t[0], DOC_REGULAR, 100, 1350,
			    PDF_LEFT, PDF_WIDTH, 0, 0);
			pdf_gap(p, 500);
			break;
		case DOC_ITEM:
			pdf_block_text(p, b->t[0], DOC_REGULAR, 100, 1350,
			    PDF_LEFT + 1600, PDF_WIDTH - 1600, 0, 1);
			pdf_gap(p, i + 1 < d->nb &&
			    d->b[i + 1].kind == DOC_ITEM ? 200 : 600);
			break;
		case DOC_NOTE:
			p->grey = 1;
			pdf_block_text(p, b->t[0], DOC_OBLIQUE, 85, 1100,
			    PDF_LEFT, PDF_WIDTH, 0, 0);
			p->grey = 0;
			pdf_gap(p, 500);
			break;
		case DOC_ROW:		/* the table took its rows */
			break;
		}
		i++;
	}
}

/* ---- the file ---- */

static void
pdf_int(struct pdf *p, size_t v, const char *after)
{
	char	s[32];

	(void)str_fmt(s, sizeof(s), "%zu", v);
	pdf_raw(p, s);
	pdf_raw(p, after);
}

/* The foot of page n of m: a line, the footer, "Pagina n van m". */
static void
pdf_foot(struct pdf *p, const struct doc *d, size_t n, size_t m)
{
	static const unsigned char	concept[] = "Concept";
	char				num[64];
	struct doc_text			t;
	int64_t				nw;
	int				r;

	(void)str_fmt(num, sizeof(num), "Pagina %zu van %zu", n, m);
	nw = doc_text_width(DOC_REGULAR, 80, (unsigned char *)num, strlen(num));
	pdf_raw(p, "0.6 G 0.5 w ");
	pdf_num(p, PDF_LEFT);
	pdf_num(p, PDF_FOOT_LINE);
	pdf_raw(p, "m ");
	pdf_num(p, PDF_LEFT + PDF_WIDTH);
	pdf_num(p, PDF_FOOT_LINE);
	pdf_raw(p, "l S 0 G\n");
	if (d->footer != NULL) {
		/* its first line beside the page number */
		if ((r = doc_text_make(&t, d->footer, 0, DOC_REGULAR, 80,
		    PDF_WIDTH - nw - 2000)) != 0) {
			if (p->r == 0)
				p->r = r;
			return;
		}
		pdf_show(p, DOC_REGULAR, 80, PDF_LEFT, PDF_FOOT_Y,
		    t.s + t.line[0].off, t.line[0].len);
		doc_text_clear(&t);
	}
	pdf_show(p, DOC_REGULAR, 80, PDF_LEFT + PDF_WIDTH - nw, PDF_FOOT_Y,
	    (unsigned char *)num, strlen(num));
	if (d->draft) {
		pdf_raw(p, "0.6 0 0 rg\n");
		pdf_show(p, DOC_BOLD, 110, PDF_LEFT + PDF_WIDTH -
		    doc_text_width(DOC_BOLD, 110, concept, 7), PDF_CONCEPT_Y,
		    concept, 7);
		pdf_raw(p, "0 g\n");
	}
}

/* The title as a PDF text string: UTF-16BE with its mark, in hex. */
static void
pdf_title(struct pdf *p, const char *s)
{
	char		h[16];
	uint32_t	cp;
	size_t		i, n, len = strlen(s);

	pdf_raw(p, "<FEFF");
	for (i = 0; i < len; i += n) {
		if (utf8_is_control(cp = doc_char(s + i, len - i, &n)))
			cp = ' ';
		if (cp > 0xffff)
			(void)str_fmt(h, sizeof(h), "%04X%04X",
			    (unsigned)(0xd800 + ((cp - 0x10000) >> 10)),
			    (unsigned)(0xdc00 + ((cp - 0x10000) & 0x3ff)));
		else
			(void)str_fmt(h, sizeof(h), "%04X", (unsigned)cp);
		pdf_raw(p, h);
	}
	pdf_raw(p, ">");
}

/* Object "num" starts here; its offset from the file's start noted. */
static void
pdf_obj(struct pdf *p, size_t *off, size_t num, size_t start)
{
	off[num] = buf_len(p->cur) - start;
	pdf_int(p, num, " 0 obj\n");
}

/*
 * The objects: 1 the catalog, 2 the page tree, 3..5 the fonts, 6 the
 * /Info, then each page and its content stream; the cross-reference
 * table and the trailer.  p->cur is "out" here.
 */
static void
pdf_file(struct pdf *p, const struct doc *d, struct buf **page,
    size_t npage, size_t *off, size_t start)
{
	static const char *const	font[] = { "Helvetica",
	    "Helvetica-Bold", "Helvetica-Oblique" };
	size_t				i, nobj = 7 + 2 * npage, xref;

	pdf_raw(p, "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n");
	pdf_obj(p, off, 1, start);
	pdf_raw(p, "<< /Type /Catalog /Pages 2 0 R >>\nendobj\n");
	pdf_obj(p, off, 2, start);
	pdf_raw(p, "<< /Type /Pages /Count ");
	pdf_int(p, npage, " /Kids [");
	for (i = 0; i < npage; i++)
		pdf_int(p, 7 + 2 * i, i + 1 < npage ? " 0 R " : " 0 R");
	pdf_raw(p, "] >>\nendobj\n");
	for (i = 0; i < 3; i++) {
		pdf_obj(p, off, 3 + i, start);
		pdf_raw(p, "<< /Type /Font /Subtype /Type1 /BaseFont /");
		pdf_raw(p, font[i]);
		pdf_raw(p, " /Encoding /WinAnsiEncoding >>\nendobj\n");
	}
	pdf_obj(p, off, 6, start);
	pdf_raw(p, "<< /Title ");
	pdf_title(p, d->title);
	pdf_raw(p, " >>\nendobj\n");
	for (i = 0; i < npage; i++) {
		pdf_obj(p, off, 7 + 2 * i, start);
		pdf_raw(p, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.28 "
		    "841.89]\n/Resources << /Font << /F1 3 0 R /F2 4 0 R "
		    "/F3 5 0 R >> /ProcSet [/PDF /Text] >>\n/Contents ");
		pdf_int(p, 8 + 2 * i, " 0 R >>\nendobj\n");
		pdf_obj(p, off, 8 + 2 * i, start);
		pdf_raw(p, "<< /Length ");
		pdf_int(p, buf_len(page[i]), " >>\nstream\n");
		pdf_put(p, buf_ptr(page[i]), buf_len(page[i]));
		pdf_raw(p, "\nendstream\nendobj\n");
	}
	xref = buf_len(p->cur) - start;
	pdf_raw(p, "xref\n0 ");
	pdf_int(p, nobj, "\n0000000000 65535 f \n");
	for (i = 1; i < nobj; i++) {
		char	e[32];

		(void)str_fmt(e, sizeof(e), "%010zu 00000 n \n", off[i]);
		pdf_raw(p, e);
	}
	pdf_raw(p, "trailer\n<< /Size ");
	pdf_int(p, nobj, " /Root 1 0 R /Info 6 0 R >>\nstartxref\n");
	pdf_int(p, xref, "\n%%EOF\n");
}

int
doc_pdf(const struct doc *d, struct buf *out)
{
	struct pdf	 p;
	size_t		*off = NULL, start, i;
	int		 r;

	if (d == NULL || out == NULL)
		return CS_ERR_INTERNAL;
	memset(&p, 0, sizeof(p));
	start = buf_len(out);
	p.room = buf_max(out) > start ? buf_max(out) - start : 0;
	pdf_newpage(&p);
	pdf_body(&p, d);
	for (i = 0; i < p.npage && p.r == 0; i++) {
		p.cur = p.page[i];
		pdf_foot(&p, d, i + 1, p.npage);
	}
	if ((r = p.r) != 0)
		goto out;
	if ((off = calloc(7 + 2 * p.npage, sizeof(*off))) == NULL) {
		r = CS_ERR_ALLOC;
		goto out;
	}
	/* the same writer, now on "out", whose own limit is the limit */
	p.cur = out;
	p.room = SIZE_MAX;
	pdf_file(&p, d, p.page, p.npage, off, start);
	r = p.r;
out:
	for (i = 0; i < p.npage; i++)
		buf_free(p.page[i]);
	free(p.page);
	free(off);
	if (r != 0)
		buf_truncate(out, start);
	return r;
}
