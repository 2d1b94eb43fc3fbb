/* SPDX-License-Identifier: ISC */
/*
 * audit_text.h - the text of audit entries on the way in and out
 * (docs/AUDIT.md, "Text in entries and exports").
 *
 * On the way in, every text field of an entry is held to the rule for
 * names (strict UTF-8 without C0, DEL or C1 control characters); a
 * field that breaks it is stored escaped instead (str_vis: "\xNN").
 * On the way out, a CSV field is quoted (RFC 4180), control characters
 * are escaped, and a field a spreadsheet would run as a formula is
 * prefixed with a quote.
 */
#ifndef AUDIT_TEXT_H
#define AUDIT_TEXT_H

#include <stddef.h>

struct audit_entry;

/* 1 if "s" is empty or strict UTF-8 without C0, DEL or C1 controls. */
int	audit_text_ok(const char *s);
/* Escape each text field of "e" that audit_text_ok() refuses. */
void	audit_entry_clean(struct audit_entry *e);
/*
 * "s" as one CSV field into dst, NUL-terminated: in double quotes,
 * '"' doubled, a C0/DEL/C1 control character or a byte that is not
 * UTF-8 written as "\xNN" per byte, and a leading = + - @ TAB or
 * CR preceded by "'".  0, or CS_ERR_TOO_LARGE if dst is too small
 * (dst is then empty).  5 * strlen(s) + 4 bytes are always enough.
 */
int	audit_csv_field(char *dst, size_t dstlen, const char *s);

#endif /* AUDIT_TEXT_H */
