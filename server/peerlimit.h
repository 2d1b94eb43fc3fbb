/* SPDX-License-Identifier: ISC */
/*
 * peerlimit.h - how many connections each client address holds that
 * have not completed Hello (TLS handshake in progress, or done and no
 * Hello yet), over all workers.  Without a limit one address could
 * fill every slot of max_connections with connections that never say
 * who they are (docs/PROTOCOL.md, "Connections").
 *
 * An address is an IPv4 address, or the /64 prefix of an IPv6 one (a
 * single host commonly has a whole /64); IPv4-mapped IPv6 addresses
 * count as IPv4.  The table is fixed at init: it has room for every
 * connection the server can hold, so a take never allocates.  Lookups
 * hash with a random key (SipHash), so a peer cannot choose addresses
 * that collide.  All functions are thread-safe.
 */
#ifndef PEERLIMIT_H
#define PEERLIMIT_H

#include <sys/socket.h>

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#define PEERLIMIT_KEY_LEN	16

struct peerlimit_key {
	uint8_t	b[PEERLIMIT_KEY_LEN];
};

struct peerlimit_slot;

struct peerlimit {
	pthread_mutex_t		 lock;
	struct peerlimit_slot	*tab;
	size_t			 mask;		/* capacity - 1 */
	size_t			 used;		/* addresses counted */
	unsigned		 max;		/* per address */
	uint8_t			 hkey[16];	/* SipHash key */
};

/*
 * Room for "conns" connections (max_connections), at most "max" per
 * address.  0, CS_ERR_ALLOC or CS_ERR_SYSTEM.
 */
int	peerlimit_init(struct peerlimit *, unsigned max, unsigned conns);
/* Free the table; a zeroed or cleared struct is a no-op. */
void	peerlimit_clear(struct peerlimit *);

/* The key of "sa" (AF_INET or AF_INET6; others all share one key). */
void	peerlimit_key(const struct sockaddr *sa, struct peerlimit_key *);

/*
 * Count one more connection of "k".  0: taken (give it back with
 * peerlimit_give()).  CS_ERR_RATE: "k" already holds "max"; nothing
 * taken.  CS_ERR_INTERNAL: more addresses than "conns" (a caller that
 * did not keep to its own connection limit); nothing taken.
 */
int	peerlimit_take(struct peerlimit *, const struct peerlimit_key *k);
/* Give back one connection of "k" taken before. */
void	peerlimit_give(struct peerlimit *, const struct peerlimit_key *k);
/* Connections "k" holds now (for tests and logs). */
unsigned peerlimit_count(struct peerlimit *, const struct peerlimit_key *k);

#endif /* PEERLIMIT_H */
