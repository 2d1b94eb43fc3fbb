/* SPDX-License-Identifier: ISC */
/*
 * test_fdlimit.c - max_connections against the descriptor limit
 * (server/fdlimit.c): what is needed, refused when set and too many,
 * lowered when left at its default, and the soft limit raised.
 */
#include <sys/resource.h>

#include <string.h>

#include "config.h"
#include "errors.h"
#include "fdlimit.h"
#include "test.h"

static int
parse(struct config *c, const char *text)
{
	char	err[256];

	config_defaults(c);
	return config_parse(c, text, strlen(text), err, sizeof(err));
}

static void
test_fdlimit_check(void)
{
	struct config	c;
	char		err[512];

	TEST_START("fdlimit_check");
	ASSERT_INT_EQ(fdlimit_need(10000, 2), 10000 + FDLIMIT_RESERVE +
	    2 * FDLIMIT_PER_WORKER);
	/* set, and it fits exactly */
	ASSERT_INT_EQ(parse(&c, "max_connections = 10000\n"), 0);
	ASSERT_INT_EQ(fdlimit_check(&c, 2, fdlimit_need(10000, 2), err,
	    sizeof(err)), 0);
	ASSERT_STR_EQ(err, "");
	ASSERT_INT_EQ(c.max_connections, 10000);
	/* set, one descriptor short: refused, and said what to do */
	ASSERT_INT_EQ(fdlimit_check(&c, 2, fdlimit_need(10000, 2) - 1, err,
	    sizeof(err)), CS_ERR_CONFIG);
	ASSERT_TRUE(strstr(err, "max_connections = 10000 needs") != NULL);
	ASSERT_TRUE(strstr(err, "LimitNOFILE") != NULL);
	ASSERT_INT_EQ(c.max_connections, 10000);
	/* more workers need more */
	ASSERT_INT_EQ(fdlimit_check(&c, 3, fdlimit_need(10000, 2), err,
	    sizeof(err)), CS_ERR_CONFIG);
	/* the default is lowered to what fits, with a warning */
	ASSERT_INT_EQ(parse(&c, ""), 0);
	ASSERT_INT_EQ(c.max_connections, 4096);
	ASSERT_INT_EQ(fdlimit_check(&c, 2, 1024, err, sizeof(err)), 0);
	ASSERT_INT_EQ(c.max_connections, 1024 - fdlimit_need(0, 2));
	ASSERT_TRUE(strstr(err, "lowered") != NULL);
	/* ... unless nothing fits */
	ASSERT_INT_EQ(parse(&c, ""), 0);
	ASSERT_INT_EQ(fdlimit_check(&c, 2, fdlimit_need(0, 2), err,
	    sizeof(err)), CS_ERR_CONFIG);
	TEST_DONE();
}

static void
test_fdlimit_raise(void)
{
	struct rlimit		rl, low;
	unsigned long long	soft, hard;

	TEST_START("fdlimit_raise");
	ASSERT_INT_EQ(getrlimit(RLIMIT_NOFILE, &rl), 0);
	low = rl;
	low.rlim_cur = 64;
	if (rl.rlim_max > 64)
		ASSERT_INT_EQ(setrlimit(RLIMIT_NOFILE, &low), 0);
	ASSERT_INT_EQ(fdlimit_raise(&soft, &hard), 0);
	ASSERT_TRUE(soft == hard);
	ASSERT_INT_EQ(getrlimit(RLIMIT_NOFILE, &low), 0);
	ASSERT_TRUE(low.rlim_cur == rl.rlim_max);
	TEST_DONE();
}

int
main(void)
{
	test_fdlimit_check();
	test_fdlimit_raise();
	return 0;
}
