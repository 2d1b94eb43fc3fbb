/* SPDX-License-Identifier: ISC */
/*
 * vault.h - the laptop's encrypted local database.
 *
 * A vault is a directory holding "vault.key" (the database key wrapped
 * with a key derived from the passphrase by Argon2id) and "vault.db"
 * (a SQLite database whose every page, WAL frame and journal page is
 * encrypted and authenticated by the "casesync-vault" VFS).  The file
 * formats and the reasoning are in docs/VAULT.md.
 *
 * All functions return 0 or a negative CS_ERR_*.  The ones that matter
 * to a caller: CS_ERR_PASSPHRASE (wrong passphrase; nothing changed),
 * CS_ERR_TAMPERED (a page failed authentication: "database damaged or
 * tampered"), CS_ERR_NOT_FOUND (no vault), CS_ERR_EXISTS, CS_ERR_FORMAT
 * (the key file is not a vault key file).  sodium_init() must have
 * been called.  CASESYNC_KDF=fast in the environment makes new key
 * files use the cheapest Argon2id parameters: for tests only.
 */
#ifndef VAULT_H
#define VAULT_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

struct vault;

#define VAULT_VFS_NAME		"casesync-vault"
#define VAULT_KEY_FILE		"vault.key"
#define VAULT_DB_FILE		"vault.db"
#define VAULT_PAGE_SIZE		16384	/* page size of new vaults */
/* checkpoint after 32 MiB of WAL */
#define VAULT_WAL_CHECKPOINT_PAGES	(32 * 1024 * 1024 / VAULT_PAGE_SIZE)
#define VAULT_RESERVE		40	/* nonce + tag at the end of each page */
#define VAULT_PASS_MAX		1024	/* longest passphrase accepted */
#define VAULT_SECRET_MAX	(1024 * 1024)	/* largest secret value */

/* 1 if "dir" holds a vault key file, else 0. */
int	vault_exists(const char *dir);

/*
 * Create a new vault in the existing directory "dir": a new random
 * database key, wrapped with "pass" ("passlen" bytes, 1..VAULT_PASS_MAX)
 * in dir/vault.key (mode 0600), and an empty encrypted dir/vault.db.
 * CS_ERR_EXISTS if either file (or a -wal/-journal) is already there;
 * on failure nothing is left behind.  On success *out is the open
 * vault (see vault_open).
 */
int	vault_create(const char *dir, const char *pass, size_t passlen,
	    struct vault **out);

/*
 * Unlock and open the vault in "dir".  CS_ERR_NOT_FOUND (no key file or
 * no database), CS_ERR_FORMAT (the key file is damaged),
 * CS_ERR_PASSPHRASE (wrong passphrase, or the key file was altered:
 * the two cannot be told apart), CS_ERR_TAMPERED (the database failed
 * authentication while it was opened).  Crash recovery (WAL, hot
 * journal) happens here.  Release with vault_close().
 */
int	vault_open(const char *dir, const char *pass, size_t passlen,
	    struct vault **out);

/*
 * A second, independent connection to the open vault "v" in "dir",
 * with a copy of its keys (no passphrase): for a thread of its own
 * (casesync ui's background sync), as a second process would open it.
 * Errors as for vault_open.  Release with vault_close().
 */
int	vault_open_again(struct vault *v, const char *dir,
	    struct vault **out);

/*
 * What "casesync agent" holds to open one vault without its passphrase
 * (docs/VAULT.md, "Opening with a key"): the key-encryption key that
 * Argon2id derived from the passphrase and the key file's salt, and the
 * key file's lock id: its database id (16 bytes), then its salt (16).
 * Never the passphrase, never the database key.  A passphrase change
 * gives the key file a new salt, so an old KEK opens nothing.  Always
 * in sodium_malloc memory: vault_unlock_new (zeroed) and
 * vault_unlock_free (wipes).
 */
