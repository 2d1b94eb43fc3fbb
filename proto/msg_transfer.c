/* SPDX-License-Identifier: ISC */
/*
 * msg_transfer.c - the transfer, team and break-the-glass messages (see
 * msg_transfer.h).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "msg_case_pb.h"
#include "msg_transfer.h"
#include "wire.h"
#include "wire_transfer.h"

#define SAME(a, b)	_Static_assert((int)(a) == (int)(b), #a)
SAME(MSG_TRANSFER_ACCEPT, CASESYNC__V1__TRANSFER_ACTION__TRANSFER_ACCEPT);
SAME(MSG_TRANSFER_REJECT, CASESYNC__V1__TRANSFER_ACTION__TRANSFER_REJECT);
SAME(MSG_TRANSFER_REVOKE, CASESYNC__V1__TRANSFER_ACTION__TRANSFER_REVOKE);
SAME(MSG_TEXT_MAX, WIRE_TEXT_MAX);
SAME(MSG_TRANSFERS_MAX, WIRE_TRANSFERS_MAX);
SAME(MSG_GLASS_USES_MAX, WIRE_GLASS_USES_MAX);
#undef SAME

int
msg_transfer_reason_ok(const char *s)
{
	return wire_transfer_reason_ok(s);
}

int
msg_text_ok(const char *s)
{
	return wire_text_ok(s);
}

int
msg_get_transfer_request(const struct msg *m, struct msg_transfer_request *out)
{
	const wire_env	*env = msg_env(m);

	if (env->msg_case != CASESYNC__V1__ENVELOPE__MSG_TRANSFER_REQUEST)
		return CS_ERR_PROTOCOL;
	out->case_id = env->transfer_request->case_id;
	out->to_office = env->transfer_request->to_office;
	out->reason = env->transfer_request->reason;
	out->note = env->transfer_request->note;
	return 0;
}

static int
enc_transfer_request(uint32_t id, const void *body, size_t max,
    struct buf *out)
{
	const struct msg_transfer_request	*b = body;
	Casesync__V1__TransferRequest		 tr;
	wire_env				 env;

	casesync__v1__transfer_request__init(&tr);
	tr.case_id = PB_STR(b->case_id);
	tr.to_office = PB_STR(b->to_office);
	tr.reason = PB_STR(b->reason);
	tr.note = PB_STR(b->note);
	PB_ENV(transfer_request,
	    CASESYNC__V1__ENVELOPE__MSG_TRANSFER_REQUEST, &tr);
	return wire_encode(&env, max, out);
}

struct msg_out
msg_out_transfer_request(const struct msg_transfer_request *b)
{
	return (struct msg_out){ enc_transfer_request, b };
}

int
msg_get_transfer_decision(const struct msg *m,
    struct msg_transfer_decision *out)
{
	const wire_env	*env = msg_env(m);

	if (env->msg_case != CASESYNC__V1__ENVELOPE__MSG_TRANSFER_DECISION)
		return CS_ERR_PROTOCOL;
	/* wire_transfer.c: 1..INT64_MAX, one of the three actions */
	out->transfer_id = (int64_t)env->transfer_decision->transfer_id;
	out->action = (enum msg_transfer_action)
	    env->transfer_decision->action;
	out->regisseur = env->transfer_decision->regisseur;
	out->reason = env->transfer_decision->reason;
	return 0;
}

static int
enc_transfer_decision(uint32_t id, const void *body, size_t max,
    struct buf *out)
{
	const struct msg_transfer_decision	*b = body;
	Casesync__V1__TransferDecision		 td;
	wire_env				 env;

	if (b->transfer_id < 0)
		return CS_ERR_INTERNAL;
	casesync__v1__transfer_decision__init(&td);
	td.transfer_id = (uint64_t)b->transfer_id;
	td.action = (Casesync__V1__TransferAction)b->action;
	td.regisseur = PB_STR(b->regisseur);
	td.reason = PB_STR(b->reason);
	PB_ENV(transfer_decision,
	    CASESYNC__V1__ENVELOPE__MSG_TRANSFER_DECISION, &td);
	return wire_encode(&env, max, out);
}

