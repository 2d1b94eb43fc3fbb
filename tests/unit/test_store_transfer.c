/* SPDX-License-Identifier: ISC */
/*
 * test_store_transfer.c - the transfer, team and glass rules of the
 * server store on a real SQLite file: who may request, accept, reject,
 * revoke; that every refusal leaves the transfer as it was; what
 * acceptance changes in one go (office, regisseur, grants, the old
 * office read-only); the end of the handover window (membership gone,
 * purges queued) and COMPLETED after the receipt; glass access and its
 * end.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "errors.h"
#include "store.h"
#include "store_transfer.h"
#include "test.h"
#include "test_store_db.h"
#include "test_store_fix.h"
#include "token.h"

#define NOW	((int64_t)1798588800)	/* 2026-12-30 */
#define WINDOW	((int64_t)14 * 86400)

static char		tmpdir[64], dbpath[PATH_MAX];
static struct store	*st;
static struct store_user anna, femke, lars, bram, eva;
static int64_t		 anna_dev;
static const char	CASE1[] = "11111111-1111-4111-8111-111111111111";

static void
setup(void)
{
	int64_t	id, seq;

	st = TEST_STORE_OPEN("test_store_transfer", tmpdir, dbpath);
	ASSERT_INT_EQ(store_office_add(st, "Zwolle", NULL, &id), 0);
	ASSERT_INT_EQ(store_office_add(st, "Lelystad", NULL, &id), 0);
	ASSERT_INT_EQ(store_office_add(st, "Utrecht", NULL, &id), 0);
	test_store_user(st, "anna", "jeugdbeschermer", "Zwolle", &anna);
	test_store_user(st, "femke", "teamleider", "Zwolle", &femke);
	test_store_user(st, "lars", "teamleider", "Lelystad", &lars);
	test_store_user(st, "bram", "jeugdbeschermer", "Lelystad", &bram);
	test_store_user(st, "eva", "jeugdbeschermer", "Utrecht", &eva);
	anna_dev = test_store_device(st, anna.id, "laptop", NOW,
	    NOW + 86400, NULL);
	ASSERT_INT_EQ(store_case_create(st, &anna, CASE1, "DRANG", NOW, &seq),
	    0);
}

static int
count_cb(const struct store_transfer *t, void *arg)
{
	(void)t;
	(*(int *)arg)++;
	return 0;
}

static struct store_access_end	last_end;

/* A tick at "now": *ends counts the accesses it ended, last_end the last. */
static int
tick_ends(int64_t now, int *ends, int64_t *tick)
{
	struct store_access_end	*e = NULL;
	size_t			 n = 0;
	int			 r;

	if ((r = store_transfer_tick(st, now, &e, &n, tick)) == 0 && n > 0) {
		*ends += (int)n;
		last_end = e[n - 1];
	}
	free(e);
	return r;
}

static int
purge_cb(const char *case_id, void *arg)
{
	ASSERT_STR_EQ(case_id, CASE1);
	(*(int *)arg)++;
	return 0;
}

