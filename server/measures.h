/* SPDX-License-Identifier: ISC */
/*
 * measures.h - the server side of measures per child (DESIGN §2):
 * ChildMeasure, answered with the case's CaseInfo or a typed Error.
 * Requests arrive validated by wire_measure.c from an authenticated,
 * non-revoked device.
 */
#ifndef MEASURES_H
#define MEASURES_H

struct msg;
struct request;

/*
 * The handler of the dispatch table (dispatch.c).  0, or a CS_ERR_*
 * after which the connection must be closed (allocation failure,
 * reply too large).
 */
int	measures_change(struct request *, const struct msg *);

#endif /* MEASURES_H */
