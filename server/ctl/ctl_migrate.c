/* SPDX-License-Identifier: ISC */
/*
 * ctl_migrate.c - "casesyncctl migrate --to postgresql:CONNINFO": the
 * SQLite deployment in --dir (its server.db) copied into an empty
 * PostgreSQL database (docs/ADMIN.md, "Migrating from SQLite").
 *
 * casesyncd must be stopped (its lock is taken, as by restore), so the
 * copy is the whole state and nothing is written after it.  The
 * database is checked before anything is made in it (empty, or a
 * casesync schema without data), the schema made (store_open), and the
 * copy done in one transaction (store_migrate.c: read back and compared
 * there).  Then, as "casesyncctl audit verify" would, the audit log on
 * PostgreSQL is verified against audit.pub and the checkpoint file,
 * and the migration is the first entry the log gets there, signed over.
 * server.db is opened read-only and left as it was: the configuration
 * still names it until the administrator changes "database".
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"
#include "clihelp.h"
#include "ctl.h"
#include "errors.h"
#include "lockfile.h"
#include "merkle.h"
#include "store.h"
#include "store_migrate.h"
#include "util.h"

struct ctl_migrate_list {
	int	tables;
	int	empty;		/* tables without rows, not listed */
};

static void
ctl_migrate_table(const char *table, int64_t rows, void *arg)
{
	struct ctl_migrate_list	*l = arg;

	if (l->tables++ == 0)
		printf("copied:\n");
	if (rows == 0)
		l->empty++;
	else
		printf("  %-24s %10lld\n", table, (long long)rows);
}

/* Open the target, its schema made unless it has casesync's. */
static int
ctl_migrate_target(const char *to, struct store **dst)
{
	int	r;

	if ((r = store_open(to, 1, dst)) == CS_ERR_EXISTS)
		r = store_open(to, 0, dst);
	if (r != 0) {
		ctl_errx("migrate: the PostgreSQL database: %s; nothing copied",
		    r == CS_ERR_RETRY ? "it does not answer" : cs_why(r));
		return CTL_EXIT_FAIL;
	}
	return CTL_EXIT_OK;
}

static int
ctl_migrate_args(int argc, char **argv, const char **to)
{
	static const struct option	 opts[] = {
		{ "to",		required_argument,	NULL, 't' },
		{ "help",	no_argument,		NULL, 'h' },
		{ NULL,		0,			NULL, 0 }
	};
	int	ch;

	*to = NULL;
	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (ch) {
		case 't':
			*to = optarg;
			break;
		case 'h':
			ctl_usage("migrate", 0);
			return -1;
		default:
			return clihelp_opterr(argv);
		}
	}
	if (optind != argc) {
		ctl_errx("migrate: unexpected argument: %s", argv[optind]);
		return CTL_EXIT_USAGE;
	}
	if (*to == NULL || !store_spec_pg(*to) || (*to)[11] == '\0') {
		ctl_errx("migrate: --to postgresql:CONNINFO is required (a "
		    "libpq connection string or URI)");
		return CTL_EXIT_USAGE;
	}
	return CTL_EXIT_OK;
}

