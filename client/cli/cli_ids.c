/* SPDX-License-Identifier: ISC */
/*
 * cli_ids.c - --case and --id as people type them (see cli_ids.h).
 */
#include <stdio.h>
#include <string.h>

#include "cli_ids.h"
#include "client.h"
#include "db.h"
#include "errors.h"
#include "ids.h"
#include "msg.h"
#include "util.h"
#include "vault.h"

/* Up to 40 bytes of what was typed, for the message. */
static const char *
cli_ids_vis(const char *in, char *buf, size_t len)
{
	size_t	n = strlen(in);

	return str_vis(buf, len, in, n > 40 ? 40 : n);
}

static void
cli_ids_list(const struct ids_ambiguous *a, enum ids_kind what,
    const char *opt, const char *in)
{
	const struct ids_candidate	*c;
	char				 vis[200];
	size_t				 i;

	cli_errx("%s \"%s\" matches %zu %s; give one of these short ids:",
	    opt, cli_ids_vis(in, vis, sizeof(vis)), a->total,
	    what == IDS_CASE ? "cases" : "records");
	for (i = 0; i < a->n; i++) {
		c = &a->c[i];
		if (what == IDS_CASE)
			fprintf(stderr, "  %-12s  %s\n", c->short_id,
			    c->label[0] != '\0' ? c->label : "(no title)");
		else
			fprintf(stderr, "  %-12s  %-10s  %s\n", c->short_id,
			    c->kind, c->label);
	}
	if (a->total > a->n)
		fprintf(stderr, "  ... and %zu more\n", a->total - a->n);
}

int
cli_resolve(struct cli *cli, enum ids_kind what, const char *opt,
    const char **input, char buf[DB_UUID_LEN + 1])
{
	struct ids_ambiguous	 a;
	struct vault		*v = NULL;
	char			 vis[200];
	int			 r;

	if (*input == NULL)
		return 0;
	/* a full id: no passphrase needed to know what it means */
	if (wire_uuid_ok(*input)) {
		memcpy(buf, *input, DB_UUID_LEN + 1);
		*input = buf;
		return 0;
	}
	if (cli->held == NULL) {
		if ((r = cli_vault_open(cli, 0, &v)) != 0)
			return r;
		if ((r = db_init(vault_db(v))) != 0) {
			cli_errx("cannot prepare the local database: %s",
			    cs_err(r));
			vault_close(v);
			return r;
		}
		cli->held = v;
	}
	r = ids_resolve(vault_db(cli->held), what, *input, buf, &a);
	switch (r) {
	case 0:
		*input = buf;
		return 0;
	case CS_ERR_AMBIGUOUS:
		cli_ids_list(&a, what, opt, *input);
		return CS_ERR_USAGE;
	case CS_ERR_NOT_FOUND:
	case CS_ERR_FORMAT:
		cli_errx("%s \"%s\": no %s on this laptop has this %s", opt,
		    cli_ids_vis(*input, vis, sizeof(vis)),
		    what == IDS_CASE ? "case" : "record",
		    what == IDS_CASE ? "short id, id or title" :
		    "short id or id");
		return CS_ERR_USAGE;
	default:
		cli_errx("%s: %s", opt, cs_err(r));
		return r;
	}
}

void
cli_case_name(sqlite3 *db, struct ids *x, const char *case_id, char *dst,
    size_t dstlen)
{
	char	sid[IDS_SHORT_SIZE], title[IDS_LABEL_MAX + 1];

	if (x == NULL) {
		(void)str_fmt(dst, dstlen, "%s", case_id);
		return;
	}
	ids_short(x, case_id, sid);
	if (ids_case_title(db, x, case_id, title, sizeof(title)) != 0)
		title[0] = '\0';
	(void)str_fmt(dst, dstlen, "%s%s%s", sid[0] != '\0' ? sid : "-",
	    title[0] != '\0' ? " " : "", title);
}
