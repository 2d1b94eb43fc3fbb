/* SPDX-License-Identifier: ISC */
/*
 * vault.c - the encrypting SQLite VFS "casesync-vault".
 *
 * The VFS is a shim over the default VFS.  Every page image SQLite
 * stores is sealed with XChaCha20-Poly1305 (IETF): the first
 * pgsz - 40 bytes are encrypted in place and the last 40 bytes, which
 * SQLite leaves to us as "reserved space", hold the random 24-byte
 * nonce and the 16-byte tag.  The associated data binds the page to the
 * database id, the kind of file (main, WAL, journal) and the page
 * number; in the WAL also to the frame's commit size.  SQLite's
 * own structures (WAL header and frame headers, journal headers, page
 * numbers and checksums in journal records) stay as SQLite wrote them,
 * so its crash recovery keeps working: its checksums are over the
 * plaintext, and we decrypt before SQLite looks.  The keys of an open
 * vault are found through a random token in the URI ("?vault=").
 * Sequential scans of the main file are decrypted ahead on a second
 * thread (vault_ahead.c).  This file has the VFS and its methods; the
 * page crypto is in vault_page.c.  docs/VAULT.md has the formats and
 * the reasoning.
 */
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include <sqlite3.h>

#include "errors.h"
#include "log.h"
#include "util.h"
#include "vault.h"
#include "vault_file.h"
#include "vault_int.h"
#include "walbuf.h"

#define TOKEN_LEN	((VAULT_TOKEN_LEN - 1) / 2)
#define VREG_MAX	64

/* Open vaults: token -> keys. */
struct vreg {
	char			 token[2 * TOKEN_LEN + 1];
	const struct vault_keys	*keys;
	atomic_int		 tampered;	/* a page failed: sticky */
	struct vault_head	*head;		/* vault_head.c */
};

static struct vreg	 vreg[VREG_MAX];
static pthread_mutex_t	 vreg_mtx = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t	 vfs_once = PTHREAD_ONCE_INIT;
static int		 vfs_rc = CS_ERR_DB;
/* Any vault of this process failed authentication (vault_tamper_seen). */
static atomic_int	 tamper_seen;

int
vault_tamper_seen(void)
{
	return atomic_load(&tamper_seen);
}

void
vault_tamper_note(void)
{
	atomic_store(&tamper_seen, 1);
}

/* ---- sqlite3_io_methods ----
 *
 * Every method that can begin or end a transaction or change the file
 * empties the read-ahead first: with SQLite's locks, that is what keeps
 * it from ever serving a stale page (vault_int.h, vault_ahead.c).
 */

static int
vf_close(sqlite3_file *file)
{
	struct vfile	*f = (struct vfile *)file;
	int		 rc;

	vault_ahead_stop(&f->ahead);
	/* a lock that ends with the file (SQLite unlocks first anyway) */
	if (f->hold_excl || f->hold_ckpt)
		vault_head_end(f->head, f->keys, f->real);
	f->hold_excl = f->hold_ckpt = 0;
	if (f->head != NULL)	/* pages written outside SQLite's locks */
		(void)vault_head_sync(f->head, f->keys);
	rc = f->real->pMethods->xClose(f->real);
	sodium_memzero(f->pool, sizeof(f->pool));
	f->npool = 0;
	if (f->pg != NULL) {
		sodium_memzero(f->pg, WAL_FHDR_LEN + f->pgsz);
		free(f->pg);
		f->pg = NULL;
	}
	return rc;
}

static int
vf_read(sqlite3_file *file, void *buf, int amt, sqlite3_int64 off)
{
	struct vfile	*f = (struct vfile *)file;

	switch (f->type) {
	case VF_MAIN:
		return main_read(f, buf, amt, off);
	case VF_WAL:
		return wal_read(f, buf, amt, off);
	default:
		return jrn_read(f, buf, amt, off);
	}
}

static int
vf_write(sqlite3_file *file, const void *buf, int amt, sqlite3_int64 off)
{
	struct vfile	*f = (struct vfile *)file;

	vault_ahead_reset(&f->ahead);
	switch (f->type) {
	case VF_MAIN:
		return main_write(f, buf, amt, off);
	case VF_WAL:
		return wal_write(f, buf, amt, off);
	default:
		return jrn_write(f, buf, amt, off);
	}
}

