/* SPDX-License-Identifier: ISC */
/*
 * report_inzage_int.h - shared by report_inzage.c (the records, the
 * rule, the persons and the access section) and report_inzage_sec.c
 * (the other sections).  Not an interface.
 */
#ifndef REPORT_INZAGE_INT_H
#define REPORT_INZAGE_INT_H

#include <stddef.h>
#include <stdint.h>

#include "body.h"
#include "db.h"
#include "marker.h"
#include "report_inzage.h"
#include "schema.h"

#define IZ_SHORT	(4 * 512)		/* a short text's room */
#define IZ_LONG		(SCHEMA_LONG_MAX + 1)	/* a long text's */
#define IZ_ROLES_MAX	256			/* professionals known */

/* One live record of the case as read. */
struct iz_rec {
	char		id[DB_UUID_LEN + 1];
	char		kind[DB_KIND_MAX + 1];
	struct body	b;
	char		author[MARKER_NAME_MAX + 1];	/* "" if unknown */
	int64_t		time;				/* 0 if unknown */
	int		show;		/* IZ_FULL, IZ_NAME_ONLY, IZ_OUT */
	char		*name;		/* a person's name; NULL: none */
};

#define IZ_OUT		0
#define IZ_FULL		1
#define IZ_NAME_ONLY	2	/* a person: name and relation only */

/* A professional's role as the audit log says (for "roles"). */
struct iz_role {
	char	name[MARKER_NAME_MAX + 1];
	char	role[64];
};

struct iz {
	const struct report_inzage_in *in;
	struct doc		*d;
	int			 r;		/* sticky: the first error */
	struct iz_rec		*rec;
	size_t			 nrec, cap;
	struct iz_role		 roles[IZ_ROLES_MAX];
	size_t			 nroles;
	struct report_inzage_sum *sum;
	char			 la[IZ_LONG];	/* scratch for long texts */
	char			 lb[IZ_LONG];
};

/* Sticky doc.h calls: nothing once z->r is set. */
void	iz_heading(struct iz *, int level, const char *text);
void	iz_para(struct iz *, const char *text);
void	iz_item(struct iz *, const char *text);
void	iz_note(struct iz *, const char *text);
void	iz_table(struct iz *, size_t ncols, const char *const *headers);
void	iz_row(struct iz *, const char *const *cells);

/* Field "name" of r as text into dst ("" if absent or not text). */
const char *iz_f(const struct iz_rec *, const char *name, char *dst,
	    size_t len);
/* A date field "YYYY-MM-DD" as "dd-mm-jjjj" ("" if absent or bad). */
const char *iz_date(const struct iz_rec *, const char *name, char *dst,
	    size_t len);
/* A day (lifecycle.h) as "dd-mm-jjjj"; "" for LC_NODATE. */
const char *iz_day(int64_t day, char *dst, size_t len);
/* A time (s since the epoch) as local "dd-mm-jjjj HH:MM"; "" for 0. */
const char *iz_when(int64_t t, char *dst, size_t len);
/* A choice's word in Dutch ("" for ""): static or the word itself. */
const char *iz_word(const char *word);
/* A professional as the setting says (reportnames_who, role looked up). */
const char *iz_who(const struct iz *, const char *name, char *dst,
	    size_t len);
/* "name" is a professional the audit log or the case names. */
int	iz_known(const struct iz *, const char *name);
/* The name of person record "id" ("" if the laptop holds none). */
/* (borrowed: valid while the records are) */
const char *iz_person_name(const struct iz *, const char *id);

/* report_inzage_sec.c: the sections after the persons. */
void	iz_sec_measures(struct iz *);
void	iz_sec_plan(struct iz *);
void	iz_sec_assessments(struct iz *);
void	iz_sec_journal(struct iz *);
void	iz_sec_partners(struct iz *);
void	iz_sec_escalations(struct iz *);
void	iz_sec_other(struct iz *);

#endif /* REPORT_INZAGE_INT_H */
