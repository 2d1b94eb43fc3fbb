/* SPDX-License-Identifier: ISC */
/*
 * msg_sync.c - PushRequest, PushResponse, PullRequest, PullResponse,
 * PurgeReceipt, PurgeAck, CaseCreate, CaseMember (see msg_sync.h).
 * wire.c validated every received field; the getters only point into
 * the message.  The encoders build the generated structs on the stack,
 * or for repeated fields in arrays allocated once per message.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "msg_sync.h"
#include "msg_int.h"
#include "wire.h"
#include "wire_nolost.h"

#define SAME(a, b)	_Static_assert((int)(a) == (int)(b), #a)
SAME(MSG_CHANGE_UNSPECIFIED, CASESYNC__V1__CHANGE_STATUS__CHANGE_UNSPECIFIED);
SAME(MSG_CHANGE_APPLIED, CASESYNC__V1__CHANGE_STATUS__CHANGE_APPLIED);
SAME(MSG_CHANGE_CONFLICT, CASESYNC__V1__CHANGE_STATUS__CHANGE_CONFLICT);
SAME(MSG_CHANGE_FORBIDDEN, CASESYNC__V1__CHANGE_STATUS__CHANGE_FORBIDDEN);
SAME(MSG_CHANGE_INVALID, CASESYNC__V1__CHANGE_STATUS__CHANGE_INVALID);
SAME(MSG_BODY_MAX, WIRE_BODY_MAX);
SAME(MSG_PUSH_MAX, WIRE_PUSH_MAX);
SAME(MSG_PURGES_MAX, WIRE_PURGES_MAX);
SAME(MSG_ACCESS_MAX, WIRE_ACCESS_MAX);
SAME(MSG_HELD_MAX, WIRE_HELD_MAX);
SAME(MSG_DECIDED_BY_MAX, WIRE_STR_MAX);
#undef SAME

/* The Envelope of "m" if it carries "want", else NULL. */
static const wire_env *
sync_env(const struct msg *m, Casesync__V1__Envelope__MsgCase want)
{
	const wire_env	*env = msg_env(m);

	return env->msg_case == want ? env : NULL;
}

/* Encode "env" (its msg_case and message set) with request id "id". */
static int
sync_encode(wire_env *env, uint32_t id, size_t max, struct buf *out)
{
	env->id = id;
	return wire_encode(env, max, out);
}

/* calloc(n, size), or NULL for n == 0; CS_ERR_ALLOC on failure. */
static int
sync_array(size_t n, size_t size, void *out)
{
	void	*p = NULL;

	if (n > 0 && (p = calloc(n, size)) == NULL)
		return CS_ERR_ALLOC;
	memcpy(out, &p, sizeof(p));
	return 0;
}

static void
record_get(const Casesync__V1__Record *in, struct msg_record *out)
{
	out->record_id = in->record_id;
	out->case_id = in->case_id;
	out->kind = in->kind;
	out->version = (int64_t)in->version;	/* wire.c: it fits */
	out->deleted = in->deleted != 0;
	out->key_epoch = in->key_epoch;
	out->body.p = in->body.data;
	out->body.len = in->body.len;
	out->author_device = in->author_device;
	out->hlc = in->hlc;
	out->author_user_id = in->author_user_id;
	out->author_user_name = in->author_user_name;
	out->created_by = in->created_by;
	out->created_at = in->created_at;	/* wire.c: not negative */
	out->changed_at = in->changed_at;
}

static int
record_put(const struct msg_record *in, Casesync__V1__Record *out)
{
	if (in->version < 0)
		return CS_ERR_INTERNAL;
	casesync__v1__record__init(out);
	out->record_id = PB_STR(in->record_id);
	out->case_id = PB_STR(in->case_id);
	out->kind = PB_STR(in->kind);
	out->version = (uint64_t)in->version;
	out->deleted = in->deleted != 0;
	out->key_epoch = in->key_epoch;
	out->body = PB_BYTES(in->body);
	out->author_device = PB_STR(in->author_device);
	out->hlc = in->hlc;
	out->author_user_id = PB_STR(in->author_user_id);
	out->author_user_name = PB_STR(in->author_user_name);
	out->created_by = PB_STR(in->created_by);
	out->created_at = in->created_at;
	out->changed_at = in->changed_at;
	return 0;
}

/* ---- PushRequest ---- */

