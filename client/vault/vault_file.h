/* SPDX-License-Identifier: ISC */
/*
 * vault_file.h - one file of the encrypting VFS, shared by the VFS
 * methods (vault.c) and the page crypto (vault_page.c); no one else.
 */
#ifndef CLIENT_VAULT_FILE_H
#define CLIENT_VAULT_FILE_H

#include <stdatomic.h>
#include <stdint.h>

#include <sodium.h>
#include <sqlite3.h>

#include "vault.h"
#include "vault_int.h"

#define VF_MAIN		1
#define VF_WAL		2
#define VF_JOURNAL	3

#define NONCE_LEN	crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define TAG_LEN		crypto_aead_xchacha20poly1305_ietf_ABYTES
#define WAL_HDR_LEN	32
#define WAL_FHDR_LEN	24

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
	/* WAL epochs (docs/VAULT.md): the vault's page list (WAL), the
	 * main file of the same connection (WAL), the salts of the
	 * frames it last sealed (WAL); a checkpoint's copy (main: between
	 * SQLITE_FCNTL_CKPT_START and _DONE; the frame the WAL handed
	 * SQLite sealed, as it is) */
	struct vault_head	*vhead;
	struct vfile		*mainf;
	uint8_t			 gen[8];
	int			 gen_set;
	int			 ck_copy;
	uint32_t		 ck_pgno;
	uint8_t			 ck_seal[NONCE_LEN + TAG_LEN];
	size_t			 npool;		/* unused bytes in pool */
	uint8_t			 pool[NONCE_LEN * 128];
	/* Read-ahead (main file only; vault_ahead.c).  It belongs to
	 * the thread SQLite calls us on. */
	struct vault_ahead	 ahead;
};

/*
 * vault_page.c: reads and writes of the main database, the WAL and the
 * rollback journal, sealing and opening the pages on the way; SQLite
 * return codes.
 */
int	main_read(struct vfile *, uint8_t *buf, int amt, sqlite3_int64 off);
int	main_write(struct vfile *, const uint8_t *buf, int amt,
	    sqlite3_int64 off);
int	wal_read(struct vfile *, uint8_t *buf, int amt, sqlite3_int64 off);
int	wal_write(struct vfile *, const uint8_t *buf, int amt,
	    sqlite3_int64 off);
int	jrn_read(struct vfile *, uint8_t *buf, int amt, sqlite3_int64 off);
int	jrn_write(struct vfile *, const uint8_t *buf, int amt,
	    sqlite3_int64 off);
/* vault.c: a page of some vault of this process failed (sticky). */
void	vault_tamper_note(void);
/* vault_page.c: tests only (vault.h). */
extern atomic_int	vault_legacy_wal;
/* The real file underneath, as it is. */
int	vf_real_read(const struct vfile *, void *p, int n, sqlite3_int64 off);

#endif /* CLIENT_VAULT_FILE_H */
