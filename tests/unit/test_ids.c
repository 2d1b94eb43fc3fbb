/* SPDX-License-Identifier: ISC */
/*
 * test_ids.c - short ids, input resolution and the caseload
 * (client/core/ids.c, caseload.c) on a real vault, and the folding
 * they search with (common/fold.c):
 *   - folding: case and accents of Latin-1 and Latin Extended-A do not
 *     matter ("öztürk", "OZTURK" find "Öztürk"), never longer than the
 *     input, hostile bytes copied, truncation at a character boundary;
 *   - short ids: 6 hex digits of the tail, longer exactly where two
 *     ids share a tail, the full id when the whole last group is
 *     shared; ids made within one millisecond (equal prefixes) differ;
 *   - resolution: a tail, a full UUID (known or not), a title (whole
 *     before part, folded); an ambiguous input gives the candidates with
 *     short ids and labels; unknown and malformed inputs are refused;
 *     a title lookup is in the read log, a tail lookup is not;
 *   - the caseload: title, regisseur, children, every deadline (the
 *     lifecycle's, open goals', the latest assessment's next_due),
 *     overdue and due-soon, rows by their next deadline, its search,
 *     and one read-log entry per load.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "body.h"
#include "case_meta.h"
#include "caseload.h"
#include "db.h"
#include "errors.h"
#include "fold.h"
#include "ids.h"
#include "keys.h"
#include "lifecycle.h"
#include "test.h"
#include "test_db.h"

/* Three cases; ids as version 7 makes them within one minute. */
#define CASE_A	"0193a1b2-c3d4-7e5f-8a6b-0c1d2e3f4a50"
#define CASE_B	"0193a1b2-c3d4-7e5f-8a6b-9988776655aa"
#define CASE_C	"0193a1b2-c3d5-7000-8000-00000000c0c0"
/* records: two share the tail "111111", two their whole last group */
#define REC_1	"0193a1b2-c3d6-7000-8000-aaaaaa111111"
#define REC_2	"0193a1b2-c3d6-7001-8000-bbbbbb111111"
#define REC_3	"0193a1b2-c3d6-7002-8000-cafe00000003"
#define REC_4	"0193a1b2-c3d6-7003-8000-123456789abc"
#define REC_5	"0193a1b2-c3d6-7004-9000-123456789abc"
#define REC_6	"0193a1b2-c3d6-700a-8000-cccccc111111"

static char		 top[PATH_MAX];
static struct vault	*vault;
static sqlite3		*db;
static int64_t		 today;

/* A record of "kind" in "case_id" with fields "n1" = "v1" .. (NULL ends). */
static void
put(const char *id, const char *case_id, const char *kind, ...)
{
	struct db_record	 r;
	struct body		 b;
	const char		*n, *v;
	va_list			 ap;

	memset(&r, 0, sizeof(r));
	memcpy(r.record_id, id, DB_UUID_LEN + 1);
	memcpy(r.case_id, case_id, DB_UUID_LEN + 1);
	snprintf(r.kind, sizeof(r.kind), "%s", kind);
	r.key_epoch = 1;
	body_init(&b);
	va_start(ap, kind);
	while ((n = va_arg(ap, const char *)) != NULL) {
		v = va_arg(ap, const char *);
		ASSERT_INT_EQ(body_set(&b, n, (const uint8_t *)v, strlen(v)),
		    0);
	}
	va_end(ap);
	ASSERT_INT_EQ(body_encode(&b, &r.body, &r.body_len), 0);
	body_free(&b);
	ASSERT_INT_EQ(db_local_write(db, &r), 0);
	body_buf_free(r.body, r.body_len);
}

static void
day(int64_t d, char out[LC_DATE_LEN + 1])
{
	lc_date_format(d, out, LC_DATE_LEN + 1);
}

static int64_t
reads(void)
{
	return tdb_int(db, "SELECT count(*) FROM read_log");
}

