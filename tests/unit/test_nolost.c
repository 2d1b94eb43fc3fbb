/* SPDX-License-Identifier: ISC */
/*
 * test_nolost.c - the laptop's side of "nothing written is lost"
 * (client/core/nolost.c) on a real SQLite database: a case the server says
 * is read-only takes no local write, with the reason; a refused change
 * and the later edits of its record leave the outbox only into "held";
 * a case with unsent or held changes counts them (so its purge is
 * held); a held purge blocks writes until the server stops asking for
 * it; a decided change is forgotten; a purge forgets everything.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include <sqlite3.h>

#include "db.h"
#include "errors.h"
#include "nolost.h"
#include "test.h"
#include "wire.h"

static const char CASE1[] = "11111111-1111-4111-8111-111111111111";
static const char REC1[] = "22222222-2222-4222-8222-222222222222";

static int64_t
count(sqlite3 *db, const char *sql)
{
	sqlite3_stmt	*s = NULL;
	int64_t		 n;

	ASSERT_INT_EQ(sqlite3_prepare_v2(db, sql, -1, &s, NULL), SQLITE_OK);
	ASSERT_INT_EQ(sqlite3_step(s), SQLITE_ROW);
	n = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	return n;
}

static int
put(sqlite3 *db, const char *rid, const char *text)
{
	struct db_record	r;

	memset(&r, 0, sizeof(r));
	memcpy(r.record_id, rid, DB_UUID_LEN + 1);
	memcpy(r.case_id, CASE1, DB_UUID_LEN + 1);
	snprintf(r.kind, sizeof(r.kind), "person");
	r.body = (uint8_t *)(uintptr_t)text;
	r.body_len = strlen(text);
	return db_local_write(db, &r);
}

/* The outbox row of REC1 that was sent, as the push had taken it. */
static void
sent_change(sqlite3 *db, struct db_change *c)
{
	sqlite3_stmt	*s = NULL;

	memset(c, 0, sizeof(*c));
	ASSERT_INT_EQ(sqlite3_prepare_v2(db, "SELECT change_id, CASE WHEN"
	    " borrowed THEN (SELECT body FROM records r WHERE r.record_id ="
	    " o.record_id) ELSE body END FROM outbox o WHERE seq IN (SELECT"
	    " seq FROM outbox_sent)", -1, &s, NULL), SQLITE_OK);
	ASSERT_INT_EQ(sqlite3_step(s), SQLITE_ROW);
	snprintf(c->change_id, sizeof(c->change_id), "%s",
	    (const char *)sqlite3_column_text(s, 0));
	ASSERT_INT_EQ(sqlite3_column_bytes(s, 1), 2);
	ASSERT_PTR_NE(c->rec.body = malloc(2), NULL);
	memcpy(c->rec.body, sqlite3_column_blob(s, 1), 2);
	c->rec.body_len = 2;
	sqlite3_finalize(s);
	memcpy(c->rec.record_id, REC1, DB_UUID_LEN + 1);
	memcpy(c->rec.case_id, CASE1, DB_UUID_LEN + 1);
	snprintf(c->rec.kind, sizeof(c->rec.kind), "person");
}

