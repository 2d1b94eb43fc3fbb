/* SPDX-License-Identifier: ISC */
/*
 * timerheap.h - deadlines in a binary min-heap: the earliest is found
 * in O(1), and adding, moving or removing one costs O(log n), so a
 * worker holding 10,000 idle connections looks only at those whose
 * deadline has come (loop.c), never at all of them.
 *
 * The timer is embedded in its owner (struct session) and knows its
 * own place in the heap, so moving or removing needs no search.  Only
 * adding can allocate (the array doubles); moving and removing never
 * fail.  Not thread-safe: each worker has its own heap.
 */
#ifndef TIMERHEAP_H
#define TIMERHEAP_H

#include <stddef.h>
#include <stdint.h>

struct timer {
	int64_t	when;		/* the deadline (monotonic ms) */
	size_t	pos;		/* place in the heap + 1; 0: in none */
};

struct timerheap {
	struct timer	**v;
	size_t		  n, cap;
};

/* Add "t" (in no heap) due at "when".  0 or CS_ERR_ALLOC. */
int		 timerheap_add(struct timerheap *, struct timer *t,
		    int64_t when);
/* Give "t" (in this heap) a new deadline, earlier or later. */
void		 timerheap_move(struct timerheap *, struct timer *t,
		    int64_t when);
/* Take "t" out of the heap; a no-op if it is in none. */
void		 timerheap_del(struct timerheap *, struct timer *t);
/* The earliest timer (still in the heap), or NULL when empty. */
struct timer	*timerheap_first(const struct timerheap *);
/* Free the array; the timers themselves belong to their owners. */
void		 timerheap_free(struct timerheap *);

#endif /* TIMERHEAP_H */
