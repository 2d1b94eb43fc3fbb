/* SPDX-License-Identifier: ISC */
/*
 * conn.c - blocking TLS connection to the server (see conn.h).
 */
#include <sys/socket.h>
#include <sys/time.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include "buf.h"
#include "conn.h"
#include "errors.h"
#include "frame.h"
#include "log.h"
#include "msg_session.h"
#include "tlsio.h"
#include "transport.h"
#include "util.h"

struct conn {
	int		 fd;
	SSL_CTX		*ctx;
	SSL		*ssl;
	X509		*ca;		/* the pinned CA, owned */
	struct buf	*in;
	struct buf	*out;
	uint32_t	 next_id;
	size_t		 max_frame;
	int		 notified;	/* a Notify arrived during a call */
	uint64_t	 sync_counter;	/* for Hello (synccount.h) */
	struct conn_server srv;		/* from Welcome */
};

static int	conn_ssl_failure(const char *, int, int);

int
conn_split(const char *server, char *host, size_t hostlen, char *port,
    size_t portlen)
{
	const char	*colon, *h = server;
	size_t		 hl;
	uint64_t	 p;

	if (server[0] == '[') {
		if ((colon = strstr(server, "]:")) == NULL)
			return CS_ERR_FORMAT;
		h = server + 1;
		hl = (size_t)(colon - h);
		colon++;
	} else {
		if ((colon = strrchr(server, ':')) == NULL)
			return CS_ERR_FORMAT;
		hl = (size_t)(colon - server);
	}
	if (hl == 0 || hl >= hostlen ||
	    parse_u64(colon + 1, 1, 65535, &p) != 0)
		return CS_ERR_FORMAT;
	memcpy(host, h, hl);
	host[hl] = '\0';
	return str_fmt(port, portlen, "%u", (unsigned)p);
}

/*
 * TCP connect to any address of host:port, each within "cms"; then "ms"
 * for every read and write.  A failure is logged at debug level only
 * when "quiet" (the caller says what it tried), and its cause is kept
 * for CS_ERR_SYSTEM (cs_why: "connection refused", "connection timed
 * out", the resolver's words), that of the last address tried.
 */
static int
conn_tcp(const char *host, const char *port, int cms, int ms, int quiet)
{
	struct addrinfo	 hints, *res = NULL, *ai;
	struct pollfd	 pfd;
	struct timeval	 tv;
	socklen_t	 elen;
	int		 fd = -1, e, one = 1, why = EADDRNOTAVAIL;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	if ((e = getaddrinfo(host, port, &hints, &res)) != 0) {
		/* before logging, which may change errno */
		if (e == EAI_SYSTEM)
			(void)cs_sys();
		else
			(void)cs_cause_text(CS_ERR_SYSTEM, gai_strerror(e));
		if (quiet)
			log_debug("%s: %s", host, gai_strerror(e));
		else
			log_warnx("%s: %s", host, gai_strerror(e));
		return -1;
	}
	for (ai = res; ai != NULL; ai = ai->ai_next) {
		if ((fd = socket(ai->ai_family, ai->ai_socktype |
		    SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) == -1) {
			why = errno;
			continue;
		}
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		why = errno;
		if (why == EINPROGRESS) {
			pfd.fd = fd;
			pfd.events = POLLOUT;
			elen = sizeof(e);
			switch (poll(&pfd, 1, cms)) {
			case 1:
				if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e,
				    &elen) == -1)
					why = errno;
				else
					why = e;
				break;
			case 0:
				why = ETIMEDOUT;
				break;
			default:
				why = errno;
				break;
			}
			if (why == 0)
				break;
		}
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd == -1) {
		(void)cs_cause(CS_ERR_SYSTEM, why);
		if (quiet)
			log_debug("cannot connect to %s port %s", host, port);
		else
			log_warnx("cannot connect to %s port %s", host, port);
		return -1;
	}
	/* blocking from here on, each step bounded by the timeout */
	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	if (fcntl(fd, F_SETFL, 0) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) == -1 ||
	    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) ==
	    -1) {
		(void)cs_sys();
		close(fd);
		return -1;
	}
	return fd;
}

