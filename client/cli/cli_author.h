/* SPDX-License-Identifier: ISC */
/*
 * cli_author.h - who wrote a record and when (db.h: struct db_author)
 * as the CLI prints it: "written by Anna Jansen on 2026-12-03 14:05,
 * changed by Bert Smit on 2026-12-04 09:10 (not yet synced)", local
 * time; for --json the members created_by, created_at(_epoch),
 * changed_by, changed_at(_epoch) (json_kv_time; names "" and times 0,
 * not known, are null) and pending.
 */
#ifndef CLI_AUTHOR_H
#define CLI_AUTHOR_H

#include <stdio.h>

struct db_author;
struct json;

void	cli_author_print(FILE *, const struct db_author *);
/* The members above, in the object "j" is writing. */
void	cli_author_json(struct json *, const struct db_author *);

#endif /* CLI_AUTHOR_H */
