/* SPDX-License-Identifier: ISC */
/*
 * sdb_pg_notify.c - what the casesyncd instances on one PostgreSQL
 * database tell each other (sdb.h: sdb_notify, sdb_listen_*; DESIGN
 * §11).
 *
 * A notification is PostgreSQL's NOTIFY, sent inside the transaction
 * whose effect it announces: the server delivers it when, and only if,
 * that transaction commits, in commit order, to every session that
 * LISTENs on the channel.  So a listener never hears of a change that
 * was rolled back, and never before it is visible to a new statement.
 *
 * Listening takes a connection of its own: the store's connections are
 * busy with requests, and libpq hands over notifications only between
 * commands.  The listener's socket is non-blocking and polled by the
 * caller's event loop.  What it cannot see is a notification sent while
 * it had no connection (the server restarted, a failover): so a
 * (re)connect is reported as such, and the caller treats it as "anything
 * may have changed".  A connection that died without a word (a standby
 * promoted behind a load balancer, a cable) is found by a ping that is
 * not answered in time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "errors.h"
#include "log.h"
#include "sdb.h"

#define LISTEN_ERR_MAX		256
#define LISTEN_CONNECT_SECS	"10"

struct sdb_listen {
	PGconn	*conn;
	char	*conninfo;
	char	 channel[SDB_CHANNEL_MAX + 1];
	int	 ping_out;	/* a ping was sent, its answer not read */
	int64_t	 ping_at;	/* when it was sent, or the connect */
	char	 err[LISTEN_ERR_MAX];
};

/* An identifier NOTIFY and LISTEN take without quoting. */
static int
notify_channel_ok(const char *c)
{
	size_t	i;

	if (c == NULL || c[0] < 'a' || c[0] > 'z')
		return 0;
	for (i = 0; c[i] != '\0'; i++) {
		if (i >= SDB_CHANNEL_MAX)
			return 0;
		if (!((c[i] >= 'a' && c[i] <= 'z') ||
		    (c[i] >= '0' && c[i] <= '9') || c[i] == '_'))
			return 0;
	}
	return 1;
}

/*
 * A payload as sdb.h allows: short and plain, so that what another
 * process (or anyone who may NOTIFY on the database) sends can be
 * logged and parsed without surprises.
 */
static int
notify_payload_ok(const char *p)
{
	size_t	i;

	if (p == NULL || p[0] == '\0')
		return 0;
	for (i = 0; p[i] != '\0'; i++) {
		if (i >= SDB_NOTIFY_MAX)
			return 0;
		if (!((p[i] >= 'a' && p[i] <= 'z') ||
		    (p[i] >= 'A' && p[i] <= 'Z') ||
		    (p[i] >= '0' && p[i] <= '9') || p[i] == '_' ||
		    p[i] == ':' || p[i] == '.' || p[i] == '-'))
			return 0;
	}
	return 1;
}

int
sdb_notify(struct sdb *db, const char *channel, const char *payload)
{
	struct sdb_stmt	*s = NULL;
	int		 r;

	if (!notify_channel_ok(channel) || !notify_payload_ok(payload))
		return CS_ERR_INTERNAL;		/* our own names */
	if (sdb_backend(db) != SDB_POSTGRESQL)
		return 0;
	if ((r = sdb_prepare(db, "SELECT pg_notify(?1, ?2)", &s)) != 0)
		return r;
	if ((r = sdb_bind_text(s, 1, channel, -1)) == 0 &&
	    (r = sdb_bind_text(s, 2, payload, -1)) == 0) {
		if (sdb_in_tx(db))
			/* sent (the values copied), met by the commit */
			r = sdb_put(s);
		else {
			/* outside a transaction: delivered now */
			while ((r = sdb_step(s)) == SDB_ROW)
				;
			if (r == SDB_DONE)
				r = 0;
		}
	}
	sdb_finalize(s);
	return r;
}

static void
listen_seterr(struct sdb_listen *l, const char *what, const char *msg)
{
	size_t	n;

	(void)snprintf(l->err, sizeof(l->err), "%s: %s", what,
	    msg != NULL && msg[0] != '\0' ? msg : "failed");
	n = strlen(l->err);
	while (n > 0 && (l->err[n - 1] == '\n' || l->err[n - 1] == ' '))
		l->err[--n] = '\0';
}

static void
listen_notice(void *arg, const char *msg)
{
	(void)arg;
	(void)msg;
}

int
sdb_listen_new(const char *spec, const char *channel,
    struct sdb_listen **out)
{
	static const char	 pg[] = "postgresql:";
	struct sdb_listen	*l;

	*out = NULL;
	if (spec == NULL || strncmp(spec, pg, sizeof(pg) - 1) != 0 ||
	    !notify_channel_ok(channel))
		return CS_ERR_FORMAT;
	if ((l = calloc(1, sizeof(*l))) == NULL)
		return CS_ERR_ALLOC;
	if ((l->conninfo = strdup(spec + sizeof(pg) - 1)) == NULL) {
		free(l);
		return CS_ERR_ALLOC;
	}
	memcpy(l->channel, channel, strlen(channel) + 1);
	*out = l;
	return 0;
}

