/* SPDX-License-Identifier: ISC */
/*
 * test_store_sync.c - server-side sync rules on a real SQLite file:
 * case creation, push with idempotent retries, conflicts, append-only
 * kinds, forbidden writes, pull order and batching, backfill of a case
 * granted later, purge instructions and receipts, and the digest.
 */
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "errors.h"
#include "store.h"
#include "store_int.h"
#include "test.h"
#include "test_store_db.h"
#include "test_store_fix.h"

#define NOW	((int64_t)1700000000)

static char		tmpdir[64], dbpath[PATH_MAX];
static struct store	*st;
static struct store_user anna, bert, femke;
static const char	CASE1[] = "11111111-1111-4111-8111-111111111111";
static const char	CASE2[] = "22222222-2222-4222-8222-222222222222";
static const char	CASE3[] = "33333333-3333-4333-8333-333333333333";

static void
uuid_n(char out[STORE_UUID_LEN + 1], unsigned n)
{
	snprintf(out, STORE_UUID_LEN + 1,
	    "%08x-0000-4000-8000-000000000000", n);
}

static void
setup(void)
{
	int64_t	id;

	st = TEST_STORE_OPEN("test_store_sync", tmpdir, dbpath);
	ASSERT_INT_EQ(store_office_add(st, "Zwolle", NULL, &id), 0);
	ASSERT_INT_EQ(store_office_add(st, "Lelystad", NULL, &id), 0);
	test_store_user(st, "anna", "jeugdbeschermer", "Zwolle", &anna);
	test_store_user(st, "bert", "jeugdbeschermer", "Zwolle", &bert);
	test_store_user(st, "femke", "teamleider", "Zwolle", &femke);
	ASSERT_INT_EQ(store_user_add(st, "audrey", "auditor", "Zwolle", &id),
	    0);
}

static void
change(struct store_change *c, char *cid, const char *rid, const char *kase,
    const char *kind, const char *body, int64_t base)
{
	memset(c, 0, sizeof(*c));
	c->change_id = cid;
	memcpy(c->rec.record_id, rid, STORE_UUID_LEN + 1);
	memcpy(c->rec.case_id, kase, STORE_UUID_LEN + 1);
	snprintf(c->rec.kind, sizeof(c->rec.kind), "%s", kind);
	c->rec.body = (const uint8_t *)body;
	c->rec.body_len = strlen(body);
	c->base_version = base;
}

struct collect {
	size_t	n;
	int64_t	eff[64], tie[64];
	char	rid[64][STORE_UUID_LEN + 1];
	size_t	stop_after;
	int64_t	author[64], created_dev[64], created_at[64], changed_at[64];
	int64_t	author_user[64];
	char	author_name[64][STORE_NAME_MAX + 1];
};

static int
collect_cb(const struct store_record *r, int64_t eff, int64_t tie, void *arg)
{
	struct collect	*c = arg;

	if (c->stop_after > 0 && c->n == c->stop_after)
		return 1;
	ASSERT_TRUE(c->n < 64);
	c->eff[c->n] = eff;
	c->tie[c->n] = tie;
	memcpy(c->rid[c->n], r->record_id, sizeof(c->rid[0]));
	c->author[c->n] = r->author_device;
	c->created_dev[c->n] = r->created_device;
	c->created_at[c->n] = r->created_at;
	c->changed_at[c->n] = r->changed_at;
	c->author_user[c->n] = r->author_user;
	snprintf(c->author_name[c->n], sizeof(c->author_name[0]), "%s",
	    r->author_name != NULL ? r->author_name : "");
	c->n++;
	return 0;
}

/* Everything after (since, tie) for "u" pulling from device "dev". */
static size_t
pull_dev(const struct store_user *u, int64_t dev, int64_t since, int64_t tie,
    struct collect *c)
{
	int	more;

	memset(c, 0, sizeof(*c));
	ASSERT_INT_EQ(store_pull(st, u->id, dev, since, tie, 64, collect_cb,
	    c, &more), 0);
	ASSERT_INT_EQ(more, 0);
	return c->n;
}