static int
vf_truncate(sqlite3_file *file, sqlite3_int64 size)
{
	struct vfile	*f = (struct vfile *)file;
	int		 rc;

	vault_ahead_reset(&f->ahead);
	rc = f->real->pMethods->xTruncate(f->real, size);
	if (rc == SQLITE_OK && f->head != NULL)
		vault_head_truncate(f->head, size, f->pgsz);
	return rc;
}

static int
vf_sync(sqlite3_file *file, int flags)
{
	struct vfile	*f = (struct vfile *)file;

	vault_ahead_reset(&f->ahead);
	/*
	 * The page list is durable before the pages are: a crash in
	 * between leaves their WAL frames or journal images, which
	 * recovery writes again (vault_head.c).
	 */
	if (f->head != NULL && vault_head_sync(f->head, f->keys) != 0)
		return SQLITE_IOERR_FSYNC;
	return f->real->pMethods->xSync(f->real, flags);
}

static int
vf_size(sqlite3_file *file, sqlite3_int64 *size)
{
	struct vfile	*f = (struct vfile *)file;

	return f->real->pMethods->xFileSize(f->real, size);
}

/*
 * The main file is written only under the EXCLUSIVE lock (rollback
 * journal) or the WAL checkpoint lock: the page list is read again when
 * one is taken and written out when it is let go (vault_head.c).
 */
static int
vf_lock(sqlite3_file *file, int lock)
{
	struct vfile	*f = (struct vfile *)file;
	int		 rc;

	vault_ahead_reset(&f->ahead);
	rc = f->real->pMethods->xLock(f->real, lock);
	if (rc == SQLITE_OK && f->head != NULL &&
	    lock == SQLITE_LOCK_EXCLUSIVE && !f->hold_excl) {
		vault_head_begin(f->head, f->keys, f->real);
		f->hold_excl = 1;
	}
	return rc;
}

static int
vf_unlock(sqlite3_file *file, int lock)
{
	struct vfile	*f = (struct vfile *)file;

	vault_ahead_reset(&f->ahead);
	if (f->hold_excl && lock < SQLITE_LOCK_EXCLUSIVE) {
		vault_head_end(f->head, f->keys, f->real);
		f->hold_excl = 0;
	}
	return f->real->pMethods->xUnlock(f->real, lock);
}

static int
vf_check_lock(sqlite3_file *file, int *out)
{
	struct vfile	*f = (struct vfile *)file;

	return f->real->pMethods->xCheckReservedLock(f->real, out);
}

static int
vf_fcntl(sqlite3_file *file, int op, void *arg)
{
	struct vfile	*f = (struct vfile *)file;

	vault_ahead_reset(&f->ahead);
	/*
	 * A checkpoint's copy loop: each WAL page it reads is written to
	 * this file and used for nothing else (wal_read, main_write).
	 */
	if (op == SQLITE_FCNTL_CKPT_START && f->type == VF_MAIN) {
		f->ck_copy = 1;
		f->ck_pgno = 0;
	} else if (op == SQLITE_FCNTL_CKPT_DONE && f->type == VF_MAIN) {
		f->ck_copy = 0;
		f->ck_pgno = 0;
	}
	/* No memory map: SQLite must always go through xRead. */
	if (op == SQLITE_FCNTL_MMAP_SIZE)
		*(sqlite3_int64 *)arg = 0;
	return f->real->pMethods->xFileControl(f->real, op, arg);
}

static int
vf_sector(sqlite3_file *file)
{
	struct vfile	*f = (struct vfile *)file;

	return f->real->pMethods->xSectorSize(f->real);
}

static int
vf_devchar(sqlite3_file *file)
{
	struct vfile	*f = (struct vfile *)file;
	int		 c;

	/*
	 * Powersafe overwrite (the unix default) keeps SQLite from
	 * padding and splitting WAL writes, so that every page reaches
	 * us whole; no atomic-write or safe-append shortcuts, so the
	 * journal is always written and synced as reasoned above.
	 */
	c = f->real->pMethods->xDeviceCharacteristics(f->real);
	return (c & SQLITE_IOCAP_UNDELETABLE_WHEN_OPEN) |
	    SQLITE_IOCAP_POWERSAFE_OVERWRITE;
}

static int
vf_shm_map(sqlite3_file *file, int pg, int pgsz, int extend,
    void volatile **pp)
{
	struct vfile	*f = (struct vfile *)file;

	return f->real->pMethods->xShmMap(f->real, pg, pgsz, extend, pp);
}

