/* SPDX-License-Identifier: ISC */
/*
 * test_msg_device.c - proto/msg_device: EnrollRequest, EnrollResponse
 * (with and without its Identity) and the four renewal messages go out
 * through msg_out_*(), come back through msg_decode() and read back the
 * same through msg_get_*(); a getter of another message refuses; an
 * encoded message that breaks the validators (a key hash of 31 bytes, a
 * notAfter of 0) does not decode.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "errors.h"
#include "frame.h"
#include "msg.h"
#include "msg_device.h"
#include "test.h"

/* Encode "o" as message "id", decode it: 0 and *m, or the error. */
static int
through(const struct msg_out *o, uint32_t id, struct msg **m)
{
	struct buf	*b;
	const uint8_t	*p;
	size_t		 len;
	int		 r;

	*m = NULL;
	b = buf_new(FRAME_MAX_DEFAULT);
	ASSERT_PTR_NE(b, NULL);
	ASSERT_INT_EQ(msg_encode(id, o, FRAME_MAX_DEFAULT, b), 0);
	ASSERT_INT_EQ(frame_get(b, FRAME_MAX_DEFAULT, &p, &len), 0);
	r = msg_decode(p, len, m);
	buf_free(b);
	return r;
}

static void
bytes_eq(struct msg_bytes a, const uint8_t *p, size_t len)
{
	ASSERT_INT_EQ(a.len, len);
	ASSERT_MEM_EQ(a.p, p, len);
}

static void
test_enroll_request(void)
{
	static const uint8_t		 csr[40] = { 0x30, 0x26, 1, 2, 3 };
	struct msg_enroll_request	 q, got;
	struct msg_out			 o;
	struct msg_bytes		 none;
	struct msg			*m;

	TEST_START("EnrollRequest round trip; renewal by token");
	q.token = "cst1-abc";
	q.csr_der = (struct msg_bytes){ csr, sizeof(csr) };
	q.renew_device_id = "";
	o = msg_out_enroll_request(&q);
	ASSERT_INT_EQ(through(&o, 7, &m), 0);
	ASSERT_INT_EQ(msg_type(m), MSG_ENROLL_REQUEST);
	ASSERT_INT_EQ(msg_id(m), 7);
	ASSERT_INT_EQ(msg_get_enroll_request(m, &got), 0);
	ASSERT_STR_EQ(got.token, "cst1-abc");
	bytes_eq(got.csr_der, csr, sizeof(csr));
	ASSERT_STR_EQ(got.renew_device_id, "");
	/* another message's getter refuses */
	ASSERT_INT_EQ(msg_get_cert_renew_request(m, &none), CS_ERR_PROTOCOL);
	msg_free(m);

	q.renew_device_id = "4711";
	ASSERT_INT_EQ(through(&o, 8, &m), 0);
	ASSERT_INT_EQ(msg_get_enroll_request(m, &got), 0);
	ASSERT_STR_EQ(got.renew_device_id, "4711");
	msg_free(m);
	/* not a device id: wire_renew.c refuses it at decode */
	q.renew_device_id = "0047";
	ASSERT_INT_EQ(through(&o, 9, &m), CS_ERR_FORMAT);
	ASSERT_PTR_EQ(m, NULL);
	TEST_DONE();
}

