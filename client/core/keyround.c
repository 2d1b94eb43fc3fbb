/* SPDX-License-Identifier: ISC */
/*
 * keyround.c - keys_setup() and keys_round(): the user's keys and the
 * grants, over the connection (see keys.h, docs/E2E.md).
 *
 * Nothing the server sends is trusted because the server sent it: a
 * user key counts only with the pinned CA's signature over it, a grant
 * only with a valid signature by a certified user who holds the case
 * now (or by the certified recovery key) over this user's own public
 * key, and a case key only if it opens.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "msg.h"
#include "conn.h"
#include "db.h"
#include "e2e.h"
#include "errors.h"
#include "keys.h"
#include "keys_int.h"
#include "log.h"
#include "msg_keys.h"
#include "util.h"

#define KEYS_ROUNDS_MAX		8

static void
keys_cert_in(struct e2e_usercert *c, const struct msg_user_key *m)
{
	memset(c, 0, sizeof(*c));
	/* wire_keys.c checked every length */
	(void)str_fmt(c->user, sizeof(c->user), "%s", m->user_name);
	memcpy(c->box_pk, m->box_pk.p, E2E_PK_LEN);
	memcpy(c->sign_pk, m->sign_pk.p, E2E_PK_LEN);
	c->issued = m->issued;
	memcpy(c->sig, m->ca_signature.p, m->ca_signature.len);
	c->siglen = m->ca_signature.len;
}

/* "m" as the CA certified it for "name" (NULL: any name). */
static int
keys_cert_ok(X509 *ca, const struct msg_user_key *m, const char *name,
    struct e2e_usercert *c)
{
	if (m == NULL)
		return CS_ERR_NOT_FOUND;
	keys_cert_in(c, m);
	if (name != NULL && strcmp(c->user, name) != 0)
		return CS_ERR_TAMPERED;
	return e2e_usercert_verify(ca, c);
}

/*
 * Another user's (or the recovery key's) keys: certified by the CA and
 * the same as the first time this laptop saw them.  A CA on a breached
 * server could certify new ones; a laptop that knew the old ones does
 * not take them.
 */
static int
keys_cert_trusted(sqlite3 *db, X509 *ca, const struct msg_user_key *m,
    const char *name, struct e2e_usercert *c)
{
	int	r;

	if ((r = keys_cert_ok(ca, m, name, c)) != 0)
		return r;
	if ((r = keys_pin_check(db, c)) == CS_ERR_TAMPERED)
		log_warnx("keys: the public keys of %s CHANGED since this "
		    "laptop first saw them: not trusted", c->user);
	return r;
}

/* "req", whose reply is a KeySyncResponse: *rep, read into "ks". */
static int
keys_sync_call(struct conn *c, const struct msg_out *req, struct msg **rep,
    struct msg_key_sync_response *ks)
{
	int	r;

	if ((r = rpc_call_expect(c, req, MSG_KEY_SYNC_RESPONSE, rep)) != 0)
		return r;
	return msg_get_key_sync_response(*rep, ks);
}

static const struct msg_user_key *
keys_mine(const struct msg_key_sync_response *ks)
{
	return ks->has_mine ? &ks->mine : NULL;
}

/* The server's copy of our keys must be ours, certified by the CA. */
static int
keys_mine_ok(X509 *ca, const struct msg_key_sync_response *ks,
    const struct e2e_userkeys *me, const char *user)
{
	struct e2e_usercert	c;

	if (keys_cert_ok(ca, keys_mine(ks), user, &c) != 0 ||
	    sodium_memcmp(c.box_pk, me->box_pk, E2E_PK_LEN) != 0 ||
	    sodium_memcmp(c.sign_pk, me->sign_pk, E2E_PK_LEN) != 0) {
		log_warnx("keys: the server's copy of this user's public keys "
		    "is not the one this laptop holds, or not certified by "
		    "the CA");
		return CS_ERR_TAMPERED;
	}
	return 0;
}