/* As pull_dev from a device that authored nothing. */
static size_t
pull_all(const struct store_user *u, int64_t since, int64_t tie,
    struct collect *c)
{
	return pull_dev(u, 0, since, tie, c);
}

static void
test_push(void)
{
	struct store_change		c[3];
	struct store_change_result	res[3];
	char				cid[3][STORE_UUID_LEN + 1];
	char				rid[2][STORE_UUID_LEN + 1];
	int64_t				seq, last;

	TEST_START("push: apply, idempotent retry, conflict, append-only, "
	    "forbidden");
	ASSERT_INT_EQ(store_case_create(st, &anna, CASE1, "DRANG", NOW, &seq),
	    0);
	ASSERT_INT_EQ(store_case_create(st, &anna, CASE1, "DRANG", NOW, &seq),
	    CS_ERR_EXISTS);
	uuid_n(cid[0], 1);
	uuid_n(cid[1], 2);
	uuid_n(cid[2], 3);
	uuid_n(rid[0], 100);
	uuid_n(rid[1], 101);
	change(&c[0], cid[0], rid[0], CASE1, "person", "v1", 0);
	change(&c[1], cid[1], rid[1], CASE1, "journal", "note", 0);
	ASSERT_INT_EQ(store_push(st, anna.id, 7, c, 2, res, &last), 0);
	ASSERT_INT_EQ(res[0].status, STORE_CHANGE_APPLIED);
	ASSERT_INT_EQ(res[1].status, STORE_CHANGE_APPLIED);
	ASSERT_INT_EQ(res[1].version, res[0].version + 1);
	ASSERT_INT_EQ(last, res[1].version);

	/* the same batch again: original results, nothing new */
	ASSERT_INT_EQ(store_push(st, anna.id, 7, c, 2, res, &seq), 0);
	ASSERT_INT_EQ(res[0].status, STORE_CHANGE_APPLIED);
	ASSERT_INT_EQ(res[1].version, last);
	ASSERT_INT_EQ(seq, last);

	/* a stale base gets the current record back */
	change(&c[2], cid[2], rid[0], CASE1, "person", "v2", 0);
	ASSERT_INT_EQ(store_push(st, anna.id, 7, &c[2], 1, res, &seq), 0);
	ASSERT_INT_EQ(res[0].status, STORE_CHANGE_CONFLICT);	/* base 0 */
	store_results_clear(res, 1);
	c[2].base_version = 1;
	ASSERT_INT_EQ(store_push(st, anna.id, 7, &c[2], 1, res, &seq), 0);
	ASSERT_INT_EQ(res[0].status, STORE_CHANGE_CONFLICT);
	ASSERT_INT_EQ(res[0].has_current, 1);
	ASSERT_INT_EQ(res[0].current.body_len, 2);
	ASSERT_MEM_EQ(res[0].current.body, "v1", 2);
	c[2].base_version = res[0].current.version;
	store_results_clear(res, 1);
	ASSERT_INT_EQ(store_push(st, anna.id, 7, &c[2], 1, res, &seq), 0);
	ASSERT_INT_EQ(res[0].status, STORE_CHANGE_APPLIED);

	/* journal entries are final; another kind for a record is invalid */
	uuid_n(cid[2], 4);
	change(&c[2], cid[2], rid[1], CASE1, "journal", "edited", last);
	ASSERT_INT_EQ(store_push(st, anna.id, 7, &c[2], 1, res, &seq), 0);
	ASSERT_INT_EQ(res[0].status, STORE_CHANGE_INVALID);
	uuid_n(cid[2], 5);
	change(&c[2], cid[2], rid[0], CASE1, "plan", "x", seq);
	ASSERT_INT_EQ(store_push(st, anna.id, 7, &c[2], 1, res, &seq), 0);
	ASSERT_INT_EQ(res[0].status, STORE_CHANGE_INVALID);

	/* bert is no member */
	uuid_n(cid[2], 6);
	change(&c[2], cid[2], rid[0], CASE1, "person", "hack", seq);
	ASSERT_INT_EQ(store_push(st, bert.id, 8, &c[2], 1, res, &seq), 0);
	ASSERT_INT_EQ(res[0].status, STORE_CHANGE_FORBIDDEN);

	/*
	 * In a transaction the caller owns, the push has its results
	 * before the commit (the audit entries are made from them), and
	 * an error at the end undoes it all.
	 */
	uuid_n(cid[2], 7);
	uuid_n(rid[1], 102);
	change(&c[2], cid[2], rid[1], CASE1, "note", "undone", 0);
	ASSERT_INT_EQ(store_seq(st, &last), 0);
	ASSERT_INT_EQ(store_tx_begin(st), 0);
	ASSERT_INT_EQ(store_tx_begin(st), CS_ERR_INTERNAL);	/* not nested */
	ASSERT_INT_EQ(store_push(st, anna.id, 7, &c[2], 1, res, &seq), 0);
	ASSERT_INT_EQ(res[0].status, STORE_CHANGE_APPLIED);
	ASSERT_INT_EQ(seq, last + 1);
	store_results_clear(res, 1);
	ASSERT_INT_EQ(store_tx_end(st, CS_ERR_DB), CS_ERR_DB);
	ASSERT_INT_EQ(store_seq(st, &seq), 0);
	ASSERT_INT_EQ(seq, last);	/* nothing applied */
	ASSERT_INT_EQ(store_tx_end(st, 0), CS_ERR_INTERNAL);	/* none open */
	TEST_DONE();
}

