/* SPDX-License-Identifier: ISC */
/*
 * test_config.c - casesyncd.conf parsing: good files, every kind of
 * bad line, boundaries of the numeric keys.
 */
#include <string.h>

#include "config.h"
#include "errors.h"
#include "frame.h"
#include "test.h"

static int
parse(struct config *c, const char *text, char *err, size_t errlen)
{
	config_defaults(c);
	return config_parse(c, text, strlen(text), err, errlen);
}

static void
test_config_good(void)
{
	static const char	text[] =
	    "# comment\n"
	    "\n"
	    "listen = 0.0.0.0:4443\n"
	    "  server_name=casesync.example.nl  \r\n"
	    "data_dir = /var/lib/casesync\n"
	    "workers = 4\n"
	    "idle_timeout = 5m\n"
	    "handshake_timeout = 7\n"
	    "max_frame = 2097152\n"
	    "hello_timeout = 3s\n"
	    "max_pending_per_address = 8\n"
	    "device_cert_lifetime = 14d\n"
	    "enroll_fail_limit = 3\n"
	    "enroll_fail_window = 1h";
	struct config	c;
	char		err[256], p[2048];

	TEST_START("config_parse accepts a complete file");
	ASSERT_INT_EQ(parse(&c, text, err, sizeof(err)), 0);
	ASSERT_STR_EQ(c.listen_host, "0.0.0.0");
	ASSERT_STR_EQ(c.listen_port, "4443");
	ASSERT_STR_EQ(c.server_name, "casesync.example.nl");
	ASSERT_INT_EQ(c.workers, 4);
	ASSERT_INT_EQ(c.idle_timeout_ms, 300000);
	ASSERT_INT_EQ(c.handshake_timeout_ms, 7000);
	ASSERT_INT_EQ(c.max_frame, 2097152);
	ASSERT_INT_EQ(c.hello_timeout_ms, 3000);
	ASSERT_INT_EQ(c.max_pending_per_address, 8);
	ASSERT_INT_EQ(c.device_cert_lifetime, 14 * 86400);
	ASSERT_INT_EQ(c.enroll_fail_limit, 3);
	ASSERT_INT_EQ(c.enroll_fail_window, 3600);
	ASSERT_INT_EQ(config_check(&c, err, sizeof(err)), 0);
	ASSERT_INT_EQ(config_path(&c, "server.db", p, sizeof(p)), 0);
	ASSERT_STR_EQ(p, "/var/lib/casesync/server.db");
	TEST_DONE();
}

static void
test_config_bad(void)
{
	static const char *const bad[] = {
		"nonsense\n",
		"colour = blue\n",
		"listen = 127.0.0.1\n",
		"listen = 127.0.0.1:65536\n",
		"listen = :4433\n",
		"listen = [::1:4433\n",
		"workers = -1\n",
		"workers = 65\n",
		"workers = 4x\n",
		"max_frame = 4095\n",
		"max_frame = 8192\n",
		"max_frame = 65536\n",
		"max_frame = 1048576\n",
		"max_frame = 2097151\n",
		"hello_timeout = 0\n",
		"hello_timeout = 61s\n",
		"max_pending_per_address = 0\n",
		"max_pending_per_address = 1000001\n",
		"max_frame = 67108865\n",
		"idle_timeout = 0\n",
		"idle_timeout = 2d\n",
		"data_dir = relative/path\n",
		"server_name =\n",
		"enroll_fail_limit = 99999999999999999999999\n",
		"glass_limit_per_day = 0\n",
		"glass_limit_per_day = 101\n",
	};
	struct config	c;
	char		err[256];
	size_t		i;

	TEST_START("config_parse rejects bad lines and names the line");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (parse(&c, bad[i], err, sizeof(err)) != CS_ERR_CONFIG)
			TEST_FAIL_("accepted: %s", bad[i]);
		ASSERT_TRUE(strstr(err, "line 1") != NULL);
	}
	ASSERT_INT_EQ(parse(&c, "# ok\nworkers = 2\nbogus\n", err,
	    sizeof(err)), CS_ERR_CONFIG);
	ASSERT_TRUE(strstr(err, "line 3") != NULL);
	TEST_DONE();
}

