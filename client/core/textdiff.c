/* SPDX-License-Identifier: ISC */
/*
 * textdiff.c - a line diff by longest common subsequence (textdiff.h).
 * The common head and tail are matched first; the table for the rest
 * is (n + 1) * (m + 1) 16-bit lengths, n and m at most
 * TEXTDIFF_LINES_MAX (about 8 MB at most), checked before allocation.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "errors.h"
#include "textdiff.h"

_Static_assert(TEXTDIFF_LINES_MAX < UINT16_MAX, "LCS length in 16 bits");

struct tline {
	const char	*p;
	size_t		 len;
};

/* Split "s" into lines: *out malloc'd (NULL for none), *n lines. */
static int
textdiff_split(const char *s, size_t len, struct tline **out, size_t *n)
{
	struct tline	*v;
	size_t		 i, k = 0, start = 0, cnt = 0;

	*out = NULL;
	*n = 0;
	for (i = 0; i < len; i++)
		if (s[i] == '\n')
			cnt++;
	if (len > 0 && s[len - 1] != '\n')
		cnt++;
	if (cnt == 0)
		return 0;
	if ((v = calloc(cnt, sizeof(*v))) == NULL)
		return CS_ERR_ALLOC;
	for (i = 0; i <= len; i++) {
		if (i == len ? i > start : s[i] == '\n') {
			v[k].p = s + start;
			v[k].len = i - start;
			k++;
			start = i + 1;
		}
	}
	*out = v;
	*n = k;
	return 0;
}

static int
textdiff_eq(const struct tline *x, const struct tline *y)
{
	return x->len == y->len && memcmp(x->p, y->p, x->len) == 0;
}

static int
textdiff_each(enum textdiff_op op, const struct tline *v, size_t from,
    size_t to, textdiff_cb cb, void *arg)
{
	size_t	i;
	int	r;

	for (i = from; i < to; i++)
		if ((r = cb(op, v[i].p, v[i].len, arg)) != 0)
			return r;
	return 0;
}

/* The middle parts a[ah..at) and b[ah..bt): LCS table, then walk it. */
static int
textdiff_middle(const struct tline *a, size_t a0, size_t a1,
    const struct tline *b, size_t b0, size_t b1, textdiff_cb cb, void *arg)
{
	uint16_t	*t;
	size_t		 n = a1 - a0, m = b1 - b0, i, j, w;
	int		 r = 0;

	if (n == 0 || m == 0) {
		if ((r = textdiff_each(TEXTDIFF_DEL, a, a0, a1, cb, arg)) != 0)
			return r;
		return textdiff_each(TEXTDIFF_ADD, b, b0, b1, cb, arg);
	}
	if (n > TEXTDIFF_LINES_MAX || m > TEXTDIFF_LINES_MAX)
		return CS_ERR_TOO_LARGE;
	w = m + 1;
	if ((t = calloc((n + 1) * w, sizeof(*t))) == NULL)
		return CS_ERR_ALLOC;
	/* t[i][j]: LCS length of a[a0 + i ..] and b[b0 + j ..] */
	for (i = n; i-- > 0;)
		for (j = m; j-- > 0;)
			t[i * w + j] = textdiff_eq(&a[a0 + i], &b[b0 + j]) ?
			    (uint16_t)(t[(i + 1) * w + j + 1] + 1) :
			    t[(i + 1) * w + j] >= t[i * w + j + 1] ?
			    t[(i + 1) * w + j] : t[i * w + j + 1];
	i = j = 0;
	while (r == 0 && (i < n || j < m)) {
		if (i < n && j < m && textdiff_eq(&a[a0 + i], &b[b0 + j])) {
			r = cb(TEXTDIFF_SAME, a[a0 + i].p, a[a0 + i].len, arg);
			i++;
			j++;
		} else if (i < n && (j == m ||
		    t[(i + 1) * w + j] >= t[i * w + j + 1])) {
			r = cb(TEXTDIFF_DEL, a[a0 + i].p, a[a0 + i].len, arg);
			i++;
		} else {
			r = cb(TEXTDIFF_ADD, b[b0 + j].p, b[b0 + j].len, arg);
			j++;
		}
	}
	free(t);
	return r;
}

int
textdiff(const char *a, size_t alen, const char *b, size_t blen,
    textdiff_cb cb, void *arg)
{
	struct tline	*av = NULL, *bv = NULL;
	size_t		 an, bn, h = 0, ta, tb;
	int		 r;

	if ((r = textdiff_split(a, alen, &av, &an)) != 0 ||
	    (r = textdiff_split(b, blen, &bv, &bn)) != 0)
		goto out;
	while (h < an && h < bn && textdiff_eq(&av[h], &bv[h]))
		h++;
	ta = an;
	tb = bn;
	while (ta > h && tb > h && textdiff_eq(&av[ta - 1], &bv[tb - 1])) {
		ta--;
		tb--;
	}
	if ((r = textdiff_each(TEXTDIFF_SAME, av, 0, h, cb, arg)) != 0 ||
	    (r = textdiff_middle(av, h, ta, bv, h, tb, cb, arg)) != 0)
		goto out;
	r = textdiff_each(TEXTDIFF_SAME, av, ta, an, cb, arg);
 out:
	free(av);
	free(bv);
	return r;
}
