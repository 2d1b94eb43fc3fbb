/* SPDX-License-Identifier: ISC */
/*
 * test_msg_device.c - the device's and the audit messages
 * (proto/msg_device, proto/msg_audit): EnrollRequest, EnrollResponse
 * (with and without its Identity), the four renewal messages,
 * CheckpointRequest, CheckpointResponse (without and with a restore and
 * its two proofs), ReadLogUpload (a batch of MSG_READS_MAX events) and
 * ReadLogAck go out through msg_out_*(), come back through msg_decode()
 * and read back the same through msg_get_*(); a getter of another
 * message refuses; what the validators refuse (a key hash of 31 bytes,
 * a notAfter of 0, a counter that skips, a root of 31 bytes) does not
 * decode, and the encoders refuse what no peer would accept.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "errors.h"
#include "frame.h"
#include "msg.h"
#include "msg_audit.h"
#include "msg_device.h"
#include "test.h"
#include "test_msg.h"

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
	ASSERT_INT_EQ(test_msg_roundtrip(&o, 7, &m), 0);
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
	ASSERT_INT_EQ(test_msg_roundtrip(&o, 8, &m), 0);
	ASSERT_INT_EQ(msg_get_enroll_request(m, &got), 0);
	ASSERT_STR_EQ(got.renew_device_id, "4711");
	msg_free(m);
	/* not a device id: wire_renew.c refuses it at decode */
	q.renew_device_id = "0047";
	ASSERT_INT_EQ(test_msg_roundtrip(&o, 9, &m), CS_ERR_FORMAT);
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
	ASSERT_INT_EQ(test_msg_roundtrip(&o, 1, &m), 0);
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
	ASSERT_INT_EQ(test_msg_roundtrip(&o, 2, &m), 0);
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
	ASSERT_INT_EQ(test_msg_roundtrip(&o, 3, &m), 0);
	ASSERT_INT_EQ(msg_get_cert_renew_request(m, &got), 0);
	bytes_eq(got, csr, sizeof(csr));
	ASSERT_INT_EQ(msg_get_cert_renew_confirm(m, &got), CS_ERR_PROTOCOL);
	msg_free(m);

	rs.cert_der = (struct msg_bytes){ cert, sizeof(cert) };
	rs.not_after = 1800000000;
	o = msg_out_cert_renew_response(&rs);
	ASSERT_INT_EQ(test_msg_roundtrip(&o, 4, &m), 0);
	ASSERT_INT_EQ(msg_get_cert_renew_response(m, &rsgot), 0);
	bytes_eq(rsgot.cert_der, cert, sizeof(cert));
	ASSERT_INT_EQ(rsgot.not_after, 1800000000);
	ASSERT_INT_EQ(msg_get_cert_renew_confirmed(m, &nagot),
	    CS_ERR_PROTOCOL);
	msg_free(m);
	rs.not_after = 0;
	ASSERT_INT_EQ(test_msg_roundtrip(&o, 4, &m), CS_ERR_FORMAT);

	memset(kh, 0xab, sizeof(kh));
	b = (struct msg_bytes){ kh, 32 };
	o = msg_out_cert_renew_confirm(&b);
	ASSERT_INT_EQ(test_msg_roundtrip(&o, 5, &m), 0);
	ASSERT_INT_EQ(msg_get_cert_renew_confirm(m, &got), 0);
	bytes_eq(got, kh, 32);
	ASSERT_INT_EQ(msg_get_cert_renew_request(m, &got), CS_ERR_PROTOCOL);
	msg_free(m);
	b.len = 31;
	ASSERT_INT_EQ(test_msg_roundtrip(&o, 5, &m), CS_ERR_FORMAT);
	b.len = 33;
	ASSERT_INT_EQ(test_msg_roundtrip(&o, 5, &m), CS_ERR_FORMAT);

	na = 1800000123;
	o = msg_out_cert_renew_confirmed(&na);
	ASSERT_INT_EQ(test_msg_roundtrip(&o, 6, &m), 0);
	ASSERT_INT_EQ(msg_get_cert_renew_confirmed(m, &nagot), 0);
	ASSERT_INT_EQ(nagot, na);
	ASSERT_INT_EQ(msg_get_cert_renew_response(m, &rsgot),
	    CS_ERR_PROTOCOL);
	msg_free(m);
	TEST_DONE();
}

