/* SPDX-License-Identifier: ISC */
/*
 * main.c - casesyncctl entry point: global options (--dir, --help,
 * --version), the command table (usage texts, subcommands; common/
 * clihelp.c answers --help and refuses unknown options from it), and the helpers they share (error
 * output, paths inside the deployment directory, opening the store,
 * usage texts).
 */
#include <sys/stat.h>

#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include <openssl/crypto.h>

#include "clihelp.h"
#include "ctl.h"
#include "errors.h"
#include "fault.h"
#include "config.h"
#include "log.h"
#include "store.h"
#include "util.h"

#define N(a)	(sizeof(a) / sizeof((a)[0]))
#define AUDIT_FILTERS	"[--case ID] [--user NAME] [--device ID] " \
	"[--type T]\n    [--since TIME] [--until TIME] [--after IDX]"

static const struct clihelp_sub office_subs[] = {
	{ "add", "office add NAME [--region JEUGDREGIO]", "add an office", 0 },
	{ "list", "office list [--json]", "list the offices", 0 },
	{ NULL, NULL, NULL, 0 }
};

static const struct clihelp_sub user_subs[] = {
	{ "add", "user add --name NAME --role ROLE --office OFFICE",
	    "add a user", 0 },
	{ "list", "user list [--json]",
	    "list the users: role, state, office", 0 },
	{ "disable", "user disable NAME [--new-regisseur NAME]",
	    "revoke a user's devices; no new enrollment", 0 },
	{ "enable", "user enable NAME", "allow new enrollment tokens again",
	    0 },
	{ "move", "user move NAME --office OFFICE [--new-regisseur NAME]",
	    "into another office; the old office's cases are purged", 0 },
	{ "role", "user role NAME --role ROLE", "change a user's role", 0 },
	{ "rename", "user rename NAME --to NEWNAME", "rename a user", 0 },
	{ "remove", "user remove NAME [--new-regisseur NAME]",
	    "disable for good; the row stays for the audit log", 0 },
	{ NULL, NULL, NULL, 0 }
};

static const struct clihelp_sub device_subs[] = {
	{ "list", "device list [--json]",
	    "devices: certificate expiry, last seen", 0 },
	{ "show", "device show ID [--json]",
	    "one device: user, certificate, sync", 0 },
	{ "revoke", "device revoke ID|NAME",
	    "revoke a device's certificate", 0 },
	{ NULL, NULL, NULL, 0 }
};

static const struct clihelp_sub cert_subs[] = {
	{ "renew", "server-cert renew [--days N]",
	    "a new server certificate from the CA", 0 },
	{ "show", "server-cert show [--json]",
	    "when the server certificate ends", 0 },
	{ NULL, NULL, NULL, 0 }
};

static const struct clihelp_sub records_subs[] = {
	{ "digest", "records digest [--json]",
	    "count and hash of the records", 0 },
	{ "purges", "records purges [--json]",
	    "devices yet to purge a case", 0 },
	{ NULL, NULL, NULL, 0 }
};

static const struct clihelp_sub audit_subs[] = {
	{ "verify", "audit verify [--against FILE] [-q]\n"
	    "-q: print nothing on success (for cron); on failure the "
	    "report goes to stderr",
	    "check the hash chain and checkpoints", CLIHELP_QUIET },
	{ "query", "audit query " AUDIT_FILTERS "\n"
	    "    [--format table|csv|json|ndjson] [--follow]",
	    "select audit entries", 0 },
	{ "export", "audit export " AUDIT_FILTERS,
	    "audit entries with their proofs", 0 },
	{ "checkpoint", "audit checkpoint --export [--out FILE]",
	    "export the newest signed checkpoint", 0 },
	{ NULL, NULL, NULL, 0 }
};

static const struct clihelp_sub transfer_subs[] = {
	{ "list", "transfer list [--json]",
	    "case transfers between offices", 0 },
	{ "pending", "transfer pending [--json]",
	    "changes held for a decision", 0 },
	{ "decide", "transfer decide --change ID --accept|--discard "
	    "[--for NAME] [--reason TEXT]", "accept or discard a held change",
	    0 },
	{ NULL, NULL, NULL, 0 }
};

static const struct clihelp_sub glass_subs[] = {
	{ "list", "glass list [--json]", "break-the-glass uses", 0 },
	{ NULL, NULL, NULL, 0 }
};

static const struct clihelp_sub retention_subs[] = {
	{ "list", "retention list [--all] [--json]",
	    "closed cases past their retention date (--all: every closed "
	    "case)", 0 },
	{ "destroy", "retention destroy --case ID | --all-due",
	    "destroy cases past retention; a signed record stays", 0 },
	{ "show", "retention show --case ID [--json]",
	    "a destruction record, its signature checked", 0 },
	{ NULL, NULL, NULL, 0 }
};

