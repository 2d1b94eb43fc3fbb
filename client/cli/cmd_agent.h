/* SPDX-License-Identifier: ISC */
/*
 * cmd_agent.h - "casesync agent" and "casesync lock" (cmd_agent.c), and
 * what cli_vault_open asks of the agent before the passphrase.
 */
#ifndef CMD_AGENT_H
#define CMD_AGENT_H

struct cli;
struct vault;

int	cmd_agent(struct cli *, int argc, char *argv[]);
int	cmd_lock(struct cli *, int argc, char *argv[]);

/*
 * Open the vault in cli->dir with the key of its agent: 0 and *vp;
 * CS_ERR_NOT_FOUND when there is no agent or it had no key for this
 * vault (ask the passphrase; a key that does not open the vault is
 * refused as a wrong passphrase would be, and the agent is told to
 * forget it); another error from vault_open_kek (reported by the
 * caller, as for vault_open).
 */
int	cli_agent_open(struct cli *, struct vault **vp);

/*
 * After "casesync passwd": the agent of this vault, if one runs, holds
 * the old KEK, which opens nothing now: tell it to forget (and say so).
 */
void	cli_agent_passwd(struct cli *);

#endif /* CMD_AGENT_H */
