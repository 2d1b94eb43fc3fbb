/* SPDX-License-Identifier: ISC */
/*
 * vault_page.c - the page crypto of the encrypting VFS (vault.c): how
 * the pages of the main database, the WAL and the rollback journal are
 * sealed on write and opened on read, and what a page that does not
 * authenticate means (tampering, or a torn, uncommitted WAL tail).
 * docs/VAULT.md has the formats and the reasoning.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>
#include <sqlite3.h>

#include "buf.h"
#include "errors.h"
#include "fault.h"
#include "log.h"
#include "util.h"
#include "vault.h"
#include "vault_file.h"
#include "vault_int.h"

#define AD_LEN		(VAULT_DBID_LEN + 1 + 4 + 4)
/*
 * The new-epoch wait for the checkpoint lock: 10 ms apart, 30 s.  Its
 * holders are checkpointers; a FULL, RESTART or TRUNCATE one waiting for
 * our WRITE lock gives up at its busy timeout.
 */
#define EPOCH_LOCK_TRIES	3000
#define WAL_CKPT_SLOT		1	/* SQLite's WAL_CKPT_LOCK */

atomic_int	vault_legacy_wal;

void
vault_test_legacy_wal(int on)
{
	atomic_store(&vault_legacy_wal, on);
}

static const uint8_t	 jrn_magic[8] = {
	0xd9, 0xd5, 0x05, 0xf9, 0x20, 0xa1, 0x63, 0xd7
};

static int
all_zero(const uint8_t *p, size_t n)
{
	uint8_t	acc = 0;
	size_t	i;

	for (i = 0; i < n; i++)
		acc |= p[i];
	return acc == 0;
}

static const char *
vf_kind(int type)
{
	return type == VF_MAIN ? "database" : type == VF_WAL ? "WAL" :
	    "journal";
}

/*
 * Every authentication failure the VFS reports goes through here (a
 * torn, uncommitted WAL tail does not: that is a crash, not tampering).
 * The flags are sticky: SQLite turns our SQLITE_IOERR_DATA into
 * whatever its caller sees (SQLITE_CORRUPT, a failed prepare, a
 * statement that merely ends early), so the vault and the process
 * remember it for the callers' error paths (vault_tampered).
 */
static int
vf_tampered(const struct vfile *f, uint32_t pgno)
{
	log_warnx("vault: %s page %u failed authentication: "
	    "database damaged or tampered", vf_kind(f->type), pgno);
	if (f->tampered != NULL)
		atomic_store(f->tampered, 1);
	vault_tamper_note();
	return SQLITE_IOERR_DATA;
}

/*
 * AD = database id, file type, page number, and for a WAL frame its
 * commit size ("ntrunc", 0 elsewhere).  Not the frame's salts: SQLite
 * writes frames with zero salts while it will rewrite their checksums
 * (a page changed twice in one transaction) and fills them in later.
 */
static void
vf_ad(const struct vault_keys *keys, int type, uint8_t ad[AD_LEN],
    uint32_t pgno, uint32_t ntrunc)
{
	memcpy(ad, keys->dbid, VAULT_DBID_LEN);
	ad[VAULT_DBID_LEN] = (uint8_t)type;
	buf_store_u32(ad + VAULT_DBID_LEN + 1, pgno);
	buf_store_u32(ad + VAULT_DBID_LEN + 5, ntrunc);
}

/*
 * Check a plaintext page SQLite hands us: the reserved bytes must be
 * zero (we overwrite them and give zeros back, and WAL checksums cover
 * them), and page 1 must declare our page size and reserve.
 */
static int
vf_plain_ok(const struct vfile *f, const uint8_t *p, uint32_t pgno)
{
	uint32_t	ps;

	if (!all_zero(p + f->pgsz - VAULT_RESERVE, VAULT_RESERVE)) {
		log_warnx("vault: refusing a page with data in its reserve");
		return 0;
	}
	if (pgno == 1) {
		ps = buf_load_u16(p + 16);
		if (ps == 1)
			ps = 65536;
		if (p[20] != VAULT_RESERVE || ps != f->pgsz) {
			log_warnx("vault: refusing a page 1 without the "
			    "%d-byte reserve", VAULT_RESERVE);
			return 0;
		}
	}
	return 1;
}

/*
 * Seal the plaintext page "p" (pgsz bytes) in place, with the AD of
 * file type "type".  With "epoch" (a WAL frame of an epoch), the nonce
 * is the epoch, the commit size "commit" and 12 random bytes.
 */
