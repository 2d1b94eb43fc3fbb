/* SPDX-License-Identifier: ISC */
/*
 * cmd_case.h - the lifecycle subcommands of `casesync case`:
 * state, info and list (cmd_case.c).  `case create` and `case member`
 * live in cmd_sync.c and hand these over.
 */
#ifndef CMD_CASE_H
#define CMD_CASE_H

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

#endif /* CMD_CASE_H */
