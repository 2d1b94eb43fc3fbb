/* SPDX-License-Identifier: ISC */
/*
 * test_store_late.c - late and held changes, held purges and the access
 * mode of cases in the server store, on a real SQLite file: a change of
 * the old office is late only if its claimed time lies between the
 * device's last push and the loss of write access, and only during the
 * handover window; any other change of a (former) member is kept once,
 * listed, and accepted into the case or discarded by one decision,
 * which a retry of the same change then learns; a stranger's change is
 * not kept; a held purge is recorded once per count.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "errors.h"
#include "store.h"
#include "store_late.h"
#include "store_transfer.h"
#include "test.h"
#include "test_store_db.h"
#include "test_store_fix.h"
#include "token.h"

/* in the future of the test machine: the window is open by its clock */
#define NOW	((int64_t)4102444800)	/* 2100-01-01 */
#define WINDOW	((int64_t)14 * 86400)

static char		tmpdir[64], dbpath[PATH_MAX];
static struct store	*st;
static struct store_user anna, lars, bram, eva;
static int64_t		 anna_dev, eva_dev;
static const char	CASE1[] = "11111111-1111-4111-8111-111111111111";

static void
uuid_n(char out[STORE_UUID_LEN + 1], unsigned n)
{
	snprintf(out, STORE_UUID_LEN + 1,
	    "%08x-0000-4000-8000-000000000000", n);
}

/* Change "n" (ids from n) of a journal note claiming time "ms". */
static void
note(struct store_change *c, char cid[STORE_UUID_LEN + 1],
    char rid[STORE_UUID_LEN + 1], unsigned n, int64_t ms)
{
	static const char	body[] = "sealed-note-body";

	memset(c, 0, sizeof(*c));
	uuid_n(cid, n);
	uuid_n(rid, n + 1000);
	c->change_id = cid;
	memcpy(c->rec.record_id, rid, STORE_UUID_LEN + 1);
	memcpy(c->rec.case_id, CASE1, STORE_UUID_LEN + 1);
	snprintf(c->rec.kind, sizeof(c->rec.kind), "journal");
	c->rec.body = (const uint8_t *)body;
	c->rec.body_len = sizeof(body) - 1;
	c->rec.key_epoch = 1;
	c->rec.hlc = (uint64_t)ms << 16;
}

/* Push one change of "u" from "dev"; its result in *res. */
static void
push1(const struct store_user *u, int64_t dev, struct store_change *c,
    struct store_change_result *res)
{
	int64_t	last;

	ASSERT_INT_EQ(store_push(st, u->id, dev, c, 1, res, &last), 0);
}

static void
setup(void)
{
	int64_t	id, seq;

	st = TEST_STORE_OPEN("test_store_late", tmpdir, dbpath);
	ASSERT_INT_EQ(store_office_add(st, "Zwolle", NULL, &id), 0);
	ASSERT_INT_EQ(store_office_add(st, "Lelystad", NULL, &id), 0);
	ASSERT_INT_EQ(store_office_add(st, "Utrecht", NULL, &id), 0);
	test_store_user(st, "anna", "jeugdbeschermer", "Zwolle", &anna);
	test_store_user(st, "lars", "teamleider", "Lelystad", &lars);
	test_store_user(st, "bram", "jeugdbeschermer", "Lelystad", &bram);
	test_store_user(st, "eva", "jeugdbeschermer", "Utrecht", &eva);
	/* devices enrolled long ago (a floor is the last push) */
	anna_dev = test_store_device(st, anna.id, "laptop", 1000000,
	    NOW + 86400, NULL);
	eva_dev = test_store_device(st, eva.id, "laptop", 1000000,
	    NOW + 86400, NULL);
	ASSERT_INT_EQ(store_case_create(st, &anna, CASE1, "DRANG", NOW, &seq),
	    0);
}

static int
access_cb(const struct store_access *a, void *arg)
{
	struct store_access	*out = arg;

	ASSERT_STR_EQ(out->case_id, "");
	*out = *a;
	return 0;
}

struct held_seen {
	int	purges, changes;
	char	first[STORE_UUID_LEN + 1];
};

