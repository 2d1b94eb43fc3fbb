/* SPDX-License-Identifier: ISC */
/*
 * test_db.c - the laptop's local tables (client/core/db.c, db_outbox.c,
 * db_mirror.c; the promises of db.h), on a database in a real vault
 * opened as the client opens it:
 *  - new ids (db_uuid): well-formed text the server's validator
 *    accepts, version 7 with the RFC 9562 variant, the current time in
 *    the first 48 bits, and strictly increasing within one process even
 *    when thousands are made in the same millisecond;
 *  - a local edit: the record and one outbox row, later edits before a
 *    take folded into it, limits (append-only kinds, size, case and
 *    kind of a record);
 *  - an edit stays in the outbox until the server acknowledges it: a
 *    take marks it sent and a retry sends the same change_id and
 *    content, a later edit gets a row of its own and waits its turn;
 *  - a pull replaces a clean record; a record with unpushed edits takes
 *    only a version newer than its merge base, merged, and a conflict
 *    keeps both values; a push the server answers with a newer version
 *    is merged and queued again on it; a refused change leaves the
 *    outbox and the record stays;
 *  - changes of a case without a key wait, counted; a purge removes
 *    every trace of a case and nothing else; cursors, the self user and
 *    the digest.
 * Restores and re-offers are test_db_restore.c's, read-only cases
 * test_nolost.c's, the schema test_db_schema.c's.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "body.h"
#include "db.h"
#include "errors.h"
#include "keys.h"
#include "merge.h"
#include "test.h"
#include "test_db.h"
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

static const char	CASE1[] = "11111111-1111-4111-8111-111111111111";
static const char	CASE2[] = "44444444-4444-4444-8444-444444444444";
static char		top[PATH_MAX];
static struct vault	*vault;
static sqlite3		*db;

/* A record of "kind" in "case_id" with field "a" = "value". */
static void
rec(struct db_record *r, const char *id, const char *case_id,
    const char *kind, const char *value)
{
	struct body	b;

	memset(r, 0, sizeof(*r));
	memcpy(r->record_id, id, DB_UUID_LEN + 1);
	memcpy(r->case_id, case_id, DB_UUID_LEN + 1);
	snprintf(r->kind, sizeof(r->kind), "%s", kind);
	r->key_epoch = 1;
	body_init(&b);
	ASSERT_INT_EQ(body_set(&b, "a", (const uint8_t *)value,
	    strlen(value)), 0);
	ASSERT_INT_EQ(body_encode(&b, &r->body, &r->body_len), 0);
	body_free(&b);
}

static int
put(const char *id, const char *case_id, const char *kind,
    const char *value)
{
	struct db_record	r;
	int			ret;

	rec(&r, id, case_id, kind, value);
	ret = db_local_write(db, &r);
	body_buf_free(r.body, r.body_len);
	return ret;
}

/* Field "a" of a body: 1 if it is "value". */
static int
field_is(const uint8_t *p, size_t len, const char *value)
{
	const struct body_field	*f;
	struct body		 b;
	int			 yes;

	body_init(&b);
	ASSERT_INT_EQ(body_decode(p, len, &b), 0);
	f = body_get(&b, "a");
	yes = f != NULL && f->len == strlen(value) &&
	    memcmp(f->value, value, f->len) == 0;
	body_free(&b);
	return yes;
}

/* The local record "id": version, and 1 if field "a" is "value". */
static int
local_is(const char *id, int64_t version, const char *value)
{
	struct db_record	r;
	int			yes;

	ASSERT_INT_EQ(db_record_get(db, id, &r), 0);
	yes = r.version == version && field_is(r.body, r.body_len, value);
	db_record_clear(&r);
	return yes;
}

static int64_t
outbox_n(void)
{
	int64_t	n;

	ASSERT_INT_EQ(db_outbox_count(db, &n), 0);
	return n;
}

