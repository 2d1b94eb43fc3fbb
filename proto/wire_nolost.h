/* SPDX-License-Identifier: ISC */
/*
 * wire_nolost.h - validation of the fields that keep written work from
 * being lost (docs/PROTOCOL.md, "Access mode" and "Late and held
 * changes"): ChangeResult.late/held/discarded/decided_by,
 * PullResponse.case_access and PurgeReceipt.held/held_changes.  Called
 * by wire.c's validators before any other code sees these messages.
 */
#ifndef WIRE_NOLOST_H
#define WIRE_NOLOST_H

#include "wire.h"

#define WIRE_ACCESS_MAX		1000	/* CaseAccess per PullResponse */
#define WIRE_HELD_MAX		100000	/* PurgeReceipt.held_changes */

/* 1 if the ChangeResult's flags are consistent and decided_by bounded. */
int	wire_nolost_result_ok(const Casesync__V1__ChangeResult *);
/* 1 if PullResponse.case_access is within bounds and well formed. */
int	wire_nolost_pull_ok(const Casesync__V1__PullResponse *);
/* 1 if the PurgeReceipt is well formed (held or a real receipt). */
int	wire_nolost_receipt_ok(const Casesync__V1__PurgeReceipt *);
/* 1 if "mode" is one of handover, glass, read_only. */
int	wire_access_mode_ok(const char *mode);

#endif /* WIRE_NOLOST_H */
