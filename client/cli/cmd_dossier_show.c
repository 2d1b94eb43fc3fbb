/* SPDX-License-Identifier: ISC */
/*
 * cmd_dossier_show.c - the case-file commands that print records
 * (cmd_dossier.c has the rest): the lists of a kind or a whole case,
 * search, and the local log of reads.  Every read of case content
 * appends to the read log (readlog.c) before anything is printed.
 */
#include <sys/stat.h>
#include <sys/wait.h>

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
#include "dossier.h"
#include "errors.h"
#include "ids.h"
#include "json.h"
#include "nolost.h"
#include "readlog.h"
#include "schema.h"
#include "util.h"
#include "validate.h"
#include "vault.h"

/*
 * A value for people, at most "max" bytes.  Text from other devices is
 * printed as is only if it is UTF-8 without control characters (C0,
 * DEL, C1: a terminal may act on them), newlines shown as " / ";
 * anything else is escaped by str_vis().
 */
static void
dossier_print_value(const uint8_t *p, size_t len, size_t max)
{
	char	vis[4 * 128 + 4];
	size_t	i, n = utf8_cut((const char *)p, len, max);

	for (i = 0; i < n; i++)
		if ((p[i] < 0x20 && p[i] != '\n') || p[i] == 0x7f ||
		    (p[i] == 0xc2 && i + 1 < n && p[i + 1] < 0xa0))
			break;
	if (i < n || !utf8_valid((const char *)p, n)) {
		fputs(str_vis(vis, sizeof(vis), (const char *)p,
		    n > 128 ? 128 : n), stdout);
		return;
	}
	for (i = 0; i < n; i++) {
		if (p[i] == '\n')
			fputs(" / ", stdout);
		else
			putchar(p[i]);
	}
	if (n < len)
		fputs("...", stdout);
}

struct dossier_list {
	struct cli	*cli;
	struct ids	*ids;		/* short ids for people */
	struct json	 j;		/* --json */
	size_t		 n;
	int		 full;		/* every field, not the summary */
};

static void
dossier_print_record(struct dossier_list *l,
    const struct dossier_record *d)
{
	const struct schema_kind	*k = d->k;
	const struct db_record		*r = d->rec;
	const struct body		*b = d->body;
	const struct body_field		*f;
	char				 sid[IDS_SHORT_SIZE];
	size_t				 i;

	if (l->cli->json) {
		cli_record_json(&l->j, l->ids, d->rec, d->body);
		return;
	}
	ids_short(l->ids, r->record_id, sid);
	printf("%-10s %-6s", k != NULL ? k->noun : r->kind, sid);
	if (l->full || k == NULL) {
		putchar('\n');
		for (i = 0; i < b->n; i++) {
			printf("    %-18s ", b->f[i].name);
			/* a marker is binary: casesync conflicts shows it */
			if (body_name_is_marker(b->f[i].name))
				fputs("(values in conflict: see casesync "
				    "conflicts)", stdout);
			else
				dossier_print_value(b->f[i].value,
				    b->f[i].len, 400);
			putchar('\n');
		}
		return;
	}
	for (i = 0; i < 3 && k->summary[i] != NULL; i++) {
		if ((f = body_get(b, k->summary[i])) == NULL)
			continue;
		fputs("  ", stdout);
		dossier_print_value(f->value, f->len, 60);
	}
	if (d->nconflicts > 0)
		printf("  [%zu conflict%s]", d->nconflicts,
		    d->nconflicts == 1 ? "" : "s");
	putchar('\n');
}

static int
dossier_list_cb(const struct dossier_record *d, void *arg)
{
	struct dossier_list	*l = arg;
	char			 sid[IDS_SHORT_SIZE];

	if (d->body == NULL) {
		ids_short(l->ids, d->rec->record_id, sid);
		if (!l->cli->json)
			printf("%-10s %-6s  (body unreadable)\n", d->rec->kind,
			    sid);
		return 0;
	}
	dossier_print_record(l, d);
	l->n++;
	return 0;
}

/* List records of "kind" (NULL: all) of a case, and log the read. */
int
dossier_list(struct cli *cli, const char *case_id, const char *kind,
    const char *kind2, int full, const char *action)
{
	struct dossier_list	 l;
	struct vault		*v = NULL;
	sqlite3			*db;
	const char		*kinds[3] = { kind, kind2, NULL };
	int			 r;

	if (case_id == NULL) {
		cli_errx("which case? --case ID");
		return EXIT_USAGE;
	}
	if ((r = dossier_open(cli, &v, &db)) != 0)
		return cli_exit(r);
	memset(&l, 0, sizeof(l));
	l.cli = cli;
	l.full = full;
	if ((r = ids_load(db, &l.ids)) != 0) {
		cli_errx("cannot list the ids: %s", cs_err(r));
		goto out;
	}
	if (cli->json) {
		json_init(&l.j, stdout);
		json_arr_begin(&l.j);
	}
	r = dossier_read(db, case_id, kind != NULL ? kinds : NULL, action,
	    dossier_list_cb, &l);
	if (r != 0)
		cli_errx("cannot read the case: %s", cs_err(r));
	if (cli->json && r == 0) {	/* never a list cut short by an error */
		json_arr_end(&l.j);
		r = json_end(&l.j);
	} else if (!cli->json && l.n == 0 && r == 0)
		printf("(none)\n");
 out:
	ids_free(l.ids);
	vault_close(v);
	return cli_exit(r);
}

