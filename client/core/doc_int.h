/* SPDX-License-Identifier: ISC */
/*
 * doc_int.h - the inside of a report document (doc.h), shared by the
 * model and its two renderers (doc.c: HTML, doc_pdf.c: PDF) and by
 * nothing else.
 *
 * Every text is held as checked UTF-8 with its line ends made "\n"
 * ("\r\n" and a lone "\r" become "\n" on entry); the renderers turn a
 * "\n" into a line break where the block allows one and into a space
 * elsewhere, a tab into a space, and any other control character into
 * a replacement mark.
 */
#ifndef DOC_INT_H
#define DOC_INT_H

#include <stddef.h>
#include <stdint.h>

enum doc_kind {
	DOC_FACT,	/* t[0] label, t[1] value */
	DOC_HEADING,	/* t[0]; level 1..3 */
	DOC_PARA,
	DOC_ITEM,
	DOC_NOTE,
	DOC_TABLE,	/* t[0..n) headers */
	DOC_ROW		/* t[0..n) cells, n of the table above */
};

struct doc_block {
	enum doc_kind	  kind;
	int		  level;
	size_t		  n;	/* texts in t */
	char		**t;	/* one allocation: pointers, then texts */
};

struct doc {
	char			*title;
	char			*footer;	/* NULL: none */
	int			 draft;
	struct doc_block	*b;
	size_t			 nb, cap;
	size_t			 cols;		/* of the open table, 0: none */
	size_t			 bytes;		/* of text held */
};

/*
 * The character at s (len > 0 bytes of checked text) and its length in
 * *n; U+FFFD and 1 for a byte that does not start one (cannot happen
 * in a document's text).
 */
uint32_t	doc_char(const char *s, size_t len, size_t *n);

/*
 * Text for the PDF (doc_text.c).  Sizes are in 1/10 point, widths in
 * 1/100 point.
 */
enum doc_font {
	DOC_REGULAR = 1,	/* /F1 Helvetica */
	DOC_BOLD,		/* /F2 Helvetica-Bold */
	DOC_OBLIQUE		/* /F3 Helvetica-Oblique */
};

/* One line of a wrapped text: bytes [off, off + len) of s. */
struct doc_line {
	size_t	off, len;
};

/* A text in Windows-1252 (n bytes, not NUL-terminated) and its lines. */
struct doc_text {
	unsigned char	*s;
	size_t		 n;
	struct doc_line	*line;
	size_t		 nline;
};

/*
 * A checked UTF-8 text (doc.c's) in Windows-1252: a newline kept where
 * "breaks" allows it (else a space), a tab a space, a soft hyphen
 * dropped, any other control character or a character the code page
 * lacks '?'.  No lines yet.  0 or CS_ERR_ALLOC; *t is cleared first.
 */
int	doc_text_conv(struct doc_text *t, const char *s, int breaks);
/* Free what *t holds; it is empty afterwards. */
void	doc_text_clear(struct doc_text *t);
/* The width of n bytes in font f at size sz, rounded up. */
int64_t	doc_text_width(enum doc_font f, int sz, const unsigned char *s,
	    size_t n);
/*
 * Break t->s into lines no wider than "width": at a newline, else after
 * the last space that fits (spaces at the break dropped), else before
 * the first character that does not fit (a line has one at least).
 * One empty line for an empty text.  0 or CS_ERR_ALLOC.
 */
int	doc_text_wrap(struct doc_text *t, enum doc_font f, int sz,
	    int64_t width);
/*
 * Raise *nat to the width of the widest line of "s" (converted as by
 * doc_text_conv; lines end at newlines only) and *word to that of its
 * widest word.  0 or CS_ERR_ALLOC.
 */
int	doc_text_measure(const char *s, int breaks, enum doc_font f, int sz,
	    int64_t *nat, int64_t *word);
/* doc_text_conv() and doc_text_wrap(); on failure *t is empty. */
int	doc_text_make(struct doc_text *t, const char *s, int breaks,
	    enum doc_font f, int sz, int64_t width);

#endif /* DOC_INT_H */
