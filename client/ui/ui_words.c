/* SPDX-License-Identifier: ISC */
/*
 * ui_words.c - see ui_words.h.
 */
#include <stddef.h>
#include <string.h>

#include "ui_words.h"

#define N(a)	(sizeof(a) / sizeof((a)[0]))

struct word {
	const char	*name;
	const char	*word;
};

static const char *
lookup(const struct word *w, size_t n, const char *name)
{
	size_t	i;

	if (name == NULL)
		return "";
	for (i = 0; i < n; i++)
		if (strcmp(w[i].name, name) == 0)
			return w[i].word;
	return name;
}

static const struct word kinds[] = {
	{ "casefile", "Gezinsdossier" },
	{ "person", "Persoon" },
	{ "measure", "Maatregel" },
	{ "plan", "Plan van aanpak" },
	{ "plan_version", "Versie van het plan" },
	{ "goal", "Doel" },
	{ "assessment", "Veiligheidstaxatie" },
	{ "journal", "Journaal" },
	{ "partner", "Samenwerkingspartner" },
	{ "escalation", "Escalatie" },
	{ "approval_request", "Verzoek om akkoord" },
	{ "approval_decision", "Besluit over akkoord" },
	{ "report", "Rapport" },
};

static const struct word kinds_lower[] = {
	{ "casefile", "gegevens van het dossier" },
	{ "person", "persoon" },
	{ "measure", "maatregel" },
	{ "plan", "plan van aanpak" },
	{ "plan_version", "versie van het plan" },
	{ "goal", "doel" },
	{ "assessment", "veiligheidstaxatie" },
	{ "journal", "journaalregel" },
	{ "partner", "samenwerkingspartner" },
	{ "escalation", "escalatie" },
	{ "approval_request", "verzoek om akkoord" },
	{ "approval_decision", "besluit over akkoord" },
	{ "report", "rapport" },
};

