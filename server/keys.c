/* SPDX-License-Identifier: ISC */
/*
 * keys.c - KeyPublish, KeySyncRequest and KeyGrants (see keys.h).
 *
 * A user's public keys are certified here with the deployment CA's key
 * (under the same lock as device certificates) and each publication is
 * appended to the audit log, so a key the server substituted would be
 * visible to everyone holding a checkpoint.  Every accepted grant is
 * audited too: who gave which user the key of which case and epoch.
 */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "audit.h"
#include "buf.h"
#include "e2e.h"
#include "errors.h"
#include "keys.h"
#include "log.h"
#include "server.h"
#include "signer.h"
#include "store.h"
#include "store_keys.h"
#include "util.h"
#include "msg.h"
#include "wire.h"
#include "wire_keys.h"

#define KEYS_USERS_MAX	(KEYS_GRANTS_MAX + KEYS_NEEDS_MAX + 2)

/* One KeySyncResponse under construction; every pointer is owned. */
struct keys_reply {
	Casesync__V1__KeySyncResponse	 resp;
	Casesync__V1__UserKey		 mine, recovery;
	struct e2e_usercert		 mine_c, rec_c;
	uint8_t				 backup[E2E_BACKUP_LEN];
	/* grants */
	struct e2e_grant		*g;
	Casesync__V1__KeyGrant		*gm, **gp;
	size_t				 ng;
	/* users named in grants and needs, with their keys */
	struct e2e_usercert		*kc;
	Casesync__V1__UserKey		*km, **kp;
	size_t				 nk;
	/* holders of the grants' cases */
	Casesync__V1__CaseHolders	*hm, **hp;
	size_t				 nh;
	/* needs, grouped by (case, epoch, new_epoch) */
	Casesync__V1__KeyNeed		*nm, **np;
	size_t				 nn, nusers;
	struct store			*st;
};

int
keys_wants(const wire_env *req)
{
	return wire_keys_msg(req);
}

static void
keys_userkey(Casesync__V1__UserKey *m, struct e2e_usercert *c)
{
	casesync__v1__user_key__init(m);
	m->user_name = c->user;
	m->box_pk.data = c->box_pk;
	m->box_pk.len = E2E_PK_LEN;
	m->sign_pk.data = c->sign_pk;
	m->sign_pk.len = E2E_PK_LEN;
	m->issued = c->issued;
	m->ca_signature.data = c->sig;
	m->ca_signature.len = c->siglen;
}

static void
keys_reply_free(struct keys_reply *k)
{
	size_t	i, j;

	for (i = 0; k->hm != NULL && i < k->nh; i++) {
		for (j = 0; j < k->hm[i].n_users; j++)
			free(k->hm[i].users[j]);
		free(k->hm[i].users);
	}
	for (i = 0; k->nm != NULL && i < k->nn; i++) {
		for (j = 0; j < k->nm[i].n_users; j++)
			free(k->nm[i].users[j]);
		free(k->nm[i].users);
		free(k->nm[i].case_id);
	}
	free(k->g);
	free(k->gm);
	free(k->gp);
	free(k->kc);
	free(k->km);
	free(k->kp);
	free(k->hm);
	free(k->hp);
	free(k->nm);
	free(k->np);
}

/*
 * The arrays, on first use: an in-sync laptop's reply has no grants
 * and no needs, and costs no allocation.
 */
static int
keys_reply_grants(struct keys_reply *k)
{
	if (k->g != NULL)
		return 0;
	if ((k->g = calloc(KEYS_GRANTS_MAX, sizeof(*k->g))) == NULL ||
	    (k->gm = calloc(KEYS_GRANTS_MAX, sizeof(*k->gm))) == NULL ||
	    (k->gp = calloc(KEYS_GRANTS_MAX, sizeof(*k->gp))) == NULL ||
	    (k->hm = calloc(KEYS_GRANTS_MAX, sizeof(*k->hm))) == NULL ||
	    (k->hp = calloc(KEYS_GRANTS_MAX, sizeof(*k->hp))) == NULL)
		return CS_ERR_ALLOC;
	return 0;
}

