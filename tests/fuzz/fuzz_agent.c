/* SPDX-License-Identifier: ISC */
/*
 * fuzz_agent.c - libFuzzer target for agent_request(), the decision of
 * "casesync agent" on a request read from its socket (client/core/
 * agent.h).  The agent holds a fixed lock id; the input is the request
 * as it arrived (up to AGENT_MSG_LEN + 1 bytes, one more meaning "a byte
 * after it").  Properties: anything not exactly AGENT_MSG_LEN bytes with
 * the magic and a known op gets no reply and keeps the key; the key
 * goes out (AGENT_ST_OK) only for a GET with the whole lock id equal;
 * another database id never makes the agent forget; the key is
 * forgotten exactly for a FORGET with this database id or a GET with it
 * and another salt; the answer does not depend on the bytes of a reply
 * buffer left over from a previous call (*forget is always set).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "agent.h"
#include "buf.h"
#include "log.h"
#include "vault.h"

int	LLVMFuzzerInitialize(int *, char ***);
int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* The id the seeds in corpus/agent carry: 0x00..0x1f. */
static uint8_t	held[VAULT_LOCKID_LEN];

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	size_t	i;

	(void)argc;
	(void)argv;
	log_init(1, "fuzz_agent");
	if (sodium_init() < 0)
		abort();
	for (i = 0; i < sizeof(held); i++)
		held[i] = (uint8_t)i;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t		*req;
	uint32_t	 op;
	int		 st, forget, wellformed, samedb, sameid;

	if (size > AGENT_MSG_LEN + 1)
		return 0;
	/* exactly "size" bytes on the heap */
	if ((req = malloc(size == 0 ? 1 : size)) == NULL)
		return 0;
	memcpy(req, data, size);
	forget = 0x5a;
	st = agent_request(req, size, held, &forget);
	if (forget != 0 && forget != 1)
		abort();
	wellformed = size == AGENT_MSG_LEN &&
	    memcmp(req, AGENT_MAGIC, AGENT_MAGIC_LEN) == 0;
	op = wellformed ? buf_load_u32(req + AGENT_MAGIC_LEN) : 0;
	wellformed = wellformed && (op == AGENT_OP_GET ||
	    op == AGENT_OP_FORGET);
	samedb = wellformed && memcmp(req + AGENT_MAGIC_LEN + 4, held,
	    VAULT_DBID_LEN) == 0;
	sameid = wellformed && memcmp(req + AGENT_MAGIC_LEN + 4, held,
	    VAULT_LOCKID_LEN) == 0;
	if (!wellformed) {
		if (st != -1 || forget != 0)
			abort();
	} else if (!samedb) {
		if (st != AGENT_ST_OTHER || forget != 0)
			abort();
	} else if (op == AGENT_OP_FORGET) {
		if (st != AGENT_ST_FORGOT || forget != 1)
			abort();
	} else if (sameid) {
		if (st != AGENT_ST_OK || forget != 0)
			abort();
	} else if (st != AGENT_ST_STALE || forget != 1)
		abort();
	free(req);
	return 0;
}
