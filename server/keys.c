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
#include "msg_keys.h"
#include "request.h"
#include "wire.h"		/* wire_refuse */

#define KEYS_USERS_MAX	(KEYS_GRANTS_MAX + KEYS_NEEDS_MAX + 2)

/* Names this reply owns, for a CaseHolders or a KeyNeed. */
struct keys_names {
	char	 *case_id;	/* a KeyNeed's; NULL for holders */
	char	**v;
	size_t	  n;
};

/* One KeySyncResponse under construction; every pointer is owned. */
struct keys_reply {
	struct msg_key_sync_response	 resp;
	struct e2e_usercert		 mine_c, rec_c;
	uint8_t				 backup[E2E_BACKUP_LEN];
	/* grants */
	struct e2e_grant		*g;
	struct msg_key_grant		*gm;
	/* users named in grants and needs, with their keys */
	struct e2e_usercert		*kc;
	struct msg_user_key		*km;
	/* holders of the grants' cases */
	struct msg_case_holders		*hm;
	struct keys_names		*hn;
	/* needs, grouped by (case, epoch, new_epoch) */
	struct msg_key_need		*nm;
	struct keys_names		*nn;
	size_t				 nusers;
	struct store			*st;
};

static void
keys_userkey(struct msg_user_key *m, const struct e2e_usercert *c)
{
	m->user_name = c->user;
	m->box_pk = (struct msg_bytes){ c->box_pk, E2E_PK_LEN };
	m->sign_pk = (struct msg_bytes){ c->sign_pk, E2E_PK_LEN };
	m->issued = c->issued;
	m->ca_signature = (struct msg_bytes){ c->sig, c->siglen };
}

static void
keys_names_free(struct keys_names *l)
{
	size_t	i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	free(l->case_id);
}

/* Append a copy of "name" to "l". */
static int
keys_names_add(struct keys_names *l, const char *name)
{
	char	**v, *s;

	if ((v = reallocarray(l->v, l->n + 1, sizeof(*v))) == NULL)
		return CS_ERR_ALLOC;
	l->v = v;
	if ((s = strdup(name)) == NULL)
		return CS_ERR_ALLOC;
	l->v[l->n++] = s;
	return 0;
}

static void
keys_reply_free(struct keys_reply *k)
{
	size_t	i;

	for (i = 0; k->hn != NULL && i < k->resp.n_holders; i++)
		keys_names_free(&k->hn[i]);
	for (i = 0; k->nn != NULL && i < k->resp.n_needs; i++)
		keys_names_free(&k->nn[i]);
	free(k->g);
	free(k->gm);
	free(k->kc);
	free(k->km);
	free(k->hm);
	free(k->hn);
	free(k->nm);
	free(k->nn);
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
	    (k->hm = calloc(KEYS_GRANTS_MAX, sizeof(*k->hm))) == NULL ||
	    (k->hn = calloc(KEYS_GRANTS_MAX, sizeof(*k->hn))) == NULL)
		return CS_ERR_ALLOC;
	k->resp.grants = k->gm;
	k->resp.holders = k->hm;
	return 0;
}

static int
keys_reply_users(struct keys_reply *k)
{
	if (k->kc != NULL)
		return 0;
	if ((k->kc = calloc(KEYS_USERS_MAX, sizeof(*k->kc))) == NULL ||
	    (k->km = calloc(KEYS_USERS_MAX, sizeof(*k->km))) == NULL)
		return CS_ERR_ALLOC;
	k->resp.keys = k->km;
	return 0;
}

static int
keys_reply_needs(struct keys_reply *k)
{
	if (k->nm != NULL)
		return 0;
	if ((k->nm = calloc(KEYS_NEEDS_MAX, sizeof(*k->nm))) == NULL ||
	    (k->nn = calloc(KEYS_NEEDS_MAX, sizeof(*k->nn))) == NULL)
		return CS_ERR_ALLOC;
	k->resp.needs = k->nm;
	return 0;
}

