/* SPDX-License-Identifier: ISC */
/*
 * test_wire_renew.c - wire_decode of the certificate renewal messages
 * (Envelope fields 12..15) and of EnrollRequest.renew_device_id: each
 * round trips; an empty or oversized CSR or certificate, a key hash of
 * any length but 32, a notAfter of 0 or before 1970, and device ids
 * with leading zeros, signs, blanks, letters or beyond INT64_MAX are
 * refused before the server (or the laptop) looks at them.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "errors.h"
#include "frame.h"
#include "test.h"
#include "test_wire.h"
#include "wire.h"
#include "wire_renew.h"

static uint8_t	big[WIRE_CERT_MAX + 1];

static void
test_request(void)
{
	Casesync__V1__CertRenewRequest	m;
	wire_env			env;

	TEST_START("CertRenewRequest: CSR of 1..2048 bytes");
	casesync__v1__envelope__init(&env);
	casesync__v1__cert_renew_request__init(&m);
	env.id = 1;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_CERT_RENEW_REQUEST;
	env.cert_renew_request = &m;
	m.csr_der.data = big;
	m.csr_der.len = 0;
	ASSERT_INT_EQ(test_wire_ok(&env), 0);		/* no CSR */
	m.csr_der.len = 1;
	/* the PKI code parses it */
	ASSERT_INT_EQ(test_wire_ok(&env), 1);
	m.csr_der.len = WIRE_CSR_MAX;
	ASSERT_INT_EQ(test_wire_ok(&env), 1);
	m.csr_der.len = WIRE_CSR_MAX + 1;
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	TEST_DONE();
}

static void
test_response(void)
{
	Casesync__V1__CertRenewResponse	m;
	wire_env			env;

	TEST_START("CertRenewResponse: certificate 1..4096 bytes, notAfter");
	casesync__v1__envelope__init(&env);
	casesync__v1__cert_renew_response__init(&m);
	env.id = 2;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_CERT_RENEW_RESPONSE;
	env.cert_renew_response = &m;
	m.cert_der.data = big;
	m.cert_der.len = 700;
	m.not_after = 1800000000;
	ASSERT_INT_EQ(test_wire_ok(&env), 1);
	m.cert_der.len = WIRE_CERT_MAX;
	ASSERT_INT_EQ(test_wire_ok(&env), 1);
	m.cert_der.len = WIRE_CERT_MAX + 1;
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	m.cert_der.len = 0;
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	m.cert_der.len = 700;
	m.not_after = 0;
	ASSERT_INT_EQ(test_wire_ok(&env), 0);		/* not stated */
	m.not_after = -1;
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	m.not_after = INT64_MAX;
	ASSERT_INT_EQ(test_wire_ok(&env), 1);
	TEST_DONE();
}

static void
test_confirm(void)
{
	Casesync__V1__CertRenewConfirm		m;
	Casesync__V1__CertRenewConfirmed	a;
	wire_env				env;
	uint8_t					kh[WIRE_KEYHASH_LEN + 1];

	TEST_START("CertRenewConfirm: exactly 32 bytes; Confirmed: notAfter");
	memset(kh, 0xab, sizeof(kh));
	casesync__v1__envelope__init(&env);
	casesync__v1__cert_renew_confirm__init(&m);
	env.id = 3;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_CERT_RENEW_CONFIRM;
	env.cert_renew_confirm = &m;
	m.key_hash.data = kh;
	m.key_hash.len = WIRE_KEYHASH_LEN;
	ASSERT_INT_EQ(test_wire_ok(&env), 1);
	m.key_hash.len = WIRE_KEYHASH_LEN - 1;
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	m.key_hash.len = WIRE_KEYHASH_LEN + 1;
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	m.key_hash.len = 0;
	ASSERT_INT_EQ(test_wire_ok(&env), 0);

	casesync__v1__cert_renew_confirmed__init(&a);
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_CERT_RENEW_CONFIRMED;
	env.cert_renew_confirmed = &a;
	a.not_after = 1800000000;
	ASSERT_INT_EQ(test_wire_ok(&env), 1);
	a.not_after = -5;
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	TEST_DONE();
}

static void
test_device_id(void)
{
	Casesync__V1__EnrollRequest	m;
	wire_env			env;
	uint8_t				csr[16];
	static const char *const good[] = {
		"1", "42", "9223372036854775807",
	};
	static const char *const bad[] = {
		"0", "01", "+1", "-1", " 1", "1 ", "12a", "0x10",
		"9223372036854775808", "18446744073709551616",
		"10000000000000000000",
		"\xd9\xa1",		/* an Arabic-Indic one */
	};
	size_t				i;

	TEST_START("EnrollRequest.renew_device_id: \"\" or a device id");
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		ASSERT_INT_EQ(wire_device_id_ok(good[i]), 1);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ASSERT_INT_EQ(wire_device_id_ok(bad[i]), 0);
	ASSERT_INT_EQ(wire_device_id_ok(""), 0);
	ASSERT_INT_EQ(wire_device_id_ok(NULL), 0);

	memset(csr, 1, sizeof(csr));
	casesync__v1__envelope__init(&env);
	casesync__v1__enroll_request__init(&m);
	env.id = 4;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_ENROLL_REQUEST;
	env.enroll_request = &m;
	m.token = (char *)(uintptr_t)"cst1-x";
	m.csr_der.data = csr;
	m.csr_der.len = sizeof(csr);
	ASSERT_INT_EQ(test_wire_ok(&env), 1);		/* a first enrollment */
	m.renew_device_id = (char *)(uintptr_t)"17";
	ASSERT_INT_EQ(test_wire_ok(&env), 1);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		m.renew_device_id = (char *)(uintptr_t)bad[i];
		ASSERT_INT_EQ(test_wire_ok(&env), 0);
	}
	TEST_DONE();
}

int
main(void)
{
	memset(big, 0x30, sizeof(big));
	test_request();
	test_response();
	test_confirm();
	test_device_id();
	ASSERT_STR_EQ(wire_error_name(
	    CASESYNC__V1__ERROR_CODE__ERROR_RENEW_WRONG_DEVICE),
	    "RENEW_WRONG_DEVICE");
	return 0;
}
