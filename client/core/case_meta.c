/* SPDX-License-Identifier: ISC */
/*
 * case_meta.c - the laptop's lifecycle metadata of cases (see
 * case_meta.h).  Server-visible metadata only: no names, no content.
 */
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "case_meta.h"
#include "db.h"
#include "errors.h"
#include "lifecycle.h"
#include "localday.h"
#include "log.h"
#include "marker.h"
#include "util.h"
#include "vault.h"

#define CASE_META_SELECT						\
	"SELECT case_id, frame, state, state_since, drang_start,"	\
	" measure_start, end_date, extended, approved_by, updated_at,"	\
	" regisseur, closed_on, retention_until FROM case_meta "

static int64_t
case_meta_col_date(sqlite3_stmt *s, int col)
{
	if (sqlite3_column_type(s, col) == SQLITE_NULL)
		return LC_NODATE;
	return sqlite3_column_int64(s, col);
}

static int
case_meta_bind_date(sqlite3_stmt *s, int i, int64_t d)
{
	return d == LC_NODATE ? sqlite3_bind_null(s, i) :
	    sqlite3_bind_int64(s, i, d);
}

static int
case_meta_text(sqlite3_stmt *s, int col, char *dst, size_t dstlen)
{
	const unsigned char	*p = sqlite3_column_text(s, col);
	int			 n = sqlite3_column_bytes(s, col);

	if (p == NULL || n < 0 || (size_t)n >= dstlen)
		return CS_ERR_DB;
	memcpy(dst, p, (size_t)n);
	dst[n] = '\0';
	return 0;
}

static int
case_meta_row(sqlite3_stmt *s, struct case_meta *m)
{
	char	frame[16], state[32];

	memset(m, 0, sizeof(*m));
	if (case_meta_text(s, 0, m->case_id, sizeof(m->case_id)) != 0 ||
	    case_meta_text(s, 1, frame, sizeof(frame)) != 0 ||
	    case_meta_text(s, 2, state, sizeof(state)) != 0 ||
	    case_meta_text(s, 8, m->approved_by,
	    sizeof(m->approved_by)) != 0 ||
	    case_meta_text(s, 10, m->regisseur, sizeof(m->regisseur)) != 0 ||
	    lc_frame_parse(frame, &m->lc.frame) != 0 ||
	    lc_state_parse(state, &m->lc.state) != 0)
		return CS_ERR_DB;
	m->lc.state_since = case_meta_col_date(s, 3);
	m->lc.drang_start = case_meta_col_date(s, 4);
	m->lc.measure_start = case_meta_col_date(s, 5);
	m->lc.end_date = case_meta_col_date(s, 6);
	m->lc.extended = sqlite3_column_int(s, 7) != 0;
	m->updated_at = sqlite3_column_int64(s, 9);
	m->closed_on = case_meta_col_date(s, 11);
	m->retention_until = case_meta_col_date(s, 12);
	return 0;
}

int
case_meta_get(sqlite3 *db, const char *case_id, struct case_meta *m)
{
	sqlite3_stmt	*s = NULL;
	int		 rc, r = CS_ERR_DB;

	memset(m, 0, sizeof(*m));
	if (sqlite3_prepare_v2(db, CASE_META_SELECT "WHERE case_id = ?1", -1,
	    &s, NULL) != SQLITE_OK ||
	    sqlite3_bind_text(s, 1, case_id, -1, SQLITE_STATIC) != SQLITE_OK)
		goto out;
	if ((rc = sqlite3_step(s)) == SQLITE_DONE) {
		r = CS_ERR_NOT_FOUND;
		goto out;
	}
	if (rc != SQLITE_ROW)
		goto out;
	r = case_meta_row(s, m);
 out:
	if (r == CS_ERR_DB)
		log_warnx("case_meta: %s", sqlite3_errmsg(db));
	sqlite3_finalize(s);
	return r;
}

