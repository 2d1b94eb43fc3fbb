/* SPDX-License-Identifier: ISC */
/*
 * report_raad.c - the draft of a melding to the Raad or of a request to
 * extend an OTS (report_raad.h): the case file read once (one "report"
 * entry in the read log), the measures as the server last sent them
 * joined with their sealed records (measure_view.h), then the document
 * filled heading by heading.  Every value comes from some device and is
 * made safe text first (report_text): the draft never fails on a
 * record's bytes.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "msg.h"
#include "body.h"
#include "case_meta.h"
#include "db.h"
#include "doc.h"
#include "dossier.h"
#include "errors.h"
#include "ids.h"
#include "lifecycle.h"
#include "measure.h"
#include "measure_rec.h"
#include "measure_view.h"
#include "report_int.h"
#include "report_raad.h"
#include "util.h"
#include "validate.h"

const char *
report_title(enum report_type t)
{
	return t == REPORT_VERLENGING ?
	    "Verzoek verlenging ondertoezichtstelling" :
	    "Melding aan de Raad voor de Kinderbescherming";
}

/* The records a draft may use, read once. */
static const char *const report_kinds[] = {
	"casefile", "person", "plan", "plan_version", "goal", "partner",
	"escalation", "escalation_outcome", "assessment", "journal", NULL
};

#define REPORT_RECORDS_MAX	20000

struct report_rec {
	char			id[DB_UUID_LEN + 1];
	char			kind[DB_KIND_MAX + 1];
	struct body		body;
	struct db_author	by;
	int			selected;
};

struct report_gather {
	struct report_rec	*r;
	size_t			 n, cap;
};

static int
report_gather_cb(const struct dossier_record *d, void *arg)
{
	struct report_gather	*g = arg;
	struct report_rec	*p;

	if (d->body == NULL)
		return 0;	/* unreadable: as if it were not there */
	if (g->n >= REPORT_RECORDS_MAX)
		return CS_ERR_TOO_LARGE;
	if (g->n == g->cap) {
		if ((p = reallocarray(g->r, g->cap == 0 ? 64 : 2 * g->cap,
		    sizeof(*p))) == NULL)
			return CS_ERR_ALLOC;
		g->r = p;
		g->cap = g->cap == 0 ? 64 : 2 * g->cap;
	}
	p = &g->r[g->n];
	memset(p, 0, sizeof(*p));
	body_init(&p->body);
	if (body_decode(d->rec->body, d->rec->body_len, &p->body) != 0) {
		body_free(&p->body);
		return 0;
	}
	memcpy(p->id, d->rec->record_id, sizeof(p->id));
	(void)str_fmt(p->kind, sizeof(p->kind), "%s", d->rec->kind);
	p->by = d->by;
	g->n++;
	return 0;
}

static void
report_gather_free(struct report_gather *g)
{
	size_t	i;

	for (i = 0; i < g->n; i++)
		body_free(&g->r[i].body);
	free(g->r);
	g->r = NULL;
	g->n = g->cap = 0;
}

void
report_text(const uint8_t *p, size_t len, int oneline, char *dst,
    size_t dstlen)
{
	size_t	i, n, o = 0;

	if (dstlen == 0)
		return;
	dst[0] = '\0';
	if (!utf8_valid((const char *)p, len)) {
		(void)str_fmt(dst, dstlen, "(onleesbare tekst)");
		return;
	}
	n = utf8_cut((const char *)p, len, dstlen - 1);
	for (i = 0; i < n; i++) {
		/* controls (C0, DEL) become spaces; newlines are kept */
		if ((p[i] < 0x20 && !(p[i] == '\n' && !oneline)) ||
		    p[i] == 0x7f)
			dst[o++] = ' ';
		else
			dst[o++] = (char)p[i];
	}
	dst[o] = '\0';
}

const char *
report_value(const struct body *b, const char *name, int oneline, char *dst,
    size_t len)
{
	const struct body_field	*f;

	dst[0] = '\0';
	if ((f = body_get(b, name)) != NULL)
		report_text(f->value, f->len, oneline, dst, len);
	return dst;
}

/* Field "name" of "b" as safe text on one line into dst ("" if absent). */
static const char *
report_get(const struct body *b, const char *name, char *dst, size_t len)
{
	return report_value(b, name, 1, dst, len);
}

