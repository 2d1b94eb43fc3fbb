/* SPDX-License-Identifier: ISC */
/*
 * test_json.c - the JSON writer: escaping of quotes, backslashes and
 * every control character, UTF-8 passed through, invalid UTF-8 replaced
 * by U+FFFD, nesting and separators, int64 at its limits, misuse
 * (value without key, unbalanced, too deep) reported by json_end,
 * local times with their offset, and bytes (json_kv_bytes) as text or
 * null.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "errors.h"
#include "json.h"
#include "test.h"

static char	*out;
static size_t	 outlen;

static FILE *
mem_open(void)
{
	FILE	*f;

	free(out);
	out = NULL;
	outlen = 0;
	f = open_memstream(&out, &outlen);
	if (f == NULL)
		abort();
	return f;
}

static int
mem_close(FILE *f)
{
	return fclose(f);
}

static void
test_json_escape(void)
{
	struct json	j;
	FILE		*f;
	static const char	in[] = "a\"b\\c\n\t\r\x01\x1f\x7f"
	    "\xc2\x80 caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80";

	TEST_START("strings: escapes, control characters, UTF-8 kept");
	f = mem_open();
	json_init(&j, f);
	json_str(&j, in);
	ASSERT_INT_EQ(json_end(&j), 0);
	mem_close(f);
	ASSERT_STR_EQ(out, "\"a\\\"b\\\\c\\n\\t\\r\\u0001\\u001f\\u007f"
	    "\\u0080 caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\"\n");
	f = mem_open();
	json_init(&j, f);
	json_strn(&j, "a\0b", 3);
	ASSERT_INT_EQ(json_end(&j), 0);
	mem_close(f);
	ASSERT_STR_EQ(out, "\"a\\u0000b\"\n");
	TEST_DONE();
}

static void
test_json_bad_utf8(void)
{
	struct json	j;
	FILE		*f;

	TEST_START("invalid UTF-8 becomes U+FFFD, one per bad byte");
	f = mem_open();
	json_init(&j, f);
	json_arr_begin(&j);
	json_str(&j, "x\xff y");		/* a byte that cannot lead */
	json_str(&j, "\xc0\xaf");		/* overlong "/" */
	json_str(&j, "\xed\xa0\x80");		/* a surrogate */
	json_str(&j, "end\xe2\x82");		/* cut short */
	json_arr_end(&j);
	ASSERT_INT_EQ(json_end(&j), 0);
	mem_close(f);
	ASSERT_STR_EQ(out, "[\"x\xef\xbf\xbd y\","
	    "\"\xef\xbf\xbd\xef\xbf\xbd\","
	    "\"\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\","
	    "\"end\xef\xbf\xbd\xef\xbf\xbd\"]\n");
	TEST_DONE();
}

static void
test_json_nesting(void)
{
	struct json	j;
	FILE		*f;

	TEST_START("nesting, separators, numbers at the limits, null, bool");
	f = mem_open();
	json_init(&j, f);
	json_obj_begin(&j);
	json_kv_int(&j, "min", INT64_MIN);
	json_kv_int(&j, "max", INT64_MAX);
	json_kv_int(&j, "zero", 0);
	json_key(&j, "list");
	json_arr_begin(&j);
	json_obj_begin(&j);
	json_obj_end(&j);
	json_arr_begin(&j);
	json_arr_end(&j);
	json_null(&j);
	json_bool(&j, 1);
	json_arr_end(&j);
	json_kv_bool(&j, "no", 0);
	json_kv_str(&j, "s\"k", NULL);
	json_obj_end(&j);
	ASSERT_INT_EQ(json_end(&j), 0);
	mem_close(f);
	ASSERT_STR_EQ(out, "{\"min\":-9223372036854775808,"
	    "\"max\":9223372036854775807,\"zero\":0,"
	    "\"list\":[{},[],null,true],\"no\":false,\"s\\\"k\":null}\n");
	TEST_DONE();
}

