/* SPDX-License-Identifier: ISC */
/*
 * runlock.c - the lock that says casesyncd runs (see runlock.h).
 */
#include <sys/file.h>

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "errors.h"
#include "log.h"
#include "runlock.h"
#include "util.h"

int
runlock_take(const char *dir, int *fd)
{
	char	path[4096];
	int	f;

	*fd = -1;
	if (str_fmt(path, sizeof(path), "%s/%s", dir, RUNLOCK_FILE) != 0)
		return CS_ERR_TOO_LARGE;
	if ((f = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
	    0600)) == -1) {
		log_warn("%s", path);
		return CS_ERR_SYSTEM;
	}
	while (flock(f, LOCK_EX | LOCK_NB) == -1) {
		if (errno == EINTR)
			continue;
		close(f);
		if (errno == EWOULDBLOCK)
			return CS_ERR_EXISTS;
		log_warn("%s: flock", path);
		return CS_ERR_SYSTEM;
	}
	*fd = f;
	return 0;
}
