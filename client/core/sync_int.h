/* SPDX-License-Identifier: ISC */
/*
 * sync_int.h - what sync.c, sync_push.c and sync_pull.c share: the
 * steps of sync_run() (sync.h) and the sealing and opening of bodies.
 * Not for other files.
 */
#ifndef CLIENT_SYNC_INT_H
#define CLIENT_SYNC_INT_H

#include <stdint.h>

#include <sqlite3.h>

#include "db.h"
#include "e2e.h"
#include "keys.h"
#include "msg_sync.h"
#include "sync.h"

struct conn;

/* Tell "obs" (may be NULL) where the sync is ("what": the phase). */
void	sync_progress(const struct sync_observer *obs,
	    const struct sync_stats *, const char *what);

/* A received record as the vault's (borrowing the message's body). */
void	sync_rec_in(struct db_record *, const struct msg_record *);

/*
 * Open a record's sealed body in place: d->body points into a new
 * malloc'd buffer (*plain) on success.  CS_ERR_NOT_FOUND if the key of
 * its epoch is not here (yet), CS_ERR_TAMPERED if it does not open.
 * Timed into st->e2e_ns.
 */
int	sync_open(const struct keyring *, struct db_record *d,
	    uint8_t **plain, struct sync_stats *st);
/* sync_open() into "dst" (cap: the sealed length less the overhead, +1). */
int	sync_open_to(const struct keyring *, struct db_record *d,
	    uint8_t *dst, size_t cap, struct sync_stats *st);
/*
 * Seal "d" with the newest key of its case and "nonce" (see
 * e2e_body_seal_nonce) into "out" of "cap" bytes, at least its body's
 * length and E2E_BODY_OVERHEAD; *len gets the sealed length.
 */
int	sync_seal(const struct keyring *, struct db_record *d,
	    const uint8_t nonce[E2E_BODY_NONCE_LEN], uint8_t *out, size_t cap,
	    size_t *len, struct sync_stats *st);
/* Count and say that a record's sealed body did not open. */
void	sync_tampered(const struct db_record *, struct sync_stats *);

/* sync_push.c: the outbox, pipelined, until a pass moves nothing. */
int	sync_push_all(struct conn *, sqlite3 *, const struct keyring *,
	    const struct sync_observer *, struct sync_stats *);
/* sync_push.c: offer the held changes again (nolost.h). */
int	sync_push_held(struct conn *, sqlite3 *, const struct keyring *,
	    struct sync_stats *);

/*
 * sync_prep.c: open the "n" records of PullResponse "m" on a second
 * thread while the caller writes them, and then, if "c" is not NULL,
 * receive its reply "id" (the next batch, asked for already); until
 * sync_prep_end() only that thread uses "c".  It frees "old" (the last
 * batch's message, or NULL) first: ownership passes on the call.  sync_prep_get() waits for
 * record i: sync_open()'s result, and on 0 "rec" (as sync_rec_in()
 * made it) has its opened body, valid until sync_prep_end().
 * sync_prep_end(): "next" NULL gives up (the thread stops after the
 * record it is at); else *next is the reply received and the result
 * that of receiving it.  The time spent opening goes into st->e2e_ns.
 * One sync_prep serves the batches of a pull, one after the other.
 */
struct sync_prep;
struct sync_prep *sync_prep_new(const struct keyring *);
void	sync_prep_free(struct sync_prep *);
int	sync_prep_start(struct sync_prep *, const struct msg *m, size_t n,
	    struct conn *c, uint32_t id, struct msg *old);
int	sync_prep_get(struct sync_prep *, size_t i, struct db_record *rec);
int	sync_prep_end(struct sync_prep *, struct sync_stats *st,
	    struct msg **next);

/* sync_pull.c: ask for the batch after cursor (since, tie). */
int	sync_pull_ask(struct conn *, int64_t since, int64_t tie,
	    struct sync_stats *, uint32_t *id);
/*
 * sync_pull.c: pull until the server has nothing more; "sent" is the
 * id of a first request already sent by sync_pull_ask(), or 0.
 */
int	sync_pull(struct conn *, sqlite3 *, const struct keyring *,
	    const struct sync_observer *, struct sync_stats *, uint32_t sent);

#endif /* CLIENT_SYNC_INT_H */
