/* SPDX-License-Identifier: ISC */
/*
 * errors.c - texts for the CS_ERR_* codes of errors.h.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "errors.h"

#define CS_CAUSE_MAX	160

/* The last recorded cause of this thread (see errors.h). */
static _Thread_local int	cs_cause_code;
static _Thread_local char	cs_cause_buf[CS_CAUSE_MAX];

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
};

const char *
cs_err(int r)
{
	if (r > 0 || r < CS_ERR_MIN)
		return "unknown error";
	return cs_err_text[-r];
}

int
cs_cause_text(int r, const char *text)
{
	size_t	len;

	cs_cause_code = r;
	cs_cause_buf[0] = '\0';
	if (r == 0 || text == NULL || text[0] == '\0') {
		cs_cause_code = 0;
		return r;
	}
	len = strlen(text);
	if (len >= sizeof(cs_cause_buf))
		len = sizeof(cs_cause_buf) - 1;
	memcpy(cs_cause_buf, text, len);
	cs_cause_buf[len] = '\0';
	/* "Permission denied" -> "permission denied", as our texts are */
	if (len > 1 && isupper((unsigned char)cs_cause_buf[0]) &&
	    !isupper((unsigned char)cs_cause_buf[1]))
		cs_cause_buf[0] = (char)tolower((unsigned char)cs_cause_buf[0]);
	return r;
}

int
cs_cause(int r, int err)
{
	char	buf[CS_CAUSE_MAX];

	if (err == 0)
		return cs_cause_text(r, NULL);
	/* the GNU strerror_r: its result may not be "buf" */
	return cs_cause_text(r, strerror_r(err, buf, sizeof(buf)));
}

int
cs_sys(void)
{
	return cs_cause(CS_ERR_SYSTEM, errno);
}

const char *
cs_why(int r)
{
	if (r != 0 && r == cs_cause_code && cs_cause_buf[0] != '\0')
		return cs_cause_buf;
	return cs_err(r);
}
