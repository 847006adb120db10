// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of the back-end state machine's table and the key parsers. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "xenbus-back.h"

enum {
	INI = PT_XENBUS_STATE_INITIALISING,
	IW = PT_XENBUS_STATE_INIT_WAIT,
	IED = PT_XENBUS_STATE_INITIALISED,
	CON = PT_XENBUS_STATE_CONNECTED,
	CLG = PT_XENBUS_STATE_CLOSING,
	CLD = PT_XENBUS_STATE_CLOSED,
};

static void expect(int back, int front, int attached, enum xb_action a)
{
	struct xb_step s = xb_decide(back, front, attached);

	cr_assert_eq(s.action, a,
		     "back %s front %s attached %d: %s, expected %s",
		     xb_state_name(back), xb_state_name(front), attached,
		     xb_action_name(s.action), xb_action_name(a));
}

static void refused(int back, int front, int attached, const char *why)
{
	struct xb_step s = xb_decide(back, front, attached);

	cr_assert_eq(s.action, XB_BROKEN, "back %s front %s: %s",
		     xb_state_name(back), xb_state_name(front),
		     xb_action_name(s.action));
	cr_assert(s.why && strstr(s.why, why), "reason '%s'", s.why);
}

Test(xenbus, fresh_device_makes_the_offer)
{
	expect(INI, INI, 0, XB_OFFER);
	/* A back-end state we never write: make the offer again. */
	expect(IED, INI, 0, XB_OFFER);
	expect(0, INI, 0, XB_OFFER);
	expect(XB_STATE_MALFORMED, INI, 0, XB_OFFER);
}

Test(xenbus, allowed_walk_to_connected)
{
	expect(IW, INI, 0, XB_NONE);	/* waiting for the front-end */
	expect(IW, IED, 0, XB_CONNECT); /* step 3 */
	expect(CON, IED, 1, XB_NONE);	/* waiting for its step 4 */
	expect(CON, CON, 1, XB_NONE);	/* both Connected */
}

Test(xenbus, allowed_close_from_every_state)
{
	expect(IW, CLG, 0, XB_CLOSING);
	expect(IW, CLD, 0, XB_CLOSED);
	expect(CON, CLG, 1, XB_CLOSING);
	expect(CON, CLD, 1, XB_CLOSED);
	expect(CLG, CLD, 0, XB_CLOSED);
	expect(CLD, CLD, 0, XB_NONE);
	expect(CLG, CLG, 0, XB_NONE);
}

Test(xenbus, allowed_restart_after_closed)
{
	expect(CLD, INI, 0, XB_REINIT);
	expect(CLG, INI, 0, XB_REINIT);
	expect(IW, IED, 0, XB_CONNECT);
}

/*
 * A front-end whose keys were refused stays Initialised: the back-end
 * stays Closing (a restart is Initialising, and a front-end says
 * Initialised only after our InitWait), so it never loops through
 * offer, map, refuse, close (seen with a bad pool grant ref).
 */
Test(xenbus, a_refused_front_end_standing_initialised_does_not_loop)
{
	expect(CLG, IED, 0, XB_NONE);
	expect(CLD, IED, 0, XB_NONE);
	expect(CLG, IED, 1, XB_CLOSING);
}

Test(xenbus, restart_of_backd_reattaches)
{
	expect(CON, CON, 0, XB_ATTACH);
	expect(CON, IED, 0, XB_ATTACH);
	/* Closing or Closed front-end: close, nothing to map. */
	expect(CON, CLG, 0, XB_CLOSING);
	expect(CON, CLD, 0, XB_CLOSED);
}

Test(xenbus, refused_connected_before_the_back_end)
{
	refused(IW, CON, 0, "before the back-end");
}

Test(xenbus, refused_front_end_in_a_back_end_state)
{
	refused(IW, IW, 0, "InitWait");
	refused(CON, IW, 1, "InitWait");
}

