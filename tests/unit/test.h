/* SPDX-License-Identifier: ISC */
/*
 * test.h - tiny assertion macros for the unit tests (OpenSSH
 * test_helper style).  A failed assertion prints where and why and
 * exits 1; each passed case prints "ok - name".
 */
#ifndef TEST_H
#define TEST_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TEST_START(name)	do { const char *test_name_ = (name)
#define TEST_DONE()		printf("ok - %s\n", test_name_); \
				fflush(stdout); } while (0)

#define TEST_FAIL_(fmt, ...) do {					\
	fprintf(stderr, "%s:%d: " fmt "\n", __FILE__, __LINE__,		\
	    __VA_ARGS__);						\
	exit(1);							\
} while (0)

#define ASSERT_INT_EQ(a, b)	do { long long a_ = (a), b_ = (b);	\
	if (a_ != b_)							\
		TEST_FAIL_("%s = %lld, expected %lld", #a, a_, b_);	\
	} while (0)
#define ASSERT_INT_NE(a, b)	do { long long a_ = (a), b_ = (b);	\
	if (a_ == b_)							\
		TEST_FAIL_("%s = %lld, expected anything else", #a, a_); \
	} while (0)
#define ASSERT_INT_GE(a, b)	do { long long a_ = (a), b_ = (b);	\
	if (a_ < b_)							\
		TEST_FAIL_("%s = %lld, expected >= %lld", #a, a_, b_);	\
	} while (0)
#define ASSERT_PTR_EQ(a, b)	do {					\
	if ((const void *)(a) != (const void *)(b))			\
		TEST_FAIL_("%s != %s", #a, #b);				\
	} while (0)
#define ASSERT_PTR_NE(a, b)	do {					\
	if ((const void *)(a) == (const void *)(b))			\
		TEST_FAIL_("%s == %s", #a, #b);				\
	} while (0)
#define ASSERT_STR_EQ(a, b)	do { const char *a_ = (a), *b_ = (b);	\
	if (a_ == NULL || b_ == NULL || strcmp(a_, b_) != 0)		\
		TEST_FAIL_("%s = \"%s\", expected \"%s\"", #a,		\
		    a_ ? a_ : "(null)", b_ ? b_ : "(null)");		\
	} while (0)
#define ASSERT_MEM_EQ(a, b, n)	do {					\
	if (memcmp((a), (b), (n)) != 0)					\
		TEST_FAIL_("%s and %s differ", #a, #b);			\
	} while (0)
#define ASSERT_TRUE(c)	do { if (!(c)) TEST_FAIL_("%s is false", #c); } while (0)

#endif /* TEST_H */
