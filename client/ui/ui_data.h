/* SPDX-License-Identifier: ISC */
/*
 * ui_data.h - what the case-file pages (ui_page_caseload.c,
 * ui_page_dossier.c, ui_page_form.c, ui_page_team.c) read and write,
 * in the shape the pages need, on the client core: the caseload
 * (caseload.h), a case's records with their author and time, read
 * through the core so the read is in the laptop's read log (dossier.h),
 * and a record written through the core, which checks every field
 * (schema.c) and answers per field.  No rule of the domain is here:
 * only the gathering into rows and the translation of ids.
 */
#ifndef UI_DATA_H
#define UI_DATA_H

#include <stddef.h>
#include <stdint.h>

#include "body.h"
#include "db.h"
#include "marker.h"

struct html;
struct ui_ctx;
struct schema_kind;

#define UI_FIELDS_MAX	16	/* fields of one kind (schema.c) */
#define UI_TEXT_MAX	256	/* bytes of a title or name shown in a row */
#define UI_DUE_MAX	8	/* deadlines of a case kept in its row */

/* One record of a case, decoded. */
struct ui_rec {
	char		 id[DB_UUID_LEN + 1];
	char		 kind[DB_KIND_MAX + 1];
	struct body	 b;
	char		 author[MARKER_NAME_MAX + 1];	/* "" if unknown */
	int64_t		 at;		/* written (seconds); 0 if unknown */
	size_t		 conflicts;	/* fields in conflict */
};

/* A deadline of a case. */
struct ui_due {
	int64_t		 due;		/* lifecycle.h days */
	int64_t		 days_left;	/* < 0: overdue */
	const char	*what;		/* "toetsing", "goal_due", ... */
};

/* A case as the caseload and the dossier's head show it. */
struct ui_caserow {
	char		 case_id[DB_UUID_LEN + 1];
	char		 title[UI_TEXT_MAX];
	char		 regisseur[UI_TEXT_MAX];	/* "" if unknown */
	const char	*frame;		/* "DRANG", ...; "" if unknown */
	const char	*state;		/* "DRANG_INTENSIEF", ...; "" */
	int64_t		 state_since;	/* days, or LC_NODATE */
	int64_t		 end_date;	/* drang or measure end, or LC_NODATE */
	int		 extended;	/* drang extended with approval */
	char		 children[UI_TEXT_MAX];	/* names, ", " between */
	struct ui_due	 due[UI_DUE_MAX];	/* soonest first */
	size_t		 ndue;
	char		 fold[2 * UI_TEXT_MAX];	/* title, regisseur and
						   children, ui_fold()ed */
};

struct ui_case {
	struct ui_caserow	 row;
	struct ui_rec		*r;	/* by kind, then oldest first */
	size_t			 n, cap;
};

/*
 * Every case on this laptop as rows, sorted by the next deadline (cases
 * without one last, then by title); the view is in the read log
 * ("list" of all cases).  Free *rows with free().
 */
int	ui_caseload_read(struct ui_ctx *, struct ui_caserow **rows, size_t *n);

/*
 * The records of a case and its row, the read logged as "action";
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
 * An id from a URL or a form (ui_idarg's form) to a case or record id:
 * 0, or CS_ERR_NOT_FOUND.
 */
int	ui_case_id(struct ui_ctx *, const char *arg,
	    char out[DB_UUID_LEN + 1]);
int	ui_rec_id(struct ui_ctx *, const char *arg,
	    char out[DB_UUID_LEN + 1]);
/* The id of case or record "id" as URLs and forms carry it, escaped. */
void	ui_idarg(struct ui_ctx *, struct html *, const char *id);

/* A write of one record from a form. */
struct ui_write {
	/* in, by schema field index: NULL not sent, "" cleared */
	const char	*val[UI_FIELDS_MAX];
	/* out: the core's message per field, NULL if the field is fine */
	const char	*why[UI_FIELDS_MAX];
	/* out: a sentence for the whole form (a read-only case) */
	char		 why_all[512];
	char		 id[DB_UUID_LEN + 1];	/* out: the record written */
};

/*
 * Write record "record_id" (NULL: a new one) of kind "k" in case
 * "case_id" through the core: 0, CS_ERR_FORMAT with w->why per field,
 * CS_ERR_AUTH with w->why_all, or another CS_ERR_*.  Nothing is
 * written unless every field is right.
 */
int	ui_case_write(struct ui_ctx *, const char *case_id,
	    const struct schema_kind *k, const char *record_id,
	    struct ui_write *w);

#endif /* UI_DATA_H */
