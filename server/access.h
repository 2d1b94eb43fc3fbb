/* SPDX-License-Identifier: ISC */
/*
 * access.h - ending access whose time is up (handover windows, break
 * the glass), as a timer of the event loop.
 *
 * The loop runs access_tick() every second.  A request also runs it
 * first when the earliest end time has passed (srv->access_due), so a
 * request is never served on access that should have ended (fail
 * closed), while the store is not asked before every request.
 */
#ifndef ACCESS_H
#define ACCESS_H

#include <stdint.h>

struct server;
struct worker;

/*
 * End what is due at "now" (seconds) and learn the next end time.
 * With "timer" (the loop) always; else only when srv->access_due has
 * passed.  0, or a CS_ERR_*: then the request must be refused.
 */
int	access_tick(struct worker *, int64_t now, int timer);
/* A request may have started or ended an access with an end time. */
void	access_changed(struct server *);

#endif /* ACCESS_H */
