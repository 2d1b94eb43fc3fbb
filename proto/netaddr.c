/* SPDX-License-Identifier: ISC */
/*
 * netaddr.c - the form of a service address "HOST:PORT" (see
 * netaddr.h).  Pure string checks plus inet_pton(): nothing here
 * resolves a name or opens a socket.
 */
#include <arpa/inet.h>
#include <netinet/in.h>

#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "errors.h"
#include "netaddr.h"

#define NETADDR_HOST_MAX		253	/* a DNS name's text */
#define NETADDR_LABEL_MAX		63

static int
netaddr_ldh(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '-';
}

/* A DNS name: LDH labels; the last one not all digits (no "127.1"). */
static int
netaddr_dns_ok(const char *h, size_t len)
{
	size_t	i, start = 0;
	int	digits = 1;

	if (len == 0 || len > NETADDR_HOST_MAX)
		return 0;
	for (i = 0; i <= len; i++) {
		if (i == len || h[i] == '.') {
			if (i == start || i - start > NETADDR_LABEL_MAX ||
			    h[start] == '-' || h[i - 1] == '-')
				return 0;
			if (i < len)
				digits = 1;
			start = i + 1;
			continue;
		}
		if (!netaddr_ldh((unsigned char)h[i]))
			return 0;
		if (h[i] < '0' || h[i] > '9')
			digits = 0;
	}
	/* "digits" now says whether the last label was all digits */
	return !digits;
}

static int
netaddr_v4_ok(const char *h)
{
	struct in_addr	a;

	if (inet_pton(AF_INET, h, &a) != 1)
		return 0;
	return a.s_addr != htonl(INADDR_ANY) &&
	    a.s_addr != htonl(INADDR_BROADCAST);
}

static int
netaddr_v6_ok(const char *h)
{
	struct in6_addr	a;

	if (inet_pton(AF_INET6, h, &a) != 1)
		return 0;
	return !IN6_IS_ADDR_UNSPECIFIED(&a);
}

/* 1..65535, decimal, no leading zero, nothing after it. */
static int
netaddr_port_ok(const char *p)
{
	unsigned long	v = 0;
	size_t		i, len = strlen(p);

	if (len == 0 || len > 5 || p[0] == '0')
		return 0;
	for (i = 0; i < len; i++) {
		if (p[i] < '0' || p[i] > '9')
			return 0;
		v = v * 10 + (unsigned long)(p[i] - '0');
	}
	return v <= 65535;
}

int
netaddr_split(const char *s, char *host, size_t hostlen, char *port,
    size_t portlen)
{
	char		 h[NETADDR_MAX + 1];
	struct in_addr	 a4;
	const char	*colon, *hs;
	size_t		 i, len, hl;
	int		 ok;

	if (s == NULL || (len = strnlen(s, NETADDR_MAX + 1)) == 0 ||
	    len > NETADDR_MAX)
		return CS_ERR_FORMAT;
	for (i = 0; i < len; i++)
		if (s[i] <= ' ' || s[i] > '~')
			return CS_ERR_FORMAT;
	if (s[0] == '[') {
		if ((colon = strchr(s, ']')) == NULL || colon[1] != ':')
			return CS_ERR_FORMAT;
		hs = s + 1;
		hl = (size_t)(colon - hs);
		colon++;
	} else {
		if ((colon = strchr(s, ':')) == NULL)
			return CS_ERR_FORMAT;
		hs = s;
		hl = (size_t)(colon - s);
	}
	if (hl == 0 || hl >= sizeof(h))
		return CS_ERR_FORMAT;
	memcpy(h, hs, hl);
	h[hl] = '\0';
	if (s[0] == '[')
		ok = netaddr_v6_ok(h);
	else if (inet_aton(h, &a4) != 0)
		/* "0x7f000001", "127.1": the resolver's numbers, not ours */
		ok = netaddr_v4_ok(h);
	else
		ok = netaddr_dns_ok(h, hl);
	if (!ok || !netaddr_port_ok(colon + 1))
		return CS_ERR_FORMAT;
	if (host != NULL) {
		if (hl >= hostlen)
			return CS_ERR_FORMAT;
		memcpy(host, h, hl + 1);
	}
	if (port != NULL) {
		if (strlen(colon + 1) >= portlen)
			return CS_ERR_FORMAT;
		memcpy(port, colon + 1, strlen(colon + 1) + 1);
	}
	return 0;
}

int
netaddr_ok(const char *s)
{
	return netaddr_split(s, NULL, 0, NULL, 0) == 0;
}

int
netaddr_list_ok(const char *const *addrs, size_t n)
{
	size_t	i, j;

	if (n > NETADDR_LIST_MAX || (n > 0 && addrs == NULL))
		return 0;
	for (i = 0; i < n; i++) {
		if (!netaddr_ok(addrs[i]))
			return 0;
		for (j = 0; j < i; j++)
			if (strcasecmp(addrs[i], addrs[j]) == 0)
				return 0;
	}
	return 1;
}
