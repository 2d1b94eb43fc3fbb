/* SPDX-License-Identifier: ISC */
/*
 * syncstatus.h - when this laptop last tried to sync, when it last
 * succeeded, and whether the last try could reach the server: for the
 * web UI's offline banner and its Sync page (DESIGN §10), written by
 * every sync (the CLI's and the UI's).  Kept in the vault as the
 * secret SYNCSTATUS_SECRET (17 bytes: the two times as 8 bytes
 * big-endian seconds, then the outcome), not in a table of its own.
 * Functions return 0 or a negative CS_ERR_*.
 */
#ifndef SYNCSTATUS_H
#define SYNCSTATUS_H

#include <stdint.h>

struct vault;

#define SYNCSTATUS_SECRET	"sync_status"

enum {
	SYNCSTATUS_NONE,	/* never tried */
	SYNCSTATUS_OK,
	SYNCSTATUS_OFFLINE,	/* the server could not be reached */
	SYNCSTATUS_FAILED	/* reached, but the sync failed */
};

struct syncstatus {
	int64_t	tried;		/* seconds since 1970, 0: never */
	int64_t	ok;		/* last success, 0: never */
	int	outcome;	/* SYNCSTATUS_* of the last try */
};

/* All zero (SYNCSTATUS_NONE) when nothing was recorded. */
int	syncstatus_get(struct vault *, struct syncstatus *);
/* Record a try at "now" that ended with CS_ERR_* "r" (0: success). */
int	syncstatus_put(struct vault *, int64_t now, int r);
/* 1 if a sync's error "r" means the server could not be reached. */
int	syncstatus_unreachable(int r);

#endif /* SYNCSTATUS_H */
