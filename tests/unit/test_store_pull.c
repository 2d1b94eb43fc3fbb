/* SPDX-License-Identifier: ISC */
/*
 * test_store_pull.c - the pull's changes stream, a merge of the user's
 * cases by version (store_sync.c), against the rule it implements,
 * written here as one plain query over the whole database: in cursor
 * order, the changes above the cursor and her grant in her cases, not
 * authored by the pulling device, and the backfill of later grants.
 * Interleaved changes in several cases, updates and tombstones, a case
 * she is not in, a grant midway, pages of every size from every
 * cursor, and changes pushed between pages (nothing skipped, nothing
 * repeated); store_has_changes sees only her cases.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "errors.h"
#include "store.h"
#include "test.h"
#include "test_store_db.h"
#include "test_store_fix.h"

#define NOW	((int64_t)1700000000)
#define MAXN	1024
#define NREC	160

static char		tmpdir[64], dbpath[PATH_MAX];
static struct store	*st;
static struct sdb	*ref_db;
static struct store_user anna, bert, femke;
static const char *const CASES[4] = {
	"a1111111-1111-4111-8111-111111111111",
	"b2222222-2222-4222-8222-222222222222",
	"c3333333-3333-4333-8333-333333333333",
	"d4444444-4444-4444-8444-444444444444",	/* bert's alone */
};
static char	rids[NREC][STORE_UUID_LEN + 1];
static int64_t	vers[NREC];
static unsigned	nchange;

struct item {
	char	rid[STORE_UUID_LEN + 1];
	int64_t	eff, tie, version;
};

struct list {
	struct item	v[MAXN];
	size_t		n, stop_after;
};

static int
list_cb(const struct store_record *r, int64_t eff, int64_t tie, void *arg)
{
	struct list	*l = arg;

	if (l->stop_after > 0 && l->n == l->stop_after)
		return 1;
	ASSERT_TRUE(l->n < MAXN);
	memcpy(l->v[l->n].rid, r->record_id, sizeof(l->v[0].rid));
	l->v[l->n].eff = eff;
	l->v[l->n].tie = tie;
	l->v[l->n].version = r->version;
	l->n++;
	return 0;
}

/* The rule, as one query: what "u" on "dev" gets after (since, tie). */
static void
ref_pull(const struct store_user *u, int64_t dev, int64_t since, int64_t tie,
    struct list *l)
{
	struct sdb_stmt	*s = NULL;
	int		 rc;

	memset(l, 0, sizeof(*l));
	ASSERT_INT_EQ(sdb_prepare(ref_db, "SELECT rid_, eff, tie, v"
	    " FROM (SELECT r.record_id AS rid_, r.version AS eff, 0 AS tie,"
	    " r.version AS v FROM records r JOIN case_members m"
	    " ON m.case_id = r.case_id AND m.user_id = ?1"
	    " WHERE r.version > ?2 AND r.version > m.granted_seq"
	    " AND r.author_device != ?3"
	    " UNION ALL SELECT r.record_id, m.granted_seq, r.rid, r.version"
	    " FROM records r JOIN case_members m ON m.case_id = r.case_id"
	    " AND m.user_id = ?1 WHERE r.version < m.granted_seq"
	    " AND r.deleted = 0 AND (m.granted_seq > ?2 OR"
	    " (m.granted_seq = ?2 AND r.rid > ?4))) AS u"
	    " ORDER BY eff, tie", &s) == 0 ? 0 : (fprintf(stderr, "%s\n",
	    sdb_errmsg(ref_db)), -1), 0);
	sdb_bind_int64(s, 1, u->id);
	sdb_bind_int64(s, 2, since);
	sdb_bind_int64(s, 3, dev);
	sdb_bind_int64(s, 4, tie);
	while ((rc = sdb_step(s)) == SDB_ROW) {
		ASSERT_TRUE(l->n < MAXN);
		snprintf(l->v[l->n].rid, sizeof(l->v[0].rid), "%s",
		    (const char *)sdb_column_text(s, 0));
		l->v[l->n].eff = sdb_column_int64(s, 1);
		l->v[l->n].tie = sdb_column_int64(s, 2);
		l->v[l->n].version = sdb_column_int64(s, 3);
		l->n++;
	}
	ASSERT_INT_EQ(rc, SDB_DONE);
	sdb_finalize(s);
}

/* One page of at most "max" after (since, tie), appended to "l". */
static int
page(const struct store_user *u, int64_t dev, int64_t *since, int64_t *tie,
    size_t max, struct list *l)
{
	size_t	n0 = l->n;
	int	more;

	ASSERT_INT_EQ(store_pull(st, u->id, dev, *since, *tie, max, list_cb,
	    l, &more), 0);
	ASSERT_TRUE(l->n - n0 <= max);
	if (l->n > n0) {
		*since = l->v[l->n - 1].eff;
		*tie = l->v[l->n - 1].tie;
	} else
		ASSERT_INT_EQ(more, 0);
	return more;
}

