/* SPDX-License-Identifier: ISC */
/*
 * audit.c - audit entries (see audit.h; the entry and its encoding are
 * in audit_entry.c): appending with or without a signed checkpoint, the
 * hooks through which casesyncd records enrollments, logins, pushes,
 * reads delivered by pulls, case creation, membership changes and
 * purge receipts.
 *
 * What goes into an entry is chosen here and only here: ids, names of
 * employees, roles, offices, record kinds and counts.  Never a record
 * body, a client's name or a BSN: the client is the case id.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "acl.h"
#include "audit.h"
#include "audit_text.h"
#include "audit_witness.h"
#include "buf.h"
#include "errors.h"
#include "log.h"
#include "merkle.h"
#include "msg_sync.h"
#include "request.h"
#include "server.h"
#include "session.h"
#include "store.h"
#include "store_audit.h"
#include "util.h"

/* Seconds since the epoch of the last hourly checkpoint check. */
static _Atomic int64_t	audit_next_check;

/* A batch that grew beyond this is freed after its commit. */
#define AUDIT_BATCH_KEEP	16

/* What signing inside a store transaction made, for the file after it. */
struct audit_signer {
	const struct audit_key	*key;
	struct audit_checkpoint	 cp;
	int			 made;
};

/*
 * Inside the caller's transaction (store_tx_begin): sign and store a
 * checkpoint of the tree at "now", unless the newest is younger than
 * "max_age" seconds (0: always).
 */
static int
audit_cp_in_tx(struct store *st, struct audit_signer *s, int64_t now,
    int64_t max_age)
{
	int	due, r;

	if ((r = store_audit_cp_head(st, now, max_age, &s->cp, &due)) != 0 ||
	    !due)
		return r;
	if ((r = audit_checkpoint_sign(s->key, &s->cp)) != 0 ||
	    (r = store_audit_cp_add(st, &s->cp)) != 0)
		return r;
	s->made = 1;
	return 0;
}

/*
 * Append e[0..n) in one transaction, with a signed checkpoint of the
 * tree that includes them when s->key is set.
 */
static int
audit_append_tx(struct store *st, struct audit_entry *e, size_t n,
    struct audit_signer *s)
{
	int	r;

	if (s->key == NULL)
		return store_audit_append(st, e, n);
	(void)store_tx_begin(st);	/* a failed BEGIN: the append's */
	r = store_audit_append_in(st, e, n);
	if (r == 0)
		r = audit_cp_in_tx(st, s, e[0].server_time, 0);
	return store_tx_end(st, r);
}

/*
 * The transaction that stored the checkpoint has committed: copy it to
 * the checkpoint file.  A copy lost here (full disk) leaves the file a
 * subset of the database, which verify accepts; the reverse would not.
 */
static void
audit_signed(const struct audit_signer *s, int r)
{
	if (r == 0 && s->made && audit_key_witness(s->key, &s->cp) != 0)
		log_warnx("audit: checkpoint of size %lld NOT written to %s",
		    (long long)s->cp.size, AUDIT_CP_FILE);
}

/* 0 if the stored tree extends checkpoint "cp" (RFC 9162 §2.1.4.2). */
static int
audit_extends_one(struct store *st, const struct merkle_frontier *f,
    const uint8_t root[MERKLE_HASH_LEN], const struct audit_checkpoint *cp)
{
	uint8_t	proof[MERKLE_PROOF_MAX][MERKLE_HASH_LEN];
	size_t	len = 0;
	int	r;

	if (cp->size < 0 || (uint64_t)cp->size > f->size)
		return CS_ERR_TAMPERED;		/* entries deleted */
	if ((uint64_t)cp->size == f->size)
		return sodium_memcmp(cp->root, root, MERKLE_HASH_LEN) == 0 ?
		    0 : CS_ERR_TAMPERED;
	if (cp->size == 0)
		return 0;
	if ((r = store_audit_proof(st, (uint64_t)cp->size, f->size, proof,
	    &len)) != 0)
		return r == CS_ERR_DB || r == CS_ERR_ALLOC ? r :
		    CS_ERR_TAMPERED;
	return merkle_consistency_verify((uint64_t)cp->size, f->size,
	    cp->root, root, &proof[0][0], len) == 0 ? 0 : CS_ERR_TAMPERED;
}

