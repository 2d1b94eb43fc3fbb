/* SPDX-License-Identifier: ISC */
/*
 * runlock.h - the lock that says casesyncd runs on a data directory.
 *
 * casesyncd holds an exclusive flock(2) on "data_dir/casesyncd.lock"
 * for as long as it runs; "casesyncctl restore" takes the same lock
 * before it replaces the database, so neither can start while the
 * other works.  The kernel drops the lock when the process ends, also
 * on a crash: there is no stale lock file to clean up.
 */
#ifndef RUNLOCK_H
#define RUNLOCK_H

#include <stddef.h>

#define RUNLOCK_FILE	"casesyncd.lock"

/*
 * Take the lock of directory "dir" without waiting: 0 and *fd (keep it
 * open to hold the lock), CS_ERR_EXISTS if another process holds it, or
 * CS_ERR_SYSTEM (logged).
 */
int	runlock_take(const char *dir, int *fd);

#endif /* RUNLOCK_H */
