/* SPDX-License-Identifier: ISC */
/*
 * msg_keys.h - the end-to-end encryption messages (docs/E2E.md):
 * KeyPublish, KeyBackupUpdate, KeySyncRequest, KeySyncResponse (with
 * UserKey, KeyGrant, CaseHolders, KeyNeed), KeyGrants, KeyGrantsAck.
 * See msg.h for the conventions (plain structs, borrowed strings,
 * getters and encoders).
 *
 * wire_keys.c validated every received field: ids are UUIDs, names
 * 1..128 bytes of UTF-8, keys, sealed keys and signatures exactly as
 * long as common/e2e.h says (ca_signature 1..E2E_CERT_SIG_MAX), epochs
 * 1..INT32_MAX, sequence numbers and cursors fit in int64_t, and the
 * lists within the limits below.
 */
#ifndef MSG_KEYS_H
#define MSG_KEYS_H

#include <stddef.h>
#include <stdint.h>

#include "msg.h"

#define MSG_KEY_GRANTS_MAX	500	/* KeyGrant per message */
#define MSG_KEY_USERS_MAX	500	/* users in all KeyNeeds together */

/* A user's public keys as the deployment CA certified them. */
struct msg_user_key {
	const char		*user_name;
	struct msg_bytes	 box_pk;	/* E2E_PK_LEN */
	struct msg_bytes	 sign_pk;	/* E2E_PK_LEN */
	int64_t			 issued;
	struct msg_bytes	 ca_signature;	/* 1..E2E_CERT_SIG_MAX */
};

/* A case key sealed to one user, signed by "from_user". */
struct msg_key_grant {
	const char		*case_id;
	uint32_t		 epoch;		/* 1..INT32_MAX */
	const char		*to_user;
	const char		*from_user;
	struct msg_bytes	 sealed_key;	/* E2E_SEALED_KEY_LEN */
	struct msg_bytes	 signature;	/* E2E_SIG_LEN */
	int64_t			 seq;		/* set by the server; >= 0 */
};

/* Who may hold a case's key now. */
struct msg_case_holders {
	const char		*case_id;
	const char *const	*users;
	size_t			 n_users;
};

/* Users who should hold a case's key of "epoch" and do not yet. */
struct msg_key_need {
	const char		*case_id;
	uint32_t		 epoch;		/* 1..INT32_MAX */
	const char *const	*users;
	size_t			 n_users;
	int			 new_epoch;
	int			 reopen;
};

struct msg_key_publish {
	struct msg_bytes	 box_pk;	/* E2E_PK_LEN */
	struct msg_bytes	 sign_pk;	/* E2E_PK_LEN */
	struct msg_bytes	 key_backup;	/* E2E_BACKUP_LEN */
};

struct msg_key_backup_update {
	struct msg_bytes	 key_backup;	/* E2E_BACKUP_LEN */
	struct msg_bytes	 signature;	/* E2E_SIG_LEN */
};

/*
 * The arrays are the caller's when encoding; msg_get_key_sync_response()
 * allocates them (NULL when empty) and msg_key_sync_response_clear()
 * frees them.  The strings and bytes in them are borrowed from the
 * message.
 */
struct msg_key_sync_response {
	int			 has_mine;
	struct msg_user_key	 mine;
	struct msg_bytes	 key_backup;	/* E2E_BACKUP_LEN with mine */
	int			 has_recovery;
	struct msg_user_key	 recovery;
	struct msg_key_grant	*grants;	/* <= MSG_KEY_GRANTS_MAX */
	size_t			 n_grants;
	struct msg_user_key	*keys;
	size_t			 n_keys;
	struct msg_case_holders	*holders;
	size_t			 n_holders;
	struct msg_key_need	*needs;
	size_t			 n_needs;
	int64_t			 cursor;	/* >= 0 */
	int			 more;
};

/* Arrays as in KeySyncResponse: msg_key_grants_clear() frees them. */
struct msg_key_grants {
	struct msg_key_grant	*grants;	/* 1..MSG_KEY_GRANTS_MAX */
	size_t			 n_grants;
};

struct msg_key_grants_ack {
	const uint32_t		*refused;	/* each < MSG_KEY_GRANTS_MAX */
	size_t			 n_refused;
};

int		msg_get_key_publish(const struct msg *,
		    struct msg_key_publish *);
struct msg_out	msg_out_key_publish(const struct msg_key_publish *);
int		msg_get_key_backup_update(const struct msg *,
		    struct msg_key_backup_update *);
struct msg_out	msg_out_key_backup_update(const struct msg_key_backup_update *);

/* KeySyncRequest: the cursor of the last KeySyncResponse (>= 0). */
int		msg_get_key_sync_request(const struct msg *, int64_t *since);
struct msg_out	msg_out_key_sync_request(const int64_t *since);

/* CS_ERR_ALLOC besides CS_ERR_PROTOCOL; on error *out is empty. */
int		msg_get_key_sync_response(const struct msg *,
		    struct msg_key_sync_response *);
void		msg_key_sync_response_clear(struct msg_key_sync_response *);
struct msg_out	msg_out_key_sync_response(const struct msg_key_sync_response *);

int		msg_get_key_grants(const struct msg *, struct msg_key_grants *);
void		msg_key_grants_clear(struct msg_key_grants *);
struct msg_out	msg_out_key_grants(const struct msg_key_grants *);

int		msg_get_key_grants_ack(const struct msg *,
		    struct msg_key_grants_ack *);
struct msg_out	msg_out_key_grants_ack(const struct msg_key_grants_ack *);

#endif /* MSG_KEYS_H */