/*
 * Before signing: does the stored log extend the last checkpoint this
 * key signed (the file's last line) and the newest of the database?
 * A log rewritten through the database alone must not get a fresh
 * signature that hides the rewrite.  Entries appended meanwhile only
 * extend the tree, so checking before the signing transaction is
 * enough.
 */
static int
audit_extends(struct store *st, const struct audit_key *key)
{
	struct audit_checkpoint	last, db;
	struct merkle_frontier	f;
	uint8_t			root[MERKLE_HASH_LEN];
	int			rf, rd, r;

	/*
	 * The checkpoints first, then the tree: a checkpoint another
	 * process commits (and then writes to the file) meanwhile is never
	 * larger than the tree read after it.
	 */
	if ((rf = audit_key_last(key, &last)) != 0 &&
	    rf != CS_ERR_NOT_FOUND)	/* not found: a file that starts now */
		return rf == CS_ERR_FORMAT ? CS_ERR_TAMPERED : rf;
	if ((rd = store_audit_latest(st, &db)) != 0 && rd != CS_ERR_NOT_FOUND)
		return rd;
	if ((r = store_audit_state(st, &f)) != 0)
		return r;
	merkle_frontier_root(&f, root);
	if (rf == 0 && (r = audit_extends_one(st, &f, root, &last)) != 0)
		goto out;
	if (rd == 0 && (r = audit_extends_one(st, &f, root, &db)) != 0)
		goto out;
	r = 0;
 out:
	if (r == CS_ERR_TAMPERED)
		log_warnx("audit: the stored log does not extend the last "
		    "signed checkpoint: NOT signing one (run casesyncctl "
		    "audit verify)");
	return r;
}

int
audit_append(struct store *st, struct audit_entry *e,
    const struct audit_key *key)
{
	struct audit_signer	s = { .key = key };
	int			r;

	/* a log that fails the check still gets the entry, unsigned */
	if (key != NULL && audit_extends(st, key) != 0)
		s.key = NULL;
	r = audit_append_tx(st, e, 1, &s);
	audit_signed(&s, r);
	return r;
}

int
audit_checkpoint(struct store *st, const struct audit_key *key, int64_t now,
    int64_t max_age, int *made)
{
	struct audit_signer	s = { .key = key };
	int			r;

	*made = 0;
	if ((r = audit_extends(st, key)) != 0)
		return r;
	(void)store_tx_begin(st);	/* a failed BEGIN: the head's */
	r = audit_cp_in_tx(st, &s, now, max_age);
	r = store_tx_end(st, r);
	*made = r == 0 && s.made;
	audit_signed(&s, r);
	return r;
}

int
audit_add(struct worker *w, struct audit_entry *e, size_t n, int sign)
{
	struct audit_signer	s = { .key = w->srv->audit_key };
	int			r;

	if (n == 0)
		return 0;
	if (!sign || (s.key != NULL && audit_extends(w->st, s.key) != 0))
		s.key = NULL;
	r = audit_append_tx(w->st, e, n, &s);
	audit_signed(&s, r);
	if (r != 0)
		log_warnx("audit: %zu %s entr%s NOT recorded: %s", n, e[0].type,
		    n == 1 ? "y" : "ies", cs_err(r));
	return r;
}

/*
 * Copy e[0..n) into the batch of the request's worker; CS_ERR_* if it
 * cannot take them.
 */
