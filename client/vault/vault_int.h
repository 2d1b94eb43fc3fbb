/* SPDX-License-Identifier: ISC */
/*
 * vault_int.h - internals shared by vault.c (the encrypting VFS) and
 * vault_page.c (its page crypto), vault_ahead.c (its read-ahead of
 * sequential scans of the main file), vaultkey.c (the key file),
 * vault_open.c (the vault and its connection) and vault_ckpt.c (WAL
 * checkpoints on a second thread).  Not for other modules.
 */
#ifndef CLIENT_VAULT_INT_H
#define CLIENT_VAULT_INT_H

#include <pthread.h>
#include <stdint.h>

#include <sqlite3.h>

struct vault_keys;
struct vault_ring;

/*
 * The read-ahead state of one open file, embedded in struct vfile
 * (vault_file.h) and zeroed with it when the file is opened; only the
 * main file ever gets a ring.  All of it belongs to the thread SQLite
 * calls the VFS on: the worker thread sees only the ring.  ra_real,
 * ra_keys and ra_pgsz are the file's (set by vault.c when it opens the
 * file); the other fields are vault_ahead.c's.
 */
struct vault_ahead {
	sqlite3_file		*ra_real;	/* the real file (borrowed) */
	const struct vault_keys	*ra_keys;	/* borrowed */
	uint32_t		 ra_pgsz;
	struct vault_ring	*ra_ring;	/* NULL until first needed */
	uint64_t		 ra_seq;	/* the page we expect next */
	uint64_t		 ra_next;	/* next page to queue, or 0 */
	uint64_t		 ra_last;	/* last page queued at most */
	int			 ra_run;	/* consecutive pages so far */
	int			 ra_used;	/* slots not RS_EMPTY */
	int			 ra_off;	/* no worker for this file */
};

/*
 * vault_ahead.c.  Once per process, before the VFS is registered:
 * register the fork handler.  Without it no read-ahead thread is ever
 * started.
 */
void	vault_ahead_setup(void);

/*
 * Forget the ring and the sequence; afterwards no page is served from
 * the ring until a new sequence has begun.  The VFS must call this from
 * every method that can begin or end a transaction or change the file
 * (xWrite, xTruncate, xSync, xLock, xUnlock, xFileControl, xShmLock,
 * xShmBarrier, xShmUnmap) and before every read of the main file that
 * is not a full-page read of page ra_seq: that, and SQLite's locks, is
 * why the ring never serves a stale page (vault_ahead.c says how).
 * Cheap when the ring is empty.
 */
void	vault_ahead_reset(struct vault_ahead *);

/* Stop the worker and free the ring (xClose).  No ring is a no-op. */
void	vault_ahead_stop(struct vault_ahead *);

/*
 * Full page "pgno" of the main file was read the normal way with
 * result "rc": count the sequence, and start or extend the window.
 */
void	vault_ahead_note(struct vault_ahead *, uint32_t pgno, int rc);

/*
 * Serve page "pgno" (== ra_seq, with ra_used > 0) from the ring into
 * "buf" (ra_pgsz bytes): 0, or -1 (not there, or it failed
 * authentication: the ring is reset and the caller reads the page the
 * normal way, which reports what it would have without the ring).
 */
int	vault_ahead_take(struct vault_ahead *, uint32_t pgno, uint8_t *buf);

/*
 * vault_page.c, for vault_ahead.c: open the sealed page "p" ("pgsz" bytes)
 * of the main file in place, with the same key and AD as a normal
 * read: 0, or -1 (then "p" is zeroed).  Touches nothing but its
 * arguments: the read-ahead worker calls it on its own thread.
 */
int	vault_open_main_page(const struct vault_keys *keys, uint32_t pgsz,
	    uint8_t *p, uint32_t pgno);

/*
 * vault_ahead.c, for the vault's worker threads (read-ahead and
 * checkpoints).  Lock, unlock and wait abort the program on failure (a
 * broken invariant).  vault_two_cpus: 1 if this process may run on two
 * CPUs (else a second thread only adds switches).  vault_thread_start:
 * 0 and "fn(arg)" running on a new thread with every signal blocked
 * (signals are the caller's business), or -1.
 */
void	vault_lock(pthread_mutex_t *);
void	vault_unlock(pthread_mutex_t *);
void	vault_wait(pthread_cond_t *, pthread_mutex_t *);
int	vault_two_cpus(void);
int	vault_thread_start(pthread_t *, void *(*fn)(void *), void *arg);
/* A worker's mutex and two conditions: 0, or -1 with none made. */
int	vault_sync_init(pthread_mutex_t *, pthread_cond_t *work,
	    pthread_cond_t *done);
void	vault_sync_destroy(pthread_mutex_t *, pthread_cond_t *work,
	    pthread_cond_t *done);
/* Set *quit under "m", signal "work" and join the thread. */
void	vault_thread_stop(pthread_t, pthread_mutex_t *m, pthread_cond_t *work,
	    int *quit);