static int
vf_seal_as(struct vfile *f, uint8_t *p, int type, uint32_t pgno,
    uint32_t ntrunc, const uint8_t *epoch, uint32_t commit)
{
	uint8_t			ad[AD_LEN];
	size_t			n = f->pgsz - VAULT_RESERVE;
	unsigned long long	taglen;

	vf_ad(f->keys, type, ad, pgno, ntrunc);
	/* Random nonces, fetched 128 at a time: one getrandom(), not one
	 * per page. */
	if (f->npool < NONCE_LEN) {
		randombytes_buf(f->pool, sizeof(f->pool));
		f->npool = sizeof(f->pool);
	}
	memcpy(p + n, f->pool + sizeof(f->pool) - f->npool, NONCE_LEN);
	f->npool -= NONCE_LEN;
	if (epoch != NULL) {
		memcpy(p + n, epoch, VAULT_EPOCH_LEN);
		buf_store_u32(p + n + VAULT_EPOCH_LEN, commit);
	}
	if (crypto_aead_xchacha20poly1305_ietf_encrypt_detached(p,
	    p + n + NONCE_LEN, &taglen, p, n, ad, sizeof(ad), NULL, p + n,
	    f->keys->pagekey) != 0 || taglen != TAG_LEN)
		return SQLITE_IOERR_WRITE;
	return SQLITE_OK;
}

static int
vf_seal(struct vfile *f, uint8_t *p, uint32_t pgno, uint32_t ntrunc)
{
	return vf_seal_as(f, p, f->type, pgno, ntrunc, NULL, 0);
}

/*
 * Open the sealed page "p" (pgsz bytes) of a file of type "type" in
 * place: 0, or -1 (then "p" is zeroed).  Touches nothing but its
 * arguments: the read-ahead worker calls it too, through
 * vault_open_main_page().
 */
static int
page_open(const struct vault_keys *keys, int type, uint32_t pgsz,
    uint8_t *p, uint32_t pgno, uint32_t ntrunc)
{
	uint8_t	ad[AD_LEN], nonce[NONCE_LEN], tag[TAG_LEN];
	size_t	n = pgsz - VAULT_RESERVE;
	int	r;

	vf_ad(keys, type, ad, pgno, ntrunc);
	memcpy(nonce, p + n, NONCE_LEN);
	memcpy(tag, p + n + NONCE_LEN, TAG_LEN);
	r = crypto_aead_xchacha20poly1305_ietf_decrypt_detached(p, NULL, p, n,
	    tag, ad, sizeof(ad), nonce, keys->pagekey);
	if (r != 0)
		memset(p, 0, pgsz);
	else
		memset(p + n, 0, VAULT_RESERVE);
	return r == 0 ? 0 : -1;
}

/* Open the sealed page "p" in place: 0, or -1 (then "p" is zeroed). */
static int
vf_open_page(const struct vfile *f, uint8_t *p, uint32_t pgno,
    uint32_t ntrunc)
{
	return page_open(f->keys, f->type, f->pgsz, p, pgno, ntrunc);
}

int
vault_open_main_page(const struct vault_keys *keys, uint32_t pgsz,
    uint8_t *p, uint32_t pgno)
{
	return page_open(keys, VF_MAIN, pgsz, p, pgno, 0);
}

/* The page codec alone, for tests/fuzz/fuzz_vault.c (see vault.h). */
static int
vault_page_file(struct vfile *f, const struct vault_keys *keys, int type,
    uint32_t pgsz)
{
	if ((type != VF_MAIN && type != VF_WAL && type != VF_JOURNAL) ||
	    pgsz < 512 || pgsz > 65536 || (pgsz & (pgsz - 1)) != 0)
		return CS_ERR_FORMAT;
	memset(f, 0, sizeof(*f));
	f->keys = keys;
	f->type = type;
	f->pgsz = pgsz;
	return 0;
}

int
vault_page_seal(const struct vault_keys *keys, int type, uint8_t *p,
    uint32_t pgsz, uint32_t pgno, uint32_t ntrunc)
{
	struct vfile	f;
	int		r;

	if ((r = vault_page_file(&f, keys, type, pgsz)) != 0)
		return r;
	if (!vf_plain_ok(&f, p, pgno))
		return CS_ERR_FORMAT;
	r = vf_seal(&f, p, pgno, ntrunc) == SQLITE_OK ? 0 : CS_ERR_CRYPTO;
	sodium_memzero(&f, sizeof(f));
	return r;
}

int
vault_page_open(const struct vault_keys *keys, int type, uint8_t *p,
    uint32_t pgsz, uint32_t pgno, uint32_t ntrunc)
{
	struct vfile	f;
	int		r;

	if ((r = vault_page_file(&f, keys, type, pgsz)) != 0)
		return r;
	return vf_open_page(&f, p, pgno, ntrunc) == 0 ? 0 : CS_ERR_TAMPERED;
}

int
vf_real_read(const struct vfile *f, void *p, int n, sqlite3_int64 off)
{
	return f->real->pMethods->xRead(f->real, p, n, off);
}

static int
vf_real_write(const struct vfile *f, const void *p, int n, sqlite3_int64 off)
{
	return f->real->pMethods->xWrite(f->real, p, n, off);
}

