/* SPDX-License-Identifier: ISC */
/*
 * fuzz_token.c - libFuzzer target for token_parse(), which reads the
 * enrollment token a device presents before it is authenticated.  A
 * token that parses must print back to the same text (hex in lower
 * case) and a rejected one must leave the struct zeroed, as token.h
 * promises.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "errors.h"
#include "log.h"
#include "token.h"
#include "util.h"

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	log_init(1, "fuzz_token");
	if (sodium_init() < 0)
		abort();
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct token	 zero;
	struct token			 t;
	uint8_t				 h[TOKEN_HASH_LEN];
	char				 str[TOKEN_STR_LEN + 1];
	char				*s;
	size_t				 i;

	/* exactly "size" bytes on the heap, no terminator to lean on */
	if ((s = malloc(size == 0 ? 1 : size)) == NULL)
		return 0;
	memcpy(s, data, size);
	memset(&t, 0xa5, sizeof(t));
	if (token_parse(s, size, &t) != 0) {
		if (memcmp(&t, &zero, sizeof(t)) != 0)
			abort();
		goto out;
	}
	if (size != TOKEN_STR_LEN)
		abort();
	memcpy(str, TOKEN_PREFIX, 5);
	hex_encode(str + 5, t.id, sizeof(t.id));
	hex_encode(str + 5 + 2 * TOKEN_ID_LEN, t.secret, sizeof(t.secret));
	for (i = 0; i < size; i++) {
		if (str[i] != s[i] && !(s[i] >= 'A' && s[i] <= 'F' &&
		    str[i] == s[i] - 'A' + 'a'))
			abort();
	}
	token_hash(&t, h);
	if (token_matches(&t, h) != 1)
		abort();
	token_clear(&t);
	if (memcmp(&t, &zero, sizeof(t)) != 0)
		abort();
 out:
	free(s);
	return 0;
}
