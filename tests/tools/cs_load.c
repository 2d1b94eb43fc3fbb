/* SPDX-License-Identifier: ISC */
/*
 * cs_load.c - load generator for casesyncd: many connections from one
 * process, non-blocking sockets and non-blocking OpenSSL on one epoll
 * loop, speaking the real protocol (TLS 1.3 with a device certificate,
 * Hello -> Welcome, Push, Pull).  Bounded in connections and time.
 *
 * Modes:
 *   enroll TOKENS  one device per line of the file TOKENS: a key made
 *                  here, the real enrollment (EnrollRequest with a CSR),
 *                  then, with the new certificate, a CaseCreate of the
 *                  device's own case; each identity is written to
 *                  DIR/dev-NNNNN.pem ("case UUID", key, certificate)
 *   run            -c clients, each doing sync sessions for -t seconds
 *                  (at -r sessions/s in total, or back to back): a
 *                  session is what "casesync sync" does with one small
 *                  change queued: TCP connect, full TLS handshake,
 *                  Hello, Push of one new record (it must be applied),
 *                  Pull until "more" is false (it must have been read
 *                  after the push), close.
 *                  With -k the connection stays open between sessions.
 *                  With -H each Hello states a sync counter that goes
 *                  up, as casesync's does (the server records it:
 *                  rollback detection); without it, none (the server
 *                  only reads the device's lock).
 *   connect        connect, full handshake, Hello -> Welcome, close:
 *                  authenticated connections per second
 *   idle           -c connections that say Hello and then stay idle,
 *                  for -t seconds or until SIGTERM; prints "held N"
 *                  once all are up (to measure the server's memory);
 *                  with -S, when the -t seconds are over and every
 *                  connection is held (within -T more), each held
 *                  connection then does one sync session (Push, Pull)
 *                  on that same connection: connections the server
 *                  has kept idle (and released the buffers of) must
 *                  still work
 *
 * Each device's pull cursor is kept in DIR/dev-NNNNN.cursor from one run
 * to the next, as a laptop keeps it, so a run does not pull the history
 * of the runs before it.
 *
 * The report's cpu_ms is this process's own CPU time (user + system)
 * from the start of the run: the load generator shares the machine
 * with the server, and what it spends is not there for the server.
 *
 * Latency is measured from the session's scheduled start (with -r, so
 * a server that falls behind shows it) or its actual start.  One line
 * of "name value" pairs on stdout reports the run; errors are counted
 * by kind.  Exit status: 0 if no session failed, 1 otherwise, 2 usage.
 */
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include <netinet/in.h>
#include <netinet/tcp.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <sodium.h>

#include "buf.h"
#include "conn.h"
#include "errors.h"
#include "frame.h"
#include "log.h"
#include "pki.h"
#include "tlsio.h"
#include "transport.h"
#include "util.h"
#include "wire.h"

#define LOAD_CONNS_MAX		15000
#define LOAD_SECONDS_MAX	3600
#define LOAD_BODY_MAX		(64 * 1024)
#define LOAD_IN_MAX		(FRAME_HDR_LEN + FRAME_MAX_DEFAULT)
#define LOAD_OUT_MAX		(FRAME_HDR_LEN + 2 * LOAD_BODY_MAX)
#define LOAD_LAT_MAX		(8 * 1024 * 1024)	/* latencies kept */
#define LOAD_ID_FILE_MAX	(3 * PKI_PEM_MAX)
#define LOAD_MAX_EVENTS		256
#define LOAD_SCAN_US		100000	/* look at timers at least this often */
#define LOAD_PULL_RECORDS	1000

enum load_mode {
	MODE_ENROLL,
	MODE_RUN,
	MODE_CONNECT,
	MODE_IDLE,
};

enum cl_state {
	CL_WAIT,		/* until sched_us */
	CL_CONNECTING,
	CL_TLS,
	CL_HELLO,		/* Hello sent */
	CL_ENROLL,
	CL_CASE,
	CL_PUSH,
	CL_PULL,
	CL_HELD,		/* idle mode: connected, quiet */
	CL_DONE,		/* no more sessions */
};

enum load_err {
	E_CONNECT,
	E_TLS,
	E_CLOSED,
	E_TIMEOUT,
	E_REFUSED,		/* the server answered with an Error */
	E_PROTOCOL,		/* unexpected reply, change not applied... */
	E_LOCAL,		/* our own resources */
	E_N
};

static const char	*load_err_name[E_N] = {
	"err_connect", "err_tls", "err_closed", "err_timeout", "err_refused",
	"err_protocol", "err_local",
};

struct ident {
	EVP_PKEY	*key;
	X509		*cert;		/* NULL until enrolled */
	char		 case_id[WIRE_UUID_LEN + 1];
	char		 token[WIRE_TOKEN_MAX + 1];	/* enroll mode */
	uint64_t	 since, since_tie;	/* cursor of the last run */
};

struct client {
	struct load	*ld;
	unsigned	 idx;
	struct ident	*id;
	int		 fd;
	SSL		*ssl;
	enum cl_state	 state;
	uint32_t	 events;	/* registered with epoll */
	int		 want_write;
	int		 ready;		/* Welcome received */
	struct buf	*in;
	struct buf	*out;
	uint32_t	 next_id;
	uint32_t	 want_id;
	int64_t		 sched_us;	/* this session should start */
	int64_t		 start_us;
	int64_t		 deadline_us;
	uint64_t	 since, since_tie;
	char		 rec_id[WIRE_UUID_LEN + 1];
	uint64_t	 push_ver;	/* version the server gave our change */
};

