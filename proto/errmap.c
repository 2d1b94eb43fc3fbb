/* SPDX-License-Identifier: ISC */
/*
 * errmap.c - CS_ERR_* to ErrorCode (see errmap.h).
 */
#include <stddef.h>

#include "errmap.h"
#include "errors.h"

static const struct {
	enum wire_ctx	ctx;
	int		r;
	enum wire_code	code;
} rows[] = {
	/* what a result means in one family */
	{ WCTX_CASE,	 CS_ERR_STATE,		WERR_INVALID_STATE },
	{ WCTX_CASE,	 CS_ERR_LIMIT,		WERR_TIME_LIMIT },
	{ WCTX_CASE,	 CS_ERR_APPROVAL,	WERR_APPROVAL_REQUIRED },
	{ WCTX_MEMBER,	 CS_ERR_STATE,		WERR_REGISSEUR_REQUIRED },
	{ WCTX_TRANSFER, CS_ERR_SELF,		WERR_OWN_TRANSFER },
	{ WCTX_TRANSFER, CS_ERR_STATE,		WERR_TRANSFER_DECIDED },
	{ WCTX_TRANSFER, CS_ERR_EXISTS,		WERR_TRANSFER_OPEN },
	{ WCTX_GLASS,	 CS_ERR_RATE,		WERR_GLASS_LIMIT },
	{ WCTX_ENROLL,	 CS_ERR_NOT_FOUND,	WERR_TOKEN_INVALID },
	{ WCTX_ENROLL,	 CS_ERR_AUTH,		WERR_TOKEN_INVALID },
	{ WCTX_ENROLL,	 CS_ERR_FORMAT,		WERR_TOKEN_INVALID },
	{ WCTX_RENEW,	 CS_ERR_NOT_FOUND,	WERR_TOKEN_INVALID },
	{ WCTX_RENEW,	 CS_ERR_AUTH,		WERR_TOKEN_INVALID },
	{ WCTX_RENEW,	 CS_ERR_FORMAT,		WERR_TOKEN_INVALID },
	{ WCTX_RENEW,	 CS_ERR_EXISTS,		WERR_RENEW_KEY_IN_USE },
	/* and in every family */
	{ WCTX_ANY,	 CS_ERR_AUTH,		WERR_FORBIDDEN },
	{ WCTX_ANY,	 CS_ERR_FORMAT,		WERR_BAD_REQUEST },
	{ WCTX_ANY,	 CS_ERR_NOT_FOUND,	WERR_BAD_REQUEST },
	{ WCTX_ANY,	 CS_ERR_EXISTS,		WERR_BAD_REQUEST },
	{ WCTX_ANY,	 CS_ERR_PROTOCOL,	WERR_BAD_REQUEST },
	{ WCTX_ANY,	 CS_ERR_TOO_LARGE,	WERR_BAD_REQUEST },
	{ WCTX_ANY,	 CS_ERR_EXPIRED,	WERR_TOKEN_EXPIRED },
	{ WCTX_ANY,	 CS_ERR_USED,		WERR_TOKEN_USED },
	{ WCTX_ANY,	 CS_ERR_RATE,		WERR_RATE_LIMITED },
	{ WCTX_ANY,	 CS_ERR_REVOKED,	WERR_DEVICE_REVOKED },
	{ WCTX_ANY,	 CS_ERR_STATE,		WERR_STATE },
	{ WCTX_ANY,	 CS_ERR_SELF,		WERR_FORBIDDEN },
	{ WCTX_ANY,	 CS_ERR_LIMIT,		WERR_BAD_REQUEST },
	{ WCTX_ANY,	 CS_ERR_APPROVAL,	WERR_FORBIDDEN },
	{ WCTX_ANY,	 CS_ERR_RETRY,		WERR_UNAVAILABLE },
};

enum wire_code
wire_code_of(enum wire_ctx ctx, int r)
{
	size_t	i;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		if (rows[i].ctx == ctx && rows[i].r == r)
			return rows[i].code;
	for (i = 0; ctx != WCTX_ANY && i < sizeof(rows) / sizeof(rows[0]);
	    i++)
		if (rows[i].ctx == WCTX_ANY && rows[i].r == r)
			return rows[i].code;
	return WERR_INTERNAL;
}
