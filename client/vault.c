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
 * thread (vault_ahead.c).  docs/VAULT.md has the formats and the
 * reasoning.
 */
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include <sqlite3.h>

#include "buf.h"
#include "errors.h"
#include "log.h"
#include "util.h"
#include "vault.h"
#include "vault_int.h"

#define VF_MAIN		1
#define VF_WAL		2
#define VF_JOURNAL	3

#define NONCE_LEN	crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define TAG_LEN		crypto_aead_xchacha20poly1305_ietf_ABYTES
#define AD_LEN		(VAULT_DBID_LEN + 1 + 4 + 4)
#define WAL_HDR_LEN	32
#define WAL_FHDR_LEN	24
#define TOKEN_LEN	((VAULT_TOKEN_LEN - 1) / 2)
#define VREG_MAX	64

/* What sqlite3_file points at for one of our files; the real file
 * follows the struct in the same allocation. */
struct vfile {
	sqlite3_file		 base;
	sqlite3_file		*real;
	const struct vault_keys	*keys;
	atomic_int		*tampered;	/* the vault's flag (vreg) */
	struct vault_head	*head;		/* main file: its tag list */
	int			 hold_excl;	/* main: EXCLUSIVE */
	int			 hold_ckpt;	/* main: the ckpt lock */
	uint8_t			*pg;		/* one frame, reused */
	sqlite3_int64		 fh_off;	/* WAL: last frame header */
	sqlite3_int64		 w4_off;	/* journal: last 4-byte write */
	sqlite3_int64		 r4_off;	/* journal: last 4-byte read */
	uint32_t		 pgsz;
	uint32_t		 w4, r4;
	int			 type;
	uint8_t			 fh[WAL_FHDR_LEN];
	size_t			 npool;		/* unused bytes in pool */
	uint8_t			 pool[NONCE_LEN * 128];
	/* Read-ahead (main file only; vault_ahead.c).  It belongs to
	 * the thread SQLite calls us on. */
	struct vault_ahead	 ahead;
};

/* Open vaults: token -> keys. */
struct vreg {
	char			 token[2 * TOKEN_LEN + 1];
	const struct vault_keys	*keys;
	atomic_int		 tampered;	/* a page failed: sticky */
	struct vault_head	*head;		/* vault_head.c */
};

static const uint8_t	 jrn_magic[8] = {
	0xd9, 0xd5, 0x05, 0xf9, 0x20, 0xa1, 0x63, 0xd7
};
static struct vreg	 vreg[VREG_MAX];
static pthread_mutex_t	 vreg_mtx = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t	 vfs_once = PTHREAD_ONCE_INIT;
static int		 vfs_rc = CS_ERR_DB;
/* Any vault of this process failed authentication (vault_tamper_seen). */
static atomic_int	 tamper_seen;

static uint32_t
be32(const uint8_t *p)
{
	return buf_load_u32(p);
}

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
	atomic_store(&tamper_seen, 1);
	return SQLITE_IOERR_DATA;
}

int
vault_tamper_seen(void)
{
	return atomic_load(&tamper_seen);
}

