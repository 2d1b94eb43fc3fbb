/* SPDX-License-Identifier: ISC */
/*
 * ui_plan.h - the plan on the dossier page (plan.h): which plan record
 * is the family's plan, and "Versies van het plan".
 */
#ifndef UI_PLAN_H
#define UI_PLAN_H

#include <stddef.h>

struct html;
struct ui_case;
struct ui_rec;

/*
 * The plan shown: the one plan (plan_record_id) if here, else the
 * newest plan record from before it; NULL if none.  *others: how many
 * other plan records the case has.
 */
const struct ui_rec	*ui_plan_pick(const struct ui_case *, size_t *others);
/* The agreed versions as a table (or a line saying there are none). */
void	ui_plan_versions(struct html *, const struct ui_case *);

#endif /* UI_PLAN_H */
