/* SPDX-License-Identifier: ISC */
/*
 * enroll.h - device enrollment: a one-time token plus a CSR become a
 * registered device and a short-lived certificate from the CA.
 */
#ifndef ENROLL_H
#define ENROLL_H

#include <stdint.h>

struct msg;
struct request;

/*
 * Handle EnrollRequest "m" (already validated by wire.c) from address
 * rq->peer and append the reply to rq->out: EnrollResponse, or an Error
 * (TOKEN_INVALID, TOKEN_EXPIRED, TOKEN_USED, RATE_LIMITED, BAD_REQUEST,
 * INTERNAL).  Failures are counted per address, and close the
 * connection (rq->close): one attempt per connection.
 */
int	enroll_request(struct request *rq, const struct msg *m);

#endif /* ENROLL_H */
