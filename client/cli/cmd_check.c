/* SPDX-License-Identifier: ISC */
/*
 * cmd_check.c - "casesync check": authenticate every page of the vault
 * (main file and WAL, vault_scan) and check its structure (PRAGMA
 * integrity_check, vault_check); and the same check that "sync" runs
 * when the last one is older than CHECK_INTERVAL (docs/CLIENT.md).
 * The time of the last good check is the vault secret CHECK_SECRET.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "client.h"
#include "errors.h"
#include "json.h"
#include "session.h"
#include "log.h"
#include "util.h"
#include "vault.h"

int
cmd_check(struct cli *cli, int argc, char *argv[])
{
	struct vault_scan	 sc;
	struct json		 j;
	struct vault		*v = NULL;
	int			 r;

	if (argc != 1) {
		int help = argc == 2 && strcmp(argv[1], "--help") == 0;

		fprintf(help ? stdout : stderr, "usage: casesync check "
		    "(authenticate every page of this laptop's vault)\n");
		return help ? EXIT_OK : EXIT_USAGE;
	}
	if ((r = cli_vault_open(cli, 0, &v)) != 0)
		return cli_exit(r);
	if ((r = session_check(v, &sc)) != 0) {
		if (r == CS_ERR_RETRY)
			cli_errx("check: the vault kept changing (another "
			    "casesync writing); try again");
		else
			cli_errx("check: %s", cs_err(r));
	} else if (cli->json) {		/* schema "casesync check" */
		json_init(&j, stdout);
		json_obj_begin(&j);
		json_kv_bool(&j, "ok", 1);
		json_kv_int(&j, "pages", (int64_t)sc.pages);
		json_kv_int(&j, "wal_frames", (int64_t)sc.frames);
		json_kv_int(&j, "wal_uncommitted", (int64_t)sc.tail);
		json_obj_end(&j);
		r = json_end(&j);
	} else
		printf("vault ok: %llu database pages and %llu WAL frames "
		    "authenticated (%llu uncommitted WAL frames ignored); "
		    "structure ok\n", sc.pages, sc.frames, sc.tail);
	vault_close(v);
	return cli_exit(r);
}
