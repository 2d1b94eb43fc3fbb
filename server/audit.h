/* SPDX-License-Identifier: ISC */
/*
 * audit.h - the NEN 7513 audit log of a casesync deployment (DESIGN §3,
 * docs/AUDIT.md).
 *
 * Every security-relevant event becomes one entry; its canonical byte
 * encoding (audit_entry_encode) is a leaf of an RFC 6962 Merkle tree
 * (merkle.h) whose leaf index is the entry's event id.  The log is
 * append-only; the server signs checkpoints (tree size, root, time)
 * with its Ed25519 audit key, at least hourly and after every
 * membership and purge event.  Entries never hold case content,
 * client names or BSNs: the client is referred to by the case id.
 *
 * The event hooks (audit_enroll ... audit_tick) are called by the
 * server after the event they record has been committed; they log a
 * failure to append and return nothing, since the event stands.  The
 * entries of decisions (push, case state, transfer, glass, access end)
 * are appended inside the decision's transaction instead.
 * Pull entries and refused logins are group-committed (audit_defer):
 * the reply that shows the outcome waits until they are durable.  An
 * accepted login's entry is committed with the worker's next commit
 * (audit_later): its Welcome carries no case data.
 */
#ifndef AUDIT_H
#define AUDIT_H

#include <stddef.h>
#include <stdint.h>

#include "audit_entry.h"
#include "checkpoint.h"
#include "merkle.h"

#define AUDIT_KEY_FILE		"audit.key"	/* Ed25519 seed, 0600 */
#define AUDIT_PUB_FILE		"audit.pub"	/* public key, hex */
#define AUDIT_CHECKPOINT_EVERY	3600	/* seconds, at the most */
#define AUDIT_BATCH_MAX		128	/* entries queued per group commit */

struct audit_key;
struct buf;
struct store;
struct store_device;
struct store_change;
struct store_change_result;
struct worker;
struct msg_record;

/*
 * The audit key in deployment directory "dir": load it, or create it
 * (audit.key 0600, audit.pub 0644) when neither file exists yet.
 * CS_ERR_FORMAT for a key file with the wrong size or mode.
 */
int	audit_key_open(const char *dir, struct audit_key **out);
/* Create both files; CS_ERR_EXISTS if either exists. */
int	audit_key_create(const char *dir);
/*
 * The network process's audit key (signer.c): public key "pk", no
 * secret; audit_checkpoint_sign() calls "sign" (which sets cp->sig),
 * and the checkpoint file in "dir" is opened for appending as
 * audit_key_open() does.  Restore statements cannot be signed with it.
 */
int	audit_key_remote(const char *dir, const uint8_t pk[AUDIT_PK_LEN],
	    int (*sign)(void *, struct audit_checkpoint *), void *arg,
	    struct audit_key **out);
void	audit_key_free(struct audit_key *);	/* NULL is a no-op */
/*
 * Zero the key in place without unmapping it: for a process about to
 * exit inside the seccomp sandbox, which forbids the munlock(2) that
 * audit_key_free() makes.  NULL is a no-op.
 */
void	audit_key_wipe(struct audit_key *);
void	audit_key_public(const struct audit_key *, uint8_t pk[AUDIT_PK_LEN]);
/*
 * Append "cp" (signed with this key and committed) to the deployment's
 * checkpoint file, audit-checkpoints.log (audit_witness.h).
 */
int	audit_key_witness(const struct audit_key *,
	    const struct audit_checkpoint *cp);
/* The last checkpoint of that file; CS_ERR_NOT_FOUND if none yet. */
int	audit_key_last(const struct audit_key *, struct audit_checkpoint *cp);
/* Read audit.pub of "dir". */
int	audit_pub_load(const char *dir, uint8_t pk[AUDIT_PK_LEN]);

/* The bytes a checkpoint signature covers. */
#define AUDIT_CP_MSG_LEN	CHECKPOINT_MSG_LEN
void	audit_checkpoint_message(const struct audit_checkpoint *,
	    uint8_t msg[AUDIT_CP_MSG_LEN]);
/* Set cp->pk and cp->sig for cp->size, root and time. */
int	audit_checkpoint_sign(const struct audit_key *,
	    struct audit_checkpoint *cp);
