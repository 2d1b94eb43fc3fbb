/* SPDX-License-Identifier: ISC */
/*
 * test_db.c - the laptop's new ids (db_uuid): well-formed text the
 * server's validator accepts, version 7 with the RFC 9562 variant, the
 * current time in the first 48 bits, and strictly increasing within one
 * process even when thousands are made in the same millisecond.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "db.h"
#include "test.h"
#include "wire.h"

#define N_IDS	100000

/* The 48-bit millisecond time at the front of a version 7 id. */
static uint64_t
uuid_ms(const char *id)
{
	char		hex[13];

	memcpy(hex, id, 8);
	memcpy(hex + 8, id + 9, 4);
	hex[12] = '\0';
	return strtoull(hex, NULL, 16);
}

static uint64_t
now_ms(void)
{
	struct timespec	ts;

	(void)clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void
test_format(void)
{
	char		id[DB_UUID_LEN + 1];
	uint64_t	before, after, ms;

	TEST_START("db_uuid: version 7 text the server accepts, now");
	before = now_ms();
	db_uuid(id);
	after = now_ms();
	ASSERT_INT_EQ(strlen(id), DB_UUID_LEN);
	ASSERT_INT_EQ(wire_uuid_ok(id), 1);
	ASSERT_INT_EQ(id[14], '7');
	ASSERT_PTR_NE(strchr("89ab", id[19]), NULL);
	ms = uuid_ms(id);
	/* a counter overflow in an earlier call may add a millisecond */
	if (ms < before || ms > after + 1)
		TEST_FAIL_("id time %llu outside [%llu, %llu]",
		    (unsigned long long)ms, (unsigned long long)before,
		    (unsigned long long)after + 1);
	TEST_DONE();
}

static void
test_increasing(void)
{
	char		prev[DB_UUID_LEN + 1], id[DB_UUID_LEN + 1];
	uint64_t	start, ms;
	int		i, same = 0;

	TEST_START("db_uuid: strictly increasing, also within a millisecond");
	start = now_ms();
	db_uuid(prev);
	for (i = 0; i < N_IDS; i++) {
		db_uuid(id);
		if (strcmp(prev, id) >= 0)
			TEST_FAIL_("id %d: %s after %s", i, id, prev);
		if (uuid_ms(id) == uuid_ms(prev))
			same++;
		ASSERT_INT_EQ(id[14], '7');
		ASSERT_INT_EQ(wire_uuid_ok(id), 1);
		memcpy(prev, id, sizeof(prev));
	}
	/* the loop made far more ids than milliseconds went by */
	ASSERT_INT_NE(same, 0);
	/* and the counter's overflow moved the time on only a little */
	ms = uuid_ms(prev);
	if (ms > now_ms() + 1000 || ms < start)
		TEST_FAIL_("last id time %llu, started at %llu",
		    (unsigned long long)ms, (unsigned long long)start);
	TEST_DONE();
}

int
main(void)
{
	if (sodium_init() < 0)
		return 1;
	test_format();
	test_increasing();
	return 0;
}