static int
held_cb(const struct store_held *h, void *arg)
{
	struct held_seen	*s = arg;

	if (h->change_id[0] == '\0') {
		ASSERT_INT_EQ(h->changes, 2);
		s->purges++;
	} else if (s->changes++ == 0)
		memcpy(s->first, h->change_id, sizeof(s->first));
	return 0;
}

static void
test_late_and_held(void)
{
	struct store_change		c[6];
	struct store_change_result	res;
	struct store_transfer		t;
	struct store_access		a;
	struct store_held		h;
	struct held_seen		seen;
	const char			*why;
	char				cid[6][STORE_UUID_LEN + 1];
	char				rid[6][STORE_UUID_LEN + 1];
	struct store_change		x;
	char				xcid[STORE_UUID_LEN + 1];
	char				xrid[STORE_UUID_LEN + 1];
	int64_t				seq, floor_ms, lost_ms, bram_dev;
	int				news;

	TEST_START("late: only between the last push and the loss, during "
	    "the window; the rest held once and decided once");
	/* anna's last push before the loss: the floor */
	floor_ms = store_now_ms();
	note(&c[0], cid[0], rid[0], 1, floor_ms);
	push1(&anna, anna_dev, &c[0], &res);
	ASSERT_INT_EQ(res.status, STORE_CHANGE_APPLIED);
	ASSERT_INT_EQ(res.late, 0);
	ASSERT_INT_EQ(store_transfer_request(st, &anna, CASE1, "Lelystad",
	    "moved", "", NOW, &t, &why), 0);
	ASSERT_INT_EQ(store_transfer_accept(st, &lars, t.id, "bram", NOW,
	    WINDOW, &t, &seq, &why), 0);
	lost_ms = NOW * 1000;

	/* written before the loss, after the floor: late, applied */
	note(&c[1], cid[1], rid[1], 2, lost_ms - 1);
	push1(&anna, anna_dev, &c[1], &res);
	ASSERT_INT_EQ(res.status, STORE_CHANGE_APPLIED);
	ASSERT_INT_EQ(res.late, 1);
	/* at or after the loss: refused, kept */
	note(&c[2], cid[2], rid[2], 3, lost_ms);
	push1(&anna, anna_dev, &c[2], &res);
	ASSERT_INT_EQ(res.status, STORE_CHANGE_FORBIDDEN);
	ASSERT_INT_EQ(res.held, 1);
	ASSERT_INT_EQ(res.late, 0);
	/* claiming a time before the device's last push: refused, kept */
	note(&c[3], cid[3], rid[3], 4, floor_ms - 60000);
	push1(&anna, anna_dev, &c[3], &res);
	ASSERT_INT_EQ(res.status, STORE_CHANGE_FORBIDDEN);
	ASSERT_INT_EQ(res.held, 1);
	/* sent again: known, kept once */
	push1(&anna, anna_dev, &c[2], &res);
	ASSERT_INT_EQ(res.status, STORE_CHANGE_FORBIDDEN);
	ASSERT_INT_EQ(res.held, 2);
	/* a stranger's change is refused and not kept */
	note(&c[4], cid[4], rid[4], 5, lost_ms - 1);
	push1(&eva, eva_dev, &c[4], &res);
	ASSERT_INT_EQ(res.status, STORE_CHANGE_FORBIDDEN);
	ASSERT_INT_EQ(res.held, 0);
	ASSERT_INT_EQ(res.late, 0);

	/* the access mode anna's laptop is told */
	memset(&a, 0, sizeof(a));
	ASSERT_INT_EQ(store_case_access(st, anna.id, 10, access_cb, &a), 0);
	ASSERT_STR_EQ(a.case_id, CASE1);
	ASSERT_STR_EQ(a.mode, "handover");
	ASSERT_INT_EQ(a.since, NOW);
	ASSERT_INT_EQ(a.until, NOW + WINDOW);
	memset(&a, 0, sizeof(a));
	ASSERT_INT_EQ(store_case_access(st, bram.id, 10, access_cb, &a), 0);
	ASSERT_STR_EQ(a.case_id, "");

	/* after the window: no more late changes; the purge may be held */
	ASSERT_INT_EQ(store_purge_hold(st, anna_dev, CASE1, 2, NOW, &news),
	    CS_ERR_NOT_FOUND);
	ASSERT_INT_EQ(store_transfer_tick(st, NOW + WINDOW, NULL, NULL, &seq),
	    0);
	note(&c[5], cid[5], rid[5], 6, lost_ms - 2);
	push1(&anna, anna_dev, &c[5], &res);
	ASSERT_INT_EQ(res.status, STORE_CHANGE_FORBIDDEN);
	ASSERT_INT_EQ(res.late, 0);
	ASSERT_INT_EQ(res.held, 1);
	ASSERT_INT_EQ(store_purge_hold(st, anna_dev, CASE1, 2, NOW, &news), 0);
	ASSERT_INT_EQ(news, 1);
	ASSERT_INT_EQ(store_purge_hold(st, anna_dev, CASE1, 2, NOW, &news), 0);
	ASSERT_INT_EQ(news, 0);
	memset(&seen, 0, sizeof(seen));
	ASSERT_INT_EQ(store_held_list(st, held_cb, &seen), 0);
	ASSERT_INT_EQ(seen.purges, 1);
	ASSERT_INT_EQ(seen.changes, 3);
	ASSERT_STR_EQ(seen.first, cid[2]);

	/* accept one: in the records; a retry learns it */
	ASSERT_INT_EQ(store_held_decide(st, cid[2], 1, "lars", "", NOW, &h,
	    &seq, &why), 0);
	ASSERT_STR_EQ(h.state, "accepted");
	ASSERT_INT_EQ(h.version, seq);
	ASSERT_INT_EQ(store_held_decide(st, cid[2], 0, "lars", "", NOW, &h,
	    &seq, &why), CS_ERR_STATE);
	push1(&anna, anna_dev, &c[2], &res);
	ASSERT_INT_EQ(res.status, STORE_CHANGE_APPLIED);
	/* discard another: a retry learns who */
	ASSERT_INT_EQ(store_held_decide(st, cid[3], 0, "lars", "dubbel", NOW,
	    &h, &seq, &why), 0);
	ASSERT_INT_EQ(seq, 0);
	push1(&anna, anna_dev, &c[3], &res);
	ASSERT_INT_EQ(res.status, STORE_CHANGE_FORBIDDEN);
	ASSERT_INT_EQ(res.discarded, 1);
	ASSERT_STR_EQ(res.decided_by, "lars");
	/* unknown change */
	ASSERT_INT_EQ(store_held_decide(st, cid[4], 1, "lars", "", NOW, &h,
	    &seq, &why), CS_ERR_NOT_FOUND);
	/* the receipt ends the hold */
	ASSERT_INT_EQ(store_purge_receipt(st, anna_dev, CASE1, 3, NOW), 0);
	ASSERT_INT_EQ(store_purge_unhold(st, anna_dev, CASE1), 0);
	memset(&seen, 0, sizeof(seen));
	ASSERT_INT_EQ(store_held_list(st, held_cb, &seen), 0);
	ASSERT_INT_EQ(seen.purges, 0);
	ASSERT_INT_EQ(seen.changes, 1);

	/*
	 * Change ids are per device (issue 21, item 6): anna's change 6 is
	 * still held; its id from bram's device, who can write the case
	 * now, is refused and does not take the place of hers.
	 */
	bram_dev = test_store_device(st, bram.id, "laptop", 1000000,
	    NOW + 86400, NULL);
	note(&x, xcid, xrid, 60, store_now_ms());
	x.change_id = cid[5];
	push1(&bram, bram_dev, &x, &res);
	ASSERT_INT_EQ(res.status, STORE_CHANGE_INVALID);
	ASSERT_INT_EQ(res.version, 0);
	ASSERT_INT_EQ(store_held_decide(st, cid[5], 1, "lars", "", NOW, &h,
	    &seq, &why), 0);
	ASSERT_STR_EQ(h.state, "accepted");
	TEST_DONE();
}

int
main(void)
{
	char	path[PATH_MAX + 8];

	if (sodium_init() < 0)
		return 1;
	setup();
	test_late_and_held();
	store_close(st);
	unlink(dbpath);
	snprintf(path, sizeof(path), "%s-wal", dbpath);
	unlink(path);
	snprintf(path, sizeof(path), "%s-shm", dbpath);
	unlink(path);
	rmdir(tmpdir);
	return 0;
}
