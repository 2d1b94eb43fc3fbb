/* SPDX-License-Identifier: ISC */
/*
 * sync.h - the server side of sync: push, pull, purge receipts, case
 * creation and membership (DESIGN §5).  Requests arrive validated by
 * wire.c from an authenticated, non-revoked device.
 */
#ifndef SYNC_H
#define SYNC_H

#include <stddef.h>

#include "wire.h"

struct buf;
struct store_device;
struct worker;

#define SYNC_PULL_RECORDS_DEFAULT	1000
#define SYNC_PULL_RECORDS_MAX		10000
#define SYNC_PULL_BYTES_DEFAULT		(4 * 1024 * 1024)

/*
 * Handle one sync request and append the reply (or a typed Error) to
 * "out".  Returns 0, or a CS_ERR_* after which the connection must be
 * closed (allocation failure, reply too large).
 */
int	sync_handle(struct worker *w, const struct store_device *dev,
	    const wire_env *req, size_t max_frame, struct buf *out);

#endif /* SYNC_H */