/* Everything after (since, tie) in pages of "max". */
static void
pull_pages(const struct store_user *u, int64_t dev, int64_t since,
    int64_t tie, size_t max, struct list *l)
{
	memset(l, 0, sizeof(*l));
	while (page(u, dev, &since, &tie, max, l))
		;
}

static void
same(const struct list *a, const struct list *b)
{
	size_t	i;

	ASSERT_INT_EQ(a->n, b->n);
	for (i = 0; i < a->n; i++) {
		ASSERT_STR_EQ(a->v[i].rid, b->v[i].rid);
		ASSERT_INT_EQ(a->v[i].eff, b->v[i].eff);
		ASSERT_INT_EQ(a->v[i].tie, b->v[i].tie);
		ASSERT_INT_EQ(a->v[i].version, b->v[i].version);
	}
}

/* Change "i" of the script: a new record, an update or a tombstone. */
static void
push_one(unsigned i, int64_t user_id, int64_t dev, const char *kase,
    int deleted)
{
	struct store_change		c;
	struct store_change_result	res;
	char				cid[STORE_UUID_LEN + 1];
	int64_t				last;

	snprintf(cid, sizeof(cid), "%08x-0000-4000-8000-00000000cccc",
	    nchange++);
	memset(&c, 0, sizeof(c));
	c.change_id = cid;
	memcpy(c.rec.record_id, rids[i], sizeof(rids[i]));
	memcpy(c.rec.case_id, kase, STORE_UUID_LEN + 1);
	snprintf(c.rec.kind, sizeof(c.rec.kind), "note");
	c.rec.body = (const uint8_t *)"sealed body";
	c.rec.body_len = 11;
	c.rec.key_epoch = 1;
	c.rec.deleted = deleted;
	c.base_version = vers[i];
	ASSERT_INT_EQ(store_push(st, user_id, dev, &c, 1, &res, &last), 0);
	ASSERT_INT_EQ(res.status, STORE_CHANGE_APPLIED);
	vers[i] = res.version;
}

static const char *
case_of(unsigned i)
{
	return CASES[(i * 7 + i / 5) % 4];
}

static void
setup(void)
{
	int64_t		id, seq;
	unsigned	i;

	st = TEST_STORE_OPEN("test_store_pull", tmpdir, dbpath);
	ref_db = test_sdb(dbpath);
	ASSERT_INT_EQ(store_office_add(st, "Zwolle", NULL, &id), 0);
	test_store_user(st, "anna", "jeugdbeschermer", "Zwolle", &anna);
	test_store_user(st, "bert", "jeugdbeschermer", "Zwolle", &bert);
	ASSERT_INT_EQ(store_user_add(st, "femke", "teamleider", "Zwolle",
	    &id), 0);
	ASSERT_INT_EQ(store_user_get(st, "femke", &femke), 0);
	for (i = 0; i < 3; i++)
		ASSERT_INT_EQ(store_case_create(st, &anna, CASES[i], "DRANG",
		    NOW, &seq), 0);
	ASSERT_INT_EQ(store_case_create(st, &bert, CASES[3], "DRANG", NOW,
	    &seq), 0);
	for (i = 0; i < NREC; i++)
		snprintf(rids[i], sizeof(rids[i]),
		    "%08x-0000-4000-8000-0000000000aa", i);
}

/* Interleaved changes in the four cases; bert joins case 2 midway. */
static void
script(void)
{
	int64_t		seq;
	unsigned	i;

	for (i = 0; i < NREC; i++) {
		if (i == NREC / 2)
			ASSERT_INT_EQ(store_case_member(st, &femke, CASES[1],
			    "bert", 0, 0, &seq), 0);
		if (case_of(i) == CASES[3])
			push_one(i, bert.id, 9, CASES[3], 0);
		else
			push_one(i, anna.id, 7 + i % 2, case_of(i), 0);
		/* now and then an earlier record again: update, tombstone */
		if (i % 9 == 8 && case_of(i - 5) != CASES[3])
			push_one(i - 5, anna.id, 8, case_of(i - 5),
			    i % 27 == 26);
		if (i % 11 == 10 && case_of(i - 3) == CASES[3])
			push_one(i - 3, bert.id, 9, CASES[3], 0);
	}
}