int
msg_get_push_request(const struct msg *m, struct msg_push_request *out)
{
	const wire_env	*env;

	memset(out, 0, sizeof(*out));
	if ((env = sync_env(m, CASESYNC__V1__ENVELOPE__MSG_PUSH_REQUEST)) ==
	    NULL)
		return CS_ERR_PROTOCOL;
	out->n_changes = env->push_request->n_changes;
	return 0;
}

int
msg_push_request_item(const struct msg *m, size_t i, struct msg_change *out)
{
	const wire_env			*env;
	const Casesync__V1__Change	*c;

	memset(out, 0, sizeof(*out));
	if ((env = sync_env(m, CASESYNC__V1__ENVELOPE__MSG_PUSH_REQUEST)) ==
	    NULL || i >= env->push_request->n_changes)
		return CS_ERR_PROTOCOL;
	c = env->push_request->changes[i];
	out->change_id = c->change_id;
	record_get(c->record, &out->record);
	/* wire.c checked that both fit */
	out->base_version = (int64_t)c->base_version;
	out->lost_version = (int64_t)c->lost_version;
	return 0;
}

static int
enc_push_request(uint32_t id, const void *body, size_t max, struct buf *out)
{
	const struct msg_push_request	*b = body;
	Casesync__V1__PushRequest	 req;
	Casesync__V1__Change		*cv = NULL, **cp = NULL;
	Casesync__V1__Record		*rv = NULL;
	wire_env			 env;
	size_t				 i, n = b->n_changes;
	int				 r;

	if ((r = sync_array(n, sizeof(*cv), &cv)) != 0 ||
	    (r = sync_array(n, sizeof(*cp), &cp)) != 0 ||
	    (r = sync_array(n, sizeof(*rv), &rv)) != 0)
		goto out;
	for (i = 0; i < n; i++) {
		if (b->changes[i].base_version < 0 ||
		    b->changes[i].lost_version < 0 ||
		    (r = record_put(&b->changes[i].record, &rv[i])) != 0) {
			r = CS_ERR_INTERNAL;
			goto out;
		}
		casesync__v1__change__init(&cv[i]);
		cv[i].change_id = PB_STR(b->changes[i].change_id);
		cv[i].record = &rv[i];
		cv[i].base_version = (uint64_t)b->changes[i].base_version;
		cv[i].lost_version = (uint64_t)b->changes[i].lost_version;
		cp[i] = &cv[i];
	}
	casesync__v1__envelope__init(&env);
	casesync__v1__push_request__init(&req);
	req.changes = cp;
	req.n_changes = n;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_PUSH_REQUEST;
	env.push_request = &req;
	r = sync_encode(&env, id, max, out);
 out:
	free(cv);
	free(cp);
	free(rv);
	return r;
}

struct msg_out
msg_out_push_request(const struct msg_push_request *b)
{
	return (struct msg_out){ enc_push_request, b };
}

/* ---- PushResponse ---- */

int
msg_get_push_response(const struct msg *m, struct msg_push_response *out)
{
	const wire_env	*env;

	memset(out, 0, sizeof(*out));
	if ((env = sync_env(m, CASESYNC__V1__ENVELOPE__MSG_PUSH_RESPONSE)) ==
	    NULL)
		return CS_ERR_PROTOCOL;
	out->n_results = env->push_response->n_results;
	return 0;
}

int
msg_push_response_item(const struct msg *m, size_t i,
    struct msg_change_result *out)
{
	const wire_env				*env;
	const Casesync__V1__ChangeResult	*cr;

	memset(out, 0, sizeof(*out));
	if ((env = sync_env(m, CASESYNC__V1__ENVELOPE__MSG_PUSH_RESPONSE)) ==
	    NULL || i >= env->push_response->n_results)
		return CS_ERR_PROTOCOL;
	cr = env->push_response->results[i];
	out->change_id = cr->change_id;
	out->status = (enum msg_change_status)cr->status;
	out->version = (int64_t)cr->version;	/* wire.c: it fits */
	if (cr->current != NULL) {
		out->has_current = 1;
		record_get(cr->current, &out->current);
	}
	out->late = cr->late != 0;
	out->held = cr->held != 0;
	out->discarded = cr->discarded != 0;
	out->decided_by = cr->decided_by;
	out->no_common_base = cr->no_common_base != 0;
	out->error = (int)cr->error;	/* compared, never indexed */
	return 0;
}

