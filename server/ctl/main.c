/* SPDX-License-Identifier: ISC */
/*
 * main.c - casesyncctl entry point: global options (--dir, --help),
 * dispatch to the command groups, and the helpers they share (error
 * output, paths inside the deployment directory, opening the store,
 * usage texts).
 */
#include <sys/stat.h>

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include <openssl/crypto.h>

#include "ctl.h"
#include "errors.h"
#include "log.h"
#include "store.h"
#include "util.h"

static const struct {
	const char	*name;
	int		(*fn)(struct ctl *, int, char **);
	const char	*usage;
} ctl_commands[] = {
	{ "init", ctl_init,
	    "init --dir DIR --server-name NAME [--listen HOST:PORT] "
	    "[--config PATH]" },
	{ "status", ctl_status,
	    "status [--config PATH] [--json]" },
	{ "office", ctl_office,
	    "office add NAME [--region JEUGDREGIO]\n"
	    "office list" },
	{ "user", ctl_user,
	    "user add --name NAME --role ROLE --office OFFICE\n"
	    "user list" },
	{ "enroll-token", ctl_enroll_token,
	    "enroll-token --user USER --device NAME [--ttl DURATION]" },
	{ "renew-token", ctl_renew_token,
	    "renew-token --device ID [--ttl DURATION]" },
	{ "device", ctl_device,
	    "device list\n"
	    "device show ID\n"
	    "device revoke ID" },
	{ "server-cert", ctl_server_cert,
	    "server-cert renew [--days N]\n"
	    "server-cert show" },
	{ "records", ctl_records,
	    "records digest\n"
	    "records purges" },
	{ "audit", ctl_audit,
	    "audit verify [--against FILE]\n"
	    "audit query [--case ID] [--user NAME] [--device ID] [--type T] "
	    "[--since TIME] [--until TIME] [--after IDX] "
	    "[--format table|csv|json|ndjson] [--follow]\n"
	    "audit export [--case ID] [--user NAME] [--device ID] [--type T] "
	    "[--since TIME] [--until TIME] [--after IDX]\n"
	    "audit checkpoint --export [--out FILE]" },
	{ "transfer", ctl_transfer,
	    "transfer list\n"
	    "transfer pending\n"
	    "transfer decide --change ID --accept|--discard [--for NAME] "
	    "[--reason TEXT]" },
	{ "glass", ctl_glass,
	    "glass list" },
	{ "backup", ctl_backup,
	    "backup --out FILE" },
	{ "restore", ctl_restore,
	    "restore --from FILE   (casesyncd stopped)" },
	{ "recovery", ctl_recovery,
	    "recovery init --shares N --threshold K --out DIR\n"
	    "recovery grant --case ID --to USER [--read-only] "
	    "--shares FILE [--shares FILE ...]" },
};

#define CTL_NCOMMANDS	(sizeof(ctl_commands) / sizeof(ctl_commands[0]))

void
ctl_errx(const char *fmt, ...)
{
	va_list	ap;

	fflush(stdout);
	fputs("casesyncctl: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

void
ctl_usage(const char *command, int to_stderr)
{
	FILE		*f = to_stderr ? stderr : stdout;
	const char	*u, *nl;
	size_t		 i;
	int		 first = 1;

	for (i = 0; i < CTL_NCOMMANDS; i++) {
		if (command != NULL &&
		    strcmp(command, ctl_commands[i].name) != 0)
			continue;
		/* One line per form of the command. */
		for (u = ctl_commands[i].usage; *u != '\0'; u = nl + 1) {
			if ((nl = strchr(u, '\n')) == NULL)
				nl = u + strlen(u) - 1;
			fprintf(f, "%s casesyncctl [--dir DIR] %.*s\n",
			    first ? "usage:" : "      ", (int)(nl - u +
			    (*nl != '\n')), u);
			first = 0;
		}
	}
	if (command != NULL)
		return;
	fprintf(f, "\nDIR defaults to $CASESYNC_DIR.  Roles: jeugdbeschermer, "
	    "gedragswetenschapper,\nteamleider, auditor, beheerder.  "
	    "DURATION: digits with s, m, h or d (default 24h,\nat most 30d).  "
	    "Exit status: 0 ok, 1 failure, 2 usage error.\n");
}

int
ctl_path(char *dst, size_t dstlen, const char *dir, const char *file)
{
	if (str_fmt(dst, dstlen, "%s/%s", dir, file) != 0) {
		ctl_errx("%s: path too long", dir);
		return CTL_EXIT_FAIL;
	}
	return CTL_EXIT_OK;
}

int
ctl_store_open(struct ctl *c, struct store **out)
{
	char	path[CTL_PATH_MAX];
	int	r;

	*out = NULL;
	if (c->dir == NULL) {
		ctl_errx("no deployment directory: use --dir or set "
		    "CASESYNC_DIR");
		return CTL_EXIT_USAGE;
	}
	if (ctl_path(path, sizeof(path), c->dir, CTL_FILE_DB) != 0)
		return CTL_EXIT_FAIL;
	if ((r = store_open(path, 0, out)) != 0) {
		if (r == CS_ERR_NOT_FOUND)
			ctl_errx("%s: no deployment here (run casesyncctl "
			    "init first)", c->dir);
		else
			ctl_errx("%s: %s", path, cs_err(r));
		return CTL_EXIT_FAIL;
	}
	return CTL_EXIT_OK;
}

void
ctl_time_iso(char *dst, size_t dstlen, int64_t t)
{
	struct tm	tm;
	time_t		tt = (time_t)t;

	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(dst, dstlen, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		(void)str_fmt(dst, dstlen, "%lld", (long long)t);
}

int
main(int argc, char **argv)
{
	static const struct option	 opts[] = {
		{ "dir",	required_argument,	NULL,	'd' },
		{ "help",	no_argument,		NULL,	'h' },
		{ NULL,		0,			NULL,	0 }
	};
	struct ctl	 c;
	size_t		 i;
	int		 ch, rv;

	/* Keys and the database are created 0600 unless we say otherwise. */
	umask(077);
	log_init(1, "casesyncctl");
	if (sodium_init() < 0) {
		ctl_errx("cannot initialise libsodium");
		return CTL_EXIT_FAIL;
	}
	memset(&c, 0, sizeof(c));
	c.dir = getenv("CASESYNC_DIR");
	if (c.dir != NULL && *c.dir == '\0')
		c.dir = NULL;

	/* "+": stop at the command, whose options are its own. */
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+d:h", opts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			c.dir = optarg;
			break;
		case 'h':
			ctl_usage(NULL, 0);
			return CTL_EXIT_OK;
		default:
			ctl_errx("unknown or incomplete option: %s",
			    argv[optind - 1]);
			ctl_usage(NULL, 1);
			return CTL_EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0) {
		ctl_usage(NULL, 1);
		return CTL_EXIT_USAGE;
	}
	rv = -1;
	for (i = 0; i < CTL_NCOMMANDS; i++) {
		if (strcmp(argv[0], ctl_commands[i].name) != 0)
			continue;
		optind = 0;	/* GNU: reinitialise for the next parse */
		opterr = 1;
		rv = ctl_commands[i].fn(&c, argc, argv);
		break;
	}
	if (rv == -1) {
		ctl_errx("unknown command: %s", argv[0]);
		ctl_usage(NULL, 1);
		rv = CTL_EXIT_USAGE;
	}
	if (fflush(stdout) == EOF || ferror(stdout)) {
		ctl_errx("error writing output");
		rv = CTL_EXIT_FAIL;
	}
	OPENSSL_cleanup();
	return rv;
}
