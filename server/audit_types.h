/* SPDX-License-Identifier: ISC */
/*
 * audit_types.h - the one list of the audit entry types casesyncd and
 * casesyncctl write (docs/AUDIT.md, "What is recorded").  A new type is
 * added here as well; tests/unit/test_audit_types.c checks that every
 * type named in server/ is in the list.
 */
#ifndef AUDIT_TYPES_H
#define AUDIT_TYPES_H

#include <stddef.h>

/* The types, sorted; audit_types_n of them. */
extern const char *const	audit_types[];
extern const size_t		audit_types_n;

/* 1 if "type" is in the list. */
int	audit_type_known(const char *type);

#endif /* AUDIT_TYPES_H */
