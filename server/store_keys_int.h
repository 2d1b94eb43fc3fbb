/* SPDX-License-Identifier: ISC */
/*
 * store_keys_int.h - SQL shared by store_keys.c and store_keys_forget.c
 * only.
 */
#ifndef STORE_KEYS_INT_H
#define STORE_KEYS_INT_H

#include "acl.h"

/*
 * 1 if user "u" may hold the key of case "c" now (SQL expressions):
 * a member, a teamleider of its office, or a teamleider of the office
 * an open (REQUESTED, ACCEPTED) transfer goes to.  The same rule as
 * STORE_KEYS_HOLD in store_keys.c, for one (case, user).
 */
#define STORE_KEYS_IS_HOLDER(c, u)					\
    "(EXISTS (SELECT 1 FROM case_members hm WHERE hm.case_id = " c	\
    "  AND hm.user_id = " u ")"						\
    " OR EXISTS (SELECT 1 FROM cases hc JOIN users hu ON"		\
    "  hu.office_id = hc.office_id WHERE hc.id = " c " AND hu.id = " u	\
    "  AND hu.role = " ACL_SQL_LEAD ")"				\
    " OR EXISTS (SELECT 1 FROM transfers ht JOIN users hu ON"		\
    "  hu.office_id = ht.to_office_id WHERE ht.case_id = " c		\
    "  AND ht.state IN ('REQUESTED', 'ACCEPTED') AND hu.id = " u	\
    "  AND hu.role = " ACL_SQL_LEAD "))"

#endif /* STORE_KEYS_INT_H */
