/* SPDX-License-Identifier: ISC */
/*
 * netaddr.h - the form of a service address, "HOST:PORT": one entry
 * of Welcome.addresses (DESIGN §11; wire.c checks it with these), of
 * casesyncd's "addresses" setting, of "casesync server set" and of the
 * laptop's list in its vault.  The same check everywhere, so that the
 * server cannot be configured to send what its laptops would refuse.
 * Plain C: no protobuf here (docs/ARCHITECTURE.md).
 *
 * An address only says where to open a TCP connection: the TLS name the
 * laptop verifies is always the one it was enrolled with, whichever
 * address it uses.  The form is kept narrow all the same (no spaces,
 * no zone ids, no service names, no "0x7f.1" spellings that resolvers
 * read differently), so that what a person reads is where it goes.
 */
#ifndef NETADDR_H
#define NETADDR_H

#include <stddef.h>

#define NETADDR_LIST_MAX		8	/* addresses in one list */
#define NETADDR_MAX		255	/* bytes of one "HOST:PORT" */

/*
 * 1 if "s" is HOST:PORT of at most NETADDR_MAX printable ASCII bytes:
 * HOST a DNS name (labels of letters, digits and '-', not starting or
 * ending with '-', 1..63 bytes each, at most 253 in all, the last label
 * not all digits), a dotted-quad IPv4 address, or an IPv6 address in
 * brackets; not an unspecified (0.0.0.0, ::) or broadcast address.
 * PORT 1..65535 in decimal without a leading zero.  NULL is 0.
 */
int	netaddr_ok(const char *s);
/*
 * 1 if "addrs" holds 0..NETADDR_LIST_MAX addresses, each netaddr_ok(),
 * no two the same (compared without regard to the case of letters).
 */
int	netaddr_list_ok(const char *const *addrs, size_t n);
/*
 * Split a netaddr_ok() address: the host without brackets into
 * "host", the port into "port".  0, or CS_ERR_FORMAT (not such an
 * address, or a buffer too small).
 */
int	netaddr_split(const char *s, char *host, size_t hostlen,
	    char *port, size_t portlen);

#endif /* NETADDR_H */
