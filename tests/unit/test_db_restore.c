/* SPDX-License-Identifier: ISC */
/*
 * test_db_restore.c - the laptop's side of a server restore
 * (db_restore, client/core/db.c): records held at a version above the
 * backup's sequence are queued again as re-offers, one row each with
 * the current state (pending and sent rows of the record folded in),
 * on the version held as merge base; records at or below it and new
 * local records are left alone; the pull and grant cursors go to 0
 * and the generation is kept.  A pulled version of a record being
 * re-offered is skipped; a re-offer that conflicts without a common
 * base merges without one (both sides kept), one that meets a newer
 * re-offered state without local edits takes it; a held re-offer waits
 * out the sync and is offered again after db_reoffer_retry().
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "body.h"
#include "db.h"
#include "errors.h"
#include "keys.h"
#include "test.h"
#include "test_db.h"

static const char	CASE1[] = "11111111-1111-4111-8111-111111111111";
static sqlite3		*db;
static struct vault	*vault;
static char		 top[PATH_MAX];

/* Write record "id" with one field, as a local edit. */
static void
put(const char *id, const char *name, const char *value)
{
	struct db_record	r;
	struct body		b;
	uint8_t			*enc = NULL;
	size_t			 len;

	body_init(&b);
	ASSERT_INT_EQ(body_set(&b, name, (const uint8_t *)value,
	    strlen(value)), 0);
	ASSERT_INT_EQ(body_encode(&b, &enc, &len), 0);
	memset(&r, 0, sizeof(r));
	memcpy(r.record_id, id, DB_UUID_LEN + 1);
	memcpy(r.case_id, CASE1, DB_UUID_LEN + 1);
	snprintf(r.kind, sizeof(r.kind), "note");
	r.key_epoch = 1;
	r.body = enc;
	r.body_len = len;
	ASSERT_INT_EQ(db_local_write(db, &r), 0);
	body_buf_free(enc, len);
	body_free(&b);
}

/* Take the outbox; the change of "id" into *out (others freed). */
static int
take(const char *id, struct db_change *out, size_t *n)
{
	struct db_change	*c = NULL;
	size_t			 i, k;
	int			 found = 0;

	ASSERT_INT_EQ(db_outbox_take(db, 100, 1 << 20, &c, &k), 0);
	*n = k;
	for (i = 0; i < k; i++) {
		if (!found && strcmp(c[i].rec.record_id, id) == 0) {
			*out = c[i];
			memset(&c[i], 0, sizeof(c[i]));
			found = 1;
		}
	}
	db_changes_free(c, k);
	return found;
}

/* Push "id": its outbox change applied at "version". */
static void
pushed(const char *id, int64_t version)
{
	struct db_change	c;
	size_t			n;

	ASSERT_TRUE(take(id, &c, &n));
	ASSERT_INT_EQ(db_begin(db), 0);
	ASSERT_INT_EQ(db_pushed(db, &c, version), 0);
	ASSERT_INT_EQ(db_commit(db), 0);
	db_record_clear(&c.rec);
}

