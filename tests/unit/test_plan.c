/* SPDX-License-Identifier: ISC */
/*
 * test_plan.c - the one plan (client/core/plan.c): its id derived from
 * the case id (known answers, the UUID's version and variant bits), who
 * may agree, version numbering; and the line diff (textdiff.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "errors.h"
#include "msg.h"
#include "plan.h"
#include "textdiff.h"
#include "test.h"

static void
test_plan_id(void)
{
	char	a[DB_UUID_LEN + 1], b[DB_UUID_LEN + 1], c[DB_UUID_LEN + 1];
	uint8_t	h[16], in[64];
	char	hex[33];
	size_t	i, j;

	TEST_START("the plan id is derived from the case id");
	plan_record_id("0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", a);
	plan_record_id("0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", b);
	plan_record_id("0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5c", c);
	ASSERT_STR_EQ(a, b);			/* two laptops, one id */
	ASSERT_INT_NE(strcmp(a, c), 0);		/* another case, another */
	ASSERT_INT_EQ(wire_uuid_ok(a), 1);
	ASSERT_INT_EQ(a[14], '8');		/* version 8 */
	ASSERT_TRUE(strchr("89ab", a[19]) != NULL);	/* variant 10 */
	/* the construction as documented: BLAKE2b-128 of label NUL id */
	memcpy(in, "casesync plan v1", 17);
	memcpy(in + 17, "0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b", 36);
	ASSERT_INT_EQ(crypto_generichash(h, sizeof(h), in, 17 + 36, NULL, 0),
	    0);
	h[6] = (uint8_t)((h[6] & 0x0f) | 0x80);
	h[8] = (uint8_t)((h[8] & 0x3f) | 0x80);
	for (i = 0; i < 16; i++)
		(void)snprintf(hex + 2 * i, 3, "%02x", h[i]);
	for (i = j = 0; a[i] != '\0'; i++)
		if (a[i] != '-')
			ASSERT_INT_EQ(a[i], hex[j++]);
	ASSERT_INT_EQ(j, 32);
	TEST_DONE();
}

static void
test_agreed(void)
{
	const char	*why;

	TEST_START("who may agree to a plan");
	ASSERT_INT_EQ(plan_agreed_ok("parents", &why), 0);
	ASSERT_INT_EQ(plan_agreed_ok("parents,wijkteam,jeugdbeschermer,kind",
	    &why), 0);
	ASSERT_INT_EQ(plan_agreed_ok("", &why), CS_ERR_FORMAT);
	ASSERT_INT_EQ(plan_agreed_ok("parents,", &why), CS_ERR_FORMAT);
	ASSERT_INT_EQ(plan_agreed_ok(",parents", &why), CS_ERR_FORMAT);
	ASSERT_INT_EQ(plan_agreed_ok("parent", &why), CS_ERR_FORMAT);
	ASSERT_INT_EQ(plan_agreed_ok("parentsx", &why), CS_ERR_FORMAT);
	ASSERT_INT_EQ(plan_agreed_ok("Femke de Vries", &why), CS_ERR_FORMAT);
	ASSERT_INT_EQ(plan_agreed_ok("kind,kind", &why), CS_ERR_FORMAT);
	ASSERT_STR_EQ(why, "named twice");
	ASSERT_INT_EQ(plan_agreed_ok("parents|wijkteam", &why),
	    CS_ERR_FORMAT);
	TEST_DONE();
}

static void
test_numbering(void)
{
	const int64_t	none[1] = { 0 }, some[4] = { 1, 3, 0, 2 };
	const int64_t	dup[3] = { 1, 2, 2 };

	TEST_START("plan versions are numbered 1, 2, ...");
	ASSERT_INT_EQ(plan_version_next(NULL, 0), 1);
	ASSERT_INT_EQ(plan_version_next(none, 1), 1);	/* unreadable: 0 */
	ASSERT_INT_EQ(plan_version_next(some, 4), 4);
	/* two agreed offline as 2 each: the next is 3 */
	ASSERT_INT_EQ(plan_version_next(dup, 3), 3);
	TEST_DONE();
}

struct diffout {
	char	buf[4096];
	size_t	len;
};

static int
diff_cb(enum textdiff_op op, const char *line, size_t len, void *arg)
{
	struct diffout	*d = arg;
	int		 n;

	n = snprintf(d->buf + d->len, sizeof(d->buf) - d->len, "%c%.*s|",
	    (int)op, (int)len, line);
	if (n < 0 || (size_t)n >= sizeof(d->buf) - d->len)
		return CS_ERR_TOO_LARGE;
	d->len += (size_t)n;
	return 0;
}

static const char *
diff(const char *a, const char *b)
{
	static struct diffout	d;

	memset(&d, 0, sizeof(d));
	if (textdiff(a, strlen(a), b, strlen(b), diff_cb, &d) != 0)
		return "(error)";
	return d.buf;
}

static int
stop_cb(enum textdiff_op op, const char *line, size_t len, void *arg)
{
	(void)op;
	(void)line;
	(void)len;
	(void)arg;
	return 7;
}

static void
test_textdiff(void)
{
	char	*big1, *big2;
	size_t	 i, n = (TEXTDIFF_LINES_MAX + 1) * 2;

	TEST_START("textdiff: a line diff by longest common subsequence");
	ASSERT_STR_EQ(diff("", ""), "");
	ASSERT_STR_EQ(diff("a\nb\n", "a\nb\n"), " a| b|");
	ASSERT_STR_EQ(diff("a\nb", "a\nb\n"), " a| b|");
	ASSERT_STR_EQ(diff("", "x\n"), "+x|");
	ASSERT_STR_EQ(diff("x\n", ""), "-x|");
	ASSERT_STR_EQ(diff("a\nb\nc\n", "a\nc\n"), " a|-b| c|");
	ASSERT_STR_EQ(diff("a\nc\n", "a\nb\nc\n"), " a|+b| c|");
	ASSERT_STR_EQ(diff("a\nb\nc\n", "a\nB\nc\n"), " a|-b|+B| c|");
	/* the common subsequence is kept, whatever moves around it */
	ASSERT_STR_EQ(diff("x\na\nb\nc\ny\n", "z\nb\nc\na\ny\n"),
	    "-x|-a|+z| b| c|+a| y|");
	ASSERT_STR_EQ(diff("a\n\nb\n", "a\nb\n"), " a|-| b|");
	ASSERT_INT_EQ(textdiff("a\n", 2, "b\n", 2, stop_cb, NULL), 7);
	/* too many lines that differ: refused, never a huge table */
	ASSERT_PTR_NE(big1 = malloc(n + 1), NULL);
	ASSERT_PTR_NE(big2 = malloc(n + 1), NULL);
	for (i = 0; i < n; i += 2) {
		big1[i] = 'a';
		big2[i] = 'b';
		big1[i + 1] = big2[i + 1] = '\n';
	}
	ASSERT_INT_EQ(textdiff(big1, n, big2, n, diff_cb, NULL),
	    CS_ERR_TOO_LARGE);
	/* the same lines: head and tail take them without a table */
	ASSERT_INT_EQ(textdiff(big1, n, big1, n, stop_cb, NULL), 7);
	free(big1);
	free(big2);
	TEST_DONE();
}

int
main(void)
{
	if (sodium_init() < 0)
		return 1;
	test_plan_id();
	test_agreed();
	test_numbering();
	test_textdiff();
	return 0;
}
