/* SPDX-License-Identifier: ISC */
/*
 * cs_hold.c - connections that complete the TLS handshake (TLS 1.3,
 * ALPN casesync/1, no certificate, as an enrolling laptop would) and
 * then never send Hello, for the integration tests of the per-address
 * limit and the Hello deadline (docs/PROTOCOL.md, "Connections").
 *
 *   cs_hold -s 127.0.0.1:PORT [-b SOURCE-ADDR] -n N [-w SECS]
 *
 * Opens N connections one after the other from SOURCE-ADDR (e.g.
 * 127.0.0.2: every address of 127/8 is local on Linux) and prints
 * "held H refused R" (a refused one is closed by the server before its
 * handshake completes, or whose handshake fails).  Then waits at most
 * SECS seconds (default 30) for the server to close the held ones and
 * prints "closed C of H after S s".
 */
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#define HOLD_MAX	100000

static void
usage(void)
{
	fprintf(stderr, "usage: cs_hold -s addr:port [-b source-addr] -n N "
	    "[-w secs]\n");
	exit(2);
}

static int
hold_connect(const struct sockaddr_in *dst, const char *src)
{
	struct sockaddr_in	sa;
	struct timeval		tv = { 5, 0 };
	int			fd;

	if ((fd = socket(AF_INET, SOCK_STREAM, 0)) == -1)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv)) == -1)
		goto fail;
	if (src != NULL) {
		memset(&sa, 0, sizeof(sa));
		sa.sin_family = AF_INET;
		if (inet_pton(AF_INET, src, &sa.sin_addr) != 1 ||
		    bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1)
			goto fail;
	}
	if (connect(fd, (const struct sockaddr *)dst, sizeof(*dst)) == -1)
		goto fail;
	return fd;
 fail:
	close(fd);
	return -1;
}

int
main(int argc, char *argv[])
{
	static const unsigned char	 alpn[] = "\x0a" "casesync/1";
	struct sockaddr_in		 dst;
	struct timespec			 t0, t1;
	struct pollfd			*pfd;
	SSL_CTX				*ctx;
	SSL				*ssl;
	const char			*server = NULL, *src = NULL;
	char				 host[64], *colon, b[256];
	unsigned long			 n = 0, wait_s = 30, i, held = 0;
	unsigned long			 refused = 0, closed = 0;
	int				 ch, fd, k;

	signal(SIGPIPE, SIG_IGN);
	while ((ch = getopt(argc, argv, "b:n:s:w:")) != -1) {
		switch (ch) {
		case 'b':
			src = optarg;
			break;
		case 'n':
			n = strtoul(optarg, NULL, 10);
			break;
		case 's':
			server = optarg;
			break;
		case 'w':
			wait_s = strtoul(optarg, NULL, 10);
			break;
		default:
			usage();
		}
	}
	if (server == NULL || n == 0 || n > HOLD_MAX ||
	    (colon = strrchr(server, ':')) == NULL ||
	    (size_t)(colon - server) >= sizeof(host))
		usage();
	memcpy(host, server, (size_t)(colon - server));
	host[colon - server] = '\0';
	memset(&dst, 0, sizeof(dst));
	dst.sin_family = AF_INET;
	dst.sin_port = htons((uint16_t)strtoul(colon + 1, NULL, 10));
	if (inet_pton(AF_INET, host, &dst.sin_addr) != 1)
		usage();
	if ((pfd = calloc(n, sizeof(*pfd))) == NULL ||
	    (ctx = SSL_CTX_new(TLS_client_method())) == NULL ||
	    SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION) != 1 ||
	    SSL_CTX_set_alpn_protos(ctx, alpn, sizeof(alpn) - 1) != 0) {
		fprintf(stderr, "cs_hold: setup failed\n");
		return 1;
	}
	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	for (i = 0; i < n; i++) {
		if ((fd = hold_connect(&dst, src)) == -1) {
			refused++;
			continue;
		}
		/*
		 * The socket stays open after SSL_free: the server is to
		 * see a quiet peer, not a close_notify.
		 */
		if ((ssl = SSL_new(ctx)) == NULL || SSL_set_fd(ssl, fd) != 1 ||
		    SSL_connect(ssl) != 1) {
			SSL_free(ssl);
			close(fd);
			refused++;
			ERR_clear_error();
			continue;
		}
		/*
		 * A server that refuses at accept hangs up at once; the
		 * handshake may still have looked complete from here (TLS
		 * 1.3: the client's Finished goes out unanswered).  A held
		 * connection has nothing to read for a moment.
		 */
		pfd[held].fd = fd;
		pfd[held].events = POLLIN;
		if (poll(&pfd[held], 1, 20) == 1 &&
		    (k = (int)read(fd, b, sizeof(b))) <= 0 &&
		    (k == 0 || errno != EAGAIN)) {
			SSL_free(ssl);
			close(fd);
			refused++;
			continue;
		}
		SSL_free(ssl);
		held++;
	}
	printf("held %lu refused %lu\n", held, refused);
	fflush(stdout);

	/* now the server must close every held one on its own */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	t1 = t0;
	while (closed < held && t1.tv_sec - t0.tv_sec < (time_t)wait_s) {
		if (poll(pfd, held, 200) > 0) {
			for (i = 0; i < held; i++) {
				if (pfd[i].fd < 0 || pfd[i].revents == 0)
					continue;
				k = (int)read(pfd[i].fd, b, sizeof(b));
				if (k > 0)
					continue;	/* e.g. an alert */
				close(pfd[i].fd);
				pfd[i].fd = -1;
				closed++;
			}
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
	}
	printf("closed %lu of %lu after %lld s\n", closed, held,
	    (long long)(t1.tv_sec - t0.tv_sec));
	for (i = 0; i < held; i++)
		if (pfd[i].fd >= 0)
			close(pfd[i].fd);
	free(pfd);
	SSL_CTX_free(ctx);
	return 0;
}
