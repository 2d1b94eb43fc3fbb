/* SPDX-License-Identifier: ISC */
/*
 * clihelp.h - the command tables of casesync and casesyncctl and what
 * their dispatchers do with them: usage texts, "help [CMD [SUB]]",
 * --help/-h anywhere on a command line (answered before the command
 * runs, so help never asks for a passphrase or opens a database), one
 * line and a hint for an unknown command or option, and -q.
 */
#ifndef CASESYNC_CLIHELP_H
#define CASESYNC_CLIHELP_H

#include <stddef.h>
#include <stdio.h>

/* The release, printed by --version of all three programs. */
#ifndef CASESYNC_VERSION
#define CASESYNC_VERSION	"0.1.0"
#endif

#define CLIHELP_STRICT	0x1	/* every option is in the usage text */
#define CLIHELP_QUIET	0x2	/* -q/--quiet: no output on success */
#define CLIHELP_OWNHELP	0x4	/* usage from the command (ownhelp) */
#define CLIHELP_DEFSUB	0x8	/* options without a subcommand: its first */

/*
 * A usage text is one or more lines, '\n' between them.  A line that
 * starts with the command's name is a synopsis (printed after
 * "usage: PROG [GLOBAL]"); any other line is printed as it is.
 */
struct clihelp_sub {
	const char	*name;
	const char	*usage;
	const char	*desc;		/* one line */
	int		 flags;
};

struct clihelp_cmd {
	const char			*name;
	const char			*usage;	/* NULL: its subs' */
	const char			*desc;	/* one line */
	const struct clihelp_sub	*subs;	/* NULL-name ended, or NULL */
	int				 flags;
};

struct clihelp {
	const char		*prog;		/* "casesync" */
	const char		*global;	/* in synopses: "[--dir DIR]" */
	const char		*options;	/* all global options */
	const char		*epilog;	/* after the list, or NULL */
	const struct clihelp_cmd *cmds;
	size_t			 ncmds;
	/*
	 * For CLIHELP_OWNHELP commands, whose usage depends on data (the
	 * fields of a record kind): print it to stdout, touching nothing
	 * else; the exit status, or -1 for the table's
	 * usage.
	 */
	int			(*ownhelp)(const struct clihelp_cmd *,
				    const struct clihelp_sub *);
};

const struct clihelp_cmd *clihelp_find(const struct clihelp *,
	    const char *name);
const struct clihelp_sub *clihelp_findsub(const struct clihelp_cmd *,
	    const char *name);

/* The usage of a command, or of one of its subcommands (sub != NULL). */
void	clihelp_usage(const struct clihelp *, FILE *,
	    const struct clihelp_cmd *, const struct clihelp_sub *);
/* Every command with its one-line description. */
void	clihelp_list(const struct clihelp *, FILE *);

/*
 * "PROG help [--list-all | CMD [SUB]]" with argv[0] "help": the exit
 * status.  --list-all prints every "CMD" and "CMD SUB" path, one a line.
 */
int	clihelp_help(const struct clihelp *, int argc, char *argv[]);

/*
 * Before a command runs (argv[0] its name, a known command): answer
 * --help/-h anywhere on the line, refuse an option its usage does not
 * name (CLIHELP_STRICT) and take -q/--quiet out of argv where allowed
 * (*quiet set).  -1: run the command (with *argc updated); else the
 * exit status.
 */
int	clihelp_intercept(const struct clihelp *, const struct clihelp_cmd *,
	    int *argc, char *argv[], int *quiet);

/*
 * One line and a hint for an unknown option of "CMD [SUB]", exit
 * status 2: "casesync: case list: unknown option -x (casesync case
 * list --help)".
 */
int	clihelp_badopt(const struct clihelp *, const char *path,
	    const char *opt);
/*
 * The '?' of a command's getopt loop (opterr is 0 once
 * clihelp_intercept() let the command run): the same one line for the
 * option getopt stopped at (optind, optopt), or "option --case needs a
 * value" / "takes no value"; returns 2, the exit status.  Every getopt
 * loop of both CLIs ends in "default: return clihelp_opterr(argv);".
 */
int	clihelp_opterr(char *const argv[]);
/*
 * A command whose options are the fields of a kind of record: the one
 * line for an option that is no field, with the fields there are;
 * returns 2: "casesync: person add: a person has no field \"colour\"
 * (fields: name, role, ...; casesync person add --help)".
 */
int	clihelp_fielderr(const char *noun, const char *field,
	    const char *fields);

/*
 * -q: the command's standard output is held back; clihelp_quiet_end
 * drops it on success (rv 0) and writes it to standard error otherwise.
 * clihelp_quiet_begin returns -1 (and prints why) if it cannot.
 */
int	clihelp_quiet_begin(const struct clihelp *);
void	clihelp_quiet_end(int saved, int rv);

#endif /* CASESYNC_CLIHELP_H */
