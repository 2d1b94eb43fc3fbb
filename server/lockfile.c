/* SPDX-License-Identifier: ISC */
/*
 * lockfile.c - the data directory's lock.  SQLite would let two servers
 * share server.db, and SO_REUSEPORT lets two listeners share a port
 * without a word: a second casesyncd on the same configuration would
 * silently take half the connections.  The flock(2) makes the second
 * one stop at start and name the first.
 */
#include <sys/file.h>
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lockfile.h"
#include "util.h"

#define LOCKFILE_PID_MAX	32

/* The pid the holder wrote, as text fit to print; "" if none. */
static void
lockfile_holder(int fd, char *pid, size_t pidlen)
{
	char		buf[LOCKFILE_PID_MAX];
	uint64_t	v;
	ssize_t		n;

	pid[0] = '\0';
	if ((n = pread(fd, buf, sizeof(buf) - 1, 0)) <= 0)
		return;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	if (parse_u64(buf, 1, 0x7fffffff, &v) == 0)
		(void)str_fmt(pid, pidlen, "%llu", (unsigned long long)v);
}

int
lockfile_take(const char *data_dir, char *err, size_t errlen)
{
	char	path[4096], pid[LOCKFILE_PID_MAX], line[LOCKFILE_PID_MAX];
	int	fd;

	if (str_fmt(path, sizeof(path), "%s/%s", data_dir, LOCKFILE_NAME) !=
	    0) {
		str_fmt(err, errlen, "%s: path too long", data_dir);
		return -1;
	}
	if ((fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
	    0600)) == -1) {
		str_fmt(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) == -1) {
		if (errno == EWOULDBLOCK) {
			lockfile_holder(fd, pid, sizeof(pid));
			str_fmt(err, errlen, "%s is in use: %s%s holds %s "
			    "(casesyncd, or casesyncctl restore)", data_dir,
			    pid[0] != '\0' ? "process " : "another process",
			    pid, path);
		} else
			str_fmt(err, errlen, "%s: flock: %s", path,
			    strerror(errno));
		close(fd);
		return -1;
	}
	(void)str_fmt(line, sizeof(line), "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) == -1 ||
	    pwrite(fd, line, strlen(line), 0) != (ssize_t)strlen(line)) {
		str_fmt(err, errlen, "%s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}
