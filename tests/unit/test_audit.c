/* SPDX-License-Identifier: ISC */
/*
 * test_audit.c - unit tests for audit.c, audit_key.c and
 * store_audit.c: the canonical entry encoding against bytes computed
 * independently (Python struct + hashlib, from docs/AUDIT.md), field
 * limits, the audit key file (mode, size, created once), checkpoint
 * signatures, and the store: appended entries get consecutive indices,
 * the stored frontier gives the root recomputed from the rows, a
 * checkpoint signs that root, filters select; and the protocol side
 * (audit_sync.c): a device's read log is merged once, a gap or a broken
 * chain is refused with an alert entry, and a checkpoint request gets a
 * signed checkpoint with a consistency proof that verifies; group
 * commit: login and read entries queued by requests are appended
 * only at audit_flush, in one transaction, in the order queued, after
 * entries appended meanwhile by others, and the tree, its stored
 * frontier and a checkpoint still agree with the rows.  (The
 * append-only triggers are tested with sqlite3 in t_audit.sh.)
 */
#include <sys/stat.h>
#include <sys/wait.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "audit.h"
#include "buf.h"
#include "frame.h"
#include "request.h"
#include "server.h"
#include "errors.h"
#include "log.h"
#include "merkle.h"
#include "msg_sync.h"
#include "pki.h"
#include "store.h"
#include "store_audit.h"
#include "util.h"
#include "wire.h"
#include "test.h"
#include "test_store_db.h"

static const char golden_hex[] =
    "010000000000000007000000006553f100000000006553f0f65200047265616400"
    "0773756363657373000000000000002a0004616e6e61000f6a6575676462657363"
    "6865726d657200065a776f6c6c650000000473796e6300066d656d626572000000"
    "2430643363316636652d386237612d346332652d396631612d3262336334643565"
    "36663730000463617365002430643363316636652d386237612d346332652d3966"
    "31612d326233633464356536663730000000000000000300093132372e302e302e"
    "3100097265636f7264733d32";
static const char golden_leaf[] =
    "6268b283c55f5ca23191e1a76ae9f860a0c63f634758130b77ee0bdcc9f129ec";

static void
golden_entry(struct audit_entry *e)
{
	audit_entry_init(e, "read", AUDIT_READ, 1);
	e->idx = 7;
	e->server_time = 1700000000;
	e->device_time = 1699999990;
	e->user_id = 42;
	audit_set(e->user, "anna");
	audit_set(e->role, "jeugdbeschermer");
	audit_set(e->office, "Zwolle");
	audit_set(e->purpose, "sync");
	audit_set(e->basis, "member");
	audit_set(e->client_ref, "0d3c1f6e-8b7a-4c2e-9f1a-2b3c4d5e6f70");
	audit_set(e->object_type, "case");
	audit_set(e->object_id, "0d3c1f6e-8b7a-4c2e-9f1a-2b3c4d5e6f70");
	e->device_id = 3;
	audit_set(e->addr, "127.0.0.1");
	audit_set(e->detail, "records=2");
}

static void
test_encoding(void)
{
	struct audit_entry	e;
	uint8_t			enc[AUDIT_ENC_MAX];
	uint8_t			want[sizeof(golden_hex) / 2];
	uint8_t			leaf[MERKLE_HASH_LEN], wleaf[MERKLE_HASH_LEN];
	size_t			len;
	char			big[300];

	TEST_START("canonical entry encoding matches the documented bytes");
	golden_entry(&e);
	ASSERT_INT_EQ(hex_decode(want, sizeof(want), golden_hex), 0);
	ASSERT_INT_EQ(audit_entry_encode(&e, enc, sizeof(enc), &len), 0);
	ASSERT_INT_EQ(len, sizeof(want));
	ASSERT_MEM_EQ(enc, want, len);
	ASSERT_INT_EQ(hex_decode(wleaf, sizeof(wleaf), golden_leaf), 0);
	ASSERT_INT_EQ(audit_entry_leaf(&e, leaf), 0);
	ASSERT_MEM_EQ(leaf, wleaf, sizeof(leaf));
	/* one byte of any field changes the leaf */
	e.server_time++;
	ASSERT_INT_EQ(audit_entry_leaf(&e, leaf), 0);
	ASSERT_TRUE(memcmp(leaf, wleaf, sizeof(leaf)) != 0);
	/* too small a buffer, an unterminated field */
	ASSERT_INT_EQ(audit_entry_encode(&e, enc, len - 1, &len),
	    CS_ERR_TOO_LARGE);
	ASSERT_INT_EQ(len, 0);
	memset(e.detail, 'x', sizeof(e.detail));
	ASSERT_INT_EQ(audit_entry_leaf(&e, leaf), CS_ERR_FORMAT);
	/* audit_set truncates to the limit, never inside a UTF-8 sequence */
	memset(big, 'a', sizeof(big));
	big[sizeof(big) - 1] = '\0';
	audit_set(e.detail, big);
	ASSERT_INT_EQ(strlen(e.detail), AUDIT_STR_MAX);
	memcpy(big + AUDIT_STR_MAX - 1, "\xc3\xa9", 2);	/* e-acute */
	audit_set(e.detail, big);
	ASSERT_INT_EQ(strlen(e.detail), AUDIT_STR_MAX - 1);
	audit_set(e.detail, NULL);
	ASSERT_STR_EQ(e.detail, "");
	TEST_DONE();
}

static char	dir[] = "/tmp/test_audit.XXXXXX";

static void
path(char *dst, size_t len, const char *file)
{
	ASSERT_INT_EQ(str_fmt(dst, len, "%s/%s", dir, file), 0);
}

static void
test_key(void)
{
	struct audit_key	*k = NULL, *k2 = NULL;
	struct audit_checkpoint	 cp;
	struct stat		 sb;
	uint8_t			 pk[AUDIT_PK_LEN], pk2[AUDIT_PK_LEN];
	char			 p[256];

	TEST_START("audit key: created 0600 on first use, loaded, signs");
	ASSERT_INT_EQ(audit_key_open(dir, &k), 0);
	path(p, sizeof(p), AUDIT_KEY_FILE);
	ASSERT_INT_EQ(stat(p, &sb), 0);
	ASSERT_INT_EQ(sb.st_mode & 0777, 0600);
	ASSERT_INT_EQ(sb.st_size, 32);
	ASSERT_INT_EQ(audit_key_create(dir), CS_ERR_EXISTS);
	ASSERT_INT_EQ(audit_key_open(dir, &k2), 0);
	audit_key_public(k, pk);
	audit_key_public(k2, pk2);
	ASSERT_MEM_EQ(pk, pk2, sizeof(pk));
	ASSERT_INT_EQ(audit_pub_load(dir, pk2), 0);
	ASSERT_MEM_EQ(pk, pk2, sizeof(pk));
	audit_key_free(k2);
	k2 = NULL;

	memset(&cp, 0, sizeof(cp));
	cp.size = 5;
	cp.time = 1700000000;
	randombytes_buf(cp.root, sizeof(cp.root));
	ASSERT_INT_EQ(audit_checkpoint_sign(k, &cp), 0);
	ASSERT_MEM_EQ(cp.pk, pk, sizeof(pk));
	ASSERT_INT_EQ(audit_checkpoint_verify(&cp, pk), 0);
	cp.size = 6;
	ASSERT_INT_EQ(audit_checkpoint_verify(&cp, pk), CS_ERR_TAMPERED);
	cp.size = 5;
	cp.root[31] ^= 1;
	ASSERT_INT_EQ(audit_checkpoint_verify(&cp, pk), CS_ERR_TAMPERED);
	cp.root[31] ^= 1;
	cp.time++;
	ASSERT_INT_EQ(audit_checkpoint_verify(&cp, pk), CS_ERR_TAMPERED);
	cp.time--;
	cp.sig[0] ^= 0x80;
	ASSERT_INT_EQ(audit_checkpoint_verify(&cp, pk), CS_ERR_TAMPERED);

	/* a key others may read is refused */
	ASSERT_INT_EQ(chmod(p, 0640), 0);
	ASSERT_INT_EQ(audit_key_open(dir, &k2), CS_ERR_FORMAT);
	ASSERT_PTR_EQ(k2, NULL);
	ASSERT_INT_EQ(chmod(p, 0600), 0);
	audit_key_free(k);
	TEST_DONE();
}