static void
test_fold(void)
{
	char	out[64];

	TEST_START("fold: case and accents of Latin-1 and Extended-A");
	ASSERT_TRUE(fold_contains("Familie Öztürk", "öztürk"));
	ASSERT_TRUE(fold_contains("Familie Öztürk", "OZTURK"));
	ASSERT_TRUE(fold_contains("Familie Öztürk", "ÖZTÜRK"));
	ASSERT_TRUE(fold_contains("Familie Öztürk", "ztü"));
	ASSERT_TRUE(fold_contains("Straße 1", "STRASSE"));
	ASSERT_TRUE(fold_contains("Łukasz Wąsik", "lukasz wasik"));
	ASSERT_TRUE(fold_equal("Ĳsselmeer", "ijsselmeer"));
	ASSERT_TRUE(fold_equal("Çelik", "celik"));
	ASSERT_TRUE(!fold_equal("Çelik", "celi"));
	ASSERT_TRUE(!fold_contains("Öztürk", "oztrk"));
	ASSERT_TRUE(!fold_contains("abc", "abcd"));
	ASSERT_TRUE(fold_contains("abc", ""));
	/* lengths, not NULs: a record value */
	ASSERT_TRUE(fold_contains_n("xÖzTÜRKy", 6, "oz", 2));
	ASSERT_TRUE(!fold_contains_n("xÖzTÜRKy", 2, "oz", 2));
	ASSERT_TRUE(fold_contains_n("a\0Öb", 5, "ob", 2));
	ASSERT_TRUE(!fold_contains("", "a"));
	/* other scripts and signs are kept; × is not a letter */
	ASSERT_TRUE(fold_contains("Ελένη", "Ελένη"));
	ASSERT_INT_EQ(fold_text("2×3", strlen("2×3"), out, sizeof(out)),
	    strlen("2×3"));
	ASSERT_STR_EQ(out, "2×3");
	/* not UTF-8: copied, no read past the end */
	ASSERT_INT_EQ(fold_text("a\xc3", 2, out, sizeof(out)), 2);
	ASSERT_STR_EQ(out, "a\xc3");
	ASSERT_TRUE(fold_contains("x\xff\xc3Ö", "\xc3o"));
	/* never longer; truncation at a character boundary */
	ASSERT_INT_EQ(fold_text("ÖßÆ", strlen("ÖßÆ"), out, sizeof(out)), 5);
	ASSERT_STR_EQ(out, "ossae");
	ASSERT_INT_EQ(fold_text("ÖßÆ", strlen("ÖßÆ"), out, 3), 1);
	ASSERT_STR_EQ(out, "o");
	ASSERT_INT_EQ(fold_text("é€", strlen("é€"), out, 4), 1);
	ASSERT_STR_EQ(out, "e");
	ASSERT_INT_EQ(fold_text("abc", 3, out, 1), 0);
	ASSERT_STR_EQ(out, "");
	TEST_DONE();
}

