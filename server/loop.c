/* SPDX-License-Identifier: ISC */
/*
 * loop.c - the worker threads: each has its own epoll loop, its own
 * SO_REUSEPORT listener (the kernel spreads connections) and its own
 * SQLite connection, so workers share nothing on the hot path.
 *
 * The login and read audit entries of one pass over the ready
 * descriptors are appended in one transaction at its end (group
 * commit, docs/AUDIT.md), and only then are the replies that wait for
 * them written: one fsync for a pass instead of one per request.
 */
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <errno.h>
#include <malloc.h>
#include <netdb.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "access.h"
#include "audit.h"
#include "buf.h"
#include "errors.h"
#include "log.h"
#include "metrics.h"
#include "renew.h"
#include "retention.h"
#include "server.h"
#include "session.h"
#include "store.h"
#include "util.h"

#define LOOP_MAX_EVENTS		128
#define LOOP_TICK_MS		250
#define LOOP_REVOKE_CHECK_MS	1000
#define LOOP_TRIM_DROP		64	/* sessions gone (or come) before
					   malloc_trim */
#define LOOP_TRIM_SETTLE_MS	3000	/* and again after the handshakes */

char	worker_tag_listen;
char	worker_tag_event;

static int
loop_listen(const struct config *c, const char *port, unsigned *bound)
{
	struct addrinfo		 hints, *res = NULL;
	struct sockaddr_storage	 ss;
	socklen_t		 sslen = sizeof(ss);
	int			 fd = -1, one = 1, e;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
	if ((e = getaddrinfo(c->listen_host, port, &hints, &res)) != 0) {
		log_warnx("listen %s: %s", c->listen_host, gai_strerror(e));
		return -1;
	}
	if ((fd = socket(res->ai_family, res->ai_socktype | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ==
	    -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof(one)) ==
	    -1 ||
	    bind(fd, res->ai_addr, res->ai_addrlen) == -1 ||
	    listen(fd, 1024) == -1 ||
	    getsockname(fd, (struct sockaddr *)&ss, &sslen) == -1) {
		log_warn("listen %s:%s", c->listen_host, port);
		if (fd != -1)
			close(fd);
		freeaddrinfo(res);
		return -1;
	}
	freeaddrinfo(res);
	*bound = ntohs(ss.ss_family == AF_INET6 ?
	    ((struct sockaddr_in6 *)&ss)->sin6_port :
	    ((struct sockaddr_in *)&ss)->sin_port);
	return fd;
}

static int
loop_add(int epfd, int fd, void *tag)
{
	struct epoll_event	ev;

	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	ev.data.ptr = tag;
	return epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev);
}

int
workers_init(struct server *srv, struct worker **wsp, unsigned n,
    unsigned *port)
{
	struct worker	*ws;
	char		 portstr[16];
	int64_t		 seq;
	unsigned	 i, p;

	*wsp = NULL;
	if (peerlimit_init(&srv->pending, srv->cfg.max_pending_per_address,
	    srv->cfg.max_connections) != 0)
		return CS_ERR_ALLOC;
	if ((ws = calloc(n, sizeof(*ws))) == NULL) {
		peerlimit_clear(&srv->pending);
		return CS_ERR_ALLOC;
	}
	for (i = 0; i < n; i++) {
		ws[i].lfd = ws[i].epfd = ws[i].evfd = -1;
		ws[i].srv = srv;
		ws[i].idx = i;
	}
	memcpy(portstr, srv->cfg.listen_port, sizeof(portstr));
	for (i = 0; i < n; i++) {
		/* the first socket picks the port; the others share it */
		if ((ws[i].lfd = loop_listen(&srv->cfg, portstr, &p)) == -1)
			goto fail;
		if (i == 0) {
			*port = p;
			if (str_fmt(portstr, sizeof(portstr), "%u", p) != 0)
				goto fail;
		}
		if ((ws[i].epfd = epoll_create1(EPOLL_CLOEXEC)) == -1 ||
		    (ws[i].evfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) ==
		    -1 ||
		    loop_add(ws[i].epfd, ws[i].lfd, &worker_tag_listen) == -1 ||
		    loop_add(ws[i].epfd, ws[i].evfd, &worker_tag_event) == -1) {
			log_warn("worker %u", i);
			goto fail;
		}
		if (store_open(srv->db_path, 0, &ws[i].st) != 0 ||
		    store_revocation_gen(ws[i].st, &ws[i].rev_gen) != 0 ||
		    store_seq(ws[i].st, &seq) != 0)
			goto fail;
		server_note_seq(srv, seq);
	}
	*wsp = ws;
	return 0;
 fail:
	for (i = 0; i < n; i++) {
		if (ws[i].lfd != -1)
			close(ws[i].lfd);
		if (ws[i].epfd != -1)
			close(ws[i].epfd);
		if (ws[i].evfd != -1)
			close(ws[i].evfd);
		store_close(ws[i].st);
	}
	free(ws);
	peerlimit_clear(&srv->pending);
	return CS_ERR_SYSTEM;
}

