/* SPDX-License-Identifier: ISC */
/*
 * cmd_transfer.h - `casesync transfer`, `casesync team` and
 * `casesync glass` (cmd_transfer.c): moving a case to another regional
 * office, assigning the regisseur, break-the-glass access.  Each talks
 * to the server, which decides; a refusal is shown by its error name
 * with the server's sentence, and the exit code is EXIT_REFUSED.
 */
#ifndef CMD_TRANSFER_H
#define CMD_TRANSFER_H

struct cli;

int	cmd_transfer(struct cli *, int argc, char *argv[]);
int	cmd_team(struct cli *, int argc, char *argv[]);
int	cmd_glass(struct cli *, int argc, char *argv[]);

#endif /* CMD_TRANSFER_H */
