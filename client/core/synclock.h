/* SPDX-License-Identifier: ISC */
/*
 * synclock.h - one push/pull at a time per vault.
 *
 * Two syncs of one vault at once (a "sync --watch" and a manual sync,
 * or two terminals) would each take the whole outbox and push it: the
 * server applies a change once (change ids are idempotency keys), but
 * every change then travels twice.  A sync takes this lock, an flock on
 * "sync.lock" in the vault directory, for the duration of one push and
 * pull; "sync --watch" holds it only while it syncs, not while it waits.
 */
#ifndef SYNCLOCK_H
#define SYNCLOCK_H

/*
 * Take the sync lock of the vault directory "dir", waiting for another
 * process that holds it (and saying so in a notice, with its process id).
 * 0 and *fd set, or CS_ERR_SYSTEM (*fd is -1).
 */
int	synclock_take(const char *dir, int *fd);
/* Release a lock from synclock_take.  -1 is a no-op. */
void	synclock_release(int fd);

#endif /* SYNCLOCK_H */
