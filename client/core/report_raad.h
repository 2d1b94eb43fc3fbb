/* SPDX-License-Identifier: ISC */
/*
 * report_raad.h - the melding to the Raad voor de Kinderbescherming and
 * the request to the court to extend a child's OTS (issue 20): a draft
 * gathered from the dossier on this laptop, edited by the worker, then
 * finalised into a record of the dossier (kind "report", schema.c).
 *
 * The draft (report_draft, report_raad.c) is a document (doc.h) marked
 * as a draft, with the headings the Raad and the court expect, in this
 * order: Aanleiding, Zorgen, Wat is geprobeerd, Visie van ouders en
 * kind, Conclusie en verzoek.  Filled from the dossier:
 *  - the grounds: the escalations, assessments and journal entries the
 *    worker selected (by record id), and nothing else of those kinds;
 *  - the measures of the children with their court decisions; for a
 *    verlenging the child's running OTS, its current end and the
 *    extension asked for (at most LC_OTS_MONTHS after the current end,
 *    checked with measure.h's rules: ms_apply);
 *  - the plan, its last agreed version, its goals with their status,
 *    and the partners involved;
 *  - the parents, carers and children whose views are to be written.
 * What the dossier cannot say is a placeholder starting with
 * REPORT_FILL_IN; a draft that still holds one is not finalised.
 * Under the title, a fact "Kenmerk" names what the draft is of by short
 * ids (ids.h): "casesync raad CASE" or "casesync verlenging CASE
 * CHILD".  People see names and dates (dd-mm-jjjj), never UUIDs.
 *
 * Finalising (report_final, report_final.c): the edited draft is
 * hostile input.  report_parse() takes at most REPORT_FILE_MAX bytes of
 * UTF-8 HTML and keeps only the text under the five headings, as plain
 * text (a list item as a line "- ..."); it refuses, with a sentence,
 * anything that is not such a draft: script and other active or
 * embedded content, event-handler attributes, elements it does not
 * know, a missing, repeated or reordered heading, a missing Kenmerk,
 * nesting deeper than REPORT_DEPTH_MAX.  Nothing of the file but that
 * text reaches the record.  The record is append-only (record.c): a
 * correction is a new report.  Who finalised it and when is the
 * server's word (db_author).  A closed case takes none (dossier.h).
 *
 * Read log: making a draft, listing and rendering reports log one
 * "report" read of the case before any content is read.
 *
 * Functions return 0 or a negative CS_ERR_*; refusals meant for the
 * worker also leave a sentence in "why" (no values of the case in it
 * but names the worker typed or sees in the draft).
 */
#ifndef REPORT_RAAD_H
#define REPORT_RAAD_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "db.h"
#include "ids.h"
#include "reportnames.h"

struct doc;
struct dossier_error;

#define REPORT_SECTIONS		5
#define REPORT_FILE_MAX		(1024 * 1024)	/* bytes of an edited draft */
#define REPORT_DEPTH_MAX	128		/* open elements in it */
#define REPORT_SELECT_MAX	200		/* records selected */
#define REPORT_WHY_MAX		256
#define REPORT_FILL_IN		"[in te vullen"

enum report_type {
	REPORT_RAAD = 0,
	REPORT_VERLENGING
};

/* The headings in order, and the record field of each. */
struct report_section {
	const char	*field;
	const char	*heading;
};
extern const struct report_section report_sections[REPORT_SECTIONS];

/* "raad" or "verlenging"; and back: 0, or CS_ERR_FORMAT. */
const char	*report_type_name(enum report_type);
int		 report_type_parse(const char *, enum report_type *);

/* What a draft is asked for. */
struct report_req {
	enum report_type	 type;
	const char		*case_id;
	const char		*child_id;	/* verlenging: a child */
	const char *const	*select;	/* record ids, nselect */
	size_t			 nselect;
	int			 months;	/* verlenging: 1..12, 0: 12 */
	int64_t			 today;		/* lifecycle.h days, local */
	enum reportnames	 names;		/* professionals: reportnames.h */
};

/*
 * The draft of "req" into *out (free with doc_free).  Refusals, with
 * "why": CS_ERR_NOT_FOUND (the laptop holds no such case or child),
 * CS_ERR_USAGE (a selected record is not an escalation, assessment or
 * journal entry of this case; too many selected), CS_ERR_STATE (a
 * verlenging for a child with no running OTS), CS_ERR_LIMIT (the
 * extension asked for breaks the law's limits).
 */
int	report_draft(sqlite3 *, const struct report_req *req, struct doc **out,
	    char why[REPORT_WHY_MAX]);

/* A parsed draft: its Kenmerk and the text under each heading. */
struct report_parsed {
	enum report_type	 type;
	char			 case_ref[IDS_SHORT_SIZE];	/* short ids */
	char			 child_ref[IDS_SHORT_SIZE];	/* "": none */
	char			*text[REPORT_SECTIONS];	/* malloc'd */
};

/*
 * Parse an edited draft ("len" bytes of "html") as above into *out
 * (clear with report_parsed_clear, also after a failure): 0, or
 * CS_ERR_TOO_LARGE / CS_ERR_FORMAT with "why".  Pure: no database.
 */
int	report_parse(const char *html, size_t len, struct report_parsed *out,
	    char why[REPORT_WHY_MAX]);
void	report_parsed_clear(struct report_parsed *);

/*
 * Finalise the edited draft "html" as a report of "case_id": parsed,
 * its Kenmerk naming this case (and for a verlenging a child of it),
 * no placeholder left, then written as a new record (dossier_write) in
 * the outbox.  The new record's id into id_out.  Refusals: those of
 * report_parse, CS_ERR_USAGE (another case's draft, a placeholder
 * left, ...) with "why"; those of dossier_write (a closed case:
 * CS_ERR_CASE_CLOSED; read-only: CS_ERR_AUTH) with *err.
 */
int	report_final(sqlite3 *, const char *case_id, const char *html,
	    size_t len, char id_out[DB_UUID_LEN + 1], char why[REPORT_WHY_MAX],
	    struct dossier_error *err);

/* A finalised report as listed. */
struct report_entry {
	const char		*record_id;
	enum report_type	 type;
	const char		*subject;	/* the case's title then, "" */
	const char		*child_name;	/* verlenging, else "" */
	const struct db_author	*by;		/* who finalised it, when */
};

typedef int	(*report_list_cb)(const struct report_entry *, void *);

/*
 * The finalised reports of "case_id", oldest first (by the order of
 * db_record_list), the read logged as "report".  A non-zero return of
 * cb stops and is returned.
 */
int	report_list(sqlite3 *, const char *case_id, report_list_cb cb,
	    void *arg);

/*
 * The final document of report "record_id" of "case_id" again, from
 * its record (not a draft): the texts as finalised, who finalised it
 * and when (named as "names" says).  CS_ERR_NOT_FOUND.
 */
int	report_render(sqlite3 *, const char *case_id, const char *record_id,
	    enum reportnames names, struct doc **out);

#endif /* REPORT_RAAD_H */
