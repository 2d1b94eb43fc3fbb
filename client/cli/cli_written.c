/* SPDX-License-Identifier: ISC */
/*
 * cli_written.c - authorship for people and for JSON (cli_written.h).
 * The names are the server's: checked on the wire (no control
 * characters), printed as they are.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "client.h"
#include "cli_written.h"
#include "db.h"
#include "lifecycle.h"
#include "localday.h"

static void
cli_written_at(FILE *f, int64_t t)
{
	char	date[LC_DATE_LEN + 1], hm[LOCALDAY_TIME_LEN + 1];

	if (t > 0 && localday_format(t, date, sizeof(date), hm,
	    sizeof(hm)) == 0)
		fprintf(f, " on %s %s", date, hm);
	else
		fputs(" at an unknown time", f);
}

void
cli_written(FILE *f, const struct db_author *a)
{
	fprintf(f, "written by %s", a->created_by[0] != '\0' ?
	    a->created_by : "(unknown)");
	cli_written_at(f, a->created_at);
	if (a->changed_at > 0 && a->changed_at != a->created_at) {
		fputs(", changed", f);
		if (strcmp(a->changed_by, a->created_by) != 0)
			fprintf(f, " by %s", a->changed_by[0] != '\0' ?
			    a->changed_by : "(unknown)");
		cli_written_at(f, a->changed_at);
	}
	if (a->pending)
		fputs(" (not yet synced)", f);
}

void
cli_written_json(FILE *f, const struct db_author *a)
{
	fputs(",\"created_by\":", f);
	cli_json_str(f, a->created_by);
	fprintf(f, ",\"created_at\":%" PRId64 ",\"changed_by\":",
	    a->created_at);
	cli_json_str(f, a->changed_by);
	fprintf(f, ",\"changed_at\":%" PRId64 ",\"pending\":%s",
	    a->changed_at, a->pending ? "true" : "false");
}
