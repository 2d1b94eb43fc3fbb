/* SPDX-License-Identifier: ISC */
/*
 * agent.h - "casesync agent": one vault's struct vault_unlock held by a
 * process of the user, served on a Unix socket to the user's other
 * casesync commands so that the passphrase is asked once per session
 * (docs/CLIENT.md, "Asking the passphrase once"; SECURITY.md).
 *
 * Where: the directory $XDG_RUNTIME_DIR/casesync if XDG_RUNTIME_DIR is
 * an absolute path, else DATADIR/agent (made absolute); the socket in
 * it is named by the vault's database id, "<32 hex digits>.sock".  The
 * directory must be ours and mode 0700 (no group or other bits), the
 * socket ours with no group or other bits, and the process behind it
 * ours (SO_PEERCRED): else it is not used, and the agent refuses to
 * start there.  The agent answers only processes of its own uid.
 *
 * The protocol: one request and one reply per connection, each exactly
 * AGENT_MSG_LEN bytes, big-endian:
 *
 *	request:  0  8	magic "csagent" NUL
 *		  8  4	op: AGENT_OP_GET or AGENT_OP_FORGET
 *		 12 32	the client's vault lock id (database id, salt)
 *	reply:    0  8	magic
 *		  8  4	status: AGENT_ST_*
 *		 12 32	the KEK with AGENT_ST_OK, else zero
 *
 * A request that is short, long (bytes after it), slow (AGENT_IO_MS for
 * the whole of it), or has a wrong magic or op gets no reply.  GET with
 * another database id: AGENT_ST_OTHER.  GET with this database id but
 * another salt (a passphrase change since the agent started):
 * AGENT_ST_STALE, and the agent forgets.  FORGET with this database id:
 * AGENT_ST_FORGOT, and the agent forgets.
 */
#ifndef AGENT_H
#define AGENT_H

#include <stddef.h>
#include <stdint.h>

#include "vault.h"

#define AGENT_MSG_LEN		44
#define AGENT_MAGIC		"csagent"	/* 7 chars + NUL = 8 bytes */
#define AGENT_MAGIC_LEN		8
#define AGENT_OP_GET		1
#define AGENT_OP_FORGET		2
#define AGENT_ST_OK		0
#define AGENT_ST_OTHER		1	/* not this vault */
#define AGENT_ST_STALE		2	/* this vault, older key file: forgot */
#define AGENT_ST_FORGOT		3
#define AGENT_IO_MS		2000	/* a whole request or reply */
#define AGENT_PATH_MAX		108	/* sizeof(sun_path) on Linux */

/*
 * The socket path for the vault with lock id "id" and data directory
 * "datadir" into "path".  With "make", the directory is created (0700)
 * if missing.  0; CS_ERR_TOO_LARGE (path too long for a socket);
 * CS_ERR_AUTH (the directory is not ours or not 0700: logged);
 * CS_ERR_NOT_FOUND (no directory, without "make"); CS_ERR_SYSTEM.
 */
int	agent_path(const char *datadir, const uint8_t id[VAULT_LOCKID_LEN],
	    int make, char path[AGENT_PATH_MAX]);

/*
 * Ask the agent of the vault with lock id "id" for its KEK: 0 and *up
 * (release with vault_unlock_free) with the KEK and "id"; CS_ERR_NOT_FOUND
 * (no agent, or it had nothing for us: "st" says AGENT_ST_* if it
 * answered, else -1); CS_ERR_AUTH (a socket or directory that is not
 * safe: logged, not used); other errors (logged at debug level).
 */
int	agent_get(const char *datadir, const uint8_t id[VAULT_LOCKID_LEN],
	    struct vault_unlock **up, int *st);

/*
 * Tell the agent of this vault to forget its key and exit: 0 (it did),
 * CS_ERR_NOT_FOUND (none running), CS_ERR_AUTH, or another error.
 */
int	agent_forget(const char *datadir, const uint8_t id[VAULT_LOCKID_LEN]);

/*
 * The agent's decision on the request "req" of "len" bytes (as many as
 * arrived, up to AGENT_MSG_LEN + 1) for the lock id "id" it holds: -1
 * (malformed: wrong length, magic or op; no reply), else the AGENT_ST_*
 * to reply, and *forget = 1 when the key must be wiped first (FORGET
 * with this database id; GET with it and another salt).  AGENT_ST_OK
 * only for a GET with the whole lock id equal.  Pure: for the agent,
 * the unit test and fuzz_agent.
 */
int	agent_request(const uint8_t *req, size_t len,
	    const uint8_t id[VAULT_LOCKID_LEN], int *forget);

/*
 * The agent's side.  agent_listen: bind and listen on "path" (an old
 * socket there with no agent behind it is removed; CS_ERR_EXISTS if an
 * agent answers).  agent_serve: accept one connection on "lfd" and
 * answer its request with *up (which the caller keeps readable for the
 * call): 0 (answered without the key, or refused: another uid, a
 * malformed or slow request), AGENT_SERVED (the key went out: a use),
 * AGENT_FORGET (a FORGET, or a GET after a passphrase change: *up has
 * been wiped, freed and set to NULL before the reply went out; remove
 * the socket and exit).  Never blocks longer than AGENT_IO_MS.
 */
int	agent_listen(const char *path, int *lfd);
int	agent_serve(int lfd, struct vault_unlock **up);
#define AGENT_SERVED		1
#define AGENT_FORGET		2

#endif /* AGENT_H */
