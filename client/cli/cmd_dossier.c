/* SPDX-License-Identifier: ISC */
/*
 * cmd_dossier.c - what field staff do with a case file: case new, show
 * and edit; person, note, assess, partner, escalate; plan
 * show, edit and goal; search; and the local log of reads.
 *
 * The rules are the core's (dossier.h): every input is checked against
 * schema.c before anything is written, a write goes through
 * db_local_write() (record, outbox, one transaction) and works offline
 * (`casesync sync` sends it), and every read of case content (show,
 * list, search) appends to the laptop's read log first.
 *
 * This file has the arguments, the long texts (cli_editor.c) and the
 * messages; what prints records (show, list, search, reads) is in
 * cmd_dossier_show.c.
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "msg.h"
#include "body.h"
#include "case_meta.h"
#include "cli_ids.h"
#include "client.h"
#include "clihelp.h"
#include "cmd_approval.h"
#include "cmd_dossier.h"
#include "cmd_dossier_int.h"
#include "db.h"
#include "dossier.h"
#include "errors.h"
#include "nolost.h"
#include "plan.h"
#include "readlog.h"
#include "schema.h"
#include "util.h"
#include "vault.h"

/* What a command line asks for: the record, the case, field values. */
struct dossier_args {
	const char	*case_id;
	const char	*id;
	const char	*val[DOSSIER_FIELDS_MAX];	/* by schema index */
	int		 unset[DOSSIER_FIELDS_MAX];
	int		 help;
	/* full ids of what was typed as short ids or titles (cli_ids.h) */
	char		 case_buf[DB_UUID_LEN + 1];
	char		 id_buf[DB_UUID_LEN + 1];
	char		 ref_buf[DOSSIER_FIELDS_MAX][DB_UUID_LEN + 1];
};

static void
dossier_usage(FILE *f, const char *cmd, const char *verbs,
    const struct schema_kind *k)
{
	size_t	i;

	fprintf(f, "usage: casesync %s %s [--case ID | --id ID] "
	    "[--FIELD VALUE]... [--unset FIELD]...\nfields of %s %s:\n",
	    cmd, verbs, strchr("aeiou", k->noun[0]) != NULL ? "an" : "a",
	    k->noun);
	for (i = 0; i < k->nfields; i++) {
		fprintf(f, "  --%-18s", k->fields[i].name);
		switch (k->fields[i].type) {
		case SCHEMA_DATE:
			fprintf(f, " YYYY-MM-DD");
			break;
		case SCHEMA_BSN:
			fprintf(f, " 9 digits (elfproef)");
			break;
		case SCHEMA_GEMEENTE:
			fprintf(f, " CBS code GMxxxx");
			break;
		case SCHEMA_CHOICE:
			fprintf(f, " %s", k->fields[i].choices);
			break;
		case SCHEMA_REF:
			fprintf(f, " record id");
			break;
		case SCHEMA_LONG:
			fprintf(f, " text, '-' for stdin, $EDITOR if absent");
			break;
		default:
			fprintf(f, " text");
			break;
		}
		fprintf(f, "%s\n", k->fields[i].required ? " (required)" : "");
	}
}

