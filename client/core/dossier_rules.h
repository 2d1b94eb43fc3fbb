/* SPDX-License-Identifier: ISC */
/*
 * dossier_rules.h - checks of a record beyond its single values
 * (dossier_rules.c), run by dossier.c before a write:
 *  - partner: basis consent needs consent_date and consent_scope, a
 *    legal basis needs legal_basis; withdrawn_on not before consent;
 *  - escalation: caused_state against the case's lifecycle metadata
 *    when the laptop has it (caused_on defaults to the day the case
 *    entered that state);
 *  - escalation_outcome: its escalation (and measure) are records of
 *    the same case; the outcome not before the escalation;
 *  - report: a verlenging names its child, a child of the case.
 * And whether the laptop's copy of a case says it is GESLOTEN.
 */
#ifndef DOSSIER_RULES_H
#define DOSSIER_RULES_H

#include <sqlite3.h>

struct body;
struct schema_kind;

struct dossier_rule {
	const char	*field;		/* the field refused, static */
	char		 why[160];	/* a sentence, no values of the case */
};

/*
 * 0, or CS_ERR_USAGE with *out set, or another CS_ERR_* (database).
 * May add a default to "b" (an escalation's caused_on).
 */
int	dossier_rules(sqlite3 *, const char *case_id,
	    const struct schema_kind *k, struct body *b,
	    struct dossier_rule *out);
/* *closed = 1 if the laptop's metadata of the case says GESLOTEN. */
int	dossier_closed(sqlite3 *, const char *case_id, int *closed);

#endif /* DOSSIER_RULES_H */