void
report_date(int64_t d, char *dst, size_t len)
{
	int	y, m, day;

	if (d == LC_NODATE) {
		(void)str_fmt(dst, len, "onbekend");
		return;
	}
	lc_date_split(d, &y, &m, &day);
	(void)str_fmt(dst, len, "%02d-%02d-%04d", day, m, y);
}

/* A YYYY-MM-DD field as dd-mm-jjjj ("" if absent or not a date). */
static const char *
report_get_date(const struct body *b, const char *name, char *dst,
    size_t len)
{
	char	v[LC_DATE_LEN + 1];
	int64_t	d;

	report_get(b, name, v, sizeof(v));
	if (v[0] == '\0' || lc_date_parse(v, &d) != 0)
		dst[0] = '\0';
	else
		report_date(d, dst, len);
	return dst;
}

/* Words for the codes the records hold. */
static const char *
report_word(const char *code, const char *const *map)
{
	size_t	i;

	for (i = 0; map[i] != NULL; i += 2)
		if (strcmp(map[i], code) == 0)
			return map[i + 1];
	return code;
}

static const char *const report_to_words[] = {
	"raad", "melding aan de Raad voor de Kinderbescherming",
	"veilig_thuis", "melding aan Veilig Thuis",
	"leerplicht", "melding aan de leerplichtambtenaar",
	"kinderbijslag", "melding over de kinderbijslag",
	"uitkering", "melding over de uitkering",
	"benefit_cut", "melding over een uitkering", NULL
};
static const char *const report_outcome_words[] = {
	"onderzoek", "de Raad stelde een onderzoek in",
	"geen_onderzoek", "de Raad stelde geen onderzoek in",
	"measure", "een maatregel volgde", "other", "anders", NULL
};
static const char *const report_contact_words[] = {
	"home_visit", "huisbezoek", "call", "telefoongesprek",
	"meeting", "overleg", "other", "contact", NULL
};
static const char *const report_goal_words[] = {
	"open", "loopt", "achieved", "behaald", "dropped", "vervallen", NULL
};
static const char *const report_role_words[] = {
	"child", "kind", "parent", "ouder", "carer", "verzorger",
	"network", "netwerk", NULL
};
static const char *const report_measure_words[] = {
	"VOTS", "voorlopige ondertoezichtstelling",
	"OTS", "ondertoezichtstelling",
	"UHP", "machtiging uithuisplaatsing",
	"VOOGDIJ_ONTZETTING", "voogdij na ontzetting",
	"VOOGDIJ_GEZAGSBEEINDIGING", "voogdij na gezagsbeëindiging", NULL
};

/* The draft being written, and what it is written from. */
struct report_ctx {
	const struct report_req	*req;
	struct report_gather	 g;
	struct measure_view	*mv;
	struct ids		*ids;
	struct doc		*d;
	char			 title[VALIDATE_TEXT_MAX + 1];
	char			 regisseur[CASE_META_NAME_MAX + 1];
	const struct report_rec	*child;		/* verlenging */
	char			*why;
};

static int
report_fail(struct report_ctx *c, int code, const char *fmt, ...)
    __attribute__((__format__(printf, 3, 4)));

static int
report_fail(struct report_ctx *c, int code, const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	(void)vsnprintf(c->why, REPORT_WHY_MAX, fmt, ap);
	va_end(ap);
	return code;
}

/* A person's name (safe text) of record "id", or "een kind". */
static const char *
report_person(const struct report_ctx *c, const char *id, char *dst,
    size_t len)
{
	size_t	i;

	for (i = 0; i < c->g.n; i++)
		if (strcmp(c->g.r[i].kind, "person") == 0 &&
		    strcmp(c->g.r[i].id, id) == 0 &&
		    report_get(&c->g.r[i].body, "name", dst, len)[0] != '\0')
			return dst;
	(void)str_fmt(dst, len, "een kind");
	return dst;
}

/* "Name (geboren dd-mm-jjjj)" of person record "p". */
static void
report_child_line(const struct report_rec *p, char *dst, size_t len)
{
	char	name[VALIDATE_NAME_MAX + 1], born[16];

	report_get(&p->body, "name", name, sizeof(name));
	report_get_date(&p->body, "birth_date", born, sizeof(born));
	if (born[0] != '\0')
		(void)str_fmt(dst, len, "%s (geboren %s)", name, born);
	else
		(void)str_fmt(dst, len, "%s", name);
}

