/* SPDX-License-Identifier: ISC */
/*
 * cs_probe.c - a deliberately misbehaving client for the integration
 * tests: it speaks just enough of the protocol to send what a real
 * client never would, and prints one word saying how the server
 * answered ("welcome", "pong", "error CODE", "closed", "tls-failed").
 */
#include <sys/resource.h>
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <getopt.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/pem.h>
#include <sodium.h>

#include "buf.h"
#include "conn.h"
#include "db.h"
#include "e2e.h"
#include "errors.h"
#include "frame.h"
#include "log.h"
#include "msg.h"
#include "msg_sync.h"
#include "transport.h"
#include "util.h"
#include "wire.h"

static int	tcp_connect(const char *);
static const char	*source_addr;	/* -b: for the raw TCP modes */

static void
usage(void)
{
	fprintf(stderr, "usage: cs_probe -s host:port [-n name] "
	    "(-P fingerprint | -C ca.pem) [-c cert.pem -k key.pem]\n"
	    "    [-S sync-counter] [-b source-addr] mode [n]\n"
	    "modes: hello ping unauth-ping before-hello bigframe N random N\n"
	    "       unknown-msg bad-version hold SECS plain-garbage N\n"
	    "       flood N, slowloris\n"
	    "       enroll TOKEN CERT-OUT (with -k KEY)\n"
	    "       raw HEX, raw-prehello HEX, raw-close HEX (bytes as sent,\n"
	    "       frame headers included), deep N, huge N, hello-twice,\n"
	    "       empty-changes N, key-sync SINCE (prints what a\n"
	    "       KeySyncRequest answers: grant and holders lines),\n"
	    "       push CHANGE_ID RECORD_ID CASE_ID BASE_VERSION [CREATED_BY]\n"
	    "       (one note; prints \"result STATUS version V current 0|1\";\n"
	    "       CREATED_BY: a forged author, created_at 1, changed_at 1)\n"
	    "       push-then CASE_ID N TAIL (a push of N new notes, and\n"
	    "       right behind it TAIL: push (10 more), ping, garbage or\n"
	    "       close; prints \"push applied K of N\" for each reply,\n"
	    "       then \"pong\" or how the server answered)\n"
	    "       watch SECS (Watch, then one line per message with the\n"
	    "       wall clock in ms: \"notify SEQ MS\", \"error CODE MS\",\n"
	    "       \"closed MS\"; ends at a close or after SECS)\n");
	exit(2);
}

static void
report(int r, wire_env *e)
{
	if (r == CS_ERR_PEER || (r == 0 &&
	    e->msg_case == CASESYNC__V1__ENVELOPE__MSG_ERROR))
		printf("error %s\n", wire_error_name(e->error->code));
	else if (r == 0 && e->msg_case == CASESYNC__V1__ENVELOPE__MSG_WELCOME)
		printf("welcome\n");
	else if (r == 0 && e->msg_case == CASESYNC__V1__ENVELOPE__MSG_PONG)
		printf("pong\n");
	else if (r == 0)
		printf("message %d\n", (int)e->msg_case);
	else if (r == CS_ERR_CLOSED)
		printf("closed\n");
	else
		printf("failed %s\n", cs_err(r));
	wire_free(e);
}

static X509 *
read_cert(const char *path)
{
	FILE	*f;
	X509	*x;

	if ((f = fopen(path, "r")) == NULL)
		fatal("%s", path);
	x = PEM_read_X509(f, NULL, NULL, NULL);
	fclose(f);
	if (x == NULL)
		fatalx("%s: not a certificate", path);
	return x;
}

static EVP_PKEY *
read_key(const char *path)
{
	FILE		*f;
	EVP_PKEY	*k;

	if ((f = fopen(path, "r")) == NULL)
		fatal("%s", path);
	k = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	fclose(f);
	if (k == NULL)
		fatalx("%s: not a key", path);
	return k;
}

/*
 * A probe speaks Envelopes as it crafts them (the laptop's conn.c
 * speaks msg.h): its own request ids, far from the connection's.
 */
static uint32_t	probe_next_id = 1000;

