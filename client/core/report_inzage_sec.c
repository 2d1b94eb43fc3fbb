/* SPDX-License-Identifier: ISC */
/*
 * report_inzage_sec.c - the inzage's sections after the persons (see
 * report_inzage.h): measures, plan, assessments, journal, partners,
 * escalations, approvals, nazorg and closing.  Each shows the records
 * the rule left in (iz_rec.show), with dates as dd-mm-jjjj and people
 * by name; the professionals as the setting says (iz_who).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "errors.h"
#include "lifecycle.h"
#include "localday.h"
#include "measure_rec.h"
#include "report_inzage_int.h"
#include "util.h"

#define IZ_DATE	16

static int
iz_shown(const struct iz_rec *r, const char *kind)
{
	return r->show == IZ_FULL && strcmp(r->kind, kind) == 0;
}

/* "door NAME op WHEN" of who wrote r, into dst. */
static const char *
iz_by(const struct iz *z, const struct iz_rec *r, char *dst, size_t len)
{
	char	who[REPORTNAMES_WHO_MAX], when[64];

	if (r->author[0] == '\0')
		(void)str_fmt(dst, len, "onbekend");
	else
		(void)str_fmt(dst, len, "%s", iz_who(z, r->author, who,
		    sizeof(who)));
	if (r->time > 0)
		(void)str_fmt(dst + strlen(dst), len - strlen(dst), ", %s",
		    iz_when(r->time, when, sizeof(when)));
	return dst;
}

void
iz_sec_measures(struct iz *z)
{
	static const char *const h[] = { "Kind", "Maatregel", "Rechtbank",
	    "Zaaknummer", "Uitspraak", "Ingang", "Einde", "Beëindigd" };
	struct measure_rec	*m;
	char			 d[4][IZ_DATE], t[IZ_SHORT];
	const char		*cells[8];
	size_t			 i, j, n = 0;

	iz_heading(z, 1, "Maatregelen");
	if ((m = calloc(1, sizeof(*m))) == NULL) {
		z->r = z->r != 0 ? z->r : CS_ERR_ALLOC;
		return;
	}
	for (i = 0; i < z->nrec; i++) {
		if (!iz_shown(&z->rec[i], "measure"))
			continue;
		measure_rec_parse(&z->rec[i].b, m);
		if (n++ == 0)
			iz_table(z, 8, h);
		cells[0] = iz_person_name(z, m->child_id);
		(void)str_fmt(t, sizeof(t), "%s", iz_word(m->type));
		cells[1] = t;
		cells[2] = m->court;
		cells[3] = m->zaaknummer;
		cells[4] = iz_day(m->decision_date, d[0], sizeof(d[0]));
		cells[5] = iz_day(m->start, d[1], sizeof(d[1]));
		cells[6] = iz_day(m->end, d[2], sizeof(d[2]));
		cells[7] = iz_day(m->ended_on, d[3], sizeof(d[3]));
		iz_row(z, cells);
	}
	/* each extension with its own decision, below the table */
	for (i = 0; i < z->nrec; i++) {
		if (!iz_shown(&z->rec[i], "measure"))
			continue;
		measure_rec_parse(&z->rec[i].b, m);
		for (j = 0; j < m->next; j++) {
			(void)str_fmt(z->la, sizeof(z->la), "%s van %s "
			    "verlengd tot %s (was %s): uitspraak van %s, %s, "
			    "zaaknummer %s", iz_word(m->type),
			    iz_person_name(z, m->child_id),
			    iz_day(m->ext[j].end, d[0], sizeof(d[0])),
			    iz_day(m->ext[j].previous_end, d[1],
			    sizeof(d[1])), iz_day(m->ext[j].decision_date,
			    d[2], sizeof(d[2])), m->ext[j].court,
			    m->ext[j].zaaknummer);
			iz_item(z, z->la);
		}
	}
	free(m);
	z->sum->measures = n;
	if (n == 0)
		iz_para(z, "Geen maatregelen.");
}