static void
test_pull_backfill_purge(void)
{
	struct collect			 c;
	struct store_change		 ch;
	struct store_change_result	 res;
	char				 cid[STORE_UUID_LEN + 1];
	char				 rid[STORE_UUID_LEN + 1];
	int64_t				 seq, grant, last;
	int				 more, yes;

	TEST_START("pull: order, batches, backfill on grant, purge on removal");
	ASSERT_INT_EQ(pull_all(&anna, 0, 0, &c), 2);
	/* the device that pushed them already holds them */
	ASSERT_INT_EQ(pull_dev(&anna, 7, 0, 0, &c), 0);
	ASSERT_INT_EQ(pull_all(&bert, 0, 0, &c), 0);
	ASSERT_INT_EQ(store_seq(st, &last), 0);
	ASSERT_INT_EQ(pull_all(&anna, last, 0, &c), 0);
	ASSERT_INT_EQ(store_has_changes(st, anna.id, last, &yes), 0);
	ASSERT_INT_EQ(yes, 0);

	/* bert (not the regisseur, not a lead) cannot add himself */
	ASSERT_INT_EQ(store_case_member(st, &bert, CASE1, "bert", 0, 0,
	    &seq), CS_ERR_AUTH);
	/* auditors never become members */
	ASSERT_INT_EQ(store_case_member(st, &anna, CASE1, "audrey", 0, 0,
	    &seq), CS_ERR_NOT_FOUND);
	/* the team lead of the office may */
	ASSERT_INT_EQ(store_case_member(st, &femke, CASE1, "bert", 0, 0,
	    &grant), 0);
	ASSERT_INT_EQ(store_has_changes(st, bert.id, last, &yes), 0);
	ASSERT_INT_EQ(yes, 1);
	/* bert's cursor is already past the records: backfill delivers */
	ASSERT_INT_EQ(pull_all(&bert, last, 0, &c), 2);
	/* backfill is never skipped for the author: a purge deleted it */
	ASSERT_INT_EQ(pull_dev(&bert, 7, last, 0, &c), 2);
	ASSERT_INT_EQ(c.eff[0], grant);
	ASSERT_INT_EQ(c.eff[1], grant);
	ASSERT_TRUE(c.tie[0] < c.tie[1]);
	/* resuming inside the backfill group with the tie */
	ASSERT_INT_EQ(pull_all(&bert, c.eff[0], c.tie[0], &c), 1);
	ASSERT_INT_EQ(pull_all(&bert, grant, c.tie[0], &c), 0);

	/* a new change after the grant comes in version order */
	uuid_n(cid, 50);
	uuid_n(rid, 150);
	change(&ch, cid, rid, CASE1, "note", "later", 0);
	ASSERT_INT_EQ(store_push(st, anna.id, 7, &ch, 1, &res, &seq), 0);
	ASSERT_INT_EQ(pull_all(&bert, grant, 1u << 30, &c), 1);
	ASSERT_INT_EQ(c.eff[0], seq);
	ASSERT_INT_EQ(c.tie[0], 0);

	/* batching: stop after one, more is set */
	memset(&c, 0, sizeof(c));
	c.stop_after = 1;
	ASSERT_INT_EQ(store_pull(st, bert.id, 0, 0, 0, 64, collect_cb, &c,
	    &more), 0);
	ASSERT_INT_EQ(c.n, 1);
	ASSERT_INT_EQ(more, 1);
	memset(&c, 0, sizeof(c));
	ASSERT_INT_EQ(store_pull(st, bert.id, 0, 0, 0, 2, collect_cb, &c,
	    &more), 0);
	ASSERT_INT_EQ(c.n, 2);
	ASSERT_INT_EQ(more, 1);

	/* removal queues a purge for bert's devices only */
	ASSERT_INT_EQ(store_case_member(st, &anna, CASE1, "bert", 1, 0,
	    &seq), 0);
	ASSERT_INT_EQ(store_case_member(st, &anna, CASE1, "bert", 1, 0,
	    &seq), CS_ERR_NOT_FOUND);
	ASSERT_INT_EQ(pull_all(&bert, 0, 0, &c), 0);
	ASSERT_INT_EQ(store_purge_receipt(st, 99, CASE1, 3, NOW),
	    CS_ERR_NOT_FOUND);
	ASSERT_INT_EQ(store_case_create(st, &bert, CASE2, "OTS", NOW, &seq),
	    0);
	ASSERT_INT_EQ(store_case_create(st, &anna, CASE2, "BOGUS", NOW,
	    &seq), CS_ERR_EXISTS);
	TEST_DONE();
}

