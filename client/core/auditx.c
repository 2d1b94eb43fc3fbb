/* SPDX-License-Identifier: ISC */
/*
 * auditx.c - the audit log exported to an auditor's laptop, and its
 * check against the signed checkpoint (see auditx.h).
 *
 * The entries arrive in their canonical encoding, already decoded once
 * by wire_audit_q.c (strictly, in ascending idx).  The leaf of each is
 * the hash of the bytes as received, so whatever the server changed in
 * an entry, the root computed here is not the one it signed.  The tree
 * is kept as a frontier (common/merkle.c): O(log n) memory for a log of
 * any length.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "auditcp.h"
#include "auditx.h"
#include "conn.h"
#include "errors.h"
#include "msg.h"

#define AUDITX_DONE	1	/* verify's callback: the last entry in */

int
auditx_export(struct conn *c, struct msg_audit_query_request *q,
    auditx_fn cb, void *arg, struct msg **err)
{
	struct msg_audit_export_response	 resp;
	struct audit_entry			*e = NULL;
	struct msg_out				 req;
	struct msg				*rep = NULL;
	const uint8_t				*p;
	uint8_t					 leaf[MERKLE_HASH_LEN];
	size_t					 i, len;
	int					 r;

	*err = NULL;
	if ((e = malloc(sizeof(*e))) == NULL)
		return CS_ERR_ALLOC;
	req = msg_out_audit_export_request(q);
	for (;;) {
		if ((r = rpc_call_expect(c, &req, MSG_AUDIT_EXPORT_RESPONSE,
		    &rep)) != 0) {
			*err = rep;
			rep = NULL;
			break;
		}
		(void)msg_get_audit_export_response(rep, &resp);
		for (i = 0; i < resp.n; i++) {
			(void)msg_audit_export_item(rep, i, &p, &len);
			/* wire_audit_q.c decoded it already: cannot fail */
			if ((r = audit_entry_decode(p, len, e)) != 0)
				goto out;
			/* ascending in a reply; after what we asked, too */
			if (e->idx <= q->after) {
				r = CS_ERR_PROTOCOL;
				goto out;
			}
			q->after = e->idx;
			merkle_leaf_hash(p, len, leaf);
			if ((r = cb(e, leaf, arg)) != 0)
				goto out;
		}
		if (resp.n == 0 || !resp.more)
			break;
		msg_free(rep);
		rep = NULL;
	}
 out:
	msg_free(rep);
	free(e);
	return r;
}

struct auditx_tree {
	struct merkle_frontier	 f;
	uint64_t		 size;	/* of the checkpoint */
	int			 gap;	/* an entry not at its index */
};

static int
auditx_tree_add(const struct audit_entry *e,
    const uint8_t leaf[MERKLE_HASH_LEN], void *arg)
{
	struct auditx_tree	*t = arg;
	int			 r;

	/* no filter: entry n is at index n, with none left out */
	if (e->idx < 0 || (uint64_t)e->idx != t->f.size) {
		t->gap = 1;
		return CS_ERR_TAMPERED;
	}
	if ((r = merkle_frontier_add(&t->f, leaf)) != 0)
		return r;
	return t->f.size == t->size ? AUDITX_DONE : 0;
}

int
auditx_verify(struct conn *c, sqlite3 *db, struct auditx_verified *out,
    const char **why, struct msg **err)
{
	struct msg_audit_query_request	 q;
	struct auditx_tree		*t = NULL;
	struct auditcp			 cp;
	uint8_t				 root[MERKLE_HASH_LEN];
	int				 have, r;

	memset(out, 0, sizeof(*out));
	*why = NULL;
	*err = NULL;
	if ((r = auditcp_verify(c, db)) != 0) {
		*why = "the server's checkpoint was refused";
		return r;
	}
	if ((r = auditcp_current(db, &cp, &have)) != 0)
		return r;
	if (!have) {
		*why = "no checkpoint was kept";
		return CS_ERR_INTERNAL;
	}
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return CS_ERR_ALLOC;
	merkle_frontier_init(&t->f);
	t->size = cp.size;
	if (cp.size > 0) {
		memset(&q, 0, sizeof(q));
		q.after = -1;
		r = auditx_export(c, &q, auditx_tree_add, t, err);
		if (r == AUDITX_DONE)
			r = 0;
		else if (r == 0 || (r == CS_ERR_TAMPERED && t->gap)) {
			*why = r == 0 ? "the server's log has fewer entries "
			    "than its checkpoint" : "an entry is missing or "
			    "out of place";
			r = CS_ERR_TAMPERED;
		}
		if (r != 0)
			goto out;
	}
	merkle_frontier_root(&t->f, root);
	if (sodium_memcmp(root, cp.root, MERKLE_HASH_LEN) != 0) {
		*why = "the entries do not hash to the signed root";
		r = CS_ERR_TAMPERED;
		goto out;
	}
	out->size = cp.size;
	out->time = cp.time;
	memcpy(out->root, cp.root, MERKLE_HASH_LEN);
	r = 0;
 out:
	free(t);
	return r;
}