/* Sign a server restore (checkpoint.h) with the audit key. */
/*
 * Sign "len" bytes of a domain-separated statement (a destruction
 * record: retention.c) with the local audit key; its public key into
 * "pk".  CS_ERR_CRYPTO for a key of the signer process.
 */
int	audit_key_sign(const struct audit_key *, const uint8_t *msg,
	    size_t len, uint8_t sig[AUDIT_SIG_LEN], uint8_t pk[AUDIT_PK_LEN]);
int	audit_restore_sign(const struct audit_key *,
	    const struct checkpoint_restore *, uint8_t sig[AUDIT_SIG_LEN]);
/* 0 if the signature is good under "pk", else CS_ERR_TAMPERED. */
int	audit_checkpoint_verify(const struct audit_checkpoint *,
	    const uint8_t pk[AUDIT_PK_LEN]);

/*
 * Append "e" (e->idx is set) in its own transaction.  With "key",
 * also sign a checkpoint of the tree that includes it.
 */
int	audit_append(struct store *, struct audit_entry *e,
	    const struct audit_key *key);
/*
 * Sign a checkpoint of the current tree unless one no older than
 * "max_age" seconds exists (0: always).  *signed_ set if one was made.
 */
int	audit_checkpoint(struct store *, const struct audit_key *,
	    int64_t now, int64_t max_age, int *signed_);

/* ---- event hooks of casesyncd ---- */

/* Enrollment by "peer": dev on success, else NULL and "why". */
void	audit_enroll(struct worker *, const char *peer,
	    const struct store_device *dev, int why);
/*
 * A Hello from a device: accepted (refused NULL) or refused, why.  A
 * refusal is deferred (audit_defer): its Error waits for the commit.
 * An accepted login is queued (audit_later): the Welcome goes out at
 * once, and the entry is durable before any later reply of the
 * connection that the worker holds for a commit, and at the latest
 * AUDIT_LATER_MS later.
 */
struct request;
uint64_t audit_login(struct request *, const struct store_device *dev,
	    const char *refused);
/* A push and its results, for audit_batch_in_tx. */
struct audit_push {
	const char			*peer;	/* the device's address */
	const struct store_device	*dev;
	const struct store_change	*chs;
	const struct store_change_result *res;
	size_t				 n;
};
/*
 * Records delivered by a pull (r != 0: none were); one "read" entry
 * per case.  Deferred (audit_defer): the PullResponse already in the
 * session's output waits for the commit.
 */
void	audit_pull(struct request *, const struct msg_record *recs,
	    size_t n, int r);
/* Append "n" entries (signed: a checkpoint follows), and say so in the
 * server log if that fails; 0 or the store's CS_ERR_*. */
int	audit_add(struct worker *, struct audit_entry *e, size_t n,
	    int sign);
/*
 * Case create, member add/remove, purge receipt: "r" from the store;
 * hooks of the dispatch table (request.h).
 */
struct msg;
struct request;
void	audit_case_create(struct request *, const struct msg *, int r);
void	audit_case_member(struct request *, const struct msg *, int r);
void	audit_purge_receipt(struct request *, const struct msg *, int r);
/*
 * Group commit (docs/AUDIT.md, "Group commit").  While a session's
 * request is handled (rq->batching set by session.c), queue a
 * copy of e[0..n) in the worker's batch and set rq->held: the
 * session then neither writes nor reads another request until
 * audit_flush() has committed the batch, so the peer never sees the
 * outcome before the entries are durable.  Outside a request, or if
 * the batch cannot take them, the entries are appended at once, as
 * audit_add() does.  A full batch (AUDIT_BATCH_MAX) is committed
 * first.  With "guard" (the reply carries case data: a pull's reads)
 * it fails closed: if the entries cannot be made durable, the reply is
 * replaced by a retryable Error (rq->lost, session_held_lost), so
 * no case data goes out unaudited.  A login's entry is not a guard: a
 * Welcome carries no case data, and a failure is logged.
 */
void	audit_defer(struct request *, struct audit_entry *e, size_t n,
	    int guard);
