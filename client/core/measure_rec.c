/* SPDX-License-Identifier: ISC */
/*
 * measure_rec.c - the sealed measure record of a child (measure_rec.h).
 *
 * Writes go through dossier_write (schema.c checks every value, the
 * read-only rule of nolost.h, record and outbox in one transaction)
 * with "server_checked" set: this file is the measure path dossier.c
 * lets through.  The extensions are one field, a line each, so two
 * extensions are never half merged: the server orders them, and each
 * laptop writes the whole history it knows.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "body.h"
#include "db.h"
#include "dossier.h"
#include "errors.h"
#include "lifecycle.h"
#include "measure_rec.h"
#include "msg.h"
#include "schema.h"
#include "util.h"
#include "validate.h"

/* Field "name" of "b" as a string into dst ("" if absent or too long). */
static void
mrec_text(const struct body *b, const char *name, char *dst, size_t len)
{
	const struct body_field	*f = body_get(b, name);

	dst[0] = '\0';
	if (f == NULL || f->len >= len || memchr(f->value, '\0',
	    f->len) != NULL)
		return;
	memcpy(dst, f->value, f->len);
	dst[f->len] = '\0';
}

static int64_t
mrec_date(const struct body *b, const char *name)
{
	char	s[LC_DATE_LEN + 1];
	int64_t	d;

	mrec_text(b, name, s, sizeof(s));
	return lc_date_parse(s, &d) == 0 ? d : LC_NODATE;
}

/* One "extensions" line (without its newline) into *e: 0 or -1. */
static int
mrec_ext_parse(const char *line, size_t len, struct measure_rec_ext *e)
{
	const char	*p = line, *end = line + len, *tab;
	char		 f[SCHEMA_MEASURE_EXT_FIELDS][VALIDATE_TEXT_MAX + 1];
	const char	*why;
	size_t		 i, n;

	for (i = 0; i < SCHEMA_MEASURE_EXT_FIELDS; i++) {
		tab = memchr(p, '\t', (size_t)(end - p));
		if ((tab == NULL) != (i == SCHEMA_MEASURE_EXT_FIELDS - 1))
			return -1;
		n = (size_t)((tab != NULL ? tab : end) - p);
		if (n > VALIDATE_TEXT_MAX)
			return -1;
		memcpy(f[i], p, n);
		f[i][n] = '\0';
		p += n + 1;
	}
	if (lc_date_parse(f[0], &e->decision_date) != 0 ||
	    lc_date_parse(f[1], &e->end) != 0 ||
	    lc_date_parse(f[2], &e->previous_end) != 0 ||
	    validate_name(f[3], VALIDATE_TEXT_MAX, &why) != 0 ||
	    validate_name(f[4], VALIDATE_TEXT_MAX, &why) != 0)
		return -1;
	memcpy(e->court, f[3], sizeof(e->court));
	memcpy(e->zaaknummer, f[4], sizeof(e->zaaknummer));
	return 0;
}

void
measure_rec_parse(const struct body *b, struct measure_rec *m)
{
	const struct body_field	*f;
	const char		*p, *end, *nl;
	char			 id[24];
	uint64_t		 v;

	memset(m, 0, sizeof(*m));
	mrec_text(b, "type", m->type, sizeof(m->type));
	mrec_text(b, "child", m->child_id, sizeof(m->child_id));
	if (!wire_uuid_ok(m->child_id))
		m->child_id[0] = '\0';
	mrec_text(b, "court", m->court, sizeof(m->court));
	mrec_text(b, "zaaknummer", m->zaaknummer, sizeof(m->zaaknummer));
	m->decision_date = mrec_date(b, "decision_date");
	m->start = mrec_date(b, "start");
	m->end = mrec_date(b, "end");
	m->ended_on = mrec_date(b, "ended_on");
	mrec_text(b, "measure_id", id, sizeof(id));
	if (parse_u64(id, 1, UINT64_MAX, &v) == 0)
		m->measure_id = v;
	if ((f = body_get(b, "extensions")) == NULL)
		return;
	p = (const char *)f->value;
	end = p + f->len;
	while (p < end && m->next < MEASURE_REC_EXT_MAX) {
		nl = memchr(p, '\n', (size_t)(end - p));
		if (mrec_ext_parse(p, (size_t)((nl != NULL ? nl : end) - p),
		    &m->ext[m->next]) == 0)
			m->next++;
		if (nl == NULL)
			break;
		p = nl + 1;
	}
}

