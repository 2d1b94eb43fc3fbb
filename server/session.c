/* SPDX-License-Identifier: ISC */
/*
 * session.c - per-connection state machine of casesyncd.
 *
 *   HANDSHAKE --TLS done--> HELLO --Hello ok--> READY --...--> closed
 *
 * Reading stops while the peer has more than SESSION_OUT_HIGH bytes of
 * replies waiting (it must read what it asked for).  A frame that does
 * not parse closes the connection; a well-formed request that is not
 * allowed gets a typed Error reply.  Nothing a peer sends can reach
 * fatal(): every failure ends in session_free() of this session alone.
 *
 * A request whose audit entries were queued for the worker's group
 * commit (audit_defer) holds the session: nothing more is written to
 * or read from the peer until the worker has committed the batch at
 * the end of its loop pass and called session_release().  If those
 * entries cannot be committed, the held reply (which may carry case
 * data) is dropped and a retryable Error goes out instead: fail closed.
 */
#include <sys/epoll.h>
#include <sys/socket.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>

#include "audit.h"
#include "buf.h"
#include "cases.h"
#include "enroll.h"
#include "errors.h"
#include "frame.h"
#include "keys.h"
#include "log.h"
#include "metrics.h"
#include "pki.h"
#include "renew.h"
#include "rollback.h"
#include "server.h"
#include "session.h"
#include "store.h"
#include "store_renew.h"
#include "store_restore.h"
#include "sync.h"
#include "tlsio.h"
#include "transfer.h"
#include "transport.h"
#include "util.h"
#include "msg.h"
#include "wire.h"

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
	uint8_t			 keyhash[PKI_HASH_LEN];	/* that key */
	int			 watching;
	int64_t			 watch_seq;	/* notified up to here */
	int			 held;		/* on w->held: see above */
	int			 held_guard;	/* ... a reply with case data */
	int			 held_lost;	/* ... whose entries are lost */
	size_t			 held_mark;	/* "out" before its reply */
	uint32_t		 req_id;	/* of the request in hand */
	int			 pending;	/* counted in srv->pending */
	struct peerlimit_key	 pkey;		/* ... under this address */
	struct session		*hnext;
	struct buf		*in;
	struct buf		*out;
	int64_t			 deadline_ms;
	int64_t			 start_ns;	/* accepted (metrics) */
	unsigned		 msg_case;	/* of the request in hand */
};

static void	session_io(struct session *);

/* The states are those of metrics.h, in the same order. */
static void
session_state(struct session *s, enum session_state st)
{
	metrics_conn_state((int)s->state, (int)st);
	s->state = st;
}

struct session *
session_next(struct session *s)
{
	return s->next;
}

static void
session_link(struct session *s)
{
	if (++s->w->nsessions > s->w->peak_sessions)
		s->w->peak_sessions = s->w->nsessions;
	s->next = s->w->sessions;
	if (s->next != NULL)
		s->next->prev = s;
	s->w->sessions = s;
}

void
session_set_pending(struct session *s, const struct peerlimit_key *k)
{
	s->pkey = *k;
	s->pending = 1;
}

/*
 * The time a connection that has not said who it is gets for its next
 * request: the Hello deadline, or the idle timeout if that is shorter.
 */
static unsigned
session_hello_ms(const struct session *s)
{
	const struct config	*c = &s->w->srv->cfg;

	return c->hello_timeout_ms < c->idle_timeout_ms ?
	    c->hello_timeout_ms : c->idle_timeout_ms;
}

/* Hello done (or the session gone): no longer counted before Hello. */
static void
session_pending_done(struct session *s)
{
	if (!s->pending)
		return;
	peerlimit_give(&s->w->srv->pending, &s->pkey);
	s->pending = 0;
}

