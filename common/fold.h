/* SPDX-License-Identifier: ISC */
/*
 * fold.h - UTF-8 text folded for searching by people: "öztürk",
 * "OZTURK" and "Öztürk" are the same word to a social worker.
 *
 * fold_text() lower-cases ASCII and maps every letter of Latin-1
 * (U+00C0..U+00FF) and Latin Extended-A (U+0100..U+017F) to its base
 * letter(s) in lower-case ASCII: "Ö" -> "o", "ß" -> "ss", "Æ" -> "ae",
 * "Ĳ" -> "ij", "Œ" -> "oe", "Ł" -> "l".  Every other character (other
 * scripts, punctuation, digits) is copied unchanged, and so is a byte
 * that is not valid UTF-8 (the folding never fails on hostile text).
 *
 * Invariant: the folded form is never longer than the input (every
 * mapped character takes two bytes in UTF-8 and becomes one or two
 * ASCII letters), so a buffer of len + 1 bytes always suffices.
 */
#ifndef FOLD_H
#define FOLD_H

#include <stddef.h>

/*
 * Fold "len" bytes of "s" into "dst" (dstlen bytes, NUL-terminated).
 * Returns the folded length; a dstlen below len + 1 truncates at a
 * character boundary (never inside a folded character).
 */
size_t	fold_text(const char *s, size_t len, char *dst, size_t dstlen);

/*
 * 1 if folded "needle" occurs in folded "hay" (both NUL-terminated
 * UTF-8), 0 if not; an empty needle matches everything.  Allocates
 * nothing: the texts are folded as they are compared.
 */
int	fold_contains(const char *hay, const char *needle);
/* The same for "hlen" and "nlen" bytes (record values have no NUL). */
int	fold_contains_n(const char *hay, size_t hlen, const char *needle,
	    size_t nlen);

/* 1 if the two texts are equal once folded. */
int	fold_equal(const char *a, const char *b);

#endif /* FOLD_H */
