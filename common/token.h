/* SPDX-License-Identifier: ISC */
/*
 * token.h - one-time enrollment tokens.
 *
 * A token is "cst1-" followed by 16 hex digits of id and 48 hex digits
 * of secret (69 characters).  The server stores the id and a keyed
 * hash of the secret, never the secret; verification compares hashes
 * in constant time.
 */
#ifndef TOKEN_H
#define TOKEN_H

#include <stddef.h>
#include <stdint.h>

#define TOKEN_PREFIX		"cst1-"
#define TOKEN_ID_LEN		8
#define TOKEN_SECRET_LEN	24
#define TOKEN_HASH_LEN		32
#define TOKEN_STR_LEN		(5 + 2 * TOKEN_ID_LEN + 2 * TOKEN_SECRET_LEN)

struct token {
	uint8_t	id[TOKEN_ID_LEN];
	uint8_t	secret[TOKEN_SECRET_LEN];
};

/* A fresh random token; "str" gets its printable form (NUL-terminated). */
void	token_new(struct token *t, char str[TOKEN_STR_LEN + 1]);
/* Parse untrusted text; 0 or CS_ERR_FORMAT (then *t is zeroed). */
int	token_parse(const char *s, size_t len, struct token *t);
/* The hash stored by the server for the token's secret. */
void	token_hash(const struct token *t, uint8_t out[TOKEN_HASH_LEN]);
/* Constant-time: 1 if "t" hashes to "stored", else 0. */
int	token_matches(const struct token *t,
	    const uint8_t stored[TOKEN_HASH_LEN]);
/* Wipe the secret. */
void	token_clear(struct token *t);

#endif /* TOKEN_H */
