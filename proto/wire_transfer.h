/* SPDX-License-Identifier: ISC */
/*
 * wire_transfer.h - validation of the transfer, team and break-the-glass
 * messages (Envelope fields 70..79), called by wire_decode() before any
 * other code sees them.  Kept apart from wire.c so that the transfer
 * messages have one home.
 */
#ifndef WIRE_TRANSFER_H
#define WIRE_TRANSFER_H

#include "wire.h"

#define WIRE_TEXT_MAX		512	/* note, rejection, glass reason */
#define WIRE_TRANSFERS_MAX	500	/* TransferInfo per TransferList */
#define WIRE_GLASS_USES_MAX	200	/* GlassUse per GlassList */

/* 1 if "e" carries one of the messages 70..79, 100 and 101. */
int	wire_transfer_msg(const wire_env *e);
/* 1 if every field of that message is present and well formed. */
int	wire_transfer_ok(const wire_env *e);
/* 1 if "s" is one of moved, capacity, expertise, other. */
int	wire_transfer_reason_ok(const char *s);
/* 1 if "s" is 1..WIRE_TEXT_MAX bytes of printable UTF-8. */
int	wire_text_ok(const char *s);

#endif /* WIRE_TRANSFER_H */
