/* SPDX-License-Identifier: ISC */
/*
 * sync_pull.c - the pull half of sync (see sync.h): ask for batches
 * after the local cursor, apply each (records, purges, the read-only
 * cases, the cursor) in one transaction, then send the purge receipts.
 * Killed at any point, the next sync resumes from the last committed
 * batch.
 */
#include <stdlib.h>
#include <string.h>

#include "author.h"
#include "case_meta.h"
#include "conn.h"
#include "db.h"
#include "errors.h"
#include "keys.h"
#include "log.h"
#include "msg_sync.h"
#include "nolost.h"
#include "sync_int.h"
#include "vault.h"

/* What one PullResponse's purges came to, per purge_case_ids[i]. */
struct sync_purges {
	uint32_t	*purged;	/* records deleted */
	uint32_t	*held;		/* > 0: not purged, changes hold it */
};

/*
 * The receipt of a purge, or (held > 0) the news that it was not done
 * because "held" changes written here hold it.
 */
static int
sync_purge_receipt(struct conn *c, const char *case_id, uint32_t n,
    uint32_t held, struct sync_stats *st)
{
	struct msg_purge_receipt	 pr;
	struct msg_out			 o;
	struct msg			*rep = NULL;
	int				 r;

	pr.case_id = case_id;
	pr.records_deleted = held > 0 ? 0 : n;
	pr.held = held > 0;
	pr.held_changes = held;
	o = msg_out_purge_receipt(&pr);
	st->round_trips++;
	r = rpc_call_expect(c, &o, MSG_PURGE_ACK, &rep);
	msg_free(rep);
	return r;
}

/*
 * Count a record of a case this laptop has no metadata of (the sync
 * then fetches it: case_meta.h); "seen" is the last case looked up, a
 * batch's records mostly come case after case.
 */
static int
sync_meta_seen(sqlite3 *db, const char *case_id, char *seen,
    struct sync_stats *st)
{
	int	r, known;

	if (strcmp(case_id, seen) == 0)
		return 0;
	if ((r = case_meta_known(db, case_id, &known)) != 0)
		return r;
	if (!known)
		st->nometa++;
	memcpy(seen, case_id, DB_UUID_LEN + 1);
	return 0;
}

/* The records of PullResponse "m", opened (sync_prep.c) and applied. */
static int
sync_apply_records(sqlite3 *db, struct sync_prep *prep, const struct msg *m,
    size_t n, struct sync_stats *st)
{
	struct msg_record	 mr;
	struct db_record	 rec;
	char			 seen[DB_UUID_LEN + 1] = "";
	size_t			 i, nc = 0;
	int			 r, clean;

	/*
	 * No change waiting to be pushed (an initial sync, say): no
	 * record of the batch has a local edit to merge with, and none
	 * gets one while it is applied.
	 */
	if ((r = db_outbox_empty(db, &clean)) != 0)
		return r;
	for (i = 0; i < n; i++) {
		if ((r = msg_pull_response_record(m, i, &mr)) != 0)
			return r;
		sync_rec_in(&rec, &mr);
		st->bytes += rec.body_len;
		if ((r = sync_meta_seen(db, rec.case_id, seen, st)) != 0)
			return r;
		/*
		 * A child's measure record comes after the server changed
		 * the case's measures (measure_rec.h): the metadata with
		 * them is fetched at the end too.
		 */
		if (strcmp(rec.kind, "measure") == 0)
			st->nometa++;
		if ((r = sync_prep_get(prep, i, &rec)) == CS_ERR_NOT_FOUND) {
			if ((r = keys_pending_put(db, &rec)) != 0 ||
			    (r = author_pending_put(db, &rec)) != 0 ||
			    (r = db_author_server(db, &rec)) != 0)
				return r;
			st->waiting++;
			continue;
		}
		if (r == CS_ERR_TAMPERED) {
			sync_tampered(&rec, st);
			continue;
		}
		if (r != 0)
			return r;
		if ((r = db_author_server(db, &rec)) != 0 ||
		    (r = clean ? db_pulled_clean(db, &rec) :
		    db_pulled(db, &rec, &nc)) != 0)
			return r;
		st->conflicts += nc;
	}
	return 0;
}

/*
 * A purge never deletes an unsent change: the outbox was pushed before
 * this pull, so what is left (refused and held, or never sendable)
 * holds the purge of its case, and the server is told.
 */
