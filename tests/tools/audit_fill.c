/* SPDX-License-Identifier: ISC */
/*
 * audit_fill.c - a long audit log for the benchmark of "casesyncctl
 * audit verify" (tests/bench/verify_rss.sh): append N entries to the
 * database of a deployment, in transactions of 1,000, through the
 * store as casesyncd appends them (leaves, subtrees, tree state).  No
 * checkpoint is signed: a casesyncctl command that writes an entry
 * signs one over them afterwards.
 *
 *   audit_fill SPEC N	SPEC as store_open() takes it (the path of
 *			server.db, or postgresql:CONNINFO)
 *
 * Exit 0 when done, 1 on failure, 2 usage.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "errors.h"
#include "store.h"
#include "store_audit.h"
#include "util.h"

#define FILL_BATCH	1000

int
main(int argc, char **argv)
{
	static struct audit_entry	 e[FILL_BATCH];
	struct store			*st = NULL;
	uint64_t			 n, i;
	size_t				 k, b;
	int				 r;

	if (argc != 3 || parse_u64(argv[2], 1, 100000000, &n) != 0) {
		fprintf(stderr, "usage: audit_fill SPEC N\n");
		return 2;
	}
	if ((r = store_open(argv[1], 0, &st)) != 0) {
		fprintf(stderr, "audit_fill: %s: %s\n", argv[1], cs_err(r));
		return 1;
	}
	for (i = 0; i < n; i += b) {
		b = n - i < FILL_BATCH ? (size_t)(n - i) : FILL_BATCH;
		for (k = 0; k < b; k++) {
			audit_entry_init(&e[k], "read", AUDIT_READ, 1);
			(void)str_fmt(e[k].user, sizeof(e[k].user), "user%llu",
			    (unsigned long long)((i + k) % 500));
			audit_set(e[k].role, "jeugdbeschermer");
			audit_set(e[k].office, "Zwolle");
			audit_set(e[k].basis, "member");
			audit_set(e[k].object_type, "case");
			(void)str_fmt(e[k].client_ref, sizeof(e[k].client_ref),
			    "0190a1b2-c3d4-7e5f-8a9b-%012llx",
			    (unsigned long long)((i + k) % 20000));
			audit_set(e[k].object_id, e[k].client_ref);
			audit_set(e[k].detail, "records=12 delivered to device");
			e[k].device_id = (int64_t)((i + k) % 1000) + 1;
		}
		if ((r = store_audit_append(st, e, b)) != 0) {
			fprintf(stderr, "audit_fill: at %llu: %s\n",
			    (unsigned long long)i, cs_err(r));
			store_close(st);
			return 1;
		}
	}
	store_close(st);
	return 0;
}