/*
 * Append ", s" (or "s" to an empty "dst") when it fits whole: a list
 * of names is never cut inside a name (or a character).
 */
static void
report_join(char *dst, size_t len, const char *s)
{
	size_t	n = strlen(dst), k = strlen(s);

	if (len - n <= k + 2)
		return;
	if (n > 0) {
		memcpy(dst + n, ", ", 2);
		n += 2;
	}
	memcpy(dst + n, s, k + 1);
}

static int
report_is(const struct report_rec *p, const char *kind, const char *field,
    const char *value)
{
	const struct body_field	*f;

	if (strcmp(p->kind, kind) != 0)
		return 0;
	if (field == NULL)
		return 1;
	return (f = body_get(&p->body, field)) != NULL &&
	    f->len == strlen(value) && memcmp(f->value, value, f->len) == 0;
}

/* The children the draft is about: the one of a verlenging, or all. */
static int
report_about(const struct report_ctx *c, const struct report_rec *p)
{
	if (!report_is(p, "person", "role", "child"))
		return 0;
	return c->child == NULL || c->child == p;
}

/* Title, facts, footer. */
static int
report_head(struct report_ctx *c, const struct ms_measure *ots)
{
	char	 line[4096], one[256], sh[IDS_SHORT_SIZE], csh[IDS_SHORT_SIZE];
	char	 date[16], who[REPORTNAMES_WHO_MAX];
	size_t	 i;
	int	 r;

	if ((r = doc_new(report_title(c->req->type), &c->d)) != 0)
		return r;
	doc_set_draft(c->d, 1);
	if ((r = doc_set_footer(c->d, "Vertrouwelijk")) != 0 ||
	    (r = doc_fact(c->d, "Gezin", c->title[0] != '\0' ? c->title :
	    "(dossier zonder titel)")) != 0)
		return r;
	line[0] = '\0';
	for (i = 0; i < c->g.n; i++) {
		if (!report_about(c, &c->g.r[i]))
			continue;
		report_child_line(&c->g.r[i], one, sizeof(one));
		report_join(line, sizeof(line), one);
	}
	if ((r = doc_fact(c->d, c->child != NULL ? "Kind" : "Kinderen",
	    line[0] != '\0' ? line : "(geen kinderen in dit dossier)")) != 0)
		return r;
	if (ots != NULL) {
		report_date(ots->end, date, sizeof(date));
		if ((r = doc_fact(c->d, "Huidige einddatum OTS", date)) != 0)
			return r;
		report_date(ots->end - LC_OTS_REQUEST_DAYS, date,
		    sizeof(date));
		if ((r = doc_fact(c->d, "Verzoek indienen uiterlijk",
		    date)) != 0)
			return r;
	}
	if ((r = doc_fact(c->d, "Regisseur", reportnames_who(c->req->names,
	    c->regisseur, "jeugdbeschermer", who, sizeof(who)))) != 0)
		return r;
	report_date(c->req->today, date, sizeof(date));
	if ((r = doc_fact(c->d, "Datum concept", date)) != 0)
		return r;
	ids_short(c->ids, c->req->case_id, sh);
	csh[0] = '\0';
	if (c->child != NULL)
		ids_short(c->ids, c->child->id, csh);
	(void)str_fmt(line, sizeof(line), "casesync %s %s%s%s",
	    report_type_name(c->req->type), sh, csh[0] != '\0' ? " " : "",
	    csh);
	return doc_fact(c->d, "Kenmerk", line);
}

/* The outcome recorded for escalation "id", as words, or "". */
static const char *
report_outcome(const struct report_ctx *c, const char *id, char *dst,
    size_t len)
{
	char	v[64], date[16];
	size_t	i;

	dst[0] = '\0';
	for (i = 0; i < c->g.n; i++) {
		if (!report_is(&c->g.r[i], "escalation_outcome", "escalation",
		    id))
			continue;
		report_get(&c->g.r[i].body, "outcome", v, sizeof(v));
		report_get_date(&c->g.r[i].body, "outcome_date", date,
		    sizeof(date));
		(void)str_fmt(dst, len, " Uitkomst: %s (%s).",
		    report_word(v, report_outcome_words), date);
	}
	return dst;
}

static int
report_has_selected(const struct report_ctx *c, const char *kind)
{
	size_t	i;

	for (i = 0; i < c->g.n; i++)
		if (c->g.r[i].selected && strcmp(c->g.r[i].kind, kind) == 0)
			return 1;
	return 0;
}

