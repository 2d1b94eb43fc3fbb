/* SPDX-License-Identifier: ISC */
/*
 * session_int.h - the session's state, shared by session.c (the
 * connection: TLS, reading and writing frames, deadlines) and
 * session_req.c (one request: Hello, the dispatch table, the audit
 * group commit).  Not for other modules: they see session.h.
 */
#ifndef SESSION_INT_H
#define SESSION_INT_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/ssl.h>

#include "msg.h"
#include "peerlimit.h"
#include "pki.h"
#include "store.h"

#define SESSION_READ_CHUNK	(16 * 1024)
#define SESSION_OUT_HIGH	(1024 * 1024)
#define SESSION_OUT_MAX		(FRAME_MAX_LIMIT + 64 * 1024)
#define SESSION_SPARE_MIN	(1024 * 1024)	/* kept by the worker */
#define SESSION_LINGER_MS	2000	/* to flush a final Error */
#define SESSION_TRIM_FRAME	(1024 * 1024)	/* then malloc_trim (loop.c) */
#define SESSION_RETRY_MS	5000	/* after a store that cannot write */

enum session_state {
	SESSION_HANDSHAKE,
	SESSION_HELLO,
	SESSION_READY,
	SESSION_CLOSING,	/* flush "out", then free */
};

struct session {
	struct worker		*w;
	struct session		*prev, *next;
	struct session		*wprev, *wnext;	/* w->watchers */
	int			 fd;
	SSL			*ssl;
	enum session_state	 state;
	char			 peer[80];	/* address: audit, limits */
	char			 tag[128];	/* for the log: see session_tag */
	uint64_t		 conn_id;
	uint32_t		 events;	/* registered with epoll */
	int			 want_write;	/* SSL wants the socket writable */
	int			 counted;	/* holds one of srv->nconns */
	int			 has_cert;
	int			 authed;	/* registered, not revoked */
	int			 dev_error;	/* ErrorCode to refuse Hello */
	struct store_device	 dev;
	int			 pending_key;	/* authed by a renewal's key */
	uint8_t			 keyhash[PKI_HASH_LEN];	/* the certificate's */
	int			 watching;
	int64_t			 watch_seq;	/* notified up to here */
	int			 held;		/* on w->held: see above */
	int			 held_guard;	/* ... a reply with case data */
	int			 held_lost;	/* ... whose entries are lost */
	size_t			 held_mark;	/* "out" before its reply */
	uint64_t		 later_gen;	/* its login's batch (audit_later) */
	uint32_t		 req_id;	/* of the request in hand */
	int			 pending;	/* counted in srv->pending */
	struct peerlimit_key	 pkey;		/* ... under this address */
	struct session		*hnext;
	struct buf		*in;
	struct buf		*out;
	struct timer		 deadline;	/* in w->timers */
	int64_t			 start_ns;	/* accepted (metrics) */
	enum msg_type		 msg_type;	/* of the request in hand */
};

void		session_state(struct session *, enum session_state);
/* The session times out at "ms" (monotonic) unless this is called again. */
void		session_deadline(struct session *, int64_t ms);
/* The session sent Watch: it is told of changes from now on. */
void		session_watch_start(struct session *);
/* The time a connection that has not said who it is gets to say it. */
unsigned	session_hello_ms(const struct session *);
/* Hello done (or the session gone): no longer counted before Hello. */
void		session_pending_done(struct session *);
/* Queue a final Error and close once it has been written. */
void		session_refuse(struct session *, uint32_t id,
		    enum wire_code code, const char *msg);
/* Close once the reply (an Error) has gone out. */
void		session_linger(struct session *);
/* Append a reply; logged if it cannot be encoded. */
int		session_send(struct session *, uint32_t id,
		    const struct msg_out *);
/*
 * At Hello: the device of the certificate's key (s->keyhash), or why
 * not (s->dev_error); statements sent ahead go in its round trip.
 */
void		session_lookup(struct session *);

/* session_req.c */
/* One frame's request; 0, or a CS_ERR_* that closes. */
int		session_request(struct session *, const uint8_t *p,
		    size_t len);
/* Replace a held reply whose audit entries were lost (fail closed). */
void		session_lost(struct session *);
/* Tell a watcher that "seq" was committed (id 0: unsolicited). */
int		session_notify(struct session *, uint32_t id, int64_t seq);

#endif /* SESSION_INT_H */