static int
probe_recv(struct conn *c, wire_env **e)
{
	struct msg	*m = NULL;
	int		 r;

	r = conn_recv(c, &m);
	*e = m != NULL ? msg_env_mut(m) : NULL;
	return r;
}

/* Send "req" and read up to its reply, as the laptop's conn_rpc. */
static int
probe_call(struct conn *c, wire_env *req, wire_env **rep)
{
	struct buf	*b;
	wire_env	*e = NULL;
	int		 r;

	*rep = NULL;
	req->id = probe_next_id++;
	if ((b = buf_new(FRAME_HDR_LEN + FRAME_MAX_LIMIT)) == NULL)
		return CS_ERR_ALLOC;
	if ((r = wire_encode(req, FRAME_MAX_LIMIT, b)) == 0)
		r = conn_send_raw(c, buf_ptr(b), buf_len(b));
	buf_free(b);
	if (r != 0)
		return r;
	for (;;) {
		if ((r = probe_recv(c, &e)) != 0)
			return r;
		if (e->id == req->id || (e->id == 0 &&
		    e->msg_case == CASESYNC__V1__ENVELOPE__MSG_ERROR))
			break;
		wire_free(e);
	}
	*rep = e;
	if (e->msg_case != CASESYNC__V1__ENVELOPE__MSG_ERROR)
		return 0;
	return msg_code_retryable((enum wire_code)e->error->code) ?
	    CS_ERR_RETRY : CS_ERR_PEER;
}

static int
probe_hello(struct conn *c, wire_env **rep)
{
	struct msg	*m = NULL;
	int		 r;

	r = conn_welcome(c, NULL, &m);
	*rep = m != NULL ? msg_env_mut(m) : NULL;
	return r;
}

/*
 * A KeySyncRequest{since}, as a crafted client would send it: print
 * "grants N", "grant CASE EPOCH" for each and "holders CASE NAME..."
 * for each case named, or how the server answered.
 */
static int
key_sync(struct conn *c, uint64_t since)
{
	Casesync__V1__KeySyncRequest	 q;
	const Casesync__V1__KeySyncResponse *k;
	wire_env			 env, *e = NULL;
	size_t				 i, j;
	int				 r;

	casesync__v1__envelope__init(&env);
	casesync__v1__key_sync_request__init(&q);
	q.since = since;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_KEY_SYNC_REQUEST;
	env.key_sync_request = &q;
	if ((r = probe_call(c, &env, &e)) != 0 ||
	    e->msg_case != CASESYNC__V1__ENVELOPE__MSG_KEY_SYNC_RESPONSE) {
		report(r, e);
		return 0;
	}
	k = e->key_sync_response;
	printf("grants %zu\n", k->n_grants);
	for (i = 0; i < k->n_grants; i++)
		printf("grant %s %u\n", k->grants[i]->case_id,
		    k->grants[i]->epoch);
	for (i = 0; i < k->n_holders; i++) {
		printf("holders %s", k->holders[i]->case_id);
		for (j = 0; j < k->holders[i]->n_users; j++)
			printf(" %s", k->holders[i]->users[j]);
		printf("\n");
	}
	wire_free(e);
	return 0;
}

