/* SPDX-License-Identifier: ISC */
/*
 * test_agent.c - unit tests for the agent's socket (client/core/
 * agent.c): the directory and socket checks (a directory with group or
 * other bits, a socket with them, a path too long for sun_path, none
 * there), a second agent refused while one listens and a dead one's
 * socket replaced; and the protocol with the agent side in this process
 * and each client in a child: the key to its own vault, nothing to
 * another vault's id, "stale" and forgotten for an outdated salt, a
 * FORGET wipes before it answers, a request arriving byte by byte is
 * served, one that stalls past AGENT_IO_MS, one that is short or has a
 * byte too many gets nothing, and the agent serves on after each.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "agent.h"
#include "buf.h"
#include "errors.h"
#include "log.h"
#include "util.h"
#include "vault.h"
#include "test.h"

static char			 top[PATH_MAX], sockp[AGENT_PATH_MAX];
static char			 longdir[200];
static uint8_t			 vid[VAULT_LOCKID_LEN];
static struct vault_unlock	*held;

static void
new_held(void)
{
	ASSERT_INT_EQ(vault_unlock_new(&held), 0);
	randombytes_buf(held->kek, sizeof(held->kek));
	memcpy(held->id, vid, sizeof(vid));
}

/* Wait (bounded) for a connection and answer it. */
static int
serve_one(int lfd)
{
	struct pollfd	pfd = { lfd, POLLIN, 0 };

	ASSERT_INT_EQ(poll(&pfd, 1, 5000), 1);
	return agent_serve(lfd, &held);
}

