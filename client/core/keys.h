/* SPDX-License-Identifier: ISC */
/*
 * keys.h - the laptop's side of end-to-end encryption (docs/E2E.md).
 *
 * Inside the vault: the user's private keys (e2e_self), the case keys
 * this laptop holds (case_keys: one per case and epoch; "confirmed"
 * once the server stored the grant to this user), the grant cursor,
 * and records that arrived before their key (sealed_pending).
 *
 * The key round, before every push and pull: fetch grants to this user
 * and keep those that verify (the signer's key certified by the pinned
 * CA, the signer a holder of the case, the signature over this user's
 * own public key); make the grants the server says are missing,
 * sealing only to keys the CA certified; open a new epoch when a case
 * has no key or must rotate.  Functions return 0 or a CS_ERR_*.
 */
#ifndef CLIENT_KEYS_H
#define CLIENT_KEYS_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/x509.h>
#include <sqlite3.h>

#include "e2e.h"

struct conn;
struct db_record;
struct keyring;

struct keys_stats {
	uint64_t	received;	/* grants verified and kept */
	uint64_t	rejected;	/* grants that failed a check */
	uint64_t	dropped;	/* grants of cases this user holds
					   no more: not kept, no alarm */
	uint64_t	made;		/* grants this laptop made */
	uint64_t	refused;	/* made, but refused by the server */
	uint64_t	uncertified;	/* recipients whose key the CA did
					   not certify: nothing sealed */
	uint64_t	epochs;		/* new case keys (created, rotated) */
	uint64_t	round_trips;
};

int	keys_init(sqlite3 *);
/* 1 if this laptop holds the user's private keys. */
int	keys_have_self(sqlite3 *);

/*
 * Give this laptop the user's keys: on the user's first device, new
 * key pairs, published with a backup sealed under "pass"; on any other,
 * the backup opened with "pass" (CS_ERR_PASSPHRASE if it does not).
 * "ca" is the pinned deployment CA.
 */
int	keys_setup(struct conn *, sqlite3 *, X509 *ca, const char *pass,
	    size_t passlen);

/* The key round (see above); "ks" may be NULL. */
int	keys_round(struct conn *, sqlite3 *, X509 *ca, struct keys_stats *ks);

/*
 * The same in three steps, so that a pull can travel with the first
 * request (one round trip when in sync): start sends the request;
 * grants waits for the reply and keeps the grants to this user; finish
 * makes the grants asked for and goes on while there is more.  Nothing
 * else may be awaited on the connection between start and grants.
 */
struct keys_round;
int	keys_round_start(struct conn *, sqlite3 *, X509 *ca,
	    struct keys_stats *ks, struct keys_round **out);
int	keys_round_grants(struct keys_round *);
int	keys_round_finish(struct keys_round *);
void	keys_round_free(struct keys_round *);	/* NULL is a no-op */

/* A new case's first key (epoch 1); confirmed by the next key round. */
int	keys_case_new(sqlite3 *, const char *case_id);
/* Forget every key of a case (purge). */
int	keys_case_forget(sqlite3 *, const char *case_id);

/* The confirmed case keys, in sodium_malloc memory (after keys_init). */
int	keyring_load(sqlite3 *, struct keyring **out);
void	keyring_free(struct keyring *);		/* NULL is a no-op */
/* The key of (case, epoch), or NULL. */
const uint8_t	*keyring_get(const struct keyring *, const char *case_id,
		    uint32_t epoch);
/* The newest key of a case and its epoch, or NULL. */
const uint8_t	*keyring_newest(const struct keyring *, const char *case_id,
		    uint32_t *epoch);

/* A pulled record whose key this laptop does not hold yet. */
int	keys_pending_put(sqlite3 *, const struct db_record *sealed);
/*
 * Call cb for each pending record whose key "kr" holds now, and drop
 * it from the pending table (inside the caller's transaction).
 */
int	keys_pending_take(sqlite3 *, const struct keyring *kr,
	    int (*cb)(const struct db_record *sealed, void *), void *arg);
/* Pending records (waiting for a key). */
int	keys_pending_count(sqlite3 *, int64_t *n);
/*
 * Forget every record waiting for its key (after a server restore:
 * their versions may be gone; the pull from the start brings back what
 * the server holds).
 */
int	keys_pending_reset(sqlite3 *);

#endif /* CLIENT_KEYS_H */