static void
proof_fill(struct msg_proof *p, size_t n, uint8_t seed)
{
	size_t	i;

	p->n = n;
	for (i = 0; i < n; i++)
		memset(p->hash[i], (int)(seed + i), MSG_HASH_LEN);
}

static void
proof_eq(const struct msg_proof *a, const struct msg_proof *b)
{
	ASSERT_INT_EQ(a->n, b->n);
	if (a->n > 0)
		ASSERT_MEM_EQ(a->hash, b->hash, a->n * MSG_HASH_LEN);
}

static void
test_cp_request(void)
{
	struct msg_checkpoint_request	q, got;
	struct msg_read_log_upload	up;
	struct msg_out			o;
	struct msg			*m;

	TEST_START("CheckpointRequest round trip");
	q.old_size = 123456789012ULL;
	q.generation = 0x1234567890abcdefLL;
	o = msg_out_checkpoint_request(&q);
	ASSERT_INT_EQ(test_msg_roundtrip(&o, 11, &m), 0);
	ASSERT_INT_EQ(msg_type(m), MSG_CHECKPOINT_REQUEST);
	ASSERT_INT_EQ(msg_get_checkpoint_request(m, &got), 0);
	ASSERT_INT_EQ(got.old_size, q.old_size);
	ASSERT_INT_EQ(got.generation, q.generation);
	ASSERT_INT_EQ(msg_get_read_log_upload(m, &up), CS_ERR_PROTOCOL);
	msg_free(m);
	TEST_DONE();
}