/* "kind.field", or "field" for every kind that has it. */
static const struct word fields[] = {
	{ "casefile.title", "Titel (naam van het gezin)" },
	{ "casefile.jeugdregio", "Jeugdregio" },
	{ "casefile.legal_basis", "Grondslag" },
	{ "casefile.consent_date", "Datum toestemming" },
	{ "person.name", "Naam" },
	{ "person.role", "Rol" },
	{ "person.birth_date", "Geboortedatum" },
	{ "person.bsn", "BSN" },
	{ "person.address", "Adres" },
	{ "person.has_gezag", "Heeft gezag" },
	{ "person.child", "Gezag over of relatie met kind" },
	{ "measure.type", "Soort maatregel" },
	{ "measure.child", "Kind" },
	{ "measure.court", "Rechtbank" },
	{ "measure.decision_date", "Datum beschikking" },
	{ "measure.zaaknummer", "Zaaknummer" },
	{ "measure.start", "Ingangsdatum" },
	{ "measure.end", "Einddatum" },
	{ "measure.extensions", "Verlengingen" },
	{ "measure.ended_on", "Be\xc3\xabindigd op" },
	{ "measure.measure_id", "Nummer bij de server" },
	{ "plan.summary", "Samenvatting van het plan" },
	{ "plan.agreed_with", "Afgestemd met" },
	{ "plan.agreed_on", "Afgestemd op" },
	{ "plan_version.number", "Versie" },
	{ "plan_version.summary", "Samenvatting van het plan" },
	{ "plan_version.goals", "Doelen" },
	{ "plan_version.agreed_with", "Afgestemd met" },
	{ "plan_version.date", "Datum afstemming" },
	{ "goal.text", "Doel" },
	{ "goal.owner", "Eigenaar" },
	{ "goal.due", "Streefdatum" },
	{ "goal.status", "Status" },
	{ "assessment.instrument", "Instrument" },
	{ "assessment.instrument_version", "Versie van het instrument" },
	{ "assessment.outcome", "Uitkomst" },
	{ "assessment.assessor", "Beoordelaar" },
	{ "assessment.date", "Datum taxatie" },
	{ "assessment.next_due", "Volgende taxatie uiterlijk" },
	{ "journal.text", "Verslag" },
	{ "journal.type", "Soort contact" },
	{ "journal.date", "Datum contact" },
	{ "journal.time", "Tijd contact" },
	{ "journal.author", "Auteur (getypt, van voor de servernaam)" },
	{ "partner.name", "Naam" },
	{ "partner.type", "Soort partner" },
	{ "partner.contact", "Contactgegevens" },
	{ "partner.basis", "Grondslag voor het delen van gegevens" },
	{ "escalation.to", "Melding aan" },
	{ "escalation.reason", "Reden" },
	{ "escalation.date", "Datum melding" },
	{ "approval_request.kind", "Soort verzoek" },
	{ "approval_request.text", "Toelichting" },
	{ "approval_request.end", "Gevraagde einddatum" },
	{ "approval_request.close_reason", "Reden van afsluiten" },
	{ "approval_decision.approval", "Verzoek (nummer)" },
	{ "approval_decision.decision", "Besluit" },
	{ "approval_decision.request", "Verzoek" },
	{ "approval_decision.reason", "Toelichting" },
	{ "approval_request.by", "Gevraagd door" },
	{ "approval_decision.by", "Besloten door" },
	{ "escalation.caused_state", "Leidde tot fase" },
	{ "escalation.caused_on", "Fase begonnen op" },
	{ "escalation_outcome.escalation", "Melding" },
	{ "escalation_outcome.outcome", "Uitkomst" },
	{ "escalation_outcome.outcome_date", "Datum uitkomst" },
	{ "escalation_outcome.measure", "Maatregel die volgde" },
	{ "partner.consent_date", "Datum toestemming" },
	{ "partner.consent_scope", "Reikwijdte toestemming" },
	{ "partner.legal_basis", "Wettelijke grondslag" },
	{ "partner.withdrawn_on", "Ingetrokken op" },
	{ "nazorg.by", "Nazorg door" },
	{ "nazorg.name", "Naam" },
	{ "nazorg.agreements", "Afspraken" },
	{ "nazorg.end", "Einddatum nazorg" },
	{ "closing.reason", "Reden afsluiting" },
	{ "closing.summary", "Afsluitende samenvatting" },
	{ "report.type", "Soort rapport" },
	{ "report.child", "Kind" },
	{ "report.subject", "Gezin" },
	{ "report.child_name", "Naam van het kind" },
	{ "report.aanleiding", "Aanleiding" },
	{ "report.zorgen", "Zorgen" },
	{ "report.geprobeerd", "Wat is geprobeerd" },
	{ "report.visie", "Visie van ouders en kind" },
	{ "report.conclusie", "Conclusie en verzoek" },
	{ "municipality", "Gemeente" },
};