struct collect {
	uint8_t		leaves[16][MERKLE_HASH_LEN];
	uint64_t	n;
	int		bad;
};

static int
collect_cb(const struct audit_entry *e, const uint8_t *leaf, void *arg)
{
	struct collect	*c = arg;
	uint8_t		 l[MERKLE_HASH_LEN];

	if ((uint64_t)e->idx != c->n || c->n == 16 ||
	    audit_entry_leaf(e, l) != 0 || memcmp(l, leaf, sizeof(l)) != 0)
		c->bad = 1;
	else
		memcpy(c->leaves[c->n++], leaf, MERKLE_HASH_LEN);
	return 0;
}

static int
last_cp_cb(const struct audit_checkpoint *cp, void *arg)
{
	*(struct audit_checkpoint *)arg = *cp;
	return 0;
}

static void
test_store(void)
{
	struct store		*st = NULL;
	struct audit_key	*k = NULL;
	struct audit_entry	 e[3];
	struct audit_checkpoint	 cp;
	struct audit_filter	 f;
	struct merkle_frontier	 fr;
	struct collect		 c;
	struct merkle_array	 a;
	uint8_t			 root[MERKLE_HASH_LEN], pk[AUDIT_PK_LEN];
	uint8_t			 r2[MERKLE_HASH_LEN];
	char			 p[256];
	int			 i, made;

	TEST_START("store: append, frontier, checkpoint, filters");
	path(p, sizeof(p), "server.db");
	ASSERT_INT_EQ(store_open(test_store_new(p), 1, &st), 0);
	ASSERT_INT_EQ(audit_key_open(dir, &k), 0);
	audit_key_public(k, pk);
	for (i = 0; i < 3; i++) {
		golden_entry(&e[i]);
		audit_set(e[i].user, i == 1 ? "bert" : "anna");
	}
	ASSERT_INT_EQ(audit_append(st, &e[0], NULL), 0);
	ASSERT_INT_EQ(e[0].idx, 0);
	ASSERT_INT_EQ(store_audit_append(st, &e[1], 2), 0);
	ASSERT_INT_EQ(e[1].idx, 1);
	ASSERT_INT_EQ(e[2].idx, 2);
	ASSERT_INT_EQ(audit_checkpoint(st, k, 1700000000, 3600, &made), 0);
	ASSERT_INT_EQ(made, 1);
	/* younger than an hour: no second one */
	ASSERT_INT_EQ(audit_checkpoint(st, k, 1700000100, 3600, &made), 0);
	ASSERT_INT_EQ(made, 0);

	memset(&c, 0, sizeof(c));
	ASSERT_INT_EQ(store_audit_rows(st, NULL, collect_cb, &c), 0);
	ASSERT_INT_EQ(c.bad, 0);
	ASSERT_INT_EQ(c.n, 3);
	a.hashes = (const uint8_t (*)[MERKLE_HASH_LEN])c.leaves;
	a.n = c.n;
	ASSERT_INT_EQ(merkle_root(3, merkle_array_leaf, &a, root), 0);
	ASSERT_INT_EQ(store_audit_state(st, &fr), 0);
	ASSERT_INT_EQ(fr.size, 3);
	merkle_frontier_root(&fr, r2);
	ASSERT_MEM_EQ(r2, root, sizeof(root));
	memset(&cp, 0, sizeof(cp));
	ASSERT_INT_EQ(store_audit_checkpoints(st, last_cp_cb, &cp), 0);
	ASSERT_INT_EQ(cp.size, 3);
	ASSERT_MEM_EQ(cp.root, root, sizeof(root));
	ASSERT_INT_EQ(audit_checkpoint_verify(&cp, pk), 0);

	memset(&f, 0, sizeof(f));
	f.user = "bert";
	memset(&c, 0, sizeof(c));
	c.n = 1;	/* the only match is entry 1 */
	ASSERT_INT_EQ(store_audit_rows(st, &f, collect_cb, &c), 0);
	ASSERT_INT_EQ(c.bad, 0);
	ASSERT_INT_EQ(c.n, 2);
	f.user = NULL;
	f.has_since = 1;
	f.since = 1700000001;
	memset(&c, 0, sizeof(c));
	ASSERT_INT_EQ(store_audit_rows(st, &f, collect_cb, &c), 0);
	ASSERT_INT_EQ(c.n, 0);
	ASSERT_INT_EQ(c.bad, 0);
	audit_key_free(k);
	store_close(st);
	TEST_DONE();
}

/* The read-log chain hash, written from docs/CLIENT.md independently. */
static void
chain(const uint8_t prev[32], uint64_t n, int64_t at, const char *action,
    const char *case_id, uint8_t out[32])
{
	uint8_t	buf[32 + 16 + 64 + 1 + 64];
	size_t	len = 0, i;

	memcpy(buf, prev, 32);
	len = 32;
	for (i = 0; i < 8; i++)
		buf[len++] = (uint8_t)(n >> (56 - 8 * i));
	for (i = 0; i < 8; i++)
		buf[len++] = (uint8_t)((uint64_t)at >> (56 - 8 * i));
	memcpy(buf + len, action, strlen(action));
	len += strlen(action);
	buf[len++] = 0;
	memcpy(buf + len, case_id, strlen(case_id));
	len += strlen(case_id);
	crypto_hash_sha256(out, buf, len);
}

#define NREADS	5

struct reads {
	Casesync__V1__ReadEvent	 ev[NREADS], *p[NREADS];
	uint8_t			 h[NREADS + 1][32];	/* h[0]: zeros */
	char			 action[NREADS][8];
};

static void
reads_make(struct reads *r)
{
	int	i;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < NREADS; i++) {
		casesync__v1__read_event__init(&r->ev[i]);
		(void)str_fmt(r->action[i], sizeof(r->action[i]), "%s",
		    i % 2 ? "search" : "show");
		r->ev[i].n = (uint64_t)i + 1;
		r->ev[i].at = 1700000000 + i;
		r->ev[i].action = r->action[i];
		r->ev[i].case_id = i % 2 ? (char *)"" :
		    (char *)"0d3c1f6e-8b7a-4c2e-9f1a-2b3c4d5e6f70";
		chain(r->h[i], r->ev[i].n, r->ev[i].at, r->ev[i].action,
		    r->ev[i].case_id, r->h[i + 1]);
		r->ev[i].hash.data = r->h[i + 1];
		r->ev[i].hash.len = 32;
		r->p[i] = &r->ev[i];
	}
}

