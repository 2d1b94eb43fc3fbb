/* SPDX-License-Identifier: ISC */
/*
 * fuzz_doc.c - libFuzzer target for the report document (client/core/
 * doc.c, doc_pdf.c, doc_text.c): the input is a list of commands that
 * build a document from hostile text, then both renderers run.
 *
 * The input is split at 0x00 bytes; each piece's first byte chooses a
 * call (a fact, a heading of a level, a paragraph, an item, a note, a
 * table of 1..DOC_COLS_MAX columns, a row, the footer, the draft mark)
 * and the rest is its text (a table's and a row's cells split at
 * 0x01).  Checked besides "no crash":
 *   - every call returns 0 or the error doc.h documents for it;
 *   - the HTML is valid UTF-8, holds no "<script", no "<" inside its
 *     stylesheet and exactly one "</html>" at its end;
 *   - the PDF starts with "%PDF-1.4", ends with "%%EOF", startxref
 *     points at the cross-reference table and every offset in it at
 *     its "N 0 obj";
 *   - an output buffer of a few bytes is refused with
 *     CS_ERR_TOO_LARGE and left as it was.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "doc.h"
#include "errors.h"
#include "log.h"
#include "util.h"

#define OUT_MAX	(8 * 1024 * 1024)

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_init(1, "fuzz_doc");
	return 0;
}

static void
check(int r, int a, int b, int c)
{
	if (r != 0 && r != a && r != b && r != c)
		abort();
}

/* Split "s" at 0x01 into up to DOC_COLS_MAX cells (NULL for the rest). */
static void
cells(char *s, const char **cell)
{
	size_t	n = 0;
	char	*p;

	memset(cell, 0, DOC_COLS_MAX * sizeof(*cell));
	while (n < DOC_COLS_MAX) {
		cell[n++] = s;
		if ((p = strchr(s, '\x01')) == NULL)
			break;
		*p = '\0';
		s = p + 1;
	}
}

static void
command(struct doc *d, uint8_t op, char *text)
{
	const char	*cell[DOC_COLS_MAX];

	switch (op % 10) {
	case 0:
		check(doc_para(d, text), CS_ERR_FORMAT, CS_ERR_TOO_LARGE, 0);
		break;
	case 1:
		check(doc_item(d, text), CS_ERR_FORMAT, CS_ERR_TOO_LARGE, 0);
		break;
	case 2:
		check(doc_note(d, text), CS_ERR_FORMAT, CS_ERR_TOO_LARGE, 0);
		break;
	case 3:
		check(doc_heading(d, (op >> 4) % 5, text), CS_ERR_FORMAT,
		    CS_ERR_TOO_LARGE, 0);
		break;
	case 4:
		cells(text, cell);
		check(doc_fact(d, cell[0], cell[1]), CS_ERR_FORMAT,
		    CS_ERR_TOO_LARGE, CS_ERR_INTERNAL);
		break;
	case 5:
		cells(text, cell);
		check(doc_table(d, (op >> 4) % (DOC_COLS_MAX + 1), cell),
		    CS_ERR_FORMAT, CS_ERR_TOO_LARGE, 0);
		break;
	case 6:
		cells(text, cell);
		check(doc_row(d, cell), CS_ERR_FORMAT, CS_ERR_TOO_LARGE,
		    CS_ERR_PROTOCOL);
		break;
	case 7:
		check(doc_set_footer(d, op & 0x80 ? NULL : text),
		    CS_ERR_FORMAT, CS_ERR_TOO_LARGE, 0);
		break;
	case 8:
		doc_set_draft(d, op & 0x10);
		break;
	default:	/* a row repeated: tables over pages */
		cells(text, cell);
		for (size_t i = 0; i < (size_t)(op >> 4) * 8; i++)
			check(doc_row(d, cell), CS_ERR_FORMAT,
			    CS_ERR_TOO_LARGE, CS_ERR_PROTOCOL);
		break;
	}
}

static void
check_html(const struct buf *b)
{
	const char	*s = (const char *)buf_ptr(b), *st, *en, *p;
	size_t		 n = buf_len(b);

	if (!utf8_valid(s, n) || memmem(s, n, "<script", 7) != NULL)
		abort();
	if ((st = memmem(s, n, "<style>", 7)) == NULL ||
	    (en = memmem(s, n, "</style>", 8)) == NULL || en < st)
		abort();
	for (p = st + 7; p < en; p++)
		if (*p == '<')
			abort();
	if ((p = memmem(s, n, "</html>", 7)) == NULL || p + 8 != s + n)
		abort();
}

static void
check_pdf(const struct buf *b)
{
	const char	*s = (const char *)buf_ptr(b), *x, *q;
	char		 want[32];
	size_t		 n = buf_len(b), xref, nobj, i, off;

	if (n < 64 || memcmp(s, "%PDF-1.4\n", 9) != 0 ||
	    memcmp(s + n - 6, "%%EOF\n", 6) != 0)
		abort();
	/* the tail is ours: digits and newlines after "startxref" */
	if ((x = memmem(s + n - 64, 64, "startxref\n", 10)) == NULL)
		abort();
	xref = strtoul(x + 10, NULL, 10);
	if (xref >= n || memcmp(s + xref, "xref\n0 ", 7) != 0)
		abort();
	nobj = strtoul(s + xref + 7, NULL, 10);
	if ((q = memchr(s + xref, '\n', n - xref)) == NULL ||
	    (q = memchr(q + 1, '\n', (size_t)(s + n - q - 1))) == NULL)
		abort();
	q += 1 + 20;		/* past object 0, the free one */
	for (i = 1; i < nobj; i++, q += 20) {
		if (q + 20 > s + n)
			abort();
		off = strtoul(q, NULL, 10);
		snprintf(want, sizeof(want), "%zu 0 obj\n", i);
		if (off >= xref || memcmp(s + off, want, strlen(want)) != 0)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct doc	*d;
	struct buf	*b;
	char		*in, *piece, *end;
	int		 r;

	if ((in = malloc(size + 1)) == NULL)
		return 0;
	memcpy(in, data, size);
	in[size] = '\0';
	end = in + size;
	r = doc_new(in, &d);
	check(r, CS_ERR_FORMAT, CS_ERR_TOO_LARGE, 0);
	if (r != 0) {
		if (d != NULL)
			abort();
		/* a title that fails: the rest as a clean title's text */
		if (doc_new("titel", &d) != 0)
			abort();
	}
	for (piece = in + strlen(in) + 1; piece < end;
	    piece += strlen(piece) + 1)
		if (*piece != '\0')
			command(d, (uint8_t)piece[0], piece + 1);

	if ((b = buf_new(OUT_MAX)) == NULL)
		abort();
	if ((r = doc_html(d, b)) == 0)
		check_html(b);
	else if (r != CS_ERR_TOO_LARGE)
		abort();
	buf_reset(b);
	if ((r = doc_pdf(d, b)) == 0)
		check_pdf(b);
	else if (r != CS_ERR_TOO_LARGE)
		abort();
	buf_free(b);

	if ((b = buf_new(16)) == NULL || buf_put(b, "x", 1) != 0)
		abort();
	if (doc_html(d, b) != CS_ERR_TOO_LARGE ||
	    doc_pdf(d, b) != CS_ERR_TOO_LARGE || buf_len(b) != 1)
		abort();
	buf_free(b);
	doc_free(d);
	free(in);
	return 0;
}