static void
setup(void)
{
	struct case_meta	m;
	char			d[3][LC_DATE_LEN + 1];

	tdb_start("test_ids", top);
	vault = tdb_vault(top, "v", 1);
	db = vault_db(vault);
	ASSERT_INT_EQ(db_init(db), 0);
	ASSERT_INT_EQ(keys_init(db), 0);
	today = lc_date_from_time(time_now());
	day(today + 10, d[0]);
	day(today - 3, d[1]);
	day(today + 30, d[2]);

	/* A: drang since 50 days: the toetsing (6 weeks) is overdue */
	memset(&m, 0, sizeof(m));
	memcpy(m.case_id, CASE_A, sizeof(m.case_id));
	lc_case_init(&m.lc, LC_FRAME_DRANG, today - 60);
	m.lc.state = LC_DRANG_INTENSIEF;
	m.lc.state_since = m.lc.drang_start = today - 50;
	snprintf(m.regisseur, sizeof(m.regisseur), "Saskia de Boer");
	ASSERT_INT_EQ(case_meta_put(db, &m), 0);
	put(CASE_A, CASE_A, "casefile", "title", "Familie Öztürk", NULL);
	put(REC_1, CASE_A, "person", "name", "Elif Öztürk", "role", "child",
	    NULL);
	put(REC_2, CASE_A, "person", "name", "Ayşe Öztürk", "role", "parent",
	    NULL);
	/* deleted: its id stays taken, but it is not found */
	put(REC_6, CASE_A, "person", "name", "Weg", "role", "parent", NULL);
	tdb_exec(db, "UPDATE records SET deleted = 1 WHERE record_id = '"
	    REC_6 "'");

	/* B: no metadata here; an open goal in 10 days, one achieved */
	put(REC_3, CASE_B, "casefile", "title", "Familie Jansen", NULL);
	put(REC_4, CASE_B, "goal", "text", "School every day", "due", d[0],
	    NULL);
	put("0193a1b2-c3d6-7005-8000-0000000000b1", CASE_B, "goal", "text",
	    "Old goal", "due", d[1], "status", "achieved", NULL);
	put("0193a1b2-c3d6-7006-8000-0000000000b2", CASE_B, "person", "name",
	    "Noah Jansen", "role", "child", NULL);
	put("0193a1b2-c3d6-7007-8000-0000000000b3", CASE_B, "person", "name",
	    "Emma Jansen", "role", "child", NULL);

	/* C: two assessments: only the latest one's next_due counts */
	put(REC_5, CASE_C, "casefile", "title", "Jansen-de Vries", NULL);
	day(today - 100, d[0]);
	put("0193a1b2-c3d6-7008-8000-0000000000c1", CASE_C, "assessment",
	    "instrument", "LIRIK", "outcome", "ok", "date", d[0], "next_due",
	    d[1], NULL);
	day(today - 5, d[0]);
	put("0193a1b2-c3d6-7009-8000-0000000000c2", CASE_C, "assessment",
	    "instrument", "ARIJ", "outcome", "ok", "date", d[0], "next_due",
	    d[2], NULL);
	/* a case of which this laptop holds only metadata */
	memset(&m, 0, sizeof(m));
	snprintf(m.case_id, sizeof(m.case_id),
	    "0193a1b2-c3d7-7000-8000-0000000d0d0d");
	lc_case_init(&m.lc, LC_FRAME_OTS, today);
	m.lc.state = LC_GESLOTEN;
	ASSERT_INT_EQ(case_meta_put(db, &m), 0);
}

static void
test_short(void)
{
	struct ids	*x = NULL;
	char		 s[IDS_SHORT_SIZE];

	TEST_START("ids: the shortest unique tail, 6 at least");
	ASSERT_INT_EQ(ids_load(db, &x), 0);
	/* equal prefixes (one minute), different tails */
	ids_short(x, CASE_A, s);
	ASSERT_STR_EQ(s, "3f4a50");
	ids_short(x, CASE_B, s);
	ASSERT_STR_EQ(s, "6655aa");
	/* the case file that carries its case's id: one id */
	ids_short(x, REC_3, s);
	ASSERT_STR_EQ(s, "000003");
	/* sharing "111111": one digit more each */
	ids_short(x, REC_1, s);
	ASSERT_STR_EQ(s, "a111111");
	ids_short(x, REC_2, s);
	ASSERT_STR_EQ(s, "b111111");
	ids_short(x, REC_6, s);
	ASSERT_STR_EQ(s, "c111111");
	/* the whole last group shared: the full id */
	ids_short(x, REC_4, s);
	ASSERT_STR_EQ(s, REC_4);
	ids_short(x, REC_5, s);
	ASSERT_STR_EQ(s, REC_5);
	/* not held: the last group; not an id: "" */
	ids_short(x, "0193a1b2-c3d4-7e5f-8a6b-000000000001", s);
	ASSERT_STR_EQ(s, "000000000001");
	ids_short(x, "nope", s);
	ASSERT_STR_EQ(s, "");
	ids_free(x);
	ids_short(NULL, CASE_A, s);
	ASSERT_STR_EQ(s, "0c1d2e3f4a50");
	TEST_DONE();
}