struct msg_out
msg_out_transfer_decision(const struct msg_transfer_decision *b)
{
	return (struct msg_out){ enc_transfer_decision, b };
}

static void
transfer_info_get(const Casesync__V1__TransferInfo *in,
    struct msg_transfer_info *out)
{
	memset(out, 0, sizeof(*out));
	out->transfer_id = (int64_t)in->transfer_id;	/* wire_transfer.c */
	out->case_id = in->case_id;
	out->state = in->state;
	out->reason = in->reason;
	out->note = in->note;
	out->from_office = in->from_office;
	out->to_office = in->to_office;
	out->requested_by = in->requested_by;
	out->requested_at = in->requested_at;
	out->decided_by = in->decided_by;
	out->decided_at = in->decided_at;
	out->rejection = in->rejection;
	out->new_regisseur = in->new_regisseur;
	out->window_end = in->window_end;
	out->completed_at = in->completed_at;
	out->purges_pending = in->purges_pending;
	if (in->case_info != NULL) {
		out->has_case_info = 1;
		msg_case_info_get(in->case_info, &out->case_info);
	}
	out->records = in->records;
	out->person_records = in->person_records;
	out->measure_records = in->measure_records;
	out->regisseur = in->regisseur;
}

/* The generated form of one TransferInfo, pointing into "in" and "pb". */
struct transfer_info_pb {
	Casesync__V1__TransferInfo	info;
	struct msg_case_info_pb		ci;
};

static int
transfer_info_put(const struct msg_transfer_info *in,
    struct transfer_info_pb *pb)
{
	Casesync__V1__TransferInfo	*t = &pb->info;
	int				 r;

	memset(&pb->ci, 0, sizeof(pb->ci));
	if (in->transfer_id < 0)
		return CS_ERR_INTERNAL;
	casesync__v1__transfer_info__init(t);
	t->transfer_id = (uint64_t)in->transfer_id;
	t->case_id = PB_STR(in->case_id);
	t->state = PB_STR(in->state);
	t->reason = PB_STR(in->reason);
	t->note = PB_STR(in->note);
	t->from_office = PB_STR(in->from_office);
	t->to_office = PB_STR(in->to_office);
	t->requested_by = PB_STR(in->requested_by);
	t->requested_at = in->requested_at;
	t->decided_by = PB_STR(in->decided_by);
	t->decided_at = in->decided_at;
	t->rejection = PB_STR(in->rejection);
	t->new_regisseur = PB_STR(in->new_regisseur);
	t->window_end = in->window_end;
	t->completed_at = in->completed_at;
	t->purges_pending = in->purges_pending;
	if (in->has_case_info) {
		if ((r = msg_case_info_put(&in->case_info, &pb->ci)) != 0)
			return r;
		t->case_info = &pb->ci.info;
	}
	t->records = in->records;
	t->person_records = in->person_records;
	t->measure_records = in->measure_records;
	t->regisseur = PB_STR(in->regisseur);
	return 0;
}

int
msg_get_transfer_info(const struct msg *m, struct msg_transfer_info *out)
{
	const wire_env	*env = msg_env(m);

	if (env->msg_case != CASESYNC__V1__ENVELOPE__MSG_TRANSFER_INFO)
		return CS_ERR_PROTOCOL;
	transfer_info_get(env->transfer_info, out);
	return 0;
}

static int
enc_transfer_info(uint32_t id, const void *body, size_t max, struct buf *out)
{
	struct transfer_info_pb	pb;
	wire_env		env;
	int			r;

	if ((r = transfer_info_put(body, &pb)) == 0) {
		PB_ENV(transfer_info, CASESYNC__V1__ENVELOPE__MSG_TRANSFER_INFO,
		    &pb.info);
		r = wire_encode(&env, max, out);
	}
	msg_case_info_pb_free(&pb.ci);
	return r;
}