struct load {
	enum load_mode	 mode;
	unsigned	 conns;
	unsigned	 seconds;
	double		 rate;		/* sessions/s in total; 0: no pacing */
	int		 keep;
	int		 counter;	/* -H: Hello states a sync counter */
	int		 sync_after;	/* idle -S */
	int		 syncing;	/* ... and the sessions have begun */
	int		 timeout_ms;
	const char	*dir;
	char		 server_name[256];	/* to verify */
	struct sockaddr_storage sa;
	socklen_t	 salen;
	SSL_CTX		*ctx;
	int		 epfd;
	struct client	*cl;
	struct ident	*ids;
	unsigned	 nids;
	uint8_t		*body;
	size_t		 body_len;
	int64_t		 t0_us, end_us, last_us, next_scan_us;
	int64_t		 cpu0_us;	/* our CPU time at t0_us */
	unsigned	 held;
	int		 held_said;
	uint64_t	 sessions, pushed, pulled, late, lost;
	uint64_t	 err[E_N];
	uint32_t	*lat;
	size_t		 nlat, caplat;
};

static volatile sig_atomic_t	load_stop;

static void	client_io(struct client *);

static void
usage(void)
{
	fprintf(stderr, "usage: cs_load -s host:port -C ca.pem [-n name] "
	    "-d dir [-c conns] [-t secs]\n"
	    "               [-r sessions/s] [-b body-bytes] [-k] [-H] "
	    "[-T timeout-ms] [-S] mode\n"
	    "modes: enroll TOKENFILE | run | connect | idle\n");
	exit(2);
}

static void
load_sig(int sig)
{
	(void)sig;
	load_stop = 1;
}

static int64_t
now_us(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void
load_uuid(char out[WIRE_UUID_LEN + 1])
{
	static const char	hex[] = "0123456789abcdef";
	uint8_t			u[16];
	size_t			i, o = 0;

	randombytes_buf(u, sizeof(u));
	u[6] = (u[6] & 0x0f) | 0x40;	/* version 4 */
	u[8] = (u[8] & 0x3f) | 0x80;	/* RFC 4122 variant */
	for (i = 0; i < 16; i++) {
		if (i == 4 || i == 6 || i == 8 || i == 10)
			out[o++] = '-';
		out[o++] = hex[u[i] >> 4];
		out[o++] = hex[u[i] & 15];
	}
	out[o] = '\0';
}

/* Identity files: "case UUID\n", the key PEM, the certificate PEM. */
static int
ident_path(const struct load *ld, unsigned i, char *dst, size_t len)
{
	return str_fmt(dst, len, "%s/dev-%05u.pem", ld->dir, i);
}

static int
ident_save(const struct load *ld, unsigned i, const struct ident *id)
{
	char	 path[1100], head[64];
	char	*kpem = NULL, *cpem = NULL;
	size_t	 klen, clen;
	int	 fd = -1, r;

	if ((r = ident_path(ld, i, path, sizeof(path))) != 0 ||
	    (r = str_fmt(head, sizeof(head), "case %s\n", id->case_id)) != 0 ||
	    (r = pki_key_to_pem(id->key, &kpem, &klen)) != 0 ||
	    (r = pki_cert_to_pem(id->cert, &cpem, &clen)) != 0)
		goto out;
	r = CS_ERR_SYSTEM;
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600)) == -1) {
		log_warn("%s", path);
		goto out;
	}
	if (write(fd, head, strlen(head)) != (ssize_t)strlen(head) ||
	    write(fd, kpem, klen) != (ssize_t)klen ||
	    write(fd, cpem, clen) != (ssize_t)clen) {
		log_warn("%s", path);
		goto out;
	}
	r = 0;
 out:
	if (fd != -1 && close(fd) == -1 && r == 0)
		r = CS_ERR_SYSTEM;
	pki_pem_free(kpem);
	free(cpem);
	return r;
}

static int
ident_load(const struct load *ld, unsigned i, struct ident *id)
{
	static const char	 cmark[] = "-----BEGIN CERTIFICATE-----";
	struct buf		*b = NULL;
	const char		*p, *nl, *cert;
	char			 path[1100];
	size_t			 len;
	int			 r;

	memset(id, 0, sizeof(*id));
	if ((r = ident_path(ld, i, path, sizeof(path))) != 0 ||
	    (r = file_read(path, LOAD_ID_FILE_MAX, &b)) != 0)
		return r;
	p = (const char *)buf_ptr(b);
	len = buf_len(b);
	r = CS_ERR_FORMAT;
	if (len < 5 + WIRE_UUID_LEN + 1 || memcmp(p, "case ", 5) != 0 ||
	    (nl = memchr(p, '\n', len)) == NULL ||
	    nl - p != 5 + WIRE_UUID_LEN)
		goto out;
	memcpy(id->case_id, p + 5, WIRE_UUID_LEN);
	id->case_id[WIRE_UUID_LEN] = '\0';
	if (!wire_uuid_ok(id->case_id) ||
	    (cert = memmem(p, len, cmark, sizeof(cmark) - 1)) == NULL)
		goto out;
	if ((r = pki_key_from_pem(nl + 1, (size_t)(cert - nl - 1),
	    &id->key)) != 0 ||
	    (r = pki_cert_from_pem(cert, len - (size_t)(cert - p),
	    &id->cert)) != 0)
		goto out;
	if (X509_check_private_key(id->cert, id->key) != 1) {
		r = CS_ERR_FORMAT;
		goto out;
	}
	r = 0;
 out:
	if (r != 0) {
		log_warnx("%s: %s", path, cs_err(r));
		EVP_PKEY_free(id->key);
		X509_free(id->cert);
		memset(id, 0, sizeof(*id));
	}
	ERR_clear_error();
	buf_free_wipe(b);
	return r;
}

/* Enroll mode: one fresh key per token line. */
static int
load_tokens(struct load *ld, const char *path)
{
	FILE	*f;
	char	 line[256];
	size_t	 n;
	int	 r = 0;

	if ((f = fopen(path, "r")) == NULL) {
		log_warn("%s", path);
		return CS_ERR_SYSTEM;
	}
	while (r == 0 && fgets(line, sizeof(line), f) != NULL) {
		n = strcspn(line, "\r\n");
		line[n] = '\0';
		if (n == 0)
			continue;
		if (n > WIRE_TOKEN_MAX || ld->nids >= LOAD_CONNS_MAX) {
			r = CS_ERR_FORMAT;
			break;
		}
		memcpy(ld->ids[ld->nids].token, line, n + 1);
		r = pki_key_new(&ld->ids[ld->nids].key);
		ld->nids++;
	}
	if (ferror(f))
		r = CS_ERR_SYSTEM;
	fclose(f);
	sodium_memzero(line, sizeof(line));
	if (r == 0 && ld->nids == 0)
		r = CS_ERR_FORMAT;
	return r;
}

