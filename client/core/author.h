/* SPDX-License-Identifier: ISC */
/*
 * author.h - who wrote a record that waits for its case key.  A pulled
 * record whose key is not here yet waits, sealed, in keys.c's
 * sealed_pending; the server's word on its author (db_record's
 * author_id and author_name) waits beside it in "pending_author", so a
 * merge made when the key comes still names the author (merge.h).
 */
#ifndef CLIENT_AUTHOR_H
#define CLIENT_AUTHOR_H

#include <sqlite3.h>

#include "db.h"

/* Keep the author of "r" (the version keys_pending_put() just kept). */
int	author_pending_put(sqlite3 *, const struct db_record *r);

/*
 * Fill r->author_id and r->author_name from what was kept for this
 * record and version ("" if nothing), and forget it.  Also forgets what
 * was kept for records no longer waiting.
 */
int	author_pending_take(sqlite3 *, struct db_record *r);

#endif /* CLIENT_AUTHOR_H */
