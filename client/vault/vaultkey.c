/* SPDX-License-Identifier: ISC */
/*
 * vaultkey.c - the vault's key file and key hierarchy.
 *
 * passphrase --Argon2id(salt, opslimit, memlimit)--> key-encryption key
 * (KEK), which wraps (XChaCha20-Poly1305, AD = the whole file header)
 * a random 32-byte database key.  The page key used by the VFS is
 * derived from the database key with crypto_kdf (context "csvault1").
 * The key file "vault.key" is 136 bytes, big-endian:
 *
 *	  0  8	magic "csvault\0"
 *	  8  2	version (1)
 *	 10  2	KDF algorithm (crypto_pwhash_ALG_ARGON2ID13)
 *	 12  4	database page size
 *	 16  8	Argon2id opslimit
 *	 24  8	Argon2id memlimit (bytes)
 *	 32 16	salt
 *	 48 16	database id (part of every page's AD)
 *	 64 24	nonce
 *	 88 48	wrapped database key (32) + tag (16)
 *
 * A passphrase change re-wraps the same database key under a new salt,
 * so the database is never rewritten.
 *
 * The KEK with the file's lock id (database id and salt) is what
 * "casesync agent" holds (struct vault_unlock, vault.h): with the key
 * file it opens the vault, and the same AEAD tag that refuses a wrong
 * passphrase refuses a wrong or outdated KEK.  The database key itself
 * never leaves the process that opens the vault.  Every secret lives in
 * sodium_malloc memory and is wiped when released.
 *
 * The vault's life cycle on top of that (create, open, close, the
 * secret table) is in vault_open.c.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>
#include <sqlite3.h>

#include "buf.h"
#include "errors.h"
#include "log.h"
#include "util.h"
#include "vault.h"
#include "vault_int.h"

#define KF_MAGIC	"csvault"	/* 7 chars + NUL = 8 bytes */
#define KF_MAGIC_LEN	8
#define KF_VERSION	1
#define KF_OFF_VERSION	8
#define KF_OFF_ALG	10
#define KF_OFF_PGSZ	12
#define KF_OFF_OPS	16
#define KF_OFF_MEM	24
#define KF_OFF_SALT	32
#define KF_OFF_DBID	48
#define KF_OFF_NONCE	64
#define KF_OFF_WRAP	88
#define KF_AD_LEN	KF_OFF_NONCE
#define KF_DBKEY_LEN	32
#define KF_WRAP_LEN	(KF_DBKEY_LEN + \
	crypto_aead_xchacha20poly1305_ietf_ABYTES)
#define KF_LEN		(KF_OFF_WRAP + KF_WRAP_LEN)
_Static_assert(VAULT_KEK_LEN == crypto_aead_xchacha20poly1305_ietf_KEYBYTES,
    "the agent's KEK is the key file's wrapping key");
_Static_assert(VAULT_LOCKID_LEN == VAULT_DBID_LEN + crypto_pwhash_SALTBYTES,
    "lock id = database id, then salt");
#define KF_KDF_CTX	"csvault1"
#define KF_KDF_PAGEKEY	1

/* Upper bounds for parameters read from the file: a forged file must
 * not make us spend minutes or gigabytes before we can say no. */
#define KF_OPS_MAX	(4 * (uint64_t)crypto_pwhash_OPSLIMIT_SENSITIVE)
#define KF_MEM_MAX	((uint64_t)crypto_pwhash_MEMLIMIT_SENSITIVE)

static int
kf_path(char *dst, size_t len, const char *dir, const char *name)
{
	return str_fmt(dst, len, "%s/%s", dir, name);
}

int
vault_exists(const char *dir)
{
	char		path[PATH_MAX];
	struct stat	st;

	if (kf_path(path, sizeof(path), dir, VAULT_KEY_FILE) != 0)
		return 0;
	return stat(path, &st) == 0;
}