static int
audit_queue(struct request *rq, const struct audit_entry *e, size_t n)
{
	struct worker		*w = rq->w;
	struct audit_entry	*q;
	size_t			 max;

	if (n > AUDIT_BATCH_MAX)
		return CS_ERR_TOO_LARGE;
	/* the held sessions wait on; so does this request's reply */
	if (AUDIT_BATCH_MAX - w->naq < n && audit_flush(w) != 0 &&
	    rq->guarded)
		rq->lost = 1;
	if (w->naq == 0)
		w->aq_since_ms = time_mono_ms();
	if (w->maxaq - w->naq < n) {
		max = w->naq + n < AUDIT_BATCH_KEEP ? AUDIT_BATCH_KEEP :
		    w->naq + n < AUDIT_BATCH_MAX / 2 ? 2 * (w->naq + n) :
		    AUDIT_BATCH_MAX;
		if ((q = reallocarray(w->aq, max, sizeof(*q))) == NULL)
			return CS_ERR_ALLOC;
		w->aq = q;
		w->maxaq = max;
	}
	memcpy(w->aq + w->naq, e, n * sizeof(*e));
	w->naq += n;
	return 0;
}

void
audit_defer(struct request *rq, struct audit_entry *e, size_t n, int guard)
{
	if (n == 0)
		return;
	if (rq->batching && audit_queue(rq, e, n) == 0) {
		rq->held = 1;
		if (guard)
			rq->guarded = 1;
		return;
	}
	/*
	 * Now, before the reply, at the cost of a commit of its own; if
	 * that fails the reply is replaced (session_request: fail closed).
	 */
	if (audit_add(rq->w, e, n, 0) != 0 && guard)
		rq->lost = 1;
}

uint64_t
audit_later(struct request *rq, struct audit_entry *e, size_t n)
{
	if (n == 0)
		return 0;
	if (rq->batching && audit_queue(rq, e, n) == 0)
		return rq->w->aq_gen + 1;
	(void)audit_add(rq->w, e, n, 0);	/* a failure is logged */
	return 0;
}

void
audit_later_closed(struct worker *w, uint64_t gen)
{
	if (gen > w->aq_gen && w->naq > 0)
		w->aq_close_due = 1;
}

void
audit_later_commit(struct worker *w, uint64_t gen)
{
	if (gen > w->aq_gen)
		(void)audit_flush(w);	/* a failure is logged */
}

int
audit_due(struct worker *w, int64_t now_ms, int64_t *wait_ms)
{
	int64_t	due;

	if (w->naq == 0)
		return 0;
	if (w->held != NULL || w->aq_close_due)
		return 1;
	due = w->aq_since_ms + AUDIT_LATER_MS;
	if (now_ms >= due)
		return 1;
	if (due - now_ms < *wait_ms)
		*wait_ms = due - now_ms;
	return 0;
}

int
audit_pass_end(struct worker *w, int64_t now_ms)
{
	int64_t	wait = INT64_MAX;

	if (audit_due(w, now_ms, &wait)) {
		if (!store_wlock_try(w->st)) {
			if (w->aq_busy_ms == 0)
				w->aq_busy_ms = now_ms;
			if (now_ms - w->aq_busy_ms < AUDIT_LOCK_WAIT_MS)
				return 1;
		}
		(void)audit_flush(w);	/* a failure marks the held */
	}
	/* committed here or by a push's transaction meanwhile */
	w->aq_busy_ms = 0;
	session_release(w);
	return 0;
}

/* Empty the batch; one a burst made large is not kept for good. */
static void
audit_batch_empty(struct worker *w)
{
	w->naq = 0;
	w->aq_gen++;
	w->aq_close_due = 0;
	if (w->maxaq > AUDIT_BATCH_KEEP) {
		free(w->aq);
		w->aq = NULL;
		w->maxaq = 0;
	}
}

void
audit_batch_done(struct worker *w, int r)
{
	if (r == 0)
		audit_batch_empty(w);
}

