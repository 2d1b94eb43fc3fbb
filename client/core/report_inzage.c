/* SPDX-License-Identifier: ISC */
/*
 * report_inzage.c - the inzage of a family or a person (see
 * report_inzage.h): the case's records read once into memory, each
 * marked by the rule of a person's inzage (iz_rule), then the document
 * built section by section (the persons and the access section here,
 * the others in report_inzage_sec.c).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <sodium.h>

#include "body.h"
#include "case_meta.h"
#include "db.h"
#include "doc.h"
#include "dossier.h"
#include "errors.h"
#include "fold.h"
#include "lifecycle.h"
#include "msg.h"
#include "readlog.h"
#include "auditrows.h"
#include "report_inzage.h"
#include "report_inzage_int.h"
#include "reportnames.h"
#include "util.h"

/* ---- sticky document calls ---- */

void
iz_heading(struct iz *z, int level, const char *text)
{
	if (z->r == 0)
		z->r = doc_heading(z->d, level, text);
}

void
iz_para(struct iz *z, const char *text)
{
	if (z->r == 0)
		z->r = doc_para(z->d, text);
}

void
iz_item(struct iz *z, const char *text)
{
	if (z->r == 0)
		z->r = doc_item(z->d, text);
}

void
iz_note(struct iz *z, const char *text)
{
	if (z->r == 0)
		z->r = doc_note(z->d, text);
}

void
iz_table(struct iz *z, size_t ncols, const char *const *headers)
{
	if (z->r == 0)
		z->r = doc_table(z->d, ncols, headers);
}

void
iz_row(struct iz *z, const char *const *cells)
{
	if (z->r == 0)
		z->r = doc_row(z->d, cells);
}

/* ---- values ---- */

const char *
iz_f(const struct iz_rec *r, const char *name, char *dst, size_t len)
{
	const struct body_field	*f;

	dst[0] = '\0';
	if ((f = body_get(&r->b, name)) == NULL || f->len >= len ||
	    memchr(f->value, '\0', f->len) != NULL ||
	    !utf8_valid((const char *)f->value, f->len))
		return dst;
	memcpy(dst, f->value, f->len);
	dst[f->len] = '\0';
	return dst;
}

const char *
iz_day(int64_t day, char *dst, size_t len)
{
	int	y, m, d;

	if (day == LC_NODATE) {
		dst[0] = '\0';
		return dst;
	}
	lc_date_split(day, &y, &m, &d);
	(void)str_fmt(dst, len, "%02d-%02d-%04d", d, m, y);
	return dst;
}

const char *
iz_date(const struct iz_rec *r, const char *name, char *dst, size_t len)
{
	char	s[LC_DATE_LEN + 2];
	int64_t	day;

	if (lc_date_parse(iz_f(r, name, s, sizeof(s)), &day) != 0)
		day = LC_NODATE;
	return iz_day(day, dst, len);
}

const char *
iz_when(int64_t t, char *dst, size_t len)
{
	struct tm	tm;
	time_t		tt = (time_t)t;

	dst[0] = '\0';
	if (t > 0 && localtime_r(&tt, &tm) != NULL &&
	    strftime(dst, len, "%d-%m-%Y %H:%M", &tm) == 0)
		dst[0] = '\0';
	return dst;
}

