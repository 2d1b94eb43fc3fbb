/* SPDX-License-Identifier: ISC */
/*
 * test_reportnames.c - Welcome.report_names and the laptop's copy of it
 * (client/core/reportnames.c): wire_decode() takes "" or one word of
 * [a-z] up to 16 bytes and refuses the whole Welcome otherwise;
 * msg_get_welcome() hands the word over; the laptop keeps the setting
 * of a Welcome that names a device (in a real vault), ignores one that
 * does not, reads an unknown word as "roles" and follows a change back;
 * a professional shows as "NAME (ROLE)" or as the role alone.
 */
#include <sys/stat.h>

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "errors.h"
#include "log.h"
#include "msg.h"
#include "msg_session.h"
#include "reportnames.h"
#include "test.h"
#include "test_msg.h"
#include "util.h"
#include "vault.h"

#define PASS	"correct horse battery staple"

/*
 * A Welcome with "word" (and an identity if "ident") as the server's
 * encoder writes it, decoded as the laptop does: 0 or the error.
 */
static int
welcome_rt(const char *word, int ident, struct msg **out)
{
	struct msg_welcome	w;
	struct msg_out		o;

	memset(&w, 0, sizeof(w));
	w.server_version = "t";
	w.report_names = word;
	if (ident) {
		w.has_identity = 1;
		w.identity.device_id = "1";
		w.identity.device_name = "a";
		w.identity.user_id = "1";
		w.identity.user_name = "anna";
		w.identity.role = "jeugdbeschermer";
		w.identity.office = "Zwolle";
	}
	o = msg_out_welcome(&w);
	return test_msg_roundtrip(&o, 1, out);
}

static void
test_wire(void)
{
	const char *const	 good[] = { "", "names", "roles", "initials",
				    "abcdefghijklmnop" };
	const char *const	 bad[] = { "Names", "roles ", " names", "na-mes",
				    "n\xc3\xa4mes", "abcdefghijklmnopq", "r1" };
	struct msg_welcome	 w;
	struct msg		*m;
	size_t			 i;

	TEST_START("Welcome.report_names: \"\" or a word of [a-z], <= 16");
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		ASSERT_INT_EQ(welcome_rt(good[i], 1, &m), 0);
		ASSERT_INT_EQ(msg_get_welcome(m, &w), 0);
		ASSERT_STR_EQ(w.report_names, good[i]);
		msg_free(m);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ASSERT_INT_EQ(welcome_rt(bad[i], 1, &m), CS_ERR_FORMAT);
	TEST_DONE();
}

static void
test_words(void)
{
	char	b[REPORTNAMES_WHO_MAX];

	TEST_START("reportnames_parse, _role, _who");
	ASSERT_INT_EQ(reportnames_parse(NULL), REPORTNAMES_NAMES);
	ASSERT_INT_EQ(reportnames_parse(""), REPORTNAMES_NAMES);
	ASSERT_INT_EQ(reportnames_parse("names"), REPORTNAMES_NAMES);
	ASSERT_INT_EQ(reportnames_parse("roles"), REPORTNAMES_ROLES);
	ASSERT_INT_EQ(reportnames_parse("initials"), REPORTNAMES_ROLES);
	ASSERT_STR_EQ(reportnames_role("teamleider"), "teamleider");
	ASSERT_STR_EQ(reportnames_role("gedragswetenschapper"),
	    "gedragswetenschapper");
	ASSERT_STR_EQ(reportnames_role(""), "medewerker");
	ASSERT_STR_EQ(reportnames_role(NULL), "medewerker");
	ASSERT_STR_EQ(reportnames_role("root"), "medewerker");
	ASSERT_STR_EQ(reportnames_who(REPORTNAMES_NAMES, "anna",
	    "jeugdbeschermer", b, sizeof(b)), "anna (jeugdbeschermer)");
	ASSERT_STR_EQ(reportnames_who(REPORTNAMES_NAMES, "anna", "", b,
	    sizeof(b)), "anna");
	ASSERT_STR_EQ(reportnames_who(REPORTNAMES_NAMES, "anna", "x", b,
	    sizeof(b)), "anna (medewerker)");
	ASSERT_STR_EQ(reportnames_who(REPORTNAMES_NAMES, "", "teamleider", b,
	    sizeof(b)), "teamleider");
	ASSERT_STR_EQ(reportnames_who(REPORTNAMES_ROLES, "anna",
	    "jeugdbeschermer", b, sizeof(b)), "jeugdbeschermer");
	ASSERT_STR_EQ(reportnames_who(REPORTNAMES_ROLES, "anna", NULL, b,
	    sizeof(b)), "medewerker");
	/* cut short, never overrun */
	ASSERT_STR_EQ(reportnames_who(REPORTNAMES_NAMES, "anna",
	    "teamleider", b, 5), "anna");
	TEST_DONE();
}

