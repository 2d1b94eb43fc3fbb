/* SPDX-License-Identifier: ISC */
/*
 * metrics_http.c - the metrics_listen page: a thread of its own with
 * one non-blocking listener and at most METRICS_CONNS connections.
 * Its HTTP is the least that serves a scraper: one request of at most
 * METRICS_REQ_MAX bytes, "GET /metrics HTTP/1.0" or "HTTP/1.1" (headers
 * read and ignored), one response, close.  Anything else gets a status
 * line and is closed; a connection that has not finished within
 * METRICS_TIMEOUT_MS is closed as it stands.  Nothing here can end the
 * server: every failure closes one connection.
 */
#include <sys/epoll.h>
#include <sys/socket.h>

#include <netinet/in.h>

#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "buf.h"
#include "errors.h"
#include "log.h"
#include "metrics.h"
#include "server.h"
#include "store.h"
#include "util.h"

#define METRICS_CONNS		8
#define METRICS_REQ_MAX		4096
#define METRICS_PAGE_MAX	(256 * 1024)
#define METRICS_TIMEOUT_MS	5000
#define METRICS_TICK_MS		250

struct metrics_client {
	int		 fd;		/* -1: free */
	size_t		 inlen;
	char		 in[METRICS_REQ_MAX];
	struct buf	*out;		/* the response; NULL while reading */
	int64_t		 deadline_ms;
};

struct metrics_http {
	struct server		*srv;
	struct store		*st;
	int			 lfd;
	int			 epfd;
	pthread_t		 thread;
	int			 started;
	struct metrics_client	 c[METRICS_CONNS];
};

static char	metrics_tag_listen;

