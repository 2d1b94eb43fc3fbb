/* SPDX-License-Identifier: ISC */
/*
 * wire_approval.h - validation of the approval messages (Envelope
 * fields 121..125): ApprovalRequest, ApprovalDecision, ApprovalInfo,
 * ApprovalListRequest and ApprovalList, called by wire_decode() before
 * any other code sees them; and the closing reasons, which CaseInfo
 * carries too.
 */
#ifndef WIRE_APPROVAL_H
#define WIRE_APPROVAL_H

#include "wire.h"

#define WIRE_APPROVALS_MAX	500	/* ApprovalInfo per ApprovalList */

/* 1 if "e" carries one of the messages 121..125. */
int	wire_approval_msg(const wire_env *e);
/* 1 if every field of that message is present and well formed. */
int	wire_approval_ok(const wire_env *e);
/* 1 if "s" is drang_extension, assessment_cosign or case_close. */
int	wire_approval_kind_ok(const char *s);
/* 1 if "s" is doel_bereikt, maatregel, verhuisd, overleden or other. */
int	wire_close_reason_ok(const char *s);

#endif /* WIRE_APPROVAL_H */
