/* SPDX-License-Identifier: ISC */
/*
 * test_timerheap.c - the workers' deadline heap (server/timerheap.c):
 * timers come out in deadline order, ties included; a timer removed
 * or moved (earlier or later) from anywhere in the heap leaves it
 * ordered; and 100,000 timers with random moves and removals keep
 * every timer's place in step with the array.
 */
#include <stdint.h>
#include <stdlib.h>

#include "timerheap.h"
#include "test.h"

#define MANY	100000

static uint64_t	rng = 0x9e3779b97f4a7c15ULL;

static uint64_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* Every parent no later than its children, every pos in step. */
static void
check(const struct timerheap *h)
{
	size_t	i;

	for (i = 0; i < h->n; i++) {
		ASSERT_INT_EQ(h->v[i]->pos, i + 1);
		if (i > 0)
			ASSERT_TRUE(h->v[(i - 1) / 2]->when <= h->v[i]->when);
	}
}

/* Pop all; they must come in non-decreasing order.  Returns how many. */
static size_t
drain(struct timerheap *h)
{
	struct timer	*t;
	int64_t		 last = INT64_MIN;
	size_t		 n = 0;

	while ((t = timerheap_first(h)) != NULL) {
		ASSERT_TRUE(t->when >= last);
		last = t->when;
		timerheap_del(h, t);
		ASSERT_INT_EQ(t->pos, 0);
		n++;
	}
	return n;
}

int
main(void)
{
	struct timerheap	 h = { 0 };
	struct timer		*t, one = { 0 };
	size_t			 i, k, left;

	if ((t = calloc(MANY, sizeof(*t))) == NULL)
		return 1;

	TEST_START("empty heap, removal of a timer in none");
	ASSERT_PTR_EQ(timerheap_first(&h), NULL);
	timerheap_del(&h, &one);
	ASSERT_INT_EQ(one.pos, 0);
	TEST_DONE();

	TEST_START("deadline order, ties included");
	for (i = 0; i < 1000; i++)
		ASSERT_INT_EQ(timerheap_add(&h, &t[i], (int64_t)(rnd() % 50)),
		    0);
	check(&h);
	ASSERT_INT_EQ(drain(&h), 1000);
	TEST_DONE();

	TEST_START("removal from the middle and the end");
	for (i = 0; i < 1000; i++)
		ASSERT_INT_EQ(timerheap_add(&h, &t[i], (int64_t)i), 0);
	timerheap_del(&h, &t[999]);	/* the last in the array */
	timerheap_del(&h, &t[0]);	/* the first */
	for (i = 10; i < 1000; i += 3)
		timerheap_del(&h, &t[i]);
	check(&h);
	ASSERT_PTR_EQ(timerheap_first(&h), &t[1]);
	ASSERT_INT_EQ(drain(&h), 1000 - 2 - 330);
	TEST_DONE();

	TEST_START("a timer moved earlier and later");
	for (i = 0; i < 100; i++)
		ASSERT_INT_EQ(timerheap_add(&h, &t[i], 1000 + (int64_t)i), 0);
	timerheap_move(&h, &t[50], 5);
	ASSERT_PTR_EQ(timerheap_first(&h), &t[50]);
	timerheap_move(&h, &t[50], 5000);
	ASSERT_PTR_EQ(timerheap_first(&h), &t[0]);
	timerheap_move(&h, &t[0], 1099);	/* same as t[99] */
	check(&h);
	ASSERT_PTR_EQ(timerheap_first(&h), &t[1]);
	ASSERT_INT_EQ(drain(&h), 100);
	TEST_DONE();

	TEST_START("100,000 timers, random moves and removals");
	for (i = 0; i < MANY; i++)
		ASSERT_INT_EQ(timerheap_add(&h, &t[i],
		    (int64_t)(rnd() % 1000000)), 0);
	check(&h);
	left = MANY;
	for (k = 0; k < MANY; k++) {
		i = rnd() % MANY;
		if (t[i].pos == 0)
			continue;
		if (k % 3 == 0) {
			timerheap_del(&h, &t[i]);
			left--;
		} else
			timerheap_move(&h, &t[i], (int64_t)(rnd() % 1000000));
	}
	check(&h);
	ASSERT_INT_EQ(h.n, left);
	ASSERT_INT_EQ(drain(&h), left);
	TEST_DONE();

	timerheap_free(&h);
	free(t);
	return 0;
}
