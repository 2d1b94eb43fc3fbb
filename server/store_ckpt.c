/* SPDX-License-Identifier: ISC */
/*
 * store_ckpt.c - WAL checkpoints of casesyncd's SQLite database on a
 * thread with a connection of its own (store.h).  As SQLite's
 * autocheckpoint, run by the connection that committed, the copy was
 * 13 % of casesyncd's CPU in a push of 100,000 changes, on the path of
 * the worker's next reply (docs/PERFORMANCE.md, "Server checkpoint
 * thread, branch ckpt").  The design is the vault's
 * (client/vault/vault_ckpt.c):
 *
 *  - The workers' connections get a WAL hook, which replaces SQLite's
 *    autocheckpoint.  Once the WAL holds CKPT_PAGES frames (SQLite's
 *    own threshold), a commit that leaves CKPT_STEP_PAGES of them
 *    uncopied asks for a pass, unless one is already waiting to start:
 *    passes of a quarter of SQLite's keep up with a push, so that one
 *    often ends between two transactions and the next starts the WAL
 *    over; a pass after every commit cost the paced sessions a tenth of
 *    their CPU (the pass's fsyncs).  A pass is PASSIVE: it takes no lock
 *    that stops a writer or a reader and copies only frames every
 *    reader already has.  Durability is not the checkpoint's: a commit
 *    is durable at its WAL fsync (synchronous = FULL), and a pass
 *    copies only committed frames.
 *  - The WAL starts over from its beginning only when a write
 *    transaction begins with every frame copied, which a busy worker
 *    does not see while passes run beside it.  So a commit that leaves
 *    CKPT_LAG_PAGES or more frames waits for a pass that started after
 *    it: that pass copies everything (no reader holds an older
 *    snapshot) and the next transaction starts the WAL over.  The WAL
 *    stays under CKPT_LAG_PAGES plus one transaction.
 *  - After CKPT_IDLE_MS without a commit, the thread copies what the
 *    last commits left (no pass was asked for them): an idle server
 *    keeps nothing uncopied in its WAL.
 *  - The connection is opened, and its WAL and shared memory with it,
 *    before the sandbox (server/sandbox.c: no open(2) after it), with
 *    the store's VFS (sdb_open: sdb_walbuf.c), as every connection of
 *    the server.  Until the thread runs, and if it could not be made,
 *    the hook checkpoints inline, as SQLite's own would.
 *  - Errors of a pass are dropped as SQLite drops those of its
 *    autocheckpoint: the frames stay in the WAL, readers find them
 *    there, and the next pass tries again.  A pass that finds another
 *    checkpoint running (casesyncctl's autocheckpoint) is "busy" and
 *    ends at once.
 *
 * PostgreSQL has none of this: store_ckpt_new() gives NULL, and every
 * function takes NULL as "nothing to do".  Everything below "mtx" in
 * the struct changes only with "mtx" held; "db" belongs to the thread
 * once it runs.
 */
#include <errno.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "errors.h"
#include "log.h"
#include "sdb.h"
#include "store.h"
#include "store_int.h"
#include "util.h"

#define CKPT_PAGES	STORE_CKPT_PAGES
#define CKPT_LAG_PAGES	STORE_CKPT_LAG_PAGES
#define CKPT_STEP_PAGES	(CKPT_PAGES / 4)
#define CKPT_IDLE_MS	1000
#define CKPT_BUSY_MS	2000	/* the first read, if the WAL is busy */

struct store_ckpt {
	struct sdb	*db;		/* the thread's connection */
	pthread_t	 thread;
	int		 running;	/* the thread was started */
	pthread_mutex_t	 mtx;
	pthread_cond_t	 work;		/* to the thread */
	pthread_cond_t	 done;		/* from the thread */
	uint64_t	 asked;		/* passes asked for */
	uint64_t	 started;	/* the ask the last pass started on */
	uint64_t	 finished;	/* the ask the last finished pass had */
	uint64_t	 commits;	/* commits seen by the hook */
	uint64_t	 copied;	/* commits before the last whole pass */
	int		 backfilled;	/* frames of the WAL copied by then */
	int		 sleeping;	/* the thread waits without a timer */
	int		 quit;
	struct store_ckpt_stats stats;
};

static void
ck_lock(pthread_mutex_t *m)
{
	if (pthread_mutex_lock(m) != 0)
		fatalx("store_ckpt: pthread_mutex_lock");
}

static void
ck_unlock(pthread_mutex_t *m)
{
	if (pthread_mutex_unlock(m) != 0)
		fatalx("store_ckpt: pthread_mutex_unlock");
}

