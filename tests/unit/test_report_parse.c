/* SPDX-License-Identifier: ISC */
/*
 * test_report_parse.c - an edited draft of a Raad melding or OTS
 * verlenging read back (client/core/report_parse.c), hostile input:
 *   - a draft as doc.c writes it comes back section by section, as
 *     plain text (list items as "- " lines), with its Kenmerk; the
 *     facts above and the footer below are in no section;
 *   - what a browser or an editor makes of it is still read: elements
 *     in upper case, <div>, <br>, <span style>, <b onclick-free>,
 *     comments, character references (named, decimal, hex, &nbsp;),
 *     a byte order mark;
 *   - refused, with a sentence: over REPORT_FILE_MAX (and REPORT_FILE_MAX
 *     itself accepted as a size), a NUL byte, bad UTF-8, <script> in any
 *     case, an event handler, elements a draft does not have (iframe,
 *     svg, img, a, form), "<?" and "<![CDATA[", nesting over
 *     REPORT_DEPTH_MAX, a file ending inside a tag, an attribute, a
 *     comment or <style>, a reference to a surrogate, a heading twice,
 *     out of order or missing, two Kenmerken, a Kenmerk with no ids,
 *     an empty section.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "doc.h"
#include "errors.h"
#include "report_raad.h"
#include "test.h"

/* A draft as report_raad.c makes one, as HTML (caller frees). */
static char *
draft(const char *kenmerk)
{
	struct doc	*d;
	struct buf	*b;
	char		*s;

	ASSERT_INT_EQ(doc_new("Verzoek verlenging ondertoezichtstelling", &d),
	    0);
	doc_set_draft(d, 1);
	ASSERT_INT_EQ(doc_set_footer(d, "Vertrouwelijk"), 0);
	ASSERT_INT_EQ(doc_fact(d, "Gezin", "Familie <Bakker> & co"), 0);
	ASSERT_INT_EQ(doc_fact(d, "Kenmerk", kenmerk), 0);
	ASSERT_INT_EQ(doc_heading(d, 1, "Aanleiding"), 0);
	ASSERT_INT_EQ(doc_para(d, "Voor Noor loopt een OTS."), 0);
	ASSERT_INT_EQ(doc_item(d, "Verlengd tot 01-02-2027."), 0);
	ASSERT_INT_EQ(doc_heading(d, 1, "Zorgen"), 0);
	ASSERT_INT_EQ(doc_para(d, "Regel een\nregel twee"), 0);
	ASSERT_INT_EQ(doc_heading(d, 1, "Wat is geprobeerd"), 0);
	ASSERT_INT_EQ(doc_item(d, "Doel: behaald"), 0);
	ASSERT_INT_EQ(doc_item(d, "Doel 2: loopt"), 0);
	ASSERT_INT_EQ(doc_heading(d, 1, "Visie van ouders en kind"), 0);
	ASSERT_INT_EQ(doc_para(d, "Moeder zegt \"ja\" & 'nee'."), 0);
	ASSERT_INT_EQ(doc_heading(d, 1, "Conclusie en verzoek"), 0);
	ASSERT_INT_EQ(doc_para(d, "Verzocht wordt te verlengen."), 0);
	ASSERT_PTR_NE(b = buf_new(4 * 1024 * 1024), NULL);
	ASSERT_INT_EQ(doc_html(d, b), 0);
	ASSERT_PTR_NE(s = malloc(buf_len(b) + 1), NULL);
	memcpy(s, buf_ptr(b), buf_len(b));
	s[buf_len(b)] = '\0';
	buf_free(b);
	doc_free(d);
	return s;
}

/* "s" with the first "from" replaced by "to" (caller frees). */
static char *
edit(const char *s, const char *from, const char *to)
{
	const char	*p = strstr(s, from);
	char		*o;
	size_t		 n;

	ASSERT_PTR_NE(p, NULL);
	n = strlen(s) - strlen(from) + strlen(to);
	ASSERT_PTR_NE(o = malloc(n + 1), NULL);
	memcpy(o, s, (size_t)(p - s));
	memcpy(o + (p - s), to, strlen(to));
	memcpy(o + (p - s) + strlen(to), p + strlen(from),
	    strlen(p + strlen(from)) + 1);
	return o;
}

static int
parse(const char *s, struct report_parsed *p, char why[REPORT_WHY_MAX])
{
	return report_parse(s, strlen(s), p, why);
}

