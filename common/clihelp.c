/* SPDX-License-Identifier: ISC */
/*
 * clihelp.c - what the dispatchers of casesync and casesyncctl do with
 * their command tables (see clihelp.h).  The usage texts are the one
 * place the options of a command are written down: --help prints them
 * and the strict check refuses an option they do not name.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clihelp.h"

static FILE	*quiet_tmp;

/* The command clihelp_intercept() let run, for clihelp_opterr(). */
static const struct clihelp		*cur_h;
static const struct clihelp_cmd		*cur_c;
static const struct clihelp_sub		*cur_sub;
static char				 cur_path[128];

/*
 * An unknown subcommand of "c": one line with the subcommands there
 * are and the help to run ("help": "PROG help CMD", else "PROG CMD
 * --help").
 */
static void
bad_sub(const struct clihelp *h, const struct clihelp_cmd *c,
    const char *name, int help)
{
	const struct clihelp_sub	*s;

	fprintf(stderr, "%s: unknown subcommand \"%s %s\", not one of ",
	    h->prog, c->name, name);
	for (s = c->subs; s != NULL && s->name != NULL; s++)
		fprintf(stderr, "%s%s", s != c->subs ? "|" : "", s->name);
	if (help)
		fprintf(stderr, " (%s help %s)\n", h->prog, c->name);
	else
		fprintf(stderr, " (%s %s --help)\n", h->prog, c->name);
}

const struct clihelp_cmd *
clihelp_find(const struct clihelp *h, const char *name)
{
	size_t	i;

	for (i = 0; i < h->ncmds; i++)
		if (strcmp(h->cmds[i].name, name) == 0)
			return &h->cmds[i];
	return NULL;
}

const struct clihelp_sub *
clihelp_findsub(const struct clihelp_cmd *c, const char *name)
{
	const struct clihelp_sub	*s;

	if (c->subs == NULL || name == NULL)
		return NULL;
	for (s = c->subs; s->name != NULL; s++)
		if (strcmp(s->name, name) == 0)
			return s;
	return NULL;
}

/* Does line (len bytes) start with word cmd? */
static int
starts_with_word(const char *line, size_t len, const char *cmd)
{
	size_t	n = strlen(cmd);

	return len >= n && strncmp(line, cmd, n) == 0 &&
	    (len == n || line[n] == ' ');
}

/* The lines of one usage text; *first: no "usage:" printed yet. */
static void
print_text(const struct clihelp *h, FILE *f, const char *cmd,
    const char *text, int *first)
{
	const char	*nl;
	size_t		 len;

	for (; *text != '\0'; text = nl + (*nl == '\n')) {
		if ((nl = strchr(text, '\n')) == NULL)
			nl = text + strlen(text);
		len = (size_t)(nl - text);
		if (starts_with_word(text, len, cmd)) {
			fprintf(f, "%s %s %s %.*s\n", *first ? "usage:" :
			    "      ", h->prog, h->global, (int)len, text);
			*first = 0;
		} else
			fprintf(f, "%.*s\n", (int)len, text);
	}
}

void
clihelp_usage(const struct clihelp *h, FILE *f, const struct clihelp_cmd *c,
    const struct clihelp_sub *sub)
{
	const struct clihelp_sub	*s;
	int				 first = 1;

	if (sub != NULL) {
		print_text(h, f, c->name, sub->usage, &first);
		return;
	}
	if (c->usage != NULL)
		print_text(h, f, c->name, c->usage, &first);
	else
		for (s = c->subs; s != NULL && s->name != NULL; s++)
			print_text(h, f, c->name, s->usage, &first);
	if (c->subs == NULL)
		return;
	fprintf(f, "\nsubcommands:\n");
	for (s = c->subs; s->name != NULL; s++)
		fprintf(f, "  %-12s %s\n", s->name, s->desc);
	fprintf(f, "\n'%s %s SUBCOMMAND --help' describes a subcommand.\n",
	    h->prog, c->name);
}

void
clihelp_list(const struct clihelp *h, FILE *f)
{
	size_t	i;

	fprintf(f, "usage: %s %s COMMAND [ARGS]\n       %s help [COMMAND "
	    "[SUBCOMMAND]]\n       %s --version\n\ncommands:\n", h->prog,
	    h->options, h->prog, h->prog);
	for (i = 0; i < h->ncmds; i++)
		fprintf(f, "  %-13s %s\n", h->cmds[i].name, h->cmds[i].desc);
	fprintf(f, "\n'%s COMMAND --help' or '%s help COMMAND' describes a "
	    "command.\n", h->prog, h->prog);
	if (h->epilog != NULL)
		fprintf(f, "\n%s", h->epilog);
}

