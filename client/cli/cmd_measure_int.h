/* SPDX-License-Identifier: ISC */
/*
 * cmd_measure_int.h - what cmd_measure.c (start, extend, end) and
 * cmd_measure_list.c (list) share.
 */
#ifndef CMD_MEASURE_INT_H
#define CMD_MEASURE_INT_H

#include "db.h"
#include "measure.h"

struct caseload;
struct caseload_row;
struct cli;
struct measure_view;
struct vault;

/* What a command line asks for. */
struct measure_args {
	const char	*sub;
	const char	*case_id, *child, *type, *court, *zaaknummer;
	const char	*decision, *start, *end, *birth, *id, *date;
	char		 case_buf[DB_UUID_LEN + 1];
	char		 id_buf[DB_UUID_LEN + 1];
};

/* A measure type (VOTS, OTS, UHP, ...) in the CLI's words. */
const char	*cli_measure_words(const char *type);
/* ms_type_name(), or "?" for a bad value. */
const char	*measure_type_str(enum ms_type);
/* Say "OPT: WHY" on stderr; CS_ERR_USAGE. */
int	measure_bad(const char *opt, const char *why);
/*
 * Open the vault (*v), the case's caseload row (*cl: the read of the
 * children's names is logged) and the server's measures of the case
 * (*s); errors are reported.
 */
int	measure_case(struct cli *, const char *cid, struct vault **v,
	    struct caseload **cl, struct measure_view *s);
/* The name of child "id" of "row", or "a child not on this laptop". */
const char	*measure_child_name(const struct caseload_row *,
		    const char *id);
/* `measure list --case CASE` (cmd_measure_list.c); an exit status. */
int	measure_list(struct cli *, struct measure_args *);

#endif /* CMD_MEASURE_INT_H */
