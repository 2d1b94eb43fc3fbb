/* SPDX-License-Identifier: ISC */
/*
 * cmd_keys.c - `casesync keys setup|status` and the key steps of other
 * commands: the user's keys at enrollment, and a key round right after
 * a change of who holds a case (create, member, transfer, team), so
 * that the new holders get the case key without waiting for a sync.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "client.h"
#include "conn.h"
#include "errors.h"
#include "identity.h"
#include "json.h"
#include "keys.h"
#include "log.h"
#include "passphrase.h"
#include "vault.h"

/*
 * The passphrase of the key backup: CASESYNC_BACKUP_PASSPHRASE, else
 * the vault passphrase's source (file, CASESYNC_PASSPHRASE, terminal).
 */
static int
cli_backup_pass(struct cli *cli, char **pass, size_t *len)
{
	const char	*s = getenv("CASESYNC_BACKUP_PASSPHRASE");
	size_t		 n;

	*pass = NULL;
	*len = 0;
	if (s == NULL)
		return passphrase_get(cli->passfile, 0, pass, len);
	if ((n = strlen(s)) == 0 || n > 1024)
		return CS_ERR_FORMAT;
	if ((*pass = sodium_malloc(n + 1)) == NULL)
		return CS_ERR_ALLOC;
	memcpy(*pass, s, n + 1);
	*len = n;
	return 0;
}

int
cli_keys_setup(struct cli *cli, struct vault *v, struct identity *id,
    struct conn *c)
{
	char	*pass = NULL;
	size_t	 len = 0;
	int	 r;

	if ((r = keys_init(vault_db(v))) != 0)
		return r;
	if (keys_have_self(vault_db(v)))
		return 0;
	if ((r = cli_backup_pass(cli, &pass, &len)) != 0) {
		cli_errx("cannot read the key backup passphrase: %s",
		    cs_err(r));
		return r;
	}
	r = keys_setup(c, vault_db(v), id->ca, pass, len);
	passphrase_free(pass, len);
	if (r == CS_ERR_PASSPHRASE)
		cli_errx("user keys: the key backup does not open with this "
		    "passphrase; set CASESYNC_BACKUP_PASSPHRASE to the "
		    "passphrase of your first laptop and run casesync keys "
		    "setup");
	else if (r != 0)
		cli_errx("user keys: %s; run casesync keys setup", cs_err(r));
	return r;
}

void
cli_key_round(struct vault *v, struct identity *id, struct conn *c)
{
	struct keys_stats	ks;
	int			r;

	memset(&ks, 0, sizeof(ks));
	if ((r = keys_round(c, vault_db(v), id->ca, &ks)) != 0)
		cli_errx("warning: case keys not exchanged (%s); the next "
		    "sync does it", cs_err(r));
	else if (ks.rejected > 0 || ks.uncertified > 0)
		cli_errx("WARNING: %llu key grants rejected, %llu users not "
		    "granted (key not certified)",
		    (unsigned long long)ks.rejected,
		    (unsigned long long)ks.uncertified);
}

static int
keys_status(struct cli *cli, struct vault *v)
{
	sqlite3		*db = vault_db(v);
	sqlite3_stmt	*s = NULL;
	struct json	 j;
	int64_t		 pending = 0, cases = 0, keys = 0;
	int		 have;

	if (keys_init(db) != 0 || keys_pending_count(db, &pending) != 0 ||
	    sqlite3_prepare_v2(db, "SELECT count(DISTINCT case_id), count(*)"
	    " FROM case_keys WHERE confirmed = 1", -1, &s, NULL) != SQLITE_OK ||
	    sqlite3_step(s) != SQLITE_ROW) {
		sqlite3_finalize(s);
		cli_errx("keys: cannot read the vault");
		return CS_ERR_DB;
	}
	cases = sqlite3_column_int64(s, 0);
	keys = sqlite3_column_int64(s, 1);
	sqlite3_finalize(s);
	have = keys_have_self(db);
	if (cli->json) {
		/* the one writer (common/json.c); schema: docs/json-schemas */
		json_init(&j, stdout);
		json_obj_begin(&j);
		json_kv_bool(&j, "user_keys", have);
		json_kv_int(&j, "cases", cases);
		json_kv_int(&j, "case_keys", keys);
		json_kv_int(&j, "waiting_for_key", pending);
		json_obj_end(&j);
		return json_end(&j);
	} else
		printf("user keys: %s\ncase keys: %lld (of %lld cases)\n"
		    "records waiting for a key: %lld\n",
		    have ? "on this laptop" : "NOT set up (casesync keys setup)",
		    (long long)keys, (long long)cases, (long long)pending);
	return 0;
}

int
cmd_keys(struct cli *cli, int argc, char *argv[])
{
	struct identity	 id;
	struct vault	*v = NULL;
	struct conn	*c = NULL;
	int		 r;

	if (argc != 2 || (strcmp(argv[1], "setup") != 0 &&
	    strcmp(argv[1], "status") != 0)) {
		fprintf(argc == 2 && strcmp(argv[1], "--help") == 0 ? stdout :
		    stderr, "usage: casesync keys setup | status\n");
		return argc == 2 && strcmp(argv[1], "--help") == 0 ? EXIT_OK :
		    EXIT_USAGE;
	}
	if (strcmp(argv[1], "status") == 0) {
		if ((r = cli_vault_open(cli, 0, &v)) != 0)
			return cli_exit(r);
		r = keys_status(cli, v);
		vault_close(v);
		return cli_exit(r);
	}
	if ((r = cli_connect(cli, &v, &id, &c)) != 0)
		return cli_exit(r);
	if ((r = cli_keys_setup(cli, v, &id, c)) == 0)
		printf("user keys: on this laptop\n");
	cli_disconnect(v, &id, c);
	return cli_exit(r);
}
