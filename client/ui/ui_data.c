/* SPDX-License-Identifier: ISC */
/*
 * ui_data.c - see ui_data.h.
 */
#include <stdlib.h>
#include <string.h>

#include "body.h"
#include "caseload.h"
#include "db.h"
#include "dossier.h"
#include "errors.h"
#include "html.h"
#include "ids.h"
#include "localday.h"
#include "measure_view.h"
#include "nolost.h"
#include "schema.h"
#include "ui.h"
#include "ui_data.h"
#include "ui_util.h"
#include "util.h"
#include "wire.h"

#define UI_RECS_MAX	1000000	/* records of one case, at most */

const char *
ui_rec_str(const struct ui_rec *r, const char *name, char *buf, size_t len)
{
	const struct body_field	*f = body_get(&r->b, name);
	size_t			 n;

	if (len == 0)
		return "";
	buf[0] = '\0';
	if (f == NULL)
		return buf;
	n = f->len < len - 1 ? f->len : utf8_cut((const char *)f->value,
	    f->len, len - 1);
	if (memchr(f->value, '\0', n) != NULL ||
	    !utf8_valid((const char *)f->value, n))
		return buf;
	memcpy(buf, f->value, n);
	buf[n] = '\0';
	return buf;
}

int
ui_rec_is(const struct ui_rec *r, const char *name, const char *value)
{
	const struct body_field	*f = body_get(&r->b, name);

	return f != NULL && f->len == strlen(value) &&
	    memcmp(f->value, value, f->len) == 0;
}

int
ui_caseload(struct ui_ctx *ctx, struct caseload **cl)
{
	return caseload_load(ctx->db, localday_today(), cl);
}

static int
case_rec_cb(const struct dossier_record *d, void *arg)
{
	struct ui_case	*c = arg;
	struct ui_rec	*nr, *x;
	size_t		 ncap;
	int		 r;

	if (d->body == NULL)
		return 0;		/* does not decode: nothing to show */
	if (c->n == c->cap) {
		if (c->cap >= UI_RECS_MAX)
			return CS_ERR_LIMIT;
		ncap = c->cap == 0 ? 32 : c->cap * 2;
		if ((nr = reallocarray(c->r, ncap, sizeof(*nr))) == NULL)
			return CS_ERR_ALLOC;
		c->r = nr;
		c->cap = ncap;
	}
	x = &c->r[c->n];
	memset(x, 0, sizeof(*x));
	body_init(&x->b);
	if ((r = body_copy(d->body, &x->b)) != 0) {
		body_free(&x->b);
		return r;
	}
	memcpy(x->id, d->rec->record_id, sizeof(x->id));
	memcpy(x->kind, d->rec->kind, sizeof(x->kind));
	(void)str_fmt(x->author, sizeof(x->author), "%s", d->author);
	x->at = d->time;
	x->by = d->by;
	x->conflicts = d->nconflicts;
	c->n++;
	return 0;
}

int
ui_case_read(struct ui_ctx *ctx, const char *case_id, const char *action,
    struct ui_case *c)
{
	int	r;

	memset(c, 0, sizeof(*c));
	if (!wire_uuid_ok(case_id))
		return CS_ERR_NOT_FOUND;
	/* the case's row: its title, state, regisseur and deadlines */
	if ((r = caseload_load_case(ctx->db, localday_today(), case_id,
	    &c->cl)) != 0)
		return r;
	if (c->cl->n == 1)
		c->row = &c->cl->rows[0];
	if (c->row == NULL) {
		ui_case_free(c);
		return CS_ERR_NOT_FOUND;
	}
	if ((r = dossier_read(ctx->db, case_id, NULL, action, case_rec_cb,
	    c)) != 0 ||
	    /* the measure records were read and logged just now */
	    (r = measure_view_load(ctx->db, case_id, c->cl->today,
	    &c->mv)) != 0) {
		ui_case_free(c);
		return r;
	}
	return 0;
}

void
ui_case_free(struct ui_case *c)
{
	size_t	i;

	for (i = 0; i < c->n; i++)
		body_free(&c->r[i].b);
	free(c->r);
	measure_view_free(c->mv);
	caseload_free(c->cl);
	memset(c, 0, sizeof(*c));
}

const struct ui_rec *
ui_case_rec(const struct ui_case *c, const char *id)
{
	size_t	i;

	for (i = 0; i < c->n; i++)
		if (strcmp(c->r[i].id, id) == 0)
			return &c->r[i];
	return NULL;
}

/* ---- ids ---- */

static int
resolve(struct ui_ctx *ctx, enum ids_kind what, const char *arg,
    char out[DB_UUID_LEN + 1])
{
	size_t	i, n;

	/* a URL carries hex digits only (ui_idarg): no title lookups */
	if (arg == NULL || (n = strlen(arg)) < IDS_INPUT_MIN ||
	    n > DB_UUID_LEN)
		return CS_ERR_NOT_FOUND;
	for (i = 0; i < n; i++)
		if (!((arg[i] >= '0' && arg[i] <= '9') ||
		    (arg[i] >= 'a' && arg[i] <= 'f') || arg[i] == '-'))
			return CS_ERR_NOT_FOUND;
	if (ids_resolve(ctx->db, what, arg, out, NULL) != 0)
		return CS_ERR_NOT_FOUND;
	return 0;
}

