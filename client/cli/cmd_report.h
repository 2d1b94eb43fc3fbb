/* SPDX-License-Identifier: ISC */
/*
 * cmd_report.h - `casesync report SUB`: documents made on this laptop
 * from the dossier (inzage, raad, verlenging) and the management
 * figures over the protocol (issue 20).  Each subcommand lives in its
 * own file (cmd_report_*.c) and has a line in cmd_report.c's table.
 */
#ifndef CMD_REPORT_H
#define CMD_REPORT_H

struct cli;

int	cmd_report(struct cli *, int argc, char *argv[]);

#endif /* CMD_REPORT_H */
