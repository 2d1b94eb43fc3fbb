/* SPDX-License-Identifier: ISC */
/*
 * vault_tool.c - drives the vault for tests/integration/t_vault.sh:
 *
 *   vault_tool [-P passfile] create DIR
 *   vault_tool [-P passfile] fill DIR wal|delete N
 *	commit N rows as transaction 1, print "committed", then in
 *	transaction 2 insert rows and overwrite rows of transaction 1
 *	without end (a small page cache makes the changes reach the WAL
 *	or, in delete mode, the database, the old pages being in the
 *	journal), printing "inserting" once that is well under way: to
 *	be killed.
 *   vault_tool [-P passfile] check DIR N
 *	integrity check; exactly the N rows of transaction 1, unchanged,
 *	and none of transaction 2.
 *
 *   vault_tool [-P passfile] stream DIR N
 *	N transactions of STREAM_ROWS rows of STREAM_LEN bytes (4 MB
 *	each, enough for the checkpoint thread), printing "committed K
 *	passes P" after transaction K commits, P being the passes the
 *	checkpoint thread has run: to be killed.
 *   vault_tool [-P passfile] streamcheck DIR K
 *	integrity check; transactions 1 .. k all there and whole, for
 *	some k >= K, and nothing else; prints "transactions k".
 *
 *   vault_tool [-P passfile] sql DIR STATEMENT
 *	run one SQL statement inside the vault (tests that tamper with
 *	what the client keeps there, e.g. its read log).
 *   vault_tool [-P passfile] secret DIR NAME
 *	write the vault secret NAME to stdout as stored (device.key is
 *	PEM, device.crt DER): t_renew.sh keeps a laptop's old key and
 *	certificate to show the server refuses them after a renewal.
 *   vault_tool [-P passfile] query DIR SELECT
 *	print the first column of every row of SELECT, one a line (tests
 *	that find a table's pages with dbstat, to flip a byte in one).
 *
 * CASESYNC_FAULT=NAME exits at a fault point (common/fault.h; the
 * vault has "vault-epoch-after-list" and "vault-copy"), and with
 * VAULT_TOOL_LEGACY set the vault draws no WAL epochs (a vault as
 * before them: docs/VAULT.md, "WAL epochs"), for t_vault_epoch.sh.
 *
 * The passphrase comes as for casesync (passphrase_get).  Exit codes
 * as for casesync: 0 ok, 1 failure, 2 usage, 3 wrong passphrase,
 * 4 database damaged or tampered.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>
#include <sqlite3.h>

#include "errors.h"
#include "fault.h"
#include "log.h"
#include "passphrase.h"
#include "util.h"
#include "vault.h"

#define ROW_LEN		150
#define FILL_MARK	20000		/* rows of txn 2 before "inserting" */
#define FILL_MAX	50000000	/* give up: nobody killed us */
#define STREAM_ROWS	1000
#define STREAM_LEN	4000

static int
exit_code(int r)
{
	switch (r) {
	case 0:
		return 0;
	case CS_ERR_PASSPHRASE:
		return 3;
	case CS_ERR_TAMPERED:
		return 4;
	default:
		return 1;
	}
}

static int
exec(struct vault *v, const char *sql)
{
	int	r;

	if (sqlite3_exec(vault_db(v), sql, NULL, NULL, NULL) == SQLITE_OK)
		return 0;
	fprintf(stderr, "vault_tool: %s: %s\n", sql,
	    sqlite3_errmsg(vault_db(v)));
	r = vault_sqlite_err(sqlite3_extended_errcode(vault_db(v)));
	return r != 0 ? r : CS_ERR_DB;
}

static int
query(struct vault *v, const char *sql)
{
	sqlite3_stmt		*st = NULL;
	const unsigned char	*t;
	int			 rc;

	if (sqlite3_prepare_v2(vault_db(v), sql, -1, &st, NULL) != SQLITE_OK) {
		fprintf(stderr, "vault_tool: %s: %s\n", sql,
		    sqlite3_errmsg(vault_db(v)));
		return CS_ERR_DB;
	}
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		printf("%s\n", (t = sqlite3_column_text(st, 0)) != NULL ?
		    (const char *)t : "NULL");
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return vault_sqlite_err(sqlite3_extended_errcode(vault_db(v)));
	return 0;
}