static int
keys_publish(struct conn *c, const struct e2e_userkeys *k,
    const uint8_t backup[E2E_BACKUP_LEN], struct msg **rep,
    struct msg_key_sync_response *ks)
{
	struct msg_key_publish	p;
	struct msg_out		o;

	p.box_pk = (struct msg_bytes){ k->box_pk, E2E_PK_LEN };
	p.sign_pk = (struct msg_bytes){ k->sign_pk, E2E_PK_LEN };
	p.key_backup = (struct msg_bytes){ backup, E2E_BACKUP_LEN };
	o = msg_out_key_publish(&p);
	return keys_sync_call(c, &o, rep, ks);
}

void
keys_backup_cost(uint64_t *ops, size_t *mem)
{
	const char	*s = getenv("CASESYNC_KDF");

	if (s != NULL && strcmp(s, "fast") == 0) {
		*ops = crypto_pwhash_OPSLIMIT_MIN;
		*mem = crypto_pwhash_MEMLIMIT_MIN;
	} else {
		*ops = crypto_pwhash_OPSLIMIT_SENSITIVE;
		*mem = crypto_pwhash_MEMLIMIT_MODERATE;
	}
}

int
keys_setup(struct conn *c, sqlite3 *db, X509 *ca, const char *pass,
    size_t passlen)
{
	struct msg_key_sync_response	 ks;
	struct e2e_userkeys		*k = NULL;
	struct e2e_usercert		 cert;
	struct msg			*rep = NULL;
	struct msg_out			 o;
	uint8_t				 backup[E2E_BACKUP_LEN];
	int64_t				 since = INT64_MAX;
	uint64_t			 ops;
	size_t				 mem;
	int				 r;

	memset(&ks, 0, sizeof(ks));
	o = msg_out_key_sync_request(&since);
	if ((r = keys_init(db)) != 0 ||
	    (r = keys_sync_call(c, &o, &rep, &ks)) != 0)
		goto out;
	if (!ks.has_mine) {
		/* the user's first device: new keys, published with a backup */
		keys_backup_cost(&ops, &mem);
		if ((r = e2e_userkeys_new(&k)) != 0 ||
		    (r = e2e_backup_seal(k, KEYS_BACKUP_AD, pass, passlen, ops, mem,
		    backup)) != 0)
			goto out;
		msg_key_sync_response_clear(&ks);
		msg_free(rep);
		rep = NULL;
		if ((r = keys_publish(c, k, backup, &rep, &ks)) != 0)
			goto out;
		if ((r = keys_cert_ok(ca, keys_mine(&ks), NULL, &cert)) != 0 ||
		    (r = keys_mine_ok(ca, &ks, k, cert.user)) != 0)
			goto out;
	} else {
		/* another device of the user: open the backup */
		if ((r = keys_cert_ok(ca, &ks.mine, NULL, &cert)) != 0) {
			log_warnx("keys: the server's copy of this user's keys "
			    "is not certified by the CA");
			r = CS_ERR_TAMPERED;
			goto out;
		}
		if ((r = e2e_backup_open(ks.key_backup.p, ks.key_backup.len,
		    KEYS_BACKUP_AD, pass, passlen, &k)) != 0)
			goto out;
		if ((r = keys_mine_ok(ca, &ks, k, cert.user)) != 0)
			goto out;
	}
	r = keys_self_save(db, k, cert.user);
 out:
	sodium_memzero(backup, sizeof(backup));
	e2e_userkeys_free(k);
	msg_key_sync_response_clear(&ks);
	msg_free(rep);
	return r;
}

/* ---- the key round --------------------------------------------------- */

/* What one round makes, to send and to settle. */
struct keys_out {
	struct e2e_grant	*g;
	size_t			 n;
};