/* The words of the dossier's choices, in Dutch. */
static const struct {
	const char	*w;
	const char	*nl;
} iz_words[] = {
	{ "child", "kind" }, { "parent", "ouder" }, { "parents", "ouders" },
	{ "carer", "verzorger" }, { "network", "netwerk" },
	{ "yes", "ja" }, { "no", "nee" },
	{ "home_visit", "huisbezoek" }, { "call", "telefoongesprek" },
	{ "meeting", "overleg" }, { "other", "anders" },
	{ "open", "open" }, { "achieved", "bereikt" },
	{ "dropped", "vervallen" },
	{ "consent", "toestemming" }, { "legal", "wettelijke grondslag" },
	{ "raad", "Raad voor de Kinderbescherming" },
	{ "veilig_thuis", "Veilig Thuis" }, { "leerplicht", "leerplicht" },
	{ "kinderbijslag", "kinderbijslag" }, { "uitkering", "uitkering" },
	{ "benefit_cut", "korting op een uitkering" },
	{ "onderzoek", "onderzoek" }, { "geen_onderzoek", "geen onderzoek" },
	{ "measure", "maatregel" },
	{ "approve", "goedgekeurd" }, { "refuse", "afgewezen" },
	{ "drang_extension", "verlenging van drang" },
	{ "case_close", "afsluiting van het dossier" },
	{ "doel_bereikt", "doel bereikt" }, { "verhuisd", "verhuisd" },
	{ "overleden", "overleden" },
	{ "wijkteam", "wijkteam" }, { "jeugdhulp", "jeugdhulp" },
	{ "school", "school" }, { "jeugd_ggz", "jeugd-ggz" },
	{ "ggz", "ggz" }, { "schuldhulpverlening", "schuldhulpverlening" },
	{ "maatschappelijk_werk", "maatschappelijk werk" },
	{ "schoolmaatschappelijk_werk", "schoolmaatschappelijk werk" },
	{ "politie", "politie" }, { "huisarts", "huisarts" },
	{ "woningcorporatie", "woningcorporatie" },
	{ "VOTS", "voorlopige ondertoezichtstelling (VOTS)" },
	{ "OTS", "ondertoezichtstelling (OTS)" },
	{ "UHP", "machtiging uithuisplaatsing" },
	{ "VOOGDIJ_ONTZETTING", "voogdij na ontzetting" },
	{ "VOOGDIJ_GEZAGSBEEINDIGING", "voogdij na gezagsbeëindiging" },
	{ "DRANG", "drang" }, { "VOOGDIJ", "voogdij" },
	{ "AANMELDING", "aanmelding" },
	{ "DRANG_INTENSIEF", "drang, intensief" },
	{ "DRANG_TOETSING", "drang, toetsing" },
	{ "DRANG_VERVOLG", "drang, vervolg" },
	{ "RAAD_MELDING", "melding bij de Raad" },
	{ "MAATREGEL_VOTS", "maatregel: VOTS" },
	{ "MAATREGEL_OTS", "maatregel: OTS" },
	{ "MAATREGEL_VOOGDIJ", "maatregel: voogdij" },
	{ "AFSLUITING", "afsluiting" }, { "NAZORG", "nazorg" },
	{ "GESLOTEN", "gesloten" },
};

const char *
iz_word(const char *word)
{
	size_t	i;

	for (i = 0; i < sizeof(iz_words) / sizeof(iz_words[0]); i++)
		if (strcmp(iz_words[i].w, word) == 0)
			return iz_words[i].nl;
	return word;
}

/* ---- professionals ---- */

static void
iz_role_add(struct iz *z, const char *name, const char *role)
{
	size_t	i;

	if (name == NULL || role == NULL || name[0] == '\0' ||
	    role[0] == '\0' || strlen(name) > MARKER_NAME_MAX ||
	    strlen(role) >= sizeof(z->roles[0].role))
		return;
	for (i = 0; i < z->nroles; i++)
		if (strcmp(z->roles[i].name, name) == 0) {
			/* the newest entry's role: a role can change */
			(void)str_fmt(z->roles[i].role,
			    sizeof(z->roles[i].role), "%s", role);
			return;
		}
	if (z->nroles == IZ_ROLES_MAX)
		return;		/* more people: "medewerker" */
	(void)str_fmt(z->roles[z->nroles].name, sizeof(z->roles[0].name),
	    "%s", name);
	(void)str_fmt(z->roles[z->nroles].role, sizeof(z->roles[0].role),
	    "%s", role);
	z->nroles++;
}

int
iz_known(const struct iz *z, const char *name)
{
	size_t	i;

	for (i = 0; i < z->nroles; i++)
		if (strcmp(z->roles[i].name, name) == 0)
			return 1;
	return 0;
}

