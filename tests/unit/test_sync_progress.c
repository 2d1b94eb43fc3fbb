/* SPDX-License-Identifier: ISC */
/*
 * test_sync_progress.c - what a face hears of a sync (sync.h, struct
 * sync_observer): records and bytes done and their totals, a total
 * never below what is done, the totals equal to what was done at the
 * end, and nothing when nobody listens.
 */
#include <stdint.h>
#include <string.h>

#include "sync.h"
#include "sync_int.h"
#include "test.h"

struct heard {
	int			n;
	struct sync_progress	last;
};

static void
hear(const struct sync_progress *p, void *arg)
{
	struct heard	*h = arg;

	h->n++;
	h->last = *p;
}

static void
test_progress(void)
{
	struct sync_stats	st;
	struct heard		h;
	struct sync_observer	obs = { hear, &h };

	TEST_START("sync progress: done and total, records and bytes");
	memset(&st, 0, sizeof(st));
	memset(&h, 0, sizeof(h));
	sync_progress(NULL, &st, "pulling");	/* nobody listens: fine */
	/* 10 to push, then a pull estimated at 90 more */
	st.push_total = 10;
	st.pushed = 4;
	st.sent_bytes = 4000;
	sync_progress(&obs, &st, "pushing");
	ASSERT_INT_EQ(h.n, 1);
	ASSERT_STR_EQ(h.last.phase, "pushing");
	ASSERT_INT_EQ(h.last.records_done, 4);
	ASSERT_INT_EQ(h.last.records_total, 10);
	ASSERT_INT_EQ(h.last.bytes_done, 4000);
	ASSERT_INT_EQ(h.last.bytes_total, 10000);
	ASSERT_PTR_EQ(h.last.st, &st);
	st.pushed = 9;
	st.rejected = 1;
	st.pulled = 10;
	st.bytes = 6000;
	st.pull_total = 100;
	sync_progress(&obs, &st, "pulling");
	ASSERT_INT_EQ(h.last.records_done, 20);
	ASSERT_INT_EQ(h.last.records_total, 110);
	ASSERT_INT_EQ(h.last.bytes_done, 10000);
	ASSERT_INT_EQ(h.last.bytes_total, 55000);
	/* an estimate below what came is raised to it */
	st.pulled = 150;
	sync_progress(&obs, &st, "pulling");
	ASSERT_INT_EQ(h.last.records_total, h.last.records_done);
	/* at the end the totals are what was done */
	st.pull_total = 400;
	sync_progress(&obs, &st, "done");
	ASSERT_STR_EQ(h.last.phase, "done");
	ASSERT_INT_EQ(h.last.records_total, h.last.records_done);
	ASSERT_INT_EQ(h.last.bytes_total, h.last.bytes_done);
	ASSERT_INT_EQ(h.n, 4);
	TEST_DONE();
}

int
main(void)
{
	test_progress();
	return 0;
}
