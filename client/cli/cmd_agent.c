/* SPDX-License-Identifier: ISC */
/*
 * cmd_agent.c - "casesync agent [--timeout MINUTES] [--foreground]",
 * "casesync agent stop" and "casesync lock": asking the passphrase once
 * per session of use (docs/CLIENT.md; SECURITY.md says the risk), and
 * cli_agent_open, the first thing cli_vault_open tries.
 *
 * The agent asks the passphrase, opens the vault with it (so a wrong
 * one is said at once), closes it and keeps only the vault's struct
 * vault_unlock (the KEK, never the passphrase or the database key) in
 * sodium_malloc memory: locked, guarded, no access between requests,
 * not in a core dump (none are made: vault_harden_process).  It serves
 * it on its socket (agent.c) until it has been idle for the timeout,
 * until AGENT_MAX_S after it started whatever the use, or until it is
 * told to forget (lock, agent stop, a key file whose passphrase has
 * changed) or gets SIGTERM, SIGINT or SIGHUP; then it wipes the key,
 * removes the socket and exits.  Times are CLOCK_BOOTTIME: a laptop
 * that slept past the timeout finds the key gone when it wakes.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <sodium.h>

#include "agent.h"
#include "client.h"
#include "clihelp.h"
#include "cmd_agent.h"
#include "errors.h"
#include "log.h"
#include "passphrase.h"
#include "util.h"
#include "vault.h"

#define AGENT_IDLE_MIN		30		/* default --timeout */
#define AGENT_MAX_S		(8 * 60 * 60)	/* whatever the use */
#define AGENT_WAKE_MS		60000	/* look at the clock this often */

static volatile sig_atomic_t	agent_sig;

static void
agent_onsig(int s)
{
	agent_sig = s;
}

