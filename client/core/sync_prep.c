/* SPDX-License-Identifier: ISC */
/*
 * sync_prep.c - a pull batch's sealed bodies opened on a second thread
 * (sync_int.h): while the main thread writes record i of batch k into
 * the vault and commits, this thread opens the bodies after it and then
 * receives batch k+1 (the TLS read, the frame, the protobuf unpack and
 * its checks).  The vault's connection stays on the main thread; the
 * server connection is the worker's alone between sync_prep_start()
 * and sync_prep_end().  Every body is still opened and checked, once,
 * before its record is written.  The opened bodies of a batch go into
 * one buffer, kept from batch to batch.
 */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

#include "conn.h"
#include "e2e.h"
#include "errors.h"
#include "sync_int.h"

#define SYNC_PREP_WHY	160	/* as errors.c keeps a cause */

/* One record of the batch as the worker left it. */
struct sync_prep_slot {
	size_t		 off;		/* its opened body in buf */
	size_t		 len;
	int		 r;		/* sync_open_to()'s result */
};

struct sync_prep {
	const struct keyring	*kr;
	/* the batch */
	const struct msg	*m;
	size_t			 n;
	struct conn		*c;		/* then receive reply "id" */
	uint32_t		 id;
	struct sync_prep_slot	*slot;
	size_t			 nslot;
	uint8_t			*buf;
	size_t			 cap;
	struct sync_stats	 st;		/* the worker's e2e_ns */
	struct msg		*old;		/* to free: the last batch */
	struct msg		*next;
	int			 rnext;
	char			 why[SYNC_PREP_WHY];	/* rnext's cause */
	/* between the threads */
	atomic_size_t		 done;		/* slots ready */
	atomic_int		 stop;		/* the main thread gave up */
	atomic_int		 waiting;	/* the main thread waits (mu) */
	pthread_mutex_t		 mu;
	pthread_cond_t		 cv;
	int			 thread;	/* a thread runs (else inline) */
	pthread_t		 th;
};

/* Open record i of the batch into its slot at buf + *off. */
static void
sync_prep_one(struct sync_prep *p, size_t i, size_t *off)
{
	struct msg_record	 mr;
	struct db_record	 rec;
	struct sync_prep_slot	*s = &p->slot[i];

	if ((s->r = msg_pull_response_record(p->m, i, &mr)) != 0)
		return;
	sync_rec_in(&rec, &mr);
	s->off = *off;
	/* sync_prep_start() made room: the sealed length, plus one */
	if ((s->r = sync_open_to(p->kr, &rec, p->buf + *off,
	    rec.body_len + 1, &p->st)) == 0) {
		s->len = rec.body_len;
		*off += rec.body_len + 1;
	}
}

static void *
sync_prep_main(void *arg)
{
	struct sync_prep	*p = arg;
	size_t			 i, off = 0;

	msg_free(p->old);
	p->old = NULL;
	for (i = 0; i < p->n && !atomic_load(&p->stop); i++) {
		sync_prep_one(p, i, &off);
		atomic_store(&p->done, i + 1);
		if (atomic_load(&p->waiting)) {
			/* under mu: the main thread is in its wait, or sees done */
			pthread_mutex_lock(&p->mu);
			pthread_cond_signal(&p->cv);
			pthread_mutex_unlock(&p->mu);
		}
	}
	if (atomic_load(&p->stop) || p->c == NULL)
		return NULL;
	/* the cause is the thread's own (errors.h): carried to the main */
	if ((p->rnext = conn_rpc_wait(p->c, p->id, &p->next)) != 0)
		(void)snprintf(p->why, sizeof(p->why), "%s",
		    cs_why(p->rnext));
	return NULL;
}

struct sync_prep *
sync_prep_new(const struct keyring *kr)
{
	struct sync_prep	*p;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	p->kr = kr;
	if (pthread_mutex_init(&p->mu, NULL) != 0) {
		free(p);
		return NULL;
	}
	if (pthread_cond_init(&p->cv, NULL) != 0) {
		pthread_mutex_destroy(&p->mu);
		free(p);
		return NULL;
	}
	return p;
}

