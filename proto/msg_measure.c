/* SPDX-License-Identifier: ISC */
/*
 * msg_measure.c - ChildMeasure (see msg_measure.h).
 */
#include <stdint.h>

#include "errors.h"
#include "msg_int.h"
#include "msg_measure.h"
#include "wire.h"

int
msg_get_child_measure(const struct msg *m, struct msg_child_measure *out)
{
	const wire_env				*env = msg_env(m);
	const Casesync__V1__ChildMeasure	*cm;

	if (env->msg_case != CASESYNC__V1__ENVELOPE__MSG_CHILD_MEASURE)
		return CS_ERR_PROTOCOL;
	cm = env->child_measure;
	out->case_id = cm->case_id;
	out->child_id = cm->child_id;
	out->action = cm->action;
	out->measure_id = cm->measure_id;
	out->type = cm->type;
	out->decision_date = cm->decision_date;
	out->start_date = cm->start_date;
	out->end_date = cm->end_date;
	out->birth_date = cm->birth_date;
	out->record_id = cm->record_id;
	return 0;
}

static int
enc_child_measure(uint32_t id, const void *body, size_t max, struct buf *out)
{
	const struct msg_child_measure	*b = body;
	wire_env			 env;
	Casesync__V1__ChildMeasure	 cm;

	casesync__v1__child_measure__init(&cm);
	cm.case_id = PB_STR(b->case_id);
	cm.child_id = PB_STR(b->child_id);
	cm.action = PB_STR(b->action);
	cm.measure_id = b->measure_id;
	cm.type = PB_STR(b->type);
	cm.decision_date = PB_STR(b->decision_date);
	cm.start_date = PB_STR(b->start_date);
	cm.end_date = PB_STR(b->end_date);
	cm.birth_date = PB_STR(b->birth_date);
	cm.record_id = PB_STR(b->record_id);
	PB_ENV(child_measure, CASESYNC__V1__ENVELOPE__MSG_CHILD_MEASURE, &cm);
	return wire_encode(&env, max, out);
}

struct msg_out
msg_out_child_measure(const struct msg_child_measure *b)
{
	return (struct msg_out){ enc_child_measure, b };
}