static void
test_round_trip(void)
{
	struct report_parsed	p;
	char			why[REPORT_WHY_MAX], *s, *t;

	TEST_START("a draft comes back as plain text per heading");
	s = draft("casesync verlenging 3fa9c1 7d2e4f");
	ASSERT_INT_EQ(parse(s, &p, why), 0);
	ASSERT_INT_EQ(p.type, REPORT_VERLENGING);
	ASSERT_STR_EQ(p.case_ref, "3fa9c1");
	ASSERT_STR_EQ(p.child_ref, "7d2e4f");
	ASSERT_STR_EQ(p.text[0], "Voor Noor loopt een OTS.\n"
	    "- Verlengd tot 01-02-2027.");
	ASSERT_STR_EQ(p.text[1], "Regel een\nregel twee");
	ASSERT_STR_EQ(p.text[2], "- Doel: behaald\n- Doel 2: loopt");
	ASSERT_STR_EQ(p.text[3], "Moeder zegt \"ja\" & 'nee'.");
	/* the footer is not part of the last section */
	ASSERT_STR_EQ(p.text[4], "Verzocht wordt te verlengen.");
	report_parsed_clear(&p);
	/* flattened by an editor: the footer still ends the last section */
	t = edit(s, "</section>\n</main>\n<footer>", "<footer>");
	ASSERT_INT_EQ(parse(t, &p, why), 0);
	ASSERT_STR_EQ(p.text[4], "Verzocht wordt te verlengen.");
	report_parsed_clear(&p);
	free(t);
	free(s);
	s = draft("casesync raad 3fa9c1");
	ASSERT_INT_EQ(parse(s, &p, why), 0);
	ASSERT_INT_EQ(p.type, REPORT_RAAD);
	ASSERT_STR_EQ(p.child_ref, "");
	report_parsed_clear(&p);
	free(s);
	TEST_DONE();
}

static void
test_browser(void)
{
	struct report_parsed	p;
	char			why[REPORT_WHY_MAX], *s, *t, *u, *v;

	TEST_START("what a browser or an editor makes of a draft is read");
	s = draft("casesync raad 3fa9c1");
	t = edit(s, "<p>Regel een<br>\nregel twee</p>", "<DIV>Nieuw "
	    "<B>vet</B> <span style=\"color:red\">rood</span></DIV><div>"
	    "&eacute; &#233;&#x20AC;&nbsp;x &amp;&lt;b&gt;</div><!-- een "
	    "<script> opmerking --><P>na</P>");
	u = edit(t, "<!DOCTYPE html>", "\xef\xbb\xbf<!doctype html>");
	v = edit(u, "<h2>Visie van ouders en kind</h2>",
	    "<H2>  Visie van\n ouders en kind </H2>");
	ASSERT_INT_EQ(parse(v, &p, why), 0);
	ASSERT_STR_EQ(p.text[1], "Nieuw vet rood\n&eacute; \xc3\xa9\xe2\x82"
	    "\xac x &<b>\nna");
	ASSERT_STR_EQ(p.text[3], "Moeder zegt \"ja\" & 'nee'.");
	report_parsed_clear(&p);
	free(s);
	free(t);
	free(u);
	free(v);
	TEST_DONE();
}

/* The draft with "from" made "to" is refused with "code", saying "say". */
static void
refused(const char *from, const char *to, int code, const char *say)
{
	struct report_parsed	p;
	char			why[REPORT_WHY_MAX], *s, *t;

	s = draft("casesync raad 3fa9c1");
	t = edit(s, from, to);
	ASSERT_INT_EQ(parse(t, &p, why), code);
	if (strstr(why, say) == NULL)
		TEST_FAIL_("\"%s\" does not say \"%s\"", why, say);
	report_parsed_clear(&p);
	free(s);
	free(t);
}

static void
test_hostile(void)
{
	TEST_START("active and foreign content is refused");
	refused("<p>Regel", "<script>x()</script><p>Regel", CS_ERR_FORMAT,
	    "holds a script");
	refused("<p>Regel", "<ScRiPt>x()</sCrIpT><p>Regel", CS_ERR_FORMAT,
	    "holds a script");
	refused("</head>", "<script src=x></script></head>", CS_ERR_FORMAT,
	    "holds a script");
	refused("<p>Regel", "<p onclick=\"x()\">Regel", CS_ERR_FORMAT,
	    "event handler");
	refused("<p>Regel", "<p ONLOAD=x>Regel", CS_ERR_FORMAT,
	    "event handler");
	refused("<p>Regel", "<iframe src=x></iframe><p>Regel",
	    CS_ERR_FORMAT, "holds <iframe>");
	refused("<p>Regel", "<svg><p>Regel", CS_ERR_FORMAT, "holds <svg>");
	refused("<p>Regel", "<img src=x><p>Regel", CS_ERR_FORMAT,
	    "holds <img>");
	refused("<p>Regel", "<a href=x>Regel</a><p>", CS_ERR_FORMAT,
	    "holds <a>");
	refused("<p>Regel", "<form><p>Regel", CS_ERR_FORMAT, "holds <form>");
	refused("<p>Regel", "<aaaaaaaaaaaaaaaaaaaaaaaasection><p>Regel",
	    CS_ERR_FORMAT, "holds <?>");
	refused("<p>Regel", "<?php x ?><p>Regel", CS_ERR_FORMAT, "\"<?\"");
	refused("<p>Regel", "<![CDATA[x]]><p>Regel", CS_ERR_FORMAT,
	    "\"<!\"");
	refused("<p>Regel", "&#xD800;<p>Regel", CS_ERR_FORMAT,
	    "no character");
	TEST_DONE();

	TEST_START("the structure of a draft is required");
	refused("<h2>Zorgen</h2>", "<h2>Aanleiding</h2>", CS_ERR_FORMAT,
	    "\"Aanleiding\" is there twice");
	refused("<h2>Zorgen</h2>", "<h2>Zorg</h2>", CS_ERR_FORMAT,
	    "\"Zorgen\" is missing");
	refused("<h2>Conclusie en verzoek</h2>", "<h3>Conclusie en "
	    "verzoek</h3>", CS_ERR_FORMAT, "\"Conclusie en verzoek\" is "
	    "missing");
	refused("casesync raad 3fa9c1", "raad 3fa9c1", CS_ERR_FORMAT,
	    "Kenmerk");
	refused("casesync raad 3fa9c1", "casesync raad", CS_ERR_FORMAT,
	    "not one casesync wrote");
	refused("casesync raad 3fa9c1", "casesync raad 3FA9C1",
	    CS_ERR_FORMAT, "not one casesync wrote");
	refused("casesync raad 3fa9c1", "casesync verlenging 3fa9c1",
	    CS_ERR_FORMAT, "not one casesync wrote");
	refused("<dt>Gezin", "<dt>casesync raad 111111</dt><dt>Gezin",
	    CS_ERR_FORMAT, "more than one Kenmerk");
	refused("<p>Regel een<br>\nregel twee</p>", "<p> <br> </p>",
	    CS_ERR_FORMAT, "\"Zorgen\" is empty");
	TEST_DONE();
}