static const struct clihelp_sub recovery_subs[] = {
	{ "init", "recovery init --shares N --threshold K --out DIR",
	    "split the recovery key into shares", 0 },
	{ "grant", "recovery grant --case ID --to USER [--read-only] "
	    "--shares FILE [--shares FILE ...]",
	    "give a user a case's key from K shares", 0 },
	{ NULL, NULL, NULL, 0 }
};

static const struct {
	int			(*fn)(struct ctl *, int, char **);
	struct clihelp_cmd	 h;
} ctl_commands[] = {
	{ ctl_init, { "init", "init --dir DIR --server-name NAME "
	    "[--listen HOST:PORT] [--config PATH] [--database SPEC]",
	    "make a deployment: CA, keys, database", NULL, CLIHELP_STRICT } },
	{ ctl_status, { "status", "status [--config PATH] [--json]",
	    "the deployment at a glance", NULL, CLIHELP_STRICT } },
	{ ctl_office, { "office", NULL, "add or list offices", office_subs,
	    CLIHELP_STRICT } },
	{ ctl_user, { "user", NULL, "add, list and administer users",
	    user_subs,
	    CLIHELP_STRICT } },
	{ ctl_enroll_token, { "enroll-token", "enroll-token --user USER "
	    "--device NAME [--ttl DURATION]",
	    "a one-time token to enroll a laptop", NULL, CLIHELP_STRICT } },
	{ ctl_renew_token, { "renew-token", "renew-token --device ID "
	    "[--ttl DURATION]", "a token to renew a device's certificate",
	    NULL, CLIHELP_STRICT } },
	{ ctl_device, { "device", NULL, "list, show or revoke devices",
	    device_subs, CLIHELP_STRICT } },
	{ ctl_server_cert, { "server-cert", NULL, "renew or show the server "
	    "certificate", cert_subs, CLIHELP_STRICT } },
	{ ctl_records, { "records", NULL, "digest of the records; pending "
	    "purges", records_subs, CLIHELP_STRICT } },
	{ ctl_audit, { "audit", NULL, "verify, query and export the audit "
	    "log", audit_subs, CLIHELP_STRICT } },
	{ ctl_transfer, { "transfer", NULL, "transfers and held changes",
	    transfer_subs, CLIHELP_STRICT } },
	{ ctl_glass, { "glass", NULL, "break-the-glass uses", glass_subs,
	    CLIHELP_STRICT } },
	{ ctl_retention, { "retention", NULL, "closed cases past their "
	    "retention date; destroy them", retention_subs,
	    CLIHELP_STRICT } },
	{ ctl_report, { "report", "report [--office NAME] [--since YYYY-MM] "
	    "[--format table|csv|json] [--json]",
	    "management figures per office and frame (no content)", NULL,
	    CLIHELP_STRICT } },
	{ ctl_backup, { "backup", "backup --out FILE",
	    "a consistent copy of the database", NULL, CLIHELP_STRICT } },
	{ ctl_restore, { "restore", "restore --from FILE   (casesyncd "
	    "stopped)", "restore the database from a backup", NULL,
	    CLIHELP_STRICT } },
	{ ctl_migrate, { "migrate", "migrate --to postgresql:CONNINFO   "
	    "(casesyncd stopped)", "copy the SQLite database into an empty "
	    "PostgreSQL database", NULL, CLIHELP_STRICT } },
	{ ctl_recovery, { "recovery", NULL, "the recovery key and its "
	    "shares", recovery_subs, CLIHELP_STRICT } },
};

static struct clihelp_cmd	help_cmds[N(ctl_commands)];
static const struct clihelp	help = {
	"casesyncctl", "[--dir DIR]", "[--dir DIR]",
	"DIR defaults to $CASESYNC_DIR.  Roles: jeugdbeschermer, "
	"gedragswetenschapper,\nteamleider, auditor, beheerder.  "
	"DURATION: digits with s, m, h or d (default 24h,\nat most 30d).  "
	"Exit status: 0 ok, 1 failure, 2 usage error.\n",
	help_cmds, N(help_cmds), NULL
};

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
	FILE				*f = to_stderr ? stderr : stdout;
	const struct clihelp_cmd	*c;

	if (command == NULL || (c = clihelp_find(&help, command)) == NULL)
		clihelp_list(&help, f);
	else
		clihelp_usage(&help, f, c, NULL);
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

/*
 * The configuration of the deployment in "dir": dir/casesyncd.conf, else
 * /etc/casesync/casesyncd.conf when its data_dir is "dir".  0 and *have
 * 1 with it loaded into "cfg", 0 and *have 0 without one, else
 * CTL_EXIT_FAIL (said).
 */
