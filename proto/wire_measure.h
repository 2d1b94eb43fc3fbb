/* SPDX-License-Identifier: ISC */
/*
 * wire_measure.h - validation of ChildMeasure (Envelope field 120) and
 * of the measures and per-child deadlines in a CaseInfo, called by
 * wire_decode() before any other code sees them.
 */
#ifndef WIRE_MEASURE_H
#define WIRE_MEASURE_H

#include "wire.h"

/* 1 if "e" carries ChildMeasure. */
int	wire_measure_msg(const wire_env *e);
/* 1 if every field of that message is present and well formed. */
int	wire_measure_ok(const wire_env *e);
/*
 * 1 if a CaseInfo's measures (at most MS_MEASURES_MAX, each a
 * ChildMeasureInfo with measure.h's names and real dates) and its
 * deadlines' child ids ("" or a UUID) are well formed.
 */
int	wire_case_measures_ok(const Casesync__V1__CaseInfo *m);

#endif /* WIRE_MEASURE_H */
