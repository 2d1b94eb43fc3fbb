/* SPDX-License-Identifier: ISC */
/*
 * test_ui_pages.h - a real vault with a caseload in it, and the pages
 * of casesync ui run on it as the HTTP server runs them (ui.h): for
 * test_ui_pages.c and bench_ui.c.
 */
#ifndef TEST_UI_PAGES_H
#define TEST_UI_PAGES_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "body.h"
#include "case_meta.h"
#include "db.h"
#include "errors.h"
#include "html.h"
#include "lifecycle.h"
#include "ui.h"
#include "localday.h"

#define TUI_ARGS_MAX	32
#define TUI_PAGE_MAX	(64u * 1024 * 1024)

/* A request: name/value pairs. */
struct tui_req {
	struct ui_req	 req;
	const char	*name[TUI_ARGS_MAX];
	const char	*value[TUI_ARGS_MAX];
	size_t		 n;
};

static inline const char *
tui_arg(const struct ui_req *r, const char *name)
{
	const struct tui_req	*t = r->impl;
	size_t			 i;

	for (i = 0; i < t->n; i++)
		if (strcmp(t->name[i], name) == 0)
			return t->value[i];
	return NULL;
}

/* A request for "path", "post", then name, value, ..., NULL. */
static inline void
tui_req(struct tui_req *t, const char *path, int post, ...)
{
	va_list		 ap;
	const char	*n;

	memset(t, 0, sizeof(*t));
	t->req.post = post;
	t->req.path = path;
	t->req.arg = tui_arg;
	t->req.impl = t;
	va_start(ap, post);
	while ((n = va_arg(ap, const char *)) != NULL &&
	    t->n < TUI_ARGS_MAX) {
		t->name[t->n] = n;
		t->value[t->n++] = va_arg(ap, const char *);
	}
	va_end(ap);
}

/*
 * Run page "fn": the status, the page NUL-terminated in *out (free()),
 * the redirect in loc (512 bytes) if not NULL.  -1 if the page failed.
 */
static inline int
tui_run(ui_page_fn fn, struct ui_ctx *ctx, struct tui_req *t, char **out,
    char *loc)
{
	struct ui_resp	 resp;
	const char	*p;
	size_t		 len;
	int		 r;

	memset(&resp, 0, sizeof(resp));
	*out = NULL;
	if (html_init(&resp.page, TUI_PAGE_MAX) != 0)
		return -1;
	r = fn(ctx, &t->req, &resp);
	p = html_ptr(&resp.page, &len);
	if (r == 0 && !html_failed(&resp.page) &&
	    (*out = malloc(len + 1)) != NULL) {
		if (len > 0)	/* a redirect has no body */
			memcpy(*out, p, len);
		(*out)[len] = '\0';
	}
	if (loc != NULL)
		memcpy(loc, resp.location, sizeof(resp.location));
	/* TUI_DUMP=DIR: each page into DIR, for a person to look at */
	if (*out != NULL && getenv("TUI_DUMP") != NULL) {
		static unsigned	 seq;
		char		 path[4096];
		FILE		*f;

		(void)snprintf(path, sizeof(path), "%s/%03u%s.html",
		    getenv("TUI_DUMP"), seq++, t->req.path[1] != '\0' ?
		    t->req.path : "/caseload");
		for (char *c = path + strlen(getenv("TUI_DUMP")) + 1; *c; c++)
			if (*c == '/')
				*c = '-';
		if ((f = fopen(path, "w")) != NULL) {
			fputs(*out, f);
			fclose(f);
		}
	}
	html_free(&resp.page);
	return r != 0 || *out == NULL ? -1 : (resp.status != 0 ?
	    resp.status : 200);
}

/*
 * Write a record of "kind" in "case_id" with fields name, value, ...,
 * NULL, as a local edit; its id into rid if not NULL.  0 or CS_ERR_*.
 */
static inline int
tui_put(sqlite3 *db, const char *case_id, const char *kind, char *rid, ...)
{
	struct db_record	 r;
	struct body		 b;
	va_list			 ap;
	const char		*n, *v;
	int			 ret = 0;

	memset(&r, 0, sizeof(r));
	body_init(&b);
	va_start(ap, rid);
	while (ret == 0 && (n = va_arg(ap, const char *)) != NULL) {
		v = va_arg(ap, const char *);
		ret = body_set(&b, n, (const uint8_t *)v, strlen(v));
	}
	va_end(ap);
	if (ret == 0)
		ret = body_encode(&b, &r.body, &r.body_len);
	body_free(&b);
	if (ret != 0)
		return ret;
	db_uuid(r.record_id);
	memcpy(r.case_id, case_id, DB_UUID_LEN + 1);
	(void)snprintf(r.kind, sizeof(r.kind), "%s", kind);
	/* inside the caller's transaction (the benchmark's) if it has one */
	ret = sqlite3_get_autocommit(db) ? db_local_write(db, &r) :
	    db_local_write_tx(db, &r);
	if (ret == 0 && rid != NULL)
		memcpy(rid, r.record_id, DB_UUID_LEN + 1);
	db_record_clear(&r);
	return ret;
}

/*
 * Register a case: "frame" in "state" since "since" days before today
 * (drang cases: drang began then), with "regisseur" ("" for none).
 * Its id into case_id.
 */
static inline int
tui_case(sqlite3 *db, char case_id[DB_UUID_LEN + 1], enum lc_frame frame,
    enum lc_state state, int64_t since, const char *regisseur)
{
	struct case_meta	m;
	int64_t			today = localday_today();

	memset(&m, 0, sizeof(m));
	db_uuid(case_id);
	memcpy(m.case_id, case_id, DB_UUID_LEN + 1);
	lc_case_init(&m.lc, frame, today - since);
	m.lc.state = state;
	if (frame == LC_FRAME_DRANG && state != LC_AANMELDING) {
		m.lc.drang_start = today - since;
		m.lc.end_date = lc_add_months(today - since, LC_DRANG_MONTHS);
	}
	(void)snprintf(m.regisseur, sizeof(m.regisseur), "%s", regisseur);
	m.updated_at = 1;
	return case_meta_put(db, &m);
}

#endif /* TEST_UI_PAGES_H */