static void
test_digest(void)
{
	uint8_t	h1[32], h2[32];
	int64_t	n1, n2;

	TEST_START("digest: stable, counts live records");
	ASSERT_INT_EQ(store_digest(st, &n1, h1), 0);
	ASSERT_INT_EQ(store_digest(st, &n2, h2), 0);
	ASSERT_INT_EQ(n1, 3);
	ASSERT_INT_EQ(n1, n2);
	ASSERT_MEM_EQ(h1, h2, 32);
	TEST_DONE();
}

/* Two results a peer cannot tell apart (ChangeResult on the wire). */
static void
same_answer(const struct store_change_result *a,
    const struct store_change_result *b)
{
	ASSERT_INT_EQ(a->status, b->status);
	ASSERT_INT_EQ(a->version, b->version);
	ASSERT_INT_EQ(a->has_current, b->has_current);
	ASSERT_INT_EQ(a->late, b->late);
	ASSERT_INT_EQ(a->held, b->held);
	ASSERT_INT_EQ(a->discarded, b->discarded);
	ASSERT_INT_EQ(a->no_common_base, b->no_common_base);
}

static void
test_change_ids_per_device(void)
{
	struct store_change		c;
	struct store_change_result	res, other;
	char				cid[STORE_UUID_LEN + 1];
	char				mine[STORE_UUID_LEN + 1];
	char				rid[STORE_UUID_LEN + 1];
	char				used[STORE_UUID_LEN + 1];
	char				anna_rid[STORE_UUID_LEN + 1];
	struct collect			col;
	int64_t				seq, v1;

	TEST_START("push: change ids are per device; a foreign id or "
	    "record id reveals nothing");
	/* anna's device 7 applied change 1 (record 100) in test_push */
	uuid_n(used, 1);
	uuid_n(anna_rid, 100);
	change(&c, used, anna_rid, CASE1, "person", "v1", 0);
	ASSERT_INT_EQ(store_push(st, anna.id, 7, &c, 1, &res, &seq), 0);
	ASSERT_INT_EQ(res.status, STORE_CHANGE_APPLIED);
	ASSERT_INT_EQ(res.replayed, 1);
	v1 = res.version;
	ASSERT_INT_EQ(store_case_create(st, &bert, CASE3, "OTS", NOW, &seq),
	    0);

	/* bert's device 8 uses anna's change id for a new record of his */
	uuid_n(rid, 300);
	change(&c, used, rid, CASE3, "note", "bert's", 0);
	ASSERT_INT_EQ(store_push(st, bert.id, 8, &c, 1, &res, &seq), 0);
	ASSERT_INT_EQ(res.status, STORE_CHANGE_INVALID);
	ASSERT_INT_EQ(res.version, 0);		/* not anna's version */
	ASSERT_INT_EQ(res.replayed, 0);
	ASSERT_INT_EQ(res.has_current, 0);
	ASSERT_INT_EQ(pull_all(&bert, 0, 0, &col), 0);	/* nothing applied */
	/* the same change under an id of his own is applied */
	uuid_n(mine, 301);
	c.change_id = mine;
	ASSERT_INT_EQ(store_push(st, bert.id, 8, &c, 1, &res, &seq), 0);
	ASSERT_INT_EQ(res.status, STORE_CHANGE_APPLIED);
	ASSERT_INT_EQ(pull_all(&bert, 0, 0, &col), 1);
	/* and anna's device still gets its own result for its id */
	change(&c, used, anna_rid, CASE1, "person", "v1", 0);
	ASSERT_INT_EQ(store_push(st, anna.id, 7, &c, 1, &res, &seq), 0);
	ASSERT_INT_EQ(res.status, STORE_CHANGE_APPLIED);
	ASSERT_INT_EQ(res.version, v1);

	/* to a stranger of the case: the same answer as a fresh id */
	uuid_n(rid, 302);
	change(&c, used, rid, CASE1, "note", "x", 0);
	ASSERT_INT_EQ(store_push(st, bert.id, 9, &c, 1, &res, &seq), 0);
	uuid_n(cid, 303);
	c.change_id = cid;
	ASSERT_INT_EQ(store_push(st, bert.id, 9, &c, 1, &other, &seq), 0);
	ASSERT_INT_EQ(res.status, STORE_CHANGE_FORBIDDEN);
	same_answer(&res, &other);

	/*
	 * Record 100 exists in CASE1, which bert cannot read.  Pushed into
	 * his CASE3 (at its real version or at 0) it is refused exactly
	 * like an invalid push of a record that does not exist anywhere.
	 */
	uuid_n(cid, 304);
	change(&c, cid, anna_rid, CASE3, "person", "steal", v1);
	ASSERT_INT_EQ(store_push(st, bert.id, 8, &c, 1, &res, &seq), 0);
	uuid_n(cid, 305);
	uuid_n(rid, 305);
	change(&c, cid, rid, CASE3, "person", "none", v1);
	ASSERT_INT_EQ(store_push(st, bert.id, 8, &c, 1, &other, &seq), 0);
	ASSERT_INT_EQ(res.status, STORE_CHANGE_INVALID);
	same_answer(&res, &other);
	uuid_n(cid, 306);
	change(&c, cid, anna_rid, CASE3, "person", "steal", 0);
	ASSERT_INT_EQ(store_push(st, bert.id, 8, &c, 1, &res, &seq), 0);
	ASSERT_INT_EQ(res.status, STORE_CHANGE_INVALID);
	same_answer(&res, &other);
	TEST_DONE();
}

