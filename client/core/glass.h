/* SPDX-License-Identifier: ISC */
/*
 * glass.h - the break-the-glass uses of the cases this user answers for
 * (glass.c): `casesync glass list`, and the lines `casesync sync`
 * prints for the uses it has not shown before (GlassListRequest, see
 * docs/PROTOCOL.md).  The regisseur of a case and the teamleiders of
 * its office learn this way of every use and renewal.
 */
#ifndef GLASS_H
#define GLASS_H

struct cli;
struct conn;
struct sqlite3;

/* `casesync glass list [--json]`. */
int	cmd_glass_list(struct cli *, int argc, char *argv[]);

/*
 * Print "break the glass: ..." for each use newer than the last one
 * this vault showed, and remember the newest.  *n: how many.
 */
int	glass_notify(struct sqlite3 *db, struct conn *c, unsigned *n);

#endif /* GLASS_H */