static void
test_keep(void)
{
	char			 dir[PATH_MAX], p[PATH_MAX + 32];
	const char		*f[] = { VAULT_DB_FILE, VAULT_DB_FILE "-wal",
				    VAULT_DB_FILE "-shm", VAULT_DB_FILE "-head",
				    VAULT_KEY_FILE };
	enum reportnames	 rn;
	struct vault		*v = NULL;
	struct msg		*m;
	size_t			 i;

	TEST_START("the laptop keeps the setting of its own Welcome");
	ASSERT_INT_EQ(str_fmt(dir, sizeof(dir),
	    "/tmp/test_reportnames.XXXXXX"), 0);
	ASSERT_PTR_NE(mkdtemp(dir), NULL);
	ASSERT_INT_EQ(vault_create(dir, PASS, strlen(PASS), &v), 0);
	ASSERT_INT_EQ(reportnames_get(v, &rn), 0);
	ASSERT_INT_EQ(rn, REPORTNAMES_NAMES);		/* never told */
	/* no identity: not an authenticated device's Welcome */
	ASSERT_INT_EQ(welcome_rt("roles", 0, &m), 0);
	ASSERT_INT_EQ(reportnames_welcome(v, m), 0);
	msg_free(m);
	ASSERT_INT_EQ(reportnames_get(v, &rn), 0);
	ASSERT_INT_EQ(rn, REPORTNAMES_NAMES);
	ASSERT_INT_EQ(welcome_rt("roles", 1, &m), 0);
	ASSERT_INT_EQ(reportnames_welcome(v, m), 0);
	msg_free(m);
	/* kept across a close */
	vault_close(v);
	v = NULL;
	ASSERT_INT_EQ(vault_open(dir, PASS, strlen(PASS), &v), 0);
	ASSERT_INT_EQ(reportnames_get(v, &rn), 0);
	ASSERT_INT_EQ(rn, REPORTNAMES_ROLES);
	/* "" is names: back again */
	ASSERT_INT_EQ(welcome_rt("", 1, &m), 0);
	ASSERT_INT_EQ(reportnames_welcome(v, m), 0);
	msg_free(m);
	ASSERT_INT_EQ(reportnames_get(v, &rn), 0);
	ASSERT_INT_EQ(rn, REPORTNAMES_NAMES);
	/* a newer server's word: the reading that shows less */
	ASSERT_INT_EQ(welcome_rt("initials", 1, &m), 0);
	ASSERT_INT_EQ(reportnames_welcome(v, m), 0);
	msg_free(m);
	ASSERT_INT_EQ(reportnames_get(v, &rn), 0);
	ASSERT_INT_EQ(rn, REPORTNAMES_ROLES);
	/* a damaged value reads as roles too */
	ASSERT_INT_EQ(vault_secret_put(v, REPORTNAMES_SECRET,
	    (const uint8_t *)"xy", 2), 0);
	ASSERT_INT_EQ(reportnames_get(v, &rn), 0);
	ASSERT_INT_EQ(rn, REPORTNAMES_ROLES);
	vault_close(v);
	for (i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
		ASSERT_INT_EQ(str_fmt(p, sizeof(p), "%s/%s", dir, f[i]), 0);
		(void)unlink(p);
	}
	ASSERT_INT_EQ(rmdir(dir), 0);
	TEST_DONE();
}

int
main(void)
{
	log_init(1, "test_reportnames");
	ASSERT_INT_GE(sodium_init(), 0);
	ASSERT_INT_EQ(setenv("CASESYNC_KDF", "fast", 1), 0);
	test_wire();
	test_words();
	test_keep();
	return 0;
}