/* A server's list: ids not held join the snapshot; titles are logged. */
static void
test_short_with(void)
{
	static const char *const	 extra[] = {
		"0193a1b2-c3d9-7000-8000-0000003f4a50",	/* CASE_A's tail */
		"0193a1b2-c3d9-7001-8000-000001777777",	/* these two */
		"0193a1b2-c3d9-7002-8000-000002777777",	/* share 6 */
		"0193a1b2-c3d9-7001-8000-000001777777",	/* twice: one id */
		CASE_B,					/* held */
		"not an id",
		NULL,
	};
	struct ids	*x = NULL;
	char		 s[IDS_SHORT_SIZE], t[IDS_LABEL_MAX + 1];
	int64_t		 n;

	TEST_START("ids_load_with: unique over this laptop and a list");
	ASSERT_INT_EQ(ids_load_with(db, extra, 7, &x), 0);
	ids_short(x, CASE_A, s);
	ASSERT_STR_EQ(s, "e3f4a50");
	ids_short(x, extra[0], s);
	ASSERT_STR_EQ(s, "03f4a50");
	ids_short(x, extra[1], s);
	ASSERT_STR_EQ(s, "1777777");
	ids_short(x, extra[2], s);
	ASSERT_STR_EQ(s, "2777777");
	ids_short(x, CASE_B, s);
	ASSERT_STR_EQ(s, "6655aa");
	ids_short(x, REC_1, s);			/* the laptop's unchanged */
	ASSERT_STR_EQ(s, "a111111");
	/* titles: held cases only, each logged once before it is read */
	n = reads();
	ASSERT_INT_EQ(ids_case_title(db, x, extra[0], t, sizeof(t)), 0);
	ASSERT_STR_EQ(t, "");
	ASSERT_INT_EQ(reads(), n);
	ASSERT_INT_EQ(ids_case_title(db, x, CASE_A, t, sizeof(t)), 0);
	ASSERT_STR_EQ(t, "Familie Öztürk");
	ASSERT_INT_EQ(reads(), n + 1);
	ASSERT_INT_EQ(ids_case_title(db, x, CASE_A, t, sizeof(t)), 0);
	ASSERT_INT_EQ(reads(), n + 1);
	ASSERT_INT_EQ(ids_case_title(db, x, CASE_B, t, sizeof(t)), 0);
	ASSERT_STR_EQ(t, "Familie Jansen");
	ASSERT_INT_EQ(reads(), n + 2);
	ids_free(x);
	ASSERT_INT_EQ(ids_load_with(db, NULL, 0, &x), 0);
	ids_short(x, CASE_A, s);
	ASSERT_STR_EQ(s, "3f4a50");
	ids_free(x);
	TEST_DONE();
}