/* ---- main database ---- */

/*
 * The page count in the header of the main file's page 1, 0 if the
 * file has no page 1, or -1 if page 1 does not authenticate.
 */
static int64_t
main_hdr_pages(struct vfile *f)
{
	uint8_t	*p;
	int64_t	 n = -1;
	int	 rc;

	if ((p = malloc(f->pgsz)) == NULL)
		return -1;
	rc = vf_real_read(f, p, (int)f->pgsz, 0);
	if (rc == SQLITE_IOERR_SHORT_READ && all_zero(p, f->pgsz))
		n = 0;
	else if (rc == SQLITE_OK && vf_open_page(f, p, 1, 0) == 0)
		n = buf_load_u32(p + 28);
	free(p);
	return n;
}

/* Finish reading page "pgno" of the main file into "p". */
static int
main_finish(struct vfile *f, uint8_t *p, uint32_t pgno, int rc)
{
	int64_t	n;

	if (rc == SQLITE_IOERR_SHORT_READ) {
		/*
		 * Past the end: SQLite expects zeros.  But a partial page,
		 * or a page that page 1 says exists, means someone cut the
		 * file short.
		 */
		if (!all_zero(p, f->pgsz))
			return vf_tampered(f, pgno);
		if (pgno != 1 && ((n = main_hdr_pages(f)) < 0 ||
		    pgno <= (uint64_t)n))
			return vf_tampered(f, pgno);
		return rc;
	}
	if (rc != SQLITE_OK)
		return rc;
	if (vf_open_page(f, p, pgno, 0) != 0)
		return vf_tampered(f, pgno);
	return SQLITE_OK;
}

int
main_read(struct vfile *f, uint8_t *buf, int amt, sqlite3_int64 off)
{
	sqlite3_int64	in;
	uint32_t	pgno;
	int		rc;

	in = off % f->pgsz;
	if (off < 0 || amt <= 0 || (uint64_t)in + (uint64_t)amt > f->pgsz ||
	    off / f->pgsz >= UINT32_MAX)
		return SQLITE_IOERR_READ;
	pgno = (uint32_t)(off / f->pgsz) + 1;
	if ((uint32_t)amt == f->pgsz) {
		if (pgno != f->ahead.ra_seq)
			vault_ahead_reset(&f->ahead);
		else if (f->ahead.ra_used > 0 &&
		    vault_ahead_take(&f->ahead, pgno, buf) == 0)
			return SQLITE_OK;
		rc = vf_real_read(f, buf, amt, off);
		rc = main_finish(f, buf, pgno, rc);
		vault_ahead_note(&f->ahead, pgno, rc);
		return rc;
	}
	vault_ahead_reset(&f->ahead);
	/* Part of a page (the 100-byte header): decrypt all of it. */
	rc = vf_real_read(f, f->pg, (int)f->pgsz, off - in);
	rc = main_finish(f, f->pg, pgno, rc);
	if (rc == SQLITE_OK || rc == SQLITE_IOERR_SHORT_READ)
		memcpy(buf, f->pg + in, (size_t)amt);
	return rc;
}

int
main_write(struct vfile *f, const uint8_t *buf, int amt, sqlite3_int64 off)
{
	uint32_t	pgno;
	int		rc, copied = 0;

	if ((uint32_t)amt != f->pgsz || off < 0 || off % f->pgsz != 0 ||
	    off / f->pgsz >= UINT32_MAX) {
		log_warnx("vault: unexpected database write (%d at %lld)",
		    amt, (long long)off);
		return SQLITE_IOERR_WRITE;
	}
	pgno = (uint32_t)(off / f->pgsz) + 1;
	if (f->ck_copy && f->ck_pgno != 0 && f->ck_pgno == pgno &&
	    memcmp(buf + f->pgsz - NONCE_LEN - TAG_LEN, f->ck_seal,
	    NONCE_LEN + TAG_LEN) == 0) {
		/*
		 * A checkpoint copies the frame wal_read handed it, sealed
		 * under this file's AD: as it is (docs/VAULT.md, "WAL
		 * epochs").
		 */
		f->ck_pgno = 0;
		memcpy(f->pg, buf, f->pgsz);
		copied = 1;
	} else {
		if (!vf_plain_ok(f, buf, pgno))
			return SQLITE_IOERR_WRITE;
		memcpy(f->pg, buf, f->pgsz);
		if ((rc = vf_seal(f, f->pg, pgno, 0)) != SQLITE_OK)
			return rc;
	}
	if ((rc = vf_real_write(f, f->pg, amt, off)) == SQLITE_OK &&
	    f->head != NULL)
		vault_head_page(f->head, f->keys, f->real, pgno,
		    f->pg + f->pgsz - TAG_LEN);
	if (copied)
		fault_point("vault-copy");	/* tests: a kill mid-copy */
	return rc;
}

