/* SPDX-License-Identifier: ISC */
/*
 * ids.h - short ids for people, and what people type turned back into
 * full ids (issue 17).
 *
 * The short id of a record or case is the shortest tail of its UUID,
 * at least IDS_SHORT_MIN hex digits, that no other id on this laptop
 * (case ids and record ids together) ends with.  Why the tail: ids are
 * version 7 UUIDs (db_uuid), whose first 12 hex digits are the time in
 * milliseconds, so prefixes of everything made within a minute are
 * equal; the last group (12 hex digits) is random, so 6 of them tell
 * ~16 million ids apart and a collision only lengthens the ids
 * involved.  Why not a per-laptop number: it would need a table kept
 * in step with every pull and purge, and it would differ between two
 * colleagues' laptops, while a tail is the same on both (unless one
 * holds a colliding id the other does not).  A short id may grow when
 * a colliding id arrives; the old, shorter form then matches both and
 * is answered with the candidates, never with the wrong one.
 *
 * Input (ids_resolve) is, in this order:
 *   - a full UUID (any case): taken as it is, known here or not (the
 *     server may know a case this laptop holds nothing of yet);
 *   - IDS_INPUT_MIN or more hex digits (and '-'): the tail of the id
 *     of the case or record; prefixes are not accepted (they are the
 *     time, see above);
 *   - for cases only, when no tail matched: the case's title (from its
 *     case file record), compared folded (fold.h: case and accents do
 *     not matter), first whole, then as a part of the title.
 * Functions return 0 or a negative CS_ERR_*.
 *
 * Read log: titles and names are case content.  ids_resolve() appends
 * one "search" entry for all cases ("") before it reads any title or
 * name (only for a title lookup or to list the candidates of an
 * ambiguous input); a short id that matches one id reads no content
 * and logs nothing.  The same rule as caseload.h and `casesync search`.
 */
#ifndef IDS_H
#define IDS_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "db.h"

#define IDS_SHORT_MIN		6	/* hex digits of a short id, at least */
#define IDS_SHORT_MAX		12	/* the UUID's last group */
/*
 * Room for a short id.  Two ids whose whole last group is the same
 * (48 random bits: only ids made so on purpose) are shown in full.
 */
#define IDS_SHORT_SIZE		(DB_UUID_LEN + 1)
#define IDS_INPUT_MIN		4	/* hex digits accepted as input */
#define IDS_INPUT_MAX		200	/* bytes of input (a title) */
#define IDS_LABEL_MAX		80	/* bytes of a candidate's label */
#define IDS_CANDIDATES_MAX	10

/* The short ids of this laptop, as of ids_load(). */
struct ids;

/*
 * Every case id (case_meta, records) and record id (deleted ones too:
 * an id stays taken) this laptop holds.  CS_ERR_DB, CS_ERR_ALLOC,
 * CS_ERR_TOO_LARGE.  Free with ids_free (NULL is fine).
 */
int	ids_load(sqlite3 *, struct ids **out);
/*
 * ids_load(), and also the ids extra[0..n) (UUIDs; anything else is
 * skipped) from a server's list: cases this laptop may not hold, e.g.
 * a transfer offered to a teamleider.  Every short id is then unique
 * among the laptop's ids and these, as of now; a laptop's short id may
 * be longer than ids_load() gives when an extra id shares its tail.
 */
int	ids_load_with(sqlite3 *, const char *const *extra, size_t n,
	    struct ids **out);
void	ids_free(struct ids *);
/*
 * The short id of "uuid" into "out".  An id the snapshot does not hold
 * gets its IDS_SHORT_MAX tail; anything not a UUID gets "".
 */
void	ids_short(const struct ids *, const char *uuid,
	    char out[IDS_SHORT_SIZE]);

enum ids_kind {
	IDS_CASE,
	IDS_RECORD
};

struct ids_candidate {
	char	id[DB_UUID_LEN + 1];
	char	short_id[IDS_SHORT_SIZE];
	char	case_id[DB_UUID_LEN + 1];
	char	kind[DB_KIND_MAX + 1];	/* record kind; "case" for a case */
	/*
	 * For people: a case's title, a record's first summary field
	 * (schema.h: a person's name, a goal's status ...), cut at a
	 * character boundary; "" if this laptop has none.  Valid UTF-8
	 * as stored; a face escapes it like any record text.
	 */
	char	label[IDS_LABEL_MAX + 1];
};

/* The ids an ambiguous input matched, by id. */
struct ids_ambiguous {
	size_t			n;	/* in c[], <= IDS_CANDIDATES_MAX */
	size_t			total;	/* matched, maybe more than n */
	struct ids_candidate	c[IDS_CANDIDATES_MAX];
};

/*
 * Turn "input" into the full id of a case (IDS_CASE) or a live record
 * (IDS_RECORD) in "out", by the rules above.  Returns 0,
 *   CS_ERR_NOT_FOUND  nothing here matches,
 *   CS_ERR_AMBIGUOUS  more than one matches: *amb (if not NULL) has
 *                     them with short ids and labels,
 *   CS_ERR_FORMAT     input empty, over IDS_INPUT_MAX or not UTF-8,
 *   CS_ERR_DB, CS_ERR_ALLOC, CS_ERR_TAMPERED (the read log).
 * "out" is "" unless 0 is returned.
 */
int	ids_resolve(sqlite3 *, enum ids_kind, const char *input,
	    char out[DB_UUID_LEN + 1], struct ids_ambiguous *amb);

/*
 * The title of case "case_id" (from its case file) into "dst", or ""
 * when this laptop holds no case file of it (an extra id of
 * ids_load_with, or one not in the snapshot).  Titles are case content:
 * the first title read of a case appends a "list" entry for it to the
 * read log.  0, CS_ERR_DB, CS_ERR_TAMPERED (the read log).
 */
int	ids_case_title(sqlite3 *, struct ids *, const char *case_id,
	    char *dst, size_t dstlen);

/*
 * A body value (from any device: hostile) as text for people into
 * "dst": cut at a character boundary to fit, and escaped with str_vis()
 * unless it is UTF-8 without control characters.  Used for labels here
 * and for titles and names in caseload.c.
 */
void	ids_text(const uint8_t *p, size_t len, char *dst, size_t dstlen);

#endif /* IDS_H */
