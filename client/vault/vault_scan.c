/* SPDX-License-Identifier: ISC */
/*
 * vault_scan.c - authenticate every page of a vault (vault_scan(), for
 * "casesync check"; docs/VAULT.md, "Checking every page").
 *
 * SQLite reads only the pages a query needs, so a changed page of a
 * table nobody reads (the outbox, an index, a free page) would go
 * unnoticed until it is used.  This reads the files directly, beside
 * SQLite, and opens every page with the page key:
 *
 * - main file: every page, 1 .. size / page size (no hole is ever
 *   left, docs/VAULT.md "Main database");
 * - WAL: every frame of the current generation (salts as in the WAL
 *   header) up to its last commit frame that authenticates must
 *   authenticate, and no frame of another generation may come before
 *   it (frames are written from the start in each generation).  Frames
 *   after that last commit are a torn, uncommitted tail (a crash), and
 *   frames of an older generation after it are left-overs SQLite never
 *   reads: counted, not judged, as the VFS does.
 *
 * The files are read through the handles SQLite holds (never opened and
 * closed separately: that would drop SQLite's POSIX locks), inside a
 * read transaction, so no writer restarts a WAL this connection reads;
 * a checkpoint of another process may still be copying frames into the
 * main file, so a page that fails is read again (a few times, briefly
 * apart) before it is called tampered, and the whole WAL is scanned
 * again if its header changed meanwhile.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>
#include <sqlite3.h>

#include "buf.h"
#include "errors.h"
#include "log.h"
#include "vault.h"
#include "vault_int.h"

#define SCAN_RETRIES	5
#define SCAN_PAUSE_MS	20
#define WAL_HDR_LEN	32
#define WAL_FHDR_LEN	24

static void
scan_pause(void)
{
	const struct timespec	ts = { 0, SCAN_PAUSE_MS * 1000000L };

	nanosleep(&ts, NULL);
}

/* Read "n" bytes at "off": 0, 1 (end of file first) or CS_ERR_SYSTEM. */
static int
scan_read(sqlite3_file *f, uint8_t *p, size_t n, sqlite3_int64 off)
{
	int	rc;

	if (n > INT32_MAX)
		return CS_ERR_SYSTEM;
	rc = vault_raw_read(f, p, (int)n, off);
	if (rc == SQLITE_IOERR_SHORT_READ)
		return 1;
	return rc == SQLITE_OK ? 0 : CS_ERR_SYSTEM;
}

/* Page "pgno" of the main file, read again while it fails. */
static int
scan_main_page(sqlite3_file *fd, const struct vault_keys *k, uint8_t *p,
    uint32_t pgno)
{
	int	i, r;

	for (i = 0; i < SCAN_RETRIES; i++) {
		if (i > 0)
			scan_pause();
		if ((r = scan_read(fd, p, k->pgsz,
		    (sqlite3_int64)(pgno - 1) * k->pgsz)) != 0)
			return r < 0 ? r : CS_ERR_TAMPERED;
		if (vault_page_open(k, 1, p, k->pgsz, pgno, 0) == 0)
			return 0;
	}
	log_warnx("vault: check: database page %u failed authentication: "
	    "database damaged or tampered", pgno);
	return CS_ERR_TAMPERED;
}

static int
scan_main(sqlite3_file *fd, const struct vault_keys *k, uint8_t *p,
    struct vault_scan *out)
{
	sqlite3_int64	size;
	uint64_t	n, i;
	int		r = 0;

	if (vault_raw_size(fd, &size) != SQLITE_OK)
		return CS_ERR_SYSTEM;
	if (size <= 0 || (uint64_t)size % k->pgsz != 0) {
		log_warnx("vault: check: the database file has a wrong size: "
		    "database damaged or tampered");
		return CS_ERR_TAMPERED;
	}
	if ((n = (uint64_t)size / k->pgsz) > UINT32_MAX)
		return CS_ERR_TAMPERED;
	for (i = 1; i <= n && r == 0; i++)
		if ((r = scan_main_page(fd, k, p, (uint32_t)i)) == 0)
			out->pages++;
	return r;
}

/*
 * One pass over the WAL: 0, CS_ERR_TAMPERED, 1 (its header changed
 * under us: scan again) or CS_ERR_SYSTEM.
 */
static int
scan_wal_pass(sqlite3_file *fd, const struct vault_keys *k,
    struct vault_head *h, uint8_t *p, struct vault_scan *out)
{
	struct vault_epoch	 e, e2;
	uint8_t		 hdr[WAL_HDR_LEN], again[WAL_HDR_LEN];
	uint8_t		*fh = p, *pg = p + WAL_FHDR_LEN;
	uint64_t	 i, nframes, last = 0, frames = 0, tail = 0;
	sqlite3_int64	 size, off;
	int		 r, cur = 1, ok;