/* "parents,wijkteam" (plan.h) as "ouders, wijkteam". */
static const char *
iz_agreed(const struct iz_rec *r, const char *field, char *dst, size_t len)
{
	char	v[IZ_SHORT], *p, *e;
	size_t	o = 0;

	dst[0] = '\0';
	iz_f(r, field, v, sizeof(v));
	for (p = v; p != NULL; p = e) {
		if ((e = strchr(p, ',')) != NULL)
			*e++ = '\0';
		if (*p == '\0')
			continue;
		(void)str_fmt(dst + o, len - o, "%s%s", o > 0 ? ", " : "",
		    iz_word(p));
		o = strlen(dst);
	}
	return dst;
}

void
iz_sec_plan(struct iz *z)
{
	static const char *const hg[] = { "Doel", "Voor", "Eigenaar",
	    "Uiterlijk", "Status" };
	char		 v[5][IZ_SHORT], c[DB_UUID_LEN + 2], by[IZ_SHORT];
	const char	*cells[5];
	size_t		 i, k, n = 0, ng = 0;
	int		 any = 0;

	iz_heading(z, 1, "Plan van aanpak");
	for (i = 0; i < z->nrec; i++) {
		const struct iz_rec *r = &z->rec[i];

		if (!iz_shown(r, "plan"))
			continue;
		any = 1;
		iz_para(z, iz_f(r, "summary", z->la, sizeof(z->la)));
		if (iz_agreed(r, "agreed_with", v[0], sizeof(v[0]))[0] !=
		    '\0') {
			(void)str_fmt(z->lb, sizeof(z->lb), "Afgesproken met: "
			    "%s%s%s.", v[0], iz_date(r, "agreed_on", v[1],
			    sizeof(v[1]))[0] != '\0' ? ", op " : "", v[1]);
			iz_para(z, z->lb);
		}
		(void)str_fmt(z->lb, sizeof(z->lb), "Laatst gewijzigd: %s.",
		    iz_by(z, r, by, sizeof(by)));
		iz_note(z, z->lb);
	}
	for (i = 0; i < z->nrec; i++) {
		const struct iz_rec *r = &z->rec[i];

		if (!iz_shown(r, "goal"))
			continue;
		if (ng++ == 0) {
			iz_heading(z, 2, "Doelen");
			iz_table(z, 5, hg);
		}
		iz_f(r, "text", v[0], sizeof(v[0]));
		iz_f(r, "child", c, sizeof(c));
		(void)str_fmt(v[1], sizeof(v[1]), "%s", c[0] != '\0' ?
		    iz_person_name(z, c) : "het gezin");
		/* an owner who is one of the professionals: as they are */
		if (iz_known(z, iz_f(r, "owner", by, sizeof(by))))
			iz_who(z, by, v[2], sizeof(v[2]));
		else
			(void)str_fmt(v[2], sizeof(v[2]), "%s", by);
		iz_date(r, "due", v[3], sizeof(v[3]));
		(void)str_fmt(v[4], sizeof(v[4]), "%s", iz_word(iz_f(r,
		    "status", c, sizeof(c))[0] != '\0' ? c : "open"));
		for (k = 0; k < 5; k++)
			cells[k] = v[k];
		iz_row(z, cells);
	}
	for (i = 0; i < z->nrec; i++) {
		const struct iz_rec *r = &z->rec[i];

		if (!iz_shown(r, "plan_version"))
			continue;
		n++;
		(void)str_fmt(z->lb, sizeof(z->lb), "Versie %s van %s",
		    iz_f(r, "number", v[0], sizeof(v[0])),
		    iz_date(r, "date", v[1], sizeof(v[1])));
		iz_heading(z, 2, z->lb);
		(void)str_fmt(z->lb, sizeof(z->lb), "Afgesproken met: %s. "
		    "Vastgelegd door %s.", iz_agreed(r, "agreed_with", v[0],
		    sizeof(v[0])), iz_by(z, r, by, sizeof(by)));
		iz_note(z, z->lb);
		iz_para(z, iz_f(r, "summary", z->la, sizeof(z->la)));
		if (iz_f(r, "goals", z->la, sizeof(z->la))[0] != '\0') {
			char	*p = z->la, *e;

			/* one goal a line */
			while (p != NULL && *p != '\0') {
				if ((e = strchr(p, '\n')) != NULL)
					*e++ = '\0';
				if (*p != '\0')
					iz_item(z, p);
				p = e;
			}
		}
	}
	z->sum->plan_versions = n;
	if (!any && ng == 0 && n == 0)
		iz_para(z, "Geen plan.");
}

