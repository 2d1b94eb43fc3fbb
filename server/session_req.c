/* SPDX-License-Identifier: ISC */
/*
 * session_req.c - one request of a session (see session.c for the
 * connection): Hello and its Welcome, the dispatch table's route with
 * the request context (request.h), and the audit group commit that
 * holds a reply until its entries are durable.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/ssl.h>

#include "access.h"
#include "audit.h"
#include "buf.h"
#include "errors.h"
#include "frame.h"
#include "log.h"
#include "metrics.h"
#include "msg.h"
#include "msg_session.h"
#include "renew.h"
#include "request.h"
#include "rollback.h"
#include "server.h"
#include "session.h"
#include "session_int.h"
#include "store.h"
#include "store_restore.h"
#include "store_rollback.h"
#include "transport.h"
#include "util.h"

static void
session_identity(struct session *s, struct msg_identity *id,
    char *devid, size_t devidlen, char *uid, size_t uidlen)
{
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

/* What a laptop is told of its device's lookup (s->dev_error). */
static const char *
session_dev_refusal(const struct session *s)
{
	switch (s->dev_error) {
	case WERR_DEVICE_REVOKED:
		return "this device has been revoked";
	case WERR_UNAVAILABLE:
		return "database unavailable; retry";
	case WERR_INTERNAL:
		return "server error; retry later";
	default:
		return "this device is not enrolled";
	}
}

/*
 * Why a Hello is refused, or NULL: the version, the device, a rollback,
 * a renewal's key that cannot be confirmed.  The refusal and its login
 * entry are queued.
 */
static int
session_hello_refused(struct session *s, struct request *rq,
    const struct msg_hello *h)
{
	char	msg[256];
	int	r;

	if (h->protocol_version != CS_PROTOCOL_VERSION) {
		session_refuse(s, rq->id, WERR_UNSUPPORTED_VERSION,
		    "this server speaks protocol version 1");
		return 1;
	}
	if (s->dev_error != 0) {
		session_refuse(s, rq->id, s->dev_error, session_dev_refusal(s));
		/* the database down: the entry most likely fails as well */
		audit_login(rq, &s->dev, s->dev_error == WERR_DEVICE_REVOKED ?
		    "device revoked" : s->dev_error == WERR_UNAVAILABLE ?
		    "device not looked up: database unavailable" :
		    s->dev_error == WERR_INTERNAL ? "device not looked up" :
		    "device not enrolled");
		return 1;
	}
	/* a laptop database copied back to an older version (rollback.c) */
	if (s->authed && (r = rollback_check(s->w->st, &s->dev,
	    h->sync_counter, s->peer, msg, sizeof(msg))) != 0) {
		session_refuse(s, rq->id, r == CS_ERR_TAMPERED ?
		    WERR_ROLLBACK : r == CS_ERR_FORMAT ? WERR_BAD_REQUEST :
		    WERR_INTERNAL, msg);
		audit_login(rq, &s->dev, r == CS_ERR_TAMPERED ?
		    "rollback detected" : "sync counter not checked");
		return 1;
	}
	/* connecting with the renewal's key confirms it (renew.c) */
	if (s->authed && s->pending_key && renew_confirm_by_key(s->w, s->peer,
	    &s->dev, s->keyhash) != 0) {
		session_refuse(s, rq->id, WERR_INTERNAL,
		    "the new device key could not be confirmed; retry later");
		audit_login(rq, &s->dev, "pending key not confirmed");
		return 1;
	}
	return 0;
}

/* Room for full-size frames from now on. */
static int
session_grow_input(struct session *s)
{
	struct buf	*in;

	if ((in = buf_new(FRAME_HDR_LEN +
	    (size_t)s->w->srv->cfg.max_frame)) == NULL ||
	    buf_put(in, buf_ptr(s->in), buf_len(s->in)) != 0) {
		buf_free(in);
		return CS_ERR_ALLOC;
	}
	buf_free(s->in);
	s->in = in;
	return 0;
}

/*
 * The device of the certificate (session_lookup), and in the same
 * round trip on PostgreSQL the check of the Hello's counter by the
 * certificate's key (rollback.c reads it once the device is known) and
 * the Welcome's run and seq: one round trip where there were three.
 * Whatever is not read is dropped after the checks.
 */
static void
session_hello_lookup(struct session *s, const struct msg_hello *h)
{
	struct store	*st = s->w->st;

	if (h->protocol_version == CS_PROTOCOL_VERSION) {
		(void)store_device_by_key_send(st, s->keyhash);
		if (h->sync_counter <= INT64_MAX)
			(void)store_counter_send(st, s->keyhash,
			    (int64_t)h->sync_counter);
		(void)store_generation_send(st);
	}
	session_lookup(s);
}