/* Take the outbox: exactly "want" changes; the one of "id" into *c. */
static void
take(const char *id, size_t want, struct db_change *c)
{
	struct db_change	*all = NULL;
	size_t			 i, n;
	int			 found = 0;

	ASSERT_INT_EQ(db_outbox_take(db, 100, 1 << 20, &all, &n), 0);
	ASSERT_INT_EQ(n, want);
	for (i = 0; i < n; i++) {
		if (id != NULL && !found &&
		    strcmp(all[i].rec.record_id, id) == 0) {
			*c = all[i];
			memset(&all[i], 0, sizeof(all[i]));
			found = 1;
		}
	}
	db_changes_free(all, n);
	if (id != NULL)
		ASSERT_TRUE(found);
}

/* A record from the server: "id" at "version" with "a" = "value". */
static size_t
pull(const char *id, int64_t version, const char *value, int deleted)
{
	struct db_record	r;
	size_t			nc;

	rec(&r, id, CASE1, "note", value);
	r.version = version;
	r.deleted = deleted;
	r.hlc = 1000 + (uint64_t)version;
	snprintf(r.author_id, sizeof(r.author_id), "202");
	snprintf(r.author_name, sizeof(r.author_name), "Other");
	ASSERT_INT_EQ(db_begin(db), 0);
	ASSERT_INT_EQ(db_pulled(db, &r, &nc), 0);
	ASSERT_INT_EQ(db_commit(db), 0);
	body_buf_free(r.body, r.body_len);
	return nc;
}

static void
push_ok(struct db_change *c, int64_t version)
{
	ASSERT_INT_EQ(db_begin(db), 0);
	ASSERT_INT_EQ(db_pushed(db, c, version), 0);
	ASSERT_INT_EQ(db_commit(db), 0);
	db_record_clear(&c->rec);
}

static void
open_db(void)
{
	tdb_start("test_db", top);
	vault = tdb_vault(top, "v", 1);
	db = vault_db(vault);
	ASSERT_INT_EQ(db_init(db), 0);
	ASSERT_INT_EQ(keys_init(db), 0);
	/* CASE1's key is here, CASE2's is not */
	tdb_case_key(db, CASE1);
}

static void
test_self(void)
{
	char	id[MARKER_ID_MAX + 1], name[MARKER_NAME_MAX + 1];

	TEST_START("db_self: \"\" until the server said; kept; checked");
	ASSERT_INT_EQ(db_self_get(db, id, name), 0);
	ASSERT_STR_EQ(id, "");
	ASSERT_STR_EQ(name, "");
	ASSERT_INT_EQ(db_self_set(db, "u-self", "Self"), CS_ERR_FORMAT);
	ASSERT_INT_EQ(db_self_set(db, "101", "Self"), 0);
	ASSERT_INT_EQ(db_self_get(db, id, name), 0);
	ASSERT_STR_EQ(id, "101");
	ASSERT_STR_EQ(name, "Self");
	TEST_DONE();
}