void
session_free(struct session *s)
{
	struct session	**pp;

	if (s == NULL)
		return;
	/* session_new() links before anything can fail */
	if (s->prev != NULL)
		s->prev->next = s->next;
	else
		s->w->sessions = s->next;
	if (s->next != NULL)
		s->next->prev = s->prev;
	s->w->nsessions--;
	if (s->held) {
		/* its entries stay queued: they are committed regardless */
		for (pp = &s->w->held; *pp != NULL && *pp != s;
		    pp = &(*pp)->hnext)
			;
		if (*pp != NULL)
			*pp = s->hnext;
	}
	if (s->ssl != NULL) {
		if (s->state != SESSION_HANDSHAKE)
			(void)SSL_shutdown(s->ssl);	/* best effort */
		SSL_free(s->ssl);
	}
	ERR_clear_error();
	if (s->fd != -1)
		close(s->fd);	/* also removes it from epoll */
	if (s->counted)
		atomic_fetch_sub(&s->w->srv->nconns, 1);
	session_pending_done(s);
	metrics_conn_state((int)s->state, METRICS_NONE);
	buf_free(s->in);
	buf_free(s->out);
	free(s);
}

/* Connection ids for the log, unique over all workers. */
static atomic_ullong	session_next_id;

/*
 * The prefix of every log line about this connection: "c17 10.0.0.5",
 * then "c17 10.0.0.5 dev 42" once the device is known, so that one grep
 * finds a connection's whole story.
 */
static void
session_tag(struct session *s)
{
	if (s->authed)
		(void)str_fmt(s->tag, sizeof(s->tag), "c%llu %s dev %lld",
		    (unsigned long long)s->conn_id, s->peer,
		    (long long)s->dev.id);
	else
		(void)str_fmt(s->tag, sizeof(s->tag), "c%llu %s",
		    (unsigned long long)s->conn_id, s->peer);
}

/* An SSL of the current context (main.c's reload() may swap it). */
static SSL *
session_ssl_new(struct server *srv)
{
	SSL	*ssl;

	pthread_mutex_lock(&srv->ctx_lock);
	ssl = SSL_new(srv->ssl_ctx);
	pthread_mutex_unlock(&srv->ctx_lock);
	return ssl;
}

struct session *
session_new(struct worker *w, int fd, const char *peer)
{
	struct session		*s;
	struct epoll_event	 ev;

	if ((s = calloc(1, sizeof(*s))) == NULL) {
		close(fd);
		atomic_fetch_sub(&w->srv->nconns, 1);
		return NULL;
	}
	s->w = w;
	s->fd = fd;
	s->counted = 1;
	s->state = SESSION_HANDSHAKE;
	metrics_conn_state(METRICS_NONE, METRICS_HANDSHAKE);
	s->start_ns = metrics_now_ns();
	str_fmt(s->peer, sizeof(s->peer), "%s", peer);
	s->conn_id = atomic_fetch_add(&session_next_id, 1) + 1;
	session_tag(s);
	s->deadline_ms = time_mono_ms() + w->srv->cfg.handshake_timeout_ms;
	session_link(s);
	/* the input limit grows with authentication (session_set_auth) */
	if ((s->in = buf_new(FRAME_HDR_LEN + FRAME_MAX_PREAUTH)) == NULL ||
	    (s->out = buf_new(SESSION_OUT_MAX)) == NULL ||
	    (s->ssl = session_ssl_new(w->srv)) == NULL ||
	    SSL_set_fd(s->ssl, fd) != 1) {
		log_ssl("session_new");
		session_free(s);
		return NULL;
	}
	SSL_set_accept_state(s->ssl);
	memset(&ev, 0, sizeof(ev));
	ev.events = s->events = EPOLLIN;
	ev.data.ptr = s;
	if (epoll_ctl(w->epfd, EPOLL_CTL_ADD, fd, &ev) == -1) {
		log_warn("epoll_ctl");
		session_free(s);
		return NULL;
	}
	log_debug("%s: connected", s->tag);
	return s;
}