/* Now in seconds, read as the store reads it (CLOCK_REALTIME). */
static int64_t
real_now(void)
{
	struct timespec	ts;

	(void)clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec;
}

/*
 * Who wrote it: the first version's device and time are kept, a later
 * version moves only the time of the last change; whatever a change
 * says of them is ignored; a conflict's current record has them.
 */
/* An OTS case of anna's, bert a member. */
static void
case_of_anna_and_bert(const char *id)
{
	int64_t	seq;

	ASSERT_INT_EQ(store_case_create(st, &anna, id, "OTS", NOW, &seq), 0);
	ASSERT_INT_EQ(store_case_member(st, &anna, id, "bert", 0, 0, &seq),
	    0);
}

static void
test_authorship(void)
{
	static const char		CASE4[] =
	    "44444444-4444-4444-8444-444444444444";
	struct store_change		c;
	struct store_change_result	res;
	struct collect			col;
	char				cid[3][STORE_UUID_LEN + 1];
	char				rid[STORE_UUID_LEN + 1];
	int64_t				seq, v1, t0 = time(NULL);

	TEST_START("push: a record's first device and time are kept, a "
	    "later change moves only its changed_at");
	case_of_anna_and_bert(CASE4);
	uuid_n(cid[0], 4001);
	uuid_n(cid[1], 4002);
	uuid_n(cid[2], 4003);
	uuid_n(rid, 4100);
	change(&c, cid[0], rid, CASE4, "plan", "anna's", 0);
	/* a change's own say is never taken */
	c.rec.created_device = 99;
	c.rec.created_at = 1;
	c.rec.changed_at = 1;
	ASSERT_INT_EQ(store_push(st, anna.id, 7, &c, 1, &res, &seq), 0);
	ASSERT_INT_EQ(res.status, STORE_CHANGE_APPLIED);
	v1 = res.version;
	ASSERT_INT_EQ(pull_dev(&bert, 8, v1 - 1, 0, &col), 1);
	ASSERT_INT_EQ(col.created_dev[0], 7);
	ASSERT_INT_GE(col.created_at[0], t0);
	/*
	 * The store reads CLOCK_REALTIME; time() reads the coarse clock,
	 * which can still say the second before for a few milliseconds.
	 */
	ASSERT_INT_GE(real_now(), col.created_at[0]);
	ASSERT_INT_EQ(col.changed_at[0], col.created_at[0]);
	change(&c, cid[1], rid, CASE4, "plan", "bert's", v1);
	ASSERT_INT_EQ(store_push(st, bert.id, 8, &c, 1, &res, &seq), 0);
	ASSERT_INT_EQ(res.status, STORE_CHANGE_APPLIED);
	ASSERT_INT_EQ(pull_dev(&anna, 7, v1, 0, &col), 1);
	ASSERT_INT_EQ(col.author[0], 8);
	ASSERT_INT_EQ(col.created_dev[0], 7);
	ASSERT_INT_GE(col.changed_at[0], col.created_at[0]);
	/* a conflict's current record says the same */
	change(&c, cid[2], rid, CASE4, "plan", "anna again", v1);
	ASSERT_INT_EQ(store_push(st, anna.id, 7, &c, 1, &res, &seq), 0);
	ASSERT_INT_EQ(res.status, STORE_CHANGE_CONFLICT);
	ASSERT_INT_EQ(res.has_current, 1);
	ASSERT_INT_EQ(res.current.created_device, 7);
	ASSERT_INT_EQ(res.current.author_device, 8);
	ASSERT_INT_GE(res.current.created_at, t0);
	store_results_clear(&res, 1);
	TEST_DONE();
}

