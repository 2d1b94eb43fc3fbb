/* SPDX-License-Identifier: ISC */
/*
 * vault_head.c - the tag of every page of vault.db, kept outside the
 * database in "vault.db-head", so that pages put back from an older
 * copy of the same vault are found (docs/VAULT.md, "Partial
 * rollback").
 *
 * Every write of a main-file page draws a fresh nonce, so its 16-byte
 * tag is new: an older version of the page has another tag.  The VFS
 * (vault.c) tells us every page it seals for the main file and every
 * truncation; we keep the list in memory and write it out, whole and
 * atomically, before the main file is synced and when the lock that
 * serialises main-file writers is released.  The list is read again
 * whenever that lock is taken (the checkpoint lock in WAL mode, the
 * EXCLUSIVE lock in rollback-journal mode), so a checkpoint of another
 * process in between is never overwritten with stale tags.
 *
 * File format (big-endian):
 *
 *	 0  8	magic "csvhead1"
 *	 8 16	database id
 *	24  4	page size
 *	28  4	number of pages n
 *	32 16n	the tag of page 1 .. n
 *	   32	BLAKE2b-256 of all of the above, keyed with a key derived
 *		from the page key (crypto_kdf id 2, context "csvhead1")
 *
 * Why crashes do not raise false alarms: a main-file page newer than
 * the list (a crash before the list was written) or older (the list
 * written, the page not yet durable) still has its WAL frame or its
 * hot-journal image, and recovery, or the checkpoint vault_open runs
 * before it compares, writes it again and updates the list.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>
#include <sqlite3.h>

#include "buf.h"
#include "errors.h"
#include "fault.h"
#include "log.h"
#include "util.h"
#include "vault.h"
#include "vault_int.h"

#define HEAD_MAGIC	"csvhead1"
#define HEAD_MAGIC2	"csvhead2"
#define HEAD_HDR	32
#define HEAD_HDR2	(HEAD_HDR + 3 * VAULT_EPOCH_LEN)
#define HEAD_TAG	16
#define HEAD_MAC	32
#define HEAD_KDF_ID	2
/* 64 Mi pages of 16 KiB: 1 TiB; the list would be 1 GiB */
#define HEAD_PAGES_MAX	(64u * 1024 * 1024)

struct vault_head {
	pthread_mutex_t	 mtx;
	char		 path[PATH_MAX];
	uint8_t		*tags;		/* n * HEAD_TAG */
	uint32_t	 n, cap;
	int		 depth;		/* writer locks held (any connection) */
	int		 loaded;	/* read at least once */
	int		 dirty;		/* changed since written */
	int		 missing;	/* no file: list taken from vault.db */
	int		 bad;		/* a file not ours: never written */
	int		 verify;	/* compare at the next release */
	int		 verified;	/* ... done: result in badpg, nbad */
	uint32_t	 badpg;
	uint64_t	 nbad;
	/* WAL epoch (docs/VAULT.md, "WAL epochs"): fmt 1 (csvhead1,
	 * frames under the WAL AD) or 2 (csvhead2) */
	int		 fmt;
	uint8_t		 epoch[VAULT_EPOCH_LEN];	/* E */
	uint8_t		 cur[VAULT_EPOCH_LEN];		/* S: its header */
	uint8_t		 retired[VAULT_EPOCH_LEN];	/* R */
};

struct vault_head *
vault_head_new(void)
{
	struct vault_head	*h;

	if ((h = calloc(1, sizeof(*h))) == NULL)
		return NULL;
	if (pthread_mutex_init(&h->mtx, NULL) != 0) {
		free(h);
		return NULL;
	}
	return h;
}

void
vault_head_free(struct vault_head *h)
{
	if (h == NULL)
		return;
	pthread_mutex_destroy(&h->mtx);
	free(h->tags);
	free(h);
}

void
vault_head_path(struct vault_head *h, const char *dbpath)
{
	vault_lock(&h->mtx);
	if (h->path[0] == '\0' &&
	    str_fmt(h->path, sizeof(h->path), "%s-head", dbpath) != 0)
		h->path[0] = '\0';
	vault_unlock(&h->mtx);
}