static void
put32(uint8_t *p, uint32_t v)
{
	buf_store_u32(p, v);
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
	put32(ad + VAULT_DBID_LEN + 1, pgno);
	put32(ad + VAULT_DBID_LEN + 5, ntrunc);
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

/* Seal the plaintext page "p" (pgsz bytes) in place. */
static int
vf_seal(struct vfile *f, uint8_t *p, uint32_t pgno, uint32_t ntrunc)
{
	uint8_t			ad[AD_LEN];
	size_t			n = f->pgsz - VAULT_RESERVE;
	unsigned long long	taglen;

	vf_ad(f->keys, f->type, ad, pgno, ntrunc);
	/* Random nonces, fetched 128 at a time: one getrandom(), not one
	 * per page. */
	if (f->npool < NONCE_LEN) {
		randombytes_buf(f->pool, sizeof(f->pool));
		f->npool = sizeof(f->pool);
	}
	memcpy(p + n, f->pool + sizeof(f->pool) - f->npool, NONCE_LEN);
	f->npool -= NONCE_LEN;
	if (crypto_aead_xchacha20poly1305_ietf_encrypt_detached(p,
	    p + n + NONCE_LEN, &taglen, p, n, ad, sizeof(ad), NULL, p + n,
	    f->keys->pagekey) != 0 || taglen != TAG_LEN)
		return SQLITE_IOERR_WRITE;
	return SQLITE_OK;
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

static int
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
		n = be32(p + 28);
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

static int
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

static int
main_write(struct vfile *f, const uint8_t *buf, int amt, sqlite3_int64 off)
{
	uint32_t	pgno;
	int		rc;

	if ((uint32_t)amt != f->pgsz || off < 0 || off % f->pgsz != 0 ||
	    off / f->pgsz >= UINT32_MAX) {
		log_warnx("vault: unexpected database write (%d at %lld)",
		    amt, (long long)off);
		return SQLITE_IOERR_WRITE;
	}
	pgno = (uint32_t)(off / f->pgsz) + 1;
	if (!vf_plain_ok(f, buf, pgno))
		return SQLITE_IOERR_WRITE;
	memcpy(f->pg, buf, f->pgsz);
	if ((rc = vf_seal(f, f->pg, pgno, 0)) != SQLITE_OK)
		return rc;
	if ((rc = vf_real_write(f, f->pg, amt, off)) == SQLITE_OK &&
	    f->head != NULL)
		vault_head_page(f->head, f->keys, f->real, pgno,
		    f->pg + f->pgsz - TAG_LEN);
	return rc;
}

/* ---- WAL ---- */

static sqlite3_int64
wal_frame_off(const struct vfile *f, sqlite3_int64 i)
{
	return WAL_HDR_LEN + i * (WAL_FHDR_LEN + (sqlite3_int64)f->pgsz);
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
		if (memcmp(h + 8, salts, 8) != 0 || be32(h + 4) == 0)
			continue;
		rc = vf_real_read(f, p, (int)f->pgsz,
		    wal_frame_off(f, j) + WAL_FHDR_LEN);
		if (rc != SQLITE_OK)
			break;
		if (vf_open_page(f, p, be32(h), be32(h + 4)) == 0)
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

	if (vf_open_page(f, p, be32(h), be32(h + 4)) == 0) {
		/*
		 * Salts are not in the AD.  In recovery, a frame with other
		 * salts than the WAL header's ends the log; fine after the
		 * last commit, tampering before it.  (Zero salts: a frame
		 * whose header SQLite has yet to rewrite, never committed.)
		 */
		if (!recovery || all_zero(h + 8, 8))
			return SQLITE_OK;
		if (vf_real_read(f, whdr, sizeof(whdr), 0) != SQLITE_OK)
			return vf_tampered(f, be32(h));
		if (memcmp(whdr + 16, h + 8, 8) == 0)
			return SQLITE_OK;
		if ((r = wal_committed_after(f, i, whdr + 16)) < 0)
			return SQLITE_IOERR_NOMEM;
		return r > 0 ? vf_tampered(f, be32(h)) : SQLITE_OK;
	}
	if (all_zero(h, WAL_FHDR_LEN))
		return SQLITE_OK;	/* never written: zeros, as SQLite wants */
	/* SQLite validated this frame when it read the log: changed since. */
	if (!recovery)
		return vf_tampered(f, be32(h));
	if (vf_real_read(f, whdr, sizeof(whdr), 0) != SQLITE_OK)
		return vf_tampered(f, be32(h));
	if ((r = wal_committed_after(f, i, whdr + 16)) < 0)
		return SQLITE_IOERR_NOMEM;
	if (r > 0)
		return vf_tampered(f, be32(h));
	log_info("vault: dropping a torn WAL frame after the last commit");
	return SQLITE_OK;	/* zeros: SQLite's checksum ends the log here */
}

static int
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
		if ((r = wal_open_frame(f, f->pg + WAL_FHDR_LEN, f->pg, i,
		    0)) == SQLITE_OK)
			memcpy(buf, f->pg + WAL_FHDR_LEN, f->pgsz);
		return r;
	}
	rc = vf_real_read(f, buf, amt, off);
	if (rc != SQLITE_OK && rc != SQLITE_IOERR_SHORT_READ)
		return rc;
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

static int
wal_write(struct vfile *f, const uint8_t *buf, int amt, sqlite3_int64 off)
{
	sqlite3_int64	 rel;
	uint8_t		 h[WAL_FHDR_LEN];
	const uint8_t	*hp;
	int		 rc;

	if (off == 0 && amt == WAL_HDR_LEN) {
		if (be32(buf + 8) != f->pgsz) {
			log_warnx("vault: WAL page size is not ours");
			return SQLITE_IOERR_WRITE;
		}
		f->fh_off = -1;
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
	if (be32(hp) == 0 || !vf_plain_ok(f, buf, be32(hp)))
		return SQLITE_IOERR_WRITE;
	memcpy(f->pg, buf, f->pgsz);
	if ((rc = vf_seal(f, f->pg, be32(hp), be32(hp + 4))) != SQLITE_OK)
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
static int
jrn_write(struct vfile *f, const uint8_t *buf, int amt, sqlite3_int64 off)
{
	int	rc;

	if (amt == 4) {
		f->w4_off = off;
		f->w4 = be32(buf);
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

static int
jrn_read(struct vfile *f, uint8_t *buf, int amt, sqlite3_int64 off)
{
	uint8_t		b4[4];
	uint32_t	pgno;
	int		rc;

	rc = vf_real_read(f, buf, amt, off);
	if (amt == 4 && rc == SQLITE_OK) {
		f->r4_off = off;
		f->r4 = be32(buf);
	}
	if ((uint32_t)amt != f->pgsz || off < 4 || rc != SQLITE_OK)
		return rc;	/* a short read ends playback: zeros are fine */
	if (f->r4_off == off - 4)
		pgno = f->r4;
	else {
		if ((rc = vf_real_read(f, b4, 4, off - 4)) != SQLITE_OK)
			return rc;
		pgno = be32(b4);
	}
	/* Records within nRec were synced before the database was
	 * touched (synchronous=FULL), so a bad one is not a torn write. */
	if (vf_open_page(f, buf, pgno, 0) != 0)
		return vf_tampered(f, pgno);
	return SQLITE_OK;
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

	/* fails (harmless) if SQLite was initialised before */
	(void)sqlite3_config(SQLITE_CONFIG_LOG, vfs_sqlite_log, NULL);
	if (sqlite3_initialize() != SQLITE_OK ||
	    (orig = sqlite3_vfs_find(NULL)) == NULL)
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