static EVP_PKEY	*devkey;	/* the device's key (P-256) */
static EVP_PKEY	*peer_key;	/* the connection's certificate key */
static const char *peer;	/* and address */

/* Hand "env" to its handler as the dispatch table does. */
static int
handle(struct worker *w, const struct store_device *dev, wire_env *env,
    struct buf *out)
{
	const struct request_route	*rt;
	struct store_device		 d = *dev;
	struct request			 rq;

	memset(&rq, 0, sizeof(rq));
	rq.w = w;
	rq.dev = &d;
	rq.peer = peer;
	rq.peer_key = peer_key;
	rq.out = out;
	rq.max_frame = FRAME_MAX_DEFAULT;
	rq.id = env->id;
	ASSERT_PTR_NE(rt = request_route((enum msg_type)env->msg_case), NULL);
	return rt->fn(&rq, env_msg(env));
}

/* Send events [from, to) of "r" as a ReadLogUpload; the reply's type. */
static int
upload(struct worker *w, const struct store_device *dev, struct reads *r,
    size_t from, size_t to, uint64_t *last_n)
{
	EVP_MD_CTX			*ctx;
	uint8_t				 msg[CHECKPOINT_READ_HEAD_LEN];
	uint8_t				 sig[128];
	size_t				 siglen = sizeof(sig);
	Casesync__V1__ReadLogUpload	 up;
	wire_env			 env, *rep = NULL;
	struct buf			*out;
	const uint8_t			*p;
	size_t				 len;
	int				 mc;

	checkpoint_read_head(r->ev[to - 1].n, r->h[to], msg);
	ASSERT_PTR_NE((ctx = EVP_MD_CTX_new()), NULL);
	ASSERT_INT_EQ(EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL,
	    devkey), 1);
	ASSERT_INT_EQ(EVP_DigestSign(ctx, sig, &siglen, msg, sizeof(msg)), 1);
	EVP_MD_CTX_free(ctx);
	casesync__v1__envelope__init(&env);
	casesync__v1__read_log_upload__init(&up);
	up.signature.data = sig;
	up.signature.len = siglen;
	up.prev.data = r->h[from];
	up.prev.len = 32;
	up.events = &r->p[from];
	up.n_events = to - from;
	env.id = 9;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_READ_LOG_UPLOAD;
	env.read_log_upload = &up;
	out = buf_new(FRAME_HDR_LEN + FRAME_MAX_DEFAULT);
	ASSERT_PTR_NE(out, NULL);
	ASSERT_INT_EQ(handle(w, dev, &env, out), 0);
	ASSERT_INT_EQ(frame_get(out, FRAME_MAX_DEFAULT, &p, &len), 0);
	ASSERT_INT_EQ(wire_decode(p, len, &rep), 0);
	ASSERT_INT_EQ(rep->id, 9);
	mc = (int)rep->msg_case;
	if (mc == CASESYNC__V1__ENVELOPE__MSG_READ_LOG_ACK)
		*last_n = rep->read_log_ack->last_n;
	wire_free(rep);
	buf_free(out);
	return mc;
}

static int
count_cb(const struct audit_entry *e, const uint8_t *leaf, void *arg)
{
	(void)e;
	(void)leaf;
	(*(int *)arg)++;
	return 0;
}

static int
count(struct store *st, const char *type)
{
	struct audit_filter	f;
	int			n = 0;

	memset(&f, 0, sizeof(f));
	f.type = type;
	ASSERT_INT_EQ(store_audit_rows(st, &f, count_cb, &n), 0);
	return n;
}

