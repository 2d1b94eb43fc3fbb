/* SPDX-License-Identifier: ISC */
/*
 * restore.h - a laptop meets a server restored from a backup
 * (docs/PROTOCOL.md, "Restore").
 */
#ifndef RESTORE_H
#define RESTORE_H

#include <sqlite3.h>

struct conn;

/*
 * Before a sync over "c" (after its Welcome): if the server announces
 * a generation this laptop has not synced with, say so, and prepare the
 * vault in one transaction: re-offer every record held at a version the
 * server lost (db_restore), pull and receive grants from the start, and
 * upload the read log from its first entry.  A server whose sequence is
 * behind this laptop's cursor without announcing a restore is checked
 * against the audit log first (a fork is reported as such); either way
 * the sync stops with CS_ERR_TAMPERED.  0 when the sync may go on.
 */
int	restore_check(struct conn *c, sqlite3 *db);

#endif /* RESTORE_H */
