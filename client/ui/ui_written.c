/* SPDX-License-Identifier: ISC */
/*
 * ui_written.c - who wrote a record, and when (ui_written.h).  The
 * names are the server's (db_author), escaped like every other text.
 */
#include <string.h>
#include <time.h>

#include "html.h"
#include "ui_data.h"
#include "ui_written.h"

static const char *const ui_months[12] = {
	"januari", "februari", "maart", "april", "mei", "juni", "juli",
	"augustus", "september", "oktober", "november", "december"
};

void
ui_written_time(struct html *h, int64_t t)
{
	struct tm	tm;
	time_t		tt = (time_t)t;

	if (t <= 0 || localtime_r(&tt, &tm) == NULL || tm.tm_mon < 0 ||
	    tm.tm_mon > 11) {
		html_raw(h, "onbekend");
		return;
	}
	html_int(h, tm.tm_mday);
	html_raw(h, " ");
	html_raw(h, ui_months[tm.tm_mon]);
	html_raw(h, " ");
	html_int(h, (int64_t)tm.tm_year + 1900);
	html_raw(h, " om ");
	html_raw(h, tm.tm_hour < 10 ? "0" : "");
	html_int(h, tm.tm_hour);
	html_raw(h, tm.tm_min < 10 ? ":0" : ":");
	html_int(h, tm.tm_min);
}

static void
ui_written_name(struct html *h, const char *name)
{
	if (name[0] != '\0')
		html_text(h, name);
	else
		html_raw(h, "onbekend");
}

void
ui_written_by(struct html *h, const struct ui_rec *r)
{
	const struct db_author	*a = &r->by;

	html_raw(h, "Geschreven door ");
	ui_written_name(h, a->created_by);
	if (a->created_at > 0) {
		html_raw(h, " op ");
		ui_written_time(h, a->created_at);
	}
	if (a->changed_at > 0 && a->changed_at != a->created_at) {
		html_raw(h, ", gewijzigd");
		if (strcmp(a->changed_by, a->created_by) != 0) {
			html_raw(h, " door ");
			ui_written_name(h, a->changed_by);
		}
		html_raw(h, " op ");
		ui_written_time(h, a->changed_at);
	}
	if (a->pending)
		html_raw(h, " (nog niet gesynchroniseerd)");
}
