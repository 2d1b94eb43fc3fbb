/* SPDX-License-Identifier: ISC */
/*
 * main.c - casesync, the laptop client: global options and the
 * command table (usage texts, subcommands; common/clihelp.c answers
 * --help and refuses unknown options from it).  Core dumps are disabled before anything secret
 * is read.
 */
#include <sys/stat.h>

#include <getopt.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "client.h"
#include "clihelp.h"
#include "cmd_agent.h"
#include "cmd_approval.h"
#include "cmd_audit.h"
#include "cmd_dossier.h"
#include "cmd_report.h"
#include "cmd_server.h"
#include "cmd_transfer.h"
#include "errors.h"
#include "fault.h"
#include "log.h"
#include "schema.h"
#include "util.h"
#include "vault.h"

#define N(a)	(sizeof(a) / sizeof((a)[0]))
#define DOSSIER_OPTS	"[--case ID | --id ID] [--FIELD VALUE]... " \
	"[--unset FIELD]..."

static const struct clihelp_sub keys_subs[] = {
	{ "setup", "keys setup", "make and register this user's keys", 0 },
	{ "status", "keys status", "show this user's keys", 0 },
	{ NULL, NULL, NULL, 0 }
};

static const struct clihelp_sub audit_subs[] = {
	{ "query", "audit query [--case ID] [--user NAME] [--type TYPE]\n"
	    "    [--since TIME] [--until TIME] [--after IDX] [--json]",
	    "the server's audit log (auditors; members: --case)", 0 },
	{ "who", "audit who --case ID [--child NAME] [--json]",
	    "who read or changed a case (or one child's part), newest "
	    "first", 0 },
	{ "export", "audit export [--case ID] [--user NAME] [--type TYPE]\n"
	    "    [--since TIME] [--until TIME] [--after IDX]",
	    "whole entries as JSON lines (auditors)", 0 },
	{ "verify", "audit verify [-q]",
	    "check the log against the signed checkpoint (auditors)", 0 },
	{ NULL, NULL, NULL, 0 }
};

static const struct clihelp_sub report_subs[] = {
	{ "figures", "report figures [--since YYYY-MM-DD] [--office NAME] "
	    "[--csv | --json]", "management figures of the office you lead "
	    "(teamleider)", 0 },
	{ "inzage", "report inzage --case CASE [--person NAME] --out FILE\n"
	    "    [--format html|pdf] [--force]",
	    "what the dossier holds about a family or person, and who read it",
	    0 },
	{ "raad", "report raad --case ID [--select ID,...] --out FILE",
	    "draft a melding to the Raad (.html to edit, or .pdf)", 0 },
	{ "verlenging", "report verlenging --case ID --child CHILD "
	    "[--months N] [--select ID,...] --out FILE",
	    "draft the request to extend a child's OTS", 0 },
	{ "final", "report final --case ID --file EDITED.html",
	    "finalise an edited draft into a record of the dossier", 0 },
	{ "list", "report list --case ID",
	    "the finalised reports, who finalised them and when", 0 },
	{ "show", "report show --case ID --id REPORT --out FILE",
	    "a finalised report as a document again (.html or .pdf)", 0 },
	{ NULL, NULL, NULL, 0 }
};

static const struct clihelp_sub record_subs[] = {
	{ "put", "record put --case ID --kind KIND [--id ID] [--delete] "
	    "[--unset NAME]... [NAME=VALUE]...", "write a raw record", 0 },
	{ "bulk", "record bulk --case ID --kind KIND --count N "
	    "[--size BYTES]", "write N test records", 0 },
	{ "get", "record get ID", "show one record", 0 },
	{ "list", "record list [--case ID]", "list records", 0 },
	{ NULL, NULL, NULL, 0 }
};