static void
test_cp_response(void)
{
	static struct msg_checkpoint_response	r, got;
	uint8_t					root[32], sig[64], pk[32];
	uint8_t					broot[32], oroot[32], rsig[64];
	struct msg_checkpoint_request		q;
	struct msg_out				o;
	struct msg				*m;

	TEST_START("CheckpointResponse round trip, with a restore");
	memset(&r, 0, sizeof(r));
	memset(root, 1, sizeof(root));
	memset(sig, 2, sizeof(sig));
	memset(pk, 3, sizeof(pk));
	r.checkpoint.size = 1000;
	r.checkpoint.root = (struct msg_bytes){ root, sizeof(root) };
	r.checkpoint.time = 1765000000;
	r.checkpoint.signature = (struct msg_bytes){ sig, sizeof(sig) };
	r.checkpoint.public_key = (struct msg_bytes){ pk, sizeof(pk) };
	proof_fill(&r.consistency, MSG_PROOF_MAX, 9);
	o = msg_out_checkpoint_response(&r);
	ASSERT_INT_EQ(test_msg_roundtrip(&o, 12, &m), 0);
	ASSERT_INT_EQ(msg_get_checkpoint_response(m, &got), 0);
	ASSERT_INT_EQ(got.checkpoint.size, 1000);
	bytes_eq(got.checkpoint.root, root, sizeof(root));
	ASSERT_INT_EQ(got.checkpoint.time, 1765000000);
	bytes_eq(got.checkpoint.signature, sig, sizeof(sig));
	bytes_eq(got.checkpoint.public_key, pk, sizeof(pk));
	proof_eq(&got.consistency, &r.consistency);
	ASSERT_INT_EQ(got.has_restore, 0);
	ASSERT_INT_EQ(got.restore_consistency.n, 0);
	ASSERT_INT_EQ(got.old_consistency.n, 0);
	ASSERT_INT_EQ(msg_get_checkpoint_request(m, &q), CS_ERR_PROTOCOL);
	msg_free(m);

	memset(broot, 4, sizeof(broot));
	memset(oroot, 5, sizeof(oroot));
	memset(rsig, 6, sizeof(rsig));
	r.has_restore = 1;
	r.restore.generation = 0x7fffffffffffff01ULL;
	r.restore.backup_time = 1764000000;
	r.restore.backup_size = 700;
	r.restore.backup_root = (struct msg_bytes){ broot, sizeof(broot) };
	r.restore.old_size = 900;
	r.restore.old_root = (struct msg_bytes){ oroot, sizeof(oroot) };
	r.restore.restored_at = 1764500000;
	r.restore.restore_seq = 4242;
	r.restore.signature = (struct msg_bytes){ rsig, sizeof(rsig) };
	proof_fill(&r.consistency, 3, 20);
	proof_fill(&r.restore_consistency, 5, 40);
	proof_fill(&r.old_consistency, 2, 60);
	ASSERT_INT_EQ(test_msg_roundtrip(&o, 13, &m), 0);
	ASSERT_INT_EQ(msg_get_checkpoint_response(m, &got), 0);
	proof_eq(&got.consistency, &r.consistency);
	ASSERT_INT_EQ(got.has_restore, 1);
	ASSERT_TRUE(got.restore.generation == r.restore.generation);
	ASSERT_INT_EQ(got.restore.backup_time, 1764000000);
	ASSERT_INT_EQ(got.restore.backup_size, 700);
	bytes_eq(got.restore.backup_root, broot, sizeof(broot));
	ASSERT_INT_EQ(got.restore.old_size, 900);
	bytes_eq(got.restore.old_root, oroot, sizeof(oroot));
	ASSERT_INT_EQ(got.restore.restored_at, 1764500000);
	ASSERT_INT_EQ(got.restore.restore_seq, 4242);
	bytes_eq(got.restore.signature, rsig, sizeof(rsig));
	proof_eq(&got.restore_consistency, &r.restore_consistency);
	proof_eq(&got.old_consistency, &r.old_consistency);
	msg_free(m);

	/* a root of 31 bytes: wire.c refuses it at decode */
	r.checkpoint.root.len = 31;
	ASSERT_INT_EQ(test_msg_roundtrip(&o, 14, &m), CS_ERR_FORMAT);
	ASSERT_PTR_EQ(m, NULL);
	TEST_DONE();
}