#define VAULT_KEK_LEN		32
#define VAULT_LOCKID_LEN	32
struct vault_unlock {
	uint8_t	kek[VAULT_KEK_LEN];
	uint8_t	id[VAULT_LOCKID_LEN];
};
int	vault_unlock_new(struct vault_unlock **);
void	vault_unlock_free(struct vault_unlock *);

/*
 * vault_open, and on success *up (if not NULL) gets the vault's
 * struct vault_unlock.
 */
int	vault_open_unlock(const char *dir, const char *pass, size_t passlen,
	    struct vault **out, struct vault_unlock **up);

/*
 * Open the vault in "dir" with "u" instead of a passphrase.  Errors as
 * for vault_open; CS_ERR_PASSPHRASE when "u" does not open this key
 * file: another vault's, one from before a passphrase change, a wrong
 * KEK (the key file's AEAD tag refuses it), or an altered key file.
 */
int	vault_open_kek(const char *dir, const struct vault_unlock *u,
	    struct vault **out);

/*
 * The lock id of the key file in "dir" (see struct vault_unlock),
 * without a passphrase: the key file's header, checked as for
 * vault_open.  0, CS_ERR_NOT_FOUND or CS_ERR_FORMAT.
 */
int	vault_lockid(const char *dir, uint8_t id[VAULT_LOCKID_LEN]);

/* Close the database and wipe the keys.  NULL is a no-op. */
void	vault_close(struct vault *);

/*
 * The open connection (borrowed; valid until vault_close): WAL mode,
 * synchronous=FULL, temp_store=MEMORY, mmap off, 64 MiB page cache,
 * checkpoint every 32 MiB of WAL, on a second thread where there is a
 * second CPU (vault_ckpt.c).
 * Every database it opens goes through the encrypting VFS; attaching
 * another file fails.
 */
sqlite3	*vault_db(struct vault *);

/*
 * A large load (the pull of more than one batch, an initial sync):
 * vault_bulk_begin() takes the vault's connection "db" out of WAL mode
 * into a rollback journal (journal_mode=DELETE), so that a page is
 * sealed once, into the main file, instead of into the WAL and again
 * by the checkpoint; a new page (the bulk of a fresh vault) needs no
 * journal image.  Every commit is still durable (synchronous=FULL),
 * and a crash leaves a hot journal that SQLite rolls back when the
 * vault is next opened (docs/VAULT.md, "Bulk loads").  *on is 1 if the
 * connection left WAL mode; 0, and nothing changed, if it could not
 * (another connection has the vault open): the load then goes through
 * the WAL as always.  vault_bulk_end() puts the connection back in WAL
 * mode; the checkpoint thread starts again with the next large commit.
 */
int	vault_bulk_begin(sqlite3 *db, int *on);
int	vault_bulk_end(sqlite3 *db);

/*
 * After a commit of a bulk load (vault_bulk_begin): drop the main
 * file's pages, now written and synced, from the kernel's page cache,
 * so that the load keeps reusing about one batch's worth of memory
 * instead of taking as much fresh memory as the file grows (the pages
 * are sealed; SQLite's own cache keeps what the next batches read).
 * Advice only: nothing changes on disk, and a failure is ignored.
 */
void	vault_bulk_drop(sqlite3 *db);

/*
 * Map a SQLite result code of the vault connection to a CS_ERR_*:
 * SQLITE_IOERR_DATA, SQLITE_CORRUPT and SQLITE_NOTADB (a page failed
 * authentication, or decrypted to something SQLite finds inconsistent)
 * give CS_ERR_TAMPERED, SQLITE_OK/ROW/DONE give 0, everything else
 * CS_ERR_DB.  Use sqlite3_extended_errcode() for "rc".
 */
int	vault_sqlite_err(int rc);

/*
 * Read every page of the database (PRAGMA integrity_check) and report
 * 0, CS_ERR_TAMPERED, or CS_ERR_DB.
 */
int	vault_check(struct vault *);