struct msg_out
msg_out_transfer_info(const struct msg_transfer_info *b)
{
	return (struct msg_out){ enc_transfer_info, b };
}

int
msg_get_transfer_list_request(const struct msg *m,
    struct msg_transfer_list_request *out)
{
	const wire_env	*env = msg_env(m);

	if (env->msg_case !=
	    CASESYNC__V1__ENVELOPE__MSG_TRANSFER_LIST_REQUEST)
		return CS_ERR_PROTOCOL;
	/* wire_transfer.c: <= INT64_MAX */
	out->after = (int64_t)env->transfer_list_request->after;
	return 0;
}

static int
enc_transfer_list_request(uint32_t id, const void *body, size_t max,
    struct buf *out)
{
	const struct msg_transfer_list_request	*b = body;
	Casesync__V1__TransferListRequest	 lr;
	wire_env				 env;

	if (b->after < 0)
		return CS_ERR_INTERNAL;
	casesync__v1__transfer_list_request__init(&lr);
	lr.after = (uint64_t)b->after;
	PB_ENV(transfer_list_request,
	    CASESYNC__V1__ENVELOPE__MSG_TRANSFER_LIST_REQUEST, &lr);
	return wire_encode(&env, max, out);
}

struct msg_out
msg_out_transfer_list_request(const struct msg_transfer_list_request *b)
{
	return (struct msg_out){ enc_transfer_list_request, b };
}

int
msg_get_transfer_list(const struct msg *m, struct msg_transfer_list *out)
{
	const wire_env	*env = msg_env(m);

	if (env->msg_case != CASESYNC__V1__ENVELOPE__MSG_TRANSFER_LIST)
		return CS_ERR_PROTOCOL;
	out->transfers = NULL;
	out->n_transfers = env->transfer_list->n_transfers;
	out->more = env->transfer_list->more != 0;
	return 0;
}

int
msg_transfer_list_item(const struct msg *m, size_t i,
    struct msg_transfer_info *out)
{
	const wire_env	*env = msg_env(m);

	if (env->msg_case != CASESYNC__V1__ENVELOPE__MSG_TRANSFER_LIST ||
	    i >= env->transfer_list->n_transfers)
		return CS_ERR_PROTOCOL;
	transfer_info_get(env->transfer_list->transfers[i], out);
	return 0;
}

static int
enc_transfer_list(uint32_t id, const void *body, size_t max,
    struct buf *out)
{
	const struct msg_transfer_list	*b = body;
	struct transfer_info_pb		*pb = NULL;
	Casesync__V1__TransferInfo	**ptrs = NULL;
	Casesync__V1__TransferList	 tl;
	wire_env			 env;
	size_t				 i;
	int				 r = CS_ERR_ALLOC;

	if (b->n_transfers > MSG_TRANSFERS_MAX)
		return CS_ERR_INTERNAL;
	if (b->n_transfers > 0 &&
	    ((pb = calloc(b->n_transfers, sizeof(*pb))) == NULL ||
	    (ptrs = calloc(b->n_transfers, sizeof(*ptrs))) == NULL))
		goto out;
	for (i = 0; i < b->n_transfers; i++) {
		if ((r = transfer_info_put(&b->transfers[i], &pb[i])) != 0)
			goto out;
		ptrs[i] = &pb[i].info;
	}
	casesync__v1__transfer_list__init(&tl);
	tl.transfers = ptrs;
	tl.n_transfers = b->n_transfers;
	tl.more = b->more != 0;
	PB_ENV(transfer_list, CASESYNC__V1__ENVELOPE__MSG_TRANSFER_LIST,
	    &tl);
	r = wire_encode(&env, max, out);
 out:
	for (i = 0; pb != NULL && i < b->n_transfers; i++)
		msg_case_info_pb_free(&pb[i].ci);
	free(pb);
	free(ptrs);
	return r;
}