static int
report_fill_in(struct report_ctx *c, const char *what)
{
	char	line[256];

	(void)str_fmt(line, sizeof(line), "%s: %s]", REPORT_FILL_IN, what);
	return doc_para(c->d, line);
}

/* Aanleiding: the OTS (verlenging) and the selected escalations. */
static int
report_aanleiding(struct report_ctx *c, const struct ms_measure *ots,
    const struct measure_rec *rec)
{
	char	*line = NULL, name[VALIDATE_NAME_MAX + 1], to[64];
	char	 a[16], b[16], e[16], out[160];
	char	*reason = NULL;
	size_t	 i, k, n = 0;
	int	 r;

	if ((r = doc_heading(c->d, 1, report_sections[0].heading)) != 0)
		return r;
	if ((line = malloc(DOC_TEXT_MAX)) == NULL ||
	    (reason = malloc(DOC_TEXT_MAX)) == NULL) {
		r = CS_ERR_ALLOC;
		goto out;
	}
	if (ots != NULL) {
		report_get(&c->child->body, "name", name, sizeof(name));
		report_date(ots->start, a, sizeof(a));
		report_date(ots->end, e, sizeof(e));
		if (rec != NULL) {
			report_date(rec->decision_date, b, sizeof(b));
			(void)str_fmt(line, DOC_TEXT_MAX, "Voor %s loopt een "
			    "ondertoezichtstelling sinds %s, uitgesproken "
			    "door %s bij beschikking van %s (zaaknummer %s), "
			    "nu tot en met %s.", name, a, rec->court, b,
			    rec->zaaknummer, e);
		} else
			(void)str_fmt(line, DOC_TEXT_MAX, "Voor %s loopt een "
			    "ondertoezichtstelling sinds %s, nu tot en met "
			    "%s.", name, a, e);
		if ((r = doc_para(c->d, line)) != 0)
			goto out;
		for (k = 0; rec != NULL && k < rec->next; k++) {
			report_date(rec->ext[k].decision_date, a, sizeof(a));
			report_date(rec->ext[k].end, e, sizeof(e));
			(void)str_fmt(line, DOC_TEXT_MAX, "Verlengd door %s "
			    "bij beschikking van %s (zaaknummer %s) tot en "
			    "met %s.", rec->ext[k].court, a,
			    rec->ext[k].zaaknummer, e);
			if ((r = doc_item(c->d, line)) != 0)
				goto out;
		}
	}
	for (i = 0; i < c->g.n; i++) {
		const struct report_rec	*p = &c->g.r[i];

		if (!p->selected || strcmp(p->kind, "escalation") != 0)
			continue;
		if (n++ == 0 && (r = doc_para(c->d, ots != NULL ?
		    "Eerdere meldingen:" : "Aanleiding voor deze melding:")) !=
		    0)
			goto out;
		report_get_date(&p->body, "date", a, sizeof(a));
		report_get(&p->body, "to", to, sizeof(to));
		report_get(&p->body, "reason", reason, DOC_TEXT_MAX / 2);
		(void)str_fmt(line, DOC_TEXT_MAX, "%s%s%s: %s.%s", a,
		    a[0] != '\0' ? ", " : "", report_word(to,
		    report_to_words), reason, report_outcome(c, p->id, out,
		    sizeof(out)));
		if ((r = doc_item(c->d, line)) != 0)
			goto out;
	}
	if (ots == NULL && n == 0)
		r = report_fill_in(c, "de directe aanleiding voor deze "
		    "melding");
 out:
	free(line);
	free(reason);
	return r;
}