/*
 * The pull cursor a device reached in the last run ("SINCE TIE" in
 * DIR/dev-NNNNN.cursor), so that, like a laptop, it does not pull its
 * history again; none yet is (0, 0).
 */
static int
cursor_load(const struct load *ld, unsigned i, struct ident *id)
{
	char	 path[1100], line[64], *sp;
	FILE	*f;
	int	 r = CS_ERR_FORMAT;

	if (str_fmt(path, sizeof(path), "%s/dev-%05u.cursor", ld->dir,
	    i) != 0)
		return CS_ERR_FORMAT;
	if ((f = fopen(path, "r")) == NULL)
		return errno == ENOENT ? 0 : CS_ERR_SYSTEM;
	if (fgets(line, sizeof(line), f) != NULL &&
	    (sp = strchr(line, ' ')) != NULL) {
		*sp++ = '\0';
		sp[strcspn(sp, "\n")] = '\0';
		if (parse_u64(line, 0, INT64_MAX, &id->since) == 0 &&
		    parse_u64(sp, 0, INT64_MAX, &id->since_tie) == 0)
			r = 0;
	}
	fclose(f);
	if (r != 0)
		log_warnx("%s: not a cursor", path);
	return r;
}

static int
cursor_save(const struct load *ld, unsigned i, const struct client *c)
{
	char	 path[1100];
	FILE	*f;
	int	 r = 0;

	if (str_fmt(path, sizeof(path), "%s/dev-%05u.cursor", ld->dir,
	    i) != 0)
		return CS_ERR_FORMAT;
	if ((f = fopen(path, "w")) == NULL) {
		log_warn("%s", path);
		return CS_ERR_SYSTEM;
	}
	if (fprintf(f, "%llu %llu\n", (unsigned long long)c->since,
	    (unsigned long long)c->since_tie) < 0)
		r = CS_ERR_SYSTEM;
	if (fclose(f) != 0)
		r = CS_ERR_SYSTEM;
	return r;
}

static int
load_idents(struct load *ld)
{
	struct stat	st;
	char		path[1100];
	unsigned	i;
	int		r;

	for (i = 0; i < ld->conns && i < LOAD_CONNS_MAX; i++) {
		if ((r = ident_path(ld, i, path, sizeof(path))) != 0)
			return r;
		if (stat(path, &st) == -1)
			break;
		if ((r = ident_load(ld, i, &ld->ids[i])) != 0 ||
		    (r = cursor_load(ld, i, &ld->ids[i])) != 0)
			return r;
		ld->nids++;
	}
	if (ld->nids == 0) {
		log_warnx("no identities in %s (run the enroll mode)", ld->dir);
		return CS_ERR_NOT_FOUND;
	}
	if (ld->nids < ld->conns)
		log_warnx("%u connections share %u identities", ld->conns,
		    ld->nids);
	return 0;
}

static int
load_resolve(struct load *ld, const char *server)
{
	struct addrinfo	 hints, *res = NULL, *ai;
	char		 host[256], port[16];
	int		 e;

	if (conn_split(server, host, sizeof(host), port, sizeof(port)) != 0)
		return CS_ERR_USAGE;
	if (ld->server_name[0] == '\0')
		memcpy(ld->server_name, host, sizeof(ld->server_name));
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	hints.ai_flags = AI_NUMERICSERV;
	if ((e = getaddrinfo(host, port, &hints, &res)) != 0) {
		log_warnx("%s: %s", host, gai_strerror(e));
		return CS_ERR_SYSTEM;
	}
	/* one address for every connection: IPv4 if there is one */
	for (ai = res; ai != NULL; ai = ai->ai_next)
		if (ai->ai_family == AF_INET)
			break;
	if (ai == NULL)
		ai = res;
	if (ai->ai_addrlen > sizeof(ld->sa)) {
		freeaddrinfo(res);
		return CS_ERR_INTERNAL;
	}
	memcpy(&ld->sa, ai->ai_addr, ai->ai_addrlen);
	ld->salen = ai->ai_addrlen;
	freeaddrinfo(res);
	return 0;
}

static void
lat_add(struct load *ld, int64_t us)
{
	uint32_t	*p;
	size_t		 cap;

	if (ld->nlat == ld->caplat) {
		if (ld->caplat >= LOAD_LAT_MAX) {
			ld->lost++;
			return;
		}
		cap = ld->caplat == 0 ? 4096 : ld->caplat * 2;
		if ((p = reallocarray(ld->lat, cap, sizeof(*p))) == NULL) {
			ld->lost++;
			return;
		}
		ld->lat = p;
		ld->caplat = cap;
	}
	ld->lat[ld->nlat++] = us < 0 ? 0 : us > UINT32_MAX ? UINT32_MAX :
	    (uint32_t)us;
}

/* Tear the connection down (no reply expected any more). */
static void
client_close(struct client *c)
{
	if (c->ssl != NULL) {
		if (c->ready)
			(void)SSL_shutdown(c->ssl);	/* best effort */
		SSL_free(c->ssl);
		c->ssl = NULL;
	}
	ERR_clear_error();
	if (c->fd != -1) {
		close(c->fd);		/* also leaves epoll */
		c->fd = -1;
	}
	c->events = 0;
	c->want_write = 0;
	c->ready = 0;
	buf_reset(c->in);
	buf_reset(c->out);
}

