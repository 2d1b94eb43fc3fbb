/* SPDX-License-Identifier: ISC */
/*
 * auditrows.c - the audit log's entries fetched over the protocol (see
 * auditrows.h).  The replies are kept as they came (the rows point into
 * them) with the number of rows before each.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conn.h"
#include "errors.h"
#include "msg.h"
#include "msg_auditq.h"
#include "auditrows.h"

struct auditrows {
	struct msg	**pages;
	size_t		 *first;	/* rows before page i */
	size_t		  npages;
	size_t		  n;
};

void
auditrows_free(struct auditrows *a)
{
	size_t	i;

	if (a == NULL)
		return;
	for (i = 0; i < a->npages; i++)
		msg_free(a->pages[i]);
	free(a->pages);
	free(a->first);
	free(a);
}

/* Keep reply "rep" of "rows" rows as the next page. */
static int
auditrows_keep(struct auditrows *a, struct msg *rep, size_t rows)
{
	struct msg	**p;
	size_t		 *f;

	if ((p = reallocarray(a->pages, a->npages + 1, sizeof(*p))) == NULL)
		return CS_ERR_ALLOC;
	a->pages = p;
	if ((f = reallocarray(a->first, a->npages + 1, sizeof(*f))) == NULL)
		return CS_ERR_ALLOC;
	a->first = f;
	a->pages[a->npages] = rep;
	a->first[a->npages] = a->n;
	a->npages++;
	a->n += rows;
	return 0;
}

int
auditrows_fetch(struct conn *c, struct msg_audit_query_request *q,
    size_t pages, struct auditrows **out, int *more, struct msg **err)
{
	struct msg_audit_query_response	 resp;
	struct msg_audit_row		 row;
	struct auditrows		*a;
	struct msg_out			 req;
	struct msg			*rep = NULL;
	int				 r;

	*out = NULL;
	*more = 0;
	*err = NULL;
	if ((a = calloc(1, sizeof(*a))) == NULL)
		return CS_ERR_ALLOC;
	req = msg_out_audit_query_request(q);
	for (;;) {
		if (a->npages == pages) {
			*more = 1;
			break;
		}
		if ((r = rpc_call_expect(c, &req, MSG_AUDIT_QUERY_RESPONSE,
		    &rep)) != 0) {
			*err = rep;
			rep = NULL;
			goto out;
		}
		(void)msg_get_audit_query_response(rep, &resp);
		if ((r = auditrows_keep(a, rep, resp.n_rows)) != 0)
			goto out;
		rep = NULL;	/* transferred */
		if (resp.n_rows == 0 || !resp.more)
			break;
		auditrows_row(a, a->n - 1, &row);
		/* ascending in a reply (wire_audit_q.c); after what we asked */
		if (row.idx <= q->after) {
			r = CS_ERR_PROTOCOL;
			goto out;
		}
		q->after = row.idx;
	}
	*out = a;
	a = NULL;	/* transferred */
	r = 0;
 out:
	msg_free(rep);
	auditrows_free(a);
	return r;
}

size_t
auditrows_n(const struct auditrows *a)
{
	return a->n;
}

void
auditrows_row(const struct auditrows *a, size_t i,
    struct msg_audit_row *row)
{
	size_t	lo = 0, hi = a->npages, mid;

	/* the last page whose first row is at or before i */
	while (hi - lo > 1) {
		mid = lo + (hi - lo) / 2;
		if (a->first[mid] <= i)
			lo = mid;
		else
			hi = mid;
	}
	(void)msg_audit_query_item(a->pages[lo], i - a->first[lo], row);
}
