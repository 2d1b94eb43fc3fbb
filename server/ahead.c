/* SPDX-License-Identifier: ISC */
/*
 * ahead.c - a worker's second thread (see ahead.h).
 *
 * A mutex and one condition variable: the worker sets the job and
 * signals; the thread runs it with the mutex released, then clears it
 * (the job is done when it is NULL again) and signals back.  The mutex
 * orders the two threads' memory, so what the job wrote is visible to
 * the worker after ahead_wait().
 */
#include <pthread.h>
#include <stdlib.h>

#include "ahead.h"
#include "log.h"

struct ahead {
	pthread_mutex_t	 mu;
	pthread_cond_t	 cv;
	void		(*fn)(void *);	/* the job, NULL when none */
	void		*arg;
	int		 stop;
	pthread_t	 thread;
};

static void *
ahead_main(void *arg)
{
	struct ahead	*a = arg;
	void		(*fn)(void *);
	void		*farg;

	pthread_mutex_lock(&a->mu);
	for (;;) {
		while (a->fn == NULL && !a->stop)
			pthread_cond_wait(&a->cv, &a->mu);
		if (a->fn == NULL)
			break;		/* stop, and no job left */
		fn = a->fn;
		farg = a->arg;
		pthread_mutex_unlock(&a->mu);
		fn(farg);
		pthread_mutex_lock(&a->mu);
		a->fn = NULL;
		pthread_cond_broadcast(&a->cv);
	}
	pthread_mutex_unlock(&a->mu);
	return NULL;
}

struct ahead *
ahead_new(void)
{
	struct ahead	*a;

	if ((a = calloc(1, sizeof(*a))) == NULL) {
		log_warnx("ahead: out of memory");
		return NULL;
	}
	if (pthread_mutex_init(&a->mu, NULL) != 0) {
		free(a);
		log_warnx("ahead: pthread_mutex_init failed");
		return NULL;
	}
	if (pthread_cond_init(&a->cv, NULL) != 0) {
		pthread_mutex_destroy(&a->mu);
		free(a);
		log_warnx("ahead: pthread_cond_init failed");
		return NULL;
	}
	if (pthread_create(&a->thread, NULL, ahead_main, a) != 0) {
		pthread_cond_destroy(&a->cv);
		pthread_mutex_destroy(&a->mu);
		free(a);
		log_warnx("ahead: pthread_create failed");
		return NULL;
	}
	return a;
}

void
ahead_free(struct ahead *a)
{
	if (a == NULL)
		return;
	pthread_mutex_lock(&a->mu);
	a->stop = 1;
	pthread_cond_broadcast(&a->cv);
	pthread_mutex_unlock(&a->mu);
	pthread_join(a->thread, NULL);
	pthread_cond_destroy(&a->cv);
	pthread_mutex_destroy(&a->mu);
	free(a);
}

void
ahead_start(struct ahead *a, void (*fn)(void *), void *arg)
{
	pthread_mutex_lock(&a->mu);
	while (a->fn != NULL)		/* one job at a time */
		pthread_cond_wait(&a->cv, &a->mu);
	a->fn = fn;
	a->arg = arg;
	pthread_cond_broadcast(&a->cv);
	pthread_mutex_unlock(&a->mu);
}

void
ahead_wait(struct ahead *a)
{
	pthread_mutex_lock(&a->mu);
	while (a->fn != NULL)
		pthread_cond_wait(&a->cv, &a->mu);
	pthread_mutex_unlock(&a->mu);
}
