/* SPDX-License-Identifier: ISC */
/*
 * test_audit_text.c - unit tests for audit_text.c: what counts as clean
 * text in an entry (strict UTF-8 without C0, DEL, C1), the escaping of
 * a field that is not, and the CSV field of the export: quoting,
 * control characters (C0, DEL, C1, bytes that are not UTF-8) escaped,
 * the formula guard for = + - @ TAB CR, and the size bound.
 */
#include <stdio.h>
#include <string.h>

#include "audit.h"
#include "audit_text.h"
#include "errors.h"
#include "test.h"

static void
test_text_ok(void)
{
	TEST_START("audit_text_ok");
	ASSERT_INT_EQ(audit_text_ok(""), 1);
	ASSERT_INT_EQ(audit_text_ok("anna de Vries"), 1);
	ASSERT_INT_EQ(audit_text_ok("Jos\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80"),
	    1);
	ASSERT_INT_EQ(audit_text_ok("a\x1b[2J"), 0);		/* ESC */
	ASSERT_INT_EQ(audit_text_ok("a\tb"), 0);
	ASSERT_INT_EQ(audit_text_ok("a\rb"), 0);
	ASSERT_INT_EQ(audit_text_ok("a\nb"), 0);
	ASSERT_INT_EQ(audit_text_ok("a\x7f"), 0);		/* DEL */
	ASSERT_INT_EQ(audit_text_ok("a\xc2\x9b" "31m"), 0);	/* C1 CSI */
	ASSERT_INT_EQ(audit_text_ok("a\xc2\x85"), 0);		/* NEL */
	ASSERT_INT_EQ(audit_text_ok("a\xc2\xa0"), 1);		/* NBSP */
	ASSERT_INT_EQ(audit_text_ok("a\x9b"), 0);		/* raw byte */
	ASSERT_INT_EQ(audit_text_ok("\xc0\xaf"), 0);		/* overlong */
	ASSERT_INT_EQ(audit_text_ok("\xed\xa0\x80"), 0);	/* surrogate */
	ASSERT_INT_EQ(audit_text_ok("\xe2\x82"), 0);		/* truncated */
	TEST_DONE();
}

static void
test_entry_clean(void)
{
	struct audit_entry	e;
	char			long_esc[AUDIT_STR_MAX + 1];

	TEST_START("audit_entry_clean");
	audit_entry_init(&e, "member_add", AUDIT_UPDATE, 0);
	audit_set(e.object_id, "x\x1b]0;owned\x07y");
	audit_set(e.user, "Jos\xc3\xa9");
	audit_set(e.client_ref, "\t=1+1");
	audit_set(e.detail, "C1\xc2\x9b" "2J");
	memset(long_esc, 0x1b, AUDIT_STR_MAX);
	long_esc[AUDIT_STR_MAX] = '\0';
	audit_set(e.purpose, long_esc);
	audit_entry_clean(&e);
	ASSERT_STR_EQ(e.object_id, "x\\x1b]0;owned\\x07y");
	ASSERT_STR_EQ(e.user, "Jos\xc3\xa9");		/* clean: kept */
	ASSERT_STR_EQ(e.client_ref, "\\x09=1+1");
	ASSERT_STR_EQ(e.detail, "C1\\xc2\\x9b2J");
	ASSERT_INT_EQ(audit_text_ok(e.purpose), 1);
	ASSERT_INT_EQ(strlen(e.purpose) <= AUDIT_STR_MAX, 1);
	ASSERT_STR_EQ(e.type, "member_add");
	TEST_DONE();
}

