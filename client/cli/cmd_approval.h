/* SPDX-License-Identifier: ISC */
/*
 * cmd_approval.h - approvals on the command line (cmd_approval.c):
 * `casesync case extend|close`, `casesync assess cosign`, `casesync
 * approvals`, `casesync approve`, `casesync refuse`.
 */
#ifndef CMD_APPROVAL_H
#define CMD_APPROVAL_H

#include <stdint.h>

struct cli;
struct conn;

/* 1 if "sub" (argv[1] of `casesync case`) is extend or close. */
int	cmd_approval_case_sub(const char *sub);
/* `casesync case extend|close ...`; an exit code. */
int	cmd_approval_case(struct cli *, int argc, char *argv[]);
/* `casesync assess cosign --id ASSESSMENT`; an exit code. */
int	cmd_approval_cosign(struct cli *, int argc, char *argv[]);
int	cmd_approvals(struct cli *, int argc, char *argv[]);
int	cmd_approve(struct cli *, int argc, char *argv[]);
int	cmd_refuse(struct cli *, int argc, char *argv[]);

/*
 * Who approved the extension case "case_id" has now, and the local day
 * she did (YYYY-MM-DD, LC_DATE_LEN + 1 bytes), from the server's
 * approvals: the newest approved drang extension.  0, CS_ERR_NOT_FOUND
 * or the error of the call (not reported).
 */
int	cli_approval_extension(struct conn *, const char *case_id,
	    char *by, size_t bylen, char *day, size_t daylen);

#endif /* CMD_APPROVAL_H */
