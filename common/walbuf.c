/* SPDX-License-Identifier: ISC */
/*
 * walbuf.c - a VFS that is the default one, except for the write-ahead
 * log, whose writes are gathered and reach the file as one pwrite(2) per
 * transaction, and which (the server's kind, WALBUF_MAPPED) is read from
 * a mapping instead of one pread(2) a page.  The server's store opens
 * its files through it (server/store/sdb_sqlite.c); the laptop's vault
 * opens the files under its encryption through it, without the mapping
 * (client/vault/vault.c: it writes its WAL a frame header and a sealed
 * page at a time, as SQLite writes a plain one).
 *
 * SQLite writes each WAL frame as two calls, its 24-byte header and then
 * the page: a push's commit of some sixteen pages was over thirty system
 * calls, each taking the inode's lock and touching one or two page-cache
 * folios.  And a connection's page cache is emptied whenever another
 * connection commits, which the server's other worker does all the time:
 * the pages it reads again are mostly in the log.  Some 45 pwrite and 40
 * pread calls a session, a tenth of casesyncd's CPU per session with the
 * kernel's side (docs/PERFORMANCE.md, "Goal 6, branch sesscpu2").
 *
 * Writes: the bytes and their order in the file are SQLite's; only the
 * number of calls changes, and every byte is in the file before SQLite
 * syncs, reads, sizes or truncates it, and before the transaction can be
 * seen by any other connection: the frame that commits a transaction
 * (its header says the database's size, walEncodeFrame) is written out
 * as soon as its page is in, and the connections (the store's, the
 * vault's) sync each commit (synchronous = FULL) after that.  A failed
 * write is reported by the call that made it, and what it held is
 * dropped: SQLite rolls the transaction back and writes those frames
 * again.  In a write it is the write's own error, as for a failed
 * pwrite before; in any other call an I/O error (walbuf_flush_out).
 *
 * Reads (WALBUF_MAPPED): a read-only shared mapping of the log's first
 * WALBUF_MAP bytes through a descriptor of our own (the page cache is
 * one, so it sees every connection's writes as pread would; SQLite holds
 * no POSIX lock on the log, so closing that descriptor drops none of the
 * process's locks, which closing a database file's would).  SQLite reads
 * only frames its snapshot counts, written before they were counted, and
 * shortens or restarts the log only when no reader can use its frames; a
 * read past the end as last seen (fstat) still goes to the default VFS,
 * which reports it short, so the mapping is never touched past the end
 * of the file.  Beyond WALBUF_MAP, or without the mapping, reads are the
 * default VFS's.
 *
 * Database, journal and temporary files are the default VFS's own, not
 * wrapped at all.
 */
#include <sys/mman.h>
#include <sys/stat.h>

#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

#include "walbuf.h"

#define WALBUF_NAME	"casesync-walbuf"
#define WALBUF_NAME_PLAIN "casesync-walbuf-plain"	/* no mapping */
#define WALBUF_FIRST	(64 * 1024)
#define WALBUF_MAX	(1024 * 1024)	/* larger writes go straight out */
#define WALBUF_HDR	24		/* a WAL frame's header */
/*
 * The default VFS writes at most 128 KiB - 1 bytes a call (it masks
 * the length with 0x1ffff: one of 128 KiB would write nothing and
 * fail as a full disk), so a flush goes out in pieces of this size.
 */
#define WALBUF_PIECE	(124 * 1024)
#define WALBUF_MAP	(64 * 1024 * 1024)	/* of the log read from memory */

struct walbuf_file {
	sqlite3_file	 base;		/* pMethods: walbuf_methods */
	sqlite3_file	*real;		/* the default VFS's file, after us */
	unsigned char	*buf;
	size_t		 cap, len;
	sqlite3_int64	 off;		/* of buf[0] in the file */
	int		 commit;	/* the commit frame's page comes next */
	int		 fd;		/* ours, read only; -1: none */
	const unsigned char *map;	/* WALBUF_MAP bytes of it, or NULL */
	sqlite3_int64	 size;		/* of the file, at least, as last seen */
};

