/* SPDX-License-Identifier: ISC */
/*
 * rollback.c - refuse a laptop whose database went back in time (see
 * rollback.h).  Why it matters: a restored copy of a vault brings back
 * cases the server had made the laptop purge, and drops the local
 * audit events (reads) logged since the copy was made.
 */
#include <stdint.h>

#include "errors.h"
#include "log.h"
#include "rollback.h"
#include "store.h"
#include "store_rollback.h"
#include "util.h"

int
rollback_check(struct store *st, const struct store_device *dev,
    uint64_t counter, const char *peer, char *msg, size_t msglen)
{
	int64_t	stored = 0, locked_at = 0, now = time_now();
	int	r;

	msg[0] = '\0';
	if (counter > INT64_MAX) {
		str_fmt(msg, msglen, "sync counter out of range");
		return CS_ERR_FORMAT;
	}
	if (counter == 0) {
		/*
		 * Nothing to record, but a locked device stays locked
		 * whatever it states: a restored copy that leaves its
		 * counter out must not get past the lock.  If the lock
		 * cannot be read, refuse (fail closed); the laptop may
		 * try again.
		 */
		log_debug("%s: device %lld states no sync counter", peer,
		    (long long)dev->id);
		r = store_counter_locked(st, dev->id, &stored, &locked_at);
		if (r == 0)
			return 0;
		if (r != CS_ERR_REVOKED) {
			str_fmt(msg, msglen, "server error; try again later");
			return CS_ERR_DB;
		}
	} else
		r = store_counter_advance(st, dev->id, (int64_t)counter, now,
		    &stored, &locked_at);
	if (r == 0)
		return 0;
	if (r != CS_ERR_EXISTS && r != CS_ERR_REVOKED) {
		/* e.g. a full disk: pulls still work; check again next time */
		log_warnx("%s: device %lld: sync counter %llu not recorded",
		    peer, (long long)dev->id, (unsigned long long)counter);
		return 0;
	}
	if (r == CS_ERR_EXISTS) {
		log_warnx("ROLLBACK DETECTED: device %lld (%s) of user %s at "
		    "%s sent sync counter %llu, but the server already saw "
		    "%lld: its database was restored from an older copy, or "
		    "a copy of it is in use elsewhere; the device is locked "
		    "(revoke it and enroll the laptop again after checking "
		    "it)", (long long)dev->id, dev->name, dev->user.name,
		    peer, (unsigned long long)counter, (long long)stored);
	} else {
		log_warnx("ROLLBACK: device %lld (%s) of user %s at %s "
		    "refused: locked since a rollback was detected at %lld",
		    (long long)dev->id, dev->name, dev->user.name, peer,
		    (long long)locked_at);
	}
	str_fmt(msg, msglen, "this laptop's database is older than one the "
	    "server has already seen (restored from a copy?), so this "
	    "device is locked; contact your administrator");
	return CS_ERR_TAMPERED;
}
