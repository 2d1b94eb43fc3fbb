/* SPDX-License-Identifier: ISC */
/*
 * e2e_kb.c - the signature on a replacement key backup (see e2e.h):
 * Ed25519 by the user's sign key over the domain string "casesync key
 * backup v1" (its bytes, no NUL) followed by the E2E_BACKUP_LEN bytes
 * of the backup.  Both lengths are fixed, so the message is injective.
 */
#include <stdint.h>
#include <string.h>

#include <sodium.h>

#include "e2e.h"
#include "errors.h"

#define E2E_KB_DOMAIN		"casesync key backup v1"
#define E2E_KB_DOMAIN_LEN	(sizeof(E2E_KB_DOMAIN) - 1)
#define E2E_KB_MSG_LEN		(E2E_KB_DOMAIN_LEN + E2E_BACKUP_LEN)

_Static_assert(E2E_SIG_LEN == crypto_sign_BYTES, "Ed25519 signature size");
_Static_assert(E2E_PK_LEN == crypto_sign_PUBLICKEYBYTES, "Ed25519 key size");

static void
e2e_kb_msg(const uint8_t backup[E2E_BACKUP_LEN], uint8_t m[E2E_KB_MSG_LEN])
{
	memcpy(m, E2E_KB_DOMAIN, E2E_KB_DOMAIN_LEN);
	memcpy(m + E2E_KB_DOMAIN_LEN, backup, E2E_BACKUP_LEN);
}

void
e2e_backup_sign(const struct e2e_userkeys *k,
    const uint8_t backup[E2E_BACKUP_LEN], uint8_t sig[E2E_SIG_LEN])
{
	uint8_t	m[E2E_KB_MSG_LEN];

	e2e_kb_msg(backup, m);
	/* cannot fail for a 64-byte secret key */
	(void)crypto_sign_detached(sig, NULL, m, sizeof(m), k->sign_sk);
}

int
e2e_backup_verify(const uint8_t sign_pk[E2E_PK_LEN],
    const uint8_t backup[E2E_BACKUP_LEN], const uint8_t sig[E2E_SIG_LEN])
{
	uint8_t	m[E2E_KB_MSG_LEN];

	e2e_kb_msg(backup, m);
	return crypto_sign_verify_detached(sig, m, sizeof(m), sign_pk) == 0 ?
	    0 : CS_ERR_CRYPTO;
}
