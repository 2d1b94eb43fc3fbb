/* SPDX-License-Identifier: ISC */
/*
 * vault_ckpt.c - WAL checkpoints of the vault's connection on a second
 * thread, with a connection of its own.  docs/VAULT.md, "Checkpoints",
 * has the measurements.
 *
 * A checkpoint copies committed WAL frames into the main file: each
 * frame is read and authenticated, then sealed again for its place in
 * the main file.  Done by the connection that committed (SQLite's
 * autocheckpoint), that was a fifth of the laptop's time in a large
 * pull, while the second core waited.  Here the WAL hook of the vault's
 * connection only asks, and a worker copies while the writer goes on.
 *
 *  - A commit that leaves VAULT_WAL_CHECKPOINT_PAGES or more frames in
 *    the WAL asks for a pass, unless one is already waiting to start.
 *    A pass is PASSIVE: it takes no lock that stops the writer or a
 *    reader, and copies only frames every reader already has.
 *  - The WAL starts over from its beginning only when a write
 *    transaction begins with every frame copied.  The writer, when it
 *    is fast, never sees that moment, so a commit that leaves
 *    CKPT_LAG_PAGES or more frames waits for a pass that started after
 *    it (that pass copies everything); the next transaction then starts
 *    the WAL over.  The WAL stays under CKPT_LAG_PAGES plus one
 *    transaction.
 *  - The worker is started on the first commit that asks for a pass.
 *    Without a second CPU or a thread-safe SQLite, when the thread or
 *    its connection cannot be made, and in the child of a fork(), the
 *    hook checkpoints inline, as SQLite's own would.
 *  - A reader on an older snapshot (another process, or a statement
 *    left open) keeps a pass from copying everything: then the WAL
 *    grows and each commit past CKPT_LAG_PAGES waits for a pass, as
 *    SQLite's own checkpoint would run on each commit.
 *  - While the worker's connection is open, the vault's connection
 *    cannot leave WAL mode, and a manual checkpoint may find a pass
 *    running and report "busy".  vault_bulk_begin() (a large pull
 *    through a rollback journal) stops the worker first; the next
 *    commit that asks for a pass after vault_bulk_end() starts it again.
 *  - Errors of a pass are dropped as SQLite drops those of its
 *    autocheckpoint: the frames stay in the WAL, readers find them
 *    there, and the next pass or the close tries again.  A frame that
 *    fails authentication is the VFS's to report; the pass ends.
 *
 * "asked", "started", "finished", "quit" and "dead" change only with
 * "mtx" held.  The worker's connection belongs to the worker; the
 * struct is the vault's, and vault_ckpt_free() joins the worker before
 * the vault's own connection is closed.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "errors.h"
#include "log.h"
#include "util.h"
#include "vault.h"
#include "vault_int.h"

/* frames in the WAL at which a commit waits for the worker */
#define CKPT_LAG_PAGES	(2 * VAULT_WAL_CHECKPOINT_PAGES)
#define CKPT_BUSY_MS	2000	/* the worker's open, if the WAL is busy */

enum { CK_IDLE, CK_RUNNING, CK_INLINE };

struct vault_ckpt {
	pthread_mutex_t	 mtx;
	pthread_cond_t	 work;		/* to the worker */
	pthread_cond_t	 done;		/* from the worker */
	pthread_t	 thread;
	char		*uri;		/* the database, for the worker */
	uint64_t	 asked;		/* passes asked for */
	uint64_t	 started;	/* the ask the last pass started on */
	uint64_t	 finished;	/* the ask the last finished pass had */
	uint64_t	 passes;	/* passes run by the worker */
	int		 state;		/* CK_* */
	pid_t		 pid;		/* the process that has the worker */
	int		 quit;
	int		 dead;		/* the worker could not open */
	sqlite3		*db;		/* the vault's connection */
	struct vault_ckpt *next;	/* in "cks" */
};

/* Every vault_ckpt of the process, for vault_bulk_begin() (by "db"). */
static struct vault_ckpt	*cks;
static pthread_mutex_t		 cks_mtx = PTHREAD_MUTEX_INITIALIZER;