static void
msleep(long ms)
{
	struct timespec	ts = { ms / 1000, (ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/*
 * In a child: send "req" ("len" bytes; one at a time "gap" ms apart if
 * gap > 0) and exit with the number of reply bytes (0: closed), or 99.
 */
static pid_t
raw_client(const uint8_t *req, size_t len, long gap)
{
	struct sockaddr_un	sun;
	uint8_t			rep[AGENT_MSG_LEN + 8];
	size_t			i, got = 0;
	ssize_t			n;
	pid_t			pid;
	int			fd;

	if ((pid = fork()) != 0)
		return pid;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, sockp, strlen(sockp) + 1);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1)
		_exit(99);
	for (i = 0; i < len; i += gap > 0 ? 1 : len) {
		if (send(fd, req + i, gap > 0 ? 1 : len, MSG_NOSIGNAL) < 0)
			_exit(99);
		if (gap > 0)
			msleep(gap);
	}
	while ((n = recv(fd, rep + got, sizeof(rep) - got, 0)) > 0)
		got += (size_t)n;
	_exit((int)got);
}

static int
child_exit(pid_t pid)
{
	int	st;

	ASSERT_INT_EQ(waitpid(pid, &st, 0), pid);
	ASSERT_TRUE(WIFEXITED(st));
	return WEXITSTATUS(st);
}

static void
make_req(uint8_t req[AGENT_MSG_LEN], uint32_t op, const uint8_t *id)
{
	memcpy(req, AGENT_MAGIC, AGENT_MAGIC_LEN);
	buf_store_u32(req + AGENT_MAGIC_LEN, op);
	memcpy(req + AGENT_MAGIC_LEN + 4, id, VAULT_LOCKID_LEN);
}

static void
test_paths(void)
{
	char	x[PATH_MAX], d[PATH_MAX], e[PATH_MAX], p[AGENT_PATH_MAX];

	TEST_START("agent_path: private directory made, loose ones and long "
	    "paths refused");
	ASSERT_INT_EQ(str_fmt(x, sizeof(x), "%s/run", top), 0);
	ASSERT_INT_EQ(mkdir(x, 0700), 0);
	ASSERT_INT_EQ(setenv("XDG_RUNTIME_DIR", x, 1), 0);
	ASSERT_INT_EQ(agent_path(top, vid, 0, p), CS_ERR_NOT_FOUND);
	ASSERT_INT_EQ(agent_path(top, vid, 1, p), 0);
	ASSERT_INT_EQ(str_fmt(d, sizeof(d), "%s/casesync", x), 0);
	ASSERT_TRUE(strncmp(p, d, strlen(d)) == 0);
	ASSERT_INT_EQ(strlen(p), strlen(d) + 1 + 32 + 5);
	ASSERT_INT_EQ(chmod(d, 0750), 0);
	ASSERT_INT_EQ(agent_path(top, vid, 0, p), CS_ERR_AUTH);
	ASSERT_INT_EQ(agent_path(top, vid, 1, p), CS_ERR_AUTH);
	ASSERT_INT_EQ(chmod(d, 0700), 0);
	/* a path sun_path cannot hold (its casesync/ is made, then removed) */
	memset(longdir, 'l', sizeof(longdir) - 1);
	longdir[sizeof(longdir) - 1] = '\0';
	ASSERT_INT_EQ(str_fmt(d, sizeof(d), "%s/%s", x, longdir), 0);
	ASSERT_INT_EQ(mkdir(d, 0700), 0);
	ASSERT_INT_EQ(setenv("XDG_RUNTIME_DIR", d, 1), 0);
	ASSERT_INT_EQ(agent_path(top, vid, 1, p), CS_ERR_TOO_LARGE);
	ASSERT_STR_EQ(p, "");
	ASSERT_INT_EQ(str_fmt(e, sizeof(e), "%s/casesync", d), 0);
	ASSERT_INT_EQ(rmdir(e), 0);
	/* without XDG_RUNTIME_DIR: DATADIR/agent */
	ASSERT_INT_EQ(unsetenv("XDG_RUNTIME_DIR"), 0);
	ASSERT_INT_EQ(agent_path(top, vid, 1, p), 0);
	ASSERT_INT_EQ(str_fmt(d, sizeof(d), "%s/agent/", top), 0);
	ASSERT_TRUE(strncmp(p, d, strlen(d)) == 0);
	ASSERT_INT_EQ(setenv("XDG_RUNTIME_DIR", x, 1), 0);
	TEST_DONE();
}

static void
test_protocol(void)
{
	struct vault_unlock	*got = NULL;
	uint8_t			 other[VAULT_LOCKID_LEN], req[AGENT_MSG_LEN];
	uint8_t			 big[AGENT_MSG_LEN + 1];
	pid_t			 pid;
	int			 lfd, lfd2, st;

	TEST_START("agent protocol: served, other vault, stale, forget, "
	    "hostile requests");
	ASSERT_INT_EQ(agent_path(top, vid, 1, sockp), 0);
	ASSERT_INT_EQ(agent_get(top, vid, &got, &st), CS_ERR_NOT_FOUND);
	ASSERT_INT_EQ(st, -1);
	ASSERT_INT_EQ(agent_listen(sockp, &lfd), 0);
	ASSERT_INT_EQ(agent_listen(sockp, &lfd2), CS_ERR_EXISTS);
	(void)serve_one(lfd);	/* the second listen's probe */
	new_held();

	/* the key to its own vault */
	if ((pid = fork()) == 0) {
		if (agent_get(top, vid, &got, &st) != 0 || st != AGENT_ST_OK ||
		    sodium_memcmp(got->kek, held->kek, VAULT_KEK_LEN) != 0 ||
		    memcmp(got->id, vid, VAULT_LOCKID_LEN) != 0)
			_exit(1);
		_exit(0);
	}
	ASSERT_INT_EQ(serve_one(lfd), AGENT_SERVED);
	ASSERT_INT_EQ(child_exit(pid), 0);

	/* another vault's id (named another socket: asked here directly) */
	memcpy(other, vid, sizeof(other));
	other[0] ^= 1;
	make_req(req, AGENT_OP_GET, other);
	pid = raw_client(req, sizeof(req), 0);
	ASSERT_INT_EQ(serve_one(lfd), 0);
	ASSERT_INT_EQ(child_exit(pid), AGENT_MSG_LEN);

	/* byte by byte within the deadline: served */
	make_req(req, AGENT_OP_GET, vid);
	pid = raw_client(req, sizeof(req), 5);
	ASSERT_INT_EQ(serve_one(lfd), AGENT_SERVED);
	ASSERT_INT_EQ(child_exit(pid), AGENT_MSG_LEN);
	/* short, then silent past AGENT_IO_MS: nothing */
	pid = raw_client(req, sizeof(req) - 1, 0);
	ASSERT_INT_EQ(serve_one(lfd), 0);
	ASSERT_INT_EQ(child_exit(pid), 0);
	/* a byte too many: nothing */
	memcpy(big, req, sizeof(req));
	big[AGENT_MSG_LEN] = 0;
	pid = raw_client(big, sizeof(big), 0);
	msleep(100);		/* all of it there before the agent reads */
	ASSERT_INT_EQ(serve_one(lfd), 0);
	ASSERT_INT_EQ(child_exit(pid), 0);
	/* a wrong op or magic: nothing */
	make_req(req, 3, vid);
	pid = raw_client(req, sizeof(req), 0);
	ASSERT_INT_EQ(serve_one(lfd), 0);
	ASSERT_INT_EQ(child_exit(pid), 0);
	make_req(req, AGENT_OP_GET, vid);
	req[7] = 'x';
	pid = raw_client(req, sizeof(req), 0);
	ASSERT_INT_EQ(serve_one(lfd), 0);
	ASSERT_INT_EQ(child_exit(pid), 0);
	ASSERT_PTR_NE(held, NULL);

	/* this vault, another salt (passwd since): stale, forgotten */
	memcpy(other, vid, sizeof(other));
	other[VAULT_DBID_LEN] ^= 1;
	make_req(req, AGENT_OP_GET, other);
	pid = raw_client(req, sizeof(req), 0);
	ASSERT_INT_EQ(serve_one(lfd), AGENT_FORGET);
	ASSERT_PTR_EQ(held, NULL);
	ASSERT_INT_EQ(child_exit(pid), AGENT_MSG_LEN);

	/* FORGET: wiped, then answered */
	new_held();
	if ((pid = fork()) == 0)
		_exit(agent_forget(top, vid) == 0 ? 0 : 1);
	ASSERT_INT_EQ(serve_one(lfd), AGENT_FORGET);
	ASSERT_PTR_EQ(held, NULL);
	ASSERT_INT_EQ(child_exit(pid), 0);

	/* a dead agent's socket is replaced; a loose one is not used */
	close(lfd);
	ASSERT_INT_EQ(agent_get(top, vid, &got, &st), CS_ERR_NOT_FOUND);
	ASSERT_INT_EQ(agent_listen(sockp, &lfd), 0);
	ASSERT_INT_EQ(chmod(sockp, 0666), 0);
	ASSERT_INT_EQ(agent_get(top, vid, &got, &st), CS_ERR_AUTH);
	ASSERT_PTR_EQ(got, NULL);
	close(lfd);
	unlink(sockp);
	TEST_DONE();
}

static void
rm_dir(const char *a, const char *b, const char *c)
{
	char	p[PATH_MAX];

	ASSERT_INT_EQ(str_fmt(p, sizeof(p), "%s%s%s", a, b, c), 0);
	if (rmdir(p) == -1)
		TEST_FAIL_("rmdir %s: %s", p, strerror(errno));
}

/* What the tests made under "top", innermost first. */
static void
rm_tree(void)
{
	rm_dir(top, "/run/casesync", "");
	rm_dir(top, "/run/", longdir);
	rm_dir(top, "/run", "");
	rm_dir(top, "/agent", "");
	rm_dir(top, "", "");
}

int
main(void)
{
	log_init(1, "test_agent");
	if (sodium_init() < 0)
		return 1;
	ASSERT_INT_EQ(str_fmt(top, sizeof(top), "%s/test_agent.XXXXXX",
	    getenv("TMPDIR") != NULL ? getenv("TMPDIR") : "/tmp"), 0);
	ASSERT_PTR_NE(mkdtemp(top), NULL);
	randombytes_buf(vid, sizeof(vid));
	test_paths();
	test_protocol();
	vault_unlock_free(held);
	rm_tree();
	return 0;
}
