/* SPDX-License-Identifier: ISC */
/*
 * store.h - the server database (SQLite, WAL, synchronous=FULL).
 *
 * store.c is the only file that includes sqlite3.h on the server side.
 * One struct store per thread: a worker, or casesyncctl.  Functions
 * return 0 or a negative CS_ERR_*; CS_ERR_DB failures are logged with
 * SQLite's message (never with values that could be secrets).
 */
#ifndef STORE_H
#define STORE_H

#include <stddef.h>
#include <stdint.h>

#include "acl.h"
#include "pki.h"
#include "token.h"

#define STORE_NAME_MAX		128	/* user, office, device names */
#define STORE_ROLE_MAX		ACL_ROLE_MAX

struct store;

struct store_user {
	int64_t	id;
	char	name[STORE_NAME_MAX + 1];
	char	role[STORE_ROLE_MAX + 1];	/* as stored */
	enum role role_id;		/* parsed once: acl.h */
	char	office[STORE_NAME_MAX + 1];
	int	state;			/* STORE_USER_*: user_get, list */
};

/* A user's state (casesyncctl user disable, enable, remove). */
#define STORE_USER_ACTIVE	0
#define STORE_USER_DISABLED	1	/* may be enabled again */
#define STORE_USER_REMOVED	2	/* the row stays for the audit log */

struct store_device {
	int64_t	id;
	char	name[STORE_NAME_MAX + 1];
	struct store_user user;
	uint8_t	keyhash[PKI_HASH_LEN];
	int64_t	enrolled_at;
	int64_t	cert_not_after;
	int	revoked;
	int64_t	revoked_at;
};

struct store_token_info {
	int64_t	user_id;
	char	device_name[STORE_NAME_MAX + 1];
	int64_t	expires_at;
};

/*
 * Open the database "spec" (DESIGN §11): a path or "sqlite:PATH" (an
 * SQLite file), or "postgresql:CONNINFO" (a libpq connection string or
 * URI).  With "create", make a new database and its schema
 * (CS_ERR_EXISTS if the file exists, or the PostgreSQL database has a
 * casesync schema already); without, open an existing one
 * (CS_ERR_NOT_FOUND if missing or without the schema).  Either way the
 * schema is brought to the current version (store_schema.c); a database
 * of a newer version, or not casesync's, is refused (CS_ERR_DB,
 * logged).  CS_ERR_RETRY: PostgreSQL could not be reached.
 */
int	store_open(const char *spec, int create, struct store **out);
void	store_close(struct store *);		/* NULL is a no-op */
/* 1 if "spec" names a PostgreSQL database ("postgresql:..."). */
int	store_spec_pg(const char *spec);
/* 1 if the store is on PostgreSQL. */
int	store_is_pg(const struct store *);
/* The schema version this program makes (store_schema.c). */
int	store_schema_current(void);
/* ... and the last of PostgreSQL's list (store_schema_pg.c): the same. */
int	store_schema_pg_current(void);
/* The database's schema version (SQLite: PRAGMA user_version). */
int	store_schema_version(struct store *, int64_t *version);

/* True if "role" names one of the roles (acl.h). */
int	store_role_valid(const char *role);
/* Names: 1..STORE_NAME_MAX bytes of printable UTF-8, no control chars. */
int	store_name_valid(const char *name);

int	store_office_add(struct store *, const char *name, const char *region,
	    int64_t *idp);
/* cb returns 0 to go on; a non-zero return stops and is returned. */
int	store_office_list(struct store *,
	    int (*cb)(int64_t id, const char *name, const char *region,
	    void *), void *arg);

/* CS_ERR_NOT_FOUND if the office does not exist, EXISTS if the name does. */
int	store_user_add(struct store *, const char *name, const char *role,
	    const char *office, int64_t *idp);
/* By name. */
int	store_user_get(struct store *, const char *name, struct store_user *);
int	store_user_list(struct store *,
	    int (*cb)(const struct store_user *, void *), void *arg);
/* "active", "disabled" or "removed". */
const char *store_user_state_name(int state);
/*
 * Set user "id"'s state (STORE_USER_*).  Disabling or removing also
 * ends the user's unused enrollment tokens.  CS_ERR_STATE: enabling a
 * removed user; NOT_FOUND: no such user.
 */
int	store_user_set_state(struct store *, int64_t id, int state,
	    int64_t now);