/* Register interest in what the session needs next. */
static int
session_rearm(struct session *s)
{
	struct epoll_event	ev;
	uint32_t		want = 0;

	if (s->state != SESSION_CLOSING && buf_len(s->out) < SESSION_OUT_HIGH)
		want |= EPOLLIN;
	if (buf_len(s->out) > 0 || s->want_write)
		want |= EPOLLOUT;
	if (want == s->events)
		return 0;
	memset(&ev, 0, sizeof(ev));
	ev.events = want;
	ev.data.ptr = s;
	if (epoll_ctl(s->w->epfd, EPOLL_CTL_MOD, s->fd, &ev) == -1) {
		log_warn("epoll_ctl");
		return -1;
	}
	s->events = want;
	return 0;
}

/* Queue a final Error and close once it has been written. */
static void
session_refuse(struct session *s, uint32_t id, enum wire_code code,
    const char *msg)
{
	log_info("%s: refused: %s (%s)", s->tag, wire_error_name((int)code),
	    msg);
	(void)wire_error(s->out, id, code, msg, 0);
	session_state(s, SESSION_CLOSING);
	s->deadline_ms = time_mono_ms() + SESSION_LINGER_MS;
}

static int
session_send(struct session *s, wire_env *env)
{
	int	r;

	if ((r = wire_encode(env, s->w->srv->cfg.max_frame, s->out)) != 0)
		log_warnx("%s: reply: %s", s->tag, cs_err(r));
	return r;
}

/* After the handshake: who is this?  The answer waits for Hello. */
static int
session_identify(struct session *s)
{
	X509		*cert;
	uint8_t		 h[PKI_HASH_LEN];
	int		 r;

	if (!tlsio_alpn_ok(s->ssl)) {
		log_warnx("%s: no ALPN %s", s->tag, CS_ALPN);
		return CS_ERR_PROTOCOL;
	}
	if ((cert = SSL_get0_peer_certificate(s->ssl)) == NULL)
		return 0;	/* enrollment only */
	s->has_cert = 1;
	if (pki_cert_pubkey_hash(cert, h) != 0)
		return CS_ERR_TLS;
	r = store_device_by_key(s->w->st, h, &s->dev);
	/* a key issued by a renewal the laptop has not confirmed (renew.c) */
	if (r == CS_ERR_NOT_FOUND &&
	    (r = store_renew_by_pending(s->w->st, h, &s->dev)) == 0) {
		s->pending_key = 1;
		memcpy(s->keyhash, h, sizeof(s->keyhash));
	}
	if (r == CS_ERR_NOT_FOUND)
		s->dev_error = WERR_DEVICE_UNKNOWN;
	else if (r != 0)
		s->dev_error = WERR_INTERNAL;
	else if (s->dev.revoked)
		s->dev_error = WERR_DEVICE_REVOKED;
	else {
		s->authed = 1;
		session_tag(s);
		log_info("%s: device %lld (%s) of %s", s->tag,
		    (long long)s->dev.id, s->dev.name, s->dev.user.name);
	}
	return 0;
}

static void
session_identity(struct session *s, Casesync__V1__Identity *id,
    char *devid, size_t devidlen, char *uid, size_t uidlen)
{
	casesync__v1__identity__init(id);
	str_fmt(devid, devidlen, "%lld", (long long)s->dev.id);
	str_fmt(uid, uidlen, "%lld", (long long)s->dev.user.id);
	id->device_id = devid;
	id->device_name = s->dev.name;
	id->user_id = uid;
	id->user_name = s->dev.user.name;
	id->role = s->dev.user.role;
	id->office = s->dev.user.office;
	id->cert_not_after = s->dev.cert_not_after;
}

