/* SPDX-License-Identifier: ISC */
/*
 * auditcp.c - keep the server's audit log honest from the laptop (see
 * auditcp.h).  The last verified checkpoint lives in its own table of
 * the vault, audit_checkpoint, one row.  The audit public key is pinned
 * by the first checkpoint the laptop sees (trust on first use, right
 * after enrollment); a different key later is reported like a fork.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sodium.h>

#include "auditcp.h"
#include "notice.h"
#include "conn.h"
#include "db.h"
#include "errors.h"
#include "merkle.h"
#include "msg_audit.h"
#include "util.h"

#define AUDITCP_SIG_MAX		128	/* a DER ECDSA P-256 signature fits */

int
auditcp_accept(const struct auditcp *old, const struct auditcp *cur,
    const uint8_t sig[CHECKPOINT_SIG_LEN], const uint8_t *proof, size_t len,
    const char **why)
{
	*why = NULL;
	if (old != NULL &&
	    sodium_memcmp(old->pk, cur->pk, CHECKPOINT_PK_LEN) != 0) {
		*why = "the checkpoint is signed with a different audit key";
		return CS_ERR_TAMPERED;
	}
	if (checkpoint_verify(cur->size, cur->root, cur->time, sig,
	    cur->pk) != 0) {
		*why = "the checkpoint's signature is not valid";
		return CS_ERR_TAMPERED;
	}
	if (old == NULL)
		return 0;
	if (cur->size < old->size) {
		*why = "the log is shorter than before (rolled back)";
		return CS_ERR_TAMPERED;
	}
	if (merkle_consistency_verify(old->size, cur->size, old->root,
	    cur->root, proof, len) != 0) {
		*why = old->size == cur->size ?
		    "the same size has a different root" :
		    "the consistency proof fails (history rewritten)";
		return CS_ERR_TAMPERED;
	}
	return 0;
}

/* *have = 0 if this laptop has not verified a checkpoint yet. */
static int
auditcp_load(sqlite3 *db, struct auditcp *cp, int *have)
{
	sqlite3_stmt	*s = NULL;
	const void	*root, *pk;
	int		 rc, r = CS_ERR_DB;

	*have = 0;
	memset(cp, 0, sizeof(*cp));
	if (db_init(db) != 0 || sqlite3_prepare_v2(db, "SELECT size, root,"
	    " time, pk FROM audit_checkpoint WHERE id = 1", -1, &s, NULL) !=
	    SQLITE_OK)
		goto out;
	if ((rc = sqlite3_step(s)) == SQLITE_DONE) {
		r = 0;
		goto out;
	}
	if (rc != SQLITE_ROW)
		goto out;
	root = sqlite3_column_blob(s, 1);
	pk = sqlite3_column_blob(s, 3);
	if (sqlite3_column_int64(s, 0) < 0 || root == NULL || pk == NULL ||
	    sqlite3_column_bytes(s, 1) != MERKLE_HASH_LEN ||
	    sqlite3_column_bytes(s, 3) != CHECKPOINT_PK_LEN) {
		r = CS_ERR_TAMPERED;
		goto out;
	}
	cp->size = (uint64_t)sqlite3_column_int64(s, 0);
	memcpy(cp->root, root, MERKLE_HASH_LEN);
	cp->time = sqlite3_column_int64(s, 2);
	memcpy(cp->pk, pk, CHECKPOINT_PK_LEN);
	sqlite3_finalize(s);
	s = NULL;
	if (sqlite3_prepare_v2(db, "SELECT generation FROM"
	    " audit_checkpoint_gen WHERE id = 1", -1, &s, NULL) != SQLITE_OK)
		goto out;
	if ((rc = sqlite3_step(s)) == SQLITE_ROW)
		cp->generation = sqlite3_column_int64(s, 0);
	else if (rc != SQLITE_DONE)
		goto out;
	*have = 1;
	r = 0;
 out:
	sqlite3_finalize(s);
	return r;
}

int
auditcp_current(sqlite3 *db, struct auditcp *cp, int *have)
{
	return auditcp_load(db, cp, have);
}

