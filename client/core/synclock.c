/* SPDX-License-Identifier: ISC */
/*
 * synclock.c - one push/pull at a time per vault (see synclock.h).  The
 * holder writes its process id into the file so that a waiting sync can
 * say whom it waits for; the lock itself is the flock, which the kernel
 * releases when the holder exits or is killed.
 */
#include <sys/file.h>

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "errors.h"
#include "notice.h"
#include "synclock.h"

static int
synclock_flock(int fd, int op)
{
	while (flock(fd, op) == -1) {
		if (errno != EINTR)
			return -1;
	}
	return 0;
}

/* The process id the holder wrote, or 0 when unreadable. */
static long
synclock_holder(int fd)
{
	char	b[24];
	ssize_t	n;
	char	*end;
	long	pid;

	if ((n = pread(fd, b, sizeof(b) - 1, 0)) <= 0)
		return 0;
	b[n] = '\0';
	pid = strtol(b, &end, 10);
	if (end == b || pid <= 0)
		return 0;
	return pid;
}

int
synclock_take(const char *dir, int *fd)
{
	char	path[PATH_MAX], pid[24];
	int	f, n;

	*fd = -1;
	n = snprintf(path, sizeof(path), "%s/sync.lock", dir);
	if (n < 0 || (size_t)n >= sizeof(path))
		return CS_ERR_SYSTEM;
	if ((f = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
	    0600)) == -1)
		return CS_ERR_SYSTEM;
	if (synclock_flock(f, LOCK_EX | LOCK_NB) == -1) {
		if (errno != EWOULDBLOCK) {
			close(f);
			return CS_ERR_SYSTEM;
		}
		notice(NOTICE_WARN, "another sync of this laptop is running "
		    "(process %ld); waiting for it to finish",
		    synclock_holder(f));
		if (synclock_flock(f, LOCK_EX) == -1) {
			close(f);
			return CS_ERR_SYSTEM;
		}
	}
	n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	/* only a hint for whoever waits: failing to write it is harmless */
	if (ftruncate(f, 0) == 0 && n > 0)
		(void)!pwrite(f, pid, (size_t)n, 0);
	*fd = f;
	return 0;
}

void
synclock_release(int fd)
{
	if (fd != -1)
		close(fd);
}