static int	conn_open_one(const struct conn_opts *, int quiet,
		    struct conn **);

int
conn_open(const struct conn_opts *o, struct conn **out)
{
	return conn_open_one(o, 0, out);
}

int
conn_connect_ms(void)
{
	const char	*s = getenv("CASESYNC_CONNECT_TIMEOUT_MS");
	uint64_t	 v;

	if (s != NULL && parse_u64(s, CONN_CONNECT_MS_MIN, CONN_TIMEOUT_MS,
	    &v) == 0)
		return (int)v;
	return CONN_CONNECT_MS;
}

int
conn_open_any(const struct conn_opts *o, const char *const *addrs,
    size_t n, size_t *used, size_t *tried, struct conn **out)
{
	struct conn_opts	 one = *o;
	char			 vis[64];
	size_t			 i;
	int			 r = CS_ERR_SYSTEM, auth = 0;

	*out = NULL;
	*used = 0;
	*tried = 0;
	(void)cs_cause(CS_ERR_SYSTEM, 0);	/* no older cause for ours */
	/* never to a list without the CA and the name to verify */
	if (o->ca == NULL || o->server_name == NULL ||
	    o->server_name[0] == '\0')
		return CS_ERR_INTERNAL;
	if (one.connect_ms <= 0)
		one.connect_ms = conn_connect_ms();
	for (i = 0; i < n; i++) {
		one.server = addrs[i];
		*tried = i + 1;
		if ((r = conn_open_one(&one, 1, out)) == 0) {
			*used = i;
			return 0;
		}
		str_vis(vis, sizeof(vis), addrs[i], strlen(addrs[i]));
		if (r == CS_ERR_EXPIRED || r == CS_ERR_ALLOC)
			return r;
		if (r == CS_ERR_AUTH) {
			/* someone answers there who is not our server */
			log_warnx("%s: the server there is not %s of this "
			    "laptop's deployment (its certificate); skipped",
			    vis, o->server_name);
			auth = 1;
		} else
			log_debug("%s: %s", vis, cs_err(r));
	}
	return auth ? CS_ERR_AUTH : r;
}

static int
conn_open_one(const struct conn_opts *o, int quiet, struct conn **out)
{
	struct conn	*c;
	char		 host[256], port[16];
	const char	*name;
	int		 r, ms = o->timeout_ms > 0 ? o->timeout_ms :
			     CONN_TIMEOUT_MS;
	int		 cms = o->connect_ms > 0 ? o->connect_ms : ms;

	*out = NULL;
	if (conn_split(o->server, host, sizeof(host), port,
	    sizeof(port)) != 0) {
		log_warnx("server must be HOST:PORT");
		return CS_ERR_USAGE;
	}
	name = o->server_name != NULL ? o->server_name : host;
	if ((c = calloc(1, sizeof(*c))) == NULL)
		return CS_ERR_ALLOC;
	c->fd = -1;
	c->next_id = 1;
	c->max_frame = FRAME_MAX_DEFAULT;
	c->sync_counter = o->sync_counter;
	if ((c->in = buf_new(FRAME_HDR_LEN + FRAME_MAX_LIMIT)) == NULL ||
	    (c->out = buf_new(FRAME_HDR_LEN + FRAME_MAX_LIMIT)) == NULL) {
		r = CS_ERR_ALLOC;
		goto fail;
	}
	if ((c->fd = conn_tcp(host, port, cms, ms, quiet)) == -1) {
		r = CS_ERR_SYSTEM;
		goto fail;
	}
	r = CS_ERR_TLS;
	if ((c->ctx = tlsio_client_ctx(o->ca, o->cert, o->key)) == NULL ||
	    (c->ssl = SSL_new(c->ctx)) == NULL ||
	    SSL_set_fd(c->ssl, c->fd) != 1 ||
	    SSL_set_tlsext_host_name(c->ssl, name) != 1 ||
	    (o->ca != NULL && SSL_set1_host(c->ssl, name) != 1))
		goto fail;
	if (SSL_connect(c->ssl) != 1) {
		r = conn_ssl_failure("TLS handshake", CS_ERR_TLS, quiet);
		if (r != CS_ERR_EXPIRED && o->ca != NULL &&
		    SSL_get_verify_result(c->ssl) != X509_V_OK) {
			log_warnx("server certificate: %s",
			    X509_verify_cert_error_string(
			    SSL_get_verify_result(c->ssl)));
			r = CS_ERR_AUTH;
		}
		goto fail;
	}
	if (o->ca == NULL &&
	    (r = tlsio_check_pinned(c->ssl, o->pin, name, &c->ca)) != 0)
		goto fail;
	if (!tlsio_alpn_ok(c->ssl)) {
		log_warnx("server did not agree on %s", CS_ALPN);
		r = CS_ERR_PROTOCOL;
		goto fail;
	}
	*out = c;
	return 0;
 fail:
	conn_close(c);
	return r;
}

