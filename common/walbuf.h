/* SPDX-License-Identifier: ISC */
/*
 * walbuf.h - a VFS that is SQLite's default one but for the write-ahead
 * log, whose writes are gathered into one pwrite(2) a transaction
 * (walbuf.c; its rules are at its top).
 */
#ifndef WALBUF_H
#define WALBUF_H

#define WALBUF_PLAIN	0	/* the log read with pread(2) */
#define WALBUF_MAPPED	1	/* the log's first 64 MiB read from a mapping */

/*
 * The name of the VFS, registered at the first call (both kinds at
 * once); NULL if it could not be: then open with the default VFS.
 */
const char	*walbuf_vfs(int how);

#endif /* WALBUF_H */
