/* SPDX-License-Identifier: ISC */
/*
 * csv.c - one CSV field (see csv.h).  An ESC or a C1 CSI in a field
 * would drive the terminal that shows it, and "=HYPERLINK(...)" the
 * spreadsheet that opens the file: both are defused here, once for
 * every CSV the programs write.
 */
#include <stdint.h>
#include <string.h>

#include "csv.h"
#include "errors.h"
#include "util.h"

/*
 * Length of the UTF-8 sequence at s[0..len) if it is well formed and
 * not a control character (C0, DEL, C1), else 0.
 */
static size_t
csv_char(const unsigned char *s, size_t len)
{
	uint32_t	cp;
	size_t		n;

	if (utf8_next((const char *)s, len, &cp, &n) != UTF8_OK ||
	    utf8_is_control(cp))
		return 0;
	return n;
}

int
csv_field(char *dst, size_t dstlen, const char *s)
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
		if ((n = csv_char(p + i, len - i)) == 0) {
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