static int
session_hello(struct session *s, const wire_env *req)
{
	const Casesync__V1__Hello	*h = req->hello;
	wire_env			 env;
	Casesync__V1__Welcome		 wel;
	Casesync__V1__Limits		 lim;
	Casesync__V1__Identity		 id;
	char				 devid[24], uid[24], msg[256];
	struct store_gen		 g;
	struct buf			*in;
	int64_t				 seq;
	int				 r;

	if (h->protocol_version != CS_PROTOCOL_VERSION) {
		session_refuse(s, req->id,
		    WERR_UNSUPPORTED_VERSION,
		    "this server speaks protocol version 1");
		return 0;
	}
	if (s->dev_error != 0) {
		session_refuse(s, req->id, s->dev_error,
		    s->dev_error == WERR_DEVICE_REVOKED
		    ? "this device has been revoked" :
		    "this device is not enrolled");
		audit_login(s->w, s->peer, &s->dev, s->dev_error ==
		    WERR_DEVICE_REVOKED ?
		    "device revoked" : "device not enrolled");
		return 0;
	}
	/* a laptop database copied back to an older version (rollback.c) */
	if (s->authed && (r = rollback_check(s->w->st, &s->dev,
	    h->sync_counter, s->peer, msg, sizeof(msg))) != 0) {
		session_refuse(s, req->id, r == CS_ERR_TAMPERED ?
		    WERR_ROLLBACK :
		    r == CS_ERR_FORMAT ?
		    WERR_BAD_REQUEST :
		    WERR_INTERNAL, msg);
		audit_login(s->w, s->peer, &s->dev, r == CS_ERR_TAMPERED ?
		    "rollback detected" : "sync counter not checked");
		return 0;
	}
	/* connecting with the renewal's key confirms it (renew.c) */
	if (s->authed && s->pending_key && renew_confirm_by_key(s->w, s->peer,
	    &s->dev, s->keyhash) != 0) {
		session_refuse(s, req->id,
		    WERR_INTERNAL,
		    "the new device key could not be confirmed; retry later");
		audit_login(s->w, s->peer, &s->dev,
		    "pending key not confirmed");
		return 0;
	}
	if (s->authed) {
		audit_login(s->w, s->peer, &s->dev, NULL);
		/* room for full-size frames from now on */
		if ((in = buf_new(FRAME_HDR_LEN +
		    (size_t)s->w->srv->cfg.max_frame)) == NULL ||
		    buf_put(in, buf_ptr(s->in), buf_len(s->in)) != 0) {
			buf_free(in);
			return CS_ERR_ALLOC;
		}
		buf_free(s->in);
		s->in = in;
	}
	casesync__v1__envelope__init(&env);
	casesync__v1__welcome__init(&wel);
	casesync__v1__limits__init(&lim);
	lim.max_frame = s->authed ? s->w->srv->cfg.max_frame :
	    FRAME_MAX_PREAUTH;
	lim.idle_timeout_ms = s->w->srv->cfg.idle_timeout_ms;
	wel.server_version = (char *)(uintptr_t)CASESYNC_VERSION;
	wel.server_time = time_now();
	wel.limits = &lim;
	if (s->authed) {
		session_identity(s, &id, devid, sizeof(devid), uid,
		    sizeof(uid));
		wel.identity = &id;
		/* which run of the server this is (store_restore.h) */
		if ((r = store_generation(s->w->st, &g)) != 0 ||
		    (r = store_seq(s->w->st, &seq)) != 0)
			return r;
		wel.generation = (uint64_t)g.generation;
		wel.restore_seq = (uint64_t)g.restore_seq;
		wel.backup_time = g.backup_time;
		wel.server_seq = (uint64_t)seq;
	}
	env.id = req->id;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_WELCOME;
	env.welcome = &wel;
	session_state(s, SESSION_READY);
	/*
	 * A device has said who it is.  A connection without one (only
	 * enrollment: Hello, then one EnrollRequest) stays counted to
	 * its address until it ends (session_dispatch keeps it short).
	 */
	if (s->authed)
		session_pending_done(s);
	return session_send(s, &env);
}

static int
session_ping(struct session *s, const wire_env *req)
{
	wire_env		env;
	Casesync__V1__Pong	pong;

	casesync__v1__envelope__init(&env);
	casesync__v1__pong__init(&pong);
	pong.data = req->ping->data;
	env.id = req->id;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_PONG;
	env.pong = &pong;
	return session_send(s, &env);
}