	if ((r = scan_read(fd, hdr, sizeof(hdr), 0)) != 0)
		return r < 0 ? r : 0;	/* empty or no header yet: no frames */
	/* a retired header: an empty WAL (docs/VAULT.md, "WAL epochs") */
	if (h == NULL)
		return CS_ERR_INTERNAL;
	(void)vault_head_epoch(h, k, 1, &e);
	if (e.fmt == 2 && memcmp(hdr + 16, e.retired, 8) == 0 &&
	    memcmp(e.retired, "\0\0\0\0\0\0\0\0", 8) != 0)
		return 0;
	if (vault_raw_size(fd, &size) != SQLITE_OK || size < WAL_HDR_LEN)
		return CS_ERR_SYSTEM;
	nframes = ((uint64_t)size - WAL_HDR_LEN) /
	    (WAL_FHDR_LEN + (uint64_t)k->pgsz);
	/* first pass: the last authenticating commit frame of the
	 * current generation */
	for (i = 0; i < nframes; i++) {
		off = WAL_HDR_LEN + (sqlite3_int64)i * (WAL_FHDR_LEN + k->pgsz);
		if ((r = scan_read(fd, p, WAL_FHDR_LEN + k->pgsz, off)) != 0)
			return r < 0 ? r : 1;
		cur = memcmp(fh + 8, hdr + 16, 8) == 0;
		ok = vault_frame_open(k, h, pg, fh) == 0;
		if (cur && ok && buf_load_u32(fh + 4) != 0)
			last = i + 1;		/* frames 0 .. i committed */
	}
	/* second pass: everything before it must be of this generation
	 * and authenticate */
	for (i = 0; i < nframes; i++) {
		off = WAL_HDR_LEN + (sqlite3_int64)i * (WAL_FHDR_LEN + k->pgsz);
		if ((r = scan_read(fd, p, WAL_FHDR_LEN + k->pgsz, off)) != 0)
			return r < 0 ? r : 1;
		cur = memcmp(fh + 8, hdr + 16, 8) == 0;
		if (i < last) {
			if (!cur || vault_frame_open(k, h, pg, fh) != 0)
				break;
			frames++;
		} else
			tail++;
	}
	if ((r = scan_read(fd, again, sizeof(again), 0)) != 0)
		return r < 0 ? r : 1;
	if (memcmp(hdr, again, sizeof(hdr)) != 0)
		return 1;
	/*
	 * Another process may have drawn a new epoch during the pass (the
	 * list written, the WAL's new header not yet): this WAL is then
	 * retired, its frames all in vault.db; scan again by the new list.
	 */
	if (i < nframes && i < last &&
	    vault_head_epoch(h, k, 1, &e2) >= 0 && (e2.fmt != e.fmt ||
	    memcmp(e2.epoch, e.epoch, VAULT_EPOCH_LEN) != 0 ||
	    memcmp(e2.retired, e.retired, VAULT_EPOCH_LEN) != 0))
		return 1;
	if (i < nframes && i < last) {
		log_warnx("vault: check: WAL frame %llu (page %u) %s, before "
		    "a later commit: database damaged or tampered",
		    (unsigned long long)i + 1, buf_load_u32(fh),
		    cur ? "failed authentication" :
		    "is of another WAL generation");
		return CS_ERR_TAMPERED;
	}
	out->frames = frames;
	out->tail = tail;
	return 0;
}

static int
scan_wal(sqlite3_file *fd, const struct vault_keys *k, struct vault_head *h,
    uint8_t *p, struct vault_scan *out)
{
	int	i, r = 0;

	for (i = 0; i < SCAN_RETRIES; i++) {
		if (i > 0)
			scan_pause();
		if ((r = scan_wal_pass(fd, k, h, p, out)) != 1)
			break;
	}
	if (r == 1) {
		log_warnx("vault: check: the WAL kept changing; try again");
		r = CS_ERR_RETRY;
	}
	return r;
}

int
vault_scan(struct vault *v, struct vault_scan *out)
{
	const struct vault_keys	*k = vault_keys_of(v);
	sqlite3			*db = vault_db(v);
	sqlite3_stmt		*st = NULL;
	sqlite3_file		*mainf = NULL, *walf = NULL;
	uint8_t			*p = NULL;
	int			 r;

	memset(out, 0, sizeof(*out));
	if ((p = malloc(WAL_FHDR_LEN + k->pgsz)) == NULL)
		return CS_ERR_ALLOC;
	/* a read transaction: no WAL restart under a frame we read */
	if (sqlite3_exec(db, "BEGIN", NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_schema", -1,
	    &st, NULL) != SQLITE_OK || sqlite3_step(st) != SQLITE_ROW) {
		r = vault_err(v,
		    vault_sqlite_err(sqlite3_extended_errcode(db)));
		if (r == 0)
			r = CS_ERR_DB;
		goto out;
	}
	/* the handles of this connection (the WAL's: NULL if not open) */
	if (sqlite3_file_control(db, "main", SQLITE_FCNTL_FILE_POINTER,
	    &mainf) != SQLITE_OK || mainf == NULL ||
	    sqlite3_file_control(db, "main", SQLITE_FCNTL_JOURNAL_POINTER,
	    &walf) != SQLITE_OK) {
		r = CS_ERR_INTERNAL;
		goto out;
	}
	if ((walf != NULL && walf->pMethods != NULL &&
	    (r = scan_wal(walf, k, vault_head_of(v), p, out)) != 0) ||
	    (r = scan_main(mainf, k, p, out)) != 0)
		goto out;
	r = 0;
 out:
	sqlite3_finalize(st);
	if (!sqlite3_get_autocommit(db))
		(void)sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
	/* and every page the version this vault last wrote */
	if (r == 0)
		r = vault_head_check(v);
	if (p != NULL) {
		sodium_memzero(p, WAL_FHDR_LEN + k->pgsz);
		free(p);
	}
	if (r == CS_ERR_TAMPERED)
		vault_mark_tampered(v);
	return r;
}