static void
test_resolve(void)
{
	struct ids_ambiguous	a;
	char			id[DB_UUID_LEN + 1];
	int64_t			n;

	TEST_START("ids_resolve: tails, full ids, titles, candidates");
	n = reads();
	ASSERT_INT_EQ(ids_resolve(db, IDS_CASE, "3f4a50", id, &a), 0);
	ASSERT_STR_EQ(id, CASE_A);
	ASSERT_INT_EQ(ids_resolve(db, IDS_CASE, "3F4A50", id, &a), 0);
	ASSERT_STR_EQ(id, CASE_A);
	ASSERT_INT_EQ(ids_resolve(db, IDS_CASE, "4a50", id, &a), 0);
	ASSERT_STR_EQ(id, CASE_A);
	ASSERT_INT_EQ(ids_resolve(db, IDS_CASE, "8a6b-0c1d2e3f4a50", id, &a),
	    0);
	ASSERT_STR_EQ(id, CASE_A);
	ASSERT_INT_EQ(ids_resolve(db, IDS_RECORD, "a111111", id, &a), 0);
	ASSERT_STR_EQ(id, REC_1);
	ASSERT_INT_EQ(ids_resolve(db, IDS_RECORD, REC_4, id, &a), 0);
	ASSERT_STR_EQ(id, REC_4);
	/* a full id is taken as it is: the server may know the case */
	ASSERT_INT_EQ(ids_resolve(db, IDS_CASE,
	    "0193A1B2-C3D4-7E5F-8A6B-000000000001", id, &a), 0);
	ASSERT_STR_EQ(id, "0193a1b2-c3d4-7e5f-8a6b-000000000001");
	/* a tail is no read of content */
	ASSERT_INT_EQ(reads(), n);

	/* a record's tail is not a case's */
	ASSERT_INT_EQ(ids_resolve(db, IDS_RECORD, "6655aa", id, &a),
	    CS_ERR_NOT_FOUND);
	ASSERT_STR_EQ(id, "");
	/* a prefix (the time) is not accepted */
	ASSERT_INT_EQ(ids_resolve(db, IDS_RECORD, "0193a1b2", id, &a),
	    CS_ERR_NOT_FOUND);
	ASSERT_INT_EQ(ids_resolve(db, IDS_RECORD, "", id, &a), CS_ERR_FORMAT);
	ASSERT_INT_EQ(ids_resolve(db, IDS_RECORD, "\xff\xfe", id, &a),
	    CS_ERR_FORMAT);
	ASSERT_INT_EQ(ids_resolve(db, IDS_RECORD, NULL, id, &a),
	    CS_ERR_FORMAT);

	/* ambiguous: the candidates with short ids and labels */
	ASSERT_INT_EQ(ids_resolve(db, IDS_RECORD, "111111", id, &a),
	    CS_ERR_AMBIGUOUS);
	ASSERT_STR_EQ(id, "");
	ASSERT_INT_EQ(a.total, 2);
	ASSERT_INT_EQ(a.n, 2);
	ASSERT_STR_EQ(a.c[0].id, REC_1);
	ASSERT_STR_EQ(a.c[0].short_id, "a111111");
	ASSERT_STR_EQ(a.c[0].label, "Elif Öztürk");
	ASSERT_STR_EQ(a.c[0].kind, "person");
	ASSERT_STR_EQ(a.c[0].case_id, CASE_A);
	ASSERT_STR_EQ(a.c[1].short_id, "b111111");
	ASSERT_STR_EQ(a.c[1].label, "Ayşe Öztürk");
	ASSERT_INT_EQ(reads(), n + 1);
	ASSERT_INT_EQ(ids_resolve(db, IDS_RECORD, "c111111", id, &a),
	    CS_ERR_NOT_FOUND);
	ASSERT_INT_EQ(ids_resolve(db, IDS_RECORD, "56789abc", id, NULL),
	    CS_ERR_AMBIGUOUS);
	ASSERT_INT_EQ(reads(), n + 1);

	/* titles: folded, whole before part; each a logged search */
	ASSERT_INT_EQ(ids_resolve(db, IDS_CASE, "öztürk", id, &a), 0);
	ASSERT_STR_EQ(id, CASE_A);
	ASSERT_INT_EQ(reads(), n + 2);
	ASSERT_INT_EQ(ids_resolve(db, IDS_CASE, "FAMILIE JANSEN", id, &a), 0);
	ASSERT_STR_EQ(id, CASE_B);
	ASSERT_INT_EQ(ids_resolve(db, IDS_CASE, "de vries", id, &a), 0);
	ASSERT_STR_EQ(id, CASE_C);
	ASSERT_INT_EQ(ids_resolve(db, IDS_CASE, "jansen", id, &a),
	    CS_ERR_AMBIGUOUS);
	ASSERT_INT_EQ(a.n, 2);
	ASSERT_STR_EQ(a.c[0].id, CASE_B);
	ASSERT_STR_EQ(a.c[0].kind, "case");
	ASSERT_STR_EQ(a.c[0].short_id, "6655aa");
	ASSERT_STR_EQ(a.c[0].label, "Familie Jansen");
	ASSERT_STR_EQ(a.c[1].label, "Jansen-de Vries");
	ASSERT_INT_EQ(ids_resolve(db, IDS_CASE, "Familie Pietersen", id, &a),
	    CS_ERR_NOT_FOUND);
	/* titles are for cases only */
	ASSERT_INT_EQ(ids_resolve(db, IDS_RECORD, "Elif", id, &a),
	    CS_ERR_NOT_FOUND);
	TEST_DONE();
}