static int
sync_apply_purges(sqlite3 *db, const struct msg_pull_response *pr,
    struct sync_purges *pu)
{
	const char	*id;
	int64_t		 unsent;
	size_t		 i;
	int		 r;

	for (i = 0; i < pr->n_purge_case_ids; i++) {
		id = pr->purge_case_ids[i];
		if ((r = nolost_unsent(db, id, &unsent)) != 0)
			return r;
		if (unsent > 0) {
			pu->held[i] = unsent > MSG_HELD_MAX ?
			    MSG_HELD_MAX : (uint32_t)unsent;
			if ((r = nolost_purge_hold(db, id, unsent)) != 0)
				return r;
			log_warnx("case %s: NOT purged: %lld change%s written "
			    "here the server has not accepted; kept until "
			    "someone decides", id, (long long)unsent,
			    unsent == 1 ? "" : "s");
			continue;
		}
		if ((r = db_purge_case(db, id, &pu->purged[i])) != 0 ||
		    (r = keys_case_forget(db, id)) != 0 ||
		    (r = nolost_purged(db, id)) != 0)
			return r;
	}
	return 0;
}

/* The complete list of read-only cases of PullResponse "m". */
static int
sync_apply_access(sqlite3 *db, const struct msg *m, size_t n)
{
	struct msg_case_access	*a = NULL;
	size_t			 i;
	int			 r = 0;

	/* most pulls have none, and allocate nothing */
	if (n > 0 && (a = calloc(n, sizeof(*a))) == NULL)
		return CS_ERR_ALLOC;
	for (i = 0; i < n && r == 0; i++)
		r = msg_pull_response_access(m, i, &a[i]);
	if (r == 0)
		r = nolost_access_set(db, a, n);
	free(a);
	return r;
}

/*
 * Apply one PullResponse (records, cursor, purges) in one transaction.
 * Its bodies are opened on a second thread meanwhile, which then
 * receives the reply "id" into *next if "c" is not NULL (the next batch
 * was asked for already).
 */
static int
sync_apply_pull(sqlite3 *db, struct sync_prep *prep, const struct msg *m,
    const struct msg_pull_response *pr, struct sync_purges *pu,
    struct sync_stats *st, struct conn *c, uint32_t id, struct msg *old,
    struct msg **next)
{
	int	r;

	*next = NULL;
	if ((r = sync_prep_start(prep, m, pr->n_records, c, id, old)) != 0)
		return r;
	if ((r = db_begin(db)) != 0)
		goto fail;
	if ((r = sync_apply_records(db, prep, m, pr->n_records, st)) != 0 ||
	    (r = sync_apply_purges(db, pr, pu)) != 0 ||
	    (r = sync_apply_access(db, m, pr->n_case_access)) != 0)
		goto fail;
	/* the list is complete unless it reached the limit */
	if (pr->n_purge_case_ids < MSG_PURGES_MAX &&
	    (r = nolost_purge_moot(db, pr->purge_case_ids,
	    pr->n_purge_case_ids)) != 0)
		goto fail;
	/* wire.c checked that the cursor fits */
	if ((r = db_cursor_set(db, pr->cursor, pr->cursor_tie)) != 0)
		goto fail;
	st->pulled += pr->n_records;
	if ((r = db_commit(db)) != 0) {
		(void)sync_prep_end(prep, st, NULL);
		return r;
	}
	/* committed; the next batch, or why it did not come */
	if ((r = sync_prep_end(prep, st, next)) != 0) {
		msg_free(*next);
		*next = NULL;
	}
	return r;
 fail:
	if (!sqlite3_get_autocommit(db))
		db_rollback(db);
	(void)sync_prep_end(prep, st, NULL);
	return r;
}

int
sync_pull_ask(struct conn *c, int64_t since, int64_t tie,
    struct sync_stats *st, uint32_t *id)
{
	struct msg_pull_request	req;
	struct msg_out		o;

	req.since = since;
	req.since_tie = tie;
	req.max_records = SYNC_PULL_BATCH;
	req.max_bytes = SYNC_PULL_BYTES;
	o = msg_out_pull_request(&req);
	st->round_trips++;
	return conn_rpc_send(c, &o, id);
}

/* Receipts only after the deletion is durable. */
static int
sync_purge_receipts(struct conn *c, const struct msg_pull_response *pr,
    const struct sync_purges *pu, struct sync_stats *st)
{
	size_t	i;
	int	r;

	for (i = 0; i < pr->n_purge_case_ids; i++) {
		if ((r = sync_purge_receipt(c, pr->purge_case_ids[i],
		    pu->purged[i], pu->held[i], st)) != 0)
			return r;
		if (pu->held[i] > 0)
			st->purges_held++;
		else
			st->purged++;
	}
	return 0;
}

