/* SPDX-License-Identifier: ISC */
/*
 * transfer.h - the server side of transfers between regional offices
 * (overdracht), team assignment and break-the-glass access (DESIGN §2,
 * §3): TransferRequest, TransferDecision, TransferListRequest,
 * TeamAssign and GlassRequest, answered with TransferInfo,
 * TransferList, CaseAck, GlassGrant or a typed Error.  Requests arrive
 * validated by wire.c from an authenticated, non-revoked device; the
 * rules and the transactions live in store_transfer.c.
 */
#ifndef TRANSFER_H
#define TRANSFER_H

#include <stddef.h>

struct audit_key;
struct msg;
struct request;
struct store;
struct store_access_end;
struct store_device;
struct worker;

/*
 * The handlers of the dispatch table (dispatch.c): TransferRequest,
 * TransferDecision, TransferListRequest, TeamAssign, GlassRequest and
 * (glass.c) GlassListRequest.  0, or a CS_ERR_* after which the
 * connection must be closed (allocation failure, reply too large).
 */
int	transfer_request(struct request *, const struct msg *);
int	transfer_decision(struct request *, const struct msg *);
int	transfer_list(struct request *, const struct msg *);
int	transfer_team_assign(struct request *, const struct msg *);
int	transfer_glass(struct request *, const struct msg *);
int	glass_list(struct request *, const struct msg *);

/*
 * End the accesses whose handover window or glass time has run out and
 * complete the transfers whose old devices have all purged
 * (store_transfer_tick).  Called before every request of an
 * authenticated device, so a laptop's next pull already carries the
 * purge; cheap when nothing is due.  0, or the store's CS_ERR_* when
 * due access could not be ended: then the request is refused with a
 * retryable Error (fail closed), and the next one tries again.
 */
int	transfer_tick(struct worker *w);

/*
 * Append the end of an access (a handover window or a glass access ran
 * out) to the audit log inside the open transaction of the tick that
 * ended it (store_transfer_tick's callback): 0 or CS_ERR_*, and then
 * the tick is undone.  For transfer_tick() and casesyncctl.
 */
int	transfer_audit_end(struct store *st,
	    const struct store_access_end *end);

#endif /* TRANSFER_H */