static void
test_local_write(void)
{
	char			 r1[DB_UUID_LEN + 1], j1[DB_UUID_LEN + 1];
	struct db_record	 r;

	TEST_START("db_local_write: the record and one outbox row; edits "
	    "before a take fold into it; limits");
	tdb_rid(r1, 1);
	tdb_rid(j1, 2);
	ASSERT_INT_EQ(db_record_get(db, r1, &r), CS_ERR_NOT_FOUND);
	ASSERT_INT_EQ(put(r1, CASE1, "note", "one"), 0);
	ASSERT_TRUE(local_is(r1, 0, "one"));
	ASSERT_INT_EQ(outbox_n(), 1);
	/* never synced: no merge base */
	ASSERT_INT_EQ(tdb_count(db, "SELECT count(*) FROM mirror", NULL), 0);
	ASSERT_INT_EQ(put(r1, CASE1, "note", "two"), 0);
	ASSERT_TRUE(local_is(r1, 0, "two"));
	ASSERT_INT_EQ(outbox_n(), 1);
	ASSERT_INT_EQ(tdb_count(db, "SELECT count(*) FROM outbox WHERE"
	    " record_id = ?1 AND seq NOT IN (SELECT seq FROM outbox_sent)", r1),
	    1);

	/* a record keeps its case and kind; append-only kinds are once */
	ASSERT_INT_EQ(put(r1, CASE1, "person", "x"), CS_ERR_EXISTS);
	ASSERT_INT_EQ(put(r1, CASE2, "note", "x"), CS_ERR_EXISTS);
	ASSERT_INT_EQ(put(j1, CASE1, "journal", "once"), 0);
	ASSERT_INT_EQ(put(j1, CASE1, "journal", "twice"), CS_ERR_EXISTS);
	ASSERT_TRUE(local_is(j1, 0, "once"));
	ASSERT_TRUE(local_is(r1, 0, "two"));
	ASSERT_INT_EQ(outbox_n(), 2);

	/* over DB_BODY_MAX: refused before anything is written */
	rec(&r, r1, CASE1, "note", "big");
	body_buf_free(r.body, r.body_len);
	r.body_len = DB_BODY_MAX + 1;
	ASSERT_PTR_NE(r.body = calloc(1, r.body_len), NULL);
	ASSERT_INT_EQ(db_local_write(db, &r), CS_ERR_TOO_LARGE);
	free(r.body);
	ASSERT_TRUE(local_is(r1, 0, "two"));
	TEST_DONE();
}

static void
test_outbox_until_acked(void)
{
	char			 r1[DB_UUID_LEN + 1], j1[DB_UUID_LEN + 1];
	char			 first[DB_UUID_LEN + 1];
	struct db_change	 c, d;

	TEST_START("outbox: an edit stays until acknowledged; a retry is "
	    "the same change; a later edit waits its turn");
	tdb_rid(r1, 1);
	tdb_rid(j1, 2);
	take(r1, 2, &c);
	memcpy(first, c.change_id, sizeof(first));
	ASSERT_INT_EQ(c.rec.version, 0);
	ASSERT_TRUE(field_is(c.rec.body, c.rec.body_len, "two"));
	db_record_clear(&c.rec);
	/* taken is not acknowledged: still there, now sent */
	ASSERT_INT_EQ(outbox_n(), 2);
	ASSERT_INT_EQ(tdb_count(db, "SELECT count(*) FROM outbox_sent JOIN"
	    " outbox USING (seq) WHERE record_id = ?1", r1), 1);
	/* the sync failed: the retry is the same change, same content */
	take(r1, 2, &c);
	ASSERT_STR_EQ(c.change_id, first);
	ASSERT_TRUE(field_is(c.rec.body, c.rec.body_len, "two"));
	db_record_clear(&c.rec);
	/* an edit after the take: a row of its own, not sent before it */
	ASSERT_INT_EQ(put(r1, CASE1, "note", "three"), 0);
	ASSERT_INT_EQ(outbox_n(), 3);
	take(r1, 2, &c);
	ASSERT_STR_EQ(c.change_id, first);
	ASSERT_TRUE(field_is(c.rec.body, c.rec.body_len, "two"));
	/* acknowledged at version 5: the later edit now builds on it */
	push_ok(&c, 5);
	ASSERT_INT_EQ(outbox_n(), 2);
	ASSERT_TRUE(local_is(r1, 5, "three"));
	ASSERT_INT_EQ(tdb_count(db, "SELECT version FROM mirror WHERE record_id = ?1",
	    r1), 5);
	take(r1, 2, &d);
	ASSERT_TRUE(strcmp(d.change_id, first) != 0);
	ASSERT_INT_EQ(d.rec.version, 5);
	ASSERT_TRUE(field_is(d.rec.body, d.rec.body_len, "three"));
	push_ok(&d, 6);
	take(j1, 1, &c);
	push_ok(&c, 7);
	/* all acknowledged: clean, no merge base kept */
	ASSERT_INT_EQ(outbox_n(), 0);
	ASSERT_TRUE(local_is(r1, 6, "three"));
	ASSERT_INT_EQ(tdb_count(db, "SELECT count(*) FROM mirror", NULL), 0);
	take(NULL, 0, NULL);
	TEST_DONE();
}

