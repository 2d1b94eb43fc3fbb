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
#include "log.h"
#include "util.h"
#include "vault.h"

#define CHECK_SECRET		"vault_checked_at"
#define CHECK_INTERVAL		(24 * 60 * 60)	/* seconds */
#define CHECK_INTERVAL_MAX	(366 * 24 * 60 * 60)

/* The whole check; the time is recorded when it passes. */
static int
check_run(struct vault *v, struct vault_scan *sc)
{
	uint8_t	b[8];
	int64_t	now = time_now();
	int	r;

	if ((r = vault_scan(v, sc)) != 0)
		return r;
	if ((r = vault_check(v)) != 0) {
		if (r == CS_ERR_TAMPERED)
			vault_mark_tampered(v);
		return vault_err(v, r);
	}
	buf_store_u64(b, (uint64_t)now);
	return vault_err(v, vault_secret_put(v, CHECK_SECRET, b, sizeof(b)));
}

/* The interval: CASESYNC_CHECK_INTERVAL seconds (0: every sync). */
static int64_t
check_interval(void)
{
	const char	*s = getenv("CASESYNC_CHECK_INTERVAL");
	uint64_t	 n;

	if (s != NULL && parse_u64(s, 0, CHECK_INTERVAL_MAX, &n) == 0)
		return (int64_t)n;
	return CHECK_INTERVAL;
}

int
cli_check_due(struct vault *v, int *ran)
{
	struct vault_scan	 sc;
	uint8_t			*p = NULL;
	size_t			 len = 0;
	uint64_t		 last = 0;
	int			 r;

	*ran = 0;
	if ((r = vault_secret_get(v, CHECK_SECRET, &p, &len)) == 0) {
		if (len == 8)
			last = buf_load_u64(p);
		vault_secret_free(p, len);
	} else if (r != CS_ERR_NOT_FOUND)
		return vault_err(v, r);
	/* a clock set back counts as due */
	if (last <= (uint64_t)time_now() &&
	    (uint64_t)time_now() - last < (uint64_t)check_interval())
		return 0;
	*ran = 1;
	if ((r = check_run(v, &sc)) == 0)
		log_debug("vault check: %llu pages, %llu WAL frames",
		    sc.pages, sc.frames);
	return r;
}

int
cmd_check(struct cli *cli, int argc, char *argv[])
{
	struct vault_scan	 sc;
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
	if ((r = check_run(v, &sc)) != 0) {
		if (r == CS_ERR_RETRY)
			cli_errx("check: the vault kept changing (another "
			    "casesync writing); try again");
		else
			cli_errx("check: %s", cs_err(r));
	} else if (cli->json)
		printf("{\"ok\":true,\"pages\":%llu,\"wal_frames\":%llu,"
		    "\"wal_uncommitted\":%llu}\n", sc.pages, sc.frames,
		    sc.tail);
	else
		printf("vault ok: %llu database pages and %llu WAL frames "
		    "authenticated (%llu uncommitted WAL frames ignored); "
		    "structure ok\n", sc.pages, sc.frames, sc.tail);
	vault_close(v);
	return cli_exit(r);
}
