/* SPDX-License-Identifier: ISC */
/*
 * notify.c - the thread that listens to the other instances on the
 * database (see notify.h).
 *
 * Its loop: connect when deaf (at most every NOTIFY_BLIND_MS), poll the
 * listening connection and the stop pipe, read what came, ping.  The
 * state changes are logged once each (lost, listening again), not on
 * every retry: a database that is down for an hour is one line, not
 * thousands.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "access.h"
#include "errors.h"
#include "log.h"
#include "notify.h"
#include "sdb.h"
#include "server.h"
#include "store.h"
#include "store_notify.h"
#include "util.h"

struct notify {
	struct server		*srv;
	struct sdb_listen	*l;
	int			 wake[2];	/* pipe: stop */
	int			 deaf;		/* 1: not listening */
	int			 said_lost;	/* logged since the last loss */
	int			 started;
	pthread_t		 thread;
};

/* Anything may have changed: every worker looks at everything. */
static void
notify_all(struct server *srv)
{
	atomic_fetch_add(&srv->remote_change, 1);
	atomic_fetch_add(&srv->remote_revoke, 1);
	access_changed(srv);
}

static void
notify_heard(const char *payload, void *arg)
{
	struct server	*srv = arg;

	if (strcmp(payload, STORE_NOTIFY_CHANGE) == 0)
		atomic_fetch_add(&srv->remote_change, 1);
	else if (strcmp(payload, STORE_NOTIFY_REVOKE) == 0)
		atomic_fetch_add(&srv->remote_revoke, 1);
	else if (strcmp(payload, STORE_NOTIFY_ACCESS) == 0)
		access_changed(srv);
	else	/* a newer instance's word, or someone's: look at all */
		notify_all(srv);
}

static void
notify_lost(struct notify *n)
{
	n->deaf = 1;
	if (!n->said_lost)
		log_warnx("notify: not listening to the other instances: %s;"
		    " looking at the database every %d ms meanwhile",
		    sdb_listen_errmsg(n->l), NOTIFY_BLIND_MS);
	n->said_lost = 1;
}

/* Deaf: try to listen again; either way, look at everything. */
static void
notify_connect(struct notify *n)
{
	if (sdb_listen_connect(n->l) == 0) {
		if (n->said_lost)
			log_info("notify: listening to the other instances "
			    "again");
		n->deaf = 0;
		n->said_lost = 0;
	} else
		notify_lost(n);
	/* what was sent before we listened is lost: look (notify.h) */
	notify_all(n->srv);
}

static void *
notify_main(void *arg)
{
	struct notify	*n = arg;
	struct pollfd	 pfd[2];
	int64_t		 next_try = 0, now;
	int		 fd, np, r;

	while (!atomic_load(&n->srv->stopping)) {
		now = time_mono_ms();
		if (n->deaf && now >= next_try) {
			notify_connect(n);
			next_try = now + NOTIFY_BLIND_MS;
		}
		pfd[0].fd = n->wake[0];
		pfd[0].events = POLLIN;
		pfd[0].revents = 0;
		np = 1;
		if ((fd = sdb_listen_fd(n->l)) != -1) {
			pfd[1].fd = fd;
			pfd[1].events = POLLIN;
			pfd[1].revents = 0;
			np = 2;
		}
		/* deaf: until the next try; else at least a ping's time */
		if (poll(pfd, (nfds_t)np, n->deaf ? NOTIFY_BLIND_MS :
		    SDB_LISTEN_PING_MS / 2) == -1 && errno != EINTR) {
			log_warn("notify: poll");
			break;
		}
		if (pfd[0].revents != 0)
			break;		/* stop */
		if (n->deaf)
			continue;
		if ((r = sdb_listen_read(n->l, notify_heard, n->srv)) != 0 ||
		    (r = sdb_listen_tick(n->l, time_mono_ms())) != 0) {
			notify_lost(n);
			next_try = time_mono_ms();	/* at once */
		}
	}
	return NULL;
}

static void
notify_free(struct notify *n)
{
	if (n == NULL)
		return;
	if (n->wake[0] != -1)
		close(n->wake[0]);
	if (n->wake[1] != -1)
		close(n->wake[1]);
	sdb_listen_free(n->l);
	free(n);
}

int
notify_init(struct server *srv, struct notify **out)
{
	struct notify	*n;
	int		 r;

	*out = NULL;
	if (!store_spec_pg(srv->db_path))
		return 0;
	if ((n = calloc(1, sizeof(*n))) == NULL)
		return CS_ERR_ALLOC;
	n->srv = srv;
	n->wake[0] = n->wake[1] = -1;
	n->deaf = 1;
	if ((r = sdb_listen_new(srv->db_path, STORE_NOTIFY_CHANNEL,
	    &n->l)) != 0)
		goto out;
	if (pipe2(n->wake, O_CLOEXEC) == -1) {
		log_warn("notify: pipe");
		r = CS_ERR_SYSTEM;
		goto out;
	}
	*out = n;
	n = NULL;	/* transferred */
	r = 0;
 out:
	notify_free(n);
	return r;
}

int
notify_start(struct notify *n)
{
	if (n == NULL)
		return 0;
	if (pthread_create(&n->thread, NULL, notify_main, n) != 0)
		return CS_ERR_SYSTEM;
	n->started = 1;
	return 0;
}

void
notify_stop(struct notify *n)
{
	if (n == NULL)
		return;
	if (n->started) {
		if (write(n->wake[1], "x", 1) != 1) {
			/* the thread runs on: leave it its memory */
			log_warn("notify: stop");
			return;
		}
		(void)pthread_join(n->thread, NULL);
	}
	notify_free(n);
}
