/* SPDX-License-Identifier: ISC */
/*
 * e2e.h - end-to-end encryption of case content (DESIGN §3, docs/E2E.md).
 *
 * The server stores record bodies it cannot read.  Every case has
 * random 32-byte case keys, one per epoch; a body is sealed with the
 * key of its epoch (XChaCha20-Poly1305, the associated data binds case
 * id, record id, kind and epoch).  Case keys reach users as grants:
 * crypto_box_seal of the key to the user's X25519 key, signed with the
 * granting user's Ed25519 key.  A user's two public keys are certified
 * by the deployment CA (a user key certificate).  A user's private keys
 * reach a second device as a key backup sealed under Argon2id of a
 * passphrase.  The organisation's recovery key is a user key made from
 * a 32-byte seed.
 *
 * Every function returns 0 or a negative CS_ERR_* (errors.h); a check
 * that fails on authentication returns CS_ERR_TAMPERED.  Ids and names
 * are NUL-terminated strings of 1..255 bytes (CS_ERR_FORMAT otherwise).
 * In signed and authenticated messages a quoted domain string is its
 * bytes without the NUL, and an id or name is a length byte and the
 * bytes.
 */
#ifndef E2E_H
#define E2E_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#define E2E_KEY_LEN		32	/* a case key */
#define E2E_PK_LEN		32	/* X25519 or Ed25519 public key */
#define E2E_SIG_LEN		64	/* Ed25519 signature */
#define E2E_SEALED_KEY_LEN	(E2E_KEY_LEN + 48)	/* crypto_box_seal */
#define E2E_BODY_OVERHEAD	(24 + 16)	/* nonce, tag */
#define E2E_CERT_SIG_MAX	128	/* the CA's signature, DER or raw */
#define E2E_SEED_LEN		32	/* recovery key seed */
/* The name of the recovery key where grants name a user (docs/E2E.md). */
#define E2E_RECOVERY_USER	"recovery"

/* A user's key pairs, in sodium_malloc memory (guarded, wiped on free). */
struct e2e_userkeys {
	uint8_t	box_pk[E2E_PK_LEN];
	uint8_t	box_sk[32];
	uint8_t	sign_pk[E2E_PK_LEN];
	uint8_t	sign_sk[64];
};

/* New random key pairs. */
int	e2e_userkeys_new(struct e2e_userkeys **out);
/*
 * Key pairs derived from a 32-byte seed (the recovery key): two
 * subkeys of the seed (crypto_kdf, context "csrecov1", ids 1 and 2)
 * seed crypto_box_seed_keypair and crypto_sign_seed_keypair.  The same
 * seed always gives the same keys.
 */
int	e2e_userkeys_from_seed(const uint8_t seed[E2E_SEED_LEN],
	    struct e2e_userkeys **out);
void	e2e_userkeys_free(struct e2e_userkeys *);	/* NULL is a no-op */

/* A random case key into "key" (caller's sodium_malloc memory). */
void	e2e_case_key_new(uint8_t key[E2E_KEY_LEN]);

/*
 * Record bodies.  A sealed body is a random 24-byte nonce followed by
 * the XChaCha20-Poly1305 ciphertext and tag of the plaintext; the
 * associated data is "casesync body v1", then case id, record id and
 * kind (each a length byte and the bytes) and the epoch (4 bytes, big
 * endian).  "outlen" must be at least len + E2E_BODY_OVERHEAD
 * (CS_ERR_TOO_LARGE otherwise); "*sealed_len" gets the length.
 * e2e_body_open() writes len - E2E_BODY_OVERHEAD bytes to "out"
 * (outlen at least that, CS_ERR_TOO_LARGE otherwise) and wipes them
 * if it fails; CS_ERR_FORMAT if "len" is below the
 * overhead, CS_ERR_TAMPERED if the tag or any of the bound values
 * differs.  "out" may not overlap the input.
 */
int	e2e_body_seal(const uint8_t key[E2E_KEY_LEN], const char *case_id,
	    const char *record_id, const char *kind, uint32_t epoch,
	    const uint8_t *plain, size_t len, uint8_t *out, size_t outlen,
	    size_t *sealed_len);
/*
 * e2e_body_seal() with the nonce given: E2E_BODY_NONCE_LEN bytes from
 * randombytes_buf() that no other body is sealed with (a caller sealing
 * many bodies draws all their nonces in one call; one getrandom(2) a
 * body was 2 % of the laptop's CPU in a push).
 */
#define E2E_BODY_NONCE_LEN	24
int	e2e_body_seal_nonce(const uint8_t key[E2E_KEY_LEN],
	    const char *case_id, const char *record_id, const char *kind,
	    uint32_t epoch, const uint8_t nonce[E2E_BODY_NONCE_LEN],
	    const uint8_t *plain, size_t len, uint8_t *out, size_t outlen,
	    size_t *sealed_len);
int	e2e_body_open(const uint8_t key[E2E_KEY_LEN], const char *case_id,
	    const char *record_id, const char *kind, uint32_t epoch,
	    const uint8_t *sealed, size_t len, uint8_t *out, size_t outlen,
	    size_t *plain_len);