static void
test_db_restore(void)
{
	char			 r1[DB_UUID_LEN + 1], r2[DB_UUID_LEN + 1];
	char			 r3[DB_UUID_LEN + 1], r4[DB_UUID_LEN + 1];
	struct db_change	 c;
	struct db_record	 srv, got;
	int64_t			 since, tie, gen, held;
	size_t			 n, nc;

	TEST_START("db_restore: re-offers above the backup, cursors to 0, "
	    "and how their answers are taken");
	vault = tdb_vault(top, "v", 1);
	db = vault_db(vault);
	ASSERT_INT_EQ(db_init(db), 0);
	ASSERT_INT_EQ(keys_init(db), 0);
	tdb_case_key(db, CASE1);

	tdb_rid(r1, 1);
	tdb_rid(r2, 2);
	tdb_rid(r3, 3);
	tdb_rid(r4, 4);
	put(r1, "text", "een");
	pushed(r1, 5);			/* before the backup (seq 10) */
	put(r2, "text", "twee");
	pushed(r2, 12);			/* after it: lost */
	put(r3, "text", "drie");
	pushed(r3, 15);
	put(r3, "text", "drie bis");	/* pending on top of 15 */
	ASSERT_TRUE(take(r3, &c, &n));	/* ... and sent */
	db_record_clear(&c.rec);
	put(r3, "text", "drie ter");	/* and a later edit */
	put(r4, "text", "vier");	/* new, never sent */
	ASSERT_INT_EQ(db_cursor_set(db, 20, 0), 0);

	ASSERT_INT_EQ(db_begin(db), 0);
	ASSERT_INT_EQ(db_restore(db, 77, 10, &n), 0);
	ASSERT_INT_EQ(db_commit(db), 0);
	ASSERT_INT_EQ(n, 2);
	ASSERT_INT_EQ(db_cursor_get(db, &since, &tie), 0);
	ASSERT_INT_EQ(since, 0);
	ASSERT_INT_EQ(tie, 0);
	ASSERT_INT_EQ(db_generation_get(db, &gen), 0);
	ASSERT_INT_EQ(gen, 77);
	ASSERT_INT_EQ(tdb_count(db, "SELECT count(*) FROM outbox WHERE record_id = ?1",
	    r1), 0);
	ASSERT_INT_EQ(tdb_count(db, "SELECT count(*) FROM outbox WHERE record_id = ?1",
	    r3), 1);
	ASSERT_INT_EQ(tdb_count(db, "SELECT count(*) FROM outbox WHERE"
	    " record_id = ?1 AND seq NOT IN (SELECT seq FROM outbox_sent)", r4),
	    1);
	ASSERT_INT_EQ(tdb_count(db, "SELECT version FROM mirror WHERE record_id = ?1",
	    r2), 12);
	ASSERT_INT_EQ(tdb_count(db, "SELECT version FROM mirror WHERE record_id = ?1",
	    r3), 15);

	/* the re-offers go out with the version held */
	ASSERT_TRUE(take(r3, &c, &n));
	ASSERT_INT_EQ(n, 3);
	ASSERT_INT_EQ(c.lost_version, 15);
	ASSERT_INT_EQ(c.rec.version, 15);
	ASSERT_INT_EQ(db_record_get(db, r3, &got), 0);
	ASSERT_INT_EQ(c.rec.body_len, got.body_len);
	ASSERT_MEM_EQ(c.rec.body, got.body, got.body_len);
	db_record_clear(&got);

	/* a pulled version of a record being re-offered is skipped */
	memset(&srv, 0, sizeof(srv));
	memcpy(srv.record_id, r2, DB_UUID_LEN + 1);
	memcpy(srv.case_id, CASE1, DB_UUID_LEN + 1);
	snprintf(srv.kind, sizeof(srv.kind), "note");
	srv.version = 13;	/* a reused seq, other content */
	srv.key_epoch = 1;
	srv.body = (uint8_t *)(uintptr_t)"";
	ASSERT_INT_EQ(db_begin(db), 0);
	ASSERT_INT_EQ(db_pulled(db, &srv, &nc), 0);
	ASSERT_INT_EQ(db_commit(db), 0);
	ASSERT_INT_EQ(tdb_count(db, "SELECT version FROM records WHERE record_id ="
	    " ?1", r2), 12);

	/* r3 applied: clean at the new version, no longer a re-offer */
	ASSERT_INT_EQ(db_begin(db), 0);
	ASSERT_INT_EQ(db_pushed(db, &c, 11), 0);
	ASSERT_INT_EQ(db_commit(db), 0);
	db_record_clear(&c.rec);
	ASSERT_INT_EQ(tdb_count(db, "SELECT count(*) FROM reoffer WHERE record_id ="
	    " ?1", r3), 0);
	ASSERT_INT_EQ(tdb_count(db, "SELECT version FROM records WHERE record_id ="
	    " ?1", r3), 11);

	/* r2 held (case unknown to the server): waits out this sync */
	ASSERT_TRUE(take(r2, &c, &n));
	ASSERT_INT_EQ(db_begin(db), 0);
	ASSERT_INT_EQ(db_reoffer_hold(db, &c), 0);
	ASSERT_INT_EQ(db_commit(db), 0);
	db_record_clear(&c.rec);
	ASSERT_INT_EQ(db_reoffer_held(db, &held), 0);
	ASSERT_INT_EQ(held, 1);
	ASSERT_TRUE(!take(r2, &c, &n));
	ASSERT_INT_EQ(db_reoffer_retry(db), 0);
	ASSERT_TRUE(take(r2, &c, &n));
	ASSERT_INT_EQ(c.lost_version, 12);

	/* a newer re-offered state, no local edit on r2: taken as is */
	{
		struct body	b;
		uint8_t		*enc = NULL;
		size_t		 len;

		body_init(&b);
		ASSERT_INT_EQ(body_set(&b, "text", (const uint8_t *)"twee+",
		    5), 0);
		ASSERT_INT_EQ(body_encode(&b, &enc, &len), 0);
		srv.version = 14;
		srv.body = enc;
		srv.body_len = len;
		ASSERT_INT_EQ(db_begin(db), 0);
		ASSERT_INT_EQ(db_conflict(db, &c, &srv, 0, &nc), 0);
		ASSERT_INT_EQ(db_commit(db), 0);
		ASSERT_INT_EQ(nc, 0);
		ASSERT_INT_EQ(db_record_get(db, r2, &got), 0);
		ASSERT_INT_EQ(got.version, 14);
		ASSERT_INT_EQ(got.body_len, len);
		ASSERT_MEM_EQ(got.body, enc, len);
		db_record_clear(&got);
		ASSERT_INT_EQ(tdb_count(db, "SELECT count(*) FROM outbox WHERE"
		    " record_id = ?1", r2), 0);
		body_buf_free(enc, len);
		body_free(&b);
	}
	db_record_clear(&c.rec);
	vault_close(vault);
	tdb_remove(top, "v");
	TEST_DONE();
}