/* Zorgen: the selected assessments and journal entries. */
static int
report_zorgen(struct report_ctx *c)
{
	char	*line = NULL, *text = NULL, a[16], ins[64], ver[64], who[128];
	char	 type[32], wb[REPORTNAMES_WHO_MAX];
	size_t	 i, n = 0;
	int	 r;

	if ((r = doc_heading(c->d, 1, report_sections[1].heading)) != 0)
		return r;
	if ((line = malloc(DOC_TEXT_MAX)) == NULL ||
	    (text = malloc(DOC_TEXT_MAX)) == NULL) {
		r = CS_ERR_ALLOC;
		goto out;
	}
	for (i = 0; i < c->g.n; i++) {
		const struct report_rec	*p = &c->g.r[i];

		if (!p->selected || strcmp(p->kind, "assessment") != 0)
			continue;
		if (n++ == 0 && (r = doc_para(c->d, "Uit de "
		    "veiligheidstaxaties:")) != 0)
			goto out;
		report_get_date(&p->body, "date", a, sizeof(a));
		report_get(&p->body, "instrument", ins, sizeof(ins));
		report_get(&p->body, "instrument_version", ver, sizeof(ver));
		report_get(&p->body, "assessor", who, sizeof(who));
		report_get(&p->body, "outcome", text, DOC_TEXT_MAX / 2);
		(void)str_fmt(line, DOC_TEXT_MAX, "%s, %s%s%s: %s%s%s%s", a,
		    ins, ver[0] != '\0' ? " " : "", ver, text,
		    who[0] != '\0' ? " (taxatie door " : "",
		    who[0] != '\0' ? reportnames_who(c->req->names, who,
		    NULL, wb, sizeof(wb)) : "", who[0] != '\0' ? ")" : "");
		if ((r = doc_item(c->d, line)) != 0)
			goto out;
	}
	n = 0;
	for (i = 0; i < c->g.n; i++) {
		const struct report_rec	*p = &c->g.r[i];

		if (!p->selected || strcmp(p->kind, "journal") != 0)
			continue;
		if (n++ == 0 && (r = doc_para(c->d, "Uit de "
		    "verslaglegging:")) != 0)
			goto out;
		report_get_date(&p->body, "date", a, sizeof(a));
		report_get(&p->body, "type", type, sizeof(type));
		report_get(&p->body, "text", text, DOC_TEXT_MAX / 2);
		(void)str_fmt(line, DOC_TEXT_MAX, "%s, %s (%s): %s", a,
		    report_word(type[0] != '\0' ? type : "other",
		    report_contact_words), reportnames_who(
		    c->req->names, p->by.created_by, NULL, wb, sizeof(wb)),
		    text);
		if ((r = doc_item(c->d, line)) != 0)
			goto out;
	}
	if (!report_has_selected(c, "assessment") &&
	    !report_has_selected(c, "journal"))
		r = report_fill_in(c, "de zorgen over de veiligheid en "
		    "ontwikkeling van het kind");
 out:
	free(line);
	free(text);
	return r;
}

/* The newest agreed version of the plan (the highest number), or NULL. */
static const struct report_rec *
report_plan_version(const struct report_ctx *c)
{
	const struct report_rec	*best = NULL;
	char			 v[32];
	long long		 n, bn = -1;
	size_t			 i;

	for (i = 0; i < c->g.n; i++) {
		if (strcmp(c->g.r[i].kind, "plan_version") != 0)
			continue;
		report_get(&c->g.r[i].body, "number", v, sizeof(v));
		n = strtoll(v, NULL, 10);
		if (best == NULL || n > bn) {
			best = &c->g.r[i];
			bn = n;
		}
	}
	return best;
}