static int
session_notify(struct session *s, uint32_t id, int64_t seq)
{
	wire_env		env;
	Casesync__V1__Notify	n;

	casesync__v1__envelope__init(&env);
	casesync__v1__notify__init(&n);
	n.seq = (uint64_t)seq;
	env.id = id;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_NOTIFY;
	env.notify = &n;
	return session_send(s, &env);
}

static int
session_watch(struct session *s, uint32_t id)
{
	s->watching = 1;
	s->watch_seq = atomic_load(&s->w->srv->latest_seq);
	/* the reply acknowledges; later Notify messages come with id 0 */
	return session_notify(s, id, s->watch_seq);
}

static int
session_dispatch(struct session *s, const uint8_t *p, size_t len)
{
	wire_env	*req = NULL;
	int		 r;

	if ((r = wire_decode(p, len, &req)) != 0)
		return r;
	s->msg_case = (unsigned)req->msg_case;
	s->req_id = req->id;
	s->w->peer = s->peer;	/* for the audit entries of this request */
	s->w->peer_key = s->has_cert ?
	    X509_get0_pubkey(SSL_get0_peer_certificate(s->ssl)) : NULL;
	s->deadline_ms = time_mono_ms() + (s->authed ?
	    s->w->srv->cfg.idle_timeout_ms : session_hello_ms(s));
	if (s->state == SESSION_HELLO) {
		if (req->msg_case == CASESYNC__V1__ENVELOPE__MSG_HELLO)
			r = session_hello(s, req);
		else
			session_refuse(s, req->id,
			    WERR_STATE,
			    "the first message must be Hello");
		goto out;
	}
	switch (req->msg_case) {
	case CASESYNC__V1__ENVELOPE__MSG_ENROLL_REQUEST:
		if (s->has_cert) {
			session_refuse(s, req->id,
			    WERR_STATE,
			    "already enrolled: connect without a certificate");
			break;
		}
		/* one attempt per connection: a failure closes */
		if (enroll_handle(s->w, s->peer, req->id,
		    req->enroll_request, s->out) != 0) {
			session_state(s, SESSION_CLOSING);
			s->deadline_ms = time_mono_ms() + SESSION_LINGER_MS;
		}
		break;
	case CASESYNC__V1__ENVELOPE__MSG_HELLO:
		session_refuse(s, req->id,
		    WERR_STATE, "Hello sent twice");
		break;
	case CASESYNC__V1__ENVELOPE__MSG__NOT_SET:
		r = wire_error(s->out, req->id,
		    WERR_UNKNOWN_MESSAGE,
		    "unknown message", 0);
		break;
	default:
		if (!s->authed) {
			session_refuse(s, req->id,
			    WERR_UNAUTHENTICATED,
			    "an enrolled device certificate is required");
			break;
		}
		/*
		 * Ends expired access first; a request is not served on
		 * access that should have ended (fail closed).
		 */
		if (transfer_tick(s->w) != 0) {
			r = wire_error(s->out, req->id,
			    WERR_INTERNAL,
			    "server cannot write its database now; retry later",
			    SESSION_RETRY_MS);
			s->state = SESSION_CLOSING;	/* INTERNAL closes */
			s->deadline_ms = time_mono_ms() + SESSION_LINGER_MS;
			break;
		}
		if (req->msg_case == CASESYNC__V1__ENVELOPE__MSG_PING)
			r = session_ping(s, req);
		else if (req->msg_case == CASESYNC__V1__ENVELOPE__MSG_WATCH)
			r = session_watch(s, req->id);
		else if (audit_wants(req))
			r = audit_handle(s->w, &s->dev, req,
			    s->w->srv->cfg.max_frame, s->out);
		else if (transfer_wants(req))
			r = transfer_handle(s->w, &s->dev, req,
			    s->w->srv->cfg.max_frame, s->out);
		else if (keys_wants(req))
			r = keys_handle(s->w, &s->dev, req,
			    s->w->srv->cfg.max_frame, s->out);
		else if (cases_wants(req))
			r = cases_handle(s->w, &s->dev, req,
			    s->w->srv->cfg.max_frame, s->out);
		else if (renew_wants(req))
			r = renew_handle(s->w, &s->dev, req,
			    s->w->srv->cfg.max_frame, s->out);
		else
			r = sync_handle(s->w, &s->dev, req,
			    s->w->srv->cfg.max_frame, s->out);
		break;
	}
 out:
	wire_free(req);
	return r;
}