static void
test_db_restore_nobase(void)
{
	char			 r5[DB_UUID_LEN + 1];
	struct db_change	 c;
	struct db_record	 srv;
	struct body		 b;
	uint8_t			*enc = NULL;
	size_t			 len, n, nc;

	TEST_START("db_restore: a re-offer without a common base keeps both "
	    "sides as a conflict");
	vault = tdb_vault(top, "v", 1);
	db = vault_db(vault);
	ASSERT_INT_EQ(db_init(db), 0);
	ASSERT_INT_EQ(keys_init(db), 0);
	tdb_case_key(db, CASE1);
	tdb_rid(r5, 5);
	put(r5, "text", "mine");
	pushed(r5, 30);
	ASSERT_INT_EQ(db_begin(db), 0);
	ASSERT_INT_EQ(db_restore(db, 78, 10, &n), 0);
	ASSERT_INT_EQ(db_commit(db), 0);
	ASSERT_INT_EQ(n, 1);
	ASSERT_TRUE(take(r5, &c, &n));
	/* changed after the restore by someone else */
	body_init(&b);
	ASSERT_INT_EQ(body_set(&b, "text", (const uint8_t *)"theirs", 6), 0);
	ASSERT_INT_EQ(body_encode(&b, &enc, &len), 0);
	memset(&srv, 0, sizeof(srv));
	memcpy(srv.record_id, r5, DB_UUID_LEN + 1);
	memcpy(srv.case_id, CASE1, DB_UUID_LEN + 1);
	snprintf(srv.kind, sizeof(srv.kind), "note");
	srv.version = 12;
	srv.key_epoch = 1;
	srv.body = enc;
	srv.body_len = len;
	ASSERT_INT_EQ(db_begin(db), 0);
	ASSERT_INT_EQ(db_conflict(db, &c, &srv, 1, &nc), 0);
	ASSERT_INT_EQ(db_commit(db), 0);
	ASSERT_INT_EQ(nc, 1);		/* "mine" kept beside "theirs" */
	ASSERT_INT_EQ(tdb_count(db, "SELECT count(*) FROM outbox WHERE record_id ="
	    " ?1", r5), 1);
	ASSERT_INT_EQ(tdb_count(db, "SELECT version FROM records WHERE record_id ="
	    " ?1", r5), 12);
	body_buf_free(enc, len);
	body_free(&b);
	db_record_clear(&c.rec);
	vault_close(vault);
	tdb_remove(top, "v");
	TEST_DONE();
}

int
main(void)
{
	tdb_start("test_db_restore", top);
	test_db_restore();
	test_db_restore_nobase();
	ASSERT_INT_EQ(rmdir(top), 0);
	return 0;
}