static void
test_protocol(void)
{
	static struct server	 srv;
	struct worker		 w;
	struct store_device	 dev;
	struct reads		 r;
	struct merkle_array	 a;
	EVP_PKEY		*other = NULL;
	Casesync__V1__CheckpointRequest req;
	wire_env		 env, *rep = NULL;
	struct buf		*out;
	const uint8_t		*p;
	const Casesync__V1__CheckpointResponse *cr;
	uint8_t			 proof[WIRE_PROOF_MAX * 32], old_root[32];
	uint64_t		 last = 0, old_size;
	size_t			 len, i;
	char			 path[256];
	int			 base;

	TEST_START("protocol: read log upload and checkpoint requests");
	memset(&w, 0, sizeof(w));
	memset(&dev, 0, sizeof(dev));
	w.srv = &srv;
	peer = "192.0.2.7";
	(void)str_fmt(path, sizeof(path), "%s/server.db", dir);
	ASSERT_INT_EQ(store_open(test_store_spec(path), 0, &w.st), 0);
	ASSERT_INT_EQ(audit_key_open(dir, &srv.audit_key), 0);
	ASSERT_INT_EQ(pki_key_new(&devkey), 0);
	ASSERT_INT_EQ(pki_key_new(&other), 0);
	peer_key = devkey;
	dev.id = 4;
	dev.user.id = 2;
	(void)str_fmt(dev.user.name, sizeof(dev.user.name), "bert");
	reads_make(&r);
	base = count(w.st, "read");	/* test_store's entries */

	/* 1..3, then a retry of 2..3 with 4..5: each read once */
	ASSERT_INT_EQ(upload(&w, &dev, &r, 0, 3, &last),
	    CASESYNC__V1__ENVELOPE__MSG_READ_LOG_ACK);
	ASSERT_INT_EQ(last, 3);
	ASSERT_INT_EQ(upload(&w, &dev, &r, 1, 5, &last),
	    CASESYNC__V1__ENVELOPE__MSG_READ_LOG_ACK);
	ASSERT_INT_EQ(last, 5);
	ASSERT_INT_EQ(count(w.st, "read"), base + 5);
	ASSERT_INT_EQ(upload(&w, &dev, &r, 4, 5, &last),
	    CASESYNC__V1__ENVELOPE__MSG_READ_LOG_ACK);
	ASSERT_INT_EQ(count(w.st, "read"), base + 5);
	ASSERT_INT_EQ(count(w.st, "read_log_alert"), 0);

	/* signed by a key that is not this connection's device key */
	peer_key = other;
	ASSERT_INT_EQ(upload(&w, &dev, &r, 4, 5, &last),
	    CASESYNC__V1__ENVELOPE__MSG_ERROR);
	ASSERT_INT_EQ(count(w.st, "read_log_alert"), 1);
	peer_key = devkey;
	ASSERT_INT_EQ(upload(&w, &dev, &r, 4, 5, &last),
	    CASESYNC__V1__ENVELOPE__MSG_READ_LOG_ACK);

	/* a gap: entry 7 after 5 */
	r.ev[4].n = 7;
	ASSERT_INT_EQ(upload(&w, &dev, &r, 4, 5, &last),
	    CASESYNC__V1__ENVELOPE__MSG_ERROR);
	r.ev[4].n = 5;
	ASSERT_INT_EQ(count(w.st, "read_log_alert"), 2);
	/* entry 5 rewritten (another time): the chain breaks */
	r.ev[4].at++;
	chain(r.h[4], 5, r.ev[4].at, r.ev[4].action, r.ev[4].case_id,
	    r.h[5]);
	ASSERT_INT_EQ(upload(&w, &dev, &r, 4, 5, &last),
	    CASESYNC__V1__ENVELOPE__MSG_ERROR);
	ASSERT_INT_EQ(count(w.st, "read_log_alert"), 3);
	/* a hash that is not the chain's */
	reads_make(&r);
	r.h[5][0] ^= 1;
	ASSERT_INT_EQ(upload(&w, &dev, &r, 4, 5, &last),
	    CASESYNC__V1__ENVELOPE__MSG_ERROR);
	ASSERT_INT_EQ(count(w.st, "read"), base + 5);
	ASSERT_INT_EQ(count(w.st, "read_log_alert"), 4);

	/* proofs from the stored subtrees equal those from all leaves */
	{
		static uint8_t		lv[64][32], p1[MERKLE_PROOF_MAX][32];
		static uint8_t		p2[MERKLE_PROOF_MAX][32];
		struct merkle_frontier	f;
		struct merkle_array	all;
		uint64_t		m, n;
		size_t			l1, l2;

		ASSERT_INT_EQ(store_audit_state(w.st, &f), 0);
		ASSERT_TRUE(f.size >= 8 && f.size <= 64);
		ASSERT_INT_EQ(store_audit_leaves(w.st, f.size, lv), 0);
		all.hashes = (const uint8_t (*)[32])lv;
		all.n = f.size;
		for (n = 2; n <= f.size; n++) {
			for (m = 1; m < n; m++) {
				ASSERT_INT_EQ(merkle_consistency_proof(m, n,
				    merkle_array_leaf, &all, p1, &l1), 0);
				ASSERT_INT_EQ(store_audit_proof(w.st, m, n, p2,
				    &l2), 0);
				ASSERT_INT_EQ(l1, l2);
				ASSERT_MEM_EQ(p1, p2, l1);
			}
		}
	}

	/* checkpoint from size 3: a proof that verifies */
	ASSERT_INT_EQ(store_audit_leaves(w.st, 3,
	    (uint8_t (*)[32])proof), 0);
	a.hashes = (const uint8_t (*)[32])proof;
	a.n = 3;
	ASSERT_INT_EQ(merkle_root(3, merkle_array_leaf, &a, old_root), 0);
	old_size = 3;
	casesync__v1__envelope__init(&env);
	casesync__v1__checkpoint_request__init(&req);
	req.old_size = old_size;
	env.id = 10;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_CHECKPOINT_REQUEST;
	env.checkpoint_request = &req;
	out = buf_new(FRAME_HDR_LEN + FRAME_MAX_DEFAULT);
	ASSERT_INT_EQ(handle(&w, &dev, &env, out), 0);
	ASSERT_INT_EQ(frame_get(out, FRAME_MAX_DEFAULT, &p, &len), 0);
	ASSERT_INT_EQ(wire_decode(p, len, &rep), 0);
	ASSERT_INT_EQ(rep->msg_case,
	    CASESYNC__V1__ENVELOPE__MSG_CHECKPOINT_RESPONSE);
	cr = rep->checkpoint_response;
	ASSERT_INT_GE(cr->checkpoint->size, 8);
	for (i = 0; i < cr->n_consistency; i++)
		memcpy(proof + 32 * i, cr->consistency[i].data, 32);
	ASSERT_INT_EQ(merkle_consistency_verify(old_size,
	    cr->checkpoint->size, old_root, cr->checkpoint->root.data, proof,
	    32 * cr->n_consistency), 0);
	ASSERT_INT_EQ(checkpoint_verify(cr->checkpoint->size,
	    cr->checkpoint->root.data, cr->checkpoint->time,
	    cr->checkpoint->signature.data, cr->checkpoint->public_key.data),
	    0);
	wire_free(rep);
	buf_free(out);
	audit_key_free(srv.audit_key);
	EVP_PKEY_free(devkey);
	EVP_PKEY_free(other);
	store_close(w.st);
	TEST_DONE();
}

/* The types of the entries from index "from" on, in index order. */
struct tail {
	int64_t	from;
	char	types[8][AUDIT_STR_MAX + 1];
	char	outcome[8][AUDIT_STR_MAX + 1];
	size_t	n;
};

static int
tail_cb(const struct audit_entry *e, const uint8_t *leaf, void *arg)
{
	struct tail	*t = arg;

	(void)leaf;
	if (e->idx < t->from)
		return 0;
	if (t->n == 8 || e->idx != t->from + (int64_t)t->n)
		return CS_ERR_INTERNAL;
	memcpy(t->types[t->n], e->type, sizeof(e->type));
	memcpy(t->outcome[t->n++], e->outcome, sizeof(e->outcome));
	return 0;
}

/* Rows, stored leaves, frontier and the newest checkpoint agree. */
static void
check_tree(struct store *st, const uint8_t pk[AUDIT_PK_LEN])
{
	struct merkle_frontier	  f;
	struct merkle_array	  a;
	struct audit_checkpoint	  cp;
	uint8_t			(*lv)[MERKLE_HASH_LEN];
	uint8_t			  root[MERKLE_HASH_LEN], r2[MERKLE_HASH_LEN];

	ASSERT_INT_EQ(store_audit_state(st, &f), 0);
	ASSERT_PTR_NE((lv = calloc(f.size, sizeof(*lv))), NULL);
	ASSERT_INT_EQ(store_audit_leaves(st, f.size, lv), 0);
	a.hashes = (const uint8_t (*)[MERKLE_HASH_LEN])lv;
	a.n = f.size;
	ASSERT_INT_EQ(merkle_root(f.size, merkle_array_leaf, &a, root), 0);
	merkle_frontier_root(&f, r2);
	ASSERT_MEM_EQ(r2, root, sizeof(root));
	free(lv);
	ASSERT_INT_EQ(store_audit_latest(st, &cp), 0);
	ASSERT_INT_EQ(cp.size, (int64_t)f.size);
	ASSERT_MEM_EQ(cp.root, root, sizeof(root));
	ASSERT_INT_EQ(audit_checkpoint_verify(&cp, pk), 0);
}