static int
session_hello(struct session *s, struct request *rq, const struct msg *m)
{
	struct msg_hello	 h;
	struct msg_welcome	 wel;
	struct msg_out		 o;
	char			 devid[24], uid[24];
	struct store_gen	 g;
	const char		*addrs[NETADDR_LIST_MAX];
	const struct config	*cfg = &s->w->srv->cfg;
	int64_t			 seq;
	size_t			 i;
	int			 r;

	if ((r = msg_get_hello(m, &h)) != 0)
		return r;
	if (s->has_cert)
		session_hello_lookup(s, &h);
	/* session_lookup() read the device; the counter may be unread */
	r = session_hello_refused(s, rq, &h);
	store_counter_drop(s->w->st);
	if (r) {
		store_generation_drop(s->w->st);
		return 0;
	}
	if (s->authed) {
		s->later_gen = audit_login(rq, &s->dev, NULL);
		if ((r = session_grow_input(s)) != 0)
			return r;
	}
	memset(&wel, 0, sizeof(wel));
	wel.has_limits = 1;
	wel.max_frame = s->authed ? s->w->srv->cfg.max_frame :
	    FRAME_MAX_PREAUTH;
	wel.idle_timeout_ms = s->w->srv->cfg.idle_timeout_ms;
	wel.server_version = CASESYNC_VERSION;
	wel.server_time = time_now();
	if (s->authed) {
		wel.has_identity = 1;
		session_identity(s, &wel.identity, devid, sizeof(devid), uid,
		    sizeof(uid));
		/* which run of the server this is (store_restore.h) */
		if ((r = store_generation_seq(s->w->st, &g, &seq)) != 0)
			return r;
		wel.generation = g.generation;
		wel.restore_seq = g.restore_seq;
		wel.backup_time = g.backup_time;
		wel.server_seq = seq;
		/* where to reach us (config "addresses"; DESIGN §11) */
		for (i = 0; i < cfg->n_addresses; i++)
			addrs[i] = cfg->addresses[i];
		wel.addresses = addrs;
		wel.n_addresses = cfg->n_addresses;
		/* how laptops' reports name professionals (report_names) */
		wel.report_names = cfg->report_names;
	}
	session_state(s, SESSION_READY);
	/*
	 * Known only now (session_lookup): from here on the idle timeout,
	 * not the Hello deadline session_dispatch() set before it.
	 */
	if (s->authed)
		session_deadline(s, time_mono_ms() + cfg->idle_timeout_ms);
	/*
	 * A device has said who it is.  A connection without one (only
	 * enrollment: Hello, then one EnrollRequest) stays counted to
	 * its address until it ends (session_route keeps it short).
	 */
	if (s->authed)
		session_pending_done(s);
	o = msg_out_welcome(&wel);
	return session_send(s, rq->id, &o);
}

int
session_ping(struct request *rq, const struct msg *m)
{
	struct msg_bytes	data;
	struct msg_out		o;
	int			r;

	if ((r = msg_get_ping(m, &data)) != 0)
		return r;
	o = msg_out_pong(&data);
	return session_send(rq->s, rq->id, &o);
}

int
session_notify(struct session *s, uint32_t id, int64_t seq)
{
	uint64_t	n = (uint64_t)seq;
	struct msg_out	o = msg_out_notify(&n);

	return session_send(s, id, &o);
}

int
session_watch(struct request *rq, const struct msg *m)
{
	struct session	*s = rq->s;

	(void)m;
	session_watch_start(s);
	s->watch_seq = atomic_load(&s->w->srv->latest_seq);
	/* the reply acknowledges; later Notify messages come with id 0 */
	return session_notify(s, rq->id, s->watch_seq);
}

/*
 * A request after Hello: its row in the dispatch table (dispatch.c)
 * says what the connection needs; then the handler, then its audit
 * hook if the handler asked for it.
 */
static int
session_route(struct session *s, struct request *rq, const struct msg *m)
{
	const struct request_route	*rt = request_route(msg_type(m));
	int				 r;

	if (msg_type(m) == MSG_HELLO) {
		session_refuse(s, rq->id, WERR_STATE, "Hello sent twice");
		return 0;
	}
	if (msg_type(m) == MSG_NONE)
		return wire_error(rq->out, rq->id, WERR_UNKNOWN_MESSAGE,
		    "unknown message", 0);
	if (rt != NULL && rt->need == NEED_ENROLL) {
		if (s->has_cert) {
			session_refuse(s, rq->id, WERR_STATE,
			    "already enrolled: connect without a certificate");
			return 0;
		}
	} else if (!s->authed) {
		session_refuse(s, rq->id, WERR_UNAUTHENTICATED,
		    "an enrolled device certificate is required");
		return 0;
	} else if ((r = access_tick(s->w, time_now(), 0)) != 0) {
		/*
		 * Not served on access that should have ended.  The database
		 * away: this request refused, the connection kept, as the
		 * push and pull refuse theirs (sync_failed); closing it here
		 * raced the laptop's next pipelined request, whose write then
		 * failed before it read why (t_pg_retry).  INTERNAL closes.
		 */
		if (store_retry(s->w->st, r) == CS_ERR_RETRY)
			return wire_error(rq->out, rq->id, WERR_UNAVAILABLE,
			    "database unavailable; retry", WIRE_RETRY_AFTER_MS);
		r = wire_error(rq->out, rq->id, WERR_INTERNAL,
		    "server cannot write its database now; retry later",
		    SESSION_RETRY_MS);
		session_linger(s);
		return r;
	}
	if (rt == NULL)
		return wire_error(rq->out, rq->id, WERR_BAD_REQUEST,
		    "not a request", 0);
	r = rt->fn(rq, m);
	if (r == 0 && rq->audit && rt->audit != NULL)
		rt->audit(rq, m, rq->audit_r);
	if (rt->access)
		access_changed(s->w->srv);
	if (rq->close)
		session_linger(s);
	return r;
}

