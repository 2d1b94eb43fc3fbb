/* SPDX-License-Identifier: ISC */
/*
 * main.c - casesync, the laptop client: global options and the
 * subcommand table.  Core dumps are disabled before anything secret
 * is read.
 */
#include <sys/stat.h>

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "client.h"
#include "cmd_audit.h"
#include "cmd_dossier.h"
#include "cmd_transfer.h"
#include "errors.h"
#include "fault.h"
#include "log.h"
#include "util.h"
#include "vault.h"

static const struct {
	const char	*name;
	int		(*fn)(struct cli *, int, char *[]);
	const char	*help;
} commands[] = {
	{ "enroll", cmd_enroll, "enroll this laptop with a one-time token" },
	{ "status", cmd_status, "connect and show who and where this is" },
	{ "passwd", cmd_passwd, "change the vault passphrase" },
	{ "sync", cmd_sync, "push local changes, pull the server's [--watch]" },
	{ "keys", cmd_keys, "set up or show this user's end-to-end keys" },
	{ "record", cmd_record, "put, get or list raw records" },
	{ "case", cmd_case, "create, members, lifecycle state, deadlines" },
	{ "person", cmd_person, "add, edit or list the people of a case" },
	{ "measure", cmd_measure, "add, edit or list court measures" },
	{ "plan", cmd_plan, "show or edit the plan van aanpak; its goals" },
	{ "note", cmd_note, "add or list journal notes (append-only)" },
	{ "assess", cmd_assess, "add or list safety assessments" },
	{ "partner", cmd_partner, "add, edit or list partners" },
	{ "escalate", cmd_escalate, "report to the Raad, Veilig Thuis, ..." },
	{ "search", cmd_search, "find text in the caseload on this laptop" },
	{ "reads", cmd_reads, "this laptop's log of reads of case files" },
	{ "conflicts", cmd_conflicts, "list fields edited on two sides" },
	{ "resolve", cmd_resolve, "settle a conflict" },
	{ "digest", cmd_digest, "count and hash of the local records" },
	{ "check", cmd_check, "authenticate every page of the vault" },
	{ "transfer", cmd_transfer, "move a case to another office" },
	{ "team", cmd_team, "assign a case's regisseur (team leads)" },
	{ "glass", cmd_glass, "break the glass: brief read-only access" },
	{ "audit", cmd_audit, "who read or changed a case; the audit log" },
};

static void
usage(FILE *f)
{
	size_t	i;

	fprintf(f, "usage: casesync [--dir DIR] [--passphrase-file FILE] "
	    "[--json] COMMAND [ARGS]\n\ncommands:\n");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].help);
	fprintf(f, "\nDIR defaults to $CASESYNC_DIR, else ~/.casesync.  "
	    "'casesync COMMAND --help' describes a command.\n");
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
		{ NULL, 0, NULL, 0 }
	};
	static char	 outbuf[CLI_OUTBUF];
	struct cli	 cli;
	const char	*home;
	size_t		 i;
	int		 ch;

	log_init(1, "casesync");
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
	while ((ch = getopt_long(argc, argv, "+hjv", opts, NULL)) != -1) {
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
			usage(stdout);
			return EXIT_OK;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1) {
		usage(stderr);
		return EXIT_USAGE;
	}
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
	 * as it goes (it prints counts, never case content).
	 */
	if (strcmp(argv[0], "sync") != 0 &&
	    setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf)) != 0)
		cli_errx("warning: cannot buffer the output");
	for (i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[0], commands[i].name) == 0) {
			optind = 1;	/* each command parses its own options */
			return cli_finish(commands[i].fn(&cli, argc, argv));
		}
	}
	cli_errx("unknown command \"%s\"", argv[0]);
	usage(stderr);
	return EXIT_USAGE;
}