static int
ctl_config(const char *dir, struct config *cfg, int *have)
{
	struct stat	sb;
	char		path[CTL_PATH_MAX], err[512];
	char		a[PATH_MAX], b[PATH_MAX];

	*have = 0;
	config_defaults(cfg);
	if (ctl_path(path, sizeof(path), dir, CTL_FILE_CONF) != 0)
		return CTL_EXIT_FAIL;
	if (stat(path, &sb) != 0) {
		(void)str_fmt(path, sizeof(path), "%s", CTL_CONF_DEFAULT);
		if (stat(path, &sb) != 0)
			return CTL_EXIT_OK;
	}
	if (config_load(cfg, path, err, sizeof(err)) != 0) {
		ctl_errx("%s", err);
		return CTL_EXIT_FAIL;
	}
	if (strcmp(path, CTL_CONF_DEFAULT) == 0 &&
	    (realpath(dir, a) == NULL || realpath(cfg->data_dir, b) == NULL ||
	    strcmp(a, b) != 0)) {
		config_defaults(cfg);	/* another deployment's */
		return CTL_EXIT_OK;
	}
	*have = 1;
	return CTL_EXIT_OK;
}

int
ctl_database(const char *dir, char *dst, size_t dstlen)
{
	struct config	*cfg;
	int		 have, rv = CTL_EXIT_FAIL;

	if ((cfg = calloc(1, sizeof(*cfg))) == NULL) {
		ctl_errx("out of memory");
		return CTL_EXIT_FAIL;
	}
	if (ctl_config(dir, cfg, &have) != CTL_EXIT_OK)
		goto out;
	if (have && cfg->database[0] != '\0') {
		if (str_fmt(dst, dstlen, "%s", cfg->database) != 0) {
			ctl_errx("database: too long");
			goto out;
		}
	} else if (ctl_path(dst, dstlen, dir, CTL_FILE_DB) != 0)
		goto out;
	rv = CTL_EXIT_OK;
 out:
	free(cfg);
	return rv;
}

int
ctl_store_open(struct ctl *c, struct store **out)
{
	char	spec[CTL_PATH_MAX];
	int	r;

	*out = NULL;
	if (c->dir == NULL) {
		ctl_errx("no deployment directory: use --dir or set "
		    "CASESYNC_DIR");
		return CTL_EXIT_USAGE;
	}
	if (ctl_database(c->dir, spec, sizeof(spec)) != CTL_EXIT_OK)
		return CTL_EXIT_FAIL;
	if ((r = store_open(spec, 0, out)) != 0) {
		if (r == CS_ERR_NOT_FOUND)
			ctl_errx("%s: no deployment here (run casesyncctl "
			    "init first)", c->dir);
		else
			ctl_errx("%s: %s", store_spec_pg(spec) ?
			    "the PostgreSQL database" : spec, cs_why(r));
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
		{ "version",	no_argument,		NULL,	'V' },
		{ NULL,		0,			NULL,	0 }
	};
	const struct clihelp_cmd	*hc;
	struct ctl	 c;
	size_t		 i;
	int		 ch, quiet, rv, saved = -1;

	for (i = 0; i < N(ctl_commands); i++)
		help_cmds[i] = ctl_commands[i].h;
	/* Keys and the database are created 0600 unless we say otherwise. */
	umask(077);
	log_init(1, "casesyncctl");
	if (sodium_init() < 0) {
		ctl_errx("cannot initialise libsodium");
		return CTL_EXIT_FAIL;
	}
	fault_init();		/* tests only: CASESYNC_FAULT (fault.h) */
	memset(&c, 0, sizeof(c));
	c.dir = getenv("CASESYNC_DIR");
	if (c.dir != NULL && *c.dir == '\0')
		c.dir = NULL;

	/* "+": stop at the command, whose options are its own. */
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+d:hV", opts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			c.dir = optarg;
			break;
		case 'h':
			ctl_usage(NULL, 0);
			return CTL_EXIT_OK;
		case 'V':
			printf("casesyncctl %s\n", CASESYNC_VERSION);
			return CTL_EXIT_OK;
		default:
			ctl_errx("unknown or incomplete option %s "
			    "(casesyncctl --help)", argv[optind - 1]);
			return CTL_EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc == 0) {
		ctl_usage(NULL, 1);
		return CTL_EXIT_USAGE;
	}
	if (strcmp(argv[0], "help") == 0)
		rv = clihelp_help(&help, argc, argv);
	else if ((hc = clihelp_find(&help, argv[0])) == NULL) {
		ctl_errx("unknown command \"%s\" (casesyncctl help)", argv[0]);
		rv = CTL_EXIT_USAGE;
	} else if ((rv = clihelp_intercept(&help, hc, &argc, argv,
	    &quiet)) == -1) {
		if (quiet && (saved = clihelp_quiet_begin(&help)) == -1)
			return CTL_EXIT_FAIL;
		optind = 0;	/* GNU: reinitialise for the next parse */
		rv = ctl_commands[hc - help_cmds].fn(&c, argc, argv);
		clihelp_quiet_end(saved, rv);
	}
	if (fflush(stdout) == EOF || ferror(stdout)) {
		ctl_errx("error writing output");
		rv = CTL_EXIT_FAIL;
	}
	OPENSSL_cleanup();
	return rv;
}
