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

#include "conn.h"
#include "db.h"
#include "e2e.h"
#include "errors.h"
#include "keys.h"
#include "keys_int.h"
#include "log.h"
#include "util.h"
#include "wire.h"
#include "wire_keys.h"

#define KEYS_ROUNDS_MAX		8

static void
keys_cert_in(struct e2e_usercert *c, const Casesync__V1__UserKey *m)
{
	memset(c, 0, sizeof(*c));
	/* wire_keys.c checked every length */
	(void)str_fmt(c->user, sizeof(c->user), "%s", m->user_name);
	memcpy(c->box_pk, m->box_pk.data, E2E_PK_LEN);
	memcpy(c->sign_pk, m->sign_pk.data, E2E_PK_LEN);
	c->issued = m->issued;
	memcpy(c->sig, m->ca_signature.data, m->ca_signature.len);
	c->siglen = m->ca_signature.len;
}

/* "m" as the CA certified it for "name" (NULL: any name). */
static int
keys_cert_ok(X509 *ca, const Casesync__V1__UserKey *m, const char *name,
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
keys_cert_trusted(sqlite3 *db, X509 *ca, const Casesync__V1__UserKey *m,
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

/* A KeySyncRequest from "since" in "env" (which points to "req"). */
static void
keys_sync_env(wire_env *env, Casesync__V1__KeySyncRequest *req,
    uint64_t since)
{
	casesync__v1__envelope__init(env);
	casesync__v1__key_sync_request__init(req);
	req->since = since;
	env->msg_case = CASESYNC__V1__ENVELOPE__MSG_KEY_SYNC_REQUEST;
	env->key_sync_request = req;
}

static int
keys_sync_call(struct conn *c, uint64_t since, wire_env **rep)
{
	Casesync__V1__KeySyncRequest	req;
	wire_env			env;
	int				r;

	keys_sync_env(&env, &req, since);
	if ((r = conn_call(c, &env, rep)) != 0)
		return r;
	if ((*rep)->msg_case != CASESYNC__V1__ENVELOPE__MSG_KEY_SYNC_RESPONSE) {
		wire_free(*rep);
		*rep = NULL;
		return CS_ERR_PROTOCOL;
	}
	return 0;
}

/* The server's copy of our keys must be ours, certified by the CA. */
static int
keys_mine_ok(X509 *ca, const Casesync__V1__KeySyncResponse *ks,
    const struct e2e_userkeys *me, const char *user)
{
	struct e2e_usercert	c;

	if (keys_cert_ok(ca, ks->mine, user, &c) != 0 ||
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
    const uint8_t backup[E2E_BACKUP_LEN], wire_env **rep)
{
	Casesync__V1__KeyPublish	p;
	wire_env			env;
	int				r;

	casesync__v1__envelope__init(&env);
	casesync__v1__key_publish__init(&p);
	p.box_pk.data = (uint8_t *)(uintptr_t)k->box_pk;
	p.box_pk.len = E2E_PK_LEN;
	p.sign_pk.data = (uint8_t *)(uintptr_t)k->sign_pk;
	p.sign_pk.len = E2E_PK_LEN;
	p.key_backup.data = (uint8_t *)(uintptr_t)backup;
	p.key_backup.len = E2E_BACKUP_LEN;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_KEY_PUBLISH;
	env.key_publish = &p;
	if ((r = conn_call(c, &env, rep)) != 0)
		return r;
	if ((*rep)->msg_case != CASESYNC__V1__ENVELOPE__MSG_KEY_SYNC_RESPONSE) {
		wire_free(*rep);
		*rep = NULL;
		return CS_ERR_PROTOCOL;
	}
	return 0;
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
	const Casesync__V1__KeySyncResponse	*ks;
	struct e2e_userkeys			*k = NULL;
	struct e2e_usercert			 cert;
	wire_env				*rep = NULL;
	uint8_t					 backup[E2E_BACKUP_LEN];
	uint64_t				 ops;
	size_t					 mem;
	int					 r;

	if ((r = keys_init(db)) != 0 ||
	    (r = keys_sync_call(c, INT64_MAX, &rep)) != 0)
		goto out;
	ks = rep->key_sync_response;
	if (ks->mine == NULL) {
		/* the user's first device: new keys, published with a backup */
		keys_backup_cost(&ops, &mem);
		if ((r = e2e_userkeys_new(&k)) != 0 ||
		    (r = e2e_backup_seal(k, KEYS_BACKUP_AD, pass, passlen, ops, mem,
		    backup)) != 0)
			goto out;
		wire_free(rep);
		rep = NULL;
		if ((r = keys_publish(c, k, backup, &rep)) != 0)
			goto out;
		ks = rep->key_sync_response;
		if ((r = keys_cert_ok(ca, ks->mine, NULL, &cert)) != 0 ||
		    (r = keys_mine_ok(ca, ks, k, cert.user)) != 0)
			goto out;
	} else {
		/* another device of the user: open the backup */
		if ((r = keys_cert_ok(ca, ks->mine, NULL, &cert)) != 0) {
			log_warnx("keys: the server's copy of this user's keys "
			    "is not certified by the CA");
			r = CS_ERR_TAMPERED;
			goto out;
		}
		if ((r = e2e_backup_open(ks->key_backup.data,
		    ks->key_backup.len, KEYS_BACKUP_AD, pass, passlen, &k)) != 0)
			goto out;
		if ((r = keys_mine_ok(ca, ks, k, cert.user)) != 0)
			goto out;
	}
	r = keys_self_save(db, k, cert.user);
 out:
	sodium_memzero(backup, sizeof(backup));
	e2e_userkeys_free(k);
	wire_free(rep);
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

static const Casesync__V1__UserKey *
keys_find(const Casesync__V1__KeySyncResponse *ks, const char *name)
{
	size_t	i;

	if (strcmp(name, WIRE_RECOVERY_USER) == 0)
		return ks->recovery;
	for (i = 0; i < ks->n_keys; i++)
		if (strcmp(ks->keys[i]->user_name, name) == 0)
			return ks->keys[i];
	return NULL;
}

static int
keys_is_holder(const Casesync__V1__KeySyncResponse *ks, const char *case_id,
    const char *name)
{
	size_t	i, j;

	for (i = 0; i < ks->n_holders; i++) {
		if (strcmp(ks->holders[i]->case_id, case_id) != 0)
			continue;
		for (j = 0; j < ks->holders[i]->n_users; j++)
			if (strcmp(ks->holders[i]->users[j], name) == 0)
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
    const Casesync__V1__KeySyncResponse *ks,
    const Casesync__V1__KeyGrant *m, const struct e2e_userkeys *me,
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
	memcpy(g->sealed, m->sealed_key.data, E2E_SEALED_KEY_LEN);
	memcpy(g->sig, m->signature.data, E2E_SIG_LEN);
	recovery = strcmp(g->from_user, WIRE_RECOVERY_USER) == 0;
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
    const Casesync__V1__KeySyncResponse *ks, const struct e2e_userkeys *me,
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
	if (ks->n_grants == 0 && cursor == (int64_t)ks->cursor)
		return 0;
	if ((key = sodium_malloc(E2E_KEY_LEN)) == NULL)
		return CS_ERR_ALLOC;
	if ((r = db_begin(db)) != 0)
		goto out;
	for (i = 0; i < ks->n_grants; i++) {
		if ((r = keys_grant_check(db, ca, ks, ks->grants[i], me, user,
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
	cursor = (int64_t)ks->cursor;
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
keys_need_key(sqlite3 *db, const Casesync__V1__KeyNeed *n,
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
    const Casesync__V1__KeySyncResponse *ks, const struct e2e_userkeys *me,
    const char *user, struct keys_out *o, struct keys_stats *st)
{
	const Casesync__V1__KeyNeed	*n;
	struct e2e_usercert		 to;
	struct e2e_grant		*g;
	uint8_t				*key;
	size_t				 i, j;
	int				 found, r = 0;

	o->n = 0;
	if ((key = sodium_malloc(E2E_KEY_LEN)) == NULL)
		return CS_ERR_ALLOC;
	for (i = 0; i < ks->n_needs; i++) {
		n = ks->needs[i];
		if ((r = keys_need_key(db, n, key, &found, st)) != 0)
			goto out;
		if (!found)
			continue;
		for (j = 0; j < n->n_users && o->n < WIRE_GRANTS_MAX; j++) {
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

/* Send the grants; confirm or drop the keys of our own new epochs. */
static int
keys_send_grants(struct conn *c, sqlite3 *db, const char *user,
    const struct keys_out *o, struct keys_stats *st)
{
	Casesync__V1__KeyGrants		 req;
	Casesync__V1__KeyGrant		*m = NULL, **mp = NULL;
	const Casesync__V1__KeyGrantsAck *ack;
	wire_env			 env, *rep = NULL;
	uint8_t				*refused = NULL;
	size_t				 i;
	int				 r = CS_ERR_ALLOC;

	if (o->n == 0)
		return 0;
	if ((m = calloc(o->n, sizeof(*m))) == NULL ||
	    (mp = calloc(o->n, sizeof(*mp))) == NULL ||
	    (refused = calloc(o->n, 1)) == NULL)
		goto out;
	for (i = 0; i < o->n; i++) {
		casesync__v1__key_grant__init(&m[i]);
		m[i].case_id = o->g[i].case_id;
		m[i].epoch = o->g[i].epoch;
		m[i].to_user = o->g[i].to_user;
		m[i].from_user = o->g[i].from_user;
		m[i].sealed_key.data = o->g[i].sealed;
		m[i].sealed_key.len = E2E_SEALED_KEY_LEN;
		m[i].signature.data = o->g[i].sig;
		m[i].signature.len = E2E_SIG_LEN;
		mp[i] = &m[i];
	}
	casesync__v1__envelope__init(&env);
	casesync__v1__key_grants__init(&req);
	req.grants = mp;
	req.n_grants = o->n;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_KEY_GRANTS;
	env.key_grants = &req;
	st->round_trips++;
	if ((r = conn_call(c, &env, &rep)) != 0)
		goto out;
	if (rep->msg_case != CASESYNC__V1__ENVELOPE__MSG_KEY_GRANTS_ACK) {
		r = CS_ERR_PROTOCOL;
		goto out;
	}
	ack = rep->key_grants_ack;
	for (i = 0; i < ack->n_refused; i++) {
		if (ack->refused[i] >= o->n) {
			r = CS_ERR_PROTOCOL;
			goto out;
		}
		refused[ack->refused[i]] = 1;
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
	wire_free(rep);
	free(m);
	free(mp);
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
	wire_env		*rep;		/* the KeySyncResponse in hand */
	uint32_t		 id;		/* of the request on its way */
};

void
keys_round_free(struct keys_round *k)
{
	if (k == NULL)
		return;
	wire_free(k->rep);
	if (k->o.g != NULL) {
		sodium_memzero(k->o.g, WIRE_GRANTS_MAX * sizeof(*k->o.g));
		free(k->o.g);
	}
	e2e_userkeys_free(k->me);
	free(k);
}

/* Send a KeySyncRequest from the stored cursor. */
static int
keys_round_ask(struct keys_round *k)
{
	Casesync__V1__KeySyncRequest	req;
	wire_env			env;
	int64_t				cursor;
	int				r;

	if ((r = keys_cursor(k->db, &cursor, 0)) != 0)
		return r;
	keys_sync_env(&env, &req, (uint64_t)cursor);
	k->st->round_trips++;
	return conn_send(k->c, &env, &k->id);
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
	const Casesync__V1__KeySyncResponse	*ks;
	int					 r;

	wire_free(k->rep);
	k->rep = NULL;
	if ((r = conn_wait(k->c, k->id, &k->rep)) != 0)
		return r;
	if (k->rep->msg_case != CASESYNC__V1__ENVELOPE__MSG_KEY_SYNC_RESPONSE)
		return CS_ERR_PROTOCOL;
	ks = k->rep->key_sync_response;
	if (ks->mine == NULL) {
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
	const Casesync__V1__KeySyncResponse	*ks;
	int					 r, round;

	for (round = 1; ; round++) {
		ks = k->rep->key_sync_response;
		/* room for the grants, once there is something to grant */
		if (ks->n_needs > 0 && k->o.g == NULL &&
		    (k->o.g = calloc(WIRE_GRANTS_MAX, sizeof(*k->o.g))) ==
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
