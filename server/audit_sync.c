/* SPDX-License-Identifier: ISC */
/*
 * audit_sync.c - the audit messages of the protocol (Envelope 40..49,
 * docs/PROTOCOL.md): a device asks for the newest signed checkpoint of
 * the audit log together with an RFC 6962 consistency proof from the
 * checkpoint it verified last, so that a server that rewrites or rolls
 * back its history is caught by every laptop holding an older one.
 *
 * The proof is computed from the perfect subtrees stored as the log
 * grows (audit_nodes): O(log^2 n) reads, never the whole log.
 *
 * A device also uploads its read log here: the hash-chained entries of
 * client/core/readlog.c, checked link by link against the chain the server
 * holds for that device and against the device key's signature of the
 * batch's head (the key of the certificate of this connection), and
 * merged into the audit log as "read" entries with the device's time.
 * The newest head and its signature are kept in audit_readlog.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include <openssl/err.h>
#include <openssl/evp.h>

#include "audit.h"
#include "buf.h"
#include "errors.h"
#include "log.h"
#include "merkle.h"
#include "msg_audit.h"
#include "request.h"
#include "server.h"
#include "store.h"
#include "store_audit.h"
#include "store_restore.h"
#include "util.h"
#include "msg.h"
#include "wire.h"


_Static_assert(MSG_HASH_LEN == MERKLE_HASH_LEN, "tree hashes");
_Static_assert(MSG_PROOF_MAX == MERKLE_PROOF_MAX, "proof hashes");
_Static_assert(MSG_AUDIT_SIG_LEN == AUDIT_SIG_LEN, "audit signatures");
_Static_assert(MSG_AUDIT_PK_LEN == AUDIT_PK_LEN, "audit keys");

/* Is "sig" the device key's signature of the head (n, hash)? */
static int
audit_read_sig_ok(EVP_PKEY *key, uint64_t n, const uint8_t *hash,
    const uint8_t *sig, size_t siglen)
{
	EVP_MD_CTX	*ctx = NULL;
	uint8_t		 msg[CHECKPOINT_READ_HEAD_LEN];
	int		 ok = 0;

	if (key == NULL)
		return 0;
	checkpoint_read_head(n, hash, msg);
	if ((ctx = EVP_MD_CTX_new()) != NULL &&
	    EVP_DigestVerifyInit(ctx, NULL, EVP_PKEY_get_id(key) ==
	    EVP_PKEY_ED25519 ? NULL : EVP_sha256(), NULL, key) == 1 &&
	    EVP_DigestVerify(ctx, sig, siglen, msg, sizeof(msg)) == 1)
		ok = 1;
	EVP_MD_CTX_free(ctx);
	ERR_clear_error();	/* a bad signature is the peer's, not ours */
	return ok;
}

/* An alert entry for a read log that does not continue the chain. */
static void
audit_read_alert(struct request *rq, const char *what, uint64_t n)
{
	struct worker			*w = rq->w;
	const struct store_device	*dev = rq->dev;
	struct audit_entry		 e;

	audit_entry_init(&e, "read_log_alert", AUDIT_EXECUTE, 0);
	audit_entry_device(&e, dev, rq->peer);
	audit_set(e.basis, "device read log");
	audit_set(e.object_type, "read log");
	(void)str_fmt(e.detail, sizeof(e.detail), "%s at n=%llu", what,
	    (unsigned long long)n);
	if (audit_append(w->st, &e, w->srv->audit_key) != 0)
		log_warnx("audit: read log alert NOT recorded");
	log_warnx("audit: device %lld: read log %s at n=%llu",
	    (long long)dev->id, what, (unsigned long long)n);
}

/* The audit log's "read" entry for event "ev" of the device's read log. */
static void
audit_read_entry(const struct request *rq, const struct msg_read_event *ev,
    struct audit_entry *e)
{
	audit_entry_init(e, "read", AUDIT_READ, 1);
	audit_entry_device(e, rq->dev, rq->peer);
	e->device_time = ev->at;
	audit_set(e->basis, "device read log");
	audit_set(e->purpose, "case work");
	audit_set(e->client_ref, ev->case_id);
	/* a read of one child's part of the file names that child */
	audit_set(e->object_type, ev->child_id[0] != '\0' ? "child" :
	    ev->case_id[0] != '\0' ? "case" : "caseload");
	audit_set(e->object_id, ev->child_id[0] != '\0' ? ev->child_id :
	    ev->case_id);
	(void)str_fmt(e->detail, sizeof(e->detail),
	    "on the laptop: %s (read log n=%llu)", ev->action,
	    (unsigned long long)ev->n);
}

/*
 * Check an uploaded piece of a device's read log against the chain the
 * server holds, and append the new entries as "read" entries with the
 * device's time.  Entries the server already has (a retried upload)
 * must match it; a gap, a rewritten entry or a restarted counter is an
 * alert entry and an error reply.
 */
