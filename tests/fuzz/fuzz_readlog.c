/* SPDX-License-Identifier: ISC */
/*
 * fuzz_readlog.c - libFuzzer target for the read-log upload: the
 * ReadLogUpload validator in wire_decode() (proto/wire.c) and the
 * server's check of the uploaded chain (audit_read_log_upload ->
 * audit_read_upload in server/audit_sync.c), run as the server runs
 * them: on a real store (server.db in a directory under /dev/shm, made
 * at start and removed at exit) with a real audit key, each input as a
 * device of its own (a new device id), so inputs do not depend on
 * each other.
 *
 * The target holds its own reference: the device's "true" read log
 * (entry n: at 1700000000 + n, action and case id from fixed lists),
 * the chain hash SHA-256(prev || n || at || action || 0x00 || case_id)
 * computed here from docs/PROTOCOL.md, and the device keys (P-256 and
 * Ed25519 from fixed seeds) to sign heads with.
 *
 * Byte 0, bit 0 picks the half:
 *  - 0, wire: the rest is an Envelope.  If wire_decode() accepts a
 *    ReadLogUpload, its fields are within the documented bounds
 *    (prev and hashes 32 bytes, 1..1000 events with consecutive
 *    counters from 1 or more, action 1..16 bytes, case id at most 36,
 *    signature 1..128), and the server, holding nothing for the device,
 *    accepts it exactly when the reference does: the first counter is
 *    1, prev is 32 zero bytes, every hash is the reference hash of its
 *    entry from prev on, and the signature verifies with the Ed25519
 *    device key over the head (last n, last hash).
 *  - 1, structured: the rest says how many entries the server holds
 *    already (k, uploaded first: must be acknowledged), where the
 *    upload starts and how long it is, and per entry whether it is the
 *    true entry or rewritten, and whether its hash is damaged; and
 *    whether prev is damaged, the head is signed wrongly or by another
 *    key.  The upload goes through wire_encode/wire_decode as on the
 *    wire.  Checked: the server acknowledges exactly when the upload
 *    has no gap, every hash is the reference's, it joins the chain the
 *    server holds (an upload reaching counter k must carry the true
 *    prev and true entries up to k) and the head is the device's
 *    signature.  Then the reply is ReadLogAck with last_n = max(k,
 *    last), the head the server keeps is the reference head, and the
 *    audit log grew by exactly the new entries (counters above k);
 *    otherwise the reply is Error BAD_REQUEST, the server's head is
 *    unchanged, and the log grew by one read_log_alert entry.
 *
 * One case is accepted by design (docs/PROTOCOL.md): an upload that
 * ends below the counter the server holds cannot be compared with the
 * server's head (the server keeps only its head); it is acknowledged
 * and nothing is appended.  A laptop re-uploading after a restore does
 * that; see tests/fuzz/README.md.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>
#include <sqlite3.h>

#include <openssl/evp.h>

#include "audit.h"
#include "buf.h"
#include "checkpoint.h"
#include "errors.h"
#include "frame.h"
#include "log.h"
#include "merkle.h"
#include "request.h"
#include "server.h"
#include "store.h"
#include "store_audit.h"
#include "wire.h"

#define CHECK(c)	do { if (!(c)) abort(); } while (0)

#define MAX_EVENTS	24	/* per structured upload */
#define MAX_HELD	16
#define AT_BASE		1700000000

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static char		 fuzz_dir[64];
static struct server	 fuzz_srv;
static struct worker	 fuzz_w;
static EVP_PKEY		*fuzz_keys[2];	/* P-256, Ed25519 */
static int64_t		 fuzz_devid;

static const char *const actions[] = { "show", "list", "plan", "search" };
static const char *const cases[] = {
	"", "0d3c1f6e-8b7a-4c2e-9f1a-2b3c4d5e6f70", "c",
	"ffffffff-ffff-ffff-ffff-ffffffffffff"
};

/* An entry of a read log as the target builds it. */
struct ev {
	uint64_t	n;
	int64_t		at;
	char		action[17];
	char		case_id[37];
	uint8_t		hash[32];
};