int
ui_case_id(struct ui_ctx *ctx, const char *arg, char out[DB_UUID_LEN + 1])
{
	return resolve(ctx, IDS_CASE, arg, out);
}

int
ui_rec_id(struct ui_ctx *ctx, const char *arg, char out[DB_UUID_LEN + 1])
{
	return resolve(ctx, IDS_RECORD, arg, out);
}

void
ui_idarg(struct html *h, const struct ids *ids, const char *id)
{
	char	s[IDS_SHORT_SIZE];

	ids_short(ids, id, s);
	ui_urlarg(h, s);
}

/* ---- writing ---- */

int
ui_case_readonly(struct ui_ctx *ctx, const char *case_id,
    struct nolost_access *a)
{
	return nolost_writable(ctx->db, case_id, a) == CS_ERR_AUTH;
}

void
ui_readonly_note(struct html *h, const struct nolost_access *ap)
{
	const struct nolost_access	a = *ap;

	html_raw(h, "<p class=\"fouten\" role=\"status\"><strong>Alleen "
	    "lezen.</strong> ");
	if (strcmp(a.mode, "removed") == 0) {
		html_raw(h, "Dit dossier is niet meer van u. Deze laptop "
		    "bewaart het alleen omdat hier ");
		html_int(h, a.changes);
		html_raw(h, a.changes == 1 ? " wijziging" : " wijzigingen");
		html_raw(h, " op een besluit wacht (zie Sync).");
	} else if (strcmp(a.mode, "handover") == 0) {
		html_raw(h, "Dit dossier is overgedragen aan een ander "
		    "kantoor. U kunt het lezen");
		if (a.until > 0) {
			html_raw(h, " tot ");
			html_time(h, a.until);
		}
		html_raw(h, ", maar niet meer wijzigen.");
	} else if (strcmp(a.mode, "glass") == 0) {
		html_raw(h, "U leest dit dossier met noodtoegang (break the "
		    "glass)");
		if (a.until > 0) {
			html_raw(h, " tot ");
			html_time(h, a.until);
		}
		html_raw(h, "; daarmee wijzigt u niets.");
	} else
		html_raw(h, "U bent lid van dit dossier met alleen "
		    "leesrechten.");
	html_raw(h, "</p>");
}

int
ui_case_write(struct ui_ctx *ctx, const char *case_id,
    const struct schema_kind *k, const char *record_id, struct ui_write *w)
{
	struct dossier_input	in;
	struct dossier_error	err;
	size_t			i, round;
	int			r, bad = 0;

	w->read_only = 0;
	for (i = 0; i < DOSSIER_FIELDS_MAX; i++) {
		w->why[i] = NULL;
		w->choices[i] = NULL;
	}
	if (k->nfields > DOSSIER_FIELDS_MAX)
		return CS_ERR_USAGE;
	memset(&in, 0, sizeof(in));
	in.k = k;
	in.case_id = case_id;
	in.record_id = record_id;
	for (i = 0; i < k->nfields; i++) {
		if (w->val[i] == NULL)
			continue;
		if (w->val[i][0] == '\0') {
			/* an emptied field: unset on a change; on a new
			 * record, not given */
			in.unset[i] = record_id != NULL;
			continue;
		}
		in.val[i] = w->val[i];
	}
	/*
	 * The core names the first field it refuses; ask again without
	 * it until it names none, so a form marks every wrong field.
	 */
	for (round = 0; round <= k->nfields; round++) {
		r = dossier_check(ctx->db, &in, 0, &err);
		if (r == 0 || err.field < 0 ||
		    (size_t)err.field >= k->nfields ||
		    w->why[err.field] != NULL)
			break;
		w->why[err.field] = err.why;
		w->choices[err.field] = err.choices;
		bad = 1;
		if (err.fault == DOSSIER_BAD_VALUE)
			in.val[err.field] = NULL;
		else if (err.fault == DOSSIER_BAD_UNSET)
			in.unset[err.field] = 0;
		else
			break;		/* missing: nothing to take away */
	}
	if (r == CS_ERR_AUTH || err.fault == DOSSIER_READ_ONLY ||
	    err.fault == DOSSIER_CLOSED) {
		w->read_only = 1;
		return CS_ERR_AUTH;
	}
	if (bad)
		return CS_ERR_USAGE;
	if (r != 0)
		return r;
	/* the write checks again, as it must: nothing written if refused */
	for (i = 0; i < k->nfields; i++) {
		in.val[i] = w->val[i] != NULL && w->val[i][0] != '\0' ?
		    w->val[i] : NULL;
		in.unset[i] = w->val[i] != NULL && w->val[i][0] == '\0' &&
		    record_id != NULL;
	}
	if ((r = dossier_write(ctx->db, &in, w->id, NULL, &err)) != 0) {
		if (err.field >= 0 && (size_t)err.field < k->nfields) {
			w->why[err.field] = err.why;
			w->choices[err.field] = err.choices;
		}
		if (err.fault == DOSSIER_READ_ONLY ||
		    err.fault == DOSSIER_CLOSED)
			w->read_only = 1;
	}
	return r;
}