int
audit_flush(struct worker *w)
{
	int	r;

	if (w->naq == 0)
		return 0;
	if ((r = store_audit_append(w->st, w->aq, w->naq)) != 0) {
		/*
		 * Fail closed: the replies with case data that wait on
		 * these entries are replaced by a retryable Error
		 * (session_release), and so is the reply of a request in
		 * hand that queued some (the caller: audit_queue).
		 */
		log_warnx("audit: %zu login and read entr%s NOT recorded: %s;"
		    " replies with case data are withheld", w->naq,
		    w->naq == 1 ? "y" : "ies", cs_err(r));
		session_held_lost(w);
	}
	audit_batch_empty(w);
	return r;
}

void
audit_batch_free(struct worker *w)
{
	(void)audit_flush(w);
	free(w->aq);
	w->aq = NULL;
	w->maxaq = 0;
}

void
audit_enroll(struct worker *w, const char *peer,
    const struct store_device *dev, int why)
{
	struct audit_entry	e;
	char			id[24];

	/* rate-limited attempts are not counted: they cannot grow the log */
	if (why == CS_ERR_RATE)
		return;
	audit_entry_init(&e, why == 0 ? "enroll" : "enroll_failed",
	    AUDIT_EXECUTE, why == 0);
	audit_entry_device(&e, dev, peer);
	audit_set(e.basis, "enrollment token");
	audit_set(e.object_type, "device");
	if (dev != NULL) {
		(void)str_fmt(id, sizeof(id), "%lld", (long long)dev->id);
		audit_set(e.object_id, id);
	} else
		audit_set(e.detail, cs_err(why));
	audit_add(w, &e, 1, 0);
}

uint64_t
audit_login(struct request *rq, const struct store_device *dev,
    const char *refused)
{
	struct audit_entry	e;

	audit_entry_init(&e, "login", AUDIT_EXECUTE, refused == NULL);
	audit_entry_device(&e, dev, rq->peer);
	audit_set(e.basis, "device certificate");
	audit_set(e.detail, refused);
	if (refused == NULL)	/* a Welcome carries no case data */
		return audit_later(rq, &e, 1);
	audit_defer(rq, &e, 1, 0);	/* the refusal waits for it */
	return 0;
}

/* Milliseconds << 16 of a client's hybrid logical clock, to seconds. */
static int64_t
audit_hlc_seconds(uint64_t hlc)
{
	return (int64_t)((hlc >> 16) / 1000);
}

/* The entry of change i of a push, if it has one (store_audit.h). */
static int
audit_push_fill(struct audit_entry *e, size_t i, const void *arg)
{
	const struct audit_push		*p = arg;
	const struct store_record	*in;
	int				 ok;

	if (p->res[i].status != STORE_CHANGE_APPLIED &&
	    p->res[i].status != STORE_CHANGE_FORBIDDEN)
		return 0;	/* conflict, invalid: no change */
	/* a retry: logged when it was applied (replayed); a held
	 * change sent again, or a decided one: said before */
	if (p->res[i].replayed || p->res[i].held == 2 ||
	    p->res[i].discarded)
		return 0;
	in = &p->chs[i].rec;
	ok = p->res[i].status == STORE_CHANGE_APPLIED;
	/* written before write access was lost (store_late.h) */
	audit_entry_init(e, p->res[i].late ? "late_change" : "update",
	    in->deleted ? AUDIT_DELETE : p->chs[i].base_version == 0 ?
	    AUDIT_CREATE : AUDIT_UPDATE, ok);
	audit_entry_device(e, p->dev, p->peer);
	e->device_time = audit_hlc_seconds(in->hlc);
	audit_set(e->basis, p->res[i].late ? "written before the "
	    "handover" : "member");
	audit_set(e->purpose, "sync");
	audit_set(e->client_ref, in->case_id);
	audit_set(e->object_type, in->kind);
	audit_set(e->object_id, in->record_id);
	if (ok)
		(void)str_fmt(e->detail, sizeof(e->detail), "version=%lld%s",
		    (long long)p->res[i].version,
		    p->res[i].late ? " late=1" : "");
	else if (p->res[i].closed)
		audit_set(e->detail, "the case is closed (GESLOTEN):"
		    " no new content");
	else
		audit_set(e->detail, p->res[i].held ?
		    "not a member with write access; held for a "
		    "decision" : "not a member with write access");
	return 1;
}

