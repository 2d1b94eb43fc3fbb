/* SPDX-License-Identifier: ISC */
/*
 * cmd_dossier.c - what field staff do with a case file: case new, show
 * and edit; person, measure, note, assess, partner, escalate; plan
 * show, edit and goal; search; and the local log of reads.
 *
 * Every command checks all its input against schema.c before anything
 * is written, writes through db_local_write() (record, outbox, one
 * transaction) and works offline; `casesync sync` sends it.  Every read
 * of case content (show, list, search) appends to the laptop's read
 * log (readlog.c), which the audit picks up.
 *
 * This file has the arguments and the writes; what prints records
 * (show, list, search, reads) is in cmd_dossier_show.c.
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
#include "cmd_dossier.h"
#include "cmd_dossier_int.h"
#include "db.h"
#include "errors.h"
#include "nolost.h"
#include "readlog.h"
#include "schema.h"
#include "util.h"
#include "validate.h"
#include "vault.h"

#define DOSSIER_FIELDS_MAX	16

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
	    "[--FIELD VALUE]... [--unset FIELD]...\nfields of a %s:\n",
	    cmd, verbs, k->noun);
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
			cli_errx("a %s has no field \"%.*s\" (see --help)",
			    k->noun, (int)(len > 40 ? 40 : len), arg);
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

/* Read all of stdin (at most SCHEMA_LONG_MAX bytes) into *out. */
static int
dossier_read_fd(int fd, char **out)
{
	char	*p;
	size_t	 n = 0;
	ssize_t	 got;

	*out = NULL;
	if ((p = malloc(SCHEMA_LONG_MAX + 2)) == NULL)
		return CS_ERR_ALLOC;
	while (n <= SCHEMA_LONG_MAX) {
		got = read(fd, p + n, SCHEMA_LONG_MAX + 1 - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			free(p);
			return CS_ERR_SYSTEM;
		}
		if (got == 0)
			break;
		n += (size_t)got;
	}
	if (n > SCHEMA_LONG_MAX) {
		sodium_memzero(p, n);
		free(p);
		return CS_ERR_TOO_LARGE;
	}
	/* one trailing newline is the editor's, not the user's */
	if (n > 0 && p[n - 1] == '\n')
		n--;
	p[n] = '\0';
	*out = p;
	return 0;
}

/*
 * Long text from $EDITOR.  The file lives in /dev/shm (memory, not the
 * disk) when there is one, mode 0600, and is wiped and removed after.
 */
static int
dossier_editor(const char *what, char **out)
{
	const char	*editor = getenv("EDITOR"), *dir;
	char		 path[256];
	pid_t		 pid;
	struct stat	 st;
	int		 fd, status, r;

	*out = NULL;
	if (editor == NULL || *editor == '\0' || !isatty(STDIN_FILENO)) {
		cli_errx("%s: give it as an option ('-' reads stdin), or set "
		    "$EDITOR on a terminal", what);
		return CS_ERR_USAGE;
	}
	dir = stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) ?
	    "/dev/shm" : "/tmp";
	if ((r = str_fmt(path, sizeof(path), "%s/casesync-edit-XXXXXX",
	    dir)) != 0)
		return r;
	if ((fd = mkstemp(path)) == -1)
		return CS_ERR_SYSTEM;
	close(fd);
	if ((pid = fork()) == -1) {
		unlink(path);
		return CS_ERR_SYSTEM;
	}
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", "exec $EDITOR \"$1\"", "sh", path,
		    (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) == -1 && errno == EINTR)
		;
	r = CS_ERR_SYSTEM;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0 &&
	    (fd = open(path, O_RDWR | O_NOFOLLOW)) != -1) {
		r = dossier_read_fd(fd, out);
		/* overwrite what the user wrote before the name goes */
		if (fstat(fd, &st) == 0 && st.st_size > 0) {
			char	zero[4096] = { 0 };
			off_t	o;

			for (o = 0; o < st.st_size; o += (off_t)sizeof(zero))
				if (pwrite(fd, zero, sizeof(zero), o) < 0)
					break;
			(void)fsync(fd);
		}
		close(fd);
	}
	unlink(path);
	if (r == 0 && **out == '\0') {
		free(*out);
		*out = NULL;
		cli_errx("%s: empty, nothing saved", what);
		return CS_ERR_USAGE;
	}
	return r;
}

int
dossier_open(struct cli *cli, struct vault **v, sqlite3 **db)
{
	int	r;

	*db = NULL;
	if ((r = cli_vault_open(cli, 0, v)) != 0)
		return r;
	*db = vault_db(*v);
	if ((r = db_init(*db)) != 0 || (r = readlog_init(*db)) != 0) {
		cli_errx("cannot prepare the local database: %s", cs_err(r));
		vault_close(*v);
		*v = NULL;
		*db = NULL;
	}
	return r;
}