static long long
wall_ms(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * Watch: "watching SEQ" once the server acknowledged, then a line per
 * message it sends on its own, each with the wall clock, so a test can
 * tell how long after its own act the server spoke.
 */
static void
watch(struct conn *c)
{
	Casesync__V1__Watch	 w;
	wire_env		 env, *e = NULL;
	int			 r;

	casesync__v1__envelope__init(&env);
	casesync__v1__watch__init(&w);
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_WATCH;
	env.watch = &w;
	if ((r = probe_call(c, &env, &e)) != 0 ||
	    e->msg_case != CASESYNC__V1__ENVELOPE__MSG_NOTIFY) {
		report(r, e);
		return;
	}
	printf("watching %llu\n", (unsigned long long)e->notify->seq);
	fflush(stdout);
	wire_free(e);
	for (;;) {
		e = NULL;
		r = probe_recv(c, &e);
		if (r == 0 && e->msg_case == CASESYNC__V1__ENVELOPE__MSG_NOTIFY)
			printf("notify %llu %lld\n",
			    (unsigned long long)e->notify->seq, wall_ms());
		else if (r == 0 &&
		    e->msg_case == CASESYNC__V1__ENVELOPE__MSG_ERROR)
			printf("error %s %lld\n",
			    wire_error_name(e->error->code), wall_ms());
		else if (r == CS_ERR_CLOSED || r == CS_ERR_TLS)
			printf("closed %lld\n", wall_ms());
		else if (r == CS_ERR_TIMEOUT)
			printf("timeout\n");
		else if (r != 0)
			printf("failed %s\n", cs_err(r));
		fflush(stdout);
		wire_free(e);
		if (r != 0)
			return;
	}
}

static int
send_hello(struct conn *c, uint32_t version, wire_env **rep)
{
	wire_env		env;
	Casesync__V1__Hello	h;

	casesync__v1__envelope__init(&env);
	casesync__v1__hello__init(&h);
	h.protocol_version = version;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_HELLO;
	env.hello = &h;
	return probe_call(c, &env, rep);
}

/* Enroll with the key given by -k; write the certificate as PEM. */
static int
probe_enroll(struct conn *c, EVP_PKEY *key, const char *token,
    const char *certout, wire_env **rep)
{
	wire_env			 env;
	Casesync__V1__EnrollRequest	 req;
	X509				*x = NULL;
	uint8_t				*csr = NULL;
	size_t				 csrlen;
	FILE				*f;
	int				 r;

	if (key == NULL)
		usage();
	if ((r = probe_hello(c, rep)) != 0)
		return r;
	wire_free(*rep);
	*rep = NULL;
	if ((r = pki_csr_new(key, "probe", &csr, &csrlen)) != 0)
		return r;
	casesync__v1__envelope__init(&env);
	casesync__v1__enroll_request__init(&req);
	req.token = (char *)(uintptr_t)token;
	req.csr_der.data = csr;
	req.csr_der.len = csrlen;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_ENROLL_REQUEST;
	env.enroll_request = &req;
	r = probe_call(c, &env, rep);
	free(csr);
	if (r != 0)
		return r;
	if ((r = pki_cert_from_der((*rep)->enroll_response->cert_der.data,
	    (*rep)->enroll_response->cert_der.len, &x)) != 0)
		return r;
	if ((f = fopen(certout, "w")) == NULL || PEM_write_X509(f, x) != 1)
		fatal("%s", certout);
	fclose(f);
	X509_free(x);
	printf("enrolled %s\n", (*rep)->enroll_response->identity->device_id);
	return 0;
}

/* Raw TCP: garbage where a TLS ClientHello should be. */
static void
plain_garbage(const char *server, uint64_t n)
{
	char		 rd[256];
	uint8_t		*rnd;
	int		 fd;
	ssize_t		 k;

	fd = tcp_connect(server);
	if ((rnd = malloc(n + 1)) == NULL)
		fatal("malloc");
	randombytes_buf(rnd, n + 1);
	/* the server may hang up before all of it is written */
	if (write(fd, rnd, n) == -1)
		log_debug("write: server hung up early");
	free(rnd);
	while ((k = read(fd, rd, sizeof(rd))) > 0)
		;
	printf("closed\n");
	close(fd);
}

/* TCP connect to "server"; exits on failure. */
static int
tcp_connect(const char *server)
{
	struct addrinfo		 hints, *res;
	struct sockaddr_in	 src;
	char			 host[256], port[16];
	int			 fd;

	if (conn_split(server, host, sizeof(host), port, sizeof(port)) != 0)
		usage();
	memset(&hints, 0, sizeof(hints));
	hints.ai_socktype = SOCK_STREAM;
	if (getaddrinfo(host, port, &hints, &res) != 0)
		fatalx("getaddrinfo");
	if ((fd = socket(res->ai_family, SOCK_STREAM, 0)) == -1)
		fatal("socket");
	if (source_addr != NULL) {
		/* e.g. 127.0.0.2: another client address on loopback */
		memset(&src, 0, sizeof(src));
		src.sin_family = AF_INET;
		if (res->ai_family != AF_INET ||
		    inet_pton(AF_INET, source_addr, &src.sin_addr) != 1 ||
		    bind(fd, (struct sockaddr *)&src, sizeof(src)) == -1)
			fatal("bind %s", source_addr);
	}
	if (connect(fd, res->ai_addr, res->ai_addrlen) == -1)
		fatal("connect");
	freeaddrinfo(res);
	return fd;
}

/*
 * "flood N": N connections that start and never finish a TLS
 * handshake (a few bytes of a ClientHello), held until the server
 * closes them; prints how many it closed and the seconds that took.
 */
static void
flood(const char *server, uint64_t n)
{
	static const uint8_t	 partial[] = { 0x16, 0x03, 0x01, 0x02, 0x00 };
	struct timespec		 t0, t1;
	char			 b[64];
	int			*fds;
	uint64_t		 i, closed = 0;

	if ((fds = calloc(n, sizeof(*fds))) == NULL)
		fatal("calloc");
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < n; i++) {
		fds[i] = tcp_connect(server);
		if (write(fds[i], partial, sizeof(partial)) == -1)
			log_debug("write: closed early");
	}
	/* the server must close every one of them on its own */
	for (i = 0; i < n; i++) {
		while (read(fds[i], b, sizeof(b)) > 0)
			;
		closed++;
		close(fds[i]);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("closed %llu after %lld s\n", (unsigned long long)closed,
	    (long long)(t1.tv_sec - t0.tv_sec));
	free(fds);
}

/*
 * "slowloris": after Hello, send a Ping frame one byte every 500 ms;
 * the server must hang up (idle timeout) before it is complete.
 */
static int
slowloris(struct conn *c)
{
	static const uint8_t	 ping[] = { 0, 0, 0, 40, 0x08, 0x02, 0x2a,
	    0x24, 0x0a, 0x22, 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x',
	    'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x',
	    'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x', 'x' };
	size_t			 i;
	int			 r;

	for (i = 0; i < sizeof(ping); i++) {
		if ((r = conn_send_raw(c, &ping[i], 1)) != 0)
			return r;
		usleep(500 * 1000);
	}
	return 0;
}

/*
 * "push": one change of kind "note" with the given ids (a crafted
 * push: a change id or record id of someone else; with argv[4] an
 * authorship the server must never take from a laptop).  Prints the
 * result as the peer sees it.
 */
static int	send_ping(struct conn *, wire_env **);

static int
send_push(struct conn *c, char *const *argv, wire_env **rep, int *printed)
{
	wire_env			 env;
	Casesync__V1__PushRequest	 pr;
	Casesync__V1__Change		 ch, *chp = &ch;
	Casesync__V1__Record		 rec;
	Casesync__V1__ChangeResult	*res;
	uint8_t				 body[E2E_BODY_OVERHEAD + 16];
	uint64_t			 base;
	int				 r;

	if (parse_u64(argv[3], 0, INT64_MAX, &base) != 0)
		usage();
	casesync__v1__envelope__init(&env);
	casesync__v1__push_request__init(&pr);
	casesync__v1__change__init(&ch);
	casesync__v1__record__init(&rec);
	rec.record_id = argv[1];
	rec.case_id = argv[2];
	rec.kind = (char *)(uintptr_t)"note";
	rec.key_epoch = 1;
	randombytes_buf(body, sizeof(body));	/* looks sealed */
	rec.body.data = body;
	rec.body.len = sizeof(body);
	rec.hlc = (uint64_t)time(NULL) * 1000 << 16;
	if (argv[4] != NULL) {
		rec.created_by = argv[4];
		rec.created_at = 1;
		rec.changed_at = 1;
	}
	ch.change_id = argv[0];
	ch.record = &rec;
	ch.base_version = base;
	pr.changes = &chp;
	pr.n_changes = 1;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_PUSH_REQUEST;
	env.push_request = &pr;
	if ((r = probe_call(c, &env, rep)) != 0)
		return r;
	if ((*rep)->msg_case != CASESYNC__V1__ENVELOPE__MSG_PUSH_RESPONSE ||
	    (*rep)->push_response->n_results != 1)
		return 0;	/* reported as it is */
	res = (*rep)->push_response->results[0];
	printf("result %s version %llu current %d\n",
	    protobuf_c_enum_descriptor_get_value(
	    &casesync__v1__change_status__descriptor, res->status) != NULL ?
	    protobuf_c_enum_descriptor_get_value(
	    &casesync__v1__change_status__descriptor, res->status)->name :
	    "UNKNOWN", (unsigned long long)res->version, res->current != NULL);
	*printed = 1;
	if (res->error == 0)
		return 0;
	/* refused with a reason: say it, and that the connection stays */
	printf("error %s\n", wire_error_name((int)res->error));
	wire_free(*rep);
	*rep = NULL;
	if ((r = send_ping(c, rep)) != 0)
		return r;
	printf("%s\n", (*rep)->msg_case == CASESYNC__V1__ENVELOPE__MSG_PONG ?
	    "pong" : "no pong");
	return 0;
}

static int
send_ping(struct conn *c, wire_env **rep)
{
	wire_env		env;
	Casesync__V1__Ping	ping;

	casesync__v1__envelope__init(&env);
	casesync__v1__ping__init(&ping);
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_PING;
	env.ping = &ping;
	return probe_call(c, &env, rep);
}

/*
 * Frame a PushRequest of "n" new notes in case "case_id" into "b", as
 * the laptop encodes one (msg_out_push_request).
 */
static int
push_frame(const char *case_id, size_t n, uint32_t id, struct buf *b)
{
	struct msg_push_request	  pr;
	struct msg_change	 *ch = NULL;
	struct msg_out		  o;
	char			(*ids)[2][DB_UUID_LEN + 1] = NULL;
	uint8_t			  body[E2E_BODY_OVERHEAD + 64];
	size_t			  i;
	int			  r = CS_ERR_ALLOC;

	if ((ch = calloc(n, sizeof(*ch))) == NULL ||
	    (ids = calloc(n, sizeof(*ids))) == NULL)
		goto out;
	randombytes_buf(body, sizeof(body));	/* looks sealed */
	for (i = 0; i < n; i++) {
		db_uuid(ids[i][0]);	/* the laptop's own ids */
		db_uuid(ids[i][1]);
		ch[i].change_id = ids[i][0];
		ch[i].record.record_id = ids[i][1];
		ch[i].record.case_id = case_id;
		ch[i].record.kind = "note";
		ch[i].record.key_epoch = 1;
		ch[i].record.body.p = body;
		ch[i].record.body.len = sizeof(body);
		ch[i].record.hlc = ((uint64_t)time(NULL) * 1000 << 16) + i;
	}
	pr.changes = ch;
	pr.n_changes = n;
	o = msg_out_push_request(&pr);
	r = msg_encode(id, &o, FRAME_MAX_LIMIT, b);
 out:
	free(ch);
	free(ids);
	return r;
}

/*
 * "push-then CASE N TAIL": a push of N new notes and, before any
 * reply, its tail in the same write, as a pipelining laptop sends it
 * (client/core/sync_push.c): each kind of tail must be met exactly as
 * if it came after the push's reply.
 */
static int
push_then(struct conn *c, const char *case_id, size_t n, const char *tail)
{
	static const uint8_t	 garbage[] = { 0, 0, 0, 4, 0xff, 0xff, 0xff,
	    0xff };
	struct buf		*b;
	wire_env		*e = NULL, ping;
	Casesync__V1__Ping	 pg;
	size_t			 i, k, replies = 1;
	int			 r;

	if ((b = buf_new(2 * (FRAME_HDR_LEN + FRAME_MAX_LIMIT))) == NULL)
		return CS_ERR_ALLOC;
	r = push_frame(case_id, n, 2001, b);
	if (r == 0 && strcmp(tail, "push") == 0) {
		r = push_frame(case_id, 10, 2002, b);	/* in the last record */
		replies = 2;
	} else if (r == 0 && strcmp(tail, "ping") == 0) {
		casesync__v1__envelope__init(&ping);
		casesync__v1__ping__init(&pg);
		ping.id = 2002;
		ping.msg_case = CASESYNC__V1__ENVELOPE__MSG_PING;
		ping.ping = &pg;
		r = wire_encode(&ping, FRAME_MAX_LIMIT, b);
	} else if (r == 0 && strcmp(tail, "garbage") == 0)
		r = buf_put(b, garbage, sizeof(garbage));	/* no Envelope */
	else if (r == 0 && strcmp(tail, "close") != 0)
		usage();
	if (r == 0)
		r = conn_send_raw(c, buf_ptr(b), buf_len(b));
	buf_free(b);
	if (r != 0 || strcmp(tail, "close") == 0) {
		printf("%s\n", r == 0 ? "sent" : cs_err(r));
		return r;	/* the caller hangs up at once */
	}
	/* the replies, in order; after them what a garbage tail gets */
	while ((r = probe_recv(c, &e)) == 0) {
		if (e->msg_case == CASESYNC__V1__ENVELOPE__MSG_PUSH_RESPONSE &&
		    replies > 0) {
			for (i = k = 0; i < e->push_response->n_results; i++)
				k += e->push_response->results[i]->status ==
				    CASESYNC__V1__CHANGE_STATUS__CHANGE_APPLIED;
			printf("push applied %zu of %zu\n", k,
			    e->push_response->n_results);
			replies--;
		} else if (e->msg_case == CASESYNC__V1__ENVELOPE__MSG_PONG &&
		    replies == 0) {
			printf("pong\n");
			wire_free(e);
			return 0;
		} else
			break;
		wire_free(e);
		e = NULL;
		if (replies == 0 && strcmp(tail, "push") == 0)
			return 0;
	}
	report(r, e);
	return 0;
}

/* Append "v" as a protobuf varint at "off"; returns the new offset. */
static size_t
put_varint(uint8_t *p, size_t off, uint64_t v)
{
	while (v >= 0x80) {
		p[off++] = (uint8_t)(v | 0x80);
		v >>= 7;
	}
	p[off++] = (uint8_t)v;
	return off;
}

/* "raw HEX": the bytes (frame header included) from a hex string. */
static uint8_t *
raw_bytes(const char *hex, size_t *len)
{
	uint8_t	*p;
	size_t	 n = strlen(hex);

	if (n == 0 || n % 2 != 0 || (p = malloc(n / 2)) == NULL ||
	    hex_decode(p, n / 2, hex) != 0)
		usage();
	*len = n / 2;
	return p;
}

/*
 * "deep N": Envelope{id 1, push_request: N nested length-delimited
 * field-1 levels}; "huge N": Envelope{id 1, ping{data: N bytes}};
 * "empty-changes N": Envelope{id 1, push_request: N empty changes},
 * two bytes each on the wire, a struct each once unpacked.  Either way
 * a frame the server must refuse without harm.
 */
static uint8_t *
gen_frame(const char *mode, uint64_t n, size_t *lenp)
{
	uint8_t	*buf, *inner;
	size_t	 cap, len = 0, k, i;

	if (n > 64 * 1024 * 1024)
		usage();
	cap = (strcmp(mode, "deep") == 0 ? n * 12 :
	    strcmp(mode, "empty-changes") == 0 ? n * 2 : n) + 64;
	if ((buf = calloc(1, cap)) == NULL ||
	    (inner = calloc(1, cap)) == NULL)
		fatal("calloc");
	if (strcmp(mode, "deep") == 0) {
		/* built inside out: each level wraps what is there */
		for (i = 0; i < n; i++) {
			buf[0] = 0x0a;
			k = put_varint(buf, 1, len);
			memcpy(buf + k, inner, len);
			len += k;
			memcpy(inner, buf, len);
		}
		k = put_varint(buf, 0, 0x08);
		k = put_varint(buf, k, 1);
		k = put_varint(buf, k, 20 << 3 | 2);	/* push_request */
	} else if (strcmp(mode, "empty-changes") == 0) {
		for (i = 0; i < n; i++) {
			inner[len++] = 0x0a;		/* changes, */
			inner[len++] = 0x00;		/* empty */
		}
		k = put_varint(buf, 0, 0x08);
		k = put_varint(buf, k, 1);
		k = put_varint(buf, k, 20 << 3 | 2);	/* push_request */
	} else {
		k = put_varint(inner, 0, 0x0a);		/* Ping.data */
		k = put_varint(inner, k, n);
		memset(inner + k, 'x', n);
		len = k + n;
		k = put_varint(buf, 0, 0x08);
		k = put_varint(buf, k, 1);
		k = put_varint(buf, k, 5 << 3 | 2);	/* ping */
	}
	k = put_varint(buf, k, len);
	memmove(buf + FRAME_HDR_LEN, buf, k);
	memcpy(buf + FRAME_HDR_LEN + k, inner, len);
	len += k;
	frame_hdr(buf, (uint32_t)len);
	free(inner);
	*lenp = len + FRAME_HDR_LEN;
	return buf;
}

/* Send "p" as is and read what comes back (or the hang-up). */
static int
send_raw(struct conn *c, const uint8_t *p, size_t len, wire_env **e)
{
	int	r;

	if ((r = conn_send_raw(c, p, len)) != 0)
		return r;
	return probe_recv(c, e);
}

int
main(int argc, char *argv[])
{
	struct conn_opts	 o;
	struct conn		*c = NULL;
	wire_env		*e = NULL;
	struct rlimit		 rl;
	uint8_t			 pin[PKI_HASH_LEN], hdr[FRAME_HDR_LEN], *rnd;
	uint8_t			*raw = NULL;
	const char		*mode;
	uint64_t		 n = 0;
	size_t			 rawlen = 0;
	int			 ch, r, printed;

	log_init(1, "cs_probe");
	signal(SIGPIPE, SIG_IGN);	/* a hang-up is a result, not a crash */
	if (sodium_init() < 0)
		return 1;
	/* "flood" holds thousands of sockets: raise the soft limit */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		(void)setrlimit(RLIMIT_NOFILE, &rl);
	}
	memset(&o, 0, sizeof(o));
	o.timeout_ms = 5000;
	while ((ch = getopt(argc, argv, "C:P:S:b:c:k:n:s:")) != -1) {
		switch (ch) {
		case 'C':
			o.ca = read_cert(optarg);
			break;
		case 'b':
			source_addr = optarg;
			break;
		case 'S':
			if (parse_u64(optarg, 0, UINT64_MAX, &o.sync_counter) !=
			    0)
				usage();
			break;
		case 'P':
			if (hex_decode(pin, sizeof(pin), optarg) != 0)
				usage();
			o.pin = pin;
			break;
		case 'c':
			o.cert = read_cert(optarg);
			break;
		case 'k':
			o.key = read_key(optarg);
			break;
		case 'n':
			o.server_name = optarg;
			break;
		case 's':
			o.server = optarg;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (o.server == NULL || (o.ca == NULL && o.pin == NULL) || argc < 1)
		usage();
	mode = argv[0];
	if (strncmp(mode, "raw", 3) == 0) {
		if (argc != 2)
			usage();
		raw = raw_bytes(argv[1], &rawlen);
	} else if (argc > 1 && strcmp(mode, "enroll") != 0 &&
	    strcmp(mode, "push") != 0 && strcmp(mode, "push-then") != 0 &&
	    parse_u64(argv[1], 0, UINT32_MAX, &n) != 0)
		usage();
	if (strcmp(mode, "deep") == 0 || strcmp(mode, "huge") == 0 ||
	    strcmp(mode, "empty-changes") == 0)
		raw = gen_frame(mode, n, &rawlen);
	if (strcmp(mode, "hold") == 0 || strcmp(mode, "watch") == 0)
		o.timeout_ms = (int)n * 1000;

	if (strcmp(mode, "flood") == 0) {
		flood(o.server, n);
		return 0;
	}
	if (strcmp(mode, "plain-garbage") == 0) {
		plain_garbage(o.server, n);
		return 0;
	}
	if ((r = conn_open(&o, &c)) != 0) {
		printf("tls-failed %s\n", cs_err(r));
		goto out;
	}
	if (strcmp(mode, "before-hello") == 0)
		r = send_ping(c, &e);
	else if (strcmp(mode, "raw-prehello") == 0)
		r = send_raw(c, raw, rawlen, &e);
	else if (strcmp(mode, "bigframe") == 0) {
		frame_hdr(hdr, (uint32_t)n);
		if ((r = conn_send_raw(c, hdr, sizeof(hdr))) == 0)
			r = probe_recv(c, &e);
	} else if (strcmp(mode, "random") == 0) {
		if ((rnd = malloc(n + 1)) == NULL)
			return 1;
		randombytes_buf(rnd, n + 1);
		if ((r = conn_send_raw(c, rnd, n)) == 0)
			r = probe_recv(c, &e);
		free(rnd);
	} else if (strcmp(mode, "bad-version") == 0)
		r = send_hello(c, 2, &e);
	else if (strcmp(mode, "enroll") == 0) {
		if (argc != 3)
			usage();
		if ((r = probe_enroll(c, o.key, argv[1], argv[2], &e)) == 0) {
			wire_free(e);
			goto out;
		}
	} else if (strcmp(mode, "slowloris") == 0) {
		if ((r = probe_hello(c, &e)) != 0)
			goto done;
		wire_free(e);
		e = NULL;
		if ((r = slowloris(c)) == 0)
			r = probe_recv(c, &e);
	} else if (strcmp(mode, "hold") == 0) {
		if ((r = probe_hello(c, &e)) != 0)
			goto done;
		wire_free(e);
		e = NULL;
		/* wait for the server to say something on its own */
		r = probe_recv(c, &e);
		if (r == CS_ERR_TIMEOUT) {
			printf("timeout\n");
			goto out;
		}
	} else {
		if ((r = probe_hello(c, &e)) != 0 ||
		    strcmp(mode, "hello") == 0)
			goto done;
		wire_free(e);
		e = NULL;
		if (strcmp(mode, "ping") == 0 ||
		    strcmp(mode, "unauth-ping") == 0)
			r = send_ping(c, &e);
		else if (strcmp(mode, "raw") == 0 ||
		    strcmp(mode, "deep") == 0 || strcmp(mode, "huge") == 0 ||
		    strcmp(mode, "empty-changes") == 0)
			r = send_raw(c, raw, rawlen, &e);
		else if (strcmp(mode, "key-sync") == 0) {
			(void)key_sync(c, n);
			goto out;
		} else if (strcmp(mode, "watch") == 0) {
			watch(c);
			goto out;
		} else if (strcmp(mode, "raw-close") == 0) {
			/* hang up in the middle of whatever that was */
			r = conn_send_raw(c, raw, rawlen);
			printf("%s\n", r == 0 ? "sent" : cs_err(r));
			goto out;
		} else if (strcmp(mode, "push") == 0) {
			if (argc != 5 && argc != 6)
				usage();
			printed = 0;
			r = send_push(c, argv + 1, &e, &printed);
			if (r == 0 && printed) {
				wire_free(e);
				goto out;
			}
		} else if (strcmp(mode, "push-then") == 0) {
			if (argc != 4 || parse_u64(argv[2], 1, WIRE_PUSH_MAX,
			    &n) != 0)
				usage();
			(void)push_then(c, argv[1], (size_t)n, argv[3]);
			goto out;
		} else if (strcmp(mode, "hello-twice") == 0)
			r = send_hello(c, CS_PROTOCOL_VERSION, &e);
		else if (strcmp(mode, "unknown-msg") == 0) {
			/* field 99, varint 1: a message from the future */
			static const uint8_t fut[] = { 0, 0, 0, 5,
			    0x08, 0x07, 0x98, 0x06, 0x01 };
			if ((r = conn_send_raw(c, fut, sizeof(fut))) == 0)
				r = probe_recv(c, &e);
		} else
			usage();
	}
 done:
	if (r == 0 && e != NULL &&
	    e->msg_case == CASESYNC__V1__ENVELOPE__MSG_ERROR)
		r = CS_ERR_PEER;
	report(r, e);
 out:
	fflush(stdout);		/* a sanitizer report at exit must not eat it */
	free(raw);
	conn_close(c);
	X509_free(o.ca);
	X509_free(o.cert);
	EVP_PKEY_free(o.key);
	return 0;
}
