/* SPDX-License-Identifier: ISC */
/*
 * approvals.h - the handlers of ApprovalRequest, ApprovalDecision and
 * ApprovalListRequest (approvals.c; the rules in store_approvals.h).
 */
#ifndef APPROVALS_H
#define APPROVALS_H

struct msg;
struct request;

/*
 * The handlers of the dispatch table (dispatch.c): a request and a
 * decision are answered with the ApprovalInfo after it, a list request
 * with an ApprovalList, a refusal with a typed Error.  0, or a CS_ERR_*
 * after which the connection must be closed.
 */
int	approvals_request(struct request *, const struct msg *);
int	approvals_decision(struct request *, const struct msg *);
int	approvals_list(struct request *, const struct msg *);

#endif /* APPROVALS_H */