static sqlite3_vfs	 walbuf_vfs_map, walbuf_vfs_plain;
static sqlite3_vfs	*walbuf_base;
static pthread_once_t	 walbuf_once = PTHREAD_ONCE_INIT;
static int		 walbuf_ok;

/* The file is at least "end" bytes long now. */
static void
walbuf_grew(struct walbuf_file *f, sqlite3_int64 end)
{
	if (f->size < end)
		f->size = end;
}

static int
walbuf_flush(struct walbuf_file *f)
{
	size_t	done, n;
	int	rc = SQLITE_OK;

	for (done = 0; done < f->len && rc == SQLITE_OK; done += n) {
		n = f->len - done < WALBUF_PIECE ? f->len - done : WALBUF_PIECE;
		rc = f->real->pMethods->xWrite(f->real, f->buf + done, (int)n,
		    f->off + (sqlite3_int64)done);
	}
	if (rc == SQLITE_OK)
		walbuf_grew(f, f->off + (sqlite3_int64)f->len);
	f->len = 0;
	return rc;
}

/*
 * The flush of any call but a write, failed: an I/O error, whatever the
 * write's own code.  The bytes it drops were accepted by earlier writes
 * that SQLite counts as done: the frames of a transaction larger than
 * the page cache, written before its commit, are read back.  Reported
 * as SQLITE_FULL by a read, a full disk would undo only the statement
 * (one with a journal of its own), and its transaction could go on and
 * commit around frames that are not in the file: a corrupt database
 * (test_walbuf, "the disk full").  An I/O error rolls the whole
 * transaction back.  A write's failure, the commit frame's flush among
 * them, puts the pager in its error state, which does the same; it keeps
 * its SQLITE_FULL ("no space left on device").
 */
static int
walbuf_flush_out(struct walbuf_file *f)
{
	int	rc;

	if ((rc = walbuf_flush(f)) == SQLITE_OK ||
	    (rc & 0xff) == SQLITE_IOERR)
		return rc;
	return SQLITE_IOERR_WRITE;
}

static int
walbuf_close(sqlite3_file *sf)
{
	struct walbuf_file	*f = (struct walbuf_file *)sf;
	int			 rc, rc2;

	rc = walbuf_flush_out(f);
	rc2 = f->real->pMethods->xClose(f->real);
	free(f->buf);
	f->buf = NULL;
	if (f->map != NULL)
		(void)munmap((void *)(uintptr_t)f->map, WALBUF_MAP);
	f->map = NULL;
	if (f->fd != -1)
		(void)close(f->fd);
	f->fd = -1;
	return rc != SQLITE_OK ? rc : rc2;
}

static int
walbuf_read(sqlite3_file *sf, void *p, int amt, sqlite3_int64 off)
{
	struct walbuf_file	*f = (struct walbuf_file *)sf;
	struct stat		 sb;
	int			 rc;

	if ((rc = walbuf_flush_out(f)) != SQLITE_OK)
		return rc;
	if (f->map == NULL || amt <= 0 || off < 0 ||
	    off > WALBUF_MAP - (sqlite3_int64)amt)
		return f->real->pMethods->xRead(f->real, p, amt, off);
	/* past the end as last seen: the file may have grown since */
	if (off + amt > f->size && fstat(f->fd, &sb) == 0)
		f->size = sb.st_size;
	/* past the end: a short read, as the default VFS reports it */
	if (off + amt > f->size)
		return f->real->pMethods->xRead(f->real, p, amt, off);
	memcpy(p, f->map + off, (size_t)amt);
	return SQLITE_OK;
}

/* Room for "amt" more bytes in buf, up to WALBUF_MAX; 0 if none. */
static int
walbuf_room(struct walbuf_file *f, size_t amt)
{
	unsigned char	*nb;
	size_t		 ncap;

	if (WALBUF_MAX - f->len < amt)
		return 0;
	if (f->cap - f->len >= amt)
		return 1;
	for (ncap = f->cap == 0 ? WALBUF_FIRST : f->cap;
	    ncap - f->len < amt; ncap *= 2)
		;
	if (ncap > WALBUF_MAX)
		ncap = WALBUF_MAX;
	if ((nb = realloc(f->buf, ncap)) == NULL)
		return 0;
	f->buf = nb;
	f->cap = ncap;
	return 1;
}

