/* SPDX-License-Identifier: ISC */
/*
 * test_wire_addr.c - the form of a service address (netaddr.h) and
 * Welcome.addresses in wire_decode(): host names, IPv4 and [IPv6] with
 * a port 1..65535 are taken; empty parts, spaces and control bytes,
 * zone ids, resolver spellings of numbers ("127.1", "0x7f000001"),
 * unspecified and broadcast addresses, ports 0, 65536 and "080", names
 * with bad labels, more than 255 bytes, more than 8 addresses and the
 * same address twice are refused.  A Welcome carrying any of those is
 * refused as a whole before the laptop looks at it; msg_get_welcome()
 * hands over a good list in order.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "errors.h"
#include "frame.h"
#include "msg.h"
#include "msg_session.h"
#include "test.h"
#include "wire.h"
#include "netaddr.h"

static const char *const good[] = {
	"localhost:4433",
	"casesync.example.nl:443",
	"CaseSync-2.Example.NL:1",
	"a:65535",
	"127.0.0.1:4433",
	"10.1.2.3:9",
	"[::1]:4433",
	"[2001:db8::7]:443",
	"[::ffff:192.0.2.1]:443",
	"xn--bcher-kva.example:80",
	"9a.example:80",		/* a label may start with a digit */
};

static const char *const bad[] = {
	"",
	":443",
	"localhost",
	"localhost:",
	"localhost:0",
	"localhost:65536",
	"localhost:080",
	"localhost:+80",
	"localhost:80 ",
	" localhost:80",
	"local host:80",
	"localhost:80\n",
	"local\tost:80",
	"localhost:https",
	"localhost:80:81",
	"-evil:80",
	"evil-:80",
	"a..b:80",
	".example:80",
	"example.:80",
	"exa_mple:80",
	"ex\x7f" "ample:80",
	"caf\xc3\xa9.nl:80",
	"127.1:80",
	"1.2.3.4.5:80",
	"0x7f000001:80",
	"0x7f.1:80",
	"017.0.0.1:80",
	"2130706433:80",
	"1.2.3.256:80",
	"0.0.0.0:80",
	"255.255.255.255:80",
	"::1:80",
	"[::1]",
	"[::1]80",
	"[::]:80",
	"[fe80::1%eth0]:80",
	"[localhost]:80",
	"[127.0.0.1]:80",
	"[::1]:0",
	"[[::1]]:80",
	"user@host:80",
	"host/path:80",
	"http://host:80",
};