int
case_meta_put(sqlite3 *db, const struct case_meta *m)
{
	sqlite3_stmt	*s = NULL;
	int		 r = CS_ERR_DB;

	if (sqlite3_prepare_v2(db, "INSERT OR REPLACE INTO case_meta(case_id,"
	    " frame, state, state_since, drang_start, measure_start,"
	    " end_date, extended, approved_by, updated_at, regisseur,"
	    " closed_on, retention_until) VALUES (?1, ?2, ?3, ?4, ?5, ?6,"
	    " ?7, ?8, ?9, ?10, ?11, ?12, ?13)", -1, &s,
	    NULL) != SQLITE_OK)
		goto out;
	if (sqlite3_bind_text(s, 1, m->case_id, -1, SQLITE_STATIC) !=
	    SQLITE_OK ||
	    sqlite3_bind_text(s, 2, lc_frame_name(m->lc.frame), -1,
	    SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_text(s, 3, lc_state_name(m->lc.state), -1,
	    SQLITE_STATIC) != SQLITE_OK ||
	    case_meta_bind_date(s, 4, m->lc.state_since) != SQLITE_OK ||
	    case_meta_bind_date(s, 5, m->lc.drang_start) != SQLITE_OK ||
	    case_meta_bind_date(s, 6, m->lc.measure_start) != SQLITE_OK ||
	    case_meta_bind_date(s, 7, m->lc.end_date) != SQLITE_OK ||
	    sqlite3_bind_int(s, 8, m->lc.extended != 0) != SQLITE_OK ||
	    sqlite3_bind_text(s, 9, m->approved_by, -1, SQLITE_STATIC) !=
	    SQLITE_OK ||
	    sqlite3_bind_int64(s, 10, m->updated_at) != SQLITE_OK ||
	    sqlite3_bind_text(s, 11, m->regisseur, -1, SQLITE_STATIC) !=
	    SQLITE_OK ||
	    /* only a closed case has them (a zeroed struct is not one) */
	    case_meta_bind_date(s, 12, m->lc.state == LC_GESLOTEN ?
	    m->closed_on : LC_NODATE) != SQLITE_OK ||
	    case_meta_bind_date(s, 13, m->lc.state == LC_GESLOTEN ?
	    m->retention_until : LC_NODATE) != SQLITE_OK ||
	    sqlite3_step(s) != SQLITE_DONE)
		goto out;
	r = 0;
 out:
	if (r != 0)
		log_warnx("case_meta: %s", sqlite3_errmsg(db));
	sqlite3_finalize(s);
	return r;
}

int
case_meta_known(sqlite3 *db, const char *case_id, int *known)
{
	struct case_meta	m;
	int			r;

	r = case_meta_get(db, case_id, &m);
	*known = r == 0;
	return r == CS_ERR_NOT_FOUND ? 0 : r;
}

int
case_meta_list(sqlite3 *db, int (*cb)(const struct case_meta *, void *),
    void *arg)
{
	struct case_meta	 m;
	sqlite3_stmt		*s = NULL;
	int			 rc, r = CS_ERR_DB;

	if (sqlite3_prepare_v2(db, CASE_META_SELECT "ORDER BY case_id", -1,
	    &s, NULL) != SQLITE_OK)
		goto out;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if ((r = case_meta_row(s, &m)) != 0)
			goto out;
		if ((r = cb(&m, arg)) != 0)
			goto out;
	}
	r = rc == SQLITE_DONE ? 0 : CS_ERR_DB;
 out:
	if (r == CS_ERR_DB)
		log_warnx("case_meta: %s", sqlite3_errmsg(db));
	sqlite3_finalize(s);
	return r;
}

/* "" is no date; anything else must parse (wire.c checked it). */
static int
case_meta_date(const char *s, int64_t *d)
{
	*d = LC_NODATE;
	if (s == NULL || s[0] == '\0')
		return 0;
	return lc_date_parse(s, d);
}