static void
test_caseload(void)
{
	struct caseload			*cl = NULL;
	const struct caseload_row	*r;
	int64_t				 n = reads();

	TEST_START("caseload: rows, deadlines, order, search, read log");
	ASSERT_INT_EQ(caseload_load(db, today, &cl), 0);
	ASSERT_INT_EQ(reads(), n + 1);
	ASSERT_INT_EQ(cl->n, 4);
	/* A: the toetsing was due 8 days ago */
	r = &cl->rows[0];
	ASSERT_STR_EQ(r->case_id, CASE_A);
	ASSERT_STR_EQ(r->short_id, "3f4a50");
	ASSERT_STR_EQ(r->title, "Familie Öztürk");
	ASSERT_STR_EQ(r->regisseur, "Saskia de Boer");
	ASSERT_INT_EQ(r->has_meta, 1);
	ASSERT_INT_EQ(r->state, LC_DRANG_INTENSIEF);
	ASSERT_INT_EQ(r->nchildren, 1);
	ASSERT_STR_EQ(r->children[0].name, "Elif Öztürk");
	ASSERT_STR_EQ(r->children[0].short_id, "a111111");
	ASSERT_PTR_NE(r->next, NULL);
	ASSERT_STR_EQ(caseload_deadline_name(r->next), "toetsing");
	ASSERT_INT_EQ(r->next->days_left, -8);
	ASSERT_INT_EQ(r->overdue, 1);
	ASSERT_INT_EQ(r->due_soon, 0);
	ASSERT_INT_EQ(r->ndeadlines, 2);	/* and the drang end */
	ASSERT_STR_EQ(caseload_deadline_name(&r->deadlines[1]), "drang_end");
	/* B: the open goal in 10 days; the achieved one is no deadline */
	r = &cl->rows[1];
	ASSERT_STR_EQ(r->case_id, CASE_B);
	ASSERT_STR_EQ(r->title, "Familie Jansen");
	ASSERT_STR_EQ(r->regisseur, "");
	ASSERT_INT_EQ(r->has_meta, 0);
	ASSERT_INT_EQ(r->nchildren, 2);
	ASSERT_INT_EQ(r->ndeadlines, 1);
	ASSERT_STR_EQ(caseload_deadline_name(r->next), "goal");
	ASSERT_STR_EQ(r->next->label, "School every day");
	ASSERT_STR_EQ(r->next->record_id, REC_4);
	ASSERT_INT_EQ(r->next->days_left, 10);
	ASSERT_INT_EQ(r->overdue, 0);
	ASSERT_INT_EQ(r->due_soon, 1);
	/* C: the latest assessment's next_due (30 days), not the older */
	r = &cl->rows[2];
	ASSERT_STR_EQ(r->case_id, CASE_C);
	ASSERT_INT_EQ(r->ndeadlines, 1);
	ASSERT_STR_EQ(caseload_deadline_name(r->next), "assessment");
	ASSERT_STR_EQ(r->next->label, "ARIJ");
	ASSERT_INT_EQ(r->next->days_left, 30);
	ASSERT_INT_EQ(r->overdue, 0);
	ASSERT_INT_EQ(r->due_soon, 0);
	/* metadata only, closed: no title, no deadlines, last */
	r = &cl->rows[3];
	ASSERT_STR_EQ(r->title, "");
	ASSERT_PTR_EQ(r->next, NULL);
	ASSERT_INT_EQ(r->state, LC_GESLOTEN);

	/* search: folded, over title, regisseur, children, short id */
	ASSERT_TRUE(caseload_match(&cl->rows[0], "öztürk"));
	ASSERT_TRUE(caseload_match(&cl->rows[0], "OZTURK"));
	ASSERT_TRUE(caseload_match(&cl->rows[0], "saskia"));
	ASSERT_TRUE(caseload_match(&cl->rows[0], "elif"));
	ASSERT_TRUE(caseload_match(&cl->rows[0], "3F4A"));
	ASSERT_TRUE(!caseload_match(&cl->rows[0], "ayse"));	/* a parent */
	ASSERT_TRUE(caseload_match(&cl->rows[1], "emma"));
	ASSERT_TRUE(!caseload_match(&cl->rows[1], "öztürk"));
	ASSERT_TRUE(caseload_match(&cl->rows[3], ""));
	ASSERT_INT_EQ(reads(), n + 1);
	caseload_free(cl);
	caseload_free(NULL);
	TEST_DONE();
}

int
main(void)
{
	test_fold();
	setup();
	test_short();
	test_short_with();
	test_resolve();
	test_caseload();
	vault_close(vault);
	tdb_remove(top, "v");
	ASSERT_INT_EQ(rmdir(top), 0);
	return 0;
}
