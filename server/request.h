/* SPDX-License-Identifier: ISC */
/*
 * request.h - one request as it travels through casesyncd.
 *
 * session.c decodes a frame into a struct msg, finds its row in the
 * dispatch table (dispatch.c: message type -> the state it needs ->
 * handler -> audit hook) and calls the handler with an explicit
 * request context.  Handlers read who asks and where replies go from
 * the context, never from the worker's or the session's fields; they
 * reach the store through rq->w->st.
 */
#ifndef REQUEST_H
#define REQUEST_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>

#include "errmap.h"
#include "msg.h"

struct buf;
struct session;
struct store_device;
struct worker;

struct request {
	struct worker		*w;	/* the store, the server's settings */
	struct session		*s;	/* session.c's own handlers only */
	/*
	 * The authenticated device (NULL before authentication).  A
	 * renewal's confirm updates it (renew.c), hence not const.
	 */
	struct store_device	*dev;
	const char		*peer;	  /* its address (audit, log) */
	EVP_PKEY		*peer_key; /* its certificate's key or NULL */
	struct buf		*out;	/* replies are appended here */
	size_t			 max_frame;
	uint32_t		 id;	/* replies carry it */
	/*
	 * Group commit of this request's audit entries (audit_defer):
	 * "batching" while it is handled; "held" once it queued some
	 * (its reply then waits for the commit), "guarded" if some of
	 * them guard case data, "lost" if those could not be committed
	 * (the reply is replaced: fail closed).
	 */
	int			 batching;
	int			 held;
	int			 guarded;
	int			 lost;
	/* Set by a handler: run the table's audit hook with this result. */
	int			 audit;
	int			 audit_r;
	/* Set by a handler: close the connection after the reply. */
	int			 close;
};

/* A handler: 0, or a CS_ERR_* that closes the connection. */
typedef int	request_fn(struct request *, const struct msg *);
/* An audit hook: the entry of a request a handler asked to audit. */
typedef void	request_audit_fn(struct request *, const struct msg *, int r);

/* What a message needs of its connection before it is handled. */
enum request_need {
	NEED_ENROLL,		/* Hello done, no certificate: enrollment */
	NEED_DEVICE,		/* an enrolled, not revoked device */
};

struct request_route {
	enum msg_type		 type;
	enum request_need	 need;
	request_fn		*fn;
	request_audit_fn	*audit;		/* or NULL */
	/* the handler may start or end an access with an end time */
	int			 access;
};

/* The row for "type", or NULL for a message no device may send. */
const struct request_route	*request_route(enum msg_type type);
/* The whole table, indexed by type; rows without "fn" are empty. */
const struct request_route	*request_routes(size_t *n);

/*
 * Ask for the table's audit hook after the handler, with the store's
 * result "r" (0: done).
 */
static inline void
request_audit(struct request *rq, int r)
{
	rq->audit = 1;
	rq->audit_r = r;
}

/*
 * Refuse the request with an Error for the store's result "r": its code
 * from the one map (errmap.h) in context "ctx", its text "what: why"
 * (why NULL: the text of "r").  0 or the encoder's CS_ERR_*.
 */
int	request_refuse(struct request *, enum wire_ctx ctx, int r,
	    const char *what, const char *why);

#endif /* REQUEST_H */
