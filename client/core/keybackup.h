/* SPDX-License-Identifier: ISC */
/*
 * keybackup.h - the user's key backup on the server after a passphrase
 * change (docs/E2E.md, "A user's second laptop"; docs/CLIENT.md,
 * "casesync passwd").
 *
 * The backup (the user's private keys sealed under Argon2id of the
 * passphrase) is what a new laptop of the user opens.  When the vault
 * passphrase changes, the keys are sealed again under the new one and
 * kept in the vault (secret KEYBACKUP_PENDING: it is sealed, not a
 * secret in itself) until the server has stored it: at once if the
 * laptop is on line, else at the next sync.  The replacement is signed
 * with the user's key (KeyBackupUpdate).  Functions return 0 or a
 * negative CS_ERR_*.
 */
#ifndef KEYBACKUP_H
#define KEYBACKUP_H

#include <stddef.h>

struct conn;
struct vault;

#define KEYBACKUP_PENDING	"key_backup_pending"

/*
 * Seal the user's keys held in "v" under "pass" and keep the result
 * for keybackup_upload.  CS_ERR_NOT_FOUND: this laptop holds no user
 * keys (nothing to re-wrap; none is kept).
 */
int	keybackup_prepare(struct vault *v, const char *pass, size_t passlen);

/* 1 if a re-wrapped backup waits for the server. */
int	keybackup_pending(struct vault *v);

/*
 * Send the waiting backup (if any) over "c" and forget it once the
 * server has stored it (its reply shows the stored copy).  0 if none
 * was waiting; CS_ERR_PEER if the server refused (reported).
 */
int	keybackup_upload(struct vault *v, struct conn *c);

#endif /* KEYBACKUP_H */
