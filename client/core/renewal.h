/* SPDX-License-Identifier: ISC */
/*
 * renewal.h - the laptop's side of device certificate renewal
 * (docs/CLIENT.md, "Certificate renewal"): renewing over the session
 * once past half the certificate's lifetime, the warning before it
 * runs out, and the explanation when it has.
 */
#ifndef RENEWAL_H
#define RENEWAL_H

#include <stdint.h>
#include <stddef.h>

struct conn;
struct identity;
struct vault;

#define RENEWAL_WARN_DAYS	7	/* warn this close to the end, or ... */
#define RENEWAL_WARN_PART	4	/* ... within a quarter of the lifetime */

/* 1 if the certificate is past half its lifetime at "now". */
int	renewal_due(const struct identity *, int64_t now);
/*
 * 1 if the certificate expires within RENEWAL_WARN_DAYS days or a
 * quarter of its lifetime from "now" (or has expired).
 */
int	renewal_warn_due(const struct identity *, int64_t now);
/*
 * The warning, one sentence into buf, if renewal_warn_due(): 1, else
 * 0 (buf untouched).
 */
int	renewal_warning(const struct identity *, int64_t now, char *buf,
	    size_t len);
/*
 * Before connecting: CS_ERR_EXPIRED (explained in a notice: the date and
 * what to do) if the laptop's certificate has expired by this laptop's
 * clock, else 0.
 */
int	renewal_check(const struct identity *);
/* The server refused the certificate as expired (a TLS alert): explain. */
void	renewal_explain_refused(const struct identity *);
/*
 * Renew over "c" (authenticated by id's current key): a new key pair,
 * a CSR, the new key and certificate stored in the vault in one
 * transaction, then the confirmation.  On success *id holds the new
 * key and certificate and *not_after the new certificate's notAfter.
 * Errors are told as notices (notice.h); a failure
 * before the vault was written leaves the old key, which still works,
 * and one after it the new key, which the server accepts and which the
 * next connection confirms.
 */
int	renewal_run(struct vault *, struct identity *id, struct conn *c,
	    int64_t *not_after);

#endif /* RENEWAL_H */