static int
head_grow(struct vault_head *h, uint32_t n)
{
	uint8_t		*t;
	uint32_t	 cap;

	if (n <= h->cap)
		return 0;
	if (n > HEAD_PAGES_MAX)
		return -1;
	cap = h->cap < 64 ? 64 : h->cap;
	while (cap < n)
		cap = cap > HEAD_PAGES_MAX / 2 ? HEAD_PAGES_MAX : cap * 2;
	if ((t = reallocarray(h->tags, cap, HEAD_TAG)) == NULL)
		return -1;
	memset(t + (size_t)h->cap * HEAD_TAG, 0,
	    (size_t)(cap - h->cap) * HEAD_TAG);
	h->tags = t;
	h->cap = cap;
	return 0;
}

static void
head_key(const struct vault_keys *k, uint8_t key[32])
{
	(void)crypto_kdf_derive_from_key(key, 32, HEAD_KDF_ID, "csvhead1",
	    k->pagekey);
}

static void
head_mac(const struct vault_keys *k, const uint8_t *p, size_t len,
    uint8_t mac[HEAD_MAC])
{
	uint8_t	key[32];

	head_key(k, key);
	crypto_generichash(mac, HEAD_MAC, p, len, key, sizeof(key));
	sodium_memzero(key, sizeof(key));
}

/* The tag of page "pgno" as it is in the file: 0, 1 (beyond the end). */
static int
head_file_tag(sqlite3_file *real, uint32_t pgsz, uint32_t pgno,
    uint8_t tag[HEAD_TAG])
{
	int	rc;

	rc = real->pMethods->xRead(real, tag, HEAD_TAG,
	    (sqlite3_int64)pgno * pgsz - HEAD_TAG);
	if (rc == SQLITE_OK)
		return 0;
	return rc == SQLITE_IOERR_SHORT_READ ? 1 : -1;
}

/* Pages in the main file now: -1 on error. */
static int64_t
head_file_pages(sqlite3_file *real, uint32_t pgsz)
{
	sqlite3_int64	size;

	if (real->pMethods->xFileSize(real, &size) != SQLITE_OK || size < 0)
		return -1;
	return size / pgsz;
}

/* No file: take the list from vault.db as it is (trust on first use). */
static void
head_adopt(struct vault_head *h, const struct vault_keys *k,
    sqlite3_file *real)
{
	int64_t		n;
	uint32_t	i;

	h->n = 0;
	if ((n = head_file_pages(real, k->pgsz)) < 0 || n > HEAD_PAGES_MAX ||
	    head_grow(h, (uint32_t)n) != 0) {
		h->bad = 1;
		return;
	}
	for (i = 1; i <= (uint32_t)n; i++)
		if (head_file_tag(real, k->pgsz, i, h->tags +
		    (size_t)(i - 1) * HEAD_TAG) != 0) {
			h->bad = 1;
			return;
		}
	h->n = (uint32_t)n;
	h->fmt = 1;
	h->missing = n > 0;	/* an empty vault.db: a new vault */
	h->dirty = 1;
}

/*
 * Read and check the file into "*bp" / "*lenp" (malloc'd): 0, 1 (no
 * file), -1 (not ours, or an error).  *fmtp: 1 or 2.
 */
