/* SPDX-License-Identifier: ISC */
/*
 * cmd_case.h - the lifecycle subcommands of `casesync case`:
 * state, info and list (cmd_case.c).  `case create` and `case member`
 * live in cmd_sync.c and hand these over.
 */
#ifndef CMD_CASE_H
#define CMD_CASE_H

#include <stddef.h>
#include <stdint.h>

struct cli;

/* 1 if "sub" (argv[1] of `casesync case`) is one of ours. */
int	cmd_case_lifecycle_sub(const char *sub);
/* Run `casesync case state|info|list ...`; returns an exit code. */
int	cmd_case_lifecycle(struct cli *, int argc, char *argv[]);

struct case_meta;
struct conn;
struct vault;
/*
 * Ask the server for case "cid" (CaseInfoRequest) and keep what it
 * says in the vault's tables and *m; errors are reported.
 */
int	cli_case_fetch(struct conn *, struct vault *, const char *cid,
	    struct case_meta *m);

struct json;
/* A day (lifecycle.h) as "key": "YYYY-MM-DD", or null for LC_NODATE. */
void	cli_json_date(struct json *, const char *key, int64_t day);
/* Days left for people: "in 3 days", "today", "8 days OVERDUE". */
void	cli_days_text(int64_t left, char *dst, size_t len);

#endif /* CMD_CASE_H */
