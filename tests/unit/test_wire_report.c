/* SPDX-License-Identifier: ISC */
/*
 * test_wire_report.c - wire_decode of the management figures (Envelope
 * fields 130, 131): a ReportRequest and a ReportReply round trip
 * through msg_report.c's encoders and getters; impossible dates, an
 * office name with a control character or too long, a frame that is
 * none, negative counts (the median's -1 excepted), a month of no
 * group or no month, and too many groups are refused before the server
 * (or the laptop) looks at them.  The fuzz seeds of these messages
 * (tests/fuzz/corpus/wire/report-*) decode.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "errors.h"
#include "frame.h"
#include "lifecycle.h"
#include "msg.h"
#include "msg_report.h"
#include "test.h"
#include "test_wire.h"
#include "wire.h"
#include "wire_report.h"

#define S(x)	((char *)(uintptr_t)(x))

static void
test_request(void)
{
	Casesync__V1__ReportRequest	 m;
	wire_env			 env;
	char				 big[WIRE_STR_MAX + 2];

	TEST_START("ReportRequest: dates and office names");
	casesync__v1__envelope__init(&env);
	casesync__v1__report_request__init(&m);
	env.id = 7;
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_REPORT_REQUEST;
	env.report_request = &m;
	/* all, the asker's office */
	ASSERT_INT_EQ(test_wire_ok(&env), 1);
	m.since = S("2026-01-01");
	m.office = S("Lelystad");
	ASSERT_INT_EQ(test_wire_ok(&env), 1);
	m.office = S("'s-Hertogenbosch \xc3\xa9\xc3\xa9n");
	ASSERT_INT_EQ(test_wire_ok(&env), 1);
	m.since = S("2028-02-29");
	ASSERT_INT_EQ(test_wire_ok(&env), 1);
	m.since = S("2027-02-29");		/* no such day */
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	m.since = S("2026-13-01");
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	m.since = S("2026-1-01");
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	m.since = S("2026-01-01 ");
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	m.since = S("2026-01");			/* casesyncctl's month: not here */
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	m.since = S("");
	m.office = S("Lely\x1bstad");
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	m.office = S("Lely\xc2\x9bstad");	/* C1 CSI */
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	m.office = S("Lely\xffstad");
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';		/* WIRE_STR_MAX + 1 bytes */
	m.office = big;
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	big[WIRE_STR_MAX] = '\0';
	ASSERT_INT_EQ(test_wire_ok(&env), 1);
	TEST_DONE();
}

static void
test_reply(void)
{
	Casesync__V1__ReportGroup	 g[2], *gp[2] = { &g[0], &g[1] };
	Casesync__V1__ReportMonth	 mo, *mp[1] = { &mo };
	Casesync__V1__ReportReply	 m;
	wire_env			 env;

	TEST_START("ReportReply: groups and months");
	casesync__v1__envelope__init(&env);
	casesync__v1__report_reply__init(&m);
	casesync__v1__report_group__init(&g[0]);
	casesync__v1__report_group__init(&g[1]);
	casesync__v1__report_month__init(&mo);
	env.msg_case = CASESYNC__V1__ENVELOPE__MSG_REPORT_REPLY;
	env.report_reply = &m;
	ASSERT_INT_EQ(test_wire_ok(&env), 0);		/* today is needed */
	m.today = S("2026-12-06");
	ASSERT_INT_EQ(test_wire_ok(&env), 1);		/* no groups: fine */
	m.groups = gp;
	m.n_groups = 2;
	g[0].office = g[1].office = S("Lelystad");
	g[0].frame = S("DRANG");
	g[1].frame = S("OTS");
	g[0].drang_median_x2 = g[1].drang_median_x2 = -1;
	ASSERT_INT_EQ(test_wire_ok(&env), 1);
	m.months = mp;
	m.n_months = 1;
	mo.group = 1;
	mo.year = 2026;
	mo.month = 12;
	mo.new_cases = 3;
	ASSERT_INT_EQ(test_wire_ok(&env), 1);
	mo.group = 2;				/* no such group */
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	mo.group = 0;
	mo.month = 13;
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	mo.month = 0;
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	mo.month = 1;
	mo.closed = -1;
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	mo.closed = 0;
	mo.year = 0;
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	mo.year = 2026;
	ASSERT_INT_EQ(test_wire_ok(&env), 1);
	g[1].drang_median_x2 = -2;
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	g[1].drang_median_x2 = 101;
	ASSERT_INT_EQ(test_wire_ok(&env), 1);
	g[1].glass = -1;
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	g[1].glass = 0;
	g[1].transfers_in = INT64_MIN;
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	g[1].transfers_in = 0;
	g[1].frame = S("drang");		/* frames are upper case */
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	g[1].frame = S("OTS");
	g[1].office = S("");
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	g[1].office = S("Lely\nstad");
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	g[1].office = S("Lelystad");
	m.since = S("2026-02-30");
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	m.since = S("2026-02-28");
	ASSERT_INT_EQ(test_wire_ok(&env), 1);
	m.today = S("");
	ASSERT_INT_EQ(test_wire_ok(&env), 0);
	TEST_DONE();
}