static int
vf_shm_lock(sqlite3_file *file, int offset, int n, int flags)
{
	struct vfile	*f = (struct vfile *)file;
	int		 rc, ckpt;

	vault_ahead_reset(&f->ahead);
	/* slot 1 alone, exclusive: SQLite's WAL_CKPT_LOCK, a checkpoint */
	ckpt = f->head != NULL && offset == 1 && n == 1 &&
	    (flags & SQLITE_SHM_EXCLUSIVE) != 0;
	if (ckpt && (flags & SQLITE_SHM_UNLOCK) != 0 && f->hold_ckpt) {
		vault_head_end(f->head, f->keys, f->real);
		f->hold_ckpt = 0;
	}
	rc = f->real->pMethods->xShmLock(f->real, offset, n, flags);
	if (ckpt && rc == SQLITE_OK && (flags & SQLITE_SHM_LOCK) != 0 &&
	    !f->hold_ckpt) {
		vault_head_begin(f->head, f->keys, f->real);
		f->hold_ckpt = 1;
	}
	return rc;
}

static void
vf_shm_barrier(sqlite3_file *file)
{
	struct vfile	*f = (struct vfile *)file;

	vault_ahead_reset(&f->ahead);
	f->real->pMethods->xShmBarrier(f->real);
}

static int
vf_shm_unmap(sqlite3_file *file, int del)
{
	struct vfile	*f = (struct vfile *)file;

	vault_ahead_reset(&f->ahead);
	return f->real->pMethods->xShmUnmap(f->real, del);
}

/* Version 2: shared memory for WAL, but no xFetch (no mmap). */
static const sqlite3_io_methods vf_methods = {
	2, vf_close, vf_read, vf_write, vf_truncate, vf_sync, vf_size,
	vf_lock, vf_unlock, vf_check_lock, vf_fcntl, vf_sector, vf_devchar,
	vf_shm_map, vf_shm_lock, vf_shm_barrier, vf_shm_unmap, NULL, NULL
};

/* ---- registry of open vaults ---- */

int
vault_vfs_attach(const struct vault_keys *keys, char token[VAULT_TOKEN_LEN])
{
	struct vault_head	*h;
	uint8_t			 t[TOKEN_LEN];
	int			 i, r = CS_ERR_TOO_LARGE;

	randombytes_buf(t, sizeof(t));
	hex_encode(token, t, sizeof(t));
	if ((h = vault_head_new()) == NULL)
		return CS_ERR_ALLOC;
	if (pthread_mutex_lock(&vreg_mtx) != 0) {
		vault_head_free(h);
		return CS_ERR_SYSTEM;
	}
	for (i = 0; i < VREG_MAX; i++) {
		if (vreg[i].keys == NULL) {
			memcpy(vreg[i].token, token, 2 * TOKEN_LEN + 1);
			vreg[i].keys = keys;
			vreg[i].head = h;
			h = NULL;	/* transferred */
			atomic_store(&vreg[i].tampered, 0);
			r = 0;
			break;
		}
	}
	pthread_mutex_unlock(&vreg_mtx);
	vault_head_free(h);
	return r;
}

/*
 * The keys (NULL: none) and, if "flag" / "head" are not NULL, the
 * tamper flag and the page list.
 */
static const struct vault_keys *
vreg_find2(const char *token, atomic_int **flag, struct vault_head **head)
{
	const struct vault_keys	*k = NULL;
	int			 i;

	if (flag != NULL)
		*flag = NULL;
	if (head != NULL)
		*head = NULL;
	if (token == NULL || strlen(token) != 2 * TOKEN_LEN ||
	    pthread_mutex_lock(&vreg_mtx) != 0)
		return NULL;
	for (i = 0; i < VREG_MAX; i++) {
		if (vreg[i].keys != NULL &&
		    sodium_memcmp(vreg[i].token, token, 2 * TOKEN_LEN) == 0) {
			k = vreg[i].keys;
			if (flag != NULL)
				*flag = &vreg[i].tampered;
			if (head != NULL)
				*head = vreg[i].head;
			break;
		}
	}
	pthread_mutex_unlock(&vreg_mtx);
	return k;
}

static const struct vault_keys *
vreg_find(const char *token, atomic_int **flag)
{
	return vreg_find2(token, flag, NULL);
}

struct vault_head *
vault_vfs_head(const char *token)
{
	struct vault_head	*h;

	return vreg_find2(token, NULL, &h) != NULL ? h : NULL;
}

