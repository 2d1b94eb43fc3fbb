/* SPDX-License-Identifier: ISC */
/*
 * cmd_dossier_int.h - what cmd_dossier.c and cmd_dossier_show.c share.
 */
#ifndef CMD_DOSSIER_INT_H
#define CMD_DOSSIER_INT_H

struct cli;
struct sqlite3;
struct vault;

/* Open the vault and the local tables; errors told the user. */
int	dossier_open(struct cli *, struct vault **, struct sqlite3 **);
/*
 * List the records of "kind" (NULL: all; "kind2" too if not NULL) of
 * a case, "full" with every field, and log the read as "action".
 * Returns an exit status.
 */
int	dossier_list(struct cli *, const char *case_id, const char *kind,
	    const char *kind2, int full, const char *action);

#endif /* CMD_DOSSIER_INT_H */
