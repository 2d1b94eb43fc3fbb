/* SPDX-License-Identifier: ISC */
/*
 * cs_probe.c - a deliberately misbehaving client for the integration
 * tests: it speaks just enough of the protocol to send what a real
 * client never would, and prints one word saying how the server
 * answered ("welcome", "pong", "error CODE", "closed", "tls-failed").
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/pem.h>
#include <sodium.h>

#include "conn.h"
#include "errors.h"
#include "frame.h"
#include "log.h"
#include "util.h"
#include "wire.h"

static void
usage(void)
{
	fprintf(stderr, "usage: cs_probe -s host:port [-n name] "
	    "(-P fingerprint | -C ca.pem) [-c cert.pem -k key.pem] mode [n]\n"
	    "modes: hello ping unauth-ping before-hello bigframe N random N "
	    "unknown-msg\n");
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

static int
send_ping(struct conn *c, wire_env **rep)
{
	wire_env		env;
	Casesync__V1__Ping	ping;

	casesync__v1__envelope__init(&env);
	casesync__v1__ping__init(&ping);
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_PING;
	env.ping = &ping;
	return conn_call(c, &env, rep);
}

int
main(int argc, char *argv[])
{
	struct conn_opts	 o;
	struct conn		*c = NULL;
	wire_env		*e = NULL;
	uint8_t			 pin[PKI_HASH_LEN], hdr[FRAME_HDR_LEN], *rnd;
	const char		*mode;
	uint64_t		 n = 0;
	int			 ch, r;

	log_init(1, "cs_probe");
	if (sodium_init() < 0)
		return 1;
	memset(&o, 0, sizeof(o));
	o.timeout_ms = 5000;
	while ((ch = getopt(argc, argv, "C:P:c:k:n:s:")) != -1) {
		switch (ch) {
		case 'C':
			o.ca = read_cert(optarg);
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
	if (argc > 1 && parse_u64(argv[1], 0, UINT32_MAX, &n) != 0)
		usage();

	if ((r = conn_open(&o, &c)) != 0) {
		printf("tls-failed %s\n", cs_err(r));
		return 0;
	}
	if (strcmp(mode, "before-hello") == 0)
		r = send_ping(c, &e);
	else if (strcmp(mode, "bigframe") == 0) {
		frame_hdr(hdr, (uint32_t)n);
		if ((r = conn_send_raw(c, hdr, sizeof(hdr))) == 0)
			r = conn_recv(c, &e);
	} else if (strcmp(mode, "random") == 0) {
		if ((rnd = malloc(n + 1)) == NULL)
			return 1;
		randombytes_buf(rnd, n + 1);
		if ((r = conn_send_raw(c, rnd, n)) == 0)
			r = conn_recv(c, &e);
		free(rnd);
	} else {
		if ((r = conn_hello(c, NULL, &e)) != 0 ||
		    strcmp(mode, "hello") == 0)
			goto done;
		wire_free(e);
		e = NULL;
		if (strcmp(mode, "ping") == 0 ||
		    strcmp(mode, "unauth-ping") == 0)
			r = send_ping(c, &e);
		else if (strcmp(mode, "unknown-msg") == 0) {
			/* field 99, varint 1: a message from the future */
			static const uint8_t fut[] = { 0, 0, 0, 5,
			    0x08, 0x07, 0x98, 0x06, 0x01 };
			if ((r = conn_send_raw(c, fut, sizeof(fut))) == 0)
				r = conn_recv(c, &e);
		} else
			usage();
	}
 done:
	if (r == 0 && e != NULL &&
	    e->msg_case == CASESYNC__V1__ENVELOPE__MSG_ERROR)
		r = CS_ERR_PEER;
	report(r, e);
	conn_close(c);
	X509_free(o.ca);
	X509_free(o.cert);
	EVP_PKEY_free(o.key);
	return 0;
}
