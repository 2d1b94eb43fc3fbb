/* SPDX-License-Identifier: ISC */
/*
 * ctl_records.c - "casesyncctl records": what the server holds, without
 * content.  "digest" prints the number of live records and a hash over
 * their ids, versions and (encrypted) bodies, comparable with
 * "casesync digest" on a laptop; "purges" lists purge instructions and
 * their receipts (which devices still hold a case they lost).
 */
#include <stdio.h>
#include <string.h>

#include "ctl.h"
#include "errors.h"
#include "store.h"
#include "util.h"

static int
ctl_purge_cb(int64_t device_id, const char *case_id, int64_t receipt_at,
    int64_t n, void *arg)
{
	char	when[32];

	(void)arg;
	if (receipt_at == 0) {
		printf("%-6lld %s  waiting for receipt\n", (long long)device_id,
		    case_id);
		return 0;
	}
	ctl_time_iso(when, sizeof(when), receipt_at);
	printf("%-6lld %s  purged %s (%lld records)\n", (long long)device_id,
	    case_id, when, (long long)n);
	return 0;
}

int
ctl_records(struct ctl *c, int argc, char **argv)
{
	struct store	*st = NULL;
	uint8_t		 h[32];
	char		 hex[65];
	int64_t		 n;
	int		 rv, r, json;

	json = ctl_json_opt(&argc, argv);
	if (argc != 2 || (strcmp(argv[1], "digest") != 0 &&
	    strcmp(argv[1], "purges") != 0)) {
		ctl_usage("records", 1);
		return CTL_EXIT_USAGE;
	}
	if ((rv = ctl_store_open(c, &st)) != CTL_EXIT_OK)
		return rv;
	if (json) {
		rv = strcmp(argv[1], "digest") == 0 ?
		    ctl_json_records_digest(st) : ctl_json_records_purges(st);
		store_close(st);
		return rv;
	}
	if (strcmp(argv[1], "digest") == 0) {
		if ((r = store_digest(st, &n, h)) == 0) {
			hex_encode(hex, h, sizeof(h));
			printf("%lld %s\n", (long long)n, hex);
		}
	} else {
		printf("%-6s %-36s  state\n", "device", "case");
		r = store_purge_list(st, ctl_purge_cb, NULL);
	}
	store_close(st);
	if (r != 0) {
		ctl_errx("records %s: %s", argv[1], cs_whyf(r));
		return CTL_EXIT_FAIL;
	}
	return CTL_EXIT_OK;
}