/* One PASSIVE pass; "mtx" held on entry and on return. */
static void
ck_pass(struct store_ckpt *ck, int idle)
{
	uint64_t	n, c;
	int		nlog = -1, nckpt = -1, rc;

	n = ck->started = ck->asked;
	c = ck->commits;
	ck_unlock(&ck->mtx);
	rc = sqlite3_wal_checkpoint_v2(sdb_sqlite(ck->db), "main",
	    SQLITE_CHECKPOINT_PASSIVE, &nlog, &nckpt);
	ck_lock(&ck->mtx);
	ck->finished = n;
	if (rc == SQLITE_OK) {
		ck->backfilled = nckpt;
		/* a reader held some back: again when all is quiet */
		if (nckpt == nlog)
			ck->copied = c;
	}
	ck->stats.passes++;
	if (idle)
		ck->stats.idle_passes++;
	/* busy: another connection's checkpoint ran (casesyncctl's) */
	if ((rc & 0xff) == SQLITE_BUSY)
		ck->stats.busy++;
	else if (rc != SQLITE_OK)
		ck->stats.failed++;
	ck->stats.last_log = nlog;
	ck->stats.last_copied = nckpt;
	(void)pthread_cond_broadcast(&ck->done);
}

static void *
ck_main(void *arg)
{
	struct store_ckpt	*ck = arg;
	struct timespec		 ts;
	uint64_t		 c;
	int			 r;

	ck_lock(&ck->mtx);
	while (!ck->quit) {
		if (ck->started != ck->asked) {
			ck_pass(ck, 0);
			continue;
		}
		if (ck->commits == ck->copied) {
			ck->sleeping = 1;
			(void)pthread_cond_wait(&ck->work, &ck->mtx);
			ck->sleeping = 0;
			continue;
		}
		/* frames may be left: copy them once the workers are quiet */
		c = ck->commits;
		if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
			fatalx("store_ckpt: clock_gettime");
		ts.tv_sec += CKPT_IDLE_MS / 1000;
		ts.tv_nsec += (CKPT_IDLE_MS % 1000) * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		r = pthread_cond_timedwait(&ck->work, &ck->mtx, &ts);
		if (r == ETIMEDOUT && !ck->quit && ck->commits == c &&
		    ck->started == ck->asked) {
			ck->asked++;
			ck_pass(ck, 1);
		}
	}
	ck_unlock(&ck->mtx);
	return NULL;
}

/* The WAL hook of a worker's connection, after each commit. */
static int
ck_hook(void *arg, sqlite3 *db, const char *name, int nframes)
{
	struct store_ckpt	*ck = arg;
	uint64_t		 want;
	int			 inline_ = 0;

	ck_lock(&ck->mtx);
	ck->commits++;
	/* a WAL started over since the last pass: none of it is copied */
	if (nframes < ck->backfilled)
		ck->backfilled = 0;
	if (!ck->running)
		inline_ = nframes >= CKPT_PAGES;
	else {
		if (ck->asked == ck->started && nframes >= CKPT_PAGES &&
		    (nframes - ck->backfilled >= CKPT_STEP_PAGES ||
		    nframes >= CKPT_LAG_PAGES)) {
			ck->asked++;
			(void)pthread_cond_signal(&ck->work);
		} else if (ck->sleeping)
			/* frames left: its idle timer starts */
			(void)pthread_cond_signal(&ck->work);
		if (nframes >= CKPT_LAG_PAGES) {
			/* the pass asked for starts after this commit */
			want = ck->asked;
			ck->stats.waits++;
			while (ck->finished < want && !ck->quit)
				(void)pthread_cond_wait(&ck->done, &ck->mtx);
		}
	}
	ck_unlock(&ck->mtx);
	if (inline_)
		(void)sqlite3_wal_checkpoint_v2(db, name,
		    SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
	return SQLITE_OK;
}

int
store_ckpt_new(const char *spec, struct store_ckpt **out)
{
	struct store_ckpt	*ck;
	pthread_condattr_t	 ca;
	sqlite3			*db;
	char			 aux[4096];
	const char		*path = spec;
	int			 r;

	*out = NULL;
	if (store_spec_pg(spec))
		return 0;
	if (strncmp(spec, "sqlite:", 7) == 0)
		path = spec + 7;
	if (str_fmt(aux, sizeof(aux), "sqlite:%s", path) != 0)
		return CS_ERR_TOO_LARGE;
	if ((ck = calloc(1, sizeof(*ck))) == NULL)
		return CS_ERR_ALLOC;
	if (pthread_mutex_init(&ck->mtx, NULL) != 0) {
		free(ck);
		return CS_ERR_SYSTEM;
	}
	/* ck_main's deadlines are on the monotonic clock */
	if (pthread_condattr_init(&ca) != 0) {
		(void)pthread_mutex_destroy(&ck->mtx);
		free(ck);
		return CS_ERR_SYSTEM;
	}
	r = pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) != 0 ||
	    pthread_cond_init(&ck->work, &ca) != 0;
	(void)pthread_condattr_destroy(&ca);
	if (r) {
		(void)pthread_mutex_destroy(&ck->mtx);
		free(ck);
		return CS_ERR_SYSTEM;
	}
	if (pthread_cond_init(&ck->done, NULL) != 0) {
		(void)pthread_cond_destroy(&ck->work);
		(void)pthread_mutex_destroy(&ck->mtx);
		free(ck);
		return CS_ERR_SYSTEM;
	}
	if ((r = sdb_open(aux, &ck->db)) != 0)
		goto fail;
	db = sdb_sqlite(ck->db);
	r = CS_ERR_DB;
	if (sqlite3_busy_timeout(db, CKPT_BUSY_MS) != SQLITE_OK ||
	    /* a read opens the WAL and its shared memory: not in the sandbox */
	    sqlite3_exec(db, "PRAGMA synchronous = FULL;"
	    "PRAGMA cache_size = -256; SELECT count(*) FROM sqlite_schema",
	    NULL, NULL, NULL) != SQLITE_OK) {
		log_warnx("store: checkpoint connection: %s",
		    sdb_errmsg(ck->db));
		goto fail;
	}
	*out = ck;
	return 0;
 fail:
	sdb_close(ck->db);
	(void)pthread_cond_destroy(&ck->done);
	(void)pthread_cond_destroy(&ck->work);
	(void)pthread_mutex_destroy(&ck->mtx);
	free(ck);
	return r;
}