/*
 * Log a connection refused by the per-address limit: at most one line
 * a second per worker, saying how many went unlogged, so that a flood
 * does not become a flood of log lines too.
 */
static void
loop_refused(struct worker *w, const char *host, int r)
{
	int64_t	now = time_mono_ms();

	if (now < w->refused_log_ms) {
		w->refused_quiet++;
		return;
	}
	if (r == CS_ERR_RATE)
		log_warnx("%s: connection refused: %u connections without "
		    "Hello from this address (%u more refusals since the "
		    "last line)", host, w->srv->cfg.max_pending_per_address,
		    w->refused_quiet);
	else
		log_warnx("%s: connection refused: %s", host, cs_err(r));
	w->refused_log_ms = now + 1000;
	w->refused_quiet = 0;
}

static void
loop_accept(struct worker *w)
{
	struct sockaddr_storage	 ss;
	struct peerlimit_key	 key;
	struct session		*s;
	socklen_t		 sslen;
	char			 host[INET6_ADDRSTRLEN], peer[80];
	int			 fd, one = 1, r;
	unsigned		 n;

	for (;;) {
		sslen = sizeof(ss);
		fd = accept4(w->lfd, (struct sockaddr *)&ss, &sslen,
		    SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd == -1) {
			if (errno != EAGAIN && errno != EINTR &&
			    errno != ECONNABORTED)
				log_warn("accept");
			return;
		}
		n = atomic_fetch_add(&w->srv->nconns, 1);
		if (n >= w->srv->cfg.max_connections ||
		    atomic_load(&w->srv->stopping)) {
			atomic_fetch_sub(&w->srv->nconns, 1);
			close(fd);
			metrics_conn_refused();
			log_warnx("connection refused: limit of %u reached",
			    w->srv->cfg.max_connections);
			continue;
		}
		if (getnameinfo((struct sockaddr *)&ss, sslen, host,
		    sizeof(host), NULL, 0, NI_NUMERICHOST) != 0)
			memcpy(host, "?", 2);
		/*
		 * Connections that have not said Hello, per address: one
		 * address must not take every slot (peerlimit.h).
		 */
		peerlimit_key((struct sockaddr *)&ss, &key);
		if ((r = peerlimit_take(&w->srv->pending, &key)) != 0) {
			atomic_fetch_sub(&w->srv->nconns, 1);
			close(fd);
			metrics_conn_refused();
			loop_refused(w, host, r);
			continue;
		}
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		str_fmt(peer, sizeof(peer), "%s", host);
		/* session_new closes fd and releases the count on failure */
		if ((s = session_new(w, fd, peer)) == NULL)
			peerlimit_give(&w->srv->pending, &key);
		else
			session_set_pending(s, &key);
	}
}

/*
 * Close sessions of devices revoked since we last looked.  This walks
 * every session (one store lookup each), but once per revocation, not
 * per pass: a revocation is an administrator's act.
 */
static void
loop_revocations(struct worker *w)
{
	struct session	*s, *next;
	int64_t		 gen;

	if (store_revocation_gen(w->st, &gen) != 0 || gen == w->rev_gen)
		return;
	w->rev_gen = gen;
	for (s = w->sessions; s != NULL; s = next) {
		next = session_next(s);
		session_recheck(s);
	}
}

/*
 * What the other instances said (notify.h), before the watchers look:
 * the newest seq, read from the database, and revoked devices.  A
 * failed read (the database is away) is tried again a second later,
 * not at every sweep: the log says it once a second, not four times.
 */
static void
loop_remote(struct worker *w, int64_t now)
{
	unsigned	c = atomic_load(&w->srv->remote_change);
	unsigned	v = atomic_load(&w->srv->remote_revoke);
	int64_t		seq;

	if (c != w->remote_change_seen && now >= w->remote_retry_ms) {
		if (store_seq(w->st, &seq) == 0) {
			w->remote_change_seen = c;
			server_note_seq(w->srv, seq);
		} else
			w->remote_retry_ms = now + LOOP_REVOKE_CHECK_MS;
	}
	if (v != w->remote_revoke_seen) {
		w->remote_revoke_seen = v;
		loop_revocations(w);
	}
}

