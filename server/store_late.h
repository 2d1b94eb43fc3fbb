/* SPDX-License-Identifier: ISC */
/*
 * store_late.h - nothing written is lost silently (DESIGN §9): late
 * changes, held changes, held purges and the access mode of cases in
 * the server database (store_late.c).
 *
 * A late change is one pushed by a member of the old office during the
 * handover window of a transfer, written (by its hybrid clock) before
 * the member lost write access: it is applied and marked late.  The
 * claimed time is trusted only inside bounds fixed when write access
 * ended (late_window): the push comes during the window, the claimed
 * time is before the loss and not before the device's last push before
 * it (docs/PROTOCOL.md, "Late and held changes"; SECURITY.md).
 *
 * A held change is one the server refused from a user who is, or just
 * was, a member of the case (read-only member, or a purge pending for
 * the device): its sealed record is kept until someone decides to
 * accept it into the case or to discard it (casesyncctl transfer
 * decide).  A laptop that holds such a change does not purge the case;
 * it says so with a PurgeReceipt marked held (a held purge).
 *
 * Functions return 0 or a negative CS_ERR_*; those marked "in the
 * transaction" run inside the caller's open transaction.
 */
#ifndef STORE_LATE_H
#define STORE_LATE_H

#include <stdint.h>

#include "store.h"

#define STORE_HELD_MAX		256	/* undecided held changes per device */

/* The wall clock in milliseconds since the epoch. */
int64_t	store_now_ms(void);
/* "now" (seconds) in milliseconds: the clock's, if it is in that second. */
int64_t	store_late_ms(int64_t now);

/*
 * In the transaction of a transfer's accept, before the old office's
 * memberships become read-only: open a late window for every device
 * of every member of office "from" who can write the case now.  Write
 * access is lost at "lost_ms" (milliseconds since the epoch); the
 * window ends at "until" (seconds).
 */
int	store_late_open(struct store *, const char *case_id, int64_t from,
	    int64_t transfer_id, int64_t lost_ms, int64_t until);

/* In the tick's transaction: forget the windows that ended by "now". */
int	store_late_expire(struct store *, int64_t now);

/* In the push transaction: device "device_id" pushed at "now_ms". */
int	store_late_pushed(struct store *, int64_t device_id, int64_t now_ms);

/*
 * In the push transaction, for change "c" of user "user_id" on device
 * "device_id", who is a read-only member of the case (member 2) or no
 * member (0).  Sets *late = 1 if the change is to be applied as a late
 * change.  Otherwise res->status is STORE_CHANGE_FORBIDDEN, with
 * res->held (1: kept now, 2: kept before) or res->discarded and
 * res->decided_by when someone decided so.
 */
int	store_late_judge(struct store *, int64_t user_id, int64_t device_id,
	    const struct store_change *c, int member, int64_t now_ms,
	    int *late, struct store_change_result *res);

/*
 * Device "device_id" did not purge "case_id" because "n" changes hold
 * it.  NOT_FOUND if no purge of the case is pending for the device.
 * *news = 1 when this is new (or the number changed): audit it.
 */
int	store_purge_hold(struct store *, int64_t device_id,
	    const char *case_id, uint32_t n, int64_t now, int *news);

/* The purge of "case_id" by "device_id" was done (a receipt came). */
int	store_purge_unhold(struct store *, int64_t device_id,
	    const char *case_id);

/* A case that is read-only for a user (PullResponse.case_access). */
struct store_access {
	char	case_id[STORE_UUID_LEN + 1];
	char	mode[16];	/* handover glass read_only */
	int64_t	since;		/* seconds; 0: unknown */
	int64_t	until;		/* seconds; 0: no end */
};

/*
 * Every case "user_id" is a read-only member of, by case id, at most
 * "max".  cb returns 0 to go on, else that value is returned.
 */
int	store_case_access(struct store *, int64_t user_id, size_t max,
	    int (*cb)(const struct store_access *, void *), void *arg);
/* The same query bound and sent ahead (store_pull_ahead, store.h). */
int	store_case_access_send(struct store *, int64_t user_id, size_t max);

/* A held change or a held purge, for casesyncctl. */
struct store_held {
	char	change_id[STORE_UUID_LEN + 1];	/* "" for a held purge */
	char	case_id[STORE_UUID_LEN + 1];
	char	record_id[STORE_UUID_LEN + 1];
	char	kind[STORE_KIND_MAX + 1];
	int64_t	device_id;
	char	device[STORE_NAME_MAX + 1];
	char	user[STORE_NAME_MAX + 1];
	int64_t	at;			/* held since (seconds) */
	int64_t	changes;		/* held purge: changes holding it */
	int64_t	transfer_id;		/* an accepted transfer of the */
					/* case waiting for it; 0: none */
	char	state[16];		/* held accepted discarded */
	int64_t	version;		/* accepted: the record's seq */
};

/*
 * Every held purge (change_id "") and every change still waiting for a
 * decision, purges first.  cb returns 0 to go on.
 */
int	store_held_list(struct store *,
	    int (*cb)(const struct store_held *, void *), void *arg);

/*
 * Decide held change "change_id": "accept" applies it to the case as
 * it was written (a new version, author the device that wrote it;
 * CS_ERR_STATE if the record changed since it was written, or if it
 * was decided already), else it is discarded.  "who" is recorded as
 * the decider, "reason" (may be "") with it.  *out: the change after
 * the decision; *seq: the new version when accepted.  *why: a sentence
 * for a refusal.
 */
int	store_held_decide(struct store *, const char *change_id, int accept,
	    const char *who, const char *reason, int64_t now,
	    struct store_held *out, int64_t *seq, const char **why);

#endif /* STORE_LATE_H */