/* Include the key of "user_id" once; NOT_FOUND if the user has none. */
static int
keys_add_user(struct keys_reply *k, int64_t user_id, const char *name,
    const char **namep)
{
	size_t	i, nk = k->resp.n_keys;
	int	r;

	if ((r = keys_reply_users(k)) != 0)
		return r;
	for (i = 0; name != NULL && i < nk; i++)
		if (strcmp(k->kc[i].user, name) == 0)
			goto found;
	if (nk == KEYS_USERS_MAX)
		return CS_ERR_TOO_LARGE;
	if (name != NULL) {
		if ((r = store_key_get_name(k->st, name, &user_id,
		    &k->kc[nk])) != 0)
			return r;
	} else {
		if ((r = store_key_get(k->st, user_id, &k->kc[nk],
		    NULL)) != 0)
			return r;
		for (i = 0; i < nk; i++)
			if (strcmp(k->kc[i].user, k->kc[nk].user) == 0)
				goto found;
	}
	i = k->resp.n_keys++;
	keys_userkey(&k->km[i], &k->kc[i]);
 found:
	if (namep != NULL)
		*namep = k->kc[i].user;
	return 0;
}

/* One more holder of the case of the last CaseHolders. */
static int
keys_holder_cb(const char *name, void *arg)
{
	struct keys_reply	*k = arg;
	struct msg_case_holders	*h = &k->hm[k->resp.n_holders - 1];
	struct keys_names	*l = &k->hn[k->resp.n_holders - 1];
	int			 r;

	if (l->n >= MSG_KEY_USERS_MAX)
		return CS_ERR_TOO_LARGE;
	if ((r = keys_names_add(l, name)) != 0)
		return r;
	h->users = (const char *const *)l->v;
	h->n_users = l->n;
	return 0;
}

static void
keys_grant_out(const struct e2e_grant *g, int64_t seq,
    struct msg_key_grant *m)
{
	m->case_id = g->case_id;
	m->epoch = g->epoch;
	m->to_user = g->to_user;
	m->from_user = g->from_user;
	m->sealed_key = (struct msg_bytes){ g->sealed, E2E_SEALED_KEY_LEN };
	m->signature = (struct msg_bytes){ g->sig, E2E_SIG_LEN };
	m->seq = seq;
}

static int
keys_grant_cb(const struct e2e_grant *g, int64_t id, void *arg)
{
	struct keys_reply	*k = arg;
	size_t			 i;
	int			 r;

	if ((r = keys_reply_grants(k)) != 0)
		return r;
	if (k->resp.n_grants == KEYS_GRANTS_MAX)
		return CS_ERR_TOO_LARGE;
	i = k->resp.n_grants++;
	k->g[i] = *g;
	keys_grant_out(&k->g[i], id, &k->gm[i]);
	k->resp.cursor = id;
	/* the signer's key: a signer without one is left to the client */
	r = keys_add_user(k, 0, g->from_user, NULL);
	if (r != 0 && r != CS_ERR_NOT_FOUND)
		return r;
	for (i = 0; i < k->resp.n_holders; i++)
		if (strcmp(k->hm[i].case_id, g->case_id) == 0)
			return 0;
	k->hm[k->resp.n_holders++].case_id = k->g[k->resp.n_grants - 1].case_id;
	return store_case_holders(k->st, g->case_id, keys_holder_cb, k);
}

/* The KeyNeed of (case, epoch, kind) to add a user to: the last, or new. */
static int
keys_need_at(struct keys_reply *k, const char *case_id, uint32_t epoch,
    int new_epoch, size_t *at)
{
	struct msg_key_need	*n;
	size_t			 i;

	if (k->resp.n_needs > 0) {
		n = &k->nm[k->resp.n_needs - 1];
		if (strcmp(n->case_id, case_id) == 0 && n->epoch == epoch &&
		    n->new_epoch == (new_epoch != 0) &&
		    n->reopen == (new_epoch == 2)) {
			*at = k->resp.n_needs - 1;
			return 0;
		}
	}
	i = k->resp.n_needs;
	if ((k->nn[i].case_id = strdup(case_id)) == NULL)
		return CS_ERR_ALLOC;
	k->resp.n_needs++;
	n = &k->nm[i];
	n->case_id = k->nn[i].case_id;
	n->epoch = epoch;
	n->new_epoch = new_epoch != 0;
	/* an epoch a restore lost (store_key_needs) */
	n->reopen = new_epoch == 2;
	*at = i;
	return 0;
}