void
sync_prep_free(struct sync_prep *p)
{
	if (p == NULL)
		return;
	(void)sync_prep_end(p, &p->st, NULL);
	msg_free(p->old);
	free(p->slot);
	free(p->buf);
	pthread_cond_destroy(&p->cv);
	pthread_mutex_destroy(&p->mu);
	free(p);
}

/* Room for the batch's slots and its opened bodies. */
static int
sync_prep_room(struct sync_prep *p, const struct msg *m, size_t n)
{
	struct msg_record	 mr;
	struct sync_prep_slot	*s;
	uint8_t			*b;
	size_t			 i, need = 0;

	/* wire.c bounded the message: this does not overflow */
	for (i = 0; i < n; i++)
		if (msg_pull_response_record(m, i, &mr) == 0)
			need += mr.body.len + 1;
	if (n > p->nslot) {
		if ((s = reallocarray(p->slot, n, sizeof(*s))) == NULL)
			return CS_ERR_ALLOC;
		p->slot = s;
		p->nslot = n;
	}
	if (need > p->cap) {
		if ((b = realloc(p->buf, need)) == NULL)
			return CS_ERR_ALLOC;
		p->buf = b;
		p->cap = need;
	}
	return 0;
}

/*
 * The thread takes no signals: they stay the caller's (a face waiting
 * in select for SIGINT, say), as the vault's threads do.
 */
static int
sync_prep_thread(struct sync_prep *p)
{
	sigset_t	all, old;
	int		r;

	if (sigfillset(&all) != 0 ||
	    pthread_sigmask(SIG_SETMASK, &all, &old) != 0)
		return -1;
	r = pthread_create(&p->th, NULL, sync_prep_main, p) == 0 ? 0 : -1;
	(void)pthread_sigmask(SIG_SETMASK, &old, NULL);
	return r;
}

int
sync_prep_start(struct sync_prep *p, const struct msg *m, size_t n,
    struct conn *c, uint32_t id, struct msg *old)
{
	int	r;

	p->old = old;
	if ((r = sync_prep_room(p, m, n)) != 0)
		return r;
	p->m = m;
	p->n = n;
	p->c = c;
	p->id = id;
	p->next = NULL;
	p->rnext = 0;
	p->why[0] = '\0';
	atomic_store(&p->done, 0);
	atomic_store(&p->stop, 0);
	atomic_store(&p->waiting, 0);
	/* nothing to do, or no thread to be had: the same work, here */
	if (n == 0 && c == NULL) {
		msg_free(p->old);
		p->old = NULL;
		return 0;
	}
	if (sync_prep_thread(p) == 0)
		p->thread = 1;
	else
		(void)sync_prep_main(p);
	return 0;
}

int
sync_prep_get(struct sync_prep *p, size_t i, struct db_record *rec)
{
	struct sync_prep_slot	*s;

	if (i >= p->n)
		return CS_ERR_PROTOCOL;
	if (atomic_load(&p->done) <= i) {
		pthread_mutex_lock(&p->mu);
		atomic_store(&p->waiting, 1);
		while (atomic_load(&p->done) <= i)
			pthread_cond_wait(&p->cv, &p->mu);
		atomic_store(&p->waiting, 0);
		pthread_mutex_unlock(&p->mu);
	}
	s = &p->slot[i];
	if (s->r == 0) {
		rec->body = p->buf + s->off;
		rec->body_len = s->len;
	}
	return s->r;
}

int
sync_prep_end(struct sync_prep *p, struct sync_stats *st, struct msg **next)
{
	int	r = 0;

	if (next != NULL)
		*next = NULL;
	if (p->thread) {
		atomic_store(&p->stop, next == NULL);
		(void)pthread_join(p->th, NULL);
		p->thread = 0;
	}
	if (st != &p->st) {
		st->e2e_ns += p->st.e2e_ns;
		p->st.e2e_ns = 0;
	}
	if (next != NULL && (r = p->rnext) != 0)
		(void)cs_cause_text(r, p->why);
	if (next != NULL)
		*next = p->next;
	else
		msg_free(p->next);
	p->next = NULL;
	p->n = 0;
	return r;
}