/* Wat is geprobeerd: the plan, its goals, the measures, the partners. */
static int
report_geprobeerd(struct report_ctx *c)
{
	const struct report_rec	*plan = NULL, *pv;
	char			*line = NULL, *text = NULL, a[16], b[16];
	char			 v[64], owner[128], name[VALIDATE_NAME_MAX + 1];
	size_t			 i, k, n;
	int			 r, any = 0;

	if ((r = doc_heading(c->d, 1, report_sections[2].heading)) != 0)
		return r;
	if ((line = malloc(DOC_TEXT_MAX)) == NULL ||
	    (text = malloc(DOC_TEXT_MAX)) == NULL) {
		r = CS_ERR_ALLOC;
		goto out;
	}
	for (i = 0; i < c->g.n; i++)
		if (strcmp(c->g.r[i].kind, "plan") == 0 && (plan == NULL ||
		    body_get(&plan->body, "summary") == NULL))
			plan = &c->g.r[i];
	if (plan != NULL) {
		report_get(&plan->body, "summary", text, DOC_TEXT_MAX / 2);
		(void)str_fmt(line, DOC_TEXT_MAX, "Plan van aanpak: %s", text);
		if ((r = doc_para(c->d, line)) != 0)
			goto out;
		any = 1;
	}
	if ((pv = report_plan_version(c)) != NULL) {
		report_get(&pv->body, "number", v, sizeof(v));
		report_get_date(&pv->body, "date", a, sizeof(a));
		report_get(&pv->body, "agreed_with", text, 256);
		(void)str_fmt(line, DOC_TEXT_MAX, "Het plan is laatst "
		    "afgesproken op %s (versie %s), met: %s.", a, v, text);
		if ((r = doc_para(c->d, line)) != 0)
			goto out;
		any = 1;
	}
	for (i = 0, n = 0; i < c->g.n; i++) {
		const struct report_rec	*p = &c->g.r[i];

		if (strcmp(p->kind, "goal") != 0)
			continue;
		if (n++ == 0 && (r = doc_para(c->d, "Doelen en wat is "
		    "bereikt:")) != 0)
			goto out;
		report_get(&p->body, "text", text, 1024);
		report_get(&p->body, "status", v, sizeof(v));
		report_get(&p->body, "owner", owner, sizeof(owner));
		report_get_date(&p->body, "due", a, sizeof(a));
		(void)str_fmt(line, DOC_TEXT_MAX, "%s: %s%s%s%s%s%s", text,
		    report_word(v[0] != '\0' ? v : "open", report_goal_words),
		    owner[0] != '\0' ? " (" : "", owner,
		    owner[0] != '\0' ? ")" : "", a[0] != '\0' ?
		    ", uiterlijk " : "", a);
		if ((r = doc_item(c->d, line)) != 0)
			goto out;
		any = 1;
	}
	for (i = 0, n = 0; c->mv != NULL && i < c->mv->n; i++) {
		const struct ms_measure		*m = &c->mv->m[i];
		const struct measure_rec	*rec = c->mv->rec[i];

		if (c->child != NULL && strcmp(m->child_id, c->child->id) != 0)
			continue;
		if (n++ == 0 && (r = doc_para(c->d, "Maatregelen:")) != 0)
			goto out;
		report_person(c, m->child_id, name, sizeof(name));
		report_date(m->start, a, sizeof(a));
		report_date(ms_last_day(m), b, sizeof(b));
		(void)str_fmt(line, DOC_TEXT_MAX, "%s van %s, van %s tot en "
		    "met %s (%s)", report_word(ms_type_name(m->type),
		    report_measure_words), name, a, b,
		    c->mv->status[i] == MS_RUNNING ? "loopt" :
		    c->mv->status[i] == MS_FUTURE ? "gaat nog in" :
		    c->mv->status[i] == MS_LAPSED ? "verlopen" : "beëindigd");
		if (rec != NULL) {
			k = strlen(line);
			report_date(rec->decision_date, a, sizeof(a));
			(void)str_fmt(line + k, DOC_TEXT_MAX - k, "; "
			    "beschikking van %s van %s, zaaknummer %s",
			    rec->court, a, rec->zaaknummer);
		}
		if ((r = doc_item(c->d, line)) != 0)
			goto out;
		any = 1;
	}
	for (i = 0, n = 0; i < c->g.n; i++) {
		const struct report_rec	*p = &c->g.r[i];

		if (strcmp(p->kind, "partner") != 0 ||
		    body_get(&p->body, "withdrawn_on") != NULL)
			continue;
		if (n++ == 0 && (r = doc_para(c->d, "Betrokken "
		    "hulpverlening en partners:")) != 0)
			goto out;
		report_get(&p->body, "name", text, 512);
		report_get(&p->body, "type", v, sizeof(v));
		(void)str_fmt(line, DOC_TEXT_MAX, "%s (%s)", text, v);
		if ((r = doc_item(c->d, line)) != 0)
			goto out;
		any = 1;
	}
	if (!any)
		r = report_fill_in(c, "welke hulp is ingezet en wat dat "
		    "heeft opgeleverd");
 out:
	free(line);
	free(text);
	return r;
}

/* Visie: a line to write for each parent, carer and child concerned. */
static int
report_visie(struct report_ctx *c)
{
	char	line[512], name[VALIDATE_NAME_MAX + 1], role[32], gezag[8];
	size_t	i, n = 0;
	int	r;

	if ((r = doc_heading(c->d, 1, report_sections[3].heading)) != 0)
		return r;
	for (i = 0; i < c->g.n; i++) {
		const struct report_rec	*p = &c->g.r[i];

		if (!report_about(c, p) && !report_is(p, "person", "role",
		    "parent") && !report_is(p, "person", "role", "carer"))
			continue;
		report_get(&p->body, "name", name, sizeof(name));
		report_get(&p->body, "role", role, sizeof(role));
		report_get(&p->body, "has_gezag", gezag, sizeof(gezag));
		(void)str_fmt(line, sizeof(line), "Visie van %s (%s%s): "
		    "%s: wat vindt %s?]", name, report_word(role,
		    report_role_words), strcmp(gezag, "yes") == 0 ?
		    ", met gezag" : "", REPORT_FILL_IN, name);
		if ((r = doc_para(c->d, line)) != 0)
			return r;
		n++;
	}
	if (n == 0)
		return report_fill_in(c, "de visie van de ouders en het kind");
	return 0;
}