static int
keys_reply_users(struct keys_reply *k)
{
	if (k->kc != NULL)
		return 0;
	if ((k->kc = calloc(KEYS_USERS_MAX, sizeof(*k->kc))) == NULL ||
	    (k->km = calloc(KEYS_USERS_MAX, sizeof(*k->km))) == NULL ||
	    (k->kp = calloc(KEYS_USERS_MAX, sizeof(*k->kp))) == NULL)
		return CS_ERR_ALLOC;
	return 0;
}

static int
keys_reply_needs(struct keys_reply *k)
{
	if (k->nm != NULL)
		return 0;
	if ((k->nm = calloc(KEYS_NEEDS_MAX, sizeof(*k->nm))) == NULL ||
	    (k->np = calloc(KEYS_NEEDS_MAX, sizeof(*k->np))) == NULL)
		return CS_ERR_ALLOC;
	return 0;
}

/* Include the key of "user_id" once; NOT_FOUND if the user has none. */
static int
keys_add_user(struct keys_reply *k, int64_t user_id, const char *name,
    const char **namep)
{
	size_t	i;
	int	r;

	if ((r = keys_reply_users(k)) != 0)
		return r;
	for (i = 0; name != NULL && i < k->nk; i++)
		if (strcmp(k->kc[i].user, name) == 0)
			goto found;
	if (k->nk == KEYS_USERS_MAX)
		return CS_ERR_TOO_LARGE;
	if (name != NULL) {
		if ((r = store_key_get_name(k->st, name, &user_id,
		    &k->kc[k->nk])) != 0)
			return r;
	} else {
		if ((r = store_key_get(k->st, user_id, &k->kc[k->nk],
		    NULL)) != 0)
			return r;
		for (i = 0; i < k->nk; i++)
			if (strcmp(k->kc[i].user, k->kc[k->nk].user) == 0)
				goto found;
	}
	i = k->nk++;
	keys_userkey(&k->km[i], &k->kc[i]);
	k->kp[i] = &k->km[i];
 found:
	if (namep != NULL)
		*namep = k->kc[i].user;
	return 0;
}

static int
keys_holder_cb(const char *name, void *arg)
{
	Casesync__V1__CaseHolders	*h = arg;
	char				**u, *s;

	if (h->n_users >= WIRE_KEY_USERS_MAX)
		return CS_ERR_TOO_LARGE;
	if ((u = reallocarray(h->users, h->n_users + 1, sizeof(*u))) == NULL)
		return CS_ERR_ALLOC;
	h->users = u;
	if ((s = strdup(name)) == NULL)
		return CS_ERR_ALLOC;
	h->users[h->n_users++] = s;
	return 0;
}

static int
keys_grant_cb(const struct e2e_grant *g, int64_t id, void *arg)
{
	struct keys_reply		*k = arg;
	Casesync__V1__KeyGrant		*m;
	size_t				 i;
	int				 r;

	if ((r = keys_reply_grants(k)) != 0)
		return r;
	if (k->ng == KEYS_GRANTS_MAX)
		return CS_ERR_TOO_LARGE;
	k->g[k->ng] = *g;
	g = &k->g[k->ng];
	m = &k->gm[k->ng];
	casesync__v1__key_grant__init(m);
	m->case_id = (char *)(uintptr_t)g->case_id;
	m->epoch = g->epoch;
	m->to_user = (char *)(uintptr_t)g->to_user;
	m->from_user = (char *)(uintptr_t)g->from_user;
	m->sealed_key.data = (uint8_t *)(uintptr_t)g->sealed;
	m->sealed_key.len = E2E_SEALED_KEY_LEN;
	m->signature.data = (uint8_t *)(uintptr_t)g->sig;
	m->signature.len = E2E_SIG_LEN;
	m->seq = (uint64_t)id;
	k->gp[k->ng++] = m;
	k->resp.cursor = (uint64_t)id;
	/* the signer's key: a signer without one is left to the client */
	r = keys_add_user(k, 0, g->from_user, NULL);
	if (r != 0 && r != CS_ERR_NOT_FOUND)
		return r;
	for (i = 0; i < k->nh; i++)
		if (strcmp(k->hm[i].case_id, g->case_id) == 0)
			return 0;
	casesync__v1__case_holders__init(&k->hm[k->nh]);
	k->hm[k->nh].case_id = (char *)(uintptr_t)g->case_id;
	k->hp[k->nh] = &k->hm[k->nh];
	k->nh++;
	return store_case_holders(k->st, g->case_id, keys_holder_cb,
	    &k->hm[k->nh - 1]);
}

