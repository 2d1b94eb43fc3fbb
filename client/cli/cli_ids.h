/* SPDX-License-Identifier: ISC */
/*
 * cli_ids.h - what people type after --case and --id, turned into full
 * ids for the commands (the rules are client/core/ids.h's).
 */
#ifndef CLI_IDS_H
#define CLI_IDS_H

#include "db.h"
#include "ids.h"

struct cli;

/*
 * Resolve "*input" (given as option "opt", e.g. "--case") to the full
 * id of a case or a record: on success *input points to "buf".  NULL
 * stays NULL.  A full UUID needs no vault; anything else opens it
 * (asking the passphrase once) and keeps it in cli->held for the
 * command's own cli_vault_open().  An unknown or ambiguous input is
 * reported on stderr (the candidates with their short ids and titles
 * or names): CS_ERR_USAGE (exit 2).  Other errors are reported too.
 */
int	cli_resolve(struct cli *, enum ids_kind, const char *opt,
	    const char **input, char buf[DB_UUID_LEN + 1]);

/*
 * For people, a case id from a server's list: its short id (snapshot
 * "x" of ids_load_with() over the list's case ids), and for a case this
 * laptop holds also its title: "3fa9c1 Familie Jansen".  Reading the
 * title is in the read log (ids_case_title); when it cannot be logged
 * only the short id is shown.  A NULL "x" gives the id as it is.
 */
void	cli_case_name(sqlite3 *, struct ids *x, const char *case_id,
	    char *dst, size_t dstlen);

#endif /* CLI_IDS_H */