static int
keys_cursor(sqlite3 *db, int64_t *v, int set)
{
	sqlite3_stmt	*s;
	int		 rc, r = CS_ERR_DB;

	if (db_prep(db, set ? "INSERT OR REPLACE INTO sync_state(key, value)"
	    " VALUES ('grant_cursor', ?1)" : "SELECT value FROM sync_state"
	    " WHERE key = 'grant_cursor'", &s) != 0)
		return CS_ERR_DB;
	if (set && sqlite3_bind_int64(s, 1, *v) != SQLITE_OK)
		goto out;
	rc = sqlite3_step(s);
	if (!set) {
		*v = rc == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
		if (rc != SQLITE_ROW && rc != SQLITE_DONE)
			goto out;
	} else if (rc != SQLITE_DONE)
		goto out;
	r = 0;
 out:
	sqlite3_finalize(s);
	return r;
}

static const struct msg_user_key *
keys_find(const struct msg_key_sync_response *ks, const char *name)
{
	size_t	i;

	if (strcmp(name, E2E_RECOVERY_USER) == 0)
		return ks->has_recovery ? &ks->recovery : NULL;
	for (i = 0; i < ks->n_keys; i++)
		if (strcmp(ks->keys[i].user_name, name) == 0)
			return &ks->keys[i];
	return NULL;
}

static int
keys_is_holder(const struct msg_key_sync_response *ks, const char *case_id,
    const char *name)
{
	size_t	i, j;

	for (i = 0; i < ks->n_holders; i++) {
		if (strcmp(ks->holders[i].case_id, case_id) != 0)
			continue;
		for (j = 0; j < ks->holders[i].n_users; j++)
			if (strcmp(ks->holders[i].users[j], name) == 0)
				return 1;
	}
	return 0;
}

/*
 * Check one grant to this user and return its key in "key": 0, or why
 * it is refused.  CS_ERR_NOT_FOUND: the user holds the case no more
 * (the grant is moot: dropped, not an alarm; nothing is kept).
 */
static int
keys_grant_check(sqlite3 *db, X509 *ca,
    const struct msg_key_sync_response *ks,
    const struct msg_key_grant *m, const struct e2e_userkeys *me,
    const char *user, struct e2e_grant *g, uint8_t key[E2E_KEY_LEN],
    const char **why)
{
	struct e2e_usercert	signer;
	int			recovery;

	memset(g, 0, sizeof(*g));
	(void)str_fmt(g->case_id, sizeof(g->case_id), "%s", m->case_id);
	(void)str_fmt(g->to_user, sizeof(g->to_user), "%s", m->to_user);
	(void)str_fmt(g->from_user, sizeof(g->from_user), "%s", m->from_user);
	g->epoch = m->epoch;
	memcpy(g->sealed, m->sealed_key.p, E2E_SEALED_KEY_LEN);
	memcpy(g->sig, m->signature.p, E2E_SIG_LEN);
	recovery = strcmp(g->from_user, E2E_RECOVERY_USER) == 0;
	if (strcmp(g->to_user, user) != 0) {
		*why = "not addressed to this user";
		return CS_ERR_TAMPERED;
	}
	if (keys_cert_trusted(db, ca, keys_find(ks, g->from_user),
	    g->from_user, &signer) != 0) {
		*why = "the signer's key is not certified by the CA, or "
		    "changed";
		return CS_ERR_TAMPERED;
	}
	/*
	 * A grant made while this user held the case, delivered after she
	 * left it (her laptop was offline meanwhile): no key is needed,
	 * whoever signed it.  Keeping nothing is the safe side; the server
	 * names the holders, as for every other check here.
	 */
	if (!keys_is_holder(ks, g->case_id, user)) {
		*why = "this user does not hold the case (any more)";
		return CS_ERR_NOT_FOUND;
	}
	if (!recovery && !keys_is_holder(ks, g->case_id, g->from_user)) {
		*why = "the signer does not hold this case";
		return CS_ERR_AUTH;
	}
	if (e2e_grant_open(g, signer.sign_pk, me, key) != 0) {
		*why = "bad signature or sealed to another key";
		return CS_ERR_TAMPERED;
	}
	return 0;
}

