/* SPDX-License-Identifier: ISC */
/*
 * wire_report.h - validation of the management figures (Envelope
 * fields 130, 131): ReportRequest and ReportReply, called by
 * wire_decode() before any other code sees them.
 */
#ifndef WIRE_REPORT_H
#define WIRE_REPORT_H

#include "wire.h"

#define WIRE_REPORT_GROUPS_MAX	4096	/* ReportGroup per ReportReply */
#define WIRE_REPORT_MONTHS_MAX	65536	/* ReportMonth per ReportReply */

/* 1 if "e" carries ReportRequest or ReportReply. */
int	wire_report_msg(const wire_env *e);
/* 1 if every field of that message is present and well formed. */
int	wire_report_ok(const wire_env *e);
/* 1 if "s" is "" or an office name (1..WIRE_STR_MAX bytes, no controls). */
int	wire_report_office_ok(const char *s);

#endif /* WIRE_REPORT_H */
