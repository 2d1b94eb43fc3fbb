/* SPDX-License-Identifier: ISC */
/*
 * cli_written.h - who wrote a record and when (db.h: struct db_author)
 * as the CLI prints it: "written by Anna Jansen on 2026-12-03 14:05,
 * changed by Bert Smit on 2026-12-04 09:10 (not yet synced)", local
 * time; in JSON created_by, created_at, changed_by, changed_at (seconds
 * since the epoch, 0: not known) and pending.
 */
#ifndef CLI_WRITTEN_H
#define CLI_WRITTEN_H

#include <stdio.h>

struct db_author;

void	cli_written(FILE *, const struct db_author *);
/* The JSON members, each after a comma: ,"created_by":... */
void	cli_written_json(FILE *, const struct db_author *);

#endif /* CLI_WRITTEN_H */