struct msg_out
msg_out_transfer_list(const struct msg_transfer_list *b)
{
	return (struct msg_out){ enc_transfer_list, b };
}

int
msg_get_team_assign(const struct msg *m, struct msg_team_assign *out)
{
	const wire_env	*env = msg_env(m);

	if (env->msg_case != CASESYNC__V1__ENVELOPE__MSG_TEAM_ASSIGN)
		return CS_ERR_PROTOCOL;
	out->case_id = env->team_assign->case_id;
	out->regisseur = env->team_assign->regisseur;
	return 0;
}

static int
enc_team_assign(uint32_t id, const void *body, size_t max, struct buf *out)
{
	const struct msg_team_assign	*b = body;
	Casesync__V1__TeamAssign	 ta;
	wire_env			 env;

	casesync__v1__team_assign__init(&ta);
	ta.case_id = PB_STR(b->case_id);
	ta.regisseur = PB_STR(b->regisseur);
	PB_ENV(team_assign, CASESYNC__V1__ENVELOPE__MSG_TEAM_ASSIGN, &ta);
	return wire_encode(&env, max, out);
}

struct msg_out
msg_out_team_assign(const struct msg_team_assign *b)
{
	return (struct msg_out){ enc_team_assign, b };
}

int
msg_get_glass_request(const struct msg *m, struct msg_glass_request *out)
{
	const wire_env	*env = msg_env(m);

	if (env->msg_case != CASESYNC__V1__ENVELOPE__MSG_GLASS_REQUEST)
		return CS_ERR_PROTOCOL;
	out->case_id = env->glass_request->case_id;
	out->reason = env->glass_request->reason;
	return 0;
}

static int
enc_glass_request(uint32_t id, const void *body, size_t max,
    struct buf *out)
{
	const struct msg_glass_request	*b = body;
	Casesync__V1__GlassRequest	 gr;
	wire_env			 env;

	casesync__v1__glass_request__init(&gr);
	gr.case_id = PB_STR(b->case_id);
	gr.reason = PB_STR(b->reason);
	PB_ENV(glass_request, CASESYNC__V1__ENVELOPE__MSG_GLASS_REQUEST,
	    &gr);
	return wire_encode(&env, max, out);
}

struct msg_out
msg_out_glass_request(const struct msg_glass_request *b)
{
	return (struct msg_out){ enc_glass_request, b };
}

int
msg_get_glass_grant(const struct msg *m, struct msg_glass_grant *out)
{
	const wire_env	*env = msg_env(m);

	if (env->msg_case != CASESYNC__V1__ENVELOPE__MSG_GLASS_GRANT)
		return CS_ERR_PROTOCOL;
	out->case_id = env->glass_grant->case_id;
	out->expires_at = env->glass_grant->expires_at;
	out->seq = env->glass_grant->seq;
	return 0;
}

static int
enc_glass_grant(uint32_t id, const void *body, size_t max, struct buf *out)
{
	const struct msg_glass_grant	*b = body;
	Casesync__V1__GlassGrant	 gg;
	wire_env			 env;

	casesync__v1__glass_grant__init(&gg);
	gg.case_id = PB_STR(b->case_id);
	gg.expires_at = b->expires_at;
	gg.seq = b->seq;
	PB_ENV(glass_grant, CASESYNC__V1__ENVELOPE__MSG_GLASS_GRANT, &gg);
	return wire_encode(&env, max, out);
}

struct msg_out
msg_out_glass_grant(const struct msg_glass_grant *b)
{
	return (struct msg_out){ enc_glass_grant, b };
}

int
msg_get_glass_list_request(const struct msg *m,
    struct msg_glass_list_request *out)
{
	const wire_env	*env = msg_env(m);