/*
 * Fail closed: drop the reply of the request in hand (everything in
 * "out" after s->held_mark) and send a retryable Error instead, then
 * close (the peer reconnects and asks again).
 */
static void
session_lost(struct session *s)
{
	log_warnx("%s: audit entries not durable: reply withheld", s->tag);
	if (s->held_mark <= buf_len(s->out))
		buf_truncate(s->out, s->held_mark);
	(void)wire_error(s->out, s->req_id,
	    WERR_INTERNAL,
	    "server cannot write its audit log now; retry later",
	    SESSION_RETRY_MS);
	s->state = SESSION_CLOSING;
	s->deadline_ms = time_mono_ms() + SESSION_LINGER_MS;
}

void
session_held_lost(struct worker *w)
{
	struct session	*s;

	for (s = w->held; s != NULL; s = s->hnext)
		if (s->held_guard)
			s->held_lost = 1;
}

/*
 * One request.  If it queued audit entries (login, read), its reply
 * must not reach the peer before they are durable: hold the session
 * until session_release().  If they could not be made durable, the
 * reply is replaced (session_lost).
 */
static int
session_request(struct session *s, const uint8_t *p, size_t len)
{
	int64_t		t0;
	unsigned	errs;
	int		r;

	if (s->w->spare != NULL && buf_cap(s->w->spare) > buf_cap(s->out))
		buf_swap_mem(s->out, s->w->spare);
	if (len >= SESSION_TRIM_FRAME)
		s->w->trim_due = 1;	/* what it unpacks goes back */
	s->held_mark = buf_len(s->out);	/* nothing is written until then */
	s->w->audit_batching = 1;
	s->w->audit_held = 0;
	s->msg_case = 0;
	t0 = metrics_now_ns();
	errs = wire_errors_written;
	s->w->audit_guarded = 0;
	s->w->audit_lost = 0;
	r = session_dispatch(s, p, len);
	metrics_request(s->msg_case, metrics_now_ns() - t0,
	    wire_errors_written - errs, r != 0 || s->state == SESSION_CLOSING);
	s->w->audit_batching = 0;
	/*
	 * Entries of this request could not be written (or a full batch
	 * holding some of them failed): fail closed now.  The request's
	 * other queued entries, if any, are committed with the batch.
	 */
	if (r == 0 && s->w->audit_lost) {
		session_lost(s);
		return 0;
	}
	if (s->w->audit_held && !s->held) {
		s->held = 1;
		s->held_guard = s->w->audit_guarded;
		s->hnext = s->w->held;
		s->w->held = s;
	}
	return r;
}

/*
 * Before closing a failed handshake: read and drop what the peer has
 * sent.  In TLS 1.3 a client sends its first request right after its
 * Finished; closing with those bytes unread makes the kernel send a
 * reset, which can destroy the alert OpenSSL just wrote (e.g.
 * certificate_expired), and the laptop could not say why it failed.
 */
static void
session_drain(struct session *s)
{
	uint8_t	junk[4096];
	int	i;

	for (i = 0; i < 16; i++)	/* the socket is non-blocking */
		if (read(s->fd, junk, sizeof(junk)) <= 0)
			break;
	(void)shutdown(s->fd, SHUT_WR);
}

