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
 * One request (Hello, then the dispatch table's route) is in
 * session_req.c.
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
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>

#include "audit.h"
#include "buf.h"
#include "errors.h"
#include "frame.h"
#include "log.h"
#include "metrics.h"
#include "pki.h"
#include "server.h"
#include "session.h"
#include "session_int.h"
#include "store.h"
#include "store_renew.h"
#include "tlsio.h"
#include "transport.h"
#include "util.h"
#include "msg.h"

static void	session_io(struct session *);
static int	session_write(struct session *);

/* The states are those of metrics.h, in the same order. */
void
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
session_deadline(struct session *s, int64_t ms)
{
	timerheap_move(&s->w->timers, &s->deadline, ms);
}

void
session_watch_start(struct session *s)
{
	if (s->watching)
		return;
	s->watching = 1;
	s->wnext = s->w->watchers;
	if (s->wnext != NULL)
		s->wnext->wprev = s;
	s->w->watchers = s;
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
unsigned
session_hello_ms(const struct session *s)
{
	const struct config	*c = &s->w->srv->cfg;

	return c->hello_timeout_ms < c->idle_timeout_ms ?
	    c->hello_timeout_ms : c->idle_timeout_ms;
}

/* Hello done (or the session gone): no longer counted before Hello. */
void
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
	timerheap_del(&s->w->timers, &s->deadline);
	if (s->watching) {
		if (s->wprev != NULL)
			s->wprev->wnext = s->wnext;
		else
			s->w->watchers = s->wnext;
		if (s->wnext != NULL)
			s->wnext->wprev = s->wprev;
	}
	/* its login's entry, if still queued: committed at the pass's end */
	if (s->later_gen != 0)
		audit_later_closed(s->w, s->later_gen);
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
	session_link(s);
	/* the input limit grows with authentication (session_set_auth) */
	if (timerheap_add(&w->timers, &s->deadline, time_mono_ms() +
	    w->srv->cfg.handshake_timeout_ms) != 0 ||
	    (s->in = buf_new(FRAME_HDR_LEN + FRAME_MAX_PREAUTH)) == NULL ||
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
void
session_refuse(struct session *s, uint32_t id, enum wire_code code,
    const char *msg)
{
	log_info("%s: refused: %s (%s)", s->tag, wire_error_name((int)code),
	    msg);
	(void)wire_error(s->out, id, code, msg, code == WERR_UNAVAILABLE ?
	    WIRE_RETRY_AFTER_MS : 0);
	session_state(s, SESSION_CLOSING);
	session_deadline(s, time_mono_ms() + SESSION_LINGER_MS);
}

int
session_send(struct session *s, uint32_t id, const struct msg_out *m)
{
	int	r;

	if ((r = msg_encode(id, m, s->w->srv->cfg.max_frame, s->out)) != 0)
		log_warnx("%s: reply: %s", s->tag, cs_err(r));
	return r;
}

/* Close once the reply (an Error) has gone out. */
void
session_linger(struct session *s)
{
	session_state(s, SESSION_CLOSING);
	session_deadline(s, time_mono_ms() + SESSION_LINGER_MS);
}

/*
 * After the handshake: which key?  Its device is looked up at Hello
 * (session_lookup), in one round trip with the Hello's own reads.
 */
static int
session_identify(struct session *s)
{
	X509	*cert;

	if (!tlsio_alpn_ok(s->ssl)) {
		log_warnx("%s: no ALPN %s", s->tag, CS_ALPN);
		return CS_ERR_PROTOCOL;
	}
	if ((cert = SSL_get0_peer_certificate(s->ssl)) == NULL)
		return 0;	/* enrollment only */
	if (pki_cert_pubkey_hash(cert, s->keyhash) != 0)
		return CS_ERR_TLS;
	s->has_cert = 1;
	return 0;
}

void
session_lookup(struct session *s)
{
	int	r;

	r = store_device_by_key(s->w->st, s->keyhash, &s->dev);
	/* a key issued by a renewal the laptop has not confirmed (renew.c) */
	if (r == CS_ERR_NOT_FOUND &&
	    (r = store_renew_by_pending(s->w->st, s->keyhash, &s->dev)) == 0)
		s->pending_key = 1;
	if (r == CS_ERR_NOT_FOUND)
		s->dev_error = WERR_DEVICE_UNKNOWN;
	else if (r == CS_ERR_RETRY)	/* the database, for a moment */
		s->dev_error = WERR_UNAVAILABLE;
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
	session_deadline(s, time_mono_ms() + session_hello_ms(s));
	return 0;
}

/* The largest frame taken now: the device is known from its Hello on. */
static size_t
session_max_frame(const struct session *s)
{
	return s->authed ? s->w->srv->cfg.max_frame : FRAME_MAX_PREAUTH;
}

/* Read what TLS has and dispatch whole frames; 0 or close. */
static int
session_read(struct session *s)
{
	const uint8_t	*p;
	uint8_t		*dst;
	size_t		 len, room;
	int		 n, e, r;

	for (;;) {
		if (s->state == SESSION_CLOSING || s->held ||
		    buf_len(s->out) >= SESSION_OUT_HIGH)
			return 0;
		/* for each frame: a Hello authenticates the frames after it */
		while ((r = frame_get(s->in, session_max_frame(s), &p,
		    &len)) == 0) {
			if ((r = session_request(s, p, len)) != 0)
				return r;
			if (s->state == SESSION_CLOSING || s->held ||
			    buf_len(s->out) >= SESSION_OUT_HIGH)
				return 0;
			/*
			 * The reply goes out before the next request is
			 * served: a client that pipelines (a push's
			 * batches) works on this answer meanwhile, instead
			 * of waiting while the next one is committed too.
			 * Only what the handler queued is written (a push's
			 * reply after its durable commit).
			 */
			if (buf_len(s->out) > 0 && (r = session_write(s)) != 0)
				return r;
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
	/*
	 * Replies written may have unblocked reading.  Again for as long
	 * as a round stops at a full output (SESSION_OUT_HIGH) that then
	 * goes out whole: records already read from the socket into
	 * OpenSSL's buffer (read-ahead, tlsio.c) wake nothing in epoll.
	 * A round that leaves no output stopped for want of a whole
	 * record, or for a hold (session_release goes on from there).
	 */
	while (buf_len(s->out) == 0 && s->state != SESSION_CLOSING &&
	    (buf_len(s->in) >= FRAME_HDR_LEN || SSL_has_pending(s->ssl))) {
		if ((r = session_read(s)) != 0)
			goto close;
		if (s->held)
			return;
		if (buf_len(s->out) == 0)
			break;
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

/*
 * Tell a watching client that something it can see has changed.  One
 * that cannot be told now (busy, or the store did not answer) is
 * looked at again at the next sweep.
 */
static void
session_watch_tick(struct session *s, int64_t latest)
{
	int	yes = 0;

	if (latest <= s->watch_seq)
		return;
	/* a held reply is not followed by anything until it is released */
	if (s->state != SESSION_READY || s->held ||
	    store_has_changes(s->w->st, s->dev.user.id, s->watch_seq,
	    &yes) != 0) {
		s->w->watch_retry = 1;
		return;
	}
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
session_watchers(struct worker *w)
{
	struct session	*s, *next;
	int64_t		 latest = atomic_load(&w->srv->latest_seq);

	if (latest == w->watch_seen && !w->watch_retry)
		return;
	w->watch_seen = latest;
	w->watch_retry = 0;
	for (s = w->watchers; s != NULL; s = next) {
		next = s->wnext;
		session_watch_tick(s, latest);
	}
}

void
session_timeouts(struct worker *w, int64_t now)
{
	struct timer	*t;
	struct session	*s;

	while ((t = timerheap_first(&w->timers)) != NULL && t->when <= now) {
		s = (struct session *)(void *)((char *)t -
		    offsetof(struct session, deadline));
		if (s->watching && s->state != SESSION_CLOSING) {
			/* a watcher is idle by design; keep it alive */
			session_deadline(s, now + w->srv->cfg.idle_timeout_ms);
			continue;
		}
		log_info("%s: %s timeout", s->tag,
		    s->state == SESSION_HANDSHAKE ? "handshake" :
		    s->state == SESSION_HELLO ? "hello" :
		    s->state == SESSION_CLOSING ? "linger" : "idle");
		session_free(s);
	}
}

int64_t
session_next_deadline(const struct worker *w)
{
	const struct timer	*t = timerheap_first(&w->timers);

	return t != NULL ? t->when : INT64_MAX;
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