static int
walbuf_write(sqlite3_file *sf, const void *p, int amt, sqlite3_int64 off)
{
	struct walbuf_file	*f = (struct walbuf_file *)sf;
	const unsigned char	*b = p;
	int			 rc, commit = f->commit;

	f->commit = 0;
	if (amt <= 0)
		return f->real->pMethods->xWrite(f->real, p, amt, off);
	/* a frame's header: a database size (bytes 4-7) marks a commit */
	if (amt == WALBUF_HDR && (b[4] | b[5] | b[6] | b[7]) != 0)
		f->commit = 1;
	if (f->len > 0 && off != f->off + (sqlite3_int64)f->len &&
	    (rc = walbuf_flush(f)) != SQLITE_OK)
		return rc;
	if (!walbuf_room(f, (size_t)amt)) {
		if ((rc = walbuf_flush(f)) != SQLITE_OK ||
		    (rc = f->real->pMethods->xWrite(f->real, p, amt, off)) !=
		    SQLITE_OK)
			return rc;
		walbuf_grew(f, off + amt);
		return SQLITE_OK;
	}
	if (f->len == 0)
		f->off = off;
	memcpy(f->buf + f->len, p, (size_t)amt);
	f->len += (size_t)amt;
	return commit ? walbuf_flush(f) : SQLITE_OK;
}

static int
walbuf_truncate(sqlite3_file *sf, sqlite3_int64 size)
{
	struct walbuf_file	*f = (struct walbuf_file *)sf;
	int			 rc;

	if ((rc = walbuf_flush_out(f)) != SQLITE_OK ||
	    (rc = f->real->pMethods->xTruncate(f->real, size)) != SQLITE_OK)
		return rc;
	if (f->size > size)
		f->size = size;
	return SQLITE_OK;
}

static int
walbuf_sync(sqlite3_file *sf, int flags)
{
	struct walbuf_file	*f = (struct walbuf_file *)sf;
	int			 rc;

	if ((rc = walbuf_flush_out(f)) != SQLITE_OK)
		return rc;
	return f->real->pMethods->xSync(f->real, flags);
}

static int
walbuf_size(sqlite3_file *sf, sqlite3_int64 *size)
{
	struct walbuf_file	*f = (struct walbuf_file *)sf;
	int			 rc;

	if ((rc = walbuf_flush_out(f)) != SQLITE_OK)
		return rc;
	return f->real->pMethods->xFileSize(f->real, size);
}

static int
walbuf_lock(sqlite3_file *sf, int lock)
{
	struct walbuf_file	*f = (struct walbuf_file *)sf;

	return f->real->pMethods->xLock(f->real, lock);
}

static int
walbuf_unlock(sqlite3_file *sf, int lock)
{
	struct walbuf_file	*f = (struct walbuf_file *)sf;

	return f->real->pMethods->xUnlock(f->real, lock);
}

static int
walbuf_reserved(sqlite3_file *sf, int *out)
{
	struct walbuf_file	*f = (struct walbuf_file *)sf;

	return f->real->pMethods->xCheckReservedLock(f->real, out);
}

static int
walbuf_control(sqlite3_file *sf, int op, void *arg)
{
	struct walbuf_file	*f = (struct walbuf_file *)sf;
	int			 rc;

	/* whatever it asks of the file, it asks of all of it */
	if ((rc = walbuf_flush_out(f)) != SQLITE_OK)
		return rc;
	return f->real->pMethods->xFileControl(f->real, op, arg);
}

static int
walbuf_sector(sqlite3_file *sf)
{
	struct walbuf_file	*f = (struct walbuf_file *)sf;

	return f->real->pMethods->xSectorSize(f->real);
}