/* ---- WAL ---- */

static sqlite3_int64
wal_frame_off(const struct vfile *f, sqlite3_int64 i)
{
	return WAL_HDR_LEN + i * (WAL_FHDR_LEN + (sqlite3_int64)f->pgsz);
}

/*
 * The page "p" of a frame with header "h" by rule "e": 0, -1 (failed:
 * "p" zeroed) or -2 (fmt 2: the nonce is not of epoch E with this
 * commit size; "p" untouched).
 */
static int
frame_open_as(const struct vault_keys *keys, const struct vault_epoch *e,
    uint8_t *p, const uint8_t *h)
{
	const uint8_t	*nonce = p + keys->pgsz - VAULT_RESERVE;

	if (e->fmt == 2) {
		if (memcmp(nonce, e->epoch, VAULT_EPOCH_LEN) != 0 ||
		    memcmp(nonce + VAULT_EPOCH_LEN, h + 4, 4) != 0)
			return -2;
		return page_open(keys, VF_MAIN, keys->pgsz, p,
		    buf_load_u32(h), 0);
	}
	return page_open(keys, VF_WAL, keys->pgsz, p, buf_load_u32(h),
	    buf_load_u32(h + 4));
}

int
vault_frame_open(const struct vault_keys *keys, struct vault_head *head,
    uint8_t *p, const uint8_t *h)
{
	struct vault_epoch	 e;
	uint8_t			*copy = NULL;
	int			 r;

	if (head == NULL) {
		memset(p, 0, keys->pgsz);
		return -1;
	}
	(void)vault_head_epoch(head, keys, 0, &e);
	if (e.fmt == 1 && (copy = malloc(keys->pgsz)) != NULL)
		memcpy(copy, p, keys->pgsz);
	if ((r = frame_open_as(keys, &e, p, h)) == 0)
		goto out;
	/*
	 * Another process may have drawn a new epoch (or converted the
	 * list): it wrote the list durably before any frame of it.
	 */
	if (r == -1 && copy == NULL)
		goto out;
	if (vault_head_epoch(head, keys, 1, &e) != 1)
		goto out;
	if (copy != NULL)
		memcpy(p, copy, keys->pgsz);
	r = frame_open_as(keys, &e, p, h);
 out:
	if (copy != NULL) {
		sodium_memzero(copy, keys->pgsz);
		free(copy);
	}
	if (r != 0) {
		memset(p, 0, keys->pgsz);
		return -1;
	}
	return 0;
}

static int
wal_frame_open(const struct vfile *f, uint8_t *p, const uint8_t *h)
{
	return vault_frame_open(f->keys, f->vhead, p, h);
}

/* SQLite's WAL checksum (walChecksumBytes) over "n" bytes of "a". */
static void
wal_cksum(int big, const uint8_t *a, size_t n, uint32_t s[2])
{
	uint32_t	s1 = s[0], s2 = s[1], x, y;
	size_t		i;

	for (i = 0; i + 8 <= n; i += 8) {
		if (big) {
			x = buf_load_u32(a + i);
			y = buf_load_u32(a + i + 4);
		} else {
			x = (uint32_t)a[i] | (uint32_t)a[i + 1] << 8 |
			    (uint32_t)a[i + 2] << 16 |
			    (uint32_t)a[i + 3] << 24;
			y = (uint32_t)a[i + 4] | (uint32_t)a[i + 5] << 8 |
			    (uint32_t)a[i + 6] << 16 |
			    (uint32_t)a[i + 7] << 24;
		}
		s1 += x + s2;
		s2 += y + s1;
	}
	s[0] = s1;
	s[1] = s2;
}

/*
 * Frame "i" (header "h", salts of the WAL header "whdr") failed our
 * rule in recovery.  A crash tears a frame: then it opens as nothing,
 * or SQLite's checksum (over the plaintext) does not match.  A frame
 * that opens as a page of this vault under another rule (a page of
 * vault.db, a frame of another epoch or of a csvhead1 WAL) and whose
 * SQLite checksum is right was put there: 1.  0 if not, -1 on error.
 */
