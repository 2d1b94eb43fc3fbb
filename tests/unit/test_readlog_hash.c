/* SPDX-License-Identifier: ISC */
/*
 * test_readlog_hash.c - the read-log chain hash as known answers: the
 * vectors below were computed by the hash as it was before it moved to
 * common/ (client/core/readlog.c and server/audit_sync.c each had a copy),
 * so a read log written by an older laptop, and the chain the server
 * keeps, still verify.  The laptop's own checker (readlog_verify,
 * readlog_print) is run over a log made of these rows.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <sqlite3.h>

#include "buf.h"
#include "checkpoint.h"
#include "errors.h"
#include "readlog.h"
#include "test.h"
#include "util.h"

struct kat {
	int64_t		 n;
	int64_t		 at;
	const char	*action;
	const char	*case_id;
	const char	*hash;		/* hex */
};

/* A chain of two from zeros, then one from a made-up "prev". */
/* entry 7 of a laptop that read one child's part of a case file */
#define CHILD_KAT	"42441347772aac28e82a3069263b961adbe8fa8cd708a1cb4d4910a0b9c831a3"

static const struct kat kats[] = {
	{ 1, 1700000000, "show", "0190a3b4-0000-7000-8000-000000000001",
	    "7842d72377cd68410f14bcdc25ed6f20"
	    "54af85a0a595d7d05094bc291b38fc34" },
	{ 2, 1700000060, "list", "",
	    "0a76670459fde677546021575347ca56"
	    "4a43383c3b557c283884ffc9176e9e88" },
	{ INT64_MAX, -1, "search", "x",
	    "ce3d1447c75a6849826adb99e8528861"
	    "8d16acb93b3c17ee8ee54db461c30def" },
};

static void
kat_prev3(uint8_t prev[32])
{
	int	i;

	for (i = 0; i < 32; i++)
		prev[i] = (uint8_t)(0xa0 + i);
}

static sqlite3 *
log_db(void)
{
	sqlite3	*db;

	ASSERT_INT_EQ(sqlite3_open(":memory:", &db), SQLITE_OK);
	ASSERT_INT_EQ(sqlite3_exec(db, "CREATE TABLE vault_secret (name TEXT"
	    " PRIMARY KEY, value BLOB NOT NULL)", NULL, NULL, NULL),
	    SQLITE_OK);
	ASSERT_INT_EQ(readlog_init(db), 0);
	return db;
}

static void
log_row(sqlite3 *db, const struct kat *k, const uint8_t prev[32],
    const uint8_t hash[32])
{
	sqlite3_stmt	*s;
	uint8_t		 head[40];

	ASSERT_INT_EQ(sqlite3_prepare_v2(db, "INSERT INTO read_log(n, at,"
	    " action, case_id, prev, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
	    -1, &s, NULL), SQLITE_OK);
	sqlite3_bind_int64(s, 1, k->n);
	sqlite3_bind_int64(s, 2, k->at);
	sqlite3_bind_text(s, 3, k->action, -1, SQLITE_STATIC);
	sqlite3_bind_text(s, 4, k->case_id, -1, SQLITE_STATIC);
	sqlite3_bind_blob(s, 5, prev, 32, SQLITE_STATIC);
	sqlite3_bind_blob(s, 6, hash, 32, SQLITE_STATIC);
	ASSERT_INT_EQ(sqlite3_step(s), SQLITE_DONE);
	sqlite3_finalize(s);
	buf_store_u64(head, (uint64_t)k->n);
	memcpy(head + 8, hash, 32);
	ASSERT_INT_EQ(sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO"
	    " vault_secret(name, value) VALUES (?1, ?2)", -1, &s, NULL),
	    SQLITE_OK);
	sqlite3_bind_text(s, 1, READLOG_HEAD_SECRET, -1, SQLITE_STATIC);
	sqlite3_bind_blob(s, 2, head, sizeof(head), SQLITE_STATIC);
	ASSERT_INT_EQ(sqlite3_step(s), SQLITE_DONE);
	sqlite3_finalize(s);
}