/*
 * On PostgreSQL a pulled record carries its author device's user, read
 * with the row (a round trip fewer than sync.c looking it up), on both
 * streams (changes and backfill); SQLite leaves it to that lookup.  A
 * device that is not there leaves it unknown.
 */
static void
test_author_user(void)
{
	static const char		CASE5[] =
	    "55555555-5555-4555-8555-555555555555";
	struct store_change		c[2];
	struct store_change_result	res[2];
	struct collect			col;
	char				cid[2][STORE_UUID_LEN + 1];
	char				rid[2][STORE_UUID_LEN + 1];
	int64_t				seq, dev, pg = store_is_pg(st);

	TEST_START("pull: the author device's user read with the record on "
	    "PostgreSQL");
	dev = test_store_device(st, anna.id, "anna-laptop", real_now(),
	    real_now() + 86400, NULL);
	case_of_anna_and_bert(CASE5);
	uuid_n(cid[0], 5001);
	uuid_n(cid[1], 5002);
	uuid_n(rid[0], 5100);
	uuid_n(rid[1], 5101);
	change(&c[0], cid[0], rid[0], CASE5, "journal", "anna's", 0);
	/* a device id no device has */
	change(&c[1], cid[1], rid[1], CASE5, "journal", "nobody's", 0);
	ASSERT_INT_EQ(store_push(st, anna.id, dev, &c[0], 1, &res[0], &seq),
	    0);
	ASSERT_INT_EQ(res[0].status, STORE_CHANGE_APPLIED);
	ASSERT_INT_EQ(store_push(st, anna.id, 987654, &c[1], 1, &res[1],
	    &seq), 0);
	ASSERT_INT_EQ(res[1].status, STORE_CHANGE_APPLIED);
	/* the changes stream */
	ASSERT_INT_EQ(pull_dev(&bert, 8, res[0].version - 1, 0, &col), 2);
	ASSERT_INT_EQ(col.author[0], dev);
	ASSERT_INT_EQ(col.author_user[0], pg ? anna.id : 0);
	ASSERT_STR_EQ(col.author_name[0], pg ? "anna" : "");
	ASSERT_INT_EQ(col.author[1], 987654);
	ASSERT_INT_EQ(col.author_user[1], 0);
	ASSERT_STR_EQ(col.author_name[1], "");
	/* the backfill of a member added later */
	ASSERT_INT_EQ(store_case_member(st, &anna, CASE5, "femke", 0, 0,
	    &seq), 0);
	ASSERT_INT_EQ(pull_all(&femke, seq - 1, 0, &col), 2);
	ASSERT_INT_EQ(col.author[0], dev);
	ASSERT_INT_EQ(col.author_user[0], pg ? anna.id : 0);
	ASSERT_STR_EQ(col.author_name[0], pg ? "anna" : "");
	ASSERT_INT_EQ(col.author_user[1], 0);
	TEST_DONE();
}

