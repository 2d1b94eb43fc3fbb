/* SPDX-License-Identifier: ISC */
/*
 * ui_server.c - casesync ui's server (ui_http.h): the listening socket
 * on the loopback address, the secrets (sodium_malloc), libmicrohttpd
 * in external-select mode driven by one loop, which also closes the
 * vault after the idle time and joins a finished background sync.
 */
#include <sys/select.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <microhttpd.h>
#include <sodium.h>

#include "errors.h"
#include "log.h"
#include "ui_http_int.h"
#include "util.h"
#include "vault.h"

#define UI_CONN_MAX		32	/* connections at once */
#define UI_CONN_TIMEOUT		60	/* seconds a connection may idle */

int
ui_token(char **out, size_t bytes)
{
	uint8_t	raw[UI_TOKEN_BYTES];
	char	*t;

	*out = NULL;
	if (bytes > sizeof(raw) || (t = sodium_malloc(bytes * 2 + 1)) == NULL)
		return CS_ERR_ALLOC;
	randombytes_buf(raw, bytes);
	sodium_bin2hex(t, bytes * 2 + 1, raw, bytes);
	sodium_memzero(raw, sizeof(raw));
	*out = t;
	return 0;
}

void
ui_wipe_free(char *p)
{
	if (p != NULL)
		sodium_free(p);		/* zeroes, then unmaps */
}

/* A listening socket on the loopback address, port "port" (0: any). */
static int
ui_listen(const struct ui_opts *o, int *fdp, uint16_t *portp)
{
	struct sockaddr_storage	 ss;
	struct sockaddr_in	*sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6	*sin6 = (struct sockaddr_in6 *)&ss;
	socklen_t		 sl;
	int			 fd, one = 1;

	*fdp = -1;
	memset(&ss, 0, sizeof(ss));
	if (o->v6) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_addr = in6addr_loopback;
		sin6->sin6_port = htons(o->port);
		sl = sizeof(*sin6);
	} else {
		sin->sin_family = AF_INET;
		sin->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		sin->sin_port = htons(o->port);
		sl = sizeof(*sin);
	}
	if ((fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return CS_ERR_SYSTEM;
	if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ==
	    -1 || (o->v6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one,
	    sizeof(one)) == -1) ||
	    bind(fd, (struct sockaddr *)&ss, sl) == -1 ||
	    listen(fd, 16) == -1 ||
	    getsockname(fd, (struct sockaddr *)&ss, &sl) == -1) {
		log_warn("ui: cannot listen on port %u", (unsigned)o->port);
		close(fd);
		return CS_ERR_SYSTEM;
	}
	*portp = ntohs(o->v6 ? sin6->sin6_port : sin->sin_port);
	*fdp = fd;
	return 0;
}

static int
ui_names(struct ui_server *s)
{
	static const char	*hosts[UI_HOSTS] = { "127.0.0.1", "localhost",
	    "[::1]" };
	size_t			 i;
	int			 r;

	for (i = 0; i < UI_HOSTS; i++)
		if ((r = str_fmt(s->hosts[i], sizeof(s->hosts[i]), "%s:%u",
		    hosts[i], (unsigned)s->port)) != 0 ||
		    (r = str_fmt(s->origins[i], sizeof(s->origins[i]),
		    "http://%s:%u", hosts[i], (unsigned)s->port)) != 0)
			return r;
	return 0;
}