static void
test_enroll_response(void)
{
	static const uint8_t		 cert[300] = { 0x30, 0x82, 9 };
	static const uint8_t		 ca[200] = { 0x30, 0x81, 7 };
	struct msg_enroll_response	 e, got;
	struct msg_enroll_request	 q;
	struct msg_out			 o;
	struct msg			*m;

	TEST_START("EnrollResponse round trip, with and without Identity");
	memset(&e, 0, sizeof(e));
	e.cert_der = (struct msg_bytes){ cert, sizeof(cert) };
	e.ca_cert_der = (struct msg_bytes){ ca, sizeof(ca) };
	e.has_identity = 1;
	e.identity.device_id = "12";
	e.identity.device_name = "laptop-12";
	e.identity.user_id = "3";
	e.identity.user_name = "j.jansen";
	e.identity.role = "jeugdbeschermer";
	e.identity.office = "Utrecht";
	e.identity.cert_not_after = 1900000000;
	o = msg_out_enroll_response(&e);
	ASSERT_INT_EQ(through(&o, 1, &m), 0);
	ASSERT_INT_EQ(msg_get_enroll_response(m, &got), 0);
	bytes_eq(got.cert_der, cert, sizeof(cert));
	bytes_eq(got.ca_cert_der, ca, sizeof(ca));
	ASSERT_INT_EQ(got.has_identity, 1);
	ASSERT_STR_EQ(got.identity.device_id, "12");
	ASSERT_STR_EQ(got.identity.device_name, "laptop-12");
	ASSERT_STR_EQ(got.identity.user_id, "3");
	ASSERT_STR_EQ(got.identity.user_name, "j.jansen");
	ASSERT_STR_EQ(got.identity.role, "jeugdbeschermer");
	ASSERT_STR_EQ(got.identity.office, "Utrecht");
	ASSERT_INT_EQ(got.identity.cert_not_after, 1900000000);
	ASSERT_INT_EQ(msg_get_enroll_request(m, &q), CS_ERR_PROTOCOL);
	msg_free(m);

	e.has_identity = 0;
	ASSERT_INT_EQ(through(&o, 2, &m), 0);
	ASSERT_INT_EQ(msg_get_enroll_response(m, &got), 0);
	ASSERT_INT_EQ(got.has_identity, 0);
	ASSERT_PTR_EQ(got.identity.device_id, NULL);
	msg_free(m);
	TEST_DONE();
}

static void
test_renew(void)
{
	static const uint8_t		 csr[64] = { 0x30, 0x3e };
	static const uint8_t		 cert[512] = { 0x30, 0x82, 1, 0xfc };
	uint8_t				 kh[33];
	struct msg_cert_renew_response	 rs, rsgot;
	struct msg_bytes		 b, got;
	struct msg_out			 o;
	struct msg			*m;
	int64_t				 na, nagot;

	TEST_START("CertRenew* round trips; validators still refuse");
	b = (struct msg_bytes){ csr, sizeof(csr) };
	o = msg_out_cert_renew_request(&b);
	ASSERT_INT_EQ(through(&o, 3, &m), 0);
	ASSERT_INT_EQ(msg_get_cert_renew_request(m, &got), 0);
	bytes_eq(got, csr, sizeof(csr));
	ASSERT_INT_EQ(msg_get_cert_renew_confirm(m, &got), CS_ERR_PROTOCOL);
	msg_free(m);

	rs.cert_der = (struct msg_bytes){ cert, sizeof(cert) };
	rs.not_after = 1800000000;
	o = msg_out_cert_renew_response(&rs);
	ASSERT_INT_EQ(through(&o, 4, &m), 0);
	ASSERT_INT_EQ(msg_get_cert_renew_response(m, &rsgot), 0);
	bytes_eq(rsgot.cert_der, cert, sizeof(cert));
	ASSERT_INT_EQ(rsgot.not_after, 1800000000);
	ASSERT_INT_EQ(msg_get_cert_renew_confirmed(m, &nagot),
	    CS_ERR_PROTOCOL);
	msg_free(m);
	rs.not_after = 0;
	ASSERT_INT_EQ(through(&o, 4, &m), CS_ERR_FORMAT);

	memset(kh, 0xab, sizeof(kh));
	b = (struct msg_bytes){ kh, 32 };
	o = msg_out_cert_renew_confirm(&b);
	ASSERT_INT_EQ(through(&o, 5, &m), 0);
	ASSERT_INT_EQ(msg_get_cert_renew_confirm(m, &got), 0);
	bytes_eq(got, kh, 32);
	ASSERT_INT_EQ(msg_get_cert_renew_request(m, &got), CS_ERR_PROTOCOL);
	msg_free(m);
	b.len = 31;
	ASSERT_INT_EQ(through(&o, 5, &m), CS_ERR_FORMAT);
	b.len = 33;
	ASSERT_INT_EQ(through(&o, 5, &m), CS_ERR_FORMAT);

	na = 1800000123;
	o = msg_out_cert_renew_confirmed(&na);
	ASSERT_INT_EQ(through(&o, 6, &m), 0);
	ASSERT_INT_EQ(msg_get_cert_renew_confirmed(m, &nagot), 0);
	ASSERT_INT_EQ(nagot, na);
	ASSERT_INT_EQ(msg_get_cert_renew_response(m, &rsgot),
	    CS_ERR_PROTOCOL);
	msg_free(m);
	TEST_DONE();
}

int
main(void)
{
	test_enroll_request();
	test_enroll_response();
	test_renew();
	return 0;
}
