/* SPDX-License-Identifier: ISC */
/*
 * msg_case.c - CaseState, CaseInfoRequest, CaseInfo, CaseListRequest
 * and CaseList (see msg_case.h).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "lifecycle.h"
#include "measure.h"
#include "msg_case.h"
#include "msg_case_pb.h"
#include "wire.h"

_Static_assert(MSG_DEADLINES_MAX == LC_DEADLINES_MAX + MS_DEADLINES_MAX,
    "MSG_DEADLINES_MAX");
_Static_assert(MSG_MEASURES_MAX == MS_MEASURES_MAX, "MSG_MEASURES_MAX");
_Static_assert(MSG_CASES_MAX == WIRE_CASES_MAX, "MSG_CASES_MAX");

void
msg_case_info_get(const Casesync__V1__CaseInfo *in, struct msg_case_info *out)
{
	memset(out, 0, sizeof(*out));
	out->case_id = in->case_id;
	out->frame = in->frame;
	out->state = in->state;
	out->state_since = in->state_since;
	out->drang_start = in->drang_start;
	out->measure_start = in->measure_start;
	out->end_date = in->end_date;
	out->extended = in->extended != 0;
	out->approved_by = in->approved_by;
	out->regisseur = in->regisseur;
	out->close_reason = in->close_reason;
	out->closed_on = in->closed_on;
	out->retention_until = in->retention_until;
	/* wire_case_info_ok(): in bounds, each present */
	out->n_deadlines = in->n_deadlines;
	out->n_measures = in->n_measures;
	out->raw = in;
}

void
msg_case_deadline(const struct msg_case_info *ci, size_t i,
    struct msg_case_deadline *out)
{
	const Casesync__V1__CaseInfo	*in = ci->raw;
	const Casesync__V1__CaseDeadline *d;

	memset(out, 0, sizeof(*out));
	if (i >= ci->n_deadlines)
		return;
	if (in == NULL) {
		*out = ci->deadlines[i];
		if (out->child_id == NULL)
			out->child_id = "";
		return;
	}
	d = in->deadlines[i];
	out->kind = d->kind;
	out->due = d->due;
	out->days_left = d->days_left;
	out->child_id = d->child_id;
}

void
msg_case_measure(const struct msg_case_info *ci, size_t i,
    struct msg_measure_info *out)
{
	const Casesync__V1__CaseInfo		*in = ci->raw;
	const Casesync__V1__ChildMeasureInfo	*m;

	memset(out, 0, sizeof(*out));
	if (i >= ci->n_measures)
		return;
	if (in == NULL) {
		*out = ci->measures[i];
		return;
	}
	m = in->measures[i];
	out->measure_id = m->measure_id;
	out->child_id = m->child_id;
	out->type = m->type;
	out->decision_date = m->decision_date;
	out->start_date = m->start_date;
	out->end_date = m->end_date;
	out->status = m->status;
	out->extensions = m->extensions;
	out->record_id = m->record_id;
	out->ended_on = m->ended_on;
}

void
msg_case_info_pb_free(struct msg_case_info_pb *pb)
{
	free(pb->dl);
	free(pb->dlp);
	free(pb->ms);
	free(pb->msp);
	pb->dl = NULL;
	pb->dlp = NULL;
	pb->ms = NULL;
	pb->msp = NULL;
}

static void
msg_measure_put(const struct msg_measure_info *in,
    Casesync__V1__ChildMeasureInfo *m)
{
	casesync__v1__child_measure_info__init(m);
	m->measure_id = in->measure_id;
	m->child_id = PB_STR(in->child_id);
	m->type = PB_STR(in->type);
	m->decision_date = PB_STR(in->decision_date);
	m->start_date = PB_STR(in->start_date);
	m->end_date = PB_STR(in->end_date);
	m->status = PB_STR(in->status);
	m->extensions = in->extensions;
	m->record_id = PB_STR(in->record_id);
	m->ended_on = PB_STR(in->ended_on);
}

