/* SPDX-License-Identifier: ISC */
/*
 * agent.c - the socket of "casesync agent" (agent.h): where it is, who
 * may use it, and its one-request protocol, for both sides.
 *
 * As ssh-agent does, the socket lives in a directory only its user can
 * enter, is made under umask 0177, and the agent asks the kernel who is
 * on the other end (SO_PEERCRED) before it reads a byte.  A client
 * checks the same from its side before it trusts an answer: the
 * directory and the socket are its own and private, and the process
 * that accepted is of its uid.  Every request is read against one
 * deadline and must be exactly AGENT_MSG_LEN bytes: a peer that sends
 * less, more or slowly gets nothing, and the agent goes back to its
 * poll within AGENT_IO_MS.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "agent.h"
#include "buf.h"
#include "errors.h"
#include "log.h"
#include "util.h"
#include "vault.h"

_Static_assert(AGENT_MSG_LEN == AGENT_MAGIC_LEN + 4 + VAULT_LOCKID_LEN,
    "request: magic, op, lock id");
_Static_assert(AGENT_MSG_LEN == AGENT_MAGIC_LEN + 4 + VAULT_KEK_LEN,
    "reply: magic, status, KEK");
_Static_assert(sizeof(((struct sockaddr_un *)0)->sun_path) ==
    AGENT_PATH_MAX, "AGENT_PATH_MAX is sun_path");

#define AGENT_OFF_CODE	AGENT_MAGIC_LEN
#define AGENT_OFF_BODY	(AGENT_MAGIC_LEN + 4)
#define AGENT_BACKLOG	16

/* Ours, a directory (not a link to one), and no group or other bits. */
static int
agent_dir_ok(const char *dir)
{
	struct stat	st;

	if (lstat(dir, &st) == -1)
		return errno == ENOENT ? CS_ERR_NOT_FOUND : CS_ERR_SYSTEM;
	if (!S_ISDIR(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & 077) != 0) {
		log_warnx("agent: %s is not a private directory of this user "
		    "(owner %u, mode %03o): not used", dir,
		    (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777));
		return CS_ERR_AUTH;
	}
	return 0;
}

int
agent_path(const char *datadir, const uint8_t id[VAULT_LOCKID_LEN],
    int make, char path[AGENT_PATH_MAX])
{
	char		 base[PATH_MAX], abs[PATH_MAX];
	char		 hex[VAULT_DBID_LEN * 2 + 1];
	const char	*x = getenv("XDG_RUNTIME_DIR");
	int		 r;

	path[0] = '\0';
	if (x != NULL && x[0] == '/')
		r = str_fmt(base, sizeof(base), "%s/casesync", x);
	else if (realpath(datadir, abs) == NULL)
		return CS_ERR_SYSTEM;
	else
		r = str_fmt(base, sizeof(base), "%s/agent", abs);
	if (r != 0)
		return r;
	if (make && mkdir(base, 0700) == -1 && errno != EEXIST) {
		log_warn("agent: %s", base);
		return CS_ERR_SYSTEM;
	}
	if ((r = agent_dir_ok(base)) != 0)
		return r;
	hex_encode(hex, id, VAULT_DBID_LEN);
	if ((r = str_fmt(path, AGENT_PATH_MAX, "%s/%s.sock", base, hex)) !=
	    0) {
		log_warnx("agent: the socket path in %s is too long for a "
		    "Unix socket: set XDG_RUNTIME_DIR to a shorter one",
		    base);
		path[0] = '\0';
		return CS_ERR_TOO_LARGE;
	}
	return 0;
}

/* The uid of the process on the other end of "fd", or -1. */
static long long
agent_peer_uid(int fd, pid_t *pid)
{
	struct ucred	cred;
	socklen_t	len = sizeof(cred);

	*pid = 0;
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == -1 ||
	    len != sizeof(cred))
		return -1;
	*pid = cred.pid;
	return (long long)cred.uid;
}