static void
test_nolost(void)
{
	struct msg_case_access		 a;
	struct nolost_access		 ro;
	struct db_change		 c, *chs = NULL;
	size_t				 n;
	int64_t				 unsent;
	char				 why[512];
	const char			*ids[1] = { CASE1 };
	sqlite3				*db;

	TEST_START("nolost: read-only refusal, held changes, held purges");
	ASSERT_INT_EQ(sqlite3_open(":memory:", &db), SQLITE_OK);
	ASSERT_INT_EQ(db_init(db), 0);
	ASSERT_INT_EQ(put(db, REC1, "v1"), 0);
	/* as if pushed: a later edit goes into a row of its own */
	ASSERT_INT_EQ(sqlite3_exec(db, "INSERT INTO outbox_sent(seq) SELECT"
	    " seq FROM outbox", NULL, NULL, NULL), SQLITE_OK);
	ASSERT_INT_EQ(put(db, REC1, "v2"), 0);
	ASSERT_INT_EQ(db_outbox_count(db, &unsent), 0);
	ASSERT_INT_EQ(unsent, 2);

	/* the server says: handed over; no write, and why */
	memset(&a, 0, sizeof(a));
	a.case_id = CASE1;
	a.mode = "handover";
	a.since = 1700000000;
	a.until = 1701000000;
	ASSERT_INT_EQ(db_begin(db), 0);
	ASSERT_INT_EQ(nolost_access_set(db, &a, 1), 0);
	ASSERT_INT_EQ(db_commit(db), 0);
	ASSERT_INT_EQ(put(db, REC1, "v3"), CS_ERR_AUTH);
	ASSERT_INT_EQ(nolost_writable(db, CASE1, &ro), CS_ERR_AUTH);
	nolost_explain(&ro, why, sizeof(why));
	ASSERT_TRUE(strstr(why, "read-only for you since 2023-11-14 22:13 "
	    "UTC") != NULL);
	ASSERT_TRUE(strstr(why, "handed over") != NULL);
	ASSERT_INT_EQ(count(db, "SELECT count(*) FROM outbox"), 2);

	/* the refusal: the change and the later edit go to held, not away */
	sent_change(db, &c);
	ASSERT_INT_EQ(db_begin(db), 0);
	ASSERT_INT_EQ(nolost_hold(db, &c, 1), 0);
	ASSERT_INT_EQ(nolost_hold_rest(db, REC1), 0);
	ASSERT_INT_EQ(db_rejected(db, &c), 0);
	ASSERT_INT_EQ(db_commit(db), 0);
	ASSERT_INT_EQ(count(db, "SELECT count(*) FROM outbox"), 0);
	ASSERT_INT_EQ(count(db, "SELECT count(*) FROM held"), 2);
	ASSERT_INT_EQ(nolost_unsent(db, CASE1, &unsent), 0);
	ASSERT_INT_EQ(unsent, 2);
	ASSERT_INT_EQ(nolost_held_take(db, 10, &chs, &n), 0);
	ASSERT_INT_EQ(n, 2);
	ASSERT_STR_EQ(chs[0].change_id, c.change_id);
	ASSERT_MEM_EQ(chs[0].rec.body, "v1", 2);
	ASSERT_MEM_EQ(chs[1].rec.body, "v2", 2);
	ASSERT_INT_EQ(nolost_held_done(db, c.change_id), 0);
	db_changes_free(chs, n);
	db_record_clear(&c.rec);
	ASSERT_INT_EQ(count(db, "SELECT count(*) FROM held"), 1);

	/* a held purge: "no longer yours" until the server stops asking */
	ASSERT_INT_EQ(db_begin(db), 0);
	ASSERT_INT_EQ(nolost_access_set(db, NULL, 0), 0);
	ASSERT_INT_EQ(nolost_purge_hold(db, CASE1, 1), 0);
	ASSERT_INT_EQ(db_commit(db), 0);
	ASSERT_INT_EQ(nolost_writable(db, CASE1, &ro), CS_ERR_AUTH);
	ASSERT_STR_EQ(ro.mode, "removed");
	ASSERT_INT_EQ(ro.changes, 1);
	nolost_explain(&ro, why, sizeof(why));
	ASSERT_TRUE(strstr(why, "no longer yours") != NULL);
	ASSERT_INT_EQ(nolost_purge_moot(db, ids, 1), 0);
	ASSERT_INT_EQ(nolost_writable(db, CASE1, &ro), CS_ERR_AUTH);
	ASSERT_INT_EQ(nolost_purge_moot(db, ids, 0), 0);
	ASSERT_INT_EQ(nolost_writable(db, CASE1, &ro), 0);

	/* a purge forgets everything of the case */
	ASSERT_INT_EQ(nolost_purge_hold(db, CASE1, 1), 0);
	ASSERT_INT_EQ(nolost_purged(db, CASE1), 0);
	ASSERT_INT_EQ(count(db, "SELECT count(*) FROM held"), 0);
	ASSERT_INT_EQ(count(db, "SELECT count(*) FROM purge_held"), 0);
	sqlite3_close(db);
	TEST_DONE();
}

int
main(void)
{
	if (sodium_init() < 0)
		return 1;
	test_nolost();
	return 0;
}