static void
test_request_and_refusals(int64_t *idp)
{
	struct store_transfer	 t, u;
	const char		*why;
	int64_t			 seq;
	int			 n = 0, more;

	TEST_START("transfer: who may request and decide; refusals change "
	    "nothing");
	ASSERT_INT_EQ(store_transfer_request(st, &bram, CASE1, "Lelystad",
	    "moved", "", NOW, &t, &why), CS_ERR_AUTH);
	ASSERT_INT_EQ(store_transfer_request(st, &lars, CASE1, "Lelystad",
	    "moved", "", NOW, &t, &why), CS_ERR_AUTH);
	ASSERT_INT_EQ(store_transfer_request(st, &anna, CASE1, "Zwolle",
	    "moved", "", NOW, &t, &why), CS_ERR_FORMAT);
	ASSERT_INT_EQ(store_transfer_request(st, &anna, CASE1, "Nergens",
	    "moved", "", NOW, &t, &why), CS_ERR_NOT_FOUND);
	ASSERT_INT_EQ(store_transfer_request(st, &anna, CASE1, "Lelystad",
	    "moved", "verhuisd", NOW, &t, &why), 0);
	ASSERT_STR_EQ(t.state, "REQUESTED");
	ASSERT_STR_EQ(t.requested_by, "anna");
	ASSERT_INT_EQ(store_transfer_request(st, &femke, CASE1, "Utrecht",
	    "capacity", "", NOW, &u, &why), CS_ERR_EXISTS);

	ASSERT_INT_EQ(store_transfer_accept(st, &anna, t.id, "bram", NOW,
	    WINDOW, &u, &seq, &why), CS_ERR_SELF);
	ASSERT_INT_EQ(store_transfer_accept(st, &femke, t.id, "bram", NOW,
	    WINDOW, &u, &seq, &why), CS_ERR_SELF);
	ASSERT_INT_EQ(store_transfer_accept(st, &bram, t.id, "bram", NOW,
	    WINDOW, &u, &seq, &why), CS_ERR_AUTH);
	ASSERT_INT_EQ(store_transfer_accept(st, &eva, t.id, "bram", NOW,
	    WINDOW, &u, &seq, &why), CS_ERR_AUTH);
	ASSERT_INT_EQ(store_transfer_accept(st, &lars, t.id, "anna", NOW,
	    WINDOW, &u, &seq, &why), CS_ERR_FORMAT);
	ASSERT_INT_EQ(store_transfer_accept(st, &lars, t.id, "lars", NOW,
	    WINDOW, &u, &seq, &why), CS_ERR_FORMAT);
	ASSERT_INT_EQ(store_transfer_reject(st, &bram, t.id, "nee", NOW, &u,
	    &why), CS_ERR_AUTH);
	ASSERT_INT_EQ(store_transfer_revoke(st, &lars, t.id, NOW, &u, &why),
	    CS_ERR_AUTH);
	ASSERT_INT_EQ(store_transfer_accept(st, &lars, 999, "bram", NOW,
	    WINDOW, &u, &seq, &why), CS_ERR_NOT_FOUND);
	ASSERT_INT_EQ(store_transfer_get(st, t.id, &u), 0);
	ASSERT_STR_EQ(u.state, "REQUESTED");
	ASSERT_STR_EQ(u.decided_by, "");
	/* who sees it */
	ASSERT_INT_EQ(store_transfer_list(st, &lars, 0, 10, count_cb, &n,
	    &more), 0);
	ASSERT_INT_EQ(n, 1);
	n = 0;
	ASSERT_INT_EQ(store_transfer_list(st, &eva, 0, 10, count_cb, &n,
	    &more), 0);
	ASSERT_INT_EQ(n, 0);
	*idp = t.id;
	TEST_DONE();
}

static void
test_accept_window_complete(int64_t id)
{
	struct store_transfer	 t;
	const char		*why;
	int64_t			 seq, tick;
	int			 n = 0, ends = 0;

	TEST_START("transfer: accept, handover window, purge, COMPLETED");
	ASSERT_INT_EQ(store_transfer_accept(st, &lars, id, "bram", NOW,
	    WINDOW, &t, &seq, &why), 0);
	ASSERT_STR_EQ(t.state, "ACCEPTED");
	ASSERT_STR_EQ(t.new_regisseur, "bram");
	ASSERT_INT_EQ(t.window_end, NOW + WINDOW);
	ASSERT_INT_EQ(t.purges_pending, 1);	/* anna's laptop */
	ASSERT_INT_GE(seq, 1);
	ASSERT_INT_EQ(store_transfer_accept(st, &lars, id, "bram", NOW,
	    WINDOW, &t, &seq, &why), CS_ERR_STATE);
	ASSERT_INT_EQ(store_transfer_reject(st, &lars, id, "x", NOW, &t,
	    &why), CS_ERR_STATE);
	/* the new office's lead now assigns; the old one cannot */
	ASSERT_INT_EQ(store_team_assign(st, &femke, CASE1, "anna", &seq,
	    &why), CS_ERR_AUTH);
	ASSERT_INT_EQ(store_team_assign(st, &lars, CASE1, "anna", &seq,
	    &why), CS_ERR_FORMAT);
	/* during the window: nothing due */
	ASSERT_INT_EQ(store_transfer_tick(st, NOW + WINDOW - 1, NULL, NULL,
	    &tick), 0);
	ASSERT_INT_EQ(tick, 0);
	ASSERT_INT_EQ(store_purges_pending(st, anna_dev, purge_cb, &n), 0);
	ASSERT_INT_EQ(n, 0);
	/* the window ends: anna's laptop must purge */
	ASSERT_INT_EQ(tick_ends(NOW + WINDOW, &ends, &tick), 0);
	ASSERT_INT_GE(tick, 1);
	ASSERT_INT_EQ(ends, 1);			/* reported for the audit */
	ASSERT_STR_EQ(last_end.user, "anna");
	ASSERT_STR_EQ(last_end.case_id, CASE1);
	ASSERT_INT_EQ(last_end.transfer_id, id);
	ASSERT_INT_EQ(last_end.devices, 1);
	ASSERT_INT_EQ(store_purges_pending(st, anna_dev, purge_cb, &n), 0);
	ASSERT_INT_EQ(n, 1);
	ASSERT_INT_EQ(store_transfer_get(st, id, &t), 0);
	ASSERT_STR_EQ(t.state, "ACCEPTED");
	ASSERT_INT_EQ(t.purges_pending, 1);
	ASSERT_INT_EQ(store_purge_receipt(st, anna_dev, CASE1, 5,
	    NOW + WINDOW + 1), 0);
	ASSERT_INT_EQ(store_transfer_tick(st, NOW + WINDOW + 2, NULL, NULL,
	    &tick), 0);
	ASSERT_INT_EQ(store_transfer_get(st, id, &t), 0);
	ASSERT_STR_EQ(t.state, "COMPLETED");
	ASSERT_INT_EQ(t.completed_at, NOW + WINDOW + 2);
	ASSERT_INT_EQ(t.purges_pending, 0);
	/* nothing more to do */
	ASSERT_INT_EQ(store_transfer_tick(st, NOW + WINDOW + 3, NULL, NULL,
	    &tick), 0);
	ASSERT_INT_EQ(tick, 0);
	TEST_DONE();
}