static void
loop_tick(struct worker *w, int64_t now)
{
	/*
	 * Deadlines after every pass, but only those that have come (a
	 * heap: O(expired log n)); watchers every LOOP_TICK_MS, and only
	 * when something was committed.  Nothing here walks every
	 * connection: with 10,000 idle ones, the walk every 250 ms took
	 * 5 % of the server's time under load and delayed each pass that
	 * ran it (docs/BENCHMARKS.md, "bench-large: 10,000 connections").
	 */
	session_timeouts(w, now);
	if (now < w->next_sweep_ms)
		return;
	w->next_sweep_ms = now + LOOP_TICK_MS;
	loop_remote(w, now);
	session_watchers(w);
	if (now < w->next_tick_ms)
		return;
	w->next_tick_ms = now + LOOP_REVOKE_CHECK_MS;
	loop_revocations(w);
	/* handover windows and glass accesses that have ended */
	if (access_tick(w, time_now(), 1) != 0)
		log_warnx("access timer: ending expired access failed; "
		    "requests are refused until it succeeds");
	retention_tick(w);	/* closed cases leave the laptops */
	audit_tick(w);		/* the hourly checkpoint */
	renew_tick(w, now);	/* the server certificate's expiry */
	/*
	 * After a burst of connections has gone, or a large frame was
	 * unpacked, give the freed memory back to the system: glibc keeps
	 * it in this thread's arena otherwise, and a flood would leave the
	 * server looking bloated for good (SECURITY.md).  Likewise while
	 * connections pile up (by LOOP_TRIM_DROP since the last time or
	 * the fewest since): each handshake's scratch memory is freed
	 * between the long-lived TLS states of the connections that stay,
	 * and the arena kept those holes, 40 % of the server's memory
	 * with 1,000 idle connections (docs/BENCHMARKS.md, "bench-large:
	 * 10,000 connections").  Sessions that come and go at a steady rate do
	 * not trigger it: their holes are reused by the next handshakes.
	 */
	if (w->nsessions < w->trim_base)
		w->trim_base = w->nsessions;
	if (w->nsessions >= w->trim_base + LOOP_TRIM_DROP) {
		/* their handshakes end later: once more when they have */
		w->trim_due = 1;
		w->trim_settle_ms = now + LOOP_TRIM_SETTLE_MS;
	} else if (w->trim_settle_ms != 0 && now >= w->trim_settle_ms) {
		w->trim_due = 1;
		w->trim_settle_ms = 0;
	}
	if (w->nsessions + LOOP_TRIM_DROP <= w->peak_sessions ||
	    w->trim_due) {
		malloc_trim(0);
		w->peak_sessions = w->nsessions;
		w->trim_base = w->nsessions;
		w->trim_due = 0;
	}
}

static void *
worker_main(void *arg)
{
	struct worker		*w = arg;
	struct epoll_event	 evs[LOOP_MAX_EVENTS];
	int64_t			 wait, due, now;
	int			 i, n, later = 0;

	while (!atomic_load(&w->srv->stopping)) {
		/*
		 * Sleep no longer than until the next sweep or deadline is
		 * due, and not at all while sessions wait for an audit
		 * commit (a millisecond while it waits for the write lock:
		 * audit_pass_end).
		 */
		due = session_next_deadline(w);
		if (due > w->next_sweep_ms)
			due = w->next_sweep_ms;
		now = time_mono_ms();
		wait = due - now;
		if (wait < 0 || (w->held != NULL && !later))
			wait = 0;
		else if (later)
			wait = wait > 1 ? 1 : wait;
		else if (wait > LOOP_TICK_MS)
			wait = LOOP_TICK_MS;
		(void)audit_due(w, now, &wait);	/* a later entry's time */
		n = epoll_wait(w->epfd, evs, LOOP_MAX_EVENTS, (int)wait);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			fatal("epoll_wait");
		}
		for (i = 0; i < n; i++) {
			if (evs[i].data.ptr == &worker_tag_listen)
				loop_accept(w);
			else if (evs[i].data.ptr == &worker_tag_event)
				break;	/* stop requested; loop re-checks */
			else
				session_event(evs[i].data.ptr,
				    evs[i].events);
		}
		now = time_mono_ms();
		loop_tick(w, now);
		/*
		 * The audit entries queued so far, in one commit, if a
		 * held session waits for them (or a later entry is due:
		 * audit_later); then the held replies.  Sessions held
		 * again by their next request wait for the next pass
		 * (wait 0).
		 */
		later = audit_pass_end(w, now);
	}
	audit_batch_free(w);	/* replies never sent: entries kept anyway */
	while (w->sessions != NULL)
		session_free(w->sessions);
	timerheap_free(&w->timers);
	return NULL;
}

int
workers_start(struct worker *ws, unsigned n)
{
	unsigned	i;

	for (i = 0; i < n; i++) {
		if (pthread_create(&ws[i].thread, NULL, worker_main,
		    &ws[i]) != 0) {
			log_warnx("pthread_create failed");
			return CS_ERR_SYSTEM;
		}
	}
	return 0;
}

void
workers_stop(struct worker *ws, unsigned n)
{
	struct server	*srv;
	uint64_t	 one = 1;
	unsigned	 i;

	if (ws == NULL)
		return;
	srv = ws[0].srv;
	for (i = 0; i < n; i++) {
		if (write(ws[i].evfd, &one, sizeof(one)) == -1)
			log_warn("eventfd");
	}
	for (i = 0; i < n; i++)
		pthread_join(ws[i].thread, NULL);
	if (n > 0)
		audit_stop(&ws[0]);	/* every batch is committed now */
	for (i = 0; i < n; i++) {
		close(ws[i].lfd);
		close(ws[i].epfd);
		close(ws[i].evfd);
		store_close(ws[i].st);
		buf_free(ws[i].spare);
	}
	free(ws);
	peerlimit_clear(&srv->pending);
}