static const struct clihelp_sub case_subs[] = {
	{ "create", "case create --frame DRANG|VOTS|OTS|VOOGDIJ [--id UUID]",
	    "open a case on the server", 0 },
	{ "member", "case member --case CASE --user NAME [--remove "
	    "[--new-regisseur NAME]] [--read-only]",
	    "add or remove a member of a case", 0 },
	{ "state", "case state --case CASE --to STATE [--date YYYY-MM-DD]\n"
	    "    [--end YYYY-MM-DD] [--reason TEXT]",
	    "move a case to another lifecycle state", 0 },
	{ "extend", "case extend --case CASE --end YYYY-MM-DD --reason TEXT",
	    "ask a teamleider to extend drang past 3 months", 0 },
	{ "close", "case close --case CASE --reason doel_bereikt|measure|"
	    "verhuisd|overleden|other\n    --summary TEXT",
	    "ask a teamleider to close the case", 0 },
	{ "info", "case info --case CASE", "a case's state and deadlines",
	    0 },
	{ "list", "case list [--server] [--due [--within DAYS[d]]]",
	    "the caseload, or what falls due", 0 },
	{ "new", "case new --frame FRAME " DOSSIER_OPTS,
	    "write a new case file", 0 },
	{ "show", "case show --case ID", "show a case file", 0 },
	{ "edit", "case edit --case ID [--FIELD VALUE]... [--unset FIELD]...",
	    "edit a case file", 0 },
	{ NULL, NULL, NULL, 0 }
};

#define ADD_SUB(cmd, noun)						\
	{ "add", cmd " add " DOSSIER_OPTS, "add a " noun, 0 }
#define EDIT_SUB(cmd, noun)						\
	{ "edit", cmd " edit --id ID [--FIELD VALUE]... "		\
	    "[--unset FIELD]...", "edit a " noun, 0 }
#define LIST_SUB(cmd, nouns)						\
	{ "list", cmd " list [--case ID]", "list the " nouns, 0 },	\
	{ NULL, NULL, NULL, 0 }
#define DOSSIER_SUBS(cmd, noun, nouns)					\
	ADD_SUB(cmd, noun), EDIT_SUB(cmd, noun), LIST_SUB(cmd, nouns)
#define APPEND_SUBS(cmd, noun, nouns)					\
	ADD_SUB(cmd, noun), LIST_SUB(cmd, nouns)

static const struct clihelp_sub person_subs[] = {
	DOSSIER_SUBS("person", "person", "people of a case")
};
static const struct clihelp_sub measure_subs[] = {
	{ "start", "measure start --case CASE --child CHILD --type TYPE "
	    "--court TEXT\n    --zaaknummer TEXT --decision YYYY-MM-DD "
	    "[--start YYYY-MM-DD] [--end YYYY-MM-DD]\n    "
	    "[--birth-date YYYY-MM-DD]\n"
	    "TYPE: " SCHEMA_MEASURE_TYPES "\n"
	    "  UHP: machtiging uithuisplaatsing; VOOGDIJ_ONTZETTING, "
	    "VOOGDIJ_GEZAGSBEEINDIGING:\n"
	    "  voogdij after ontzetting or after gezagsbe\xc3\xabindiging\n"
	    "CHILD: the child's name, first name or short id (person list)\n"
	    "--decision: the court's decision; the measure starts on it "
	    "unless --start\n"
	    "  says otherwise (it may lie before the case was registered)\n"
	    "--end: required, except for voogdij (the 18th birthday: the "
	    "child's birth\n"
	    "  date from its person record, or --birth-date)\n"
	    "Checked on this laptop, then by the server; only what the "
	    "server accepts\nis written.",
	    "start a child's measure with its court decision", 0 },
	{ "extend", "measure extend --id ID --decision YYYY-MM-DD "
	    "--end YYYY-MM-DD\n    [--court TEXT] [--zaaknummer TEXT]\n"
	    "ID: the measure's short id (measure list); --court and "
	    "--zaaknummer of the\n  extension's decision, if not the "
	    "measure's",
	    "extend a measure by a new court decision", 0 },
	{ "end", "measure end --id ID --date YYYY-MM-DD",
	    "end a measure (from --date on it no longer runs)", 0 },
	{ "list", "measure list --case CASE",
	    "the measures of a case's children, with their deadlines", 0 },
	{ NULL, NULL, NULL, 0 }
};
static const struct clihelp_sub note_subs[] = {
	APPEND_SUBS("note", "note", "notes")
};
static const struct clihelp_sub assess_subs[] = {
	ADD_SUB("assess", "assessment"), EDIT_SUB("assess", "assessment"),
	{ "cosign", "assess cosign --id ASSESSMENT",
	    "ask a gedragswetenschapper to co-sign it", 0 },
	LIST_SUB("assess", "assessments")
};
static const struct clihelp_sub partner_subs[] = {
	DOSSIER_SUBS("partner", "partner", "partners")
};
static const struct clihelp_sub escalate_subs[] = {
	ADD_SUB("escalate", "escalation (escalate --case ... is add)"),
	{ "outcome", "escalate outcome [add|list] --escalation ID --outcome "
	    "OUTCOME --outcome-date YYYY-MM-DD [--measure ID]",
	    "record what came of an escalation", 0 },
	LIST_SUB("escalate", "escalations and their outcomes")
};
static const struct clihelp_sub nazorg_subs[] = {
	DOSSIER_SUBS("nazorg", "nazorg (who takes over)", "nazorg records")
};
static const struct clihelp_sub closing_subs[] = {
	DOSSIER_SUBS("closing", "closing summary", "closing summaries")
};