/* The reference chain hash (docs/PROTOCOL.md, "Read log upload"). */
static void
ref_hash(const uint8_t prev[32], uint64_t n, int64_t at, const char *action,
    const char *case_id, uint8_t out[32])
{
	crypto_hash_sha256_state	h;
	uint8_t				b[8];
	int				i;

	crypto_hash_sha256_init(&h);
	crypto_hash_sha256_update(&h, prev, 32);
	for (i = 0; i < 8; i++)
		b[i] = (uint8_t)(n >> (56 - 8 * i));
	crypto_hash_sha256_update(&h, b, 8);
	for (i = 0; i < 8; i++)
		b[i] = (uint8_t)((uint64_t)at >> (56 - 8 * i));
	crypto_hash_sha256_update(&h, b, 8);
	crypto_hash_sha256_update(&h, (const uint8_t *)action,
	    strlen(action));
	crypto_hash_sha256_update(&h, (const uint8_t *)"", 1);
	crypto_hash_sha256_update(&h, (const uint8_t *)case_id,
	    strlen(case_id));
	crypto_hash_sha256_final(&h, out);
}

/* Entry n of the device's true log (without its hash). */
static void
true_entry(uint64_t n, struct ev *e)
{
	memset(e, 0, sizeof(*e));
	e->n = n;
	e->at = AT_BASE + (int64_t)n;
	(void)snprintf(e->action, sizeof(e->action), "%s",
	    actions[n % 4]);
	(void)snprintf(e->case_id, sizeof(e->case_id), "%s", cases[n % 4]);
}

/* The true chain hash after entry n (n = 0: zeros). */
static void
true_hash(uint64_t n, uint8_t out[32])
{
	struct ev	e;
	uint64_t	i;

	memset(out, 0, 32);
	for (i = 1; i <= n; i++) {
		true_entry(i, &e);
		ref_hash(out, i, e.at, e.action, e.case_id, out);
	}
}

static int
sign_head(EVP_PKEY *key, uint64_t n, const uint8_t hash[32], uint8_t *sig,
    size_t *siglen)
{
	EVP_MD_CTX	*ctx;
	uint8_t		 msg[CHECKPOINT_READ_HEAD_LEN];
	int		 ok;

	checkpoint_read_head(n, hash, msg);
	ok = (ctx = EVP_MD_CTX_new()) != NULL &&
	    EVP_DigestSignInit(ctx, NULL, EVP_PKEY_get_id(key) ==
	    EVP_PKEY_ED25519 ? NULL : EVP_sha256(), NULL, key) == 1 &&
	    EVP_DigestSign(ctx, sig, siglen, msg, sizeof(msg)) == 1;
	EVP_MD_CTX_free(ctx);
	return ok;
}

static int
verify_head(EVP_PKEY *key, uint64_t n, const uint8_t hash[32],
    const uint8_t *sig, size_t siglen)
{
	EVP_MD_CTX	*ctx;
	uint8_t		 msg[CHECKPOINT_READ_HEAD_LEN];
	int		 ok;

	checkpoint_read_head(n, hash, msg);
	ok = (ctx = EVP_MD_CTX_new()) != NULL &&
	    EVP_DigestVerifyInit(ctx, NULL, EVP_PKEY_get_id(key) ==
	    EVP_PKEY_ED25519 ? NULL : EVP_sha256(), NULL, key) == 1 &&
	    EVP_DigestVerify(ctx, sig, siglen, msg, sizeof(msg)) == 1;
	EVP_MD_CTX_free(ctx);
	return ok;
}

/*
 * An Envelope with a ReadLogUpload of "ev[0..n)" after "prev", signed
 * "sig"; packed into "out" (malloc'd), *len.
 */
