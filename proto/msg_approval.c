/* SPDX-License-Identifier: ISC */
/*
 * msg_approval.c - the approval messages (see msg_approval.h).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "msg_approval.h"
#include "msg_int.h"
#include "wire.h"
#include "wire_approval.h"

_Static_assert(MSG_APPROVALS_MAX == WIRE_APPROVALS_MAX, "approvals max");

int
msg_approval_kind_ok(const char *s)
{
	return wire_approval_kind_ok(s);
}

int
msg_close_reason_ok(const char *s)
{
	return wire_close_reason_ok(s);
}

int
msg_get_approval_request(const struct msg *m,
    struct msg_approval_request *out)
{
	const wire_env	*env = msg_env(m);

	if (env->msg_case != CASESYNC__V1__ENVELOPE__MSG_APPROVAL_REQUEST)
		return CS_ERR_PROTOCOL;
	out->case_id = env->approval_request->case_id;
	out->kind = env->approval_request->kind;
	out->record_id = env->approval_request->record_id;
	out->end_date = env->approval_request->end_date;
	out->close_reason = env->approval_request->close_reason;
	return 0;
}

static int
enc_approval_request(uint32_t id, const void *body, size_t max,
    struct buf *out)
{
	const struct msg_approval_request	*b = body;
	Casesync__V1__ApprovalRequest		 ar;
	wire_env				 env;

	casesync__v1__approval_request__init(&ar);
	ar.case_id = PB_STR(b->case_id);
	ar.kind = PB_STR(b->kind);
	ar.record_id = PB_STR(b->record_id);
	ar.end_date = PB_STR(b->end_date);
	ar.close_reason = PB_STR(b->close_reason);
	PB_ENV(approval_request,
	    CASESYNC__V1__ENVELOPE__MSG_APPROVAL_REQUEST, &ar);
	return wire_encode(&env, max, out);
}

struct msg_out
msg_out_approval_request(const struct msg_approval_request *b)
{
	return (struct msg_out){ enc_approval_request, b };
}

int
msg_get_approval_decision(const struct msg *m,
    struct msg_approval_decision *out)
{
	const wire_env	*env = msg_env(m);

	if (env->msg_case != CASESYNC__V1__ENVELOPE__MSG_APPROVAL_DECISION)
		return CS_ERR_PROTOCOL;
	/* wire_approval.c: 1..INT64_MAX */
	out->approval_id = (int64_t)env->approval_decision->approval_id;
	out->approve = env->approval_decision->approve != 0;
	out->record_id = env->approval_decision->record_id;
	return 0;
}

static int
enc_approval_decision(uint32_t id, const void *body, size_t max,
    struct buf *out)
{
	const struct msg_approval_decision	*b = body;
	Casesync__V1__ApprovalDecision		 ad;
	wire_env				 env;

	if (b->approval_id < 0)
		return CS_ERR_INTERNAL;
	casesync__v1__approval_decision__init(&ad);
	ad.approval_id = (uint64_t)b->approval_id;
	ad.approve = b->approve != 0;
	ad.record_id = PB_STR(b->record_id);
	PB_ENV(approval_decision,
	    CASESYNC__V1__ENVELOPE__MSG_APPROVAL_DECISION, &ad);
	return wire_encode(&env, max, out);
}

struct msg_out
msg_out_approval_decision(const struct msg_approval_decision *b)
{
	return (struct msg_out){ enc_approval_decision, b };
}

static void
approval_info_get(const Casesync__V1__ApprovalInfo *in,
    struct msg_approval_info *out)
{
	memset(out, 0, sizeof(*out));
	out->approval_id = (int64_t)in->approval_id;	/* wire_approval.c */
	out->case_id = in->case_id;
	out->kind = in->kind;
	out->state = in->state;
	out->requested_by = in->requested_by;
	out->requested_device = in->requested_device;
	out->requested_at = in->requested_at;
	out->decided_by = in->decided_by;
	out->decided_device = in->decided_device;
	out->decided_at = in->decided_at;
	out->record_id = in->record_id;
	out->decision_record_id = in->decision_record_id;
	out->end_date = in->end_date;
	out->close_reason = in->close_reason;
	out->required_role = in->required_role;
}

static int
approval_info_put(const struct msg_approval_info *in,
    Casesync__V1__ApprovalInfo *a)
{
	if (in->approval_id < 0)
		return CS_ERR_INTERNAL;
	casesync__v1__approval_info__init(a);
	a->approval_id = (uint64_t)in->approval_id;
	a->case_id = PB_STR(in->case_id);
	a->kind = PB_STR(in->kind);
	a->state = PB_STR(in->state);
	a->requested_by = PB_STR(in->requested_by);
	a->requested_device = PB_STR(in->requested_device);
	a->requested_at = in->requested_at;
	a->decided_by = PB_STR(in->decided_by);
	a->decided_device = PB_STR(in->decided_device);
	a->decided_at = in->decided_at;
	a->record_id = PB_STR(in->record_id);
	a->decision_record_id = PB_STR(in->decision_record_id);
	a->end_date = PB_STR(in->end_date);
	a->close_reason = PB_STR(in->close_reason);
	a->required_role = PB_STR(in->required_role);
	return 0;
}