static void
listen_drop(struct sdb_listen *l)
{
	PQfinish(l->conn);	/* NULL is a no-op */
	l->conn = NULL;
	l->ping_out = 0;
}

void
sdb_listen_free(struct sdb_listen *l)
{
	if (l == NULL)
		return;
	listen_drop(l);
	/* it may hold a password */
	explicit_bzero(l->conninfo, strlen(l->conninfo));
	free(l->conninfo);
	free(l);
}

int
sdb_listen_connect(struct sdb_listen *l)
{
	/*
	 * Ours first: the connection string (expanded from "dbname")
	 * overrides them where it says otherwise.
	 */
	const char *const	 keys[] = { "connect_timeout",
				    "application_name", "dbname", NULL };
	const char *const	 vals[] = { LISTEN_CONNECT_SECS,
				    "casesyncd-listen", l->conninfo, NULL };
	PGresult		*res;
	char			 sql[16 + SDB_CHANNEL_MAX];

	listen_drop(l);
	if ((l->conn = PQconnectdbParams(keys, vals, 1)) == NULL) {
		listen_seterr(l, "connect", "out of memory");
		return CS_ERR_RETRY;
	}
	if (PQstatus(l->conn) != CONNECTION_OK) {
		listen_seterr(l, "connect", PQerrorMessage(l->conn));
		goto fail;
	}
	(void)PQsetNoticeProcessor(l->conn, listen_notice, NULL);
	/* the channel is an identifier (checked): no quoting needed */
	(void)snprintf(sql, sizeof(sql), "LISTEN %s", l->channel);
	res = PQexec(l->conn, sql);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		listen_seterr(l, "listen", PQerrorMessage(l->conn));
		PQclear(res);
		goto fail;
	}
	PQclear(res);
	if (PQsetnonblocking(l->conn, 1) != 0) {
		listen_seterr(l, "non-blocking", PQerrorMessage(l->conn));
		goto fail;
	}
	l->ping_out = 0;
	l->ping_at = 0;		/* the first tick pings */
	l->err[0] = '\0';
	return 0;
 fail:
	listen_drop(l);
	return CS_ERR_RETRY;
}

int
sdb_listen_fd(const struct sdb_listen *l)
{
	return l->conn != NULL ? PQsocket(l->conn) : -1;
}

/* The connection is gone: say why, drop it. */
static int
listen_lost(struct sdb_listen *l, const char *what)
{
	listen_seterr(l, what, l->conn != NULL ? PQerrorMessage(l->conn) :
	    "not connected");
	listen_drop(l);
	return CS_ERR_RETRY;
}

/* The answers to our pings; an error among them loses the connection. */
static int
listen_results(struct sdb_listen *l)
{
	PGresult	*res;
	int		 bad = 0;

	while (!PQisBusy(l->conn)) {
		if ((res = PQgetResult(l->conn)) == NULL) {
			l->ping_out = 0;	/* answered in full */
			break;
		}
		if (PQresultStatus(res) != PGRES_TUPLES_OK)
			bad = 1;
		PQclear(res);
	}
	return bad ? listen_lost(l, "ping") : 0;
}

int
sdb_listen_read(struct sdb_listen *l,
    void (*cb)(const char *payload, void *arg), void *arg)
{
	PGnotify	*n;
	int		 r;

	if (l->conn == NULL)
		return CS_ERR_RETRY;
	if (PQconsumeInput(l->conn) == 0 || PQstatus(l->conn) != CONNECTION_OK)
		return listen_lost(l, "read");
	if (l->ping_out && (r = listen_results(l)) != 0)
		return r;
	while ((n = PQnotifies(l->conn)) != NULL) {
		if (strcmp(n->relname, l->channel) != 0)
			;	/* not ours: we LISTEN on one channel */
		else if (!notify_payload_ok(n->extra))
			log_warnx("store: notification from server process %d"
			    " dropped: malformed payload", n->be_pid);
		else
			cb(n->extra, arg);
		PQfreemem(n);
	}
	return 0;
}

int
sdb_listen_tick(struct sdb_listen *l, int64_t now_ms)
{
	if (l->conn == NULL)
		return CS_ERR_RETRY;
	if (l->ping_out) {
		if (now_ms - l->ping_at >= SDB_LISTEN_PING_MS)
			return listen_lost(l, "ping not answered");
		if (PQflush(l->conn) == -1)
			return listen_lost(l, "ping");
		return 0;
	}
	if (l->ping_at != 0 && now_ms - l->ping_at < SDB_LISTEN_PING_MS)
		return 0;
	if (PQsendQuery(l->conn, "SELECT 1") == 0 || PQflush(l->conn) == -1)
		return listen_lost(l, "ping");
	l->ping_out = 1;
	l->ping_at = now_ms;
	return 0;
}

const char *
sdb_listen_errmsg(const struct sdb_listen *l)
{
	return l->err[0] != '\0' ? l->err : "no error";
}
