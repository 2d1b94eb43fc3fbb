/* SPDX-License-Identifier: ISC */
/*
 * test_caseload.c - the deadlines per child of the caseload (caseload.c)
 * on a real vault: each child's measures from the server's list (the
 * case's metadata), with the child's name, a lapsed VOTS flagged, the
 * family's measure deadlines replaced by the children's; the latest
 * safety assessment per child and for the family; open goals naming a
 * child; a child the laptop holds no person record of; and the child
 * a worker types (caseload_child_find: full id, short id, whole name,
 * first name, accents and case folded, ambiguous, unknown).
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test.h"
#include "test_db.h"
#include "test_ui_pages.h"

#include "caseload.h"
#include "measure.h"
#include "measure_view.h"
#include "readlog.h"

static sqlite3	*db;
static char	 c1[DB_UUID_LEN + 1];
static char	 noor[DB_UUID_LEN + 1], sem[DB_UUID_LEN + 1];
static char	 sanne[DB_UUID_LEN + 1];
static const char *stranger = "0193a0b0-0000-7000-8000-0000000000ff";

/* The deadline of "row" called "name" for child "child" ("" family). */
static const struct caseload_deadline *
find_dl(const struct caseload_row *row, const char *name, const char *child)
{
	size_t	i;

	for (i = 0; i < row->ndeadlines; i++)
		if (strcmp(caseload_deadline_name(&row->deadlines[i]),
		    name) == 0 && strcmp(row->deadlines[i].child_id,
		    child) == 0)
			return &row->deadlines[i];
	return NULL;
}

static size_t
count_dl(const struct caseload_row *row, const char *name)
{
	size_t	i, n = 0;

	for (i = 0; i < row->ndeadlines; i++)
		n += strcmp(caseload_deadline_name(&row->deadlines[i]),
		    name) == 0;
	return n;
}

static void
fill(void)
{
	char	d[LC_DATE_LEN + 1], d2[LC_DATE_LEN + 1];
	int64_t	today = localday_today();

	ASSERT_INT_EQ(tui_case(db, c1, LC_FRAME_DRANG, LC_RAAD_MELDING, 200,
	    "Sanne de Vries"), 0);
	ASSERT_INT_EQ(tui_put(db, c1, "casefile", NULL, "title",
	    "Familie Bakker", NULL), 0);
	ASSERT_INT_EQ(tui_put(db, c1, "person", noor, "name", "Noor Bakker",
	    "role", "child", "birth_date", "2012-06-30", NULL), 0);
	ASSERT_INT_EQ(tui_put(db, c1, "person", sem, "name",
	    "S\xc3\xa9m Bakker", "role", "child", NULL), 0);
	ASSERT_INT_EQ(tui_put(db, c1, "person", sanne, "name",
	    "Sanne Bakker", "role", "child", NULL), 0);
	ASSERT_INT_EQ(tui_put(db, c1, "person", NULL, "name", "Ayla Bakker",
	    "role", "parent", NULL), 0);
	ASSERT_INT_EQ(tui_put(db, c1, "person", NULL, "name", "Sanne de Wit",
	    "role", "child", NULL), 0);
	/* assessments: two of Sem's (the later counts), the family's */
	lc_date_format(today + 20, d, sizeof(d));
	ASSERT_INT_EQ(tui_put(db, c1, "assessment", NULL, "instrument",
	    "ARIJ", "outcome", "x", "date", "2026-01-05", "next_due", d,
	    "child", sem, NULL), 0);
	lc_date_format(today + 5, d2, sizeof(d2));
	ASSERT_INT_EQ(tui_put(db, c1, "assessment", NULL, "instrument",
	    "LIRIK", "outcome", "x", "date", "2026-01-01", "next_due", d2,
	    "child", sem, NULL), 0);
	lc_date_format(today + 30, d, sizeof(d));
	ASSERT_INT_EQ(tui_put(db, c1, "assessment", NULL, "instrument",
	    "Delta", "outcome", "x", "date", "2026-01-02", "next_due", d,
	    NULL), 0);
	/* a goal of Noor's, open; one achieved; one of the family */
	lc_date_format(today + 45, d, sizeof(d));
	ASSERT_INT_EQ(tui_put(db, c1, "goal", NULL, "text", "Naar school",
	    "status", "open", "due", d, "child", noor, NULL), 0);
	ASSERT_INT_EQ(tui_put(db, c1, "goal", NULL, "text", "Klaar",
	    "status", "achieved", "due", d, "child", noor, NULL), 0);
	ASSERT_INT_EQ(tui_put(db, c1, "goal", NULL, "text", "Samen eten",
	    "due", d, NULL), 0);
}