static int
auditcp_store(sqlite3 *db, const struct auditcp *cp)
{
	sqlite3_stmt	*s = NULL;
	int		 r = CS_ERR_DB;

	if (sqlite3_prepare_v2(db, "INSERT INTO audit_checkpoint(id, size,"
	    " root, time, pk) VALUES (1, ?1, ?2, ?3, ?4) ON CONFLICT(id) DO"
	    " UPDATE SET size = ?1, root = ?2, time = ?3, pk = ?4", -1, &s,
	    NULL) != SQLITE_OK)
		goto out;
	if (sqlite3_bind_int64(s, 1, (int64_t)cp->size) != SQLITE_OK ||
	    sqlite3_bind_blob(s, 2, cp->root, MERKLE_HASH_LEN,
	    SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 3, cp->time) != SQLITE_OK ||
	    sqlite3_bind_blob(s, 4, cp->pk, CHECKPOINT_PK_LEN,
	    SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_step(s) != SQLITE_DONE)
		goto out;
	sqlite3_finalize(s);
	s = NULL;
	if (sqlite3_prepare_v2(db, "INSERT INTO audit_checkpoint_gen(id,"
	    " generation) VALUES (1, ?1) ON CONFLICT(id) DO UPDATE SET"
	    " generation = ?1", -1, &s, NULL) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 1, cp->generation) != SQLITE_OK ||
	    sqlite3_step(s) != SQLITE_DONE)
		goto out;
	r = 0;
 out:
	sqlite3_finalize(s);
	return r;
}

static void
auditcp_describe(const char *who, const struct auditcp *cp)
{
	char	root[2 * MERKLE_HASH_LEN + 1];

	hex_encode(root, cp->root, sizeof(cp->root));
	notice(NOTICE_ERROR, "  %s size %llu, root %s, signed at %lld", who,
	    (unsigned long long)cp->size, root, (long long)cp->time);
}

static void
auditcp_fork_report(const struct auditcp *old, const struct auditcp *cur,
    const char *why)
{
	notice(NOTICE_ERROR, "*** AUDIT LOG FORK DETECTED ***");
	notice(NOTICE_ERROR, "the server's audit log is not an extension of "
	    "the one this laptop verified before: %s", why);
	auditcp_describe("verified:", old);
	auditcp_describe("server:  ", cur);
	notice(NOTICE_ERROR, "the server may have rewritten or rolled back "
	    "its history; tell your security officer and keep this laptop as "
	    "it is");
}

/*
 * The read log (client/core/readlog.c, table read_log) is uploaded from the
 * entry after the last one the server acknowledged, kept in the table
 * audit_reads_sent; entries are read here by their documented columns.
 */
static int
auditcp_sent_get(sqlite3 *db, int64_t *n)
{
	sqlite3_stmt	*s = NULL;
	int		 rc, r = CS_ERR_DB;

	*n = 0;
	if (db_init(db) != 0 || sqlite3_prepare_v2(db, "SELECT n FROM"
	    " audit_reads_sent WHERE id = 1", -1, &s, NULL) != SQLITE_OK)
		goto out;
	if ((rc = sqlite3_step(s)) == SQLITE_ROW)
		*n = sqlite3_column_int64(s, 0);
	else if (rc != SQLITE_DONE)
		goto out;
	r = 0;
 out:
	sqlite3_finalize(s);
	return r;
}

static int
auditcp_sent_put(sqlite3 *db, int64_t n)
{
	sqlite3_stmt	*s = NULL;
	int		 r = CS_ERR_DB;

	if (db_init(db) != 0 || sqlite3_prepare_v2(db, "INSERT INTO"
	    " audit_reads_sent(id, n) VALUES (1, ?1) ON CONFLICT(id) DO"
	    " UPDATE SET n = ?1", -1, &s, NULL) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 1, n) != SQLITE_OK ||
	    sqlite3_step(s) != SQLITE_DONE)
		goto out;
	r = 0;
 out:
	sqlite3_finalize(s);
	return r;
}

int
auditcp_reads_restart(sqlite3 *db)
{
	return auditcp_sent_put(db, 0);
}

struct auditcp_batch {
	struct msg_read_event	 ev[MSG_READS_MAX];
	char			 action[MSG_READS_MAX][17];
	char			 case_id[MSG_READS_MAX][37];
	char			 child_id[MSG_READS_MAX][37];
	uint8_t			 hash[MSG_READS_MAX][MERKLE_HASH_LEN];
	uint8_t			 prev[MERKLE_HASH_LEN];
	size_t			 n;
};

