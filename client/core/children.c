/* SPDX-License-Identifier: ISC */
/*
 * children.c - the child a record concerns and a child's name on this
 * laptop (see children.h).
 */
#include <stdint.h>
#include <string.h>

#include "msg.h"
#include "body.h"
#include "children.h"
#include "db.h"
#include "errors.h"
#include "fold.h"
#include "util.h"

/* A field of "b" as a string if it is one of at most "max" bytes. */
static int
children_field(const struct body *b, const char *name, char *out,
    size_t max)
{
	const struct body_field	*f;

	out[0] = '\0';
	if (b == NULL || (f = body_get(b, name)) == NULL || f->len > max ||
	    memchr(f->value, '\0', f->len) != NULL)
		return 0;
	memcpy(out, f->value, f->len);
	out[f->len] = '\0';
	return 1;
}

void
children_of_record(const char *kind, const char *record_id,
    const struct body *b, char *out)
{
	char	v[CHILD_ID_LEN + 1];

	out[0] = '\0';
	if (strcmp(kind, "person") == 0) {
		if (children_field(b, "role", v, sizeof(v) - 1) &&
		    strcmp(v, "child") == 0 && wire_uuid_ok(record_id))
			(void)str_fmt(out, CHILD_ID_LEN + 1, "%s", record_id);
		return;
	}
	if (children_field(b, "child", v, CHILD_ID_LEN) && wire_uuid_ok(v))
		(void)str_fmt(out, CHILD_ID_LEN + 1, "%s", v);
}

struct children_walk {
	const char	*want_id;	/* by id (exact) */
	const char	*what;		/* by name or id prefix */
	char		*name;
	size_t		 namelen;
	char		 found[CHILD_ID_LEN + 1];
	size_t		 matches;
	int		 r;
};

static int
children_walk_cb(const struct db_record *rec, void *arg)
{
	struct children_walk	*w = arg;
	struct body		 b;
	char			 role[16], name[256];
	int			 match;

	body_init(&b);
	if (body_decode(rec->body, rec->body_len, &b) != 0)
		return 0;	/* a body this laptop cannot read names no one */
	if (!children_field(&b, "role", role, sizeof(role) - 1) ||
	    strcmp(role, "child") != 0 ||
	    !children_field(&b, "name", name, sizeof(name) - 1)) {
		body_free(&b);
		return 0;
	}
	body_free(&b);
	if (w->want_id != NULL) {
		if (strcmp(rec->record_id, w->want_id) != 0)
			return 0;
		(void)str_fmt(w->name, w->namelen, "%s", name);
		w->matches = 1;
		return 1;		/* found: stop */
	}
	match = fold_equal(name, w->what) || (strlen(w->what) >= 4 &&
	    strncmp(rec->record_id, w->what, strlen(w->what)) == 0);
	if (match && strcmp(w->found, rec->record_id) != 0) {
		w->matches++;
		(void)str_fmt(w->found, sizeof(w->found), "%s", rec->record_id);
	}
	return 0;
}

static int
children_walk(sqlite3 *db, const char *case_id, struct children_walk *w)
{
	static const char *const kinds[] = { "person" };
	int	r;

	r = db_record_list_kinds(db, case_id, kinds, 1, children_walk_cb, w);
	return r == 1 ? 0 : r;
}

int
children_name(sqlite3 *db, const char *case_id, const char *child_id,
    char *out, size_t outlen)
{
	struct children_walk	w;
	int			r;

	if (outlen > 0)
		out[0] = '\0';
	memset(&w, 0, sizeof(w));
	w.want_id = child_id;
	w.name = out;
	w.namelen = outlen;
	if ((r = children_walk(db, case_id, &w)) != 0)
		return r;
	return w.matches == 1 ? 0 : CS_ERR_NOT_FOUND;
}

int
children_resolve(sqlite3 *db, const char *case_id, const char *what,
    char *out)
{
	struct children_walk	w;
	int			r;

	out[0] = '\0';
	memset(&w, 0, sizeof(w));
	w.what = what;
	if ((r = children_walk(db, case_id, &w)) != 0)
		return r;
	if (w.matches == 0)
		return CS_ERR_NOT_FOUND;
	if (w.matches > 1)
		return CS_ERR_AMBIGUOUS;
	(void)str_fmt(out, CHILD_ID_LEN + 1, "%s", w.found);
	return 0;
}
