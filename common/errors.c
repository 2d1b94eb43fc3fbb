/* SPDX-License-Identifier: ISC */
/*
 * errors.c - texts for the CS_ERR_* codes of errors.h.
 */
#include "errors.h"

static const char *const cs_err_text[] = {
	"success",
	"internal error",
	"out of memory",
	"incomplete input",
	"malformed input",
	"input too large",
	"system error",
	"database error",
	"TLS error",
	"cryptographic error",
	"not authorised",
	"not found",
	"already exists",
	"expired",
	"already used",
	"rate limited",
	"revoked",
	"protocol violation",
	"connection closed by peer",
	"timed out",
	"configuration error",
	"wrong passphrase",
	"database damaged or tampered",
	"usage error",
	"refused by peer",
	"transition not allowed in the case lifecycle",
	"legal time limit exceeded",
	"needs a reason and a team lead's approval",
	"the sending side cannot decide its own request",
	"the server could not do this now; nothing was lost, try again later",
	"matches more than one: say which",
};

const char *
cs_err(int r)
{
	if (r > 0 || r < CS_ERR_MIN)
		return "unknown error";
	return cs_err_text[-r];
}
