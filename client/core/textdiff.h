/* SPDX-License-Identifier: ISC */
/*
 * textdiff.h - the differences between two texts line by line: the
 * longest common subsequence of their lines (after the common head and
 * tail are set aside), as kept, removed and added lines in order.  For
 * `plan diff` (plan.h); nothing here prints.
 */
#ifndef CLIENT_TEXTDIFF_H
#define CLIENT_TEXTDIFF_H

#include <stddef.h>

/* Lines of each text between the common head and tail, at most. */
#define TEXTDIFF_LINES_MAX	2000

enum textdiff_op {
	TEXTDIFF_SAME = ' ',
	TEXTDIFF_DEL = '-',
	TEXTDIFF_ADD = '+',
};

/*
 * Called for each line in order, "line" (not NUL-terminated, without
 * its newline) of "len" bytes; a non-zero return stops the diff and is
 * returned.
 */
typedef int	(*textdiff_cb)(enum textdiff_op, const char *line, size_t len,
		    void *arg);

/*
 * Diff "a" (alen bytes) against "b" (blen bytes): the lines of "a" not
 * in the common subsequence come as TEXTDIFF_DEL, those of "b" as
 * TEXTDIFF_ADD, a removed line before the added one at the same place.
 * A final newline ends the last line (it makes no empty line).
 * CS_ERR_TOO_LARGE when the parts that differ have over TEXTDIFF_LINES_MAX
 * lines, CS_ERR_ALLOC.
 */
int	textdiff(const char *a, size_t alen, const char *b, size_t blen,
	    textdiff_cb cb, void *arg);

#endif /* CLIENT_TEXTDIFF_H */