struct dossier_find {
	const char	*kind;
	size_t		 n;
	char		 id[DB_UUID_LEN + 1];
};

static int
dossier_find_cb(const struct db_record *r, void *arg)
{
	struct dossier_find	*f = arg;

	if (f->kind == NULL || strcmp(r->kind, f->kind) == 0) {
		if (f->n++ == 0)
			memcpy(f->id, r->record_id, sizeof(f->id));
	}
	return 0;
}

/* The case is one this laptop knows (metadata or any record). */
static int
dossier_case_known(sqlite3 *db, const char *case_id)
{
	struct case_meta	m;
	struct dossier_find	f;

	if (case_meta_get(db, case_id, &m) == 0)
		return 1;
	memset(&f, 0, sizeof(f));
	return db_record_list(db, case_id, dossier_find_cb, &f) == 0 &&
	    f.n > 0;
}

/*
 * Make (a->id NULL) or change record of kind "k" from the arguments;
 * with "edit_id" set, that record is changed whatever a->id says.  All
 * values are checked first; nothing is written on any error.  The id
 * goes to *idout (DB_UUID_LEN + 1 bytes) when not NULL.
 */
static int
dossier_write(struct cli *cli, const struct schema_kind *k,
    struct dossier_args *a, const char *edit_id, char *idout)
{
	struct db_record	 rec, cur;
	struct nolost_access	 ro;
	struct body		 b;
	struct vault		*v = NULL;
	sqlite3			*db = NULL;
	const char		*why, *missing, *rid;
	char			 why_ro[512];
	char			*text[DOSSIER_FIELDS_MAX] = { NULL };
	char			 newid[DB_UUID_LEN + 1];
	size_t			 i;
	int			 r, creating;

	memset(&rec, 0, sizeof(rec));
	memset(&cur, 0, sizeof(cur));
	body_init(&b);
	rid = edit_id != NULL ? edit_id : a->id;
	creating = rid == NULL;
	if (creating && a->case_id == NULL) {
		cli_errx("a new %s needs --case ID (or --id ID to change one)",
		    k->noun);
		return EXIT_USAGE;
	}
	if ((r = dossier_open(cli, &v, &db)) != 0)
		goto out;
	if (!creating) {
		if ((r = db_record_get(db, rid, &cur)) != 0) {
			cli_errx("no %s %s on this laptop", k->noun, rid);
			goto out;
		}
		if (strcmp(cur.kind, k->kind) != 0 || cur.deleted) {
			cli_errx("record %s is not a %s", rid, k->noun);
			r = CS_ERR_USAGE;
			goto out;
		}
		if (k->append_only) {
			cli_errx("a %s is never changed once written; add "
			    "another", k->noun);
			r = CS_ERR_USAGE;
			goto out;
		}
		if ((r = body_decode(cur.body, cur.body_len, &b)) != 0) {
			cli_errx("record %s: %s", rid, cs_err(r));
			goto out;
		}
		memcpy(rec.case_id, cur.case_id, sizeof(rec.case_id));
	} else {
		if (!dossier_case_known(db, a->case_id)) {
			cli_errx("this laptop holds no case %s (sync first?)",
			    a->case_id);
			r = CS_ERR_NOT_FOUND;
			goto out;
		}
		db_uuid(newid);
		rid = newid;
		memcpy(rec.case_id, a->case_id, sizeof(rec.case_id));
	}
	/* a read-only case says so before anything is typed (nolost.h) */
	if ((r = nolost_writable(db, rec.case_id, &ro)) != 0) {
		if (r == CS_ERR_AUTH) {
			nolost_explain(&ro, why_ro, sizeof(why_ro));
			cli_errx("%s; nothing was written", why_ro);
		}
		goto out;
	}
	/* long texts: '-' is stdin, a missing required one the editor */
	for (i = 0; i < k->nfields; i++) {
		if (k->fields[i].type != SCHEMA_LONG)
			continue;
		if (a->val[i] != NULL && strcmp(a->val[i], "-") == 0)
			r = dossier_read_fd(STDIN_FILENO, &text[i]);
		else if (a->val[i] == NULL && creating && k->fields[i].required)
			r = dossier_editor(k->fields[i].name, &text[i]);
		else
			continue;
		if (r != 0) {
			if (r != CS_ERR_USAGE)
				cli_errx("%s: %s", k->fields[i].name,
				    cs_err(r));
			goto out;
		}
		a->val[i] = text[i];
	}
	for (i = 0; i < k->nfields; i++) {
		if (a->val[i] != NULL &&
		    schema_check(&k->fields[i], a->val[i], &why) != 0) {
			cli_errx("%s %s: %s; nothing changed", k->noun,
			    k->fields[i].name, why);
			r = CS_ERR_USAGE;
			goto out;
		}
	}
	for (i = 0; i < k->nfields; i++) {
		if (a->val[i] != NULL &&
		    (r = body_set(&b, k->fields[i].name,
		    (const uint8_t *)a->val[i], strlen(a->val[i]))) != 0)
			goto out;
		if (a->unset[i])
			(void)body_unset(&b, k->fields[i].name);
	}
	if (schema_complete(k, &b, &missing) != 0) {
		cli_errx("a %s needs --%s; nothing changed", k->noun, missing);
		r = CS_ERR_USAGE;
		goto out;
	}
	memcpy(rec.record_id, rid, DB_UUID_LEN + 1);
	memcpy(rec.kind, k->kind, strlen(k->kind) + 1);
	if ((r = body_encode(&b, &rec.body, &rec.body_len)) != 0)
		goto out;
	if (rec.body_len > DB_BODY_MAX) {
		cli_errx("the %s is too large to sync (over 1 MiB)", k->noun);
		r = CS_ERR_TOO_LARGE;
		goto out;
	}
	if ((r = db_local_write(db, &rec)) != 0) {
		cli_errx("%s %s: %s", k->noun, rid, cs_err(r));
		goto out;
	}
	if (idout != NULL)
		memcpy(idout, rid, DB_UUID_LEN + 1);
	else if (cli->json)
		printf("{\"id\":\"%s\",\"case\":\"%s\"}\n", rid, rec.case_id);
	else
		printf("%s\n", rid);
 out:
	for (i = 0; i < DOSSIER_FIELDS_MAX; i++) {
		if (text[i] != NULL) {
			sodium_memzero(text[i], strlen(text[i]));
			free(text[i]);
		}
	}
	db_record_clear(&rec);
	db_record_clear(&cur);
	body_free(&b);
	vault_close(v);
	/* refused by this laptop for the server: "refused" (exit 5) */
	return r == CS_ERR_AUTH ? EXIT_REFUSED : cli_exit(r);
}