static void
upload_pack(const uint8_t prev[32], struct ev *ev, size_t n,
    const uint8_t *sig, size_t siglen, uint8_t **out, size_t *len)
{
	Casesync__V1__ReadEvent		 re[MAX_EVENTS + MAX_HELD];
	Casesync__V1__ReadEvent		*rp[MAX_EVENTS + MAX_HELD];
	Casesync__V1__ReadLogUpload	 up;
	wire_env			 env;
	size_t				 i;

	CHECK(n <= MAX_EVENTS + MAX_HELD);
	casesync__v1__envelope__init(&env);
	casesync__v1__read_log_upload__init(&up);
	for (i = 0; i < n; i++) {
		casesync__v1__read_event__init(&re[i]);
		re[i].n = ev[i].n;
		re[i].at = ev[i].at;
		re[i].action = ev[i].action;
		re[i].case_id = ev[i].case_id;
		re[i].hash.data = ev[i].hash;
		re[i].hash.len = 32;
		rp[i] = &re[i];
	}
	up.prev.data = (uint8_t *)(uintptr_t)prev;
	up.prev.len = 32;
	up.events = rp;
	up.n_events = n;
	up.signature.data = (uint8_t *)(uintptr_t)sig;
	up.signature.len = siglen;
	env.id = 9;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_READ_LOG_UPLOAD;
	env.read_log_upload = &up;
	*len = casesync__v1__envelope__get_packed_size(&env);
	if ((*out = malloc(*len > 0 ? *len : 1)) == NULL)
		abort();
	CHECK(casesync__v1__envelope__pack(&env, *out) == *len);
}

/* The server's head for device "id". */
static void
server_head(int64_t id, int64_t *n, uint8_t hash[32])
{
	CHECK(store_audit_readlog_get(fuzz_w.st, id, n, hash) == 0);
}

static uint64_t
log_size(void)
{
	struct merkle_frontier	f;

	CHECK(store_audit_state(fuzz_w.st, &f) == 0);
	return f.size;
}

/*
 * Hand "req" to the server as device "dev" with device key "key": 1 for
 * ReadLogAck (*last_n), 0 for Error BAD_REQUEST.
 */
static int
server_upload(const struct store_device *dev, EVP_PKEY *key,
    const wire_env *req, uint64_t *last_n)
{
	struct request		 rq;
	struct store_device	 d;
	struct buf	*out;
	wire_env	*rep = NULL;
	const uint8_t	*p;
	size_t		 len;
	int		 ack;

	if ((out = buf_new(4096)) == NULL)
		abort();
	memset(&rq, 0, sizeof(rq));
	d = *dev;
	rq.w = &fuzz_w;
	rq.dev = &d;
	rq.peer = "192.0.2.7";
	rq.peer_key = key;
	rq.out = out;
	rq.max_frame = FRAME_MAX_DEFAULT;
	rq.id = req->id;
	CHECK(audit_read_log_upload(&rq, env_cmsg(req)) == 0);
	CHECK(frame_get(out, FRAME_MAX_DEFAULT, &p, &len) == 0);
	CHECK(wire_decode(p, len, &rep) == 0);
	CHECK(rep->id == req->id);
	if (rep->msg_case == CASESYNC__V1__ENVELOPE__MSG_READ_LOG_ACK) {
		*last_n = rep->read_log_ack->last_n;
		ack = 1;
	} else {
		CHECK(rep->msg_case == CASESYNC__V1__ENVELOPE__MSG_ERROR &&
		    rep->error->code ==
		    CASESYNC__V1__ERROR_CODE__ERROR_BAD_REQUEST);
		ack = 0;
	}
	wire_free(rep);
	buf_free(out);
	return ack;
}

/* A new device, as if enrolled: nothing held for it. */
static void
device_new(struct store_device *dev)
{
	memset(dev, 0, sizeof(*dev));
	dev->id = ++fuzz_devid;
	dev->user.id = 2;
	(void)snprintf(dev->user.name, sizeof(dev->user.name), "bert");
}

/* Upload true entries 1..k signed by "key" (acknowledged). */
static void
hold(const struct store_device *dev, EVP_PKEY *key, uint64_t k)
{
	struct ev	ev[MAX_HELD];
	uint8_t		prev[32], sig[128], *p;
	size_t		siglen = sizeof(sig), len;
	wire_env	*req;
	uint64_t	i, last;

	if (k == 0)
		return;
	memset(prev, 0, sizeof(prev));
	for (i = 0; i < k; i++) {
		true_entry(i + 1, &ev[i]);
		ref_hash(i == 0 ? prev : ev[i - 1].hash, ev[i].n, ev[i].at,
		    ev[i].action, ev[i].case_id, ev[i].hash);
	}
	CHECK(sign_head(key, k, ev[k - 1].hash, sig, &siglen));
	upload_pack(prev, ev, (size_t)k, sig, siglen, &p, &len);
	CHECK(wire_decode(p, len, &req) == 0);
	CHECK(server_upload(dev, key, req, &last) && last == k);
	wire_free(req);
	free(p);
}

