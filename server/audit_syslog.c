/* SPDX-License-Identifier: ISC */
/*
 * audit_syslog.c - audit entries to syslog (audit_syslog.h): the RFC
 * 5424 message and the thread that follows the committed log.
 *
 * Following the database rather than hooking the appends: an entry is
 * read only once committed (a rolled-back push never reaches syslog),
 * the entries casesyncctl writes while the server runs are sent too,
 * and the workers never wait for syslog, not even for a send(2): the
 * thread is the only one that touches the socket.  The socket is not
 * connected (connect is not in the sandbox's allow-list, and a
 * connected datagram socket stays dead after syslog restarts): each
 * message is a sendto(2) to the path, MSG_DONTWAIT.
 *
 * Several instances on one PostgreSQL database share one position in
 * the log (meta 'audit_syslog_sent'): an instance claims the entries
 * after it with a compare-and-set, then sends them, so each entry goes
 * to syslog once, from whichever instance claimed it.  An instance
 * killed between its claim and its sends loses that batch (at most
 * AUDIT_SYSLOG_BATCH entries): the feed is at most once, as a syslog
 * that does not take an entry loses it too.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "audit_syslog.h"
#include "config.h"
#include "errors.h"
#include "log.h"
#include "merkle.h"
#include "metrics.h"
#include "store.h"
#include "store_audit.h"
#include "store_audit_q.h"
#include "util.h"

#define AUDIT_SYSLOG_POLL_MS	200	/* how soon a commit is seen */
#define AUDIT_SYSLOG_BATCH	512	/* entries read per pass */
#define AUDIT_SYSLOG_MORE	1	/* the callback's "batch full" */
/*
 * At its start an instance on PostgreSQL sends from the shared position
 * on, unless the first entry not sent is older than this (no instance
 * ran the feed meanwhile): then from its start, as on SQLite.
 */
#define AUDIT_SYSLOG_STALE	3600	/* seconds */
/*
 * A full receive queue (EAGAIN: syslog is slower than a burst; a Unix
 * datagram socket queues few messages) is waited out this often, this
 * long each, before the entry counts as dropped: only this thread
 * waits, and only while syslog was taking entries before.
 */
#define AUDIT_SYSLOG_RETRIES	100
#define AUDIT_SYSLOG_RETRY_MS	10

struct audit_syslog {
	struct store		*st;
	int			 fd;		/* AF_UNIX, SOCK_DGRAM */
	int			 wake[2];	/* pipe: stop */
	struct sockaddr_un	 to;
	char			 path[sizeof(((struct sockaddr_un *)0)->sun_path)
			    ];
	char			 host[256];
	long			 pid;
	int64_t			 last;	/* idx handled; -1: none */
	int			 shared;	/* the position is in meta */
	struct merkle_frontier	*f;
	size_t			 nbatch;
	int			 failing;	/* the last send failed */
	int			 started;
	pthread_t		 thread;
	char			 msg[AUDIT_SYSLOG_MSG_MAX];
};

/* Append "s" to dst at *off; with "esc", as an RFC 5424 PARAM-VALUE. */
static int
audit_syslog_put(char *dst, size_t dstlen, size_t *off, const char *s,
    int esc)
{
	for (; *s != '\0'; s++) {
		/* §6.3.3: '"', '\' and ']' are escaped with '\' */
		if (esc && (*s == '"' || *s == '\\' || *s == ']')) {
			if (dstlen - *off < 2)
				return CS_ERR_TOO_LARGE;
			dst[(*off)++] = '\\';
		}
		if (dstlen - *off < 2)		/* and the NUL */
			return CS_ERR_TOO_LARGE;
		dst[(*off)++] = *s;
	}
	dst[*off] = '\0';
	return 0;
}

/* PARAM-NAME="value", unless the value is empty. */
static int
audit_syslog_param(char *dst, size_t dstlen, size_t *off, const char *name,
    const char *v)
{
	int	r;

	if (v[0] == '\0')
		return 0;
	if ((r = audit_syslog_put(dst, dstlen, off, " ", 0)) != 0 ||
	    (r = audit_syslog_put(dst, dstlen, off, name, 0)) != 0 ||
	    (r = audit_syslog_put(dst, dstlen, off, "=\"", 0)) != 0 ||
	    (r = audit_syslog_put(dst, dstlen, off, v, 1)) != 0)
		return r;
	return audit_syslog_put(dst, dstlen, off, "\"", 0);
}

