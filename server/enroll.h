/* SPDX-License-Identifier: ISC */
/*
 * enroll.h - device enrollment: a one-time token plus a CSR become a
 * registered device and a short-lived certificate from the CA.
 */
#ifndef ENROLL_H
#define ENROLL_H

#include <stdint.h>

#include "wire.h"

struct buf;
struct worker;

/*
 * Handle EnrollRequest "req" (already validated by wire.c) from address
 * "peer" and append the reply to "out": EnrollResponse, or an Error
 * (TOKEN_INVALID, TOKEN_EXPIRED, TOKEN_USED, RATE_LIMITED, BAD_REQUEST,
 * INTERNAL).  Returns 0 when a device was enrolled, else the CS_ERR_*
 * of the refusal.  Failures are counted per address.
 */
int	enroll_handle(struct worker *w, const char *peer, uint32_t id,
	    const Casesync__V1__EnrollRequest *req, struct buf *out);

#endif /* ENROLL_H */
