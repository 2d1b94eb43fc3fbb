/* SPDX-License-Identifier: ISC */
/*
 * ui_assets.h - the static files of casesync ui (client/ui/assets/),
 * compiled into the program: scripts/ui_assets.sh writes them as C
 * arrays into $(BUILD)/gen/ui_assets.c at build time.  Nothing is
 * loaded from outside.
 */
#ifndef UI_ASSETS_H
#define UI_ASSETS_H

#include <stddef.h>

struct ui_asset {
	const char		*path;	/* "/static/ui.css" */
	const char		*ctype;	/* Content-Type */
	const unsigned char	*data;
	size_t			 len;
};

extern const struct ui_asset	ui_assets[];
extern const size_t		ui_nassets;

/* The asset served at "path", or NULL. */
const struct ui_asset *ui_asset_find(const char *path);

#endif /* UI_ASSETS_H */