const char *
iz_who(const struct iz *z, const char *name, char *dst, size_t len)
{
	const char	*role = NULL;
	size_t		 i;

	for (i = 0; i < z->nroles; i++)
		if (strcmp(z->roles[i].name, name) == 0)
			role = z->roles[i].role;
	return reportnames_who(z->in->names, name, role, dst, len);
}

/* ---- the records ---- */

static int
iz_collect_cb(const struct dossier_record *d, void *arg)
{
	struct iz	*z = arg;
	struct iz_rec	*n, *r;

	if (d->body == NULL)
		return 0;	/* a body this laptop cannot read: nothing */
	if (z->nrec == REPORT_INZAGE_RECORDS_MAX)
		return CS_ERR_TOO_LARGE;
	if (z->nrec == z->cap) {
		/* doubling: a large case costs no quadratic copying */
		if ((n = reallocarray(z->rec, z->cap == 0 ? 64 : 2 * z->cap,
		    sizeof(*n))) == NULL)
			return CS_ERR_ALLOC;
		z->rec = n;
		z->cap = z->cap == 0 ? 64 : 2 * z->cap;
	}
	r = &z->rec[z->nrec];
	memset(r, 0, sizeof(*r));
	body_init(&r->b);
	if (body_decode(d->rec->body, d->rec->body_len, &r->b) != 0)
		return 0;	/* dossier_read decoded it: cannot be */
	(void)str_fmt(r->id, sizeof(r->id), "%s", d->rec->record_id);
	(void)str_fmt(r->kind, sizeof(r->kind), "%s", d->rec->kind);
	if (d->author != NULL)
		(void)str_fmt(r->author, sizeof(r->author), "%s", d->author);
	r->time = d->time;
	r->show = IZ_FULL;
	z->nrec++;	/* body_free'd from here on */
	if (strcmp(r->kind, "person") == 0) {
		if ((r->name = malloc(IZ_SHORT)) == NULL)
			return CS_ERR_ALLOC;
		iz_f(r, "name", r->name, IZ_SHORT);
	}
	return 0;
}

static const struct iz_rec *
iz_find(const struct iz *z, const char *id)
{
	size_t	i;

	for (i = 0; i < z->nrec; i++)
		if (strcmp(z->rec[i].id, id) == 0)
			return &z->rec[i];
	return NULL;
}

const char *
iz_person_name(const struct iz *z, const char *id)
{
	const struct iz_rec	*p;

	if ((p = iz_find(z, id)) == NULL || p->name == NULL)
		return "";
	return p->name;
}

/* ---- the rule of a person's inzage (docs/CLIENT.md) ---- */

static int
iz_is(const struct iz_rec *r, const char *field, const char *want)
{
	char	v[64];

	return strcmp(iz_f(r, field, v, sizeof(v)), want) == 0;
}

/* Person "p" has gezag over child "child": over all, or over it. */
static int
iz_gezag_over(const struct iz_rec *p, const char *child)
{
	char	c[DB_UUID_LEN + 2];

	if (strcmp(p->kind, "person") != 0 || iz_is(p, "role", "child") ||
	    !iz_is(p, "has_gezag", "yes"))
		return 0;
	iz_f(p, "child", c, sizeof(c));
	return c[0] == '\0' || strcmp(c, child) == 0;
}

/*
 * Whether the data of person "x" belongs in the inzage of person "s":
 * x is s; or s is a child and x has gezag over s; or s has gezag over
 * x, a child.
 */
static int
iz_covers(const struct iz *z, const struct iz_rec *s, const char *x)
{
	const struct iz_rec	*px;

	if (strcmp(s->id, x) == 0)
		return 1;
	if ((px = iz_find(z, x)) == NULL || strcmp(px->kind, "person") != 0)
		return 0;
	if (iz_is(s, "role", "child"))
		return iz_gezag_over(px, s->id);
	return iz_is(px, "role", "child") && iz_gezag_over(s, px->id);
}