static int
keys_need_cb(const char *case_id, uint32_t epoch, int new_epoch,
    int64_t to_user, void *arg)
{
	struct keys_reply	*k = arg;
	const char		*name;
	size_t			 i;
	int			 r;

	if (k->nusers == KEYS_NEEDS_MAX)
		return 0;
	if ((r = keys_reply_needs(k)) != 0 ||
	    (r = keys_need_at(k, case_id, epoch, new_epoch, &i)) != 0 ||
	    (r = keys_add_user(k, to_user, NULL, &name)) != 0 ||
	    (r = keys_names_add(&k->nn[i], name)) != 0)
		return r;
	k->nm[i].users = (const char *const *)k->nn[i].v;
	k->nm[i].n_users = k->nn[i].n;
	k->nusers++;
	return 0;
}

/* This user's keys and backup, and the recovery key, if there are. */
static int
keys_sync_own(struct keys_reply *k, int64_t user_id)
{
	int	r;

	if ((r = store_key_get(k->st, user_id, &k->mine_c, k->backup)) ==
	    0) {
		keys_userkey(&k->resp.mine, &k->mine_c);
		k->resp.has_mine = 1;
		k->resp.key_backup = (struct msg_bytes){ k->backup,
		    E2E_BACKUP_LEN };
	} else if (r != CS_ERR_NOT_FOUND)
		return r;
	if ((r = store_key_get(k->st, STORE_RECOVERY_ID, &k->rec_c, NULL)) ==
	    0) {
		keys_userkey(&k->resp.recovery, &k->rec_c);
		k->resp.has_recovery = 1;
	} else if (r != CS_ERR_NOT_FOUND)
		return r;
	return 0;
}

/* The KeySyncResponse to this user of grants after "since". */
static int
keys_sync(struct request *rq, int64_t since)
{
	struct worker		*w = rq->w;
	int64_t			 user_id = rq->dev->user.id;
	struct keys_reply	 k;
	struct msg_out		 o;
	int			 more = 0, r;

	/* grants forgotten since (a membership ended): in the audit log */
	keys_audit_dropped(w);
	memset(&k, 0, sizeof(k));
	k.st = w->st;
	k.resp.cursor = since;
	if ((r = keys_sync_own(&k, user_id)) != 0)
		goto out;
	if (k.resp.has_mine && ((r = store_grants_to(w->st, user_id,
	    since, KEYS_GRANTS_MAX, keys_grant_cb, &k, &more)) != 0 ||
	    (r = store_key_needs(w->st, user_id, KEYS_NEEDS_MAX,
	    keys_need_cb, &k)) != 0))
		goto out;
	k.resp.more = k.resp.has_mine && more;
	o = msg_out_key_sync_response(&k.resp);
	r = msg_encode(rq->id, &o, rq->max_frame, rq->out);
 out:
	if (r != 0 && r != CS_ERR_ALLOC && r != CS_ERR_TOO_LARGE) {
		log_warnx("keys: sync for device %lld: %s",
		    (long long)rq->dev->id, cs_err(r));
		r = wire_refuse(rq->out, rq->id, r,
		    WERR_UNSPECIFIED, "key sync",
		    NULL);
	}
	keys_reply_free(&k);
	return r;
}

int
keys_sync_request(struct request *rq, const struct msg *m)
{
	int64_t	since;

	if (msg_get_key_sync_request(m, &since) != 0)
		return wire_refuse(rq->out, rq->id, CS_ERR_PROTOCOL,
		    WERR_BAD_REQUEST, "keys", "not a request");
	return keys_sync(rq, since);
}