/* An integer parameter, left out when zero ("not known"), except idx. */
static int
audit_syslog_int(char *dst, size_t dstlen, size_t *off, const char *name,
    int64_t v, int always)
{
	char	num[24];

	if (v == 0 && !always)
		return 0;
	(void)str_fmt(num, sizeof(num), "%lld", (long long)v);
	return audit_syslog_param(dst, dstlen, off, name, num);
}

/* RFC 5424 HOSTNAME / APP-NAME: PRINTUSASCII (33..126), else "-". */
static const char *
audit_syslog_token(const char *s, size_t max)
{
	size_t	i;

	for (i = 0; s[i] != '\0'; i++)
		if (i >= max || (unsigned char)s[i] < 33 ||
		    (unsigned char)s[i] > 126)
			return "-";
	return i == 0 ? "-" : s;
}

int
audit_syslog_format(const struct audit_entry *e, const char *host,
    const char *app, long pid, char *dst, size_t dstlen, size_t *len)
{
	struct tm	tm;
	time_t		t = (time_t)e->server_time;
	char		head[512], ts[32], action[2] = { e->action, '\0' };
	size_t		off = 0;
	int		pri, r;

	*len = 0;
	if (dstlen == 0)
		return CS_ERR_TOO_LARGE;
	dst[0] = '\0';
	/* a refusal is a warning, anything else a notice */
	pri = AUDIT_SYSLOG_FACILITY * 8 +
	    (strcmp(e->outcome, "success") == 0 ? 5 : 4);
	if (gmtime_r(&t, &tm) == NULL ||
	    strftime(ts, sizeof(ts), "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		(void)str_fmt(ts, sizeof(ts), "-");
	if (str_fmt(head, sizeof(head), "<%d>1 %s %s %s %ld audit [%s",
	    pri, ts, audit_syslog_token(host, 255),
	    audit_syslog_token(app, 48), pid, AUDIT_SYSLOG_SDID) != 0)
		return CS_ERR_TOO_LARGE;
	if ((r = audit_syslog_put(dst, dstlen, &off, head, 0)) != 0 ||
	    (r = audit_syslog_int(dst, dstlen, &off, "idx", e->idx, 1)) != 0 ||
	    (r = audit_syslog_int(dst, dstlen, &off, "server_time",
	    e->server_time, 1)) != 0 ||
	    (r = audit_syslog_int(dst, dstlen, &off, "device_time",
	    e->device_time, 0)) != 0 ||
	    (r = audit_syslog_param(dst, dstlen, &off, "type", e->type)) != 0 ||
	    (r = audit_syslog_param(dst, dstlen, &off, "action",
	    action)) != 0 ||
	    (r = audit_syslog_param(dst, dstlen, &off, "outcome",
	    e->outcome)) != 0 ||
	    (r = audit_syslog_int(dst, dstlen, &off, "user_id", e->user_id,
	    0)) != 0 ||
	    (r = audit_syslog_param(dst, dstlen, &off, "user", e->user)) != 0 ||
	    (r = audit_syslog_param(dst, dstlen, &off, "role", e->role)) != 0 ||
	    (r = audit_syslog_param(dst, dstlen, &off, "office",
	    e->office)) != 0 ||
	    (r = audit_syslog_param(dst, dstlen, &off, "on_behalf_of",
	    e->on_behalf_of)) != 0 ||
	    (r = audit_syslog_param(dst, dstlen, &off, "purpose",
	    e->purpose)) != 0 ||
	    (r = audit_syslog_param(dst, dstlen, &off, "basis",
	    e->basis)) != 0 ||
	    (r = audit_syslog_param(dst, dstlen, &off, "legal_basis",
	    e->legal_basis)) != 0 ||
	    (r = audit_syslog_param(dst, dstlen, &off, "client_ref",
	    e->client_ref)) != 0 ||
	    (r = audit_syslog_param(dst, dstlen, &off, "object_type",
	    e->object_type)) != 0 ||
	    (r = audit_syslog_param(dst, dstlen, &off, "object_id",
	    e->object_id)) != 0 ||
	    (r = audit_syslog_int(dst, dstlen, &off, "device_id",
	    e->device_id, 0)) != 0 ||
	    (r = audit_syslog_param(dst, dstlen, &off, "addr", e->addr)) != 0 ||
	    (r = audit_syslog_param(dst, dstlen, &off, "detail",
	    e->detail)) != 0 ||
	    (r = audit_syslog_put(dst, dstlen, &off, "] casesync audit entry ",
	    0)) != 0)
		goto out;
	/* MSG: plain ASCII, for a reader that ignores structured data */
	if (str_fmt(head, sizeof(head), "%lld: %s %s", (long long)e->idx,
	    audit_syslog_token(e->type, AUDIT_STR_MAX),
	    audit_syslog_token(e->outcome, AUDIT_STR_MAX)) != 0) {
		r = CS_ERR_TOO_LARGE;
		goto out;
	}
	if ((r = audit_syslog_put(dst, dstlen, &off, head, 0)) != 0)
		goto out;
	*len = off;
 out:
	if (r != 0)
		dst[0] = '\0';
	return r;
}

/*
 * as->msg[0..len) to the socket: 1 sent, else 0 and *err.  A full
 * queue is waited out (AUDIT_SYSLOG_RETRIES) unless sends are failing
 * already.
 */
static int
audit_syslog_sendto(struct audit_syslog *as, size_t len, int *err)
{
	int	i;

	for (i = 0;; i++) {
		if (sendto(as->fd, as->msg, len, MSG_DONTWAIT | MSG_NOSIGNAL,
		    (struct sockaddr *)&as->to, sizeof(as->to)) ==
		    (ssize_t)len)
			return 1;
		*err = errno;
		if ((*err != EAGAIN && *err != EWOULDBLOCK &&
		    *err != ENOBUFS) || as->failing ||
		    i >= AUDIT_SYSLOG_RETRIES)
			return 0;
		(void)poll(NULL, 0, AUDIT_SYSLOG_RETRY_MS);
	}
}

/*
 * One entry: format and send; a full queue is waited out for a while
 * (this thread only), then the entry is counted as dropped.
 */
static int
audit_syslog_send(const struct audit_entry *e, const uint8_t *leaf,
    void *arg)
{
	struct audit_syslog	*as = arg;
	size_t			 len;
	int			 ok = 0, err = 0;

	(void)leaf;
	as->last = e->idx;
	if (audit_syslog_format(e, as->host, "casesyncd", as->pid, as->msg,
	    sizeof(as->msg), &len) != 0)
		err = EMSGSIZE;
	else
		ok = audit_syslog_sendto(as, len, &err);
	metrics_audit_syslog(ok);
	if (!ok && !as->failing)
		log_warnx("audit_syslog: %s: %s: entries from %lld on are "
		    "dropped (counted) until it takes them again", as->path,
		    strerror(err), (long long)e->idx);
	else if (ok && as->failing)
		log_info("audit_syslog: %s takes entries again from %lld on",
		    as->path, (long long)e->idx);
	as->failing = !ok;
	return ++as->nbatch < AUDIT_SYSLOG_BATCH ? 0 : AUDIT_SYSLOG_MORE;
}

/*
 * PostgreSQL: claim the next batch after the shared position and send
 * it, until nothing is left; a batch another instance claimed first is
 * its to send.
 */
static int
audit_syslog_pass_shared(struct audit_syslog *as)
{
	int64_t	pos, head, to;
	int	won, r;

	for (;;) {
		if ((r = store_audit_feed_get(as->st, 0, 0, &pos)) != 0 ||
		    (r = store_audit_state(as->st, as->f)) != 0)
			return r;
		head = (int64_t)as->f->size - 1;
		if (pos >= head)
			return 0;
		to = head - pos > AUDIT_SYSLOG_BATCH ?
		    pos + AUDIT_SYSLOG_BATCH : head;
		if ((r = store_audit_feed_claim(as->st, pos, to, &won)) != 0)
			return r;
		if (!won)
			continue;
		as->nbatch = 0;
		r = store_audit_rows_range(as->st, NULL, pos, to + 1,
		    audit_syslog_send, as);
		if (r != 0 && r != AUDIT_SYSLOG_MORE)
			return r;
	}
}

/* Send what is committed after as->last, in batches. */
static void
audit_syslog_pass(struct audit_syslog *as)
{
	int	r;

	if (as->shared) {
		if ((r = audit_syslog_pass_shared(as)) != 0)
			log_warnx("audit_syslog: reading the log after %lld: "
			    "%s", (long long)as->last, cs_err(r));
		return;
	}
	do {
		as->nbatch = 0;
		r = store_audit_rows_after(as->st, NULL, as->last,
		    audit_syslog_send, as);
	} while (r == AUDIT_SYSLOG_MORE);
	if (r != 0)
		log_warnx("audit_syslog: reading the log after %lld: %s",
		    (long long)as->last, cs_err(r));
}

static void *
audit_syslog_main(void *arg)
{
	struct audit_syslog	*as = arg;
	struct pollfd		 pfd;
	int			 n;

	pfd.fd = as->wake[0];
	pfd.events = POLLIN;
	for (;;) {
		audit_syslog_pass(as);
		if ((n = poll(&pfd, 1, AUDIT_SYSLOG_POLL_MS)) > 0)
			break;
		if (n == -1 && errno != EINTR) {
			log_warn("audit_syslog: poll");
			break;
		}
	}
	audit_syslog_pass(as);	/* what the workers committed last */
	return NULL;
}

static void
audit_syslog_free(struct audit_syslog *as)
{
	if (as == NULL)
		return;
	if (as->fd != -1)
		close(as->fd);
	if (as->wake[0] != -1)
		close(as->wake[0]);
	if (as->wake[1] != -1)
		close(as->wake[1]);
	store_close(as->st);
	free(as->f);
	free(as);
}

static int
audit_syslog_time_cb(const struct audit_entry *e, const uint8_t *leaf,
    void *arg)
{
	(void)leaf;
	*(int64_t *)arg = e->server_time;
	return 0;
}

/*
 * PostgreSQL: the shared position, made at the head if there is none;
 * if the first entry after it is older than AUDIT_SYSLOG_STALE, the
 * head instead (the entries skipped are said).
 */
static int
audit_syslog_share(struct audit_syslog *as, int64_t head)
{
	int64_t	pos, t = 0;
	int	won, r;

	if ((r = store_audit_feed_get(as->st, 1, head, &pos)) != 0)
		return r;
	if (pos < head) {
		if ((r = store_audit_rows_range(as->st, NULL, pos, pos + 2,
		    audit_syslog_time_cb, &t)) != 0)
			return r;
		if (time_now() - t > AUDIT_SYSLOG_STALE &&
		    (r = store_audit_feed_claim(as->st, pos, head,
		    &won)) == 0 && won) {
			log_warnx("audit_syslog: entries %lld to %lld were "
			    "committed while no instance sent them: not sent "
			    "(casesyncctl audit query --after %lld)",
			    (long long)pos + 1, (long long)head,
			    (long long)pos);
			pos = head;
		}
		if (r != 0)
			return r;
	}
	as->last = pos;
	as->shared = 1;
	return 0;
}

int
audit_syslog_init(const struct config *cfg, const char *db,
    struct audit_syslog **out)
{
	struct audit_syslog	*as;
	struct merkle_frontier	*f = NULL;
	int			 r;

	*out = NULL;
	if (!cfg->audit_syslog)
		return 0;
	if ((as = calloc(1, sizeof(*as))) == NULL)
		return CS_ERR_ALLOC;
	as->fd = as->wake[0] = as->wake[1] = -1;
	as->pid = (long)getpid();
	as->to.sun_family = AF_UNIX;
	if (str_fmt(as->to.sun_path, sizeof(as->to.sun_path), "%s",
	    cfg->audit_syslog_socket) != 0 ||
	    str_fmt(as->path, sizeof(as->path), "%s",
	    cfg->audit_syslog_socket) != 0) {
		r = CS_ERR_CONFIG;
		goto out;
	}
	if (gethostname(as->host, sizeof(as->host) - 1) != 0)
		as->host[0] = '\0';
	if ((f = calloc(1, sizeof(*f))) == NULL) {
		r = CS_ERR_ALLOC;
		goto out;
	}
	if ((r = store_open(db, 0, &as->st)) != 0 ||
	    (r = store_audit_state(as->st, f)) != 0) {
		log_warnx("audit_syslog: %s: %s", store_spec_pg(db) ?
		    "postgresql" : db, cs_why(r));
		goto out;
	}
	as->last = (int64_t)f->size - 1;
	if (store_is_pg(as->st) &&
	    (r = audit_syslog_share(as, as->last)) != 0) {
		log_warnx("audit_syslog: the shared position: %s", cs_why(r));
		goto out;
	}
	if ((as->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) == -1 || pipe2(as->wake, O_CLOEXEC) == -1) {
		log_warn("audit_syslog: socket");
		r = CS_ERR_SYSTEM;
		goto out;
	}
	as->f = f;
	f = NULL;
	*out = as;
	as = NULL;	/* transferred */
	r = 0;
 out:
	free(f);
	audit_syslog_free(as);
	return r;
}

int
audit_syslog_start(struct audit_syslog *as)
{
	if (as == NULL)
		return 0;
	if (pthread_create(&as->thread, NULL, audit_syslog_main, as) != 0)
		return CS_ERR_SYSTEM;
	as->started = 1;
	return 0;
}

void
audit_syslog_stop(struct audit_syslog *as)
{
	if (as == NULL)
		return;
	if (as->started) {
		if (write(as->wake[1], "x", 1) != 1) {
			/* the thread runs on: leave it its memory */
			log_warn("audit_syslog: stop");
			return;
		}
		(void)pthread_join(as->thread, NULL);
	}
	audit_syslog_free(as);
}