static int
head_read(const struct vault_head *h, const struct vault_keys *k,
    uint8_t **bp, size_t *lenp, int *fmtp)
{
	uint8_t		*b = NULL, mac[HEAD_MAC];
	struct stat	 st;
	uint32_t	 n;
	size_t		 len, hdr;
	int		 fd, fmt;

	*bp = NULL;
	if ((fd = open(h->path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1)
		return errno == ENOENT ? 1 : -1;
	if (fstat(fd, &st) == -1 || st.st_size < HEAD_HDR + HEAD_MAC ||
	    (uint64_t)st.st_size > HEAD_HDR2 + HEAD_MAC +
	    (uint64_t)HEAD_PAGES_MAX * HEAD_TAG ||
	    (b = malloc((size_t)st.st_size)) == NULL ||
	    read(fd, b, (size_t)st.st_size) != (ssize_t)st.st_size)
		goto bad;
	len = (size_t)st.st_size;
	if (memcmp(b, HEAD_MAGIC, 8) == 0)
		fmt = 1;
	else if (memcmp(b, HEAD_MAGIC2, 8) == 0)
		fmt = 2;
	else
		goto bad;
	hdr = fmt == 1 ? HEAD_HDR : HEAD_HDR2;
	n = buf_load_u32(b + 28);
	/* exact size, our magic, id and page size, and the MAC */
	if (len < hdr + HEAD_MAC ||
	    len - hdr - HEAD_MAC != (size_t)n * HEAD_TAG ||
	    memcmp(b + 8, k->dbid, VAULT_DBID_LEN) != 0 ||
	    buf_load_u32(b + 24) != k->pgsz)
		goto bad;
	head_mac(k, b, len - HEAD_MAC, mac);
	if (sodium_memcmp(mac, b + len - HEAD_MAC, HEAD_MAC) != 0)
		goto bad;
	close(fd);
	*bp = b;
	*lenp = len;
	*fmtp = fmt;
	return 0;
 bad:
	free(b);
	close(fd);
	return -1;
}

/* The epoch fields of a list read by head_read. */
static void
head_set_epoch(struct vault_head *h, const uint8_t *b, int fmt)
{
	h->fmt = fmt;
	if (fmt == 2) {
		memcpy(h->epoch, b + HEAD_HDR, VAULT_EPOCH_LEN);
		memcpy(h->cur, b + HEAD_HDR + VAULT_EPOCH_LEN,
		    VAULT_EPOCH_LEN);
		memcpy(h->retired, b + HEAD_HDR + 2 * VAULT_EPOCH_LEN,
		    VAULT_EPOCH_LEN);
	} else {
		memset(h->epoch, 0, VAULT_EPOCH_LEN);
		memset(h->cur, 0, VAULT_EPOCH_LEN);
		memset(h->retired, 0, VAULT_EPOCH_LEN);
	}
}

/* Read the file; "bad" if it is there but not ours. */
static void
head_load(struct vault_head *h, const struct vault_keys *k,
    sqlite3_file *real)
{
	uint8_t		*b;
	uint32_t	 n;
	size_t		 len;
	int		 r, fmt;

	h->missing = h->bad = h->dirty = 0;
	h->n = 0;
	h->loaded = 1;
	if ((r = head_read(h, k, &b, &len, &fmt)) == 1) {
		head_adopt(h, k, real);
		return;
	}
	if (r != 0)
		goto bad;
	n = buf_load_u32(b + 28);
	if (head_grow(h, n) != 0) {
		free(b);
		goto bad;
	}
	memcpy(h->tags, b + (fmt == 1 ? HEAD_HDR : HEAD_HDR2),
	    (size_t)n * HEAD_TAG);
	h->n = n;
	head_set_epoch(h, b, fmt);
	free(b);
	return;
 bad:
	log_warnx("vault: %s is not this vault's page list", h->path);
	h->bad = 1;
}

/* Write the list out (caller holds mtx); 0 or -1. */
static int
head_store(struct vault_head *h, const struct vault_keys *k)
{
	uint8_t	*b;
	size_t	 len, hdr;
	int	 r;

	if (!h->dirty || h->missing || h->bad || h->path[0] == '\0')
		return 0;
	hdr = h->fmt == 2 ? HEAD_HDR2 : HEAD_HDR;
	len = hdr + (size_t)h->n * HEAD_TAG + HEAD_MAC;
	if ((b = malloc(len)) == NULL)
		return -1;
	memcpy(b, h->fmt == 2 ? HEAD_MAGIC2 : HEAD_MAGIC, 8);
	memcpy(b + 8, k->dbid, VAULT_DBID_LEN);
	buf_store_u32(b + 24, k->pgsz);
	buf_store_u32(b + 28, h->n);
	if (h->fmt == 2) {
		memcpy(b + HEAD_HDR, h->epoch, VAULT_EPOCH_LEN);
		memcpy(b + HEAD_HDR + VAULT_EPOCH_LEN, h->cur,
		    VAULT_EPOCH_LEN);
		memcpy(b + HEAD_HDR + 2 * VAULT_EPOCH_LEN, h->retired,
		    VAULT_EPOCH_LEN);
	}
	if (h->n > 0)
		memcpy(b + hdr, h->tags, (size_t)h->n * HEAD_TAG);
	head_mac(k, b, len - HEAD_MAC, b + len - HEAD_MAC);
	r = file_write_atomic(h->path, b, len, 0600, 0);
	free(b);
	if (r != 0) {
		log_warnx("vault: cannot write %s: %s", h->path, cs_why(r));
		return -1;
	}
	h->dirty = 0;
	return 0;
}

/* Compare every page's tag with the list (caller holds mtx). */
static void
head_compare(struct vault_head *h, const struct vault_keys *k,
    sqlite3_file *real)
{
	uint8_t		tag[HEAD_TAG];
	int64_t		n;
	uint32_t	i, upto;

	h->badpg = 0;
	h->nbad = 0;
	if (h->bad) {
		h->nbad = 1;
		return;
	}
	if ((n = head_file_pages(real, k->pgsz)) < 0) {
		h->nbad = 1;
		return;
	}
	if ((uint64_t)n != h->n) {
		log_warnx("vault: vault.db has %lld pages, this vault last "
		    "wrote %u", (long long)n, h->n);
		h->nbad++;
		h->badpg = (uint32_t)(n < h->n ? n + 1 : h->n + 1);
	}
	upto = (uint64_t)n < h->n ? (uint32_t)n : h->n;
	for (i = 1; i <= upto; i++) {
		if (head_file_tag(real, k->pgsz, i, tag) != 0 ||
		    sodium_memcmp(tag, h->tags + (size_t)(i - 1) * HEAD_TAG,
		    HEAD_TAG) != 0) {
			if (h->nbad++ == 0 || h->badpg == 0)
				h->badpg = i;
		}
	}
}

/*
 * Read the epoch fields again from the file, leaving the tags alone
 * (caller holds mtx): 1 if they changed, 0 if not, -1 (no list).
 */
static int
head_refresh(struct vault_head *h, const struct vault_keys *k)
{
	uint8_t	*b;
	size_t	 len;
	int	 fmt, changed;

	if (head_read(h, k, &b, &len, &fmt) != 0)
		return -1;
	changed = fmt != h->fmt || (fmt == 2 &&
	    (memcmp(h->epoch, b + HEAD_HDR, VAULT_EPOCH_LEN) != 0 ||
	    memcmp(h->cur, b + HEAD_HDR + VAULT_EPOCH_LEN,
	    VAULT_EPOCH_LEN) != 0 ||
	    memcmp(h->retired, b + HEAD_HDR + 2 * VAULT_EPOCH_LEN,
	    VAULT_EPOCH_LEN) != 0));
	head_set_epoch(h, b, fmt);
	free(b);
	return changed;
}

void
vault_head_begin(struct vault_head *h, const struct vault_keys *k,
    sqlite3_file *real)
{
	vault_lock(&h->mtx);
	/*
	 * Unless our own changes could not be written (a full disk): then
	 * the list in memory is the newer one, and the pages it names may
	 * already be marked checkpointed in the WAL index.
	 */
	if (h->depth++ == 0) {
		if (!(h->loaded && h->dirty && !h->missing))
			head_load(h, k, real);
		else
			(void)head_refresh(h, k);
	}
	vault_unlock(&h->mtx);
}

void
vault_head_end(struct vault_head *h, const struct vault_keys *k,
    sqlite3_file *real)
{
	vault_lock(&h->mtx);
	if (h->depth > 0 && --h->depth == 0) {
		fault_pause("vault-head-end");	/* tests: the lock held */
		if (h->verify) {
			head_compare(h, k, real);
			h->verify = 0;
			h->verified = 1;
		}
		(void)head_store(h, k);
	}
	vault_unlock(&h->mtx);
}

void
vault_head_page(struct vault_head *h, const struct vault_keys *k,
    sqlite3_file *real, uint32_t pgno, const uint8_t tag[HEAD_TAG])
{
	vault_lock(&h->mtx);
	/* every main-file write is under a writer lock (begin); if not,
	 * at least start from the list on disk */
	if (!h->loaded)
		head_load(h, k, real);
	if (pgno > h->n) {
		if (head_grow(h, pgno) != 0)
			h->bad = 1;
		else
			h->n = pgno;
	}
	if (!h->bad)
		memcpy(h->tags + (size_t)(pgno - 1) * HEAD_TAG, tag, HEAD_TAG);
	h->dirty = 1;
	vault_unlock(&h->mtx);
}

void
vault_head_truncate(struct vault_head *h, sqlite3_int64 size, uint32_t pgsz)
{
	vault_lock(&h->mtx);
	if (size >= 0 && (uint64_t)(size / pgsz) < h->n) {
		h->n = (uint32_t)(size / pgsz);
		h->dirty = 1;
	}
	vault_unlock(&h->mtx);
}

int
vault_head_sync(struct vault_head *h, const struct vault_keys *k)
{
	int	r;

	vault_lock(&h->mtx);
	r = head_store(h, k);
	vault_unlock(&h->mtx);
	return r;
}

void
vault_head_want_verify(struct vault_head *h)
{
	vault_lock(&h->mtx);
	h->verify = 1;
	h->verified = 0;
	vault_unlock(&h->mtx);
}

int
vault_head_result(struct vault_head *h, int *verified, int *missing,
    uint32_t *badpg, uint64_t *nbad)
{
	vault_lock(&h->mtx);
	*verified = h->verified;
	*missing = h->missing;
	*badpg = h->badpg;
	*nbad = h->nbad;
	h->verify = 0;
	vault_unlock(&h->mtx);
	return 0;
}

int
vault_head_adopt(struct vault_head *h, const struct vault_keys *k)
{
	int	r;

	vault_lock(&h->mtx);
	h->missing = 0;
	h->dirty = 1;
	r = head_store(h, k);
	vault_unlock(&h->mtx);
	return r;
}

int
vault_head_epoch(struct vault_head *h, const struct vault_keys *k,
    int refresh, struct vault_epoch *e)
{
	int	r = 0;

	vault_lock(&h->mtx);
	if (refresh || h->fmt == 0)
		r = head_refresh(h, k);
	e->fmt = h->fmt == 2 ? 2 : 1;
	memcpy(e->epoch, h->epoch, VAULT_EPOCH_LEN);
	memcpy(e->cur, h->cur, VAULT_EPOCH_LEN);
	memcpy(e->retired, h->retired, VAULT_EPOCH_LEN);
	vault_unlock(&h->mtx);
	return r;
}

int
vault_head_new_epoch(struct vault_head *h, const struct vault_keys *k,
    sqlite3_file *real, const uint8_t ondisk[VAULT_EPOCH_LEN],
    const uint8_t next[VAULT_EPOCH_LEN], struct vault_epoch *e)
{
	uint8_t	saved[3 * VAULT_EPOCH_LEN];
	int	fmt, r;

	vault_lock(&h->mtx);
	/*
	 * Under the checkpoint lock: the list on disk has every other
	 * process's checkpoints.  Ours not yet written (a full disk) are
	 * newer than it.
	 */
	if (h->depth == 0 && !(h->loaded && h->dirty && !h->missing))
		head_load(h, k, real);
	else
		(void)head_refresh(h, k);
	if (h->missing || h->bad || h->path[0] == '\0') {
		vault_unlock(&h->mtx);
		return -1;
	}
	fmt = h->fmt;
	memcpy(saved, h->epoch, VAULT_EPOCH_LEN);
	memcpy(saved + VAULT_EPOCH_LEN, h->cur, VAULT_EPOCH_LEN);
	memcpy(saved + 2 * VAULT_EPOCH_LEN, h->retired, VAULT_EPOCH_LEN);
	memcpy(h->retired, ondisk, VAULT_EPOCH_LEN);
	memcpy(h->cur, next, VAULT_EPOCH_LEN);
	randombytes_buf(h->epoch, VAULT_EPOCH_LEN);
	h->fmt = 2;
	h->dirty = 1;
	if ((r = head_store(h, k)) != 0) {
		h->fmt = fmt;
		memcpy(h->epoch, saved, VAULT_EPOCH_LEN);
		memcpy(h->cur, saved + VAULT_EPOCH_LEN, VAULT_EPOCH_LEN);
		memcpy(h->retired, saved + 2 * VAULT_EPOCH_LEN,
		    VAULT_EPOCH_LEN);
	}
	e->fmt = h->fmt;
	memcpy(e->epoch, h->epoch, VAULT_EPOCH_LEN);
	memcpy(e->cur, h->cur, VAULT_EPOCH_LEN);
	memcpy(e->retired, h->retired, VAULT_EPOCH_LEN);
	vault_unlock(&h->mtx);
	return r;
}