/*
 * 1 once a page of "v" (main file, WAL or journal; on any of its
 * connections, the checkpoint thread's too) has failed authentication,
 * else 0.  Sticky until vault_close: SQLite does not always pass our
 * error on as such (a failed prepare, SQLITE_CORRUPT, a statement that
 * just ends), so a caller that gets any error, or none, after this is
 * set must report CS_ERR_TAMPERED ("database damaged or tampered").
 */
int	vault_tampered(struct vault *v);
/*
 * 1 once any vault of this process failed authentication, or SQLite
 * reported corruption on any connection (casesync's main(): after
 * that no command reports success or prints a result).
 */
int	vault_tamper_seen(void);
/* "r", or CS_ERR_TAMPERED if r != 0 and vault_tampered(v). */
int	vault_err(struct vault *v, int r);
/* Set the flags of vault_tampered and vault_tamper_seen. */
void	vault_mark_tampered(struct vault *v);

/*
 * Partial rollback (docs/VAULT.md): compare the tag of every page of
 * vault.db with the list the vault keeps in vault.db-head, under the
 * checkpoint lock of a checkpoint of its own.  vault_open does it;
 * vault_scan too.  0, or CS_ERR_TAMPERED (logged: how many pages, the
 * first; the vault is marked), or another error.  A vault without the
 * list and without the secret VAULT_HEAD_SECRET (made before there
 * was one) gets one now.
 */
#define VAULT_HEAD_SECRET	"vault_head"
int	vault_head_check(struct vault *v);

/*
 * Authenticate every page of the main file and every committed WAL
 * frame, reading the files beside SQLite (vault_scan.c; docs/VAULT.md
 * "Checking every page").  0 with the counts in *out, CS_ERR_TAMPERED
 * (logged: which page; the vault is marked tampered), CS_ERR_RETRY
 * (the WAL kept changing under concurrent writers), or another error.
 */
struct vault_scan {
	unsigned long long	pages;	/* main-file pages authenticated */
	unsigned long long	frames;	/* committed WAL frames authenticated */
	unsigned long long	tail;	/* WAL frames after the last commit */
};
int	vault_scan(struct vault *v, struct vault_scan *out);

/*
 * Change the passphrase of the (closed or open) vault in "dir": unwrap
 * the database key with "old", wrap it with "new" under a new salt and
 * replace vault.key atomically.  The database is not touched.
 * CS_ERR_PASSPHRASE if "old" is wrong (nothing changed).
 */
int	vault_passwd(const char *dir, const char *old, size_t oldlen,
	    const char *new, size_t newlen);

/*
 * Store "len" bytes (at most VAULT_SECRET_MAX) under "name" (1..255
 * bytes of text) in the vault's secret table, replacing any old value.
 * Does not open a transaction of its own: it joins the caller's.
 */
int	vault_secret_put(struct vault *, const char *name, const uint8_t *p,
	    size_t len);

/*
 * Fetch the secret "name": *p gets a sodium_malloc'd copy (never NULL
 * on success, even for 0 bytes), *len its length.  Release with
 * vault_secret_free(*p, *len).  CS_ERR_NOT_FOUND if there is none.
 */
int	vault_secret_get(struct vault *, const char *name, uint8_t **p,
	    size_t *len);
/* Wipe and free a value from vault_secret_get.  NULL is a no-op. */
void	vault_secret_free(uint8_t *p, size_t len);
/* Remove "name"; 0 also if it was not there. */
int	vault_secret_del(struct vault *, const char *name);

/*
 * For the client's main(), before anything secret is in memory: no
 * core dumps (RLIMIT_CORE 0) and not dumpable/ptrace-able by the same
 * user (PR_SET_DUMPABLE 0).  0 or CS_ERR_SYSTEM.
 */
int	vault_harden_process(void);

/*
 * Register the "casesync-vault" VFS with SQLite (not as the default).
 * vault_create/vault_open do this; it is idempotent and thread-safe.
 * 0 or CS_ERR_DB.
 */
