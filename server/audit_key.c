/* SPDX-License-Identifier: ISC */
/*
 * audit_key.c - the deployment's Ed25519 audit key and checkpoint
 * signatures (see audit.h).
 *
 * audit.key holds the 32-byte seed, raw, mode 0600, and is refused if
 * anyone but the owner may read it; audit.pub holds the public key in
 * hex for auditors and clients.  The key lives in sodium_malloc'd
 * memory, read-only once loaded.  A checkpoint signature covers the
 * fixed-length message of checkpoint.c (docs/AUDIT.md).
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "audit.h"
#include "audit_witness.h"
#include "buf.h"
#include "checkpoint.h"
#include "errors.h"
#include "log.h"
#include "util.h"

#define AUDIT_SEED_LEN		32
#define AUDIT_PATH_MAX		4096

struct audit_key {
	uint8_t	sk[crypto_sign_SECRETKEYBYTES];
	uint8_t	pk[crypto_sign_PUBLICKEYBYTES];
	int	cpfd;		/* audit-checkpoints.log, for appending */
	/* audit_key_remote: no sk, "sign" signs (the signer process) */
	int	(*sign)(void *, struct audit_checkpoint *);
	void	*sign_arg;
};

static int
audit_path(char *dst, size_t len, const char *dir, const char *file)
{
	return str_fmt(dst, len, "%s/%s", dir, file);
}

static int
audit_pub_write(const char *dir, const uint8_t pk[AUDIT_PK_LEN], int excl)
{
	char	path[AUDIT_PATH_MAX], hex[2 * AUDIT_PK_LEN + 2];

	if (audit_path(path, sizeof(path), dir, AUDIT_PUB_FILE) != 0)
		return CS_ERR_TOO_LARGE;
	hex_encode(hex, pk, AUDIT_PK_LEN);
	hex[2 * AUDIT_PK_LEN] = '\n';
	hex[2 * AUDIT_PK_LEN + 1] = '\0';
	return file_write_atomic(path, hex, sizeof(hex) - 1, 0644, excl);
}

int
audit_key_create(const char *dir)
{
	uint8_t		*seed = NULL;
	uint8_t		 pk[crypto_sign_PUBLICKEYBYTES];
	uint8_t		 sk[crypto_sign_SECRETKEYBYTES];
	char		 path[AUDIT_PATH_MAX];
	struct stat	 sb;
	int		 r;

	if (audit_path(path, sizeof(path), dir, AUDIT_PUB_FILE) != 0)
		return CS_ERR_TOO_LARGE;
	if (lstat(path, &sb) == 0)
		return CS_ERR_EXISTS;
	if (audit_path(path, sizeof(path), dir, AUDIT_KEY_FILE) != 0)
		return CS_ERR_TOO_LARGE;
	if ((seed = sodium_malloc(AUDIT_SEED_LEN)) == NULL)
		return CS_ERR_ALLOC;
	randombytes_buf(seed, AUDIT_SEED_LEN);
	if (crypto_sign_seed_keypair(pk, sk, seed) != 0) {
		r = CS_ERR_CRYPTO;
		goto out;
	}
	if ((r = file_write_atomic(path, seed, AUDIT_SEED_LEN, 0600, 1)) != 0)
		goto out;
	if ((r = audit_pub_write(dir, pk, 1)) != 0) {
		(void)unlink(path);
		goto out;
	}
	r = 0;
 out:
	sodium_memzero(sk, sizeof(sk));
	sodium_free(seed);
	return r;
}

/* Read the seed from an owner-only regular file of exactly 32 bytes. */
static int
audit_seed_read(const char *path, uint8_t seed[AUDIT_SEED_LEN])
{
	struct stat	st;
	ssize_t		n;
	int		fd, r = CS_ERR_SYSTEM;

	if ((fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) == -1)
		return errno == ENOENT ? CS_ERR_NOT_FOUND : cs_sys();
	if (fstat(fd, &st) == -1) {
		r = cs_sys();
		goto out;
	}
	if (!S_ISREG(st.st_mode) || (st.st_mode & 077) != 0 ||
	    st.st_size != AUDIT_SEED_LEN) {
		r = cs_cause_text(CS_ERR_FORMAT, S_ISDIR(st.st_mode) ?
		    "is a directory" : !S_ISREG(st.st_mode) ?
		    "not a regular file" : (st.st_mode & 077) != 0 ?
		    "readable by group or others (chmod 600)" :
		    "not a key of the right size");
		goto out;
	}
	if ((n = read(fd, seed, AUDIT_SEED_LEN)) != AUDIT_SEED_LEN)
		goto out;
	r = 0;
 out:
	close(fd);
	return r;
}