static int
wal_replayed(struct vfile *f, const uint8_t *h, sqlite3_int64 i,
    const uint8_t *whdr)
{
	uint8_t		*p, prev[WAL_FHDR_LEN];
	uint32_t	 s[2];
	int		 r = 0, ok;

	if (memcmp(h + 8, whdr + 16, 8) != 0)
		return 0;
	if ((p = malloc(f->pgsz)) == NULL)
		return -1;
	if (vf_real_read(f, p, (int)f->pgsz, wal_frame_off(f, i) +
	    WAL_FHDR_LEN) != SQLITE_OK)
		goto out;
	ok = page_open(f->keys, VF_MAIN, f->pgsz, p, buf_load_u32(h), 0);
	if (ok != 0 && vf_real_read(f, p, (int)f->pgsz, wal_frame_off(f,
	    i) + WAL_FHDR_LEN) == SQLITE_OK)
		ok = page_open(f->keys, VF_WAL, f->pgsz, p, buf_load_u32(h),
		    buf_load_u32(h + 4));
	if (ok != 0)
		goto out;
	if (i == 0) {
		s[0] = buf_load_u32(whdr + 24);
		s[1] = buf_load_u32(whdr + 28);
	} else {
		if (vf_real_read(f, prev, sizeof(prev), wal_frame_off(f,
		    i - 1)) != SQLITE_OK)
			goto out;
		s[0] = buf_load_u32(prev + 16);
		s[1] = buf_load_u32(prev + 20);
	}
	wal_cksum(whdr[3] & 1, h, 8, s);
	wal_cksum(whdr[3] & 1, p, f->pgsz, s);
	r = s[0] == buf_load_u32(h + 16) && s[1] == buf_load_u32(h + 20);
 out:
	sodium_memzero(p, f->pgsz);
	free(p);
	return r;
}

/*
 * Frame "i" failed authentication on a read that SQLite's recovery
 * makes (whole frames, header included).  A frame after the last
 * commit may have been torn by a crash: SQLite will drop it because its
 * checksum fails, and that is right, since its transaction never
 * committed.  But if a later frame of this WAL generation is a valid
 * commit, the frame was part of committed history: tampering.  The
 * same holds for a frame whose salts were changed: SQLite would take it
 * for a left-over of an earlier WAL generation and end the log there.
 * Returns 1 for tampered, 0 for torn tail, -1 on error.
 */
static int
wal_committed_after(struct vfile *f, sqlite3_int64 i,
    const uint8_t *salts)
{
	uint8_t		 h[WAL_FHDR_LEN], *p;
	sqlite3_int64	 j;
	int		 rc, found = 0;

	if ((p = malloc(f->pgsz)) == NULL)
		return -1;
	for (j = i + 1; !found; j++) {
		if (vf_real_read(f, h, sizeof(h), wal_frame_off(f, j)) !=
		    SQLITE_OK)
			break;
		if (memcmp(h + 8, salts, 8) != 0 || buf_load_u32(h + 4) == 0)
			continue;
		rc = vf_real_read(f, p, (int)f->pgsz,
		    wal_frame_off(f, j) + WAL_FHDR_LEN);
		if (rc != SQLITE_OK)
			break;
		if (wal_frame_open(f, p, h) == 0)
			found = 1;
	}
	free(p);
	return found;
}

/*
 * Decrypt the page of frame "i" in "p" with frame header "h".  With
 * "recovery", SQLite is scanning whole frames and will stop at the
 * first one whose checksum fails; see wal_committed_after().
 */
static int
wal_open_frame(struct vfile *f, uint8_t *p, const uint8_t *h,
    sqlite3_int64 i, int recovery)
{
	uint8_t	whdr[WAL_HDR_LEN];
	int	r;

	if (wal_frame_open(f, p, h) == 0) {
		/*
		 * Salts are not in the AD.  In recovery, a frame with other
		 * salts than the WAL header's ends the log; fine after the
		 * last commit, tampering before it.  (Zero salts: a frame
		 * whose header SQLite has yet to rewrite, never committed.)
		 */
		if (!recovery || all_zero(h + 8, 8))
			return SQLITE_OK;
		if (vf_real_read(f, whdr, sizeof(whdr), 0) != SQLITE_OK)
			return vf_tampered(f, buf_load_u32(h));
		if (memcmp(whdr + 16, h + 8, 8) == 0)
			return SQLITE_OK;
		if ((r = wal_committed_after(f, i, whdr + 16)) < 0)
			return SQLITE_IOERR_NOMEM;
		return r > 0 ? vf_tampered(f, buf_load_u32(h)) : SQLITE_OK;
	}
	if (all_zero(h, WAL_FHDR_LEN))
		return SQLITE_OK;	/* never written: zeros, as SQLite wants */
	/* SQLite validated this frame when it read the log: changed since. */
	if (!recovery)
		return vf_tampered(f, buf_load_u32(h));
	if (vf_real_read(f, whdr, sizeof(whdr), 0) != SQLITE_OK)
		return vf_tampered(f, buf_load_u32(h));
	/* a page of this vault put there, with SQLite's checksum redone */
	if ((r = wal_replayed(f, h, i, whdr)) < 0)
		return SQLITE_IOERR_NOMEM;
	if (r > 0) {
		log_warnx("vault: WAL frame %lld is a page this vault wrote "
		    "elsewhere (a replay)", (long long)i + 1);
		return vf_tampered(f, buf_load_u32(h));
	}
	if ((r = wal_committed_after(f, i, whdr + 16)) < 0)
		return SQLITE_IOERR_NOMEM;
	if (r > 0)
		return vf_tampered(f, buf_load_u32(h));
	log_info("vault: dropping a torn WAL frame after the last commit");
	return SQLITE_OK;	/* zeros: SQLite's checksum ends the log here */
}

