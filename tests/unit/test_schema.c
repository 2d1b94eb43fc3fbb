/* SPDX-License-Identifier: ISC */
/*
 * test_schema.c - the kinds of a case file (client/core/schema.c): valid
 * and invalid values of every field type, required fields, and the
 * field-merge rules of every kind (different fields merge, the same
 * field conflicts with both values kept).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "body.h"
#include "errors.h"
#include "merge.h"
#include "schema.h"
#include "test.h"

static const char *const kinds[] = {
	"casefile", "person", "measure", "plan", "goal", "assessment",
	"journal", "partner", "escalation",
};
#define NKINDS	(sizeof(kinds) / sizeof(kinds[0]))

/* A valid value for "f" (variant 0 or 1: two different valid ones). */
static const char *
sample(const struct schema_field *f, int variant)
{
	static char	choice[64];
	const char	*bar;
	size_t		 n;

	switch (f->type) {
	case SCHEMA_TEXT:
		return variant ? "andere tekst" : "tekst";
	case SCHEMA_NAME:
		return variant ? "Bakker" : "Jansen";
	case SCHEMA_LONG:
		return variant ? "regel 1\nregel 2" : "één regel";
	case SCHEMA_DATE:
		return variant ? "2028-02-29" : "2026-11-30";
	case SCHEMA_TIME:
		return variant ? "23:59" : "09:05";
	case SCHEMA_BSN:
		return variant ? "123456782" : "111222333";
	case SCHEMA_GEMEENTE:
		return variant ? "GM0995" : "GM0193";
	case SCHEMA_REF:
		return variant ? "00000000-0000-4000-8000-000000000002" :
		    "00000000-0000-4000-8000-000000000001";
	case SCHEMA_CHOICE:
		if (!variant) {
			bar = strchr(f->choices, '|');
			n = (size_t)(bar - f->choices);
		} else {
			bar = strchr(f->choices, '|') + 1;
			n = strchr(bar, '|') != NULL ?
			    (size_t)(strchr(bar, '|') - bar) : strlen(bar);
			snprintf(choice, sizeof(choice), "%.*s", (int)n, bar);
			return choice;
		}
		snprintf(choice, sizeof(choice), "%.*s", (int)n, f->choices);
		return choice;
	}
	return NULL;
}

static void
set(struct body *b, const char *name, const char *v)
{
	ASSERT_INT_EQ(body_set(b, name, (const uint8_t *)v, strlen(v)), 0);
}

static int
has(const struct body *b, const char *name, const char *v)
{
	const struct body_field	*f = body_get(b, name);

	return f != NULL && f->len == strlen(v) &&
	    memcmp(f->value, v, f->len) == 0;
}

/* The whole record of kind "k" with every field at variant 0. */
static void
full(const struct schema_kind *k, struct body *b)
{
	size_t	i;

	body_init(b);
	for (i = 0; i < k->nfields; i++)
		set(b, k->fields[i].name, sample(&k->fields[i], 0));
}

static void
test_values(void)
{
	const struct schema_kind	*k;
	const char			*why;
	size_t				 i, j;

	TEST_START("schema: sample values of every field are valid");
	for (i = 0; i < NKINDS; i++) {
		ASSERT_TRUE((k = schema_kind(kinds[i])) != NULL);
		for (j = 0; j < k->nfields; j++) {
			ASSERT_INT_EQ(schema_check(&k->fields[j],
			    sample(&k->fields[j], 0), &why), 0);
			ASSERT_INT_EQ(schema_check(&k->fields[j],
			    sample(&k->fields[j], 1), &why), 0);
			ASSERT_PTR_EQ(schema_field(k, k->fields[j].name),
			    &k->fields[j]);
		}
	}
	ASSERT_PTR_EQ(schema_kind("pizza"), NULL);
	TEST_DONE();
}

static void
test_invalid(void)
{
	const struct schema_kind	*p = schema_kind("person");
	const struct schema_kind	*j = schema_kind("journal");
	const struct schema_kind	*m = schema_kind("measure");
	const char			*why = NULL;
	char				 big[SCHEMA_LONG_MAX + 2];

	TEST_START("schema: bad values refused with a reason");
	ASSERT_INT_EQ(schema_check(schema_field(p, "bsn"), "123456789", &why),
	    CS_ERR_FORMAT);
	ASSERT_TRUE(why != NULL);
	ASSERT_INT_EQ(schema_check(schema_field(p, "bsn"), "11122233",
	    &why), CS_ERR_FORMAT);
	ASSERT_INT_EQ(schema_check(schema_field(p, "birth_date"),
	    "2027-02-29", &why), CS_ERR_FORMAT);
	ASSERT_INT_EQ(schema_check(schema_field(p, "birth_date"),
	    "30-11-2026", &why), CS_ERR_FORMAT);
	ASSERT_INT_EQ(schema_check(schema_field(p, "municipality"), "GM193",
	    &why), CS_ERR_FORMAT);
	ASSERT_INT_EQ(schema_check(schema_field(p, "role"), "chil", &why),
	    CS_ERR_FORMAT);
	ASSERT_INT_EQ(schema_check(schema_field(p, "role"), "child|parent",
	    &why), CS_ERR_FORMAT);
	ASSERT_INT_EQ(schema_check(schema_field(p, "role"), "", &why),
	    CS_ERR_FORMAT);
	ASSERT_INT_EQ(schema_check(schema_field(p, "child"),
	    "00000000-0000-4000-8000-00000000000G", &why), CS_ERR_FORMAT);
	ASSERT_INT_EQ(schema_check(schema_field(p, "name"), "Jan\xffsen",
	    &why), CS_ERR_FORMAT);
	ASSERT_INT_EQ(schema_check(schema_field(p, "name"), "Jan\nsen",
	    &why), CS_ERR_FORMAT);
	ASSERT_INT_EQ(schema_check(schema_field(j, "text"), "a\x01" "b",
	    &why), CS_ERR_FORMAT);
	ASSERT_INT_EQ(schema_check(schema_field(j, "text"), "", &why),
	    CS_ERR_FORMAT);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ASSERT_INT_EQ(schema_check(schema_field(j, "text"), big, &why),
	    CS_ERR_FORMAT);
	big[SCHEMA_LONG_MAX] = '\0';
	ASSERT_INT_EQ(schema_check(schema_field(j, "text"), big, &why), 0);
	ASSERT_INT_EQ(schema_check(schema_field(m, "type"), "DRANG", &why),
	    CS_ERR_FORMAT);
	ASSERT_INT_EQ(schema_check(schema_field(j, "time"), "24:00", &why),
	    CS_ERR_FORMAT);
	ASSERT_INT_EQ(schema_check(schema_field(j, "time"), "9:05", &why),
	    CS_ERR_FORMAT);
	ASSERT_INT_EQ(schema_check(schema_field(j, "time"), "12:60", &why),
	    CS_ERR_FORMAT);
	ASSERT_INT_EQ(schema_check(schema_field(j, "time"), "00:00", &why),
	    0);
	TEST_DONE();
}