/* Keep every grant that checks out; count the others. */
static int
keys_take_grants(sqlite3 *db, X509 *ca,
    const struct msg_key_sync_response *ks, const struct e2e_userkeys *me,
    const char *user, struct keys_stats *st)
{
	struct e2e_grant	 g;
	uint8_t			*key;
	const char		*why = NULL;
	int64_t			 cursor;
	size_t			 i;
	int			 r = 0;

	/* nothing new: no write, no fsync (the in-sync round trip) */
	if ((r = keys_cursor(db, &cursor, 0)) != 0)
		return r;
	if (ks->n_grants == 0 && cursor == ks->cursor)
		return 0;
	if ((key = sodium_malloc(E2E_KEY_LEN)) == NULL)
		return CS_ERR_ALLOC;
	if ((r = db_begin(db)) != 0)
		goto out;
	for (i = 0; i < ks->n_grants; i++) {
		if ((r = keys_grant_check(db, ca, ks, &ks->grants[i], me, user,
		    &g, key, &why)) == CS_ERR_NOT_FOUND) {
			log_info("keys: grant of case %s epoch %u from %s "
			    "dropped: %s", g.case_id, g.epoch, g.from_user,
			    why);
			st->dropped++;
			r = 0;
			continue;
		}
		if (r != 0) {
			r = 0;
			log_warnx("keys: grant of case %s epoch %u from %s "
			    "REJECTED: %s", g.case_id, g.epoch, g.from_user,
			    why);
			st->rejected++;
			continue;
		}
		if ((r = keys_case_put(db, g.case_id, g.epoch, key, 1)) ==
		    CS_ERR_EXISTS) {
			log_warnx("keys: grant of case %s epoch %u from %s "
			    "REJECTED: another key of that epoch is held "
			    "already", g.case_id, g.epoch, g.from_user);
			st->rejected++;
			continue;
		}
		if (r != 0)
			goto fail;
		st->received++;
	}
	cursor = ks->cursor;
	if ((r = keys_cursor(db, &cursor, 1)) != 0)
		goto fail;
	r = db_commit(db);
	goto out;
 fail:
	db_rollback(db);
 out:
	sodium_free(key);
	return r;
}

/*
 * The key a need asks us to grant: ours of that epoch, or for a new
 * epoch one made now (kept unconfirmed until the server stores our
 * grant to ourselves).  *found = 0: we cannot help.
 */
static int
keys_need_key(sqlite3 *db, const struct msg_key_need *n,
    uint8_t key[E2E_KEY_LEN], int *found, struct keys_stats *st)
{
	int	r;

	/* an epoch a server restore lost opens again with its own key */
	if ((r = keys_case_get(db, n->case_id, n->epoch, !n->new_epoch, key,
	    found)) != 0 || *found || !n->new_epoch || n->reopen)
		return r;
	/*
	 * Any holder may open the next epoch, also one without the current
	 * key (its holders may all have left); the server keeps the first.
	 */
	e2e_case_key_new(key);
	if ((r = keys_case_put(db, n->case_id, n->epoch, key, 0)) != 0)
		return r;
	*found = 1;
	st->epochs++;
	return 0;
}

/* Make the grants the server asks for, each to a CA-certified key. */
static int
keys_make_grants(sqlite3 *db, X509 *ca,
    const struct msg_key_sync_response *ks, const struct e2e_userkeys *me,
    const char *user, struct keys_out *o, struct keys_stats *st)
{
	const struct msg_key_need	*n;
	struct e2e_usercert		 to;
	struct e2e_grant		*g;
	uint8_t				*key;
	size_t				 i, j;
	int				 found, r = 0;

	o->n = 0;
	if ((key = sodium_malloc(E2E_KEY_LEN)) == NULL)
		return CS_ERR_ALLOC;
	for (i = 0; i < ks->n_needs; i++) {
		n = &ks->needs[i];
		if ((r = keys_need_key(db, n, key, &found, st)) != 0)
			goto out;
		if (!found)
			continue;
		for (j = 0; j < n->n_users && o->n < MSG_KEY_GRANTS_MAX; j++) {
			if (keys_cert_trusted(db, ca, keys_find(ks,
			    n->users[j]), n->users[j], &to) != 0) {
				log_warnx("keys: NOT granting case %s to %s: "
				    "that key is not certified by the CA, "
				    "or changed", n->case_id, n->users[j]);
				st->uncertified++;
				continue;
			}
			g = &o->g[o->n];
			memset(g, 0, sizeof(*g));
			(void)str_fmt(g->case_id, sizeof(g->case_id), "%s",
			    n->case_id);
			g->epoch = n->epoch;
			(void)str_fmt(g->to_user, sizeof(g->to_user), "%s",
			    to.user);
			(void)str_fmt(g->from_user, sizeof(g->from_user), "%s",
			    user);
			if ((r = e2e_grant_make(key, to.box_pk, me, g)) != 0)
				goto out;
			o->n++;
		}
	}
 out:
	sodium_free(key);
	return r;
}

