/* SPDX-License-Identifier: ISC */
/*
 * msg_audit.c - CheckpointRequest, CheckpointResponse, ReadLogUpload
 * and ReadLogAck (see msg_audit.h).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "msg_audit.h"
#include "msg_int.h"
#include "wire.h"

_Static_assert(MSG_PROOF_MAX == WIRE_PROOF_MAX, "proof hashes");
_Static_assert(MSG_READS_MAX == WIRE_READS_MAX, "read events");

int
msg_get_checkpoint_request(const struct msg *m,
    struct msg_checkpoint_request *out)
{
	const wire_env	*env = msg_env(m);

	if (env->msg_case != CASESYNC__V1__ENVELOPE__MSG_CHECKPOINT_REQUEST)
		return CS_ERR_PROTOCOL;
	/* wire_validate() checked that both fit */
	out->old_size = env->checkpoint_request->old_size;
	out->generation = (int64_t)env->checkpoint_request->generation;
	return 0;
}

static int
enc_checkpoint_request(uint32_t id, const void *body, size_t max,
    struct buf *out)
{
	const struct msg_checkpoint_request	*b = body;
	wire_env				 env;
	Casesync__V1__CheckpointRequest		 q;

	if (b->old_size > INT64_MAX || b->generation < 0)
		return CS_ERR_INTERNAL;
	casesync__v1__envelope__init(&env);
	casesync__v1__checkpoint_request__init(&q);
	q.old_size = b->old_size;
	q.generation = (uint64_t)b->generation;
	env.id = id;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_CHECKPOINT_REQUEST;
	env.checkpoint_request = &q;
	return wire_encode(&env, max, out);
}

struct msg_out
msg_out_checkpoint_request(const struct msg_checkpoint_request *b)
{
	return (struct msg_out){ enc_checkpoint_request, b };
}

/* wire.c checked: at most MSG_PROOF_MAX hashes of MSG_HASH_LEN bytes */
static void
proof_get(const ProtobufCBinaryData *items, size_t n, struct msg_proof *out)
{
	size_t	i;

	out->n = n;
	for (i = 0; i < n; i++)
		memcpy(out->hash[i], items[i].data, MSG_HASH_LEN);
}

static void
proof_put(const struct msg_proof *p, ProtobufCBinaryData *items,
    ProtobufCBinaryData **out, size_t *n)
{
	size_t	i;

	for (i = 0; i < p->n; i++) {
		items[i].data = (uint8_t *)(uintptr_t)p->hash[i];
		items[i].len = MSG_HASH_LEN;
	}
	*out = items;
	*n = p->n;
}

static void
restore_get(const Casesync__V1__AuditRestore *r, struct msg_audit_restore *out)
{
	out->generation = r->generation;
	out->backup_time = r->backup_time;
	out->backup_size = r->backup_size;
	out->backup_root = pb_bytes_get(&r->backup_root);
	out->old_size = r->old_size;
	out->old_root = pb_bytes_get(&r->old_root);
	out->restored_at = r->restored_at;
	out->restore_seq = r->restore_seq;
	out->signature = pb_bytes_get(&r->signature);
}

static void
restore_put(const struct msg_audit_restore *b, Casesync__V1__AuditRestore *r)
{
	casesync__v1__audit_restore__init(r);
	r->generation = b->generation;
	r->backup_time = b->backup_time;
	r->backup_size = b->backup_size;
	r->backup_root = PB_BYTES(b->backup_root);
	r->old_size = b->old_size;
	r->old_root = PB_BYTES(b->old_root);
	r->restored_at = b->restored_at;
	r->restore_seq = b->restore_seq;
	r->signature = PB_BYTES(b->signature);
}

int
msg_get_checkpoint_response(const struct msg *m,
    struct msg_checkpoint_response *out)
{
	const wire_env				*env = msg_env(m);
	const Casesync__V1__CheckpointResponse	*q;
	const Casesync__V1__Checkpoint		*c;

	if (env->msg_case != CASESYNC__V1__ENVELOPE__MSG_CHECKPOINT_RESPONSE)
		return CS_ERR_PROTOCOL;
	q = env->checkpoint_response;
	c = q->checkpoint;		/* wire.c: present */
	out->checkpoint.size = c->size;
	out->checkpoint.root = pb_bytes_get(&c->root);
	out->checkpoint.time = c->time;
	out->checkpoint.signature = pb_bytes_get(&c->signature);
	out->checkpoint.public_key = pb_bytes_get(&c->public_key);
	proof_get(q->consistency, q->n_consistency, &out->consistency);
	memset(&out->restore, 0, sizeof(out->restore));
	out->has_restore = q->restore != NULL;
	if (out->has_restore)
		restore_get(q->restore, &out->restore);
	/* wire.c: no restore proofs without a restore */
	proof_get(q->restore_consistency, q->n_restore_consistency,
	    &out->restore_consistency);
	proof_get(q->old_consistency, q->n_old_consistency,
	    &out->old_consistency);
	return 0;
}

static int
enc_checkpoint_response(uint32_t id, const void *body, size_t max,
    struct buf *out)
{
	const struct msg_checkpoint_response	*b = body;
	ProtobufCBinaryData			 items[3][MSG_PROOF_MAX];
	wire_env				 env;
	Casesync__V1__CheckpointResponse	 q;
	Casesync__V1__Checkpoint		 c;
	Casesync__V1__AuditRestore		 r;

