/* SPDX-License-Identifier: ISC */
/*
 * token.c - enrollment tokens (see token.h).
 */
#include <string.h>

#include <sodium.h>

#include "errors.h"
#include "token.h"
#include "util.h"

/* Domain separation: the hash of a token is good for nothing else. */
static const uint8_t	token_hash_key[crypto_generichash_KEYBYTES] =
    "casesync enrollment token v1...";

void
token_new(struct token *t, char str[TOKEN_STR_LEN + 1])
{
	randombytes_buf(t->id, sizeof(t->id));
	randombytes_buf(t->secret, sizeof(t->secret));
	memcpy(str, TOKEN_PREFIX, 5);
	hex_encode(str + 5, t->id, sizeof(t->id));
	hex_encode(str + 5 + 2 * TOKEN_ID_LEN, t->secret, sizeof(t->secret));
}

int
token_parse(const char *s, size_t len, struct token *t)
{
	char	hex[2 * TOKEN_SECRET_LEN + 1];

	memset(t, 0, sizeof(*t));
	if (len != TOKEN_STR_LEN || memcmp(s, TOKEN_PREFIX, 5) != 0)
		return CS_ERR_FORMAT;
	memcpy(hex, s + 5, 2 * TOKEN_ID_LEN);
	hex[2 * TOKEN_ID_LEN] = '\0';
	if (hex_decode(t->id, sizeof(t->id), hex) != 0)
		goto bad;
	memcpy(hex, s + 5 + 2 * TOKEN_ID_LEN, 2 * TOKEN_SECRET_LEN);
	hex[2 * TOKEN_SECRET_LEN] = '\0';
	if (hex_decode(t->secret, sizeof(t->secret), hex) != 0)
		goto bad;
	sodium_memzero(hex, sizeof(hex));
	return 0;
 bad:
	sodium_memzero(hex, sizeof(hex));
	token_clear(t);
	return CS_ERR_FORMAT;
}

void
token_hash(const struct token *t, uint8_t out[TOKEN_HASH_LEN])
{
	crypto_generichash(out, TOKEN_HASH_LEN, t->secret, sizeof(t->secret),
	    token_hash_key, sizeof(token_hash_key));
}

int
token_matches(const struct token *t, const uint8_t stored[TOKEN_HASH_LEN])
{
	uint8_t	h[TOKEN_HASH_LEN];
	int	ok;

	token_hash(t, h);
	ok = sodium_memcmp(h, stored, TOKEN_HASH_LEN) == 0;
	sodium_memzero(h, sizeof(h));
	return ok;
}

void
token_clear(struct token *t)
{
	sodium_memzero(t, sizeof(*t));
}