static void
test_json_misuse(void)
{
	struct json	j;
	FILE		*f;
	int		i;

	TEST_START("misuse is reported by json_end");
	f = mem_open();
	json_init(&j, f);
	json_obj_begin(&j);
	json_int(&j, 1);			/* a value without a key */
	json_obj_end(&j);
	ASSERT_INT_EQ(json_end(&j), CS_ERR_INTERNAL);
	mem_close(f);

	f = mem_open();
	json_init(&j, f);
	json_arr_begin(&j);
	ASSERT_INT_EQ(json_end(&j), CS_ERR_INTERNAL);	/* unbalanced */
	mem_close(f);

	f = mem_open();
	json_init(&j, f);
	json_obj_begin(&j);
	json_key(&j, "k");
	json_obj_end(&j);			/* key without value */
	ASSERT_INT_EQ(json_end(&j), CS_ERR_INTERNAL);
	mem_close(f);

	f = mem_open();
	json_init(&j, f);
	json_arr_begin(&j);
	json_arr_end(&j);
	json_int(&j, 2);			/* a second top-level value */
	ASSERT_INT_EQ(json_end(&j), CS_ERR_INTERNAL);
	mem_close(f);

	f = mem_open();
	json_init(&j, f);
	for (i = 0; i < JSON_DEPTH_MAX + 1; i++)
		json_arr_begin(&j);
	ASSERT_INT_EQ(json_end(&j), CS_ERR_INTERNAL);	/* too deep */
	mem_close(f);

	f = mem_open();
	json_init(&j, f);
	ASSERT_INT_EQ(json_end(&j), CS_ERR_INTERNAL);	/* nothing */
	mem_close(f);
	TEST_DONE();
}

static void
test_json_time(void)
{
	struct json	j;
	FILE		*f;
	char		t[JSON_TIME_LEN];

	TEST_START("times: local with offset, _epoch, null for never");
	ASSERT_INT_EQ(setenv("TZ", "Europe/Amsterdam", 1), 0);
	tzset();
	ASSERT_INT_EQ(json_time_fmt(t, 1796526600), 0);
	ASSERT_STR_EQ(t, "2026-12-06T04:10:00+01:00");
	ASSERT_INT_EQ(json_time_fmt(t, 1782958200), 0);	/* summer */
	ASSERT_STR_EQ(t, "2026-07-02T04:10:00+02:00");
	ASSERT_INT_EQ(json_time_fmt(t, (int64_t)1 << 40), -1);
	f = mem_open();
	json_init(&j, f);
	json_obj_begin(&j);
	json_kv_time(&j, "at", 1796526600);
	json_kv_time(&j, "never", 0);
	json_obj_end(&j);
	ASSERT_INT_EQ(json_end(&j), 0);
	mem_close(f);
	ASSERT_STR_EQ(out, "{\"at\":\"2026-12-06T04:10:00+01:00\","
	    "\"at_epoch\":1796526600,\"never\":null,\"never_epoch\":null}\n");
	TEST_DONE();
}

static void
test_json_bytes(void)
{
	struct json	j;
	FILE		*f;

	TEST_START("bytes: text as a string, anything else null, never changed");
	f = mem_open();
	json_init(&j, f);
	json_obj_begin(&j);
	json_kv_bytes(&j, "text", (const uint8_t *)"caf\xc3\xa9 \"x\"", 9);
	json_kv_bytes(&j, "empty", NULL, 0);
	json_kv_bytes(&j, "nul", (const uint8_t *)"a\0b", 3);
	json_kv_bytes(&j, "bad", (const uint8_t *)"Stra\xfft", 6);
	json_kv_bytes(&j, "cut", (const uint8_t *)"caf\xc3\xa9", 4);
	json_obj_end(&j);
	ASSERT_INT_EQ(json_end(&j), 0);
	mem_close(f);
	ASSERT_STR_EQ(out, "{\"text\":\"caf\xc3\xa9 \\\"x\\\"\",\"empty\":\"\","
	    "\"nul\":null,\"bad\":null,\"cut\":null}\n");
	TEST_DONE();
}

int
main(void)
{
	test_json_escape();
	test_json_bad_utf8();
	test_json_nesting();
	test_json_misuse();
	test_json_time();
	test_json_bytes();
	free(out);
	return 0;
}
