/* SPDX-License-Identifier: ISC */
/*
 * test_doc.c - the report document model and its HTML (client/core/
 * doc.c):
 *   - hostile text (markup, quotes, a footer that tries to leave the
 *     stylesheet) comes out escaped: only the renderer's own tags, no
 *     "<" inside the stylesheet;
 *   - control characters: line ends, breaks where a block has them,
 *     spaces where it has not, U+FFFD for the rest (C0 and C1);
 *   - bad UTF-8 refused by every function that takes text, the
 *     document left as it was;
 *   - the limits: DOC_TEXT_MAX, DOC_COLS_MAX, DOC_BLOCKS_MAX,
 *     DOC_BYTES_MAX, and an output buffer too small (nothing appended);
 *   - table and row state: a row needs its table right before it;
 *   - blocks in their order, items in a row one list, sections per
 *     level-1 heading, a draft's sections editable and "Concept".
 * and its PDF (doc_pdf.c, doc_text.c):
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
 *     header row repeated; wherever a table starts, its header is not
 *     left alone at the foot of a page and no row is split; a row
 *     taller than a page and a header taller than a quarter page end
 *     (no endless loop);
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

/* A rendering as a NUL-terminated string (caller frees), none inside. */
struct out {
	char	*s;
	size_t	 n;
};

static struct out
render(const struct doc *d, int (*fn)(const struct doc *, struct buf *))
{
	struct buf	*b;
	struct out	 o;

	ASSERT_PTR_NE(b = buf_new(OUT_MAX), NULL);
	ASSERT_INT_EQ(fn(d, b), 0);
	o.n = buf_len(b);
	ASSERT_PTR_NE(o.s = malloc(o.n + 1), NULL);
	memcpy(o.s, buf_ptr(b), o.n);
	o.s[o.n] = '\0';
	buf_free(b);
	ASSERT_INT_EQ(strlen(o.s), o.n);
	return o;
}