static void
test_config_edges(void)
{
	struct config	c;
	char		err[256], line[2100];
	static const char	nul[] = "workers = 1\0\n";

	TEST_START("config_parse: NUL bytes, long lines, IPv6, missing keys");
	ASSERT_INT_EQ(config_parse(&c, nul, sizeof(nul) - 1, err,
	    sizeof(err)), CS_ERR_CONFIG);
	memset(line, 'a', sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	ASSERT_INT_EQ(parse(&c, line, err, sizeof(err)), CS_ERR_CONFIG);
	ASSERT_TRUE(strstr(err, "too long") != NULL);
	ASSERT_INT_EQ(parse(&c, "listen = [::1]:0\n", err, sizeof(err)), 0);
	ASSERT_STR_EQ(c.listen_host, "::1");
	ASSERT_STR_EQ(c.listen_port, "0");
	ASSERT_INT_EQ(c.glass_limit_per_day, 3);	/* the default */
	ASSERT_INT_EQ(parse(&c, "glass_limit_per_day = 5\n", err,
	    sizeof(err)), 0);
	ASSERT_INT_EQ(c.glass_limit_per_day, 5);
	ASSERT_INT_EQ(parse(&c, "max_frame = 2097152\n", err, sizeof(err)), 0);
	ASSERT_INT_EQ(c.max_frame, CONFIG_MAX_FRAME_MIN);
	ASSERT_INT_EQ(parse(&c, "max_frame = 67108864\n", err, sizeof(err)),
	    0);
	ASSERT_INT_EQ(c.max_frame, FRAME_MAX_LIMIT);
	ASSERT_INT_EQ(parse(&c, "", err, sizeof(err)), 0);
	ASSERT_INT_EQ(config_check(&c, err, sizeof(err)), CS_ERR_CONFIG);
	TEST_DONE();

	TEST_START("config_parse: a max_frame out of range names the range");
	ASSERT_INT_EQ(parse(&c, "max_frame = 65536\n", err, sizeof(err)),
	    CS_ERR_CONFIG);
	ASSERT_TRUE(strstr(err, "2097152..67108864") != NULL);
	config_defaults(&c);
	ASSERT_INT_EQ(c.hello_timeout_ms, 10000);
	ASSERT_INT_EQ(c.max_pending_per_address, 32);
	TEST_DONE();
}

static void
test_config_addresses(void)
{
	struct config	c;
	char		err[512];

	TEST_START("config_parse: addresses, 1..8 of HOST:PORT, each once");
	config_defaults(&c);
	ASSERT_INT_EQ(c.n_addresses, 0);
	ASSERT_INT_EQ(parse(&c, "addresses = a.example.nl:443 \t"
	    "[2001:db8::1]:4433  10.0.0.1:1\n", err, sizeof(err)), 0);
	ASSERT_INT_EQ(c.n_addresses, 3);
	ASSERT_STR_EQ(c.addresses[0], "a.example.nl:443");
	ASSERT_STR_EQ(c.addresses[1], "[2001:db8::1]:4433");
	ASSERT_STR_EQ(c.addresses[2], "10.0.0.1:1");
	ASSERT_INT_EQ(parse(&c, "addresses = a:1 b:2 c:3 d:4 e:5 f:6 g:7 "
	    "h:8\n", err, sizeof(err)), 0);
	ASSERT_INT_EQ(c.n_addresses, 8);
	ASSERT_INT_EQ(parse(&c, "addresses = a:1 b:2 c:3 d:4 e:5 f:6 g:7 "
	    "h:8 i:9\n", err, sizeof(err)), CS_ERR_CONFIG);
	ASSERT_TRUE(strstr(err, "line 1: addresses: at most 8") != NULL);
	ASSERT_INT_EQ(parse(&c, "addresses = a:1 b:0\n", err, sizeof(err)),
	    CS_ERR_CONFIG);
	ASSERT_TRUE(strstr(err, "\"b:0\" is not HOST:PORT") != NULL);
	ASSERT_INT_EQ(parse(&c, "addresses = a:1 A:1\n", err, sizeof(err)),
	    CS_ERR_CONFIG);
	ASSERT_TRUE(strstr(err, "listed twice") != NULL);
	ASSERT_INT_EQ(parse(&c, "addresses =\n", err, sizeof(err)),
	    CS_ERR_CONFIG);
	ASSERT_INT_EQ(parse(&c, "addresses = 127.1:80\n", err, sizeof(err)),
	    CS_ERR_CONFIG);
	ASSERT_INT_EQ(parse(&c, "addresses = [fe80::1%eth0]:80\n", err,
	    sizeof(err)), CS_ERR_CONFIG);
	/* a refused list leaves the one before as it was */
	ASSERT_INT_EQ(parse(&c, "addresses = a:1 b:2\n", err, sizeof(err)),
	    0);
	ASSERT_INT_EQ(config_parse(&c, "addresses = c:3 d:0\n",
	    strlen("addresses = c:3 d:0\n"), err, sizeof(err)),
	    CS_ERR_CONFIG);
	ASSERT_INT_EQ(c.n_addresses, 2);
	ASSERT_STR_EQ(c.addresses[0], "a:1");
	TEST_DONE();
}

static void
test_config_report_names(void)
{
	struct config	c;
	char		err[512];

	TEST_START("config_parse: report_names = names|roles");
	config_defaults(&c);
	ASSERT_STR_EQ(c.report_names, "names");
	ASSERT_INT_EQ(parse(&c, "report_names = roles\n", err, sizeof(err)),
	    0);
	ASSERT_STR_EQ(c.report_names, "roles");
	ASSERT_INT_EQ(parse(&c, "report_names = names\n", err, sizeof(err)),
	    0);
	ASSERT_STR_EQ(c.report_names, "names");
	ASSERT_INT_EQ(parse(&c, "report_names = Roles\n", err, sizeof(err)),
	    CS_ERR_CONFIG);
	ASSERT_TRUE(strstr(err, "report_names") != NULL);
	ASSERT_INT_EQ(parse(&c, "report_names =\n", err, sizeof(err)),
	    CS_ERR_CONFIG);
	ASSERT_INT_EQ(parse(&c, "report_names = initials\n", err,
	    sizeof(err)), CS_ERR_CONFIG);
	ASSERT_STR_EQ(c.report_names, "names");
	TEST_DONE();
}

int
main(void)
{
	test_config_good();
	test_config_bad();
	test_config_edges();
	test_config_addresses();
	test_config_report_names();
	return 0;
}