/* Conclusie en verzoek: what is asked, of whom. */
static int
report_conclusie(struct report_ctx *c, int64_t new_end, int months)
{
	char	line[5120], names[4096], one[VALIDATE_NAME_MAX + 1], date[16];
	size_t	i;
	int	r;

	if ((r = doc_heading(c->d, 1, report_sections[4].heading)) != 0)
		return r;
	if (c->req->type == REPORT_VERLENGING) {
		report_get(&c->child->body, "name", one, sizeof(one));
		report_date(new_end, date, sizeof(date));
		(void)str_fmt(line, sizeof(line), "Verzocht wordt de "
		    "ondertoezichtstelling van %s te verlengen met %d "
		    "maand%s, tot en met %s.", one, months,
		    months == 1 ? "" : "en", date);
	} else {
		names[0] = '\0';
		for (i = 0; i < c->g.n; i++) {
			if (!report_about(c, &c->g.r[i]))
				continue;
			report_get(&c->g.r[i].body, "name", one, sizeof(one));
			report_join(names, sizeof(names), one);
		}
		(void)str_fmt(line, sizeof(line), "Gelet op de zorgen "
		    "verzoekt de gecertificeerde instelling de Raad voor de "
		    "Kinderbescherming een onderzoek in te stellen naar de "
		    "noodzaak van een kinderbeschermingsmaatregel voor %s.",
		    names[0] != '\0' ? names : "de kinderen van dit gezin");
	}
	if ((r = doc_para(c->d, line)) != 0)
		return r;
	return report_fill_in(c, "de onderbouwing van de conclusie");
}

/* Mark the selected records; each must be a ground of this case. */
static int
report_select(struct report_ctx *c)
{
	size_t	i, k;

	if (c->req->nselect > REPORT_SELECT_MAX)
		return report_fail(c, CS_ERR_USAGE, "at most %d records can "
		    "be selected", REPORT_SELECT_MAX);
	for (k = 0; k < c->req->nselect; k++) {
		for (i = 0; i < c->g.n; i++)
			if (strcmp(c->g.r[i].id, c->req->select[k]) == 0)
				break;
		if (i == c->g.n || (strcmp(c->g.r[i].kind, "escalation") != 0 &&
		    strcmp(c->g.r[i].kind, "assessment") != 0 &&
		    strcmp(c->g.r[i].kind, "journal") != 0)) {
			char	sh[IDS_SHORT_SIZE];

			ids_short(c->ids, c->req->select[k], sh);
			return report_fail(c, CS_ERR_USAGE, "--select %s is "
			    "not an escalation, assessment or note of this "
			    "case", sh);
		}
		c->g.r[i].selected = 1;
	}
	return 0;
}