/* The usage of c (and sub), by the command itself if it says so. */
static int
show_usage(const struct clihelp *h, const struct clihelp_cmd *c,
    const struct clihelp_sub *sub)
{
	int	r;

	if (h->ownhelp != NULL && (c->flags & CLIHELP_OWNHELP) &&
	    (r = h->ownhelp(c, sub)) != -1)
		return r;
	clihelp_usage(h, stdout, c, sub);
	return 0;
}

int
clihelp_help(const struct clihelp *h, int argc, char *argv[])
{
	const struct clihelp_cmd	*c;
	const struct clihelp_sub	*s = NULL;
	size_t				 i;

	if (argc < 2) {
		clihelp_list(h, stdout);
		return 0;
	}
	if (strcmp(argv[1], "--list-all") == 0 && argc == 2) {
		for (i = 0; i < h->ncmds; i++) {
			c = &h->cmds[i];
			printf("%s\n", c->name);
			for (s = c->subs; s != NULL && s->name != NULL; s++)
				printf("%s %s\n", c->name, s->name);
		}
		return 0;
	}
	if ((c = clihelp_find(h, argv[1])) == NULL) {
		fprintf(stderr, "%s: unknown command \"%s\" (%s help)\n",
		    h->prog, argv[1], h->prog);
		return 2;
	}
	if (argc > 2 && (s = clihelp_findsub(c, argv[2])) == NULL) {
		bad_sub(h, c, argv[2], 1);
		return 2;
	}
	if (argc > 3) {
		fprintf(stderr, "%s: help takes a command and a subcommand "
		    "(%s help)\n", h->prog, h->prog);
		return 2;
	}
	return show_usage(h, c, s);
}

/* "PROG: PATH: WHAT OPT[ TAIL] (PROG PATH --help)"; exit status 2. */
static int
opt_line(const char *prog, const char *path, const char *what,
    const char *opt, const char *tail)
{
	if (path[0] != '\0')
		fprintf(stderr, "%s: %s: %s %s%s (%s %s --help)\n", prog, path,
		    what, opt, tail, prog, path);
	else
		fprintf(stderr, "%s: %s %s%s (%s --help)\n", prog, what, opt,
		    tail, prog);
	return 2;
}

int
clihelp_badopt(const struct clihelp *h, const char *path, const char *opt)
{
	char	name[64];

	/* "--quiet=1": the option is "--quiet" */
	(void)snprintf(name, sizeof(name), "%.*s", (int)strcspn(opt, "="),
	    opt);
	return opt_line(h->prog, path, "unknown option", name, "");
}

/* Does "-X" stand as an option in a usage text ("[-q]", "-n N")? */
static int
text_has_short(const char *text, int ch)
{
	const char	*p;

	for (p = text; text != NULL && (p = strchr(p, '-')) != NULL; p++) {
		if (p > text && p[-1] != ' ' && p[-1] != '[' && p[-1] != '|' &&
		    p[-1] != '\n')
			continue;
		if (p[1] == ch && (p[2] == '\0' || p[2] == ' ' ||
		    p[2] == ']' || p[2] == '|' || p[2] == '\n'))
			return 1;
	}
	return 0;
}

/* "-x" or "-xVALUE": a short option ("-", "-5" and "--x" are not). */
static int
is_short(const char *a)
{
	return a[0] == '-' && ((a[1] >= 'a' && a[1] <= 'z') ||
	    (a[1] >= 'A' && a[1] <= 'Z'));
}

/*
 * How -ch appears in the usage of the command or subcommand: -1 not at
 * all, 0 as a flag ("[-q]"), 1 with a value ("-n N").
 */
static int
short_arity(const struct clihelp_cmd *c, const struct clihelp_sub *sub,
    int ch)
{
	const struct clihelp_sub	*s;
	const char			*texts[2], *p;
	size_t				 i;

	texts[0] = c->usage;
	texts[1] = sub != NULL ? sub->usage : NULL;
	for (i = 0; i < 2; i++) {
		if (!text_has_short(texts[i], ch))
			continue;
		p = strstr(texts[i], (char[]){ '-', (char)ch, ' ', '\0' });
		return p != NULL && p[3] >= 'A' && p[3] <= 'Z' ? 1 : 0;
	}
	for (s = c->subs; sub == NULL && s != NULL && s->name != NULL; s++)
		if (text_has_short(s->usage, ch))
			return 0;
	return -1;
}