struct conflicts {
	int	n;
	int	mine, theirs;
};

static int
conflict_cb(const char *name, const struct marker_value *v, size_t n,
    int legacy, const struct body_field *cur, void *arg)
{
	struct conflicts	*k = arg;
	size_t			 i;

	(void)cur;
	ASSERT_STR_EQ(name, "a");
	ASSERT_INT_EQ(legacy, 0);
	k->n++;
	for (i = 0; i < n; i++) {
		if (v[i].len == 4 && memcmp(v[i].value, "mine", 4) == 0 &&
		    strcmp(v[i].user_id, "101") == 0)
			k->mine++;
		if (v[i].len == 6 && memcmp(v[i].value, "theirs", 6) == 0 &&
		    strcmp(v[i].user_id, "202") == 0)
			k->theirs++;
	}
	return 0;
}

/* The conflicts recorded in the local record "id". */
static void
conflicts_of(const char *id, struct conflicts *k)
{
	struct db_record	r;
	struct body		b;

	memset(k, 0, sizeof(*k));
	ASSERT_INT_EQ(db_record_get(db, id, &r), 0);
	body_init(&b);
	ASSERT_INT_EQ(body_decode(r.body, r.body_len, &b), 0);
	ASSERT_INT_EQ(merge_conflicts(&b, conflict_cb, k), 0);
	body_free(&b);
	db_record_clear(&r);
}

static void
test_pull(void)
{
	char			 r1[DB_UUID_LEN + 1], r3[DB_UUID_LEN + 1];
	struct db_change	 c;
	struct conflicts	 k;

	TEST_START("pull: a clean record is replaced; an edited one takes "
	    "only a newer version than its base, merged; a conflict keeps "
	    "both");
	tdb_rid(r1, 1);
	tdb_rid(r3, 3);
	/* clean: the server's record replaces ours, a new one appears */
	ASSERT_INT_EQ(pull(r1, 8, "srv", 0), 0);
	ASSERT_TRUE(local_is(r1, 8, "srv"));
	ASSERT_INT_EQ(pull(r3, 9, "new", 0), 0);
	ASSERT_TRUE(local_is(r3, 9, "new"));
	ASSERT_INT_EQ(outbox_n(), 0);
	/* a deletion from the server removes a clean record */
	ASSERT_INT_EQ(pull(r3, 10, "new", 1), 0);
	ASSERT_INT_EQ(tdb_count(db, "SELECT count(*) FROM records WHERE record_id ="
	    " ?1", r3), 0);

	/* an edit: the merge base is the server's version 8 */
	ASSERT_INT_EQ(put(r1, CASE1, "note", "mine"), 0);
	ASSERT_INT_EQ(tdb_count(db, "SELECT version FROM mirror WHERE record_id = ?1",
	    r1), 8);
	/* the same version or an older one again: nothing changes */
	ASSERT_INT_EQ(pull(r1, 8, "other", 0), 0);
	ASSERT_INT_EQ(pull(r1, 7, "older", 0), 0);
	ASSERT_TRUE(local_is(r1, 8, "mine"));
	ASSERT_INT_EQ(tdb_count(db, "SELECT version FROM mirror WHERE record_id = ?1",
	    r1), 8);
	ASSERT_INT_EQ(outbox_n(), 1);
	conflicts_of(r1, &k);
	ASSERT_INT_EQ(k.n, 0);

	/* a newer one changed the same field: both values are kept */
	ASSERT_INT_EQ(pull(r1, 11, "theirs", 0), 1);
	conflicts_of(r1, &k);
	ASSERT_INT_EQ(k.n, 1);
	ASSERT_INT_EQ(k.mine, 1);
	ASSERT_INT_EQ(k.theirs, 1);
	/* on top of the server's version, queued again, base moved on */
	ASSERT_TRUE(local_is(r1, 11, "theirs"));
	ASSERT_INT_EQ(tdb_count(db, "SELECT version FROM mirror WHERE record_id = ?1",
	    r1), 11);
	ASSERT_INT_EQ(outbox_n(), 1);
	take(r1, 1, &c);
	ASSERT_INT_EQ(c.rec.version, 11);
	push_ok(&c, 12);
	ASSERT_INT_EQ(outbox_n(), 0);
	conflicts_of(r1, &k);
	ASSERT_INT_EQ(k.n, 1);
	TEST_DONE();
}

