/* SPDX-License-Identifier: ISC */
/*
 * fold.c - UTF-8 text folded for searching by people (see fold.h).
 *
 * The table maps U+00C0..U+017F to one or two lower-case ASCII letters
 * ("" for the few that are not letters: × ÷ and the like keep their
 * UTF-8).  Texts are folded one character at a time through an
 * iterator, so comparing allocates nothing and reads hostile bytes
 * through utf8_next() only.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fold.h"
#include "util.h"

#define FOLD_FIRST	0x00c0
#define FOLD_LAST	0x017f

/* U+00C0 .. U+017F; NULL: not folded (copied as it is). */
static const char *const fold_map[FOLD_LAST - FOLD_FIRST + 1] = {
	/* U+00C0 */ "a", "a", "a", "a", "a", "a", "ae", "c",
	/* U+00C8 */ "e", "e", "e", "e", "i", "i", "i", "i",
	/* U+00D0 */ "d", "n", "o", "o", "o", "o", "o", NULL,
	/* U+00D8 */ "o", "u", "u", "u", "u", "y", "th", "ss",
	/* U+00E0 */ "a", "a", "a", "a", "a", "a", "ae", "c",
	/* U+00E8 */ "e", "e", "e", "e", "i", "i", "i", "i",
	/* U+00F0 */ "d", "n", "o", "o", "o", "o", "o", NULL,
	/* U+00F8 */ "o", "u", "u", "u", "u", "y", "th", "y",
	/* U+0100 */ "a", "a", "a", "a", "a", "a", "c", "c",
	/* U+0108 */ "c", "c", "c", "c", "c", "c", "d", "d",
	/* U+0110 */ "d", "d", "e", "e", "e", "e", "e", "e",
	/* U+0118 */ "e", "e", "e", "e", "g", "g", "g", "g",
	/* U+0120 */ "g", "g", "g", "g", "h", "h", "h", "h",
	/* U+0128 */ "i", "i", "i", "i", "i", "i", "i", "i",
	/* U+0130 */ "i", "i", "ij", "ij", "j", "j", "k", "k",
	/* U+0138 */ "k", "l", "l", "l", "l", "l", "l", "l",
	/* U+0140 */ "l", "l", "l", "n", "n", "n", "n", "n",
	/* U+0148 */ "n", "n", "n", "n", "o", "o", "o", "o",
	/* U+0150 */ "o", "o", "oe", "oe", "r", "r", "r", "r",
	/* U+0158 */ "r", "r", "s", "s", "s", "s", "s", "s",
	/* U+0160 */ "s", "s", "t", "t", "t", "t", "t", "t",
	/* U+0168 */ "u", "u", "u", "u", "u", "u", "u", "u",
	/* U+0170 */ "u", "u", "u", "u", "w", "w", "y", "y",
	/* U+0178 */ "y", "z", "z", "z", "z", "z", "z", "s",
};

/* Folded bytes of a text, one at a time. */
struct fold_it {
	const char	*s;
	size_t		 len, pos;
	char		 pend[4];	/* bytes of the current character */
	size_t		 npend, ipend;
};

static void
fold_it_init(struct fold_it *it, const char *s, size_t len)
{
	memset(it, 0, sizeof(*it));
	it->s = s;
	it->len = len;
}

/* Refill pend[] with the next character's folded bytes; 0 at the end. */
static int
fold_it_fill(struct fold_it *it)
{
	const char	*m;
	uint32_t	 cp;
	size_t		 n;
	unsigned char	 c;

	if (it->pos >= it->len)
		return 0;
	c = (unsigned char)it->s[it->pos];
	it->ipend = 0;
	if (c < 0x80) {
		it->pend[0] = (char)(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
		it->npend = 1;
		it->pos++;
		return 1;
	}
	if (utf8_next(it->s + it->pos, it->len - it->pos, &cp, &n) !=
	    UTF8_OK) {
		/* not UTF-8: the byte as it is, then resynchronise */
		it->pend[0] = (char)c;
		it->npend = 1;
		it->pos++;
		return 1;
	}
	if (cp >= FOLD_FIRST && cp <= FOLD_LAST &&
	    (m = fold_map[cp - FOLD_FIRST]) != NULL) {
		/* n == 2 here; a map entry is 1 or 2 bytes: never longer */
		it->npend = strlen(m);
		memcpy(it->pend, m, it->npend);
	} else {
		memcpy(it->pend, it->s + it->pos, n);
		it->npend = n;
	}
	it->pos += n;
	return 1;
}

/* The next folded byte, or -1 at the end. */
static int
fold_it_next(struct fold_it *it)
{
	if (it->ipend >= it->npend && !fold_it_fill(it))
		return -1;
	return (unsigned char)it->pend[it->ipend++];
}

size_t
fold_text(const char *s, size_t len, char *dst, size_t dstlen)
{
	struct fold_it	it;
	size_t		o = 0;

	if (dstlen == 0)
		return 0;
	fold_it_init(&it, s, len);
	while (fold_it_fill(&it)) {
		if (dstlen - 1 - o < it.npend)	/* o <= dstlen - 1 */
			break;
		memcpy(dst + o, it.pend, it.npend);
		o += it.npend;
	}
	dst[o] = '\0';
	return o;
}

int
fold_contains(const char *hay, const char *needle)
{
	return fold_contains_n(hay, strlen(hay), needle, strlen(needle));
}

int
fold_contains_n(const char *hay, size_t hlen, const char *needle,
    size_t nlen)
{
	struct fold_it	h, at, nd;
	int		a, b;

	if (nlen == 0)
		return 1;
	fold_it_init(&h, hay, hlen);
	for (;;) {
		/* compare from h's position on, without moving h */
		at = h;
		fold_it_init(&nd, needle, nlen);
		for (;;) {
			if ((b = fold_it_next(&nd)) == -1)
				return 1;
			if ((a = fold_it_next(&at)) == -1)
				return 0;	/* hay ran out: none later */
			if (a != b)
				break;
		}
		if (fold_it_next(&h) == -1)
			return 0;
	}
}

int
fold_equal(const char *a, const char *b)
{
	struct fold_it	x, y;
	int		c, d;

	fold_it_init(&x, a, strlen(a));
	fold_it_init(&y, b, strlen(b));
	do {
		c = fold_it_next(&x);
		d = fold_it_next(&y);
		if (c != d)
			return 0;
	} while (c != -1);
	return 1;
}