int
clihelp_opterr(char *const argv[])
{
	const char	*prog = cur_h != NULL ? cur_h->prog :
	    program_invocation_short_name;
	const char	*arg = optind > 0 ? argv[optind - 1] : NULL;
	char		 opt[64];
	int		 known;

	if (arg != NULL && arg[0] == '-' && arg[1] == '-') {
		/* a long option: unknown, or its value missing or extra */
		(void)snprintf(opt, sizeof(opt), "%.*s",
		    (int)strcspn(arg, "="), arg);
		if (optopt == 0)
			return opt_line(prog, cur_path, "unknown option", opt,
			    "");
		return opt_line(prog, cur_path, "option", opt,
		    strchr(arg, '=') != NULL ? " takes no value" :
		    " needs a value");
	}
	if (optopt == 0 || optopt == '?') {
		(void)snprintf(opt, sizeof(opt), "%s", arg != NULL ? arg : "");
		return opt_line(prog, cur_path, "unknown option", opt, "");
	}
	(void)snprintf(opt, sizeof(opt), "-%c", optopt);
	/* getopt says '?' for both: one the usage gives a value lacks it */
	known = cur_c != NULL && short_arity(cur_c, cur_sub, optopt) == 1;
	return opt_line(prog, cur_path, known ? "option" : "unknown option",
	    opt, known ? " needs a value" : "");
}

/*
 * How option --name (len bytes) appears in a usage text: -1 not at
 * all, 0 as a flag, 1 followed by its value ("--case ID").
 */
static int
text_arity(const char *text, const char *name, size_t len)
{
	const char	*p, *e;
	char		 ch;

	for (p = text; text != NULL && (p = strstr(p, "--")) != NULL;
	    p += 2) {
		if (p > text && (p[-1] == '-' || p[-1] == '_'))
			continue;
		if (strncmp(p + 2, name, len) != 0)
			continue;
		e = p + 2 + len;
		ch = *e;
		if ((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
		    ch == '-' || (ch >= 'A' && ch <= 'Z'))
			continue;
		if (ch != ' ' && ch != '=')
			return 0;
		ch = e[1];
		return ch == '\0' || ch == '\n' || ch == '[' || ch == '-' ||
		    ch == '(' || ch == '|' || ch == ']' || ch == ')' ? 0 : 1;
	}
	return -1;
}

static int
arity(const struct clihelp_cmd *c, const struct clihelp_sub *sub,
    const char *arg)
{
	const struct clihelp_sub	*s;
	const char			*eq;
	size_t				 len;
	int				 r;

	eq = strchr(arg + 2, '=');
	len = eq != NULL ? (size_t)(eq - arg - 2) : strlen(arg + 2);
	if (len == 0)
		return -1;
	if (sub != NULL && (r = text_arity(sub->usage, arg + 2, len)) >= 0)
		return eq != NULL ? 0 : r;
	if ((r = text_arity(c->usage, arg + 2, len)) >= 0)
		return eq != NULL ? 0 : r;
	/* a subcommand's options are those of its usage */
	for (s = c->subs; sub == NULL && s != NULL && s->name != NULL; s++)
		if ((r = text_arity(s->usage, arg + 2, len)) >= 0)
			return eq != NULL ? 0 : r;
	return -1;
}

static int
is_long(const char *a)
{
	return a[0] == '-' && a[1] == '-' && a[2] != '\0';
}

int
clihelp_intercept(const struct clihelp *h, const struct clihelp_cmd *c,
    int *argcp, char *argv[], int *quiet)
{
	const struct clihelp_sub	*sub;
	char				 path[128], opt[4];
	int				 argc = *argcp, flags, i, j, r;

	*quiet = 0;
	sub = argc > 1 ? clihelp_findsub(c, argv[1]) : NULL;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "--help") == 0 ||
		    strcmp(argv[i], "-h") == 0)
			return show_usage(h, c, sub);
		if (is_long(argv[i]) && arity(c, sub, argv[i]) == 1)
			i++;
	}
	(void)snprintf(path, sizeof(path), "%s%s%s", c->name,
	    sub != NULL ? " " : "", sub != NULL ? sub->name : "");
	if ((c->flags & CLIHELP_STRICT) && c->usage == NULL && argc > 1 &&
	    sub == NULL && argv[1][0] != '-') {
		bad_sub(h, c, argv[1], 0);
		return 2;
	}
	flags = c->flags | (sub != NULL ? sub->flags : 0);
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if ((flags & CLIHELP_QUIET) && (strcmp(argv[i], "-q") == 0 ||
		    strcmp(argv[i], "--quiet") == 0)) {
			*quiet = 1;
			for (j = i; j < argc; j++)
				argv[j] = argv[j + 1];
			argc--;
			i--;
			continue;
		}
		/* a short option its usage does not name: whatever parses
		 * the rest of the line */
		if (is_short(argv[i])) {
			/* each letter of "-qv"; one with a value ends it */
			for (j = 1, r = 0; argv[i][j] != '\0' && r != 1; j++)
				if ((r = short_arity(c, sub,
				    argv[i][j])) == -1) {
					(void)snprintf(opt, sizeof(opt), "-%c",
					    argv[i][j]);
					return clihelp_badopt(h, path, opt);
				}
			if (r == 1 && argv[i][j] == '\0')
				i++;
			continue;
		}
		if (!is_long(argv[i]))
			continue;
		/* a command that needs a subcommand got an option first */
		if (i == 1 && sub == NULL && c->usage == NULL &&
		    c->subs != NULL && !(c->flags & CLIHELP_DEFSUB))
			return clihelp_badopt(h, path, argv[i]);
		switch (arity(c, sub, argv[i])) {
		case -1:
			if (flags & CLIHELP_STRICT)
				return clihelp_badopt(h, path, argv[i]);
			/* a record field (--FIELD VALUE): skip its value */
			if ((flags & CLIHELP_OWNHELP) &&
			    strchr(argv[i], '=') == NULL)
				i++;
			break;
		case 1:
			i++;
			break;
		}
	}
	*argcp = argc;
	/* the command runs: its getopt's '?' is clihelp_opterr()'s */
	cur_h = h;
	cur_c = c;
	cur_sub = sub;
	(void)snprintf(cur_path, sizeof(cur_path), "%s", path);
	opterr = 0;
	return -1;
}

