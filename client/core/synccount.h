/* SPDX-License-Identifier: ISC */
/*
 * synccount.h - the laptop's half of rollback detection
 * (docs/PROTOCOL.md, "Rollback detection").
 *
 * The vault holds a per-device counter that goes up by one, durably,
 * before every connection that syncs; Hello carries the new value and
 * the server refuses a value that is not above the last one it saw.
 * A vault copied back to an older version therefore sends a counter
 * the server has already seen, and is refused with ERROR_ROLLBACK.
 */
#ifndef SYNCCOUNT_H
#define SYNCCOUNT_H

#include <stdint.h>

struct vault;

/* Name of the vault secret that holds the counter (8 bytes, big endian). */
#define SYNCCOUNT_SECRET	"sync_counter"

/*
 * Take the Hello lock of the vault directory "dir" (flock; two casesync
 * processes on one vault, e.g. "sync --watch" and a manual sync, must
 * send their counters in the order they raised them), then add one to
 * the vault's counter (0 when there is none yet), commit it (the vault
 * is synchronous=FULL; a busy vault is waited for) and set *next to
 * the new value and *lock to the lock's descriptor.  Release the lock
 * with synccount_done() once Hello has been answered (or failed).
 * 0, or CS_ERR_* (then *next is 0 and *lock is -1).
 */
int	synccount_next(struct vault *, const char *dir, uint64_t *next,
	    int *lock);
/* Release the lock from synccount_next.  -1 is a no-op. */
void	synccount_done(int lock);

#endif /* SYNCCOUNT_H */