/*
 * The seq counter orders writers (DESIGN §11): a second connection's
 * transaction that takes a seq waits for the first one's commit and
 * then gets the next value, so seq values become visible in commit
 * order.  The same on both backends (SQLite: BEGIN IMMEDIATE;
 * PostgreSQL: the advisory lock and the seq row's lock).
 */
struct seq_taker {
	struct store	*st;
	int64_t		 seq;
	int		 r;
	volatile int	 done;
};

static void *
seq_take(void *arg)
{
	struct seq_taker	*t = arg;

	if ((t->r = store_tx_begin(t->st)) == 0)
		t->r = store_seq_next(t->st, &t->seq);
	t->r = store_tx_end(t->st, t->r);
	t->done = 1;
	return NULL;
}

static void
test_seq_order(void)
{
	struct seq_taker	 t;
	struct timespec		 ts = { 0, 300 * 1000000L };
	pthread_t		 th;
	int64_t			 s1, now;

	TEST_START("seq: a second writer waits for the first one's commit");
	memset(&t, 0, sizeof(t));
	ASSERT_INT_EQ(store_open(test_store_spec(dbpath), 0, &t.st), 0);
	ASSERT_INT_EQ(store_tx_begin(st), 0);
	ASSERT_INT_EQ(store_seq_next(st, &s1), 0);
	ASSERT_INT_EQ(pthread_create(&th, NULL, seq_take, &t), 0);
	(void)nanosleep(&ts, NULL);
	ASSERT_INT_EQ(t.done, 0);		/* waits: not committed yet */
	ASSERT_INT_EQ(store_tx_end(st, 0), 0);
	ASSERT_INT_EQ(pthread_join(th, NULL), 0);
	ASSERT_INT_EQ(t.r, 0);
	ASSERT_INT_EQ(t.seq, s1 + 1);
	ASSERT_INT_EQ(store_seq(st, &now), 0);
	ASSERT_INT_EQ(now, s1 + 1);
	store_close(t.st);
	TEST_DONE();
}

int
main(void)
{
	char	cmd[128];

	if (sodium_init() < 0)
		return 1;
	setup();
	test_push();
	test_pull_backfill_purge();
	test_digest();
	test_change_ids_per_device();
	test_authorship();
	test_author_user();
	test_seq_order();
	store_close(st);
	snprintf(cmd, sizeof(cmd), "%s/server.db", tmpdir);
	unlink(cmd);
	snprintf(cmd, sizeof(cmd), "%s/server.db-wal", tmpdir);
	unlink(cmd);
	snprintf(cmd, sizeof(cmd), "%s/server.db-shm", tmpdir);
	unlink(cmd);
	rmdir(tmpdir);
	return 0;
}