/*
 * User key certificates: the deployment CA's signature, with its own
 * key (EC with SHA-256, or Ed25519), over "casesync user key v1", the
 * user's name (a length byte and the bytes), the X25519 and the
 * Ed25519 public key and the time of issue (8 bytes, big endian).
 * e2e_usercert_sign() writes at most E2E_CERT_SIG_MAX bytes to "sig";
 * e2e_usercert_verify() checks "sig" against the public key of "ca".
 */
struct e2e_usercert {
	char	user[256];
	uint8_t	box_pk[E2E_PK_LEN];
	uint8_t	sign_pk[E2E_PK_LEN];
	int64_t	issued;
	uint8_t	sig[E2E_CERT_SIG_MAX];
	size_t	siglen;
};
int	e2e_usercert_sign(EVP_PKEY *cakey, struct e2e_usercert *c);
int	e2e_usercert_verify(X509 *ca, const struct e2e_usercert *c);

/*
 * Grants.  The signature (Ed25519, by the granting user) covers
 * "casesync grant v1", case id, epoch (4 bytes, big endian),
 * recipient's name, recipient's X25519 public key, granter's name and
 * the sealed key.
 * e2e_grant_make() seals "key" to "to_box_pk" and signs it with
 * "signer"; the caller has set case_id, epoch, to_user and from_user.
 * e2e_grant_open() checks the signature against "from_sign_pk" as made
 * for "me"->box_pk, then opens the sealed key with "me"; CS_ERR_TAMPERED
 * if either fails, and "key" is wiped on any failure.
 */
struct e2e_grant {
	char	case_id[256];
	uint32_t epoch;
	char	to_user[256];
	char	from_user[256];
	uint8_t	sealed[E2E_SEALED_KEY_LEN];
	uint8_t	sig[E2E_SIG_LEN];
};
int	e2e_grant_make(const uint8_t key[E2E_KEY_LEN],
	    const uint8_t to_box_pk[E2E_PK_LEN],
	    const struct e2e_userkeys *signer, struct e2e_grant *g);
int	e2e_grant_open(const struct e2e_grant *g,
	    const uint8_t from_sign_pk[E2E_PK_LEN],
	    const struct e2e_userkeys *me, uint8_t key[E2E_KEY_LEN]);

/*
 * The signature alone, as the server checks it before storing a grant:
 * made by "from_sign_pk" for a key sealed to "to_box_pk".
 */
int	e2e_grant_verify(const struct e2e_grant *g,
	    const uint8_t to_box_pk[E2E_PK_LEN],
	    const uint8_t from_sign_pk[E2E_PK_LEN]);

/*
 * Key backup: a user's private keys sealed under a passphrase.
 * Format (all integers big endian): "CSKB" (4 bytes), version 1 (1
 * byte), Argon2id opslimit (8), memlimit (8), salt (16), nonce (24),
 * XChaCha20-Poly1305 of box_sk || sign_sk (96 + 16); associated data
 * = the 61-byte header and the user's name (a length byte and the
 * bytes).  E2E_BACKUP_LEN bytes.  The passphrase is 1..1024 bytes
 * (CS_ERR_FORMAT otherwise); e2e_backup_seal() refuses parameters that
 * e2e_backup_open() would refuse.
 * e2e_backup_open() refuses (CS_ERR_FORMAT) a wrong length, magic or
 * version or parameters outside [crypto_pwhash_OPSLIMIT_MIN,
 * 4 * crypto_pwhash_OPSLIMIT_SENSITIVE] and [crypto_pwhash_MEMLIMIT_MIN,
 * crypto_pwhash_MEMLIMIT_SENSITIVE]; a wrong passphrase or any changed
 * byte gives CS_ERR_PASSPHRASE.  The public halves are recomputed from
 * the private ones.
 */
#define E2E_BACKUP_LEN	(4 + 1 + 8 + 8 + 16 + 24 + 96 + 16)
int	e2e_backup_seal(const struct e2e_userkeys *k, const char *user,
	    const char *pass, size_t passlen, uint64_t opslimit,
	    size_t memlimit, uint8_t out[E2E_BACKUP_LEN]);
int	e2e_backup_open(const uint8_t *blob, size_t len, const char *user,
	    const char *pass, size_t passlen, struct e2e_userkeys **out);

/*
 * A replacement key backup (KeyBackupUpdate, e2e_kb.c) is signed by
 * the user's Ed25519 key over "casesync key backup v1" || backup, so
 * that only a holder of the private keys can replace it.
 * e2e_backup_verify: 0 or CS_ERR_CRYPTO.
 */
void	e2e_backup_sign(const struct e2e_userkeys *k,
	    const uint8_t backup[E2E_BACKUP_LEN], uint8_t sig[E2E_SIG_LEN]);
int	e2e_backup_verify(const uint8_t sign_pk[E2E_PK_LEN],
	    const uint8_t backup[E2E_BACKUP_LEN],
	    const uint8_t sig[E2E_SIG_LEN]);

#endif /* E2E_H */