/* The Argon2id parameters for a new key file. */
static void
kf_params(uint64_t *ops, uint64_t *mem)
{
	const char	*s = getenv("CASESYNC_KDF");

	if (s != NULL && strcmp(s, "fast") == 0) {
		*ops = crypto_pwhash_OPSLIMIT_MIN;
		*mem = crypto_pwhash_MEMLIMIT_MIN;
	} else {
		*ops = crypto_pwhash_OPSLIMIT_MODERATE;
		*mem = crypto_pwhash_MEMLIMIT_MODERATE;
	}
}

static int
kf_check_pass(size_t passlen)
{
	if (passlen == 0 || passlen > VAULT_PASS_MAX) {
		log_warnx("vault: passphrase must be 1 to %d bytes",
		    VAULT_PASS_MAX);
		return CS_ERR_FORMAT;
	}
	return 0;
}

/* KEK = Argon2id(pass, salt, ops, mem) into sodium_malloc'd *kek. */
static int
kf_kek(const char *pass, size_t passlen, const uint8_t *salt, uint64_t ops,
    uint64_t mem, uint8_t **kek)
{
	uint8_t	*k;

	*kek = NULL;
	if ((k = sodium_malloc(crypto_aead_xchacha20poly1305_ietf_KEYBYTES)) ==
	    NULL)
		return CS_ERR_ALLOC;
	if (crypto_pwhash(k, crypto_aead_xchacha20poly1305_ietf_KEYBYTES,
	    pass, passlen, salt, (unsigned long long)ops, (size_t)mem,
	    crypto_pwhash_ALG_ARGON2ID13) != 0) {
		log_warnx("vault: Argon2id failed (out of memory?)");
		sodium_free(k);
		return CS_ERR_CRYPTO;
	}
	*kek = k;
	return 0;
}

/*
 * Fill "kf" (KF_LEN bytes) for "dbkey" under "pass" with a new salt and
 * nonce; "dbid" and "pgsz" are kept.
 */
static int
kf_wrap(uint8_t *kf, const uint8_t *dbkey, const uint8_t *dbid,
    uint32_t pgsz, const char *pass, size_t passlen)
{
	uint8_t			*kek = NULL;
	uint64_t		 ops, mem;
	unsigned long long	 clen;
	int			 r;

	kf_params(&ops, &mem);
	memset(kf, 0, KF_LEN);
	memcpy(kf, KF_MAGIC, KF_MAGIC_LEN);
	buf_store_u16(kf + KF_OFF_VERSION, KF_VERSION);
	buf_store_u16(kf + KF_OFF_ALG, crypto_pwhash_ALG_ARGON2ID13);
	buf_store_u32(kf + KF_OFF_PGSZ, pgsz);
	buf_store_u64(kf + KF_OFF_OPS, ops);
	buf_store_u64(kf + KF_OFF_MEM, mem);
	randombytes_buf(kf + KF_OFF_SALT, crypto_pwhash_SALTBYTES);
	memcpy(kf + KF_OFF_DBID, dbid, VAULT_DBID_LEN);
	randombytes_buf(kf + KF_OFF_NONCE,
	    crypto_aead_xchacha20poly1305_ietf_NPUBBYTES);
	if ((r = kf_kek(pass, passlen, kf + KF_OFF_SALT, ops, mem, &kek)) != 0)
		goto out;
	if (crypto_aead_xchacha20poly1305_ietf_encrypt(kf + KF_OFF_WRAP, &clen,
	    dbkey, KF_DBKEY_LEN, kf, KF_AD_LEN, NULL, kf + KF_OFF_NONCE,
	    kek) != 0 || clen != KF_WRAP_LEN) {
		r = CS_ERR_CRYPTO;
		goto out;
	}
	r = 0;
 out:
	if (kek != NULL)
		sodium_free(kek);
	return r;
}

/*
 * Check the key file bytes "p" ("len") before anything is derived from
 * them: size, magic, version, and KDF parameters within our bounds.
 * 0 or CS_ERR_FORMAT (logged).
 */
