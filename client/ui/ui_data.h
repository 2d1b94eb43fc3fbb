/* SPDX-License-Identifier: ISC */
/*
 * ui_data.h - what the case-file pages (ui_page_caseload.c,
 * ui_page_dossier.c, ui_page_form.c, ui_page_team.c) read and write,
 * on the client core only: the caseload (caseload.h), a case's records
 * with their author and time, read through dossier.h so the view is in
 * the laptop's read log, ids as people and URLs carry them (ids.h),
 * and a record written through dossier.h, which checks every field
 * against schema.c.  No rule of the domain is here.
 */
#ifndef UI_DATA_H
#define UI_DATA_H

#include <stddef.h>
#include <stdint.h>

#include "body.h"
#include "caseload.h"
#include "db.h"
#include "dossier.h"
#include "ids.h"
#include "nolost.h"

struct html;
struct ui_ctx;
struct schema_kind;

#define UI_TEXT_MAX	256	/* bytes of a name shown in a list */

/* One record of a case, decoded. */
struct ui_rec {
	char		 id[DB_UUID_LEN + 1];
	char		 kind[DB_KIND_MAX + 1];
	struct body	 b;
	char		 author[UI_TEXT_MAX];	/* "" if unknown */
	int64_t		 at;		/* written (seconds); 0 if unknown */
	size_t		 conflicts;	/* fields in conflict */
};

struct measure_view;

struct ui_case {
	struct caseload			*cl;	/* for the row and short ids */
	const struct caseload_row	*row;	/* this case's */
	struct ui_rec			*r;	/* as dossier_read gives them */
	size_t				 n, cap;
	/* the children's measures (measure_view.h), read with the rest */
	struct measure_view		*mv;
};

/* The caseload as of today (local), the read logged (caseload.h). */
int	ui_caseload(struct ui_ctx *, struct caseload **);

/*
 * The case's row and records, the read logged as "action" (dossier.h);
 * CS_ERR_NOT_FOUND if this laptop knows no such case.
 */
int	ui_case_read(struct ui_ctx *, const char *case_id, const char *action,
	    struct ui_case *);
void	ui_case_free(struct ui_case *);
/* Record "id" of the case, or NULL. */
const struct ui_rec *ui_case_rec(const struct ui_case *, const char *id);
/* Field "name" of "r" as text in buf ("" if absent or not text). */
const char	*ui_rec_str(const struct ui_rec *, const char *name, char *buf,
		    size_t len);
/* Field "name" of "r" is "value". */
int	ui_rec_is(const struct ui_rec *, const char *name, const char *value);

/*
 * An id from a URL or a form (a short id, as ui_idarg writes it; or a
 * full id) to a case or record id: 0, or CS_ERR_NOT_FOUND (also when
 * ambiguous).
 */
int	ui_case_id(struct ui_ctx *, const char *arg,
	    char out[DB_UUID_LEN + 1]);
int	ui_rec_id(struct ui_ctx *, const char *arg,
	    char out[DB_UUID_LEN + 1]);
/* The short id of case or record "id" for a URL or a form, escaped. */
void	ui_idarg(struct html *, const struct ids *, const char *id);

/*
 * 1 if this user may not write the case here (nolost.h: handed over,
 * break the glass, a read-only member, or no longer theirs), with why
 * in *a; 0 if the case is writable.
 */
int	ui_case_readonly(struct ui_ctx *, const char *case_id,
	    struct nolost_access *a);
/* A paragraph saying so in Dutch. */
void	ui_readonly_note(struct html *, const struct nolost_access *a);

/* A write of one record from a form. */
struct ui_write {
	/* in, by schema field index: NULL not sent, "" cleared */
	const char	*val[DOSSIER_FIELDS_MAX];
	/* out: the core's sentence per field, NULL if the field is fine */
	const char	*why[DOSSIER_FIELDS_MAX];
	/* out: the core's allowed values of a wrong choice, or NULL */
	const char	*choices[DOSSIER_FIELDS_MAX];
	int		 read_only;	/* out: the case is read-only */
	char		 id[DB_UUID_LEN + 1];	/* out: the record written */
};

/*
 * Write record "record_id" (NULL: a new one) of kind "k" in case
 * "case_id" through the core (dossier_write): 0, or CS_ERR_USAGE with
 * w->why per field the core refused (every wrong value, and the first
 * required field missing), or CS_ERR_AUTH (read-only: w->read_only), or
 * another CS_ERR_*.  Nothing is written unless the core accepts all.
 */
int	ui_case_write(struct ui_ctx *, const char *case_id,
	    const struct schema_kind *k, const char *record_id,
	    struct ui_write *w);

#endif /* UI_DATA_H */