static void
test_required(void)
{
	const struct schema_kind	*k;
	const char			*missing;
	struct body			 b;
	size_t				 i, j;

	TEST_START("schema: each required field is named when missing");
	for (i = 0; i < NKINDS; i++) {
		k = schema_kind(kinds[i]);
		full(k, &b);
		ASSERT_INT_EQ(schema_complete(k, &b, &missing), 0);
		for (j = 0; j < k->nfields; j++) {
			ASSERT_INT_EQ(body_unset(&b, k->fields[j].name), 0);
			ASSERT_INT_EQ(schema_complete(k, &b, &missing),
			    k->fields[j].required ? CS_ERR_FORMAT : 0);
			if (k->fields[j].required)
				ASSERT_STR_EQ(missing, k->fields[j].name);
			set(&b, k->fields[j].name, sample(&k->fields[j], 0));
		}
		body_free(&b);
	}
	TEST_DONE();
}

static int
count_cb(const char *name, const struct marker_value *v, size_t n,
    int legacy, const struct body_field *cur, void *arg)
{
	(void)name;
	(void)v;
	(void)n;
	(void)legacy;
	(void)cur;
	(*(size_t *)arg)++;
	return 0;
}

static void
test_merge_rules(void)
{
	const struct schema_kind	*k;
	const struct schema_field	*f1, *f2;
	struct body			 base, mine, theirs, out;
	size_t				 i, a, c, nc, listed;

	TEST_START("schema: for every kind, different fields merge and the "
	    "same field conflicts with both values kept");
	for (i = 0; i < NKINDS; i++) {
		k = schema_kind(kinds[i]);
		/* every pair of fields edited on two sides */
		for (a = 0; a < k->nfields; a++) {
			for (c = 0; c < k->nfields; c++) {
				f1 = &k->fields[a];
				f2 = &k->fields[c];
				full(k, &base);
				full(k, &mine);
				full(k, &theirs);
				body_init(&out);
				set(&mine, f1->name, sample(f1, 1));
				if (a == c)
					ASSERT_INT_EQ(body_unset(&theirs,
					    f2->name), 0);
				else
					set(&theirs, f2->name, sample(f2, 1));
				ASSERT_INT_EQ(merge3(&base, &mine, &theirs,
				    NULL, NULL, &out, &nc), 0);
				listed = 0;
				ASSERT_INT_EQ(merge_conflicts(&out, count_cb,
				    &listed), 0);
				if (a != c) {
					ASSERT_INT_EQ(nc, 0);
					ASSERT_TRUE(has(&out, f1->name,
					    sample(f1, 1)));
					ASSERT_TRUE(has(&out, f2->name,
					    sample(f2, 1)));
				} else {
					/* changed here, removed there */
					ASSERT_INT_EQ(nc, 1);
					ASSERT_INT_EQ(listed, 1);
				}
				body_free(&base);
				body_free(&mine);
				body_free(&theirs);
				body_free(&out);
			}
		}
		/* the same field changed to two values: both kept */
		f1 = &k->fields[0];
		full(k, &base);
		full(k, &mine);
		full(k, &theirs);
		body_init(&out);
		set(&mine, f1->name, sample(f1, 1));
		set(&theirs, f1->name, "X");
		ASSERT_INT_EQ(merge3(&base, &mine, &theirs, NULL, NULL, &out,
		    &nc), 0);
		ASSERT_INT_EQ(nc, 1);
		ASSERT_TRUE(has(&out, f1->name, "X"));
		listed = 0;
		ASSERT_INT_EQ(merge_conflicts(&out, count_cb, &listed), 0);
		ASSERT_INT_EQ(listed, 1);
		body_free(&base);
		body_free(&mine);
		body_free(&theirs);
		body_free(&out);
	}
	ASSERT_TRUE(schema_kind("journal")->append_only);
	ASSERT_TRUE(schema_kind("escalation")->append_only);
	ASSERT_TRUE(!schema_kind("person")->append_only);
	TEST_DONE();
}

int
main(void)
{
	test_values();
	test_invalid();
	test_required();
	test_merge_rules();
	return 0;
}