void
iz_sec_assessments(struct iz *z)
{
	static const char *const h[] = { "Datum", "Instrument", "Uitkomst",
	    "Taxateur", "Volgende", "Voor", "Vastgelegd door" };
	char		 v[7][IZ_SHORT], c[DB_UUID_LEN + 2], w[IZ_SHORT];
	const char	*cells[7];
	size_t		 i, k, n = 0;

	iz_heading(z, 1, "Veiligheidstaxaties");
	for (i = 0; i < z->nrec; i++) {
		const struct iz_rec *r = &z->rec[i];

		if (!iz_shown(r, "assessment"))
			continue;
		if (n++ == 0)
			iz_table(z, 7, h);
		iz_date(r, "date", v[0], sizeof(v[0]));
		iz_f(r, "instrument", w, sizeof(w));
		(void)str_fmt(v[1], sizeof(v[1]), "%s%s%s", iz_word(w),
		    iz_f(r, "instrument_version", c, sizeof(c))[0] != '\0' ?
		    " " : "", c);
		iz_f(r, "outcome", v[2], sizeof(v[2]));
		/* typed: a professional's name, or someone from outside */
		if (iz_known(z, iz_f(r, "assessor", w, sizeof(w))))
			iz_who(z, w, v[3], sizeof(v[3]));
		else
			(void)str_fmt(v[3], sizeof(v[3]), "%s", w);
		iz_date(r, "next_due", v[4], sizeof(v[4]));
		iz_f(r, "child", c, sizeof(c));
		(void)str_fmt(v[5], sizeof(v[5]), "%s", c[0] != '\0' ?
		    iz_person_name(z, c) : "het gezin");
		iz_by(z, r, v[6], sizeof(v[6]));
		for (k = 0; k < 7; k++)
			cells[k] = v[k];
		iz_row(z, cells);
	}
	z->sum->assessments = n;
	if (n == 0)
		iz_para(z, "Geen veiligheidstaxaties.");
}

/* Notes by their date and time, then as they were written. */
static int
iz_note_cmp(const void *a, const void *b)
{
	const struct iz_rec	*x = *(const struct iz_rec *const *)a;
	const struct iz_rec	*y = *(const struct iz_rec *const *)b;
	char			 dx[IZ_DATE], dy[IZ_DATE], tx[8], ty[8];
	int			 c;

	if ((c = strcmp(iz_f(x, "date", dx, sizeof(dx)), iz_f(y, "date", dy,
	    sizeof(dy)))) != 0 || (c = strcmp(iz_f(x, "time", tx,
	    sizeof(tx)), iz_f(y, "time", ty, sizeof(ty)))) != 0)
		return c;
	return strcmp(x->id, y->id);
}