/* The worker's queued entries, then the push's. */
struct audit_carry {
	const struct audit_entry	*q;
	size_t				 nq;
	const struct audit_push		*p;
};

static int
audit_carry_fill(struct audit_entry *e, size_t i, const void *arg)
{
	const struct audit_carry	*c = arg;

	if (i >= c->nq)
		return audit_push_fill(e, i - c->nq, c->p);
	*e = c->q[i];
	return 1;
}

int
audit_batch_in_tx(struct worker *w, const struct audit_push *p)
{
	struct audit_carry	c = { w->aq, w->naq, p };
	int			r;

	if (w->naq + p->n == 0)
		return 0;
	/* made a few at a time as they are appended: no array of them */
	if ((r = store_audit_append_fill(w->st, w->naq + p->n,
	    audit_carry_fill, &c)) != 0)
		log_warnx("audit: push entries of %zu changes and %zu login"
		    " and read entries not recorded, push refused: %s", p->n,
		    w->naq, cs_err(r));
	return r;
}

void
audit_pull(struct request *rq, const struct msg_record *recs, size_t n,
    int r)
{
	struct audit_entry	*e = NULL;
	size_t			*count = NULL;
	size_t			 i, j, k = 0;

	if (r != 0 || n == 0)
		return;
	if ((e = calloc(n, sizeof(*e))) == NULL ||
	    (count = calloc(n, sizeof(*count))) == NULL) {
		log_warnx("audit: pull read entries NOT recorded: %s",
		    cs_err(CS_ERR_ALLOC));
		rq->lost = 1;	/* no records without them */
		goto out;
	}
	/* one "read" entry per case delivered, with the number of records */
	for (i = 0; i < n; i++) {
		for (j = 0; j < k; j++)
			if (strcmp(e[j].client_ref, recs[i].case_id) == 0)
				break;
		if (j == k) {
			audit_entry_init(&e[k], "read", AUDIT_READ, 1);
			audit_entry_device(&e[k], rq->dev, rq->peer);
			audit_set(e[k].basis, "member");
			audit_set(e[k].purpose, "sync");
			audit_set(e[k].client_ref, recs[i].case_id);
			audit_set(e[k].object_type, "case");
			audit_set(e[k].object_id, recs[i].case_id);
			k++;
		}
		count[j]++;
	}
	for (j = 0; j < k; j++)
		(void)str_fmt(e[j].detail, sizeof(e[j].detail),
		    "records=%zu delivered to device", count[j]);
	audit_defer(rq, e, k, 1);
 out:
	free(count);
	free(e);
}

/* Who asked, and the entry's append (signed: a checkpoint follows). */
static void
audit_hook_add(struct request *rq, struct audit_entry *e, int sign)
{
	audit_entry_device(e, rq->dev, rq->peer);
	audit_add(rq->w, e, 1, sign);
}

/* The dispatch table's audit hooks (dispatch.c); "r" from the store. */
void
audit_case_create(struct request *rq, const struct msg *m, int r)
{
	struct msg_case_create	cc;
	struct audit_entry	e;

	if (msg_get_case_create(m, &cc) != 0)
		return;
	audit_entry_init(&e, "case_create", AUDIT_CREATE, r == 0);
	audit_set(e.client_ref, cc.case_id);
	audit_set(e.object_type, "case");
	audit_set(e.object_id, cc.case_id);
	audit_set(e.basis, "regisseur");
	(void)str_fmt(e.detail, sizeof(e.detail), "frame=%s", cc.frame);
	audit_hook_add(rq, &e, 0);
}

