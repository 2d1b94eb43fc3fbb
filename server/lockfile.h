/* SPDX-License-Identifier: ISC */
/*
 * lockfile.h - one casesyncd per data directory.
 */
#ifndef LOCKFILE_H
#define LOCKFILE_H

#include <stddef.h>

#define LOCKFILE_NAME	"casesyncd.lock"

/*
 * Take an exclusive flock(2) on data_dir/casesyncd.lock (created 0600
 * if missing) and write our pid into it.  The descriptor stays open,
 * close-on-exec, for the life of the process: the kernel drops the lock
 * when the process ends, however it ends.  Returns the descriptor, or
 * -1 with "err" saying why: which pid holds it when another process
 * does.  casesyncctl restore takes the same lock before it replaces the
 * database, so neither can start while the other works.
 */
int	lockfile_take(const char *data_dir, char *err, size_t errlen);

#endif /* LOCKFILE_H */