/*
 * 1 for a request before which a login's queued entry (audit_later)
 * need not be committed: its own entries go behind it in the batch (a
 * pull's reads), into the transaction that carries the batch (a
 * push), or it makes none (a key round, a ping).  What such a request
 * leads the server to write on its own account (grants dropped, access
 * ended) records the server's events, not the connection's.  A laptop's
 * sync (Hello; key round and pull; push) thus commits its login with
 * its push or its reads.
 */
static int
session_after_login(enum msg_type t)
{
	return t == MSG_PUSH_REQUEST || t == MSG_PULL_REQUEST ||
	    t == MSG_KEY_SYNC_REQUEST || t == MSG_PING;
}

static int
session_dispatch(struct session *s, struct request *rq, const uint8_t *p,
    size_t len)
{
	struct msg	*m = NULL;
	int		 r;

	if ((r = msg_decode(p, len, &m)) != 0)
		return r;
	s->msg_type = msg_type(m);
	rq->id = s->req_id = msg_id(m);
	session_deadline(s, time_mono_ms() + (s->authed ?
	    s->w->srv->cfg.idle_timeout_ms : session_hello_ms(s)));
	/* its login's entry first, unless it keeps its place anyway */
	if (s->state != SESSION_HELLO && !session_after_login(msg_type(m)))
		audit_later_commit(s->w, s->later_gen);
	if (s->state != SESSION_HELLO)
		r = session_route(s, rq, m);
	else if (msg_type(m) == MSG_HELLO)
		r = session_hello(s, rq, m);
	else
		session_refuse(s, rq->id, WERR_STATE,
		    "the first message must be Hello");
	msg_free(m);
	return r;
}

/*
 * Fail closed: drop the reply of the request in hand (everything in
 * "out" after s->held_mark) and send a retryable Error instead, then
 * close (the peer reconnects and asks again).
 */
void
session_lost(struct session *s)
{
	log_warnx("%s: audit entries not durable: reply withheld", s->tag);
	if (s->held_mark <= buf_len(s->out))
		buf_truncate(s->out, s->held_mark);
	(void)wire_error(s->out, s->req_id, WERR_INTERNAL,
	    "server cannot write its audit log now; retry later",
	    SESSION_RETRY_MS);
	session_linger(s);
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
int
session_request(struct session *s, const uint8_t *p, size_t len)
{
	struct request	rq;
	int64_t		t0;
	unsigned	errs;
	int		r;

	if (s->w->spare != NULL && buf_cap(s->w->spare) > buf_cap(s->out))
		buf_swap_mem(s->out, s->w->spare);
	if (len >= SESSION_TRIM_FRAME)
		s->w->trim_due = 1;	/* what it unpacks goes back */
	s->held_mark = buf_len(s->out);	/* nothing is written until then */
	memset(&rq, 0, sizeof(rq));
	rq.w = s->w;
	rq.s = s;
	rq.dev = s->authed ? &s->dev : NULL;
	rq.peer = s->peer;
	rq.peer_key = s->has_cert ?
	    X509_get0_pubkey(SSL_get0_peer_certificate(s->ssl)) : NULL;
	rq.out = s->out;
	rq.max_frame = s->w->srv->cfg.max_frame;
	rq.batching = 1;
	s->msg_type = MSG_NONE;
	t0 = metrics_now_ns();
	errs = wire_errors_written;
	r = session_dispatch(s, &rq, p, len);
	metrics_request((unsigned)s->msg_type, metrics_now_ns() - t0,
	    wire_errors_written - errs, r != 0 || s->state == SESSION_CLOSING);
	/*
	 * Entries of this request could not be written (or a full batch
	 * holding some of them failed): fail closed now.  The request's
	 * other queued entries, if any, are committed with the batch.
	 */
	if (r == 0 && rq.lost) {
		session_lost(s);
		return 0;
	}
	if (rq.held && !s->held) {
		s->held = 1;
		s->held_guard = rq.guarded;
		s->hnext = s->w->held;
		s->w->held = s;
	}
	return r;
}
