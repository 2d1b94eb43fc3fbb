/* SPDX-License-Identifier: ISC */
/*
 * glass.c - GlassListRequest (see transfer.h): the break-the-glass uses
 * of the cases the asker answers for, so that the case's regisseur and
 * the teamleiders of its office learn of every use (and renewal) at
 * their next sync.  Who may see which use is store_glass_seen()'s rule.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "errors.h"
#include "request.h"
#include "server.h"
#include "store.h"
#include "store_transfer.h"
#include "transfer.h"
#include "msg.h"
#include "msg_transfer.h"
#include "wire.h"		/* wire_refuse */

struct glass_reply {
	struct store_glass	*g;	/* the strings */
	struct msg_glass_use	*u;	/* what is sent */
	size_t			 n, max;
};

static int
glass_cb(const struct store_glass *g, void *arg)
{
	struct glass_reply	*l = arg;
	struct msg_glass_use	*u;

	if (l->n == l->max)
		return CS_ERR_INTERNAL;
	l->g[l->n] = *g;
	g = &l->g[l->n];
	u = &l->u[l->n++];
	u->id = g->id;
	u->case_id = g->case_id;
	u->user = g->user;
	u->user_office = g->user_office;
	u->reason = g->reason;
	u->granted_at = g->granted_at;
	u->expires_at = g->expires_at;
	u->ended_at = g->ended_at;
	return 0;
}

int
glass_list(struct request *rq, const struct msg *req)
{
	struct msg_glass_list_request	 q;
	struct msg_glass_list		 gl;
	struct glass_reply		 l;
	struct msg_out			 o;
	int				 r, more = 0;

	if ((r = msg_get_glass_list_request(req, &q)) != 0)
		return r;
	memset(&l, 0, sizeof(l));
	l.max = MSG_GLASS_USES_MAX;
	if ((l.g = calloc(l.max, sizeof(*l.g))) == NULL ||
	    (l.u = calloc(l.max, sizeof(*l.u))) == NULL) {
		r = CS_ERR_ALLOC;
		goto out;
	}
	if ((r = store_glass_seen(rq->w->st, &rq->dev->user, q.after, l.max,
	    glass_cb, &l, &more)) != 0) {
		r = r == CS_ERR_ALLOC ? r : wire_refuse(rq->out, rq->id, r,
		    WERR_UNSPECIFIED, "glass list", NULL);
		goto out;
	}
	gl.uses = l.u;
	gl.n_uses = l.n;
	gl.more = more;
	o = msg_out_glass_list(&gl);
	r = msg_encode(rq->id, &o, rq->max_frame, rq->out);
 out:
	free(l.g);
	free(l.u);
	return r;
}
