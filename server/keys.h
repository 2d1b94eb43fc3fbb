/* SPDX-License-Identifier: ISC */
/*
 * keys.h - the server side of end-to-end encryption (docs/E2E.md):
 * KeyPublish (a user's first keys, certified with the deployment CA),
 * KeySyncRequest (grants to the user, the keys of the users involved,
 * the holders of the cases, and the grants the user should make) and
 * KeyGrants.  The server relays sealed keys; it never opens one.
 */
#ifndef KEYS_H
#define KEYS_H

#include <stddef.h>

#include "wire.h"

struct buf;
struct store_device;
struct worker;

#define KEYS_GRANTS_MAX		500	/* per KeySyncResponse */
#define KEYS_NEEDS_MAX		500	/* (case, epoch, user) per reply */

/* 1 if "req" is a message keys_handle() answers. */
int	keys_wants(const wire_env *req);

/*
 * Handle one key request and append the reply (or a typed Error) to
 * "out".  Returns 0, or a CS_ERR_* after which the connection must be
 * closed.
 */
int	keys_handle(struct worker *w, const struct store_device *dev,
	    const wire_env *req, size_t max_frame, struct buf *out);

/*
 * Append a grant_dropped audit entry for each (case, user) whose grants
 * the store forgot since the last call (keys_drop.c).  Failures are
 * logged; the rows wait for the next call.
 */
void	keys_audit_dropped(struct worker *w);

#endif /* KEYS_H */