static int
result_put(const struct msg_change_result *in, Casesync__V1__ChangeResult *o,
    Casesync__V1__Record *cur)
{
	if (in->version < 0)
		return CS_ERR_INTERNAL;
	casesync__v1__change_result__init(o);
	o->change_id = PB_STR(in->change_id);
	o->status = (Casesync__V1__ChangeStatus)in->status;
	o->version = (uint64_t)in->version;
	o->late = in->late != 0;
	o->held = in->held != 0;
	o->discarded = in->discarded != 0;
	o->decided_by = PB_STR(in->decided_by);
	o->no_common_base = in->no_common_base != 0;
	o->error = (Casesync__V1__ErrorCode)in->error;
	if (in->has_current) {
		if (record_put(&in->current, cur) != 0)
			return CS_ERR_INTERNAL;
		o->current = cur;
	}
	return 0;
}

static int
enc_push_response(uint32_t id, const void *body, size_t max, struct buf *out)
{
	const struct msg_push_response	*b = body;
	Casesync__V1__PushResponse	 resp;
	Casesync__V1__ChangeResult	*cr = NULL, **crp = NULL;
	Casesync__V1__Record		*cur = NULL;
	wire_env			 env;
	size_t				 i, n = b->n_results;
	int				 r;

	if ((r = sync_array(n, sizeof(*cr), &cr)) != 0 ||
	    (r = sync_array(n, sizeof(*crp), &crp)) != 0 ||
	    (r = sync_array(n, sizeof(*cur), &cur)) != 0)
		goto out;
	for (i = 0; i < n; i++) {
		if ((r = result_put(&b->results[i], &cr[i], &cur[i])) != 0)
			goto out;
		crp[i] = &cr[i];
	}
	casesync__v1__envelope__init(&env);
	casesync__v1__push_response__init(&resp);
	resp.results = crp;
	resp.n_results = n;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_PUSH_RESPONSE;
	env.push_response = &resp;
	r = sync_encode(&env, id, max, out);
 out:
	free(cr);
	free(crp);
	free(cur);
	return r;
}

struct msg_out
msg_out_push_response(const struct msg_push_response *b)
{
	return (struct msg_out){ enc_push_response, b };
}

/* ---- PullRequest ---- */

int
msg_get_pull_request(const struct msg *m, struct msg_pull_request *out)
{
	const wire_env	*env;

	memset(out, 0, sizeof(*out));
	if ((env = sync_env(m, CASESYNC__V1__ENVELOPE__MSG_PULL_REQUEST)) ==
	    NULL)
		return CS_ERR_PROTOCOL;
	/* wire.c checked that both fit */
	out->since = (int64_t)env->pull_request->since;
	out->since_tie = (int64_t)env->pull_request->since_tie;
	out->max_records = env->pull_request->max_records;
	out->max_bytes = env->pull_request->max_bytes;
	return 0;
}

static int
enc_pull_request(uint32_t id, const void *body, size_t max, struct buf *out)
{
	const struct msg_pull_request	*b = body;
	Casesync__V1__PullRequest	 req;
	wire_env			 env;

	if (b->since < 0 || b->since_tie < 0)
		return CS_ERR_INTERNAL;
	casesync__v1__envelope__init(&env);
	casesync__v1__pull_request__init(&req);
	req.since = (uint64_t)b->since;
	req.since_tie = (uint64_t)b->since_tie;
	req.max_records = b->max_records;
	req.max_bytes = b->max_bytes;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_PULL_REQUEST;
	env.pull_request = &req;
	return sync_encode(&env, id, max, out);
}

struct msg_out
msg_out_pull_request(const struct msg_pull_request *b)
{
	return (struct msg_out){ enc_pull_request, b };
}

/* ---- PullResponse ---- */

int
msg_get_pull_response(const struct msg *m, struct msg_pull_response *out)
{
	const wire_env			*env;
	const Casesync__V1__PullResponse *pr;

	memset(out, 0, sizeof(*out));
	if ((env = sync_env(m, CASESYNC__V1__ENVELOPE__MSG_PULL_RESPONSE)) ==
	    NULL)
		return CS_ERR_PROTOCOL;
	pr = env->pull_response;
	out->n_records = pr->n_records;
	/* wire.c checked that these fit */
	out->cursor = (int64_t)pr->cursor;
	out->cursor_tie = (int64_t)pr->cursor_tie;
	out->more = pr->more != 0;
	out->purge_case_ids = (const char *const *)pr->purge_case_ids;
	out->n_purge_case_ids = pr->n_purge_case_ids;
	out->server_seq = (int64_t)pr->server_seq;
	out->n_case_access = pr->n_case_access;
	return 0;
}

