/* SPDX-License-Identifier: ISC */
/*
 * fdlimit.h - file descriptors for max_connections (docs/ADMIN.md,
 * "File descriptors").  Each connection is one descriptor; the rest of
 * the server (listeners, epoll and wakeup descriptors, the database and
 * its journal, the signer, the metrics listener, the log) needs a few
 * per worker and a few more.
 */
#ifndef FDLIMIT_H
#define FDLIMIT_H

#include <stddef.h>

#define FDLIMIT_RESERVE		64	/* descriptors besides connections */
#define FDLIMIT_PER_WORKER	8	/* ... and per worker */

struct config;

/* Workers for "workers = N" (0: one per CPU online, at most 64). */
unsigned		fdlimit_workers(unsigned configured);
/* Descriptors "conns" connections need with "workers" workers. */
unsigned long long	fdlimit_need(unsigned conns, unsigned workers);
/*
 * Raise the soft RLIMIT_NOFILE to the hard limit; *soft and *hard get
 * what the process has afterwards.  0, or CS_ERR_SYSTEM (errno set).
 */
int	fdlimit_raise(unsigned long long *soft, unsigned long long *hard);
/*
 * Whether max_connections fits "limit" descriptors with "workers"
 * workers: 0, or CS_ERR_CONFIG with "err" saying what to change.  A
 * max_connections left at its default is lowered to what fits (with a
 * warning in "err", return 0) unless nothing fits.
 */
int	fdlimit_check(struct config *, unsigned workers,
	    unsigned long long limit, char *err, size_t errlen);

#endif /* FDLIMIT_H */
