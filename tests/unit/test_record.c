/* SPDX-License-Identifier: ISC */
/*
 * test_record.c - what the laptop and the server must agree on about
 * records, byte for byte: the digest of a record set (known answers
 * computed by the digest as it was before it moved to common/, when
 * client/core/db.c and server/store_sync.c each had a copy), checked through
 * the client's db_digest() and directly; and the one list of
 * append-only kinds, which the laptop's commands honour too.
 */
#include <stdint.h>
#include <string.h>

#include <sqlite3.h>

#include "db.h"
#include "errors.h"
#include "record.h"
#include "schema.h"
#include "test.h"
#include "util.h"

#define ID(n)	"0190a3b4-0000-7000-8000-00000000000" #n

static const char digest_empty[] =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
/* ID(1) v1, ID(2) v7, ID(4) v2^32; ID(3) is deleted and not counted */
static const char digest_three[] =
    "92bf0beaaef7c7ae900c1cd548397c77f57fc50a0b9235f2d07088e7193cbed4";

static void
test_digest_db(void)
{
	sqlite3	*db;
	uint8_t	 h[32], want[32];
	int64_t	 n;

	TEST_START("db_digest gives the known answers");
	ASSERT_INT_EQ(sqlite3_open(":memory:", &db), SQLITE_OK);
	ASSERT_INT_EQ(sqlite3_exec(db, "CREATE TABLE records (record_id TEXT,"
	    " version INTEGER, deleted INTEGER)", NULL, NULL, NULL),
	    SQLITE_OK);
	ASSERT_INT_EQ(db_digest(db, &n, h), 0);
	ASSERT_INT_EQ(n, 0);
	ASSERT_INT_EQ(hex_decode(want, 32, digest_empty), 0);
	ASSERT_MEM_EQ(h, want, 32);
	ASSERT_INT_EQ(sqlite3_exec(db, "INSERT INTO records VALUES"
	    " ('" ID(2) "', 7, 0), ('" ID(1) "', 1, 0), ('" ID(3) "', 9, 1),"
	    " ('" ID(4) "', 4294967296, 0)", NULL, NULL, NULL), SQLITE_OK);
	ASSERT_INT_EQ(db_digest(db, &n, h), 0);
	ASSERT_INT_EQ(n, 3);
	ASSERT_INT_EQ(hex_decode(want, 32, digest_three), 0);
	ASSERT_MEM_EQ(h, want, 32);
	sqlite3_close(db);
	TEST_DONE();
}

static void
test_digest_direct(void)
{
	struct record_digest	d;
	uint8_t			h[RECORD_DIGEST_LEN], want[32];
	int64_t			n = -1;

	TEST_START("record_digest gives the known answers");
	record_digest_init(&d);
	record_digest_final(&d, &n, h);
	ASSERT_INT_EQ(n, 0);
	ASSERT_INT_EQ(hex_decode(want, 32, digest_empty), 0);
	ASSERT_MEM_EQ(h, want, 32);
	record_digest_init(&d);
	record_digest_add(&d, ID(1), strlen(ID(1)), 1);
	record_digest_add(&d, ID(2), strlen(ID(2)), 7);
	record_digest_add(&d, ID(4), strlen(ID(4)), 4294967296LL);
	record_digest_final(&d, &n, h);
	ASSERT_INT_EQ(n, 3);
	ASSERT_INT_EQ(hex_decode(want, 32, digest_three), 0);
	ASSERT_MEM_EQ(h, want, 32);
	/* the order is the caller's: another order, another digest */
	record_digest_init(&d);
	record_digest_add(&d, ID(2), strlen(ID(2)), 7);
	record_digest_add(&d, ID(1), strlen(ID(1)), 1);
	record_digest_add(&d, ID(4), strlen(ID(4)), 4294967296LL);
	record_digest_final(&d, &n, h);
	ASSERT_TRUE(memcmp(h, want, 32) != 0);
	TEST_DONE();
}

static void
test_append_only(void)
{
	static const char	*kinds[] = { "casefile", "person", "measure",
	    "plan", "goal", "assessment", "journal", "partner", "escalation",
	    "audit", "plan_version" };
	const struct schema_kind	*k;
	size_t				 i;

	TEST_START("the append-only kinds, and the commands honour them");
	ASSERT_INT_EQ(record_append_only("journal"), 1);
	ASSERT_INT_EQ(record_append_only("audit"), 1);
	ASSERT_INT_EQ(record_append_only("plan_version"), 1);
	ASSERT_INT_EQ(record_append_only("plan"), 0);
	ASSERT_INT_EQ(record_append_only("person"), 0);
	ASSERT_INT_EQ(record_append_only("escalation"), 0);
	ASSERT_INT_EQ(record_append_only("journa"), 0);
	ASSERT_INT_EQ(record_append_only("journal_"), 0);
	ASSERT_INT_EQ(record_append_only(""), 0);
	/* a kind the server keeps append-only has no "edit" command */
	for (i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (record_append_only(kinds[i]) &&
		    (k = schema_kind(kinds[i])) != NULL)
			ASSERT_INT_EQ(k->append_only, 1);
	TEST_DONE();
}

int
main(void)
{
	test_digest_db();
	test_digest_direct();
	test_append_only();
	return 0;
}
