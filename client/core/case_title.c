/* SPDX-License-Identifier: ISC */
/*
 * case_title.c - see case_title.h.
 */
#include <string.h>

#include "body.h"
#include "case_title.h"
#include "db.h"
#include "errors.h"
#include "util.h"

struct ct_ctx {
	char	*dst;
	size_t	 len;
	int	 found;
};

static int
ct_cb(const struct db_record *r, void *arg)
{
	struct ct_ctx		*cx = arg;
	const struct body_field	*f;
	struct body		 b;
	size_t			 n;

	if (cx->found || r->deleted || strcmp(r->kind, "casefile") != 0)
		return 0;
	body_init(&b);
	if (body_decode(r->body, r->body_len, &b) == 0 &&
	    (f = body_get(&b, "title")) != NULL && f->len > 0 &&
	    utf8_text_ok((const char *)f->value, f->len)) {
		n = utf8_cut((const char *)f->value, f->len, cx->len - 1);
		memcpy(cx->dst, f->value, n);
		cx->dst[n] = '\0';
		cx->found = 1;
	}
	body_free(&b);
	return 0;
}

int
case_title_get(sqlite3 *db, const char *case_id, char *dst, size_t len)
{
	struct ct_ctx	cx;
	int		r;

	if (len == 0)
		return CS_ERR_TOO_LARGE;
	dst[0] = '\0';
	cx.dst = dst;
	cx.len = len;
	cx.found = 0;
	if ((r = db_record_list(db, case_id, ct_cb, &cx)) != 0)
		return r;
	return cx.found ? 0 : CS_ERR_NOT_FOUND;
}
