/* SPDX-License-Identifier: ISC */
/*
 * cli_print.c - the CLI's printing of what the core hands out: the
 * held changes, held purges and read-only cases (nolost.h), the
 * laptop's read log (readlog.h) and a record as JSON.
 */
#include <stdio.h>
#include <string.h>

#include "body.h"
#include "client.h"
#include "db.h"
#include "errors.h"
#include "ids.h"
#include "json.h"
#include "localday.h"
#include "nolost.h"
#include "readlog.h"
#include "util.h"

struct cli_nolost {
	FILE		*f;
	struct json	*j;		/* NULL: for people */
	int		 list;		/* the list open, -1: none yet */
};

static const char *const cli_nolost_name[3] = {
	"held_purges", "held_changes", "read_only"
};

/* Open the JSON arrays up to list "to" (each one once). */
static void
cli_nolost_open(struct cli_nolost *x, int to)
{
	while (x->list < to) {
		if (x->list >= 0)
			json_arr_end(x->j);
		x->list++;
		json_key(x->j, cli_nolost_name[x->list]);
		json_arr_begin(x->j);
	}
}

static int
cli_nolost_row(const struct nolost_item *it, void *arg)
{
	static const char *const vname[3] = {
		"changes", "server_held", "until"
	};
	struct cli_nolost	*x = arg;
	struct nolost_access	 a;
	char			 t[32], line[512];

	if (x->j != NULL) {
		cli_nolost_open(x, (int)it->list);
		json_obj_begin(x->j);
		json_kv_str(x->j, "case_id", it->case_id);
		json_kv_time(x->j, "since", it->at);
		/* a count of changes, a flag, or the end of the access */
		if (it->list == NOLOST_PURGE_HELD)
			json_kv_int(x->j, vname[it->list], it->v);
		else if (it->list == NOLOST_HELD)
			json_kv_bool(x->j, vname[it->list], it->v != 0);
		else
			json_kv_time(x->j, vname[it->list], it->v);
		json_kv_str(x->j, "what", it->what);
		json_obj_end(x->j);
		return 0;
	}
	nolost_time(t, sizeof(t), it->at);
	switch (it->list) {
	case NOLOST_PURGE_HELD:
		fprintf(x->f, "purge HELD: case %s kept since %s: %lld "
		    "change%s written here wait%s for a decision "
		    "(casesyncctl transfer pending)\n", it->case_id, t,
		    (long long)it->v, it->v == 1 ? "" : "s",
		    it->v == 1 ? "s" : "");
		break;
	case NOLOST_HELD:
		fprintf(x->f, "held change: case %s %s, refused at %s%s\n",
		    it->case_id, it->what, t, it->v ? "; the server keeps it "
		    "for a decision" : "");
		break;
	case NOLOST_READ_ONLY:
		memset(&a, 0, sizeof(a));
		(void)str_fmt(a.case_id, sizeof(a.case_id), "%s",
		    it->case_id);
		(void)str_fmt(a.mode, sizeof(a.mode), "%s", it->what);
		a.since = it->at;
		a.until = it->v;
		nolost_explain(&a, line, sizeof(line));
		fprintf(x->f, "read-only: %s\n", line);
		break;
	}
	return 0;
}

int
cli_nolost_status(sqlite3 *db, FILE *f, struct json *j)
{
	struct cli_nolost	x = { f, j, -1 };
	int			r;

	if (j != NULL)
		json_obj_begin(j);
	r = nolost_each(db, cli_nolost_row, &x);
	if (j != NULL) {
		if (r == 0)
			cli_nolost_open(&x, NOLOST_READ_ONLY);
		if (x.list >= 0)
			json_arr_end(j);
		json_obj_end(j);
	}
	return r;
}

static int
cli_reads_row(const struct readlog_entry *e, void *arg)
{
	const int	*json = arg;
	struct json	 j;
	char		 when[32];

	if (*json) {
		/* one line each (ndjson); schema: docs/json-schemas.json */
		json_init(&j, stdout);
		json_obj_begin(&j);
		json_kv_int(&j, "n", e->n);
		json_kv_time(&j, "at", e->at);
		json_kv_str(&j, "action", e->action);
		json_kv_str(&j, "case_id", e->case_id[0] != '\0' ?
		    e->case_id : NULL);		/* null: all cases */
		json_obj_end(&j);
		return json_end(&j);
	}
	localday_utc_iso(when, sizeof(when), e->at);
	printf("%6lld  %s  %-7s %s\n", (long long)e->n, when, e->action,
	    *e->case_id != '\0' ? e->case_id : "(all)");
	return 0;
}

int
cli_reads_print(sqlite3 *db, int json)
{
	int64_t	last;
	int	r;

	r = readlog_each(db, cli_reads_row, &json, &last);
	if (r == 0 && !json)
		printf("%lld entries, chain intact\n", (long long)last);
	return r;
}

void
cli_record_json(struct json *j, const struct ids *ids,
    const struct db_record *r, const struct body *b)
{
	char	sid[IDS_SHORT_SIZE];
	size_t	i, nconflicts = 0;

	ids_short(ids, r->record_id, sid);
	json_obj_begin(j);
	json_kv_str(j, "record_id", r->record_id);
	json_kv_str(j, "short_id", sid);
	json_kv_str(j, "case_id", r->case_id);
	json_kv_str(j, "kind", r->kind);
	json_kv_int(j, "version", r->version);
	json_kv_bool(j, "deleted", r->deleted);
	if (b != NULL) {
		for (i = 0; i < b->n; i++)
			nconflicts += body_name_is_marker(b->f[i].name) != 0;
		json_kv_int(j, "conflicts", (int64_t)nconflicts);
		json_key(j, "fields");
		json_obj_begin(j);
		for (i = 0; i < b->n; i++) {
			if (body_name_is_marker(b->f[i].name))
				json_kv_str(j, b->f[i].name, NULL);
			else
				json_kv_bytes(j, b->f[i].name,
				    b->f[i].value, b->f[i].len);
		}
		json_obj_end(j);
	}
	json_obj_end(j);
}

int
cli_written_json(const char *record_id, const char *case_id)
{
	struct json	j;

	json_init(&j, stdout);
	json_obj_begin(&j);
	json_kv_str(&j, "record_id", record_id);
	json_kv_str(&j, "case_id", case_id);
	json_obj_end(&j);
	return json_end(&j);
}