static void
test_csv(void)
{
	char	f[64], big[5 * 8 + 4];

	TEST_START("audit_csv_field");
	ASSERT_INT_EQ(audit_csv_field(f, sizeof(f), ""), 0);
	ASSERT_STR_EQ(f, "\"\"");
	ASSERT_INT_EQ(audit_csv_field(f, sizeof(f), "anna"), 0);
	ASSERT_STR_EQ(f, "\"anna\"");
	ASSERT_INT_EQ(audit_csv_field(f, sizeof(f), "say \"hi\", ok"), 0);
	ASSERT_STR_EQ(f, "\"say \"\"hi\"\", ok\"");
	ASSERT_INT_EQ(audit_csv_field(f, sizeof(f), "Jos\xc3\xa9"), 0);
	ASSERT_STR_EQ(f, "\"Jos\xc3\xa9\"");
	/* the formula guard */
	ASSERT_INT_EQ(audit_csv_field(f, sizeof(f), "=HYPERLINK(1)"), 0);
	ASSERT_STR_EQ(f, "\"'=HYPERLINK(1)\"");
	ASSERT_INT_EQ(audit_csv_field(f, sizeof(f), "+1"), 0);
	ASSERT_STR_EQ(f, "\"'+1\"");
	ASSERT_INT_EQ(audit_csv_field(f, sizeof(f), "-1"), 0);
	ASSERT_STR_EQ(f, "\"'-1\"");
	ASSERT_INT_EQ(audit_csv_field(f, sizeof(f), "@SUM(1)"), 0);
	ASSERT_STR_EQ(f, "\"'@SUM(1)\"");
	ASSERT_INT_EQ(audit_csv_field(f, sizeof(f), "\t=1"), 0);
	ASSERT_STR_EQ(f, "\"'\\x09=1\"");
	ASSERT_INT_EQ(audit_csv_field(f, sizeof(f), "\r=1"), 0);
	ASSERT_STR_EQ(f, "\"'\\x0d=1\"");
	ASSERT_INT_EQ(audit_csv_field(f, sizeof(f), "a=1"), 0);
	ASSERT_STR_EQ(f, "\"a=1\"");
	/* C0, DEL, C1 and stray bytes are escaped, byte by byte */
	ASSERT_INT_EQ(audit_csv_field(f, sizeof(f), "a\x1b[2Jb\nc"), 0);
	ASSERT_STR_EQ(f, "\"a\\x1b[2Jb\\x0ac\"");
	ASSERT_INT_EQ(audit_csv_field(f, sizeof(f), "\x7f\xc2\x9b\xc2\xa0"), 0);
	ASSERT_STR_EQ(f, "\"\\x7f\\xc2\\x9b\xc2\xa0\"");
	ASSERT_INT_EQ(audit_csv_field(f, sizeof(f), "\x9b" "1"), 0);
	ASSERT_STR_EQ(f, "\"\\x9b1\"");
	ASSERT_INT_EQ(audit_csv_field(f, sizeof(f), "\xe2\x82"), 0);
	ASSERT_STR_EQ(f, "\"\\xe2\\x82\"");
	/* size: 5 * len + 4 always fits; one byte less may not */
	ASSERT_INT_EQ(audit_csv_field(big, sizeof(big), "\t\x01\x02\x03\x04"
	    "\x05\x06\x07"), 0);
	ASSERT_INT_EQ(strlen(big), 2 + 1 + 8 * 4);
	ASSERT_INT_EQ(audit_csv_field(f, 3, ""), 0);
	ASSERT_INT_EQ(audit_csv_field(f, 2, ""), CS_ERR_TOO_LARGE);
	ASSERT_STR_EQ(f, "");
	ASSERT_INT_EQ(audit_csv_field(f, 5, "abc"), CS_ERR_TOO_LARGE);
	ASSERT_STR_EQ(f, "");
	ASSERT_INT_EQ(audit_csv_field(f, 6, "abc"), 0);
	ASSERT_INT_EQ(audit_csv_field(f, 6, "\x1b"), CS_ERR_TOO_LARGE);
	ASSERT_INT_EQ(audit_csv_field(f, 7, "\x1b"), 0);
	ASSERT_STR_EQ(f, "\"\\x1b\"");
	ASSERT_INT_EQ(audit_csv_field(f, 5, "a\""), CS_ERR_TOO_LARGE);
	ASSERT_INT_EQ(audit_csv_field(f, 6, "a\""), 0);
	ASSERT_STR_EQ(f, "\"a\"\"\"");
	TEST_DONE();
}

int
main(void)
{
	test_text_ok();
	test_entry_clean();
	test_csv();
	return 0;
}
