/* SPDX-License-Identifier: ISC */
/*
 * keybackup.c - re-wrapping the user's key backup on the server after
 * "casesync passwd" (see keybackup.h).
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <sodium.h>

#include "notice.h"
#include "conn.h"
#include "e2e.h"
#include "errors.h"
#include "identity.h"
#include "keybackup.h"
#include "keys.h"
#include "keys_int.h"
#include "log.h"
#include "msg_keys.h"
#include "vault.h"

int
keybackup_prepare(struct vault *v, const char *pass, size_t passlen)
{
	struct e2e_userkeys	*k = NULL;
	uint8_t			 backup[E2E_BACKUP_LEN];
	char			 user[256];
	uint64_t		 ops;
	size_t			 mem;
	int			 r;

	if ((r = keys_init(vault_db(v))) != 0 ||
	    (r = keys_self_load(vault_db(v), &k, user, sizeof(user))) != 0)
		return vault_err(v, r);
	keys_backup_cost(&ops, &mem);
	if ((r = e2e_backup_seal(k, KEYS_BACKUP_AD, pass, passlen, ops, mem,
	    backup)) == 0)
		r = vault_secret_put(v, KEYBACKUP_PENDING, backup,
		    sizeof(backup));
	sodium_memzero(backup, sizeof(backup));
	e2e_userkeys_free(k);
	return vault_err(v, r);
}

int
keybackup_pending(struct vault *v)
{
	uint8_t	*p = NULL;
	size_t	 len = 0;

	if (vault_secret_get(v, KEYBACKUP_PENDING, &p, &len) != 0)
		return 0;
	vault_secret_free(p, len);
	return 1;
}

int
keybackup_upload(struct vault *v, struct conn *c)
{
	struct msg_key_backup_update	 u;
	struct msg_key_sync_response	 ks;
	struct msg_out			 o;
	struct e2e_userkeys		*k = NULL;
	struct msg			*rep = NULL;
	uint8_t				*b = NULL, sig[E2E_SIG_LEN];
	char				 user[256];
	size_t				 len = 0;
	int				 r;

	memset(&ks, 0, sizeof(ks));

	if ((r = vault_secret_get(v, KEYBACKUP_PENDING, &b, &len)) != 0)
		return r == CS_ERR_NOT_FOUND ? 0 : vault_err(v, r);
	if (len != E2E_BACKUP_LEN) {
		r = CS_ERR_TAMPERED;
		goto out;
	}
	if ((r = keys_self_load(vault_db(v), &k, user, sizeof(user))) != 0) {
		r = vault_err(v, r);
		goto out;
	}
	e2e_backup_sign(k, b, sig);
	u.key_backup = (struct msg_bytes){ b, len };
	u.signature = (struct msg_bytes){ sig, sizeof(sig) };
	o = msg_out_key_backup_update(&u);
	if ((r = rpc_call_expect(c, &o, MSG_KEY_SYNC_RESPONSE, &rep)) != 0 ||
	    (r = msg_get_key_sync_response(rep, &ks)) != 0) {
		notice_reply("key backup", r, rep);
		goto out;
	}
	/* the reply carries the backup the server now holds: ours */
	if (ks.key_backup.len != len ||
	    sodium_memcmp(ks.key_backup.p, b, len) != 0) {
		r = CS_ERR_PROTOCOL;
		notice(NOTICE_ERROR, "key backup: the server did not store it");
		goto out;
	}
	r = vault_err(v, vault_secret_del(v, KEYBACKUP_PENDING));
 out:
	msg_key_sync_response_clear(&ks);
	msg_free(rep);
	e2e_userkeys_free(k);
	vault_secret_free(b, len);
	return r;
}