static int
kf_parse(const uint8_t *p, size_t len, uint64_t *ops, uint64_t *mem,
    uint32_t *pgsz)
{
	uint64_t	ps;

	if (len != KF_LEN || memcmp(p, KF_MAGIC, KF_MAGIC_LEN) != 0) {
		log_warnx("vault: %s is not a casesync vault key file (%s)",
		    VAULT_KEY_FILE, len != KF_LEN ? "wrong size" :
		    "bad magic");
		return CS_ERR_FORMAT;
	}
	*ops = buf_load_u64(p + KF_OFF_OPS);
	*mem = buf_load_u64(p + KF_OFF_MEM);
	ps = buf_load_u32(p + KF_OFF_PGSZ);
	if (buf_load_u16(p + KF_OFF_VERSION) != KF_VERSION ||
	    buf_load_u16(p + KF_OFF_ALG) != crypto_pwhash_ALG_ARGON2ID13 ||
	    *ops < crypto_pwhash_OPSLIMIT_MIN || *ops > KF_OPS_MAX ||
	    *mem < crypto_pwhash_MEMLIMIT_MIN || *mem > KF_MEM_MAX ||
	    ps < 1024 || ps > 65536 || (ps & (ps - 1)) != 0) {
		log_warnx("vault: %s: unsupported version or parameters",
		    VAULT_KEY_FILE);
		return CS_ERR_FORMAT;
	}
	*pgsz = (uint32_t)ps;
	return 0;
}

/*
 * Unwrap the database key of the parsed key file "p" with "kek" into
 * sodium_malloc'd *dbkey; dbid is filled in.  The AEAD tag over the
 * wrapped key, with the whole header as AD, is the check: a wrong
 * passphrase, a KEK of another key file or of an older version of this
 * one (before a passphrase change: another salt), and an altered file
 * all give CS_ERR_PASSPHRASE.
 */
static int
kf_unwrap_kek(const uint8_t *p, const uint8_t *kek, uint8_t **dbkey,
    uint8_t *dbid)
{
	uint8_t			*k;
	unsigned long long	 mlen;

	*dbkey = NULL;
	if ((k = sodium_malloc(KF_DBKEY_LEN)) == NULL)
		return CS_ERR_ALLOC;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(k, &mlen, NULL,
	    p + KF_OFF_WRAP, KF_WRAP_LEN, p, KF_AD_LEN, p + KF_OFF_NONCE,
	    kek) != 0 || mlen != KF_DBKEY_LEN) {
		sodium_free(k);
		return CS_ERR_PASSPHRASE;
	}
	memcpy(dbid, p + KF_OFF_DBID, VAULT_DBID_LEN);
	*dbkey = k;
	return 0;
}

/* The lock id of the parsed key file "p": database id, then salt. */
static void
kf_lockid(const uint8_t *p, uint8_t id[VAULT_LOCKID_LEN])
{
	memcpy(id, p + KF_OFF_DBID, VAULT_DBID_LEN);
	memcpy(id + VAULT_DBID_LEN, p + KF_OFF_SALT, crypto_pwhash_SALTBYTES);
}

/*
 * Parse the key file bytes "p" and unwrap the database key with "pass"
 * into sodium_malloc'd *dbkey; *pgsz and dbid are filled in.  With
 * "fill", the KEK and the file's lock id are kept there too.
 */
static int
kf_unwrap(const uint8_t *p, size_t len, const char *pass, size_t passlen,
    uint8_t **dbkey, uint8_t *dbid, uint32_t *pgsz,
    struct vault_unlock *fill)
{
	uint8_t		*kek = NULL;
	uint64_t	 ops, mem;
	uint32_t	 ps;
	int		 r;

	*dbkey = NULL;
	if ((r = kf_parse(p, len, &ops, &mem, &ps)) != 0)
		return r;
	if ((r = kf_kek(pass, passlen, p + KF_OFF_SALT, ops, mem, &kek)) != 0 ||
	    (r = kf_unwrap_kek(p, kek, dbkey, dbid)) != 0)
		goto out;
	if (fill != NULL) {
		memcpy(fill->kek, kek, VAULT_KEK_LEN);
		kf_lockid(p, fill->id);
	}
	*pgsz = ps;
	r = 0;
 out:
	if (kek != NULL)
		sodium_free(kek);
	return r;
}

/* The VFS's view of the keys, derived from the database key. */
static int
kf_keys(const uint8_t *dbkey, const uint8_t *dbid, uint32_t pgsz,
    struct vault_keys **out)
{
	struct vault_keys	*vk;