	if (b->consistency.n > MSG_PROOF_MAX ||
	    b->restore_consistency.n > MSG_PROOF_MAX ||
	    b->old_consistency.n > MSG_PROOF_MAX)
		return CS_ERR_INTERNAL;
	casesync__v1__envelope__init(&env);
	casesync__v1__checkpoint_response__init(&q);
	casesync__v1__checkpoint__init(&c);
	c.size = b->checkpoint.size;
	c.root = PB_BYTES(b->checkpoint.root);
	c.time = b->checkpoint.time;
	c.signature = PB_BYTES(b->checkpoint.signature);
	c.public_key = PB_BYTES(b->checkpoint.public_key);
	q.checkpoint = &c;
	proof_put(&b->consistency, items[0], &q.consistency,
	    &q.n_consistency);
	if (b->has_restore) {
		restore_put(&b->restore, &r);
		q.restore = &r;
		proof_put(&b->restore_consistency, items[1],
		    &q.restore_consistency, &q.n_restore_consistency);
		proof_put(&b->old_consistency, items[2], &q.old_consistency,
		    &q.n_old_consistency);
	}
	env.id = id;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_CHECKPOINT_RESPONSE;
	env.checkpoint_response = &q;
	return wire_encode(&env, max, out);
}

struct msg_out
msg_out_checkpoint_response(const struct msg_checkpoint_response *b)
{
	return (struct msg_out){ enc_checkpoint_response, b };
}

int
msg_get_read_log_upload(const struct msg *m, struct msg_read_log_upload *out)
{
	const wire_env	*env = msg_env(m);

	if (env->msg_case != CASESYNC__V1__ENVELOPE__MSG_READ_LOG_UPLOAD)
		return CS_ERR_PROTOCOL;
	out->prev = pb_bytes_get(&env->read_log_upload->prev);
	out->events = NULL;
	out->n_events = env->read_log_upload->n_events;
	out->signature = pb_bytes_get(&env->read_log_upload->signature);
	return 0;
}

void
msg_read_log_upload_item(const struct msg *m, size_t i,
    struct msg_read_event *out)
{
	const wire_env			*env = msg_env(m);
	const Casesync__V1__ReadEvent	*ev;

	memset(out, 0, sizeof(*out));
	if (env->msg_case != CASESYNC__V1__ENVELOPE__MSG_READ_LOG_UPLOAD ||
	    i >= env->read_log_upload->n_events)
		return;
	ev = env->read_log_upload->events[i];
	out->n = ev->n;
	out->at = ev->at;
	out->action = ev->action;
	out->case_id = ev->case_id;
	out->child_id = ev->child_id;
	out->hash = pb_bytes_get(&ev->hash);
}

static int
enc_read_log_upload(uint32_t id, const void *body, size_t max,
    struct buf *out)
{
	const struct msg_read_log_upload	*b = body;
	Casesync__V1__ReadEvent			*ev = NULL, **ptrs = NULL;
	wire_env				 env;
	Casesync__V1__ReadLogUpload		 q;
	size_t					 i;
	int					 r = CS_ERR_INTERNAL;

	if (b->n_events == 0 || b->n_events > MSG_READS_MAX)
		return r;
	r = CS_ERR_ALLOC;
	if ((ev = calloc(b->n_events, sizeof(*ev))) == NULL ||
	    (ptrs = calloc(b->n_events, sizeof(*ptrs))) == NULL)
		goto out;
	for (i = 0; i < b->n_events; i++) {
		casesync__v1__read_event__init(&ev[i]);
		ev[i].n = b->events[i].n;
		ev[i].at = b->events[i].at;
		ev[i].action = PB_STR(b->events[i].action);
		ev[i].case_id = PB_STR(b->events[i].case_id);
		ev[i].child_id = PB_STR(b->events[i].child_id);
		ev[i].hash = PB_BYTES(b->events[i].hash);
		ptrs[i] = &ev[i];
	}
	casesync__v1__envelope__init(&env);
	casesync__v1__read_log_upload__init(&q);
	q.prev = PB_BYTES(b->prev);
	q.events = ptrs;
	q.n_events = b->n_events;
	q.signature = PB_BYTES(b->signature);
	env.id = id;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_READ_LOG_UPLOAD;
	env.read_log_upload = &q;
	r = wire_encode(&env, max, out);
 out:
	free(ptrs);
	free(ev);
	return r;
}

struct msg_out
msg_out_read_log_upload(const struct msg_read_log_upload *b)
{
	return (struct msg_out){ enc_read_log_upload, b };
}

int
msg_get_read_log_ack(const struct msg *m, int64_t *last_n)
{
	const wire_env	*env = msg_env(m);

	if (env->msg_case != CASESYNC__V1__ENVELOPE__MSG_READ_LOG_ACK)
		return CS_ERR_PROTOCOL;
	/* wire_validate() checked that it fits */
	*last_n = (int64_t)env->read_log_ack->last_n;
	return 0;
}

static int
enc_read_log_ack(uint32_t id, const void *body, size_t max, struct buf *out)
{
	wire_env		env;
	Casesync__V1__ReadLogAck	q;
	int64_t			last_n = *(const int64_t *)body;

	if (last_n < 0)
		return CS_ERR_INTERNAL;
	casesync__v1__envelope__init(&env);
	casesync__v1__read_log_ack__init(&q);
	q.last_n = (uint64_t)last_n;
	env.id = id;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_READ_LOG_ACK;
	env.read_log_ack = &q;
	return wire_encode(&env, max, out);
}

struct msg_out
msg_out_read_log_ack(const int64_t *last_n)
{
	return (struct msg_out){ enc_read_log_ack, last_n };
}
