/* SPDX-License-Identifier: ISC */
/*
 * acl.c - roles and the rules by role (see acl.h).
 */
#include <string.h>

#include "acl.h"

static const char *const acl_roles[] = {
	[ROLE_NONE]			= "",
	[ROLE_JEUGDBESCHERMER]		= "jeugdbeschermer",
	[ROLE_GEDRAGSWETENSCHAPPER]	= "gedragswetenschapper",
	[ROLE_TEAMLEIDER]		= "teamleider",
	[ROLE_AUDITOR]			= "auditor",
	[ROLE_BEHEERDER]		= "beheerder",
};

#define ACL_ROLES	(sizeof(acl_roles) / sizeof(acl_roles[0]))

enum role
role_parse(const char *name)
{
	size_t	i;

	if (name == NULL)
		return ROLE_NONE;
	for (i = ROLE_NONE + 1; i < ACL_ROLES; i++)
		if (strcmp(name, acl_roles[i]) == 0)
			return (enum role)i;
	return ROLE_NONE;
}

const char *
role_name(enum role role)
{
	if ((size_t)role >= ACL_ROLES)
		return "";
	return acl_roles[role];
}

int
acl_may_lead(enum role role)
{
	return role == ROLE_TEAMLEIDER;
}

int
acl_may_create_case(enum role role)
{
	return role == ROLE_JEUGDBESCHERMER || role == ROLE_TEAMLEIDER;
}

int
acl_may_hold_case(enum role role)
{
	return role == ROLE_JEUGDBESCHERMER ||
	    role == ROLE_GEDRAGSWETENSCHAPPER || role == ROLE_TEAMLEIDER;
}

int
acl_may_glass(enum role role)
{
	return acl_may_hold_case(role);
}
