/* SPDX-License-Identifier: ISC */
/*
 * cli_author.c - authorship for people and for JSON (cli_author.h).
 * The names are the server's: checked on the wire (no control
 * characters), printed as they are.
 */
#include <stdio.h>
#include <string.h>

#include "cli_author.h"
#include "db.h"
#include "json.h"
#include "lifecycle.h"
#include "localday.h"

static void
cli_author_at(FILE *f, int64_t t)
{
	char	date[LC_DATE_LEN + 1], hm[LOCALDAY_TIME_LEN + 1];

	if (t > 0 && localday_format(t, date, sizeof(date), hm,
	    sizeof(hm)) == 0)
		fprintf(f, " on %s %s", date, hm);
	else
		fputs(" at an unknown time", f);
}

void
cli_author_print(FILE *f, const struct db_author *a)
{
	fprintf(f, "written by %s", a->created_by[0] != '\0' ?
	    a->created_by : "(unknown)");
	cli_author_at(f, a->created_at);
	if (a->changed_at > 0 && a->changed_at != a->created_at) {
		fputs(", changed", f);
		if (strcmp(a->changed_by, a->created_by) != 0)
			fprintf(f, " by %s", a->changed_by[0] != '\0' ?
			    a->changed_by : "(unknown)");
		cli_author_at(f, a->changed_at);
	}
	if (a->pending)
		fputs(" (not yet synced)", f);
}

void
cli_author_json(struct json *j, const struct db_author *a)
{
	json_kv_str(j, "created_by", a->created_by[0] != '\0' ?
	    a->created_by : NULL);
	json_kv_time(j, "created_at", a->created_at);
	json_kv_str(j, "changed_by", a->changed_by[0] != '\0' ?
	    a->changed_by : NULL);
	json_kv_time(j, "changed_at", a->changed_at);
	json_kv_bool(j, "pending", a->pending);
}
