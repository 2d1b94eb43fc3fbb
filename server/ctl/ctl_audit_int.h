/* SPDX-License-Identifier: ISC */
/*
 * ctl_audit_int.h - what "casesyncctl audit verify" (ctl_audit.c), its
 * checks against checkpoints kept outside the database
 * (ctl_audit_witness.c) and query and export (ctl_audit_query.c) share.
 */
#ifndef CTL_AUDIT_INT_H
#define CTL_AUDIT_INT_H

#include <stddef.h>
#include <stdint.h>

#include "audit.h"
#include "merkle.h"

struct ctl;
struct store;

/* Seconds an entry may wait for its hourly checkpoint beyond the hour. */
#define CTL_VERIFY_GRACE	300

/* A checkpoint read from a file: where it came from. */
struct ctl_wcp {
	struct audit_checkpoint	 cp;
	const char		*file;	/* for messages */
	size_t			 line;
	int			 against;	/* --against, not the log file */
};

/*
 * The walk of "audit verify": the log is read page by page
 * (store_audit_page()), the tree (f) and the checks carried from one
 * page to the next; the checkpoints of the database are read the same
 * way beside the entries, a page of them in cps[next..ncps).
 */
struct ctl_verify {
	struct store		*st;
	struct merkle_frontier	 f;
	int64_t			 end;	/* the tree's size when it began */
	int64_t			 now;	/* and the time */
	struct audit_checkpoint	*cps;
	size_t			 page, ncps, next;
	int			 cps_end;	/* no page after this one */
	int64_t			 cp_size, cp_id;	/* the last one read */
	size_t			 cps_seen;	/* checkpoints checked */
	struct audit_checkpoint	 latest;	/* the newest at the start */
	int			 has_latest;
	uint8_t			 pk[AUDIT_PK_LEN];
	int64_t			 good_size;	/* all checks passed up to */
	size_t			 problems;
	/* checkpoints from audit-checkpoints.log and --against, by size */
	struct ctl_wcp		*w;
	size_t			 nw, maxw, wnext;
	size_t			 nfile;		/* of them from the log file */
	const char		*cur_file;
	int			 cur_against;
	int64_t			 tail_time;	/* first entry after the newest */
	int			 has_tail;	/* checkpoint of the database */
};

void	ctl_verify_problem(struct ctl_verify *, const char *, ...)
	    __attribute__((__format__(printf, 2, 3)));

/*
 * Read the deployment's audit-checkpoints.log and, if not NULL, the
 * --against file (which must exist): every line a checkpoint signed
 * by audit.pub; those of the log file must also be in the database
 * (v->st).  CTL_EXIT_*.
 */
int	ctl_verify_witness_load(struct ctl *, struct ctl_verify *,
	    const char *against);
/* The tree has v->f.size entries and root "root": check those sizes. */
void	ctl_verify_witness_at(struct ctl_verify *,
	    const uint8_t root[MERKLE_HASH_LEN]);
/*
 * After the last entry ("root" of the whole log): checkpoints beyond
 * the log, a head the database's checkpoints do not cover, and the
 * consistency proof to each --against checkpoint.
 */
void	ctl_verify_witness_end(struct ctl_verify *, struct store *,
	    const uint8_t root[MERKLE_HASH_LEN]);
/* Print what the files added to an "ok". */
void	ctl_verify_witness_ok(const struct ctl_verify *, const char *against);

/* "audit query" and "audit export" (ctl_audit_query.c). */
int	ctl_audit_query(struct ctl *, int argc, char **argv);
int	ctl_audit_export(struct ctl *, int argc, char **argv);
/* "s" with control characters escaped (str_vis) into dst. */
const char *ctl_vis(char *dst, size_t len, const char *s);

/* "audit checkpoint --export [--out FILE]". */
int	ctl_audit_checkpoint(struct ctl *, int argc, char **argv);
/* Log that the log was read ("audit_read"); with "sign", a checkpoint. */
int	ctl_audit_read(struct ctl *, struct store *, const char *what,
	    const char *client_ref, const char *detail, int sign);

#endif /* CTL_AUDIT_INT_H */