/* Rename; EXISTS if "to" is taken, FORMAT if not a valid name. */
int	store_user_rename(struct store *, int64_t id, const char *to);
/*
 * A new role; CS_ERR_STATE (with "why") when the user is a case's
 * regisseur and the role is not jeugdbeschermer, or holds cases and
 * the role holds none (auditor, beheerder).
 */
int	store_user_set_role(struct store *, int64_t id, const char *role,
	    const char **why);
/* Into office "office"; NOT_FOUND if there is no such office. */
int	store_user_set_office(struct store *, int64_t id, const char *office);
/*
 * The cases user "id" is a member of, with their office and whether
 * the user is their regisseur.
 */
int	store_user_cases(struct store *, int64_t id,
	    int (*cb)(const char *case_id, const char *office,
	    int regisseur, void *), void *arg);

/* Record a new token for "user_id", valid until "expires_at". */
int	store_token_add(struct store *, const uint8_t id[TOKEN_ID_LEN],
	    const uint8_t hash[TOKEN_HASH_LEN], int64_t user_id,
	    const char *device_name, int64_t expires_at);

/*
 * In one transaction: check the token (CS_ERR_NOT_FOUND: no such id,
 * CS_ERR_AUTH: wrong secret (counted on the token), CS_ERR_EXPIRED,
 * CS_ERR_USED), mark it used, and register a device with "keyhash"
 * (CS_ERR_EXISTS if that key is already registered) whose certificate
 * expires at "cert_not_after".  Fills *dev on success.
 */
int	store_enroll(struct store *, const struct token *,
	    const uint8_t keyhash[PKI_HASH_LEN], int64_t now,
	    int64_t cert_not_after, struct store_device *dev);

/* Count one failed enrollment from "addr" at "now". */
int	store_enroll_fail(struct store *, const char *addr, int64_t now);
/* Failures from "addr" since "since". */
int	store_enroll_fail_count(struct store *, const char *addr,
	    int64_t since, int64_t *count);

/* CS_ERR_NOT_FOUND if no device has that key.  Revoked ones are found. */
int	store_device_by_key(struct store *,
	    const uint8_t keyhash[PKI_HASH_LEN], struct store_device *);
/*
 * Send that lookup ahead (sdb_send: on PostgreSQL it goes with the
 * statements sent after it, in one round trip); the next
 * store_device_by_key() of the same key reads its answer, and
 * store_device_by_key_drop() forgets one sent and not read.
 */
int	store_device_by_key_send(struct store *,
	    const uint8_t keyhash[PKI_HASH_LEN]);
void	store_device_by_key_drop(struct store *);
int	store_device_get(struct store *, int64_t id, struct store_device *);
int	store_device_list(struct store *,
	    int (*cb)(const struct store_device *, void *), void *arg);
/* Mark revoked and bump the revocation generation.  NOT_FOUND / 0. */
int	store_device_revoke(struct store *, int64_t id, int64_t now);
/*
 * When and from where device "id" last logged in (refused or not), from
 * the audit log's newest "login" entry; CS_ERR_NOT_FOUND if never.
 */
int	store_device_last_seen(struct store *, int64_t id, int64_t *when,
	    char *addr, size_t addrlen);
/* A counter that changes whenever any device is revoked. */
int	store_revocation_gen(struct store *, int64_t *gen);

/* ---- Sync (store_sync.c, DESIGN §5) ---- */

#define STORE_UUID_LEN		36
#define STORE_KIND_MAX		32

enum store_change_status {
	STORE_CHANGE_APPLIED = 1,
	STORE_CHANGE_CONFLICT = 2,
	STORE_CHANGE_FORBIDDEN = 3,
	STORE_CHANGE_INVALID = 4,
};

struct store_record {
	char		 record_id[STORE_UUID_LEN + 1];
	char		 case_id[STORE_UUID_LEN + 1];
	char		 kind[STORE_KIND_MAX + 1];
	int64_t		 version;
	int		 deleted;
	uint32_t	 key_epoch;
	const uint8_t	*body;		/* see the function's contract */
	size_t		 body_len;
	int64_t		 author_device;
	uint64_t	 hlc;
	/* set by the store, ignored in a change: 0 if not known */
	int64_t		 created_device;	/* of the first version */
	int64_t		 created_at;		/* s, first version */
	int64_t		 changed_at;		/* s, last version */
	/*
	 * A pull on PostgreSQL reads the author device's user with the
	 * row, where looking it up would be a round trip of its own:
	 * author_user > 0 and author_name (borrowed, as body) then.  0
	 * and NULL when not read (SQLite, where a lookup costs no round
	 * trip, or a device not found).
	 */
	int64_t		 author_user;
	const char	*author_name;
};