int
case_meta_from_info(const struct msg_case_info *ci, struct case_meta *m)
{
	memset(m, 0, sizeof(*m));
	if (strlen(ci->case_id) != DB_UUID_LEN ||
	    lc_frame_parse(ci->frame, &m->lc.frame) != 0 ||
	    lc_state_parse(ci->state, &m->lc.state) != 0 ||
	    case_meta_date(ci->state_since, &m->lc.state_since) != 0 ||
	    case_meta_date(ci->drang_start, &m->lc.drang_start) != 0 ||
	    case_meta_date(ci->measure_start, &m->lc.measure_start) != 0 ||
	    case_meta_date(ci->end_date, &m->lc.end_date) != 0 ||
	    case_meta_date(ci->closed_on, &m->closed_on) != 0 ||
	    case_meta_date(ci->retention_until, &m->retention_until) != 0 ||
	    str_fmt(m->approved_by, sizeof(m->approved_by), "%s",
	    ci->approved_by) != 0 ||
	    str_fmt(m->regisseur, sizeof(m->regisseur), "%s",
	    ci->regisseur) != 0)
		return CS_ERR_FORMAT;
	memcpy(m->case_id, ci->case_id, DB_UUID_LEN + 1);
	m->lc.extended = ci->extended;
	m->updated_at = time_now();
	return 0;
}

int
case_measures_get(sqlite3 *db, const char *case_id, struct case_measures *ms)
{
	struct ms_measure	*x;
	sqlite3_stmt		*s = NULL;
	char			 type[32];
	int			 rc, r = CS_ERR_DB;

	memset(ms, 0, sizeof(*ms));
	if (sqlite3_prepare_v2(db, "SELECT measure_id, child_id, type,"
	    " decision_date, start_date, end_date, ended_on, extensions,"
	    " record_id FROM case_measures WHERE case_id = ?1 ORDER BY"
	    " measure_id DESC LIMIT ?2", -1, &s, NULL) != SQLITE_OK ||
	    sqlite3_bind_text(s, 1, case_id, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_bind_int(s, 2, MS_MEASURES_MAX) != SQLITE_OK)
		goto out;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		x = &ms->m[ms->n];
		x->id = (uint64_t)sqlite3_column_int64(s, 0);
		if (case_meta_text(s, 1, x->child_id,
		    sizeof(x->child_id)) != 0 ||
		    case_meta_text(s, 2, type, sizeof(type)) != 0 ||
		    case_meta_text(s, 8, ms->record_id[ms->n],
		    sizeof(ms->record_id[0])) != 0 ||
		    ms_type_parse(type, &x->type) != 0)
			goto out;
		x->decision = case_meta_col_date(s, 3);
		x->start = case_meta_col_date(s, 4);
		x->end = case_meta_col_date(s, 5);
		x->ended_on = case_meta_col_date(s, 6);
		x->extensions = (unsigned)sqlite3_column_int(s, 7);
		ms->n++;
	}
	r = rc == SQLITE_DONE ? 0 : CS_ERR_DB;
 out:
	if (r != 0)
		log_warnx("case_measures: %s", sqlite3_errmsg(db));
	sqlite3_finalize(s);
	return r;
}

int
case_measures_put(sqlite3 *db, const char *case_id,
    const struct case_measures *ms)
{
	const struct ms_measure	*x;
	sqlite3_stmt		*s = NULL;
	size_t			 i;
	int			 r = CS_ERR_DB;

	if (sqlite3_prepare_v2(db, "DELETE FROM case_measures WHERE"
	    " case_id = ?1", -1, &s, NULL) != SQLITE_OK ||
	    sqlite3_bind_text(s, 1, case_id, -1, SQLITE_STATIC) != SQLITE_OK ||
	    sqlite3_step(s) != SQLITE_DONE)
		goto out;
	sqlite3_finalize(s);
	s = NULL;
	if (sqlite3_prepare_v2(db, "INSERT INTO case_measures(case_id,"
	    " measure_id, child_id, type, decision_date, start_date,"
	    " end_date, ended_on, extensions, record_id) VALUES (?1, ?2, ?3,"
	    " ?4, ?5, ?6, ?7, ?8, ?9, ?10)", -1, &s, NULL) != SQLITE_OK)
		goto out;
	for (i = 0; i < ms->n && i < MS_MEASURES_MAX; i++) {
		x = &ms->m[i];
		if (sqlite3_reset(s) != SQLITE_OK ||
		    sqlite3_bind_text(s, 1, case_id, -1, SQLITE_STATIC) !=
		    SQLITE_OK ||
		    sqlite3_bind_int64(s, 2, (int64_t)x->id) != SQLITE_OK ||
		    sqlite3_bind_text(s, 3, x->child_id, -1, SQLITE_STATIC) !=
		    SQLITE_OK ||
		    sqlite3_bind_text(s, 4, ms_type_name(x->type), -1,
		    SQLITE_STATIC) != SQLITE_OK ||
		    case_meta_bind_date(s, 5, x->decision) != SQLITE_OK ||
		    case_meta_bind_date(s, 6, x->start) != SQLITE_OK ||
		    case_meta_bind_date(s, 7, x->end) != SQLITE_OK ||
		    case_meta_bind_date(s, 8, x->ended_on) != SQLITE_OK ||
		    sqlite3_bind_int64(s, 9, x->extensions) != SQLITE_OK ||
		    sqlite3_bind_text(s, 10, ms->record_id[i], -1,
		    SQLITE_STATIC) != SQLITE_OK ||
		    sqlite3_step(s) != SQLITE_DONE)
			goto out;
	}
	r = 0;
 out:
	if (r != 0)
		log_warnx("case_measures: %s", sqlite3_errmsg(db));
	sqlite3_finalize(s);
	return r;
}