int
audit_key_open(const char *dir, struct audit_key **out)
{
	struct audit_key	*k = NULL;
	uint8_t			*seed = NULL;
	uint8_t			 pub[AUDIT_PK_LEN];
	char			 path[AUDIT_PATH_MAX];
	int			 r;

	*out = NULL;
	if (audit_path(path, sizeof(path), dir, AUDIT_KEY_FILE) != 0)
		return CS_ERR_TOO_LARGE;
	if ((seed = sodium_malloc(AUDIT_SEED_LEN)) == NULL ||
	    (k = sodium_malloc(sizeof(*k))) == NULL) {
		r = CS_ERR_ALLOC;
		goto out;
	}
	k->cpfd = -1;
	k->sign = NULL;
	k->sign_arg = NULL;
	r = audit_seed_read(path, seed);
	if (r == CS_ERR_NOT_FOUND) {
		/* an older deployment: its first audit key */
		if ((r = audit_key_create(dir)) != 0)
			goto out;
		log_info("audit: created %s and %s in %s", AUDIT_KEY_FILE,
		    AUDIT_PUB_FILE, dir);
		r = audit_seed_read(path, seed);
	}
	if (r != 0)
		goto out;
	if (crypto_sign_seed_keypair(k->pk, k->sk, seed) != 0) {
		r = CS_ERR_CRYPTO;
		goto out;
	}
	/* audit.pub is derived; put it back if it went missing */
	r = audit_pub_load(dir, pub);
	if (r == CS_ERR_NOT_FOUND)
		r = audit_pub_write(dir, k->pk, 1);
	else if (r == 0 && sodium_memcmp(pub, k->pk, AUDIT_PK_LEN) != 0) {
		log_warnx("audit: %s/%s does not match %s", dir,
		    AUDIT_PUB_FILE, AUDIT_KEY_FILE);
		r = CS_ERR_FORMAT;
	}
	if (r != 0)
		goto out;
	/* whoever signs a checkpoint also writes it outside the database */
	if ((r = audit_cpfile_open(dir, &k->cpfd)) != 0) {
		log_warnx("audit: %s/%s: %s", dir, AUDIT_CP_FILE,
		    strerror(errno));
		goto out;
	}
	if (sodium_mprotect_readonly(k) != 0) {
		r = CS_ERR_SYSTEM;
		goto out;
	}
	*out = k;
	k = NULL;	/* transferred */
	r = 0;
 out:
	if (r != 0)
		log_warnx("audit: key in %s: %s", dir, cs_why(r));
	sodium_free(seed);
	audit_key_free(k);
	return r;
}

int
audit_key_remote(const char *dir, const uint8_t pk[AUDIT_PK_LEN],
    int (*sign)(void *, struct audit_checkpoint *), void *arg,
    struct audit_key **out)
{
	struct audit_key	*k;
	int			 r;

	*out = NULL;
	if ((k = sodium_malloc(sizeof(*k))) == NULL)
		return CS_ERR_ALLOC;
	sodium_memzero(k, sizeof(*k));
	memcpy(k->pk, pk, AUDIT_PK_LEN);
	k->sign = sign;
	k->sign_arg = arg;
	if ((r = audit_cpfile_open(dir, &k->cpfd)) != 0) {
		log_warnx("audit: %s/%s: %s", dir, AUDIT_CP_FILE,
		    strerror(errno));
		k->cpfd = -1;
		goto out;
	}
	if (sodium_mprotect_readonly(k) != 0) {
		r = CS_ERR_SYSTEM;
		goto out;
	}
	*out = k;
	k = NULL;
	r = 0;
 out:
	audit_key_free(k);
	return r;
}