static int
insert(sqlite3_stmt *st, int64_t id, int txn)
{
	uint8_t	body[ROW_LEN];

	memset(body, 'a' + (int)(id % 26), sizeof(body));
	if (sqlite3_bind_int64(st, 1, id) != SQLITE_OK ||
	    sqlite3_bind_int(st, 2, txn) != SQLITE_OK ||
	    sqlite3_bind_blob(st, 3, body, sizeof(body), SQLITE_TRANSIENT) !=
	    SQLITE_OK || sqlite3_step(st) != SQLITE_DONE ||
	    sqlite3_reset(st) != SQLITE_OK)
		return CS_ERR_DB;
	return 0;
}

static int
fill(struct vault *v, const char *mode, int64_t n)
{
	sqlite3_stmt	*st = NULL, *up = NULL;
	int64_t		 i;
	int		 r;

	if (strcmp(mode, "delete") == 0)
		r = exec(v, "PRAGMA journal_mode=DELETE");
	else if (strcmp(mode, "wal") == 0)
		r = 0;
	else
		return CS_ERR_USAGE;
	if (r != 0 ||
	    (r = exec(v, "PRAGMA cache_size=20")) != 0 ||
	    (r = exec(v, "CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY "
	    "KEY, txn INTEGER NOT NULL, body BLOB NOT NULL)")) != 0 ||
	    (r = exec(v, "BEGIN")) != 0)
		return r;
	if (sqlite3_prepare_v2(vault_db(v), "INSERT INTO t VALUES "
	    "(?1, ?2, ?3)", -1, &st, NULL) != SQLITE_OK)
		return CS_ERR_DB;
	for (i = 0; i < n; i++)
		if ((r = insert(st, i, 1)) != 0)
			goto out;
	if ((r = exec(v, "COMMIT")) != 0)
		goto out;
	printf("committed\n");
	fflush(stdout);
	if ((r = exec(v, "BEGIN")) != 0)
		goto out;
	if (sqlite3_prepare_v2(vault_db(v), "UPDATE t SET body = "
	    "zeroblob(?2) WHERE id = ?1", -1, &up, NULL) != SQLITE_OK) {
		r = CS_ERR_DB;
		goto out;
	}
	for (i = n; i < n + FILL_MAX; i++) {
		if ((r = insert(st, i, 2)) != 0)
			goto out;
		/* spread over all old pages, so that old pages get spilled */
		if (n > 0 && (sqlite3_bind_int64(up, 1, (i * 7919) % n) !=
		    SQLITE_OK || sqlite3_bind_int(up, 2, ROW_LEN) !=
		    SQLITE_OK || sqlite3_step(up) != SQLITE_DONE ||
		    sqlite3_reset(up) != SQLITE_OK)) {
			r = CS_ERR_DB;
			goto out;
		}
		if (i == n + FILL_MARK) {
			printf("inserting\n");
			fflush(stdout);
		}
	}
	r = CS_ERR_INTERNAL;		/* should have been killed */
 out:
	sqlite3_finalize(up);
	sqlite3_finalize(st);
	return r;
}

static int
count(struct vault *v, int txn, int64_t *n)
{
	sqlite3_stmt	*st = NULL;
	int		 r = CS_ERR_DB;

	if (sqlite3_prepare_v2(vault_db(v), "SELECT count(*) FROM t WHERE "
	    "txn = ?1", -1, &st, NULL) != SQLITE_OK ||
	    sqlite3_bind_int(st, 1, txn) != SQLITE_OK)
		goto out;
	if (sqlite3_step(st) != SQLITE_ROW) {
		r = vault_sqlite_err(sqlite3_extended_errcode(vault_db(v)));
		goto out;
	}
	*n = sqlite3_column_int64(st, 0);
	r = 0;
 out:
	sqlite3_finalize(st);
	return r;
}

