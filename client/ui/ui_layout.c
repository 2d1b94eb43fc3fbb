/* SPDX-License-Identifier: ISC */
/*
 * ui_layout.c - the frame of every page of casesync ui (ui.h): Dutch,
 * a skip link, the navigation, the offline banner, <main>.  The one
 * stylesheet and the one script are files of the program
 * (client/ui/assets/); nothing inline (Content-Security-Policy).
 */
#include <string.h>

#include "syncstatus.h"
#include "ui.h"

static const struct {
	const char	*href;
	const char	*key;
	const char	*label;
} ui_nav[] = {
	{ "/", "caseload", "Mijn caseload" },
	{ "/team", "team", "Teamleider" },
	{ "/sync", "sync", "Sync" },
	{ "/laptop", "laptop", "Laptop" },
};

int
ui_offline(struct ui_ctx *ctx)
{
	struct syncstatus	st;

	if (ctx->vault == NULL || syncstatus_get(ctx->vault, &st) != 0)
		return 0;
	return st.outcome == SYNCSTATUS_OFFLINE;
}

void
ui_page_begin(struct ui_ctx *ctx, struct html *h, const char *title,
    const char *active)
{
	size_t	i;

	html_raw(h, "<!doctype html>\n<html lang=\"nl\">\n<head>\n"
	    "<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
	    "content=\"width=device-width, initial-scale=1\">\n<title>");
	html_text(h, title);
	html_raw(h, " - casesync</title>\n<link rel=\"stylesheet\" "
	    "href=\"/static/ui.css\">\n");
	/* the one page with a script: the sync's progress (ui.js) */
	if (active != NULL && (strcmp(active, "/sync") == 0 ||
	    strcmp(active, "sync") == 0))
		html_raw(h, "<script src=\"/static/ui.js\" defer></script>\n");
	html_raw(h, "</head>\n<body>\n<a class=\"skip\" href=\"#main\">"
	    "Naar de inhoud</a>\n<header class=\"site\">\n<span "
	    "class=\"brand\">casesync</span>\n<nav class=\"main\" "
	    "aria-label=\"Hoofdmenu\">\n<ul>\n");
	for (i = 0; i < sizeof(ui_nav) / sizeof(ui_nav[0]); i++) {
		html_raw(h, "<li><a href=\"");
		html_raw(h, ui_nav[i].href);
		html_raw(h, "\"");
		if (active != NULL && (strcmp(active, ui_nav[i].href) == 0 ||
		    strcmp(active, ui_nav[i].key) == 0))
			html_raw(h, " aria-current=\"page\"");
		html_raw(h, ">");
		html_raw(h, ui_nav[i].label);
		html_raw(h, "</a></li>\n");
	}
	html_raw(h, "</ul>\n</nav>\n</header>\n");
	if (ui_offline(ctx))
		html_raw(h, "<p class=\"banner\" role=\"alert\">Geen "
		    "verbinding. Uw wijzigingen zijn veilig op deze laptop "
		    "opgeslagen.</p>\n");
	html_raw(h, "<main id=\"main\" tabindex=\"-1\">\n");
}

void
ui_page_end(struct ui_ctx *ctx, struct html *h)
{
	(void)ctx;
	html_raw(h, "</main>\n</body>\n</html>\n");
}