static void
dir_remove(void)
{
	DIR		*d;
	struct dirent	*de;
	char		 path[512];

	store_close(fuzz_w.st);
	fuzz_w.st = NULL;
	if ((d = opendir(fuzz_dir)) == NULL)
		return;
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 ||
		    strcmp(de->d_name, "..") == 0)
			continue;
		(void)snprintf(path, sizeof(path), "%s/%s", fuzz_dir,
		    de->d_name);
		(void)unlink(path);
	}
	closedir(d);
	(void)rmdir(fuzz_dir);
}

static void	seeds_write(const char *, const char *);
static int	fuzz_wire(const uint8_t *, size_t);
static int	fuzz_struct(const uint8_t *, size_t);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	uint8_t	seed[32];
	char	path[128];

	(void)argc;
	(void)argv;
	if (sodium_init() < 0)
		abort();
	log_init(1, "fuzz_readlog");
	(void)snprintf(fuzz_dir, sizeof(fuzz_dir), "%s",
	    access("/dev/shm", W_OK) == 0 ? "/dev/shm/fuzz_readlog.XXXXXX" :
	    "/tmp/fuzz_readlog.XXXXXX");
	if (mkdtemp(fuzz_dir) == NULL)
		abort();
	(void)snprintf(path, sizeof(path), "%s/server.db", fuzz_dir);
	/*
	 * The store's 32 MiB page cache would fill with the growing log,
	 * and libFuzzer's leak check after each input scans all of it:
	 * runs slowed from 500/s to 40/s.  A soft heap limit makes SQLite
	 * reuse a few pages instead; the code under test is the same.
	 */
	(void)sqlite3_soft_heap_limit64(1024 * 1024);
	memset(&fuzz_w, 0, sizeof(fuzz_w));
	fuzz_w.srv = &fuzz_srv;
	if (store_open(path, 1, &fuzz_w.st) != 0 ||
	    audit_key_open(fuzz_dir, &fuzz_srv.audit_key) != 0)
		abort();
	(void)atexit(dir_remove);
	/* fixed device keys, so that seeds carry valid signatures */
	memset(seed, 0x5d, sizeof(seed));
	if ((fuzz_keys[1] = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519,
	    NULL, seed, sizeof(seed))) == NULL)
		abort();
	if ((fuzz_keys[0] = EVP_PKEY_Q_keygen(NULL, NULL, "EC",
	    "P-256")) == NULL)
		abort();
	if (getenv("FUZZ_SEED_DIR") != NULL)
		seeds_write(getenv("FUZZ_SEED_DIR"),
		    getenv("FUZZ_WIRE_SEED_DIR"));
	return 0;
}

/* Wire half: see the header.  1 if acknowledged. */
static int
fuzz_wire(const uint8_t *data, size_t size)
{
	const Casesync__V1__ReadLogUpload	*m;
	const Casesync__V1__ReadEvent		*e;
	struct store_device			 dev;
	wire_env				*req = NULL;
	uint8_t					 h[32], zero[32] = { 0 };
	uint8_t					 head[32];
	int64_t					 sn;
	uint64_t				 last, before;
	size_t					 i;
	int					 want, ack = 0;

	if (wire_decode(data, size, &req) != 0)
		return 0;
	if (req->msg_case != CASESYNC__V1__ENVELOPE__MSG_READ_LOG_UPLOAD)
		goto out;
	m = req->read_log_upload;
	/* the validator's bounds */
	CHECK(m->prev.len == 32 && m->signature.len >= 1 &&
	    m->signature.len <= 128 && m->n_events >= 1 &&
	    m->n_events <= 1000);
	for (i = 0; i < m->n_events; i++) {
		e = m->events[i];
		CHECK(e->n >= 1 && e->n == m->events[0]->n + i &&
		    e->action != NULL && strlen(e->action) >= 1 &&
		    strlen(e->action) <= 16 && e->case_id != NULL &&
		    strlen(e->case_id) <= 36 && e->hash.len == 32);
	}
	/* the reference, for a device the server holds nothing of */
	want = m->events[0]->n == 1 &&
	    memcmp(m->prev.data, zero, 32) == 0;
	memcpy(h, m->prev.data, 32);
	for (i = 0; i < m->n_events && want; i++) {
		e = m->events[i];
		ref_hash(h, e->n, e->at, e->action, e->case_id, h);
		want = memcmp(h, e->hash.data, 32) == 0;
	}
	if (want)
		want = verify_head(fuzz_keys[1],
		    m->events[m->n_events - 1]->n, h, m->signature.data,
		    m->signature.len);
	device_new(&dev);
	before = log_size();
	ack = server_upload(&dev, fuzz_keys[1], req, &last);
	CHECK(ack == want);
	server_head(dev.id, &sn, head);
	if (ack) {
		CHECK(last == m->events[m->n_events - 1]->n);
		CHECK((uint64_t)sn == last && memcmp(head, h, 32) == 0);
		CHECK(log_size() == before + m->n_events);
	} else {
		CHECK(sn == 0 && memcmp(head, zero, 32) == 0);
		CHECK(log_size() == before + 1);
	}
 out:
	wire_free(req);
	return ack;
}