static void
test_batch(void)
{
	static struct server	 srv;
	struct worker		 w;
	struct store_device	 dev;
	struct request		 rq;
	struct audit_entry	 e;
	struct merkle_frontier	 f;
	struct audit_key	*k = NULL;
	struct tail		 t;
	struct msg_record	 recs[3];
	uint8_t			 pk[AUDIT_PK_LEN];
	char			 path[256];
	int			 login, read, i, made;
	struct store		*st2 = NULL;
	int64_t			 wait, now;
	uint64_t		 gen;
	int			 r;

	TEST_START("group commit: queued login and read entries, one append");
	memset(&w, 0, sizeof(w));
	memset(&dev, 0, sizeof(dev));
	w.srv = &srv;
	memset(&rq, 0, sizeof(rq));
	rq.w = &w;
	rq.peer = "192.0.2.8";
	rq.dev = &dev;
	(void)str_fmt(path, sizeof(path), "%s/server.db", dir);
	ASSERT_INT_EQ(store_open(test_store_spec(path), 0, &w.st), 0);
	ASSERT_INT_EQ(audit_key_open(dir, &k), 0);
	audit_key_public(k, pk);
	dev.id = 5;
	dev.user.id = 3;
	(void)str_fmt(dev.user.name, sizeof(dev.user.name), "carla");
	for (i = 0; i < 3; i++) {
		memset(&recs[i], 0, sizeof(recs[i]));
		recs[i].case_id = i == 1 ?
		    "1d3c1f6e-8b7a-4c2e-9f1a-2b3c4d5e6f70" :
		    "0d3c1f6e-8b7a-4c2e-9f1a-2b3c4d5e6f70";
	}
	login = count(w.st, "login");
	read = count(w.st, "read");

	/* a request in hand: queued, nothing written yet */
	rq.batching = 1;
	gen = audit_login(&rq, &dev, NULL);
	/* accepted: the Welcome is not held (audit_later) */
	ASSERT_INT_EQ(rq.held, 0);
	ASSERT_INT_EQ(w.naq, 1);
	ASSERT_TRUE(gen == w.aq_gen + 1);
	/* due AUDIT_LATER_MS after it was queued, not before */
	wait = 1000;
	ASSERT_INT_EQ(audit_due(&w, w.aq_since_ms + 5, &wait), 0);
	ASSERT_INT_EQ(wait, AUDIT_LATER_MS - 5);
	ASSERT_INT_EQ(audit_due(&w, w.aq_since_ms + AUDIT_LATER_MS, &wait),
	    1);
	audit_pull(&rq, recs, 3, 0);	/* two cases: two entries */
	ASSERT_INT_EQ(rq.held, 1);
	audit_pull(&rq, recs, 3, CS_ERR_TOO_LARGE);	/* none sent */
	audit_login(&rq, &dev, "device revoked");
	ASSERT_INT_EQ(w.naq, 4);
	ASSERT_INT_EQ(count(w.st, "login"), login);
	ASSERT_INT_EQ(count(w.st, "read"), read);

	/* another worker (or casesyncctl) appends before the flush */
	audit_entry_init(&e, "enroll", AUDIT_EXECUTE, 1);
	ASSERT_INT_EQ(audit_append(w.st, &e, NULL), 0);
	ASSERT_INT_EQ(store_audit_state(w.st, &f), 0);
	ASSERT_INT_EQ((uint64_t)e.idx + 1, f.size);

	(void)audit_flush(&w);
	ASSERT_INT_EQ(w.naq, 0);
	ASSERT_TRUE(gen <= w.aq_gen);	/* the login's batch is committed */
	ASSERT_INT_EQ(count(w.st, "login"), login + 2);
	ASSERT_INT_EQ(count(w.st, "read"), read + 2);
	memset(&t, 0, sizeof(t));
	t.from = e.idx + 1;
	ASSERT_INT_EQ(store_audit_rows(w.st, NULL, tail_cb, &t), 0);
	ASSERT_INT_EQ(t.n, 4);
	ASSERT_STR_EQ(t.types[0], "login");
	ASSERT_STR_EQ(t.outcome[0], "success");
	ASSERT_STR_EQ(t.types[1], "read");
	ASSERT_STR_EQ(t.types[2], "read");
	ASSERT_STR_EQ(t.types[3], "login");
	ASSERT_STR_EQ(t.outcome[3], "failure");
	(void)audit_flush(&w);		/* nothing queued: nothing written */
	ASSERT_INT_EQ(count(w.st, "login"), login + 2);
	ASSERT_INT_EQ(audit_checkpoint(w.st, k, time_now(), 0, &made), 0);
	check_tree(w.st, pk);

	/* a full batch is committed before the next entry is queued */
	for (i = 0; i < AUDIT_BATCH_MAX; i++)
		audit_login(&rq, &dev, NULL);
	ASSERT_INT_EQ(w.naq, AUDIT_BATCH_MAX);
	ASSERT_INT_EQ(count(w.st, "login"), login + 2);
	audit_login(&rq, &dev, NULL);
	ASSERT_INT_EQ(w.naq, 1);
	ASSERT_TRUE(w.maxaq < AUDIT_BATCH_MAX);	/* the large one is freed */
	ASSERT_INT_EQ(count(w.st, "login"), login + 2 + AUDIT_BATCH_MAX);
	(void)audit_flush(&w);
	ASSERT_INT_EQ(count(w.st, "login"), login + 3 + AUDIT_BATCH_MAX);

	/* outside a request: appended at once, nothing held */
	rq.batching = 0;
	rq.held = 0;
	audit_login(&rq, &dev, NULL);
	audit_pull(&rq, recs, 1, 0);
	ASSERT_INT_EQ(rq.held, 0);
	ASSERT_INT_EQ(w.naq, 0);
	ASSERT_INT_EQ(count(w.st, "login"), login + 4 + AUDIT_BATCH_MAX);
	ASSERT_INT_EQ(count(w.st, "read"), read + 3);

	/*
	 * A later login: committed at the end of the pass in which its
	 * connection closed, or before its connection's next request.
	 */
	rq.batching = 1;
	gen = audit_login(&rq, &dev, NULL);
	wait = 1000;
	ASSERT_INT_EQ(audit_due(&w, w.aq_since_ms, &wait), 0);
	audit_later_closed(&w, gen);
	ASSERT_INT_EQ(audit_due(&w, w.aq_since_ms, &wait), 1);
	audit_later_commit(&w, gen);
	ASSERT_INT_EQ(w.naq, 0);
	ASSERT_INT_EQ(count(w.st, "login"), login + 5 + AUDIT_BATCH_MAX);
	wait = 1000;
	ASSERT_INT_EQ(audit_due(&w, w.aq_since_ms, &wait), 0);
	audit_later_closed(&w, gen);	/* committed: nothing due */
	ASSERT_INT_EQ(w.aq_close_due, 0);
	audit_later_commit(&w, gen);
	ASSERT_INT_EQ(count(w.st, "login"), login + 5 + AUDIT_BATCH_MAX);

	/*
	 * Another connection's transaction holds the process's write
	 * lock: a due batch waits for a later pass (the worker goes on
	 * meanwhile), and is committed once the lock is free.
	 */
	ASSERT_INT_EQ(store_open(test_store_spec(path), 0, &st2), 0);
	(void)audit_login(&rq, &dev, NULL);
	ASSERT_INT_EQ(w.naq, 1);
	now = w.aq_since_ms + AUDIT_LATER_MS;	/* due */
	ASSERT_INT_EQ(store_tx_begin(st2), 0);
	ASSERT_INT_EQ(audit_pass_end(&w, now), 1);
	ASSERT_INT_EQ(audit_pass_end(&w, now + AUDIT_LOCK_WAIT_MS - 1), 1);
	ASSERT_INT_EQ(w.naq, 1);
	ASSERT_INT_EQ(w.aq_busy_ms, now);	/* waiting since */
	ASSERT_INT_EQ(store_tx_end(st2, 0), 0);
	ASSERT_INT_EQ(audit_pass_end(&w, now + AUDIT_LOCK_WAIT_MS - 1), 0);
	ASSERT_INT_EQ(w.naq, 0);
	ASSERT_INT_EQ(w.aq_busy_ms, 0);
	ASSERT_INT_EQ(count(w.st, "login"), login + 6 + AUDIT_BATCH_MAX);
	/* nothing due: nothing to wait for */
	ASSERT_INT_EQ(store_tx_begin(st2), 0);
	ASSERT_INT_EQ(audit_pass_end(&w, now), 0);
	ASSERT_INT_EQ(store_tx_end(st2, 0), 0);
	/* a wait that ended otherwise (a push carried the batch) is over */
	w.aq_busy_ms = now;
	ASSERT_INT_EQ(audit_pass_end(&w, now + 1), 0);
	ASSERT_INT_EQ(w.aq_busy_ms, 0);
	store_close(st2);

	/*
	 * A push carries the queued entries: one append in its
	 * transaction, the queued ones first, then the push's (a
	 * conflict makes none), one tree.
	 */
	{
		struct store_change		 chs[3];
		struct store_change_result	 res[3];
		struct audit_push		 ap;
		int64_t				 from;

		memset(chs, 0, sizeof(chs));
		memset(res, 0, sizeof(res));
		for (i = 0; i < 3; i++) {
			(void)str_fmt(chs[i].rec.record_id,
			    sizeof(chs[i].rec.record_id),
			    "7d3c1f6e-8b7a-4c2e-9f1a-2b3c4d5e6f7%d", i);
			(void)str_fmt(chs[i].rec.case_id,
			    sizeof(chs[i].rec.case_id), "%s",
			    recs[0].case_id);
			(void)str_fmt(chs[i].rec.kind,
			    sizeof(chs[i].rec.kind), "note");
			res[i].status = i == 1 ? STORE_CHANGE_CONFLICT :
			    STORE_CHANGE_APPLIED;
			res[i].version = 10 + i;
		}
		ap.peer = "192.0.2.8";
		ap.dev = &dev;
		ap.chs = chs;
		ap.res = res;
		ap.n = 3;
		ASSERT_INT_EQ(store_audit_state(w.st, &f), 0);
		from = (int64_t)f.size;
		rq.held = 0;
		(void)audit_login(&rq, &dev, NULL);
		audit_pull(&rq, recs, 1, 0);
		ASSERT_INT_EQ(w.naq, 2);
		ASSERT_INT_EQ(store_tx_begin(w.st), 0);
		r = audit_batch_in_tx(&w, &ap);
		ASSERT_INT_EQ(store_tx_end(w.st, r), 0);
		audit_batch_done(&w, 0);
		ASSERT_INT_EQ(w.naq, 0);
		memset(&t, 0, sizeof(t));
		t.from = from;
		ASSERT_INT_EQ(store_audit_rows(w.st, NULL, tail_cb, &t), 0);
		ASSERT_INT_EQ(t.n, 4);
		ASSERT_STR_EQ(t.types[0], "login");
		ASSERT_STR_EQ(t.types[1], "read");
		ASSERT_STR_EQ(t.types[2], "update");
		ASSERT_STR_EQ(t.types[3], "update");
		ASSERT_INT_EQ(audit_checkpoint(w.st, k, time_now(), 0,
		    &made), 0);
		check_tree(w.st, pk);
	}

	/* what is still queued when a worker stops is kept */
	rq.batching = 1;
	audit_login(&rq, &dev, NULL);
	audit_batch_free(&w);
	ASSERT_PTR_EQ(w.aq, NULL);
	ASSERT_INT_EQ(count(w.st, "login"), login + 8 + AUDIT_BATCH_MAX);
	ASSERT_INT_EQ(audit_checkpoint(w.st, k, time_now(), 0, &made), 0);
	check_tree(w.st, pk);
	audit_key_free(k);
	store_close(w.st);
	TEST_DONE();
}

