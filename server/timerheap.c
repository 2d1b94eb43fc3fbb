/* SPDX-License-Identifier: ISC */
/*
 * timerheap.c - a binary min-heap of embedded timers (timerheap.h).
 */
#include <stdlib.h>

#include "errors.h"
#include "timerheap.h"

#define TIMERHEAP_MIN	64

static void
timerheap_put(struct timerheap *h, size_t i, struct timer *t)
{
	h->v[i] = t;
	t->pos = i + 1;
}

static void
timerheap_up(struct timerheap *h, size_t i)
{
	struct timer	*t = h->v[i];
	size_t		 p;

	while (i > 0) {
		p = (i - 1) / 2;
		if (h->v[p]->when <= t->when)
			break;
		timerheap_put(h, i, h->v[p]);
		i = p;
	}
	timerheap_put(h, i, t);
}

static void
timerheap_down(struct timerheap *h, size_t i)
{
	struct timer	*t = h->v[i];
	size_t		 c;

	for (;;) {
		c = 2 * i + 1;
		if (c >= h->n)
			break;
		if (c + 1 < h->n && h->v[c + 1]->when < h->v[c]->when)
			c++;
		if (t->when <= h->v[c]->when)
			break;
		timerheap_put(h, i, h->v[c]);
		i = c;
	}
	timerheap_put(h, i, t);
}

int
timerheap_add(struct timerheap *h, struct timer *t, int64_t when)
{
	struct timer	**v;
	size_t		  cap;

	if (h->n == h->cap) {
		cap = h->cap == 0 ? TIMERHEAP_MIN : h->cap * 2;
		if (cap < h->cap ||
		    (v = reallocarray(h->v, cap, sizeof(*v))) == NULL)
			return CS_ERR_ALLOC;
		h->v = v;
		h->cap = cap;
	}
	t->when = when;
	timerheap_put(h, h->n++, t);
	timerheap_up(h, h->n - 1);
	return 0;
}

void
timerheap_move(struct timerheap *h, struct timer *t, int64_t when)
{
	int64_t	old = t->when;

	t->when = when;
	if (when < old)
		timerheap_up(h, t->pos - 1);
	else if (when > old)
		timerheap_down(h, t->pos - 1);
}

void
timerheap_del(struct timerheap *h, struct timer *t)
{
	struct timer	*last;
	size_t		 i;

	if (t->pos == 0)
		return;
	i = t->pos - 1;
	t->pos = 0;
	last = h->v[--h->n];
	if (i == h->n)
		return;		/* it was the last one */
	timerheap_put(h, i, last);
	if (i > 0 && h->v[(i - 1) / 2]->when > last->when)
		timerheap_up(h, i);
	else
		timerheap_down(h, i);
}

struct timer *
timerheap_first(const struct timerheap *h)
{
	return h->n > 0 ? h->v[0] : NULL;
}

void
timerheap_free(struct timerheap *h)
{
	free(h->v);
	h->v = NULL;
	h->n = h->cap = 0;
}