struct store_change {
	const char		*change_id;	/* validated UUID */
	struct store_record	 rec;		/* body borrowed */
	int64_t			 base_version;
	int64_t			 lost_version;	/* a re-offer, store_restore.h */
};

struct store_change_result {
	int			 status;	/* enum store_change_status */
	int64_t			 version;	/* APPLIED: the record's seq */
	int			 replayed;	/* APPLIED by an earlier push */
	int			 has_current;	/* CONFLICT: current record */
	int			 no_common_base;	/* CONFLICT of a re-offer */
	struct store_record	 current;	/* body malloc'd, see below */
	/* store_late.h: written before write access was lost, or kept */
	int			 late;		/* APPLIED as a late change */
	int			 held;		/* FORBIDDEN: 1 newly held, */
						/* 2 held before */
	int			 discarded;	/* FORBIDDEN: decided so */
	int			 closed;	/* FORBIDDEN: the case is */
						/* GESLOTEN (ERROR_CASE_CLOSED) */
	char			 decided_by[STORE_NAME_MAX + 1];
};

/*
 * Apply "n" changes by device "device_id" of user "user_id" in one
 * transaction, committed durably before returning 0.  res[i] gets the
 * result of chs[i].  A change_id seen before returns its original
 * APPLIED result without applying again, with "replayed" set.  Records of append-only kinds
 * ("journal", "audit") cannot be changed once written.  Release the
 * results with store_results_clear().  *last_seq: the newest seq.
 * casesyncd pushes in a transaction it owns (store_tx_begin), so that
 * the push's audit entries are committed with it or not at all.
 */
int	store_push(struct store *, int64_t user_id, int64_t device_id,
	    const struct store_change *chs, size_t n,
	    struct store_change_result *res, int64_t *last_seq);
void	store_results_clear(struct store_change_result *res, size_t n);

/*
 * Called per record in cursor order; "r->body" is valid only during
 * the call.  Return 0 to go on, 1 to stop before this record (batch
 * full: it is not consumed), or a negative CS_ERR_* to abort.
 */
typedef int (*store_record_cb)(const struct store_record *r, int64_t eff,
    int64_t tie, void *arg);

/*
 * Records visible to "user_id" after cursor (since, tie), in cursor
 * order, at most "max" of them: changes of records with version > since
 * in cases the user is a member of, and (backfill) every live record of
 * a case the user became a member of after "since".  Changes whose
 * last author is "device_id" are skipped (that device holds them: its
 * push reply set their version); backfill is never skipped.  *more is
 * set when records remain after the batch.
 */
int	store_pull(struct store *, int64_t user_id, int64_t device_id,
    int64_t since, int64_t tie,
	    size_t max, store_record_cb cb, void *arg, int *more);
/*
 * The same, and *seq (store_seq) read before the pull's reads, so a
 * change racing the pull is seen next time (PostgreSQL: in the same
 * round trip as the first of them).
 */
int	store_pull_seq(struct store *, int64_t user_id, int64_t device_id,
	    int64_t since, int64_t tie, size_t max, store_record_cb cb,
	    void *arg, int *more, int64_t *seq);

/*
 * Before a pull: the device's pending purges and the user's read-only
 * cases (store_case_access, at most "access_max") bound and sent ahead,
 * so that on PostgreSQL they go with the pull's first round trip; the
 * next store_purges_pending() and store_case_access() read them (their
 * arguments are then those given here).  store_pull_ahead_drop()
 * forgets what was sent and not read (a pull that failed).
 */
int	store_pull_ahead(struct store *, int64_t user_id, int64_t device_id,
	    size_t access_max);
void	store_pull_ahead_drop(struct store *);
/* Cases device "device_id" must purge (no receipt yet). */
int	store_purges_pending(struct store *, int64_t device_id,
	    int (*cb)(const char *case_id, void *), void *arg);
