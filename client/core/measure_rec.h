/* SPDX-License-Identifier: ISC */
/*
 * measure_rec.h - the sealed measure record of a child (record kind
 * "measure", schema.c), for both faces: what the court decided (court,
 * zaaknummer, decision date), the dates the server accepted, each
 * extension with its own decision, the end, and the server's measure
 * id.  The server holds the dates and the type as metadata of the child
 * (ChildMeasureInfo); court and zaaknummer exist only here, sealed.
 *
 * A measure record is written only after the server accepted the
 * measure (dossier.h "server_checked"), with the record id named in
 * the ChildMeasure; a refused measure writes nothing.
 *
 * Nothing here prints.  Functions return 0 or a negative CS_ERR_*;
 * a write that fails says why in a struct dossier_error (dossier.h).
 */
#ifndef MEASURE_REC_H
#define MEASURE_REC_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "db.h"
#include "dossier.h"
#include "lifecycle.h"
#include "validate.h"

struct body;

#define MEASURE_REC_TYPE_MAX	32
#define MEASURE_REC_EXT_MAX	24	/* extensions kept in a record */

/* One extension: its decision and the end it set. */
struct measure_rec_ext {
	int64_t	decision_date;
	int64_t	end;			/* the new end */
	int64_t	previous_end;
	char	court[VALIDATE_TEXT_MAX + 1];
	char	zaaknummer[VALIDATE_TEXT_MAX + 1];
};

struct measure_rec {
	char			record_id[DB_UUID_LEN + 1];
	char			case_id[DB_UUID_LEN + 1];
	char			type[MEASURE_REC_TYPE_MAX + 1];
	char			child_id[DB_UUID_LEN + 1];
	char			court[VALIDATE_TEXT_MAX + 1];
	char			zaaknummer[VALIDATE_TEXT_MAX + 1];
	int64_t			decision_date;	/* LC_NODATE if absent */
	int64_t			start;
	int64_t			end;
	int64_t			ended_on;	/* LC_NODATE: not ended */
	uint64_t		measure_id;	/* 0: not the server's */
	struct measure_rec_ext	ext[MEASURE_REC_EXT_MAX];
	size_t			next;
};

/*
 * A measure record's body into *m (record and case ids not set): the
 * fields that are there and valid; a date that does not parse is
 * LC_NODATE, an extension line that does not parse is skipped (records
 * come from other devices).
 */
void	measure_rec_parse(const struct body *, struct measure_rec *m);

/*
 * Read measure record "record_id" (a live record of kind "measure")
 * into *m.  CS_ERR_NOT_FOUND (no such record, or not a measure),
 * CS_ERR_FORMAT (it does not decode).  Reads no read log: the caller
 * logs the read it makes (readlog.h).
 */
int	measure_rec_get(sqlite3 *, const char *record_id,
	    struct measure_rec *m);

/*
 * Check, without writing, that a new measure record of case "case_id"
 * could be written ("m": type, child, court, zaaknummer, dates): every
 * value valid, the case writable here.  Done before the server is
 * asked, so a measure the server accepts is one the laptop can keep.
 */
int	measure_rec_check_new(sqlite3 *, const char *case_id,
	    const struct measure_rec *m, struct dossier_error *err);

/*
 * Write the new measure record m->record_id of case "case_id" once the
 * server accepted it (m->measure_id its id).
 */
int	measure_rec_write_new(sqlite3 *, const char *case_id,
	    const struct measure_rec *m, struct dossier_error *err);

/*
 * Record an extension the server accepted: the new end and the
 * extension's line (its decision, court and zaaknummer; the court and
 * zaaknummer of the measure when "court"/"zaaknummer" are NULL).
 * MEASURE_REC_EXT_MAX extensions at most (CS_ERR_LIMIT).
 */
int	measure_rec_write_extend(sqlite3 *, const struct measure_rec *m,
	    int64_t decision_date, int64_t new_end, const char *court,
	    const char *zaaknummer, struct dossier_error *err);

/* Record the end the server accepted (the day it ended). */
int	measure_rec_write_end(sqlite3 *, const struct measure_rec *m,
	    int64_t ended_on, struct dossier_error *err);

#endif /* MEASURE_REC_H */