/* A date the server must have set: present and parsing. */
static int
case_meta_date_set(const char *s, int64_t *d)
{
	return s == NULL || s[0] == '\0' ? CS_ERR_FORMAT :
	    lc_date_parse(s, d);
}

int
case_measures_from_info(const struct msg_case_info *ci,
    struct case_measures *ms)
{
	struct msg_measure_info	 mi;
	struct ms_measure	*x;
	size_t			 i;

	memset(ms, 0, sizeof(*ms));
	if (ci->n_measures > MS_MEASURES_MAX)
		return CS_ERR_FORMAT;
	for (i = 0; i < ci->n_measures; i++) {
		msg_case_measure(ci, i, &mi);
		x = &ms->m[i];
		x->id = mi.measure_id;
		if (strlen(mi.child_id) != DB_UUID_LEN ||
		    ms_type_parse(mi.type, &x->type) != 0 ||
		    case_meta_date_set(mi.decision_date, &x->decision) != 0 ||
		    case_meta_date_set(mi.start_date, &x->start) != 0 ||
		    case_meta_date_set(mi.end_date, &x->end) != 0 ||
		    case_meta_date(mi.ended_on, &x->ended_on) != 0 ||
		    str_fmt(ms->record_id[i], sizeof(ms->record_id[i]), "%s",
		    mi.record_id) != 0)
			return CS_ERR_FORMAT;
		memcpy(x->child_id, mi.child_id, DB_UUID_LEN + 1);
		x->extensions = mi.extensions;
	}
	ms->n = ci->n_measures;
	return 0;
}

int
case_meta_put_info(sqlite3 *db, const struct msg_case_info *ci,
    struct case_meta *m)
{
	struct case_measures	*ms;
	int			 r;

	if ((ms = malloc(sizeof(*ms))) == NULL)
		return CS_ERR_ALLOC;
	if ((r = case_meta_from_info(ci, m)) == 0 &&
	    (r = case_measures_from_info(ci, ms)) == 0 &&
	    (r = case_meta_put(db, m)) == 0)
		r = case_measures_put(db, m->case_id, ms);
	free(ms);
	return r;
}

int
case_meta_created(struct vault *v, const char *case_id, const char *frame)
{
	struct case_meta	m;
	enum lc_frame		f;
	sqlite3			*db = vault_db(v);
	char			self[MARKER_ID_MAX + 1];
	int			r;

	if ((r = lc_frame_parse(frame, &f)) != 0 ||
	    strlen(case_id) != DB_UUID_LEN)
		return CS_ERR_FORMAT;
	if ((r = db_init(db)) != 0)
		return r;
	memset(&m, 0, sizeof(m));
	memcpy(m.case_id, case_id, DB_UUID_LEN + 1);
	m.closed_on = m.retention_until = LC_NODATE;
	m.updated_at = time_now();
	lc_case_init(&m.lc, f, localday_of(m.updated_at));
	/* the server makes the creator the regisseur (store_members.c) */
	if ((r = db_self_get(db, self, m.regisseur)) != 0)
		return r;
	return case_meta_put(db, &m);
}
