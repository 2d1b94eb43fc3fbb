/* SPDX-License-Identifier: ISC */
/*
 * test_doc_pdf.c - the PDF of a report document (client/core/
 * doc_pdf.c, doc_text.c):
 *   - the file's structure: header, every cross-reference offset at its
 *     "N 0 obj", startxref at "xref", /Size, /Count, each stream's
 *     /Length exact;
 *   - strings: ( ) \ escaped, so hostile text stays inside its string;
 *     UTF-8 to Windows-1252 (é € “ — kept, the rest '?');
 *   - /Info holds the title only, in UTF-16BE (a character beyond the
 *     BMP as a surrogate pair);
 *   - line breaking by Helvetica's widths at the exact boundary, at
 *     spaces, newlines, inside a word too wide;
 *   - every page has "Pagina N van M", a draft's "Concept", a table's
 *     header row repeated; a row taller than a page and a header taller
 *     than a quarter page end (no endless loop);
 *   - the output buffer's limit: exactly the size fits, one byte less
 *     is CS_ERR_TOO_LARGE with nothing appended.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "doc.h"
#include "doc_int.h"
#include "errors.h"
#include "test.h"

#define OUT_MAX	(64 * 1024 * 1024)

struct pdf {
	char	*s;	/* NUL added; the PDF may hold other NULs: none here */
	size_t	 n;
};

static struct pdf
pdf_of(const struct doc *d)
{
	struct buf	*b;
	struct pdf	 p;

	ASSERT_PTR_NE(b = buf_new(OUT_MAX), NULL);
	ASSERT_INT_EQ(doc_pdf(d, b), 0);
	p.n = buf_len(b);
	ASSERT_PTR_NE(p.s = malloc(p.n + 1), NULL);
	memcpy(p.s, buf_ptr(b), p.n);
	p.s[p.n] = '\0';
	buf_free(b);
	ASSERT_INT_EQ(strlen(p.s), p.n);
	return p;
}

static size_t
count(const char *s, const char *what)
{
	size_t	n = 0;

	while ((s = strstr(s, what)) != NULL) {
		n++;
		s += strlen(what);
	}
	return n;
}

/* Checks the structure; returns the number of pages. */
static size_t
check_structure(const struct pdf *p)
{
	const char	*x, *q, *obj;
	char		 want[64];
	size_t		 nobj, i, off, xref, pages, len;

	ASSERT_TRUE(strncmp(p->s, "%PDF-1.4\n", 9) == 0);
	ASSERT_TRUE(p->n > 6 && strcmp(p->s + p->n - 6, "%%EOF\n") == 0);
	ASSERT_PTR_NE(x = strstr(p->s, "\nstartxref\n"), NULL);
	xref = strtoul(x + 11, NULL, 10);
	ASSERT_TRUE(xref < p->n);
	ASSERT_TRUE(strncmp(p->s + xref, "xref\n0 ", 7) == 0);
	nobj = strtoul(p->s + xref + 7, NULL, 10);
	ASSERT_PTR_NE(q = strchr(p->s + xref + 7, '\n'), NULL);
	q++;
	ASSERT_TRUE(strncmp(q, "0000000000 65535 f \n", 20) == 0);
	for (i = 1; i < nobj; i++) {
		q += 20;
		ASSERT_TRUE(strncmp(q + 10, " 00000 n \n", 10) == 0);
		off = strtoul(q, NULL, 10);
		ASSERT_TRUE(off < xref);
		snprintf(want, sizeof(want), "%zu 0 obj\n", i);
		ASSERT_TRUE(strncmp(p->s + off, want, strlen(want)) == 0);
		/* a stream's /Length is its exact size */
		obj = p->s + off + strlen(want);
		if (strncmp(obj, "<< /Length ", 11) == 0) {
			len = strtoul(obj + 11, NULL, 10);
			ASSERT_PTR_NE(obj = strstr(obj, ">>\nstream\n"), NULL);
			obj += 10;
			ASSERT_TRUE(strncmp(obj + len, "\nendstream\n", 11) ==
			    0);
		}
	}
	ASSERT_TRUE(strncmp(q + 20, "trailer\n", 8) == 0);
	snprintf(want, sizeof(want), "<< /Size %zu /Root 1 0 R /Info 6 0 R",
	    nobj);
	ASSERT_TRUE(strstr(p->s, want) != NULL);
	pages = count(p->s, "<< /Type /Page /Parent");
	ASSERT_INT_EQ(nobj, 7 + 2 * pages);
	snprintf(want, sizeof(want), "<< /Type /Pages /Count %zu ", pages);
	ASSERT_TRUE(strstr(p->s, want) != NULL);
	for (i = 1; i <= pages; i++) {
		snprintf(want, sizeof(want), "(Pagina %zu van %zu)", i, pages);
		ASSERT_INT_EQ(count(p->s, want), 1);
	}
	return pages;
}