static void
test_pull_matches_rule(void)
{
	static const size_t		 sizes[] = { 1, 2, 3, 7, 64, MAXN };
	static const struct store_user	*users[] = { &anna, &bert, &femke };
	static const int64_t		 devs[] = { 0, 7, 8, 9 };
	static struct list		 want, got;
	const struct store_user		*u;
	int64_t				 last;
	size_t				 ui, di, si, k;

	TEST_START("pull: the merge of her cases by version is the rule, "
	    "in pages of every size from every cursor");
	ASSERT_INT_EQ(store_seq(st, &last), 0);
	for (ui = 0; ui < 3; ui++)
		for (di = 0; di < 4; di++) {
			u = users[ui];
			ref_pull(u, devs[di], 0, 0, &want);
			if (u == &anna && devs[di] == 0)
				ASSERT_TRUE(want.n > NREC / 2);
			if (u == &femke)
				ASSERT_INT_EQ(want.n, 0);
			for (si = 0; si < sizeof(sizes) / sizeof(sizes[0]);
			    si++) {
				pull_pages(u, devs[di], 0, 0, sizes[si], &got);
				same(&got, &want);
			}
		}
	/* from every cursor a pull can leave, and from a bare seq */
	for (ui = 0; ui < 2; ui++) {
		u = users[ui];
		ref_pull(u, 0, 0, 0, &got);
		for (k = 0; k < got.n; k++) {
			ref_pull(u, 0, got.v[k].eff, got.v[k].tie, &want);
			{
				static struct list l;

				pull_pages(u, 0, got.v[k].eff, got.v[k].tie,
				    5, &l);
				same(&l, &want);
			}
		}
		for (k = 0; k <= (size_t)last; k += 13) {
			ref_pull(u, 8, (int64_t)k, 0, &want);
			pull_pages(u, 8, (int64_t)k, 0, 4, &got);
			same(&got, &want);
		}
	}
	TEST_DONE();
}

static void
test_pull_racing_pushes(void)
{
	static struct list	got, now;
	int64_t			since = 0, tie = 0, v;
	size_t			i, k;
	unsigned		j = 0;
	int			more;

	TEST_START("pull: changes pushed between pages are neither skipped "
	    "nor repeated");
	memset(&got, 0, sizeof(got));
	do {
		more = page(&anna, 0, &since, &tie, 3, &got);
		/* an update of something delivered, and of something not */
		if (j < 40 && case_of(j) != CASES[3])
			push_one(j, anna.id, 7, case_of(j), 0);
		if (j < 40 && case_of(NREC - 1 - j) != CASES[3])
			push_one(NREC - 1 - j, anna.id, 8,
			    case_of(NREC - 1 - j), 0);
		j++;
	} while (more || j < 40);
	/* strictly in cursor order: nothing repeated */
	for (i = 1; i < got.n; i++)
		ASSERT_TRUE(got.v[i - 1].eff < got.v[i].eff ||
		    (got.v[i - 1].eff == got.v[i].eff &&
		    got.v[i - 1].tie < got.v[i].tie));
	/* nothing skipped: every record she sees now, last as it is now */
	ref_pull(&anna, 0, 0, 0, &now);
	for (i = 0; i < now.n; i++) {
		v = -1;
		for (k = 0; k < got.n; k++)
			if (strcmp(got.v[k].rid, now.v[i].rid) == 0)
				v = got.v[k].version;
		ASSERT_INT_EQ(v, now.v[i].version);
	}
	TEST_DONE();
}

static void
test_has_changes(void)
{
	int64_t	last;
	int	yes;

	TEST_START("has_changes: her cases only, whatever else is new");
	ASSERT_INT_EQ(store_seq(st, &last), 0);
	ASSERT_INT_EQ(store_has_changes(st, anna.id, last, &yes), 0);
	ASSERT_INT_EQ(yes, 0);
	/* a change in bert's own case: new for him, not for anna */
	ASSERT_TRUE(case_of(1) == CASES[3]);
	push_one(1, bert.id, 9, CASES[3], 0);
	ASSERT_INT_EQ(store_has_changes(st, anna.id, last, &yes), 0);
	ASSERT_INT_EQ(yes, 0);
	ASSERT_INT_EQ(store_has_changes(st, bert.id, last, &yes), 0);
	ASSERT_INT_EQ(yes, 1);
	push_one(0, anna.id, 7, case_of(0), 0);
	ASSERT_INT_EQ(store_has_changes(st, anna.id, last, &yes), 0);
	ASSERT_INT_EQ(yes, 1);
	ASSERT_INT_EQ(store_has_changes(st, femke.id, last, &yes), 0);
	ASSERT_INT_EQ(yes, 0);
	TEST_DONE();
}

int
main(void)
{
	char	cmd[PATH_MAX + 16];

	if (sodium_init() < 0)
		return 1;
	setup();
	script();
	test_pull_matches_rule();
	test_pull_racing_pushes();
	test_has_changes();
	sdb_close(ref_db);
	store_close(st);
	snprintf(cmd, sizeof(cmd), "%s/server.db", tmpdir);
	unlink(cmd);
	snprintf(cmd, sizeof(cmd), "%s/server.db-wal", tmpdir);
	unlink(cmd);
	snprintf(cmd, sizeof(cmd), "%s/server.db-shm", tmpdir);
	unlink(cmd);
	rmdir(tmpdir);
	return 0;
}