/* The reference: the tree's nodes as one push per leaf completes them. */
#define BATCH_ENTRIES	1024
#define BATCH_NODES	(2 * BATCH_ENTRIES)

struct ref_nodes {
	int64_t		a[BATCH_NODES], n[BATCH_NODES];
	uint8_t		h[BATCH_NODES][MERKLE_HASH_LEN];
	size_t		count;
};

static int
ref_node_cb(uint64_t a, uint64_t n, const uint8_t hash[MERKLE_HASH_LEN],
    void *arg)
{
	struct ref_nodes	*rn = arg;

	if (rn->count == BATCH_NODES)
		return CS_ERR_TOO_LARGE;
	rn->a[rn->count] = (int64_t)a;
	rn->n[rn->count] = (int64_t)n;
	memcpy(rn->h[rn->count++], hash, MERKLE_HASH_LEN);
	return 0;
}

static void
test_append_batches(void)
{
	const size_t		 kl = STORE_AUDIT_LOG_ROWS;
	const size_t		 kn = STORE_AUDIT_NODE_ROWS;
	/*
	 * Only subtrees of STORE_AUDIT_NODE_MIN leaves or more are stored:
	 * an append of 8 * kn + 9 entries stores more than kn nodes.
	 */
	const size_t		 sizes[] = { 1, kl - 1, kl, kl + 1, 2 * kl + 1,
				    kn - 1, kn, kn + 1, 2 * kn + 1,
				    8 * kn + 9, 1 };
	static uint8_t		 leaves[BATCH_ENTRIES][MERKLE_HASH_LEN];
	static struct ref_nodes	 rn;
	struct audit_entry	*e;
	struct merkle_frontier	 ref, f;
	struct merkle_array	 ma;
	struct store		*st = NULL;
	struct sdb		*db;
	struct sdb_stmt		*s = NULL;
	uint8_t			 proof[MERKLE_PROOF_MAX][MERKLE_HASH_LEN];
	uint8_t			 root[MERKLE_HASH_LEN], r2[MERKLE_HASH_LEN];
	uint8_t			 rm[MERKLE_HASH_LEN];
	const void		*h;
	size_t			 i, j, at, total = 0, len, rows = 0;
	char			 dir_db[256];

	TEST_START("append in batches of 1, K-1, K, K+1 rows a statement");
	ASSERT_TRUE(kl >= 1 && kn > kl);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		total += sizes[i];
	ASSERT_TRUE(total <= BATCH_ENTRIES);
	ASSERT_PTR_NE((e = calloc(total, sizeof(*e))), NULL);
	for (i = 0; i < total; i++) {
		golden_entry(&e[i]);
		e[i].server_time += (int64_t)i;
		(void)str_fmt(e[i].detail, sizeof(e[i].detail), "n=%zu", i);
	}
	path(dir_db, sizeof(dir_db), "batches.db");
	ASSERT_INT_EQ(store_open(test_store_new(dir_db), 1, &st), 0);
	for (i = 0, at = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		ASSERT_INT_EQ(store_audit_append(st, e + at, sizes[i]), 0);
		at += sizes[i];
	}
	/* one by one, in C: the leaves, the nodes, the root */
	merkle_frontier_init(&ref);
	memset(&rn, 0, sizeof(rn));
	for (i = 0; i < total; i++) {
		ASSERT_INT_EQ(e[i].idx, (int64_t)i);
		ASSERT_INT_EQ(audit_entry_leaf(&e[i], leaves[i]), 0);
		ASSERT_INT_EQ(merkle_frontier_push(&ref, leaves[i], ref_node_cb,
		    &rn), 0);
	}
	merkle_frontier_root(&ref, root);
	ASSERT_INT_EQ(store_audit_state(st, &f), 0);
	ASSERT_INT_EQ(f.size, total);
	merkle_frontier_root(&f, r2);
	ASSERT_MEM_EQ(r2, root, sizeof(root));
	{
		static uint8_t	got[BATCH_ENTRIES][MERKLE_HASH_LEN];

		ASSERT_INT_EQ(store_audit_leaves(st, total, got), 0);
		ASSERT_MEM_EQ(got, leaves, total * MERKLE_HASH_LEN);
	}
	/*
	 * every node of the one-by-one path is stored, but the small
	 * ones (STORE_AUDIT_NODE_MIN), and no other
	 */
	for (i = 0, j = 0; i < rn.count; i++)
		if (rn.n[i] >= STORE_AUDIT_NODE_MIN) {
			rn.a[j] = rn.a[i];
			rn.n[j] = rn.n[i];
			memcpy(rn.h[j++], rn.h[i], MERKLE_HASH_LEN);
		}
	ASSERT_TRUE(j > 0 && j < rn.count);
	rn.count = j;
	db = test_sdb(dir_db);
	ASSERT_INT_EQ(sdb_prepare(db, "SELECT a, n, hash FROM audit_nodes",
	    &s), 0);
	while (sdb_step(s) == SDB_ROW) {
		rows++;
		for (j = 0; j < rn.count; j++)
			if (rn.a[j] == sdb_column_int64(s, 0) &&
			    rn.n[j] == sdb_column_int64(s, 1))
				break;
		ASSERT_TRUE(j < rn.count);
		ASSERT_INT_EQ(sdb_column_bytes(s, 2), MERKLE_HASH_LEN);
		ASSERT_PTR_NE((h = sdb_column_blob(s, 2)), NULL);
		ASSERT_MEM_EQ(h, rn.h[j], MERKLE_HASH_LEN);
	}
	sdb_finalize(s);
	sdb_close(db);
	ASSERT_INT_EQ(rows, rn.count);
	/* what verify checks: each size's root extends to the last */
	ma.hashes = (const uint8_t (*)[MERKLE_HASH_LEN])leaves;
	for (i = 1; i < total; i++) {
		ma.n = i;
		ASSERT_INT_EQ(merkle_root(i, merkle_array_leaf, &ma, rm), 0);
		ASSERT_INT_EQ(store_audit_proof(st, i, total, proof, &len), 0);
		ASSERT_INT_EQ(merkle_consistency_verify(i, total, rm, root,
		    &proof[0][0], len), 0);
	}
	free(e);
	store_close(st);
	TEST_DONE();
}