void
iz_sec_journal(struct iz *z)
{
	static const char *const h[] = { "Datum", "Tijd", "Soort", "Tekst",
	    "Door" };
	const struct iz_rec	**ix;
	char			 v[4][IZ_SHORT], by[IZ_SHORT];
	const char		*cells[5];
	size_t			 i, n = 0;

	iz_heading(z, 1, "Journaal");
	if ((ix = calloc(z->nrec + 1, sizeof(*ix))) == NULL) {
		z->r = z->r != 0 ? z->r : CS_ERR_ALLOC;
		return;
	}
	for (i = 0; i < z->nrec; i++)
		if (iz_shown(&z->rec[i], "journal"))
			ix[n++] = &z->rec[i];
	qsort(ix, n, sizeof(*ix), iz_note_cmp);
	if (n > 0)
		iz_table(z, 5, h);
	for (i = 0; i < n; i++) {
		cells[0] = iz_date(ix[i], "date", v[0], sizeof(v[0]));
		cells[1] = iz_f(ix[i], "time", v[1], sizeof(v[1]));
		(void)str_fmt(v[2], sizeof(v[2]), "%s", iz_word(iz_f(ix[i],
		    "type", v[3], sizeof(v[3]))));
		cells[2] = v[2];
		cells[3] = iz_f(ix[i], "text", z->la, sizeof(z->la));
		cells[4] = iz_by(z, ix[i], by, sizeof(by));
		iz_row(z, cells);
	}
	free(ix);
	z->sum->notes = n;
	if (n == 0)
		iz_para(z, "Geen journaalberichten.");
}

void
iz_sec_partners(struct iz *z)
{
	static const char *const h[] = { "Naam", "Soort", "Contact",
	    "Grondslag voor het delen van gegevens", "Ingetrokken" };
	char		 v[5][IZ_SHORT], b[64], x[IZ_SHORT], dt[IZ_DATE];
	const char	*cells[5];
	size_t		 i, k, n = 0;

	iz_heading(z, 1, "Samenwerkingspartners");
	for (i = 0; i < z->nrec; i++) {
		const struct iz_rec *r = &z->rec[i];

		if (!iz_shown(r, "partner"))
			continue;
		if (n++ == 0)
			iz_table(z, 5, h);
		iz_f(r, "name", v[0], sizeof(v[0]));
		(void)str_fmt(v[1], sizeof(v[1]), "%s", iz_word(iz_f(r, "type",
		    x, sizeof(x))));
		iz_f(r, "contact", v[2], sizeof(v[2]));
		iz_f(r, "basis", b, sizeof(b));
		if (strcmp(b, "consent") == 0)
			(void)str_fmt(v[3], sizeof(v[3]), "toestemming%s%s%s%s",
			    iz_date(r, "consent_date", dt, sizeof(dt))[0] !=
			    '\0' ? " van " : "", dt, iz_f(r, "consent_scope",
			    x, sizeof(x))[0] != '\0' ? ": " : "", x);
		else if (strcmp(b, "legal") == 0)
			(void)str_fmt(v[3], sizeof(v[3]), "wettelijke "
			    "grondslag%s%s", iz_f(r, "legal_basis", x,
			    sizeof(x))[0] != '\0' ? ": " : "", x);
		else	/* a record of before the choice: its text */
			(void)str_fmt(v[3], sizeof(v[3]), "%s", b);
		iz_date(r, "withdrawn_on", v[4], sizeof(v[4]));
		for (k = 0; k < 5; k++)
			cells[k] = v[k];
		iz_row(z, cells);
	}
	z->sum->partners = n;
	if (n == 0)
		iz_para(z, "Geen samenwerkingspartners.");
}

/* What came of escalation "id": "WORD (DATE)", or "". */
static const char *
iz_outcome(const struct iz *z, const char *id, char *dst, size_t len)
{
	char	e[DB_UUID_LEN + 2], o[64], d[IZ_DATE];
	size_t	i;

	dst[0] = '\0';
	for (i = 0; i < z->nrec; i++) {
		const struct iz_rec *r = &z->rec[i];

		if (!iz_shown(r, "escalation_outcome") ||
		    strcmp(iz_f(r, "escalation", e, sizeof(e)), id) != 0)
			continue;
		(void)str_fmt(dst, len, "%s (%s)", iz_word(iz_f(r, "outcome",
		    o, sizeof(o))), iz_date(r, "outcome_date", d, sizeof(d)));
	}
	return dst;
}