/*
 * After a failed read or handshake: CS_ERR_EXPIRED if the server
 * refused our certificate as expired (TLS alert certificate_expired;
 * in TLS 1.3 it arrives with the first read after the handshake, not
 * from SSL_connect), else "other".  The error queue is drained: into
 * the log as warnings, or at debug level when "quiet".
 */
static int
conn_ssl_failure(const char *what, int other, int quiet)
{
	unsigned long	e[2];
	char		buf[256];
	int		i, r = other;

	e[0] = ERR_peek_error();
	e[1] = ERR_peek_last_error();
	for (i = 0; i < 2; i++)
		if (e[i] != 0 && ERR_GET_LIB(e[i]) == ERR_LIB_SSL &&
		    ERR_GET_REASON(e[i]) ==
		    SSL_R_SSLV3_ALERT_CERTIFICATE_EXPIRED)
			r = CS_ERR_EXPIRED;
	if (r != CS_ERR_EXPIRED && !quiet) {
		log_ssl(what);
		return r;
	}
	if (r != CS_ERR_EXPIRED) {	/* the caller tries another address */
		while ((e[0] = ERR_get_error()) != 0) {
			ERR_error_string_n(e[0], buf, sizeof(buf));
			log_debug("%s: %s", what, buf);
		}
		return r;
	}
	ERR_clear_error();
	log_debug("%s: the server refused our certificate as expired", what);
	return r;
}

X509 *
conn_ca(struct conn *c)
{
	return c->ca;
}

static int
conn_flush(struct conn *c)
{
	int	n;

	while (buf_len(c->out) > 0) {
		n = SSL_write(c->ssl, buf_ptr(c->out),
		    buf_len(c->out) > INT32_MAX ? INT32_MAX :
		    (int)buf_len(c->out));
		if (n <= 0)
			return conn_ssl_failure("write", CS_ERR_CLOSED, 0);
		buf_consume(c->out, (size_t)n);
	}
	return 0;
}

int
conn_send_raw(struct conn *c, const void *p, size_t len)
{
	int	r;

	if ((r = buf_put(c->out, p, len)) != 0)
		return r;
	return conn_flush(c);
}

/* Read one frame and decode it. */
int
conn_recv(struct conn *c, struct msg **m)
{
	const uint8_t	*p;
	uint8_t		*dst;
	size_t		 len, room;
	int		 n, r, e;

	*m = NULL;
	for (;;) {
		r = frame_get(c->in, c->max_frame, &p, &len);
		if (r == 0)
			return msg_decode(p, len, m);
		if (r != CS_ERR_INCOMPLETE)
			return r;
		if ((room = buf_space(c->in, 64 * 1024, &dst)) == 0)
			return CS_ERR_TOO_LARGE;
		if ((n = SSL_read(c->ssl, dst, (int)room)) <= 0) {
			e = SSL_get_error(c->ssl, n);
			/* SO_RCVTIMEO ran out: OpenSSL reports a retry */
			if (e == SSL_ERROR_WANT_READ || (e == SSL_ERROR_SYSCALL &&
			    (errno == EAGAIN || errno == EWOULDBLOCK))) {
				ERR_clear_error();
				return CS_ERR_TIMEOUT;
			}
			return conn_ssl_failure("read", CS_ERR_CLOSED, 0);
		}
		buf_commit(c->in, (size_t)n);
	}
}

