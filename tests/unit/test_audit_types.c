/* SPDX-License-Identifier: ISC */
/*
 * test_audit_types.c - the list of audit types (server/audit_types.c)
 * is sorted, has no type twice, and matches the code: every type
 * string that server/ and server/ctl/ pass to audit_entry_init() and
 * the helpers that call it (ctl_audit_admin, transfer_audit,
 * transfer_entry), or assign to an entry's type, is in the list, and
 * every listed type is written somewhere.  Run from the top of the
 * tree (tests/run.sh does).
 */
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit_types.h"
#include "test.h"

#define SRC_MAX		(1u << 20)
#define FOUND_MAX	256

static char	*found[FOUND_MAX];
static size_t	 nfound;

static void
add_found(const char *p, size_t len)
{
	size_t	i;

	for (i = 0; i < nfound; i++)
		if (strlen(found[i]) == len && memcmp(found[i], p, len) == 0)
			return;
	if (nfound == FOUND_MAX)
		TEST_FAIL_("more than %d audit types", FOUND_MAX);
	if ((found[nfound] = strndup(p, len)) == NULL)
		TEST_FAIL_("%s", "strndup");
	nfound++;
}

/* The string literals of p[0..end) that look like a type. */
static void
literals(const char *p, const char *end, const char *file, int strict)
{
	const char	*q;
	size_t		 i;

	while (p < end && (p = memchr(p, '"', (size_t)(end - p))) != NULL) {
		if ((q = memchr(p + 1, '"', (size_t)(end - p - 1))) == NULL)
			break;
		for (i = 1; p + i < q; i++)
			if (!(p[i] >= 'a' && p[i] <= 'z') && p[i] != '_')
				break;
		if (p + i < q && !strict) {
			p = q + 1;
			continue;
		}
		if (p + i < q)
			TEST_FAIL_("%s: audit type \"%.*s\" is not "
			    "a plain name", file, (int)(q - p - 1), p + 1);
		add_found(p + 1, (size_t)(q - p - 1));
		p = q + 1;
	}
}

static void
scan(const char *file, const char *src)
{
	static const char *const	 calls[] = {
		"audit_entry_init(", "ctl_audit_admin(", "transfer_audit(",
		"transfer_entry(", "approvals_entry(",
	};
	static const char *const	 sets[] = {
		".type, \"", ">type, \"", " type = \"", "\ttype = \"",
	};
	const char			*p, *end, *a;
	size_t				 i;

	for (i = 0; i < sizeof(calls) / sizeof(calls[0]); i++)
		for (p = src; (p = strstr(p, calls[i])) != NULL; p = end) {
			p += strlen(calls[i]);
			/* the type comes before the action: up to AUDIT_ */
			end = p + strcspn(p, ";{");
			if ((a = strstr(p, "AUDIT_")) != NULL && a < end)
				end = a;
			literals(p, end, file, 1);
		}
	for (i = 0; i < sizeof(sets) / sizeof(sets[0]); i++)
		for (p = src; (p = strstr(p, sets[i])) != NULL; p = end) {
			p += strlen(sets[i]) - 1;
			end = strchr(p + 1, '"');
			if (end == NULL)
				break;
			end++;
			literals(p, end, file, 0);
		}
}

static void
test_sorted(void)
{
	size_t	i;

	TEST_START("audit_types sorted, unique");
	ASSERT_INT_GE(audit_types_n, 30);
	for (i = 1; i < audit_types_n; i++)
		if (strcmp(audit_types[i - 1], audit_types[i]) >= 0)
			TEST_FAIL_("%s before %s", audit_types[i - 1],
			    audit_types[i]);
	for (i = 0; i < audit_types_n; i++)
		ASSERT_INT_EQ(audit_type_known(audit_types[i]), 1);
	ASSERT_INT_EQ(audit_type_known("none"), 0);
	ASSERT_INT_EQ(audit_type_known(""), 0);
	ASSERT_INT_EQ(audit_type_known("read "), 0);
	ASSERT_INT_EQ(audit_type_known("READ"), 0);
	TEST_DONE();
}

static void
test_code(void)
{
	glob_t	 g;
	FILE	*fp;
	char	*src;
	size_t	 i, j, n;

	TEST_START("audit_types: every type in the code is listed");
	memset(&g, 0, sizeof(g));
	if (glob("server/*.c", 0, NULL, &g) != 0 ||
	    glob("server/ctl/*.c", GLOB_APPEND, NULL, &g) != 0)
		TEST_FAIL_("%s", "no server sources (run from the top of the tree)");
	if ((src = malloc(SRC_MAX + 1)) == NULL)
		TEST_FAIL_("%s", "malloc");
	for (i = 0; i < g.gl_pathc; i++) {
		if ((fp = fopen(g.gl_pathv[i], "r")) == NULL)
			TEST_FAIL_("%s: cannot open", g.gl_pathv[i]);
		n = fread(src, 1, SRC_MAX, fp);
		fclose(fp);
		src[n] = '\0';
		scan(g.gl_pathv[i], src);
	}
	free(src);
	globfree(&g);
	/* the scan works: these are written in several ways */
	ASSERT_INT_GE(nfound, 30);
	for (i = 0; i < nfound; i++)
		if (found[i][0] != '\0' && !audit_type_known(found[i]))
			TEST_FAIL_("audit type \"%s\" is written but not in "
			    "server/audit_types.c", found[i]);
	for (i = 0; i < audit_types_n; i++) {
		for (j = 0; j < nfound; j++)
			if (strcmp(found[j], audit_types[i]) == 0)
				break;
		if (j == nfound)
			TEST_FAIL_("listed audit type \"%s\" is written "
			    "nowhere", audit_types[i]);
	}
	for (i = 0; i < nfound; i++)
		free(found[i]);
	TEST_DONE();
}

int
main(void)
{
	test_sorted();
	test_code();
	return 0;
}
