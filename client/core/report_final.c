/* SPDX-License-Identifier: ISC */
/*
 * report_final.c - a report finalised into the dossier, listed and
 * rendered again (report_raad.h).  The edited draft is parsed by
 * report_parse.c; what it names by short ids is resolved here and must
 * be this case (and a child of it); the record is written through
 * dossier_write like every other, so a closed or read-only case refuses
 * it the same way and it syncs like any record.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "body.h"
#include "case_title.h"
#include "children.h"
#include "db.h"
#include "doc.h"
#include "dossier.h"
#include "errors.h"
#include "ids.h"
#include "lifecycle.h"
#include "localday.h"
#include "readlog.h"
#include "report_int.h"
#include "report_raad.h"
#include "schema.h"
#include "util.h"
#include "validate.h"

/* What the Kenmerk names, as full ids; "why" says what does not fit. */
static int
report_refs(sqlite3 *db, const char *case_id, const struct report_parsed *p,
    char child[DB_UUID_LEN + 1], char *why)
{
	char	id[DB_UUID_LEN + 1];
	int	r;

	child[0] = '\0';
	r = ids_resolve(db, IDS_CASE, p->case_ref, id, NULL);
	if (r == CS_ERR_NOT_FOUND || r == CS_ERR_AMBIGUOUS ||
	    r == CS_ERR_FORMAT || (r == 0 && strcmp(id, case_id) != 0)) {
		(void)str_fmt(why, REPORT_WHY_MAX, "this draft is of another "
		    "case (its Kenmerk names case %s): finalise it with that "
		    "case, or make a new draft", p->case_ref);
		return CS_ERR_USAGE;
	}
	if (r != 0)
		return r;
	if (p->type != REPORT_VERLENGING)
		return 0;
	r = ids_resolve(db, IDS_RECORD, p->child_ref, child, NULL);
	if (r == CS_ERR_NOT_FOUND || r == CS_ERR_AMBIGUOUS ||
	    r == CS_ERR_FORMAT) {
		(void)str_fmt(why, REPORT_WHY_MAX, "the child the draft's "
		    "Kenmerk names (%s) is not one this laptop holds",
		    p->child_ref);
		return CS_ERR_USAGE;
	}
	return r;
}

int
report_final(sqlite3 *db, const char *case_id, const char *html, size_t len,
    char id_out[DB_UUID_LEN + 1], char why[REPORT_WHY_MAX],
    struct dossier_error *err)
{
	const struct schema_kind	*k = schema_kind("report");
	struct report_parsed		 p;
	struct dossier_input		 in;
	char				 child[DB_UUID_LEN + 1];
	char				 subject[VALIDATE_TEXT_MAX + 1];
	char				 cname[VALIDATE_NAME_MAX + 1];
	const char			*vwhy;
	size_t				 i;
	int				 r, f;

	why[0] = '\0';
	memset(err, 0, sizeof(*err));
	err->field = -1;
	if ((r = report_parse(html, len, &p, why)) != 0)
		goto out;
	for (i = 0; i < REPORT_SECTIONS; i++)
		if (strstr(p.text[i], REPORT_FILL_IN) != NULL) {
			(void)str_fmt(why, REPORT_WHY_MAX, "the section \"%s\" "
			    "still has a placeholder \"%s ...]\": write it or "
			    "remove it, then finalise again",
			    report_sections[i].heading, REPORT_FILL_IN);
			r = CS_ERR_USAGE;
			goto out;
		}
	if ((r = report_refs(db, case_id, &p, child, why)) != 0)
		goto out;
	/* the family's title and the child's name are read: logged first */
	if ((r = readlog_add(db, "report", case_id)) != 0)
		goto out;
	memset(&in, 0, sizeof(in));
	in.k = k;
	in.case_id = case_id;
	in.report_final = 1;
	in.val[schema_field_index(k, "type")] = report_type_name(p.type);
	if (child[0] != '\0') {
		in.val[schema_field_index(k, "child")] = child;
		if (children_name(db, case_id, child, cname,
		    sizeof(cname)) == 0 && validate_name(cname,
		    VALIDATE_NAME_MAX, &vwhy) == 0)
			in.val[schema_field_index(k, "child_name")] = cname;
	}
	if (case_title_get(db, case_id, subject, sizeof(subject)) == 0 &&
	    validate_name(subject, VALIDATE_TEXT_MAX, &vwhy) == 0)
		in.val[schema_field_index(k, "subject")] = subject;
	for (i = 0; i < REPORT_SECTIONS; i++) {
		if ((f = schema_field_index(k, report_sections[i].field)) < 0) {
			r = CS_ERR_INTERNAL;
			goto out;
		}
		in.val[f] = p.text[i];
	}
	r = dossier_write(db, &in, id_out, NULL, err);
 out:
	report_parsed_clear(&p);
	return r;
}

struct report_lister {
	report_list_cb	 cb;
	void		*arg;
	const char	*only;		/* render: this record */
	struct doc	**doc;
	enum reportnames names;
	int		 found;
};

/* Field "name" of "b" as safe text (newlines kept) into dst. */
static const char *
report_field(const struct body *b, const char *name, char *dst, size_t len)
{
	return report_value(b, name, 0, dst, len);
}

