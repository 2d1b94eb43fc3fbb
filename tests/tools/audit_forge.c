/* SPDX-License-Identifier: ISC */
/*
 * audit_forge.c - the attacker of tests/integration/t_audit_witness.sh:
 * someone who can write server.db but does not hold audit.key.
 *
 *   audit_forge DB rewrite IDX DETAIL
 *	rewrite the "detail" of entry IDX, and everything the database
 *	holds that would betray it: the row's leaf hash, every stored
 *	subtree (audit_nodes), the tree state (size and frontier); then
 *	delete every checkpoint (after dropping the append-only
 *	triggers).  The rows then hash into a consistent tree; only a
 *	signature, which cannot be forged, still disagrees.
 *   audit_forge DB age FROM SECONDS
 *	make entries FROM.. SECONDS older (rows, leaves, subtrees and
 *	state as above) and delete the checkpoints that cover any of
 *	them: the checkpoints left still verify, and the head is left
 *	uncovered by old entries, as if checkpoints had been deleted.
 *
 * Exit 0 when done, 1 on failure, 2 usage.  Run it with casesyncd
 * stopped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>
#include <sqlite3.h>

#include "audit.h"
#include "errors.h"
#include "merkle.h"
#include "store.h"
#include "store_audit.h"
#include "util.h"

struct forge_rows {
	struct audit_entry	*e;
	size_t			 n, max;
};

static int
forge_row(const struct audit_entry *e, const uint8_t leaf[MERKLE_HASH_LEN],
    void *arg)
{
	struct forge_rows	*f = arg;
	struct audit_entry	*p;

	(void)leaf;
	if (f->n == f->max) {
		f->max = f->max * 2 + 64;
		if ((p = reallocarray(f->e, f->max, sizeof(*p))) == NULL)
			return CS_ERR_ALLOC;
		f->e = p;
	}
	f->e[f->n++] = *e;
	return 0;
}

static int
forge_node(uint64_t a, uint64_t n, const uint8_t hash[MERKLE_HASH_LEN],
    void *arg)
{
	sqlite3_stmt	*s = arg;

	if (sqlite3_reset(s) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 1, (int64_t)a) != SQLITE_OK ||
	    sqlite3_bind_int64(s, 2, (int64_t)n) != SQLITE_OK ||
	    sqlite3_bind_blob(s, 3, hash, MERKLE_HASH_LEN, SQLITE_STATIC) !=
	    SQLITE_OK || sqlite3_step(s) != SQLITE_DONE)
		return CS_ERR_DB;
	return 0;
}

static int
forge_sql(sqlite3 *db, const char *sql)
{
	char	*err = NULL;

	if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "audit_forge: %s: %s\n", sql, err);
		sqlite3_free(err);
		return -1;
	}
	return 0;
}

int
main(int argc, char *argv[])
{
	struct forge_rows	 f;
	struct merkle_frontier	 fr;
	struct store		*st = NULL;
	sqlite3			*db = NULL;
	sqlite3_stmt		*up = NULL, *ns = NULL, *ss = NULL;
	uint8_t			 leaf[MERKLE_HASH_LEN];
	uint8_t			 enc[MERKLE_FRONTIER_MAX * MERKLE_HASH_LEN];
	char			 del[128];
	uint64_t		 idx, from = 0, age = 0;
	size_t			 i;
	int			 rv = 1, rewrite;

	memset(&f, 0, sizeof(f));
	rewrite = argc == 5 && strcmp(argv[2], "rewrite") == 0;
	if ((!rewrite && (argc != 5 || strcmp(argv[2], "age") != 0 ||
	    parse_u64(argv[4], 1, INT32_MAX, &age) != 0)) ||
	    parse_u64(argv[3], 0, INT64_MAX, &idx) != 0) {
		fprintf(stderr, "usage: audit_forge DB rewrite IDX DETAIL\n"
		    "       audit_forge DB age FROM SECONDS\n");
		return 2;
	}
	if (sodium_init() < 0 || store_open(argv[1], 0, &st) != 0 ||
	    store_audit_rows(st, NULL, forge_row, &f) != 0 || idx >= f.n)
		goto out;
	store_close(st);
	st = NULL;
	if (rewrite) {
		audit_set(f.e[idx].detail, argv[4]);
		from = idx;
		(void)str_fmt(del, sizeof(del), "DELETE FROM audit_checkpoints");
	} else {
		from = idx;
		(void)str_fmt(del, sizeof(del), "DELETE FROM audit_checkpoints"
		    " WHERE size > %llu", (unsigned long long)from);
		for (i = from; i < f.n; i++)
			f.e[i].server_time -= (int64_t)age;
	}
	if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READWRITE, NULL) !=
	    SQLITE_OK ||
	    forge_sql(db, "DROP TRIGGER IF EXISTS audit_log_no_update;"
	    "DROP TRIGGER IF EXISTS audit_cp_no_delete; BEGIN") != 0 ||
	    sqlite3_prepare_v2(db, "UPDATE audit_log SET detail = ?1,"
	    " server_time = ?2, leaf = ?3 WHERE idx = ?4", -1, &up, NULL) !=
	    SQLITE_OK)
		goto out;
	for (i = from; i < (rewrite ? from + 1 : f.n); i++) {
		if (audit_entry_leaf(&f.e[i], leaf) != 0 ||
		    sqlite3_reset(up) != SQLITE_OK ||
		    sqlite3_bind_text(up, 1, f.e[i].detail, -1,
		    SQLITE_STATIC) != SQLITE_OK ||
		    sqlite3_bind_int64(up, 2, f.e[i].server_time) != SQLITE_OK ||
		    sqlite3_bind_blob(up, 3, leaf, MERKLE_HASH_LEN,
		    SQLITE_STATIC) != SQLITE_OK ||
		    sqlite3_bind_int64(up, 4, (int64_t)i) != SQLITE_OK ||
		    sqlite3_step(up) != SQLITE_DONE)
			goto out;
	}
	if (forge_sql(db, "DELETE FROM audit_nodes") != 0 ||
	    sqlite3_prepare_v2(db, "INSERT INTO audit_nodes(a, n, hash)"
	    " VALUES (?1, ?2, ?3)", -1, &ns, NULL) != SQLITE_OK)
		goto out;
	merkle_frontier_init(&fr);
	for (i = 0; i < f.n; i++) {
		if (audit_entry_leaf(&f.e[i], leaf) != 0 ||
		    merkle_frontier_push(&fr, leaf, forge_node, ns) != 0)
			goto out;
	}
	merkle_frontier_encode(&fr, enc);
	if (sqlite3_prepare_v2(db, "UPDATE audit_state SET size = ?1,"
	    " frontier = ?2 WHERE id = 1", -1, &ss, NULL) != SQLITE_OK ||
	    sqlite3_bind_int64(ss, 1, (int64_t)fr.size) != SQLITE_OK ||
	    sqlite3_bind_blob(ss, 2, enc, (int)merkle_frontier_len(&fr),
	    SQLITE_STATIC) != SQLITE_OK || sqlite3_step(ss) != SQLITE_DONE ||
	    forge_sql(db, del) != 0 || forge_sql(db, "COMMIT") != 0)
		goto out;
	rv = 0;
 out:
	if (rv != 0)
		fprintf(stderr, "audit_forge: failed%s%s\n", db != NULL ?
		    ": " : "", db != NULL ? sqlite3_errmsg(db) : "");
	sqlite3_finalize(up);
	sqlite3_finalize(ns);
	sqlite3_finalize(ss);
	sqlite3_close(db);
	store_close(st);
	free(f.e);
	return rv;
}