/* Up to MSG_READS_MAX entries after "after"; b->n = 0 if none. */
static int
auditcp_batch_read(sqlite3 *db, int64_t after, struct auditcp_batch *b)
{
	sqlite3_stmt		*s = NULL;
	const unsigned char	*action, *case_id, *child_id;
	int			 rc, r = CS_ERR_DB;

	b->n = 0;
	if (sqlite3_prepare_v2(db, "SELECT n, at, action, case_id, prev, hash,"
	    " child_id FROM read_log WHERE n > ?1 ORDER BY n LIMIT ?2", -1, &s,
	    NULL) != SQLITE_OK) {
		/* no read log table yet: nothing was read on this laptop */
		r = 0;
		goto out;
	}
	if (sqlite3_bind_int64(s, 1, after) != SQLITE_OK ||
	    sqlite3_bind_int(s, 2, MSG_READS_MAX) != SQLITE_OK)
		goto out;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		action = sqlite3_column_text(s, 2);
		case_id = sqlite3_column_text(s, 3);
		child_id = sqlite3_column_text(s, 6);
		if (sqlite3_column_int64(s, 0) != after + 1 + (int64_t)b->n ||
		    action == NULL || case_id == NULL || child_id == NULL ||
		    sqlite3_column_bytes(s, 2) > 16 ||
		    sqlite3_column_bytes(s, 3) > 36 ||
		    sqlite3_column_bytes(s, 6) > 36 ||
		    sqlite3_column_bytes(s, 4) != MERKLE_HASH_LEN ||
		    sqlite3_column_bytes(s, 5) != MERKLE_HASH_LEN) {
			r = CS_ERR_TAMPERED;	/* see "casesync reads" */
			goto out;
		}
		if (b->n == 0)
			memcpy(b->prev, sqlite3_column_blob(s, 4),
			    MERKLE_HASH_LEN);
		memcpy(b->action[b->n], action,
		    (size_t)sqlite3_column_bytes(s, 2) + 1);
		memcpy(b->case_id[b->n], case_id,
		    (size_t)sqlite3_column_bytes(s, 3) + 1);
		memcpy(b->child_id[b->n], child_id,
		    (size_t)sqlite3_column_bytes(s, 6) + 1);
		memcpy(b->hash[b->n], sqlite3_column_blob(s, 5),
		    MERKLE_HASH_LEN);
		b->ev[b->n].n = (uint64_t)sqlite3_column_int64(s, 0);
		b->ev[b->n].at = sqlite3_column_int64(s, 1);
		b->ev[b->n].action = b->action[b->n];
		b->ev[b->n].case_id = b->case_id[b->n];
		b->ev[b->n].child_id = b->child_id[b->n];
		b->ev[b->n].hash = (struct msg_bytes){ b->hash[b->n],
		    MERKLE_HASH_LEN };
		b->n++;
	}
	if (rc != SQLITE_DONE)
		goto out;
	r = 0;
 out:
	sqlite3_finalize(s);
	return r;
}

/* Sign the head (last n and hash) of a batch with the device key. */
static int
auditcp_sign_head(EVP_PKEY *key, uint64_t n, const uint8_t hash[32],
    uint8_t *sig, size_t *siglen)
{
	EVP_MD_CTX	*ctx = NULL;
	uint8_t		 msg[CHECKPOINT_READ_HEAD_LEN];
	int		 r = CS_ERR_CRYPTO;

	checkpoint_read_head(n, hash, msg);
	/* Ed25519 hashes by itself; ECDSA P-256 over SHA-256 */
	if ((ctx = EVP_MD_CTX_new()) == NULL ||
	    EVP_DigestSignInit(ctx, NULL, EVP_PKEY_get_id(key) ==
	    EVP_PKEY_ED25519 ? NULL : EVP_sha256(), NULL, key) != 1 ||
	    EVP_DigestSign(ctx, sig, siglen, msg, sizeof(msg)) != 1)
		goto out;
	r = 0;
 out:
	EVP_MD_CTX_free(ctx);
	return r;
}

