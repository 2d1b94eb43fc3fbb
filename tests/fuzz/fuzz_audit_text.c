/* SPDX-License-Identifier: ISC */
/*
 * fuzz_audit_text.c - libFuzzer target for the text of the audit log
 * (server/audit_text.c) and the checkpoint line (server/audit_witness.c).
 * Arbitrary bytes as a string: audit_csv_field() must fit in 5 * len + 4
 * bytes, be quoted, hold no C0, DEL or C1 control character, guard a
 * leading = + - @ TAB CR, and agree with audit_text_ok() about whether
 * anything was escaped.  The same bytes as a checkpoint line: one that
 * audit_cpline_parse() accepts must be the canonical line that
 * audit_cpline_format() writes for what it parsed.
 *
 * Build: clang -fsanitize=fuzzer,address,undefined with
 * server/audit_text.c, server/audit_witness.c and the BASE sources of
 * scripts/fuzz.sh.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "audit_text.h"
#include "audit_witness.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define CHECK(c)	do { if (!(c)) abort(); } while (0)

static void
check_csv(const char *s, size_t len)
{
	char		*f;
	const uint8_t	*p;
	size_t		 n, flen = 5 * len + 4;

	CHECK((f = malloc(flen)) != NULL);
	CHECK(audit_csv_field(f, flen, s) == 0);
	n = strlen(f);
	CHECK(n >= 2 && f[0] == '"' && f[n - 1] == '"');
	if (len > 0 && strchr("=+-@\t\r", s[0]) != NULL)
		CHECK(f[1] == '\'');
	for (p = (const uint8_t *)f; *p != '\0'; p++) {
		CHECK(*p >= 0x20 && *p != 0x7f);
		CHECK(!(p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f));
	}
	/* clean text comes out as it went in, quotes doubled */
	if (audit_text_ok(s) && strchr(s, '"') == NULL && strchr("=+-@",
	    s[0]) == NULL)
		CHECK(n == len + 2 && memcmp(f + 1, s, len) == 0);
	free(f);
}

static void
check_line(const uint8_t *data, size_t size)
{
	struct audit_checkpoint	cp;
	char			line[AUDIT_CP_LINE_MAX];
	size_t			len = size;

	if (audit_cpline_parse((const char *)data, size, &cp) != 0)
		return;
	CHECK(audit_cpline_format(&cp, line, sizeof(line)) == 0);
	if (len > 0 && data[len - 1] == '\n')
		len--;
	CHECK(strlen(line) == len + 1 && memcmp(line, data, len) == 0);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	*s;

	if (size > 4096)
		return 0;
	check_line(data, size);
	if ((s = malloc(size + 1)) == NULL)
		return 0;
	memcpy(s, data, size);
	s[size] = '\0';
	check_csv(s, strlen(s));
	free(s);
	return 0;
}
