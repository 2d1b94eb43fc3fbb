/* SPDX-License-Identifier: ISC */
/*
 * ui_words.h - the Dutch words of casesync ui's case-file pages: the
 * names of the kinds of record, their fields and their choices
 * (schema.c's names are the program's), the lifecycle's states, frames
 * and deadlines, and the core's validation messages in Dutch.  Only
 * words: no rule lives here.  A name this table does not know is shown
 * as it is (escaped), so a newer schema still shows.
 */
#ifndef UI_WORDS_H
#define UI_WORDS_H

/* "person" -> "Persoon" (a heading or a link's object). */
const char	*ui_kind_word(const char *kind);
/* The same in lower case after an article: "een persoon". */
const char	*ui_kind_lower(const char *kind);
/* The label of field "field" of "kind" ("birth_date" -> "Geboortedatum"). */
const char	*ui_field_word(const char *kind, const char *field);
/* One choice's word ("home_visit" -> "Huisbezoek"). */
const char	*ui_choice_word(const char *choice);
/* The lifecycle's names: "DRANG_INTENSIEF" -> "Drang (intensief)". */
const char	*ui_state_word(const char *state);
const char	*ui_frame_word(const char *frame);
const char	*ui_deadline_word(const char *deadline);
/* A measure's type (VOTS, OTS, UHP, VOOGDIJ_...) in running text. */
const char	*ui_measure_word(const char *type);
/* A measure's status (running, lapsed, ended, future). */
const char	*ui_measure_status_word(const char *status);
/*
 * A validation message of the core (schema_check()'s *why, or the core's
 * field error) in Dutch; a message without a translation is returned as
 * it is.
 */
const char	*ui_why_word(const char *why);

#endif /* UI_WORDS_H */
