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
 * Apply what time has decided at "now" (store_transfer_tick) with an
 * access_end audit entry for each access that ended, in one transaction
 * owned here: both are committed, or neither (0 or CS_ERR_*).  "say":
 * log each end.  *seq: the newest seq if something changed, else 0.
 * For transfer_tick() and casesyncctl.
 */
int	transfer_expire(struct store *st, int64_t now, int say,
	    int64_t *seq);

#endif /* TRANSFER_H */
