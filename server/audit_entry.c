/* SPDX-License-Identifier: ISC */
/*
 * audit_entry.c - the audit entry (see audit_entry.h): its fields,
 * filled from a device or the host account, and its canonical
 * encoding and leaf hash.
 */
#include <sys/types.h>

#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit_entry.h"
#include "audit_text.h"
#include "buf.h"
#include "errors.h"
#include "store.h"
#include "util.h"

void
audit_set(char dst[AUDIT_STR_MAX + 1], const char *s)
{
	size_t	len;

	dst[0] = '\0';
	if (s == NULL)
		return;
	/* do not cut a UTF-8 sequence in two */
	len = utf8_cut(s, strnlen(s, AUDIT_STR_MAX + 1), AUDIT_STR_MAX);
	memcpy(dst, s, len);
	dst[len] = '\0';
}

void
audit_entry_init(struct audit_entry *e, const char *type, char action,
    int ok)
{
	memset(e, 0, sizeof(*e));
	e->server_time = time_now();
	e->action = action;
	audit_set(e->type, type);
	audit_set(e->outcome, ok ? "success" : "failure");
}

void
audit_entry_device(struct audit_entry *e, const struct store_device *dev,
    const char *addr)
{
	if (dev != NULL && dev->id != 0) {
		e->user_id = dev->user.id;
		audit_set(e->user, dev->user.name);
		audit_set(e->role, dev->user.role);
		audit_set(e->office, dev->user.office);
		e->device_id = dev->id;
	}
	audit_set(e->addr, addr);
}

void
audit_entry_host(struct audit_entry *e, const char *basis)
{
	struct passwd	*pw;
	const char	*sudo = getenv("SUDO_USER");
	char		 name[AUDIT_STR_MAX + 1];
	int		 r;

	/* the real uid: who ran the program, whatever it runs as */
	if ((pw = getpwuid(getuid())) != NULL && pw->pw_name != NULL)
		r = str_fmt(name, sizeof(name), "host:%s", pw->pw_name);
	else
		r = str_fmt(name, sizeof(name), "host:uid %lu",
		    (unsigned long)getuid());
	/* sudo says who asked; names only (audit_text_ok), never text */
	if (r == 0 && sudo != NULL && sudo[0] != '\0' &&
	    strlen(sudo) <= 64 && audit_text_ok(sudo) &&
	    strchr(sudo, ' ') == NULL)
		(void)str_fmt(name + strlen(name), sizeof(name) - strlen(name),
		    " sudo:%s", sudo);
	audit_set(e->user, name);
	audit_set(e->basis, basis);
	audit_set(e->addr, "local");
}