static const struct word choices[] = {
	{ "child", "Kind" },
	{ "parent", "Ouder" },
	{ "carer", "Verzorger" },
	{ "network", "Netwerk" },
	{ "yes", "Ja" },
	{ "no", "Nee" },
	{ "open", "Open" },
	{ "achieved", "Behaald" },
	{ "dropped", "Vervallen" },
	{ "home_visit", "Huisbezoek" },
	{ "call", "Telefoongesprek" },
	{ "meeting", "Overleg" },
	{ "other", "Anders" },
	{ "wijkteam", "Wijkteam" },
	{ "school", "School" },
	{ "jeugdhulp", "Jeugdhulp" },
	{ "woningcorporatie", "Woningcorporatie" },
	{ "raad", "Raad voor de Kinderbescherming" },
	{ "verlenging", "Verzoek verlenging OTS" },
	{ "veilig_thuis", "Veilig Thuis" },
	{ "leerplicht", "Leerplicht" },
	{ "benefit_cut", "Korting op uitkering" },
	{ "drang_extension", "Verlenging van drang" },
	{ "case_close", "Afsluiten van het dossier" },
	{ "doel_bereikt", "Doel bereikt" },
	{ "maatregel", "Maatregel" },
	{ "verhuisd", "Verhuisd" },
	{ "overleden", "Overleden" },
	{ "approve", "Akkoord" },
	{ "refuse", "Niet akkoord" },
	{ "kinderbijslag", "Kinderbijslag" },
	{ "uitkering", "Uitkering" },
	{ "jeugd_ggz", "Jeugd-GGZ" },
	{ "ggz", "GGZ" },
	{ "schuldhulpverlening", "Schuldhulpverlening" },
	{ "maatschappelijk_werk", "Maatschappelijk werk" },
	{ "schoolmaatschappelijk_werk", "Schoolmaatschappelijk werk" },
	{ "politie", "Politie" },
	{ "huisarts", "Huisarts" },
	{ "consent", "Toestemming" },
	{ "legal", "Wettelijke grondslag" },
	{ "onderzoek", "Raadsonderzoek gestart" },
	{ "geen_onderzoek", "Geen raadsonderzoek" },
	{ "measure", "Maatregel" },
	{ "VOTS", "Voorlopige ondertoezichtstelling (VOTS)" },
	{ "OTS", "Ondertoezichtstelling (OTS)" },
	{ "VOOGDIJ", "Voogdij" },
	{ "UHP", "Machtiging uithuisplaatsing" },
	{ "VOOGDIJ_ONTZETTING", "Voogdij na ontzetting" },
	{ "VOOGDIJ_GEZAGSBEEINDIGING", "Voogdij na gezagsbe\xc3\xabindiging" },
	{ "DRANG", "Drang (vrijwillig kader)" },
};

static const struct word states[] = {
	{ "AANMELDING", "Aanmelding" },
	{ "DRANG_INTENSIEF", "Drang, intensief" },
	{ "DRANG_TOETSING", "Drang, toetsing" },
	{ "DRANG_VERVOLG", "Drang, vervolg" },
	{ "RAAD_MELDING", "Melding bij de Raad" },
	{ "MAATREGEL_VOTS", "Maatregel VOTS" },
	{ "MAATREGEL_OTS", "Maatregel OTS" },
	{ "MAATREGEL_VOOGDIJ", "Maatregel voogdij" },
	{ "AFSLUITING", "Afsluiting" },
	{ "NAZORG", "Nazorg" },
	{ "GESLOTEN", "Gesloten" },
};

static const struct word frames[] = {
	{ "DRANG", "Drang" },
	{ "VOTS", "VOTS" },
	{ "OTS", "OTS" },
	{ "VOOGDIJ", "Voogdij" },
};

static const struct word deadlines[] = {
	{ "toetsing", "Toetsing drang" },
	{ "drang_end", "Einde drang" },
	{ "vots_end", "Einde VOTS" },
	{ "ots_extension_request", "Verzoek verlenging OTS" },
	{ "ots_end", "Einde OTS" },
	{ "voogdij_end", "Einde voogdij (18 jaar)" },
	{ "uhp_end", "Einde machtiging uithuisplaatsing" },
	{ "goal", "Streefdatum doel" },
	{ "assessment", "Volgende veiligheidstaxatie" },
};