/* Take one byte (0 past the end). */
static uint8_t
byte(const uint8_t **p, size_t *left)
{
	uint8_t	b;

	if (*left == 0)
		return 0;
	b = **p;
	(*p)++;
	(*left)--;
	return b;
}

/* Structured half: see the header.  1 if acknowledged. */
static int
fuzz_struct(const uint8_t *data, size_t size)
{
	struct store_device	 dev;
	struct ev		 ev[MAX_EVENTS];
	const uint8_t		*p = data;
	uint8_t			 prev[32], held[32], h[32], head[32];
	uint8_t			 sig[128], *pk = NULL, f, b;
	size_t			 left = size, count, i, siglen, len;
	uint64_t		 k, n0, last, acked, before, newer;
	int64_t			 sn;
	EVP_PKEY		*key, *signer;
	wire_env		*req = NULL;
	int			 joins = 1, hashes_ok = 1, sig_ok = 1, want, ack;

	f = byte(&p, &left);
	key = fuzz_keys[f & 1];
	k = byte(&p, &left) % MAX_HELD;
	n0 = 1 + byte(&p, &left) % (k + 3);
	count = 1 + byte(&p, &left) % MAX_EVENTS;
	last = n0 + count - 1;

	/* prev: the true hash before n0, or damaged */
	true_hash(n0 - 1, prev);
	if (f & 2) {
		b = byte(&p, &left);
		prev[b % 32] ^= (uint8_t)(1u << (b >> 5));
		if (last >= k)
			joins = 0;
	}
	for (i = 0; i < count; i++) {
		b = byte(&p, &left);
		true_entry(n0 + i, &ev[i]);
		if (b & 1) {
			/* rewritten: another time, action or case */
			ev[i].at += 1 + (int64_t)(b >> 4);
			if (b & 2)
				(void)snprintf(ev[i].action,
				    sizeof(ev[i].action), "%s",
				    actions[(b >> 2) % 4]);
			if (b & 4)
				(void)snprintf(ev[i].case_id,
				    sizeof(ev[i].case_id), "%s",
				    cases[(b >> 4) % 4]);
			if (n0 + i <= k && last >= k)
				joins = 0;
		}
		ref_hash(i == 0 ? prev : ev[i - 1].hash, ev[i].n, ev[i].at,
		    ev[i].action, ev[i].case_id, ev[i].hash);
	}
	/* the reference head, before any hash is damaged */
	memcpy(h, ev[count - 1].hash, 32);
	for (i = 0; i < count; i++) {
		b = byte(&p, &left);
		if (b & 1) {
			ev[i].hash[(b >> 1) % 32] ^= 0x80;
			hashes_ok = 0;
		}
	}
	signer = key;
	if (f & 4) {
		signer = fuzz_keys[!(f & 1)];
		sig_ok = 0;
	}
	siglen = sizeof(sig);
	if (f & 8) {
		CHECK(sign_head(signer, last + 1, h, sig, &siglen));
		sig_ok = 0;
	} else
		CHECK(sign_head(signer, last, h, sig, &siglen));

	device_new(&dev);
	hold(&dev, key, k);
	true_hash(k, held);
	upload_pack(prev, ev, count, sig, siglen, &pk, &len);
	CHECK(wire_decode(pk, len, &req) == 0);
	before = log_size();
	ack = server_upload(&dev, key, req, &acked);
	want = n0 <= k + 1 && hashes_ok && joins && sig_ok;
	CHECK(ack == want);
	server_head(dev.id, &sn, head);
	if (ack) {
		newer = last > k ? last - k : 0;
		CHECK(acked == (last > k ? last : k));
		CHECK((uint64_t)sn == acked);
		CHECK(memcmp(head, last > k ? h : held, 32) == 0);
		CHECK(log_size() == before + newer);
	} else {
		CHECK((uint64_t)sn == k && memcmp(head, held, 32) == 0);
		CHECK(log_size() == before + 1);
	}
	wire_free(req);
	free(pk);
	return ack;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	if (data[0] & 1)
		fuzz_struct(data + 1, size - 1);
	else
		fuzz_wire(data + 1, size - 1);
	return 0;
}