static void
test_forms(void)
{
	char	host[256], port[8];
	size_t	i;

	TEST_START("netaddr_ok: the good forms");
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		if (!netaddr_ok(good[i])) {
			fprintf(stderr, "refused: %s\n", good[i]);
			ASSERT_TRUE(0);
		}
	TEST_DONE();

	TEST_START("netaddr_ok: the bad forms");
	ASSERT_INT_EQ(netaddr_ok(NULL), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (netaddr_ok(bad[i])) {
			fprintf(stderr, "taken: \"%s\"\n", bad[i]);
			ASSERT_TRUE(0);
		}
	TEST_DONE();

	TEST_START("netaddr_split: host without brackets, port");
	ASSERT_INT_EQ(netaddr_split("[2001:db8::7]:443", host, sizeof(host),
	    port, sizeof(port)), 0);
	ASSERT_STR_EQ(host, "2001:db8::7");
	ASSERT_STR_EQ(port, "443");
	ASSERT_INT_EQ(netaddr_split("a.example:1", host, sizeof(host), port,
	    sizeof(port)), 0);
	ASSERT_STR_EQ(host, "a.example");
	ASSERT_STR_EQ(port, "1");
	/* too small a buffer is a refusal, never a cut host */
	ASSERT_INT_EQ(netaddr_split("a.example:1", host, 9, port,
	    sizeof(port)), CS_ERR_FORMAT);
	ASSERT_INT_EQ(netaddr_split("a.example:12345", host, sizeof(host),
	    port, 5), CS_ERR_FORMAT);
	ASSERT_INT_EQ(netaddr_split("a.example", host, sizeof(host), port,
	    sizeof(port)), CS_ERR_FORMAT);
	TEST_DONE();
}

/* A name of "len" bytes: labels of 63 'a' with dots, ending in 'b'. */
static void
name_of(char *dst, size_t len)
{
	size_t	i;

	for (i = 0; i < len; i++)
		dst[i] = (i + 1) % 64 == 0 ? '.' : 'a';
	dst[len - 1] = 'b';
	dst[len] = '\0';
}

static void
test_lengths(void)
{
	char	s[600];
	size_t	n;

	TEST_START("netaddr_ok: a 63-byte label, not 64; 253-byte names");
	memset(s, 'a', 63);
	memcpy(s + 63, ".nl:80", sizeof(".nl:80"));
	ASSERT_INT_EQ(netaddr_ok(s), 1);
	memset(s, 'a', 64);
	memcpy(s + 64, ".nl:80", sizeof(".nl:80"));
	ASSERT_INT_EQ(netaddr_ok(s), 0);
	name_of(s, 253);
	memcpy(s + 253, ":1", sizeof(":1"));
	ASSERT_INT_EQ(netaddr_ok(s), 1);		/* 255 bytes */
	name_of(s, 253);
	memcpy(s + 253, ":65535", sizeof(":65535"));	/* 259 bytes */
	ASSERT_INT_EQ(netaddr_ok(s), 0);
	name_of(s, 254);
	memcpy(s + 254, ":1", sizeof(":1"));
	ASSERT_INT_EQ(netaddr_ok(s), 0);
	n = 500;
	name_of(s, n);
	memcpy(s + n, ":1", sizeof(":1"));
	ASSERT_INT_EQ(netaddr_ok(s), 0);
	TEST_DONE();
}

static void
test_lists(void)
{
	const char	*l[NETADDR_LIST_MAX + 1];
	char		 buf[NETADDR_LIST_MAX + 1][32];
	size_t		 i;

	TEST_START("netaddr_list_ok: 0..8 distinct addresses");
	for (i = 0; i <= NETADDR_LIST_MAX; i++) {
		snprintf(buf[i], sizeof(buf[i]), "h%zu.example:%zu", i, i + 1);
		l[i] = buf[i];
	}
	ASSERT_INT_EQ(netaddr_list_ok(NULL, 0), 1);
	ASSERT_INT_EQ(netaddr_list_ok(NULL, 1), 0);
	ASSERT_INT_EQ(netaddr_list_ok(l, 1), 1);
	ASSERT_INT_EQ(netaddr_list_ok(l, NETADDR_LIST_MAX), 1);
	ASSERT_INT_EQ(netaddr_list_ok(l, NETADDR_LIST_MAX + 1), 0);
	memcpy(buf[3], "H1.EXAMPLE:2", sizeof("H1.EXAMPLE:2"));
	ASSERT_INT_EQ(netaddr_list_ok(l, 4), 0);		/* twice */
	memcpy(buf[3], "h3.example:", sizeof("h3.example:"));
	ASSERT_INT_EQ(netaddr_list_ok(l, 4), 0);		/* one bad */
	TEST_DONE();
}

/* Encode a Welcome with "addrs" and decode it: 0 or the error. */
static int
welcome_rt(char **addrs, size_t n, struct msg **out)
{
	Casesync__V1__Welcome	 w;
	wire_env		 env, *dec = NULL;
	struct buf		*b;
	const uint8_t		*p;
	size_t			 len;
	int			 r;

	casesync__v1__envelope__init(&env);
	casesync__v1__welcome__init(&w);
	w.server_version = "t";
	w.addresses = addrs;
	w.n_addresses = n;
	env.id = 1;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_WELCOME;
	env.welcome = &w;
	b = buf_new(FRAME_MAX_DEFAULT);
	ASSERT_INT_EQ(wire_encode(&env, FRAME_MAX_DEFAULT, b), 0);
	ASSERT_INT_EQ(frame_get(b, FRAME_MAX_DEFAULT, &p, &len), 0);
	r = wire_decode(p, len, &dec);
	buf_free(b);
	if (r != 0)
		ASSERT_PTR_EQ(dec, NULL);
	*out = env_msg(dec);
	return r;
}

static void
test_welcome(void)
{
	char			*l[NETADDR_LIST_MAX + 1];
	char			 buf[NETADDR_LIST_MAX + 1][300];
	struct msg		*m = NULL;
	struct msg_welcome	 w;
	size_t			 i;

	for (i = 0; i <= NETADDR_LIST_MAX; i++) {
		snprintf(buf[i], sizeof(buf[i]), "[2001:db8::%zu]:%zu", i + 1,
		    443 + i);
		l[i] = buf[i];
	}
	TEST_START("Welcome: addresses handed over in order");
	ASSERT_INT_EQ(welcome_rt(l, 3, &m), 0);
	ASSERT_INT_EQ(msg_get_welcome(m, &w), 0);
	ASSERT_INT_EQ(w.n_addresses, 3);
	ASSERT_STR_EQ(w.addresses[0], "[2001:db8::1]:443");
	ASSERT_STR_EQ(w.addresses[2], "[2001:db8::3]:445");
	msg_free(m);
	ASSERT_INT_EQ(welcome_rt(NULL, 0, &m), 0);	/* none: keep yours */
	ASSERT_INT_EQ(msg_get_welcome(m, &w), 0);
	ASSERT_INT_EQ(w.n_addresses, 0);
	msg_free(m);
	ASSERT_INT_EQ(welcome_rt(l, NETADDR_LIST_MAX, &m), 0);
	msg_free(m);
	TEST_DONE();

	TEST_START("Welcome: a bad list refuses the whole Welcome");
	ASSERT_INT_EQ(welcome_rt(l, NETADDR_LIST_MAX + 1, &m), CS_ERR_FORMAT);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memcpy(buf[1], bad[i], strlen(bad[i]) + 1);
		ASSERT_INT_EQ(welcome_rt(l, 2, &m), CS_ERR_FORMAT);
	}
	/* 256 bytes: one more than an address may have */
	name_of(buf[1], 250);
	memcpy(buf[1] + 250, ":44433", sizeof(":44433"));
	ASSERT_INT_EQ(welcome_rt(l, 2, &m), CS_ERR_FORMAT);
	memcpy(buf[1], buf[0], strlen(buf[0]) + 1);	/* twice */
	ASSERT_INT_EQ(welcome_rt(l, 2, &m), CS_ERR_FORMAT);
	TEST_DONE();
}

int
main(void)
{
	test_forms();
	test_lengths();
	test_lists();
	test_welcome();
	return 0;
}
