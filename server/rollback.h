/* SPDX-License-Identifier: ISC */
/*
 * rollback.h - the server's half of rollback detection
 * (docs/PROTOCOL.md, "Rollback detection"; the laptop's half is
 * client/core/synccount.c): every Hello of an enrolled device carries a
 * counter that the laptop raises before each connection; the server
 * remembers the highest one per device and refuses one that is not
 * above it, since only a laptop database copied back to an older
 * version (or a copy of it running elsewhere) sends that.  From then
 * on the device is locked: every later Hello is refused too (the
 * restored copy would otherwise retry until its counter passed), until
 * an administrator revokes it and the laptop is enrolled again.
 */
#ifndef ROLLBACK_H
#define ROLLBACK_H

#include <stddef.h>
#include <stdint.h>

struct store;
struct store_device;

/*
 * Check and record "counter" from the Hello of authenticated device
 * "dev" (connecting from "peer").  0: go on (the counter was above the
 * last one, or 0: a client that does not state one, for a device that
 * is not locked; or the database could not record it, which is logged
 * and not held against the laptop).  CS_ERR_TAMPERED: a rollback now
 * or earlier (the device is locked, whatever "counter" is, 0
 * included); it has been logged loudly and "msg" holds the text for
 * the Error reply.  CS_ERR_FORMAT: a counter out of range.  CS_ERR_DB:
 * counter 0 and the lock could not be read (refuse; retryable).
 */
int	rollback_check(struct store *st, const struct store_device *dev,
	    uint64_t counter, const char *peer, char *msg, size_t msglen);

#endif /* ROLLBACK_H */
