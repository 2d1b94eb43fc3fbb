/* SPDX-License-Identifier: ISC */
/*
 * enroll.h - device enrollment: a one-time token plus a CSR become a
 * registered device and a short-lived certificate from the CA.
 */
#ifndef ENROLL_H
#define ENROLL_H

#include <stdint.h>

struct buf;
struct msg;
struct worker;

/*
 * Handle EnrollRequest "m" (already validated by wire.c) from address
 * "peer" and append the reply to "out": EnrollResponse, or an Error
 * (TOKEN_INVALID, TOKEN_EXPIRED, TOKEN_USED, RATE_LIMITED, BAD_REQUEST,
 * INTERNAL).  Returns 0 when a device was enrolled, else the CS_ERR_*
 * of the refusal (CS_ERR_PROTOCOL: "m" is no EnrollRequest).  Failures
 * are counted per address.
 */
int	enroll_request(struct worker *w, const char *peer, const struct msg *m,
	    struct buf *out);
/*
 * The same for session.c's dispatch until it hands a struct msg (the
 * request's id and its EnrollRequest).
 */
struct Casesync__V1__EnrollRequest;
int	enroll_handle(struct worker *w, const char *peer, uint32_t id,
	    const struct Casesync__V1__EnrollRequest *req, struct buf *out);

#endif /* ENROLL_H */
