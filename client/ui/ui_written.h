/* SPDX-License-Identifier: ISC */
/*
 * ui_written.h - who wrote a record of the dossier page, and when, in
 * Dutch: "Geschreven door Anna Jansen op 3 december 2026 om 14:05,
 * gewijzigd door Bert op ... (nog niet gesynchroniseerd)".
 */
#ifndef UI_WRITTEN_H
#define UI_WRITTEN_H

#include <stdint.h>

struct html;
struct ui_rec;

/* "3 december 2026 om 14:05" of time "t" (local); "onbekend" for 0. */
void	ui_written_time(struct html *, int64_t t);
/* The sentence above, for "r" (its by: db_author), without markup. */
void	ui_written_by(struct html *, const struct ui_rec *r);

#endif /* UI_WRITTEN_H */
