/* SPDX-License-Identifier: ISC */
/*
 * reportnames.c - names or roles of professionals in reports (see
 * reportnames.h).
 */
#include <stdint.h>
#include <string.h>

#include "errors.h"
#include "log.h"
#include "msg.h"
#include "msg_session.h"
#include "reportnames.h"
#include "util.h"
#include "vault.h"

enum reportnames
reportnames_parse(const char *word)
{
	if (word == NULL || word[0] == '\0' || strcmp(word, "names") == 0)
		return REPORTNAMES_NAMES;
	return REPORTNAMES_ROLES;
}

int
reportnames_get(struct vault *v, enum reportnames *out)
{
	uint8_t	*p = NULL;
	size_t	 len = 0;
	int	 r;

	*out = REPORTNAMES_NAMES;
	if ((r = vault_secret_get(v, REPORTNAMES_SECRET, &p, &len)) != 0)
		return r == CS_ERR_NOT_FOUND ? 0 : vault_err(v, r);
	/* one byte, written below: anything else reads as roles */
	*out = len == 1 && p[0] == REPORTNAMES_NAMES ? REPORTNAMES_NAMES :
	    REPORTNAMES_ROLES;
	vault_secret_free(p, len);
	return 0;
}

int
reportnames_welcome(struct vault *v, const struct msg *welcome)
{
	struct msg_welcome	w;
	enum reportnames	now, kept;
	uint8_t			b;
	int			r;

	if (msg_get_welcome(welcome, &w) != 0 || !w.has_identity)
		return 0;
	now = reportnames_parse(w.report_names);
	if ((r = reportnames_get(v, &kept)) != 0)
		return r;
	if (kept == now)
		return 0;	/* also the default, never written */
	b = (uint8_t)now;
	if ((r = vault_secret_put(v, REPORTNAMES_SECRET, &b, 1)) != 0) {
		r = vault_err(v, r);
		log_warnx("cannot keep the server's report_names: %s",
		    cs_err(r));
	}
	return r;
}

const char *
reportnames_role(const char *role)
{
	static const char *const roles[] = {
		"jeugdbeschermer", "gedragswetenschapper", "teamleider",
		"auditor", "beheerder",
	};
	size_t	i;

	for (i = 0; role != NULL && i < sizeof(roles) / sizeof(roles[0]);
	    i++)
		if (strcmp(role, roles[i]) == 0)
			return roles[i];
	return "medewerker";
}

const char *
reportnames_who(enum reportnames mode, const char *name, const char *role,
    char *dst, size_t len)
{
	const char	*r = reportnames_role(role);
	int		 known = role != NULL && role[0] != '\0';

	if (mode == REPORTNAMES_ROLES || name == NULL || name[0] == '\0')
		(void)str_fmt(dst, len, "%s", r);
	else if (known)
		(void)str_fmt(dst, len, "%s (%s)", name, r);
	else
		(void)str_fmt(dst, len, "%s", name);
	return dst;
}