static int
iz_rule(const struct iz *z, const struct iz_rec *s, const struct iz_rec *r)
{
	char	c[DB_UUID_LEN + 2];

	iz_f(r, "child", c, sizeof(c));
	if (strcmp(r->kind, "person") == 0) {
		if (iz_covers(z, s, r->id))
			return IZ_FULL;
		/*
		 * A child's own family: who they are (name, relation) is
		 * the child's data too; the rest is theirs alone.
		 */
		if (iz_is(s, "role", "child") && !iz_is(r, "role", "child") &&
		    (c[0] == '\0' || strcmp(c, s->id) == 0))
			return IZ_NAME_ONLY;
		return IZ_OUT;
	}
	/* a record of one child (measure, goal, assessment) */
	if (c[0] != '\0')
		return iz_covers(z, s, c) ? IZ_FULL : IZ_OUT;
	return IZ_FULL;		/* the family as a whole */
}

static void
iz_apply_rule(struct iz *z)
{
	const struct iz_rec	*s;
	size_t			 i;

	if (z->in->person_id == NULL ||
	    (s = iz_find(z, z->in->person_id)) == NULL)
		return;
	for (i = 0; i < z->nrec; i++) {
		z->rec[i].show = iz_rule(z, s, &z->rec[i]);
		if (z->rec[i].show == IZ_OUT)
			z->sum->left_out++;
	}
}

/* ---- resolving --person ---- */

struct iz_find_person {
	const char	*what;
	char		*out;
	size_t		 n;
};

static int
iz_find_person_cb(const struct dossier_record *d, void *arg)
{
	struct iz_find_person	*f = arg;
	const struct body_field	*nf;
	char			 name[IZ_SHORT], first[IZ_SHORT];
	size_t			 wl = strlen(f->what);
	size_t			 il = strlen(d->rec->record_id);

	if (d->body == NULL)
		return 0;
	name[0] = '\0';
	if ((nf = body_get(d->body, "name")) != NULL && nf->len < sizeof(name)
	    && memchr(nf->value, '\0', nf->len) == NULL) {
		memcpy(name, nf->value, nf->len);
		name[nf->len] = '\0';
	}
	/* the first name alone too, as children_resolve() */
	(void)str_fmt(first, sizeof(first), "%s", name);
	first[strcspn(first, " ")] = '\0';
	/* a short id is a tail of the id (ids.h) */
	if ((name[0] != '\0' && (fold_equal(name, f->what) ||
	    fold_equal(first, f->what))) ||
	    (wl >= 4 && wl <= il && strcasecmp(d->rec->record_id + il - wl,
	    f->what) == 0)) {
		if (f->n == 0 || strcmp(f->out, d->rec->record_id) != 0)
			f->n++;
		(void)str_fmt(f->out, DB_UUID_LEN + 1, "%s",
		    d->rec->record_id);
	}
	return 0;
}

int
report_inzage_person(sqlite3 *db, const char *case_id, const char *what,
    char out[DB_UUID_LEN + 1])
{
	static const char *const kinds[] = { "person", NULL };
	struct iz_find_person	 f;
	char			 id[DB_UUID_LEN + 1];
	int			 r;

	out[0] = '\0';
	f.what = what;
	f.out = id;
	f.n = 0;
	if ((r = dossier_read(db, case_id, kinds, "search",
	    iz_find_person_cb, &f)) != 0)
		return r;
	if (f.n == 0)
		return CS_ERR_NOT_FOUND;
	if (f.n > 1)
		return CS_ERR_AMBIGUOUS;
	memcpy(out, id, sizeof(id));
	return 0;
}

/* ---- the top and the persons ---- */

static void
iz_fact(struct iz *z, const char *label, const char *value)
{
	if (z->r == 0 && value[0] != '\0')
		z->r = doc_fact(z->d, label, value);
}