int
msg_pull_response_record(const struct msg *m, size_t i, struct msg_record *out)
{
	const wire_env	*env;

	memset(out, 0, sizeof(*out));
	if ((env = sync_env(m, CASESYNC__V1__ENVELOPE__MSG_PULL_RESPONSE)) ==
	    NULL || i >= env->pull_response->n_records)
		return CS_ERR_PROTOCOL;
	record_get(env->pull_response->records[i], out);
	return 0;
}

int
msg_pull_response_access(const struct msg *m, size_t i,
    struct msg_case_access *out)
{
	const wire_env			*env;
	const Casesync__V1__CaseAccess	*a;

	memset(out, 0, sizeof(*out));
	if ((env = sync_env(m, CASESYNC__V1__ENVELOPE__MSG_PULL_RESPONSE)) ==
	    NULL || i >= env->pull_response->n_case_access)
		return CS_ERR_PROTOCOL;
	a = env->pull_response->case_access[i];
	out->case_id = a->case_id;
	out->mode = a->mode;
	out->since = a->since;
	out->until = a->until;
	return 0;
}

/* The PullResponse's records and case access in generated structs. */
struct pull_arrays {
	Casesync__V1__Record	 *rv, **rp;
	Casesync__V1__CaseAccess *av, **ap;
};

static int
pull_arrays_fill(const struct msg_pull_response *b, struct pull_arrays *a)
{
	size_t	i;
	int	r;

	if ((r = sync_array(b->n_records, sizeof(*a->rv), &a->rv)) != 0 ||
	    (r = sync_array(b->n_records, sizeof(*a->rp), &a->rp)) != 0 ||
	    (r = sync_array(b->n_case_access, sizeof(*a->av), &a->av)) != 0 ||
	    (r = sync_array(b->n_case_access, sizeof(*a->ap), &a->ap)) != 0)
		return r;
	for (i = 0; i < b->n_records; i++) {
		if ((r = record_put(&b->records[i], &a->rv[i])) != 0)
			return r;
		a->rp[i] = &a->rv[i];
	}
	for (i = 0; i < b->n_case_access; i++) {
		casesync__v1__case_access__init(&a->av[i]);
		a->av[i].case_id = PB_STR(b->case_access[i].case_id);
		a->av[i].mode = PB_STR(b->case_access[i].mode);
		a->av[i].since = b->case_access[i].since;
		a->av[i].until = b->case_access[i].until;
		a->ap[i] = &a->av[i];
	}
	return 0;
}

static int
enc_pull_response(uint32_t id, const void *body, size_t max, struct buf *out)
{
	const struct msg_pull_response	*b = body;
	Casesync__V1__PullResponse	 resp;
	struct pull_arrays		 a;
	wire_env			 env;
	int				 r;

	memset(&a, 0, sizeof(a));
	if (b->cursor < 0 || b->cursor_tie < 0 || b->server_seq < 0) {
		r = CS_ERR_INTERNAL;
		goto out;
	}
	if ((r = pull_arrays_fill(b, &a)) != 0)
		goto out;
	casesync__v1__envelope__init(&env);
	casesync__v1__pull_response__init(&resp);
	resp.records = a.rp;
	resp.n_records = b->n_records;
	resp.cursor = (uint64_t)b->cursor;
	resp.cursor_tie = (uint64_t)b->cursor_tie;
	resp.more = b->more != 0;
	resp.purge_case_ids = (char **)(uintptr_t)b->purge_case_ids;
	resp.n_purge_case_ids = b->n_purge_case_ids;
	resp.server_seq = (uint64_t)b->server_seq;
	resp.case_access = a.ap;
	resp.n_case_access = b->n_case_access;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_PULL_RESPONSE;
	env.pull_response = &resp;
	r = sync_encode(&env, id, max, out);
 out:
	free(a.rv);
	free(a.rp);
	free(a.av);
	free(a.ap);
	return r;
}

struct msg_out
msg_out_pull_response(const struct msg_pull_response *b)
{
	return (struct msg_out){ enc_pull_response, b };
}

/* ---- PurgeReceipt, PurgeAck ---- */

