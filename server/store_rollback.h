/* SPDX-License-Identifier: ISC */
/*
 * store_rollback.h - the per-device sync counters of the server
 * database (rollback detection; the rules are in rollback.c).
 * The table device_counters(device_id, counter, rollback_at) is
 * created on first use.  Functions return 0 or CS_ERR_*.
 */
#ifndef STORE_ROLLBACK_H
#define STORE_ROLLBACK_H

#include <stdint.h>

#include "pki.h"

struct store;

/*
 * Raise the stored counter of "device_id" to "counter" if that is
 * higher than the one stored (or there is none) and the device is not
 * locked, durably.  0: raised.  CS_ERR_EXISTS: not raised, and the
 * device is locked from now on (rollback_at set to "now").
 * CS_ERR_REVOKED: the device was locked before.  With either, *stored
 * holds the stored counter and *locked_at the time of the detection.
 * CS_ERR_DB: the database could not be written (e.g. the disk is full).
 */
int	store_counter_advance(struct store *, int64_t device_id,
	    int64_t counter, int64_t now, int64_t *stored,
	    int64_t *locked_at);

/*
 * Whether "device_id" is locked, without changing anything (a Hello
 * that states no counter).  0: not locked (or no counter stored yet).
 * CS_ERR_REVOKED: locked; *stored and *locked_at as above.  CS_ERR_DB:
 * the database could not be read.
 */
int	store_counter_locked(struct store *, int64_t device_id,
	    int64_t *stored, int64_t *locked_at);

/*
 * The check of a Hello's counter by the key of the connection's
 * certificate, sent ahead (sdb_send) of the device's lookup, so that
 * on PostgreSQL both go in one round trip: "counter" > 0 is raised as
 * store_counter_advance() raises it, 0 reads the lock as
 * store_counter_locked() does.  The next of those two for the same
 * counter reads its answer when it settles the matter (the key's
 * device is the one asked about, and it was raised, or its lock read),
 * and otherwise runs its own statements by device id as without it.
 * store_counter_drop() forgets a check sent and not read.  On SQLite,
 * where there is no round trip to save, nothing is sent (the by-id
 * statements run, as without it).  A raise sent is made whether its
 * answer is read or not (it runs in the next round trip): session_req.c
 * leaves one unread only when the Hello is refused before the counter
 * is checked, for a key no device has (nothing to raise) or a device
 * that is revoked or could not be read.
 */
int	store_counter_send(struct store *, const uint8_t keyhash[PKI_HASH_LEN],
	    int64_t counter);
void	store_counter_drop(struct store *);

#endif /* STORE_ROLLBACK_H */