int
audit_read_log_upload(struct request *rq, const struct msg *req)
{
	struct worker			*w = rq->w;
	const struct store_device	*dev = rq->dev;
	struct msg_read_log_upload	 m;
	struct msg_read_event		 ev;
	struct audit_entry		*e = NULL;
	struct msg_out			 o;
	uint8_t				 last[MERKLE_HASH_LEN];
	uint8_t				 h[MERKLE_HASH_LEN];
	uint8_t				 prev[MERKLE_HASH_LEN];
	const char			*bad = NULL;
	int64_t				 last_n, acked;
	size_t				 i, k = 0;
	int				 r;

	if ((r = msg_get_read_log_upload(req, &m)) != 0)
		return r;
	if ((r = store_audit_readlog_get(w->st, dev->id, &last_n, last)) != 0)
		goto fail;
	msg_read_log_upload_item(req, 0, &ev);
	if (ev.n > (uint64_t)last_n + 1) {
		bad = "gap";
		audit_read_alert(rq, bad, (uint64_t)last_n + 1);
		goto refuse;
	}
	if ((e = calloc(m.n_events, sizeof(*e))) == NULL) {
		r = CS_ERR_ALLOC;
		goto fail;
	}
	memcpy(prev, m.prev.p, MERKLE_HASH_LEN);
	for (i = 0; i < m.n_events; i++) {
		msg_read_log_upload_item(req, i, &ev);
		checkpoint_read_hash(prev, ev.n, ev.at, ev.action, ev.case_id,
		    ev.child_id, h);
		if (sodium_memcmp(h, ev.hash.p, MERKLE_HASH_LEN) != 0 ||
		    (ev.n == (uint64_t)last_n &&
		    sodium_memcmp(h, last, MERKLE_HASH_LEN) != 0) ||
		    (ev.n == (uint64_t)last_n + 1 && i == 0 &&
		    sodium_memcmp(prev, last, MERKLE_HASH_LEN) != 0)) {
			bad = "chain broken (rewritten or rolled back)";
			audit_read_alert(rq, bad, ev.n);
			goto refuse;
		}
		memcpy(prev, h, MERKLE_HASH_LEN);
		if (ev.n <= (uint64_t)last_n)
			continue;	/* the server has this one */
		audit_read_entry(rq, &ev, &e[k++]);
	}
	/* the chain checked out up to "h", the last event's: its own? */
	if (!audit_read_sig_ok(rq->peer_key, ev.n, h, m.signature.p,
	    m.signature.len)) {
		bad = "bad device signature";
		audit_read_alert(rq, bad, ev.n);
		goto refuse;
	}
	if (k > 0 && (r = store_audit_readlog_put(w->st, dev->id, last_n,
	    (int64_t)ev.n, h, m.signature.p, m.signature.len, e, k)) != 0)
		goto fail;
	acked = k > 0 ? (int64_t)ev.n : last_n;
	o = msg_out_read_log_ack(&acked);
	r = msg_encode(rq->id, &o, rq->max_frame, rq->out);
	free(e);
	return r;
 refuse:
	free(e);
	return wire_error(rq->out, rq->id, WERR_BAD_REQUEST,
	    "read log does not continue the chain the server holds", 0);
 fail:
	free(e);
	log_warnx("audit: read log upload: %s", cs_err(r));
	return wire_error(rq->out, rq->id, WERR_INTERNAL,
	    "read log not recorded; sync again", 0);
}

/*
 * The newest checkpoint, signed now if there is none or if entries
 * were appended since: a laptop should see the log as it is.
 */
static int
audit_sync_latest(struct worker *w, struct audit_checkpoint *cp)
{
	struct merkle_frontier	f;
	int			made, have, r;

	r = store_audit_latest(w->st, cp);
	if (r != 0 && r != CS_ERR_NOT_FOUND)
		return r;
	if ((have = r == 0)) {
		if ((r = store_audit_state(w->st, &f)) != 0)
			return r;
		if (f.size == (uint64_t)cp->size)
			return 0;
	}
	if (w->srv->audit_key == NULL)
		return CS_ERR_NOT_FOUND;
	/*
	 * A log that does not extend the last checkpoint is not signed
	 * (audit.c): the laptop then checks the newest there is against
	 * the one it holds.
	 */
	if ((r = audit_checkpoint(w->st, w->srv->audit_key, time_now(), 0,
	    &made)) != 0)
		return r == CS_ERR_TAMPERED && have ? 0 : r;
	return store_audit_latest(w->st, cp);
}

/*
 * Consistency proof old -> cp->size into proof; *count hashes.  From
 * the stored subtrees (store_audit_proof): a few dozen reads, whatever
 * the size of the log.
 */
static int
audit_sync_proof(struct worker *w, uint64_t old,
    const struct audit_checkpoint *cp, uint8_t proof[][MERKLE_HASH_LEN],
    size_t *count)
{
	size_t	len = 0;
	int	r;

	*count = 0;
	if (old == 0 || old >= (uint64_t)cp->size)
		return 0;	/* nothing to prove; the client decides */
	if ((r = store_audit_proof(w->st, old, (uint64_t)cp->size, proof,
	    &len)) != 0)
		return r;
	*count = len / MERKLE_HASH_LEN;
	return 0;
}

