/* SPDX-License-Identifier: ISC */
/*
 * session.h - one client connection: a non-blocking TLS state machine
 * that reads frames, dispatches requests and writes replies.  Any
 * protocol error closes this session only.
 */
#ifndef SESSION_H
#define SESSION_H

#include <stdint.h>

struct peerlimit_key;
struct worker;
struct session;

/* Take ownership of accepted socket "fd"; NULL (fd closed) on failure. */
struct session	*session_new(struct worker *, int fd, const char *peer);
/*
 * The session holds one count of address "k" in the server's table of
 * connections before Hello (peerlimit.h), taken by the caller; it is
 * given back at Hello or when the session is freed.
 */
void		 session_set_pending(struct session *,
		    const struct peerlimit_key *k);
/* Handle epoll "events"; may free the session. */
void		 session_event(struct session *, uint32_t events);
/*
 * The worker's audit batch has just been committed (audit_flush):
 * write the replies of the sessions that waited for it and go on
 * with their next requests (which may hold them again).  May free
 * those sessions.
 */
void		 session_release(struct worker *);
/*
 * The audit batch the held sessions wait on could not be committed:
 * session_release() replaces each held reply with case data by a retryable
 * Error and closes the session (fail closed, SECURITY.md).
 */
void		 session_held_lost(struct worker *);
/*
 * Close the sessions whose deadline has come by "now_ms" (a watcher's
 * is renewed instead), looking at those alone: O(expired log n).
 */
void		 session_timeouts(struct worker *, int64_t now_ms);
/* When the next deadline comes (INT64_MAX: none). */
int64_t		 session_next_deadline(const struct worker *);
/*
 * Tell the watching sessions of changes committed since the last
 * look; none is looked at while nothing has changed.
 */
void		 session_watchers(struct worker *);
/* If the device of this session has been revoked, refuse and close. */
void		 session_recheck(struct session *);
/* Tear down immediately (no reply); NULL is a no-op. */
void		 session_free(struct session *);
struct session	*session_next(struct session *);

/* The session's own requests (dispatch.c): Ping, Watch. */
struct msg;
struct request;
int		 session_ping(struct request *, const struct msg *);
int		 session_watch(struct request *, const struct msg *);

#endif /* SESSION_H */
