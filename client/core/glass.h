/* SPDX-License-Identifier: ISC */
/*
 * glass.h - the break-the-glass uses of the cases this user answers for
 * (glass.c): for `casesync glass list` (cli/cmd_glass.c) and the lines
 * `casesync sync` prints for the uses it has not shown before
 * (GlassListRequest, see docs/PROTOCOL.md).  The regisseur of a case and the teamleiders of
 * its office learn this way of every use and renewal.
 */
#ifndef GLASS_H
#define GLASS_H

#include <stdint.h>

struct conn;
struct msg_glass_use;
struct sqlite3;

/* Called for each use, oldest first; non-zero stops and is returned. */
typedef int	(*glass_cb)(const struct msg_glass_use *, void *arg);

/*
 * Every use after id "after", page by page, to cb; *last: the newest id
 * (or "after"), *n: how many.
 */
int	glass_uses(struct conn *c, int64_t after, glass_cb cb, void *arg,
	    int64_t *last, unsigned *n);

/*
 * The uses newer than the last one this vault was shown, to cb, and
 * remember the newest (also after an error: what was shown is not
 * shown again).  *n: how many.
 */
int	glass_new_uses(struct sqlite3 *db, struct conn *c, glass_cb cb,
	    void *arg, unsigned *n);

#endif /* GLASS_H */