/* *bad = rows of transaction 1 whose body is not what fill() wrote. */
static int
bodies(struct vault *v, int64_t *bad)
{
	sqlite3_stmt	*st = NULL;
	uint8_t		 want[ROW_LEN];
	int64_t		 id;
	int		 r;

	*bad = 0;
	if (sqlite3_prepare_v2(vault_db(v), "SELECT id, body FROM t WHERE "
	    "txn = 1", -1, &st, NULL) != SQLITE_OK)
		return CS_ERR_DB;
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		memset(want, 'a' + (int)(id % 26), sizeof(want));
		if (sqlite3_column_bytes(st, 1) != ROW_LEN ||
		    memcmp(sqlite3_column_blob(st, 1), want, ROW_LEN) != 0)
			(*bad)++;
	}
	r = r == SQLITE_DONE ? 0 :
	    vault_sqlite_err(sqlite3_extended_errcode(vault_db(v)));
	sqlite3_finalize(st);
	return r;
}

static int
check(struct vault *v, int64_t want)
{
	int64_t	n1 = -1, n2 = -1, bad = -1;
	int	r;

	if ((r = vault_check(v)) != 0 || (r = count(v, 1, &n1)) != 0 ||
	    (r = count(v, 2, &n2)) != 0 || (r = bodies(v, &bad)) != 0)
		return r;
	if (bad != 0) {
		printf("%lld rows of transaction 1 changed\n", (long long)bad);
		return CS_ERR_INTERNAL;
	}
	printf("integrity ok, transaction 1: %lld rows, transaction 2: "
	    "%lld rows\n", (long long)n1, (long long)n2);
	return n1 == want && n2 == 0 ? 0 : CS_ERR_INTERNAL;
}

/* Row "id" of a stream transaction: its bytes depend on the id. */
static void
stream_body(uint8_t *b, int64_t id)
{
	size_t	i;

	for (i = 0; i < STREAM_LEN; i++)
		b[i] = (uint8_t)(id * 31 + (int64_t)i);
}

static int
stream(struct vault *v, int64_t n)
{
	sqlite3		*db = vault_db(v);
	sqlite3_stmt	*st = NULL;
	uint8_t		 body[STREAM_LEN];
	int64_t		 k, i, id;
	int		 r;

	if ((r = exec(v, "CREATE TABLE s (id INTEGER PRIMARY KEY,"
	    " k INTEGER NOT NULL, body BLOB NOT NULL)")) != 0)
		return r;
	if (sqlite3_prepare_v2(db, "INSERT INTO s VALUES (?1, ?2, ?3)", -1,
	    &st, NULL) != SQLITE_OK)
		return CS_ERR_DB;
	for (k = 1; k <= n; k++) {
		if ((r = exec(v, "BEGIN")) != 0)
			goto out;
		for (i = 0; i < STREAM_ROWS; i++) {
			id = (k - 1) * STREAM_ROWS + i;
			stream_body(body, id);
			if (sqlite3_bind_int64(st, 1, id) != SQLITE_OK ||
			    sqlite3_bind_int64(st, 2, k) != SQLITE_OK ||
			    sqlite3_bind_blob(st, 3, body, sizeof(body),
			    SQLITE_STATIC) != SQLITE_OK ||
			    sqlite3_step(st) != SQLITE_DONE ||
			    sqlite3_reset(st) != SQLITE_OK) {
				r = CS_ERR_DB;
				goto out;
			}
		}
		if ((r = exec(v, "COMMIT")) != 0)
			goto out;
		printf("committed %lld passes %llu\n", (long long)k,
		    vault_checkpoints(v));
		fflush(stdout);
	}
 out:
	sqlite3_finalize(st);
	return r;
}

static int
streamcheck(struct vault *v, int64_t want)
{
	sqlite3_stmt	*st = NULL;
	uint8_t		 body[STREAM_LEN];
	int64_t		 id, next = 0;
	int		 rc, r;

	if ((r = vault_check(v)) != 0)
		return r;
	if (sqlite3_prepare_v2(vault_db(v), "SELECT id, k, body FROM s"
	    " ORDER BY id", -1, &st, NULL) != SQLITE_OK)
		return CS_ERR_DB;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		id = sqlite3_column_int64(st, 0);
		stream_body(body, id);
		if (id != next || sqlite3_column_int64(st, 1) !=
		    id / STREAM_ROWS + 1 ||
		    sqlite3_column_bytes(st, 2) != STREAM_LEN ||
		    memcmp(sqlite3_column_blob(st, 2), body, STREAM_LEN) != 0) {
			printf("row %lld wrong or missing\n", (long long)next);
			sqlite3_finalize(st);
			return CS_ERR_INTERNAL;
		}
		next++;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return vault_sqlite_err(sqlite3_extended_errcode(vault_db(v)));
	printf("transactions %lld\n", (long long)(next / STREAM_ROWS));
	return next % STREAM_ROWS == 0 && next / STREAM_ROWS >= want ? 0 :
	    CS_ERR_INTERNAL;
}