/*
 * A queued change borrows its record's body (client schema version 8)
 * and keeps the content it was sent with when a pull merged into the
 * record changes its body: db_outbox_unborrow().
 */
static void
test_borrowed_body(void)
{
	char			 r6[DB_UUID_LEN + 1];
	char			 first[DB_UUID_LEN + 1];
	struct db_change	 c;
	struct conflicts	 k;

	TEST_START("outbox: a change borrows its record's body and keeps "
	    "what it was sent with through a merged pull");
	tdb_rid(r6, 60);
	ASSERT_INT_EQ(pull(r6, 20, "srv", 0), 0);
	ASSERT_INT_EQ(put(r6, CASE1, "note", "mine"), 0);
	ASSERT_INT_EQ(tdb_count(db, "SELECT count(*) FROM outbox WHERE"
	    " record_id = ?1 AND borrowed = 1 AND length(body) = 0", r6), 1);
	take(r6, 1, &c);
	memcpy(first, c.change_id, sizeof(first));
	ASSERT_TRUE(field_is(c.rec.body, c.rec.body_len, "mine"));
	db_record_clear(&c.rec);
	/*
	 * A newer server version merged in: the record's body changes, the
	 * sent row gets its own copy first (an edit after a take does too:
	 * test_outbox_until_acked).
	 */
	ASSERT_INT_EQ(pull(r6, 21, "theirs", 0), 1);
	conflicts_of(r6, &k);
	ASSERT_INT_EQ(k.n, 1);
	ASSERT_INT_EQ(tdb_count(db, "SELECT count(*) FROM outbox WHERE"
	    " change_id = ?1 AND borrowed = 0 AND length(body) > 0", first),
	    1);
	/* the retry is the same change with the same content */
	take(r6, 1, &c);
	ASSERT_STR_EQ(c.change_id, first);
	ASSERT_TRUE(field_is(c.rec.body, c.rec.body_len, "mine"));
	push_ok(&c, 22);
	/* then the merge, now on the version acknowledged */
	take(r6, 1, &c);
	ASSERT_TRUE(strcmp(c.change_id, first) != 0);
	ASSERT_INT_EQ(c.rec.version, 22);
	ASSERT_TRUE(field_is(c.rec.body, c.rec.body_len, "theirs"));
	push_ok(&c, 23);
	ASSERT_INT_EQ(tdb_count(db, "SELECT count(*) FROM outbox WHERE"
	    " record_id = ?1", r6), 0);
	TEST_DONE();
}