/*
 * A WAL header with the salts the page list retired (the header on disk
 * when the current epoch was drawn) reads as an empty WAL: its frames
 * were all in vault.db, synced, before the epoch was drawn.  Read the
 * list again first: another process may have drawn.
 */
static int
wal_hdr_retired(struct vfile *f, const uint8_t *hdr)
{
	struct vault_epoch	e;

	if (f->vhead == NULL)
		return 0;
	(void)vault_head_epoch(f->vhead, f->keys, 1, &e);
	return e.fmt == 2 && !all_zero(e.retired, VAULT_EPOCH_LEN) &&
	    memcmp(hdr + 16, e.retired, VAULT_EPOCH_LEN) == 0;
}

/*
 * A checkpoint's read of the frame in f->pg (header and page): a frame
 * of the current epoch is handed to SQLite sealed, and main_write
 * writes it as it is (SQLite writes the buffer it read to the main file
 * and does nothing else with it).  The epoch was read when the
 * checkpoint lock was taken, under which no new one is drawn.  0, a
 * tampered frame, or 1 (a csvhead1 list: open it as usual).
 */
static int
wal_copy_frame(struct vfile *f, uint8_t *buf)
{
	struct vault_epoch	 e;
	const uint8_t		*pg = f->pg + WAL_FHDR_LEN;
	const uint8_t		*nonce = pg + f->pgsz - VAULT_RESERVE;
	int			 i;

	for (i = 0; i < 2; i++) {
		(void)vault_head_epoch(f->vhead, f->keys, i, &e);
		if (e.fmt != 2)
			return 1;
		if (memcmp(nonce, e.epoch, VAULT_EPOCH_LEN) == 0)
			break;
	}
	if (i == 2 || buf_load_u32(f->pg) == 0)
		return vf_tampered(f, buf_load_u32(f->pg));
	memcpy(buf, pg, f->pgsz);
	f->mainf->ck_pgno = buf_load_u32(f->pg);
	memcpy(f->mainf->ck_seal, pg + f->pgsz - NONCE_LEN - TAG_LEN,
	    NONCE_LEN + TAG_LEN);
	return 0;
}

int
wal_read(struct vfile *f, uint8_t *buf, int amt, sqlite3_int64 off)
{
	uint8_t		 h[WAL_FHDR_LEN];
	const uint8_t	*hp;
	sqlite3_int64	 end, i, fs, ps, pe, lo, hi;
	int		 rc, r;

	if (off < 0 || amt <= 0)
		return SQLITE_IOERR_READ;
	/*
	 * The common case, a page of a frame SQLite has validated (reads
	 * and checkpoints): header and page in one read.
	 */
	if ((uint32_t)amt == f->pgsz && off >= WAL_HDR_LEN + WAL_FHDR_LEN &&
	    (off - WAL_HDR_LEN) % (WAL_FHDR_LEN + (sqlite3_int64)f->pgsz) ==
	    WAL_FHDR_LEN && vf_real_read(f, f->pg, WAL_FHDR_LEN + amt,
	    off - WAL_FHDR_LEN) == SQLITE_OK) {
		i = (off - WAL_HDR_LEN) / (WAL_FHDR_LEN +
		    (sqlite3_int64)f->pgsz);
		if (f->mainf != NULL && f->mainf->ck_copy &&
		    (r = wal_copy_frame(f, buf)) != 1)
			return r;
		if ((r = wal_open_frame(f, f->pg + WAL_FHDR_LEN, f->pg, i,
		    0)) == SQLITE_OK)
			memcpy(buf, f->pg + WAL_FHDR_LEN, f->pgsz);
		return r;
	}
	rc = vf_real_read(f, buf, amt, off);
	if (rc != SQLITE_OK && rc != SQLITE_IOERR_SHORT_READ)
		return rc;
	if (off == 0 && amt >= WAL_HDR_LEN && wal_hdr_retired(f, buf)) {
		/* an empty WAL: every frame of it is in vault.db */
		memset(buf, 0, (size_t)amt);
		return rc;
	}
	end = off + amt;
	i = off < WAL_HDR_LEN ? 0 : (off - WAL_HDR_LEN) /
	    (WAL_FHDR_LEN + (sqlite3_int64)f->pgsz);
	for (;; i++) {
		fs = wal_frame_off(f, i);
		ps = fs + WAL_FHDR_LEN;
		pe = ps + f->pgsz;
		if (ps >= end)
			break;
		if (pe <= off)
			continue;
		if (fs >= off) {
			hp = buf + (fs - off);
		} else {
			r = vf_real_read(f, h, sizeof(h), fs);
			if (r == SQLITE_IOERR_SHORT_READ)
				memset(h, 0, sizeof(h));
			else if (r != SQLITE_OK)
				return r;
			hp = h;
		}
		if (ps >= off && pe <= end) {
			r = wal_open_frame(f, buf + (ps - off), hp, i,
			    fs >= off);
		} else {
			/* Part of a frame's page: decrypt all of it. */
			r = vf_real_read(f, f->pg, (int)f->pgsz, ps);
			if (r != SQLITE_OK && r != SQLITE_IOERR_SHORT_READ)
				return r;
			r = wal_open_frame(f, f->pg, hp, i, 0);
			lo = ps > off ? ps : off;
			hi = pe < end ? pe : end;
			memcpy(buf + (lo - off), f->pg + (lo - ps),
			    (size_t)(hi - lo));
		}
		if (r != SQLITE_OK)
			return r;
	}
	return rc;
}

