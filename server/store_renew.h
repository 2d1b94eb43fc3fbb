/* SPDX-License-Identifier: ISC */
/*
 * store_renew.h - the server's tables of device certificate renewal
 * (docs/PROTOCOL.md, "Certificate renewal"): the pending key of a
 * device that asked for a new certificate and has not confirmed it yet,
 * and the renewal tokens of casesyncctl renew-token.
 *
 * A device has one registered key (devices.keyhash) and at most
 * STORE_RENEW_PENDING_MAX pending keys (the newest).  While a key is
 * pending it is accepted as well as the registered one; confirming
 * (store_renew_promote) makes it the device's key and forgets the old
 * one and every other pending key, in one transaction.  No key is ever both a
 * device's key and a pending key.  Functions return 0 or a negative
 * CS_ERR_*.
 */
#ifndef STORE_RENEW_H
#define STORE_RENEW_H

#include <stdint.h>

#include "pki.h"
#include "token.h"

#define STORE_RENEW_PENDING_MAX	4

struct store;
struct store_device;

struct store_renew_pending {
	uint8_t	keyhash[PKI_HASH_LEN];
	int64_t	cert_not_after;
	int64_t	issued_at;
};

/*
 * Record "keyhash" (with the notAfter of the certificate issued for
 * it) as a pending key of device "device_id"; beyond the newest
 * STORE_RENEW_PENDING_MAX the oldest are forgotten.  NOT_FOUND: no
 * such device; REVOKED: revoked; EXISTS: the key is already some
 * device's key or pending key.
 */
int	store_renew_pending(struct store *, int64_t device_id,
	    const uint8_t keyhash[PKI_HASH_LEN], int64_t cert_not_after,
	    int64_t now);
/* The pending keys of a device, oldest first; cb as store_device_list. */
int	store_renew_pending_list(struct store *, int64_t device_id,
	    int (*cb)(const struct store_renew_pending *, void *), void *arg);
/*
 * The device whose pending key is "keyhash" (revoked ones are found);
 * NOT_FOUND if none.
 */
int	store_renew_by_pending(struct store *,
	    const uint8_t keyhash[PKI_HASH_LEN], struct store_device *);
/*
 * Confirm: if "keyhash" is a pending key of "device_id", make it the
 * device's key (and its certificate's notAfter the device's), drop the
 * old key and every pending key, *promoted = 1.  If it already is the
 * device's key (confirmed before): 0 and *promoted = 0.  NOT_FOUND:
 * neither; REVOKED: the device is revoked.  *dev gets the device as it
 * is afterwards.
 */
int	store_renew_promote(struct store *, int64_t device_id,
	    const uint8_t keyhash[PKI_HASH_LEN], struct store_device *dev,
	    int *promoted);

/* A renewal token for device "device_id", valid until "expires_at". */
int	store_renew_token_add(struct store *, const uint8_t id[TOKEN_ID_LEN],
	    const uint8_t hash[TOKEN_HASH_LEN], int64_t device_id,
	    int64_t expires_at);
/*
 * In one transaction: check the renewal token (NOT_FOUND: no such id;
 * AUTH: wrong secret, counted on the token; EXPIRED; USED), that it is
 * bound to "device_id" (AUTH, and *bound_to is the device it is bound
 * to: the token stays unused), that the device is not revoked
 * (REVOKED, token unused) and that "keyhash" is nobody's key (EXISTS);
 * then spend the token and make "keyhash" the device's key, with
 * "cert_not_after", dropping the old key and any pending one.  *dev
 * gets the device afterwards.  *bound_to is 0 unless the secret
 * matched.
 */
int	store_renew_by_token(struct store *, const struct token *,
	    int64_t device_id, const uint8_t keyhash[PKI_HASH_LEN],
	    int64_t now, int64_t cert_not_after, struct store_device *dev,
	    int64_t *bound_to);

#endif /* STORE_RENEW_H */