int
msg_get_purge_receipt(const struct msg *m, struct msg_purge_receipt *out)
{
	const wire_env	*env;

	memset(out, 0, sizeof(*out));
	if ((env = sync_env(m, CASESYNC__V1__ENVELOPE__MSG_PURGE_RECEIPT)) ==
	    NULL)
		return CS_ERR_PROTOCOL;
	out->case_id = env->purge_receipt->case_id;
	out->records_deleted = env->purge_receipt->records_deleted;
	out->held = env->purge_receipt->held != 0;
	out->held_changes = env->purge_receipt->held_changes;
	return 0;
}

static int
enc_purge_receipt(uint32_t id, const void *body, size_t max, struct buf *out)
{
	const struct msg_purge_receipt	*b = body;
	Casesync__V1__PurgeReceipt	 pr;
	wire_env			 env;

	casesync__v1__envelope__init(&env);
	casesync__v1__purge_receipt__init(&pr);
	pr.case_id = PB_STR(b->case_id);
	pr.records_deleted = b->records_deleted;
	pr.held = b->held != 0;
	pr.held_changes = b->held_changes;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_PURGE_RECEIPT;
	env.purge_receipt = &pr;
	return sync_encode(&env, id, max, out);
}

struct msg_out
msg_out_purge_receipt(const struct msg_purge_receipt *b)
{
	return (struct msg_out){ enc_purge_receipt, b };
}

static int
enc_purge_ack(uint32_t id, const void *body, size_t max, struct buf *out)
{
	Casesync__V1__PurgeAck	ack;
	wire_env		env;

	(void)body;
	casesync__v1__envelope__init(&env);
	casesync__v1__purge_ack__init(&ack);
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_PURGE_ACK;
	env.purge_ack = &ack;
	return sync_encode(&env, id, max, out);
}

struct msg_out
msg_out_purge_ack(void)
{
	return (struct msg_out){ enc_purge_ack, NULL };
}

/* ---- CaseCreate, CaseMember ---- */

int
msg_get_case_create(const struct msg *m, struct msg_case_create *out)
{
	const wire_env	*env;

	memset(out, 0, sizeof(*out));
	if ((env = sync_env(m, CASESYNC__V1__ENVELOPE__MSG_CASE_CREATE)) ==
	    NULL)
		return CS_ERR_PROTOCOL;
	out->case_id = env->case_create->case_id;
	out->frame = env->case_create->frame;
	return 0;
}

static int
enc_case_create(uint32_t id, const void *body, size_t max, struct buf *out)
{
	const struct msg_case_create	*b = body;
	Casesync__V1__CaseCreate	 cc;
	wire_env			 env;

	casesync__v1__envelope__init(&env);
	casesync__v1__case_create__init(&cc);
	cc.case_id = PB_STR(b->case_id);
	cc.frame = PB_STR(b->frame);
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_CASE_CREATE;
	env.case_create = &cc;
	return sync_encode(&env, id, max, out);
}

struct msg_out
msg_out_case_create(const struct msg_case_create *b)
{
	return (struct msg_out){ enc_case_create, b };
}

int
msg_get_case_member(const struct msg *m, struct msg_case_member *out)
{
	const wire_env	*env;

	memset(out, 0, sizeof(*out));
	if ((env = sync_env(m, CASESYNC__V1__ENVELOPE__MSG_CASE_MEMBER)) ==
	    NULL)
		return CS_ERR_PROTOCOL;
	out->case_id = env->case_member->case_id;
	out->user_name = env->case_member->user_name;
	out->remove = env->case_member->remove != 0;
	out->read_only = env->case_member->read_only != 0;
	out->new_regisseur = env->case_member->new_regisseur;
	return 0;
}

static int
enc_case_member(uint32_t id, const void *body, size_t max, struct buf *out)
{
	const struct msg_case_member	*b = body;
	Casesync__V1__CaseMember	 cm;
	wire_env			 env;

	casesync__v1__envelope__init(&env);
	casesync__v1__case_member__init(&cm);
	cm.case_id = PB_STR(b->case_id);
	cm.user_name = PB_STR(b->user_name);
	cm.remove = b->remove != 0;
	cm.read_only = b->read_only != 0;
	cm.new_regisseur = PB_STR(b->new_regisseur);
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_CASE_MEMBER;
	env.case_member = &cm;
	return sync_encode(&env, id, max, out);
}

struct msg_out
msg_out_case_member(const struct msg_case_member *b)
{
	return (struct msg_out){ enc_case_member, b };
}
