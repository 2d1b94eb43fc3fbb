/* SPDX-License-Identifier: ISC */
/*
 * bench_net.c - what TLS 1.3 itself costs on this machine, with the
 * project's own settings (tlsio.c: TLS 1.3 only, ALPN, no tickets, no
 * resumption) and certificates made as casesyncctl makes them (pki.c:
 * ECDSA P-256 CA, server and device certificates):
 *
 *   handshakes  full handshakes with mutual authentication over
 *               127.0.0.1, client and server each in their own thread
 *               (so both cores work, as with casesyncd and a client);
 *               a handshake counts once the server has verified the
 *               client's certificate and said so with one byte; and
 *               the CPU time each side's thread spent per handshake
 *   parts       what the public-key steps of one side of a handshake
 *               cost when timed alone: parsing the peer's certificate,
 *               verifying a signature, signing, an X25519 exchange
 *   transfer    raw TLS 1.3 loopback transfer of BYTES (default the
 *               bytes of bench_sync's initial sync: BENCH_RECORDS,
 *               default 100000, times 1050), written in 16 KiB records
 *               and read by the other thread: the ceiling for a sync
 *
 * Output: a markdown table; with -q only the transfer rate in MB/s
 * (10^6 bytes), for bench_sync.sh to print its ratio in the same run.
 * Usage: bench_net [-q] [-b BYTES] [-t HANDSHAKE-SECONDS]
 */
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <sodium.h>

#include "errors.h"
#include "log.h"
#include "pki.h"
#include "tlsio.h"
#include "util.h"

#define NET_CHUNK		(16 * 1024)
#define NET_ROUNDS		3
#define NET_BYTES_PER_RECORD	1050	/* as bench_sync.sh counts them */
#define NET_PART_ROUNDS		400	/* each part of a handshake */

enum net_job {
	JOB_HANDSHAKE,
	JOB_TRANSFER,
	JOB_STOP,
};

struct net {
	SSL_CTX		*sctx, *cctx;
	EVP_PKEY	*cakey, *dkey;
	X509		*ca, *dcert;
	int		 lfd;
	struct sockaddr_in sa;
	uint64_t	 bytes;
	unsigned	 hs_seconds;
	pthread_t	 server;
	double		 srv_hs_cpu;	/* server thread, 'h' connections */
};

static void
die(const char *what)
{
	log_ssl(what);
	fprintf(stderr, "bench_net: %s\n", what);
	exit(1);
}

static double
clock_s(clockid_t id)
{
	struct timespec	ts;

	if (clock_gettime(id, &ts) == -1)
		die("clock_gettime");
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double
now_s(void)
{
	return clock_s(CLOCK_MONOTONIC);
}

/* CPU time of the calling thread. */
static double
cpu_s(void)
{
	return clock_s(CLOCK_THREAD_CPUTIME_ID);
}

static int
net_connect(const struct net *n)
{
	int	fd, one = 1;

	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    connect(fd, (const struct sockaddr *)&n->sa, sizeof(n->sa)) ==
	    -1 ||
	    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one)) ==
	    -1)
		die("connect");
	return fd;
}

/* Write "len" bytes; 0 or -1. */
static int
net_write(SSL *ssl, const void *p, size_t len)
{
	const uint8_t	*b = p;
	int		 k;

	while (len > 0) {
		k = SSL_write(ssl, b, len > NET_CHUNK ? NET_CHUNK : (int)len);
		if (k <= 0)
			return -1;
		b += k;
		len -= (size_t)k;
	}
	return 0;
}

/*
 * Server thread: each connection starts with a one-byte job from the
 * client: 'h' (answer one byte after the handshake), 't' (send the
 * transfer's bytes), 'q' (stop).
 */
