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

#endif /* STORE_ROLLBACK_H */
