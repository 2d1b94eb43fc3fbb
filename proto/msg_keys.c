/* SPDX-License-Identifier: ISC */
/*
 * msg_keys.c - KeyPublish, KeyBackupUpdate, KeySyncRequest,
 * KeySyncResponse, KeyGrants, KeyGrantsAck (see msg_keys.h).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "msg_keys.h"
#include "msg_int.h"
#include "wire.h"
#include "wire_keys.h"

_Static_assert(MSG_KEY_GRANTS_MAX == WIRE_GRANTS_MAX, "grants limit");
_Static_assert(MSG_KEY_USERS_MAX == WIRE_KEY_USERS_MAX, "users limit");


static struct msg_bytes
bytes_get(const ProtobufCBinaryData *b)
{
	return (struct msg_bytes){ b->data, b->len };
}

static ProtobufCBinaryData
bytes_put(const struct msg_bytes *b)
{
	ProtobufCBinaryData	d;

	d.data = (uint8_t *)(uintptr_t)b->p;
	d.len = b->p != NULL ? b->len : 0;
	return d;
}

/* "p" = calloc of "n" elements, NULL for none: 0 or CS_ERR_ALLOC. */
#define ALLOC_N(p, n)							\
	(((p) = (n) > 0 ? calloc((n), sizeof(*(p))) : NULL) == NULL &&	\
	    (n) > 0 ? CS_ERR_ALLOC : 0)

static int
env_encode(wire_env *env, uint32_t id, size_t max, struct buf *out)
{
	env->id = id;
	return wire_encode(env, max, out);
}

/* ---- the parts --------------------------------------------------------- */

static void
user_key_get(const Casesync__V1__UserKey *in, struct msg_user_key *out)
{
	out->user_name = in->user_name;
	out->box_pk = bytes_get(&in->box_pk);
	out->sign_pk = bytes_get(&in->sign_pk);
	out->issued = in->issued;
	out->ca_signature = bytes_get(&in->ca_signature);
}

static void
user_key_put(const struct msg_user_key *in, Casesync__V1__UserKey *out)
{
	casesync__v1__user_key__init(out);
	out->user_name = PB_STR(in->user_name);
	out->box_pk = bytes_put(&in->box_pk);
	out->sign_pk = bytes_put(&in->sign_pk);
	out->issued = in->issued;
	out->ca_signature = bytes_put(&in->ca_signature);
}

static void
grant_get(const Casesync__V1__KeyGrant *in, struct msg_key_grant *out)
{
	out->case_id = in->case_id;
	out->epoch = in->epoch;
	out->to_user = in->to_user;
	out->from_user = in->from_user;
	out->sealed_key = bytes_get(&in->sealed_key);
	out->signature = bytes_get(&in->signature);
	out->seq = (int64_t)in->seq;	/* wire_keys.c: it fits */
}

static int
grant_put(const struct msg_key_grant *in, Casesync__V1__KeyGrant *out)
{
	if (in->seq < 0)
		return CS_ERR_INTERNAL;
	casesync__v1__key_grant__init(out);
	out->case_id = PB_STR(in->case_id);
	out->epoch = in->epoch;
	out->to_user = PB_STR(in->to_user);
	out->from_user = PB_STR(in->from_user);
	out->sealed_key = bytes_put(&in->sealed_key);
	out->signature = bytes_put(&in->signature);
	out->seq = (uint64_t)in->seq;
	return 0;
}

/* Grants into an allocated array (NULL for none). */
static int
grants_get(Casesync__V1__KeyGrant *const *in, size_t n,
    struct msg_key_grant **out)
{
	size_t	i;
	int	r;

	if ((r = ALLOC_N(*out, n)) != 0)
		return r;
	for (i = 0; i < n; i++)
		grant_get(in[i], &(*out)[i]);
	return 0;
}

/* The generated grants and the pointers to them, both allocated. */
static int
grants_put(const struct msg_key_grant *in, size_t n,
    Casesync__V1__KeyGrant **m, Casesync__V1__KeyGrant ***mp)
{
	size_t	i;
	int	r;

	*m = NULL;
	*mp = NULL;
	if ((r = ALLOC_N(*m, n)) != 0 ||
	    (r = ALLOC_N(*mp, n)) != 0)
		return r;
	for (i = 0; i < n; i++) {
		if ((r = grant_put(&in[i], &(*m)[i])) != 0)
			return r;
		(*mp)[i] = &(*m)[i];
	}
	return 0;
}

/* ---- KeyPublish, KeyBackupUpdate, KeySyncRequest -------------------- */