static void *
net_server(void *arg)
{
	struct net	*n = arg;
	uint8_t		*chunk, job = 0;
	uint64_t	 left;
	double		 c0;
	SSL		*ssl;
	int		 fd;

	if ((chunk = malloc(NET_CHUNK)) == NULL)
		die("malloc");
	randombytes_buf(chunk, NET_CHUNK);
	while (job != 'q') {
		if ((fd = accept(n->lfd, NULL, NULL)) == -1)
			die("accept");
		c0 = cpu_s();
		if ((ssl = SSL_new(n->sctx)) == NULL ||
		    SSL_set_fd(ssl, fd) != 1 || SSL_accept(ssl) != 1 ||
		    SSL_get0_peer_certificate(ssl) == NULL ||
		    SSL_get_verify_result(ssl) != X509_V_OK ||
		    !tlsio_alpn_ok(ssl) || SSL_read(ssl, &job, 1) != 1)
			die("server handshake");
		if (job == 'h' && SSL_write(ssl, "k", 1) != 1)
			die("server write");
		for (left = job == 't' ? n->bytes : 0; left > 0;) {
			size_t	k = left > NET_CHUNK ? NET_CHUNK : left;

			if (net_write(ssl, chunk, k) != 0)
				die("server write");
			left -= k;
		}
		(void)SSL_shutdown(ssl);
		SSL_free(ssl);
		close(fd);
		if (job == 'h')
			n->srv_hs_cpu += cpu_s() - c0;
	}
	free(chunk);
	return NULL;
}

/* One client connection doing job "job"; returns the bytes read. */
static uint64_t
net_client(struct net *n, uint8_t job)
{
	uint8_t		 b[NET_CHUNK];
	uint64_t	 got = 0;
	SSL		*ssl;
	int		 fd, k;

	fd = net_connect(n);
	if ((ssl = SSL_new(n->cctx)) == NULL || SSL_set_fd(ssl, fd) != 1 ||
	    SSL_set_tlsext_host_name(ssl, "localhost") != 1 ||
	    SSL_set1_host(ssl, "localhost") != 1 || SSL_connect(ssl) != 1 ||
	    SSL_write(ssl, &job, 1) != 1)
		die("client handshake");
	while ((k = SSL_read(ssl, b, sizeof(b))) > 0)
		got += (uint64_t)k;
	ERR_clear_error();
	SSL_free(ssl);
	close(fd);
	return got;
}

/* End the server thread. */
static void
net_stop(struct net *n)
{
	net_client(n, 'q');
	if (pthread_join(n->server, NULL) != 0)
		die("pthread_join");
}