static void
test_glass(void)
{
	struct store_glass	 g;
	const char		*why;
	int64_t			 seq, tick;
	int			 ends = 0;

	int64_t			 first;

	TEST_START("glass: another office only, renewed, ends in time");
	ASSERT_INT_EQ(store_glass(st, &bram, CASE1, "spoed", NOW, 3600, 3,
	    &g, &seq, &why), CS_ERR_AUTH);	/* own office now */
	ASSERT_INT_EQ(store_glass(st, &eva, CASE1, "spoed", NOW - 10, 3600,
	    3, &g, &seq, &why), 0);
	ASSERT_INT_EQ(g.expires_at, NOW - 10 + 3600);
	ASSERT_STR_EQ(g.user, "eva");
	ASSERT_INT_EQ(g.renews, 0);
	first = g.id;
	/* asked again while active: a renewal, a row of its own */
	ASSERT_INT_EQ(store_glass(st, &eva, CASE1, "nog bezig", NOW, 3600,
	    3, &g, &seq, &why), 0);
	ASSERT_INT_EQ(g.renews, first);
	ASSERT_INT_NE(g.id, first);
	ASSERT_INT_EQ(g.expires_at, NOW + 3600);
	ASSERT_INT_EQ(tick_ends(NOW - 10 + 3600, &ends, &tick), 0);
	ASSERT_INT_EQ(ends, 0);			/* the renewal runs on */
	ASSERT_INT_EQ(tick_ends(NOW + 3600, &ends, &tick), 0);
	ASSERT_INT_GE(tick, 1);
	ASSERT_INT_EQ(ends, 1);
	ASSERT_STR_EQ(last_end.user, "eva");
	ASSERT_INT_EQ(last_end.transfer_id, 0);
	ASSERT_INT_NE(last_end.glass_id, 0);
	/* access is gone: a new glass is possible again */
	ASSERT_INT_EQ(store_glass(st, &eva, CASE1, "weer", NOW + 3601, 60,
	    3, &g, &seq, &why), 0);
	ASSERT_INT_EQ(g.renews, 0);
	TEST_DONE();

	TEST_START("glass: at most \"limit\" uses a user in 24 hours");
	ASSERT_INT_EQ(store_glass(st, &eva, CASE1, "en weer", NOW + 3602, 60,
	    3, &g, &seq, &why), CS_ERR_RATE);
	ASSERT_INT_EQ(why != NULL, 1);
	ASSERT_INT_EQ(store_glass(st, &eva, CASE1, "en weer", NOW + 3602, 60,
	    4, &g, &seq, &why), 0);		/* the limit is the server's */
	/* NOW (the renewal), NOW + 3601 and NOW + 3602: still three */
	ASSERT_INT_EQ(store_glass(st, &eva, CASE1, "morgen", NOW + 86399, 60,
	    3, &g, &seq, &why), CS_ERR_RATE);
	ASSERT_INT_EQ(store_glass(st, &eva, CASE1, "morgen", NOW + 86400 +
	    3602, 60, 3, &g, &seq, &why), 0);
	TEST_DONE();
}

int
main(void)
{
	char	path[PATH_MAX + 8];
	int64_t	id = 0;

	if (sodium_init() < 0)
		return 1;
	setup();
	test_request_and_refusals(&id);
	test_accept_window_complete(id);
	test_glass();
	store_close(st);
	unlink(dbpath);
	snprintf(path, sizeof(path), "%s-wal", dbpath);
	unlink(path);
	snprintf(path, sizeof(path), "%s-shm", dbpath);
	unlink(path);
	rmdir(tmpdir);
	return 0;
}
