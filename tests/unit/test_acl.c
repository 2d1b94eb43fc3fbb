/* SPDX-License-Identifier: ISC */
/*
 * test_acl.c - roles and the rules by role (server/acl.c): every role
 * name parses to its enum and back, anything else is ROLE_NONE and may
 * do nothing, each predicate allows exactly the roles of DESIGN §2, and
 * the SQL forms the store uses (ACL_SQL_*) name the same roles as the
 * predicates.
 */
#include <stdio.h>
#include <string.h>

#include "acl.h"
#include "test.h"

static const char *const names[] = {
	"jeugdbeschermer", "gedragswetenschapper", "teamleider", "auditor",
	"beheerder",
};

/* 1 if "sql" (a quoted name or a list of them) names role "r". */
static int
sql_names(const char *sql, enum role r)
{
	char	q[64];

	(void)snprintf(q, sizeof(q), "'%s'", role_name(r));
	return strstr(sql, q) != NULL;
}

int
main(void)
{
	enum role	r;
	size_t		i;

	TEST_START("role names parse once, both ways");
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		r = role_parse(names[i]);
		ASSERT_INT_NE(r, ROLE_NONE);
		ASSERT_STR_EQ(role_name(r), names[i]);
		ASSERT_TRUE(strlen(names[i]) <= ACL_ROLE_MAX);
	}
	ASSERT_INT_EQ(role_parse(NULL), ROLE_NONE);
	ASSERT_INT_EQ(role_parse(""), ROLE_NONE);
	ASSERT_INT_EQ(role_parse("Teamleider"), ROLE_NONE);
	ASSERT_INT_EQ(role_parse("teamleider "), ROLE_NONE);
	ASSERT_STR_EQ(role_name(ROLE_NONE), "");
	ASSERT_STR_EQ(role_name((enum role)99), "");
	TEST_DONE();

	TEST_START("each rule allows the roles of DESIGN §2, none for no role");
	ASSERT_INT_EQ(acl_may_lead(ROLE_TEAMLEIDER), 1);
	ASSERT_INT_EQ(acl_may_lead(ROLE_JEUGDBESCHERMER), 0);
	ASSERT_INT_EQ(acl_may_create_case(ROLE_JEUGDBESCHERMER), 1);
	ASSERT_INT_EQ(acl_may_create_case(ROLE_TEAMLEIDER), 1);
	ASSERT_INT_EQ(acl_may_create_case(ROLE_GEDRAGSWETENSCHAPPER), 0);
	ASSERT_INT_EQ(acl_may_glass(ROLE_GEDRAGSWETENSCHAPPER), 1);
	ASSERT_INT_EQ(acl_may_glass(ROLE_AUDITOR), 0);
	ASSERT_INT_EQ(acl_may_hold_case(ROLE_BEHEERDER), 0);
	ASSERT_INT_EQ(acl_may_lead(ROLE_NONE) | acl_may_create_case(ROLE_NONE) |
	    acl_may_hold_case(ROLE_NONE) | acl_may_glass(ROLE_NONE), 0);
	TEST_DONE();

	TEST_START("the store's SQL forms name the roles the predicates allow");
	for (r = ROLE_JEUGDBESCHERMER; r <= ROLE_BEHEERDER; r++) {
		ASSERT_INT_EQ(sql_names(ACL_SQL_LEAD, r), acl_may_lead(r));
		ASSERT_INT_EQ(sql_names(ACL_SQL_NO_CASES, r),
		    !acl_may_hold_case(r));
		ASSERT_INT_EQ(sql_names(ACL_SQL_REGISSEUR, r),
		    r == ROLE_JEUGDBESCHERMER);
	}
	TEST_DONE();
	return 0;
}
