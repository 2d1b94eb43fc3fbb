/* SPDX-License-Identifier: ISC */
/*
 * cmd_glass.c - `casesync glass list` and the break-the-glass lines
 * `casesync sync` prints (the uses come from glass.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli_ids.h"
#include "client.h"
#include "conn.h"
#include "errors.h"
#include "glass.h"
#include "identity.h"
#include "json.h"
#include "localday.h"
#include "msg.h"
#include "msg_transfer.h"
#include "util.h"
#include "vault.h"

/* Room for cli_case_name(): a short id and a title. */
#define GLASS_NAME_MAX	(IDS_SHORT_SIZE + IDS_LABEL_MAX + 2)

/*
 * Who names the cases: the vault's database and the short ids (NULL:
 * a snapshot with only this use's case added, for `sync`'s lines).
 */
struct glass_names {
	sqlite3		*db;
	struct ids	*x;
};

static int
glass_print(const struct msg_glass_use *u, void *arg)
{
	struct glass_names	*gn = arg;
	struct ids		*one = NULL;
	char			 at[32], until[32], a[4 * WIRE_STR_MAX + 1];
	char			 b[4 * WIRE_STR_MAX + 1], c[4 * MSG_TEXT_MAX + 1];
	char			 name[GLASS_NAME_MAX];

	if (gn->x == NULL && ids_load_with(gn->db, &u->case_id, 1,
	    &one) != 0)
		one = NULL;			/* then the full id */
	cli_case_name(gn->db, gn->x != NULL ? gn->x : one, u->case_id, name,
	    sizeof(name));
	ids_free(one);
	localday_utc_iso(at, sizeof(at), u->granted_at);
	localday_utc_iso(until, sizeof(until), u->ended_at > 0 ? u->ended_at :
	    u->expires_at);
	printf("break the glass: %s (%s) read case %s at %s, %s %s: %s\n",
	    str_vis(a, sizeof(a), u->user, strlen(u->user)),
	    str_vis(b, sizeof(b), u->user_office, strlen(u->user_office)),
	    name, at, u->ended_at > 0 ? "ended" : "until", until,
	    str_vis(c, sizeof(c), u->reason, strlen(u->reason)));
	return 0;
}

/*
 * `glass list` keeps the uses to name their cases over all of them:
 * copies, the strings in one allocation each.
 */
struct glass_kept {
	struct msg_glass_use	*u;
	char			**buf;
	size_t			 n;
};

static char *
glass_copy(char **at, const char *s)
{
	size_t	len = strlen(s) + 1;
	char	*d = *at;

	memcpy(d, s, len);
	*at += len;
	return d;
}

static int
glass_keep(const struct msg_glass_use *u, void *arg)
{
	struct glass_kept	*k = arg;
	struct msg_glass_use	*nu;
	char			**nb, *buf, *at;

	if ((nu = reallocarray(k->u, k->n + 1, sizeof(*nu))) == NULL)
		return CS_ERR_ALLOC;
	k->u = nu;
	if ((nb = reallocarray(k->buf, k->n + 1, sizeof(*nb))) == NULL)
		return CS_ERR_ALLOC;
	k->buf = nb;
	/* the strings were checked for length by the wire validators */
	if ((buf = malloc(strlen(u->case_id) + strlen(u->user) +
	    strlen(u->user_office) + strlen(u->reason) + 4)) == NULL)
		return CS_ERR_ALLOC;
	at = buf;
	nu[k->n] = *u;
	nu[k->n].case_id = glass_copy(&at, u->case_id);
	nu[k->n].user = glass_copy(&at, u->user);
	nu[k->n].user_office = glass_copy(&at, u->user_office);
	nu[k->n].reason = glass_copy(&at, u->reason);
	nb[k->n++] = buf;
	return 0;
}

static void
glass_kept_free(struct glass_kept *k)
{
	size_t	i;

	for (i = 0; i < k->n; i++)
		free(k->buf[i]);
	free(k->buf);
	free(k->u);
}

/* The kept uses, their cases by short ids unique over all of them. */
static void
glass_kept_print(sqlite3 *db, const struct glass_kept *k)
{
	struct glass_names	 gn;
	const char		**cases;
	size_t			 i;

	gn.db = db;
	gn.x = NULL;
	if ((cases = reallocarray(NULL, k->n + 1, sizeof(*cases))) != NULL) {
		for (i = 0; i < k->n; i++)
			cases[i] = k->u[i].case_id;
		if (ids_load_with(db, cases, k->n, &gn.x) != 0)
			gn.x = NULL;	/* then one snapshot per line */
		free(cases);
	}
	for (i = 0; i < k->n; i++)
		(void)glass_print(&k->u[i], &gn);
	ids_free(gn.x);
}

/* One use with the one JSON writer; its schema: docs/json-schemas.json. */
static int
glass_json(const struct msg_glass_use *u, void *arg)
{
	struct json	*j = arg;

	json_obj_begin(j);
	json_kv_int(j, "id", u->id);
	json_kv_str(j, "case_id", u->case_id);
	json_kv_str(j, "user", u->user);
	json_kv_str(j, "user_office", u->user_office);
	json_kv_str(j, "reason", u->reason);
	json_kv_time(j, "granted_at", u->granted_at);
	json_kv_time(j, "expires_at", u->expires_at);
	json_kv_time(j, "ended_at", u->ended_at);	/* null: not ended */
	json_obj_end(j);
	return 0;
}

int
cli_glass_notify(sqlite3 *db, struct conn *c, unsigned *n)
{
	struct glass_names	gn = { db, NULL };

	return glass_new_uses(db, c, glass_print, &gn, n);
}

int
cmd_glass_list(struct cli *cli, int argc, char *argv[])
{
	static const char	usage[] =
	    "usage: casesync glass list\n"
	    "The break-the-glass uses (and renewals) of the cases you are "
	    "the regisseur of,\nand for a teamleider those of your office: "
	    "who, when, until when, and why.\n";
	struct identity		 id;
	struct vault		*v = NULL;
	struct conn		*c = NULL;
	int64_t			 last;
	struct json		 j;
	struct glass_kept	 k;
	unsigned		 n;
	int			 r;

	if (argc == 2 && strcmp(argv[1], "--help") == 0) {
		fputs(usage, stdout);
		return EXIT_OK;
	}
	if (argc != 1) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	if ((r = cli_connect(cli, &v, &id, &c)) != 0)
		return cli_exit(r);
	if (cli->json) {
		json_init(&j, stdout);
		json_obj_begin(&j);
		json_key(&j, "uses");
		json_arr_begin(&j);
	}
	memset(&k, 0, sizeof(k));
	r = glass_uses(c, 0, cli->json ? glass_json : glass_keep,
	    cli->json ? (void *)&j : (void *)&k, &last, &n);
	if (!cli->json && r == 0)
		glass_kept_print(vault_db(v), &k);
	glass_kept_free(&k);
	if (cli->json && r == 0) {
		json_arr_end(&j);
		json_obj_end(&j);
		r = json_end(&j);
	} else if (r == 0 && n == 0)
		printf("no break-the-glass uses of your cases\n");
	cli_disconnect(v, &id, c);
	return cli_exit(r);
}
