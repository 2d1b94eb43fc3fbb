/* SPDX-License-Identifier: ISC */
/*
 * schema.h - the structured records of a case file (DESIGN §2) as
 * kinds of record with named, typed fields.  A record's body is the
 * RecordBody protobuf of proto/casesync.proto (named fields, merged
 * field by field by merge.c); this table says which fields each kind
 * has and what a valid value is, so every command checks its input the
 * same way before anything is written.
 */
#ifndef SCHEMA_H
#define SCHEMA_H

#include <stddef.h>

struct body;

enum schema_type {
	SCHEMA_TEXT,		/* short text: strict UTF-8, no controls */
	SCHEMA_NAME,		/* a person's name (VALIDATE_NAME_MAX) */
	SCHEMA_LONG,		/* long text (notes): UTF-8, newlines ok */
	SCHEMA_DATE,		/* YYYY-MM-DD, a real calendar date */
	SCHEMA_TIME,		/* HH:MM, 24 hours */
	SCHEMA_BSN,		/* 9 digits passing the elfproef */
	SCHEMA_GEMEENTE,	/* CBS municipality code GMxxxx */
	SCHEMA_CHOICE,		/* one of "choices" ("a|b|c") */
	SCHEMA_REF		/* a record id (lower-case UUID) */
};

/* The partner types and closing reasons (also the approval's reason). */
#define SCHEMA_PARTNER_TYPES	"wijkteam|school|jeugdhulp|jeugd_ggz|ggz|" \
	"schuldhulpverlening|maatschappelijk_werk|" \
	"schoolmaatschappelijk_werk|politie|veilig_thuis|huisarts|" \
	"woningcorporatie|other"
/*
 * The CLI's word for a court measure is "measure" (docs/CLIENT.md,
 * "Words"), so the reason is "measure" where the proto's comment on
 * CaseInfo.close_reason says "maatregel".
 */
#define SCHEMA_CLOSE_REASONS	"doel_bereikt|measure|verhuisd|overleden|" \
	"other"

#define SCHEMA_LONG_MAX		(32 * 1024)	/* bytes of a long text */

/*
 * A measure record's types (the server's ChildMeasure.type) and its
 * "extensions" field: one line per extension, five fields separated by
 * a tab (a short text holds no control character), oldest first:
 * "DECISION_DATE\tNEW_END\tPREVIOUS_END\tCOURT\tZAAKNUMMER".
 */
#define SCHEMA_MEASURE_TYPES	"VOTS|OTS|UHP|VOOGDIJ_ONTZETTING|" \
	"VOOGDIJ_GEZAGSBEEINDIGING"
#define SCHEMA_MEASURE_EXT_FIELDS	5

struct schema_field {
	const char		*name;		/* body field name */
	enum schema_type	 type;
	int			 required;	/* needed when a record is made */
	const char		*choices;	/* SCHEMA_CHOICE: "a|b|c" */
};

struct schema_kind {
	const char			*kind;		/* record kind */
	const char			*noun;		/* for people */
	int				 append_only;
	const struct schema_field	*fields;
	size_t				 nfields;
	const char			*summary[3];	/* fields for lists */
};

/* The kind called "kind", or NULL. */
const struct schema_kind	*schema_kind(const char *kind);
/* Field "name" of "k", or NULL. */
const struct schema_field	*schema_field(const struct schema_kind *k,
				    const char *name);
/* The index of field "name" in k->fields, or -1. */
int	schema_field_index(const struct schema_kind *k, const char *name);
/*
 * Check "value" for field "f": 0, or CS_ERR_FORMAT with *why a static
 * sentence (never the value: it may be personal data).
 */
int	schema_check(const struct schema_field *f, const char *value,
	    const char **why);
/*
 * Every required field of "k" is in "b": 0, or CS_ERR_FORMAT with
 * *missing the name of the first one that is not.
 */
int	schema_complete(const struct schema_kind *k, const struct body *b,
	    const char **missing);
/* The same, but fields of type "but" (an enum schema_type) may be
 * missing; -1 for none. */
int	schema_complete_but(const struct schema_kind *k, const struct body *b,
	    int but, const char **missing);

#endif /* SCHEMA_H */