static int
keys_need_cb(const char *case_id, uint32_t epoch, int new_epoch,
    int64_t to_user, void *arg)
{
	struct keys_reply	*k = arg;
	Casesync__V1__KeyNeed	*n = NULL;
	const char		*name;
	char			**u, *s;
	int			 r;

	if (k->nusers == KEYS_NEEDS_MAX)
		return 0;
	if ((r = keys_reply_needs(k)) != 0)
		return r;
	if (k->nn > 0) {
		n = &k->nm[k->nn - 1];
		if (strcmp(n->case_id, case_id) != 0 || n->epoch != epoch ||
		    n->new_epoch != (new_epoch != 0) ||
		    n->reopen != (new_epoch == 2))
			n = NULL;
	}
	if (n == NULL) {
		n = &k->nm[k->nn];
		casesync__v1__key_need__init(n);
		if ((n->case_id = strdup(case_id)) == NULL)
			return CS_ERR_ALLOC;
		n->epoch = epoch;
		n->new_epoch = new_epoch != 0;
		/* an epoch a restore lost (store_key_needs) */
		n->reopen = new_epoch == 2;
		k->np[k->nn++] = n;
	}
	if ((r = keys_add_user(k, to_user, NULL, &name)) != 0)
		return r;
	if ((u = reallocarray(n->users, n->n_users + 1, sizeof(*u))) == NULL)
		return CS_ERR_ALLOC;
	n->users = u;
	if ((s = strdup(name)) == NULL)
		return CS_ERR_ALLOC;
	n->users[n->n_users++] = s;
	k->nusers++;
	return 0;
}

static int
keys_sync(struct worker *w, const struct store_device *dev, uint32_t id,
    uint64_t since, size_t max_frame, struct buf *out)
{
	struct keys_reply	 k;
	wire_env		 env;
	int			 more, r;

	/* grants forgotten since (a membership ended): in the audit log */
	keys_audit_dropped(w);
	memset(&k, 0, sizeof(k));
	k.st = w->st;
	casesync__v1__key_sync_response__init(&k.resp);
	if ((r = store_key_get(w->st, dev->user.id, &k.mine_c, k.backup)) ==
	    0) {
		keys_userkey(&k.mine, &k.mine_c);
		k.resp.mine = &k.mine;
		k.resp.key_backup.data = k.backup;
		k.resp.key_backup.len = E2E_BACKUP_LEN;
	} else if (r != CS_ERR_NOT_FOUND)
		goto out;
	if ((r = store_key_get(w->st, STORE_RECOVERY_ID, &k.rec_c, NULL)) ==
	    0) {
		keys_userkey(&k.recovery, &k.rec_c);
		k.resp.recovery = &k.recovery;
	} else if (r != CS_ERR_NOT_FOUND)
		goto out;
	k.resp.cursor = since;
	if (k.resp.mine != NULL && ((r = store_grants_to(w->st, dev->user.id,
	    (int64_t)since, KEYS_GRANTS_MAX, keys_grant_cb, &k, &more)) != 0 ||
	    (r = store_key_needs(w->st, dev->user.id, KEYS_NEEDS_MAX,
	    keys_need_cb, &k)) != 0))
		goto out;
	k.resp.more = k.resp.mine != NULL && more;
	k.resp.grants = k.gp;
	k.resp.n_grants = k.ng;
	k.resp.keys = k.kp;
	k.resp.n_keys = k.nk;
	k.resp.holders = k.hp;
	k.resp.n_holders = k.nh;
	k.resp.needs = k.np;
	k.resp.n_needs = k.nn;
	casesync__v1__envelope__init(&env);
	env.id = id;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_KEY_SYNC_RESPONSE;
	env.key_sync_response = &k.resp;
	r = wire_encode(&env, max_frame, out);
 out:
	if (r != 0 && r != CS_ERR_ALLOC && r != CS_ERR_TOO_LARGE) {
		log_warnx("keys: sync for device %lld: %s", (long long)dev->id,
		    cs_err(r));
		r = wire_refuse(out, id, r,
		    WERR_UNSPECIFIED, "key sync",
		    NULL);
	}
	keys_reply_free(&k);
	return r;
}