void
iz_sec_escalations(struct iz *z)
{
	static const char *const h[] = { "Datum", "Aan", "Reden", "Gevolg",
	    "Uitkomst", "Door" };
	char		 v[6][IZ_SHORT], x[64];
	const char	*cells[6];
	size_t		 i, k, n = 0;

	iz_heading(z, 1, "Escalaties");
	for (i = 0; i < z->nrec; i++) {
		const struct iz_rec *r = &z->rec[i];

		if (!iz_shown(r, "escalation"))
			continue;
		if (n++ == 0)
			iz_table(z, 6, h);
		/* no date given: the day it was written */
		if (iz_date(r, "date", v[0], sizeof(v[0]))[0] == '\0' &&
		    r->time > 0)
			iz_day(localday_of(r->time), v[0], sizeof(v[0]));
		(void)str_fmt(v[1], sizeof(v[1]), "%s", iz_word(iz_f(r, "to", x,
		    sizeof(x))));
		cells[2] = iz_f(r, "reason", z->la, sizeof(z->la));
		(void)str_fmt(v[3], sizeof(v[3]), "%s", iz_word(iz_f(r,
		    "caused_state", x, sizeof(x))));
		iz_outcome(z, r->id, v[4], sizeof(v[4]));
		iz_by(z, r, v[5], sizeof(v[5]));
		for (k = 0; k < 6; k++)
			if (k != 2)
				cells[k] = v[k];
		iz_row(z, cells);
	}
	z->sum->escalations = n;
	if (n == 0)
		iz_para(z, "Geen escalaties.");
}

/* Approvals, nazorg and the closing: a paragraph each. */
void
iz_sec_other(struct iz *z)
{
	char	a[64], b[IZ_SHORT], c[IZ_SHORT], d[IZ_DATE];
	char	e[DB_UUID_LEN + 2];
	size_t	i, j;
	int	head = 0;

	for (i = 0; i < z->nrec; i++) {
		const struct iz_rec *r = &z->rec[i];

		if (!iz_shown(r, "approval_request"))
			continue;
		if (!head++)
			iz_heading(z, 1, "Goedkeuringen");
		(void)str_fmt(z->lb, sizeof(z->lb), "%s%s%s, gevraagd door "
		    "%s: %s", iz_word(iz_f(r, "kind", a, sizeof(a))),
		    iz_date(r, "end", d, sizeof(d))[0] != '\0' ? " tot " : "",
		    d, iz_by(z, r, b, sizeof(b)), iz_f(r, "text", z->la,
		    sizeof(z->la)));
		iz_para(z, z->lb);
		for (j = 0; j < z->nrec; j++) {
			const struct iz_rec *q = &z->rec[j];

			if (!iz_shown(q, "approval_decision") ||
			    strcmp(iz_f(q, "request", e, sizeof(e)),
			    r->id) != 0)
				continue;
			(void)str_fmt(z->lb, sizeof(z->lb), "Besluit: %s door "
			    "%s%s%s", iz_word(iz_f(q, "decision", a,
			    sizeof(a))), iz_by(z, q, c, sizeof(c)),
			    iz_f(q, "reason", z->la, sizeof(z->la))[0] != '\0' ?
			    ": " : "", z->la);
			iz_item(z, z->lb);
		}
	}
	for (i = 0; i < z->nrec; i++) {
		const struct iz_rec *r = &z->rec[i];

		if (iz_shown(r, "nazorg")) {
			iz_heading(z, 1, "Nazorg");
			(void)str_fmt(z->lb, sizeof(z->lb), "Door %s (%s), tot "
			    "%s: %s", iz_f(r, "name", b, sizeof(b)),
			    iz_word(iz_f(r, "by", a, sizeof(a))), iz_date(r,
			    "end", d, sizeof(d)), iz_f(r, "agreements", z->la,
			    sizeof(z->la)));
			iz_para(z, z->lb);
		} else if (iz_shown(r, "closing")) {
			iz_heading(z, 1, "Afsluiting");
			(void)str_fmt(z->lb, sizeof(z->lb), "Reden: %s. %s",
			    iz_word(iz_f(r, "reason", a, sizeof(a))), iz_f(r,
			    "summary", z->la, sizeof(z->la)));
			iz_para(z, z->lb);
		}
	}
}