	if (env->msg_case != CASESYNC__V1__ENVELOPE__MSG_GLASS_LIST_REQUEST)
		return CS_ERR_PROTOCOL;
	out->after = env->glass_list_request->after;
	return 0;
}

static int
enc_glass_list_request(uint32_t id, const void *body, size_t max,
    struct buf *out)
{
	const struct msg_glass_list_request	*b = body;
	Casesync__V1__GlassListRequest		 q;
	wire_env				 env;

	casesync__v1__glass_list_request__init(&q);
	q.after = b->after;
	PB_ENV(glass_list_request,
	    CASESYNC__V1__ENVELOPE__MSG_GLASS_LIST_REQUEST, &q);
	return wire_encode(&env, max, out);
}

struct msg_out
msg_out_glass_list_request(const struct msg_glass_list_request *b)
{
	return (struct msg_out){ enc_glass_list_request, b };
}

int
msg_get_glass_list(const struct msg *m, struct msg_glass_list *out)
{
	const wire_env	*env = msg_env(m);

	if (env->msg_case != CASESYNC__V1__ENVELOPE__MSG_GLASS_LIST)
		return CS_ERR_PROTOCOL;
	out->uses = NULL;
	out->n_uses = env->glass_list->n_uses;
	out->more = env->glass_list->more != 0;
	return 0;
}

int
msg_glass_list_item(const struct msg *m, size_t i, struct msg_glass_use *out)
{
	const wire_env			*env = msg_env(m);
	const Casesync__V1__GlassUse	*u;

	if (env->msg_case != CASESYNC__V1__ENVELOPE__MSG_GLASS_LIST ||
	    i >= env->glass_list->n_uses)
		return CS_ERR_PROTOCOL;
	u = env->glass_list->uses[i];
	out->id = u->id;
	out->case_id = u->case_id;
	out->user = u->user;
	out->user_office = u->user_office;
	out->reason = u->reason;
	out->granted_at = u->granted_at;
	out->expires_at = u->expires_at;
	out->ended_at = u->ended_at;
	return 0;
}

static int
enc_glass_list(uint32_t id, const void *body, size_t max, struct buf *out)
{
	const struct msg_glass_list	*b = body;
	Casesync__V1__GlassUse		*u = NULL, **ptrs = NULL;
	Casesync__V1__GlassList		 gl;
	wire_env			 env;
	size_t				 i;
	int				 r = CS_ERR_ALLOC;

	if (b->n_uses > MSG_GLASS_USES_MAX)
		return CS_ERR_INTERNAL;
	if (b->n_uses > 0 && ((u = calloc(b->n_uses, sizeof(*u))) == NULL ||
	    (ptrs = calloc(b->n_uses, sizeof(*ptrs))) == NULL))
		goto out;
	for (i = 0; i < b->n_uses; i++) {
		casesync__v1__glass_use__init(&u[i]);
		u[i].id = b->uses[i].id;
		u[i].case_id = PB_STR(b->uses[i].case_id);
		u[i].user = PB_STR(b->uses[i].user);
		u[i].user_office = PB_STR(b->uses[i].user_office);
		u[i].reason = PB_STR(b->uses[i].reason);
		u[i].granted_at = b->uses[i].granted_at;
		u[i].expires_at = b->uses[i].expires_at;
		u[i].ended_at = b->uses[i].ended_at;
		ptrs[i] = &u[i];
	}
	casesync__v1__glass_list__init(&gl);
	gl.uses = ptrs;
	gl.n_uses = b->n_uses;
	gl.more = b->more != 0;
	PB_ENV(glass_list, CASESYNC__V1__ENVELOPE__MSG_GLASS_LIST, &gl);
	r = wire_encode(&env, max, out);
 out:
	free(u);
	free(ptrs);
	return r;
}

struct msg_out
msg_out_glass_list(const struct msg_glass_list *b)
{
	return (struct msg_out){ enc_glass_list, b };
}
