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
#include "errors.h"
#include "util.h"

/*
 * Length of the UTF-8 sequence at s[0..len) if it is well formed and
 * not a control character (C0, DEL, C1), else 0.
 */
static size_t
audit_text_char(const unsigned char *s, size_t len)
{
	uint32_t	cp;
	size_t		n;

	if (utf8_next((const char *)s, len, &cp, &n) != UTF8_OK ||
	    utf8_is_control(cp))
		return 0;
	return n;
}

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

int
audit_csv_field(char *dst, size_t dstlen, const char *s)
{
	static const char	 hex[] = "0123456789abcdef";
	const unsigned char	*p = (const unsigned char *)s;
	size_t			 len = strlen(s), i, n, k, o = 0;

	if (dstlen < 3)
		goto small;
	dst[o++] = '"';
	if (p[0] == '=' || p[0] == '+' || p[0] == '-' || p[0] == '@' ||
	    p[0] == '\t' || p[0] == '\r')
		dst[o++] = '\'';
	for (i = 0; i < len; i += n) {
		if ((n = audit_text_char(p + i, len - i)) == 0) {
			/* escape this byte; the next one starts afresh */
			if (dstlen - o < 4 + 2)
				goto small;
			dst[o++] = '\\';
			dst[o++] = 'x';
			dst[o++] = hex[p[i] >> 4];
			dst[o++] = hex[p[i] & 15];
			n = 1;
			continue;
		}
		/* the bytes, a doubled quote, the closing quote, NUL */
		if (dstlen - o < n + (p[i] == '"') + 2)
			goto small;
		for (k = 0; k < n; k++) {
			if (p[i + k] == '"')
				dst[o++] = '"';
			dst[o++] = (char)p[i + k];
		}
	}
	dst[o++] = '"';
	dst[o] = '\0';
	return 0;
 small:
	if (dstlen > 0)
		dst[0] = '\0';
	return CS_ERR_TOO_LARGE;
}