int	vault_vfs_register(void);

/*
 * Internal to the vault's files (not for other callers): the keys
 * the VFS needs, in read-only sodium_malloc memory.
 */
#define VAULT_DBID_LEN		16
struct vault_keys {
	uint8_t		pagekey[32];
	uint8_t		dbid[VAULT_DBID_LEN];
	uint32_t	pgsz;
};
/* Unwrap dir/vault.key with "pass"; errors as for vault_open. */
int	vaultkey_load(const char *dir, const char *pass, size_t passlen,
	    struct vault_keys **);
/* The same, also filling "u" (if not NULL) for vault_open_unlock. */
int	vaultkey_load_unlock(const char *dir, const char *pass,
	    size_t passlen, struct vault_unlock *u, struct vault_keys **);
/* Unwrap dir/vault.key with u->kek (vault_open_kek). */
int	vaultkey_load_kek(const char *dir, const struct vault_unlock *u,
	    struct vault_keys **);
/* New database key and dir/vault.key (CS_ERR_EXISTS if present). */
int	vaultkey_create(const char *dir, const char *pass, size_t passlen,
	    struct vault_keys **);
/* A copy in new read-only sodium_malloc memory (vault_open_again). */
int	vaultkey_dup(const struct vault_keys *, struct vault_keys **);
void	vaultkey_free(struct vault_keys *);
/*
 * Make "keys" findable by the VFS under a new random token (written to
 * "token"), used as the "vault" URI parameter; undo with detach once
 * the database is closed.  0 or CS_ERR_TOO_LARGE (too many open).
 */
#define VAULT_TOKEN_LEN		33	/* 32 hex digits and NUL */
int	vault_vfs_attach(const struct vault_keys *keys,
	    char token[VAULT_TOKEN_LEN]);
void	vault_vfs_detach(const char *token);
/* The tamper flag of the vault attached under "token" (0: none). */
int	vault_vfs_tampered(const char *token);
/* Set it (and the process's). */
void	vault_vfs_mark(const char *token);
/*
 * Tests only: with "on", new WAL generations draw no epoch and the page
 * list stays csvhead1, as vaults from before the WAL epochs were (to
 * test their conversion; docs/VAULT.md, "WAL epochs").
 */
void	vault_test_legacy_wal(int on);
/*
 * The page codec on its own (tests/fuzz/fuzz_vault.c): seal or open one
 * page "p" of "pgsz" bytes (a power of two, 512..65536; the last
 * VAULT_RESERVE bytes hold nonce and tag) as the VFS does for file type
 * "type" (1 database, 2 WAL, 3 journal), page "pgno" and, for a WAL
 * frame, its commit size "ntrunc".  vault_page_seal: 0, CS_ERR_FORMAT
 * (a plaintext the VFS would refuse: data in the reserve, or a page 1
 * without our page size and reserve) or CS_ERR_CRYPTO.
 * vault_page_open: 0 (the reserve is zeroed) or CS_ERR_TAMPERED (the
 * whole page is zeroed); CS_ERR_FORMAT for a bad type or size.
 */
int	vault_page_seal(const struct vault_keys *keys, int type, uint8_t *p,
	    uint32_t pgsz, uint32_t pgno, uint32_t ntrunc);
int	vault_page_open(const struct vault_keys *keys, int type, uint8_t *p,
	    uint32_t pgsz, uint32_t pgno, uint32_t ntrunc);
/*
 * How many main-file pages the read-ahead of sequential scans has
 * served so far in this process (each one authenticated by the worker
 * thread before it was handed to SQLite): for tests and the benchmark.
 */
unsigned long long	vault_readahead_pages(void);
/*
 * How many WAL checkpoints the vault's checkpoint thread has run for
 * "v" (0 while it has none: it starts with the first 32 MiB of WAL):
 * for tests and the benchmark.
 */
unsigned long long	vault_checkpoints(struct vault *v);

#endif /* VAULT_H */