/* Upload the read log entries the server does not have yet. */
static int
auditcp_upload_reads(struct conn *c, sqlite3 *db, EVP_PKEY *key)
{
	struct msg_read_log_upload	 up;
	struct auditcp_batch		*b = NULL;
	struct msg			*rep = NULL;
	struct msg_out			 o;
	uint8_t				 sig[AUDITCP_SIG_MAX];
	size_t				 siglen;
	int64_t				 sent, last;
	int				 r;

	if ((b = malloc(sizeof(*b))) == NULL)
		return CS_ERR_ALLOC;
	if ((r = auditcp_sent_get(db, &sent)) != 0)
		goto out;
	for (;;) {
		if ((r = auditcp_batch_read(db, sent, b)) != 0 || b->n == 0)
			goto out;
		siglen = sizeof(sig);
		if ((r = auditcp_sign_head(key, b->ev[b->n - 1].n,
		    b->hash[b->n - 1], sig, &siglen)) != 0)
			goto out;
		up.prev = (struct msg_bytes){ b->prev, MERKLE_HASH_LEN };
		up.events = b->ev;
		up.n_events = b->n;
		up.signature = (struct msg_bytes){ sig, siglen };
		o = msg_out_read_log_upload(&up);
		if ((r = rpc_call_expect(c, &o, MSG_READ_LOG_ACK, &rep)) != 0 ||
		    (r = msg_get_read_log_ack(rep, &last)) != 0)
			goto out;
		if (last < sent) {
			r = CS_ERR_PROTOCOL;
			goto out;
		}
		sent = last;
		msg_free(rep);
		rep = NULL;
		if ((r = auditcp_sent_put(db, sent)) != 0)
			goto out;
		if (b->n < MSG_READS_MAX)
			break;
	}
 out:
	msg_free(rep);
	free(b);
	return r;
}

int
auditcp_restore_accept(const struct auditcp *old, const struct auditcp *cur,
    const struct checkpoint_restore *cr, const uint8_t sig[CHECKPOINT_SIG_LEN],
    const uint8_t *bproof, size_t blen, const uint8_t *oproof, size_t olen,
    int *unknown, const char **why)
{
	*unknown = 0;
	*why = "the restore statement is not signed by this deployment's "
	    "audit key";
	if (checkpoint_restore_verify(cr, sig, old->pk) != 0)
		return CS_ERR_TAMPERED;
	*why = "the restore does not cut the log before what this laptop saw";
	if (cr->backup_size >= old->size || cr->backup_size > cur->size)
		return CS_ERR_TAMPERED;
	*why = "the restore is older than the checkpoint this laptop verified";
	if (cr->restored_at < old->time)
		return CS_ERR_TAMPERED;
	*why = "the log does not continue the backup's log";
	if (merkle_consistency_verify(cr->backup_size, cur->size,
	    cr->backup_root, cur->root, bproof, blen) != 0)
		return CS_ERR_TAMPERED;
	if (cr->old_size == 0) {
		*unknown = 1;	/* the old log was lost with the server */
		*why = NULL;
		return 0;
	}
	*why = "what this laptop verified is not in the log the restore "
	    "replaced";
	if (old->size > cr->old_size ||
	    merkle_consistency_verify(old->size, cr->old_size, old->root,
	    cr->old_root, oproof, olen) != 0)
		return CS_ERR_TAMPERED;
	*why = NULL;
	return 0;
}

/* The restore of "resp", if it explains "cur" after "old" (auditcp.h). */
static int
auditcp_restore_ok(const struct auditcp *old, const struct auditcp *cur,
    const struct msg_checkpoint_response *resp,
    struct checkpoint_restore *cr, int *unknown, const char **why)
{
	const struct msg_audit_restore	*m = &resp->restore;

	memset(cr, 0, sizeof(*cr));
	/* wire.c checked the lengths and ranges */
	cr->generation = m->generation;
	cr->backup_time = m->backup_time;
	cr->backup_size = m->backup_size;
	memcpy(cr->backup_root, m->backup_root.p, MERKLE_HASH_LEN);
	cr->old_size = m->old_size;
	memcpy(cr->old_root, m->old_root.p, MERKLE_HASH_LEN);
	cr->restored_at = m->restored_at;
	cr->restore_seq = m->restore_seq;
	return auditcp_restore_accept(old, cur, cr, m->signature.p,
	    &resp->restore_consistency.hash[0][0],
	    resp->restore_consistency.n * MERKLE_HASH_LEN,
	    &resp->old_consistency.hash[0][0],
	    resp->old_consistency.n * MERKLE_HASH_LEN, unknown, why);
}