int
clihelp_fielderr(const char *noun, const char *field, const char *fields)
{
	const char	*prog = cur_h != NULL ? cur_h->prog :
	    program_invocation_short_name;

	fprintf(stderr, "%s: %s%sa%s %s has no field \"%s\" (fields: %s; "
	    "%s %s%s--help)\n", prog, cur_path, cur_path[0] != '\0' ? ": " :
	    "", strchr("aeiou", noun[0]) != NULL ? "n" : "", noun, field,
	    fields, prog, cur_path, cur_path[0] != '\0' ? " " : "");
	return 2;
}

int
clihelp_quiet_begin(const struct clihelp *h)
{
	int	saved;

	fflush(stdout);
	if ((quiet_tmp = tmpfile()) == NULL ||
	    (saved = dup(STDOUT_FILENO)) == -1) {
		fprintf(stderr, "%s: -q: %s\n", h->prog, strerror(errno));
		if (quiet_tmp != NULL)
			fclose(quiet_tmp);
		quiet_tmp = NULL;
		return -1;
	}
	if (dup2(fileno(quiet_tmp), STDOUT_FILENO) == -1) {
		fprintf(stderr, "%s: -q: %s\n", h->prog, strerror(errno));
		close(saved);
		fclose(quiet_tmp);
		quiet_tmp = NULL;
		return -1;
	}
	return saved;
}

void
clihelp_quiet_end(int saved, int rv)
{
	char	buf[4096];
	size_t	n;

	if (quiet_tmp == NULL || saved < 0)
		return;
	fflush(stdout);
	(void)dup2(saved, STDOUT_FILENO);
	close(saved);
	if (rv != 0) {
		/* A failure says what failed, on standard error. */
		rewind(quiet_tmp);
		while ((n = fread(buf, 1, sizeof(buf), quiet_tmp)) > 0)
			if (fwrite(buf, 1, n, stderr) != n)
				break;
	}
	fclose(quiet_tmp);
	quiet_tmp = NULL;
}