/* Field index of flag "--name" (dashes for underscores), or -1. */
static int
dossier_flag(const struct schema_kind *k, const char *flag, size_t len)
{
	char	name[BODY_NAME_MAX + 1];
	size_t	i;

	if (len == 0 || len > BODY_NAME_MAX)
		return -1;
	for (i = 0; i < len; i++)
		name[i] = flag[i] == '-' ? '_' : flag[i];
	name[len] = '\0';
	for (i = 0; i < k->nfields; i++)
		if (strcmp(k->fields[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* One line: the option that is no field of "k", and the fields it has. */
static void
dossier_badfield(const struct schema_kind *k, const char *flag, size_t len)
{
	char	names[2048], field[41];
	size_t	i, n = 0;

	(void)str_fmt(field, sizeof(field), "%.*s", (int)(len > 40 ? 40 :
	    len), flag);
	names[0] = '\0';
	for (i = 0; i < k->nfields && n < sizeof(names); i++)
		n += (size_t)snprintf(names + n, sizeof(names) - n, "%s%s",
		    i > 0 ? ", " : "", k->fields[i].name);
	(void)clihelp_fielderr(k->noun, field, names);
}

/*
 * Parse argv[from..]: --case, --id, --unset F, --F V and --F=V.  The
 * case, the record and record references (--child) may be given as
 * short ids, full ids or (the case) its title: cli_ids.h.
 */
static int
dossier_parse(struct cli *cli, const struct schema_kind *k, int argc,
    char *argv[], int from, struct dossier_args *a)
{
	const char	*arg, *eq, *v;
	char		 opt[BODY_NAME_MAX + 3];
	size_t		 len;
	int		 i, fi, r;

	memset(a, 0, sizeof(*a));
	for (i = from; i < argc; i++) {
		arg = argv[i];
		if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0) {
			a->help = 1;
			return 0;
		}
		if (strncmp(arg, "--", 2) != 0) {
			cli_errx("unexpected argument (use --FIELD VALUE)");
			return CS_ERR_USAGE;
		}
		arg += 2;
		len = (eq = strchr(arg, '=')) != NULL ? (size_t)(eq - arg) :
		    strlen(arg);
		if (eq != NULL)
			v = eq + 1;
		else if (i + 1 < argc)
			v = argv[++i];
		else {
			cli_errx("--%s needs a value", arg);
			return CS_ERR_USAGE;
		}
		if (len == 4 && strncmp(arg, "case", 4) == 0)
			a->case_id = v;
		else if (len == 2 && strncmp(arg, "id", 2) == 0)
			a->id = v;
		else if (len == 5 && strncmp(arg, "unset", 5) == 0) {
			if ((fi = dossier_flag(k, v, strlen(v))) < 0 ||
			    k->fields[fi].required) {
				cli_errx("--unset: not an optional field of "
				    "a %s", k->noun);
				return CS_ERR_USAGE;
			}
			a->unset[fi] = 1;
		} else if ((fi = dossier_flag(k, arg, len)) >= 0)
			a->val[fi] = v;
		else {
			dossier_badfield(k, arg, len);
			return CS_ERR_USAGE;
		}
	}
	if ((r = cli_resolve(cli, IDS_CASE, "--case", &a->case_id,
	    a->case_buf)) != 0 ||
	    (r = cli_resolve(cli, IDS_RECORD, "--id", &a->id, a->id_buf)) != 0)
		return r;
	for (i = 0; i < (int)k->nfields && i < DOSSIER_FIELDS_MAX; i++) {
		if (k->fields[i].type != SCHEMA_REF ||
		    str_fmt(opt, sizeof(opt), "--%s", k->fields[i].name) != 0)
			continue;
		if ((r = cli_resolve(cli, IDS_RECORD, opt, &a->val[i],
		    a->ref_buf[i])) != 0)
			return r;
	}
	return 0;
}

int
dossier_open(struct cli *cli, struct vault **v, sqlite3 **db)
{
	int	r;

	*db = NULL;
	if ((r = cli_vault_open(cli, 0, v)) != 0)
		return r;
	*db = vault_db(*v);
	if ((r = dossier_prepare(*db)) != 0) {
		cli_errx("cannot prepare the local database: %s", cs_err(r));
		vault_close(*v);
		*v = NULL;
		*db = NULL;
	}
	return r;
}

/* Tell why the core refused a write ("r"), in the CLI's words. */
static void
dossier_errx(const struct schema_kind *k, const struct dossier_error *e,
    int r)
{
	char	flag[BODY_NAME_MAX + 1];
	size_t	i;

	if (e->name != NULL) {
		for (i = 0; e->name[i] != '\0' && i < BODY_NAME_MAX; i++)
			flag[i] = e->name[i] == '_' ? '-' : e->name[i];
		flag[i] = '\0';
	}
	switch (e->fault) {
	case DOSSIER_BAD_VALUE:
		if (e->choices != NULL)
			cli_errx("%s %s: %s (%s); nothing changed", k->noun,
			    e->name, e->why, e->choices);
		else
			cli_errx("%s %s: %s; nothing changed", k->noun,
			    e->name, e->why);
		break;
	case DOSSIER_MISSING:
		cli_errx("a %s needs --%s; nothing changed", k->noun, flag);
		break;
	case DOSSIER_BAD_UNSET:
		cli_errx("--unset: not an optional field of a %s", k->noun);
		break;
	case DOSSIER_READ_ONLY:
		cli_errx("%s; nothing was written", e->text);
		break;
	case DOSSIER_OK:
		if (r != 0)
			cli_errx("%s: %s", k->noun, cs_err(r));
		break;
	default:
		cli_errx("%s", e->text);
		break;
	}
}

/*
 * The long texts of "in": '-' reads stdin, a missing required one a
 * new record needs comes from the editor (its file in ed[]).  Kept in
 * text[] (wiped and freed by the caller).
 */
static int
dossier_long_texts(struct dossier_input *in, char **text,
    struct cli_edit *ed)
{
	const struct schema_kind	*k = in->k;
	size_t				 i;
	int				 r;

	for (i = 0; i < k->nfields; i++) {
		if (k->fields[i].type != SCHEMA_LONG)
			continue;
		if (in->val[i] != NULL && strcmp(in->val[i], "-") == 0)
			r = cli_read_text(STDIN_FILENO, &text[i]);
		else if (in->val[i] == NULL && in->record_id == NULL &&
		    k->fields[i].required)
			r = cli_editor(k->fields[i].name, &text[i], &ed[i]);
		else
			continue;
		if (r != 0) {
			if (r != CS_ERR_USAGE)
				cli_errx("%s: %s", k->fields[i].name,
				    cs_err(r));
			return r;
		}
		in->val[i] = text[i];
	}
	return 0;
}

/*
 * Make (a->id NULL) or change record of kind "k" from the arguments;
 * with "edit_id" set, that record is changed whatever a->id says.  All
 * values are checked first (dossier.h), before an editor opens;
 * nothing is written on any error.  The id goes to *idout
 * (DB_UUID_LEN + 1 bytes) when not NULL, else it is printed.
 */
static int
dossier_write_cmd(struct cli *cli, const struct schema_kind *k,
    struct dossier_args *a, const char *edit_id, char *idout)
{
	struct dossier_input	 in;
	struct dossier_error	 err;
	struct vault		*v = NULL;
	sqlite3			*db = NULL;
	char			*text[DOSSIER_FIELDS_MAX] = { NULL };
	struct cli_edit		 ed[DOSSIER_FIELDS_MAX];
	char			 id[DB_UUID_LEN + 1], cid[DB_UUID_LEN + 1];
	size_t			 i;
	int			 r;

	memset(&in, 0, sizeof(in));
	memset(ed, 0, sizeof(ed));
	in.k = k;
	in.case_id = a->case_id;
	in.record_id = edit_id != NULL ? edit_id : a->id;
	memcpy(in.val, a->val, sizeof(in.val));
	memcpy(in.unset, a->unset, sizeof(in.unset));
	/* an escalation's outcome is of the escalation's case */
	if (in.record_id == NULL && in.case_id == NULL &&
	    strcmp(k->kind, "escalation_outcome") != 0) {
		cli_errx("a new %s needs --case ID (or --id ID to change one)",
		    k->noun);
		return EXIT_USAGE;
	}
	if ((r = dossier_open(cli, &v, &db)) != 0)
		goto out;
	if ((r = dossier_check(db, &in, 1, &err)) != 0) {
		dossier_errx(k, &err, r);
		goto out;
	}
	/* everything else is checked before an editor opens */
	if ((r = dossier_long_texts(&in, text, ed)) != 0)
		goto out;
	if ((r = dossier_write(db, &in, id, cid, &err)) != 0) {
		dossier_errx(k, &err, r);
		goto out;
	}
	if (idout != NULL)
		memcpy(idout, id, DB_UUID_LEN + 1);
	else if (cli->json)
		r = cli_written_json(id, cid);
	else
		printf("%s\n", id);
 out:
	for (i = 0; i < DOSSIER_FIELDS_MAX; i++) {
		cli_editor_done(&ed[i], r == 0);
		if (text[i] != NULL) {
			sodium_memzero(text[i], strlen(text[i]));
			free(text[i]);
		}
	}
	vault_close(v);
	/* refused by this laptop for the server: "refused" (exit 5) */
	return r == CS_ERR_AUTH || r == CS_ERR_CASE_CLOSED ? EXIT_REFUSED :
	    cli_exit(r);
}

/* Write the case's one record of kind "k": edit it if it is here. */
static int
dossier_one(struct cli *cli, const struct schema_kind *k,
    struct dossier_args *a)
{
	struct vault	*v = NULL;
	sqlite3		*db;
	char		 id[DB_UUID_LEN + 1];
	size_t		 others;
	int		 r;

	if ((r = dossier_open(cli, &v, &db)) != 0)
		return cli_exit(r);
	/* the one plan (plan.h), or the one from before it first edits */
	if (strcmp(k->kind, "plan") == 0)
		r = plan_current(db, a->case_id, id, &others);
	else
		r = dossier_find(db, a->case_id, k->kind, id);
	vault_close(v);
	if (r != 0 && r != CS_ERR_NOT_FOUND)
		return cli_exit(r);
	return dossier_write_cmd(cli, k, a, r == 0 ? id : NULL, NULL);
}

/* The commands for one kind of record, and their record kinds. */
static const struct {
	const char	*cmd;
	const char	*kind;
} dossier_kinds[] = {
	{ "person", "person" },
	{ "note", "journal" },
	{ "assess", "assessment" },
	{ "partner", "partner" },
	{ "escalate", "escalation" },
	{ "escalate outcome", "escalation_outcome" },
	{ "nazorg", "nazorg" },
	{ "closing", "closing" },
	{ "plan goal", "goal" },
};

static void
dossier_kind_usage(FILE *f, const char *cmd, const struct schema_kind *k)
{
	dossier_usage(f, cmd, k->append_only ? "add|list" : "add|edit|list",
	    k);
	if (strcmp(k->kind, "assessment") == 0)
		fprintf(f, "and:   casesync assess cosign --id ASSESSMENT   (ask "
		    "a gedragswetenschapper to co-sign it)\n");
}

static void
dossier_plan_usage(FILE *f)
{
	dossier_usage(f, "plan", "show|edit", schema_kind("plan"));
	fprintf(f, "       casesync plan goal add|edit|list ... (plan goal "
	    "--help)\n");
	cmd_plan_versions_usage(f);
}

static void
dossier_case_usage(FILE *f)
{
	dossier_usage(f, "case", "new --frame FRAME|show|edit",
	    schema_kind("casefile"));
}

int
cmd_dossier_help(const char *cmd, const char *sub)
{
	size_t	i;
	char	full[32];
	int	two;

	if (strcmp(cmd, "case") == 0) {
		if (sub == NULL || !cmd_dossier_case_sub(sub))
			return -1;	/* the table's usage */
		dossier_case_usage(stdout);
		return EXIT_OK;
	}
	if (strcmp(cmd, "plan") == 0 && (sub == NULL ||
	    strcmp(sub, "goal") != 0)) {
		dossier_plan_usage(stdout);
		return EXIT_OK;
	}
	/* "plan goal" and "escalate outcome" are kinds of their own */
	two = sub != NULL && (strcmp(cmd, "plan") == 0 ||
	    (strcmp(cmd, "escalate") == 0 && strcmp(sub, "outcome") == 0));
	if (str_fmt(full, sizeof(full), "%s%s%s", cmd, two ? " " : "",
	    two ? sub : "") != 0)
		return -1;
	for (i = 0; i < sizeof(dossier_kinds) / sizeof(dossier_kinds[0]); i++)
		if (strcmp(dossier_kinds[i].cmd, full) == 0) {
			dossier_kind_usage(stdout, full,
			    schema_kind(dossier_kinds[i].kind));
			return EXIT_OK;
		}
	return -1;
}

/*
 * "cmd" add|edit|list for one kind: "verb", then the options from
 * argv[from].
 */
static int
dossier_kind_cmd(struct cli *cli, const char *cmd, const char *kind,
    const char *verb, int argc, char *argv[], int from)
{
	const struct schema_kind	*k = schema_kind(kind);
	struct dossier_args		 a;
	int				 r;

	if (verb == NULL || strcmp(verb, "--help") == 0) {
		dossier_kind_usage(verb == NULL ? stderr : stdout, cmd, k);
		return verb == NULL ? EXIT_USAGE : EXIT_OK;
	}
	if ((r = dossier_parse(cli, k, argc, argv, from, &a)) != 0)
		return cli_exit(r);
	if (a.help) {
		dossier_kind_usage(stdout, cmd, k);
		return EXIT_OK;
	}
	if (strcmp(verb, "add") == 0) {
		if (a.id != NULL) {
			cli_errx("%s add makes a new one; use %s edit --id",
			    cmd, cmd);
			return EXIT_USAGE;
		}
		return dossier_write_cmd(cli, k, &a, NULL, NULL);
	}
	if (strcmp(verb, "edit") == 0 && k->append_only) {
		cli_errx("a %s is never changed once written; add another",
		    k->noun);
		return EXIT_USAGE;
	}
	if (strcmp(verb, "edit") == 0) {
		if (a.id == NULL) {
			cli_errx("%s edit needs --id ID", cmd);
			return EXIT_USAGE;
		}
		return dossier_write_cmd(cli, k, &a, NULL, NULL);
	}
	if (strcmp(verb, "list") == 0)
		return dossier_list(cli, a.case_id, kind,
		    strcmp(kind, "escalation") == 0 ? "escalation_outcome" :
		    NULL, 0, "list");
	dossier_kind_usage(stderr, cmd, k);
	return EXIT_USAGE;
}

/* `casesync CMD VERB [options]` for the command of one kind. */
static int
dossier_kind_main(struct cli *cli, const char *cmd, const char *kind,
    int argc, char *argv[])
{
	return dossier_kind_cmd(cli, cmd, kind, argc < 2 ? NULL : argv[1],
	    argc, argv, 2);
}

int
cmd_person(struct cli *cli, int argc, char *argv[])
{
	return dossier_kind_main(cli, "person", "person", argc, argv);
}

int
cmd_note(struct cli *cli, int argc, char *argv[])
{
	return dossier_kind_main(cli, "note", "journal", argc, argv);
}

int
cmd_assess(struct cli *cli, int argc, char *argv[])
{
	if (argc >= 2 && strcmp(argv[1], "cosign") == 0)
		return cmd_approval_cosign(cli, argc, argv);
	return dossier_kind_main(cli, "assess", "assessment", argc, argv);
}

int
cmd_partner(struct cli *cli, int argc, char *argv[])
{
	return dossier_kind_main(cli, "partner", "partner", argc, argv);
}

int
cmd_nazorg(struct cli *cli, int argc, char *argv[])
{
	return dossier_kind_main(cli, "nazorg", "nazorg", argc, argv);
}

int
cmd_closing(struct cli *cli, int argc, char *argv[])
{
	return dossier_kind_main(cli, "closing", "closing", argc, argv);
}

/*
 * `escalate --case ID --to ... --reason ...` is `escalate add`;
 * `escalate outcome --escalation ID ...` adds what came of it (a record
 * of its own: an escalation is never changed).
 */
int
cmd_escalate(struct cli *cli, int argc, char *argv[])
{
	const char	*verb;

	/* escalate outcome [add|list] ...: add when no verb is given */
	if (argc >= 2 && strcmp(argv[1], "outcome") == 0) {
		verb = argc >= 3 && (strcmp(argv[2], "add") == 0 ||
		    strcmp(argv[2], "list") == 0 ||
		    strcmp(argv[2], "--help") == 0) ? argv[2] : NULL;
		return dossier_kind_cmd(cli, "escalate outcome",
		    "escalation_outcome", verb != NULL ? verb : "add", argc,
		    argv, verb != NULL ? 3 : 2);
	}
	if (argc >= 2 && (strcmp(argv[1], "list") == 0 ||
	    strcmp(argv[1], "add") == 0 || strcmp(argv[1], "edit") == 0 ||
	    strcmp(argv[1], "--help") == 0))
		return dossier_kind_main(cli, "escalate", "escalation", argc,
		    argv);
	return dossier_kind_cmd(cli, "escalate", "escalation", "add", argc,
	    argv, 1);
}

/* plan show|edit, plan goal add|edit|list. */
int
cmd_plan(struct cli *cli, int argc, char *argv[])
{
	const struct schema_kind	*pk = schema_kind("plan");
	struct dossier_args		 a;
	int				 r;

	if (argc < 2 || strcmp(argv[1], "--help") == 0) {
		dossier_plan_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : EXIT_OK;
	}
	if (strcmp(argv[1], "goal") == 0)
		return dossier_kind_main(cli, "plan goal", "goal", argc - 1,
		    argv + 1);
	if (strcmp(argv[1], "agree") == 0 || strcmp(argv[1], "history") == 0 ||
	    strcmp(argv[1], "diff") == 0)
		return cmd_plan_versions(cli, argc, argv);
	if ((r = dossier_parse(cli, pk, argc, argv, 2, &a)) != 0)
		return cli_exit(r);
	if (a.help) {
		dossier_plan_usage(stdout);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "show") == 0)
		return dossier_list(cli, a.case_id, "plan", "goal", 1, "plan");
	if (strcmp(argv[1], "edit") != 0 || a.case_id == NULL) {
		cli_errx("usage: casesync plan edit --case ID --summary TEXT "
		    "...");
		return EXIT_USAGE;
	}
	/* one plan per case: edit it if the laptop has one */
	return dossier_one(cli, pk, &a);
}

/* `case new|show|edit`: the case file record and everything in it. */
int
cmd_dossier_case_sub(const char *sub)
{
	return strcmp(sub, "new") == 0 || strcmp(sub, "show") == 0 ||
	    strcmp(sub, "edit") == 0;
}

/* `case new`: everything is checked before the server hears of it. */
static int
dossier_case_new(struct cli *cli, const struct schema_kind *k,
    struct dossier_args *a, const char *frame)
{
	struct dossier_input	 in;
	struct dossier_error	 err;
	char			 cid[DB_UUID_LEN + 1];
	int			 r;

	if (cli_frame_check(frame) != 0)
		return EXIT_USAGE;
	memset(&in, 0, sizeof(in));
	in.k = k;
	memcpy(in.val, a->val, sizeof(in.val));
	memcpy(in.unset, a->unset, sizeof(in.unset));
	if (dossier_check_values(&in, &err) != 0) {
		dossier_errx(k, &err, CS_ERR_USAGE);
		return EXIT_USAGE;
	}
	db_uuid(cid);
	if ((r = cli_case_create(cli, cid, frame)) != EXIT_OK)
		return r;
	a->case_id = cid;
	return dossier_write_cmd(cli, k, a, NULL, cid);
}

int
cmd_dossier_case(struct cli *cli, int argc, char *argv[])
{
	const struct schema_kind	*k = schema_kind("casefile");
	struct dossier_args		 a;
	struct case_meta		 m;
	struct vault			*v = NULL;
	sqlite3				*db;
	const char			*frame = NULL;
	char				 since[LC_DATE_LEN + 1];
	int				 i, o, r;

	/* --frame is the server's, the rest the case file's */
	for (i = o = 2; i < argc; i++) {
		if (strcmp(argv[i], "--frame") == 0 && i + 1 < argc)
			frame = argv[++i];
		else if (strncmp(argv[i], "--frame=", 8) == 0)
			frame = argv[i] + 8;
		else
			argv[o++] = argv[i];
	}
	argc = o;
	if ((r = dossier_parse(cli, k, argc, argv, 2, &a)) != 0)
		return cli_exit(r);
	if (a.help) {
		dossier_case_usage(stdout);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "show") == 0) {
		if (a.case_id != NULL && !cli->json &&
		    dossier_open(cli, &v, &db) == 0) {
			if (case_meta_get(db, a.case_id, &m) == 0) {
				lc_date_format(m.lc.state_since, since,
				    sizeof(since));
				printf("case %s  %s  %s since %s\n",
				    a.case_id, lc_frame_name(m.lc.frame),
				    lc_state_name(m.lc.state), since);
			}
			vault_close(v);
		}
		return dossier_list(cli, a.case_id, NULL, NULL, 1, "show");
	}
	if (strcmp(argv[1], "edit") == 0) {
		if (a.case_id == NULL) {
			cli_errx("case edit needs --case ID");
			return EXIT_USAGE;
		}
		return dossier_one(cli, k, &a);
	}
	return dossier_case_new(cli, k, &a, frame);
}