Test(xenbus, refused_state_out_of_range)
{
	refused(IW, 0, 0, "not a number from 1 to 6");
	refused(IW, 7, 0, "not a number from 1 to 6");
	refused(CON, 99, 1, "not a number from 1 to 6");
	refused(CON, XB_STATE_MALFORMED, 1, "not a number from 1 to 6");
}

Test(xenbus, nothing_to_refuse_once_closed)
{
	/* A closed device holds nothing; a garbage state changes nothing. */
	expect(CLG, 7, 0, XB_NONE);
	expect(CLD, XB_STATE_MALFORMED, 0, XB_NONE);
	expect(CLG, 7, 1, XB_CLOSING);
}

Test(xenbus, holding_rings_while_not_connected_lets_go)
{
	/* Someone rewrote our state under us: release and negotiate again. */
	expect(IW, IED, 1, XB_REINIT);
	expect(INI, INI, 1, XB_REINIT);
}

Test(xenbus, front_end_gone)
{
	expect(CON, XB_STATE_MISSING, 1, XB_GONE);
	expect(IW, XB_STATE_MISSING, 0, XB_GONE);
}

Test(xenbus, rapid_toggling_never_leaves_resources_held)
{
	/*
	 * Whatever the front-end does, a back-end that is not Connected
	 * must never be told to keep (XB_NONE) resources it holds, and
	 * CONNECT/ATTACH only come from InitWait/Connected.
	 */
	int back, front, att;

	for (back = -2; back <= 8; back++)
		for (front = -2; front <= 8; front++)
			for (att = 0; att <= 1; att++) {
				struct xb_step s = xb_decide(back, front, att);

				if (s.action == XB_NONE && att)
					cr_assert_eq(back, CON,
						     "back %d front %d keeps "
						     "resources",
						     back, front);
				if (s.action == XB_CONNECT)
					cr_assert_eq(back, IW);
				if (s.action == XB_ATTACH)
					cr_assert(back == CON && !att);
				if (s.action == XB_BROKEN)
					cr_assert(s.why);
			}
}

Test(xenbus, rapid_toggling_sequence)
{
	/*
	 * The front-end goes Connected, Closing, Closed, Initialising,
	 * Initialised while the back-end sees only some of it.
	 */
	expect(CON, INI, 1, XB_REINIT); /* missed Closing and Closed */
	expect(IW, IED, 0, XB_CONNECT);
	expect(CON, CLD, 1, XB_CLOSED); /* missed Closing */
	expect(CLD, INI, 0, XB_REINIT); /* missed Closing */
	expect(CLG, CON, 0, XB_NONE);	/* it has not seen our Closing */
	expect(CLG, CON, 1, XB_CLOSING);
}

Test(xenbus, parse_state)
{
	cr_assert_eq(xb_parse_state("4"), 4);
	cr_assert_eq(xb_parse_state("0"), 0);
	cr_assert_eq(xb_parse_state(NULL), XB_STATE_MISSING);
	cr_assert_eq(xb_parse_state(""), XB_STATE_MALFORMED);
	cr_assert_eq(xb_parse_state("4 "), XB_STATE_MALFORMED);
	cr_assert_eq(xb_parse_state("04"), XB_STATE_MALFORMED);
	cr_assert_eq(xb_parse_state("-1"), XB_STATE_MALFORMED);
	cr_assert_eq(xb_parse_state("x"), XB_STATE_MALFORMED);
	cr_assert_eq(xb_parse_state("100"), XB_STATE_MALFORMED);
}

Test(xenbus, parse_u32)
{
	uint32_t v;

	cr_assert_eq(xb_parse_u32("4095", 4095, &v), 0);
	cr_assert_eq(v, 4095);
	cr_assert_eq(xb_parse_u32("4096", 4095, &v), -EINVAL);
	cr_assert_eq(xb_parse_u32("4294967295", UINT32_MAX, &v), 0);
	cr_assert_eq(v, UINT32_MAX);
	cr_assert_eq(xb_parse_u32("4294967296", UINT32_MAX, &v), -EINVAL);
	cr_assert_eq(xb_parse_u32("99999999999999999999", UINT32_MAX, &v),
		     -EINVAL);
	cr_assert_eq(xb_parse_u32("+1", 10, &v), -EINVAL);
	cr_assert_eq(xb_parse_u32(" 1", 10, &v), -EINVAL);
	cr_assert_eq(xb_parse_u32("", 10, &v), -EINVAL);
	cr_assert_eq(xb_parse_u32(NULL, 10, &v), -EINVAL);
}