/* Record a receipt; CS_ERR_NOT_FOUND if no purge was pending. */
int	store_purge_receipt(struct store *, int64_t device_id,
	    const char *case_id, uint32_t records_deleted, int64_t now);

/*
 * Register case "case_id" (frame DRANG/VOTS/OTS/VOOGDIJ) owned by the
 * user's office, with the user as regisseur and member.  EXISTS if the
 * id is taken; AUTH if the role may not create cases.
 */
int	store_case_create(struct store *, const struct store_user *u,
	    const char *case_id, const char *frame, int64_t now, int64_t *seq);

/*
 * Add (or with "remove", take away) "user_name"'s access to a case.
 * Allowed for the case's regisseur while she is a member, and the
 * teamleiders of its office (CS_ERR_AUTH otherwise).  Removal queues a
 * purge for each of the user's devices.  NOT_FOUND: no such case or
 * user.
 */
int	store_case_member(struct store *, const struct store_user *actor,
	    const char *case_id, const char *user_name, int remove,
	    int read_only, int64_t *seq);
/*
 * The same, where removing the case's regisseur names "new_regisseur"
 * (a jeugdbeschermer of the case's office, made a full member and the
 * regisseur in the same transaction); without one (NULL or "") that
 * removal is refused with CS_ERR_STATE and *why.
 */
int	store_case_member_reg(struct store *, const struct store_user *actor,
	    const char *case_id, const char *user_name, int remove,
	    int read_only, const char *new_regisseur, int64_t *seq,
	    const char **why);

/* The newest seq. */
int	store_seq(struct store *, int64_t *seq);
/* *yes = 1 if "user_id" can see a change newer than "since". */
int	store_has_changes(struct store *, int64_t user_id, int64_t since,
	    int *yes);

/*
 * Number of live records and a SHA-256 over (record_id, version) in
 * record_id order: the same layout as the client's db_digest(), so
 * tests can compare a laptop with the server.  Bodies are left out:
 * the server holds them sealed, the laptop opened (docs/E2E.md).
 */
int	store_digest(struct store *, int64_t *count, uint8_t hash[32]);
/* Every purge instruction, pending (receipt_at 0) or done. */
int	store_purge_list(struct store *,
	    int (*cb)(int64_t device_id, const char *case_id,
	    int64_t receipt_at, int64_t records_deleted, void *), void *arg);

/*
 * A decision and its audit entries in one transaction that the caller
 * owns: store_tx_begin() opens it (BEGIN IMMEDIATE); the store
 * functions called until store_tx_end() run inside it and neither
 * commit nor roll back on their own (a failed BEGIN is returned by
 * the first of them); the caller appends the entries
 * (store_audit_append_in) and ends it with the outcome "r":
 * store_tx_end() commits if r is 0 and the BEGIN succeeded, else rolls
 * back, and returns r, or the failure of the BEGIN or COMMIT.  A store
 * function that failed may have written part of its work: end with
 * its error.  Not nested.
 */
int	store_tx_begin(struct store *);
int	store_tx_end(struct store *, int r);
/*
 * A run of reads in one read transaction, ended by store_read_end():
 * on SQLite a deferred BEGIN, so that the reads share one snapshot and
 * one of SQLite's WAL read locks (and one check of the log for the
 * other connections' commits) instead of one each; on PostgreSQL
 * nothing (each statement as before: a BEGIN would cost a round trip).
 * Only reads in between: a write there would need the write lock that
 * a read transaction does not hold.  Outside any transaction only; if
 * one is open, or the BEGIN fails, the reads run as they would
 * without.  Not nested.
 */
void	store_read_begin(struct store *);
void	store_read_end(struct store *);
/*
 * The process's write lock (store.c, store_wlock) now if it is free: 1,
 * and the next transaction of this connection uses it; else 0, and
 * nothing is held.  For a commit that may wait for a later loop pass
 * (audit.c's group commit), so that its worker goes on serving its
 * other connections rather than sleep until another worker's
 * transaction ends.
 */
int	store_wlock_try(struct store *);

/*
 * A store failure "r" as the request reports it: CS_ERR_DB becomes
 * CS_ERR_RETRY when the database failed retryably (a lost connection
 * not yet back, a serialisation failure, a deadlock, busy): refused
 * UNAVAILABLE "database unavailable" (errmap.h), not INTERNAL.
 */
int	store_retry(struct store *, int r);

#endif /* STORE_H */