/* "Key published" in the audit log, with the keys' SHA-256. */
static void
keys_audit_publish(struct worker *w, const struct store_device *dev,
    const struct e2e_usercert *c, int ok)
{
	struct audit_entry	e;
	uint8_t			h[32];
	char			hex[2 * 16 + 1];
	crypto_hash_sha256_state s;

	crypto_hash_sha256_init(&s);
	crypto_hash_sha256_update(&s, c->box_pk, E2E_PK_LEN);
	crypto_hash_sha256_update(&s, c->sign_pk, E2E_PK_LEN);
	crypto_hash_sha256_final(&s, h);
	hex_encode(hex, h, 16);
	audit_entry_init(&e, "user_key_publish", AUDIT_CREATE, ok);
	audit_entry_device(&e, dev, w->peer);
	audit_set(e.object_type, "user_key");
	audit_set(e.object_id, dev->user.name);
	audit_set(e.basis, "own keys");
	(void)str_fmt(e.detail, sizeof(e.detail), "keys_sha256=%s", hex);
	audit_add(w, &e, 1, 1);
}

static int
keys_publish(struct worker *w, const struct store_device *dev,
    const wire_env *req, size_t max_frame, struct buf *out)
{
	const Casesync__V1__KeyPublish	*p = req->key_publish;
	struct e2e_usercert		 c;
	int				 r;

	memset(&c, 0, sizeof(c));
	if (str_fmt(c.user, sizeof(c.user), "%s", dev->user.name) != 0)
		return wire_refuse(out, req->id, CS_ERR_INTERNAL,
		    WERR_UNSPECIFIED, "key publish",
		    NULL);
	memcpy(c.box_pk, p->box_pk.data, E2E_PK_LEN);
	memcpy(c.sign_pk, p->sign_pk.data, E2E_PK_LEN);
	c.issued = time_now();
	r = signer_usercert_sign(w->srv->signer, &c);
	if (r == 0)
		r = store_key_publish(w->st, dev->user.id, &c,
		    p->key_backup.data);
	if (r == CS_ERR_EXISTS)
		return wire_refuse(out, req->id, r,
		    WERR_STATE, "key publish",
		    "this user's keys are published already");
	keys_audit_publish(w, dev, &c, r == 0);
	if (r != 0)
		return wire_refuse(out, req->id, r,
		    WERR_UNSPECIFIED, "key publish",
		    NULL);
	log_info("keys: user %lld published keys (device %lld)",
	    (long long)dev->user.id, (long long)dev->id);
	return keys_sync(w, dev, req->id, INT64_MAX, max_frame, out);
}

/*
 * KeyBackupUpdate: the user's key backup sealed under a new passphrase
 * (casesync passwd).  The server cannot open it; the signature by the
 * user's registered sign key shows that the sender holds the private
 * keys, so a device of the user that has none (or anyone else) cannot
 * replace the backup with one that does not open.
 */
static int
keys_backup_update(struct worker *w, const struct store_device *dev,
    const wire_env *req, size_t max_frame, struct buf *out)
{
	const Casesync__V1__KeyBackupUpdate	*u = req->key_backup_update;
	struct audit_entry			 e;
	struct e2e_usercert			 c;
	const char				*why = NULL;
	int					 r, code;

	/* wire_keys.c checked both lengths */
	code = WERR_UNSPECIFIED;
	if ((r = store_key_get(w->st, dev->user.id, &c, NULL)) ==
	    CS_ERR_NOT_FOUND) {
		code = WERR_STATE;
		why = "this user has no keys to back up";
	} else if (r == 0 && (r = e2e_backup_verify(c.sign_pk,
	    u->key_backup.data, u->signature.data)) != 0) {
		code = WERR_FORBIDDEN;
		why = "not signed by this user's key";
	} else if (r == 0)
		r = store_key_backup_set(w->st, dev->user.id,
		    u->key_backup.data);
	audit_entry_init(&e, "user_key_backup", AUDIT_UPDATE, r == 0);
	audit_entry_device(&e, dev, w->peer);
	audit_set(e.object_type, "user_key");
	audit_set(e.object_id, dev->user.name);
	audit_set(e.basis, "own keys");
	if (why != NULL)
		(void)str_fmt(e.detail, sizeof(e.detail), "%s", why);
	audit_add(w, &e, 1, 1);
	if (r != 0)
		return wire_refuse(out, req->id, r, code, "key backup", why);
	log_info("keys: user %lld replaced the key backup (device %lld)",
	    (long long)dev->user.id, (long long)dev->id);
	return keys_sync(w, dev, req->id, INT64_MAX, max_frame, out);
}