/*
 * A laptop whose checkpoint, of an earlier generation, is beyond the
 * backup's log cannot be shown a consistency proof to this log: show
 * it the newest restore instead
 * (docs/AUDIT.md, "Restore"), with a proof that this log extends the
 * backup's, and one that its checkpoint was a prefix of the old head
 * the restore names, when the old log's leaves were kept.  *have = 0:
 * nothing to show.
 */
static int
audit_sync_restore(struct worker *w, const struct msg_checkpoint_request *q,
    const struct audit_checkpoint *cp, struct store_restore *rs,
    uint8_t bproof[][MERKLE_HASH_LEN], size_t *nb,
    uint8_t oproof[][MERKLE_HASH_LEN], size_t *no, int *have)
{
	struct store_gen	g;
	uint64_t		old = q->old_size;
	size_t			len = 0;
	int			r;

	*nb = *no = 0;
	*have = 0;
	if (old == 0)
		return 0;
	/* a checkpoint of this generation needs no restore explained */
	if ((r = store_generation(w->st, &g)) != 0)
		return r;
	if (g.generation == 0 || q->generation == g.generation)
		return 0;
	if ((r = store_restore_latest(w->st, rs)) != 0)
		return r == CS_ERR_NOT_FOUND ? 0 : r;
	if (old <= rs->r.backup_size ||
	    rs->r.backup_size > (uint64_t)cp->size)
		return 0;
	if (rs->r.backup_size > 0 && rs->r.backup_size < (uint64_t)cp->size) {
		if ((r = store_audit_proof(w->st, rs->r.backup_size,
		    (uint64_t)cp->size, bproof, &len)) != 0)
			return r;
		*nb = len / MERKLE_HASH_LEN;
	}
	if (rs->r.old_size > 0 && old < rs->r.old_size) {
		r = store_restore_old_proof(w->st, rs, old, oproof, &len);
		if (r != 0 && r != CS_ERR_TAMPERED)
			return r;
		/* without the old leaves the laptop decides without it */
		*no = r == 0 ? len / MERKLE_HASH_LEN : 0;
	}
	*have = 1;
	return 0;
}

/* The reply: checkpoint "cp", and restore "rs" if "restored". */
static void
audit_sync_fill(const struct audit_checkpoint *cp,
    const struct store_restore *rs, int restored,
    struct msg_checkpoint_response *resp)
{
	struct msg_audit_restore	*ar = &resp->restore;

	resp->checkpoint.size = (uint64_t)cp->size;
	resp->checkpoint.root = (struct msg_bytes){ cp->root,
	    MERKLE_HASH_LEN };
	resp->checkpoint.time = cp->time;
	resp->checkpoint.signature = (struct msg_bytes){ cp->sig,
	    AUDIT_SIG_LEN };
	resp->checkpoint.public_key = (struct msg_bytes){ cp->pk,
	    AUDIT_PK_LEN };
	memset(ar, 0, sizeof(*ar));
	if (!(resp->has_restore = restored)) {
		resp->restore_consistency.n = resp->old_consistency.n = 0;
		return;
	}
	ar->generation = rs->r.generation;
	ar->backup_time = rs->r.backup_time;
	ar->backup_size = rs->r.backup_size;
	ar->backup_root = (struct msg_bytes){ rs->r.backup_root,
	    MERKLE_HASH_LEN };
	ar->old_size = rs->r.old_size;
	ar->old_root = (struct msg_bytes){ rs->r.old_root, MERKLE_HASH_LEN };
	ar->restored_at = rs->r.restored_at;
	ar->restore_seq = rs->r.restore_seq;
	ar->signature = (struct msg_bytes){ rs->sig, AUDIT_SIG_LEN };
}

int
audit_checkpoint_request(struct request *rq, const struct msg *req)
{
	struct worker			*w = rq->w;
	struct msg_checkpoint_request	 q;
	struct msg_checkpoint_response	*resp = NULL;
	struct audit_checkpoint		 cp;
	struct store_restore		 rs;
	struct msg_out			 o;
	int				 r, restored;

	if ((r = msg_get_checkpoint_request(req, &q)) != 0)
		return r;
	/* its proofs take 12 KiB */
	if ((resp = malloc(sizeof(*resp))) == NULL)
		r = CS_ERR_ALLOC;
	/* any enrolled device may check the log's integrity */
	if (r != 0 || (r = audit_sync_latest(w, &cp)) != 0 ||
	    (r = audit_sync_proof(w, q.old_size, &cp, resp->consistency.hash,
	    &resp->consistency.n)) != 0 ||
	    (r = audit_sync_restore(w, &q, &cp, &rs,
	    resp->restore_consistency.hash, &resp->restore_consistency.n,
	    resp->old_consistency.hash, &resp->old_consistency.n,
	    &restored)) != 0) {
		free(resp);
		log_warnx("audit: checkpoint request: %s", cs_err(r));
		return wire_error(rq->out, rq->id, WERR_INTERNAL,
		    "no audit checkpoint available", 0);
	}
	audit_sync_fill(&cp, &rs, restored, resp);
	o = msg_out_checkpoint_response(resp);
	r = msg_encode(rq->id, &o, rq->max_frame, rq->out);
	free(resp);
	return r;
}
