/* SPDX-License-Identifier: ISC */
/*
 * keys_int.h - the vault tables of keys.c, for keyround.c and
 * keybackup.c only.
 */
#ifndef CLIENT_KEYS_INT_H
#define CLIENT_KEYS_INT_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "e2e.h"

/*
 * What the key backup's associated data names: the backup is made
 * before the server has certified (and so named) the keys.
 */
#define KEYS_BACKUP_AD		"casesync user keys"
/* Argon2id cost of a new key backup: high; CASESYNC_KDF=fast for tests. */
void	keys_backup_cost(uint64_t *ops, size_t *mem);

/* The user's keys and name; CS_ERR_NOT_FOUND before keys_setup(). */
int	keys_self_load(sqlite3 *, struct e2e_userkeys **out, char *user,
	    size_t userlen);
int	keys_self_save(sqlite3 *, const struct e2e_userkeys *, const char *user);
/*
 * Key continuity: the first CA-certified public keys seen for a user
 * (or the recovery key) are pinned; 0 if "c" matches the pin or is
 * pinned now, CS_ERR_TAMPERED if the user's keys changed.
 */
int	keys_pin_check(sqlite3 *, const struct e2e_usercert *c);
/* Store a case key; "confirmed" replaces what was there. */
int	keys_case_put(sqlite3 *, const char *case_id, uint32_t epoch,
	    const uint8_t key[E2E_KEY_LEN], int confirmed);
/* The key of (case, epoch), confirmed only if "confirmed"; *found. */
int	keys_case_get(sqlite3 *, const char *case_id, uint32_t epoch,
	    int confirmed, uint8_t key[E2E_KEY_LEN], int *found);
/* Confirm a key ("ok") or drop it if unconfirmed. */
int	keys_case_settle(sqlite3 *, const char *case_id, uint32_t epoch,
	    int ok);

#endif /* CLIENT_KEYS_INT_H */
