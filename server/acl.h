/* SPDX-License-Identifier: ISC */
/*
 * acl.h - the roles of a casesync deployment and what each may do: the
 * one place for the role rules of the server (DESIGN §2, §3).
 *
 * The database keeps a user's role as text (users.role); it is parsed
 * once, when the user's row is read (store_user_row), into an enum
 * role, and every rule asks a predicate here.  The store's queries
 * that apply a rule in SQL take its role names from the ACL_SQL_*
 * macros below, so a rule and its SQL form are side by side.  No
 * types of the store or of the handlers: both sides include this.
 */
#ifndef ACL_H
#define ACL_H

enum role {
	ROLE_NONE = 0,			/* not a role: may do nothing */
	ROLE_JEUGDBESCHERMER,		/* a case's regisseur or member */
	ROLE_GEDRAGSWETENSCHAPPER,	/* behavioural scientist: member */
	ROLE_TEAMLEIDER,		/* leads an office's cases */
	ROLE_AUDITOR,			/* reads the audit log only */
	ROLE_BEHEERDER,			/* administers; no case content */
};

#define ACL_ROLE_MAX	32	/* bytes of the longest role name */

/* The role named "name" (as stored), or ROLE_NONE. */
enum role	 role_parse(const char *name);
/* The stored name of "role"; "" for ROLE_NONE. */
const char	*role_name(enum role role);

/*
 * Leads her office's cases: sees and lists them all (closed ones
 * excepted), changes their members, approves state changes, requests,
 * accepts and rejects transfers, and holds the case key of every case
 * of her office and of an office transferring one to hers.
 */
int	acl_may_lead(enum role);
/* May register a new case (and be its first regisseur while she is). */
int	acl_may_create_case(enum role);
/* May be a member and hold case content and keys at all. */
int	acl_may_hold_case(enum role);
/* May take glass access (break the glass) to a case: reads case files. */
int	acl_may_glass(enum role);

/*
 * The same rules in SQL, for the store's queries on users.role (text).
 * Keep them equal to the predicates above.
 */
#define ACL_SQL_LEAD		"'teamleider'"	/* acl_may_lead */
/* may be named a case's regisseur (transfer, team assign, handover) */
#define ACL_SQL_REGISSEUR	"'jeugdbeschermer'"
/* not acl_may_hold_case */
#define ACL_SQL_NO_CASES	"('auditor', 'beheerder')"

#endif /* ACL_H */