static int
secret(struct vault *v, const char *name)
{
	uint8_t	*p = NULL;
	size_t	 len = 0;
	int	 r;

	if ((r = vault_secret_get(v, name, &p, &len)) != 0)
		return r;
	if (fwrite(p, 1, len, stdout) != len || fflush(stdout) != 0)
		r = CS_ERR_SYSTEM;
	vault_secret_free(p, len);
	return r;
}

static void
usage(void)
{
	fprintf(stderr, "usage: vault_tool [-P passfile] create DIR\n"
	    "       vault_tool [-P passfile] fill DIR wal|delete N\n"
	    "       vault_tool [-P passfile] check DIR N\n"
	    "       vault_tool [-P passfile] stream DIR N\n"
	    "       vault_tool [-P passfile] streamcheck DIR K\n"
	    "       vault_tool [-P passfile] sql DIR STATEMENT\n"
	    "       vault_tool [-P passfile] secret DIR NAME\n"
	    "       vault_tool [-P passfile] query DIR SELECT\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	struct vault	*v = NULL;
	const char	*passfile = NULL;
	char		*pass = NULL;
	size_t		 len = 0;
	uint64_t	 n = 0;
	int		 ch, r;

	log_init(1, "vault_tool");
	fault_init();
	if (getenv("VAULT_TOOL_LEGACY") != NULL)
		vault_test_legacy_wal(1);
	while ((ch = getopt(argc, argv, "P:")) != -1) {
		if (ch == 'P')
			passfile = optarg;
		else
			usage();
	}
	argc -= optind;
	argv += optind;
	if (argc < 2 || sodium_init() < 0)
		usage();
	if (strcmp(argv[0], "create") != 0 && strcmp(argv[0], "sql") != 0 &&
	    strcmp(argv[0], "secret") != 0 && strcmp(argv[0], "query") != 0 &&
	    (argc < 3 ||
	    parse_u64(argv[argc - 1], 0, 1000000000, &n) != 0))
		usage();
	if ((r = passphrase_get(passfile, 0, &pass, &len)) != 0)
		goto out;
	if (strcmp(argv[0], "create") == 0 && argc == 2)
		r = vault_create(argv[1], pass, len, &v);
	else if (strcmp(argv[0], "fill") == 0 && argc == 4) {
		if ((r = vault_open(argv[1], pass, len, &v)) == 0)
			r = fill(v, argv[2], (int64_t)n);
	} else if (strcmp(argv[0], "check") == 0 && argc == 3) {
		if ((r = vault_open(argv[1], pass, len, &v)) == 0)
			r = check(v, (int64_t)n);
	} else if (strcmp(argv[0], "stream") == 0 && argc == 3) {
		if ((r = vault_open(argv[1], pass, len, &v)) == 0)
			r = stream(v, (int64_t)n);
	} else if (strcmp(argv[0], "streamcheck") == 0 && argc == 3) {
		if ((r = vault_open(argv[1], pass, len, &v)) == 0)
			r = streamcheck(v, (int64_t)n);
	} else if (strcmp(argv[0], "sql") == 0 && argc == 3) {
		if ((r = vault_open(argv[1], pass, len, &v)) == 0)
			r = exec(v, argv[2]);
	} else if (strcmp(argv[0], "secret") == 0 && argc == 3) {
		if ((r = vault_open(argv[1], pass, len, &v)) == 0)
			r = secret(v, argv[2]);
	} else if (strcmp(argv[0], "query") == 0 && argc == 3) {
		if ((r = vault_open(argv[1], pass, len, &v)) == 0)
			r = query(v, argv[2]);
	} else
		usage();
 out:
	if (r != 0)
		fprintf(stderr, "vault_tool: %s\n", cs_err(r));
	passphrase_free(pass, len);
	vault_close(v);
	return exit_code(r);
}
