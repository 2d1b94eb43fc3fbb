/* SPDX-License-Identifier: ISC */
/*
 * cmd_dossier.h - the case-file commands (cmd_dossier.c).
 */
#ifndef CMD_DOSSIER_H
#define CMD_DOSSIER_H

#include <stdio.h>

struct cli;

int	cmd_person(struct cli *, int argc, char *argv[]);
int	cmd_measure(struct cli *, int argc, char *argv[]);
int	cmd_note(struct cli *, int argc, char *argv[]);
int	cmd_assess(struct cli *, int argc, char *argv[]);
int	cmd_partner(struct cli *, int argc, char *argv[]);
int	cmd_escalate(struct cli *, int argc, char *argv[]);
int	cmd_nazorg(struct cli *, int argc, char *argv[]);
int	cmd_closing(struct cli *, int argc, char *argv[]);
int	cmd_plan(struct cli *, int argc, char *argv[]);
/* `plan agree|history|diff` (cmd_plan.c), argv[1] the verb. */
int	cmd_plan_versions(struct cli *, int argc, char *argv[]);
void	cmd_plan_versions_usage(FILE *);
int	cmd_search(struct cli *, int argc, char *argv[]);
int	cmd_reads(struct cli *, int argc, char *argv[]);
/* `case new|show|edit`: 1 if "sub" is one of these. */
int	cmd_dossier_case_sub(const char *sub);
int	cmd_dossier_case(struct cli *, int argc, char *argv[]);
/*
 * `casesync CMD [SUB] --help` for the commands above: their usage
 * lists the fields of the kind of record.  EXIT_OK, or -1 if the table
 * in main.c has the usage.
 */
int	cmd_dossier_help(const char *cmd, const char *sub);

#endif /* CMD_DOSSIER_H */