/* A verlenging: the child's running OTS and the end asked for. */
static int
report_ots(struct report_ctx *c, const struct ms_measure **otsp,
    const struct measure_rec **recp, int64_t *new_end, int *months)
{
	const struct ms_measure	*ots = NULL;
	struct ms_request	 q;
	struct ms_measure	 after;
	char			 name[VALIDATE_NAME_MAX + 1], v[LC_DATE_LEN + 1];
	const char		*why;
	size_t			 i;
	int			 r, backdated;

	report_get(&c->child->body, "name", name, sizeof(name));
	for (i = 0; i < c->mv->n; i++)
		if (c->mv->m[i].type == MS_OTS &&
		    c->mv->status[i] == MS_RUNNING &&
		    strcmp(c->mv->m[i].child_id, c->child->id) == 0) {
			ots = &c->mv->m[i];
			*recp = c->mv->rec[i];
			break;
		}
	if (ots == NULL)
		return report_fail(c, CS_ERR_STATE, "%s has no running OTS "
		    "(ondertoezichtstelling) on this laptop: there is "
		    "nothing to extend (measure list; sync first?)", name);
	*months = c->req->months != 0 ? c->req->months : LC_OTS_MONTHS;
	if (*months < 1 || *months > LC_OTS_MONTHS)
		return report_fail(c, CS_ERR_LIMIT, "an OTS is extended by "
		    "1 to %d months at a time", LC_OTS_MONTHS);
	memset(&q, 0, sizeof(q));
	q.action = MS_EXTEND;
	q.measure_id = ots->id;
	q.child_id = ots->child_id;
	q.type = MS_OTS;
	q.decision = c->req->today;
	q.start = LC_NODATE;
	q.end = lc_add_months(ots->end, *months);
	q.birth = LC_NODATE;
	report_get(&c->child->body, "birth_date", v, sizeof(v));
	if (v[0] != '\0' && lc_date_parse(v, &q.birth) != 0)
		q.birth = LC_NODATE;
	/* the law's limits, as the server will check the extension */
	if ((r = ms_apply(c->mv->m, c->mv->n, &q, c->req->today, LC_NODATE,
	    &after, &backdated, &why)) != 0)
		return report_fail(c, r == CS_ERR_LIMIT ? CS_ERR_LIMIT :
		    CS_ERR_STATE, "the extension cannot be asked for: %s",
		    why != NULL ? why : cs_err(r));
	*otsp = ots;
	*new_end = q.end;
	return 0;
}

int
report_draft(sqlite3 *db, const struct report_req *req, struct doc **out,
    char why[REPORT_WHY_MAX])
{
	struct report_ctx		 c;
	struct case_meta		 m;
	const struct ms_measure		*ots = NULL;
	const struct measure_rec	*rec = NULL;
	int64_t				 new_end = LC_NODATE;
	size_t				 i;
	int				 r, months = 0;

	*out = NULL;
	why[0] = '\0';
	memset(&c, 0, sizeof(c));
	c.req = req;
	c.why = why;
	if (req->case_id == NULL || !wire_uuid_ok(req->case_id) ||
	    !dossier_case_known(db, req->case_id))
		return report_fail(&c, CS_ERR_NOT_FOUND, "this laptop holds "
		    "no such case");
	if (req->type == REPORT_VERLENGING && req->child_id == NULL)
		return report_fail(&c, CS_ERR_USAGE, "a verlenging is for one "
		    "child: give --child");
	/* the read is logged before any content is read */
	if ((r = dossier_read(db, req->case_id, report_kinds, "report",
	    report_gather_cb, &c.g)) != 0 ||
	    (r = measure_view_load(db, req->case_id, req->today, &c.mv)) != 0 ||
	    (r = ids_load(db, &c.ids)) != 0)
		goto out;
	if (case_meta_get(db, req->case_id, &m) == 0)
		(void)str_fmt(c.regisseur, sizeof(c.regisseur), "%s",
		    m.regisseur);
	for (i = 0; i < c.g.n; i++) {
		if (strcmp(c.g.r[i].kind, "casefile") == 0 &&
		    c.title[0] == '\0')
			report_get(&c.g.r[i].body, "title", c.title,
			    sizeof(c.title));
		if (req->child_id != NULL &&
		    strcmp(c.g.r[i].id, req->child_id) == 0 &&
		    report_is(&c.g.r[i], "person", "role", "child"))
			c.child = &c.g.r[i];
	}
	if (req->child_id != NULL && c.child == NULL) {
		r = report_fail(&c, CS_ERR_NOT_FOUND, "no such child in this "
		    "case on this laptop");
		goto out;
	}
	if ((r = report_select(&c)) != 0)
		goto out;
	if (req->type == REPORT_VERLENGING &&
	    (r = report_ots(&c, &ots, &rec, &new_end, &months)) != 0)
		goto out;
	if ((r = report_head(&c, ots)) != 0 ||
	    (r = report_aanleiding(&c, ots, rec)) != 0 ||
	    (r = report_zorgen(&c)) != 0 ||
	    (r = report_geprobeerd(&c)) != 0 ||
	    (r = report_visie(&c)) != 0 ||
	    (r = report_conclusie(&c, new_end, months)) != 0)
		goto out;
	*out = c.d;
	c.d = NULL;	/* transferred */
 out:
	doc_free(c.d);
	ids_free(c.ids);
	measure_view_free(c.mv);
	report_gather_free(&c.g);
	return r;
}