static void
test_structure_strings(void)
{
	struct doc	*d;
	struct pdf	 p;

	TEST_START("structure, escaped strings, Windows-1252, /Info");
	ASSERT_INT_EQ(doc_new("Smit (é) \xf0\x9f\x98\x80", &d), 0);
	ASSERT_INT_EQ(doc_para(d, "a (b) c\\d ((( ) Tj ET\nendstream"), 0);
	ASSERT_INT_EQ(doc_para(d, "é€“—漢\x01\xc2\xad."), 0);
	ASSERT_INT_EQ(doc_fact(d, "BSN", "niet in /Info"), 0);
	p = pdf_of(d);
	ASSERT_INT_EQ(check_structure(&p), 1);
	ASSERT_TRUE(strstr(p.s, "(a \\(b\\) c\\\\d \\(\\(\\( \\) Tj ET) Tj ET")
	    != NULL);
	ASSERT_TRUE(strstr(p.s, "(endstream) Tj ET") != NULL);
	ASSERT_TRUE(strstr(p.s, "(\xe9\x80\x93\x97??.) Tj") != NULL);
	/* the title on the page in Windows-1252, in /Info in UTF-16 */
	ASSERT_TRUE(strstr(p.s, "(Smit \\(\xe9\\) ?) Tj") != NULL);
	ASSERT_TRUE(strstr(p.s, "6 0 obj\n<< /Title <FEFF0053006D0069007400"
	    "200028" "00E9" "00290020" "D83DDE00> >>\nendobj\n") != NULL);
	ASSERT_INT_EQ(count(p.s, "/Author"), 0);
	ASSERT_INT_EQ(count(p.s, "/CreationDate"), 0);
	ASSERT_INT_EQ(count(p.s, "Concept"), 0);
	ASSERT_INT_EQ(count(p.s, "/BaseFont /Helvetica /Encoding "
	    "/WinAnsiEncoding"), 1);
	free(p.s);
	doc_free(d);
	TEST_DONE();
}

static void
wrap_is(const char *s, int64_t width, const char *const *want)
{
	struct doc_text	t;
	size_t		i;

	ASSERT_INT_EQ(doc_text_make(&t, s, 1, DOC_REGULAR, 100, width), 0);
	for (i = 0; want[i] != NULL; i++) {
		ASSERT_TRUE(i < t.nline);
		if (t.line[i].len != strlen(want[i]) ||
		    memcmp(t.s + t.line[i].off, want[i], t.line[i].len) != 0)
			TEST_FAIL_("line %zu of \"%s\" at %lld: \"%.*s\"", i,
			    s, (long long)width, (int)t.line[i].len,
			    (const char *)t.s + t.line[i].off);
	}
	ASSERT_INT_EQ(t.nline, i);
	doc_text_clear(&t);
}

static void
test_wrap(void)
{
	TEST_START("lines broken by Helvetica's widths");
	/* "a" is 556/1000 em: 4 of them at 10 pt are 22.24 pt */
	ASSERT_INT_EQ(doc_text_width(DOC_REGULAR, 100,
	    (const unsigned char *)"aaaa", 4), 2224);
	ASSERT_INT_EQ(doc_text_width(DOC_BOLD, 100,
	    (const unsigned char *)"W", 1), 944);
	ASSERT_INT_EQ(doc_text_width(DOC_OBLIQUE, 100,
	    (const unsigned char *)"\xe9", 1), 556);
	wrap_is("aaaa", 2224, (const char *const[]){ "aaaa", NULL });
	wrap_is("aaaa", 2223, (const char *const[]){ "aaa", "a", NULL });
	/* the space after a word that just fits does not push it down */
	wrap_is("a aaaa a", 3058, (const char *const[]){ "a aaaa", "a",
	    NULL });
	wrap_is("a aaaa a", 3057, (const char *const[]){ "a", "aaaa", "a",
	    NULL });
	wrap_is("aa aa", 2300, (const char *const[]){ "aa", "aa", NULL });
	wrap_is("aa   aa", 1500, (const char *const[]){ "aa", "aa", NULL });
	wrap_is("aa aa", 3000, (const char *const[]){ "aa aa", NULL });
	wrap_is("a\n\nb\n", 3000, (const char *const[]){ "a", "", "b",
	    NULL });
	wrap_is("", 3000, (const char *const[]){ "", NULL });
	wrap_is("abc", 0, (const char *const[]){ "a", "b", "c", NULL });
	wrap_is("één twee", 2200, (const char *const[]){ "\xe9\xe9n",
	    "twee", NULL });
	TEST_DONE();
}

