/* SPDX-License-Identifier: ISC */
/*
 * wire_keys.h - validation of the end-to-end encryption messages
 * (Envelope fields 80..89: KeyPublish, KeySyncRequest, KeySyncResponse,
 * KeyGrants, KeyGrantsAck), called by wire_decode() before any other
 * code sees them.  Fixed-size fields have exact sizes.
 */
#ifndef WIRE_KEYS_H
#define WIRE_KEYS_H

#include "e2e.h"
#include "wire.h"

#define WIRE_GRANTS_MAX		500	/* KeyGrant per message */
#define WIRE_KEY_USERS_MAX	500	/* users in all KeyNeeds together */
/* 1 if "e" carries one of the messages 80..89. */
int	wire_keys_msg(const wire_env *e);
/* 1 if every field of that message is present and well formed. */
int	wire_keys_ok(const wire_env *e);

#endif /* WIRE_KEYS_H */