/* noun add|edit|list for one kind. */
static int
dossier_kind_cmd(struct cli *cli, const char *cmd, const char *kind,
    int argc, char *argv[])
{
	const struct schema_kind	*k = schema_kind(kind);
	struct dossier_args		 a;
	const char			*verbs;
	int				 r;

	verbs = k->append_only ? "add|list" : "add|edit|list";
	if (argc < 2 || strcmp(argv[1], "--help") == 0) {
		dossier_usage(argc < 2 ? stderr : stdout, cmd, verbs, k);
		return argc < 2 ? EXIT_USAGE : EXIT_OK;
	}
	if ((r = dossier_parse(cli, k, argc, argv, 2, &a)) != 0)
		return cli_exit(r);
	if (a.help) {
		dossier_usage(stdout, cmd, verbs, k);
		return EXIT_OK;
	}
	if (strcmp(argv[1], "add") == 0) {
		if (a.id != NULL) {
			cli_errx("%s add makes a new one; use %s edit --id",
			    cmd, cmd);
			return EXIT_USAGE;
		}
		return dossier_write(cli, k, &a, NULL, NULL);
	}
	if (strcmp(argv[1], "edit") == 0 && k->append_only) {
		cli_errx("a %s is never changed once written; add another",
		    k->noun);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "edit") == 0) {
		if (a.id == NULL) {
			cli_errx("%s edit needs --id ID", cmd);
			return EXIT_USAGE;
		}
		return dossier_write(cli, k, &a, NULL, NULL);
	}
	if (strcmp(argv[1], "list") == 0)
		return dossier_list(cli, a.case_id, kind, NULL, 0, "list");
	dossier_usage(stderr, cmd, verbs, k);
	return EXIT_USAGE;
}

int
cmd_person(struct cli *cli, int argc, char *argv[])
{
	return dossier_kind_cmd(cli, "person", "person", argc, argv);
}

int
cmd_measure(struct cli *cli, int argc, char *argv[])
{
	return dossier_kind_cmd(cli, "measure", "measure", argc, argv);
}

int
cmd_note(struct cli *cli, int argc, char *argv[])
{
	return dossier_kind_cmd(cli, "note", "journal", argc, argv);
}

int
cmd_assess(struct cli *cli, int argc, char *argv[])
{
	return dossier_kind_cmd(cli, "assess", "assessment", argc, argv);
}

int
cmd_partner(struct cli *cli, int argc, char *argv[])
{
	return dossier_kind_cmd(cli, "partner", "partner", argc, argv);
}