void
store_ckpt_attach(struct store_ckpt *ck, struct store *st)
{
	if (ck == NULL || st == NULL || sdb_sqlite(st->db) == NULL)
		return;
	/* replaces SQLite's autocheckpoint on this connection */
	(void)sqlite3_wal_hook(sdb_sqlite(st->db), ck_hook, ck);
}

void
store_ckpt_detach(struct store_ckpt *ck, struct store *st)
{
	if (ck == NULL || st == NULL || sdb_sqlite(st->db) == NULL)
		return;
	(void)sqlite3_wal_hook(sdb_sqlite(st->db), NULL, NULL);
	(void)sqlite3_wal_autocheckpoint(sdb_sqlite(st->db), CKPT_PAGES);
}

int
store_ckpt_start(struct store_ckpt *ck)
{
	if (ck == NULL)
		return 0;
	/* the hook checks "running" under the lock */
	ck_lock(&ck->mtx);
	if (pthread_create(&ck->thread, NULL, ck_main, ck) != 0) {
		ck_unlock(&ck->mtx);
		log_warnx("store: no checkpoint thread: the workers "
		    "checkpoint");
		return CS_ERR_SYSTEM;
	}
	ck->running = 1;
	ck_unlock(&ck->mtx);
	return 0;
}

void
store_ckpt_stats(struct store_ckpt *ck, struct store_ckpt_stats *out)
{
	memset(out, 0, sizeof(*out));
	if (ck == NULL)
		return;
	ck_lock(&ck->mtx);
	*out = ck->stats;
	out->commits = ck->commits;
	out->covered = ck->copied;
	ck_unlock(&ck->mtx);
}

void
store_ckpt_free(struct store_ckpt *ck)
{
	if (ck == NULL)
		return;
	if (ck->running) {
		ck_lock(&ck->mtx);
		ck->quit = 1;
		(void)pthread_cond_broadcast(&ck->work);
		(void)pthread_cond_broadcast(&ck->done);
		ck_unlock(&ck->mtx);
		if (pthread_join(ck->thread, NULL) != 0)
			fatalx("store_ckpt: pthread_join");
		log_debug("store: %llu checkpoint passes (%llu when idle, "
		    "%llu busy, %llu failed), %llu commits waited for one",
		    (unsigned long long)ck->stats.passes,
		    (unsigned long long)ck->stats.idle_passes,
		    (unsigned long long)ck->stats.busy,
		    (unsigned long long)ck->stats.failed,
		    (unsigned long long)ck->stats.waits);
	}
	sdb_close(ck->db);
	(void)pthread_cond_destroy(&ck->done);
	(void)pthread_cond_destroy(&ck->work);
	(void)pthread_mutex_destroy(&ck->mtx);
	free(ck);
}