static const struct clihelp_sub plan_subs[] = {
	{ "show", "plan show --case ID", "show the plan and its goals", 0 },
	{ "edit", "plan edit --case ID --summary TEXT [--FIELD VALUE]...",
	    "edit the plan", 0 },
	{ "goal", "plan goal add|edit|list " DOSSIER_OPTS,
	    "add, edit or list the plan's goals", 0 },
	{ "agree", "plan agree --case ID --with WHO,... [--date DATE]",
	    "record a version of the plan as agreed", 0 },
	{ "history", "plan history --case ID",
	    "list the agreed versions of the plan", 0 },
	{ "diff", "plan diff --case ID [A B]",
	    "the differences between two agreed versions", 0 },
	{ NULL, NULL, NULL, 0 }
};

static const struct clihelp_sub transfer_subs[] = {
	{ "request", "transfer request --case CASE --to OFFICE "
	    "--reason moved|capacity|expertise|other\n    [--note TEXT]",
	    "ask to move a case to another office", 0 },
	{ "list", "transfer list", "transfers of your cases and office", 0 },
	{ "show", "transfer show --id ID", "one transfer", 0 },
	{ "accept", "transfer accept --id ID --regisseur NAME",
	    "take a case in (teamleider)", 0 },
	{ "reject", "transfer reject --id ID --reason TEXT",
	    "refuse a case (teamleider)", 0 },
	{ "revoke", "transfer revoke --id ID", "withdraw your request", 0 },
	{ NULL, NULL, NULL, 0 }
};

static const struct clihelp_sub team_subs[] = {
	{ "assign", "team assign --case CASE --regisseur NAME",
	    "make NAME the case's regisseur", 0 },
	{ NULL, NULL, NULL, 0 }
};

static const struct clihelp_sub glass_subs[] = {
	{ "list", "glass list", "the break-the-glass uses you oversee", 0 },
	{ NULL, NULL, NULL, 0 }
};

static const struct clihelp_sub server_subs[] = {
	{ "show", "server show [--json]",
	    "the addresses of the server, and which worked last", 0 },
	{ "set", "server set HOST:PORT [HOST:PORT ...]",
	    "reach the server at these addresses, in this order", 0 },
	{ NULL, NULL, NULL, 0 }
};