void
vault_vfs_mark(const char *token)
{
	atomic_int	*flag;

	if (vreg_find(token, &flag) != NULL)
		atomic_store(flag, 1);
	atomic_store(&tamper_seen, 1);
}

int
vault_raw_read(sqlite3_file *file, void *p, int n, sqlite3_int64 off)
{
	struct vfile	*f = (struct vfile *)file;

	if (file == NULL || file->pMethods != &vf_methods)
		return SQLITE_MISUSE;
	return vf_real_read(f, p, n, off);
}

int
vault_raw_size(sqlite3_file *file, sqlite3_int64 *size)
{
	struct vfile	*f = (struct vfile *)file;

	if (file == NULL || file->pMethods != &vf_methods)
		return SQLITE_MISUSE;
	return f->real->pMethods->xFileSize(f->real, size);
}

int
vault_vfs_tampered(const char *token)
{
	atomic_int	*flag;

	if (vreg_find(token, &flag) == NULL)
		return 0;
	return atomic_load(flag);
}

void
vault_vfs_detach(const char *token)
{
	int	i;

	if (pthread_mutex_lock(&vreg_mtx) != 0)
		return;
	for (i = 0; i < VREG_MAX; i++) {
		if (vreg[i].keys != NULL &&
		    strcmp(vreg[i].token, token) == 0) {
			vault_head_free(vreg[i].head);
			vreg[i].head = NULL;
			vreg[i].keys = NULL;
			memset(vreg[i].token, 0, sizeof(vreg[i].token));
		}
	}
	pthread_mutex_unlock(&vreg_mtx);
}

/* ---- sqlite3_vfs ---- */

static sqlite3_vfs *
vfs_orig(sqlite3_vfs *vfs)
{
	return vfs->pAppData;
}

static int
vfs_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *file, int flags,
    int *outflags)
{
	struct vfile		*f = (struct vfile *)file;
	sqlite3_vfs		*orig = vfs_orig(vfs);
	const struct vault_keys	*keys;
	struct vault_head	*head;
	atomic_int		*flag;
	int			 rc, type;

	memset(f, 0, sizeof(*f));		/* pMethods = NULL */
	if (flags & SQLITE_OPEN_MAIN_DB)
		type = VF_MAIN;
	else if (flags & SQLITE_OPEN_WAL)
		type = VF_WAL;
	else if (flags & SQLITE_OPEN_MAIN_JOURNAL)
		type = VF_JOURNAL;
	else {
		/* Temp databases, statement and super journals: never. */
		log_warnx("vault: refusing to open a temporary file");
		return SQLITE_CANTOPEN;
	}
	if (name == NULL ||
	    (keys = vreg_find2(sqlite3_uri_parameter(name, "vault"),
	    &flag, &head)) == NULL) {
		log_warnx("vault: refusing to open a file without a key");
		return SQLITE_CANTOPEN;
	}
	f->real = (sqlite3_file *)(f + 1);
	f->keys = keys;
	f->tampered = flag;
	if (type == VF_MAIN) {
		f->head = head;
		vault_head_path(head, name);
	}
	if (type == VF_WAL) {
		/* the main file of the same connection (WAL epochs) */
		sqlite3_file	*m = sqlite3_database_file_object(name);

		f->vhead = head;
		if (m != NULL && m->pMethods == &vf_methods)
			f->mainf = (struct vfile *)m;
	}
	f->pgsz = keys->pgsz;
	f->type = type;
	f->fh_off = f->w4_off = f->r4_off = -1;
	f->ahead.ra_real = f->real;	/* for vault_ahead.c */
	f->ahead.ra_keys = keys;
	f->ahead.ra_pgsz = f->pgsz;
	/* a page, or (WAL) a frame header and its page */
	if ((f->pg = malloc(WAL_FHDR_LEN + f->pgsz)) == NULL)
		return SQLITE_NOMEM;
	rc = orig->xOpen(orig, name, f->real, flags, outflags);
	if (rc != SQLITE_OK) {
		free(f->pg);
		f->pg = NULL;
		return rc;
	}
	f->base.pMethods = &vf_methods;
	return SQLITE_OK;
}

static int
vfs_delete(sqlite3_vfs *vfs, const char *name, int syncdir)
{
	return vfs_orig(vfs)->xDelete(vfs_orig(vfs), name, syncdir);
}

static int
vfs_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
	return vfs_orig(vfs)->xAccess(vfs_orig(vfs), name, flags, out);
}

