/* SPDX-License-Identifier: ISC */
/*
 * doc_render.c - builds a report document (client/core/doc.h) from a
 * script on standard input and writes its HTML and its PDF, for
 * tests/integration/t_doc_pdf.sh:
 *
 *   doc_render HTMLFILE PDFFILE [MAX] <script
 *
 * One command a line; "\n" in a text is a newline, "\\" a backslash;
 * cells and headers are separated by "|", an empty cell is empty:
 *
 *   title TEXT		(first line; required)
 *   draft
 *   footer TEXT
 *   fact LABEL|VALUE
 *   h1 TEXT, h2 TEXT, h3 TEXT
 *   p TEXT
 *   item TEXT
 *   note TEXT
 *   table H1|H2|...
 *   row C1|C2|...
 *
 * MAX is the output buffer's limit (default 64 MiB).  Exits 0, or 1
 * printing the line and cs_err() of the call that failed (or of the
 * renderer), 2 for usage.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "doc.h"
#include "errors.h"
#include "util.h"

#define LINE_MAX_	(256 * 1024)

/* "\n" and "\\" in place. */
static void
unescape(char *s)
{
	char	*o = s;

	for (; *s != '\0'; s++) {
		if (s[0] == '\\' && s[1] == 'n') {
			*o++ = '\n';
			s++;
		} else if (s[0] == '\\' && s[1] == '\\') {
			*o++ = '\\';
			s++;
		} else
			*o++ = *s;
	}
	*o = '\0';
}

/* Split at "|" into at most DOC_COLS_MAX + 1 cells; returns the count. */
static size_t
split(char *s, const char **cell)
{
	size_t	n = 0;
	char	*bar;

	for (;;) {
		if (n == DOC_COLS_MAX + 1)
			return n;
		cell[n++] = s;
		if ((bar = strchr(s, '|')) == NULL)
			return n;
		*bar = '\0';
		s = bar + 1;
	}
}

static int
command(struct doc *d, char *line, size_t *cols)
{
	const char	*cell[DOC_COLS_MAX + 1];
	char		*arg;
	size_t		 n;

	if ((arg = strchr(line, ' ')) != NULL)
		*arg++ = '\0';
	else
		arg = line + strlen(line);
	if (strcmp(line, "draft") == 0) {
		doc_set_draft(d, 1);
		return 0;
	}
	if (strcmp(line, "table") == 0 || strcmp(line, "row") == 0 ||
	    strcmp(line, "fact") == 0) {
		n = split(arg, cell);
		for (size_t i = 0; i < n; i++)
			unescape((char *)(uintptr_t)cell[i]);
		if (line[0] == 'f')
			return doc_fact(d, cell[0], n > 1 ? cell[1] : NULL);
		if (line[0] == 't') {
			*cols = n;
			return doc_table(d, n, cell);
		}
		while (n < *cols && n < DOC_COLS_MAX)
			cell[n++] = NULL;
		return doc_row(d, cell);
	}
	unescape(arg);
	if (strcmp(line, "footer") == 0)
		return doc_set_footer(d, arg);
	if (strcmp(line, "h1") == 0 || strcmp(line, "h2") == 0 ||
	    strcmp(line, "h3") == 0)
		return doc_heading(d, line[1] - '0', arg);
	if (strcmp(line, "p") == 0)
		return doc_para(d, arg);
	if (strcmp(line, "item") == 0)
		return doc_item(d, arg);
	if (strcmp(line, "note") == 0)
		return doc_note(d, arg);
	return CS_ERR_USAGE;
}

static int
save(const char *path, const struct buf *b)
{
	FILE	*f;
	int	 ok;

	if ((f = fopen(path, "wb")) == NULL)
		return CS_ERR_SYSTEM;
	ok = fwrite(buf_ptr(b), 1, buf_len(b), f) == buf_len(b);
	if (fclose(f) != 0)
		ok = 0;
	return ok ? 0 : CS_ERR_SYSTEM;
}

int
main(int argc, char *argv[])
{
	struct doc	*d = NULL;
	struct buf	*b;
	char		*line;
	uint64_t	 v;
	size_t		 max = 64 * 1024 * 1024, cols = 0, len, lineno = 0;
	int		 r;

	if (argc < 3 || argc > 4) {
		fprintf(stderr, "usage: doc_render HTMLFILE PDFFILE [MAX]\n");
		return 2;
	}
	if (argc == 4) {
		if (parse_u64(argv[3], 1, SIZE_MAX, &v) != 0)
			return 2;
		max = (size_t)v;
	}
	if ((line = malloc(LINE_MAX_)) == NULL)
		return 1;
	while (fgets(line, LINE_MAX_, stdin) != NULL) {
		lineno++;
		len = strlen(line);
		if (len > 0 && line[len - 1] == '\n')
			line[--len] = '\0';
		if (d == NULL) {
			if (strncmp(line, "title ", 6) != 0) {
				fprintf(stderr, "line 1: title first\n");
				return 2;
			}
			unescape(line + 6);
			r = doc_new(line + 6, &d);
		} else
			r = command(d, line, &cols);
		if (r != 0) {
			fprintf(stderr, "line %zu: %s\n", lineno, cs_err(r));
			return 1;
		}
	}
	free(line);
	if (d == NULL)
		return 2;
	if ((b = buf_new(max)) == NULL)
		return 1;
	if ((r = doc_html(d, b)) != 0 || (r = save(argv[1], b)) != 0) {
		fprintf(stderr, "html: %s\n", cs_err(r));
		return 1;
	}
	buf_reset(b);
	if ((r = doc_pdf(d, b)) != 0 || (r = save(argv[2], b)) != 0) {
		fprintf(stderr, "pdf: %s\n", cs_err(r));
		return 1;
	}
	buf_free(b);
	doc_free(d);
	return 0;
}