	*out = NULL;
	if ((vk = sodium_malloc(sizeof(*vk))) == NULL)
		return CS_ERR_ALLOC;
	memset(vk, 0, sizeof(*vk));
	if (crypto_kdf_derive_from_key(vk->pagekey, sizeof(vk->pagekey),
	    KF_KDF_PAGEKEY, KF_KDF_CTX, dbkey) != 0) {
		sodium_free(vk);
		return CS_ERR_CRYPTO;
	}
	memcpy(vk->dbid, dbid, VAULT_DBID_LEN);
	vk->pgsz = pgsz;
	if (sodium_mprotect_readonly(vk) != 0) {
		sodium_free(vk);
		return CS_ERR_SYSTEM;
	}
	*out = vk;
	return 0;
}

static int
kf_read(const char *dir, struct buf **b)
{
	char	path[PATH_MAX];
	int	r;

	*b = NULL;
	if ((r = kf_path(path, sizeof(path), dir, VAULT_KEY_FILE)) != 0)
		return r;
	/* A little more than KF_LEN, so that a longer file is FORMAT. */
	r = file_read(path, KF_LEN + 1, b);
	if (r == CS_ERR_TOO_LARGE) {
		log_warnx("vault: %s is not a casesync vault key file "
		    "(wrong size)", VAULT_KEY_FILE);
		r = CS_ERR_FORMAT;
	} else if (r != 0)
		log_warnx("vault: %s: %s", path, cs_why(r));
	return r;
}

/*
 * dir/vault.key into the VFS's keys: unwrapped with "pass" (the KEK and
 * lock id kept in "fill" if not NULL), or, with pass NULL, with the KEK
 * of "have" if its lock id is the file's.
 */
static int
kf_load(const char *dir, const char *pass, size_t passlen,
    const struct vault_unlock *have, struct vault_unlock *fill,
    struct vault_keys **out)
{
	struct buf	*b = NULL;
	uint8_t		*dbkey = NULL, dbid[VAULT_DBID_LEN];
	uint8_t		 id[VAULT_LOCKID_LEN];
	uint64_t	 ops, mem;
	uint32_t	 pgsz = 0;
	int		 r;

	*out = NULL;
	if ((pass != NULL && (r = kf_check_pass(passlen)) != 0) ||
	    (r = kf_read(dir, &b)) != 0)
		goto out;
	if (pass != NULL) {
		if ((r = kf_unwrap(buf_ptr(b), buf_len(b), pass, passlen,
		    &dbkey, dbid, &pgsz, fill)) != 0)
			goto out;
	} else {
		if ((r = kf_parse(buf_ptr(b), buf_len(b), &ops, &mem,
		    &pgsz)) != 0)
			goto out;
		/*
		 * Another vault, or this one after a passphrase change (a
		 * new salt): refused as a wrong passphrase is, before any
		 * decryption.  The AEAD tag would refuse it too.
		 */
		kf_lockid(buf_ptr(b), id);
		if (sodium_memcmp(have->id, id, VAULT_LOCKID_LEN) != 0) {
			r = CS_ERR_PASSPHRASE;
			goto out;
		}
		if ((r = kf_unwrap_kek(buf_ptr(b), have->kek, &dbkey,
		    dbid)) != 0)
			goto out;
	}
	if ((r = kf_keys(dbkey, dbid, pgsz, out)) != 0)
		goto out;
	r = 0;
 out:
	buf_free(b);
	if (dbkey != NULL)
		sodium_free(dbkey);
	return r;
}

int
vaultkey_load(const char *dir, const char *pass, size_t passlen,
    struct vault_keys **out)
{
	return kf_load(dir, pass, passlen, NULL, NULL, out);
}

int
vaultkey_load_unlock(const char *dir, const char *pass, size_t passlen,
    struct vault_unlock *u, struct vault_keys **out)
{
	return kf_load(dir, pass, passlen, NULL, u, out);
}

int
vaultkey_load_kek(const char *dir, const struct vault_unlock *u,
    struct vault_keys **out)
{
	return kf_load(dir, NULL, 0, u, NULL, out);
}

