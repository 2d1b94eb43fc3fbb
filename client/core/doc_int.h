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
	char		**t;	/* one allocation: the pointers, then the texts */
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

#endif /* DOC_INT_H */