int
msg_case_info_put(const struct msg_case_info *in, struct msg_case_info_pb *pb)
{
	Casesync__V1__CaseInfo	*ci = &pb->info;
	struct msg_case_deadline d;
	struct msg_measure_info	 mi;
	size_t			 i;

	memset(pb, 0, sizeof(*pb));
	if (in->n_deadlines > MSG_DEADLINES_MAX ||
	    in->n_measures > MSG_MEASURES_MAX)
		return CS_ERR_INTERNAL;
	if ((in->n_deadlines > 0 &&
	    ((pb->dl = calloc(in->n_deadlines, sizeof(*pb->dl))) == NULL ||
	    (pb->dlp = calloc(in->n_deadlines, sizeof(*pb->dlp))) == NULL)) ||
	    (in->n_measures > 0 &&
	    ((pb->ms = calloc(in->n_measures, sizeof(*pb->ms))) == NULL ||
	    (pb->msp = calloc(in->n_measures, sizeof(*pb->msp))) == NULL))) {
		msg_case_info_pb_free(pb);
		return CS_ERR_ALLOC;
	}
	casesync__v1__case_info__init(ci);
	ci->case_id = PB_STR(in->case_id);
	ci->frame = PB_STR(in->frame);
	ci->state = PB_STR(in->state);
	ci->state_since = PB_STR(in->state_since);
	ci->drang_start = PB_STR(in->drang_start);
	ci->measure_start = PB_STR(in->measure_start);
	ci->end_date = PB_STR(in->end_date);
	ci->extended = in->extended != 0;
	ci->approved_by = PB_STR(in->approved_by);
	ci->regisseur = PB_STR(in->regisseur);
	ci->close_reason = PB_STR(in->close_reason);
	ci->closed_on = PB_STR(in->closed_on);
	ci->retention_until = PB_STR(in->retention_until);
	for (i = 0; i < in->n_deadlines; i++) {
		msg_case_deadline(in, i, &d);
		casesync__v1__case_deadline__init(&pb->dl[i]);
		pb->dl[i].kind = PB_STR(d.kind);
		pb->dl[i].due = PB_STR(d.due);
		pb->dl[i].days_left = d.days_left;
		pb->dl[i].child_id = PB_STR(d.child_id);
		pb->dlp[i] = &pb->dl[i];
	}
	ci->deadlines = pb->dlp;
	ci->n_deadlines = in->n_deadlines;
	for (i = 0; i < in->n_measures; i++) {
		msg_case_measure(in, i, &mi);
		msg_measure_put(&mi, &pb->ms[i]);
		pb->msp[i] = &pb->ms[i];
	}
	ci->measures = pb->msp;
	ci->n_measures = in->n_measures;
	return 0;
}

int
msg_get_case_state(const struct msg *m, struct msg_case_state *out)
{
	const wire_env	*env = msg_env(m);

	if (env->msg_case != CASESYNC__V1__ENVELOPE__MSG_CASE_STATE)
		return CS_ERR_PROTOCOL;
	out->case_id = env->case_state->case_id;
	out->to_state = env->case_state->to_state;
	out->effective_date = env->case_state->effective_date;
	out->end_date = env->case_state->end_date;
	out->reason = env->case_state->reason;
	out->approved_by = env->case_state->approved_by;
	return 0;
}

static int
enc_case_state(uint32_t id, const void *body, size_t max, struct buf *out)
{
	const struct msg_case_state	*b = body;
	wire_env			 env;
	Casesync__V1__CaseState		 cs;

	casesync__v1__case_state__init(&cs);
	cs.case_id = PB_STR(b->case_id);
	cs.to_state = PB_STR(b->to_state);
	cs.effective_date = PB_STR(b->effective_date);
	cs.end_date = PB_STR(b->end_date);
	cs.reason = PB_STR(b->reason);
	cs.approved_by = PB_STR(b->approved_by);
	PB_ENV(case_state, CASESYNC__V1__ENVELOPE__MSG_CASE_STATE, &cs);
	return wire_encode(&env, max, out);
}

struct msg_out
msg_out_case_state(const struct msg_case_state *b)
{
	return (struct msg_out){ enc_case_state, b };
}

int
msg_get_case_info_request(const struct msg *m,
    struct msg_case_info_request *out)
{
	const wire_env	*env = msg_env(m);

	if (env->msg_case != CASESYNC__V1__ENVELOPE__MSG_CASE_INFO_REQUEST)
		return CS_ERR_PROTOCOL;
	out->case_id = env->case_info_request->case_id;
	return 0;
}

static int
enc_case_info_request(uint32_t id, const void *body, size_t max,
    struct buf *out)
{
	const struct msg_case_info_request	*b = body;
	wire_env				 env;
	Casesync__V1__CaseInfoRequest		 rq;

	casesync__v1__case_info_request__init(&rq);
	rq.case_id = PB_STR(b->case_id);
	PB_ENV(case_info_request,
	    CASESYNC__V1__ENVELOPE__MSG_CASE_INFO_REQUEST, &rq);
	return wire_encode(&env, max, out);
}

