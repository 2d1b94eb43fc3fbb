/* SPDX-License-Identifier: ISC */
/*
 * reportnames.h - how the reports made on this laptop (`casesync report
 * inzage`, `report raad`, `report verlenging`) name the institution's
 * professionals: by name (with the role) or by role only, as the
 * server's configuration says (report_names = names|roles,
 * docs/CONFIG.md).  The server sends it in every Welcome
 * (report_names, proto field 10); the laptop keeps the last value it
 * was sent in its vault, so a report made offline follows it too.
 *
 * Only professionals (authors of records, readers in the audit log,
 * the regisseur, assessors, approvers) are named this way; the family's
 * people and the partners' contacts are the dossier's content and are
 * shown as they are.  Functions return 0 or a negative CS_ERR_*.
 */
#ifndef REPORTNAMES_H
#define REPORTNAMES_H

#include <stddef.h>

struct msg;
struct vault;

enum reportnames {
	REPORTNAMES_NAMES = 0,	/* the default, and when never told */
	REPORTNAMES_ROLES
};

#define REPORTNAMES_SECRET	"report_names"	/* in the vault */
#define REPORTNAMES_WHO_MAX	320		/* reportnames_who() */

/*
 * The setting of a Welcome's word: "" or "names" names, "roles" roles,
 * and any other word (a newer server's) roles: the reading that shows
 * less.
 */
enum reportnames reportnames_parse(const char *word);

/*
 * Keep the setting of "welcome" (a Welcome reply to this device:
 * has_identity) in the vault when it differs from the one kept.  A
 * Welcome without identity changes nothing.
 */
int	reportnames_welcome(struct vault *, const struct msg *welcome);

/* The setting kept (REPORTNAMES_NAMES when none is). */
int	reportnames_get(struct vault *, enum reportnames *out);

/*
 * A role as a report shows it: the role's name (jeugdbeschermer,
 * gedragswetenschapper, teamleider, auditor, beheerder), "medewerker"
 * for one that is empty or not one of these.  Static text.
 */
const char *reportnames_role(const char *role);

/*
 * A professional as a report shows them, into dst (len bytes, at least
 * REPORTNAMES_WHO_MAX for no truncation): with names, "NAME (ROLE)",
 * or "NAME" when the role is not known ("" or NULL); with roles, the
 * role alone (reportnames_role).  A NULL or empty name shows the role.
 * Returns dst.
 */
const char *reportnames_who(enum reportnames, const char *name,
	    const char *role, char *dst, size_t len);

#endif /* REPORTNAMES_H */