/*
 * SQLite is about to write the header "hdr" of a new WAL generation,
 * which it does only when its index says the WAL is empty: every frame
 * on disk is in vault.db and vault.db synced, or none is committed.
 * Under the checkpoint lock (taken here through the shared memory, with
 * a time limit: a FULL checkpointer holds it while it waits for our
 * WRITE lock, until its busy timeout), read the list again, retire the salts of the header on
 * disk, draw a new epoch and write the list durably; only then may the
 * header, and frames of the epoch, reach the file.
 */
static int
wal_new_epoch(struct vfile *f, const uint8_t *hdr)
{
	const struct timespec	 ts = { 0, 10 * 1000000L };
	struct vault_epoch	 e;
	sqlite3_file		*m;
	uint8_t			 old[WAL_HDR_LEN];
	int			 i, rc;

	if (atomic_load(&vault_legacy_wal))
		return SQLITE_OK;
	if (f->mainf == NULL || f->vhead == NULL) {
		log_warnx("vault: a WAL without its database");
		return SQLITE_IOERR_WRITE;
	}
	m = f->mainf->real;
	for (i = 0;; i++) {
		rc = m->pMethods->xShmLock(m, WAL_CKPT_SLOT, 1,
		    SQLITE_SHM_LOCK | SQLITE_SHM_EXCLUSIVE);
		if (rc != SQLITE_BUSY || i >= EPOCH_LOCK_TRIES)
			break;
		nanosleep(&ts, NULL);
	}
	if (rc != SQLITE_OK) {
		log_warnx("vault: no new WAL epoch: the checkpoint lock is "
		    "busy");
		return rc;
	}
	rc = vf_real_read(f, old, sizeof(old), 0);
	if (rc == SQLITE_IOERR_SHORT_READ) {
		memset(old, 0, sizeof(old));
		rc = SQLITE_OK;
	}
	if (rc == SQLITE_OK && vault_head_new_epoch(f->vhead, f->keys,
	    f->mainf->real, old + 16, hdr + 16, &e) != 0) {
		log_warnx("vault: cannot write the page list for a new WAL "
		    "epoch");
		rc = SQLITE_IOERR_WRITE;
	}
	(void)m->pMethods->xShmLock(m, WAL_CKPT_SLOT, 1,
	    SQLITE_SHM_UNLOCK | SQLITE_SHM_EXCLUSIVE);
	if (rc == SQLITE_OK)
		memcpy(f->gen, hdr + 16, sizeof(f->gen));
	f->gen_set = rc == SQLITE_OK;
	return rc;
}

/*
 * Seal the page "p" of a frame with header "h" by the list's rule.  A
 * frame of an epoch must be of the WAL generation the epoch was drawn
 * for: its salts (or, zero while SQLite will rewrite its checksums,
 * those this file sealed last) are the list's; if not, another process
 * started the generation and the list is read again.
 */
static int
wal_seal_frame(struct vfile *f, uint8_t *p, const uint8_t *h)
{
	struct vault_epoch	 e;
	const uint8_t		*salts = h + 8;
	int			 again;

	if (f->vhead == NULL)
		return SQLITE_IOERR_WRITE;
	if (all_zero(salts, 8))
		salts = f->gen_set ? f->gen : NULL;
	(void)vault_head_epoch(f->vhead, f->keys, 0, &e);
	again = salts != NULL && (e.fmt == 2 ?
	    memcmp(salts, e.cur, 8) != 0 :
	    (!f->gen_set || memcmp(salts, f->gen, 8) != 0));
	if (again)
		(void)vault_head_epoch(f->vhead, f->keys, 1, &e);
	if (salts != NULL) {
		memcpy(f->gen, salts, sizeof(f->gen));
		f->gen_set = 1;
	}
	if (e.fmt != 2)
		return vf_seal(f, p, buf_load_u32(h), buf_load_u32(h + 4));
	if (salts != NULL && memcmp(salts, e.cur, 8) != 0) {
		log_warnx("vault: a WAL frame of a generation without an "
		    "epoch");
		return SQLITE_IOERR_WRITE;
	}
	return vf_seal_as(f, p, VF_MAIN, buf_load_u32(h), 0, e.epoch,
	    buf_load_u32(h + 4));
}