static int
walbuf_device(sqlite3_file *sf)
{
	struct walbuf_file	*f = (struct walbuf_file *)sf;

	return f->real->pMethods->xDeviceCharacteristics(f->real);
}

/* Version 1: SQLite maps and shares memory through the database file. */
static const sqlite3_io_methods walbuf_methods = {
	.iVersion = 1,
	.xClose = walbuf_close,
	.xRead = walbuf_read,
	.xWrite = walbuf_write,
	.xTruncate = walbuf_truncate,
	.xSync = walbuf_sync,
	.xFileSize = walbuf_size,
	.xLock = walbuf_lock,
	.xUnlock = walbuf_unlock,
	.xCheckReservedLock = walbuf_reserved,
	.xFileControl = walbuf_control,
	.xSectorSize = walbuf_sector,
	.xDeviceCharacteristics = walbuf_device,
};

static int
walbuf_open(sqlite3_vfs *vfs, sqlite3_filename name, sqlite3_file *sf,
    int flags, int *outflags)
{
	struct walbuf_file	*f = (struct walbuf_file *)sf;
	struct stat		 sb;
	void			*map;
	int			 rc;

	/* not a WAL: the default VFS's file itself, in our room */
	if ((flags & SQLITE_OPEN_WAL) == 0)
		return walbuf_base->xOpen(walbuf_base, name, sf, flags,
		    outflags);

	memset(f, 0, sizeof(*f));
	f->fd = -1;
	f->real = (sqlite3_file *)(f + 1);
	if ((rc = walbuf_base->xOpen(walbuf_base, name, f->real, flags,
	    outflags)) != SQLITE_OK) {
		f->base.pMethods = NULL;	/* SQLite will not close it */
		return rc;
	}
	f->base.pMethods = &walbuf_methods;
	/*
	 * The log read from memory: a descriptor of our own on the file the
	 * default VFS just opened or made (SQLite maps the -shm file by its
	 * name in the same way).  Without it (no descriptor, no mapping: in
	 * the sandbox, opens fail) reads are the default VFS's.
	 */
	if (vfs != &walbuf_vfs_map ||
	    (f->fd = open(name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1)
		return SQLITE_OK;
	if (fstat(f->fd, &sb) == -1 || (map = mmap(NULL, WALBUF_MAP,
	    PROT_READ, MAP_SHARED, f->fd, 0)) == MAP_FAILED) {
		(void)close(f->fd);
		f->fd = -1;
		return SQLITE_OK;
	}
	f->map = map;
	f->size = sb.st_size;
	return SQLITE_OK;
}

/*
 * A copy of the default VFS with our xOpen and room: its other methods
 * (delete, access, full path name ...) run as they are, with the same
 * pAppData and mxPathname they read from it.
 */
static void
walbuf_register(void)
{
	size_t	room;

	if ((walbuf_base = sqlite3_vfs_find(NULL)) == NULL)
		return;
	/* struct walbuf_file is pointers and sizes: f + 1 stays aligned */
	room = sizeof(struct walbuf_file) + (size_t)walbuf_base->szOsFile;
	walbuf_vfs_map = *walbuf_base;
	walbuf_vfs_map.pNext = NULL;
	walbuf_vfs_map.zName = WALBUF_NAME;
	walbuf_vfs_map.szOsFile = (int)room;
	walbuf_vfs_map.xOpen = walbuf_open;
	walbuf_vfs_plain = walbuf_vfs_map;
	walbuf_vfs_plain.zName = WALBUF_NAME_PLAIN;
	walbuf_ok = sqlite3_vfs_register(&walbuf_vfs_map, 0) == SQLITE_OK &&
	    sqlite3_vfs_register(&walbuf_vfs_plain, 0) == SQLITE_OK;
}

const char *
walbuf_vfs(int how)
{
	if (pthread_once(&walbuf_once, walbuf_register) != 0 || !walbuf_ok)
		return NULL;
	return how == WALBUF_MAPPED ? WALBUF_NAME : WALBUF_NAME_PLAIN;
}