/* Handshake step; 0 to go on, CS_ERR_INCOMPLETE to wait, else close. */
static int
session_handshake(struct session *s)
{
	int	n, e, r;

	s->want_write = 0;
	if ((n = SSL_do_handshake(s->ssl)) != 1) {
		e = SSL_get_error(s->ssl, n);
		if (e == SSL_ERROR_WANT_READ)
			return CS_ERR_INCOMPLETE;
		if (e == SSL_ERROR_WANT_WRITE) {
			s->want_write = 1;
			return CS_ERR_INCOMPLETE;
		}
		metrics_handshake(0, 0);
		log_info("%s: TLS handshake failed", s->tag);
		log_ssl(s->tag);
		session_drain(s);
		return CS_ERR_TLS;
	}
	metrics_handshake(1, metrics_now_ns() - s->start_ns);
	if ((r = session_identify(s)) != 0)
		return r;
	/* a short deadline for Hello (PROTOCOL.md, "Connections") */
	session_state(s, SESSION_HELLO);
	s->deadline_ms = time_mono_ms() + session_hello_ms(s);
	return 0;
}

/* Read what TLS has and dispatch whole frames; 0 or close. */
static int
session_read(struct session *s)
{
	const uint8_t	*p;
	uint8_t		*dst;
	size_t		 len, room, max;
	int		 n, e, r;

	for (;;) {
		if (s->state == SESSION_CLOSING || s->held ||
		    buf_len(s->out) >= SESSION_OUT_HIGH)
			return 0;
		max = s->authed ? s->w->srv->cfg.max_frame : FRAME_MAX_PREAUTH;
		while ((r = frame_get(s->in, max, &p, &len)) == 0) {
			if ((r = session_request(s, p, len)) != 0)
				return r;
			if (s->state == SESSION_CLOSING || s->held ||
			    buf_len(s->out) >= SESSION_OUT_HIGH)
				return 0;
		}
		if (r != CS_ERR_INCOMPLETE)
			return r;
		if ((room = buf_space(s->in, SESSION_READ_CHUNK, &dst)) == 0)
			return CS_ERR_TOO_LARGE;
		if ((n = SSL_read(s->ssl, dst, (int)room)) <= 0) {
			e = SSL_get_error(s->ssl, n);
			if (e == SSL_ERROR_WANT_READ)
				return 0;
			if (e == SSL_ERROR_WANT_WRITE) {
				s->want_write = 1;
				return 0;
			}
			return e == SSL_ERROR_ZERO_RETURN ? CS_ERR_CLOSED :
			    CS_ERR_TLS;
		}
		buf_commit(s->in, (size_t)n);
	}
}

static int
session_write(struct session *s)
{
	int	n, e;

	s->want_write = 0;
	while (buf_len(s->out) > 0) {
		n = SSL_write(s->ssl, buf_ptr(s->out),
		    buf_len(s->out) > INT32_MAX ? INT32_MAX :
		    (int)buf_len(s->out));
		if (n <= 0) {
			e = SSL_get_error(s->ssl, n);
			if (e == SSL_ERROR_WANT_WRITE) {
				s->want_write = 1;
				return 0;
			}
			if (e == SSL_ERROR_WANT_READ)
				return 0;
			return CS_ERR_TLS;
		}
		buf_consume(s->out, (size_t)n);
	}
	return 0;
}