static void
iz_top(struct iz *z, sqlite3 *db)
{
	struct case_meta	 m;
	const struct iz_rec	*cf = NULL;
	char			 v[IZ_SHORT], w[REPORTNAMES_WHO_MAX];
	size_t			 i;

	for (i = 0; i < z->nrec && cf == NULL; i++)
		if (strcmp(z->rec[i].kind, "casefile") == 0)
			cf = &z->rec[i];
	iz_fact(z, "Dossier", cf != NULL ? iz_f(cf, "title", v, sizeof(v)) :
	    "(zonder titel)");
	(void)str_fmt(z->sum->title, sizeof(z->sum->title), "%s", cf !=
	    NULL ? v : "");
	if (z->in->person_id != NULL)
		(void)str_fmt(z->sum->person, sizeof(z->sum->person), "%s",
		    iz_person_name(z, z->in->person_id));
	iz_fact(z, "Over", z->in->person_id == NULL ? "het hele gezin" :
	    z->sum->person);
	if (case_meta_get(db, z->in->case_id, &m) == 0) {
		iz_fact(z, "Kader", iz_word(lc_frame_name(m.lc.frame)));
		iz_fact(z, "Fase", iz_word(lc_state_name(m.lc.state)));
		if (m.regisseur[0] != '\0') {
			iz_role_add(z, m.regisseur, "jeugdbeschermer");
			iz_fact(z, "Regisseur", iz_who(z, m.regisseur, w,
			    sizeof(w)));
		}
	}
	if (cf != NULL) {
		iz_fact(z, "Gemeente", iz_f(cf, "municipality", v,
		    sizeof(v)));
		iz_fact(z, "Jeugdregio", iz_f(cf, "jeugdregio", v,
		    sizeof(v)));
		iz_fact(z, "Grondslag", iz_f(cf, "legal_basis", v,
		    sizeof(v)));
		iz_fact(z, "Toestemming", iz_date(cf, "consent_date", v,
		    sizeof(v)));
	}
	iz_fact(z, "Gemaakt op", iz_when(z->in->now, v, sizeof(v)));
	if (z->in->self_name != NULL)
		iz_fact(z, "Gemaakt door", iz_who(z, z->in->self_name, w,
		    sizeof(w)));
	if (z->r == 0)
		z->r = doc_set_footer(z->d, "Vertrouwelijk - inzage in het "
		    "dossier (AVG art. 15)");

	iz_heading(z, 1, "Over dit overzicht");
	iz_para(z, "Dit overzicht laat zien wat het dossier van de "
	    "gecertificeerde instelling bevat en wie het dossier heeft "
	    "ingezien of gewijzigd, en wanneer (recht op inzage, AVG "
	    "artikel 15 en Jeugdwet artikel 7.3.10).");
	if (z->in->person_id != NULL)
		iz_para(z, "Dit is de inzage van één persoon. Gegevens die "
		    "alleen over een ander gezinslid gaan, staan er niet in, "
		    "tenzij dat gezinslid een ouder met gezag over het kind "
		    "is. Gegevens over het hele gezin staan er wel in. Van "
		    "andere gezinsleden van een kind staan alleen de naam en "
		    "de relatie vermeld.");
	if (z->in->names == REPORTNAMES_ROLES)
		iz_note(z, "Medewerkers worden op verzoek van de instelling "
		    "met hun functie genoemd, niet met hun naam.");
}