static void
test_roundtrip(void)
{
	struct figures_group		 g[2], *gb = NULL;
	struct figures_month		 mo[3], *mb = NULL;
	struct figures			 fig, back;
	struct msg_report_request	 q, qb;
	struct msg_out			 o;
	struct msg			*m = NULL;
	struct buf			*b;
	const uint8_t			*p;
	size_t				 len, i;

	TEST_START("msg_report: encode, decode, the same figures");
	g[0] = (struct figures_group){ "Zwolle", LC_FRAME_DRANG, 2, 2, 0, 1,
	    1, 101, 0, 0, 1, 0, 0, 1, 1 };
	g[1] = (struct figures_group){ "Zwolle", LC_FRAME_VOOGDIJ, 7, 0, 3, 0,
	    0, -1, 0, 4, 0, 2, 5, 6, 0 };
	for (i = 0; i < 3; i++)
		mo[i] = (struct figures_month){ i % 2, 2026, (int)i + 10,
		    (int64_t)i, (int64_t)i * 2 };
	ASSERT_INT_EQ(lc_date_parse("2026-12-06", &fig.today), 0);
	ASSERT_INT_EQ(lc_date_parse("2026-10-01", &fig.since), 0);
	fig.groups = g;
	fig.ngroups = 2;
	fig.months = mo;
	fig.nmonths = 3;
	b = buf_new(FRAME_MAX_DEFAULT);
	o = msg_out_report_reply(&fig);
	ASSERT_INT_EQ(msg_encode(9, &o, FRAME_MAX_DEFAULT, b), 0);
	ASSERT_INT_EQ(frame_get(b, FRAME_MAX_DEFAULT, &p, &len), 0);
	ASSERT_INT_EQ(msg_decode(p, len, &m), 0);
	ASSERT_INT_EQ(msg_type(m), MSG_REPORT_REPLY);
	ASSERT_INT_EQ(msg_get_report_reply(m, &back, &gb, &mb), 0);
	ASSERT_INT_EQ(back.today, fig.today);
	ASSERT_INT_EQ(back.since, fig.since);
	ASSERT_INT_EQ(back.ngroups, 2);
	ASSERT_INT_EQ(back.nmonths, 3);
	for (i = 0; i < 2; i++) {
		ASSERT_STR_EQ(back.groups[i].office, "Zwolle");
		ASSERT_INT_EQ(back.groups[i].frame, g[i].frame);
		ASSERT_INT_EQ(memcmp(&back.groups[i].active, &g[i].active,
		    13 * sizeof(int64_t)), 0);
	}
	for (i = 0; i < 3; i++) {
		ASSERT_INT_EQ(back.months[i].group, mo[i].group);
		ASSERT_INT_EQ(back.months[i].year, 2026);
		ASSERT_INT_EQ(back.months[i].month, mo[i].month);
		ASSERT_INT_EQ(back.months[i].new_cases, mo[i].new_cases);
		ASSERT_INT_EQ(back.months[i].closed, mo[i].closed);
	}
	free(gb);
	free(mb);
	ASSERT_INT_EQ(msg_get_report_request(m, &qb), CS_ERR_PROTOCOL);
	msg_free(m);
	m = NULL;
	/* every event: since "" on the wire, LC_NODATE back */
	fig.since = LC_NODATE;
	fig.nmonths = 0;
	ASSERT_INT_EQ(msg_encode(9, &o, FRAME_MAX_DEFAULT, b), 0);
	ASSERT_INT_EQ(frame_get(b, FRAME_MAX_DEFAULT, &p, &len), 0);
	ASSERT_INT_EQ(msg_decode(p, len, &m), 0);
	ASSERT_INT_EQ(msg_get_report_reply(m, &back, &gb, &mb), 0);
	ASSERT_TRUE(back.since == LC_NODATE);
	ASSERT_PTR_EQ(mb, NULL);
	free(gb);
	msg_free(m);
	m = NULL;
	/* a month of no group is not sent; nor too many groups */
	fig.nmonths = 3;
	mo[2].group = 2;
	ASSERT_INT_EQ(msg_encode(9, &o, FRAME_MAX_DEFAULT, b),
	    CS_ERR_INTERNAL);
	fig.ngroups = MSG_REPORT_GROUPS_MAX + 1;
	ASSERT_INT_EQ(msg_encode(9, &o, FRAME_MAX_DEFAULT, b),
	    CS_ERR_TOO_LARGE);

	q = (struct msg_report_request){ "2026-01-31", "Zwolle" };
	o = msg_out_report_request(&q);
	ASSERT_INT_EQ(msg_encode(4, &o, FRAME_MAX_DEFAULT, b), 0);
	ASSERT_INT_EQ(frame_get(b, FRAME_MAX_DEFAULT, &p, &len), 0);
	ASSERT_INT_EQ(msg_decode(p, len, &m), 0);
	ASSERT_INT_EQ(msg_get_report_request(m, &qb), 0);
	ASSERT_STR_EQ(qb.since, "2026-01-31");
	ASSERT_STR_EQ(qb.office, "Zwolle");
	ASSERT_INT_EQ(msg_get_report_reply(m, &back, &gb, &mb),
	    CS_ERR_PROTOCOL);
	msg_free(m);
	ASSERT_INT_EQ(msg_report_office_ok(""), 1);
	ASSERT_INT_EQ(msg_report_office_ok("Zw\tolle"), 0);
	buf_free(b);
	TEST_DONE();
}

static void
test_seeds(void)
{
	static const char *const seeds[] = { "report-request",
	    "report-reply" };
	uint8_t		 data[4096];
	char		 path[256];
	wire_env	*e;
	size_t		 i, n;
	FILE		*f;

	TEST_START("fuzz seeds of the report messages decode");
	for (i = 0; i < sizeof(seeds) / sizeof(seeds[0]); i++) {
		snprintf(path, sizeof(path), "tests/fuzz/corpus/wire/%s",
		    seeds[i]);
		ASSERT_PTR_NE(f = fopen(path, "rb"), NULL);
		n = fread(data, 1, sizeof(data), f);
		fclose(f);
		e = NULL;
		ASSERT_INT_EQ(wire_decode(data, n, &e), 0);
		ASSERT_TRUE(wire_report_msg(e));
		wire_free(e);
	}
	TEST_DONE();
}

int
main(void)
{
	test_request();
	test_reply();
	test_roundtrip();
	test_seeds();
	return 0;
}