static const struct {
	int			(*fn)(struct cli *, int, char *[]);
	struct clihelp_cmd	 h;
} commands[] = {
	{ cmd_enroll, { "enroll", "enroll --server HOST:PORT "
	    "--ca-fingerprint HEX --token TOKEN [--server-name NAME]\n"
	    "enroll --renew --token TOKEN",
	    "enroll this laptop with a one-time token", NULL,
	    CLIHELP_STRICT } },
	{ cmd_ui, { "ui", "ui [--listen 127.0.0.1:PORT] [--no-browser] "
	    "[--idle MINUTES]\n"
	    "    the web application on this laptop, in Dutch; prints its "
	    "address\n    with a one-time secret and opens it in the browser",
	    "the local web application (in Dutch)", NULL,
	    CLIHELP_STRICT } },
	{ cmd_status, { "status", "status",
	    "connect and show who and where this is", NULL,
	    CLIHELP_STRICT } },
	{ cmd_server, { "server", NULL, "the addresses this laptop reaches "
	    "the server by", server_subs, CLIHELP_STRICT } },
	{ cmd_passwd, { "passwd", "passwd   (the new passphrase from the "
	    "terminal or CASESYNC_NEW_PASSPHRASE)",
	    "change the vault passphrase", NULL, CLIHELP_STRICT } },
	{ cmd_agent, { "agent", "agent [--timeout MINUTES] [--foreground]\n"
	    "agent stop", "ask the passphrase once: hold the vault's key "
	    "for a while", NULL, CLIHELP_STRICT } },
	{ cmd_lock, { "lock", "lock   (the agent forgets the key now)",
	    "the agent forgets the vault's key now", NULL, CLIHELP_STRICT } },
	{ cmd_sync, { "sync", "sync [--watch] [-q]\n"
	    "-q: print nothing on success",
	    "push local changes, pull the server's [--watch]", NULL,
	    CLIHELP_STRICT | CLIHELP_QUIET } },
	{ cmd_keys, { "keys", NULL, "set up or show this user's end-to-end "
	    "keys", keys_subs, CLIHELP_STRICT } },
	{ cmd_record, { "record", NULL, "put, get or list raw records",
	    record_subs, CLIHELP_STRICT } },
	{ cmd_case, { "case", NULL, "create, members, lifecycle state, "
	    "deadlines", case_subs, CLIHELP_OWNHELP } },
	{ cmd_person, { "person", NULL, "add, edit or list the people of a "
	    "case", person_subs, CLIHELP_OWNHELP } },
	{ cmd_measure, { "measure", NULL, "start, extend, end or list the "
	    "measures of a case's children", measure_subs, 0 } },
	{ cmd_plan, { "plan", NULL, "show or edit a case's plan; its goals",
	    plan_subs, CLIHELP_OWNHELP } },
	{ cmd_note, { "note", NULL, "add or list notes (append-only)",
	    note_subs, CLIHELP_OWNHELP } },
	{ cmd_assess, { "assess", NULL, "add, edit or list assessments",
	    assess_subs, CLIHELP_OWNHELP } },
	{ cmd_partner, { "partner", NULL, "add, edit or list partners",
	    partner_subs, CLIHELP_OWNHELP } },
	{ cmd_escalate, { "escalate", NULL, "add or list escalations (to the "
	    "Raad, Veilig Thuis, ...)", escalate_subs,
	    CLIHELP_OWNHELP | CLIHELP_DEFSUB } },
	{ cmd_nazorg, { "nazorg", NULL, "add, edit or list who takes over "
	    "after the case (NAZORG needs it)", nazorg_subs,
	    CLIHELP_OWNHELP } },
	{ cmd_closing, { "closing", NULL, "add, edit or list the closing "
	    "reason and summary (GESLOTEN needs it)", closing_subs,
	    CLIHELP_OWNHELP } },
	{ cmd_search, { "search", "search [--case ID] TEXT",
	    "find text in the caseload on this laptop", NULL,
	    CLIHELP_STRICT } },
	{ cmd_reads, { "reads", "reads   (this laptop's log of reads of "
	    "case files, checked)", "this laptop's log of reads of case "
	    "files", NULL, CLIHELP_STRICT } },
	{ cmd_conflicts, { "conflicts", "conflicts",
	    "list fields edited on two sides", NULL, CLIHELP_STRICT } },
	{ cmd_resolve, { "resolve", "resolve --record ID --field NAME\n"
	    "    (--value N|VALUE | --author NAME | --mine | --theirs | "
	    "--new VALUE)", "settle a conflict", NULL, CLIHELP_STRICT } },
	{ cmd_digest, { "digest", "digest   (count and hash of the local "
	    "records)", "count and hash of the local records", NULL,
	    CLIHELP_STRICT } },
	{ cmd_check, { "check", "check   (authenticate every page of this "
	    "laptop's vault)", "authenticate every page of the vault", NULL,
	    CLIHELP_STRICT } },
	{ cmd_transfer, { "transfer", NULL, "move a case to another office",
	    transfer_subs, CLIHELP_STRICT } },
	{ cmd_team, { "team", NULL, "assign a case's regisseur (teamleider)",
	    team_subs, CLIHELP_STRICT } },
	{ cmd_glass, { "glass", "glass --case CASE --reason TEXT\n"
	    "glass list", "break the glass: brief read-only access",
	    glass_subs, CLIHELP_STRICT } },
	{ cmd_approvals, { "approvals", "approvals [--case CASE] [--all]",
	    "what waits for your approval (--all: every approval)", NULL,
	    CLIHELP_STRICT } },
	{ cmd_approve, { "approve", "approve ID [--reason TEXT]",
	    "approve a request (on your own laptop)", NULL,
	    CLIHELP_STRICT } },
	{ cmd_refuse, { "refuse", "refuse ID --reason TEXT",
	    "refuse a request, with the reason", NULL, CLIHELP_STRICT } },
	{ cmd_audit, { "audit", NULL, "who read or changed a case; the "
	    "audit log", audit_subs, CLIHELP_STRICT } },
	{ cmd_report, { "report", "report SUBCOMMAND ...", "documents from a dossier (inzage, "
	    "Raad, verlenging); management figures", report_subs,
	    CLIHELP_STRICT } },
};