static const struct word whys[] = {
	{ "a BSN has exactly 9 digits", "Een BSN heeft precies 9 cijfers." },
	{ "a BSN has digits only", "Een BSN bestaat alleen uit cijfers." },
	{ "a BSN cannot be all zeros", "Een BSN kan niet uit nullen bestaan." },
	{ "the BSN fails the elfproef (check digit wrong: a typing error?)",
	    "Dit BSN klopt niet volgens de elfproef (een tikfout?)." },
	{ "a date is written YYYY-MM-DD",
	    "Een datum schrijft u als dd-mm-jjjj." },
	{ "the year must be between 1900 and 2199",
	    "Het jaar moet tussen 1900 en 2199 liggen." },
	{ "the month must be 01 to 12", "De maand moet 01 tot 12 zijn." },
	{ "that month has no such day", "Die maand heeft zo'n dag niet." },
	{ "no text", "Vul dit veld in." },
	{ "the text is empty", "Vul dit veld in." },
	{ "the text is too long", "De tekst is te lang." },
	{ "the text contains a control character",
	    "De tekst bevat een stuurteken." },
	{ "the text is only spaces", "De tekst bestaat alleen uit spaties." },
	{ "a municipality code is GM and 4 digits (CBS), e.g. GM0193",
	    "Een gemeentecode is GM met 4 cijfers (CBS), bv. GM0363." },
	{ "text is empty or longer than 32 KiB",
	    "De tekst is leeg of langer dan 32 KiB." },
	{ "text holds control characters", "De tekst bevat stuurtekens." },
	{ "not one of the allowed values", "Kies een van de waarden uit de "
	    "lijst." },
	{ "not a record id (a lower-case UUID)",
	    "Kies een van de waarden uit de lijst." },
	{ "is required", "Dit veld is verplicht." },
	{ "is required; it cannot be unset",
	    "Dit veld is verplicht; het kan niet leeg blijven." },
	{ "does not fit the rest of the record or the case",
	    "Dit past niet bij de andere velden of bij de fase van het "
	    "gezin." },
	{ "not a time (HH:MM, 00:00 to 23:59)",
	    "Een tijd schrijft u als uu:mm (00:00 tot 23:59)." },
	{ "invalid UTF-8", "De tekst bevat ongeldige tekens." },
};

/* A child's measure in running text (lower case, the law's words). */
static const struct word measure_types[] = {
	{ "VOTS", "voorlopige OTS" },
	{ "OTS", "ondertoezichtstelling" },
	{ "UHP", "machtiging uithuisplaatsing" },
	{ "VOOGDIJ_ONTZETTING", "voogdij na ontzetting" },
	{ "VOOGDIJ_GEZAGSBEEINDIGING", "voogdij na gezagsbe\xc3\xabindiging" },
};

static const struct word measure_status[] = {
	{ "running", "loopt" },
	{ "lapsed", "verlopen" },
	{ "ended", "be\xc3\xabindigd" },
	{ "future", "gaat nog in" },
};

const char *
ui_measure_word(const char *type)
{
	return lookup(measure_types, N(measure_types), type);
}

const char *
ui_measure_status_word(const char *status)
{
	return lookup(measure_status, N(measure_status), status);
}

const char *
ui_kind_word(const char *kind)
{
	return lookup(kinds, N(kinds), kind);
}

const char *
ui_kind_lower(const char *kind)
{
	return lookup(kinds_lower, N(kinds_lower), kind);
}

const char *
ui_field_word(const char *kind, const char *field)
{
	char	key[96];
	size_t	i, kl, fl;

	if (field == NULL)
		return "";
	kl = kind != NULL ? strlen(kind) : 0;
	fl = strlen(field);
	if (kl + 1 + fl < sizeof(key)) {
		memcpy(key, kind, kl);
		key[kl] = '.';
		memcpy(key + kl + 1, field, fl + 1);
		for (i = 0; i < N(fields); i++)
			if (strcmp(fields[i].name, key) == 0)
				return fields[i].word;
	}
	return lookup(fields, N(fields), field);
}

const char *
ui_choice_word(const char *choice)
{
	return lookup(choices, N(choices), choice);
}

const char *
ui_state_word(const char *state)
{
	return lookup(states, N(states), state);
}

const char *
ui_frame_word(const char *frame)
{
	return lookup(frames, N(frames), frame);
}

const char *
ui_deadline_word(const char *deadline)
{
	return lookup(deadlines, N(deadlines), deadline);
}

const char *
ui_why_word(const char *why)
{
	if (why != NULL && strncmp(why, "invalid UTF-8", 13) == 0)
		return lookup(whys, N(whys), "invalid UTF-8");
	return lookup(whys, N(whys), why);
}
