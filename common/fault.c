/* SPDX-License-Identifier: ISC */
/*
 * fault.c - see fault.h.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fault.h"
#include "log.h"

#define FAULT_NAME_MAX	64

static char	fault_armed[FAULT_NAME_MAX];

void
fault_init(void)
{
	const char	*v = getenv("CASESYNC_FAULT");

	if (v == NULL || *v == '\0')
		return;
	if (strlen(v) >= sizeof(fault_armed))
		fatalx("CASESYNC_FAULT: name too long");
	memcpy(fault_armed, v, strlen(v) + 1);
	log_warnx("fault injection armed: %s", fault_armed);
}

void
fault_pause(const char *name)
{
	const struct timespec	ts = { 2, 0 };

	if (strncmp(fault_armed, "pause:", 6) == 0 &&
	    strcmp(fault_armed + 6, name) == 0) {
		log_warnx("fault injection: pausing at %s", name);
		nanosleep(&ts, NULL);
	}
}

int
fault_fail(const char *name)
{
	if (strncmp(fault_armed, "fail:", 5) != 0 ||
	    strcmp(fault_armed + 5, name) != 0)
		return 0;
	log_warnx("fault injection: failing at %s", name);
	return 1;
}

void
fault_point(const char *name)
{
	if (fault_armed[0] != '\0' && strcmp(fault_armed, name) == 0) {
		log_warnx("fault injection: exiting at %s", name);
		_exit(3);
	}
}