int
measure_rec_get(sqlite3 *db, const char *record_id, struct measure_rec *m)
{
	struct db_record	rec;
	struct body		b;
	int			r;

	memset(m, 0, sizeof(*m));
	memset(&rec, 0, sizeof(rec));
	body_init(&b);
	if ((r = db_record_get(db, record_id, &rec)) != 0)
		goto out;
	if (rec.deleted || strcmp(rec.kind, "measure") != 0) {
		r = CS_ERR_NOT_FOUND;
		goto out;
	}
	if ((r = body_decode(rec.body, rec.body_len, &b)) != 0) {
		r = CS_ERR_FORMAT;
		goto out;
	}
	measure_rec_parse(&b, m);
	memcpy(m->record_id, rec.record_id, sizeof(m->record_id));
	memcpy(m->case_id, rec.case_id, sizeof(m->case_id));
 out:
	if (rec.body != NULL)
		sodium_memzero(rec.body, rec.body_len);
	db_record_clear(&rec);
	body_free(&b);
	return r;
}

/* Set field "name" of "in" to "v" (kept in the caller's storage). */
static void
mrec_set(struct dossier_input *in, const char *name, const char *v)
{
	int	i = schema_field_index(in->k, name);

	if (i >= 0 && i < DOSSIER_FIELDS_MAX)
		in->val[i] = v;
}

/* What a new record holds, as text (the strings of "in"). */
struct mrec_new {
	char	decision[LC_DATE_LEN + 1];
	char	start[LC_DATE_LEN + 1];
	char	end[LC_DATE_LEN + 1];
	char	id[24];
};

static void
mrec_new_input(const char *case_id, const struct measure_rec *m,
    struct mrec_new *t, struct dossier_input *in)
{
	memset(in, 0, sizeof(*in));
	in->k = schema_kind("measure");
	in->case_id = case_id;
	in->new_id = m->record_id[0] != '\0' ? m->record_id : NULL;
	in->server_checked = 1;
	lc_date_format(m->decision_date, t->decision, sizeof(t->decision));
	lc_date_format(m->start, t->start, sizeof(t->start));
	lc_date_format(m->end, t->end, sizeof(t->end));
	/* before the server's yes there is no id yet: a stand-in */
	(void)str_fmt(t->id, sizeof(t->id), "%llu", (unsigned long long)
	    (m->measure_id != 0 ? m->measure_id : 1));
	mrec_set(in, "type", m->type);
	mrec_set(in, "child", m->child_id);
	mrec_set(in, "court", m->court);
	mrec_set(in, "zaaknummer", m->zaaknummer);
	mrec_set(in, "decision_date", t->decision);
	mrec_set(in, "start", t->start);
	mrec_set(in, "end", t->end);
	mrec_set(in, "measure_id", t->id);
}

int
measure_rec_check_new(sqlite3 *db, const char *case_id,
    const struct measure_rec *m, struct dossier_error *err)
{
	struct dossier_input	in;
	struct mrec_new		t;

	mrec_new_input(case_id, m, &t, &in);
	in.new_id = NULL;	/* dossier_check makes no id */
	return dossier_check(db, &in, 0, err);
}

int
measure_rec_write_new(sqlite3 *db, const char *case_id,
    const struct measure_rec *m, struct dossier_error *err)
{
	struct dossier_input	in;
	struct mrec_new		t;
	char			id[DB_UUID_LEN + 1];

	if (m->measure_id == 0 || m->record_id[0] == '\0')
		return CS_ERR_INTERNAL;
	mrec_new_input(case_id, m, &t, &in);
	return dossier_write(db, &in, id, NULL, err);
}

