/* SPDX-License-Identifier: ISC */
/*
 * cmd_measure_list.c - `casesync measure list --case CASE`: each child's
 * measures as the server last sent them, joined with their sealed
 * records (measure_view.h): the child's name, the type in words, the
 * decision (court, date, zaaknummer), start, end, status, each
 * extension and the next deadline.  Offline; the read is logged as a
 * "list" of the case (caseload_load_case).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caseload.h"
#include "cli_ids.h"
#include "client.h"
#include "cmd_case.h"
#include "cmd_measure_int.h"
#include "errors.h"
#include "ids.h"
#include "json.h"
#include "lifecycle.h"
#include "measure.h"
#include "measure_rec.h"
#include "measure_view.h"
#include "vault.h"

/* One measure of `measure list --json`. */
static void
measure_json(struct json *j, const struct ids *ids,
    const struct caseload_row *row, const struct measure_view *s, size_t i)
{
	const struct ms_measure	*m = &s->m[i];
	const struct measure_rec *rec = s->rec[i];
	const struct ms_deadline *next = s->next[i] >= 0 ?
				    &s->dl[s->next[i]] : NULL;
	char			 sh[IDS_SHORT_SIZE], csh[IDS_SHORT_SIZE];
	const char		*child;
	size_t			 k;

	ids_short(ids, s->rec_id[i], sh);
	ids_short(ids, m->child_id, csh);
	for (k = 0, child = NULL; k < row->nchildren && child == NULL; k++)
		if (strcmp(row->children[k].record_id, m->child_id) == 0)
			child = row->children[k].name;
	json_obj_begin(j);
	/* the server's record_id may be "" (a measure from before) */
	json_kv_str(j, "record_id", s->rec_id[i][0] != '\0' ?
	    s->rec_id[i] : NULL);
	json_kv_str(j, "short_id", sh);
	json_kv_str(j, "case_id", row->case_id);
	json_kv_int(j, "measure_id", (int64_t)m->id);
	json_kv_str(j, "child_id", m->child_id);
	json_kv_str(j, "child_short_id", csh);
	/* the child's name; null when its person record is not here */
	json_kv_str(j, "child", child);
	json_kv_str(j, "type", measure_type_str(m->type));
	json_kv_str(j, "type_words", cli_measure_words(
	    measure_type_str(m->type)));
	json_kv_str(j, "court", rec != NULL ? rec->court : NULL);
	json_kv_str(j, "zaaknummer", rec != NULL ? rec->zaaknummer : NULL);
	cli_json_date(j, "decision_date", rec != NULL ?
	    rec->decision_date : m->decision);
	cli_json_date(j, "start", m->start);
	cli_json_date(j, "end", m->end);
	cli_json_date(j, "ended_on", m->ended_on);
	json_kv_str(j, "status", ms_status_name(s->status[i]));
	json_kv_int(j, "extensions", m->extensions);
	json_key(j, "extension_history");
	json_arr_begin(j);
	for (k = 0; rec != NULL && k < rec->next; k++) {
		json_obj_begin(j);
		cli_json_date(j, "decision_date", rec->ext[k].decision_date);
		json_kv_str(j, "court", rec->ext[k].court);
		json_kv_str(j, "zaaknummer", rec->ext[k].zaaknummer);
		cli_json_date(j, "previous_end", rec->ext[k].previous_end);
		cli_json_date(j, "end", rec->ext[k].end);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_key(j, "next_deadline");
	if (next == NULL)
		json_null(j);
	else {
		json_obj_begin(j);
		json_kv_str(j, "kind", ms_deadline_name(next->kind));
		cli_json_date(j, "due", next->due);
		json_kv_int(j, "days_left", next->days_left);
		json_obj_end(j);
	}
	json_obj_end(j);
}

/* One measure for people. */
static void
measure_print(const struct ids *ids, const struct caseload_row *row,
    const struct measure_view *s, size_t i)
{
	const struct ms_measure	*m = &s->m[i];
	const struct measure_rec *rec = s->rec[i];
	const struct ms_deadline *next = s->next[i] >= 0 ?
				    &s->dl[s->next[i]] : NULL;
	char			 sh[IDS_SHORT_SIZE], a[LC_DATE_LEN + 1];
	char			 b[LC_DATE_LEN + 1], d[32];
	size_t			 k;

	ids_short(ids, s->rec_id[i], sh);
	printf("%-12s  %s  %s  %s\n", sh, measure_child_name(row,
	    m->child_id), cli_measure_words(measure_type_str(m->type)),
	    ms_status_name(s->status[i]));
	lc_date_format(rec != NULL ? rec->decision_date : m->decision, a,
	    sizeof(a));
	if (rec != NULL)
		printf("  decision   %s, %s, zaaknummer %s\n", rec->court, a,
		    rec->zaaknummer);
	else
		printf("  decision   %s (court and zaaknummer: the measure's "
		    "record is not on this laptop yet: sync)\n", a);
	lc_date_format(m->start, a, sizeof(a));
	lc_date_format(m->end, b, sizeof(b));
	printf("  start      %s  end %s", a, b);
	if (m->ended_on != LC_NODATE) {
		lc_date_format(m->ended_on, a, sizeof(a));
		printf("  ended %s", a);
	}
	printf("  extensions %u\n", m->extensions);
	for (k = 0; rec != NULL && k < rec->next; k++) {
		lc_date_format(rec->ext[k].decision_date, a, sizeof(a));
		printf("  extension  %s, %s, zaaknummer %s:", rec->ext[k].court,
		    a, rec->ext[k].zaaknummer);
		lc_date_format(rec->ext[k].previous_end, a, sizeof(a));
		lc_date_format(rec->ext[k].end, b, sizeof(b));
		printf(" end %s -> %s\n", a, b);
	}
	if (next != NULL) {
		lc_date_format(next->due, a, sizeof(a));
		cli_days_text(next->days_left, d, sizeof(d));
		printf("  next deadline %s %s (%s)\n", a,
		    ms_deadline_name(next->kind), d);
	}
}

int
measure_list(struct cli *cli, struct measure_args *a)
{
	struct measure_view	*s = NULL;
	struct caseload		*cl = NULL;
	struct vault		*v = NULL;
	struct json		 j;
	size_t			 i, norec = 0;
	int			 r;

	if (a->case_id == NULL)
		return cli_exit(measure_bad("--case", "which case? (a short "
		    "id, id or title)"));
	if (a->id != NULL || a->child != NULL || a->type != NULL ||
	    a->decision != NULL || a->end != NULL || a->date != NULL)
		return cli_exit(measure_bad("--case", "measure list takes "
		    "--case only"));
	if ((r = cli_resolve(cli, IDS_CASE, "--case", &a->case_id,
	    a->case_buf)) != 0)
		return cli_exit(r);
	if ((s = calloc(1, sizeof(*s))) == NULL) {
		r = CS_ERR_ALLOC;
		goto out;
	}
	/* the read is logged by caseload_load_case ("list" of the case) */
	if ((r = measure_case(cli, a->case_id, &v, &cl, s)) != 0)
		goto out;
	free(s);
	if ((r = measure_view_load(vault_db(v), a->case_id, cl->today,
	    &s)) != 0) {
		cli_errx("measure list: %s", cs_err(r));
		goto out;
	}
	for (i = 0; i < s->nrecs; i++)
		norec += measure_view_find(s, s->recs[i].measure_id) < 0;
	if (cli->json) {
		json_init(&j, stdout);
		json_arr_begin(&j);
	} else if (s->n == 0)
		printf("no measures in this case\n");
	for (i = 0; i < s->n; i++) {
		if (cli->json)
			measure_json(&j, cl->ids, &cl->rows[0], s, i);
		else
			measure_print(cl->ids, &cl->rows[0], s, i);
	}
	if (cli->json) {
		json_arr_end(&j);
		r = json_end(&j);
	} else if (norec > 0)
		printf("(%zu measure record%s the server does not list: "
		    "written before measures were the server's, or not yet "
		    "listed to this laptop: case info --case %s)\n", norec,
		    norec == 1 ? "" : "s", cl->rows[0].short_id);
 out:
	caseload_free(cl);
	measure_view_free(s);
	vault_close(v);
	return cli_exit(r);
}