/*
 * vault.c, for vault_scan.c: read the file under one of our open files
 * (from SQLITE_FCNTL_FILE_POINTER / JOURNAL_POINTER) as it is, sealed,
 * through the handle SQLite holds.  Never open and close the vault's
 * files separately: closing any descriptor of a file drops the
 * process's POSIX locks on it, and SQLite's with them (another process
 * could then checkpoint and delete a WAL this connection still reads).
 * SQLite result codes; SQLITE_MISUSE if "file" is not ours.
 */
int	vault_raw_read(sqlite3_file *file, void *p, int n, sqlite3_int64 off);
int	vault_raw_size(sqlite3_file *file, sqlite3_int64 *size);

/*
 * vault_head.c: the tag of every page of vault.db, kept in
 * "vault.db-head" (docs/VAULT.md, "Partial rollback").  One per open
 * vault (in the VFS registry, shared by its connections).  vault.c
 * calls begin when a connection takes a lock under which the main file
 * is written (the checkpoint lock, or EXCLUSIVE) and end when it lets
 * it go; page for every main-file page it writes (its tag), truncate
 * when the file is cut, sync before the main file is synced.  begin
 * reads the list again (or, without a file, takes it from vault.db:
 * "missing"); end compares every page's tag with it if want_verify was
 * called, and writes it out if it changed.  vault_head_sync: 0 or -1
 * (the list could not be written).
 */
struct vault_head;
struct vault_head	*vault_head_new(void);
void	vault_head_free(struct vault_head *);
void	vault_head_path(struct vault_head *, const char *dbpath);
void	vault_head_begin(struct vault_head *, const struct vault_keys *,
	    sqlite3_file *real);
void	vault_head_end(struct vault_head *, const struct vault_keys *,
	    sqlite3_file *real);
void	vault_head_page(struct vault_head *, const struct vault_keys *,
	    sqlite3_file *real, uint32_t pgno, const uint8_t tag[16]);
void	vault_head_truncate(struct vault_head *, sqlite3_int64 size,
	    uint32_t pgsz);
int	vault_head_sync(struct vault_head *, const struct vault_keys *);
void	vault_head_want_verify(struct vault_head *);
/* After an end that verified: *verified 1, the first bad page, count. */
int	vault_head_result(struct vault_head *, int *verified, int *missing,
	    uint32_t *badpg, uint64_t *nbad);
/* Keep the list taken from vault.db (no file before): write it now. */
int	vault_head_adopt(struct vault_head *, const struct vault_keys *);
/*
 * The WAL epoch (docs/VAULT.md, "WAL epochs"): fmt 1 (a csvhead1 list:
 * frames sealed under the WAL AD) or 2 (frames sealed under the main
 * file's AD with nonce E || commit size || random; "cur" the salts of
 * the WAL header E was drawn for, "retired" those of the header that
 * was on disk then: a header with them is an empty WAL).
 * vault_head_epoch: the fields, read again from the file first if
 * "refresh" (1: they changed, 0, -1: no list file).
 * vault_head_new_epoch: under the WAL checkpoint lock, before a new
 * WAL header with salts "next" is written over one with "ondisk"
 * (zeros: none): read the list again, draw E, write the list durably:
 * 0, or -1 (nothing changed; the header must not be written).
 */
#define VAULT_EPOCH_LEN	8
struct vault_epoch {
	int	fmt;
	uint8_t	epoch[VAULT_EPOCH_LEN];
	uint8_t	cur[VAULT_EPOCH_LEN];
	uint8_t	retired[VAULT_EPOCH_LEN];
};
int	vault_head_epoch(struct vault_head *, const struct vault_keys *,
	    int refresh, struct vault_epoch *);
int	vault_head_new_epoch(struct vault_head *, const struct vault_keys *,
	    sqlite3_file *real, const uint8_t ondisk[VAULT_EPOCH_LEN],
	    const uint8_t next[VAULT_EPOCH_LEN], struct vault_epoch *);
/* vault_page.c, for vault_scan.c: open the page "p" of a WAL frame with
 * header "fh" by the rule of "h" (0, or -1: "p" zeroed). */
int	vault_frame_open(const struct vault_keys *, struct vault_head *,
	    uint8_t *p, const uint8_t *fh);
/* vault_open.c: the page list of an open vault. */
struct vault;
struct vault_head	*vault_head_of(struct vault *);

/* vault.c: the head of the vault attached under "token" (or NULL). */
struct vault_head	*vault_vfs_head(const char *token);

/* vault_open.c, for vault_scan.c: the keys of an open vault (borrowed). */
struct vault;
const struct vault_keys	*vault_keys_of(struct vault *);

/*
 * vault_ckpt.c.  Take over the WAL checkpoints of "db" (the vault's
 * connection to "uri", which is copied: the worker opens its own
 * connection to it) from SQLite's autocheckpoint.  0 or CS_ERR_ALLOC.
 */
struct vault_ckpt;
int	vault_ckpt_new(sqlite3 *db, const char *uri, struct vault_ckpt **);
/* Stop the worker and close its connection; before "db" is closed. */
void	vault_ckpt_free(sqlite3 *db, struct vault_ckpt *);
/* Passes the worker has run (0 without one). */
unsigned long long	vault_ckpt_passes(struct vault_ckpt *);

#endif /* CLIENT_VAULT_INT_H */