int
metrics_http_init(struct server *srv, struct metrics_http **out)
{
	struct metrics_http	*m;
	struct addrinfo		 hints, *res = NULL;
	struct epoll_event	 ev;
	int			 one = 1, e, i;

	*out = NULL;
	if (srv->cfg.metrics_host[0] == '\0')
		return 0;
	if ((m = calloc(1, sizeof(*m))) == NULL)
		return CS_ERR_ALLOC;
	m->srv = srv;
	m->lfd = m->epfd = -1;
	for (i = 0; i < METRICS_CONNS; i++)
		m->c[i].fd = -1;
	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if ((e = getaddrinfo(srv->cfg.metrics_host, srv->cfg.metrics_port,
	    &hints, &res)) != 0) {
		log_warnx("metrics_listen %s: %s", srv->cfg.metrics_host,
		    gai_strerror(e));
		goto fail;
	}
	/* no SO_REUSEPORT: a second server must not share this port */
	if ((m->lfd = socket(res->ai_family, res->ai_socktype |
	    SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) == -1 ||
	    setsockopt(m->lfd, SOL_SOCKET, SO_REUSEADDR, &one,
	    sizeof(one)) == -1 ||
	    bind(m->lfd, res->ai_addr, res->ai_addrlen) == -1 ||
	    listen(m->lfd, 16) == -1 ||
	    (m->epfd = epoll_create1(EPOLL_CLOEXEC)) == -1) {
		log_warn("metrics_listen %s:%s", srv->cfg.metrics_host,
		    srv->cfg.metrics_port);
		goto fail;
	}
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.ptr = &metrics_tag_listen;
	if (epoll_ctl(m->epfd, EPOLL_CTL_ADD, m->lfd, &ev) == -1) {
		log_warn("metrics epoll_ctl");
		goto fail;
	}
	if (store_open(srv->db_path, 0, &m->st) != 0)
		goto fail;
	freeaddrinfo(res);
	log_info("metrics on %s port %s", srv->cfg.metrics_host,
	    srv->cfg.metrics_port);
	*out = m;
	return 0;
 fail:
	if (res != NULL)
		freeaddrinfo(res);
	if (m->lfd != -1)
		close(m->lfd);
	if (m->epfd != -1)
		close(m->epfd);
	free(m);
	return CS_ERR_SYSTEM;
}

static void
metrics_close(struct metrics_client *c)
{
	if (c->fd != -1)
		close(c->fd);	/* also leaves epoll */
	c->fd = -1;
	c->inlen = 0;
	buf_free(c->out);
	c->out = NULL;
}

static void
metrics_accept(struct metrics_http *m)
{
	struct epoll_event	 ev;
	struct metrics_client	*c;
	int			 fd, i;

	for (;;) {
		if ((fd = accept4(m->lfd, NULL, NULL, SOCK_NONBLOCK |
		    SOCK_CLOEXEC)) == -1) {
			if (errno != EAGAIN && errno != EINTR &&
			    errno != ECONNABORTED)
				log_warn("metrics accept");
			return;
		}
		for (i = 0; i < METRICS_CONNS && m->c[i].fd != -1; i++)
			;
		if (i == METRICS_CONNS) {
			close(fd);	/* busy: the scraper tries again */
			continue;
		}
		c = &m->c[i];
		c->fd = fd;
		c->inlen = 0;
		c->deadline_ms = time_mono_ms() + METRICS_TIMEOUT_MS;
		memset(&ev, 0, sizeof(ev));
		ev.events = EPOLLIN;
		ev.data.ptr = c;
		if (epoll_ctl(m->epfd, EPOLL_CTL_ADD, fd, &ev) == -1)
			metrics_close(c);
	}
}

/* A response of "status" with a short text body, or the page. */
static int
metrics_respond(struct metrics_http *m, struct metrics_client *c,
    const char *status)
{
	struct buf		*body = NULL;
	struct epoll_event	 ev;
	char			 head[256];
	const char		*type = "text/plain; charset=utf-8";
	int			 r;

	if ((body = buf_new(METRICS_PAGE_MAX)) == NULL ||
	    (c->out = buf_new(METRICS_PAGE_MAX + sizeof(head))) == NULL) {
		r = CS_ERR_ALLOC;
		goto out;
	}
	if (status == NULL) {
		if ((r = metrics_render(m->srv, m->st, body)) != 0) {
			log_warnx("metrics: %s", cs_err(r));
			status = "500 Internal Server Error";
		} else {
			status = "200 OK";
			type = "text/plain; version=0.0.4; charset=utf-8";
		}
	}
	if (strncmp(status, "200", 3) != 0) {
		buf_free(body);
		if ((body = buf_new(256)) == NULL) {
			r = CS_ERR_ALLOC;
			goto out;
		}
		(void)buf_put(body, status, strlen(status));
		(void)buf_put(body, "\n", 1);
	}
	if ((r = str_fmt(head, sizeof(head), "HTTP/1.0 %s\r\n"
	    "Content-Type: %s\r\nContent-Length: %zu\r\n"
	    "Connection: close\r\n\r\n", status, type, buf_len(body))) != 0 ||
	    (r = buf_put(c->out, head, strlen(head))) != 0 ||
	    (r = buf_put(c->out, buf_ptr(body), buf_len(body))) != 0)
		goto out;
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLOUT;
	ev.data.ptr = c;
	if (epoll_ctl(m->epfd, EPOLL_CTL_MOD, c->fd, &ev) == -1)
		r = CS_ERR_SYSTEM;
 out:
	buf_free(body);
	return r;
}

/*
 * The request in c->in[0..end) (through the blank line): the status to
 * answer, NULL for the page.  Only printable ASCII, tabs and line ends.
 */
static const char *
metrics_parse(const struct metrics_client *c, size_t end)
{
	static const char	get[] = "GET /metrics HTTP/1.";
	const char		*p = c->in;
	size_t			 i, eol;

	for (i = 0; i < end; i++) {
		unsigned char ch = (unsigned char)p[i];

		if ((ch < 0x20 || ch > 0x7e) && ch != '\r' && ch != '\n' &&
		    ch != '\t')
			return "400 Bad Request";
	}
	for (eol = 0; eol < end && p[eol] != '\r' && p[eol] != '\n'; eol++)
		;
	if (eol < 4 || memcmp(p, "GET ", 4) != 0)
		return "405 Method Not Allowed";
	if (eol == sizeof(get) && memcmp(p, get, sizeof(get) - 1) == 0 &&
	    (p[eol - 1] == '0' || p[eol - 1] == '1'))
		return NULL;
	if (eol > 13 && memcmp(p + 4, "/metrics ", 9) == 0)
		return "400 Bad Request";	/* not HTTP/1.x */
	return "404 Not Found";
}

/* Find the end of the headers: "\r\n\r\n" or "\n\n"; 0 if not yet. */
static size_t
metrics_head_end(const struct metrics_client *c)
{
	size_t	i;

	for (i = 1; i < c->inlen; i++) {
		if (c->in[i] != '\n')
			continue;
		if (c->in[i - 1] == '\n')
			return i + 1;
		if (i >= 3 && c->in[i - 1] == '\r' && c->in[i - 2] == '\n' &&
		    c->in[i - 3] == '\r')
			return i + 1;
	}
	return 0;
}

static void
metrics_read(struct metrics_http *m, struct metrics_client *c)
{
	const char	*status;
	ssize_t		 n;
	size_t		 end;

	for (;;) {
		if (c->inlen == sizeof(c->in)) {
			/* too long: no answer but a status, then close */
			if (metrics_respond(m, c, "431 Request Header Fields "
			    "Too Large") != 0)
				metrics_close(c);
			return;
		}
		n = read(c->fd, c->in + c->inlen, sizeof(c->in) - c->inlen);
		if (n == -1 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n <= 0) {
			metrics_close(c);
			return;
		}
		c->inlen += (size_t)n;
		if ((end = metrics_head_end(c)) != 0)
			break;
	}
	status = metrics_parse(c, end);
	if (metrics_respond(m, c, status) != 0)
		metrics_close(c);
}

static void
metrics_write(struct metrics_client *c)
{
	ssize_t	n;

	while (buf_len(c->out) > 0) {
		n = write(c->fd, buf_ptr(c->out), buf_len(c->out));
		if (n == -1 && (errno == EAGAIN || errno == EINTR))
			return;
		if (n <= 0)
			break;
		buf_consume(c->out, (size_t)n);
	}
	(void)shutdown(c->fd, SHUT_WR);
	metrics_close(c);
}

static void *
metrics_main(void *arg)
{
	struct metrics_http	*m = arg;
	struct metrics_client	*c;
	struct epoll_event	 evs[METRICS_CONNS + 1];
	int64_t			 now;
	int			 i, n;

	while (!atomic_load(&m->srv->stopping)) {
		n = epoll_wait(m->epfd, evs, METRICS_CONNS + 1,
		    METRICS_TICK_MS);
		if (n == -1 && errno != EINTR) {
			log_warn("metrics epoll_wait");
			break;
		}
		for (i = 0; i < n; i++) {
			if (evs[i].data.ptr == &metrics_tag_listen) {
				metrics_accept(m);
				continue;
			}
			c = evs[i].data.ptr;
			if (c->fd == -1)
				continue;	/* closed earlier in this pass */
			if (c->out != NULL)
				metrics_write(c);
			else if (evs[i].events & (EPOLLIN | EPOLLHUP |
			    EPOLLERR))
				metrics_read(m, c);
		}
		now = time_mono_ms();
		for (i = 0; i < METRICS_CONNS; i++)
			if (m->c[i].fd != -1 && now >= m->c[i].deadline_ms)
				metrics_close(&m->c[i]);
	}
	return NULL;
}

int
metrics_http_start(struct metrics_http *m)
{
	if (m == NULL)
		return 0;
	if (pthread_create(&m->thread, NULL, metrics_main, m) != 0) {
		log_warnx("metrics: pthread_create failed");
		return CS_ERR_SYSTEM;
	}
	m->started = 1;
	return 0;
}

void
metrics_http_stop(struct metrics_http *m)
{
	int	i;

	if (m == NULL)
		return;
	/* the thread sees srv->stopping within METRICS_TICK_MS */
	if (m->started)
		pthread_join(m->thread, NULL);
	for (i = 0; i < METRICS_CONNS; i++)
		metrics_close(&m->c[i]);
	close(m->lfd);
	close(m->epfd);
	store_close(m->st);
	free(m);
}