static void
session_io(struct session *s)
{
	int	r;

	if (s->state == SESSION_HANDSHAKE &&
	    (r = session_handshake(s)) != 0) {
		if (r == CS_ERR_INCOMPLETE)
			goto rearm;
		goto close;
	}
	if ((r = session_read(s)) != 0)
		goto close;
	if (s->held)
		return;		/* session_release() goes on from here */
	if ((r = session_write(s)) != 0)
		goto close;
	/* replies written may have unblocked reading */
	if (buf_len(s->out) == 0 && s->state != SESSION_CLOSING &&
	    (buf_len(s->in) >= FRAME_HDR_LEN || SSL_has_pending(s->ssl))) {
		if ((r = session_read(s)) != 0)
			goto close;
		if (s->held)
			return;
		if ((r = session_write(s)) != 0)
			goto close;
	}
	if (s->state == SESSION_CLOSING && buf_len(s->out) == 0) {
		r = 0;
		goto close;
	}
	/*
	 * An idle session keeps no buffer memory (they grow on demand).
	 * The largest reply buffer of the worker is kept as its spare and
	 * lent to the next request: a pull's reply of 8 MiB otherwise
	 * came from a fresh mmap each time and faulted in 2,000 zeroed
	 * pages, a quarter of the server's time in an initial sync.
	 */
	buf_shrink(s->in);
	if (s->w->spare == NULL)
		s->w->spare = buf_new(SESSION_OUT_MAX);
	if (s->w->spare != NULL && buf_cap(s->out) >= SESSION_SPARE_MIN &&
	    buf_cap(s->out) > buf_cap(s->w->spare))
		buf_swap_mem(s->out, s->w->spare);
	buf_shrink(s->out);
 rearm:
	if (session_rearm(s) == 0)
		return;
	r = CS_ERR_SYSTEM;
 close:
	if (r == CS_ERR_FORMAT || r == CS_ERR_TOO_LARGE)
		log_warnx("%s: closing: %s", s->tag, cs_err(r));
	else if (r != 0 && r != CS_ERR_CLOSED)
		log_info("%s: closing: %s", s->tag, cs_err(r));
	session_free(s);
}

void
session_event(struct session *s, uint32_t events)
{
	(void)events;	/* every step is retried; SSL knows what it needs */
	session_io(s);
}

void
session_release(struct worker *w)
{
	struct session	*s, *list = w->held;

	/* a session may be held again (next request): on a new list */
	w->held = NULL;
	while ((s = list) != NULL) {
		list = s->hnext;
		s->held = 0;
		s->hnext = NULL;
		if (s->held_lost) {
			s->held_lost = 0;
			session_lost(s);
		}
		/*
		 * The committed reply goes out first: a pipelined next
		 * request that queues entries must not hold it back for
		 * another pass.
		 */
		if (s->state != SESSION_HANDSHAKE && session_write(s) != 0) {
			log_info("%s: closing: %s", s->tag,
			    cs_err(CS_ERR_TLS));
			session_free(s);
			continue;
		}
		session_io(s);
	}
}

/* Tell a watching client that something it can see has changed. */
static void
session_watch_tick(struct session *s)
{
	int64_t	latest = atomic_load(&s->w->srv->latest_seq);
	int	yes = 0;

	/* a held reply is not followed by anything until it is released */
	if (latest <= s->watch_seq || s->state != SESSION_READY || s->held)
		return;
	if (store_has_changes(s->w->st, s->dev.user.id, s->watch_seq,
	    &yes) != 0)
		return;
	s->watch_seq = latest;
	if (yes) {
		if (session_notify(s, 0, latest) != 0) {
			session_free(s);
			return;
		}
		session_io(s);
	}
}

void
session_tick(struct session *s, int64_t now)
{
	if (s->watching && now < s->deadline_ms) {
		/* a watcher is idle by design; keep it alive */
		s->deadline_ms = now + s->w->srv->cfg.idle_timeout_ms;
		session_watch_tick(s);
		return;
	}
	if (now < s->deadline_ms)
		return;
	log_info("%s: %s timeout", s->tag,
	    s->state == SESSION_HANDSHAKE ? "handshake" :
	    s->state == SESSION_HELLO ? "hello" :
	    s->state == SESSION_CLOSING ? "linger" : "idle");
	session_free(s);
}

void
session_recheck(struct session *s)
{
	struct store_device	d;

	if (!s->authed || s->state == SESSION_CLOSING)
		return;
	if (store_device_get(s->w->st, s->dev.id, &d) != 0 || !d.revoked)
		return;
	s->authed = 0;
	session_refuse(s, 0, WERR_DEVICE_REVOKED,
	    "this device has been revoked");
	session_io(s);
}
