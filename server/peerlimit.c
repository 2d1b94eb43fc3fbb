/* SPDX-License-Identifier: ISC */
/*
 * peerlimit.c - per-address count of connections before Hello (see
 * peerlimit.h).  An open-addressing table with linear probing, twice
 * as large as the number of connections (so at least half empty and
 * probes stay short), and backward-shift deletion, so that it needs no
 * tombstones and a slot is free exactly when its count is 0.
 */
#include <netinet/in.h>

#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "errors.h"
#include "log.h"
#include "peerlimit.h"

struct peerlimit_slot {
	struct peerlimit_key	k;
	unsigned		n;		/* 0: free */
};

int
peerlimit_init(struct peerlimit *pl, unsigned max, unsigned conns)
{
	size_t	cap = 64;

	memset(pl, 0, sizeof(*pl));
	while (cap < 2 * (size_t)conns)
		cap *= 2;
	if ((pl->tab = calloc(cap, sizeof(*pl->tab))) == NULL)
		return CS_ERR_ALLOC;
	if (pthread_mutex_init(&pl->lock, NULL) != 0) {
		free(pl->tab);
		pl->tab = NULL;
		return CS_ERR_SYSTEM;
	}
	pl->mask = cap - 1;
	pl->max = max;
	randombytes_buf(pl->hkey, sizeof(pl->hkey));
	return 0;
}

void
peerlimit_clear(struct peerlimit *pl)
{
	if (pl->tab == NULL)
		return;
	pthread_mutex_destroy(&pl->lock);
	free(pl->tab);
	pl->tab = NULL;
}

void
peerlimit_key(const struct sockaddr *sa, struct peerlimit_key *k)
{
	static const uint8_t	 mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0, 0xff, 0xff };
	const uint8_t		*a6;

	memset(k, 0, sizeof(*k));
	if (sa->sa_family == AF_INET) {
		k->b[0] = 4;
		memcpy(&k->b[1], &((const struct sockaddr_in *)(const void *)
		    sa)->sin_addr, 4);
	} else if (sa->sa_family == AF_INET6) {
		a6 = ((const struct sockaddr_in6 *)(const void *)sa)->
		    sin6_addr.s6_addr;
		if (memcmp(a6, mapped, sizeof(mapped)) == 0) {
			k->b[0] = 4;
			memcpy(&k->b[1], a6 + 12, 4);
		} else {
			k->b[0] = 6;
			memcpy(&k->b[1], a6, 8);	/* the /64 */
		}
	}
}

static size_t
peerlimit_hash(const struct peerlimit *pl, const struct peerlimit_key *k)
{
	uint8_t		h[crypto_shorthash_BYTES];
	uint64_t	v;

	crypto_shorthash(h, k->b, sizeof(k->b), pl->hkey);
	memcpy(&v, h, sizeof(v));
	return (size_t)v & pl->mask;
}

/* The slot of "k", or the free slot where it would go.  Lock held. */
static size_t
peerlimit_find(const struct peerlimit *pl, const struct peerlimit_key *k)
{
	size_t	i = peerlimit_hash(pl, k);

	/* never full (see peerlimit_take), so this ends */
	while (pl->tab[i].n != 0 &&
	    memcmp(pl->tab[i].k.b, k->b, sizeof(k->b)) != 0)
		i = (i + 1) & pl->mask;
	return i;
}

int
peerlimit_take(struct peerlimit *pl, const struct peerlimit_key *k)
{
	size_t	i;
	int	r = 0;

	pthread_mutex_lock(&pl->lock);
	i = peerlimit_find(pl, k);
	if (pl->tab[i].n == 0) {
		/* the caller's connection limit keeps it half empty */
		if (pl->used >= (pl->mask + 1) / 2) {
			r = CS_ERR_INTERNAL;
			goto out;
		}
		pl->tab[i].k = *k;
		pl->used++;
	} else if (pl->tab[i].n >= pl->max) {
		r = CS_ERR_RATE;
		goto out;
	}
	pl->tab[i].n++;
 out:
	pthread_mutex_unlock(&pl->lock);
	return r;
}

void
peerlimit_give(struct peerlimit *pl, const struct peerlimit_key *k)
{
	size_t	i, j, home;

	pthread_mutex_lock(&pl->lock);
	i = peerlimit_find(pl, k);
	if (pl->tab[i].n == 0) {
		pthread_mutex_unlock(&pl->lock);
		log_warnx("peerlimit_give: address not counted");
		return;
	}
	if (--pl->tab[i].n > 0) {
		pthread_mutex_unlock(&pl->lock);
		return;
	}
	/*
	 * Backward-shift deletion: move up every later entry of the run
	 * whose home slot is not in (i, j], so that no lookup stops at
	 * the hole we leave.
	 */
	for (j = (i + 1) & pl->mask; pl->tab[j].n != 0;
	    j = (j + 1) & pl->mask) {
		home = peerlimit_hash(pl, &pl->tab[j].k);
		if (((j - home) & pl->mask) >= ((j - i) & pl->mask)) {
			pl->tab[i] = pl->tab[j];
			pl->tab[j].n = 0;
			i = j;
		}
	}
	memset(&pl->tab[i], 0, sizeof(pl->tab[i]));
	pl->used--;
	pthread_mutex_unlock(&pl->lock);
}

unsigned
peerlimit_count(struct peerlimit *pl, const struct peerlimit_key *k)
{
	unsigned	n;

	pthread_mutex_lock(&pl->lock);
	n = pl->tab[peerlimit_find(pl, k)].n;
	pthread_mutex_unlock(&pl->lock);
	return n;
}