static void
iz_sec_persons(struct iz *z)
{
	static const char *const h[] = { "Naam", "Rol", "Geboren", "BSN",
	    "Adres", "Gemeente", "Gezag", "Relatie" };
	char	v[8][IZ_SHORT], c[DB_UUID_LEN + 2];
	const char *cells[8];
	size_t	i, j, n = 0;

	iz_heading(z, 1, "Personen");
	for (i = 0; i < z->nrec; i++) {
		const struct iz_rec *r = &z->rec[i];

		if (strcmp(r->kind, "person") != 0 || r->show == IZ_OUT)
			continue;
		if (n++ == 0)
			iz_table(z, 8, h);
		for (j = 0; j < 8; j++) {
			v[j][0] = '\0';
			cells[j] = v[j];
		}
		iz_f(r, "name", v[0], sizeof(v[0]));
		(void)str_fmt(v[1], sizeof(v[1]), "%s", iz_word(iz_f(r,
		    "role", v[7], sizeof(v[7]))));
		v[7][0] = '\0';
		iz_f(r, "child", c, sizeof(c));
		if (c[0] != '\0' && !iz_is(r, "role", "child"))
			(void)str_fmt(v[7], sizeof(v[7]), "van %s",
			    iz_person_name(z, c));
		if (r->show == IZ_FULL) {
			iz_date(r, "birth_date", v[2], sizeof(v[2]));
			iz_f(r, "bsn", v[3], sizeof(v[3]));
			iz_f(r, "address", v[4], sizeof(v[4]));
			iz_f(r, "municipality", v[5], sizeof(v[5]));
			(void)str_fmt(v[6], sizeof(v[6]), "%s", iz_word(iz_f(r,
			    "has_gezag", c, sizeof(c))));
		} else
			(void)str_fmt(v[2], sizeof(v[2]), "(alleen naam en "
			    "relatie)");
		iz_row(z, cells);
	}
	z->sum->persons = n;
	if (n == 0)
		iz_para(z, "Geen personen.");
}

/* ---- who accessed the file ---- */

/* What an audit entry says happened, in Dutch. */
static const char *
iz_access_what(const struct iz *z, const struct msg_audit_row *row,
    char *dst, size_t len)
{
	static const struct {
		const char	*type;
		const char	*nl;
	} t[] = {
		{ "read", "ingezien" }, { "update", "gewijzigd" },
		{ "case_create", "dossier aangemaakt" },
		{ "case_state", "fase gewijzigd" },
		{ "member_add", "toegang gegeven" },
		{ "member_remove", "toegang beëindigd" },
		{ "access_end", "toegang beëindigd" },
		{ "audit_read", "toegangslog opgevraagd" },
		{ "break_glass", "noodtoegang (break the glass)" },
		{ "glass_renew", "noodtoegang verlengd" },
		{ "key_grant", "sleutel gedeeld" },
		{ "recovery_grant", "herstelsleutel gedeeld" },
		{ "child_measure", "maatregel vastgelegd" },
		{ "approval_request", "goedkeuring gevraagd" },
		{ "approval_decision", "goedkeuring besloten" },
		{ "team_assign", "regisseur toegewezen" },
		{ "transfer_request", "overdracht gevraagd" },
		{ "transfer_accept", "overdracht aanvaard" },
		{ "transfer_reject", "overdracht geweigerd" },
		{ "transfer_revoke", "overdracht ingetrokken" },
		{ "purge_receipt", "van een laptop verwijderd" },
		{ "late_change", "late wijziging" },
		{ "case_closed_purge", "gesloten dossier van laptops" },
	};
	const char	*w = NULL;
	const char	*name;
	size_t		 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (strcmp(t[i].type, row->type) == 0)
			w = t[i].nl;
	if (w == NULL) {
		/* a type of another version: as it is, "_" as a space */
		(void)str_fmt(dst, len, "%s", row->type);
		for (i = 0; dst[i] != '\0'; i++)
			if (dst[i] == '_')
				dst[i] = ' ';
		w = dst;
	}
	if (strcmp(row->object_type, "child") == 0 &&
	    (name = iz_person_name(z, row->object_id))[0] != '\0') {
		if (w != dst)
			(void)str_fmt(dst, len, "%s: het deel van %s", w,
			    name);
		return dst;
	}
	return w;
}

/* An entry of another child's part is not in a person's inzage. */
static int
iz_access_skip(const struct iz *z, const struct msg_audit_row *row)
{
	const struct iz_rec	*p;

	if (z->in->person_id == NULL ||
	    strcmp(row->object_type, "child") != 0)
		return 0;
	p = iz_find(z, row->object_id);
	return p == NULL || p->show != IZ_FULL;
}