Test(xenbus, parse_hex64)
{
	uint64_t v;

	cr_assert_eq(xb_parse_hex64("130000000", &v), 0);
	cr_assert_eq(v, 0x130000000ull);
	cr_assert_eq(xb_parse_hex64("0x1F", &v), 0);
	cr_assert_eq(v, 0x1f);
	cr_assert_eq(xb_parse_hex64("ffffffffffffffff", &v), 0);
	cr_assert_eq(xb_parse_hex64("1ffffffffffffffff", &v), -EINVAL);
	cr_assert_eq(xb_parse_hex64("0x", &v), -EINVAL);
	cr_assert_eq(xb_parse_hex64("", &v), -EINVAL);
	cr_assert_eq(xb_parse_hex64("12g", &v), -EINVAL);
}

Test(xenbus, parse_refs)
{
	uint32_t refs[4], n;

	cr_assert_eq(xb_parse_refs("8 9 10", refs, 4, &n), 0);
	cr_assert_eq(n, 3);
	cr_assert_eq(refs[2], 10);
	cr_assert_eq(xb_parse_refs("1 2 3 4 5", refs, 4, &n), -EINVAL);
	cr_assert_eq(xb_parse_refs("1  2", refs, 4, &n), -EINVAL);
	cr_assert_eq(xb_parse_refs("1 ", refs, 4, &n), -EINVAL);
	cr_assert_eq(xb_parse_refs(" 1", refs, 4, &n), -EINVAL);
	cr_assert_eq(xb_parse_refs("1,2", refs, 4, &n), -EINVAL);
	cr_assert_eq(xb_parse_refs("", refs, 4, &n), -EINVAL);
	cr_assert_eq(xb_parse_refs("4294967296", refs, 4, &n), -EINVAL);
	cr_assert_eq(xb_parse_refs("12345678901234", refs, 4, &n), -EINVAL);
}

static void offline(int back, int front, int attached, enum xb_action a)
{
	struct xb_step s = xb_decide_offline(back, front, attached);

	cr_assert_eq(s.action, a,
		     "detaching, back %s front %s attached %d: %s, expected %s",
		     xb_state_name(back), xb_state_name(front), attached,
		     xb_action_name(s.action), xb_action_name(a));
}

Test(xenbus, detach_drains_then_closes)
{
	/* Connected with a front-end that may have requests in flight. */
	offline(CON, CON, 1, XB_DRAIN);
	offline(CON, IED, 1, XB_DRAIN);
	/* Closing, still serving until the front-end is Closed. */
	offline(CLG, CON, 1, XB_NONE);
	offline(CLG, CLG, 1, XB_NONE);
	offline(CLG, CLD, 1, XB_CLOSED);
	offline(CLD, CLD, 0, XB_NONE);
	/* Never offered again, whatever the front-end does next. */
	offline(CLD, INI, 0, XB_NONE);
	offline(CLD, IED, 0, XB_NONE);
	offline(CLG, INI, 0, XB_CLOSED);
}

Test(xenbus, detach_before_connecting)
{
	offline(INI, INI, 0, XB_CLOSED);
	offline(IW, INI, 0, XB_CLOSED);
	offline(IW, IED, 0, XB_DRAIN); /* keys written: no connect now */
	offline(IW, CLD, 0, XB_CLOSED);
	offline(IW, XB_STATE_MISSING, 0, XB_GONE);
	offline(CON, XB_STATE_MALFORMED, 1, XB_CLOSED);
	offline(CON, XB_STATE_MISSING, 1, XB_GONE);
}