/* "Key published" in the audit log, with the keys' SHA-256. */
static void
keys_audit_publish(struct request *rq, const struct e2e_usercert *c, int ok)
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
	audit_entry_device(&e, rq->dev, rq->peer);
	audit_set(e.object_type, "user_key");
	audit_set(e.object_id, rq->dev->user.name);
	audit_set(e.basis, "own keys");
	(void)str_fmt(e.detail, sizeof(e.detail), "keys_sha256=%s", hex);
	audit_add(rq->w, &e, 1, 1);
}

int
keys_publish(struct request *rq, const struct msg *m)
{
	const struct store_device	*dev = rq->dev;
	struct msg_key_publish		 p;
	struct e2e_usercert		 c;
	struct buf			*out = rq->out;
	uint32_t			 id = rq->id;
	int				 r;

	memset(&c, 0, sizeof(c));
	if (msg_get_key_publish(m, &p) != 0 ||
	    str_fmt(c.user, sizeof(c.user), "%s", dev->user.name) != 0)
		return wire_refuse(out, id, CS_ERR_INTERNAL,
		    WERR_UNSPECIFIED, "key publish",
		    NULL);
	/* wire_keys.c checked every length */
	memcpy(c.box_pk, p.box_pk.p, E2E_PK_LEN);
	memcpy(c.sign_pk, p.sign_pk.p, E2E_PK_LEN);
	c.issued = time_now();
	r = signer_usercert_sign(rq->w->srv->signer, &c);
	if (r == 0)
		r = store_key_publish(rq->w->st, dev->user.id, &c,
		    p.key_backup.p);
	if (r == CS_ERR_EXISTS)
		return wire_refuse(out, id, r,
		    WERR_STATE, "key publish",
		    "this user's keys are published already");
	keys_audit_publish(rq, &c, r == 0);
	if (r != 0)
		return wire_refuse(out, id, r,
		    WERR_UNSPECIFIED, "key publish",
		    NULL);
	log_info("keys: user %lld published keys (device %lld)",
	    (long long)dev->user.id, (long long)dev->id);
	return keys_sync(rq, INT64_MAX);
}

/*
 * KeyBackupUpdate: the user's key backup sealed under a new passphrase
 * (casesync passwd).  The server cannot open it; the signature by the
 * user's registered sign key shows that the sender holds the private
 * keys, so a device of the user that has none (or anyone else) cannot
 * replace the backup with one that does not open.
 */
int
keys_backup_update(struct request *rq, const struct msg *m)
{
	const struct store_device	*dev = rq->dev;
	struct worker			*w = rq->w;
	struct msg_key_backup_update	 u;
	struct audit_entry		 e;
	struct e2e_usercert		 c;
	const char			*why = NULL;
	int				 r, code;

	/* wire_keys.c checked both lengths */
	code = WERR_UNSPECIFIED;
	if ((r = msg_get_key_backup_update(m, &u)) != 0)
		return wire_refuse(rq->out, rq->id, CS_ERR_INTERNAL,
		    WERR_UNSPECIFIED, "key backup", NULL);
	if ((r = store_key_get(w->st, dev->user.id, &c, NULL)) ==
	    CS_ERR_NOT_FOUND) {
		code = WERR_STATE;
		why = "this user has no keys to back up";
	} else if (r == 0 && (r = e2e_backup_verify(c.sign_pk,
	    u.key_backup.p, u.signature.p)) != 0) {
		code = WERR_FORBIDDEN;
		why = "not signed by this user's key";
	} else if (r == 0)
		r = store_key_backup_set(w->st, dev->user.id,
		    u.key_backup.p);
	audit_entry_init(&e, "user_key_backup", AUDIT_UPDATE, r == 0);
	audit_entry_device(&e, dev, rq->peer);
	audit_set(e.object_type, "user_key");
	audit_set(e.object_id, dev->user.name);
	audit_set(e.basis, "own keys");
	if (why != NULL)
		(void)str_fmt(e.detail, sizeof(e.detail), "%s", why);
	audit_add(w, &e, 1, 1);
	if (r != 0)
		return wire_refuse(rq->out, rq->id, r, code, "key backup", why);
	log_info("keys: user %lld replaced the key backup (device %lld)",
	    (long long)dev->user.id, (long long)dev->id);
	return keys_sync(rq, INT64_MAX);
}

