/* SPDX-License-Identifier: ISC */
/*
 * sync.h - the server side of sync: push, pull, purge receipts, case
 * creation and membership (DESIGN §5).  Requests arrive validated by
 * wire.c from an authenticated, non-revoked device.
 */
#ifndef SYNC_H
#define SYNC_H

#include <stddef.h>

struct msg;
struct request;

#define SYNC_PULL_RECORDS_DEFAULT	1000
#define SYNC_PULL_RECORDS_MAX		10000
#define SYNC_PULL_BYTES_DEFAULT		(4 * 1024 * 1024)

/*
 * The handlers of the dispatch table (request.h, dispatch.c) for
 * PullRequest, PushRequest, PurgeReceipt, CaseCreate and CaseMember:
 * each appends its reply (or a typed Error) to rq->out, and asks for
 * the table's audit hook where the request has one.  Returns 0, or a
 * CS_ERR_* after which the connection must be closed (allocation
 * failure, reply too large).
 */
int	sync_pull(struct request *, const struct msg *);
int	sync_push(struct request *, const struct msg *);
int	sync_purge_receipt(struct request *, const struct msg *);
int	sync_case_create(struct request *, const struct msg *);
int	sync_case_member(struct request *, const struct msg *);

#endif /* SYNC_H */
