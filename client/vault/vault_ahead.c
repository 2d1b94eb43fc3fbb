/* SPDX-License-Identifier: ISC */
/*
 * vault_ahead.c - decrypt-ahead ("read-ahead") for sequential scans of
 * the vault's main file: the ring, its worker thread, and the start,
 * stop and reset of both, for the encrypting VFS in vault.c (through
 * vault_int.h).  docs/VAULT.md, "Read-ahead", has the reasoning and the
 * measurements.
 *
 * A full scan reads the main file's pages in order, and decrypting a
 * page costs about two thirds of what SQLite spends on it.  Once
 * RA_START consecutive pages have been read, we read the following
 * pages' ciphertext (on SQLite's thread, through the real file, as a
 * normal read would) into a ring of RA_SLOTS slots, and a worker thread
 * opens them while SQLite works on the current page.  A read of the
 * page we expect next, found in the ring and authenticated, is copied
 * out; anything else (a page that failed authentication included)
 * goes the normal way, which reads and checks it again and reports
 * exactly what it would have without the ring.
 *
 * Why a page from the ring is never stale: it was read during the
 * current transaction, and the ring is emptied on every call that can
 * begin or end one or change the file (xWrite, xTruncate, xSync, xLock,
 * xUnlock, xFileControl, xShmLock, xShmBarrier, xShmUnmap, xClose) and
 * on every read that is not of the next page (vault.c calls
 * vault_ahead_reset() there, vault_ahead_stop() in xClose: the
 * contract in vault_int.h).  Within one transaction,
 * SQLite's locks keep every page it reads from the main file unchanged:
 * in rollback mode no one else writes while we hold SHARED; in WAL mode
 * a checkpointer (another connection or process) copies only frames
 * that every reader's snapshot already has, and a reader takes such
 * pages from the WAL, never from the main file.  Pages SQLite does not
 * ask for in this transaction are never served: the ring is emptied
 * before the next one.  The worker touches only the ring: no file, no
 * SQLite, no struct vfile.
 *
 * Slot states move RS_EMPTY -> RS_QUEUED (SQLite's thread, ciphertext
 * in the slot) -> RS_BUSY -> RS_READY or RS_BAD (worker) -> RS_EMPTY
 * (SQLite's thread); "state" and "pgno" change only with "mtx" held.
 * An RS_EMPTY slot's buffer belongs to SQLite's thread, an RS_BUSY one
 * to the worker.  The slot of page n is n % RA_SLOTS; the queued pages
 * are always ra_seq .. ra_next - 1, so ra_used == ra_next - ra_seq.
 */
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include <sqlite3.h>

#include "log.h"
#include "vault.h"
#include "vault_int.h"

#define RA_SLOTS	16	/* pages decrypted ahead */
#define RA_START	4	/* consecutive pages before we start */
#define RA_READ_MAX	65536	/* bytes per read, as SQLite's own */

enum { RS_EMPTY, RS_QUEUED, RS_BUSY, RS_READY, RS_BAD };

struct vault_ring {
	pthread_mutex_t		 mtx;
	pthread_cond_t		 work;		/* to the worker */
	pthread_cond_t		 done;		/* from the worker */
	pthread_t		 thread;
	unsigned int		 gen;		/* ra_gen when started */
	const struct vault_keys	*keys;
	uint32_t		 pgsz;
	int			 quit;
	int			 state[RA_SLOTS];
	uint32_t		 pgno[RA_SLOTS];
	uint8_t			*buf;		/* RA_SLOTS pages */
};

/* Pages served from the ring, for tests and the benchmark. */
static atomic_ullong	ra_served;
/*
 * Bumped in the child of a fork(), which has no worker threads: a ring
 * of an older generation is left alone (its mutex may even be held).
 * Written only there, while the child has a single thread.
 */
static unsigned int	ra_gen;
static int		ra_forksafe;	/* ra_atfork_child is registered */

