/* SPDX-License-Identifier: ISC */
/*
 * dossier.h - the case file's domain operations, for both faces (the
 * CLI's cmd_dossier*.c and the web UI's pages): write a record of a
 * kind (add or edit) checked against schema.c, and read the records of
 * a case with every read in the laptop's read log (readlog.h).
 *
 * Nothing here prints or knows argv.  A write that fails says why in a
 * struct dossier_error: which field (an index into the kind's schema
 * fields), a static sentence (never a value: it may be personal data)
 * and, for a choice field, the allowed values, so the CLI prints its
 * message and a form shows it next to the field, keeping what was
 * typed.  Functions return 0 or a negative CS_ERR_*.
 */
#ifndef CLIENT_DOSSIER_H
#define CLIENT_DOSSIER_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "db.h"

struct body;
struct schema_kind;

#define DOSSIER_FIELDS_MAX	16	/* fields of a kind (schema.c) */
#define DOSSIER_WHY_MAX		512

/* A write: a new record (record_id NULL) or a change of one. */
struct dossier_input {
	const struct schema_kind *k;
	const char	*case_id;		/* a new record's case */
	const char	*record_id;		/* NULL: a new record */
	const char	*val[DOSSIER_FIELDS_MAX];	/* by field index */
	int		 unset[DOSSIER_FIELDS_MAX];	/* optional fields */
	/*
	 * A new record's id when the caller made it (db_uuid) and already
	 * named it to the server; NULL: made by dossier_write.
	 */
	const char	*new_id;
	/*
	 * A court measure (kind "measure") exists only with its decision
	 * as the server accepted it (measure.h): only the measure path
	 * writes one, after the server's yes, and sets this.
	 */
	int		 server_checked;
	/*
	 * A finalised report (kind "report") is written only by
	 * report_final() (report_raad.h), from the draft it parsed, and
	 * sets this.
	 */
	int		 report_final;
};

/* Why a write was refused. */
enum dossier_fault {
	DOSSIER_OK,
	DOSSIER_NEED_CASE,	/* a new record without a case */
	DOSSIER_NO_CASE,	/* the laptop holds no such case */
	DOSSIER_NO_RECORD,	/* no such record here */
	DOSSIER_WRONG_KIND,	/* the record is of another kind */
	DOSSIER_APPEND_ONLY,	/* this kind is never changed */
	DOSSIER_UNREADABLE,	/* the stored record does not decode */
	DOSSIER_READ_ONLY,	/* nolost.h: the case is read-only here */
	DOSSIER_BAD_VALUE,	/* field "field": why, choices */
	DOSSIER_BAD_UNSET,	/* field "field" is required: no unset */
	DOSSIER_MISSING,	/* required field "field" has no value */
	DOSSIER_TOO_LARGE,	/* the record is over DB_BODY_MAX */
	DOSSIER_WRITE_FAILED,	/* db_local_write refused or failed */
	DOSSIER_NEEDS_SERVER,	/* a measure: only with the server's yes */
	DOSSIER_NEEDS_DRAFT,	/* a report: only by report_final */
	DOSSIER_CLOSED,		/* the case is GESLOTEN: nothing new */
	DOSSIER_RULE		/* field "field" does not fit the others */
};

struct dossier_error {
	enum dossier_fault	 fault;
	int			 field;		/* index, or -1 */
	const char		*name;		/* field name, or NULL */
	const char		*why;		/* static sentence, or NULL */
	const char		*choices;	/* "a|b|c" of a choice field */
	char			 text[DOSSIER_WHY_MAX];	/* one sentence */
};

/*
 * Make the local tables ready (db_init, readlog_init): every face
 * calls it once after opening the vault.
 */
int	dossier_prepare(sqlite3 *);

/*
 * Everything about "in" that can be checked before a write: the case
 * or record is here and of the kind, the case is writable (checked
 * first, nolost.h), every given value is valid and every required
 * field is given, except, when "long_later" is set, the required long
 * texts (SCHEMA_LONG) a face will ask for next (an editor).  On a
 * refusal (CS_ERR_USAGE, CS_ERR_NOT_FOUND, CS_ERR_AUTH, ...) *err says
 * why.
 */
int	dossier_check(sqlite3 *, const struct dossier_input *in,
	    int long_later, struct dossier_error *err);

/*
 * Only the values of a new record "in" (no database: its case is about
 * to be made): each given value is valid, every required field given.
 * CS_ERR_USAGE with *err as above.
 */
int	dossier_check_values(const struct dossier_input *in,
	    struct dossier_error *err);

/*
 * Check "in" as above (long_later 0) and write it with db_local_write
 * (record and outbox, one transaction); nothing is written on any
 * error.  A new note (kind "journal") gets the local date and time
 * when they are not given (its author is the server's word, db.h).  The record id goes to id_out, its case to case_out (if
 * not NULL).
 */
int	dossier_write(sqlite3 *, const struct dossier_input *in,
	    char id_out[DB_UUID_LEN + 1], char case_out[DB_UUID_LEN + 1],
	    struct dossier_error *err);

/*
 * The id of the (first) record of "kind" of a case, for kinds a case
 * has one of (casefile, plan): 0, or CS_ERR_NOT_FOUND.
 */
int	dossier_find(sqlite3 *, const char *case_id, const char *kind,
	    char id_out[DB_UUID_LEN + 1]);

/* The case is one this laptop knows (its metadata or any record). */
int	dossier_case_known(sqlite3 *, const char *case_id);

/* A record as read: all borrowed for the callback's duration. */
struct dossier_record {
	const struct db_record	*rec;
	const struct schema_kind *k;		/* NULL: a kind not known */
	const struct body	*body;		/* NULL: does not decode */
	const char		*author;	/* by.created_by */
	int64_t			 time;		/* by.created_at, else the */
						/* last write's local clock */
	size_t			 nconflicts;	/* fields in conflict */
	struct db_author	 by;		/* who wrote it, when (db.h) */
};

typedef int	(*dossier_cb)(const struct dossier_record *, void *);

/*
 * Log a read of "action" (show, list, plan, ...) of a case in the read
 * log, then call cb for each live record of the case whose kind is in
 * "kinds" (a NULL-terminated list; NULL for every kind), in the
 * order of db_record_list.  Nothing is read if the read cannot be
 * logged.  A non-zero return of cb stops and is returned.
 */
int	dossier_read(sqlite3 *, const char *case_id,
	    const char *const *kinds, const char *action, dossier_cb cb,
	    void *arg);

/*
 * Search every live record (of "case_id" if not NULL) for "q"
 * (folded, fold.h: case and accents do not matter), logged as a "search"
 * (never the words): cb is called for each matching field "field".
 */
typedef int	(*dossier_match_cb)(const struct dossier_record *,
		    size_t field, void *);
int	dossier_search(sqlite3 *, const char *case_id, const char *q,
	    dossier_match_cb cb, void *arg);

#endif /* CLIENT_DOSSIER_H */
