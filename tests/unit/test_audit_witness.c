/* SPDX-License-Identifier: ISC */
/*
 * test_audit_witness.c - unit tests for audit_witness.c: the line of a
 * checkpoint round-trips, every other spelling is refused (upper-case
 * hex, leading zeros, missing or extra fields and spaces, short hex,
 * a value beyond INT64_MAX), and the checkpoint file: appended lines
 * are read back in order, a malformed line is passed as NULL, a torn
 * last line is reported and skipped, and the last complete line is
 * found from the end of the file.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "audit_witness.h"
#include "errors.h"
#include "test.h"

static void
cp_fill(struct audit_checkpoint *cp, int64_t size, uint8_t b)
{
	memset(cp, 0, sizeof(*cp));
	cp->size = size;
	cp->time = 1796058002;
	memset(cp->root, b, sizeof(cp->root));
	memset(cp->sig, b ^ 0x5a, sizeof(cp->sig));
}

static void
test_line(void)
{
	struct audit_checkpoint	cp, back;
	char			line[AUDIT_CP_LINE_MAX], bad[2 * AUDIT_CP_LINE_MAX];
	char			*p;

	TEST_START("audit_cpline format and parse");
	cp_fill(&cp, 42, 0xab);
	ASSERT_INT_EQ(audit_cpline_format(&cp, line, sizeof(line)), 0);
	ASSERT_INT_EQ(strncmp(line, "casesync-checkpoint-v1 42 abab", 30), 0);
	ASSERT_INT_EQ(line[strlen(line) - 1], '\n');
	ASSERT_INT_EQ(audit_cpline_parse(line, strlen(line), &back), 0);
	ASSERT_INT_EQ(back.size, 42);
	ASSERT_INT_EQ(back.time, 1796058002);
	ASSERT_MEM_EQ(back.root, cp.root, sizeof(cp.root));
	ASSERT_MEM_EQ(back.sig, cp.sig, sizeof(cp.sig));
	/* without the newline too */
	ASSERT_INT_EQ(audit_cpline_parse(line, strlen(line) - 1, &back), 0);
	ASSERT_INT_EQ(audit_cpline_format(&cp, line, 100), CS_ERR_TOO_LARGE);
	ASSERT_INT_EQ(audit_cpline_format(&cp, line, sizeof(line)), 0);

	/* upper-case hex */
	memcpy(bad, line, sizeof(line));	/* NUL-terminated */
	p = strchr(bad, 'a');
	*p = 'A';
	ASSERT_INT_EQ(audit_cpline_parse(bad, strlen(bad), &back),
	    CS_ERR_FORMAT);
	ASSERT_INT_EQ(back.size, 0);
	/* leading zero, extra space, other tag, short signature */
	ASSERT_INT_EQ(audit_cpline_parse("casesync-checkpoint-v1 042 ", 27,
	    &back), CS_ERR_FORMAT);
	(void)snprintf(bad, sizeof(bad), "%.*s %s", 25, line, line + 25);
	ASSERT_INT_EQ(audit_cpline_parse(bad, strlen(bad), &back),
	    CS_ERR_FORMAT);
	(void)snprintf(bad, sizeof(bad), "casesync-checkpoint-v2%s",
	    line + 22);
	ASSERT_INT_EQ(audit_cpline_parse(bad, strlen(bad), &back),
	    CS_ERR_FORMAT);
	ASSERT_INT_EQ(audit_cpline_parse(line, strlen(line) - 3, &back),
	    CS_ERR_FORMAT);
	(void)snprintf(bad, sizeof(bad), "%.*s x\n", (int)strlen(line) - 1,
	    line);
	ASSERT_INT_EQ(audit_cpline_parse(bad, strlen(bad), &back),
	    CS_ERR_FORMAT);
	ASSERT_INT_EQ(audit_cpline_parse("", 0, &back), CS_ERR_FORMAT);
	/* a NUL or a sign inside a number (found by fuzz_audit_text) */
	memcpy(bad, line, sizeof(line));
	bad[24] = '\0';		/* "42" -> "4\0" */
	ASSERT_INT_EQ(audit_cpline_parse(bad, strlen(line), &back),
	    CS_ERR_FORMAT);
	bad[23] = '+';
	bad[24] = '2';
	ASSERT_INT_EQ(audit_cpline_parse(bad, strlen(line), &back),
	    CS_ERR_FORMAT);
	/* sizes beyond INT64_MAX */
	(void)snprintf(bad, sizeof(bad), "casesync-checkpoint-v1 "
	    "9223372036854775808%s", line + 25);
	ASSERT_INT_EQ(audit_cpline_parse(bad, strlen(bad), &back),
	    CS_ERR_FORMAT);
	TEST_DONE();
}

static int
count_cb(const struct audit_checkpoint *cp, size_t line, void *arg)
{
	int64_t	*seen = arg;

	if (cp == NULL)
		seen[line] = -1;
	else
		seen[line] = cp->size;
	return 0;
}

static void
test_file(void)
{
	struct audit_checkpoint	cp, last;
	char			dir[] = "/tmp/test_audit_witness.XXXXXX";
	char			path[256];
	int64_t			seen[8];
	int			fd, torn;

	TEST_START("audit-checkpoints.log");
	ASSERT_PTR_NE(mkdtemp(dir), NULL);
	(void)snprintf(path, sizeof(path), "%s/%s", dir, AUDIT_CP_FILE);
	ASSERT_INT_EQ(audit_cpfile_open(dir, &fd), 0);
	ASSERT_INT_EQ(audit_cpfile_last(fd, &last), CS_ERR_NOT_FOUND);
	cp_fill(&cp, 1, 1);
	ASSERT_INT_EQ(audit_cpfile_append(fd, &cp), 0);
	cp_fill(&cp, 5, 2);
	ASSERT_INT_EQ(audit_cpfile_append(fd, &cp), 0);
	ASSERT_INT_EQ(audit_cpfile_last(fd, &last), 0);
	ASSERT_INT_EQ(last.size, 5);
	ASSERT_MEM_EQ(last.root, cp.root, sizeof(cp.root));
	ASSERT_INT_EQ(write(fd, "garbage\n", 8), 8);
	cp_fill(&cp, 9, 3);
	ASSERT_INT_EQ(audit_cpfile_append(fd, &cp), 0);
	ASSERT_INT_EQ(write(fd, "casesync-check", 14), 14);	/* torn */
	ASSERT_INT_EQ(audit_cpfile_last(fd, &last), 0);
	ASSERT_INT_EQ(last.size, 9);
	memset(seen, 0, sizeof(seen));
	ASSERT_INT_EQ(audit_cpfile_read(path, count_cb, seen, &torn), 0);
	ASSERT_INT_EQ(torn, 1);
	ASSERT_INT_EQ(seen[1], 1);
	ASSERT_INT_EQ(seen[2], 5);
	ASSERT_INT_EQ(seen[3], -1);
	ASSERT_INT_EQ(seen[4], 9);
	ASSERT_INT_EQ(seen[5], 0);
	close(fd);
	ASSERT_INT_EQ(audit_cpfile_read("/nonexistent/x", count_cb, seen,
	    &torn), CS_ERR_NOT_FOUND);
	ASSERT_INT_EQ(unlink(path), 0);
	ASSERT_INT_EQ(rmdir(dir), 0);
	TEST_DONE();
}

int
main(void)
{
	test_line();
	test_file();
	return 0;
}
