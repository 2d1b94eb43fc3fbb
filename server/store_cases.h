/* SPDX-License-Identifier: ISC */
/*
 * store_cases.h - the lifecycle metadata of cases in the server
 * database (store_cases.c): reading it, and changing a case's state in
 * one transaction under the rules of lifecycle.h and the roles of
 * DESIGN §2.  Server-visible metadata only: states, frames, dates.
 */
#ifndef STORE_CASES_H
#define STORE_CASES_H

#include <stdint.h>

#include "lifecycle.h"
#include "measure.h"
#include "store.h"

struct store_case_meta {
	char		case_id[STORE_UUID_LEN + 1];
	struct lc_case	lc;
	int64_t		office_id;
	int64_t		regisseur_id;	/* 0 unless she is a member */
	char		regisseur[STORE_NAME_MAX + 1];	/* her name, or "" */
	char		approved_by[STORE_NAME_MAX + 1];	/* "" if none */
	int64_t		approver_id;				/* 0 if none */
	char		close_reason[16];	/* "" until closed */
	int64_t		closed_on;	/* day it became GESLOTEN, or NODATE */
	int64_t		retention_until;	/* destroy after, or NODATE */
	int64_t		registered;	/* the day the case was registered */
	/* its children's measures (store_measures.c), newest first */
	size_t		n_measures;
	struct ms_measure measures[MS_MEASURES_MAX];
	char		measure_records[MS_MEASURES_MAX][STORE_UUID_LEN + 1];
};

/* Load case "case_id" into *m, for no one in particular.  NOT_FOUND or DB. */
int	store_case_load(struct store *, const char *case_id,
	    struct store_case_meta *m);

/* What a transfer's receiving office may see before it decides. */
struct store_transfer_preview {
	struct store_case_meta	meta;
	int64_t			records;	/* not deleted */
	int64_t			persons;	/* of kind "person" */
	int64_t			measures;	/* of kind "measure" */
	char			regisseur[STORE_NAME_MAX + 1];	/* "" */
};

/*
 * The preview of case "case_id" (store_transfer_preview.c): its
 * lifecycle metadata, its records counted by kind, its regisseur's name.
 * NOT_FOUND or DB.  The caller decides who may see it.
 */
int	store_transfer_preview(struct store *, const char *case_id,
	    struct store_transfer_preview *out);

/* *yes = 1 if "u" is a teamleider of office "office_id". */
int	store_case_is_lead(struct store *, const struct store_user *u,
	    int64_t office_id, int *yes);
/*
 * Write the lifecycle fields of m->lc (and "approver", 0: none) of an
 * existing case, inside the caller's transaction.
 */
int	store_case_write(struct store *, const struct store_case_meta *m,
	    int64_t approver);

/*
 * The metadata of "case_id" for "actor", who must be a member of the
 * case or a teamleider of its office (CS_ERR_AUTH otherwise).
 * CS_ERR_NOT_FOUND if there is no such case.
 */
int	store_case_meta_get(struct store *, const struct store_user *actor,
	    const char *case_id, struct store_case_meta *out);

/*
 * Apply "req" to case "case_id" on day "today", in one transaction.
 * Only the case's regisseur or a teamleider of its office may ask
 * (CS_ERR_AUTH).  Nothing here is approved: "approved_by" (the name a
 * laptop once typed) must be "" or NULL, a drang end past 3 months and
 * a change to AFSLUITING need an approval (store_approvals.h) and are
 * refused with CS_ERR_APPROVAL.  Then lc_apply() decides (CS_ERR_STATE,
 * CS_ERR_LIMIT, CS_ERR_APPROVAL, CS_ERR_FORMAT).  On a refusal *why is
 * a sentence for the user and nothing has changed; on success *out
 * holds the case after the change.
 */
int	store_case_change(struct store *, const struct store_user *actor,
	    const char *case_id, const struct lc_change *req,
	    const char *approved_by, int64_t today,
	    struct store_case_meta *out, const char **why);

/*
 * The state change itself, for whoever has decided it may happen
 * (store_case_change, an approval): lc_apply() with "approver" (a user
 * id; 0: none) as the teamleider who approved, written with the
 * approver of the drang end the case then has; AFSLUITING is refused
 * with CS_ERR_RUNNING while a measure of a child runs (measure.h).
 * Inside the caller's transaction if one is open.  Errors and *why as
 * above; *out holds the case after the change.
 */
int	store_case_apply(struct store *, const char *case_id,
	    const struct lc_change *req, int64_t approver, int64_t today,
	    struct store_case_meta *out, const char **why);

/*
 * Cases visible to "actor" with id > "after" ("" for the start), by id,
 * at most "max": for a teamleider every case of the office that is not
 * GESLOTEN, for everyone the cases they are a member of.  cb gets each
 * case's metadata (valid during the call) and returns 0 to go on, else
 * that value is returned.  *more is set when cases remain after these.
 */
int	store_case_list(struct store *, const struct store_user *actor,
	    const char *after, size_t max,
	    int (*cb)(const struct store_case_meta *, void *), void *arg,
	    int *more);

#endif /* STORE_CASES_H */
