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
#include "server.h"
#include "store.h"
#include "store_transfer.h"
#include "transfer.h"
#include "msg.h"
#include "wire.h"
#include "wire_transfer.h"

struct glass_reply {
	struct store_glass	*g;
	Casesync__V1__GlassUse	*u;
	Casesync__V1__GlassUse	**p;
	size_t			 n, max;
};

static int
glass_cb(const struct store_glass *g, void *arg)
{
	struct glass_reply	*l = arg;
	Casesync__V1__GlassUse	*u;

	if (l->n == l->max)
		return CS_ERR_INTERNAL;
	l->g[l->n] = *g;
	g = &l->g[l->n];
	u = &l->u[l->n];
	casesync__v1__glass_use__init(u);
	u->id = g->id;
	u->case_id = (char *)(uintptr_t)g->case_id;
	u->user = (char *)(uintptr_t)g->user;
	u->user_office = (char *)(uintptr_t)g->user_office;
	u->reason = (char *)(uintptr_t)g->reason;
	u->granted_at = g->granted_at;
	u->expires_at = g->expires_at;
	u->ended_at = g->ended_at;
	l->p[l->n++] = u;
	return 0;
}

int
glass_list(struct worker *w, const struct store_device *dev,
    const wire_env *req, size_t max_frame, struct buf *out)
{
	struct glass_reply		 l;
	Casesync__V1__GlassList		 gl;
	wire_env			 env;
	int				 r, more = 0;

	memset(&l, 0, sizeof(l));
	l.max = WIRE_GLASS_USES_MAX;
	if ((l.g = calloc(l.max, sizeof(*l.g))) == NULL ||
	    (l.u = calloc(l.max, sizeof(*l.u))) == NULL ||
	    (l.p = calloc(l.max, sizeof(*l.p))) == NULL) {
		r = CS_ERR_ALLOC;
		goto out;
	}
	if ((r = store_glass_seen(w->st, &dev->user,
	    req->glass_list_request->after, l.max, glass_cb, &l,
	    &more)) != 0) {
		r = r == CS_ERR_ALLOC ? r : wire_refuse(out, req->id, r,
		    WERR_UNSPECIFIED, "glass list",
		    NULL);
		goto out;
	}
	casesync__v1__glass_list__init(&gl);
	gl.uses = l.p;
	gl.n_uses = l.n;
	gl.more = more;
	casesync__v1__envelope__init(&env);
	env.id = req->id;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_GLASS_LIST;
	env.glass_list = &gl;
	r = wire_encode(&env, max_frame, out);
 out:
	free(l.g);
	free(l.u);
	free(l.p);
	return r;
}