static int
vfs_fullpath(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
	return vfs_orig(vfs)->xFullPathname(vfs_orig(vfs), name, n, out);
}

static void *
vfs_dlopen(sqlite3_vfs *vfs, const char *name)
{
	(void)vfs;
	(void)name;
	return NULL;		/* no extensions in the vault */
}

static void
vfs_dlerror(sqlite3_vfs *vfs, int n, char *msg)
{
	(void)vfs;
	if (n > 0)
		(void)str_fmt(msg, (size_t)n, "extensions are disabled");
}

static void
(*vfs_dlsym(sqlite3_vfs *vfs, void *h, const char *sym))(void)
{
	(void)vfs;
	(void)h;
	(void)sym;
	return NULL;
}

static void
vfs_dlclose(sqlite3_vfs *vfs, void *h)
{
	(void)vfs;
	(void)h;
}

static int
vfs_random(sqlite3_vfs *vfs, int n, char *out)
{
	return vfs_orig(vfs)->xRandomness(vfs_orig(vfs), n, out);
}

static int
vfs_sleep(sqlite3_vfs *vfs, int us)
{
	return vfs_orig(vfs)->xSleep(vfs_orig(vfs), us);
}

static int
vfs_time(sqlite3_vfs *vfs, double *t)
{
	return vfs_orig(vfs)->xCurrentTime(vfs_orig(vfs), t);
}

static int
vfs_lasterr(sqlite3_vfs *vfs, int n, char *msg)
{
	return vfs_orig(vfs)->xGetLastError(vfs_orig(vfs), n, msg);
}

static int
vfs_time64(sqlite3_vfs *vfs, sqlite3_int64 *t)
{
	sqlite3_vfs	*o = vfs_orig(vfs);
	double		 d;
	int		 rc;

	if (o->iVersion >= 2 && o->xCurrentTimeInt64 != NULL)
		return o->xCurrentTimeInt64(o, t);
	rc = o->xCurrentTime(o, &d);
	*t = (sqlite3_int64)(d * 86400000.0);
	return rc;
}

static sqlite3_vfs vault_vfs = {
	2, 0, 0, NULL, VAULT_VFS_NAME, NULL, vfs_open, vfs_delete,
	vfs_access, vfs_fullpath, vfs_dlopen, vfs_dlerror, vfs_dlsym,
	vfs_dlclose, vfs_random, vfs_sleep, vfs_time, vfs_lasterr,
	vfs_time64, NULL, NULL, NULL
};

/*
 * SQLite's error log: it reports SQLITE_CORRUPT (and NOTADB) where it
 * finds a page that authenticated but is inconsistent, which only
 * someone with the key can make.  Tampering too (vault_tamper_seen).
 */
static void
vfs_sqlite_log(void *arg, int code, const char *msg)
{
	(void)arg;
	(void)msg;
	if ((code & 0xff) == SQLITE_CORRUPT || (code & 0xff) == SQLITE_NOTADB)
		atomic_store(&tamper_seen, 1);
}

static void
vfs_init(void)
{
	sqlite3_vfs	*orig;
	const char	*name;

	/* fails (harmless) if SQLite was initialised before */
	(void)sqlite3_config(SQLITE_CONFIG_LOG, vfs_sqlite_log, NULL);
	/*
	 * No count of SQLite's memory (nothing here asks for it): every
	 * allocation of SQLite would take a global mutex for it.
	 */
	(void)sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	if (sqlite3_initialize() != SQLITE_OK)
		return;
	/*
	 * Our files are the default VFS's, the WAL's writes gathered into
	 * one a transaction (common/walbuf.c): its frame headers and sealed
	 * pages were two pwrite(2) calls a page.  Without it, the default.
	 */
	if ((name = walbuf_vfs(WALBUF_PLAIN)) == NULL ||
	    (orig = sqlite3_vfs_find(name)) == NULL)
		orig = sqlite3_vfs_find(NULL);
	if (orig == NULL)
		return;
	vault_vfs.szOsFile = (int)sizeof(struct vfile) + orig->szOsFile;
	vault_vfs.mxPathname = orig->mxPathname;
	vault_vfs.pAppData = orig;
	vault_ahead_setup();
	if (sqlite3_vfs_register(&vault_vfs, 0) == SQLITE_OK)
		vfs_rc = 0;
}

int
vault_vfs_register(void)
{
	if (pthread_once(&vfs_once, vfs_init) != 0)
		return CS_ERR_DB;
	return vfs_rc;
}

