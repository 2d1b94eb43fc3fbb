/* SPDX-License-Identifier: ISC */
/*
 * restore.c - a laptop meets a server restored from a backup (see
 * restore.h).
 *
 * Why a cursor reset and re-offers: the restored server hands out the
 * seq values above the backup's once more, so a cursor beyond them
 * would skip the new changes, and a version this laptop holds from
 * above them names nothing on the server any more.  The laptop holds
 * the plaintext of every record it has (client/core/db.c), so it can seal
 * and offer again what the server lost, under the same record ids,
 * through the normal push and its conflict rules (server side:
 * store_reoffer_rule).  The audit log's side of a restore is checked in
 * auditcp.c, at the end of the same sync.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "auditcp.h"
#include "notice.h"
#include "conn.h"
#include "db.h"
#include "errors.h"
#include "keys.h"
#include "restore.h"

static void
restore_date(char *dst, size_t len, int64_t t)
{
	struct tm	tm;
	time_t		tt = (time_t)t;

	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(dst, len, "%Y-%m-%d %H:%M UTC", &tm) == 0)
		(void)snprintf(dst, len, "%lld", (long long)t);
}

/* Prepare the vault for generation "sv" (restore.h), in one transaction. */
static int
restore_prepare(sqlite3 *db, const struct conn_server *sv, size_t *n)
{
	int	r;

	if ((r = keys_init(db)) != 0 || (r = db_begin(db)) != 0)
		return r;
	if ((r = db_restore(db, sv->generation, sv->restore_seq, n)) != 0 ||
	    (r = keys_pending_reset(db)) != 0 ||
	    (r = auditcp_reads_restart(db)) != 0 ||
	    (r = db_commit(db)) != 0) {
		db_rollback(db);
		return r;
	}
	return 0;
}

int
restore_check(struct conn *c, sqlite3 *db)
{
	struct conn_server	sv;
	int64_t			gen, since, tie;
	size_t			n;
	char			when[40];
	int			r;

	conn_server(c, &sv);
	if ((r = db_reoffer_retry(db)) != 0 ||
	    (r = db_generation_get(db, &gen)) != 0 ||
	    (r = db_cursor_get(db, &since, &tie)) != 0)
		return r;
	if (sv.generation != 0 && sv.generation != gen) {
		restore_date(when, sizeof(when), sv.backup_time);
		if ((r = restore_prepare(db, &sv, &n)) != 0) {
			notice(NOTICE_ERROR, "cannot prepare for the restored "
			    "server: %s", cs_err(r));
			return r;
		}
		/* a laptop that never pulled has nothing to tell */
		if (gen != 0 || since != 0)
			notice(NOTICE_ERROR, "server restored from a backup "
			    "of %s: %zu record%s this laptop holds from after "
			    "it %s offered again", when, n, n == 1 ? "" : "s", n
			    == 1 ? "is" : "are");
		return 0;
	}
	if (sv.generation == gen && since <= sv.server_seq)
		return 0;
	/*
	 * Back in time without saying so: the audit log tells whether its
	 * history was cut (a fork, reported there); in any case nothing is
	 * pushed onto versions that may mean something else now.
	 */
	if ((r = auditcp_verify(c, db)) != 0)
		return r;
	notice(NOTICE_ERROR, "*** the server went back in time without "
	    "announcing a restore: its change sequence is %lld, this laptop "
	    "has seen %lld; NOT syncing: tell your administrator ***", (long
	    long)sv.server_seq, (long long)since);
	return CS_ERR_TAMPERED;
}
