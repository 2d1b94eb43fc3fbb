/* SPDX-License-Identifier: ISC */
/*
 * ui_main.c - "casesync ui": open the vault with the user's
 * passphrase, serve the web application on the loopback address
 * (ui_http.c), print its address with the one-time secret and open it
 * in the browser (xdg-open, no shell), until SIGINT or SIGTERM.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "client.h"
#include "db.h"
#include "errors.h"
#include "readlog.h"
#include "ui_http.h"
#include "util.h"
#include "vault.h"

#define UI_USAGE	"usage: casesync ui [--listen 127.0.0.1:PORT] " \
	"[--no-browser] [--idle MINUTES]\n"
#define UI_IDLE_MAX_MIN	(24 * 60)

extern char	**environ;

static volatile sig_atomic_t	ui_stop;

static void
ui_on_signal(int sig)
{
	(void)sig;
	ui_stop = 1;
}

/*
 * "127.0.0.1:PORT", "localhost:PORT" or "[::1]:PORT": a loopback
 * address, nothing else.  0 or CS_ERR_USAGE.
 */
static int
ui_parse_listen(const char *s, struct ui_opts *o)
{
	static const struct {
		const char	*prefix;
		int		 v6;
	} ok[] = {
		{ "127.0.0.1:", 0 },
		{ "localhost:", 0 },
		{ "[::1]:", 1 },
	};
	uint64_t	port;
	size_t		i, n;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		n = strlen(ok[i].prefix);
		if (strncmp(s, ok[i].prefix, n) != 0)
			continue;
		if (parse_u64(s + n, 0, 65535, &port) != 0)
			return CS_ERR_USAGE;
		o->v6 = ok[i].v6;
		o->port = (uint16_t)port;
		return 0;
	}
	return CS_ERR_USAGE;
}

/* The idle time: --idle MINUTES, or CASESYNC_UI_IDLE_SECONDS (tests). */
static int
ui_idle(const char *minutes, int *idle)
{
	const char	*env;
	uint64_t	 v;

	*idle = UI_IDLE_DEFAULT;
	if (minutes != NULL) {
		if (parse_u64(minutes, 1, UI_IDLE_MAX_MIN, &v) != 0)
			return CS_ERR_USAGE;
		*idle = (int)v * 60;
	}
	if ((env = getenv("CASESYNC_UI_IDLE_SECONDS")) != NULL) {
		if (parse_u64(env, 1, UI_IDLE_MAX_MIN * 60, &v) != 0)
			return CS_ERR_USAGE;
		*idle = (int)v;
	}
	return 0;
}

/* xdg-open URL, without a shell; its output goes nowhere. */
static void
ui_browser(char *url)
{
	static char			 prog[] = "xdg-open";
	posix_spawn_file_actions_t	 fa;
	posix_spawnattr_t		 at;
	sigset_t			 def;
	char				*av[3];
	pid_t				 pid;
	int				 r;

	av[0] = prog;
	av[1] = url;
	av[2] = NULL;
	if (posix_spawn_file_actions_init(&fa) != 0)
		return;
	if (posix_spawnattr_init(&at) != 0) {
		posix_spawn_file_actions_destroy(&fa);
		return;
	}
	/* we ignore SIGCHLD (no zombie); xdg-open waits for its own */
	sigemptyset(&def);
	sigaddset(&def, SIGCHLD);
	sigaddset(&def, SIGPIPE);
	if (posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, "/dev/null",
	    O_WRONLY, 0) != 0 ||
	    posix_spawn_file_actions_addopen(&fa, STDERR_FILENO, "/dev/null",
	    O_WRONLY, 0) != 0 ||
	    posix_spawnattr_setsigdefault(&at, &def) != 0 ||
	    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGDEF) != 0)
		r = EINVAL;
	else
		r = posix_spawnp(&pid, "xdg-open", &fa, &at, av, environ);
	if (r != 0)
		cli_errx("cannot start xdg-open (%s): open the address above "
		    "in your browser", strerror(r));
	posix_spawnattr_destroy(&at);
	posix_spawn_file_actions_destroy(&fa);
}

int
cmd_ui(struct cli *cli, int argc, char *argv[])
{
	static const struct option	opts[] = {
		{ "listen", required_argument, NULL, 'l' },
		{ "no-browser", no_argument, NULL, 'n' },
		{ "idle", required_argument, NULL, 'i' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct sigaction	 sa;
	struct ui_opts		 o;
	struct ui_server	*s = NULL;
	struct vault		*v = NULL;
	const char		*idle = NULL;
	char			 url[128];
	int			 ch, r, browser = 1;

	memset(&o, 0, sizeof(o));
	while ((ch = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (ch) {
		case 'l':
			if (ui_parse_listen(optarg, &o) != 0) {
				cli_errx("--listen %s refused: casesync ui "
				    "serves on the loopback address only "
				    "(127.0.0.1:PORT, localhost:PORT or "
				    "[::1]:PORT; PORT 0 is any free port)",
				    optarg);
				return EXIT_USAGE;
			}
			break;
		case 'n':
			browser = 0;
			break;
		case 'i':
			idle = optarg;
			break;
		case 'h':
			fputs(UI_USAGE, stdout);
			return EXIT_OK;
		default:
			fputs(UI_USAGE, stderr);
			return EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fputs(UI_USAGE, stderr);
		return EXIT_USAGE;
	}
	if (ui_idle(idle, &o.idle) != 0) {
		cli_errx("--idle takes minutes, 1 to %d "
		    "(CASESYNC_UI_IDLE_SECONDS: seconds)", UI_IDLE_MAX_MIN);
		return EXIT_USAGE;
	}
	o.dir = cli->dir;
	if ((r = cli_vault_open(cli, 0, &v)) != 0)
		return cli_exit(r);
	if ((r = db_init(vault_db(v))) != 0 ||
	    (r = readlog_init(vault_db(v))) != 0) {
		r = vault_err(v, r);
		cli_errx("cannot prepare the local database: %s", cs_err(r));
		vault_close(v);
		return cli_exit(r);
	}
	if ((r = ui_server_new(&o, &v, &s)) != 0) {
		cli_errx("cannot start the web server: %s", cs_err(r));
		return cli_exit(r);
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = ui_on_signal;	/* no SA_RESTART: select returns */
	sigemptyset(&sa.sa_mask);
	(void)sigaction(SIGINT, &sa, NULL);
	(void)sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = SIG_IGN;	/* xdg-open is not waited for */
	(void)sigaction(SIGCHLD, &sa, NULL);
	if ((r = str_fmt(url, sizeof(url), "http://%s:%u/#%s",
	    o.v6 ? "[::1]" : "127.0.0.1", (unsigned)ui_server_port(s),
	    ui_server_secret(s))) != 0)
		goto out;
	printf("ui: %s\n", url);
	fflush(stdout);
	if (browser)
		ui_browser(url);
	explicit_bzero(url, sizeof(url));
	r = ui_server_run(s, &ui_stop);
	if (r != 0)
		cli_errx("web server: %s", cs_err(r));
 out:
	ui_server_free(s);
	return cli_exit(r);
}