/*
 * Queue e[0..n) in the worker's batch without holding the session:
 * for an event whose reply shows nothing the entries protect (an
 * accepted login: the Welcome carries no case data).  The batch is
 * FIFO and committed whole, so the entries are durable before any
 * reply the worker later holds for its batch (a pull's reads) or
 * sends after a push's commit (audit_batch_in_tx), and they keep
 * their order within the connection.  A batch that nothing else
 * commits is committed by the loop (audit_due): AUDIT_LATER_MS after
 * its oldest entry, or at the end of the pass in which a connection
 * with an entry in it closed.  A crash loses at most the entries of
 * that window, and no reply with case data depended on them.
 * Outside a request the entries are appended at once.  Returns the
 * batch generation that will have committed them (session.c keeps it:
 * audit_later_closed).
 */
#define AUDIT_LATER_MS		20
uint64_t audit_later(struct request *, struct audit_entry *e, size_t n);
/* A connection whose audit_later entries are in generation "gen" closed. */
void	audit_later_closed(struct worker *, uint64_t gen);
/*
 * Commit the batch now if generation "gen" is not committed yet: before
 * a request of that connection whose entries would not go behind them
 * in the batch (anything but a push, whose transaction carries them),
 * so that the connection's entries keep the order of its events.
 */
void	audit_later_commit(struct worker *, uint64_t gen);
/*
 * 1 if the batch is to be committed at the end of this pass (a held
 * session waits, or a later entry is due); *wait_ms lowered to when
 * the oldest later entry is due.
 */
int	audit_due(struct worker *, int64_t now_ms, int64_t *wait_ms);
/*
 * The end of a loop pass: if the batch is due (audit_due), commit it
 * (audit_flush), then let the held sessions go on (session_release).
 * While another worker's transaction holds the process's write lock
 * (store_wlock_try), for up to AUDIT_LOCK_WAIT_MS, the commit is left
 * to a later pass and 1 is returned: the held sessions wait, and the
 * worker serves its other connections meanwhile (the loop then sleeps
 * at most a millisecond) instead of sleeping on the lock.  Else 0.
 */
#define AUDIT_LOCK_WAIT_MS	10
int	audit_pass_end(struct worker *, int64_t now_ms);
/*
 * Append the worker's queued entries in one transaction (one fsync),
 * in the order they were queued; a failure is logged, marks the held
 * sessions (session_held_lost) and is returned (CS_ERR_*).  The batch
 * is empty afterwards.  The caller then lets the held sessions go on
 * (session_release).
 */
int	audit_flush(struct worker *);
/*
 * The entries of push "p", appended inside the push's transaction
 * (owned by sync.c: store_tx_begin): a change is never committed
 * without its entry.  The worker's queued entries go first, in the
 * same append (one read of the tree, one write of its state, the rows
 * in the same INSERTs), so that the push's one commit makes them
 * durable instead of a commit of the batch's own at the end of the
 * loop pass.  audit_batch_done() with the transaction's outcome:
 * committed (0), the batch is empty; rolled back, the entries stay
 * queued for audit_flush().  The held sessions still go on at the end
 * of the pass (session_release), after the commit that made their
 * entries durable.
 */
int	audit_batch_in_tx(struct worker *, const struct audit_push *p);
void	audit_batch_done(struct worker *, int r);
/* Flush, then free the batch's memory (worker exit). */
void	audit_batch_free(struct worker *);

/* Called by every worker now and then: the hourly checkpoint. */
void	audit_tick(struct worker *);
/*
 * casesyncd starts: a "server_start" entry with the SHA-256 of the
 * configuration file "conf" (at most AUDIT_CONF_MAX bytes) and the
 * host account, and a checkpoint, in the database at "db_path".
 */
#define AUDIT_CONF_MAX	(1u << 20)
int	audit_server_start(const char *db_path, const struct audit_key *,
	    const char *conf, const char *version);
/* When the server stops, after its workers: a checkpoint of the head. */
void	audit_stop(struct worker *);

/* ---- protocol (audit_sync.c) ---- */

/* Handlers of the dispatch table (the audit messages, 40..49). */
struct msg;
struct request;
/*
 * A CheckpointRequest: the newest checkpoint and a consistency proof
 * from the client's size.  0, or a CS_ERR_* that closes.
 */
int	audit_checkpoint_request(struct request *, const struct msg *);
/* A ReadLogUpload: the device's read log, checked, as "read" entries. */
int	audit_read_log_upload(struct request *, const struct msg *);

#endif /* AUDIT_H */
