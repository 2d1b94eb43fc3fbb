/* SPDX-License-Identifier: ISC */
/*
 * errmap.h - the one mapping from a refused request's CS_ERR_* result
 * to the protocol's ErrorCode.  Some results mean something specific
 * in one family of requests (CS_ERR_STATE is INVALID_STATE for a case
 * and TRANSFER_DECIDED for a transfer); the family names its context
 * and gets the common code otherwise.
 */
#ifndef ERRMAP_H
#define ERRMAP_H

#include "msg.h"

enum wire_ctx {
	WCTX_ANY,
	WCTX_CASE,		/* the case lifecycle */
	WCTX_MEMBER,		/* case members */
	WCTX_TRANSFER,		/* transfer request and decision */
	WCTX_GLASS,		/* break the glass */
	WCTX_ENROLL,		/* enrollment with a token */
	WCTX_RENEW,		/* certificate renewal */
	WCTX_APPROVAL,		/* approval request and decision */
};

/*
 * The code for "r" in "ctx".  Anything without a row is INTERNAL: the
 * peer learns nothing of the server's own failures, and may retry.
 */
enum wire_code	wire_code_of(enum wire_ctx ctx, int r);

#endif /* ERRMAP_H */
