#!/bin/sh
# SPDX-License-Identifier: ISC
#
# t_pg_suite: a chosen set of integration tests again on PostgreSQL
# (issue 22, DESIGN §11): sync, sync_kill, transfer, audit, e2e,
# audit_pages, conflict_authors (the pull names a record's author
# from its own query there: store_sync.c), audit_later (a login's
# entry in its push's transaction, whose tree it reads once) and
# push_pipelined (requests behind a push, a failed commit), each
# with CASESYNC_TEST_DB=pg, so that lib.sh's deploy starts a throw-away
# cluster (pg_lib.sh) and writes "database = postgresql:..." into the
# server's configuration.  run.sh runs them on SQLite.
. "$(dirname "$0")/lib.sh"

SUITE="t_sync t_sync_kill t_transfer t_audit t_e2e t_audit_pages
    t_conflict_authors t_audit_later t_push_pipelined"
dir=$(dirname "$0")
for t in $SUITE; do
	CASESYNC_TEST_DB=pg sh "$dir/$t.sh" >"$T/$t.out" 2>&1 ||
	    { tail -30 "$T/$t.out" >&2; fail "$t on PostgreSQL"; }
	grep -q '^ok - ' "$T/$t.out" || fail "$t ran nothing"
	grep -q '^skip' "$T/$t.out" && fail "$t skipped: $(cat "$T/$t.out")"
	ok "$t on PostgreSQL ($(grep -c '^ok - ' "$T/$t.out") checks)"
done
