/* SPDX-License-Identifier: ISC */
/*
 * fuzz_report_parse.c - libFuzzer target for the edited draft of a Raad
 * melding or OTS verlenging read back (client/core/report_parse.c,
 * report_parse()): the input is the file, as `report final` reads it.
 * Checked besides "no crash":
 *   - the result is 0, CS_ERR_FORMAT, CS_ERR_TOO_LARGE or CS_ERR_ALLOC,
 *     and a refusal says why (a terminated, non-empty sentence);
 *   - what is accepted is what a record may hold: each section's text
 *     non-empty, at most SCHEMA_LONG_MAX bytes, UTF-8 without control
 *     characters (C0, DEL, C1) but newlines, no empty line, no line starting or
 *     ending with a space; the Kenmerk's ids are lower-case hex (and
 *     '-') of IDS_INPUT_MIN or more, a child's only for a verlenging;
 *   - round trip: the accepted texts made into a draft again as
 *     report_raad.c and report_final.c make one (a line "- x" an item,
 *     any other a paragraph), rendered by doc_html(), parse back to the
 *     same type, ids and texts.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "doc.h"
#include "errors.h"
#include "log.h"
#include "report_raad.h"
#include "schema.h"
#include "util.h"

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_init(1, "fuzz_report_parse");
	return 0;
}

static void
text_ok(const char *t)
{
	size_t	n = strlen(t), i;

	if (n == 0 || n > SCHEMA_LONG_MAX || !utf8_valid(t, n) ||
	    t[0] == ' ' || t[0] == '\n' || t[n - 1] == ' ' || t[n - 1] == '\n')
		abort();
	for (i = 0; i < n; i++) {
		if (((unsigned char)t[i] < 0x20 && t[i] != '\n') ||
		    t[i] == 0x7f || ((unsigned char)t[i] == 0xc2 &&
		    (unsigned char)t[i + 1] >= 0x80 &&
		    (unsigned char)t[i + 1] < 0xa0))
			abort();
		if (t[i] == '\n' && (t[i + 1] == '\n' || t[i + 1] == ' ' ||
		    t[i - 1] == ' '))
			abort();
	}
}

static void
ref_ok(const char *r, int want)
{
	size_t	n = strlen(r);

	if (!want) {
		if (n != 0)
			abort();
		return;
	}
	if (n < IDS_INPUT_MIN || n >= IDS_SHORT_SIZE ||
	    strspn(r, "0123456789abcdef-") != n)
		abort();
}

/* The parsed draft made into a draft again, as HTML. */
static struct buf *
again(const struct report_parsed *p)
{
	struct doc	*d = NULL;
	struct buf	*b = NULL;
	char		 k[128], *line;
	const char	*t, *e;
	size_t		 i, n;

	if ((line = malloc(SCHEMA_LONG_MAX + 1)) == NULL)
		abort();
	(void)snprintf(k, sizeof(k), "casesync %s %s%s%s",
	    report_type_name(p->type), p->case_ref,
	    p->child_ref[0] != '\0' ? " " : "", p->child_ref);
	if (doc_new("Concept", &d) != 0 || doc_fact(d, "Kenmerk", k) != 0 ||
	    doc_set_footer(d, "Vertrouwelijk") != 0)
		abort();
	doc_set_draft(d, 1);
	for (i = 0; i < REPORT_SECTIONS; i++) {
		if (doc_heading(d, 1, report_sections[i].heading) != 0)
			abort();
		for (t = p->text[i]; *t != '\0'; t = *e != '\0' ? e + 1 : e) {
			if ((e = strchr(t, '\n')) == NULL)
				e = t + strlen(t);
			n = (size_t)(e - t);
			memcpy(line, t, n);
			line[n] = '\0';
			if ((n > 2 && line[0] == '-' && line[1] == ' ' ?
			    doc_item(d, line + 2) : doc_para(d, line)) != 0)
				abort();
		}
	}
	if ((b = buf_new(16 * 1024 * 1024)) == NULL || doc_html(d, b) != 0)
		abort();
	doc_free(d);
	free(line);
	return b;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct report_parsed	 p, q;
	struct buf		*b;
	char			 why[REPORT_WHY_MAX];
	size_t			 i;
	int			 r;

	memset(why, 'x', sizeof(why));
	r = report_parse((const char *)data, size, &p, why);
	if (r != 0) {
		if ((r != CS_ERR_FORMAT && r != CS_ERR_TOO_LARGE &&
		    r != CS_ERR_ALLOC) || why[0] == '\0' ||
		    memchr(why, '\0', sizeof(why)) == NULL)
			abort();
		report_parsed_clear(&p);
		return 0;
	}
	for (i = 0; i < REPORT_SECTIONS; i++)
		text_ok(p.text[i]);
	ref_ok(p.case_ref, 1);
	ref_ok(p.child_ref, p.type == REPORT_VERLENGING);
	b = again(&p);
	if (report_parse((const char *)buf_ptr(b), buf_len(b), &q, why) != 0 ||
	    q.type != p.type || strcmp(q.case_ref, p.case_ref) != 0 ||
	    strcmp(q.child_ref, p.child_ref) != 0)
		abort();
	for (i = 0; i < REPORT_SECTIONS; i++)
		if (strcmp(p.text[i], q.text[i]) != 0)
			abort();
	report_parsed_clear(&q);
	report_parsed_clear(&p);
	buf_free(b);
	return 0;
}