void
audit_key_free(struct audit_key *k)
{
	if (k != NULL) {
		if (k->cpfd >= 0)
			(void)close(k->cpfd);
		sodium_free(k);
	}
}

int
audit_key_last(const struct audit_key *k, struct audit_checkpoint *cp)
{
	return audit_cpfile_last(k->cpfd, cp);
}

int
audit_key_witness(const struct audit_key *k,
    const struct audit_checkpoint *cp)
{
	return audit_cpfile_append(k->cpfd, cp);
}

void
audit_key_wipe(struct audit_key *k)
{
	if (k != NULL && sodium_mprotect_readwrite(k) == 0) {
		sodium_memzero(k->sk, sizeof(k->sk));
		sodium_memzero(k->pk, sizeof(k->pk));
	}
}

void
audit_key_public(const struct audit_key *k, uint8_t pk[AUDIT_PK_LEN])
{
	memcpy(pk, k->pk, AUDIT_PK_LEN);
}

int
audit_pub_load(const char *dir, uint8_t pk[AUDIT_PK_LEN])
{
	struct buf	*b = NULL;
	char		 path[AUDIT_PATH_MAX], hex[2 * AUDIT_PK_LEN + 1];
	size_t		 len;
	int		 r;

	if (audit_path(path, sizeof(path), dir, AUDIT_PUB_FILE) != 0)
		return CS_ERR_TOO_LARGE;
	if ((r = file_read(path, 2 * AUDIT_PK_LEN + 2, &b)) != 0)
		return r;
	len = buf_len(b);
	if (len > 0 && buf_ptr(b)[len - 1] == '\n')
		len--;
	if (len != 2 * AUDIT_PK_LEN) {
		r = CS_ERR_FORMAT;
		goto out;
	}
	memcpy(hex, buf_ptr(b), len);
	hex[len] = '\0';
	r = hex_decode(pk, AUDIT_PK_LEN, hex);
 out:
	buf_free(b);
	return r;
}

void
audit_checkpoint_message(const struct audit_checkpoint *cp,
    uint8_t msg[AUDIT_CP_MSG_LEN])
{
	checkpoint_message((uint64_t)cp->size, cp->root, cp->time, msg);
}

int
audit_checkpoint_sign(const struct audit_key *k, struct audit_checkpoint *cp)
{
	uint8_t	msg[AUDIT_CP_MSG_LEN];

	memcpy(cp->pk, k->pk, AUDIT_PK_LEN);
	if (k->sign != NULL)
		return k->sign(k->sign_arg, cp);
	audit_checkpoint_message(cp, msg);
	if (crypto_sign_detached(cp->sig, NULL, msg, sizeof(msg),
	    k->sk) != 0)
		return CS_ERR_CRYPTO;
	return 0;
}

int
audit_checkpoint_verify(const struct audit_checkpoint *cp,
    const uint8_t pk[AUDIT_PK_LEN])
{
	return checkpoint_verify((uint64_t)cp->size, cp->root, cp->time,
	    cp->sig, pk);
}

int
audit_restore_sign(const struct audit_key *k,
    const struct checkpoint_restore *r, uint8_t sig[AUDIT_SIG_LEN])
{
	uint8_t	msg[CHECKPOINT_RESTORE_LEN];

	if (k->sign != NULL)
		return CS_ERR_CRYPTO;	/* the signer does not sign these */
	checkpoint_restore_message(r, msg);
	if (crypto_sign_detached(sig, NULL, msg, sizeof(msg), k->sk) != 0)
		return CS_ERR_CRYPTO;
	return 0;
}

int
audit_key_sign(const struct audit_key *k, const uint8_t *msg, size_t len,
    uint8_t sig[AUDIT_SIG_LEN], uint8_t pk[AUDIT_PK_LEN])
{
	if (k->sign != NULL)
		return CS_ERR_CRYPTO;	/* the signer signs checkpoints only */
	memcpy(pk, k->pk, AUDIT_PK_LEN);
	if (crypto_sign_detached(sig, NULL, msg, len, k->sk) != 0)
		return CS_ERR_CRYPTO;
	return 0;
}
