/* SPDX-License-Identifier: ISC */
/*
 * store_keys.h - the server's tables of end-to-end encryption
 * (docs/E2E.md): users' certified public keys and key backups, the
 * organisation's recovery key, each case's key epoch and whether it
 * must rotate, and the grants.  The server holds nothing that opens a
 * case key.  Functions return 0 or a negative CS_ERR_*.
 */
#ifndef STORE_KEYS_H
#define STORE_KEYS_H

#include <stddef.h>
#include <stdint.h>

#include "e2e.h"
#include "store.h"

#define STORE_RECOVERY_ID	0	/* to_user of grants to the recovery key */

#define STORE_GRANT_DROPS_MAX	64	/* (case, user) per call */

/* The forgotten grants of one user and case, for the audit log. */
struct store_grant_drop {
	char	case_id[STORE_UUID_LEN + 1];
	int64_t	user_id;
	char	user[STORE_NAME_MAX + 1];
	char	role[STORE_ROLE_MAX + 1];
	char	office[STORE_NAME_MAX + 1];
	int64_t	epochs;			/* how many */
	int64_t	first, last;		/* lowest and highest epoch */
	int	purged;			/* a device of hers purged the case
					   (else: she holds it no more) */
};

/*
 * The forgotten grants not yet audited, grouped by (case, user, why), at
 * most STORE_GRANT_DROPS_MAX, into a malloc'd *d (free() it; NULL when
 * none), *n of them, marked audited.  casesyncd calls it in a
 * transaction it owns (store_tx_begin) and appends their entries there
 * before it commits (keys_drop.c).
 */
int	store_keys_dropped(struct store *, struct store_grant_drop **d,
	    size_t *n);
/* *any = 1 if a forgotten grant waits for its entry (an index probe). */
int	store_keys_drops_pending(struct store *, int *any);

/*
 * The published key of user "user_id" ("recovery" key for
 * STORE_RECOVERY_ID); "backup" may be NULL.  CS_ERR_NOT_FOUND if none.
 */
int	store_key_get(struct store *, int64_t user_id, struct e2e_usercert *c,
	    uint8_t backup[E2E_BACKUP_LEN]);
/* The same by user name ("recovery" included); *user_id gets the id. */
int	store_key_get_name(struct store *, const char *name, int64_t *user_id,
	    struct e2e_usercert *c);
/* Publish a user's keys: CS_ERR_EXISTS if the user has keys. */
int	store_key_publish(struct store *, int64_t user_id,
	    const struct e2e_usercert *c, const uint8_t backup[E2E_BACKUP_LEN]);
/*
 * Replace the key backup of "user_id" (KeyBackupUpdate): 0, or
 * CS_ERR_NOT_FOUND if the user has no keys.
 */
int	store_key_backup_set(struct store *, int64_t user_id,
	    const uint8_t backup[E2E_BACKUP_LEN]);
/* Set the recovery key, with its k-of-n: CS_ERR_EXISTS if set. */
int	store_recovery_set(struct store *, const struct e2e_usercert *c,
	    unsigned k, unsigned n);

/*
 * Grants to "user_id" with id > since, oldest first, at most "max";
 * cb(grant, its id, arg) for each; *more = 1 if there are more.  Only
 * of cases the user holds now: an ex-member learns nothing (not even
 * from grants left in a database from before they were forgotten).
 */
int	store_grants_to(struct store *, int64_t user_id, int64_t since,
	    size_t max, int (*cb)(const struct e2e_grant *, int64_t id, void *),
	    void *arg, int *more);
/* Names of the users who may hold the key of "case_id" now. */
int	store_case_holders(struct store *, const char *case_id,
	    int (*cb)(const char *name, void *), void *arg);
/*
 * What "u" should grant: cb(case_id, epoch, new_epoch, user_id, arg)
 * for at most "max" (case, epoch, user) in case and epoch order;
 * new_epoch is 2 for an epoch a restore lost (store_restore.h), to be
 * opened again with the key "u" holds.
 */
int	store_key_needs(struct store *, int64_t user_id, size_t max,
	    int (*cb)(const char *case_id, uint32_t epoch, int new_epoch,
	    int64_t to_user, void *), void *arg);

/*
 * Grants made by "u", in one transaction; results[i] gets 0 or why
 * grant i was refused: CS_ERR_AUTH (not the uploader's, uploader or
 * recipient not a holder), CS_ERR_NOT_FOUND (no such case, recipient
 * without keys), CS_ERR_TAMPERED (signature), CS_ERR_STATE (epoch not
 * open), CS_ERR_EXISTS (already granted).  A grant to the uploader
 * itself that opens a new epoch comes first in its (case, epoch); if it
 * is refused, so are the uploader's other grants of that (case, epoch).
 */
int	store_grants_put(struct store *, const struct store_user *u,
	    const struct e2e_grant *g, size_t n, int64_t now, int *results);
/*
 * The recovery key's grants to "to_user" of every epoch of a case, made
 * by casesyncctl recovery grant, and "to_user" made a member (read-only
 * if "read_only") of the case.  *count gets the number of grants.
 */
int	store_grants_recovery(struct store *, const char *case_id,
	    int64_t to_user, const struct e2e_grant *g, size_t n,
	    int read_only, int64_t now);
/*
 * The recovery key's grants of "case_id", epochs 1.. in order, into
 * g[0..max); *n gets the count.  CS_ERR_NOT_FOUND if there are none.
 */
int	store_grants_of_recovery(struct store *, const char *case_id,
	    struct e2e_grant *g, size_t max, size_t *n);

#endif /* STORE_KEYS_H */