static char *
html_of(const struct doc *d)
{
	return render(d, doc_html).s;
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

/*
 * Every "<" starts one of the renderer's own tags, and the stylesheet
 * holds no "<" at all.
 */
static void
only_own_tags(const char *s)
{
	static const char *const	tags[] = { "!DOCTYPE html>", "html",
	    "head>", "meta ", "title>", "style>", "body>", "header>",
	    "main>", "section", "h1>", "h2>", "h3>", "h4>", "p>",
	    "p class=\"", "dl class=\"facts\">", "dl>", "dt>", "dd>", "ul>",
	    "li>", "table>", "thead>", "tbody>", "tr>", "th scope=\"col\">",
	    "th>", "td>", "br>", "footer>", NULL };
	const char			*p, *st, *en;
	size_t				 i;

	ASSERT_PTR_NE(st = strstr(s, "<style>"), NULL);
	ASSERT_PTR_NE(en = strstr(s, "</style>"), NULL);
	for (p = st + 7; p < en; p++)
		ASSERT_TRUE(*p != '<');
	for (p = strchr(s, '<'); p != NULL; p = strchr(p + 1, '<')) {
		for (i = 0; tags[i] != NULL; i++)
			if (strncmp(p + 1, tags[i], strlen(tags[i])) == 0 ||
			    (p[1] == '/' && strncmp(p + 2, tags[i],
			    strlen(tags[i])) == 0))
				break;
		if (tags[i] == NULL)
			TEST_FAIL_("a tag not ours at \"%.30s\"", p);
	}
	ASSERT_INT_EQ(count(s, "<script"), 0);
	ASSERT_INT_EQ(count(s, "<style>"), 1);
}

static void
test_escape(void)
{
	struct doc	*d;
	char		*h;
	const char	*hdr[2] = { "<th>\"x\"", NULL };
	const char	*row[2] = { "a&b", "</td></tr></table><script>" };

	TEST_START("hostile text is escaped");
	ASSERT_INT_EQ(doc_new("</title><script>alert(1)</script>", &d), 0);
	ASSERT_INT_EQ(doc_fact(d, "<b>label", "'quoted' & \"double\""), 0);
	ASSERT_INT_EQ(doc_heading(d, 1, "<h1>kop</h1>"), 0);
	ASSERT_INT_EQ(doc_para(d, "<img src=x onerror=alert(1)>"), 0);
	ASSERT_INT_EQ(doc_item(d, "<li>x</li></ul><script>"), 0);
	ASSERT_INT_EQ(doc_note(d, "<!-- -->"), 0);
	ASSERT_INT_EQ(doc_table(d, 2, hdr), 0);
	ASSERT_INT_EQ(doc_row(d, row), 0);
	ASSERT_INT_EQ(doc_set_footer(d,
	    "\"}</style><script>x</script>\\\"{\n"), 0);
	h = html_of(d);
	only_own_tags(h);
	ASSERT_TRUE(strstr(h, "<title>&lt;/title&gt;&lt;script&gt;alert(1)"
	    "&lt;/script&gt;</title>") != NULL);
	ASSERT_TRUE(strstr(h, "<dt>&lt;b&gt;label</dt><dd>&#39;quoted&#39; "
	    "&amp; &quot;double&quot;</dd>") != NULL);
	ASSERT_TRUE(strstr(h, "<p>&lt;img src=x onerror=alert(1)&gt;</p>")
	    != NULL);
	ASSERT_TRUE(strstr(h, "<th scope=\"col\">&lt;th&gt;&quot;x&quot;"
	    "</th><th scope=\"col\"></th>") != NULL);
	ASSERT_TRUE(strstr(h, "<td>a&amp;b</td>") != NULL);
	/* the footer in the stylesheet: escaped, one string */
	ASSERT_TRUE(strstr(h, "content:\"\\22 \\7d \\3c /style\\3e \\3c "
	    "script\\3e x\\3c /script\\3e \\5c \\22 \\7b  \"") != NULL);
	ASSERT_TRUE(strstr(h, "<footer><p>&quot;}&lt;/style&gt;") != NULL);
	free(h);
	doc_free(d);
	TEST_DONE();
}

static void
test_controls(void)
{
	struct doc	*d;
	char		*h;

	TEST_START("control characters");
	ASSERT_INT_EQ(doc_new("titel\nmet\tregel", &d), 0);
	ASSERT_INT_EQ(doc_heading(d, 2, "kop\r\nregel"), 0);
	ASSERT_INT_EQ(doc_para(d, "een\r\ntwee\rdrie\nvier\tvijf"), 0);
	ASSERT_INT_EQ(doc_para(d, "bel\x07" "c1\xc2\x85" "nbsp\xc2\xa0" "del"
	    "\x7f" "."), 0);
	h = html_of(d);
	ASSERT_TRUE(strstr(h, "<title>titel met regel</title>") != NULL);
	ASSERT_TRUE(strstr(h, "<h3>kop regel</h3>") != NULL);
	ASSERT_TRUE(strstr(h, "<p>een<br>\ntwee<br>\ndrie<br>\nvier vijf</p>")
	    != NULL);
	ASSERT_TRUE(strstr(h, "<p>bel\xef\xbf\xbd" "c1\xef\xbf\xbd" "nbsp"
	    "\xc2\xa0" "del\xef\xbf\xbd.</p>") != NULL);
	free(h);
	doc_free(d);
	TEST_DONE();
}

static void
test_bad_utf8(void)
{
	static const char *const	bad[] = {
		"\xff", "a\xc3", "\xc0\xaf", "\xe0\x80\xaf",
		"\xed\xa0\x80", "\xf4\x90\x80\x80", "\x80", NULL
	};
	struct doc	*d;
	char		*before, *after;
	const char	*cells[3];
	size_t		 i;

	TEST_START("bad UTF-8 is refused everywhere, nothing changes");
	for (i = 0; bad[i] != NULL; i++) {
		d = (struct doc *)1;
		ASSERT_INT_EQ(doc_new(bad[i], &d), CS_ERR_FORMAT);
		ASSERT_PTR_EQ(d, NULL);
	}
	ASSERT_INT_EQ(doc_new("Inzage", &d), 0);
	ASSERT_INT_EQ(doc_set_footer(d, "Vertrouwelijk"), 0);
	cells[0] = "é";
	cells[1] = "ë";
	cells[2] = "ï";
	ASSERT_INT_EQ(doc_table(d, 3, cells), 0);
	before = html_of(d);
	for (i = 0; bad[i] != NULL; i++) {
		ASSERT_INT_EQ(doc_fact(d, bad[i], "x"), CS_ERR_FORMAT);
		ASSERT_INT_EQ(doc_fact(d, "x", bad[i]), CS_ERR_FORMAT);
		ASSERT_INT_EQ(doc_heading(d, 1, bad[i]), CS_ERR_FORMAT);
		ASSERT_INT_EQ(doc_para(d, bad[i]), CS_ERR_FORMAT);
		ASSERT_INT_EQ(doc_item(d, bad[i]), CS_ERR_FORMAT);
		ASSERT_INT_EQ(doc_note(d, bad[i]), CS_ERR_FORMAT);
		ASSERT_INT_EQ(doc_set_footer(d, bad[i]), CS_ERR_FORMAT);
		cells[0] = "ok";
		cells[1] = NULL;
		cells[2] = bad[i];
		ASSERT_INT_EQ(doc_row(d, cells), CS_ERR_FORMAT);
		ASSERT_INT_EQ(doc_table(d, 3, cells), CS_ERR_FORMAT);
	}
	after = html_of(d);
	ASSERT_STR_EQ(after, before);
	/* the table is still open: the failed calls did not close it */
	cells[2] = "ü";
	ASSERT_INT_EQ(doc_row(d, cells), 0);
	free(before);
	free(after);
	doc_free(d);
	TEST_DONE();
}

static void
test_limits(void)
{
	struct doc	*d;
	struct buf	*b;
	char		*big;
	const char	*cols[DOC_COLS_MAX + 1];
	size_t		 i, n;

	TEST_START("limits");
	ASSERT_PTR_NE(big = malloc(DOC_TEXT_MAX + 2), NULL);
	memset(big, 'a', DOC_TEXT_MAX + 1);
	big[DOC_TEXT_MAX + 1] = '\0';
	ASSERT_INT_EQ(doc_new(big, &d), CS_ERR_TOO_LARGE);
	ASSERT_INT_EQ(doc_new("t", &d), 0);
	ASSERT_INT_EQ(doc_para(d, big), CS_ERR_TOO_LARGE);
	ASSERT_INT_EQ(doc_fact(d, "x", big), CS_ERR_TOO_LARGE);
	ASSERT_INT_EQ(doc_set_footer(d, big), CS_ERR_TOO_LARGE);
	big[DOC_TEXT_MAX] = '\0';	/* exactly the limit */
	ASSERT_INT_EQ(doc_para(d, big), 0);
	/* columns */
	for (i = 0; i <= DOC_COLS_MAX; i++)
		cols[i] = "k";
	ASSERT_INT_EQ(doc_table(d, 0, cols), CS_ERR_FORMAT);
	ASSERT_INT_EQ(doc_table(d, DOC_COLS_MAX + 1, cols), CS_ERR_TOO_LARGE);
	ASSERT_INT_EQ(doc_table(d, SIZE_MAX, cols), CS_ERR_TOO_LARGE);
	ASSERT_INT_EQ(doc_table(d, DOC_COLS_MAX, cols), 0);
	ASSERT_INT_EQ(doc_row(d, cols), 0);
	doc_free(d);

	/* bytes of text in all: blocks of DOC_TEXT_MAX until refused */
	ASSERT_INT_EQ(doc_new("t", &d), 0);
	for (n = 0; doc_item(d, big) == 0; n++)
		ASSERT_TRUE(n < DOC_BYTES_MAX);
	ASSERT_INT_EQ(n, DOC_BYTES_MAX / (DOC_TEXT_MAX + 1));
	ASSERT_INT_EQ(doc_item(d, big), CS_ERR_TOO_LARGE);
	ASSERT_INT_EQ(doc_item(d, ""), 0);	/* one byte still fits */
	doc_free(d);
	free(big);

	/* blocks */
	ASSERT_INT_EQ(doc_new("t", &d), 0);
	for (i = 0; i < DOC_BLOCKS_MAX; i++)
		ASSERT_INT_EQ(doc_para(d, "x"), 0);
	ASSERT_INT_EQ(doc_para(d, "x"), CS_ERR_TOO_LARGE);
	ASSERT_INT_EQ(doc_fact(d, "x", "y"), CS_ERR_TOO_LARGE);
	ASSERT_INT_EQ(doc_heading(d, 1, "x"), CS_ERR_TOO_LARGE);
	doc_free(d);

	/* the output buffer's limit: nothing appended */
	ASSERT_INT_EQ(doc_new("titel", &d), 0);
	ASSERT_INT_EQ(doc_para(d, "tekst"), 0);
	ASSERT_PTR_NE(b = buf_new(600), NULL);
	ASSERT_INT_EQ(buf_put(b, "xy", 2), 0);
	ASSERT_INT_EQ(doc_html(d, b), CS_ERR_TOO_LARGE);
	ASSERT_INT_EQ(buf_len(b), 2);
	buf_free(b);
	doc_free(d);
	TEST_DONE();
}

static void
test_state(void)
{
	struct doc	*d;
	char		*h;
	const char	*hdr[2] = { "Datum", "Wie" };
	const char	*r1[2] = { "1 mei", "Anna" };
	const char	*r2[2] = { NULL, "Bert" };

	TEST_START("table and row state, argument errors");
	ASSERT_INT_EQ(doc_new(NULL, &d), CS_ERR_INTERNAL);
	ASSERT_INT_EQ(doc_new("t", &d), 0);
	ASSERT_INT_EQ(doc_row(d, r1), CS_ERR_PROTOCOL);
	ASSERT_INT_EQ(doc_table(d, 2, NULL), CS_ERR_INTERNAL);
	ASSERT_INT_EQ(doc_row(d, r1), CS_ERR_PROTOCOL);
	ASSERT_INT_EQ(doc_table(d, 2, hdr), 0);
	ASSERT_INT_EQ(doc_row(d, NULL), CS_ERR_INTERNAL);
	ASSERT_INT_EQ(doc_row(d, r1), 0);
	ASSERT_INT_EQ(doc_row(d, r2), 0);
	ASSERT_INT_EQ(doc_para(d, "na de tabel"), 0);
	ASSERT_INT_EQ(doc_row(d, r1), CS_ERR_PROTOCOL);
	ASSERT_INT_EQ(doc_table(d, 2, hdr), 0);
	ASSERT_INT_EQ(doc_heading(d, 2, "kop"), 0);
	ASSERT_INT_EQ(doc_row(d, r1), CS_ERR_PROTOCOL);
	ASSERT_INT_EQ(doc_heading(d, 0, "x"), CS_ERR_FORMAT);
	ASSERT_INT_EQ(doc_heading(d, 4, "x"), CS_ERR_FORMAT);
	ASSERT_INT_EQ(doc_heading(d, 1, NULL), CS_ERR_INTERNAL);
	ASSERT_INT_EQ(doc_para(d, NULL), CS_ERR_INTERNAL);
	ASSERT_INT_EQ(doc_item(d, NULL), CS_ERR_INTERNAL);
	ASSERT_INT_EQ(doc_note(d, NULL), CS_ERR_INTERNAL);
	ASSERT_INT_EQ(doc_fact(d, NULL, "x"), CS_ERR_INTERNAL);
	ASSERT_INT_EQ(doc_fact(NULL, "x", "y"), CS_ERR_INTERNAL);
	ASSERT_INT_EQ(doc_para(NULL, "x"), CS_ERR_INTERNAL);
	ASSERT_INT_EQ(doc_html(NULL, NULL), CS_ERR_INTERNAL);
	h = html_of(d);
	ASSERT_TRUE(strstr(h, "<table>\n<thead>\n<tr><th scope=\"col\">Datum"
	    "</th><th scope=\"col\">Wie</th></tr>\n</thead>\n<tbody>\n"
	    "<tr><td>1 mei</td><td>Anna</td></tr>\n"
	    "<tr><td></td><td>Bert</td></tr>\n</tbody>\n</table>\n"
	    "<p>na de tabel</p>\n") != NULL);
	/* a table with no rows is still whole */
	ASSERT_TRUE(strstr(h, "</thead>\n<tbody>\n</tbody>\n</table>\n"
	    "<h3>kop</h3>") != NULL);
	free(h);
	doc_free(d);
	doc_free(NULL);
	TEST_DONE();
}

static void
test_order_draft(void)
{
	struct doc	*d;
	char		*h;
	const char	*p;

	TEST_START("order, lists, sections, draft");
	ASSERT_INT_EQ(doc_new("Verzoek verlenging OTS", &d), 0);
	ASSERT_INT_EQ(doc_fact(d, "Dossier", "Familie Smit"), 0);
	ASSERT_INT_EQ(doc_fact(d, "Datum", "6 december 2026"), 0);
	ASSERT_INT_EQ(doc_heading(d, 1, "Aanleiding"), 0);
	ASSERT_INT_EQ(doc_item(d, "een"), 0);
	ASSERT_INT_EQ(doc_item(d, "twee"), 0);
	ASSERT_INT_EQ(doc_para(d, "tussen"), 0);
	ASSERT_INT_EQ(doc_item(d, "drie"), 0);
	ASSERT_INT_EQ(doc_heading(d, 1, "Zorgen"), 0);
	ASSERT_INT_EQ(doc_note(d, "Bron: journaal"), 0);
	h = html_of(d);
	ASSERT_TRUE(strncmp(h, "<!DOCTYPE html>\n<html lang=\"nl\">", 32) == 0);
	ASSERT_INT_EQ(count(h, "contenteditable=\"true\""), 0);
	ASSERT_INT_EQ(count(h, "Concept"), 0);
	ASSERT_INT_EQ(count(h, "<footer>"), 0);
	ASSERT_TRUE(strstr(h, "@page{size:A4;") != NULL);
	ASSERT_TRUE(strstr(h, "counter(pages)") != NULL);
	ASSERT_TRUE(strstr(h, "thead{display:table-header-group}") != NULL);
	ASSERT_TRUE(strstr(h, "break-after:avoid") != NULL);
	ASSERT_INT_EQ(count(h, "http"), 0);	/* nothing fetched */
	ASSERT_INT_EQ(count(h, "src="), 0);
	only_own_tags(h);
	ASSERT_PTR_NE(p = strstr(h, "<main>\n<section>\n<dl class=\"facts\">\n"
	    "<dt>Dossier</dt><dd>Familie Smit</dd>\n<dt>Datum</dt><dd>6 "
	    "december 2026</dd>\n</dl>\n</section>\n<section>\n"
	    "<h2>Aanleiding</h2>\n<ul>\n<li>een"
	    "</li>\n<li>twee</li>\n</ul>\n<p>tussen</p>\n<ul>\n<li>drie</li>\n"
	    "</ul>\n</section>\n<section>\n<h2>Zorgen</h2>\n<p class=\"note\">"
	    "Bron: journaal</p>\n</section>\n</main>\n</body>\n</html>\n"),
	    NULL);
	free(h);

	doc_set_draft(d, 1);
	ASSERT_INT_EQ(doc_set_footer(d, "Vertrouwelijk"), 0);
	h = html_of(d);
	only_own_tags(h);
	ASSERT_INT_EQ(count(h, "<section"), 3);
	ASSERT_INT_EQ(count(h, "<section contenteditable=\"true\">"), 3);
	ASSERT_TRUE(strstr(h, "<p class=\"concept\">Concept</p>\n<h1>Verzoek "
	    "verlenging OTS</h1>") != NULL);
	ASSERT_TRUE(strstr(h, "@top-right{") != NULL);
	ASSERT_TRUE(strstr(h, "content:\"Concept\"") != NULL);
	ASSERT_TRUE(strstr(h, "sans-serif;font-size:8pt;color:#444;content:"
	    "\"Vertrouwelijk\"}") != NULL);
	ASSERT_TRUE(strstr(h, "<footer><p>Vertrouwelijk</p></footer>\n"
	    "</body>") != NULL);
	free(h);
	doc_set_draft(d, 0);
	ASSERT_INT_EQ(doc_set_footer(d, NULL), 0);
	h = html_of(d);
	ASSERT_INT_EQ(count(h, "contenteditable=\"true\""), 0);
	ASSERT_INT_EQ(count(h, "Concept"), 0);
	ASSERT_INT_EQ(count(h, "Vertrouwelijk"), 0);
	free(h);
	doc_free(d);
	TEST_DONE();
}

/* Checks the structure; returns the number of pages. */
static size_t
check_structure(const struct out *p)
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
	struct out	 p;

	TEST_START("structure, escaped strings, Windows-1252, /Info");
	ASSERT_INT_EQ(doc_new("Smit (é) \xf0\x9f\x98\x80", &d), 0);
	ASSERT_INT_EQ(doc_para(d, "a (b) c\\d ((( ) Tj ET\nendstream"), 0);
	ASSERT_INT_EQ(doc_para(d, "é€“—漢\x01\xc2\xad."), 0);
	ASSERT_INT_EQ(doc_fact(d, "BSN", "niet in /Info"), 0);
	p = render(d, doc_pdf);
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
	struct out	 p;
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
	p = render(d, doc_pdf);
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
	p = render(d, doc_pdf);
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

/*
 * Each content stream of a PDF in turn: *st at its first byte, *len its
 * length; 0 when there are no more.
 */
static int
next_stream(const char **at, const char **st, size_t *len)
{
	const char	*p;

	if ((p = strstr(*at, "<< /Length ")) == NULL)
		return 0;
	*len = strtoul(p + 11, NULL, 10);
	ASSERT_PTR_NE(p = strstr(p, ">>\nstream\n"), NULL);
	*st = p + 10;
	*at = *st + *len;
	return 1;
}

static size_t
count_n(const char *s, size_t n, const char *what)
{
	size_t	c = 0, w = strlen(what), i;

	for (i = 0; i + w <= n; i++)
		if (memcmp(s + i, what, w) == 0)
			c++;
	return c;
}

static void
test_keep(void)
{
	struct doc	*d;
	struct out	 p;
	const char	*hdr[2] = { "Datum", "Wat" };
	const char	*row[2] = { "rij\nrij\nrij\nrij\nrij", "x" };
	const char	*at, *st;
	size_t		 n, i, len, rows;

	TEST_START("a table's header stays with its first row, rows whole, "
	    "no paragraph line alone");
	/* every place on a page the table may start */
	for (n = 30; n < 80; n++) {
		ASSERT_INT_EQ(doc_new("t", &d), 0);
		for (i = 0; i < n; i++)
			ASSERT_INT_EQ(doc_para(d, "alinea"), 0);
		ASSERT_INT_EQ(doc_table(d, 2, hdr), 0);
		for (i = 0; i < 30; i++)
			ASSERT_INT_EQ(doc_row(d, row), 0);
		p = render(d, doc_pdf);
		at = p.s;
		rows = 0;
		while (next_stream(&at, &st, &len)) {
			i = count_n(st, len, "(rij)");
			if (count_n(st, len, "(Datum)") > 0 && i == 0)
				TEST_FAIL_("%zu paragraphs: a header alone", n);
			if (i % 5 != 0)
				TEST_FAIL_("%zu paragraphs: a row split", n);
			rows += i / 5;
		}
		ASSERT_INT_EQ(rows, 30);
		free(p.s);
		doc_free(d);
	}
	/* a paragraph of 2 .. 5 lines: never one line alone on a page */
	for (n = 30; n < 80; n++) {
		for (len = 2; len <= 5; len++) {
			ASSERT_INT_EQ(doc_new("t", &d), 0);
			for (i = 0; i < n; i++)
				ASSERT_INT_EQ(doc_para(d, "alinea"), 0);
			ASSERT_INT_EQ(doc_para(d, "regel\nregel\nregel\n"
			    "regel\nregel" + 6 * (5 - len)), 0);
			p = render(d, doc_pdf);
			at = p.s;
			rows = 0;
			while (next_stream(&at, &st, &i)) {
				if (count_n(st, i, "(regel)") == 1)
					TEST_FAIL_("%zu, %zu: one line alone",
					    n, len);
				rows += count_n(st, i, "(regel)");
			}
			ASSERT_INT_EQ(rows, len);
			free(p.s);
			doc_free(d);
		}
	}
	/* an item's bullet on the page of its first line */
	for (n = 30; n < 80; n++) {
		ASSERT_INT_EQ(doc_new("t", &d), 0);
		for (i = 0; i < n; i++)
			ASSERT_INT_EQ(doc_para(d, "alinea"), 0);
		ASSERT_INT_EQ(doc_item(d, "eerste\nregel\nregel"), 0);
		ASSERT_INT_EQ(doc_item(d, "eerste\nregel"), 0);
		p = render(d, doc_pdf);
		at = p.s;
		while (next_stream(&at, &st, &i))
			if (count_n(st, i, "(\x95)") !=
			    count_n(st, i, "(eerste)"))
				TEST_FAIL_("%zu: a bullet apart from its item",
				    n);
		ASSERT_INT_EQ(count(p.s, "(\x95)"), 2);
		free(p.s);
		doc_free(d);
	}
	TEST_DONE();
}

int
main(void)
{
	test_escape();
	test_controls();
	test_bad_utf8();
	test_limits();
	test_state();
	test_order_draft();
	test_structure_strings();
	test_wrap();
	test_pages();
	test_keep();
	test_limit();
	return 0;
}