/* The grants of a KeyGrants request as the store takes them. */
static int
keys_grants_in(const struct msg_key_grants *kg, struct e2e_grant *g)
{
	const struct msg_key_grant	*m;
	size_t				 i;

	for (i = 0; i < kg->n_grants; i++) {
		m = &kg->grants[i];
		/* wire_keys.c checked every length */
		if (str_fmt(g[i].case_id, sizeof(g[i].case_id), "%s",
		    m->case_id) != 0 ||
		    str_fmt(g[i].to_user, sizeof(g[i].to_user), "%s",
		    m->to_user) != 0 ||
		    str_fmt(g[i].from_user, sizeof(g[i].from_user), "%s",
		    m->from_user) != 0)
			return CS_ERR_INTERNAL;
		g[i].epoch = m->epoch;
		memcpy(g[i].sealed, m->sealed_key.p, E2E_SEALED_KEY_LEN);
		memcpy(g[i].sig, m->signature.p, E2E_SIG_LEN);
	}
	return 0;
}

/* "key_grant" audit entries of the grants stored; the others refused. */
static void
keys_grants_audit(struct request *rq, const struct e2e_grant *g,
    const int *res, size_t n, struct audit_entry *e,
    struct msg_key_grants_ack *ack, uint32_t *refused)
{
	size_t	i, ne = 0;

	ack->refused = refused;
	ack->n_refused = 0;
	for (i = 0; i < n; i++) {
		if (res[i] != 0) {
			refused[ack->n_refused++] = (uint32_t)i;
			continue;
		}
		audit_entry_init(&e[ne], "key_grant", AUDIT_CREATE, 1);
		audit_entry_device(&e[ne], rq->dev, rq->peer);
		audit_set(e[ne].client_ref, g[i].case_id);
		audit_set(e[ne].object_type, "case_key");
		audit_set(e[ne].object_id, g[i].case_id);
		audit_set(e[ne].on_behalf_of, g[i].to_user);
		audit_set(e[ne].basis, "holder");
		(void)str_fmt(e[ne].detail, sizeof(e[ne].detail), "epoch=%u",
		    g[i].epoch);
		ne++;
	}
	audit_add(rq->w, e, ne, 0);
}

int
keys_grants(struct request *rq, const struct msg *m)
{
	struct msg_key_grants		 kg;
	struct msg_key_grants_ack	 ack;
	struct msg_out			 o;
	struct e2e_grant		*g = NULL;
	struct audit_entry		*e = NULL;
	uint32_t			*refused = NULL;
	int				*res = NULL;
	size_t				 n;
	int				 r;

	if ((r = msg_get_key_grants(m, &kg)) != 0)
		return r;
	n = kg.n_grants;
	r = CS_ERR_ALLOC;
	if ((g = calloc(n, sizeof(*g))) == NULL ||
	    (res = calloc(n, sizeof(*res))) == NULL ||
	    (refused = calloc(n, sizeof(*refused))) == NULL ||
	    (e = calloc(n, sizeof(*e))) == NULL ||
	    (r = keys_grants_in(&kg, g)) != 0)
		goto out;
	if ((r = store_grants_put(rq->w->st, &rq->dev->user, g, n, time_now(),
	    res)) != 0) {
		r = wire_refuse(rq->out, rq->id, r,
		    WERR_UNSPECIFIED, "key grants",
		    NULL);
		goto out;
	}
	keys_grants_audit(rq, g, res, n, e, &ack, refused);
	o = msg_out_key_grants_ack(&ack);
	r = msg_encode(rq->id, &o, rq->max_frame, rq->out);
 out:
	msg_key_grants_clear(&kg);
	free(g);
	free(res);
	free(refused);
	free(e);
	return r;
}