int
vault_lockid(const char *dir, uint8_t id[VAULT_LOCKID_LEN])
{
	struct buf	*b = NULL;
	uint64_t	 ops, mem;
	uint32_t	 pgsz;
	int		 r;

	if ((r = kf_read(dir, &b)) != 0 ||
	    (r = kf_parse(buf_ptr(b), buf_len(b), &ops, &mem, &pgsz)) != 0)
		goto out;
	kf_lockid(buf_ptr(b), id);
	r = 0;
 out:
	buf_free(b);
	return r;
}

int
vault_unlock_new(struct vault_unlock **out)
{
	struct vault_unlock	*u;

	*out = NULL;
	if ((u = sodium_malloc(sizeof(*u))) == NULL)
		return CS_ERR_ALLOC;
	memset(u, 0, sizeof(*u));
	*out = u;
	return 0;
}

void
vault_unlock_free(struct vault_unlock *u)
{
	if (u != NULL)
		sodium_free(u);		/* zeroes, then unmaps */
}

int
vaultkey_create(const char *dir, const char *pass, size_t passlen,
    struct vault_keys **out)
{
	char	 path[PATH_MAX];
	uint8_t	*dbkey = NULL, dbid[VAULT_DBID_LEN], kf[KF_LEN];
	int	 r;

	*out = NULL;
	if ((r = kf_check_pass(passlen)) != 0 ||
	    (r = kf_path(path, sizeof(path), dir, VAULT_KEY_FILE)) != 0)
		return r;
	if ((dbkey = sodium_malloc(KF_DBKEY_LEN)) == NULL)
		return CS_ERR_ALLOC;
	randombytes_buf(dbkey, KF_DBKEY_LEN);
	randombytes_buf(dbid, sizeof(dbid));
	if ((r = kf_wrap(kf, dbkey, dbid, VAULT_PAGE_SIZE, pass,
	    passlen)) != 0 ||
	    (r = kf_keys(dbkey, dbid, VAULT_PAGE_SIZE, out)) != 0)
		goto out;
	if ((r = file_write_atomic(path, kf, sizeof(kf), 0600, 1)) != 0) {
		vaultkey_free(*out);
		*out = NULL;
		goto out;
	}
	r = 0;
 out:
	sodium_free(dbkey);
	return r;
}

int
vaultkey_dup(const struct vault_keys *vk, struct vault_keys **out)
{
	struct vault_keys	*c;

	*out = NULL;
	if ((c = sodium_malloc(sizeof(*c))) == NULL)
		return CS_ERR_ALLOC;
	memcpy(c, vk, sizeof(*c));
	if (sodium_mprotect_readonly(c) != 0) {
		sodium_free(c);
		return CS_ERR_SYSTEM;
	}
	*out = c;
	return 0;
}

void
vaultkey_free(struct vault_keys *vk)
{
	if (vk != NULL)
		sodium_free(vk);	/* zeroes, then unmaps */
}

int
vault_passwd(const char *dir, const char *old, size_t oldlen,
    const char *new, size_t newlen)
{
	char		 path[PATH_MAX];
	struct buf	*b = NULL;
	uint8_t		*dbkey = NULL, dbid[VAULT_DBID_LEN], kf[KF_LEN];
	uint32_t	 pgsz = 0;
	int		 r;

	if ((r = kf_check_pass(oldlen)) != 0 ||
	    (r = kf_check_pass(newlen)) != 0 ||
	    (r = kf_path(path, sizeof(path), dir, VAULT_KEY_FILE)) != 0 ||
	    (r = kf_read(dir, &b)) != 0 ||
	    (r = kf_unwrap(buf_ptr(b), buf_len(b), old, oldlen, &dbkey,
	    dbid, &pgsz, NULL)) != 0 ||
	    (r = kf_wrap(kf, dbkey, dbid, pgsz, new, newlen)) != 0 ||
	    (r = file_write_atomic(path, kf, sizeof(kf), 0600, 0)) != 0)
		goto out;
	r = 0;
 out:
	buf_free(b);
	if (dbkey != NULL)
		sodium_free(dbkey);
	return r;
}
