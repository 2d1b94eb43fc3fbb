/* SPDX-License-Identifier: ISC */
/*
 * cmd_report_int.h - the subcommands of `casesync report`, one per
 * file (cmd_report_*.c); each gets argv from its own name on.
 */
#ifndef CMD_REPORT_INT_H
#define CMD_REPORT_INT_H

struct cli;

/* cmd_report_figures.c: the management figures of a team lead's office. */
int	cmd_report_figures(struct cli *, int argc, char *argv[]);
/* `report inzage`: the inzage of a family or a person (AVG art. 15). */
int	cmd_report_inzage(struct cli *, int, char *[]);
/* cmd_report_raad.c: the Raad melding and the OTS verlenging. */
int	cmd_report_raad(struct cli *, int, char *[]);
int	cmd_report_verlenging(struct cli *, int, char *[]);
int	cmd_report_final(struct cli *, int, char *[]);
int	cmd_report_list(struct cli *, int, char *[]);
int	cmd_report_show(struct cli *, int, char *[]);

#endif /* CMD_REPORT_INT_H */