int
msg_get_approval_info(const struct msg *m, struct msg_approval_info *out)
{
	const wire_env	*env = msg_env(m);

	if (env->msg_case != CASESYNC__V1__ENVELOPE__MSG_APPROVAL_INFO)
		return CS_ERR_PROTOCOL;
	approval_info_get(env->approval_info, out);
	return 0;
}

static int
enc_approval_info(uint32_t id, const void *body, size_t max,
    struct buf *out)
{
	Casesync__V1__ApprovalInfo	ai;
	wire_env			env;
	int				r;

	if ((r = approval_info_put(body, &ai)) != 0)
		return r;
	PB_ENV(approval_info, CASESYNC__V1__ENVELOPE__MSG_APPROVAL_INFO,
	    &ai);
	return wire_encode(&env, max, out);
}

struct msg_out
msg_out_approval_info(const struct msg_approval_info *b)
{
	return (struct msg_out){ enc_approval_info, b };
}

int
msg_get_approval_list_request(const struct msg *m,
    struct msg_approval_list_request *out)
{
	const wire_env	*env = msg_env(m);

	if (env->msg_case !=
	    CASESYNC__V1__ENVELOPE__MSG_APPROVAL_LIST_REQUEST)
		return CS_ERR_PROTOCOL;
	out->case_id = env->approval_list_request->case_id;
	out->waiting_for_me = env->approval_list_request->waiting_for_me != 0;
	return 0;
}

static int
enc_approval_list_request(uint32_t id, const void *body, size_t max,
    struct buf *out)
{
	const struct msg_approval_list_request	*b = body;
	Casesync__V1__ApprovalListRequest	 lr;
	wire_env				 env;

	casesync__v1__approval_list_request__init(&lr);
	lr.case_id = PB_STR(b->case_id);
	lr.waiting_for_me = b->waiting_for_me != 0;
	PB_ENV(approval_list_request,
	    CASESYNC__V1__ENVELOPE__MSG_APPROVAL_LIST_REQUEST, &lr);
	return wire_encode(&env, max, out);
}

struct msg_out
msg_out_approval_list_request(const struct msg_approval_list_request *b)
{
	return (struct msg_out){ enc_approval_list_request, b };
}

int
msg_get_approval_list(const struct msg *m, struct msg_approval_list *out)
{
	const wire_env	*env = msg_env(m);

	if (env->msg_case != CASESYNC__V1__ENVELOPE__MSG_APPROVAL_LIST)
		return CS_ERR_PROTOCOL;
	out->approvals = NULL;
	out->n_approvals = env->approval_list->n_approvals;
	out->more = env->approval_list->more != 0;
	return 0;
}

int
msg_approval_list_item(const struct msg *m, size_t i,
    struct msg_approval_info *out)
{
	const wire_env	*env = msg_env(m);

	if (env->msg_case != CASESYNC__V1__ENVELOPE__MSG_APPROVAL_LIST ||
	    i >= env->approval_list->n_approvals)
		return CS_ERR_PROTOCOL;
	approval_info_get(env->approval_list->approvals[i], out);
	return 0;
}

static int
enc_approval_list(uint32_t id, const void *body, size_t max,
    struct buf *out)
{
	const struct msg_approval_list	*b = body;
	Casesync__V1__ApprovalInfo	*pb = NULL, **ptrs = NULL;
	Casesync__V1__ApprovalList	 al;
	wire_env			 env;
	size_t				 i;
	int				 r = CS_ERR_ALLOC;

	if (b->n_approvals > MSG_APPROVALS_MAX)
		return CS_ERR_INTERNAL;
	if (b->n_approvals > 0 &&
	    ((pb = calloc(b->n_approvals, sizeof(*pb))) == NULL ||
	    (ptrs = calloc(b->n_approvals, sizeof(*ptrs))) == NULL))
		goto out;
	for (i = 0; i < b->n_approvals; i++) {
		if ((r = approval_info_put(&b->approvals[i], &pb[i])) != 0)
			goto out;
		ptrs[i] = &pb[i];
	}
	casesync__v1__approval_list__init(&al);
	al.approvals = ptrs;
	al.n_approvals = b->n_approvals;
	al.more = b->more != 0;
	PB_ENV(approval_list, CASESYNC__V1__ENVELOPE__MSG_APPROVAL_LIST,
	    &al);
	r = wire_encode(&env, max, out);
 out:
	free(pb);
	free(ptrs);
	return r;
}

struct msg_out
msg_out_approval_list(const struct msg_approval_list *b)
{
	return (struct msg_out){ enc_approval_list, b };
}
