/* SPDX-License-Identifier: ISC */
/*
 * msg_measure.h - ChildMeasure (Envelope field 120): start, extend or
 * end a court measure of one child; the reply is the case's CaseInfo
 * (msg_case.h) with its measures.  See msg.h for the conventions.
 * Every string the getter returns is non-NULL and passed
 * wire_measure.c's checks: case_id and child_id are UUIDs, action is
 * start|extend|end, type "" or a measure.h type (required to start),
 * dates "" or YYYY-MM-DD (decision_date required to start and to
 * extend), record_id a UUID to start and "" or a UUID otherwise, and
 * measure_id 0 to start, 1..INT64_MAX to extend or end.
 */
#ifndef MSG_MEASURE_H
#define MSG_MEASURE_H

#include <stdint.h>

#include "msg.h"

struct msg_child_measure {
	const char	*case_id;
	const char	*child_id;	/* the child's person record_id */
	const char	*action;	/* start | extend | end */
	uint64_t	 measure_id;	/* extend, end */
	const char	*type;
	const char	*decision_date;
	const char	*start_date;	/* "": the decision date */
	const char	*end_date;	/* start, extend: the end; end: the day */
	const char	*birth_date;	/* the child's; a voogdij needs it */
	const char	*record_id;	/* the sealed measure record */
};

int		msg_get_child_measure(const struct msg *,
		    struct msg_child_measure *);
struct msg_out	msg_out_child_measure(const struct msg_child_measure *);

#endif /* MSG_MEASURE_H */
