/* SPDX-License-Identifier: ISC */
/*
 * cases.h - the server side of the case lifecycle (DESIGN §2): state
 * changes (CaseState) and metadata queries (CaseInfoRequest), both
 * answered with a CaseInfo or a typed Error.  Requests arrive
 * validated by wire.c from an authenticated, non-revoked device.
 */
#ifndef CASES_H
#define CASES_H

#include <stddef.h>

#include "wire.h"

struct buf;
struct store_device;
struct worker;

/* 1 if "req" is a message cases_handle() answers. */
int	cases_wants(const wire_env *req);

/*
 * Handle one lifecycle request and append the reply (or a typed Error)
 * to "out".  Returns 0, or a CS_ERR_* after which the connection must
 * be closed (allocation failure, reply too large).
 */
int	cases_handle(struct worker *w, const struct store_device *dev,
	    const wire_env *req, size_t max_frame, struct buf *out);

#endif /* CASES_H */
