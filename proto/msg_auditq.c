/* SPDX-License-Identifier: ISC */
/*
 * msg_auditq.c - AuditQueryRequest and AuditQueryResponse (see
 * msg_auditq.h).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "msg_auditq.h"
#include "msg_case_pb.h"
#include "wire.h"
#include "wire_audit_q.h"

#define SAME(a, b)	_Static_assert((int)(a) == (int)(b), #a)
SAME(MSG_AUDIT_ROWS_MAX, WIRE_AUDIT_ROWS_MAX);
SAME(MSG_AUDIT_DETAIL_MAX, WIRE_AUDIT_DETAIL_MAX);
#undef SAME

/* The filters of a request that is an audit query or an export. */
static int
audit_request_get(const struct msg *m, int msg_case,
    struct msg_audit_query_request *out)
{
	const wire_env				*env = msg_env(m);
	const Casesync__V1__AuditQueryRequest	*q;

	if ((int)env->msg_case != msg_case)
		return CS_ERR_PROTOCOL;
	q = msg_case == CASESYNC__V1__ENVELOPE__MSG_AUDIT_QUERY_REQUEST ?
	    env->audit_query_request : env->audit_export_request;
	out->case_id = q->case_id;
	out->user = q->user;
	out->type = q->type;
	out->since = q->since;
	out->until = q->until;
	out->after = q->after;
	out->max_rows = q->max_rows;
	return 0;
}

int
msg_get_audit_query_request(const struct msg *m,
    struct msg_audit_query_request *out)
{
	return audit_request_get(m,
	    CASESYNC__V1__ENVELOPE__MSG_AUDIT_QUERY_REQUEST, out);
}

int
msg_get_audit_export_request(const struct msg *m,
    struct msg_audit_query_request *out)
{
	return audit_request_get(m,
	    CASESYNC__V1__ENVELOPE__MSG_AUDIT_EXPORT_REQUEST, out);
}

/* The request in generated form; its strings borrowed from "b". */
static void
audit_request_put(const struct msg_audit_query_request *b,
    Casesync__V1__AuditQueryRequest *q)
{
	casesync__v1__audit_query_request__init(q);
	q->case_id = PB_STR(b->case_id);
	q->user = PB_STR(b->user);
	q->type = PB_STR(b->type);
	q->since = b->since;
	q->until = b->until;
	q->after = b->after;
	q->max_rows = b->max_rows;
}

/* Either request: the same message in field 110 or 112. */
static int
enc_audit_request(uint32_t id, const void *body, size_t max,
    struct buf *out, int export)
{
	Casesync__V1__AuditQueryRequest	q;
	wire_env			env;

	audit_request_put(body, &q);
	if (export)
		PB_ENV(audit_export_request,
		    CASESYNC__V1__ENVELOPE__MSG_AUDIT_EXPORT_REQUEST, &q);
	else
		PB_ENV(audit_query_request,
		    CASESYNC__V1__ENVELOPE__MSG_AUDIT_QUERY_REQUEST, &q);
	return wire_encode(&env, max, out);
}

static int
enc_audit_query_request(uint32_t id, const void *body, size_t max,
    struct buf *out)
{
	return enc_audit_request(id, body, max, out, 0);
}

static int
enc_audit_export_request(uint32_t id, const void *body, size_t max,
    struct buf *out)
{
	return enc_audit_request(id, body, max, out, 1);
}

struct msg_out
msg_out_audit_export_request(const struct msg_audit_query_request *b)
{
	return (struct msg_out){ enc_audit_export_request, b };
}

struct msg_out
msg_out_audit_query_request(const struct msg_audit_query_request *b)
{
	return (struct msg_out){ enc_audit_query_request, b };
}

int
msg_get_audit_query_response(const struct msg *m,
    struct msg_audit_query_response *out)
{
	const wire_env	*env = msg_env(m);

	if (env->msg_case != CASESYNC__V1__ENVELOPE__MSG_AUDIT_QUERY_RESPONSE)
		return CS_ERR_PROTOCOL;
	out->rows = NULL;
	out->n_rows = env->audit_query_response->n_rows;
	out->more = env->audit_query_response->more != 0;
	return 0;
}

int
msg_audit_query_item(const struct msg *m, size_t i, struct msg_audit_row *out)
{
	const wire_env			*env = msg_env(m);
	const Casesync__V1__AuditRow	*r;

	if (env->msg_case != CASESYNC__V1__ENVELOPE__MSG_AUDIT_QUERY_RESPONSE ||
	    i >= env->audit_query_response->n_rows)
		return CS_ERR_PROTOCOL;
	r = env->audit_query_response->rows[i];
	out->idx = r->idx;
	out->server_time = r->server_time;
	out->device_time = r->device_time;
	out->action = r->action[0];	/* wire_audit_q.c: one letter */
	out->type = r->type;
	out->outcome = r->outcome;
	out->user = r->user;
	out->role = r->role;
	out->office = r->office;
	out->device_id = r->device_id;
	out->object_type = r->object_type;
	out->object_id = r->object_id;
	out->client_ref = r->client_ref;
	out->basis = r->basis;
	out->purpose = r->purpose;
	out->detail = r->detail;
	return 0;
}

