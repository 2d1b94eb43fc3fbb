/* SPDX-License-Identifier: ISC */
/*
 * ahead.h - a worker's second thread: one piece of work that runs while
 * the worker waits for its store (a durable commit).
 *
 * The worker hands over a job and later waits for it; between the two
 * it must not touch what the job touches, and the job must not touch
 * the store.  One job at a time.  While a large push commits, sync.c
 * encodes its reply there and session.c reads and decodes the
 * pipelining laptop's next request (request_ahead_start, request.h).
 */
#ifndef AHEAD_H
#define AHEAD_H

struct ahead;

/* The thread, started; NULL if it cannot be (logged). */
struct ahead	*ahead_new(void);
/* Stop and join it; NULL is a no-op.  No job may be running. */
void		 ahead_free(struct ahead *);
/* Run fn(arg) on the thread; returns at once. */
void		 ahead_start(struct ahead *, void (*fn)(void *), void *arg);
/* Wait until the job started last has returned. */
void		 ahead_wait(struct ahead *);

#endif /* AHEAD_H */
