/* SPDX-License-Identifier: ISC */
/*
 * store_notify.h - what a transaction of the store tells the other
 * casesyncd instances on the same PostgreSQL database (DESIGN §11;
 * server/notify.c listens).  Sent inside the transaction, so heard only
 * once it has committed; a no-op on SQLite, where the one casesyncd's
 * workers learn the same in memory (server_note_seq, access_changed,
 * the revocation generation).
 *
 * The payloads are words, never ids or values: a listener learns that
 * something changed and reads what from the database itself, so a
 * notification cannot carry anything it would have to trust.
 */
#ifndef STORE_NOTIFY_H
#define STORE_NOTIFY_H

#define STORE_NOTIFY_CHANNEL	"casesync"
#define STORE_NOTIFY_CHANGE	"change"	/* meta('seq') advanced */
#define STORE_NOTIFY_REVOKE	"revoke"	/* a device was revoked */
#define STORE_NOTIFY_ACCESS	"access"	/* an access end time set */

struct store;

/* Inside a transaction: tell the others "what" at its commit. */
int	store_notify(struct store *, const char *what);

#endif /* STORE_NOTIFY_H */