static int
keys_grants(struct worker *w, const struct store_device *dev,
    const wire_env *req, size_t max_frame, struct buf *out)
{
	const Casesync__V1__KeyGrants	*kg = req->key_grants;
	struct e2e_grant		*g = NULL;
	struct audit_entry		*e = NULL;
	Casesync__V1__KeyGrantsAck	 ack;
	wire_env			 env;
	uint32_t			*refused = NULL;
	int				*res = NULL;
	size_t				 i, ne = 0;
	int				 r = CS_ERR_ALLOC;

	if ((g = calloc(kg->n_grants, sizeof(*g))) == NULL ||
	    (res = calloc(kg->n_grants, sizeof(*res))) == NULL ||
	    (refused = calloc(kg->n_grants, sizeof(*refused))) == NULL ||
	    (e = calloc(kg->n_grants, sizeof(*e))) == NULL)
		goto out;
	for (i = 0; i < kg->n_grants; i++) {
		/* wire_keys.c checked every length */
		if (str_fmt(g[i].case_id, sizeof(g[i].case_id), "%s",
		    kg->grants[i]->case_id) != 0 ||
		    str_fmt(g[i].to_user, sizeof(g[i].to_user), "%s",
		    kg->grants[i]->to_user) != 0 ||
		    str_fmt(g[i].from_user, sizeof(g[i].from_user), "%s",
		    kg->grants[i]->from_user) != 0) {
			r = CS_ERR_INTERNAL;
			goto out;
		}
		g[i].epoch = kg->grants[i]->epoch;
		memcpy(g[i].sealed, kg->grants[i]->sealed_key.data,
		    E2E_SEALED_KEY_LEN);
		memcpy(g[i].sig, kg->grants[i]->signature.data, E2E_SIG_LEN);
	}
	if ((r = store_grants_put(w->st, &dev->user, g, kg->n_grants,
	    time_now(), res)) != 0) {
		r = wire_refuse(out, req->id, r,
		    WERR_UNSPECIFIED, "key grants",
		    NULL);
		goto out;
	}
	casesync__v1__key_grants_ack__init(&ack);
	for (i = 0; i < kg->n_grants; i++) {
		if (res[i] != 0) {
			refused[ack.n_refused++] = (uint32_t)i;
			continue;
		}
		audit_entry_init(&e[ne], "key_grant", AUDIT_CREATE, 1);
		audit_entry_device(&e[ne], dev, w->peer);
		audit_set(e[ne].client_ref, g[i].case_id);
		audit_set(e[ne].object_type, "case_key");
		audit_set(e[ne].object_id, g[i].case_id);
		audit_set(e[ne].on_behalf_of, g[i].to_user);
		audit_set(e[ne].basis, "holder");
		(void)str_fmt(e[ne].detail, sizeof(e[ne].detail), "epoch=%u",
		    g[i].epoch);
		ne++;
	}
	audit_add(w, e, ne, 0);
	ack.refused = refused;
	casesync__v1__envelope__init(&env);
	env.id = req->id;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_KEY_GRANTS_ACK;
	env.key_grants_ack = &ack;
	r = wire_encode(&env, max_frame, out);
 out:
	free(g);
	free(res);
	free(refused);
	free(e);
	return r;
}

int
keys_handle(struct worker *w, const struct store_device *dev,
    const wire_env *req, size_t max_frame, struct buf *out)
{
	switch (req->msg_case) {
	case CASESYNC__V1__ENVELOPE__MSG_KEY_PUBLISH:
		return keys_publish(w, dev, req, max_frame, out);
	case CASESYNC__V1__ENVELOPE__MSG_KEY_BACKUP_UPDATE:
		return keys_backup_update(w, dev, req, max_frame, out);
	case CASESYNC__V1__ENVELOPE__MSG_KEY_SYNC_REQUEST:
		return keys_sync(w, dev, req->id,
		    req->key_sync_request->since, max_frame, out);
	case CASESYNC__V1__ENVELOPE__MSG_KEY_GRANTS:
		return keys_grants(w, dev, req, max_frame, out);
	default:
		return wire_refuse(out, req->id, CS_ERR_PROTOCOL,
		    WERR_BAD_REQUEST, "keys",
		    "not a request");
	}
}