static void
seed_write(const char *dir, const char *name, int mode, const uint8_t *p,
    size_t len)
{
	FILE	*f;
	char	 path[512];

	(void)snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((f = fopen(path, "wb")) == NULL ||
	    (mode >= 0 && fputc(mode, f) == EOF) ||
	    fwrite(p, 1, len, f) != len || fclose(f) != 0)
		abort();
}

/*
 * FUZZ_SEED_DIR=dir: write the seeds of corpus/readlog/ there: wire
 * uploads of true entries 1..3 signed with the Ed25519 key (valid), one
 * with a bad signature, one starting at 2 (a gap); structured inputs.
 * FUZZ_WIRE_SEED_DIR=dir2 also: the valid Envelope for corpus/wire/.
 */
static void
seeds_write(const char *dir, const char *wdir)
{
	static const uint8_t	st[][12] = {
		/* flags, k, n0, count, per-entry bytes... */
		{ 0x00, 3, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0 },
		{ 0x01, 5, 2, 2, 0, 0, 0, 0, 0, 0, 0, 0 },
		{ 0x00, 2, 0, 3, 0, 1, 0, 0, 0, 0, 0, 0 },
		{ 0x02, 4, 4, 3, 7, 0, 0, 0, 0, 0, 0, 0 },
		{ 0x04, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0 },
		{ 0x08, 1, 1, 2, 0, 0, 0, 0, 0, 0, 0, 0 },
		{ 0x00, 5, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0 },
		{ 0x00, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
		{ 0x00, 2, 2, 1, 0, 0, 1, 0, 0, 0, 0, 0 },
	};
	/* which of them the server acknowledges */
	static const int	st_ack[] = { 1, 1, 0, 0, 0, 0, 1, 0, 0 };
	struct ev	ev[3];
	uint8_t		prev[32] = { 0 }, sig[128], *p;
	size_t		siglen = sizeof(sig), len, i;
	char		name[32];

	for (i = 0; i < 3; i++) {
		true_entry(i + 1, &ev[i]);
		ref_hash(i == 0 ? prev : ev[i - 1].hash, ev[i].n, ev[i].at,
		    ev[i].action, ev[i].case_id, ev[i].hash);
	}
	CHECK(sign_head(fuzz_keys[1], 3, ev[2].hash, sig, &siglen));
	upload_pack(prev, ev, 3, sig, siglen, &p, &len);
	seed_write(dir, "wire-valid", 0, p, len);
	CHECK(fuzz_wire(p, len) == 1);
	if (wdir != NULL)
		seed_write(wdir, "read-log-upload-signed", -1, p, len);
	free(p);
	sig[siglen - 1] ^= 1;
	upload_pack(prev, ev, 3, sig, siglen, &p, &len);
	seed_write(dir, "wire-bad-signature", 0, p, len);
	CHECK(fuzz_wire(p, len) == 0);
	free(p);
	upload_pack(ev[0].hash, ev + 1, 2, sig, siglen, &p, &len);
	seed_write(dir, "wire-gap", 0, p, len);
	free(p);
	for (i = 0; i < sizeof(st) / sizeof(st[0]); i++) {
		(void)snprintf(name, sizeof(name), "struct-%zu", i);
		seed_write(dir, name, 1, st[i], sizeof(st[i]));
		CHECK(fuzz_struct(st[i], sizeof(st[i])) == st_ack[i]);
	}
}
