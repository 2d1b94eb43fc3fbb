/* SPDX-License-Identifier: ISC */
/*
 * doc.h - a report document (issue 20: the inzage, the Raad melding,
 * the request to extend an OTS): a title, lines of facts under it,
 * headed sections with paragraphs, bulleted lists and tables; rendered
 * as one printable HTML page (print CSS, no scripts, nothing fetched)
 * or as a PDF.  The model knows nothing of cases: client/core's report
 * code fills it, the CLI writes the result to a file.
 *
 * All text is UTF-8 and is checked when it is added (CS_ERR_FORMAT for
 * bytes that are not); the renderers escape it.  A newline inside a
 * paragraph (an item, a note, a fact's value, a table cell) is a line
 * break.  Limits (CS_ERR_TOO_LARGE when passed):
 * DOC_TEXT_MAX bytes per text, DOC_COLS_MAX columns, DOC_BLOCKS_MAX
 * blocks per document (a fact, a heading, a paragraph, an item, a note,
 * a table and each of its rows is a block), DOC_BYTES_MAX bytes of text
 * in all.  A call that fails leaves the document as it was.
 *
 * Control characters: "\r\n" and "\r" count as "\n"; a tab shows as
 * a space; where a block has no line breaks (the title, headings, fact
 * labels, table headers, the footer) a newline shows as a space; other
 * control characters show as a replacement mark (U+FFFD in HTML, '?'
 * in the PDF).
 *
 * A NULL document, a NULL text where one is needed or a NULL header
 * array: CS_ERR_INTERNAL (the caller's bug).  A heading level outside
 * 1..3 or a table of 0 columns: CS_ERR_FORMAT.  A fact's value and a
 * table's header or cell may be NULL: empty.
 *
 * A draft (doc_set_draft) is meant to be edited before it is sent: the
 * HTML marks its sections editable in the browser and both renderers
 * print "Concept" on every page.
 */
#ifndef DOC_H
#define DOC_H

#include <stddef.h>

#define DOC_TEXT_MAX	65536
#define DOC_COLS_MAX	8
#define DOC_BLOCKS_MAX	100000
#define DOC_BYTES_MAX	(64 * 1024 * 1024)

struct buf;
struct doc;

/* A new document with its title (shown on top and as the HTML title). */
int	doc_new(const char *title, struct doc **out);
void	doc_free(struct doc *);			/* NULL is a no-op */

/*
 * A fact under the title: "Dossier: Familie Smit", "Datum: 6 december";
 * facts in a row form one list (labels in a column), where they stand:
 * under a heading too.
 */
int	doc_fact(struct doc *, const char *label, const char *value);
/* Mark the document a draft (see above). */
void	doc_set_draft(struct doc *, int on);
/* A line at the foot of every page (e.g. "Vertrouwelijk"); NULL: none. */
int	doc_set_footer(struct doc *, const char *text);

/* A heading, level 1 (section) .. 3. */
int	doc_heading(struct doc *, int level, const char *text);
/* A paragraph. */
int	doc_para(struct doc *, const char *text);
/* An item of a bulleted list; items in a row form one list. */
int	doc_item(struct doc *, const char *text);
/* Small print: a remark, where a value came from. */
int	doc_note(struct doc *, const char *text);
/*
 * A table of "ncols" columns (1 .. DOC_COLS_MAX) with its headers, then
 * its rows, each "ncols" cells (NULL cells are empty).  A row with no
 * table before it: CS_ERR_PROTOCOL; any other block ends the table.
 */
int	doc_table(struct doc *, size_t ncols, const char *const *headers);
int	doc_row(struct doc *, const char *const *cells);

/* The whole document appended to "out" (a buf_new'd buffer). */
int	doc_html(const struct doc *, struct buf *out);
/*
 * A PDF (A4, the standard Helvetica fonts, text a reader can select and
 * pdftotext can extract; characters outside Windows-1252 shown as '?').
 */
int	doc_pdf(const struct doc *, struct buf *out);

#endif /* DOC_H */
