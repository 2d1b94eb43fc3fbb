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
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "doc.h"
#include "errors.h"
#include "test.h"

#define OUT_MAX	(16 * 1024 * 1024)

/* The HTML of "d" as a NUL-terminated string (caller frees). */
static char *
html_of(const struct doc *d)
{
	struct buf	*b;
	char		*s;

	ASSERT_PTR_NE(b = buf_new(OUT_MAX), NULL);
	ASSERT_INT_EQ(doc_html(d, b), 0);
	ASSERT_PTR_NE(s = malloc(buf_len(b) + 1), NULL);
	memcpy(s, buf_ptr(b), buf_len(b));
	s[buf_len(b)] = '\0';
	buf_free(b);
	return s;
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
	ASSERT_TRUE(strstr(h, "@bottom-left{font-size:8pt;content:"
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

int
main(void)
{
	test_escape();
	test_controls();
	test_bad_utf8();
	test_limits();
	test_state();
	test_order_draft();
	return 0;
}