struct dossier_search {
	struct cli	*cli;
	struct ids	*ids;
	struct json	 j;		/* --json */
	size_t		 n;
};

static int
dossier_search_cb(const struct dossier_record *d, size_t fi, void *arg)
{
	struct dossier_search		*s = arg;
	const struct db_record		*r = d->rec;
	const struct body_field		*f = &d->body->f[fi];
	char				 csid[IDS_SHORT_SIZE];
	char				 rsid[IDS_SHORT_SIZE];

	if (s->cli->json) {
		/* schema "casesync search": the record's keys, the match */
		ids_short(s->ids, r->record_id, rsid);
		json_obj_begin(&s->j);
		json_kv_str(&s->j, "record_id", r->record_id);
		json_kv_str(&s->j, "short_id", rsid);
		json_kv_str(&s->j, "case_id", r->case_id);
		json_kv_str(&s->j, "kind", r->kind);
		json_kv_str(&s->j, "field", f->name);
		json_kv_bytes(&s->j, "value", f->value, f->len);
		json_obj_end(&s->j);
	} else {
		ids_short(s->ids, r->case_id, csid);
		ids_short(s->ids, r->record_id, rsid);
		printf("%-6s %-10s %-6s %s: ", csid,
		    d->k != NULL ? d->k->noun : r->kind, rsid, f->name);
		dossier_print_value(f->value, f->len, 70);
		putchar('\n');
	}
	s->n++;
	return 0;
}

int
cmd_search(struct cli *cli, int argc, char *argv[])
{
	struct dossier_search	 s;
	struct vault		*v = NULL;
	sqlite3			*db;
	const char		*case_id = NULL, *q = NULL;
	char			 cbuf[DB_UUID_LEN + 1];
	int			 i, r;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--case") == 0 && i + 1 < argc)
			case_id = argv[++i];
		else if (strcmp(argv[i], "--help") == 0) {
			printf("usage: casesync search [--case ID] TEXT\n");
			return EXIT_OK;
		} else if (q == NULL && argv[i][0] != '-')
			q = argv[i];
		else
			q = NULL, i = argc;
	}
	if (q == NULL || *q == '\0' || strlen(q) > 200 ||
	    !utf8_valid(q, strlen(q))) {
		fprintf(stderr, "usage: casesync search [--case ID] TEXT\n");
		return EXIT_USAGE;
	}
	if ((r = cli_resolve(cli, IDS_CASE, "--case", &case_id, cbuf)) != 0 ||
	    (r = dossier_open(cli, &v, &db)) != 0)
		return cli_exit(r);
	memset(&s, 0, sizeof(s));
	s.cli = cli;
	if ((r = ids_load(db, &s.ids)) != 0) {
		cli_errx("cannot list the ids: %s", cs_err(r));
		goto out;
	}
	if (cli->json) {
		json_init(&s.j, stdout);
		json_arr_begin(&s.j);
	}
	r = dossier_search(db, case_id, q, dossier_search_cb, &s);
	if (r != 0)
		cli_errx("cannot search: %s", cs_err(r));
	if (cli->json && r == 0) {
		json_arr_end(&s.j);
		r = json_end(&s.j);
	} else if (!cli->json && s.n == 0 && r == 0)
		printf("no matches\n");
 out:
	ids_free(s.ids);
	vault_close(v);
	return cli_exit(r);
}

int
cmd_reads(struct cli *cli, int argc, char *argv[])
{
	struct vault	*v = NULL;
	sqlite3		*db;
	int		 r;

	if (argc != 1) {
		fprintf(argc == 2 && strcmp(argv[1], "--help") == 0 ? stdout :
		    stderr, "usage: casesync reads   (this laptop's log of "
		    "reads of case files, checked)\n");
		return argc == 2 && strcmp(argv[1], "--help") == 0 ?
		    EXIT_OK : EXIT_USAGE;
	}
	if ((r = dossier_open(cli, &v, &db)) != 0)
		return cli_exit(r);
	r = cli_reads_print(db, cli->json);
	if (r == CS_ERR_TAMPERED)
		cli_errx("the read log is broken: an entry was changed or "
		    "removed");
	vault_close(v);
	return cli_exit(r);
}
