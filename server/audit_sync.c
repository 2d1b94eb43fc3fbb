/* SPDX-License-Identifier: ISC */
/*
 * audit_sync.c - the audit messages of the protocol (Envelope 40..49,
 * docs/PROTOCOL.md): a device asks for the newest signed checkpoint of
 * the audit log together with an RFC 6962 consistency proof from the
 * checkpoint it verified last, so that a server that rewrites or rolls
 * back its history is caught by every laptop holding an older one.
 *
 * The proof is computed from the leaf hashes stored with the rows,
 * read in one pass (32 bytes per entry, at most AUDIT_SYNC_LEAVES_MAX).
 */
#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "buf.h"
#include "errors.h"
#include "log.h"
#include "merkle.h"
#include "server.h"
#include "store.h"
#include "store_audit.h"
#include "util.h"
#include "wire.h"

#define AUDIT_SYNC_LEAVES_MAX	((uint64_t)1 << 24)	/* 512 MiB of hashes */

int
audit_wants(const wire_env *req)
{
	return req->msg_case ==
	    CASESYNC__V1__ENVELOPE__MSG_CHECKPOINT_REQUEST;
}

/*
 * The newest checkpoint, signed now if there is none or if entries
 * were appended since: a laptop should see the log as it is.
 */
static int
audit_sync_latest(struct worker *w, struct audit_checkpoint *cp)
{
	struct merkle_frontier	f;
	int			made, r;

	r = store_audit_latest(w->st, cp);
	if (r != 0 && r != CS_ERR_NOT_FOUND)
		return r;
	if (r == 0) {
		if ((r = store_audit_state(w->st, &f)) != 0)
			return r;
		if (f.size == (uint64_t)cp->size)
			return 0;
	}
	if (w->srv->audit_key == NULL)
		return CS_ERR_NOT_FOUND;
	if ((r = audit_checkpoint(w->st, w->srv->audit_key, time_now(), 0,
	    &made)) != 0)
		return r;
	return store_audit_latest(w->st, cp);
}

/* Consistency proof old -> cp->size into proof; *count hashes. */
static int
audit_sync_proof(struct worker *w, uint64_t old,
    const struct audit_checkpoint *cp, uint8_t proof[][MERKLE_HASH_LEN],
    size_t *count)
{
	struct merkle_array	  a;
	uint8_t			(*leaves)[MERKLE_HASH_LEN] = NULL;
	uint64_t		  n = (uint64_t)cp->size;
	size_t			  len = 0;
	int			  r;

	*count = 0;
	if (old == 0 || old >= n)
		return 0;	/* nothing to prove; the client decides */
	if (n > AUDIT_SYNC_LEAVES_MAX)
		return CS_ERR_TOO_LARGE;
	if ((leaves = calloc((size_t)n, sizeof(*leaves))) == NULL)
		return CS_ERR_ALLOC;
	if ((r = store_audit_leaves(w->st, n, leaves)) != 0)
		goto out;
	a.hashes = (const uint8_t (*)[MERKLE_HASH_LEN])leaves;
	a.n = n;
	if ((r = merkle_consistency_proof(old, n, merkle_array_leaf, &a,
	    proof, &len)) != 0)
		goto out;
	*count = len / MERKLE_HASH_LEN;
 out:
	free(leaves);
	return r;
}

int
audit_handle(struct worker *w, const struct store_device *dev,
    const wire_env *req, size_t max_frame, struct buf *out)
{
	Casesync__V1__CheckpointResponse	 resp;
	Casesync__V1__Checkpoint		 c;
	ProtobufCBinaryData			 items[MERKLE_PROOF_MAX];
	struct audit_checkpoint			 cp;
	uint8_t					 proof[MERKLE_PROOF_MAX]
						    [MERKLE_HASH_LEN];
	wire_env				 env;
	size_t					 i, count;
	int					 r;

	(void)dev;	/* any enrolled device may check the log's integrity */
	if ((r = audit_sync_latest(w, &cp)) != 0 ||
	    (r = audit_sync_proof(w, req->checkpoint_request->old_size, &cp,
	    proof, &count)) != 0) {
		log_warnx("audit: checkpoint request: %s", cs_err(r));
		return wire_error(out, req->id,
		    CASESYNC__V1__ERROR_CODE__ERROR_INTERNAL,
		    "no audit checkpoint available", 0);
	}
	for (i = 0; i < count; i++) {
		items[i].data = proof[i];
		items[i].len = MERKLE_HASH_LEN;
	}
	casesync__v1__envelope__init(&env);
	casesync__v1__checkpoint_response__init(&resp);
	casesync__v1__checkpoint__init(&c);
	c.size = (uint64_t)cp.size;
	c.root.data = cp.root;
	c.root.len = MERKLE_HASH_LEN;
	c.time = cp.time;
	c.signature.data = cp.sig;
	c.signature.len = AUDIT_SIG_LEN;
	c.public_key.data = cp.pk;
	c.public_key.len = AUDIT_PK_LEN;
	resp.checkpoint = &c;
	resp.consistency = items;
	resp.n_consistency = count;
	env.id = req->id;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_CHECKPOINT_RESPONSE;
	env.checkpoint_response = &resp;
	return wire_encode(&env, max_frame, out);
}