int
msg_get_key_publish(const struct msg *m, struct msg_key_publish *out)
{
	const wire_env	*env = msg_env(m);

	if (env->msg_case != CASESYNC__V1__ENVELOPE__MSG_KEY_PUBLISH)
		return CS_ERR_PROTOCOL;
	out->box_pk = bytes_get(&env->key_publish->box_pk);
	out->sign_pk = bytes_get(&env->key_publish->sign_pk);
	out->key_backup = bytes_get(&env->key_publish->key_backup);
	return 0;
}

static int
enc_key_publish(uint32_t id, const void *body, size_t max, struct buf *out)
{
	const struct msg_key_publish	*b = body;
	wire_env			 env;
	Casesync__V1__KeyPublish	 p;

	casesync__v1__envelope__init(&env);
	casesync__v1__key_publish__init(&p);
	p.box_pk = bytes_put(&b->box_pk);
	p.sign_pk = bytes_put(&b->sign_pk);
	p.key_backup = bytes_put(&b->key_backup);
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_KEY_PUBLISH;
	env.key_publish = &p;
	return env_encode(&env, id, max, out);
}

struct msg_out
msg_out_key_publish(const struct msg_key_publish *b)
{
	return (struct msg_out){ enc_key_publish, b };
}

int
msg_get_key_backup_update(const struct msg *m,
    struct msg_key_backup_update *out)
{
	const wire_env	*env = msg_env(m);

	if (env->msg_case != CASESYNC__V1__ENVELOPE__MSG_KEY_BACKUP_UPDATE)
		return CS_ERR_PROTOCOL;
	out->key_backup = bytes_get(&env->key_backup_update->key_backup);
	out->signature = bytes_get(&env->key_backup_update->signature);
	return 0;
}

static int
enc_key_backup_update(uint32_t id, const void *body, size_t max,
    struct buf *out)
{
	const struct msg_key_backup_update	*b = body;
	wire_env				 env;
	Casesync__V1__KeyBackupUpdate		 u;

	casesync__v1__envelope__init(&env);
	casesync__v1__key_backup_update__init(&u);
	u.key_backup = bytes_put(&b->key_backup);
	u.signature = bytes_put(&b->signature);
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_KEY_BACKUP_UPDATE;
	env.key_backup_update = &u;
	return env_encode(&env, id, max, out);
}

struct msg_out
msg_out_key_backup_update(const struct msg_key_backup_update *b)
{
	return (struct msg_out){ enc_key_backup_update, b };
}

int
msg_get_key_sync_request(const struct msg *m, int64_t *since)
{
	const wire_env	*env = msg_env(m);

	if (env->msg_case != CASESYNC__V1__ENVELOPE__MSG_KEY_SYNC_REQUEST)
		return CS_ERR_PROTOCOL;
	/* wire_keys.c checked that it fits */
	*since = (int64_t)env->key_sync_request->since;
	return 0;
}

static int
enc_key_sync_request(uint32_t id, const void *body, size_t max,
    struct buf *out)
{
	const int64_t			*since = body;
	wire_env			 env;
	Casesync__V1__KeySyncRequest	 q;

	if (*since < 0)
		return CS_ERR_INTERNAL;
	casesync__v1__envelope__init(&env);
	casesync__v1__key_sync_request__init(&q);
	q.since = (uint64_t)*since;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_KEY_SYNC_REQUEST;
	env.key_sync_request = &q;
	return env_encode(&env, id, max, out);
}

struct msg_out
msg_out_key_sync_request(const int64_t *since)
{
	return (struct msg_out){ enc_key_sync_request, since };
}

/* ---- KeySyncResponse ------------------------------------------------ */

void
msg_key_sync_response_clear(struct msg_key_sync_response *k)
{
	free(k->grants);
	free(k->keys);
	free(k->holders);
	free(k->needs);
	memset(k, 0, sizeof(*k));
}

/* The lists of "in" into the arrays of "out" (allocated). */
static int
sync_lists_get(const Casesync__V1__KeySyncResponse *in,
    struct msg_key_sync_response *out)
{
	const Casesync__V1__CaseHolders	*h;
	const Casesync__V1__KeyNeed	*n;
	size_t				 i;
	int				 r;

