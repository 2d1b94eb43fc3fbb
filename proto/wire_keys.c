/* SPDX-License-Identifier: ISC */
/*
 * wire_keys.c - field checks of the key messages (see wire_keys.h).
 * Every id is a UUID, every name 1..WIRE_STR_MAX bytes of UTF-8, every
 * key, sealed key and signature exactly as long as common/e2e.h says,
 * and every list bounded.
 */
#include <string.h>

#include "e2e.h"
#include "util.h"
#include "wire.h"
#include "wire_keys.h"

static int
wire_keys_name_ok(const char *s)
{
	size_t	len;

	return s != NULL && (len = strlen(s)) > 0 && len <= WIRE_STR_MAX &&
	    utf8_valid(s, len);
}

static int
wire_keys_exact(const ProtobufCBinaryData *b, size_t len)
{
	return b->len == len && b->data != NULL;
}

static int
wire_keys_user_ok(const Casesync__V1__UserKey *k)
{
	return k == NULL || (wire_keys_name_ok(k->user_name) &&
	    wire_keys_exact(&k->box_pk, E2E_PK_LEN) &&
	    wire_keys_exact(&k->sign_pk, E2E_PK_LEN) &&
	    k->ca_signature.len >= 1 &&
	    k->ca_signature.len <= E2E_CERT_SIG_MAX &&
	    k->ca_signature.data != NULL);
}

static int
wire_keys_grant_ok(const Casesync__V1__KeyGrant *g)
{
	return g != NULL && wire_uuid_ok(g->case_id) && g->epoch >= 1 &&
	    g->epoch <= INT32_MAX && wire_keys_name_ok(g->to_user) &&
	    wire_keys_name_ok(g->from_user) &&
	    wire_keys_exact(&g->sealed_key, E2E_SEALED_KEY_LEN) &&
	    wire_keys_exact(&g->signature, E2E_SIG_LEN) &&
	    g->seq <= INT64_MAX;
}

static int
wire_keys_grants_ok(Casesync__V1__KeyGrant *const *g, size_t n, size_t min)
{
	size_t	i;

	if (n < min || n > WIRE_GRANTS_MAX)
		return 0;
	for (i = 0; i < n; i++)
		if (!wire_keys_grant_ok(g[i]))
			return 0;
	return 1;
}

static int
wire_keys_names_ok(char *const *s, size_t n)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (!wire_keys_name_ok(s[i]))
			return 0;
	return 1;
}

static int
wire_keys_sync_ok(const Casesync__V1__KeySyncResponse *m)
{
	size_t	i, users = 0;

	if (!wire_keys_user_ok(m->mine) || !wire_keys_user_ok(m->recovery) ||
	    (m->mine != NULL && m->key_backup.len != E2E_BACKUP_LEN) ||
	    (m->mine == NULL && m->key_backup.len != 0) ||
	    !wire_keys_grants_ok(m->grants, m->n_grants, 0) ||
	    m->n_keys > 2 * (WIRE_GRANTS_MAX + WIRE_KEY_USERS_MAX) ||
	    m->n_holders > WIRE_GRANTS_MAX ||
	    m->n_needs > WIRE_KEY_USERS_MAX || m->cursor > INT64_MAX)
		return 0;
	for (i = 0; i < m->n_keys; i++)
		if (m->keys[i] == NULL || !wire_keys_user_ok(m->keys[i]))
			return 0;
	for (i = 0; i < m->n_holders; i++)
		if (m->holders[i] == NULL ||
		    !wire_uuid_ok(m->holders[i]->case_id) ||
		    m->holders[i]->n_users > WIRE_KEY_USERS_MAX ||
		    !wire_keys_names_ok(m->holders[i]->users,
		    m->holders[i]->n_users))
			return 0;
	for (i = 0; i < m->n_needs; i++) {
		if (m->needs[i] == NULL || !wire_uuid_ok(m->needs[i]->case_id) ||
		    m->needs[i]->epoch < 1 || m->needs[i]->epoch > INT32_MAX ||
		    m->needs[i]->n_users > WIRE_KEY_USERS_MAX - users ||
		    !wire_keys_names_ok(m->needs[i]->users,
		    m->needs[i]->n_users))
			return 0;
		users += m->needs[i]->n_users;
	}
	return 1;
}

int
wire_keys_msg(const wire_env *e)
{
	switch (e->msg_case) {
	case CASESYNC__V1__ENVELOPE__MSG_KEY_PUBLISH:
	case CASESYNC__V1__ENVELOPE__MSG_KEY_BACKUP_UPDATE:
	case CASESYNC__V1__ENVELOPE__MSG_KEY_SYNC_REQUEST:
	case CASESYNC__V1__ENVELOPE__MSG_KEY_SYNC_RESPONSE:
	case CASESYNC__V1__ENVELOPE__MSG_KEY_GRANTS:
	case CASESYNC__V1__ENVELOPE__MSG_KEY_GRANTS_ACK:
		return 1;
	default:
		return 0;
	}
}

int
wire_keys_ok(const wire_env *e)
{
	const Casesync__V1__KeyGrantsAck	*a;
	size_t					 i;

	switch (e->msg_case) {
	case CASESYNC__V1__ENVELOPE__MSG_KEY_PUBLISH:
		return wire_keys_exact(&e->key_publish->box_pk, E2E_PK_LEN) &&
		    wire_keys_exact(&e->key_publish->sign_pk, E2E_PK_LEN) &&
		    wire_keys_exact(&e->key_publish->key_backup,
		    E2E_BACKUP_LEN);
	case CASESYNC__V1__ENVELOPE__MSG_KEY_BACKUP_UPDATE:
		return wire_keys_exact(&e->key_backup_update->key_backup,
		    E2E_BACKUP_LEN) &&
		    wire_keys_exact(&e->key_backup_update->signature,
		    E2E_SIG_LEN);
	case CASESYNC__V1__ENVELOPE__MSG_KEY_SYNC_REQUEST:
		return e->key_sync_request->since <= INT64_MAX;
	case CASESYNC__V1__ENVELOPE__MSG_KEY_SYNC_RESPONSE:
		return wire_keys_sync_ok(e->key_sync_response);
	case CASESYNC__V1__ENVELOPE__MSG_KEY_GRANTS:
		return wire_keys_grants_ok(e->key_grants->grants,
		    e->key_grants->n_grants, 1);
	case CASESYNC__V1__ENVELOPE__MSG_KEY_GRANTS_ACK:
		a = e->key_grants_ack;
		if (a->n_refused > WIRE_GRANTS_MAX)
			return 0;
		for (i = 0; i < a->n_refused; i++)
			if (a->refused[i] >= WIRE_GRANTS_MAX)
				return 0;
		return 1;
	default:
		return 0;
	}
}