static void
test_lock_ahead(void)
{
	struct store		*st = NULL, *st2 = NULL;
	struct audit_entry	 e[3], e2[3];
	struct merkle_frontier	 f;
	struct merkle_array	 ma;
	uint8_t			 lv[8][MERKLE_HASH_LEN];
	uint8_t			 root[MERKLE_HASH_LEN], r2[MERKLE_HASH_LEN];
	char			 p[256];
	int			 i;

	TEST_START("the tree's lock sent ahead: read in its transaction only");
	path(p, sizeof(p), "ahead.db");
	ASSERT_INT_EQ(store_open(test_store_new(p), 1, &st), 0);
	ASSERT_INT_EQ(store_open(test_store_spec(p), 0, &st2), 0);
	for (i = 0; i < 3; i++) {
		golden_entry(&e[i]);
		e[i].server_time += i;
		golden_entry(&e2[i]);
		e2[i].server_time += 10 + i;
	}
	/* sent ahead and used by the transaction's append */
	ASSERT_INT_EQ(store_tx_begin(st), 0);
	ASSERT_INT_EQ(store_audit_lock_ahead(st), 0);
	ASSERT_INT_EQ(store_audit_append_in(st, &e[0], 1), 0);
	ASSERT_INT_EQ(store_tx_end(st, 0), 0);
	ASSERT_INT_EQ(e[0].idx, 0);
	/* sent ahead and not used: forgotten at the commit */
	ASSERT_INT_EQ(store_tx_begin(st), 0);
	ASSERT_INT_EQ(store_audit_lock_ahead(st), 0);
	ASSERT_INT_EQ(store_tx_end(st, 0), 0);
	/* ... so another connection's append is seen by the next one */
	ASSERT_INT_EQ(store_audit_append(st2, &e[1], 1), 0);
	ASSERT_INT_EQ(e[1].idx, 1);
	ASSERT_INT_EQ(store_audit_append(st, &e[2], 1), 0);
	ASSERT_INT_EQ(e[2].idx, 2);
	/* and after a rollback the same */
	ASSERT_INT_EQ(store_tx_begin(st), 0);
	ASSERT_INT_EQ(store_audit_lock_ahead(st), 0);
	ASSERT_INT_EQ(store_tx_end(st, CS_ERR_DB), CS_ERR_DB);
	/*
	 * Two appends in one transaction (a push carrying the login
	 * entries): the second goes on from the tree the first left.
	 */
	ASSERT_INT_EQ(store_tx_begin(st), 0);
	ASSERT_INT_EQ(store_audit_lock_ahead(st), 0);
	ASSERT_INT_EQ(store_audit_append_in(st, &e2[0], 1), 0);
	ASSERT_INT_EQ(store_audit_append_in(st, &e2[1], 2), 0);
	ASSERT_INT_EQ(store_tx_end(st, 0), 0);
	ASSERT_INT_EQ(e2[0].idx, 3);
	ASSERT_INT_EQ(e2[1].idx, 4);
	ASSERT_INT_EQ(e2[2].idx, 5);
	/* ... and only within it: the next one reads the tree again */
	ASSERT_INT_EQ(store_audit_append(st2, &e[1], 1), 0);
	ASSERT_INT_EQ(e[1].idx, 6);
	ASSERT_INT_EQ(store_tx_begin(st), 0);
	ASSERT_INT_EQ(store_audit_append_in(st, &e2[0], 1), 0);
	ASSERT_INT_EQ(store_tx_end(st, 0), 0);
	ASSERT_INT_EQ(e2[0].idx, 7);
	ASSERT_INT_EQ(store_audit_state(st, &f), 0);
	ASSERT_INT_EQ(f.size, 8);
	ASSERT_INT_EQ(store_audit_leaves(st, 8, lv), 0);
	ma.hashes = (const uint8_t (*)[MERKLE_HASH_LEN])lv;
	ma.n = 8;
	ASSERT_INT_EQ(merkle_root(8, merkle_array_leaf, &ma, root), 0);
	merkle_frontier_root(&f, r2);
	ASSERT_MEM_EQ(r2, root, sizeof(root));
	store_close(st2);
	store_close(st);
	TEST_DONE();
}

/* The tree's root from its leaves in the database, against audit_state. */
static void
check_root(struct store *st, size_t n)
{
	static uint8_t		lv[64][MERKLE_HASH_LEN];
	struct merkle_frontier	f;
	struct merkle_array	ma;
	uint8_t			root[MERKLE_HASH_LEN], r2[MERKLE_HASH_LEN];

	ASSERT_TRUE(n <= 64);
	ASSERT_INT_EQ(store_audit_state(st, &f), 0);
	ASSERT_INT_EQ(f.size, n);
	ASSERT_INT_EQ(store_audit_leaves(st, n, lv), 0);
	ma.hashes = (const uint8_t (*)[MERKLE_HASH_LEN])lv;
	ma.n = n;
	ASSERT_INT_EQ(merkle_root(n, merkle_array_leaf, &ma, root), 0);
	merkle_frontier_root(&f, r2);
	ASSERT_MEM_EQ(r2, root, sizeof(root));
}