	if ((r = grants_get(in->grants, in->n_grants, &out->grants)) != 0 ||
	    (r = ALLOC_N(out->keys, in->n_keys)) != 0 ||
	    (r = ALLOC_N(out->holders, in->n_holders)) != 0 ||
	    (r = ALLOC_N(out->needs, in->n_needs)) != 0)
		return r;
	out->n_grants = in->n_grants;
	out->n_keys = in->n_keys;
	out->n_holders = in->n_holders;
	out->n_needs = in->n_needs;
	for (i = 0; i < in->n_keys; i++)
		user_key_get(in->keys[i], &out->keys[i]);
	for (i = 0; i < in->n_holders; i++) {
		h = in->holders[i];
		out->holders[i].case_id = h->case_id;
		out->holders[i].users = (const char *const *)h->users;
		out->holders[i].n_users = h->n_users;
	}
	for (i = 0; i < in->n_needs; i++) {
		n = in->needs[i];
		out->needs[i].case_id = n->case_id;
		out->needs[i].epoch = n->epoch;
		out->needs[i].users = (const char *const *)n->users;
		out->needs[i].n_users = n->n_users;
		out->needs[i].new_epoch = n->new_epoch != 0;
		out->needs[i].reopen = n->reopen != 0;
	}
	return 0;
}

int
msg_get_key_sync_response(const struct msg *m,
    struct msg_key_sync_response *out)
{
	const wire_env				*env = msg_env(m);
	const Casesync__V1__KeySyncResponse	*ks;
	int					 r;

	memset(out, 0, sizeof(*out));
	if (env->msg_case != CASESYNC__V1__ENVELOPE__MSG_KEY_SYNC_RESPONSE)
		return CS_ERR_PROTOCOL;
	ks = env->key_sync_response;
	if (ks->mine != NULL) {
		out->has_mine = 1;
		user_key_get(ks->mine, &out->mine);
	}
	out->key_backup = bytes_get(&ks->key_backup);
	if (ks->recovery != NULL) {
		out->has_recovery = 1;
		user_key_get(ks->recovery, &out->recovery);
	}
	out->cursor = (int64_t)ks->cursor;	/* wire_keys.c: it fits */
	out->more = ks->more != 0;
	if ((r = sync_lists_get(ks, out)) != 0)
		msg_key_sync_response_clear(out);
	return r;
}

/* The generated lists of a KeySyncResponse being encoded (owned). */
struct sync_enc {
	Casesync__V1__KeyGrant		*gm, **gp;
	Casesync__V1__UserKey		*km, **kp;
	Casesync__V1__CaseHolders	*hm, **hp;
	Casesync__V1__KeyNeed		*nm, **np;
};

static void
sync_enc_free(struct sync_enc *e)
{
	free(e->gm);
	free(e->gp);
	free(e->km);
	free(e->kp);
	free(e->hm);
	free(e->hp);
	free(e->nm);
	free(e->np);
}

static int
sync_lists_put(const struct msg_key_sync_response *b, struct sync_enc *e,
    Casesync__V1__KeySyncResponse *ks)
{
	size_t	i;
	int	r;

	if ((r = grants_put(b->grants, b->n_grants, &e->gm, &e->gp)) != 0 ||
	    (r = ALLOC_N(e->km, b->n_keys)) != 0 ||
	    (r = ALLOC_N(e->kp, b->n_keys)) != 0 ||
	    (r = ALLOC_N(e->hm, b->n_holders)) != 0 ||
	    (r = ALLOC_N(e->hp, b->n_holders)) != 0 ||
	    (r = ALLOC_N(e->nm, b->n_needs)) != 0 ||
	    (r = ALLOC_N(e->np, b->n_needs)) != 0)
		return r;
	for (i = 0; i < b->n_keys; i++) {
		user_key_put(&b->keys[i], &e->km[i]);
		e->kp[i] = &e->km[i];
	}
	for (i = 0; i < b->n_holders; i++) {
		casesync__v1__case_holders__init(&e->hm[i]);
		e->hm[i].case_id = PB_STR(b->holders[i].case_id);
		e->hm[i].users = PB_STRV(b->holders[i].users);
		e->hm[i].n_users = b->holders[i].n_users;
		e->hp[i] = &e->hm[i];
	}
	for (i = 0; i < b->n_needs; i++) {
		casesync__v1__key_need__init(&e->nm[i]);
		e->nm[i].case_id = PB_STR(b->needs[i].case_id);
		e->nm[i].epoch = b->needs[i].epoch;
		e->nm[i].users = PB_STRV(b->needs[i].users);
		e->nm[i].n_users = b->needs[i].n_users;
		e->nm[i].new_epoch = b->needs[i].new_epoch != 0;
		e->nm[i].reopen = b->needs[i].reopen != 0;
		e->np[i] = &e->nm[i];
	}
	ks->grants = e->gp;
	ks->n_grants = b->n_grants;
	ks->keys = e->kp;
	ks->n_keys = b->n_keys;
	ks->holders = e->hp;
	ks->n_holders = b->n_holders;
	ks->needs = e->np;
	ks->n_needs = b->n_needs;
	return 0;
}