/* Milliseconds since boot, the time asleep included. */
static int64_t
agent_now_ms(void)
{
	struct timespec	ts;

	if (clock_gettime(CLOCK_BOOTTIME, &ts) == -1)
		clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Seconds from the environment variable "name" (tests), or "dflt". */
static uint64_t
agent_env_s(const char *name, uint64_t dflt)
{
	const char	*s = getenv(name);
	uint64_t	 n;

	if (s != NULL && parse_u64(s, 1, AGENT_MAX_S, &n) == 0)
		return n;
	return dflt;
}

static int
agent_usage(FILE *f, int code)
{
	fputs("usage: casesync agent [--timeout MINUTES] [--foreground]\n"
	    "       casesync agent stop\n"
	    "       casesync lock\n", f);
	return code;
}

/* The vault's lock id, with a message when there is no vault. */
static int
agent_lockid(struct cli *cli, uint8_t id[VAULT_LOCKID_LEN])
{
	int	r;

	if (!vault_exists(cli->dir)) {
		cli_errx("no vault in %s: enroll this laptop first", cli->dir);
		return CS_ERR_NOT_FOUND;
	}
	if ((r = vault_lockid(cli->dir, id)) != 0)
		cli_errx("cannot read the vault key file in %s: %s", cli->dir,
		    cs_err(r));
	return r;
}

int
cli_agent_open(struct cli *cli, struct vault **vp)
{
	struct vault_unlock	*u = NULL;
	uint8_t			 id[VAULT_LOCKID_LEN];
	int			 r, st;

	*vp = NULL;
	/* no key file, a damaged one: vault_open says what is wrong */
	if (vault_lockid(cli->dir, id) != 0)
		return CS_ERR_NOT_FOUND;
	if ((r = agent_get(cli->dir, id, &u, &st)) != 0) {
		if (st == AGENT_ST_STALE)
			cli_errx("the agent held the key from before the "
			    "passphrase was changed: it has forgotten it");
		return CS_ERR_NOT_FOUND;
	}
	r = vault_open_kek(cli->dir, u, vp);
	vault_unlock_free(u);
	if (r == CS_ERR_PASSPHRASE) {
		/* a wrong key is not kept for the next command */
		cli_errx("the agent's key does not open this vault: told it "
		    "to forget");
		(void)agent_forget(cli->dir, id);
		return CS_ERR_NOT_FOUND;
	}
	return r;
}

void
cli_agent_passwd(struct cli *cli)
{
	uint8_t	id[VAULT_LOCKID_LEN];

	/* a FORGET needs only the database id, which passwd keeps */
	if (vault_lockid(cli->dir, id) == 0 && agent_forget(cli->dir, id) == 0)
		printf("agent: it held the key of the old passphrase and has "
		    "forgotten it\n");
}

/* "agent stop" and "lock": 0 also when no agent was running. */
static int
agent_stop(struct cli *cli)
{
	uint8_t	id[VAULT_LOCKID_LEN];
	int	r;

	if ((r = agent_lockid(cli, id)) != 0)
		return r;
	if ((r = agent_forget(cli->dir, id)) == 0)
		printf("agent: the key of the vault in %s is forgotten\n",
		    cli->dir);
	else if (r == CS_ERR_NOT_FOUND) {
		printf("agent: none was running for the vault in %s\n",
		    cli->dir);
		r = 0;
	} else
		cli_errx("agent: %s", cs_err(r));
	return r;
}

/* Ask the passphrase and open the vault with it: *up on success. */
static int
agent_unlock(struct cli *cli, const uint8_t id[VAULT_LOCKID_LEN],
    struct vault_unlock **up)
{
	struct vault	*v = NULL;
	char		*pass = NULL;
	size_t		 len = 0;
	int		 r;

	*up = NULL;
	if ((r = passphrase_get(cli->passfile, 0, &pass, &len)) != 0) {
		cli_errx("cannot read the passphrase: %s", cs_err(r));
		return r;
	}
	r = vault_open_unlock(cli->dir, pass, len, &v, up);
	passphrase_free(pass, len);
	if (r == CS_ERR_PASSPHRASE)
		cli_errx("wrong passphrase");
	else if (r != 0)
		cli_errx("cannot open the vault in %s: %s", cli->dir,
		    cs_err(r));
	if (r != 0)
		return r;
	/* its checkpoint thread is joined here: the fork sees one thread */
	vault_close(v);
	if (memcmp((*up)->id, id, VAULT_LOCKID_LEN) != 0) {
		cli_errx("the passphrase of the vault changed meanwhile: "
		    "start the agent again");
		vault_unlock_free(*up);
		*up = NULL;
		return CS_ERR_PASSPHRASE;
	}
	return 0;
}

/*
 * In the agent's process: a fresh copy of *up, so that its pages are
 * locked in this process (mlock is not inherited across fork), and no
 * access to them except while a request is answered.
 */
static int
agent_rehome(struct vault_unlock **up)
{
	struct vault_unlock	*n = NULL;
	int			 r;

	if ((r = vault_unlock_new(&n)) != 0)
		return r;
	memcpy(n, *up, sizeof(*n));
	vault_unlock_free(*up);
	*up = n;
	return sodium_mprotect_noaccess(n) == 0 ? 0 : CS_ERR_SYSTEM;
}

/* Detach from the terminal and the session of the command. */
static int
agent_detach(void)
{
	int	fd;

	if (setsid() == -1 || chdir("/") == -1 ||
	    (fd = open("/dev/null", O_RDWR | O_CLOEXEC)) == -1)
		return CS_ERR_SYSTEM;
	if (dup2(fd, STDIN_FILENO) == -1 || dup2(fd, STDOUT_FILENO) == -1 ||
	    dup2(fd, STDERR_FILENO) == -1) {
		close(fd);
		return CS_ERR_SYSTEM;
	}
	if (fd > STDERR_FILENO)
		close(fd);
	return 0;
}

/* Serve "u" on "lfd" until a timeout, a signal or a FORGET. */
static const char *
agent_loop(int lfd, struct vault_unlock **up, int64_t idle_ms,
    int64_t max_ms)
{
	struct sigaction	 sa;
	struct pollfd		 pfd;
	struct timespec		 ts;
	sigset_t		 block, waitmask;
	int64_t			 start, last, now, until;
	int			 n, r;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = agent_onsig;
	sigemptyset(&sa.sa_mask);
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigaddset(&block, SIGHUP);
	/* blocked but while we wait: a signal is never missed */
	if (sigprocmask(SIG_BLOCK, &block, &waitmask) == -1 ||
	    sigaction(SIGTERM, &sa, NULL) == -1 ||
	    sigaction(SIGINT, &sa, NULL) == -1 ||
	    sigaction(SIGHUP, &sa, NULL) == -1)
		return "cannot set up signals";
	sigdelset(&waitmask, SIGTERM);
	sigdelset(&waitmask, SIGINT);
	sigdelset(&waitmask, SIGHUP);
	start = last = agent_now_ms();
	for (;;) {
		if (agent_sig != 0)
			return "signal";
		now = agent_now_ms();
		if (now - last >= idle_ms)
			return "idle timeout";
		if (now - start >= max_ms)
			return "maximum time reached";
		until = last + idle_ms < start + max_ms ? last + idle_ms :
		    start + max_ms;
		if (until - now > AGENT_WAKE_MS)
			until = now + AGENT_WAKE_MS;
		ts.tv_sec = (until - now) / 1000;
		ts.tv_nsec = (long)((until - now) % 1000) * 1000000L;
		pfd.fd = lfd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		if ((n = ppoll(&pfd, 1, &ts, &waitmask)) == -1) {
			if (errno == EINTR)
				continue;
			return "poll failed";
		}
		if (n == 0 || agent_sig != 0)
			continue;
		/* the clock first: asleep past the timeout, nothing more */
		now = agent_now_ms();
		if (now - last >= idle_ms || now - start >= max_ms)
			continue;
		if (sodium_mprotect_readonly(*up) != 0)
			return "cannot reach the key";
		r = agent_serve(lfd, up);
		if (r == AGENT_FORGET)
			return "told to forget";
		if (sodium_mprotect_noaccess(*up) != 0)
			return "cannot protect the key";
		if (r == AGENT_SERVED)
			last = now;
	}
}

static int
agent_start(struct cli *cli, uint64_t idle_s, int foreground)
{
	struct vault_unlock	*u = NULL;
	char			 path[AGENT_PATH_MAX];
	uint8_t			 id[VAULT_LOCKID_LEN];
	uint64_t		 max_s;
	const char		*why;
	pid_t			 pid;
	int			 lfd = -1, child = 0, r;

	max_s = agent_env_s("CASESYNC_AGENT_MAX_SECONDS", AGENT_MAX_S);
	idle_s = agent_env_s("CASESYNC_AGENT_TIMEOUT_SECONDS", idle_s);
	if (idle_s > max_s)
		idle_s = max_s;
	/* a running agent is said before the passphrase is asked */
	if ((r = agent_lockid(cli, id)) != 0)
		return r;
	if ((r = agent_path(cli->dir, id, 1, path)) != 0 ||
	    (r = agent_listen(path, &lfd)) != 0) {
		if (r == CS_ERR_EXISTS)
			cli_errx("an agent is already running for the vault "
			    "in %s (casesync agent stop)", cli->dir);
		else
			cli_errx("agent: cannot listen on a safe socket: %s",
			    cs_err(r));
		return r;
	}
	if ((r = agent_unlock(cli, id, &u)) != 0)
		goto out;
	fflush(stdout);
	if (!foreground) {
		if ((pid = fork()) == -1) {
			cli_errx("agent: fork: %s", strerror(errno));
			r = CS_ERR_SYSTEM;
			goto out;
		}
		if (pid != 0) {
			/* the child serves the socket; ours is not used */
			vault_unlock_free(u);
			close(lfd);
			printf("agent: pid %d holds the key of the vault in "
			    "%s; forgets it after %llu s unused, at the latest "
			    "after %llu s (casesync lock: now)\n", (int)pid,
			    cli->dir, (unsigned long long)idle_s,
			    (unsigned long long)max_s);
			return 0;
		}
		child = 1;
		if (agent_detach() != 0)
			_exit(EXIT_FAIL);
		log_init_daemon(0, "casesync-agent");
	} else {
		log_init_daemon(1, "casesync-agent");
		printf("agent: pid %d holds the key of the vault in %s; "
		    "forgets it after %llu s unused, at the latest after "
		    "%llu s\n", (int)getpid(), cli->dir,
		    (unsigned long long)idle_s, (unsigned long long)max_s);
		fflush(stdout);
	}
	if (vault_harden_process() != 0 || (r = agent_rehome(&u)) != 0) {
		log_warnx("agent: cannot protect the key; not serving it");
		r = CS_ERR_SYSTEM;
		goto out;
	}
	why = agent_loop(lfd, &u, (int64_t)idle_s * 1000,
	    (int64_t)max_s * 1000);
	log_info("agent: key forgotten (%s)", why);
	r = 0;
 out:
	vault_unlock_free(u);
	if (lfd != -1) {
		(void)unlink(path);
		close(lfd);
	}
	if (child)		/* the parent's buffers are not ours */
		_exit(r == 0 ? EXIT_OK : EXIT_FAIL);
	return r;
}

int
cmd_agent(struct cli *cli, int argc, char *argv[])
{
	static const struct option	opts[] = {
		{ "timeout", required_argument, NULL, 't' },
		{ "foreground", no_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	uint64_t	min = AGENT_IDLE_MIN;
	int		ch, fg = 0;

	if (argc == 2 && strcmp(argv[1], "stop") == 0)
		return cli_exit(agent_stop(cli));
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 't':
			if (parse_u64(optarg, 1, AGENT_MAX_S / 60, &min) !=
			    0) {
				cli_errx("--timeout: minutes, 1 to %d",
				    AGENT_MAX_S / 60);
				return EXIT_USAGE;
			}
			break;
		case 'f':
			fg = 1;
			break;
		case 'h':
			return agent_usage(stdout, EXIT_OK);
		default:
			return clihelp_opterr(argv);
		}
	}
	if (optind != argc)
		return agent_usage(stderr, EXIT_USAGE);
	return cli_exit(agent_start(cli, min * 60, fg));
}

int
cmd_lock(struct cli *cli, int argc, char *argv[])
{
	int	help = argc == 2 && strcmp(argv[1], "--help") == 0;

	if (argc != 1)
		return agent_usage(help ? stdout : stderr, help ? EXIT_OK :
		    EXIT_USAGE);
	return cli_exit(agent_stop(cli));
}