static void
net_setup(struct net *n)
{
	EVP_PKEY	*skey = NULL;
	X509		*scert = NULL;
	socklen_t	 slen = sizeof(n->sa);
	int		 one = 1;

	if (pki_key_new(&n->cakey) != 0 || pki_key_new(&skey) != 0 ||
	    pki_key_new(&n->dkey) != 0 ||
	    pki_ca_create(n->cakey, "bench CA", 1, &n->ca) != 0 ||
	    pki_cert_issue(n->ca, n->cakey, skey, "localhost", "localhost",
	    3600, &scert) != 0 ||
	    pki_cert_issue(n->ca, n->cakey, n->dkey, "bench device", NULL,
	    3600, &n->dcert) != 0)
		die("certificates");
	if ((n->sctx = tlsio_server_ctx(scert, skey, n->ca)) == NULL ||
	    (n->cctx = tlsio_client_ctx(n->ca, n->dcert, n->dkey)) == NULL)
		die("TLS contexts");
	memset(&n->sa, 0, sizeof(n->sa));
	n->sa.sin_family = AF_INET;
	n->sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((n->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    setsockopt(n->lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ==
	    -1 ||
	    bind(n->lfd, (struct sockaddr *)&n->sa, sizeof(n->sa)) == -1 ||
	    listen(n->lfd, 128) == -1 ||
	    getsockname(n->lfd, (struct sockaddr *)&n->sa, &slen) == -1)
		die("listen");
	EVP_PKEY_free(skey);
	X509_free(scert);
	if (pthread_create(&n->server, NULL, net_server, n) != 0)
		die("pthread_create");
}

/*
 * What one side of a handshake does with public keys, each step timed
 * alone in this thread, in microseconds of CPU per call.
 */
struct net_parts {
	double	parse;		/* the peer's certificate from DER */
	double	verify;		/* one ECDSA P-256 signature */
	double	sign;		/* one ECDSA P-256 signature made */
	double	x25519;		/* key share: key pair, shared secret */
};

static void
net_parts(const struct net *n, struct net_parts *p)
{
	static const uint8_t	 msg[130];	/* as CertificateVerify */
	uint8_t			*der = NULL, sig[128], secret[32];
	const uint8_t		*q;
	EVP_MD_CTX		*md;
	EVP_PKEY_CTX		*dctx;
	EVP_PKEY		*mine, *peer;
	X509			*x;
	size_t			 len;
	double			 t0;
	int			 derlen, i;

	if ((derlen = i2d_X509(n->dcert, &der)) <= 0)
		die("i2d_X509");
	t0 = cpu_s();
	for (i = 0; i < NET_PART_ROUNDS; i++) {
		q = der;
		if ((x = d2i_X509(NULL, &q, derlen)) == NULL)
			die("d2i_X509");
		X509_free(x);
	}
	p->parse = (cpu_s() - t0) * 1e6 / NET_PART_ROUNDS;
	OPENSSL_free(der);

	t0 = cpu_s();
	for (i = 0; i < NET_PART_ROUNDS; i++) {
		if (X509_verify(n->dcert, n->cakey) != 1)
			die("X509_verify");
	}
	p->verify = (cpu_s() - t0) * 1e6 / NET_PART_ROUNDS;

	t0 = cpu_s();
	for (i = 0; i < NET_PART_ROUNDS; i++) {
		len = sizeof(sig);
		if ((md = EVP_MD_CTX_new()) == NULL ||
		    EVP_DigestSignInit(md, NULL, EVP_sha256(), NULL,
		    n->dkey) != 1 ||
		    EVP_DigestSign(md, sig, &len, msg, sizeof(msg)) != 1)
			die("EVP_DigestSign");
		EVP_MD_CTX_free(md);
	}
	p->sign = (cpu_s() - t0) * 1e6 / NET_PART_ROUNDS;

	if ((peer = EVP_PKEY_Q_keygen(NULL, NULL, "X25519")) == NULL)
		die("X25519");
	t0 = cpu_s();
	for (i = 0; i < NET_PART_ROUNDS; i++) {
		len = sizeof(secret);
		if ((mine = EVP_PKEY_Q_keygen(NULL, NULL, "X25519")) == NULL ||
		    (dctx = EVP_PKEY_CTX_new(mine, NULL)) == NULL ||
		    EVP_PKEY_derive_init(dctx) != 1 ||
		    EVP_PKEY_derive_set_peer(dctx, peer) != 1 ||
		    EVP_PKEY_derive(dctx, secret, &len) != 1)
			die("X25519");
		EVP_PKEY_CTX_free(dctx);
		EVP_PKEY_free(mine);
	}
	p->x25519 = (cpu_s() - t0) * 1e6 / NET_PART_ROUNDS;
	EVP_PKEY_free(peer);
}

static uint64_t
env_u64(const char *name, uint64_t def, uint64_t max)
{
	const char	*s = getenv(name);
	uint64_t	 v;

	if (s == NULL || *s == '\0')
		return def;
	if (parse_u64(s, 1, max, &v) != 0) {
		fprintf(stderr, "bench_net: %s: not a number in 1..%llu\n",
		    name, (unsigned long long)max);
		exit(2);
	}
	return v;
}

int
main(int argc, char *argv[])
{
	struct net	n;
	struct net_parts parts;
	double		t0, c0, hs_s, hs_cpu, best = 0, s, sum;
	uint64_t	hs = 0, v;
	int		ch, quiet = 0, i;

	log_init(1, "bench_net");
	if (sodium_init() < 0)
		return 1;
	memset(&n, 0, sizeof(n));
	n.bytes = env_u64("BENCH_RECORDS", 100000, 10000000) *
	    NET_BYTES_PER_RECORD;
	n.hs_seconds = 3;
	while ((ch = getopt(argc, argv, "b:qt:")) != -1) {
		switch (ch) {
		case 'b':
			if (parse_u64(optarg, 1, UINT64_C(1) << 40, &v) != 0)
				goto usage;
			n.bytes = v;
			break;
		case 'q':
			quiet = 1;
			break;
		case 't':
			if (parse_u64(optarg, 1, 600, &v) != 0)
				goto usage;
			n.hs_seconds = (unsigned)v;
			break;
		default:
			goto usage;
		}
	}
	if (optind != argc)
		goto usage;
	net_setup(&n);

	/* best of NET_ROUNDS: the machine may be shared */
	for (i = 0; i < NET_ROUNDS; i++) {
		t0 = now_s();
		if (net_client(&n, 't') != n.bytes)
			die("short transfer");
		s = (double)n.bytes / 1e6 / (now_s() - t0);
		if (s > best)
			best = s;
	}
	if (quiet) {
		printf("%.1f\n", best);
		net_stop(&n);
		goto done;
	}
	t0 = now_s();
	c0 = cpu_s();
	do {
		if (net_client(&n, 'h') != 1)
			die("handshake reply");
		hs++;
	} while ((hs_s = now_s() - t0) < n.hs_seconds);
	hs_cpu = cpu_s() - c0;
	net_stop(&n);		/* the server's CPU time is final */
	net_parts(&n, &parts);
	sum = parts.parse + 2 * parts.verify + parts.sign + parts.x25519;

	printf("### TLS 1.3 alone (tlsio.c settings, P-256 certificates "
	    "from pki.c)\n\n");
	printf("Client and server are two threads of one process on "
	    "127.0.0.1, one connection at a time.\n\n");
	printf("| figure | value | note |\n|---|---:|---|\n");
	printf("| full handshakes, mutual auth, no resumption | %.0f /s | "
	    "%.2f ms each, %llu in %.1f s |\n", (double)hs / hs_s,
	    hs_s * 1e3 / (double)hs, (unsigned long long)hs, hs_s);
	printf("| server CPU per handshake | %.3f ms | the server thread's "
	    "CPU time over the handshakes |\n",
	    n.srv_hs_cpu * 1e3 / (double)hs);
	printf("| client CPU per handshake | %.3f ms | the client thread's "
	    "(the casesync settings: it names the CA, so the server sends "
	    "its certificate alone) |\n", hs_cpu * 1e3 / (double)hs);
	printf("| raw TLS 1.3 loopback transfer of %.1f MB | %.1f MB/s | "
	    "best of %d; the ceiling for bench_sync's initial sync |\n",
	    (double)n.bytes / 1e6, best, NET_ROUNDS);
	printf("\nThe public-key steps of one side of a handshake, each timed "
	    "alone (OpenSSL %s, %d calls each):\n\n", OpenSSL_version(
	    OPENSSL_VERSION_STRING), NET_PART_ROUNDS);
	printf("| step | CPU per call | calls per handshake, each side |\n"
	    "|---|---:|---|\n");
	printf("| parse the peer's certificate (d2i_X509: OpenSSL 3.0 decodes "
	    "its key through the provider decoders) | %.0f us | 1 |\n",
	    parts.parse);
	printf("| verify an ECDSA P-256 signature | %.0f us | 2: the peer's "
	    "certificate, its CertificateVerify |\n", parts.verify);
	printf("| sign with ECDSA P-256 | %.0f us | 1: CertificateVerify |\n",
	    parts.sign);
	printf("| X25519 key pair and shared secret | %.0f us | 1: the key "
	    "share |\n", parts.x25519);
	printf("| sum | %.0f us | the rest of a side's CPU per handshake is "
	    "TLS itself (hashing, key schedule, records), allocation and "
	    "system calls |\n", sum);
 done:
	close(n.lfd);
	SSL_CTX_free(n.sctx);
	SSL_CTX_free(n.cctx);
	EVP_PKEY_free(n.cakey);
	EVP_PKEY_free(n.dkey);
	X509_free(n.ca);
	X509_free(n.dcert);
	return 0;
 usage:
	fprintf(stderr, "usage: bench_net [-q] [-b bytes] [-t seconds]\n");
	return 2;
}