int
ctl_migrate(struct ctl *c, int argc, char **argv)
{
	struct ctl_migrate_list	 l = { 0 };
	struct store_migrate	 m;
	struct store		*dst = NULL;
	const char		*to;
	uint8_t			 pk[AUDIT_PK_LEN], root[MERKLE_HASH_LEN];
	uint8_t			 digest[32];
	char			 src[CTL_PATH_MAX], why[256], detail[256];
	char			 hex[2 * sizeof(digest) + 1];
	uint64_t		 size;
	int64_t			 nrec;
	int			 r, lock = -1, rv;

	if ((rv = ctl_migrate_args(argc, argv, &to)) != CTL_EXIT_OK)
		return rv == -1 ? CTL_EXIT_OK : rv;
	if (c->dir == NULL) {
		ctl_errx("no deployment directory: use --dir or set "
		    "CASESYNC_DIR");
		return CTL_EXIT_USAGE;
	}
	if (ctl_database(c->dir, src, sizeof(src)) != CTL_EXIT_OK)
		return CTL_EXIT_FAIL;
	if (store_spec_pg(src)) {
		ctl_errx("migrate: %s already uses PostgreSQL (database in "
		    "its configuration): nothing to migrate", c->dir);
		return CTL_EXIT_FAIL;
	}
	if ((r = audit_pub_load(c->dir, pk)) != 0) {
		ctl_errx("%s/%s: %s", c->dir, AUDIT_PUB_FILE, cs_why(r));
		return CTL_EXIT_FAIL;
	}
	rv = CTL_EXIT_FAIL;
	if ((lock = lockfile_take(c->dir, why, sizeof(why))) == -1) {
		ctl_errx("%s; stop casesyncd first: nothing copied", why);
		goto out;
	}
	if ((r = store_migrate_probe(to, &m)) != 0) {
		ctl_errx("migrate: the PostgreSQL database: %s; nothing "
		    "copied", r == CS_ERR_RETRY ? "it does not answer or "
		    "does not let us in (refused, no such host, or "
		    "authentication: libpq's reason is above)" : m.why);
		goto out;
	}
	if ((rv = ctl_migrate_target(to, &dst)) != CTL_EXIT_OK)
		goto out;
	rv = CTL_EXIT_FAIL;
	printf("migrate: %s into PostgreSQL, in one transaction\n", src);
	if ((r = store_migrate_copy(src, dst, ctl_migrate_table, &l,
	    &m)) != 0) {
		ctl_errx("migrate: %s; %s", m.why[0] != '\0' ? m.why :
		    cs_why(r), m.committed ? "the copy was committed but does "
		    "not read back whole: do not use that database" :
		    "nothing copied");
		goto out;
	}
	printf("  (and %d empty tables)\n", l.empty);
	printf("%lld tables, %lld rows at schema version %lld; every row "
	    "read back equal before the commit, counted again after it; "
	    "%lld id counters and seq (%lld) set past the copy\n",
	    (long long)m.tables, (long long)m.rows, (long long)m.version,
	    (long long)m.counters, (long long)m.seq);
	if ((r = store_digest(dst, &nrec, digest)) != 0) {
		ctl_errx("migrate: records digest: %s", cs_whyf(r));
		goto out;
	}
	hex_encode(hex, digest, sizeof(digest));
	printf("records digest on PostgreSQL: %lld %s\n", (long long)nrec,
	    hex);
	printf("audit log on PostgreSQL: ");
	if (ctl_audit_check(c, NULL, dst, pk, &size, root) != CTL_EXIT_OK) {
		ctl_errx("migrate: the audit log copied does not verify: do "
		    "not use that database");
		goto out;
	}
	(void)str_fmt(detail, sizeof(detail), "from SQLite %s: %lld tables, "
	    "%lld rows, audit log of %llu entries, seq %lld", CTL_FILE_DB,
	    (long long)m.tables, (long long)m.rows, (unsigned long long)size,
	    (long long)m.seq);
	if (ctl_audit_admin(c, dst, "migrate", AUDIT_EXECUTE, "database",
	    "postgresql", detail) != CTL_EXIT_OK)
		goto out;
	printf("recorded in the audit log on PostgreSQL: migrate (with a "
	    "signed checkpoint)\n"
	    "%s was not changed.  Next: set \"database = postgresql:...\" "
	    "(the connection\nstring given to --to) in the configuration, "
	    "then start casesyncd\n(docs/ADMIN.md, \"Migrating from "
	    "SQLite\").\n", src);
	rv = CTL_EXIT_OK;
 out:
	store_close(dst);
	if (lock != -1)
		close(lock);
	return rv;
}