static struct clihelp_cmd	help_cmds[N(commands)];
static int	ownhelp(const struct clihelp_cmd *, const struct clihelp_sub *);
static struct clihelp	help = {
	"casesync", "[--dir DIR]",
	"[--dir DIR] [--passphrase-file FILE] [--json] [--verbose]",
	"DIR defaults to $CASESYNC_DIR, else ~/.casesync.\n",
	help_cmds, N(help_cmds), ownhelp
};

/*
 * The usage of a dossier command lists the fields of its record kind:
 * the command prints it (before it reads a passphrase or opens the
 * vault) when "--help" comes right after the command or subcommand.
 */
static int
ownhelp(const struct clihelp_cmd *c, const struct clihelp_sub *sub)
{
	return cmd_dossier_help(c->name, sub != NULL ? sub->name : NULL);
}

/*
 * A list or show path (the rule of tests/integration/t_cs_json.sh):
 * "--json" last on it is the same as before the command, the place
 * casesyncctl takes it.
 */
static int
json_path(int argc, char *argv[])
{
	static const char *const cmds[] = {
		"status", "sync", "search", "reads", "conflicts", "digest",
		"check", NULL
	};
	static const char *const subs[] = {
		"list", "show", "get", "info", "status", "query", "who", NULL
	};
	size_t	i;

	for (i = 0; cmds[i] != NULL; i++)
		if (strcmp(argv[0], cmds[i]) == 0)
			return 1;
	if (argc > 3 && strcmp(argv[0], "plan") == 0 &&
	    strcmp(argv[1], "goal") == 0)
		return strcmp(argv[2], "list") == 0;
	for (i = 0; argc > 2 && subs[i] != NULL; i++)
		if (strcmp(argv[1], subs[i]) == 0)
			return 1;
	return 0;
}