static void
test_push_answers(void)
{
	char			 r4[DB_UUID_LEN + 1], r5[DB_UUID_LEN + 1];
	struct db_change	 c;
	struct db_record	 cur;
	size_t			 nc;
	struct conflicts	 k;

	TEST_START("push answers: a newer version on the server is merged "
	    "and queued on it; a refused change leaves the outbox only");
	tdb_rid(r4, 4);
	tdb_rid(r5, 5);
	ASSERT_INT_EQ(put(r4, CASE1, "note", "base"), 0);
	take(r4, 1, &c);
	push_ok(&c, 20);
	ASSERT_INT_EQ(put(r4, CASE1, "note", "mine"), 0);
	take(r4, 1, &c);
	rec(&cur, r4, CASE1, "note", "theirs");
	cur.version = 21;
	snprintf(cur.author_id, sizeof(cur.author_id), "202");
	ASSERT_INT_EQ(db_begin(db), 0);
	ASSERT_INT_EQ(db_conflict(db, &c, &cur, 0, &nc), 0);
	ASSERT_INT_EQ(db_commit(db), 0);
	body_buf_free(cur.body, cur.body_len);
	ASSERT_INT_EQ(nc, 1);
	conflicts_of(r4, &k);
	ASSERT_INT_EQ(k.mine, 1);
	ASSERT_INT_EQ(k.theirs, 1);
	ASSERT_TRUE(local_is(r4, 21, "theirs"));
	/* the conflicted change is settled; the merge is a new one */
	ASSERT_INT_EQ(tdb_count(db, "SELECT count(*) FROM outbox WHERE change_id ="
	    " ?1", c.change_id), 0);
	db_record_clear(&c.rec);
	take(r4, 1, &c);
	ASSERT_INT_EQ(c.rec.version, 21);
	push_ok(&c, 22);

	/* refused for good: out of the outbox, the record as written */
	ASSERT_INT_EQ(put(r5, CASE1, "note", "refused"), 0);
	take(r5, 1, &c);
	ASSERT_INT_EQ(db_begin(db), 0);
	ASSERT_INT_EQ(db_rejected(db, &c), 0);
	ASSERT_INT_EQ(db_commit(db), 0);
	db_record_clear(&c.rec);
	ASSERT_INT_EQ(outbox_n(), 0);
	ASSERT_TRUE(local_is(r5, 0, "refused"));
	ASSERT_INT_EQ(tdb_count(db, "SELECT count(*) FROM mirror WHERE record_id = ?1",
	    r5), 0);
	TEST_DONE();
}

static void
test_keyless_purge_state(void)
{
	char		 r6[DB_UUID_LEN + 1], r7[DB_UUID_LEN + 1];
	int64_t		 n, since, tie, count, count2;
	uint32_t	 purged;
	uint8_t		 h1[32], h2[32];
	struct db_change c;

	TEST_START("keyless changes wait, counted; a purge removes one case "
	    "only; cursors, digest");
	tdb_rid(r6, 6);
	tdb_rid(r7, 7);
	ASSERT_INT_EQ(put(r6, CASE2, "note", "no key yet"), 0);
	ASSERT_INT_EQ(outbox_n(), 1);
	ASSERT_INT_EQ(db_outbox_keyless(db, &n), 0);
	ASSERT_INT_EQ(n, 1);
	take(NULL, 0, NULL);
	ASSERT_INT_EQ(put(r7, CASE1, "note", "keyed"), 0);
	ASSERT_INT_EQ(db_outbox_keyless(db, &n), 0);
	ASSERT_INT_EQ(n, 1);
	take(r7, 1, &c);
	push_ok(&c, 30);

	ASSERT_INT_EQ(db_digest(db, &count, h1), 0);
	ASSERT_INT_EQ(count, tdb_count(db, "SELECT count(*) FROM records WHERE"
	    " deleted = 0", NULL));
	ASSERT_INT_EQ(db_digest(db, &count2, h2), 0);
	ASSERT_INT_EQ(count2, count);
	ASSERT_MEM_EQ(h1, h2, 32);
	ASSERT_INT_EQ(pull(r7, 31, "keyed", 0), 0);
	ASSERT_INT_EQ(db_digest(db, &count2, h2), 0);
	ASSERT_INT_EQ(count2, count);
	ASSERT_TRUE(memcmp(h1, h2, 32) != 0);

	ASSERT_INT_EQ(db_purge_case(db, CASE2, &purged), 0);
	ASSERT_INT_EQ(purged, 1);
	ASSERT_INT_EQ(db_record_get(db, r6, &c.rec), CS_ERR_NOT_FOUND);
	ASSERT_INT_EQ(outbox_n(), 0);
	/* CASE2 had one of them */
	ASSERT_INT_EQ(tdb_count(db, "SELECT count(*) FROM records WHERE case_id = ?1",
	    CASE1), count - 1);
	ASSERT_INT_EQ(tdb_count(db, "SELECT count(*) FROM records", NULL), count - 1);

	ASSERT_INT_EQ(db_cursor_get(db, &since, &tie), 0);
	ASSERT_INT_EQ(since, 0);
	ASSERT_INT_EQ(tie, 0);
	ASSERT_INT_EQ(db_cursor_set(db, 123, 45), 0);
	ASSERT_INT_EQ(db_cursor_get(db, &since, &tie), 0);
	ASSERT_INT_EQ(since, 123);
	ASSERT_INT_EQ(tie, 45);
	TEST_DONE();
}