static void
ra_atfork_child(void)
{
	ra_gen++;
}

void
vault_ahead_setup(void)
{
	/* Without it no read-ahead thread is started. */
	ra_forksafe = pthread_atfork(NULL, NULL, ra_atfork_child) == 0;
}

/* ---- for the vault's worker threads (vault_int.h) ---- */

void
vault_lock(pthread_mutex_t *m)
{
	if (pthread_mutex_lock(m) != 0)
		fatalx("vault: thread mutex");
}

void
vault_unlock(pthread_mutex_t *m)
{
	if (pthread_mutex_unlock(m) != 0)
		fatalx("vault: thread mutex");
}

void
vault_wait(pthread_cond_t *c, pthread_mutex_t *m)
{
	if (pthread_cond_wait(c, m) != 0)
		fatalx("vault: thread condition");
}

int
vault_two_cpus(void)
{
	cpu_set_t	cpus;

	return sched_getaffinity(0, sizeof(cpus), &cpus) == 0 &&
	    CPU_COUNT(&cpus) >= 2;
}

int
vault_thread_start(pthread_t *t, void *(*fn)(void *), void *arg)
{
	sigset_t	all, old;
	int		r;

	/* The worker takes no signals: they are the caller's business. */
	if (sigfillset(&all) != 0 ||
	    pthread_sigmask(SIG_SETMASK, &all, &old) != 0)
		return -1;
	r = pthread_create(t, NULL, fn, arg) == 0 ? 0 : -1;
	(void)pthread_sigmask(SIG_SETMASK, &old, NULL);
	return r;
}

int
vault_sync_init(pthread_mutex_t *m, pthread_cond_t *work,
    pthread_cond_t *done)
{
	if (pthread_mutex_init(m, NULL) != 0)
		return -1;
	if (pthread_cond_init(work, NULL) != 0) {
		(void)pthread_mutex_destroy(m);
		return -1;
	}
	if (pthread_cond_init(done, NULL) != 0) {
		(void)pthread_cond_destroy(work);
		(void)pthread_mutex_destroy(m);
		return -1;
	}
	return 0;
}

void
vault_sync_destroy(pthread_mutex_t *m, pthread_cond_t *work,
    pthread_cond_t *done)
{
	(void)pthread_cond_destroy(done);
	(void)pthread_cond_destroy(work);
	(void)pthread_mutex_destroy(m);
}

void
vault_thread_stop(pthread_t t, pthread_mutex_t *m, pthread_cond_t *work,
    int *quit)
{
	vault_lock(m);
	*quit = 1;
	(void)pthread_cond_signal(work);
	vault_unlock(m);
	if (pthread_join(t, NULL) != 0)
		fatalx("vault: thread join");
}

/* ---- the read-ahead ---- */

static void *
ra_worker(void *arg)
{
	struct vault_ring	*q = arg;
	uint32_t		 pgno;
	int			 i, s, r;

	vault_lock(&q->mtx);
	for (;;) {
		for (s = -1, i = 0; i < RA_SLOTS; i++)
			if (q->state[i] == RS_QUEUED &&
			    (s < 0 || q->pgno[i] < q->pgno[s]))
				s = i;
		if (s < 0) {
			if (q->quit)
				break;
			vault_wait(&q->work, &q->mtx);
			continue;
		}
		q->state[s] = RS_BUSY;
		pgno = q->pgno[s];
		vault_unlock(&q->mtx);
		r = vault_open_main_page(q->keys, q->pgsz,
		    q->buf + (size_t)s * q->pgsz, pgno);
		vault_lock(&q->mtx);
		q->state[s] = r == 0 ? RS_READY : RS_BAD;
		(void)pthread_cond_signal(&q->done);
	}
	vault_unlock(&q->mtx);
	return NULL;
}

/*
 * Forget the ring and the sequence.  Waits for a page the worker is
 * opening (a few microseconds): after this the worker is idle and every
 * slot is RS_EMPTY.  Costs nothing when the ring is empty.
 */