/* A global option getopt refused: one line and a hint. */
static int
badglobal(char *argv[])
{
	const char	*opt = argv[optind - 1];

	if (opt[0] == '-' && opt[1] == '-')
		fprintf(stderr, "casesync: unknown or incomplete option %s "
		    "(casesync --help)\n", opt);
	else
		fprintf(stderr, "casesync: unknown option -%c (casesync "
		    "--help)\n", optopt);
	return EXIT_USAGE;
}

int
main(int argc, char *argv[])
{
	static const struct option	opts[] = {
		{ "dir", required_argument, NULL, 'D' },
		{ "passphrase-file", required_argument, NULL, 'P' },
		{ "json", no_argument, NULL, 'j' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 }
	};
	static char	 outbuf[CLI_OUTBUF];
	const struct clihelp_cmd *hc;
	struct cli	 cli;
	const char	*home;
	size_t		 i;
	int		 ch, quiet, r, saved;

	for (i = 0; i < N(commands); i++)
		help_cmds[i] = commands[i].h;
	log_init(1, "casesync");
	cli_notices();
	signal(SIGPIPE, SIG_IGN);	/* a closed connection is an error code */
	umask(077);			/* every file we make is the user's alone */
	if (vault_harden_process() != 0)
		cli_errx("warning: could not disable core dumps");
	if (sodium_init() < 0) {
		cli_errx("libsodium failed to initialise");
		return EXIT_FAIL;
	}
	fault_init();		/* tests only: CASESYNC_FAULT (fault.h) */
	memset(&cli, 0, sizeof(cli));
	/* "+": options after the command belong to the command */
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "+hjvV", opts, NULL)) != -1) {
		switch (ch) {
		case 'D':
			cli.dir = optarg;
			break;
		case 'P':
			cli.passfile = optarg;
			break;
		case 'j':
			cli.json = 1;
			break;
		case 'v':
			log_setverbose(1);
			break;
		case 'h':
			clihelp_list(&help, stdout);
			return EXIT_OK;
		case 'V':
			printf("casesync %s\n", CASESYNC_VERSION);
			return EXIT_OK;
		default:
			return badglobal(argv);
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		clihelp_list(&help, stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[0], "help") == 0)
		return cli_finish(clihelp_help(&help, argc, argv));
	if ((hc = clihelp_find(&help, argv[0])) == NULL) {
		fprintf(stderr, "casesync: unknown command \"%s\" (casesync "
		    "help)\n", argv[0]);
		return EXIT_USAGE;
	}
	if (strcmp(argv[argc - 1], "--json") == 0 && json_path(argc, argv)) {
		cli.json = 1;
		argv[--argc] = NULL;
	}
	if ((r = clihelp_intercept(&help, hc, &argc, argv, &quiet)) != -1)
		return cli_finish(r);
	if (cli.dir == NULL && (cli.dir = getenv("CASESYNC_DIR")) == NULL) {
		if ((home = getenv("HOME")) == NULL ||
		    str_fmt(cli.dirbuf, sizeof(cli.dirbuf), "%s/.casesync",
		    home) != 0) {
			cli_errx("no --dir given and no HOME");
			return EXIT_USAGE;
		}
		cli.dir = cli.dirbuf;
	}
	/*
	 * A command's output stays in memory until it ends, so that
	 * cli_finish() can drop all of it if the vault fails
	 * authentication half-way.  Not for sync: "sync --watch" reports
	 * as it goes (it prints counts, never case content); nor for ui,
	 * whose address is printed while it runs.
	 */
	if (strcmp(argv[0], "sync") != 0 && strcmp(argv[0], "ui") != 0 &&
	    setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf)) != 0)
		cli_errx("warning: cannot buffer the output");
	saved = -1;
	if (quiet && (saved = clihelp_quiet_begin(&help)) == -1)
		return EXIT_FAIL;
	i = (size_t)(hc - help_cmds);
	optind = 1;	/* each command parses its own options */
	r = commands[i].fn(&cli, argc, argv);
	vault_close(cli.held);	/* opened for --case or --id, not used */
	r = cli_finish(r);
	clihelp_quiet_end(saved, r);
	return r;
}