/* The size of the vault's WAL, -1 if there is none. */
static long long
wal_size(void)
{
	char		p[PATH_MAX];
	struct stat	st;

	ASSERT_INT_EQ(snprintf(p, sizeof(p), "%s/v/vault.db-wal", top) <
	    (int)sizeof(p), 1);
	return stat(p, &st) == 0 ? (long long)st.st_size : -1;
}

/*
 * A sync that finds the laptop in step sets the cursor it already has:
 * that must write no page (issue 23, goal 8: no commit, so no WAL
 * frame, fsync or checkpoint for it).  A new value is written.
 */
static void
test_state_unchanged(void)
{
	int64_t		since, tie;
	long long	w;
	int		c;

	TEST_START("a state value set to what it is writes nothing");
	ASSERT_INT_EQ(db_cursor_set(db, 200, 7), 0);
	w = wal_size();
	c = sqlite3_total_changes(db);
	ASSERT_INT_EQ(db_begin(db), 0);
	ASSERT_INT_EQ(db_cursor_set(db, 200, 7), 0);
	ASSERT_INT_EQ(db_commit(db), 0);
	ASSERT_INT_EQ(sqlite3_total_changes(db), c);
	ASSERT_TRUE(wal_size() == w);
	ASSERT_INT_EQ(db_cursor_get(db, &since, &tie), 0);
	ASSERT_INT_EQ(since, 200);
	ASSERT_INT_EQ(tie, 7);
	/* a new value, and a new key, are written */
	ASSERT_INT_EQ(db_cursor_set(db, 201, 7), 0);
	ASSERT_INT_EQ(sqlite3_total_changes(db), c + 1);
	ASSERT_INT_EQ(db_case_meta_fetched(db, &since), 0);
	ASSERT_INT_EQ(since, 0);
	ASSERT_INT_EQ(db_case_meta_fetched_set(db, 0), 0);
	ASSERT_INT_EQ(sqlite3_total_changes(db), c + 2);
	ASSERT_INT_EQ(db_case_meta_fetched_set(db, 0), 0);
	ASSERT_INT_EQ(sqlite3_total_changes(db), c + 2);
	ASSERT_INT_EQ(db_cursor_get(db, &since, &tie), 0);
	ASSERT_INT_EQ(since, 201);
	TEST_DONE();
}

int
main(void)
{
	if (sodium_init() < 0)
		return 1;
	test_format();
	test_increasing();
	open_db();
	test_self();
	test_local_write();
	test_outbox_until_acked();
	test_pull();
	test_push_answers();
	test_borrowed_body();
	test_keyless_purge_state();
	test_state_unchanged();
	vault_close(vault);
	tdb_remove(top, "v");
	ASSERT_INT_EQ(rmdir(top), 0);
	return 0;
}