static void
test_reads(void)
{
	static struct msg_read_event	ev[MSG_READS_MAX];
	static char			cid[MSG_READS_MAX][37];
	static uint8_t			h[MSG_READS_MAX][32];
	struct msg_read_log_upload	up, got;
	struct msg_read_event		e;
	struct msg_checkpoint_request	q;
	uint8_t				prev[32], sig[71];
	struct msg_out			o;
	struct msg			*m;
	int64_t				last;
	size_t				i;

	TEST_START("ReadLogUpload of 1000 events, ReadLogAck");
	memset(prev, 7, sizeof(prev));
	memset(sig, 8, sizeof(sig));
	for (i = 0; i < MSG_READS_MAX; i++) {
		ev[i].n = 501 + i;
		ev[i].at = 1765000000 + (int64_t)i;
		ev[i].action = i % 2 ? "show" : "list";
		(void)snprintf(cid[i], sizeof(cid[i]),
		    "00000000-0000-4000-8000-%012zu", i);
		ev[i].case_id = i % 2 ? cid[i] : "";
		memset(h[i], (int)i, sizeof(h[i]));
		ev[i].hash = (struct msg_bytes){ h[i], sizeof(h[i]) };
	}
	up.prev = (struct msg_bytes){ prev, sizeof(prev) };
	up.events = ev;
	up.n_events = MSG_READS_MAX;
	up.signature = (struct msg_bytes){ sig, sizeof(sig) };
	o = msg_out_read_log_upload(&up);
	ASSERT_INT_EQ(test_msg_roundtrip(&o, 21, &m), 0);
	ASSERT_INT_EQ(msg_get_read_log_upload(m, &got), 0);
	bytes_eq(got.prev, prev, sizeof(prev));
	bytes_eq(got.signature, sig, sizeof(sig));
	ASSERT_INT_EQ(got.n_events, MSG_READS_MAX);
	ASSERT_PTR_EQ(got.events, NULL);
	for (i = 0; i < got.n_events; i++) {
		msg_read_log_upload_item(m, i, &e);
		ASSERT_INT_EQ(e.n, ev[i].n);
		ASSERT_INT_EQ(e.at, ev[i].at);
		ASSERT_STR_EQ(e.action, ev[i].action);
		ASSERT_STR_EQ(e.case_id, ev[i].case_id);
		bytes_eq(e.hash, h[i], sizeof(h[i]));
	}
	msg_read_log_upload_item(m, got.n_events, &e);	/* beyond: empty */
	ASSERT_INT_EQ(e.n, 0);
	ASSERT_PTR_EQ(e.action, NULL);
	ASSERT_INT_EQ(msg_get_checkpoint_request(m, &q), CS_ERR_PROTOCOL);
	ASSERT_INT_EQ(msg_get_read_log_ack(m, &last), CS_ERR_PROTOCOL);
	msg_free(m);

	/* counters that skip one: refused at decode */
	ev[7].n = 9999;
	ASSERT_INT_EQ(test_msg_roundtrip(&o, 22, &m), CS_ERR_FORMAT);
	ev[7].n = 508;
	up.n_events = 1;
	ASSERT_INT_EQ(test_msg_roundtrip(&o, 23, &m), 0);
	ASSERT_INT_EQ(msg_get_read_log_upload(m, &got), 0);
	ASSERT_INT_EQ(got.n_events, 1);
	msg_free(m);

	last = 1500;
	o = msg_out_read_log_ack(&last);
	ASSERT_INT_EQ(test_msg_roundtrip(&o, 24, &m), 0);
	last = 0;
	ASSERT_INT_EQ(msg_get_read_log_ack(m, &last), 0);
	ASSERT_INT_EQ(last, 1500);
	ASSERT_INT_EQ(msg_get_read_log_upload(m, &got), CS_ERR_PROTOCOL);
	msg_free(m);
	TEST_DONE();
}

static void
test_refused_encodes(void)
{
	struct msg_read_log_upload	up;
	struct msg_checkpoint_request	q;
	struct msg_out			o;
	struct buf			*b;
	int64_t				last = -1;

	TEST_START("encoders refuse what no peer would accept");
	b = buf_new(FRAME_MAX_DEFAULT);
	ASSERT_PTR_NE(b, NULL);
	memset(&up, 0, sizeof(up));
	o = msg_out_read_log_upload(&up);		/* no events */
	ASSERT_INT_EQ(msg_encode(1, &o, FRAME_MAX_DEFAULT, b),
	    CS_ERR_INTERNAL);
	o = msg_out_read_log_ack(&last);
	ASSERT_INT_EQ(msg_encode(1, &o, FRAME_MAX_DEFAULT, b),
	    CS_ERR_INTERNAL);
	q.old_size = (uint64_t)INT64_MAX + 1;
	q.generation = 0;
	o = msg_out_checkpoint_request(&q);
	ASSERT_INT_EQ(msg_encode(1, &o, FRAME_MAX_DEFAULT, b),
	    CS_ERR_INTERNAL);
	ASSERT_INT_EQ(buf_len(b), 0);
	buf_free(b);
	TEST_DONE();
}

int
main(void)
{
	test_enroll_request();
	test_enroll_response();
	test_renew();
	test_cp_request();
	test_cp_response();
	test_reads();
	test_refused_encodes();
	return 0;
}