/* Row "in" in generated form; "action" holds its one-letter string. */
static void
audit_row_put(const struct msg_audit_row *in, char action[2],
    Casesync__V1__AuditRow *out)
{
	casesync__v1__audit_row__init(out);
	action[0] = in->action;
	action[1] = '\0';
	out->idx = in->idx;
	out->server_time = in->server_time;
	out->device_time = in->device_time;
	out->action = action;
	out->type = PB_STR(in->type);
	out->outcome = PB_STR(in->outcome);
	out->user = PB_STR(in->user);
	out->role = PB_STR(in->role);
	out->office = PB_STR(in->office);
	out->device_id = in->device_id;
	out->object_type = PB_STR(in->object_type);
	out->object_id = PB_STR(in->object_id);
	out->client_ref = PB_STR(in->client_ref);
	out->basis = PB_STR(in->basis);
	out->purpose = PB_STR(in->purpose);
	out->detail = PB_STR(in->detail);
}

static int
enc_audit_query_response(uint32_t id, const void *body, size_t max,
    struct buf *out)
{
	const struct msg_audit_query_response	*b = body;
	Casesync__V1__AuditRow			*rows = NULL, **ptrs = NULL;
	Casesync__V1__AuditQueryResponse	 resp;
	wire_env				 env;
	char					(*act)[2] = NULL;
	size_t					 i;
	int					 r = CS_ERR_ALLOC;

	if (b->n_rows > MSG_AUDIT_ROWS_MAX)
		return CS_ERR_INTERNAL;
	if (b->n_rows > 0 &&
	    ((rows = calloc(b->n_rows, sizeof(*rows))) == NULL ||
	    (ptrs = calloc(b->n_rows, sizeof(*ptrs))) == NULL ||
	    (act = calloc(b->n_rows, sizeof(*act))) == NULL))
		goto out;
	for (i = 0; i < b->n_rows; i++) {
		audit_row_put(&b->rows[i], act[i], &rows[i]);
		ptrs[i] = &rows[i];
	}
	casesync__v1__audit_query_response__init(&resp);
	resp.rows = ptrs;
	resp.n_rows = b->n_rows;
	resp.more = b->more != 0;
	PB_ENV(audit_query_response,
	    CASESYNC__V1__ENVELOPE__MSG_AUDIT_QUERY_RESPONSE, &resp);
	r = wire_encode(&env, max, out);
 out:
	free(rows);
	free(ptrs);
	free(act);
	return r;
}

struct msg_out
msg_out_audit_query_response(const struct msg_audit_query_response *b)
{
	return (struct msg_out){ enc_audit_query_response, b };
}

int
msg_get_audit_export_response(const struct msg *m,
    struct msg_audit_export_response *out)
{
	const wire_env	*env = msg_env(m);

	if (env->msg_case != CASESYNC__V1__ENVELOPE__MSG_AUDIT_EXPORT_RESPONSE)
		return CS_ERR_PROTOCOL;
	out->entries = NULL;
	out->lens = NULL;
	out->n = env->audit_export_response->n_entries;
	out->more = env->audit_export_response->more != 0;
	return 0;
}

int
msg_audit_export_item(const struct msg *m, size_t i, const uint8_t **p,
    size_t *len)
{
	const wire_env	*env = msg_env(m);

	*p = NULL;
	*len = 0;
	if (env->msg_case !=
	    CASESYNC__V1__ENVELOPE__MSG_AUDIT_EXPORT_RESPONSE ||
	    i >= env->audit_export_response->n_entries)
		return CS_ERR_PROTOCOL;
	*p = env->audit_export_response->entries[i].data;
	*len = env->audit_export_response->entries[i].len;
	return 0;
}

static int
enc_audit_export_response(uint32_t id, const void *body, size_t max,
    struct buf *out)
{
	const struct msg_audit_export_response	*b = body;
	Casesync__V1__AuditExportResponse	 resp;
	ProtobufCBinaryData			*ents = NULL;
	wire_env				 env;
	size_t					 i;
	int					 r;

	if (b->n > MSG_AUDIT_ROWS_MAX)
		return CS_ERR_INTERNAL;
	if (b->n > 0 && (ents = calloc(b->n, sizeof(*ents))) == NULL)
		return CS_ERR_ALLOC;
	for (i = 0; i < b->n; i++) {
		ents[i].data = (uint8_t *)(uintptr_t)b->entries[i];
		ents[i].len = b->lens[i];
	}
	casesync__v1__audit_export_response__init(&resp);
	resp.entries = ents;
	resp.n_entries = b->n;
	resp.more = b->more != 0;
	PB_ENV(audit_export_response,
	    CASESYNC__V1__ENVELOPE__MSG_AUDIT_EXPORT_RESPONSE, &resp);
	r = wire_encode(&env, max, out);
	free(ents);
	return r;
}

struct msg_out
msg_out_audit_export_response(const struct msg_audit_export_response *b)
{
	return (struct msg_out){ enc_audit_export_response, b };
}