/*
 * Move all of "len" bytes in or out of the non-blocking "fd" before
 * "deadline" (time_mono_ms): 0, CS_ERR_TIMEOUT, CS_ERR_CLOSED (EOF
 * before "len") or CS_ERR_SYSTEM.
 */
static int
agent_io(int fd, uint8_t *p, size_t len, int out, int64_t deadline)
{
	struct pollfd	pfd;
	size_t		done = 0;
	int64_t		left;
	ssize_t		n;

	while (done < len) {
		if ((left = deadline - time_mono_ms()) <= 0)
			return CS_ERR_TIMEOUT;
		pfd.fd = fd;
		pfd.events = out ? POLLOUT : POLLIN;
		pfd.revents = 0;
		if (poll(&pfd, 1, (int)left) == -1) {
			if (errno == EINTR)
				continue;
			return CS_ERR_SYSTEM;
		}
		if (out)
			n = send(fd, p + done, len - done, MSG_NOSIGNAL);
		else
			n = recv(fd, p + done, len - done, 0);
		if (n == 0 && !out)
			return CS_ERR_CLOSED;
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN ||
			    errno == EWOULDBLOCK)
				continue;
			return CS_ERR_SYSTEM;
		}
		done += (size_t)n;
	}
	return 0;
}

static void
agent_hdr(uint8_t m[AGENT_MSG_LEN], uint32_t code)
{
	memset(m, 0, AGENT_MSG_LEN);
	memcpy(m, AGENT_MAGIC, AGENT_MAGIC_LEN);
	buf_store_u32(m + AGENT_OFF_CODE, code);
}

static int
agent_sockaddr(struct sockaddr_un *sun, const char *path)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	return str_fmt(sun->sun_path, sizeof(sun->sun_path), "%s", path);
}

/*
 * Connect to the agent at "path" after checking the socket file, and
 * check the process behind it: 0 and *fdp, CS_ERR_NOT_FOUND (no agent
 * there), CS_ERR_AUTH (not safe: logged).
 */
static int
agent_connect(const char *path, int *fdp)
{
	struct sockaddr_un	sun;
	struct stat		st;
	long long		uid;
	pid_t			pid;
	int			fd, r;

	*fdp = -1;
	if (lstat(path, &st) == -1)
		return errno == ENOENT ? CS_ERR_NOT_FOUND : CS_ERR_SYSTEM;
	if (!S_ISSOCK(st.st_mode) || st.st_uid != geteuid() ||
	    (st.st_mode & 077) != 0) {
		log_warnx("agent: %s is not a private socket of this user "
		    "(owner %u, mode %03o): not used", path,
		    (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777));
		return CS_ERR_AUTH;
	}
	if ((r = agent_sockaddr(&sun, path)) != 0)
		return r;
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0)) == -1)
		return CS_ERR_SYSTEM;
	/* A full backlog (EAGAIN) is an agent too busy to wait for. */
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		r = errno == ECONNREFUSED || errno == ENOENT ||
		    errno == EAGAIN ? CS_ERR_NOT_FOUND : CS_ERR_SYSTEM;
		close(fd);
		return r;
	}
	if ((uid = agent_peer_uid(fd, &pid)) != (long long)geteuid()) {
		log_warnx("agent: the process behind %s (pid %d) is not of "
		    "this user: not used", path, (int)pid);
		close(fd);
		return CS_ERR_AUTH;
	}
	*fdp = fd;
	return 0;
}

/*
 * One request "op" for the vault "id"; the reply's status in *st and,
 * with "u", its KEK in u->kek.  0, CS_ERR_NOT_FOUND, CS_ERR_AUTH,
 * CS_ERR_FORMAT (a reply we do not understand) or another error.
 */