/* The grants of "o" in the message's terms, pointing into "o". */
static void
keys_grants_msg(const struct keys_out *o, struct msg_key_grant *m)
{
	size_t	i;

	for (i = 0; i < o->n; i++) {
		memset(&m[i], 0, sizeof(m[i]));
		m[i].case_id = o->g[i].case_id;
		m[i].epoch = o->g[i].epoch;
		m[i].to_user = o->g[i].to_user;
		m[i].from_user = o->g[i].from_user;
		m[i].sealed_key = (struct msg_bytes){ o->g[i].sealed,
		    E2E_SEALED_KEY_LEN };
		m[i].signature = (struct msg_bytes){ o->g[i].sig, E2E_SIG_LEN };
	}
}

/* Send the grants; confirm or drop the keys of our own new epochs. */
static int
keys_send_grants(struct conn *c, sqlite3 *db, const char *user,
    const struct keys_out *o, struct keys_stats *st)
{
	struct msg_key_grants		 req;
	struct msg_key_grants_ack	 ack;
	struct msg_out			 out;
	struct msg			*rep = NULL;
	uint8_t				*refused = NULL;
	size_t				 i;
	int				 r = CS_ERR_ALLOC;

	if (o->n == 0)
		return 0;
	req.n_grants = o->n;
	if ((req.grants = calloc(o->n, sizeof(*req.grants))) == NULL ||
	    (refused = calloc(o->n, 1)) == NULL)
		goto out;
	keys_grants_msg(o, req.grants);
	out = msg_out_key_grants(&req);
	st->round_trips++;
	if ((r = rpc_call_expect(c, &out, MSG_KEY_GRANTS_ACK, &rep)) != 0 ||
	    (r = msg_get_key_grants_ack(rep, &ack)) != 0)
		goto out;
	/* wire_keys.c bounds each index; this request may have fewer */
	for (i = 0; i < ack.n_refused; i++) {
		if (ack.refused[i] >= o->n) {
			r = CS_ERR_PROTOCOL;
			goto out;
		}
		refused[ack.refused[i]] = 1;
	}
	if ((r = db_begin(db)) != 0)
		goto out;
	for (i = 0; i < o->n; i++) {
		if (refused[i])
			st->refused++;
		else
			st->made++;
		if (strcmp(o->g[i].to_user, user) == 0 &&
		    (r = keys_case_settle(db, o->g[i].case_id, o->g[i].epoch,
		    !refused[i])) != 0) {
			db_rollback(db);
			goto out;
		}
	}
	r = db_commit(db);
 out:
	msg_free(rep);
	free(req.grants);
	free(refused);
	return r;
}

/* A key round in progress (keys.h: keys_round_start). */
struct keys_round {
	struct conn		*c;
	sqlite3			*db;
	X509			*ca;
	struct keys_stats	*st;
	struct e2e_userkeys	*me;
	char			 user[256];
	struct keys_out		 o;
	struct msg		*rep;		/* the KeySyncResponse in hand */
	struct msg_key_sync_response ks;	/* read from "rep" */
	uint32_t		 id;		/* of the request on its way */
};