static void
test_laptop_deadlines(void)
{
	const struct caseload_deadline	*d;
	const struct caseload_row	*row;
	struct caseload			*cl = NULL;
	int64_t				 today = localday_today();

	TEST_START("caseload: assessments and goals per child, named");
	ASSERT_INT_EQ(caseload_load_case(db, today, c1, &cl), 0);
	ASSERT_INT_EQ(cl->n, 1);
	row = &cl->rows[0];
	ASSERT_INT_EQ(row->nchildren, 4);
	/* Sem's latest (by date) assessment, and the family's */
	ASSERT_INT_EQ(count_dl(row, "assessment"), 2);
	ASSERT_PTR_NE(d = find_dl(row, "assessment", sem), NULL);
	ASSERT_INT_EQ(d->days_left, 20);
	ASSERT_STR_EQ(d->label, "ARIJ");
	ASSERT_INT_EQ(d->child_known, 1);
	ASSERT_STR_EQ(d->child_name, "S\xc3\xa9m Bakker");
	ASSERT_PTR_NE(d = find_dl(row, "assessment", ""), NULL);
	ASSERT_INT_EQ(d->days_left, 30);
	ASSERT_STR_EQ(d->child_name, "");
	/* open goals only; Noor's named */
	ASSERT_INT_EQ(count_dl(row, "goal"), 2);
	ASSERT_PTR_NE(d = find_dl(row, "goal", noor), NULL);
	ASSERT_STR_EQ(d->child_name, "Noor Bakker");
	ASSERT_STR_EQ(d->label, "Naar school");
	ASSERT_PTR_NE(find_dl(row, "goal", ""), NULL);
	/* the children carry their birth dates */
	ASSERT_INT_EQ(row->children[0].birth_date != LC_NODATE ||
	    row->children[1].birth_date != LC_NODATE ||
	    row->children[2].birth_date != LC_NODATE ||
	    row->children[3].birth_date != LC_NODATE, 1);
	caseload_free(cl);
	TEST_DONE();
}

static void
test_child_find(void)
{
	const struct caseload_child	*c;
	const struct caseload_row	*row;
	struct caseload			*cl = NULL;
	char				 tail[8];

	TEST_START("caseload_child_find: id, short id, name, first name");
	ASSERT_INT_EQ(caseload_load_case(db, localday_today(), c1, &cl), 0);
	row = &cl->rows[0];
	ASSERT_INT_EQ(caseload_child_find(row, noor, &c), 0);
	ASSERT_STR_EQ(c->record_id, noor);
	memcpy(tail, noor + DB_UUID_LEN - 6, 7);
	ASSERT_INT_EQ(caseload_child_find(row, tail, &c), 0);
	ASSERT_STR_EQ(c->record_id, noor);
	ASSERT_INT_EQ(caseload_child_find(row, "noor bakker", &c), 0);
	ASSERT_STR_EQ(c->record_id, noor);
	ASSERT_INT_EQ(caseload_child_find(row, "NOOR", &c), 0);
	ASSERT_STR_EQ(c->record_id, noor);
	/* accents folded: "Sem" finds "Sém" */
	ASSERT_INT_EQ(caseload_child_find(row, "sem", &c), 0);
	ASSERT_STR_EQ(c->record_id, sem);
	/* the parent is no child; nor is a stranger's id or the case's */
	ASSERT_INT_EQ(caseload_child_find(row, "Ayla", &c),
	    CS_ERR_NOT_FOUND);
	ASSERT_PTR_EQ(c, NULL);
	ASSERT_INT_EQ(caseload_child_find(row, stranger, &c),
	    CS_ERR_NOT_FOUND);
	ASSERT_INT_EQ(caseload_child_find(row, c1, &c), CS_ERR_NOT_FOUND);
	ASSERT_INT_EQ(caseload_child_find(row, "", &c), CS_ERR_NOT_FOUND);
	/* two children called Sanne: which one? */
	ASSERT_INT_EQ(caseload_child_find(row, "sanne", &c),
	    CS_ERR_AMBIGUOUS);
	ASSERT_PTR_EQ(c, NULL);
	ASSERT_INT_EQ(caseload_child_find(row, "Sanne Bakker", &c), 0);
	ASSERT_STR_EQ(c->record_id, sanne);
	/* a family name is no first name */
	ASSERT_INT_EQ(caseload_child_find(row, "bakker", &c),
	    CS_ERR_NOT_FOUND);
	ASSERT_INT_EQ(caseload_child_find(row, "S", &c), CS_ERR_NOT_FOUND);
	caseload_free(cl);
	TEST_DONE();
}

int
main(void)
{
	struct vault	*v;
	char		 top[PATH_MAX];

	ASSERT_INT_EQ(setenv("TZ", "Europe/Amsterdam", 1), 0);
	tdb_start("test_caseload", top);
	v = tdb_vault(top, "v", 1);
	db = vault_db(v);
	ASSERT_INT_EQ(db_init(db), 0);
	ASSERT_INT_EQ(readlog_init(db), 0);
	fill();
	test_laptop_deadlines();
	test_child_find();
	vault_close(v);
	tdb_remove(top, "v");
	(void)rmdir(top);
	return 0;
}
