/* SPDX-License-Identifier: ISC */
/*
 * audit_text.c - control characters and formulas kept out of the audit
 * log and its CSV export (see audit_text.h).
 *
 * Names reach the log from the network (a member's user name), from
 * casesyncctl's command line and from the database; an ESC or a C1
 * CSI in a field would drive the terminal of the auditor who reads
 * "audit query", and "=HYPERLINK(...)" the spreadsheet that opens the
 * export.  Entries are cleaned once, before their leaf is computed,
 * so the stored row, the leaf and every output agree.
 */
#include <stdint.h>
#include <string.h>

#include "audit.h"
#include "audit_text.h"
#include "csv.h"
#include "errors.h"
#include "util.h"

int
audit_text_ok(const char *s)
{
	return utf8_text_ok(s, strlen(s));
}

static void
audit_text_clean(char dst[AUDIT_STR_MAX + 1])
{
	char	vis[4 * AUDIT_STR_MAX + 4];
	size_t	len;

	dst[AUDIT_STR_MAX] = '\0';
	if (audit_text_ok(dst))
		return;

	(void)str_vis(vis, sizeof(vis), dst, strlen(dst));
	/* str_vis output is ASCII: cut anywhere */
	if ((len = strlen(vis)) > AUDIT_STR_MAX)
		len = AUDIT_STR_MAX;
	memcpy(dst, vis, len);
	dst[len] = '\0';
}

void
audit_entry_clean(struct audit_entry *e)
{
	char	*const f[] = {
		e->type, e->outcome, e->user, e->role, e->office,
		e->on_behalf_of, e->purpose, e->basis, e->legal_basis,
		e->client_ref, e->object_type, e->object_id, e->addr,
		e->detail,
	};
	size_t	i;

	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		audit_text_clean(f[i]);
}

/* The one CSV quoting of the programs: common/csv.c. */
int
audit_csv_field(char *dst, size_t dstlen, const char *s)
{
	return csv_field(dst, dstlen, s);
}