static int
agent_call(const char *datadir, const uint8_t id[VAULT_LOCKID_LEN],
    uint32_t op, struct vault_unlock *u, int *st)
{
	char		 path[AGENT_PATH_MAX];
	uint8_t		 req[AGENT_MSG_LEN], *rep = NULL;
	int64_t		 deadline;
	uint32_t	 status;
	int		 fd = -1, r;

	*st = -1;
	if ((r = agent_path(datadir, id, 0, path)) != 0 ||
	    (r = agent_connect(path, &fd)) != 0)
		goto out;
	if ((rep = sodium_malloc(AGENT_MSG_LEN)) == NULL) {
		r = CS_ERR_ALLOC;
		goto out;
	}
	agent_hdr(req, op);
	memcpy(req + AGENT_OFF_BODY, id, VAULT_LOCKID_LEN);
	deadline = time_mono_ms() + AGENT_IO_MS;
	if ((r = agent_io(fd, req, sizeof(req), 1, deadline)) != 0 ||
	    (r = agent_io(fd, rep, AGENT_MSG_LEN, 0, deadline)) != 0) {
		/* an agent that refused us closes without a word */
		if (r == CS_ERR_CLOSED)
			r = CS_ERR_NOT_FOUND;
		goto out;
	}
	status = buf_load_u32(rep + AGENT_OFF_CODE);
	if (memcmp(rep, AGENT_MAGIC, AGENT_MAGIC_LEN) != 0 ||
	    status > AGENT_ST_FORGOT) {
		log_warnx("agent: %s: a reply in an unknown format", path);
		r = CS_ERR_FORMAT;
		goto out;
	}
	*st = (int)status;
	if (status == AGENT_ST_OK && u != NULL) {
		memcpy(u->kek, rep + AGENT_OFF_BODY, VAULT_KEK_LEN);
		memcpy(u->id, id, VAULT_LOCKID_LEN);
	}
	r = 0;
 out:
	if (rep != NULL)
		sodium_free(rep);
	if (fd != -1)
		close(fd);
	return r;
}

int
agent_get(const char *datadir, const uint8_t id[VAULT_LOCKID_LEN],
    struct vault_unlock **up, int *st)
{
	struct vault_unlock	*u = NULL;
	int			 r;

	*up = NULL;
	*st = -1;
	if ((r = vault_unlock_new(&u)) != 0)
		return r;
	if ((r = agent_call(datadir, id, AGENT_OP_GET, u, st)) != 0)
		goto out;
	if (*st != AGENT_ST_OK) {
		r = CS_ERR_NOT_FOUND;
		goto out;
	}
	if (sodium_mprotect_readonly(u) != 0) {
		r = CS_ERR_SYSTEM;
		goto out;
	}
	*up = u;
	u = NULL;			/* transferred */
	r = 0;
 out:
	vault_unlock_free(u);
	return r;
}

int
agent_forget(const char *datadir, const uint8_t id[VAULT_LOCKID_LEN])
{
	int	r, st;

	if ((r = agent_call(datadir, id, AGENT_OP_FORGET, NULL, &st)) != 0)
		return r;
	return st == AGENT_ST_FORGOT ? 0 : CS_ERR_NOT_FOUND;
}

int
agent_listen(const char *path, int *lfd)
{
	struct sockaddr_un	sun;
	struct stat		st;
	mode_t			old;
	int			fd = -1, r;

	*lfd = -1;
	if (lstat(path, &st) == 0) {
		if (!S_ISSOCK(st.st_mode) || st.st_uid != geteuid()) {
			log_warnx("agent: %s is there and not our socket",
			    path);
			return CS_ERR_AUTH;
		}
		if ((r = agent_connect(path, &fd)) == 0) {
			close(fd);
			return CS_ERR_EXISTS;
		}
		if (r != CS_ERR_NOT_FOUND)
			return r;
		/* left by an agent that was killed */
		if (unlink(path) == -1 && errno != ENOENT)
			return CS_ERR_SYSTEM;
	}
	if ((r = agent_sockaddr(&sun, path)) != 0)
		return r;
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0)) == -1)
		return CS_ERR_SYSTEM;
	/* the socket file is made 0600 from the start: no window */
	old = umask(0177);
	r = bind(fd, (struct sockaddr *)&sun, sizeof(sun));
	(void)umask(old);
	if (r == -1) {
		r = errno == EADDRINUSE ? CS_ERR_EXISTS : CS_ERR_SYSTEM;
		log_warn("agent: bind %s", path);
		close(fd);
		return r;
	}
	if (listen(fd, AGENT_BACKLOG) == -1) {
		log_warn("agent: listen");
		(void)unlink(path);
		close(fd);
		return CS_ERR_SYSTEM;
	}
	*lfd = fd;
	return 0;
}

