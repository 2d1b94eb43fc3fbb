/* SPDX-License-Identifier: ISC */
/*
 * audit_types.c - the audit entry types (audit_types.h).
 */
#include <stdlib.h>
#include <string.h>

#include "audit_types.h"

const char *const audit_types[] = {
	"access_end",
	"admin_office_add",
	"admin_token_issue",
	"admin_user_add",
	"admin_user_case_end",
	"admin_user_disable",
	"admin_user_enable",
	"admin_user_move",
	"admin_user_remove",
	"admin_user_rename",
	"admin_user_role",
	"approval_decision",
	"approval_request",
	"audit_read",
	"backup",
	"break_glass",
	"case_closed_purge",
	"case_create",
	"case_destroy",
	"case_state",
	"cert_renew",
	"child_measure",
	"device_revoke",
	"enroll",
	"enroll_failed",
	"glass_limit",
	"glass_renew",
	"grant_dropped",
	"held_change_accept",
	"held_change_discard",
	"key_grant",
	"late_change",
	"login",
	"member_add",
	"member_remove",
	"purge_held",
	"purge_receipt",
	"read",
	"read_log_alert",
	"recovery_grant",
	"recovery_init",
	"renew_token",
	"report_read",
	"restore",
	"server_cert_renew",
	"server_start",
	"team_assign",
	"transfer_accept",
	"transfer_reject",
	"transfer_request",
	"transfer_revoke",
	"update",
	"user_key_backup",
	"user_key_publish",
};

const size_t audit_types_n = sizeof(audit_types) / sizeof(audit_types[0]);

static int
audit_type_cmp(const void *a, const void *b)
{
	return strcmp(a, *(const char *const *)b);
}

int
audit_type_known(const char *type)
{
	return bsearch(type, audit_types, audit_types_n,
	    sizeof(audit_types[0]), audit_type_cmp) != NULL;
}
