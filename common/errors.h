/* SPDX-License-Identifier: ISC */
/*
 * errors.h - error codes shared by every casesync module.
 *
 * Functions return 0 (CS_OK) or one of the negative CS_ERR_* codes
 * below; cs_err() maps a code to a short English text for logs and
 * for the person at the terminal.  The numbers are internal: the wire
 * protocol has its own ErrorCode enum (proto/casesync.proto).
 */
#ifndef ERRORS_H
#define ERRORS_H

#define CS_OK			  0
#define CS_ERR_INTERNAL		 -1	/* our bug */
#define CS_ERR_ALLOC		 -2
#define CS_ERR_INCOMPLETE	 -3	/* need more input; not an error */
#define CS_ERR_FORMAT		 -4	/* malformed input */
#define CS_ERR_TOO_LARGE	 -5
#define CS_ERR_SYSTEM		 -6	/* see errno */
#define CS_ERR_DB		 -7
#define CS_ERR_TLS		 -8
#define CS_ERR_CRYPTO		 -9
#define CS_ERR_AUTH		-10	/* not authenticated / not allowed */
#define CS_ERR_NOT_FOUND	-11
#define CS_ERR_EXISTS		-12
#define CS_ERR_EXPIRED		-13
#define CS_ERR_USED		-14	/* one-time secret already used */
#define CS_ERR_RATE		-15	/* rate limited */
#define CS_ERR_REVOKED		-16
#define CS_ERR_PROTOCOL		-17	/* valid message, wrong state */
#define CS_ERR_CLOSED		-18	/* peer closed the connection */
#define CS_ERR_TIMEOUT		-19
#define CS_ERR_CONFIG		-20
#define CS_ERR_PASSPHRASE	-21	/* wrong passphrase */
#define CS_ERR_TAMPERED		-22	/* authentication of stored data failed */
#define CS_ERR_USAGE		-23	/* bad command-line usage */
#define CS_ERR_PEER		-24	/* the peer answered with an Error */
#define CS_ERR_STATE		-25	/* not a transition of the case lifecycle */
#define CS_ERR_LIMIT		-26	/* a legal time limit would be broken */
#define CS_ERR_APPROVAL		-27	/* needs a reason and a teamleider */
#define CS_ERR_SELF		-28	/* a request decided by its own sender */
#define CS_ERR_RETRY		-29	/* the peer cannot do it now: try later */
#define CS_ERR_AMBIGUOUS	-30	/* input matches more than one thing */
#define CS_ERR_RUNNING		-31	/* a measure of a child still runs */
#define CS_ERR_CASE_CLOSED	-32	/* the case is closed: no new content */
#define CS_ERR_MIN		-32

/* Never returns NULL; unknown codes give "unknown error". */
const char	*cs_err(int);

/*
 * The cause of a failed file or database operation, for the message
 * that reports it ("server.db: permission denied", not "system
 * error").  The function that fails records it, per thread, with the
 * code it returns: cs_sys() records errno and returns CS_ERR_SYSTEM;
 * cs_cause() records "err" (an errno value) for code "r" and returns r;
 * cs_cause_text() records a text (copied; SQLite's message).  Whoever
 * reports "r" asks cs_why(r): the recorded cause when it was recorded
 * for that code (in lower case: "no space left on device"), else
 * cs_err(r).  A later record replaces an earlier one; cs_cause(r, 0)
 * forgets it.
 */
int		 cs_sys(void);
int		 cs_cause(int r, int err);
int		 cs_cause_text(int r, const char *text);
const char	*cs_why(int r);
/*
 * The file of the cause just recorded (NULL or "": none), and the
 * cause of a database failure (CS_ERR_DB) as "FILE: CAUSE" for a
 * message that does not name the file itself ("user add: /var/lib/
 * casesync/server.db: read-only file system"); any other code, whose
 * cause may be older than the failure reported: cs_err(r).
 */
void		 cs_cause_at(const char *path);
const char	*cs_whyf(int r);
/*
 * Record the cause of SQLite connection "db"'s last failure for code r
 * (the operating system's errno for a file that could not be opened,
 * read or written; SQLITE_FULL as "no space left on device"; else
 * SQLite's message), with the database's file.  Returns r.
 */
struct sqlite3;
int		 cs_cause_sqlite(struct sqlite3 *db, int r);

#endif /* ERRORS_H */