/* Append e in a child process, on its own connection; e->idx set. */
static int
append_elsewhere(const char *p, struct audit_entry *e)
{
	struct store	*st = NULL;
	int		 fds[2], status;
	int64_t		 idx = -1;
	pid_t		 pid;

	if (pipe(fds) == -1 || (pid = fork()) == -1)
		return -1;
	if (pid == 0) {
		/* the parent's connections are left alone: _exit */
		close(fds[0]);
		if (store_open(test_store_spec(p), 0, &st) == 0 &&
		    store_audit_append(st, e, 1) == 0)
			idx = e->idx;
		_exit(write(fds[1], &idx, sizeof(idx)) == (ssize_t)sizeof(idx) ?
		    0 : 1);
	}
	close(fds[1]);
	if (read(fds[0], &idx, sizeof(idx)) != (ssize_t)sizeof(idx))
		idx = -1;
	close(fds[0]);
	if (waitpid(pid, &status, 0) == -1 || idx < 0)
		return -1;
	e->idx = idx;
	return 0;
}

/*
 * PostgreSQL: an append outside a push goes on the tree the process
 * kept at its last commit, on condition that the database still holds
 * exactly that tree; another connection's append, or a frontier
 * changed at the same size, makes the attempt fail and the append is
 * made the usual way.
 */
static void
test_kept(void)
{
	struct store		*st = NULL, *st2 = NULL;
	struct audit_entry	 e[48];
	struct sdb		*db;
	uint64_t		 h0, m0, h1, m1;
	size_t			 i, at = 0;
	char			 p[256];

	TEST_START("appends on the kept tree, and when it is stale");
	path(p, sizeof(p), "kept.db");
	ASSERT_INT_EQ(store_open(test_store_new(p), 1, &st), 0);
	ASSERT_INT_EQ(store_open(test_store_spec(p), 0, &st2), 0);
	for (i = 0; i < sizeof(e) / sizeof(e[0]); i++) {
		golden_entry(&e[i]);
		e[i].server_time += (int64_t)i;
	}
	store_audit_kept_counts(&h0, &m0);
	/* the kept tree is another database's or none: then it is kept */
	for (i = 0; i < STORE_AUDIT_KEPT_SKIP + 4; i++, at++) {
		ASSERT_INT_EQ(store_audit_append(st, &e[at], 1), 0);
		ASSERT_INT_EQ(e[at].idx, (int64_t)at);
	}
	store_audit_kept_counts(&h1, &m1);
	if (test_store_pg()) {
		ASSERT_TRUE(m1 - m0 <= 1);
		ASSERT_TRUE(h1 - h0 >= 3);
	} else
		ASSERT_TRUE(h1 == h0 && m1 == m0);
	/* a push's transaction keeps its tree too */
	ASSERT_INT_EQ(store_tx_begin(st), 0);
	ASSERT_INT_EQ(store_audit_lock_ahead(st), 0);
	ASSERT_INT_EQ(store_audit_append_in(st, &e[at++], 1), 0);
	ASSERT_INT_EQ(store_tx_end(st, 0), 0);
	store_audit_kept_counts(&h0, &m0);
	ASSERT_INT_EQ(store_audit_append(st, &e[at], 2), 0);
	ASSERT_INT_EQ(e[at + 1].idx, (int64_t)at + 1);
	at += 2;
	store_audit_kept_counts(&h1, &m1);
	ASSERT_INT_EQ(h1 - h0, test_store_pg() ? 1 : 0);
	ASSERT_INT_EQ(m1, m0);
	check_root(st, at);
	/* another connection of this process keeps its tree as well */
	ASSERT_INT_EQ(store_audit_append(st2, &e[at], 1), 0);
	ASSERT_INT_EQ(e[at].idx, (int64_t)at);
	at++;
	ASSERT_INT_EQ(store_audit_append(st, &e[at], 1), 0);
	ASSERT_INT_EQ(e[at].idx, (int64_t)at);
	at++;
	store_audit_kept_counts(&h0, &m0);
	ASSERT_INT_EQ(h0 - h1, test_store_pg() ? 2 : 0);
	ASSERT_INT_EQ(m0, m1);
	/* another process (an instance, casesyncctl) appended: a miss */
	ASSERT_INT_EQ(append_elsewhere(p, &e[at]), 0);
	ASSERT_INT_EQ(e[at].idx, (int64_t)at);
	at++;
	ASSERT_INT_EQ(store_audit_append(st, &e[at], 1), 0);
	ASSERT_INT_EQ(e[at].idx, (int64_t)at);
	at++;
	store_audit_kept_counts(&h1, &m1);
	ASSERT_INT_EQ(m1 - m0, test_store_pg() ? 1 : 0);
	ASSERT_INT_EQ(h1, h0);
	check_root(st, at);
	if (test_store_pg()) {
		/* past the appends a miss sends the usual way */
		for (i = 0; i < STORE_AUDIT_KEPT_SKIP; i++, at++)
			ASSERT_INT_EQ(store_audit_append(st, &e[at], 1), 0);
		check_root(st, at);
		/* the same size, another frontier: also a miss */
		db = test_sdb(p);
		ASSERT_INT_EQ(sdb_exec(db, "UPDATE audit_state SET frontier ="
		    " set_byte(frontier, 0, get_byte(frontier, 0) # 1)"
		    " WHERE id = 1"), 0);
		sdb_close(db);
		store_audit_kept_counts(&h0, &m0);
		ASSERT_INT_EQ(store_audit_append(st, &e[at], 1), 0);
		ASSERT_INT_EQ(e[at].idx, (int64_t)at);
		store_audit_kept_counts(&h1, &m1);
		ASSERT_INT_EQ(m1 - m0, 1);
		ASSERT_INT_EQ(h1, h0);
	}
	ASSERT_TRUE(at < sizeof(e) / sizeof(e[0]));
	store_close(st2);
	store_close(st);
	TEST_DONE();
}

int
main(void)
{
	static const char *const	dbs[] = { "ahead.db", "ahead.db-wal",
	    "ahead.db-shm", "kept.db", "kept.db-wal", "kept.db-shm", "batches.db", "batches.db-wal", "batches.db-shm",
	    "server.db", "server.db-wal", "server.db-shm" };
	char				p[256];
	size_t				i;

	log_init(1, "test_audit");
	if (sodium_init() < 0 || mkdtemp(dir) == NULL)
		return 1;
	test_encoding();
	test_key();
	test_store();
	test_protocol();
	test_batch();
	test_append_batches();
	test_lock_ahead();
	test_kept();
	for (i = 0; i < sizeof(dbs) / sizeof(dbs[0]); i++) {
		path(p, sizeof(p), dbs[i]);
		(void)unlink(p);
	}
	path(p, sizeof(p), AUDIT_KEY_FILE);
	(void)unlink(p);
	path(p, sizeof(p), AUDIT_PUB_FILE);
	(void)unlink(p);
	(void)rmdir(dir);
	return 0;
}
