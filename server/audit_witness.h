/* SPDX-License-Identifier: ISC */
/*
 * audit_witness.h - signed checkpoints outside the database
 * (docs/AUDIT.md, "The checkpoint file and external witnesses").
 *
 * Every checkpoint casesyncd or casesyncctl signs is also appended, as
 * one line, to audit-checkpoints.log in the deployment directory, after
 * the transaction that stores it has committed.  The same line is what
 * "casesyncctl audit checkpoint --export" hands to an external witness
 * and what "audit verify --against FILE" reads back:
 *
 *	casesync-checkpoint-v1 SIZE ROOT TIME SIGNATURE
 *
 * SIZE and TIME decimal, ROOT (32 bytes) and SIGNATURE (64 bytes) in
 * lower-case hex, one space between fields, '\n' at the end.
 */
#ifndef AUDIT_WITNESS_H
#define AUDIT_WITNESS_H

#include <stddef.h>

#include "audit.h"

#define AUDIT_CP_FILE		"audit-checkpoints.log"
#define AUDIT_CP_TAG		"casesync-checkpoint-v1"
#define AUDIT_CP_LINE_MAX	320	/* a line and its '\n' fit */
#define AUDIT_CP_FILE_MAX	(64u << 20)	/* lines read at most */

/* The line of "cp", with its '\n'; CS_ERR_TOO_LARGE if dst is short. */
int	audit_cpline_format(const struct audit_checkpoint *cp, char *dst,
	    size_t dstlen);
/*
 * Parse one line (without or with its '\n'): cp->size, root, time and
 * sig set, the rest zero.  CS_ERR_FORMAT unless it is exactly the
 * format above.
 */
int	audit_cpline_parse(const char *line, size_t len,
	    struct audit_checkpoint *cp);

/*
 * Open (create, 0600) the checkpoint file of deployment "dir" for
 * appending; *fd gets the descriptor (close-on-exec).
 */
int	audit_cpfile_open(const char *dir, int *fd);
/* Append the line of "cp" to "fd" in one write, then fdatasync. */
int	audit_cpfile_append(int fd, const struct audit_checkpoint *cp);

/*
 * The checkpoint of the last complete line of "fd" (opened by
 * audit_cpfile_open): CS_ERR_NOT_FOUND if the file is empty,
 * CS_ERR_FORMAT if that line is not a checkpoint.
 */
int	audit_cpfile_last(int fd, struct audit_checkpoint *cp);

/*
 * Read the checkpoint lines of "path" (at most AUDIT_CP_FILE_MAX
 * bytes): cb gets each checkpoint with its line number, or NULL for a
 * malformed line; a non-zero return from cb stops and is returned.
 * A last line without '\n' (a write cut short by a crash) is not
 * passed; *torn is then set.  CS_ERR_NOT_FOUND if there is no file.
 */
int	audit_cpfile_read(const char *path,
	    int (*cb)(const struct audit_checkpoint *, size_t line, void *),
	    void *arg, int *torn);

#endif /* AUDIT_WITNESS_H */