struct msg_out
msg_out_case_info_request(const struct msg_case_info_request *b)
{
	return (struct msg_out){ enc_case_info_request, b };
}

int
msg_get_case_info(const struct msg *m, struct msg_case_info *out)
{
	const wire_env	*env = msg_env(m);

	if (env->msg_case != CASESYNC__V1__ENVELOPE__MSG_CASE_INFO)
		return CS_ERR_PROTOCOL;
	msg_case_info_get(env->case_info, out);
	return 0;
}

static int
enc_case_info(uint32_t id, const void *body, size_t max, struct buf *out)
{
	struct msg_case_info_pb	pb;
	wire_env		env;
	int			r;

	if ((r = msg_case_info_put(body, &pb)) != 0)
		return r;
	PB_ENV(case_info, CASESYNC__V1__ENVELOPE__MSG_CASE_INFO, &pb.info);
	r = wire_encode(&env, max, out);
	msg_case_info_pb_free(&pb);
	return r;
}

struct msg_out
msg_out_case_info(const struct msg_case_info *b)
{
	return (struct msg_out){ enc_case_info, b };
}

int
msg_get_case_list_request(const struct msg *m,
    struct msg_case_list_request *out)
{
	const wire_env	*env = msg_env(m);

	if (env->msg_case != CASESYNC__V1__ENVELOPE__MSG_CASE_LIST_REQUEST)
		return CS_ERR_PROTOCOL;
	out->after = env->case_list_request->after;
	return 0;
}

static int
enc_case_list_request(uint32_t id, const void *body, size_t max,
    struct buf *out)
{
	const struct msg_case_list_request	*b = body;
	wire_env				 env;
	Casesync__V1__CaseListRequest		 lr;

	casesync__v1__case_list_request__init(&lr);
	lr.after = PB_STR(b->after);
	PB_ENV(case_list_request,
	    CASESYNC__V1__ENVELOPE__MSG_CASE_LIST_REQUEST, &lr);
	return wire_encode(&env, max, out);
}

struct msg_out
msg_out_case_list_request(const struct msg_case_list_request *b)
{
	return (struct msg_out){ enc_case_list_request, b };
}

int
msg_get_case_list(const struct msg *m, struct msg_case_list *out)
{
	const wire_env	*env = msg_env(m);

	if (env->msg_case != CASESYNC__V1__ENVELOPE__MSG_CASE_LIST)
		return CS_ERR_PROTOCOL;
	out->cases = NULL;
	out->n_cases = env->case_list->n_cases;
	out->more = env->case_list->more != 0;
	return 0;
}

int
msg_case_list_item(const struct msg *m, size_t i, struct msg_case_info *out)
{
	const wire_env	*env = msg_env(m);

	if (env->msg_case != CASESYNC__V1__ENVELOPE__MSG_CASE_LIST ||
	    i >= env->case_list->n_cases)
		return CS_ERR_PROTOCOL;
	msg_case_info_get(env->case_list->cases[i], out);
	return 0;
}

static int
enc_case_list(uint32_t id, const void *body, size_t max, struct buf *out)
{
	const struct msg_case_list	*b = body;
	struct msg_case_info_pb		*pb = NULL;
	Casesync__V1__CaseInfo		**ptrs = NULL;
	Casesync__V1__CaseList		 cl;
	wire_env			 env;
	size_t				 i;
	int				 r = CS_ERR_ALLOC;

	if (b->n_cases > MSG_CASES_MAX || (b->more && b->n_cases == 0))
		return CS_ERR_INTERNAL;
	if (b->n_cases > 0 &&
	    ((pb = calloc(b->n_cases, sizeof(*pb))) == NULL ||
	    (ptrs = calloc(b->n_cases, sizeof(*ptrs))) == NULL))
		goto out;
	for (i = 0; i < b->n_cases; i++) {
		if ((r = msg_case_info_put(&b->cases[i], &pb[i])) != 0)
			goto out;
		ptrs[i] = &pb[i].info;
	}
	casesync__v1__case_list__init(&cl);
	cl.cases = ptrs;
	cl.n_cases = b->n_cases;
	cl.more = b->more != 0;
	PB_ENV(case_list, CASESYNC__V1__ENVELOPE__MSG_CASE_LIST, &cl);
	r = wire_encode(&env, max, out);
 out:
	for (i = 0; pb != NULL && i < b->n_cases; i++)
		msg_case_info_pb_free(&pb[i]);
	free(pb);
	free(ptrs);
	return r;
}

struct msg_out
msg_out_case_list(const struct msg_case_list *b)
{
	return (struct msg_out){ enc_case_list, b };
}
