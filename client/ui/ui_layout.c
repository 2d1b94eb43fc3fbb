/* SPDX-License-Identifier: ISC */
/*
 * ui_layout.c - the frame of every page (ui.h): a minimal one for the
 * pages' tests until the HTTP server's (branch uihttp) is merged.
 */
#include <string.h>

#include "html.h"
#include "ui.h"

void
ui_page_begin(struct ui_ctx *ctx, struct html *h, const char *title,
    const char *active)
{
	static const char *const nav[][2] = {
		{ "/", "Mijn caseload" }, { "/team", "Teamleider" },
		{ "/sync", "Sync" }, { "/laptop", "Laptop" },
	};
	size_t	i;

	(void)ctx;
	html_raw(h, "<!doctype html>\n<html lang=\"nl\"><head>"
	    "<meta charset=\"utf-8\"><title>");
	html_text(h, title);
	html_raw(h, " - casesync</title><link rel=\"stylesheet\" "
	    "href=\"/static/ui.css\"></head><body><nav><ul>");
	for (i = 0; i < sizeof(nav) / sizeof(nav[0]); i++) {
		html_raw(h, "<li><a href=\"");
		html_raw(h, nav[i][0]);
		html_raw(h, active != NULL && strcmp(active, nav[i][0]) == 0 ?
		    "\" class=\"active\" aria-current=\"page\">" : "\">");
		html_raw(h, nav[i][1]);
		html_raw(h, "</a></li>");
	}
	html_raw(h, "</ul></nav><main>");
}

void
ui_page_end(struct ui_ctx *ctx, struct html *h)
{
	(void)ctx;
	html_raw(h, "</main></body></html>\n");
}