/* When the next session of this client starts, or CL_DONE. */
static void
client_next(struct client *c, int64_t now, int ok)
{
	struct load	*ld = c->ld;

	if (ld->mode == MODE_ENROLL) {
		/* enrolled: come back at once with the certificate */
		c->state = ok && c->id->cert != NULL &&
		    c->id->case_id[0] == '\0' ? CL_WAIT : CL_DONE;
		c->sched_us = now;
		ld->next_scan_us = now;
		return;
	}
	if (ld->mode == MODE_IDLE || now >= ld->end_us || load_stop) {
		c->state = CL_DONE;
		return;
	}
	c->state = CL_WAIT;
	if (ld->rate > 0) {
		c->sched_us += (int64_t)(1e6 * ld->conns / ld->rate);
		if (c->sched_us < now)
			ld->late++;
	} else
		c->sched_us = now;
	if (c->sched_us >= ld->end_us)
		c->state = CL_DONE;
	else if (c->sched_us < ld->next_scan_us)
		ld->next_scan_us = c->sched_us;
}

/* The session ended: "err" is E_N for success. */
static void
client_end(struct client *c, enum load_err err, const char *why)
{
	struct load	*ld = c->ld;
	int64_t		 now = now_us();

	if (err == E_N) {
		if (ld->mode != MODE_ENROLL || c->id->case_id[0] != '\0') {
			ld->sessions++;
			lat_add(ld, now - (ld->rate > 0 ? c->sched_us :
			    c->start_us));
		}
		if (now > ld->last_us)
			ld->last_us = now;
	} else {
		ld->err[err]++;
		/* the first few say why; then only the counts */
		if (ld->err[err] <= 3)
			log_warnx("client %u: %s: %s", c->idx,
			    load_err_name[err] + 4, why);
		if (c->state == CL_HELD && ld->held > 0)
			ld->held--;
	}
	if (err != E_N || !ld->keep || ld->mode != MODE_RUN)
		client_close(c);
	client_next(c, now, err == E_N);
}

static int
client_rearm(struct client *c)
{
	struct epoll_event	ev;
	uint32_t		want = EPOLLIN;

	if (c->state == CL_CONNECTING || buf_len(c->out) > 0 || c->want_write)
		want |= EPOLLOUT;
	if (want == c->events)
		return 0;
	memset(&ev, 0, sizeof(ev));
	ev.events = want;
	ev.data.ptr = c;
	if (epoll_ctl(c->ld->epfd, c->events == 0 ? EPOLL_CTL_ADD :
	    EPOLL_CTL_MOD, c->fd, &ev) == -1)
		return CS_ERR_SYSTEM;
	c->events = want;
	return 0;
}

/* Queue "env" as the next request; its id is assigned here. */
static int
client_send(struct client *c, wire_env *env, enum cl_state next)
{
	int	r;

	env->id = c->want_id = c->next_id++;
	if (c->next_id == 0)
		c->next_id = 1;
	if ((r = wire_encode(env, FRAME_MAX_DEFAULT, c->out)) != 0)
		return r;
	c->state = next;
	return 0;
}

static int
client_hello(struct client *c)
{
	wire_env		env;
	Casesync__V1__Hello	h;
	struct timespec		ts;

	casesync__v1__envelope__init(&env);
	casesync__v1__hello__init(&h);
	h.protocol_version = CS_PROTOCOL_VERSION;
	h.client_version = (char *)(uintptr_t)"cs_load 0.1.0";
	/*
	 * Microseconds of the wall clock: above the last one the server
	 * saw for this device, in this run and the runs before, as a
	 * laptop's counter is (one connection of a device at a time).
	 */
	if (c->ld->counter && clock_gettime(CLOCK_REALTIME, &ts) == 0)
		h.sync_counter = (uint64_t)ts.tv_sec * 1000000 +
		    (uint64_t)ts.tv_nsec / 1000;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_HELLO;
	env.hello = &h;
	return client_send(c, &env, CL_HELLO);
}

static int
client_enroll(struct client *c)
{
	wire_env			 env;
	Casesync__V1__EnrollRequest	 req;
	uint8_t				*csr = NULL;
	size_t				 csrlen;
	int				 r;

	if ((r = pki_csr_new(c->id->key, "cs_load", &csr, &csrlen)) != 0)
		return r;
	casesync__v1__envelope__init(&env);
	casesync__v1__enroll_request__init(&req);
	req.token = c->id->token;
	req.csr_der.data = csr;
	req.csr_der.len = csrlen;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_ENROLL_REQUEST;
	env.enroll_request = &req;
	r = client_send(c, &env, CL_ENROLL);
	free(csr);
	return r;
}

static int
client_case(struct client *c, char *case_id)
{
	wire_env		env;
	Casesync__V1__CaseCreate cc;

	casesync__v1__envelope__init(&env);
	casesync__v1__case_create__init(&cc);
	cc.case_id = case_id;
	cc.frame = (char *)(uintptr_t)"DRANG";
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_CASE_CREATE;
	env.case_create = &cc;
	return client_send(c, &env, CL_CASE);
}

static int
client_push(struct client *c)
{
	wire_env			 env;
	Casesync__V1__PushRequest	 req;
	Casesync__V1__Change		 ch, *chp = &ch;
	Casesync__V1__Record		 rec;
	char				 chid[WIRE_UUID_LEN + 1];
	struct timespec			 ts;

	load_uuid(c->rec_id);
	load_uuid(chid);
	clock_gettime(CLOCK_REALTIME, &ts);
	casesync__v1__record__init(&rec);
	rec.record_id = c->rec_id;
	rec.case_id = c->id->case_id;
	rec.kind = (char *)(uintptr_t)"journal";
	rec.key_epoch = 1;
	rec.body.data = c->ld->body;
	rec.body.len = c->ld->body_len;
	rec.hlc = ((uint64_t)ts.tv_sec * 1000 +
	    (uint64_t)ts.tv_nsec / 1000000) << 16;
	casesync__v1__change__init(&ch);
	ch.change_id = chid;
	ch.record = &rec;
	casesync__v1__envelope__init(&env);
	casesync__v1__push_request__init(&req);
	req.changes = &chp;
	req.n_changes = 1;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_PUSH_REQUEST;
	env.push_request = &req;
	c->push_ver = 0;
	return client_send(c, &env, CL_PUSH);
}