static int
report_list_one(const struct dossier_record *d, void *arg)
{
	struct report_lister	*l = arg;
	struct report_entry	 e;
	char			 type[16], subject[VALIDATE_TEXT_MAX + 1];
	char			 cname[VALIDATE_NAME_MAX + 1];

	if (d->body == NULL)
		return 0;
	report_field(d->body, "type", type, sizeof(type));
	memset(&e, 0, sizeof(e));
	if (report_type_parse(type, &e.type) != 0)
		return 0;	/* not one this version knows */
	e.record_id = d->rec->record_id;
	e.subject = report_field(d->body, "subject", subject,
	    sizeof(subject));
	e.child_name = report_field(d->body, "child_name", cname,
	    sizeof(cname));
	e.by = &d->by;
	return l->cb(&e, l->arg);
}

int
report_list(sqlite3 *db, const char *case_id, report_list_cb cb, void *arg)
{
	static const char *const	kinds[] = { "report", NULL };
	struct report_lister		l;

	memset(&l, 0, sizeof(l));
	l.cb = cb;
	l.arg = arg;
	return dossier_read(db, case_id, kinds, "report", report_list_one, &l);
}

/* A section's text as the document's paragraphs and list items. */
static int
report_render_text(struct doc *d, const char *t)
{
	const char	*e;
	char		*line;
	size_t		 n;
	int		 r = 0;

	if ((line = malloc(strlen(t) + 1)) == NULL)
		return CS_ERR_ALLOC;
	for (; r == 0 && *t != '\0'; t = *e != '\0' ? e + 1 : e) {
		if ((e = strchr(t, '\n')) == NULL)
			e = t + strlen(t);
		n = (size_t)(e - t);
		memcpy(line, t, n);
		line[n] = '\0';
		if (n == 0)
			continue;
		if (n > 2 && line[0] == '-' && line[1] == ' ')
			r = doc_item(d, line + 2);
		else
			r = doc_para(d, line);
	}
	free(line);
	return r;
}

/* The finalised document of record "d". */
static int
report_render_one(const struct dossier_record *d, void *arg)
{
	struct report_lister	*l = arg;
	enum report_type	 type;
	struct doc		*doc = NULL;
	char			*text = NULL, v[VALIDATE_TEXT_MAX + 1];
	char			 date[LC_DATE_LEN + 1], hm[LOCALDAY_TIME_LEN + 1];
	char			 when[64], wb[REPORTNAMES_WHO_MAX];
	size_t			 i;
	int			 r;

	if (strcmp(d->rec->record_id, l->only) != 0 || d->body == NULL)
		return 0;
	report_field(d->body, "type", v, sizeof(v));
	if (report_type_parse(v, &type) != 0)
		return 0;
	l->found = 1;
	if ((text = malloc(SCHEMA_LONG_MAX + 1)) == NULL)
		return CS_ERR_ALLOC;
	if ((r = doc_new(report_title(type), &doc)) != 0 ||
	    (r = doc_set_footer(doc, "Vertrouwelijk")) != 0)
		goto out;
	if (report_field(d->body, "subject", v, sizeof(v))[0] != '\0' &&
	    (r = doc_fact(doc, "Gezin", v)) != 0)
		goto out;
	if (report_field(d->body, "child_name", v, sizeof(v))[0] != '\0' &&
	    (r = doc_fact(doc, "Kind", v)) != 0)
		goto out;
	if ((r = doc_fact(doc, "Vastgesteld door", reportnames_who(l->names,
	    d->by.created_by, NULL, wb, sizeof(wb)))) != 0)
		goto out;
	if (d->by.created_at > 0 && localday_format(d->by.created_at, date,
	    sizeof(date), hm, sizeof(hm)) == 0) {
		int64_t	day;

		if (lc_date_parse(date, &day) != 0)
			day = LC_NODATE;
		report_date(day, v, sizeof(v));
		(void)str_fmt(when, sizeof(when), "%s %s", v, hm);
	} else
		(void)str_fmt(when, sizeof(when), "onbekend");
	if ((r = doc_fact(doc, "Vastgesteld op", when)) != 0)
		goto out;
	for (i = 0; i < REPORT_SECTIONS; i++) {
		if ((r = doc_heading(doc, 1, report_sections[i].heading)) !=
		    0 || (r = report_render_text(doc, report_field(d->body,
		    report_sections[i].field, text, SCHEMA_LONG_MAX + 1))) !=
		    0)
			goto out;
	}
	*l->doc = doc;
	doc = NULL;	/* transferred */
 out:
	doc_free(doc);
	free(text);
	return r;
}

int
report_render(sqlite3 *db, const char *case_id, const char *record_id,
    enum reportnames names, struct doc **out)
{
	static const char *const	kinds[] = { "report", NULL };
	struct report_lister		l;
	int				r;

	*out = NULL;
	memset(&l, 0, sizeof(l));
	l.only = record_id;
	l.doc = out;
	l.names = names;
	if ((r = dossier_read(db, case_id, kinds, "report", report_render_one,
	    &l)) != 0)
		return r;
	return l.found && *out != NULL ? 0 : CS_ERR_NOT_FOUND;
}