/* The "extensions" text of m's extensions and one more, e (or NULL). */
static int
mrec_ext_text(const struct measure_rec *m, const struct measure_rec_ext *e,
    char **out)
{
	const struct measure_rec_ext	*x;
	char				 d[3][LC_DATE_LEN + 1];
	size_t				 i, n, len = 0, cap;
	char				*s;
	int				 w;

	*out = NULL;
	n = m->next + (e != NULL);
	cap = n * (3 * (LC_DATE_LEN + 1) + 2 * (VALIDATE_TEXT_MAX + 1)) + 1;
	if ((s = malloc(cap)) == NULL)
		return CS_ERR_ALLOC;
	s[0] = '\0';
	for (i = 0; i < n; i++) {
		x = i < m->next ? &m->ext[i] : e;
		lc_date_format(x->decision_date, d[0], sizeof(d[0]));
		lc_date_format(x->end, d[1], sizeof(d[1]));
		lc_date_format(x->previous_end, d[2], sizeof(d[2]));
		w = snprintf(s + len, cap - len, "%s%s\t%s\t%s\t%s\t%s",
		    i > 0 ? "\n" : "", d[0], d[1], d[2], x->court,
		    x->zaaknummer);
		if (w < 0 || (size_t)w >= cap - len) {
			free(s);
			return CS_ERR_INTERNAL;
		}
		len += (size_t)w;
	}
	*out = s;
	return 0;
}

/* Change record m->record_id: "end" and "extensions", or "ended_on". */
static int
mrec_update(sqlite3 *db, const struct measure_rec *m, const char *end,
    const char *ext, const char *ended_on, struct dossier_error *err)
{
	struct dossier_input	in;
	char			id[DB_UUID_LEN + 1];

	memset(&in, 0, sizeof(in));
	in.k = schema_kind("measure");
	in.record_id = m->record_id;
	in.server_checked = 1;
	if (end != NULL)
		mrec_set(&in, "end", end);
	if (ext != NULL)
		mrec_set(&in, "extensions", ext);
	if (ended_on != NULL)
		mrec_set(&in, "ended_on", ended_on);
	return dossier_write(db, &in, id, NULL, err);
}

int
measure_rec_write_extend(sqlite3 *db, const struct measure_rec *m,
    int64_t decision_date, int64_t new_end, const char *court,
    const char *zaaknummer, struct dossier_error *err)
{
	struct measure_rec_ext	 e;
	char			 end[LC_DATE_LEN + 1], *text = NULL;
	const char		*why;
	int			 r;

	memset(err, 0, sizeof(*err));
	err->field = -1;
	if (m->next >= MEASURE_REC_EXT_MAX)
		return CS_ERR_LIMIT;
	memset(&e, 0, sizeof(e));
	e.decision_date = decision_date;
	e.end = new_end;
	e.previous_end = m->end;
	if (court == NULL)
		court = m->court;
	if (zaaknummer == NULL)
		zaaknummer = m->zaaknummer;
	if (validate_name(court, VALIDATE_TEXT_MAX, &why) != 0 ||
	    validate_name(zaaknummer, VALIDATE_TEXT_MAX, &why) != 0 ||
	    decision_date == LC_NODATE || new_end == LC_NODATE ||
	    m->end == LC_NODATE) {
		err->fault = DOSSIER_BAD_VALUE;
		(void)str_fmt(err->text, sizeof(err->text), "measure "
		    "extension: a court, a zaaknummer and dates are needed");
		return CS_ERR_USAGE;
	}
	memcpy(e.court, court, strlen(court) + 1);
	memcpy(e.zaaknummer, zaaknummer, strlen(zaaknummer) + 1);
	if ((r = mrec_ext_text(m, &e, &text)) != 0)
		return r;
	lc_date_format(new_end, end, sizeof(end));
	r = mrec_update(db, m, end, text, NULL, err);
	free(text);
	return r;
}

int
measure_rec_write_end(sqlite3 *db, const struct measure_rec *m,
    int64_t ended_on, struct dossier_error *err)
{
	char	d[LC_DATE_LEN + 1];

	lc_date_format(ended_on, d, sizeof(d));
	return mrec_update(db, m, NULL, NULL, d, err);
}
