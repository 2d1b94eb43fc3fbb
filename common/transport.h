/* SPDX-License-Identifier: ISC */
/*
 * transport.h - what the two ends agree on below the messages: the
 * ALPN protocol name TLS negotiates (tlsio.c offers and requires it)
 * and the protocol version a Hello carries (docs/PROTOCOL.md).  Here,
 * not in proto/, so that common/ includes nothing of proto/.
 */
#ifndef TRANSPORT_H
#define TRANSPORT_H

#define CS_ALPN			"casesync/1"
#define CS_PROTOCOL_VERSION	1

#endif /* TRANSPORT_H */
