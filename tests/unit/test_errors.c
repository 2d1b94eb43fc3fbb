/* SPDX-License-Identifier: ISC */
/*
 * test_errors.c - the cause of a failure (errors.h): cs_sys() keeps
 * errno's text in lower case, cs_why() gives it only for the code it
 * was recorded with (else cs_err()), a later record replaces it,
 * cs_cause(r, 0) forgets it, a long text is cut, an acronym keeps its
 * capitals, and each thread has its own.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>

#include "errors.h"
#include "test.h"

static void *
other_thread(void *arg)
{
	(void)arg;
	/* nothing recorded in this thread */
	return (void *)(strcmp(cs_why(CS_ERR_SYSTEM), "system error") == 0 ?
	    "ok" : NULL);
}

static void
test_cause(void)
{
	char		long_text[400];
	pthread_t	t;
	void		*res = NULL;

	TEST_START("cs_sys, cs_cause, cs_why");
	errno = EACCES;
	ASSERT_INT_EQ(cs_sys(), CS_ERR_SYSTEM);
	ASSERT_STR_EQ(cs_why(CS_ERR_SYSTEM), "permission denied");
	ASSERT_STR_EQ(cs_why(CS_ERR_DB), "database error");	/* not its */
	ASSERT_INT_EQ(pthread_create(&t, NULL, other_thread, NULL), 0);
	ASSERT_INT_EQ(pthread_join(t, &res), 0);
	ASSERT_PTR_NE(res, NULL);
	ASSERT_INT_EQ(cs_cause(CS_ERR_DB, ENOSPC), CS_ERR_DB);
	ASSERT_STR_EQ(cs_why(CS_ERR_DB), "no space left on device");
	/* replaced */
	ASSERT_STR_EQ(cs_why(CS_ERR_SYSTEM), "system error");
	ASSERT_INT_EQ(cs_cause_text(CS_ERR_DB, "SQL logic error"), CS_ERR_DB);
	ASSERT_STR_EQ(cs_why(CS_ERR_DB), "SQL logic error");
	ASSERT_INT_EQ(cs_cause(CS_ERR_DB, 0), CS_ERR_DB);
	/* forgotten */
	ASSERT_STR_EQ(cs_why(CS_ERR_DB), "database error");
	memset(long_text, 'a', sizeof(long_text) - 1);
	long_text[sizeof(long_text) - 1] = '\0';
	(void)cs_cause_text(CS_ERR_FORMAT, long_text);
	ASSERT_TRUE(strlen(cs_why(CS_ERR_FORMAT)) < sizeof(long_text) - 1);
	ASSERT_TRUE(strlen(cs_why(CS_ERR_FORMAT)) > 100);
	ASSERT_STR_EQ(cs_why(0), "success");
	TEST_DONE();
}

int
main(void)
{
	test_cause();
	return 0;
}
