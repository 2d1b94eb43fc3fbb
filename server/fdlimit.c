/* SPDX-License-Identifier: ISC */
/*
 * fdlimit.c - file descriptors for max_connections (fdlimit.h).
 */
#include <sys/resource.h>

#include <unistd.h>

#include "config.h"
#include "errors.h"
#include "fdlimit.h"
#include "util.h"

unsigned
fdlimit_workers(unsigned configured)
{
	long	ncpu;

	if (configured != 0)
		return configured;
	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	return ncpu < 1 ? 1 : ncpu > 64 ? 64 : (unsigned)ncpu;
}

unsigned long long
fdlimit_need(unsigned conns, unsigned workers)
{
	return (unsigned long long)conns + FDLIMIT_RESERVE +
	    (unsigned long long)workers * FDLIMIT_PER_WORKER;
}

int
fdlimit_raise(unsigned long long *soft, unsigned long long *hard)
{
	struct rlimit	rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		return CS_ERR_SYSTEM;
	if (rl.rlim_cur != rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		if (setrlimit(RLIMIT_NOFILE, &rl) == -1)
			return CS_ERR_SYSTEM;
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == -1)
		return CS_ERR_SYSTEM;
	*soft = rl.rlim_cur == RLIM_INFINITY ? ~0ULL : rl.rlim_cur;
	*hard = rl.rlim_max == RLIM_INFINITY ? ~0ULL : rl.rlim_max;
	return 0;
}

int
fdlimit_check(struct config *c, unsigned workers, unsigned long long limit,
    char *err, size_t errlen)
{
	unsigned long long	need, fit;

	if (errlen > 0)
		err[0] = '\0';
	need = fdlimit_need(c->max_connections, workers);
	if (need <= limit)
		return 0;
	fit = limit > fdlimit_need(0, workers) ?
	    limit - fdlimit_need(0, workers) : 0;
	if (!c->max_connections_set && fit > 0) {
		str_fmt(err, errlen, "max_connections lowered from its "
		    "default %u to %llu: the file descriptor limit is %llu "
		    "(raise LimitNOFILE=, docs/ADMIN.md \"File descriptors\")",
		    c->max_connections, fit, limit);
		c->max_connections = (unsigned)fit;
		return 0;
	}
	str_fmt(err, errlen, "max_connections = %u needs %llu file "
	    "descriptors with %u workers, but the limit is %llu: raise "
	    "LimitNOFILE= in casesyncd.service (or the hard limit, ulimit "
	    "-Hn) or lower max_connections (docs/ADMIN.md, \"File "
	    "descriptors\")", c->max_connections, need, workers, limit);
	return CS_ERR_CONFIG;
}