static int
ui_secret_new(struct ui_server *s)
{
	uint8_t	raw[UI_SECRET_BYTES];

	if ((s->secret = sodium_malloc(UI_SECRET_LEN + 1)) == NULL)
		return CS_ERR_ALLOC;
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(s->secret, UI_SECRET_LEN + 1, raw, sizeof(raw),
	    sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
	return 0;
}

int
ui_server_new(const struct ui_opts *o, struct vault **vp,
    struct ui_server **out)
{
	struct ui_server	*s;
	int			 r;

	*out = NULL;
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		vault_close(*vp);
		*vp = NULL;
		return CS_ERR_ALLOC;
	}
	s->fd = -1;
	s->vault = *vp;
	*vp = NULL;			/* transferred */
	s->idle = o->idle;
	s->last = time(NULL);
	if ((r = str_fmt(s->dir, sizeof(s->dir), "%s", o->dir)) != 0 ||
	    (r = ui_listen(o, &s->fd, &s->port)) != 0 ||
	    (r = ui_names(s)) != 0 ||
	    (r = ui_secret_new(s)) != 0 ||
	    (r = ui_token(&s->csrf, UI_TOKEN_BYTES)) != 0 ||
	    (r = ui_sync_new(s->dir, &s->sync)) != 0)
		goto out;
	s->mhd = MHD_start_daemon(MHD_USE_ERROR_LOG |
	    (o->v6 ? MHD_USE_IPv6 : 0), 0, NULL, NULL, ui_handle, s,
	    MHD_OPTION_LISTEN_SOCKET, s->fd,
	    MHD_OPTION_CONNECTION_LIMIT, (unsigned int)UI_CONN_MAX,
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)UI_CONN_TIMEOUT,
	    MHD_OPTION_NOTIFY_COMPLETED, ui_done, s,
	    MHD_OPTION_END);
	if (s->mhd == NULL) {
		log_warnx("ui: cannot start the HTTP server");
		r = CS_ERR_SYSTEM;
		goto out;
	}
	s->fd = -1;		/* MHD_stop_daemon closes it */
	*out = s;
	s = NULL;			/* transferred */
	r = 0;
 out:
	ui_server_free(s);
	return r;
}

uint16_t
ui_server_port(const struct ui_server *s)
{
	return s->port;
}

const char *
ui_server_secret(const struct ui_server *s)
{
	return s->secret;
}

/* After the idle time the vault closes: its key is wiped. */
static void
ui_idle_check(struct ui_server *s)
{
	if (s->vault == NULL || s->idle <= 0 ||
	    time(NULL) - s->last < s->idle)
		return;
	vault_close(s->vault);
	s->vault = NULL;
	log_info("ui: no request for %d s: the vault is closed", s->idle);
}

int
ui_server_run(struct ui_server *s, volatile sig_atomic_t *stop)
{
	fd_set			 rs, ws, es;
	struct timeval		 tv;
	MHD_UNSIGNED_LONG_LONG	 ms;
	MHD_socket		 max;

	while (!*stop) {
		FD_ZERO(&rs);
		FD_ZERO(&ws);
		FD_ZERO(&es);
		max = 0;
		if (MHD_get_fdset2(s->mhd, &rs, &ws, &es, &max,
		    FD_SETSIZE) != MHD_YES)
			return CS_ERR_SYSTEM;
		/* at least once a second: the idle lock, a finished sync */
		tv.tv_sec = 1;
		tv.tv_usec = 0;
		if (MHD_get_timeout(s->mhd, &ms) == MHD_YES && ms < 1000) {
			tv.tv_sec = 0;
			tv.tv_usec = (suseconds_t)ms * 1000;
		}
		if (select(max + 1, &rs, &ws, &es, &tv) == -1) {
			if (errno == EINTR)
				continue;
			log_warn("ui: select");
			return CS_ERR_SYSTEM;
		}
		if (MHD_run_from_select(s->mhd, &rs, &ws, &es) != MHD_YES)
			return CS_ERR_SYSTEM;
		ui_sync_reap(s->sync);
		ui_idle_check(s);
	}
	return 0;
}

void
ui_server_free(struct ui_server *s)
{
	if (s == NULL)
		return;
	if (s->mhd != NULL)
		MHD_stop_daemon(s->mhd);
	if (s->fd != -1)
		close(s->fd);
	ui_sync_free(s->sync);		/* waits for a running sync */
	vault_close(s->vault);
	ui_pend_drop(s);
	ui_wipe_free(s->secret);
	ui_wipe_free(s->session);
	ui_wipe_free(s->csrf);
	free(s);
}