/* The worker's connection: the same file, VFS and keys (by the URI). */
static sqlite3 *
ck_open(const char *uri)
{
	sqlite3	*db = NULL;

	if (sqlite3_open_v2(uri, &db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_URI | SQLITE_OPEN_NOFOLLOW, VAULT_VFS_NAME) !=
	    SQLITE_OK ||
	    sqlite3_extended_result_codes(db, 1) != SQLITE_OK ||
	    sqlite3_busy_timeout(db, CKPT_BUSY_MS) != SQLITE_OK ||
	    /* a read opens the WAL, which the first pass needs */
	    sqlite3_exec(db, "PRAGMA mmap_size=0; PRAGMA cache_size=-256;"
	    "PRAGMA synchronous=FULL; SELECT count(*) FROM sqlite_schema",
	    NULL, NULL, NULL) !=
	    SQLITE_OK) {
		if (db != NULL)
			log_debug("vault: checkpoint connection: %s",
			    sqlite3_errmsg(db));
		(void)sqlite3_close(db);
		return NULL;
	}
	return db;
}

static void *
ck_worker(void *arg)
{
	struct vault_ckpt	*ck = arg;
	sqlite3			*db;
	uint64_t		 n;

	db = ck_open(ck->uri);
	vault_lock(&ck->mtx);
	if (db == NULL) {
		ck->dead = 1;
		ck->finished = ck->asked;
		(void)pthread_cond_broadcast(&ck->done);
	}
	while (db != NULL) {
		while (ck->started == ck->asked && !ck->quit)
			vault_wait(&ck->work, &ck->mtx);
		if (ck->quit)
			break;
		n = ck->started = ck->asked;
		vault_unlock(&ck->mtx);
		(void)sqlite3_wal_checkpoint_v2(db, "main",
		    SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
		vault_lock(&ck->mtx);
		ck->finished = n;
		ck->passes++;
		(void)pthread_cond_broadcast(&ck->done);
	}
	vault_unlock(&ck->mtx);
	if (db != NULL && sqlite3_close(db) != SQLITE_OK)
		log_warnx("vault: checkpoint connection: %s",
		    sqlite3_errmsg(db));
	return NULL;
}

/* Start the worker; CK_INLINE from now on if we cannot or should not. */
static void
ck_start(struct vault_ckpt *ck)
{
	ck->state = CK_INLINE;
	/* On one CPU the copy costs the same and only adds switches. */
	if (!sqlite3_threadsafe() || !vault_two_cpus())
		return;
	if (vault_thread_start(&ck->thread, ck_worker, ck) == 0) {
		ck->state = CK_RUNNING;
		ck->pid = getpid();
	} else
		log_debug("vault: no checkpoint thread");
}

/* The WAL hook of the vault's connection (after each commit). */
static int
ck_hook(void *arg, sqlite3 *db, const char *name, int nframes)
{
	struct vault_ckpt	*ck = arg;
	uint64_t		 want;
	int			 inline_ = 0;

	if (nframes < VAULT_WAL_CHECKPOINT_PAGES)
		return SQLITE_OK;
	if (ck->state == CK_IDLE)
		ck_start(ck);
	/* in the child of a fork() the worker is not there */
	if (ck->state == CK_RUNNING && ck->pid == getpid()) {
		vault_lock(&ck->mtx);
		if (ck->dead)
			inline_ = 1;
		else {
			if (ck->asked == ck->started) {
				ck->asked++;
				(void)pthread_cond_signal(&ck->work);
			}
			/* the pass asked for starts after this commit */
			want = ck->asked;
			while (nframes >= CKPT_LAG_PAGES &&
			    ck->finished < want && !ck->dead)
				vault_wait(&ck->done, &ck->mtx);
		}
		vault_unlock(&ck->mtx);
	} else
		inline_ = 1;
	if (inline_)
		(void)sqlite3_wal_checkpoint_v2(db, name,
		    SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
	return SQLITE_OK;
}

int
vault_ckpt_new(sqlite3 *db, const char *uri, struct vault_ckpt **out)
{
	struct vault_ckpt	*ck;

	*out = NULL;
	if ((ck = calloc(1, sizeof(*ck))) == NULL ||
	    (ck->uri = strdup(uri)) == NULL)
		goto fail;
	if (vault_sync_init(&ck->mtx, &ck->work, &ck->done) != 0)
		goto fail;
	/* replaces SQLite's autocheckpoint */
	(void)sqlite3_wal_hook(db, ck_hook, ck);
	ck->db = db;
	vault_lock(&cks_mtx);
	ck->next = cks;
	cks = ck;
	vault_unlock(&cks_mtx);
	*out = ck;
	return 0;
 fail:
	if (ck != NULL)
		free(ck->uri);
	free(ck);
	return CS_ERR_ALLOC;
}

void
vault_ckpt_free(sqlite3 *db, struct vault_ckpt *ck)
{
	struct vault_ckpt	**pp;

	if (ck == NULL)
		return;
	vault_lock(&cks_mtx);
	for (pp = &cks; *pp != NULL; pp = &(*pp)->next)
		if (*pp == ck) {
			*pp = ck->next;
			break;
		}
	vault_unlock(&cks_mtx);
	if (db != NULL)
		(void)sqlite3_wal_hook(db, NULL, NULL);
	if (ck->state == CK_RUNNING && ck->pid != getpid()) {
		/* a fork()'s child: no worker here, and its lock may be held */
		free(ck->uri);
		free(ck);
		return;
	}
	if (ck->state == CK_RUNNING)
		vault_thread_stop(ck->thread, &ck->mtx, &ck->work, &ck->quit);
	vault_sync_destroy(&ck->mtx, &ck->work, &ck->done);
	free(ck->uri);
	free(ck);
}

unsigned long long
vault_ckpt_passes(struct vault_ckpt *ck)
{
	unsigned long long	n;

	if (ck == NULL || ck->state != CK_RUNNING || ck->pid != getpid())
		return 0;
	vault_lock(&ck->mtx);
	n = ck->passes;
	vault_unlock(&ck->mtx);
	return n;
}

/* The journal mode "db" is in after "sql" (a journal_mode pragma). */
static int
ck_journal_mode(sqlite3 *db, const char *sql, char *mode, size_t len)
{
	sqlite3_stmt		*st = NULL;
	const unsigned char	*t;
	int			 rc;

	mode[0] = '\0';
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return vault_sqlite_err(sqlite3_errcode(db));
	if ((rc = sqlite3_step(st)) == SQLITE_ROW &&
	    (t = sqlite3_column_text(st, 0)) != NULL)
		(void)str_fmt(mode, len, "%s", (const char *)t);
	else if (rc != SQLITE_DONE)
		rc = sqlite3_extended_errcode(db);
	(void)sqlite3_finalize(st);
	return rc == SQLITE_ROW || rc == SQLITE_DONE ? 0 :
	    vault_sqlite_err(rc);
}

int
vault_bulk_begin(sqlite3 *db, int *on)
{
	struct vault_ckpt	*ck;
	char			 mode[16];
	int			 r;

	*on = 0;
	vault_lock(&cks_mtx);
	for (ck = cks; ck != NULL && ck->db != db; ck = ck->next)
		continue;
	vault_unlock(&cks_mtx);
	if (ck == NULL || !sqlite3_get_autocommit(db))
		return 0;
	/* the worker's connection would keep the vault in WAL mode */
	if (ck->state == CK_RUNNING && ck->pid == getpid()) {
		vault_thread_stop(ck->thread, &ck->mtx, &ck->work, &ck->quit);
		ck->quit = 0;
		ck->dead = 0;
		ck->started = ck->finished = ck->asked;
		ck->state = CK_IDLE;
	}
	/* checkpoints what the WAL holds, then drops it */
	if ((r = ck_journal_mode(db, "PRAGMA journal_mode=DELETE", mode,
	    sizeof(mode))) != 0) {
		log_debug("vault: bulk load through the WAL: %s",
		    cs_err(r));
		return 0;
	}
	*on = strcmp(mode, "delete") == 0;
	return 0;
}

int
vault_bulk_end(sqlite3 *db)
{
	char	mode[16];
	int	r;

	if ((r = ck_journal_mode(db, "PRAGMA journal_mode=WAL", mode,
	    sizeof(mode))) != 0)
		return r;
	return strcmp(mode, "wal") == 0 ? 0 : CS_ERR_DB;
}

void
vault_bulk_drop(sqlite3 *db)
{
	const char	*path;
	int		 fd;

	if ((path = sqlite3_db_filename(db, "main")) == NULL ||
	    path[0] == '\0' ||
	    (fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1)
		return;
	/* the whole file: after the commit's fsync no page of it is dirty */
	(void)posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
	(void)close(fd);
}