/* `escalate --case ID --to ... --reason ...` is `escalate add`. */
int
cmd_escalate(struct cli *cli, int argc, char *argv[])
{
	char	*av[64];
	int	 i;

	if (argc >= 2 && (strcmp(argv[1], "list") == 0 ||
	    strcmp(argv[1], "add") == 0 || strcmp(argv[1], "--help") == 0))
		return dossier_kind_cmd(cli, "escalate", "escalation", argc,
		    argv);
	if (argc + 1 > (int)(sizeof(av) / sizeof(av[0])))
		return EXIT_USAGE;
	av[0] = argv[0];
	av[1] = (char *)(uintptr_t)"add";
	for (i = 1; i < argc; i++)
		av[i + 1] = argv[i];
	return dossier_kind_cmd(cli, "escalate", "escalation", argc + 1, av);
}

/* plan show|edit, plan goal add|edit|list. */
int
cmd_plan(struct cli *cli, int argc, char *argv[])
{
	const struct schema_kind	*pk = schema_kind("plan");
	struct dossier_args		 a;
	struct dossier_find		 f;
	struct vault			*v = NULL;
	sqlite3				*db;
	int				 r;

	if (argc < 2 || strcmp(argv[1], "--help") == 0) {
		dossier_usage(argc < 2 ? stderr : stdout, "plan", "show|edit",
		    pk);
		fprintf(argc < 2 ? stderr : stdout, "       casesync plan goal "
		    "add|edit|list ... (plan goal --help)\n");
		return argc < 2 ? EXIT_USAGE : EXIT_OK;
	}
	if (strcmp(argv[1], "goal") == 0)
		return dossier_kind_cmd(cli, "plan goal", "goal", argc - 1,
		    argv + 1);
	if ((r = dossier_parse(cli, pk, argc, argv, 2, &a)) != 0)
		return cli_exit(r);
	if (a.help) {
		dossier_usage(stdout, "plan", "show|edit", pk);
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
	if ((r = dossier_open(cli, &v, &db)) != 0)
		return cli_exit(r);
	memset(&f, 0, sizeof(f));
	f.kind = "plan";
	r = db_record_list(db, a.case_id, dossier_find_cb, &f);
	vault_close(v);
	if (r != 0)
		return cli_exit(r);
	return dossier_write(cli, pk, &a, f.n > 0 ? f.id : NULL, NULL);
}

/* `case new|show|edit`: the case file record and everything in it. */
int
cmd_dossier_case_sub(const char *sub)
{
	return strcmp(sub, "new") == 0 || strcmp(sub, "show") == 0 ||
	    strcmp(sub, "edit") == 0;
}

int
cmd_dossier_case(struct cli *cli, int argc, char *argv[])
{
	const struct schema_kind	*k = schema_kind("casefile");
	struct dossier_args		 a;
	struct dossier_find		 f;
	struct case_meta		 m;
	struct vault			*v = NULL;
	sqlite3				*db;
	const char			*frame = NULL, *why;
	char				*av[8], cid[DB_UUID_LEN + 1];
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
		dossier_usage(stdout, "case", "new --frame FRAME|show|edit", k);
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
		if ((r = dossier_open(cli, &v, &db)) != 0)
			return cli_exit(r);
		memset(&f, 0, sizeof(f));
		f.kind = "casefile";
		r = db_record_list(db, a.case_id, dossier_find_cb, &f);
		vault_close(v);
		if (r != 0)
			return cli_exit(r);
		return dossier_write(cli, k, &a, f.n > 0 ? f.id : NULL, NULL);
	}
	/* new: everything is checked before the server hears of it */
	if (frame == NULL || validate_frame(frame, &why) != 0) {
		cli_errx("case new needs --frame " LC_FRAME_CHOICES);
		return EXIT_USAGE;
	}
	if (a.val[0] == NULL) {
		cli_errx("case new needs --title TEXT");
		return EXIT_USAGE;
	}
	for (i = 0; i < (int)k->nfields; i++) {
		if (a.val[i] != NULL &&
		    schema_check(&k->fields[i], a.val[i], &why) != 0) {
			cli_errx("case %s: %s; nothing changed",
			    k->fields[i].name, why);
			return EXIT_USAGE;
		}
	}
	db_uuid(cid);
	av[0] = (char *)(uintptr_t)"case";
	av[1] = (char *)(uintptr_t)"create";
	av[2] = (char *)(uintptr_t)"--frame";
	av[3] = (char *)(uintptr_t)frame;
	av[4] = (char *)(uintptr_t)"--id";
	av[5] = cid;
	av[6] = NULL;
	if ((r = cmd_case(cli, 6, av)) != EXIT_OK)
		return r;
	a.case_id = cid;
	return dossier_write(cli, k, &a, NULL, cid);
}