static int
enc_key_sync_response(uint32_t id, const void *body, size_t max,
    struct buf *out)
{
	const struct msg_key_sync_response	*b = body;
	struct sync_enc				 e;
	wire_env				 env;
	Casesync__V1__KeySyncResponse		 ks;
	Casesync__V1__UserKey			 mine, rec;
	int					 r;

	if (b->cursor < 0)
		return CS_ERR_INTERNAL;
	memset(&e, 0, sizeof(e));
	casesync__v1__envelope__init(&env);
	casesync__v1__key_sync_response__init(&ks);
	if (b->has_mine) {
		user_key_put(&b->mine, &mine);
		ks.mine = &mine;
		ks.key_backup = bytes_put(&b->key_backup);
	}
	if (b->has_recovery) {
		user_key_put(&b->recovery, &rec);
		ks.recovery = &rec;
	}
	ks.cursor = (uint64_t)b->cursor;
	ks.more = b->more != 0;
	if ((r = sync_lists_put(b, &e, &ks)) == 0) {
		env.msg_case = CASESYNC__V1__ENVELOPE__MSG_KEY_SYNC_RESPONSE;
		env.key_sync_response = &ks;
		r = env_encode(&env, id, max, out);
	}
	sync_enc_free(&e);
	return r;
}

struct msg_out
msg_out_key_sync_response(const struct msg_key_sync_response *b)
{
	return (struct msg_out){ enc_key_sync_response, b };
}

/* ---- KeyGrants, KeyGrantsAck ---------------------------------------- */

void
msg_key_grants_clear(struct msg_key_grants *k)
{
	free(k->grants);
	memset(k, 0, sizeof(*k));
}

int
msg_get_key_grants(const struct msg *m, struct msg_key_grants *out)
{
	const wire_env	*env = msg_env(m);
	int		 r;

	memset(out, 0, sizeof(*out));
	if (env->msg_case != CASESYNC__V1__ENVELOPE__MSG_KEY_GRANTS)
		return CS_ERR_PROTOCOL;
	if ((r = grants_get(env->key_grants->grants,
	    env->key_grants->n_grants, &out->grants)) != 0)
		return r;
	out->n_grants = env->key_grants->n_grants;
	return 0;
}

static int
enc_key_grants(uint32_t id, const void *body, size_t max, struct buf *out)
{
	const struct msg_key_grants	*b = body;
	Casesync__V1__KeyGrant		*m = NULL, **mp = NULL;
	wire_env			 env;
	Casesync__V1__KeyGrants		 kg;
	int				 r;

	casesync__v1__envelope__init(&env);
	casesync__v1__key_grants__init(&kg);
	if ((r = grants_put(b->grants, b->n_grants, &m, &mp)) == 0) {
		kg.grants = mp;
		kg.n_grants = b->n_grants;
		env.msg_case = CASESYNC__V1__ENVELOPE__MSG_KEY_GRANTS;
		env.key_grants = &kg;
		r = env_encode(&env, id, max, out);
	}
	free(m);
	free(mp);
	return r;
}

struct msg_out
msg_out_key_grants(const struct msg_key_grants *b)
{
	return (struct msg_out){ enc_key_grants, b };
}

int
msg_get_key_grants_ack(const struct msg *m, struct msg_key_grants_ack *out)
{
	const wire_env	*env = msg_env(m);

	if (env->msg_case != CASESYNC__V1__ENVELOPE__MSG_KEY_GRANTS_ACK)
		return CS_ERR_PROTOCOL;
	out->refused = env->key_grants_ack->refused;
	out->n_refused = env->key_grants_ack->n_refused;
	return 0;
}

static int
enc_key_grants_ack(uint32_t id, const void *body, size_t max,
    struct buf *out)
{
	const struct msg_key_grants_ack	*b = body;
	wire_env			 env;
	Casesync__V1__KeyGrantsAck	 a;

	casesync__v1__envelope__init(&env);
	casesync__v1__key_grants_ack__init(&a);
	a.refused = (uint32_t *)(uintptr_t)b->refused;
	a.n_refused = b->n_refused;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_KEY_GRANTS_ACK;
	env.key_grants_ack = &a;
	return env_encode(&env, id, max, out);
}

struct msg_out
msg_out_key_grants_ack(const struct msg_key_grants_ack *b)
{
	return (struct msg_out){ enc_key_grants_ack, b };
}