/* Read up to the reply to "id" (see conn.h). */
int
conn_rpc_wait(struct conn *c, uint32_t id, struct msg **reply)
{
	struct msg_error	 e;
	struct msg		*m = NULL;
	int			 r;

	*reply = NULL;
	for (;;) {
		if ((r = conn_recv(c, &m)) != 0)
			return r;
		if (msg_id(m) == id)
			break;
		/* id 0: unsolicited; an Error ends the call, a Notify waits */
		if (msg_id(m) == 0 && msg_type(m) == MSG_ERROR)
			break;
		if (msg_id(m) == 0 && msg_type(m) == MSG_NOTIFY)
			c->notified = 1;
		msg_free(m);
		m = NULL;
	}
	*reply = m;
	if (msg_get_error(m, &e) != 0)
		return 0;
	return msg_code_retryable(e.code) ? CS_ERR_RETRY : CS_ERR_PEER;
}

int
conn_rpc_send(struct conn *c, const struct msg_out *req, uint32_t *id)
{
	int	r;

	*id = c->next_id++;
	if (c->next_id == 0)	/* id 0 is for unsolicited messages */
		c->next_id = 1;
	if ((r = msg_encode(*id, req, c->max_frame, c->out)) != 0)
		return r;
	return conn_flush(c);
}

int
conn_rpc(struct conn *c, const struct msg_out *req, struct msg **reply)
{
	uint32_t	id;
	int		r;

	*reply = NULL;
	if ((r = conn_rpc_send(c, req, &id)) != 0)
		return r;
	return conn_rpc_wait(c, id, reply);
}

int
rpc_call_expect(struct conn *c, const struct msg_out *req,
    enum msg_type want, struct msg **reply)
{
	int	r;

	if ((r = conn_rpc(c, req, reply)) != 0)
		return r;	/* an Error stays in *reply for its text */
	if (msg_type(*reply) != want) {
		msg_free(*reply);
		*reply = NULL;
		return CS_ERR_PROTOCOL;
	}
	return 0;
}

void
conn_server(const struct conn *c, struct conn_server *out)
{
	*out = c->srv;
}

int
conn_welcome(struct conn *c, const char *device_id, struct msg **welcome)
{
	struct msg_hello	h;
	struct msg_welcome	w;
	struct msg_out		o;
	int			r;

	memset(&h, 0, sizeof(h));
	h.protocol_version = CS_PROTOCOL_VERSION;
	h.client_version = CONN_CLIENT_VERSION;
	h.device_id = device_id != NULL ? device_id : "";
	h.sync_counter = c->sync_counter;
	o = msg_out_hello(&h);
	if ((r = rpc_call_expect(c, &o, MSG_WELCOME, welcome)) != 0)
		return r;
	(void)msg_get_welcome(*welcome, &w);
	c->srv.generation = w.generation;
	c->srv.restore_seq = w.restore_seq;
	c->srv.backup_time = w.backup_time;
	c->srv.server_seq = w.server_seq;
	if (w.has_limits && w.max_frame >= FRAME_MAX_PREAUTH &&
	    w.max_frame <= FRAME_MAX_LIMIT)
		c->max_frame = w.max_frame;
	return 0;
}

int
conn_set_timeout(struct conn *c, int ms)
{
	struct timeval	tv;

	tv.tv_sec = ms / 1000;
	tv.tv_usec = (ms % 1000) * 1000;
	if (setsockopt(c->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == -1)
		return CS_ERR_SYSTEM;
	return 0;
}

int
conn_take_notified(struct conn *c)
{
	int	n = c->notified;

	c->notified = 0;
	return n;
}

int
conn_pending(struct conn *c)
{
	return buf_len(c->in) > 0 || SSL_pending(c->ssl) > 0;
}

void
conn_close(struct conn *c)
{
	if (c == NULL)
		return;
	if (c->ssl != NULL) {
		(void)SSL_shutdown(c->ssl);
		SSL_free(c->ssl);
	}
	ERR_clear_error();
	SSL_CTX_free(c->ctx);
	X509_free(c->ca);
	if (c->fd != -1)
		close(c->fd);
	buf_free(c->in);
	buf_free(c->out);
	free(c);
}