static int
client_pull(struct client *c)
{
	wire_env			env;
	Casesync__V1__PullRequest	req;

	casesync__v1__envelope__init(&env);
	casesync__v1__pull_request__init(&req);
	req.since = c->since;
	req.since_tie = c->since_tie;
	req.max_records = LOAD_PULL_RECORDS;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_PULL_REQUEST;
	env.pull_request = &req;
	return client_send(c, &env, CL_PULL);
}

/* The first request after Welcome, by mode. */
static int
client_welcomed(struct client *c, const wire_env *e)
{
	struct load	*ld = c->ld;

	if (e->msg_case != CASESYNC__V1__ENVELOPE__MSG_WELCOME ||
	    (c->id->cert != NULL && e->welcome->identity == NULL))
		return CS_ERR_PROTOCOL;
	c->ready = 1;
	switch (ld->mode) {
	case MODE_ENROLL:
		if (c->id->cert == NULL)
			return client_enroll(c);
		load_uuid(c->rec_id);	/* the case id, kept once acked */
		return client_case(c, c->rec_id);
	case MODE_RUN:
		return client_push(c);
	case MODE_IDLE:
		c->state = CL_HELD;
		if (++ld->held == ld->conns && !ld->held_said) {
			ld->held_said = 1;
			printf("held %u\n", ld->held);
			fflush(stdout);
		}
		return 0;
	case MODE_CONNECT:
		client_end(c, E_N, NULL);
		return 1;
	}
	return CS_ERR_INTERNAL;
}

static int
client_enrolled(struct client *c, const wire_env *e)
{
	const Casesync__V1__EnrollResponse	*er;
	X509					*x = NULL;
	int					 r;

	if (e->msg_case != CASESYNC__V1__ENVELOPE__MSG_ENROLL_RESPONSE)
		return CS_ERR_PROTOCOL;
	er = e->enroll_response;
	if ((r = pki_cert_from_der(er->cert_der.data, er->cert_der.len,
	    &x)) != 0)
		return r;
	/* the certificate must be for the key made here */
	if (X509_check_private_key(x, c->id->key) != 1) {
		X509_free(x);
		ERR_clear_error();
		return CS_ERR_PROTOCOL;
	}
	c->id->cert = x;
	sodium_memzero(c->id->token, sizeof(c->id->token));
	client_end(c, E_N, NULL);
	return 1;
}

static int
client_pulled(struct client *c, const wire_env *e)
{
	const Casesync__V1__PullResponse	*pr;
	size_t					 i;

	if (e->msg_case != CASESYNC__V1__ENVELOPE__MSG_PULL_RESPONSE)
		return CS_ERR_PROTOCOL;
	pr = e->pull_response;
	/* whether a device gets its own changes back is the server's call */
	for (i = 0; i < pr->n_records; i++) {
		if (pr->records[i]->version == 0)
			return CS_ERR_PROTOCOL;
	}
	c->ld->pulled += pr->n_records;
	/* the cursor only moves forward */
	if (pr->cursor < c->since ||
	    (pr->cursor == c->since && pr->cursor_tie < c->since_tie))
		return CS_ERR_PROTOCOL;
	c->since = pr->cursor;
	c->since_tie = pr->cursor_tie;
	if (pr->more)
		return client_pull(c);
	/* the pull was read after our durable push */
	if (pr->server_seq < c->push_ver) {
		client_end(c, E_PROTOCOL, "pull older than the push");
		return 1;
	}
	client_end(c, E_N, NULL);
	return 1;
}

/*
 * One message from the server.  0: go on; 1: the session is over (the
 * connection may be gone); negative: protocol failure.
 */
static int
client_reply(struct client *c, const wire_env *e)
{
	const Casesync__V1__PushResponse	*pr;
	int					 r;

	if (e->msg_case == CASESYNC__V1__ENVELOPE__MSG_ERROR) {
		client_end(c, E_REFUSED, wire_error_name(e->error->code));
		return 1;
	}
	if (e->id == 0 && e->msg_case == CASESYNC__V1__ENVELOPE__MSG_NOTIFY)
		return 0;
	if (e->id != c->want_id)
		return CS_ERR_PROTOCOL;
	switch (c->state) {
	case CL_HELLO:
		return client_welcomed(c, e);
	case CL_ENROLL:
		return client_enrolled(c, e);
	case CL_CASE:
		if (e->msg_case != CASESYNC__V1__ENVELOPE__MSG_CASE_ACK)
			return CS_ERR_PROTOCOL;
		memcpy(c->id->case_id, c->rec_id, sizeof(c->id->case_id));
		if ((r = ident_save(c->ld, c->idx, c->id)) != 0) {
			client_end(c, E_LOCAL, cs_err(r));
			return 1;
		}
		client_end(c, E_N, NULL);
		return 1;
	case CL_PUSH:
		if (e->msg_case != CASESYNC__V1__ENVELOPE__MSG_PUSH_RESPONSE)
			return CS_ERR_PROTOCOL;
		pr = e->push_response;
		if (pr->n_results != 1 || pr->results[0]->status !=
		    CASESYNC__V1__CHANGE_STATUS__CHANGE_APPLIED ||
		    pr->results[0]->version == 0) {
			client_end(c, E_PROTOCOL, "change not applied");
			return 1;
		}
		c->push_ver = pr->results[0]->version;
		c->ld->pushed++;
		return client_pull(c);
	case CL_PULL:
		return client_pulled(c, e);
	default:
		return CS_ERR_PROTOCOL;
	}
}