static void
test_pages(void)
{
	struct doc	*d;
	struct pdf	 p;
	const char	*hdr[3] = { "Datum", "Wie", "Wat" };
	const char	*row[3] = { "1 mei", "Anna de Vries",
			    "Gesprek met de ouders over het plan" };
	char		*big;
	size_t		 i, pages;

	TEST_START("pages: footer, Concept, header rows repeated");
	ASSERT_INT_EQ(doc_new("Verzoek verlenging", &d), 0);
	doc_set_draft(d, 1);
	ASSERT_INT_EQ(doc_set_footer(d, "Vertrouwelijk"), 0);
	ASSERT_INT_EQ(doc_heading(d, 1, "Tabel"), 0);
	ASSERT_INT_EQ(doc_table(d, 3, hdr), 0);
	for (i = 0; i < 200; i++)
		ASSERT_INT_EQ(doc_row(d, row), 0);
	p = pdf_of(d);
	pages = check_structure(&p);
	ASSERT_TRUE(pages >= 3);
	ASSERT_INT_EQ(count(p.s, "(Concept)"), pages);
	ASSERT_INT_EQ(count(p.s, "(Vertrouwelijk)"), pages);
	ASSERT_INT_EQ(count(p.s, "(Datum)"), pages);
	ASSERT_INT_EQ(count(p.s, "(Gesprek met de ouders over het plan)"),
	    200);
	free(p.s);
	doc_free(d);

	/* a row taller than a page; a header taller than a quarter page */
	ASSERT_PTR_NE(big = malloc(DOC_TEXT_MAX + 1), NULL);
	for (i = 0; i < DOC_TEXT_MAX; i++)
		big[i] = i % 7 == 6 ? ' ' : 'x';
	big[DOC_TEXT_MAX] = '\0';
	ASSERT_INT_EQ(doc_new("Groot", &d), 0);
	ASSERT_INT_EQ(doc_table(d, 3, hdr), 0);
	row[1] = big;
	ASSERT_INT_EQ(doc_row(d, row), 0);
	ASSERT_INT_EQ(doc_row(d, row), 0);
	hdr[2] = big;
	ASSERT_INT_EQ(doc_table(d, 3, hdr), 0);
	row[1] = "klein";
	for (i = 0; i < 100; i++)
		ASSERT_INT_EQ(doc_row(d, row), 0);
	ASSERT_INT_EQ(doc_heading(d, 1, big), 0);
	ASSERT_INT_EQ(doc_para(d, big), 0);
	p = pdf_of(d);
	pages = check_structure(&p);
	ASSERT_TRUE(pages > 10);
	/* the first table's header is repeated, the second's is not */
	ASSERT_TRUE(count(p.s, "(Datum)") > 4);
	free(p.s);
	free(big);
	doc_free(d);
	TEST_DONE();
}

static void
test_limit(void)
{
	struct doc	*d;
	struct buf	*b;
	size_t		 size;

	TEST_START("the output buffer's limit");
	ASSERT_INT_EQ(doc_new("titel", &d), 0);
	ASSERT_INT_EQ(doc_para(d, "tekst"), 0);
	ASSERT_PTR_NE(b = buf_new(OUT_MAX), NULL);
	ASSERT_INT_EQ(doc_pdf(d, b), 0);
	size = buf_len(b);
	buf_free(b);
	ASSERT_PTR_NE(b = buf_new(size + 2), NULL);
	ASSERT_INT_EQ(buf_put(b, "xy", 2), 0);
	ASSERT_INT_EQ(doc_pdf(d, b), 0);
	ASSERT_INT_EQ(buf_len(b), size + 2);
	buf_free(b);
	ASSERT_PTR_NE(b = buf_new(size + 1), NULL);
	ASSERT_INT_EQ(buf_put(b, "xy", 2), 0);
	ASSERT_INT_EQ(doc_pdf(d, b), CS_ERR_TOO_LARGE);
	ASSERT_INT_EQ(buf_len(b), 2);
	buf_free(b);
	ASSERT_PTR_NE(b = buf_new(100), NULL);
	ASSERT_INT_EQ(doc_pdf(d, b), CS_ERR_TOO_LARGE);
	ASSERT_INT_EQ(buf_len(b), 0);
	ASSERT_INT_EQ(doc_pdf(NULL, b), CS_ERR_INTERNAL);
	buf_free(b);
	doc_free(d);
	TEST_DONE();
}

int
main(void)
{
	test_structure_strings();
	test_wrap();
	test_pages();
	test_limit();
	return 0;
}
