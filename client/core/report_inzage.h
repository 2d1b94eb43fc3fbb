/* SPDX-License-Identifier: ISC */
/*
 * report_inzage.h - the inzage (AVG art. 15; Jeugdwet art. 7.3.10):
 * everything this laptop's dossier holds about a family, or about one
 * person of it, and who accessed the file and when, as a report
 * document (doc.h) in Dutch.  `casesync report inzage` (cmd_report_
 * inzage.c) writes it as HTML or PDF.
 *
 * What it holds: the case file's facts; the persons; the measures with
 * their court decisions and extensions; the plan, its goals and every
 * agreed version; the safety assessments; the journal with authors and
 * dates; the partners with the basis on which data is shared with them;
 * the escalations with their outcomes; approvals, nazorg and closing;
 * and the audit log's entries of the case (auditrows.h).  People
 * see names and dates, never ids.  Professionals are named as the
 * institution's setting says (reportnames.h).
 *
 * The inzage of one person follows the rule of docs/CLIENT.md ("What a
 * person's inzage shows"): a record linked to a person (a person
 * record; a record whose "child" field names a child) is shown when it
 * concerns that person, or, for a child, a parent with gezag over the
 * child, or, for a person with gezag, a child under it; a record that
 * concerns only another family member is left out; a record linked to
 * no person concerns the family as a whole and is shown.
 *
 * Reading: one read of the case ("inzage") in the read log before any
 * record is read.  Functions return 0 or a negative CS_ERR_*.
 */
#ifndef REPORT_INZAGE_H
#define REPORT_INZAGE_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "db.h"
#include "reportnames.h"

struct doc;
struct auditrows;

#define REPORT_INZAGE_RECORDS_MAX	100000	/* records of one case */
#define REPORT_INZAGE_NAME_MAX		512	/* bytes of a title, name */
/* replies of the audit log fetched (auditrows.h): 100,000 entries */
#define REPORT_INZAGE_ACCESS_PAGES	200

struct report_inzage_in {
	const char	*case_id;	/* a case this laptop holds */
	const char	*person_id;	/* a person of it; NULL: the family */
	enum reportnames names;
	const struct auditrows *access;	/* the audit log's entries */
	const char	*self_name;	/* who makes it (NULL: unknown) */
	const char	*self_role;
	int64_t		 now;		/* seconds since the epoch */
};

/* What the document holds, for a summary: counts, the names of both. */
struct report_inzage_sum {
	char	title[REPORT_INZAGE_NAME_MAX + 1];	/* the case's */
	char	person[REPORT_INZAGE_NAME_MAX + 1];	/* "": the family */
	size_t	persons;
	size_t	measures;
	size_t	plan_versions;
	size_t	assessments;
	size_t	notes;
	size_t	partners;
	size_t	escalations;
	size_t	access;		/* entries of the access section */
	size_t	left_out;	/* records of others, not shown */
};

/*
 * The person "what" of case "case_id" (the whole name or the first
 * name, case and accents not minding, or its short id: a tail of its
 * record id of at least 4 characters, ids.h) into out: 0,
 * CS_ERR_NOT_FOUND, or CS_ERR_AMBIGUOUS.  Logs a "search" read of the
 * case first.
 */
int	report_inzage_person(sqlite3 *, const char *case_id,
	    const char *what, char out[DB_UUID_LEN + 1]);

/*
 * The inzage of "in" into *out (free with doc_free) and *sum.
 * CS_ERR_NOT_FOUND if the laptop holds no record of the case;
 * CS_ERR_TOO_LARGE past REPORT_INZAGE_RECORDS_MAX records or doc.h's
 * limits.
 */
int	report_inzage_make(sqlite3 *, const struct report_inzage_in *in,
	    struct doc **out, struct report_inzage_sum *sum);

#endif /* REPORT_INZAGE_H */