void
audit_case_member(struct request *rq, const struct msg *m, int r)
{
	struct msg_case_member	cm;
	struct audit_entry	e;

	if (msg_get_case_member(m, &cm) != 0)
		return;
	audit_entry_init(&e, cm.remove ? "member_remove" : "member_add",
	    AUDIT_UPDATE, r == 0);
	audit_set(e.client_ref, cm.case_id);
	audit_set(e.object_type, "user");
	audit_set(e.object_id, cm.user_name);
	audit_set(e.basis, acl_may_lead(rq->dev->user.role_id) ? "lead" :
	    "regisseur");
	if (!cm.remove)
		audit_set(e.detail, cm.read_only ? "read_only=1" :
		    "read_only=0");
	else if (cm.new_regisseur[0] != '\0')
		(void)str_fmt(e.detail, sizeof(e.detail), "new_regisseur=%s",
		    cm.new_regisseur);
	audit_hook_add(rq, &e, 1);
}

void
audit_purge_receipt(struct request *rq, const struct msg *m, int r)
{
	struct msg_purge_receipt	pr;
	struct audit_entry		e;

	if (msg_get_purge_receipt(m, &pr) != 0)
		return;
	/* held: not purged, unsent changes hold it (store_late.h) */
	audit_entry_init(&e, pr.held ? "purge_held" : "purge_receipt",
	    pr.held ? AUDIT_EXECUTE : AUDIT_DELETE, r == 0);
	audit_set(e.client_ref, pr.case_id);
	audit_set(e.object_type, "case");
	audit_set(e.object_id, pr.case_id);
	audit_set(e.basis, "purge instruction");
	if (r != 0)
		audit_set(e.detail, "no purge was pending");
	else if (pr.held)
		(void)str_fmt(e.detail, sizeof(e.detail), "held_changes=%u",
		    pr.held_changes);
	else
		(void)str_fmt(e.detail, sizeof(e.detail),
		    "records_deleted=%u", pr.records_deleted);
	audit_hook_add(rq, &e, 1);
}

void
audit_tick(struct worker *w)
{
	int64_t	now = time_now(), next = atomic_load(&audit_next_check);
	int	made = 0, r;

	if (w->srv->audit_key == NULL || now < next ||
	    !atomic_compare_exchange_strong(&audit_next_check, &next,
	    now + 60))
		return;		/* another worker checks this minute */
	if ((r = audit_checkpoint(w->st, w->srv->audit_key, now,
	    AUDIT_CHECKPOINT_EVERY, &made)) != 0)
		log_warnx("audit: hourly checkpoint NOT signed: %s", cs_err(r));
	else if (made)
		log_info("audit: checkpoint signed");
}

void
audit_stop(struct worker *w)
{
	int	made = 0, r;

	/* the next verify finds the head covered, however long we are down */
	if (w->srv->audit_key != NULL && (r = audit_checkpoint(w->st,
	    w->srv->audit_key, time_now(), 0, &made)) != 0)
		log_warnx("audit: checkpoint at stop NOT signed: %s",
		    cs_err(r));
}

int
audit_server_start(const char *db_path, const struct audit_key *key,
    const char *conf, const char *version)
{
	struct audit_entry	 e;
	struct store		*st = NULL;
	struct buf		*b = NULL;
	uint8_t			 h[crypto_hash_sha256_BYTES];
	char			 hex[2 * sizeof(h) + 1];
	int			 r;

	if ((r = file_read(conf, AUDIT_CONF_MAX, &b)) != 0)
		goto out;
	crypto_hash_sha256(h, buf_ptr(b), buf_len(b));
	hex_encode(hex, h, sizeof(h));
	audit_entry_init(&e, "server_start", AUDIT_EXECUTE, 1);
	audit_entry_host(&e, "started casesyncd on the server host");
	audit_set(e.object_type, "server");
	audit_set(e.object_id, version);
	(void)str_fmt(e.detail, sizeof(e.detail), "config_sha256=%s", hex);
	if ((r = store_open(db_path, 0, &st)) != 0 ||
	    (r = audit_append(st, &e, key)) != 0)
		goto out;
	r = 0;
 out:
	store_close(st);
	buf_free(b);
	return r;
}
