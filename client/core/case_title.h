/* SPDX-License-Identifier: ISC */
/*
 * case_title.h - a case's title for people (the "title" field of its
 * record of kind "casefile"), so faces name a case without its id.
 */
#ifndef CASE_TITLE_H
#define CASE_TITLE_H

#include <stddef.h>

#include <sqlite3.h>

/*
 * The title of "case_id" into "dst" ("len" bytes, NUL-terminated; cut
 * on a character boundary): 0, CS_ERR_NOT_FOUND (no case file here,
 * or one without a title or with one that is not text; "dst" is "")
 * or another CS_ERR_*.
 */
int	case_title_get(sqlite3 *, const char *case_id, char *dst, size_t len);

#endif /* CASE_TITLE_H */