/*
 * Pull until the server has nothing more.  While one batch is applied
 * (a transaction with the new cursor), the request for the next is
 * already on its way: the server reads the next batch while the laptop
 * writes this one, and a second thread opens this one's bodies and
 * then receives the next (sync_prep.c).  The local cursor still moves only on commit, so a
 * kill resumes from the last applied batch.  Purge receipts are plain
 * calls, so a batch that carries purges is not pipelined.  When the
 * first answer says more follow, the batches go through a rollback
 * journal rather than the WAL (vault_bulk_begin: each page sealed once).
 */
int
sync_pull(struct conn *c, sqlite3 *db, const struct keyring *kr,
    const struct sync_observer *obs, struct sync_stats *st, uint32_t sent)
{
	struct msg_pull_response	 pr;
	struct sync_purges		 pu = { NULL, NULL };
	struct msg			*rep = NULL, *next = NULL, *old = NULL;
	struct sync_prep		*prep;
	uint32_t			 id = sent;
	int64_t				 since, tie;
	int				 r, asked, bulk = 0, first = 1;
	int				 have = 0;

	if ((prep = sync_prep_new(kr)) == NULL)
		return CS_ERR_ALLOC;
	/* "sent": the first request went out already (with the key round) */
	if (sent == 0 && ((r = db_cursor_get(db, &since, &tie)) != 0 ||
	    (r = sync_pull_ask(c, since, tie, st, &id)) != 0))
		goto out;
	for (asked = 1; asked; ) {
		asked = 0;
		/* received already while the last batch was written */
		if (have) {
			rep = next;
			next = NULL;
			have = 0;
		} else if ((r = conn_rpc_wait(c, id, &rep)) != 0)
			goto out;
		if ((r = msg_get_pull_response(rep, &pr)) != 0)
			goto out;
		/*
		 * More than one batch to come: the pages go straight into
		 * the main file (vault.h, vault_bulk_begin).
		 */
		if (first && pr.more && (r = vault_bulk_begin(db, &bulk)) != 0)
			goto out;
		first = 0;
		if (pr.more && pr.n_purge_case_ids == 0) {
			if ((r = sync_pull_ask(c, pr.cursor, pr.cursor_tie,
			    st, &id)) != 0)
				goto out;
			asked = 1;
		}
		if ((pu.purged = calloc(pr.n_purge_case_ids + 1,
		    sizeof(*pu.purged))) == NULL ||
		    (pu.held = calloc(pr.n_purge_case_ids + 1,
		    sizeof(*pu.held))) == NULL) {
			r = CS_ERR_ALLOC;
			goto out;
		}
		/* the second thread frees the last batch's message */
		r = sync_apply_pull(db, prep, rep, &pr, &pu, st,
		    asked ? c : NULL, id, old, &next);
		old = NULL;
		if (r != 0 || (r = sync_purge_receipts(c, &pr, &pu, st)) != 0)
			goto out;
		/* committed and synced: the kernel need not keep its pages */
		if (bulk)
			vault_bulk_drop(db);
		have = asked;
		if (pr.more && !asked) {
			if ((r = sync_pull_ask(c, pr.cursor, pr.cursor_tie,
			    st, &id)) != 0)
				goto out;
			asked = 1;
		}
		/* the server's newest sequence bounds what is left */
		st->pull_total = st->pulled + (uint64_t)(pr.more && pr.server_seq >
		    pr.cursor ? pr.server_seq - pr.cursor : 0);
		sync_progress(obs, st, "pulling");
		free(pu.purged);
		free(pu.held);
		pu.purged = pu.held = NULL;
		old = rep;
		rep = NULL;
	}
	msg_free(old);
	/*
	 * All of it committed: if WAL mode cannot come back now (a reader
	 * of another process), the vault's next open brings it back.
	 */
	if (bulk && (r = vault_bulk_end(db)) != 0)
		log_warnx("vault: rollback journal until the next open: %s",
		    cs_err(r));
	sync_prep_free(prep);
	return 0;
 out:
	free(pu.purged);
	free(pu.held);
	msg_free(old);
	msg_free(rep);
	msg_free(next);
	sync_prep_free(prep);
	if (bulk)
		(void)vault_bulk_end(db);
	return r;
}