void
vault_ahead_reset(struct vault_ahead *a)
{
	struct vault_ring	*q = a->ra_ring;
	int			 i, busy;

	a->ra_seq = a->ra_next = a->ra_last = 0;
	a->ra_run = 0;
	if (a->ra_used == 0)
		return;
	a->ra_used = 0;
	if (q->gen != ra_gen) {
		a->ra_off = 1;
		return;
	}
	vault_lock(&q->mtx);
	do {
		for (busy = 0, i = 0; i < RA_SLOTS; i++) {
			if (q->state[i] == RS_BUSY)
				busy = 1;
			else
				q->state[i] = RS_EMPTY;
			q->pgno[i] = 0;
		}
		if (busy)
			vault_wait(&q->done, &q->mtx);
	} while (busy);
	vault_unlock(&q->mtx);
}

/*
 * The ring and its worker, made on first use: 0, or -1 (none; then
 * ra_off is set and this file reads the normal way until closed).
 */
static int
ra_start(struct vault_ahead *a)
{
	struct vault_ring	*q = NULL;
	int			 made = 0, r = -1;

	if (a->ra_ring != NULL) {
		if (a->ra_ring->gen == ra_gen)
			return 0;
		a->ra_off = 1;	/* after fork(): the worker is not here */
		return -1;
	}
	a->ra_off = 1;		/* unless all goes well */
	/* On one CPU a second thread only adds switches and copies. */
	if (!ra_forksafe || !vault_two_cpus())
		return -1;
	if ((q = calloc(1, sizeof(*q))) == NULL ||
	    (q->buf = calloc(RA_SLOTS, a->ra_pgsz)) == NULL)
		goto out;
	q->keys = a->ra_keys;
	q->pgsz = a->ra_pgsz;
	q->gen = ra_gen;
	if (vault_sync_init(&q->mtx, &q->work, &q->done) != 0)
		goto out;
	made = 1;
	if ((r = vault_thread_start(&q->thread, ra_worker, q)) != 0)
		goto out;
	a->ra_ring = q;
	q = NULL;			/* transferred */
	a->ra_off = 0;
 out:
	if (q != NULL) {
		log_debug("vault: no read-ahead thread");
		if (made)
			vault_sync_destroy(&q->mtx, &q->work, &q->done);
		free(q->buf);
		free(q);
	}
	return r;
}

/* Stop the worker and free the ring (xClose). */
void
vault_ahead_stop(struct vault_ahead *a)
{
	struct vault_ring	*q = a->ra_ring;

	if (q == NULL)
		return;
	if (q->gen == ra_gen) {
		vault_ahead_reset(a);
		vault_thread_stop(q->thread, &q->mtx, &q->work, &q->quit);
		vault_sync_destroy(&q->mtx, &q->work, &q->done);
	}
	sodium_memzero(q->buf, (size_t)RA_SLOTS * q->pgsz);
	free(q->buf);
	free(q);
	a->ra_ring = NULL;
	a->ra_used = 0;
}

/*
 * Page "n" has just been given to SQLite: queue the pages after it, up
 * to RA_SLOTS ahead and no further than the end of the file, in reads
 * of at most RA_READ_MAX bytes (only once that many slots are free).
 * A read that fails or comes up short ends the window: those pages
 * will be read the normal way, which says why.
 */
