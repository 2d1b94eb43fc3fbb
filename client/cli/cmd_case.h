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

#endif /* CMD_CASE_H */
