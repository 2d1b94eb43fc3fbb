/* SPDX-License-Identifier: ISC */
/*
 * measure_net.c - a measure of a child: offline check, ChildMeasure to
 * the server, its CaseInfo into the laptop's tables (see
 * measure_net.h).
 */
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "case_meta.h"
#include "conn.h"
#include "db.h"
#include "errors.h"
#include "lifecycle.h"
#include "log.h"
#include "measure.h"
#include "measure_net.h"
#include "msg.h"
#include "msg_case.h"
#include "msg_measure.h"
#include "notice.h"
#include "util.h"

void
measure_request(const struct measure_change *ch, struct ms_request *q)
{
	memset(q, 0, sizeof(*q));
	q->action = ch->action;
	q->measure_id = ch->measure_id;
	q->child_id = ch->child_id;
	q->type = ch->type;
	q->decision = ch->decision;
	q->start = ch->start;
	q->end = ch->end;
	q->birth = ch->birth;
}

int
measure_check(sqlite3 *db, const struct measure_change *ch, int64_t today,
    const char **why)
{
	struct case_measures	*ms = NULL;
	struct case_meta	 m;
	struct ms_request	 q;
	struct ms_measure	 out;
	struct lc_case		 next;
	int			 r, backdated;

	*why = NULL;
	if ((r = case_meta_get(db, ch->case_id, &m)) != 0)
		return r == CS_ERR_NOT_FOUND ? 0 : r;
	if ((ms = malloc(sizeof(*ms))) == NULL)
		return CS_ERR_ALLOC;
	if ((r = case_measures_get(db, ch->case_id, ms)) != 0)
		goto out;
	measure_request(ch, &q);
	if ((r = ms_case_after(&m.lc, ms->m, ms->n, q.action, today, &next,
	    why)) != 0)
		goto out;
	/* the registration day is the server's: not known here */
	r = ms_apply(ms->m, ms->n, &q, today, LC_NODATE, &out, &backdated,
	    why);
 out:
	free(ms);
	return r;
}

/* "" for no date, else YYYY-MM-DD into dst. */
static const char *
measure_date(int64_t d, char *dst, size_t dstlen)
{
	if (d == LC_NODATE)
		return "";
	lc_date_format(d, dst, dstlen);
	return dst;
}

int
measure_send(struct conn *c, sqlite3 *db, const struct measure_change *ch,
    struct case_meta *m, struct case_measures *ms, enum wire_code *code,
    char *why, size_t whylen)
{
	struct msg_child_measure	 cm;
	struct msg_case_info		 ci;
	struct msg_error		 err;
	struct msg_out			 req;
	struct case_meta		 mm;
	struct msg			*rep = NULL;
	char				 dec[LC_DATE_LEN + 1];
	char				 start[LC_DATE_LEN + 1];
	char				 end[LC_DATE_LEN + 1];
	char				 birth[LC_DATE_LEN + 1];
	const char			*what;
	int				 r;

	if (code != NULL)
		*code = WERR_UNSPECIFIED;
	if (whylen > 0)
		why[0] = '\0';
	what = ch->action == MS_START ? "measure start" :
	    ch->action == MS_EXTEND ? "measure extend" : "measure end";
	memset(&cm, 0, sizeof(cm));
	cm.case_id = ch->case_id;
	cm.child_id = ch->child_id;
	cm.action = ms_action_name(ch->action);
	cm.measure_id = ch->measure_id;
	cm.type = ms_type_name(ch->type);	/* NULL (not given): "" */
	cm.decision_date = measure_date(ch->decision, dec, sizeof(dec));
	cm.start_date = measure_date(ch->start, start, sizeof(start));
	cm.end_date = measure_date(ch->end, end, sizeof(end));
	cm.birth_date = measure_date(ch->birth, birth, sizeof(birth));
	cm.record_id = ch->record_id;
	if (cm.action == NULL) {
		(void)str_fmt(why, whylen, "%s: unknown action", what);
		return CS_ERR_USAGE;
	}
	req = msg_out_child_measure(&cm);
	if ((r = rpc_call_expect(c, &req, MSG_CASE_INFO, &rep)) != 0) {
		if (code != NULL && rep != NULL &&
		    msg_get_error(rep, &err) == 0)
			*code = err.code;
		notice_reply_text(why, whylen, what, r, rep);
		goto out;
	}
	if (m == NULL)
		m = &mm;
	if (msg_get_case_info(rep, &ci) != 0 ||
	    strcmp(ci.case_id, ch->case_id) != 0 ||
	    case_meta_from_info(&ci, m) != 0 ||
	    (ms != NULL && case_measures_from_info(&ci, ms) != 0)) {
		(void)str_fmt(why, whylen, "%s: unexpected reply from the "
		    "server", what);
		r = CS_ERR_PROTOCOL;
		goto out;
	}
	if ((r = db_begin(db)) != 0 ||
	    (r = case_meta_put_info(db, &ci, m)) != 0 ||
	    (r = db_commit(db)) != 0) {
		db_rollback(db);
		(void)str_fmt(why, whylen, "%s: done on the server, but the "
		    "local copy could not be updated: %s", what, cs_err(r));
	}
 out:
	msg_free(rep);
	return r;
}
