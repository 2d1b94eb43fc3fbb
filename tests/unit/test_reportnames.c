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

#include "buf.h"
#include "errors.h"
#include "frame.h"
#include "log.h"
#include "msg.h"
#include "msg_session.h"
#include "reportnames.h"
#include "test.h"
#include "util.h"
#include "vault.h"
#include "wire.h"

#define PASS	"correct horse battery staple"

/* A Welcome with "word" (and an identity if "ident"), decoded. */
static int
welcome_rt(const char *word, int ident, struct msg **out)
{
	Casesync__V1__Welcome	 w;
	Casesync__V1__Identity	 id;
	wire_env		 env, *dec = NULL;
	struct buf		*b;
	const uint8_t		*p;
	size_t			 len;
	int			 r;

	casesync__v1__envelope__init(&env);
	casesync__v1__welcome__init(&w);
	casesync__v1__identity__init(&id);
	w.server_version = "t";
	w.report_names = (char *)(uintptr_t)word;
	if (ident) {
		id.device_id = "1";
		id.user_name = "anna";
		id.role = "jeugdbeschermer";
		w.identity = &id;
	}
	env.id = 1;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_WELCOME;
	env.welcome = &w;
	b = buf_new(FRAME_MAX_DEFAULT);
	ASSERT_INT_EQ(wire_encode(&env, FRAME_MAX_DEFAULT, b), 0);
	ASSERT_INT_EQ(frame_get(b, FRAME_MAX_DEFAULT, &p, &len), 0);
	r = wire_decode(p, len, &dec);
	buf_free(b);
	if (r != 0)
		ASSERT_PTR_EQ(dec, NULL);
	*out = r == 0 ? env_msg(dec) : NULL;
	return r;
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
