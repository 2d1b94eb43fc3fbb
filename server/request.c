/* SPDX-License-Identifier: ISC */
/*
 * request.c - what every handler does the same way (see request.h).
 */
#include "errmap.h"
#include "msg.h"
#include "request.h"

int
request_refuse(struct request *rq, enum wire_ctx ctx, int r,
    const char *what, const char *why)
{
	return wire_refuse(rq->out, rq->id, r, wire_code_of(ctx, r), what,
	    why);
}
