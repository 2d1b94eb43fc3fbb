/* SPDX-License-Identifier: ISC */
/*
 * test_peerlimit.c - the per-address count of connections before
 * Hello: the limit per address, addresses independent of each other,
 * IPv6 counted per /64 and IPv4-mapped as IPv4, and a table that stays
 * correct through many takes and gives (backward-shift deletion).
 */
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "errors.h"
#include "peerlimit.h"
#include "test.h"

static void
key4(const char *a, struct peerlimit_key *k)
{
	struct sockaddr_in	sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	ASSERT_INT_EQ(inet_pton(AF_INET, a, &sin.sin_addr), 1);
	peerlimit_key((struct sockaddr *)&sin, k);
}

static void
key6(const char *a, struct peerlimit_key *k)
{
	struct sockaddr_in6	sin6;

	memset(&sin6, 0, sizeof(sin6));
	sin6.sin6_family = AF_INET6;
	ASSERT_INT_EQ(inet_pton(AF_INET6, a, &sin6.sin6_addr), 1);
	peerlimit_key((struct sockaddr *)&sin6, k);
}

static void
test_limit(void)
{
	struct peerlimit	pl;
	struct peerlimit_key	a, b, c;
	unsigned		i;

	TEST_START("peerlimit: at most max per address, others unaffected");
	ASSERT_INT_EQ(peerlimit_init(&pl, 3, 16), 0);
	key4("127.0.0.2", &a);
	key4("127.0.0.1", &b);
	for (i = 0; i < 3; i++)
		ASSERT_INT_EQ(peerlimit_take(&pl, &a), 0);
	ASSERT_INT_EQ(peerlimit_take(&pl, &a), CS_ERR_RATE);
	ASSERT_INT_EQ(peerlimit_count(&pl, &a), 3);
	ASSERT_INT_EQ(peerlimit_take(&pl, &b), 0);
	ASSERT_INT_EQ(peerlimit_count(&pl, &b), 1);
	peerlimit_give(&pl, &a);
	ASSERT_INT_EQ(peerlimit_take(&pl, &a), 0);
	ASSERT_INT_EQ(peerlimit_take(&pl, &a), CS_ERR_RATE);
	for (i = 0; i < 3; i++)
		peerlimit_give(&pl, &a);
	ASSERT_INT_EQ(peerlimit_count(&pl, &a), 0);
	ASSERT_INT_EQ(peerlimit_count(&pl, &b), 1);
	TEST_DONE();

	TEST_START("peerlimit: IPv6 per /64, IPv4-mapped counts as IPv4");
	key6("2001:db8:1:2::1", &a);
	key6("2001:db8:1:2:ffff::99", &b);
	key6("2001:db8:1:3::1", &c);
	ASSERT_INT_EQ(memcmp(&a, &b, sizeof(a)), 0);
	ASSERT_INT_NE(memcmp(&a, &c, sizeof(a)), 0);
	key6("::ffff:192.0.2.7", &a);
	key4("192.0.2.7", &b);
	ASSERT_INT_EQ(memcmp(&a, &b, sizeof(a)), 0);
	key4("192.0.2.8", &c);
	ASSERT_INT_NE(memcmp(&a, &c, sizeof(a)), 0);
	peerlimit_clear(&pl);
	peerlimit_clear(&pl);		/* twice: a no-op */
	TEST_DONE();
}

static void
test_churn(void)
{
	struct peerlimit	pl;
	struct peerlimit_key	k[1000];
	char			a[32];
	unsigned		i, j, round;

	TEST_START("peerlimit: 1000 addresses taken and given in rounds");
	ASSERT_INT_EQ(peerlimit_init(&pl, 2, 2000), 0);
	for (i = 0; i < 1000; i++) {
		snprintf(a, sizeof(a), "10.%u.%u.1", i / 256, i % 256);
		key4(a, &k[i]);
	}
	for (round = 0; round < 5; round++) {
		for (i = 0; i < 1000; i++)
			ASSERT_INT_EQ(peerlimit_take(&pl, &k[i]), 0);
		/* every third one given back: holes all over the runs */
		for (i = 0; i < 1000; i += 3)
			peerlimit_give(&pl, &k[i]);
		for (i = 0; i < 1000; i++) {
			j = i % 3 == 0 ? 0 : 1;
			ASSERT_INT_EQ(peerlimit_count(&pl, &k[i]), j);
		}
		for (i = 0; i < 1000; i++)
			if (i % 3 != 0)
				peerlimit_give(&pl, &k[i]);
		for (i = 0; i < 1000; i++)
			ASSERT_INT_EQ(peerlimit_count(&pl, &k[i]), 0);
	}
	ASSERT_INT_EQ(pl.used, 0);
	peerlimit_clear(&pl);
	TEST_DONE();

	TEST_START("peerlimit: more addresses than connections is refused");
	ASSERT_INT_EQ(peerlimit_init(&pl, 1, 10), 0);
	/* 64 slots: 32 addresses fit, the 33rd breaks the caller's limit */
	for (i = 0; i < 32; i++)
		ASSERT_INT_EQ(peerlimit_take(&pl, &k[i]), 0);
	ASSERT_INT_EQ(peerlimit_take(&pl, &k[32]), CS_ERR_INTERNAL);
	peerlimit_clear(&pl);
	TEST_DONE();
}

int
main(void)
{
	if (sodium_init() < 0)
		return 1;
	test_limit();
	test_churn();
	return 0;
}
