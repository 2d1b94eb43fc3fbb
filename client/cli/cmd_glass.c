/* SPDX-License-Identifier: ISC */
/*
 * cmd_glass.c - `casesync glass list` and the break-the-glass lines
 * `casesync sync` prints (the uses come from glass.c).
 */
#include <stdio.h>
#include <string.h>

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

static int
glass_print(const struct msg_glass_use *u, void *arg)
{
	char	at[32], until[32], a[4 * WIRE_STR_MAX + 1];
	char	b[4 * WIRE_STR_MAX + 1], c[4 * MSG_TEXT_MAX + 1];

	(void)arg;
	localday_utc_iso(at, sizeof(at), u->granted_at);
	localday_utc_iso(until, sizeof(until), u->ended_at > 0 ? u->ended_at :
	    u->expires_at);
	printf("break the glass: %s (%s) read case %s at %s, %s %s: %s\n",
	    str_vis(a, sizeof(a), u->user, strlen(u->user)),
	    str_vis(b, sizeof(b), u->user_office, strlen(u->user_office)),
	    u->case_id, at, u->ended_at > 0 ? "ended" : "until", until,
	    str_vis(c, sizeof(c), u->reason, strlen(u->reason)));
	return 0;
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
	return glass_new_uses(db, c, glass_print, NULL, n);
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
	r = glass_uses(c, 0, cli->json ? glass_json : glass_print,
	    cli->json ? &j : NULL, &last, &n);
	if (cli->json && r == 0) {
		json_arr_end(&j);
		json_obj_end(&j);
		r = json_end(&j);
	} else if (r == 0 && n == 0)
		printf("no break-the-glass uses of your cases\n");
	cli_disconnect(v, &id, c);
	return cli_exit(r);
}