static void
test_limits(void)
{
	struct report_parsed	 p;
	char			 why[REPORT_WHY_MAX], *s, *big;
	size_t			 n, i;

	TEST_START("size, bytes and nesting limits");
	s = draft("casesync raad 3fa9c1");
	n = strlen(s);
	/* padded with a comment to exactly REPORT_FILE_MAX: accepted */
	ASSERT_PTR_NE(big = malloc(REPORT_FILE_MAX + 2), NULL);
	memcpy(big, s, n);
	memcpy(big + n, "<!--", 4);
	memset(big + n + 4, 'x', REPORT_FILE_MAX - n - 7);
	memcpy(big + REPORT_FILE_MAX - 3, "-->", 3);
	ASSERT_INT_EQ(report_parse(big, REPORT_FILE_MAX, &p, why), 0);
	report_parsed_clear(&p);
	big[REPORT_FILE_MAX] = ' ';
	ASSERT_INT_EQ(report_parse(big, REPORT_FILE_MAX + 1, &p, why),
	    CS_ERR_TOO_LARGE);
	ASSERT_TRUE(strstr(why, "larger than") != NULL);
	/* the file ends inside the comment */
	ASSERT_INT_EQ(report_parse(big, REPORT_FILE_MAX - 3, &p, why),
	    CS_ERR_FORMAT);
	ASSERT_TRUE(strstr(why, "inside a comment") != NULL);
	free(big);
	/* a NUL byte, bad UTF-8 */
	ASSERT_INT_EQ(report_parse(s, n + 1, &p, why), CS_ERR_FORMAT);
	ASSERT_TRUE(strstr(why, "not UTF-8") != NULL);
	s[n / 2] = (char)0xff;
	ASSERT_INT_EQ(report_parse(s, n, &p, why), CS_ERR_FORMAT);
	free(s);
	/* nesting */
	ASSERT_PTR_NE(big = malloc(16 * (REPORT_DEPTH_MAX + 2) + 1), NULL);
	for (i = 0; i < REPORT_DEPTH_MAX + 1; i++)
		memcpy(big + 5 * i, "<div>", 5);
	big[5 * i] = '\0';
	ASSERT_INT_EQ(parse(big, &p, why), CS_ERR_FORMAT);
	ASSERT_TRUE(strstr(why, "deeper") != NULL);
	free(big);
	/* the file ends in the middle of things */
	ASSERT_INT_EQ(parse("<p class=\"x", &p, why), CS_ERR_FORMAT);
	ASSERT_TRUE(strstr(why, "inside an attribute") != NULL);
	ASSERT_INT_EQ(parse("<p class=x", &p, why), CS_ERR_FORMAT);
	ASSERT_TRUE(strstr(why, "inside a tag") != NULL);
	ASSERT_INT_EQ(parse("<style>p{}", &p, why), CS_ERR_FORMAT);
	ASSERT_TRUE(strstr(why, "inside <style>") != NULL);
	ASSERT_INT_EQ(parse("", &p, why), CS_ERR_FORMAT);
	ASSERT_TRUE(strstr(why, "\"Aanleiding\" is missing") != NULL);
	TEST_DONE();
}

int
main(void)
{
	test_round_trip();
	test_browser();
	test_hostile();
	test_limits();
	return 0;
}
