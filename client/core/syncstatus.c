/* SPDX-License-Identifier: ISC */
/*
 * syncstatus.c - see syncstatus.h.
 */
#include <stdint.h>
#include <string.h>

#include "errors.h"
#include "syncstatus.h"
#include "vault.h"

#define SS_LEN	17

static void
ss_put64(uint8_t *p, int64_t v)
{
	uint64_t	u = (uint64_t)v;
	int		i;

	for (i = 7; i >= 0; i--) {
		p[i] = (uint8_t)(u & 0xff);
		u >>= 8;
	}
}

static int64_t
ss_get64(const uint8_t *p)
{
	uint64_t	u = 0;
	int		i;

	for (i = 0; i < 8; i++)
		u = (u << 8) | p[i];
	return (int64_t)u;
}

int
syncstatus_get(struct vault *v, struct syncstatus *st)
{
	uint8_t	*p = NULL;
	size_t	 len = 0;
	int	 r;

	memset(st, 0, sizeof(*st));
	if ((r = vault_secret_get(v, SYNCSTATUS_SECRET, &p, &len)) != 0)
		return r == CS_ERR_NOT_FOUND ? 0 : r;
	if (len == SS_LEN && p[16] <= SYNCSTATUS_FAILED) {
		st->tried = ss_get64(p);
		st->ok = ss_get64(p + 8);
		st->outcome = p[16];
	} else
		r = CS_ERR_FORMAT;
	vault_secret_free(p, len);
	return r;
}

int
syncstatus_unreachable(int r)
{
	return r == CS_ERR_SYSTEM || r == CS_ERR_TIMEOUT ||
	    r == CS_ERR_CLOSED;
}

int
syncstatus_put(struct vault *v, int64_t now, int r)
{
	struct syncstatus	st;
	uint8_t			p[SS_LEN];
	int			rr;

	/* a damaged record is replaced, not a reason to lose this one */
	if ((rr = syncstatus_get(v, &st)) != 0 && rr != CS_ERR_FORMAT)
		return rr;
	st.tried = now;
	if (r == 0) {
		st.ok = now;
		st.outcome = SYNCSTATUS_OK;
	} else
		st.outcome = syncstatus_unreachable(r) ? SYNCSTATUS_OFFLINE :
		    SYNCSTATUS_FAILED;
	ss_put64(p, st.tried);
	ss_put64(p + 8, st.ok);
	p[16] = (uint8_t)st.outcome;
	return vault_secret_put(v, SYNCSTATUS_SECRET, p, sizeof(p));
}
