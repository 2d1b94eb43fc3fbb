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

struct msg;
struct request;
struct worker;

#define KEYS_GRANTS_MAX		500	/* per KeySyncResponse */
#define KEYS_NEEDS_MAX		500	/* (case, epoch, user) per reply */

/*
 * The handlers of dispatch.c (request.h): each appends the reply (or a
 * typed Error) to rq->out and returns 0, or a CS_ERR_* after which the
 * connection must be closed.  KeyPublish, KeyBackupUpdate and
 * KeySyncRequest are answered with a KeySyncResponse, KeyGrants with a
 * KeyGrantsAck.
 */
int	keys_publish(struct request *rq, const struct msg *m);
int	keys_backup_update(struct request *rq, const struct msg *m);
int	keys_sync_request(struct request *rq, const struct msg *m);
int	keys_grants(struct request *rq, const struct msg *m);

/*
 * Append a grant_dropped audit entry for each (case, user) whose grants
 * the store forgot since the last call (keys_drop.c).  Failures are
 * logged; the rows wait for the next call.
 */
void	keys_audit_dropped(struct worker *w);

#endif /* KEYS_H */