static void
ra_fill(struct vault_ahead *a, uint64_t n)
{
	struct vault_ring	*q;
	sqlite3_file		*real = a->ra_real;
	sqlite3_int64		 size;
	uint64_t		 end, k, i, batch;
	size_t			 s;

	if (a->ra_off)
		return;
	if (a->ra_next == 0) {
		if (ra_start(a) != 0 ||
		    real->pMethods->xFileSize(real, &size) != SQLITE_OK ||
		    size < 0)
			return;
		/* page numbers have 32 bits */
		a->ra_last = (uint64_t)size / a->ra_pgsz;
		if (a->ra_last >= UINT32_MAX)
			a->ra_last = UINT32_MAX - 1;
		a->ra_next = n + 1;
	}
	q = a->ra_ring;
	batch = RA_READ_MAX / a->ra_pgsz > 0 ? RA_READ_MAX / a->ra_pgsz : 1;
	if (batch > RA_SLOTS / 2)
		batch = RA_SLOTS / 2;
	end = n + 1 + RA_SLOTS;
	if (end > a->ra_last + 1)
		end = a->ra_last + 1;
	if (a->ra_next >= end ||
	    (end - a->ra_next < batch && end <= a->ra_last))
		return;
	while (a->ra_next < end) {
		s = (size_t)(a->ra_next % RA_SLOTS);
		k = end - a->ra_next;
		if (k > RA_SLOTS - s)
			k = RA_SLOTS - s;
		if (k > batch)
			k = batch;
		if (real->pMethods->xRead(real, q->buf + s * a->ra_pgsz,
		    (int)(k * a->ra_pgsz),
		    (sqlite3_int64)(a->ra_next - 1) * a->ra_pgsz) !=
		    SQLITE_OK) {
			a->ra_last = 0;
			return;
		}
		vault_lock(&q->mtx);
		for (i = 0; i < k; i++) {
			q->pgno[s + i] = (uint32_t)(a->ra_next + i);
			q->state[s + i] = RS_QUEUED;
		}
		(void)pthread_cond_signal(&q->work);
		vault_unlock(&q->mtx);
		a->ra_used += (int)k;
		a->ra_next += k;
	}
}

/*
 * Page "pgno" (full) was read the normal way with result "rc": count
 * the sequence, and start or extend the window.
 */
void
vault_ahead_note(struct vault_ahead *a, uint32_t pgno, int rc)
{
	if (rc != SQLITE_OK || pgno == UINT32_MAX) {
		vault_ahead_reset(a);
		return;
	}
	a->ra_seq = (uint64_t)pgno + 1;
	if (a->ra_run < RA_START)
		a->ra_run++;
	if (a->ra_run >= RA_START)
		ra_fill(a, pgno);
}

/*
 * Serve page "pgno", the one expected next, from the ring into "buf":
 * 0, or -1 (not there, or it failed authentication: the ring is reset
 * and the caller reads the page the normal way).
 */
int
vault_ahead_take(struct vault_ahead *a, uint32_t pgno, uint8_t *buf)
{
	struct vault_ring	*q = a->ra_ring;
	size_t			 s = pgno % RA_SLOTS;
	int			 st;

	if (a->ra_used == 0 || q->gen != ra_gen || q->pgno[s] != pgno) {
		vault_ahead_reset(a);
		return -1;
	}
	vault_lock(&q->mtx);
	while (q->state[s] == RS_BUSY)
		vault_wait(&q->done, &q->mtx);
	st = q->state[s];
	q->state[s] = RS_EMPTY;
	vault_unlock(&q->mtx);
	a->ra_used--;
	/*
	 * Not started by the worker (busy, or no CPU for it): open it
	 * here rather than wait.  Either way it is opened exactly once,
	 * with the same AD as a normal read.
	 */
	if (st == RS_QUEUED)
		st = vault_open_main_page(a->ra_keys, a->ra_pgsz,
		    q->buf + s * a->ra_pgsz, pgno) == 0 ? RS_READY : RS_BAD;
	if (st != RS_READY) {
		vault_ahead_reset(a);
		return -1;
	}
	memcpy(buf, q->buf + s * a->ra_pgsz, a->ra_pgsz);
	atomic_fetch_add_explicit(&ra_served, 1, memory_order_relaxed);
	a->ra_seq = (uint64_t)pgno + 1;
	ra_fill(a, pgno);
	return 0;
}

unsigned long long
vault_readahead_pages(void)
{
	return atomic_load_explicit(&ra_served, memory_order_relaxed);
}
