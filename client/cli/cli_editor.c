/* SPDX-License-Identifier: ISC */
/*
 * cli_editor.c - long texts for the CLI: from stdin ('-') or from the
 * user's editor: $VISUAL, then $EDITOR, then `editor`, then `vi`, as
 * other Unix tools choose.  The file lives in /dev/shm (memory, not the
 * disk) when there is one, mode 0600.  Once the text is saved it is
 * overwritten and removed; when saving fails it stays, and its path is
 * printed, so nothing typed is lost.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "client.h"
#include "errors.h"
#include "schema.h"
#include "util.h"

int
cli_read_text(int fd, char **out)
{
	char	*p;
	size_t	 n = 0;
	ssize_t	 got;

	*out = NULL;
	if ((p = malloc(SCHEMA_LONG_MAX + 2)) == NULL)
		return CS_ERR_ALLOC;
	while (n <= SCHEMA_LONG_MAX) {
		got = read(fd, p + n, SCHEMA_LONG_MAX + 1 - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			free(p);
			return CS_ERR_SYSTEM;
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	if (n > SCHEMA_LONG_MAX) {
		sodium_memzero(p, n);
		free(p);
		return CS_ERR_TOO_LARGE;
	}
	/* one trailing newline is the editor's, not the user's */
	if (n > 0 && p[n - 1] == '\n')
		n--;
	p[n] = '\0';
	*out = p;
	return 0;
}

/* Run the editor on "path"; 0 if it exited 0. */
static int
cli_editor_run(const char *path)
{
	const char	*ed;
	pid_t		 pid;
	int		 status;

	if ((ed = getenv("VISUAL")) == NULL || *ed == '\0')
		ed = getenv("EDITOR");
	if ((pid = fork()) == -1)
		return CS_ERR_SYSTEM;
	if (pid == 0) {
		/* the variable may hold arguments ("code -w"): sh splits */
		if (ed != NULL && *ed != '\0' &&
		    setenv("CASESYNC_EDITOR", ed, 1) == 0)
			execl("/bin/sh", "sh", "-c",
			    "exec $CASESYNC_EDITOR \"$1\"", "sh", path,
			    (char *)NULL);
		else
			execl("/bin/sh", "sh", "-c", "command -v editor "
			    ">/dev/null 2>&1 && exec editor \"$1\"; "
			    "exec vi \"$1\"", "sh", path, (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) == -1)
		if (errno != EINTR)
			return CS_ERR_SYSTEM;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 :
	    CS_ERR_SYSTEM;
}

int
cli_editor(const char *what, char **out, struct cli_edit *e)
{
	const char	*dir;
	struct stat	 st;
	int		 fd, r;

	*out = NULL;
	e->path[0] = '\0';
	if (!isatty(STDIN_FILENO)) {
		cli_errx("%s: give it as an option ('-' reads stdin), or run "
		    "on a terminal for the editor ($VISUAL, $EDITOR)", what);
		return CS_ERR_USAGE;
	}
	dir = stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) ?
	    "/dev/shm" : "/tmp";
	if ((r = str_fmt(e->path, sizeof(e->path), "%s/casesync-edit-XXXXXX",
	    dir)) != 0)
		return r;
	if ((fd = mkstemp(e->path)) == -1) {
		e->path[0] = '\0';
		return CS_ERR_SYSTEM;
	}
	close(fd);
	if ((r = cli_editor_run(e->path)) != 0)
		cli_errx("%s: the editor failed", what);
	else if ((fd = open(e->path, O_RDONLY | O_NOFOLLOW)) == -1)
		r = CS_ERR_SYSTEM;
	else {
		r = cli_read_text(fd, out);
		close(fd);
		if (r != 0)
			cli_errx("%s: %s", what, cs_err(r));
		else if (**out == '\0') {
			free(*out);
			*out = NULL;
			cli_errx("%s: empty, nothing saved", what);
			r = CS_ERR_USAGE;
		}
	}
	if (r != 0)
		cli_editor_done(e, 0);
	return r;
}

/* Overwrite the file's bytes before its name goes. */
static void
cli_editor_wipe(const char *path)
{
	char		zero[4096] = { 0 };
	struct stat	st;
	off_t		o;
	int		fd;

	if ((fd = open(path, O_WRONLY | O_NOFOLLOW)) == -1)
		return;
	if (fstat(fd, &st) == 0)
		for (o = 0; o < st.st_size; o += (off_t)sizeof(zero))
			if (pwrite(fd, zero, sizeof(zero), o) < 0)
				break;
	(void)fsync(fd);
	close(fd);
}

void
cli_editor_done(struct cli_edit *e, int saved)
{
	struct stat	st;

	if (e->path[0] == '\0')
		return;
	if (!saved && stat(e->path, &st) == 0 && st.st_size > 0)
		cli_errx("your text is kept in %s (nothing was saved; it is "
		    "removed at the next restart)", e->path);
	else {
		cli_editor_wipe(e->path);
		(void)unlink(e->path);
	}
	e->path[0] = '\0';
}