/* Reply "status" (with the KEK of "u" for AGENT_ST_OK) on "fd". */
static int
agent_reply(int fd, uint32_t status, const struct vault_unlock *u)
{
	uint8_t	*rep;
	int	 r;

	if ((rep = sodium_malloc(AGENT_MSG_LEN)) == NULL)
		return CS_ERR_ALLOC;
	agent_hdr(rep, status);
	if (status == AGENT_ST_OK)
		memcpy(rep + AGENT_OFF_BODY, u->kek, VAULT_KEK_LEN);
	r = agent_io(fd, rep, AGENT_MSG_LEN, 1, time_mono_ms() + AGENT_IO_MS);
	sodium_free(rep);		/* wipes the copy of the KEK */
	return r;
}

int
agent_request(const uint8_t *req, size_t len,
    const uint8_t id[VAULT_LOCKID_LEN], int *forget)
{
	uint32_t	op;

	*forget = 0;
	/* exactly one request: nothing short, nothing after it */
	if (len != AGENT_MSG_LEN ||
	    memcmp(req, AGENT_MAGIC, AGENT_MAGIC_LEN) != 0)
		return -1;
	op = buf_load_u32(req + AGENT_OFF_CODE);
	if (op != AGENT_OP_GET && op != AGENT_OP_FORGET)
		return -1;
	if (sodium_memcmp(req + AGENT_OFF_BODY, id, VAULT_DBID_LEN) != 0)
		return AGENT_ST_OTHER;
	*forget = 1;
	if (op == AGENT_OP_FORGET)
		return AGENT_ST_FORGOT;
	/* the passphrase was changed: what we hold opens nothing */
	if (sodium_memcmp(req + AGENT_OFF_BODY + VAULT_DBID_LEN,
	    id + VAULT_DBID_LEN, VAULT_LOCKID_LEN - VAULT_DBID_LEN) != 0)
		return AGENT_ST_STALE;
	*forget = 0;
	return AGENT_ST_OK;
}

int
agent_serve(int lfd, struct vault_unlock **up)
{
	uint8_t		req[AGENT_MSG_LEN], extra;
	long long	uid;
	size_t		len = sizeof(req);
	pid_t		pid;
	int		fd, r, st, forget, ret = 0;

	if ((fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC |
	    SOCK_NONBLOCK)) == -1)
		return 0;	/* EAGAIN, ECONNABORTED, EMFILE: next poll */
	/* Who is asking, before a byte of theirs is read. */
	if ((uid = agent_peer_uid(fd, &pid)) != (long long)geteuid()) {
		log_warnx("agent: refused a connection from uid %lld "
		    "(pid %d)", uid, (int)pid);
		goto out;
	}
	if ((r = agent_io(fd, req, sizeof(req), 0, time_mono_ms() +
	    AGENT_IO_MS)) != 0) {
		log_warnx("agent: pid %d: request not read: %s", (int)pid,
		    cs_err(r));
		goto out;
	}
	if (recv(fd, &extra, 1, MSG_PEEK | MSG_DONTWAIT) > 0)
		len++;		/* a byte after it: refused as too long */
	if ((st = agent_request(req, len, (*up)->id, &forget)) < 0) {
		log_warnx("agent: pid %d: malformed request", (int)pid);
		goto out;
	}
	/* a reply that says the key is gone comes after it is */
	if (forget) {
		vault_unlock_free(*up);
		*up = NULL;
		ret = AGENT_FORGET;
	}
	r = agent_reply(fd, (uint32_t)st, *up);
	if (st == AGENT_ST_OK && r == 0)
		ret = AGENT_SERVED;
 out:
	close(fd);
	return ret;
}