/* Start session: a new connection, or the next push on a kept one. */
static void
client_start(struct client *c, int64_t now)
{
	struct load	*ld = c->ld;
	int		 r, one = 1;

	c->start_us = now;
	c->deadline_us = now + (int64_t)ld->timeout_ms * 1000;
	if (c->fd != -1 && c->ready && ld->mode == MODE_RUN) {
		if ((r = client_push(c)) != 0) {
			client_end(c, E_LOCAL, cs_err(r));
			return;
		}
		client_io(c);
		return;
	}
	c->state = CL_CONNECTING;
	if ((c->fd = socket(ld->sa.ss_family, SOCK_STREAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) == -1) {
		client_end(c, E_LOCAL, strerror(errno));
		return;
	}
	(void)setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	if (connect(c->fd, (struct sockaddr *)&ld->sa, ld->salen) == -1 &&
	    errno != EINPROGRESS) {
		client_end(c, E_CONNECT, strerror(errno));
		return;
	}
	if ((c->ssl = SSL_new(ld->ctx)) == NULL ||
	    SSL_set_fd(c->ssl, c->fd) != 1 ||
	    SSL_set_tlsext_host_name(c->ssl, ld->server_name) != 1 ||
	    SSL_set1_host(c->ssl, ld->server_name) != 1 ||
	    (c->id->cert != NULL &&
	    (SSL_use_certificate(c->ssl, c->id->cert) != 1 ||
	    SSL_use_PrivateKey(c->ssl, c->id->key) != 1))) {
		log_ssl("SSL_new");
		client_end(c, E_LOCAL, "TLS setup");
		return;
	}
	SSL_set_connect_state(c->ssl);
	if (client_rearm(c) != 0)
		client_end(c, E_LOCAL, strerror(errno));
}

/* Handshake step: 0 done, CS_ERR_INCOMPLETE to wait, else failure. */
static int
client_handshake(struct client *c)
{
	int	n, e;

	c->want_write = 0;
	if ((n = SSL_do_handshake(c->ssl)) == 1)
		return tlsio_alpn_ok(c->ssl) ? 0 : CS_ERR_PROTOCOL;
	e = SSL_get_error(c->ssl, n);
	if (e == SSL_ERROR_WANT_READ)
		return CS_ERR_INCOMPLETE;
	if (e == SSL_ERROR_WANT_WRITE) {
		c->want_write = 1;
		return CS_ERR_INCOMPLETE;
	}
	return CS_ERR_TLS;
}

static int
client_flush(struct client *c)
{
	int	n, e;

	c->want_write = 0;
	while (buf_len(c->out) > 0) {
		n = SSL_write(c->ssl, buf_ptr(c->out),
		    buf_len(c->out) > INT32_MAX ? INT32_MAX :
		    (int)buf_len(c->out));
		if (n <= 0) {
			e = SSL_get_error(c->ssl, n);
			if (e == SSL_ERROR_WANT_WRITE) {
				c->want_write = 1;
				return 0;
			}
			if (e == SSL_ERROR_WANT_READ)
				return 0;
			return CS_ERR_CLOSED;
		}
		buf_consume(c->out, (size_t)n);
	}
	return 0;
}

/*
 * Read and handle whole frames.  0: wait for more; 1: the session
 * ended; negative: failure (the caller ends the session).
 */
static int
client_read(struct client *c)
{
	const uint8_t	*p;
	uint8_t		*dst;
	wire_env	*e;
	size_t		 len, room;
	int		 n, r;

	for (;;) {
		while ((r = frame_get(c->in, FRAME_MAX_DEFAULT, &p,
		    &len)) == 0) {
			if ((r = wire_decode(p, len, &e)) != 0)
				return r;
			r = client_reply(c, e);
			wire_free(e);
			if (r != 0)
				return r;
		}
		if (r != CS_ERR_INCOMPLETE)
			return r;
		if ((room = buf_space(c->in, 16 * 1024, &dst)) == 0)
			return CS_ERR_TOO_LARGE;
		if ((n = SSL_read(c->ssl, dst, (int)room)) <= 0) {
			switch (SSL_get_error(c->ssl, n)) {
			case SSL_ERROR_WANT_READ:
				return 0;
			case SSL_ERROR_WANT_WRITE:
				c->want_write = 1;
				return 0;
			case SSL_ERROR_ZERO_RETURN:
				return CS_ERR_CLOSED;
			default:
				/* an alert (certificate refused) or a reset */
				return c->ready ? CS_ERR_CLOSED : CS_ERR_TLS;
			}
		}
		buf_commit(c->in, (size_t)n);
	}
}

static void
client_io(struct client *c)
{
	socklen_t	elen = sizeof(int);
	int		r, e;

	if (c->state == CL_CONNECTING) {
		if (getsockopt(c->fd, SOL_SOCKET, SO_ERROR, &e, &elen) == -1)
			e = errno;
		if (e == EINPROGRESS)
			goto rearm;
		if (e != 0) {
			client_end(c, E_CONNECT, strerror(e));
			return;
		}
		c->state = CL_TLS;
	}
	if (c->state == CL_TLS) {
		if ((r = client_handshake(c)) == CS_ERR_INCOMPLETE)
			goto rearm;
		if (r != 0) {
			log_ssl("handshake");
			client_end(c, E_TLS, cs_err(r));
			return;
		}
		if ((r = client_hello(c)) != 0) {
			client_end(c, E_LOCAL, cs_err(r));
			return;
		}
	}
	/* a request may be written, then its reply read, several times */
	do {
		if ((r = client_flush(c)) != 0) {
			client_end(c, E_CLOSED, cs_err(r));
			return;
		}
		if ((r = client_read(c)) == 1)
			return;		/* ended; c may be reused already */
		if (r != 0) {
			client_end(c, r == CS_ERR_TLS ? E_TLS :
			    r == CS_ERR_CLOSED ? E_CLOSED : E_PROTOCOL,
			    cs_err(r));
			return;
		}
	} while (buf_len(c->out) > 0 && !c->want_write);
 rearm:
	if (client_rearm(c) != 0)
		client_end(c, E_LOCAL, strerror(errno));
}

/* Start what is due, time out what is late; plan the next look. */
static void
load_scan(struct load *ld, int64_t now)
{
	struct client	*c;
	int64_t		 next = now + LOAD_SCAN_US;
	unsigned	 i;

	for (i = 0; i < ld->conns; i++) {
		c = &ld->cl[i];
		if (c->state == CL_WAIT && load_stop)
			c->state = CL_DONE;
		if (c->state == CL_WAIT && c->sched_us <= now)
			client_start(c, now);
		if (c->state == CL_WAIT) {
			if (c->sched_us < next)
				next = c->sched_us;
		} else if (c->state != CL_DONE && c->state != CL_HELD) {
			if (c->deadline_us <= now)
				client_end(c, E_TIMEOUT, "no answer in time");
			else if (c->deadline_us < next)
				next = c->deadline_us;
		}
	}
	ld->next_scan_us = next;
}

/* 1 while something is left to do. */
static int
load_busy(struct load *ld, int64_t now)
{
	unsigned	i;

	/* idle -S: the sessions wait for every connection to be held */
	if (ld->mode == MODE_IDLE && !ld->syncing)
		return !load_stop && (now < ld->end_us || (ld->sync_after &&
		    now < ld->end_us + (int64_t)ld->timeout_ms * 1000));
	for (i = 0; i < ld->conns; i++)
		if (ld->cl[i].state != CL_DONE)
			return 1;
	return 0;
}

/* idle -S: the hold is over; one session on each held connection. */
static void
load_sync_held(struct load *ld, int64_t now)
{
	struct client	*c;
	unsigned	 i;
	int		 r;

	ld->syncing = 1;
	for (i = 0; i < ld->conns; i++) {
		c = &ld->cl[i];
		if (c->state != CL_HELD) {
			c->state = CL_DONE;
			continue;
		}
		c->start_us = now;
		c->deadline_us = now + (int64_t)ld->timeout_ms * 1000;
		if ((r = client_push(c)) != 0) {
			client_end(c, E_LOCAL, cs_err(r));
			continue;
		}
		client_io(c);
	}
	ld->next_scan_us = now;
}

static int
load_loop(struct load *ld)
{
	struct epoll_event	 evs[LOAD_MAX_EVENTS];
	struct client		*c;
	int64_t			 now;
	int			 i, n, ms, r;

	for (;;) {
		now = now_us();
		if (now >= ld->next_scan_us)
			load_scan(ld, now);
		if (ld->mode == MODE_IDLE && ld->sync_after && !ld->syncing &&
		    ld->held_said && now >= ld->end_us && !load_stop)
			load_sync_held(ld, now);
		if (!load_busy(ld, now))
			return 0;
		ms = (int)((ld->next_scan_us - now + 999) / 1000);
		if (ld->mode == MODE_IDLE && !ld->syncing && ld->end_us > now &&
		    (ld->end_us - now) / 1000 < ms)
			ms = (int)((ld->end_us - now + 999) / 1000);
		n = epoll_wait(ld->epfd, evs, LOAD_MAX_EVENTS, ms < 0 ? 0 : ms);
		if (n == -1) {
			if (errno == EINTR)
				continue;
			log_warn("epoll_wait");
			return CS_ERR_SYSTEM;
		}
		for (i = 0; i < n; i++) {
			c = evs[i].data.ptr;
			if (c->state == CL_HELD) {
				/* an idle connection only hears a goodbye */
				if ((r = client_read(c)) < 0)
					client_end(c, E_CLOSED,
					    "server closed an idle connection");
			} else if (c->state == CL_WAIT || c->state == CL_DONE) {
				/* a kept connection between sessions */
				if (c->fd != -1 && client_read(c) != 0)
					client_close(c);
			} else
				client_io(c);
		}
	}
}

static int
lat_cmp(const void *a, const void *b)
{
	uint32_t	x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

static double
lat_ms(const struct load *ld, double q)
{
	size_t	i;

	if (ld->nlat == 0)
		return 0;
	i = (size_t)(q * (double)(ld->nlat - 1) + 0.5);
	return ld->lat[i] / 1000.0;
}

/* This process's user + system CPU time so far. */
static int64_t
cpu_us(void)
{
	struct rusage	ru;

	if (getrusage(RUSAGE_SELF, &ru) == -1)
		return 0;
	return ((int64_t)ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000 +
	    ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
}

static void
load_report(struct load *ld)
{
	static const char	*mode_name[] = { "enroll", "run", "connect",
	    "idle" };
	uint64_t		 errs = 0;
	double			 secs;
	int			 i;

	secs = (double)((ld->last_us > ld->end_us || ld->mode == MODE_ENROLL ?
	    ld->last_us : ld->end_us) - ld->t0_us) / 1e6;
	if (ld->mode == MODE_IDLE)
		secs = (double)(now_us() - ld->t0_us) / 1e6;
	if (secs <= 0)
		secs = 1e-6;
	if (ld->nlat > 0)
		qsort(ld->lat, ld->nlat, sizeof(*ld->lat), lat_cmp);
	for (i = 0; i < E_N; i++)
		errs += ld->err[i];
	printf("mode %s conns %u identities %u seconds %.2f sessions %llu "
	    "errors %llu rate %.1f p50_ms %.2f p90_ms %.2f p99_ms %.2f "
	    "max_ms %.2f pushed %llu pulled %llu late %llu held %u",
	    mode_name[ld->mode], ld->conns, ld->nids, secs,
	    (unsigned long long)ld->sessions, (unsigned long long)errs,
	    (double)ld->sessions / secs, lat_ms(ld, 0.50), lat_ms(ld, 0.90),
	    lat_ms(ld, 0.99), lat_ms(ld, 1.0),
	    (unsigned long long)ld->pushed, (unsigned long long)ld->pulled,
	    (unsigned long long)ld->late, ld->held);
	for (i = 0; i < E_N; i++)
		printf(" %s %llu", load_err_name[i],
		    (unsigned long long)ld->err[i]);
	printf(" cpu_ms %.1f\n", (double)(cpu_us() - ld->cpu0_us) / 1e3);
	fflush(stdout);
}

static X509 *
read_ca(const char *path)
{
	struct buf	*b = NULL;
	X509		*x = NULL;

	if (file_read(path, PKI_PEM_MAX, &b) != 0 ||
	    pki_cert_from_pem((const char *)buf_ptr(b), buf_len(b), &x) != 0)
		fatalx("%s: cannot read the CA certificate", path);
	buf_free(b);
	return x;
}

static void
load_setup(struct load *ld)
{
	struct rlimit	rl;
	struct client	*c;
	unsigned	i;

	/* one descriptor per connection, and a few more */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
	    rl.rlim_cur < (rlim_t)ld->conns + 16)
		fatalx("%u connections need more descriptors than the %llu "
		    "allowed", ld->conns, (unsigned long long)rl.rlim_cur);
	if ((ld->epfd = epoll_create1(EPOLL_CLOEXEC)) == -1)
		fatal("epoll_create1");
	if ((ld->cl = calloc(ld->conns, sizeof(*ld->cl))) == NULL ||
	    (ld->body = malloc(ld->body_len)) == NULL)
		fatal("calloc");
	randombytes_buf(ld->body, ld->body_len);
	ld->t0_us = now_us();
	ld->cpu0_us = cpu_us();
	ld->end_us = ld->t0_us + (int64_t)ld->seconds * 1000000;
	for (i = 0; i < ld->conns; i++) {
		c = &ld->cl[i];
		c->ld = ld;
		c->idx = i;
		c->fd = -1;
		c->next_id = 1;
		c->id = &ld->ids[i % ld->nids];
		c->since = c->id->since;
		c->since_tie = c->id->since_tie;
		c->state = CL_WAIT;
		/* spread the starts over one period (or over a second) */
		c->sched_us = ld->t0_us + (ld->rate > 0 ?
		    (int64_t)(1e6 * i / ld->rate) : 0);
		if ((c->in = buf_new(LOAD_IN_MAX)) == NULL ||
		    (c->out = buf_new(LOAD_OUT_MAX)) == NULL)
			fatal("buf_new");
	}
}

int
main(int argc, char *argv[])
{
	struct load	 ld;
	X509		*ca = NULL;
	const char	*server = NULL, *mode;
	uint64_t	 v;
	unsigned	 i;
	int		 ch, r;

	log_init(1, "cs_load");
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTERM, load_sig);
	signal(SIGINT, load_sig);
	if (sodium_init() < 0)
		return 1;
	memset(&ld, 0, sizeof(ld));
	ld.conns = 10;
	ld.seconds = 5;
	ld.body_len = 256;
	ld.timeout_ms = 10000;
	while ((ch = getopt(argc, argv, "C:HST:b:c:d:kn:r:s:t:")) != -1) {
		switch (ch) {
		case 'C':
			ca = read_ca(optarg);
			break;
		case 'H':
			ld.counter = 1;
			break;
		case 'S':
			ld.sync_after = 1;
			break;
		case 'T':
			if (parse_u64(optarg, 1, 600000, &v) != 0)
				usage();
			ld.timeout_ms = (int)v;
			break;
		case 'b':
			if (parse_u64(optarg, 1, LOAD_BODY_MAX, &v) != 0)
				usage();
			ld.body_len = (size_t)v;
			break;
		case 'c':
			if (parse_u64(optarg, 1, LOAD_CONNS_MAX, &v) != 0)
				usage();
			ld.conns = (unsigned)v;
			break;
		case 'd':
			ld.dir = optarg;
			break;
		case 'k':
			ld.keep = 1;
			break;
		case 'n':
			if (str_fmt(ld.server_name, sizeof(ld.server_name),
			    "%s", optarg) != 0)
				usage();
			break;
		case 'r':
			if (parse_u64(optarg, 0, 1000000, &v) != 0)
				usage();
			ld.rate = (double)v;
			break;
		case 's':
			server = optarg;
			break;
		case 't':
			if (parse_u64(optarg, 1, LOAD_SECONDS_MAX, &v) != 0)
				usage();
			ld.seconds = (unsigned)v;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (server == NULL || ca == NULL || ld.dir == NULL || argc < 1)
		usage();
	mode = argv[0];
	if (strcmp(mode, "enroll") == 0 && argc == 2)
		ld.mode = MODE_ENROLL;
	else if (strcmp(mode, "run") == 0 && argc == 1)
		ld.mode = MODE_RUN;
	else if (strcmp(mode, "connect") == 0 && argc == 1)
		ld.mode = MODE_CONNECT;
	else if (strcmp(mode, "idle") == 0 && argc == 1)
		ld.mode = MODE_IDLE;
	else
		usage();
	if ((ld.ids = calloc(LOAD_CONNS_MAX, sizeof(*ld.ids))) == NULL)
		fatal("calloc");
	if (load_resolve(&ld, server) != 0)
		usage();
	if ((ld.ctx = tlsio_client_ctx(ca, NULL, NULL)) == NULL)
		fatalx("TLS context");
	if (ld.mode == MODE_ENROLL) {
		if ((r = load_tokens(&ld, argv[1])) != 0)
			fatalx("%s: %s", argv[1], cs_err(r));
		ld.conns = ld.nids;	/* -r paces the enrollments */
		ld.seconds = LOAD_SECONDS_MAX;
	} else if ((r = load_idents(&ld)) != 0)
		fatalx("identities: %s", cs_err(r));
	load_setup(&ld);
	r = load_loop(&ld);
	load_report(&ld);
	/* the first connection of each identity speaks for its cursor */
	for (i = 0; ld.mode == MODE_RUN && i < ld.conns && i < ld.nids; i++)
		if (cursor_save(&ld, i, &ld.cl[i]) != 0 && r == 0)
			r = CS_ERR_SYSTEM;
	for (i = 0; i < ld.conns; i++) {
		client_close(&ld.cl[i]);
		buf_free(ld.cl[i].in);
		buf_free(ld.cl[i].out);
	}
	for (i = 0; i < ld.nids; i++) {
		EVP_PKEY_free(ld.ids[i].key);
		X509_free(ld.ids[i].cert);
	}
	sodium_memzero(ld.ids, LOAD_CONNS_MAX * sizeof(*ld.ids));
	free(ld.ids);
	free(ld.cl);
	free(ld.body);
	free(ld.lat);
	SSL_CTX_free(ld.ctx);
	X509_free(ca);
	close(ld.epfd);
	if (r != 0)
		return 1;
	for (i = 0; i < E_N; i++)
		if (ld.err[i] != 0)
			return 1;
	if (ld.mode == MODE_IDLE && ld.held != ld.conns)
		return 1;
	return 0;
}
