/* SPDX-License-Identifier: ISC */
/*
 * cmd_server.h - "casesync server show|set": the addresses this laptop
 * reaches the server by (cmd_server.c).
 */
#ifndef CMD_SERVER_H
#define CMD_SERVER_H

struct cli;

int	cmd_server(struct cli *, int argc, char *argv[]);

#endif /* CMD_SERVER_H */
