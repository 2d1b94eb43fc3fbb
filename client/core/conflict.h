/* SPDX-License-Identifier: ISC */
/*
 * conflict.h - the fields changed differently on two laptops (merge.h,
 * marker.h), for both faces: list them, each value with who wrote it
 * and when, named by case and record; and settle one by value, by
 * author, as mine or theirs, or with a new value.  Reads are logged in
 * the read log like every read of case content.  Functions return 0 or
 * a negative CS_ERR_*.
 */
#ifndef CLIENT_CONFLICT_H
#define CLIENT_CONFLICT_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "db.h"
#include "marker.h"

struct body_field;

#define CONFLICT_TITLE_MAX	80	/* bytes of a case, record title */
#define CONFLICT_SHOW_MAX	200	/* bytes of a value shown */
#define CONFLICT_TITLE_PARTS	2	/* summary fields in a record title */

/* One field in conflict; all borrowed for the callback's duration. */
struct conflict {
	const struct db_record	 *rec;
	const char		 *case_title;	/* NULL: none known */
	const char		 *record_title;	/* NULL: none */
	/* its parts, for a face that words choices: field, value shown */
	const char		 *title_field[CONFLICT_TITLE_PARTS];
	const char		 *title_value[CONFLICT_TITLE_PARTS];
	size_t			  n_title;
	const char		 *noun;		/* the record's kind, for people */
	const char		 *field;
	const struct marker_value *vals;	/* the values, newest first */
	size_t			  n;
	int			  legacy;	/* authors not recorded */
	const struct body_field	 *cur;		/* the current value, or NULL */
	const char		 *self;		/* this laptop's user, or "" */
};

typedef int	(*conflict_cb)(const struct conflict *, void *arg);

/*
 * Every field in conflict (of case "case_id", or all if NULL) to cb,
 * after the read is logged ("list").  Non-zero from cb stops and is
 * returned.
 */
int	conflict_list(sqlite3 *, const char *case_id, conflict_cb cb,
	    void *arg);

/* 1 if value "v" is the field's current value "cur" (NULL: removed). */
int	conflict_is_current(const struct marker_value *v,
	    const struct body_field *cur);
/* 1 if "v" was written by this laptop's user "self". */
int	conflict_by_self(const struct marker_value *v, const char *self);

/*
 * Append at most "max" bytes of p[0..len) to the string in dst (size
 * dstlen), cut on a character boundary with "..." if cut; bytes that
 * are not plain UTF-8 text are escaped (str_vis).  For titles and
 * values shown to people.
 */
void	conflict_cat(char *dst, size_t dstlen, const uint8_t *p, size_t len,
	    size_t max);

/* How a conflict is settled. */
enum conflict_by {
	CONFLICT_BY_VALUE,	/* "arg": a value's number (1..) or text */
	CONFLICT_BY_AUTHOR,	/* "arg": the author's name */
	CONFLICT_BY_MINE,	/* written by this laptop's user */
	CONFLICT_BY_THEIRS,	/* by another (known) user */
	CONFLICT_BY_NEW		/* "arg": a new value, checked (schema.c) */
};

enum conflict_fault {
	CONFLICT_OK,
	CONFLICT_NO_RECORD,	/* no such record here, or unreadable */
	CONFLICT_NONE,		/* no conflict on that field */
	CONFLICT_NO_CHOICE,	/* no value, or several, match: "why" */
	CONFLICT_BAD_VALUE,	/* the new value is not valid: "why" */
	CONFLICT_NOT_RESOLVED,	/* merge_resolve failed */
	CONFLICT_NOT_WRITTEN	/* db_local_write failed (CS_ERR_AUTH:
				   the case is read-only here) */
};

struct conflict_result {
	enum conflict_fault	 fault;
	const char		*why;		/* static sentence, or NULL */
	size_t			 pick;		/* the value taken (0-based) */
	char			 author[MARKER_NAME_MAX + 1];	/* its */
	char			 case_id[DB_UUID_LEN + 1];
};

/*
 * Settle the conflict on "field" of record "record_id" by "by" and
 * "arg", written with db_local_write (and sent at the next sync).
 * When the choice is refused (CONFLICT_NO_CHOICE) the values are read
 * (logged as "show") and handed to "refused" (may be NULL) so the face
 * can show them.  *res says what happened.
 */
int	conflict_resolve(sqlite3 *, const char *record_id, const char *field,
	    enum conflict_by by, const char *arg, conflict_cb refused,
	    void *refused_arg, struct conflict_result *res);

#endif /* CLIENT_CONFLICT_H */
