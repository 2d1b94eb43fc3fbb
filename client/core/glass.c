/* SPDX-License-Identifier: ISC */
/*
 * glass.c - break-the-glass uses seen by the regisseur and the team
 * leads (see glass.h).  The server decides who sees which use
 * (store_glass_seen); the vault keeps the id of the newest use shown
 * so that a sync shows each one once.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sqlite3.h>

#include "client.h"
#include "conn.h"
#include "db.h"
#include "errors.h"
#include "glass.h"
#include "identity.h"
#include "log.h"
#include "util.h"
#include "vault.h"
#include "msg.h"
#include "msg_transfer.h"

#define GLASS_PAGES_MAX	50	/* requests per listing: 10,000 uses */

/* "YYYY-MM-DDTHH:MM:SSZ", or "-" for 0. */
static void
glass_time(char *dst, size_t dstlen, int64_t t)
{
	struct tm	tm;
	time_t		tt = (time_t)t;

	if (t <= 0 || gmtime_r(&tt, &tm) == NULL ||
	    strftime(dst, dstlen, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		(void)str_fmt(dst, dstlen, "-");
}

static void
glass_print(const struct msg_glass_use *u)
{
	char	at[32], until[32], a[4 * WIRE_STR_MAX + 1];
	char	b[4 * WIRE_STR_MAX + 1], c[4 * MSG_TEXT_MAX + 1];

	glass_time(at, sizeof(at), u->granted_at);
	glass_time(until, sizeof(until), u->ended_at > 0 ? u->ended_at :
	    u->expires_at);
	printf("break the glass: %s (%s) read case %s at %s, %s %s: %s\n",
	    str_vis(a, sizeof(a), u->user, strlen(u->user)),
	    str_vis(b, sizeof(b), u->user_office, strlen(u->user_office)),
	    u->case_id, at, u->ended_at > 0 ? "ended" : "until", until,
	    str_vis(c, sizeof(c), u->reason, strlen(u->reason)));
}

static void
glass_json(const struct msg_glass_use *u, int first)
{
	printf("%s{\"id\":%lld,\"case_id\":\"%s\",\"user\":", first ? "" : ",",
	    (long long)u->id, u->case_id);
	cli_json_str(stdout, u->user);
	printf(",\"user_office\":");
	cli_json_str(stdout, u->user_office);
	printf(",\"reason\":");
	cli_json_str(stdout, u->reason);
	printf(",\"granted_at\":%lld,\"expires_at\":%lld,\"ended_at\":%lld}",
	    (long long)u->granted_at, (long long)u->expires_at,
	    (long long)u->ended_at);
}

/*
 * Every use after "after", page by page: print them (JSON items with
 * "json"), *last: the newest id (or "after"), *n: how many.
 */
static int
glass_fetch(struct conn *c, int64_t after, int json, int64_t *last,
    unsigned *n)
{
	struct msg_glass_list_request	 q;
	struct msg_glass_list		 gl;
	struct msg_glass_use		 u;
	struct msg_out			 req;
	struct msg			*rep = NULL;
	size_t				 i, page;
	int				 r = 0;

	*last = after;
	*n = 0;
	q.after = after;
	req = msg_out_glass_list_request(&q);
	for (page = 0; page < GLASS_PAGES_MAX; page++) {
		q.after = *last;
		if ((r = rpc_call_expect(c, &req, MSG_GLASS_LIST,
		    &rep)) != 0) {
			cli_report("glass list", r, rep);
			break;
		}
		(void)msg_get_glass_list(rep, &gl);
		for (i = 0; i < gl.n_uses; i++) {
			(void)msg_glass_list_item(rep, i, &u);
			/* ascending ids (wire_transfer.c), after ours */
			if (u.id <= *last) {
				r = CS_ERR_PROTOCOL;
				break;
			}
			if (json)
				glass_json(&u, *n == 0);
			else
				glass_print(&u);
			*last = u.id;
			(*n)++;
		}
		if (r != 0 || !gl.more || gl.n_uses == 0)
			break;
		msg_free(rep);
		rep = NULL;
	}
	msg_free(rep);
	return r;
}

int
glass_notify(sqlite3 *db, struct conn *c, unsigned *n)
{
	sqlite3_stmt	*s = NULL;
	int64_t		 after = 0, last;
	int		 r;

	*n = 0;
	if (db_init(db) != 0 || sqlite3_prepare_v2(db, "SELECT after FROM"
	    " glass_seen WHERE id = 1", -1, &s, NULL) != SQLITE_OK) {
		log_warnx("db: %s", sqlite3_errmsg(db));
		sqlite3_finalize(s);
		return CS_ERR_DB;
	}
	if (sqlite3_step(s) == SQLITE_ROW)
		after = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	s = NULL;
	r = glass_fetch(c, after, 0, &last, n);
	/* what was shown is not shown again, even after an error */
	if (last > after && (sqlite3_prepare_v2(db, "INSERT INTO"
	    " glass_seen(id, after) VALUES (1, ?1) ON CONFLICT(id) DO UPDATE"
	    " SET after = ?1", -1, &s, NULL) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 1, last) != SQLITE_OK ||
	    sqlite3_step(s) != SQLITE_DONE)) {
		log_warnx("db: %s", sqlite3_errmsg(db));
		r = r != 0 ? r : CS_ERR_DB;
	}
	sqlite3_finalize(s);
	return r;
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
	if (cli->json)
		printf("{\"uses\":[");
	r = glass_fetch(c, 0, cli->json, &last, &n);
	if (cli->json)
		printf("%s\n", r == 0 ? "]}" : "");
	else if (r == 0 && n == 0)
		printf("no break-the-glass uses of your cases\n");
	cli_disconnect(v, &id, c);
	return cli_exit(r);
}