static void
iz_sec_access(struct iz *z)
{
	static const char *const h[] = { "Wanneer", "Wie", "Kantoor",
	    "Wat", "Uitkomst" };
	struct msg_audit_row	 row;
	char			 when[64], who[REPORTNAMES_WHO_MAX];
	char			 what[IZ_SHORT];
	const char		*cells[5];
	size_t			 i, n, k = 0;

	iz_heading(z, 1, "Wie het dossier heeft ingezien of gewijzigd");
	iz_para(z, "Uit het auditlog van de instelling: elke keer dat "
	    "iemand het dossier heeft ingezien, gewijzigd of opgevraagd, "
	    "nieuwste eerst. Het opvragen van dit log voor dit overzicht "
	    "is zelf ook vastgelegd.");
	n = z->in->access != NULL ? auditrows_n(z->in->access) : 0;
	for (i = n; i > 0; i--) {
		auditrows_row(z->in->access, i - 1, &row);
		if (iz_access_skip(z, &row))
			continue;
		if (k++ == 0)
			iz_table(z, 5, h);
		cells[0] = iz_when(row.server_time, when, sizeof(when));
		cells[1] = row.user[0] != '\0' ? reportnames_who(z->in->names,
		    row.user, row.role, who, sizeof(who)) : "het systeem";
		cells[2] = row.office;
		cells[3] = iz_access_what(z, &row, what, sizeof(what));
		cells[4] = strcmp(row.outcome, "success") == 0 ? "gelukt" :
		    "geweigerd";
		iz_row(z, cells);
	}
	z->sum->access = k;
	if (k == 0)
		iz_para(z, "Geen vermeldingen.");
}

/* ---- the whole ---- */

int
report_inzage_make(sqlite3 *db, const struct report_inzage_in *in,
    struct doc **out, struct report_inzage_sum *sum)
{
	struct msg_audit_row	 row;
	struct iz		*z;
	size_t			 i;
	int			 r;

	*out = NULL;
	memset(sum, 0, sizeof(*sum));
	if ((z = calloc(1, sizeof(*z))) == NULL)
		return CS_ERR_ALLOC;
	z->in = in;
	z->sum = sum;
	if ((r = dossier_read(db, in->case_id, NULL, "inzage",
	    iz_collect_cb, z)) != 0)
		goto out;
	if (z->nrec == 0) {
		r = CS_ERR_NOT_FOUND;
		goto out;
	}
	if (in->person_id != NULL && iz_find(z, in->person_id) == NULL) {
		r = CS_ERR_NOT_FOUND;
		goto out;
	}
	/* the professionals' roles, as the audit log names them */
	for (i = 0; in->access != NULL && i < auditrows_n(in->access);
	    i++) {
		auditrows_row(in->access, i, &row);
		iz_role_add(z, row.user, row.role);
	}
	iz_role_add(z, in->self_name, in->self_role);
	iz_apply_rule(z);
	if ((r = doc_new(in->person_id == NULL ? "Inzage in het dossier" :
	    "Inzage in het dossier (één persoon)", &z->d)) != 0)
		goto out;
	iz_top(z, db);
	iz_sec_persons(z);
	iz_sec_measures(z);
	iz_sec_plan(z);
	iz_sec_assessments(z);
	iz_sec_journal(z);
	iz_sec_partners(z);
	iz_sec_escalations(z);
	iz_sec_other(z);
	iz_sec_access(z);
	if ((r = z->r) != 0)
		goto out;
	*out = z->d;
	z->d = NULL;	/* transferred */
 out:
	if (z->d != NULL)
		doc_free(z->d);
	for (i = 0; i < z->nrec; i++) {
		body_free(&z->rec[i].b);
		if (z->rec[i].name != NULL) {
			sodium_memzero(z->rec[i].name, IZ_SHORT);
			free(z->rec[i].name);
		}
	}
	free(z->rec);
	/* the scratch held case content */
	sodium_memzero(z, sizeof(*z));
	free(z);
	return r;
}
