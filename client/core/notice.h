/* SPDX-License-Identifier: ISC */
/*
 * notice.h - how the core tells the user something it found on the way
 * (the server refused, the audit log forked, the certificate runs out)
 * without printing: each face sets one handler (the CLI prints it, the
 * web UI keeps it for the page).  Without a handler a notice goes to
 * the log (log.h).  Sentences never hold case content.
 */
#ifndef CLIENT_NOTICE_H
#define CLIENT_NOTICE_H

#include <stddef.h>

struct msg;
struct msg_error;

enum notice_level {
	NOTICE_INFO,		/* a result the user asked for */
	NOTICE_WARN,		/* done, but something to know */
	NOTICE_ERROR		/* what failed, and what to do */
};

#define NOTICE_MAX	1024	/* bytes of one sentence */

typedef void	(*notice_fn)(enum notice_level, const char *text, void *arg);

/* The face's handler (NULL: the log).  Not thread-safe: set it once. */
void	notice_set(notice_fn fn, void *arg);
void	notice(enum notice_level, const char *fmt, ...)
	    __attribute__((__format__(printf, 2, 3)));

/*
 * "what" failed with "r"; "reply" is the server's reply (an Error, for
 * its code and text), or NULL: one sentence into buf.
 */
void	notice_reply_text(char *buf, size_t len, const char *what, int r,
	    const struct msg *reply);
/* notice_reply_text() as a notice (NOTICE_ERROR). */
void	notice_reply(const char *what, int r, const struct msg *reply);
/* "in N s" of an Error's retry_after_ms, or "later". */
const char *notice_retry_when(const struct msg_error *, char *buf,
	    size_t len);

#endif /* CLIENT_NOTICE_H */