static void
auditcp_restore_report(const struct auditcp *old,
    const struct checkpoint_restore *cr, int unknown)
{
	struct tm	tm;
	time_t		tt = (time_t)cr->backup_time;
	char		when[40];

	if (gmtime_r(&tt, &tm) == NULL ||
	    strftime(when, sizeof(when), "%Y-%m-%d %H:%M UTC", &tm) == 0)
		(void)snprintf(when, sizeof(when), "%lld",
		    (long long)cr->backup_time);
	notice(NOTICE_ERROR, "audit: server restored from a backup of %s "
	    "(signed restore, generation %016llx): its log goes on from the "
	    "backup's %llu entries; the %llu entries this laptop verified "
	    "after them %s", when, (unsigned long long)cr->generation,
	    (unsigned long long)cr->backup_size,
	    (unsigned long long)(old->size - cr->backup_size), unknown ?
	    "could not be shown (the replaced log was lost)" : "are in the "
	    "replaced log the restore names");
}

int
auditcp_check(struct conn *c, sqlite3 *db, EVP_PKEY *device_key)
{
	int	r;

	/* first the reads, so that the checkpoint covers them */
	if ((r = auditcp_upload_reads(c, db, device_key)) == CS_ERR_PEER) {
		/*
		 * A server whose history was cut (its database put back)
		 * refuses the chain as well: then the fork is the news.
		 */
		if (auditcp_verify(c, db) == CS_ERR_TAMPERED)
			return CS_ERR_TAMPERED;
		notice(NOTICE_ERROR, "the server did not accept this laptop's "
		    "read log: it does not continue what the server holds "
		    "(restored or changed vault?)");
	} else if (r == CS_ERR_RETRY)	/* e.g. its disk is full: no alarm */
		notice(NOTICE_ERROR, "read log upload: the server could not "
		    "do this now; nothing was lost: the entries go with the "
		    "next sync");
	if (r != 0)
		return r;
	return auditcp_verify(c, db);
}

int
auditcp_verify(struct conn *c, sqlite3 *db)
{
	struct msg_checkpoint_request		 req;
	struct msg_checkpoint_response		*resp = NULL;
	const struct msg_checkpoint		*m;
	struct auditcp				 old, cur;
	struct msg				*rep = NULL;
	struct msg_out				 o;
	struct checkpoint_restore		 cr;
	struct conn_server			 sv;
	const char				*why, *rwhy;
	int					 have, r, unknown;

	if ((r = auditcp_load(db, &old, &have)) != 0)
		return r;
	req.old_size = have ? old.size : 0;
	req.generation = have ? old.generation : 0;
	o = msg_out_checkpoint_request(&req);
	if ((r = rpc_call_expect(c, &o, MSG_CHECKPOINT_RESPONSE, &rep)) != 0)
		goto out;
	/* its proofs take 12 KiB */
	if ((resp = malloc(sizeof(*resp))) == NULL) {
		r = CS_ERR_ALLOC;
		goto out;
	}
	if ((r = msg_get_checkpoint_response(rep, resp)) != 0)
		goto out;
	/* wire.c checked the lengths: 32, 64, 32, and 32 per proof hash */
	m = &resp->checkpoint;
	memset(&cur, 0, sizeof(cur));
	cur.size = m->size;
	memcpy(cur.root, m->root.p, MERKLE_HASH_LEN);
	cur.time = m->time;
	memcpy(cur.pk, m->public_key.p, CHECKPOINT_PK_LEN);
	conn_server(c, &sv);
	cur.generation = sv.generation;
	r = auditcp_accept(have ? &old : NULL, &cur, m->signature.p,
	    &resp->consistency.hash[0][0],
	    resp->consistency.n * MERKLE_HASH_LEN, &why);
	/* only a good checkpoint under the pinned key can be explained */
	if (r != 0 && have && resp->has_restore &&
	    sodium_memcmp(old.pk, cur.pk, CHECKPOINT_PK_LEN) == 0 &&
	    checkpoint_verify(cur.size, cur.root, cur.time, m->signature.p,
	    cur.pk) == 0) {
		if ((r = auditcp_restore_ok(&old, &cur, resp, &cr, &unknown,
		    &rwhy)) == 0 && cr.generation != (uint64_t)sv.generation) {
			rwhy = "the restore is not the one the server announced";
			r = CS_ERR_TAMPERED;
		}
		if (r == 0)
			auditcp_restore_report(&old, &cr, unknown);
		else
			why = rwhy;
	}
	if (r != 0) {
		if (have)
			auditcp_fork_report(&old, &cur, why);
		else
			notice(NOTICE_ERROR, "audit checkpoint refused: %s",
			    why);
		goto out;
	}
	r = auditcp_store(db, &cur);
 out:
	free(resp);
	msg_free(rep);
	return r;
}