void
keys_round_free(struct keys_round *k)
{
	if (k == NULL)
		return;
	msg_key_sync_response_clear(&k->ks);
	msg_free(k->rep);
	if (k->o.g != NULL) {
		sodium_memzero(k->o.g, MSG_KEY_GRANTS_MAX * sizeof(*k->o.g));
		free(k->o.g);
	}
	e2e_userkeys_free(k->me);
	free(k);
}

/* Send a KeySyncRequest from the stored cursor. */
static int
keys_round_ask(struct keys_round *k)
{
	struct msg_out	o;
	int64_t		cursor;
	int		r;

	if ((r = keys_cursor(k->db, &cursor, 0)) != 0)
		return r;
	o = msg_out_key_sync_request(&cursor);
	k->st->round_trips++;
	return conn_rpc_send(k->c, &o, &k->id);
}

int
keys_round_start(struct conn *c, sqlite3 *db, X509 *ca,
    struct keys_stats *st, struct keys_round **out)
{
	struct keys_round	*k;
	int			 r;

	*out = NULL;
	if ((r = keys_init(db)) != 0)
		return r;
	if ((k = calloc(1, sizeof(*k))) == NULL)
		return CS_ERR_ALLOC;
	k->c = c;
	k->db = db;
	k->ca = ca;
	k->st = st;
	if ((r = keys_self_load(db, &k->me, k->user, sizeof(k->user))) != 0) {
		if (r == CS_ERR_NOT_FOUND)
			log_warnx("keys: this laptop has no user keys yet: "
			    "run casesync keys setup");
		goto fail;
	}
	if ((r = keys_round_ask(k)) != 0)
		goto fail;
	*out = k;
	return 0;
 fail:
	keys_round_free(k);
	return r;
}

int
keys_round_grants(struct keys_round *k)
{
	const struct msg_key_sync_response	*ks = &k->ks;
	int					 r;

	msg_key_sync_response_clear(&k->ks);
	msg_free(k->rep);
	k->rep = NULL;
	/* the getter refuses any other reply (CS_ERR_PROTOCOL) */
	if ((r = conn_rpc_wait(k->c, k->id, &k->rep)) != 0 ||
	    (r = msg_get_key_sync_response(k->rep, &k->ks)) != 0)
		return r;
	if (!ks->has_mine) {
		log_warnx("keys: the server has no keys of this user");
		return CS_ERR_NOT_FOUND;
	}
	if ((r = keys_mine_ok(k->ca, ks, k->me, k->user)) != 0)
		return r;
	return keys_take_grants(k->db, k->ca, ks, k->me, k->user, k->st);
}

int
keys_round_finish(struct keys_round *k)
{
	const struct msg_key_sync_response	*ks = &k->ks;
	int					 r, round;

	for (round = 1; ; round++) {
		/* room for the grants, once there is something to grant */
		if (ks->n_needs > 0 && k->o.g == NULL &&
		    (k->o.g = calloc(MSG_KEY_GRANTS_MAX, sizeof(*k->o.g))) ==
		    NULL)
			return CS_ERR_ALLOC;
		k->o.n = 0;
		if ((ks->n_needs > 0 && (r = keys_make_grants(k->db, k->ca,
		    ks, k->me, k->user, &k->o, k->st)) != 0) ||
		    (r = keys_send_grants(k->c, k->db, k->user, &k->o,
		    k->st)) != 0)
			return r;
		/* new grants may open new needs; more grants may wait */
		if ((!ks->more && k->o.n == 0) || round == KEYS_ROUNDS_MAX)
			return 0;
		if ((r = keys_round_ask(k)) != 0 ||
		    (r = keys_round_grants(k)) != 0)
			return r;
	}
}

int
keys_round(struct conn *c, sqlite3 *db, X509 *ca, struct keys_stats *stp)
{
	struct keys_stats	 st0;
	struct keys_round	*k = NULL;
	int			 r;

	memset(&st0, 0, sizeof(st0));
	if ((r = keys_round_start(c, db, ca, stp != NULL ? stp : &st0,
	    &k)) == 0 && (r = keys_round_grants(k)) == 0)
		r = keys_round_finish(k);
	keys_round_free(k);
	return r;
}
