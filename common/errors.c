/* SPDX-License-Identifier: ISC */
/*
 * errors.c - texts for the CS_ERR_* codes of errors.h.
 */
#include <ctype.h>
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "errors.h"

#define CS_CAUSE_MAX	160
#define CS_PATH_MAX	1024

/* The last recorded cause of this thread (see errors.h). */
static _Thread_local int	cs_cause_code;
static _Thread_local char	cs_cause_buf[CS_CAUSE_MAX];
static _Thread_local char	cs_cause_path[CS_PATH_MAX];
static _Thread_local char	cs_whyf_buf[CS_PATH_MAX + CS_CAUSE_MAX + 2];

static const char *const cs_err_text[] = {
	"success",
	"internal error",
	"out of memory",
	"incomplete input",
	"malformed input",
	"input too large",
	"system error",
	"database error",
	"TLS error",
	"cryptographic error",
	"not authorised",
	"not found",
	"already exists",
	"expired",
	"already used",
	"rate limited",
	"revoked",
	"protocol violation",
	"connection closed by peer",
	"timed out",
	"configuration error",
	"wrong passphrase",
	"database damaged or tampered",
	"usage error",
	"refused by peer",
	"transition not allowed in the case lifecycle",
	"legal time limit exceeded",
	"needs a reason and a teamleider's approval",
	"the sending side cannot decide its own request",
	"the server could not do this now; nothing was lost, try again later",
	"matches more than one: say which",
	"a measure of a child still runs",
	"the case is closed and takes no new content",
};

const char *
cs_err(int r)
{
	if (r > 0 || r < CS_ERR_MIN)
		return "unknown error";
	return cs_err_text[-r];
}

int
cs_cause_text(int r, const char *text)
{
	size_t	len;

	cs_cause_code = r;
	cs_cause_buf[0] = '\0';
	cs_cause_path[0] = '\0';
	if (r == 0 || text == NULL || text[0] == '\0') {
		cs_cause_code = 0;
		return r;
	}
	len = strlen(text);
	if (len >= sizeof(cs_cause_buf))
		len = sizeof(cs_cause_buf) - 1;
	memcpy(cs_cause_buf, text, len);
	cs_cause_buf[len] = '\0';
	/* "Permission denied" -> "permission denied", as our texts are */
	if (len > 1 && isupper((unsigned char)cs_cause_buf[0]) &&
	    !isupper((unsigned char)cs_cause_buf[1]))
		cs_cause_buf[0] = (char)tolower((unsigned char)cs_cause_buf[0]);
	return r;
}

int
cs_cause(int r, int err)
{
	char	buf[CS_CAUSE_MAX];

	if (err == 0)
		return cs_cause_text(r, NULL);
	/* the GNU strerror_r: its result may not be "buf" */
	return cs_cause_text(r, strerror_r(err, buf, sizeof(buf)));
}

int
cs_sys(void)
{
	return cs_cause(CS_ERR_SYSTEM, errno);
}

const char *
cs_why(int r)
{
	if (r != 0 && r == cs_cause_code && cs_cause_buf[0] != '\0')
		return cs_cause_buf;
	return cs_err(r);
}

void
cs_cause_at(const char *path)
{
	size_t	len;

	cs_cause_path[0] = '\0';
	if (path == NULL || cs_cause_code == 0 ||
	    (len = strlen(path)) >= sizeof(cs_cause_path))
		return;
	memcpy(cs_cause_path, path, len + 1);
}

const char *
cs_whyf(int r)
{
	if (r != CS_ERR_DB || r != cs_cause_code ||
	    cs_cause_buf[0] == '\0')
		return cs_err(r);
	if (cs_cause_path[0] == '\0')
		return cs_cause_buf;
	(void)snprintf(cs_whyf_buf, sizeof(cs_whyf_buf), "%s: %s",
	    cs_cause_path, cs_cause_buf);
	return cs_whyf_buf;
}

/* 0 if "file" and its directory are writable, else access(2)'s errno. */
static int
cs_writable(const char *file)
{
	char	dir[CS_PATH_MAX];
	size_t	len;

	if (access(file, W_OK) == -1 && errno != ENOENT)
		return errno;
	if ((len = strlen(file)) >= sizeof(dir))
		return 0;
	memcpy(dir, file, len + 1);
	if (access(dirname(dir), W_OK) == -1)
		return errno;
	return 0;
}

int
cs_cause_sqlite(struct sqlite3 *db, int r)
{
	const char	*file;
	int		 rc, sys;

	if (db == NULL)
		return r;
	rc = sqlite3_errcode(db) & 0xff;
	sys = sqlite3_system_errno(db);
	file = sqlite3_db_filename(db, "main");
	/*
	 * A file SQLite could not open or write: its errno may be that of
	 * an earlier probe (ENOENT of a -wal not there yet) or none (a
	 * database it opened read-only): ask the file and its directory.
	 */
	if ((rc == SQLITE_CANTOPEN || rc == SQLITE_READONLY) &&
	    (sys == 0 || sys == ENOENT) && file != NULL && file[0] != '\0')
		sys = cs_writable(file);
	if (sys != 0 && (rc == SQLITE_CANTOPEN || rc == SQLITE_IOERR ||
	    rc == SQLITE_FULL || rc == SQLITE_READONLY || rc == SQLITE_PERM))
		(void)cs_cause(r, sys);
	else if (rc == SQLITE_FULL)	/* the unix VFS keeps no errno */
		(void)cs_cause(r, ENOSPC);
	else
		(void)cs_cause_text(r, sqlite3_errmsg(db));
	cs_cause_at(file);
	return r;
}