int
wal_write(struct vfile *f, const uint8_t *buf, int amt, sqlite3_int64 off)
{
	sqlite3_int64	 rel;
	uint8_t		 h[WAL_FHDR_LEN];
	const uint8_t	*hp;
	int		 rc;

	if (off == 0 && amt == WAL_HDR_LEN) {
		if (buf_load_u32(buf + 8) != f->pgsz) {
			log_warnx("vault: WAL page size is not ours");
			return SQLITE_IOERR_WRITE;
		}
		f->fh_off = -1;
		if ((rc = wal_new_epoch(f, buf)) != SQLITE_OK)
			return rc;
		fault_point("vault-epoch-after-list");
		return vf_real_write(f, buf, amt, off);
	}
	if (off < WAL_HDR_LEN)
		goto bad;
	rel = (off - WAL_HDR_LEN) % (WAL_FHDR_LEN + (sqlite3_int64)f->pgsz);
	if (rel == 0 && amt == WAL_FHDR_LEN) {
		memcpy(f->fh, buf, WAL_FHDR_LEN);
		f->fh_off = off;
		return vf_real_write(f, buf, amt, off);
	}
	if (rel != WAL_FHDR_LEN || (uint32_t)amt != f->pgsz)
		goto bad;
	/* A page: its header was just written, or (a page rewritten in
	 * place by the same transaction) is already in the file. */
	if (f->fh_off == off - WAL_FHDR_LEN)
		hp = f->fh;
	else {
		if ((rc = vf_real_read(f, h, sizeof(h), off - WAL_FHDR_LEN)) !=
		    SQLITE_OK)
			return rc == SQLITE_IOERR_SHORT_READ ?
			    SQLITE_IOERR_WRITE : rc;
		hp = h;
	}
	if (buf_load_u32(hp) == 0 || !vf_plain_ok(f, buf, buf_load_u32(hp)))
		return SQLITE_IOERR_WRITE;
	memcpy(f->pg, buf, f->pgsz);
	if ((rc = wal_seal_frame(f, f->pg, hp)) != SQLITE_OK)
		return rc;
	return vf_real_write(f, f->pg, amt, off);
 bad:
	log_warnx("vault: unexpected WAL write (%d at %lld)", amt,
	    (long long)off);
	return SQLITE_IOERR_WRITE;
}

/* ---- rollback journal ---- */

/*
 * A journal record is a 4-byte page number, the page image, a 4-byte
 * checksum, each written and read with its own call.  A page-sized
 * write right after a 4-byte write that ends where it starts is a page
 * image; journal headers start with the journal magic, which no page
 * image SQLite journals can start with (b-tree flags, or an overflow
 * page number far above max_page_count).
 */
int
jrn_write(struct vfile *f, const uint8_t *buf, int amt, sqlite3_int64 off)
{
	int	rc;

	if (amt == 4) {
		f->w4_off = off;
		f->w4 = buf_load_u32(buf);
		return vf_real_write(f, buf, amt, off);
	}
	if ((uint32_t)amt != f->pgsz || f->w4_off < 0 ||
	    f->w4_off != off - 4 || memcmp(buf, jrn_magic, 8) == 0)
		return vf_real_write(f, buf, amt, off);
	if (f->w4 == 0 || !vf_plain_ok(f, buf, f->w4))
		return SQLITE_IOERR_WRITE;
	memcpy(f->pg, buf, f->pgsz);
	if ((rc = vf_seal(f, f->pg, f->w4, 0)) != SQLITE_OK)
		return rc;
	return vf_real_write(f, f->pg, amt, off);
}

int
jrn_read(struct vfile *f, uint8_t *buf, int amt, sqlite3_int64 off)
{
	uint8_t		b4[4];
	uint32_t	pgno;
	int		rc;

	rc = vf_real_read(f, buf, amt, off);
	if (amt == 4 && rc == SQLITE_OK) {
		f->r4_off = off;
		f->r4 = buf_load_u32(buf);
	}
	if ((uint32_t)amt != f->pgsz || off < 4 || rc != SQLITE_OK)
		return rc;	/* a short read ends playback: zeros are fine */
	if (f->r4_off == off - 4)
		pgno = f->r4;
	else {
		if ((rc = vf_real_read(f, b4, 4, off - 4)) != SQLITE_OK)
			return rc;
		pgno = buf_load_u32(b4);
	}
	/* Records within nRec were synced before the database was
	 * touched (synchronous=FULL), so a bad one is not a torn write. */
	if (vf_open_page(f, buf, pgno, 0) != 0)
		return vf_tampered(f, pgno);
	return SQLITE_OK;
}

