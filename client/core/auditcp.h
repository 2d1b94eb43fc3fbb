/* SPDX-License-Identifier: ISC */
/*
 * auditcp.h - the laptop's view of the server's audit log: after each
 * sync it fetches the newest signed checkpoint with a consistency proof
 * from the checkpoint it verified last, checks both, and keeps the new
 * one in its vault (docs/AUDIT.md, "What a laptop checks").  A server
 * that rewrote or rolled back its log is reported loudly.  Before that
 * it uploads the laptop's read log, so offline reads are audited.
 */
#ifndef AUDITCP_H
#define AUDITCP_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include <openssl/evp.h>

#include "checkpoint.h"
#include "merkle.h"

struct conn;

struct auditcp {
	uint64_t	size;
	uint8_t		root[MERKLE_HASH_LEN];
	int64_t		time;
	uint8_t		pk[CHECKPOINT_PK_LEN];
	int64_t		generation;	/* of the server (restore.h), 0: none */
};

/*
 * May "cur" (signed with "sig", proven consistent by "proof" of "len"
 * bytes) follow "old" (NULL: none verified yet, trust on first use)?
 * 0, or CS_ERR_TAMPERED with *why set to a static English reason.
 */
int	auditcp_accept(const struct auditcp *old, const struct auditcp *cur,
	    const uint8_t sig[CHECKPOINT_SIG_LEN], const uint8_t *proof,
	    size_t len, const char **why);

/*
 * "cur" (a good checkpoint under old->pk) does not extend "old": does
 * restore "cr", signed "sig", explain it (docs/AUDIT.md, "Restore")?
 * It must be signed with old->pk, cut the log before old->size and not
 * after cur->size, be no older than "old"; "bproof" (blen bytes) must
 * show that "cur" extends the backup's log; and when it names the
 * replaced log's head (old_size > 0), "old" must be a prefix of that
 * head by "oproof" (olen bytes).  0, with *unknown = 1 when it names no
 * head; else CS_ERR_TAMPERED and *why set to a static English reason.
 */
int	auditcp_restore_accept(const struct auditcp *old,
	    const struct auditcp *cur, const struct checkpoint_restore *cr,
	    const uint8_t sig[CHECKPOINT_SIG_LEN], const uint8_t *bproof,
	    size_t blen, const uint8_t *oproof, size_t olen, int *unknown,
	    const char **why);

/*
 * Upload the entries of the local read log (readlog.h) the server has
 * not acknowledged yet, each batch's head signed with "device_key";
 * then ask the server over "c" for its newest checkpoint, check it, and
 * store it in "db".  CS_ERR_TAMPERED (after
 * the fork report as notices, notice.h) when the server's log does not
 * extend the one verified before; the stored checkpoint is then left
 * as it was.  CS_ERR_PEER if the server refused the read log.
 */
int	auditcp_check(struct conn *c, sqlite3 *db, EVP_PKEY *device_key);
/* auditcp_check without the read log: the checkpoint only. */
int	auditcp_verify(struct conn *c, sqlite3 *db);
/* The checkpoint this laptop verified last; *have 0 if none yet. */
int	auditcp_current(sqlite3 *db, struct auditcp *cp, int *have);

/*
 * Upload the read log again from its first entry at the next check
 * (after a server restore the server may lack its tail; what it has is
 * checked entry by entry, so nothing is recorded twice).
 */
int	auditcp_reads_restart(sqlite3 *db);

#endif /* AUDITCP_H */