static void
test_readlog_hash_kat(void)
{
	uint8_t	prev[32], h[32], want[32];
	size_t	i;

	TEST_START("checkpoint_read_hash gives the known answers");
	memset(prev, 0, sizeof(prev));
	for (i = 0; i < sizeof(kats) / sizeof(kats[0]); i++) {
		if (i == 2)
			kat_prev3(prev);
		checkpoint_read_hash(prev, (uint64_t)kats[i].n, kats[i].at,
		    kats[i].action, kats[i].case_id, "", h);
		ASSERT_INT_EQ(hex_decode(want, 32, kats[i].hash), 0);
		ASSERT_MEM_EQ(h, want, 32);
		memcpy(prev, h, 32);
	}
	/* the NUL between action and case id is hashed: no ambiguity */
	memset(prev, 0, sizeof(prev));
	checkpoint_read_hash(prev, 1, 0, "ab", "c", "", h);
	checkpoint_read_hash(prev, 1, 0, "a", "bc", "", want);
	ASSERT_TRUE(memcmp(h, want, 32) != 0);
	/* a child's read: the child id after a NUL (hashlib's answer) */
	checkpoint_read_hash(prev, 7, 1764979200, "show",
	    "6f1c2d8e-3a4b-4c5d-8e9f-0a1b2c3d4e5f",
	    "1b2c3d4e-5f60-4172-8394-a5b6c7d8e9f0", h);
	ASSERT_INT_EQ(hex_decode(want, 32, CHILD_KAT), 0);
	ASSERT_MEM_EQ(h, want, 32);
	/* NULL and "" are the whole file, hashed as before children */
	checkpoint_read_hash(prev, 1, 0, "a", "bc", NULL, h);
	checkpoint_read_hash(prev, 1, 0, "a", "bc", "", want);
	ASSERT_MEM_EQ(h, want, 32);
	TEST_DONE();
}

static int
count_cb(const struct readlog_entry *e, void *arg)
{
	(void)e;
	(*(int *)arg)++;
	return 0;
}

/* The laptop's checker accepts rows hashed the old way, and only them. */
static void
test_readlog_old_rows(void)
{
	sqlite3	*db;
	uint8_t	 prev[32], h[32];
	int64_t	 last;
	int	 n = 0;

	TEST_START("a read log written before the move still verifies");
	db = log_db();
	memset(prev, 0, sizeof(prev));
	ASSERT_INT_EQ(hex_decode(h, 32, kats[0].hash), 0);
	log_row(db, &kats[0], prev, h);
	memcpy(prev, h, 32);
	ASSERT_INT_EQ(hex_decode(h, 32, kats[1].hash), 0);
	log_row(db, &kats[1], prev, h);
	ASSERT_INT_EQ(readlog_verify(db), 0);
	ASSERT_INT_EQ(readlog_each(db, count_cb, &n, &last), 0);
	ASSERT_INT_EQ(n, 2);
	/* the next entry chains onto the old ones */
	ASSERT_INT_EQ(readlog_add(db, "plan", ""), 0);
	n = 0;
	ASSERT_INT_EQ(readlog_each(db, count_cb, &n, &last), 0);
	ASSERT_INT_EQ(n, 3);
	ASSERT_INT_EQ(last, 3);
	/* one changed byte of an old entry breaks the chain */
	ASSERT_INT_EQ(sqlite3_exec(db, "UPDATE read_log SET action = 'shoW'"
	    " WHERE n = 1", NULL, NULL, NULL), SQLITE_OK);
	n = 0;
	ASSERT_INT_EQ(readlog_each(db, count_cb, &n, &last), CS_ERR_TAMPERED);
	ASSERT_INT_EQ(n, 0);
	sqlite3_close(db);
	TEST_DONE();
}

int
main(void)
{
	test_readlog_hash_kat();
	test_readlog_old_rows();
	return 0;
}
