// SPDX-License-Identifier: GPL-2.0-only
/* The back-end's xenbus state machine: the table of docs/split-drivers.md. */
#include <errno.h>
#include <stddef.h>

#include "xenbus-back.h"

static struct xb_step step(enum xb_action a)
{
	struct xb_step s = { a, NULL };

	return s;
}

static struct xb_step refuse(const char *why)
{
	struct xb_step s = { XB_BROKEN, why };

	return s;
}

struct xb_step xb_decide(int back, int front, int attached)
{
	if (front == XB_STATE_MISSING)
		return step(XB_GONE);
	if (front == XB_STATE_MALFORMED ||
	    front < (int)PT_XENBUS_STATE_INITIALISING ||
	    front > (int)PT_XENBUS_STATE_CLOSED ||
	    front == PT_XENBUS_STATE_INIT_WAIT) {
		/* Already closed: nothing more to refuse, nothing held. */
		if (back == PT_XENBUS_STATE_CLOSING ||
		    back == PT_XENBUS_STATE_CLOSED)
			return step(attached ? XB_CLOSING : XB_NONE);
		if (front == PT_XENBUS_STATE_INIT_WAIT)
			return refuse("the front-end moved to InitWait, a "
				      "back-end state");
		return refuse("the front-end state is not a number from 1 "
			      "to 6");
	}

	/*
	 * Holding rings while the store says we are not Connected (someone
	 * rewrote our state): let go and negotiate again.
	 */
	if (attached && back != PT_XENBUS_STATE_CONNECTED &&
	    back != PT_XENBUS_STATE_CLOSING && back != PT_XENBUS_STATE_CLOSED)
		return step(XB_REINIT);

	switch (back) {
	case PT_XENBUS_STATE_INIT_WAIT:
		switch (front) {
		case PT_XENBUS_STATE_INITIALISING:
			return step(XB_NONE);
		case PT_XENBUS_STATE_INITIALISED:
			return step(XB_CONNECT);
		case PT_XENBUS_STATE_CONNECTED:
			return refuse("the front-end moved to Connected before "
				      "the back-end did");
		case PT_XENBUS_STATE_CLOSING:
			return step(XB_CLOSING);
		default:
			return step(XB_CLOSED);
		}
	case PT_XENBUS_STATE_CONNECTED:
		switch (front) {
		case PT_XENBUS_STATE_INITIALISING:
			/* It closed and started again while we looked away. */
			return step(XB_REINIT);
		case PT_XENBUS_STATE_INITIALISED:
		case PT_XENBUS_STATE_CONNECTED:
			return step(attached ? XB_NONE : XB_ATTACH);
		case PT_XENBUS_STATE_CLOSING:
			return step(XB_CLOSING);
		default:
			return step(XB_CLOSED);
		}
	case PT_XENBUS_STATE_CLOSING:
	case PT_XENBUS_STATE_CLOSED:
		switch (front) {
		case PT_XENBUS_STATE_INITIALISING:
			/* A restart: the contract's only way back. */
			return step(XB_REINIT);
		case PT_XENBUS_STATE_INITIALISED:
			/*
			 * Not a restart: a front-end that starts again waits
			 * for our InitWait before it says Initialised. This is
			 * one whose keys we refused, still standing there:
			 * offering again would loop for ever (map, refuse,
			 * close, offer) and starve every other device.
			 */
			return step(attached ? XB_CLOSING : XB_NONE);
		case PT_XENBUS_STATE_CONNECTED:
			/* It has not seen our Closing yet (or ignores it). */
			return step(attached ? XB_CLOSING : XB_NONE);
		case PT_XENBUS_STATE_CLOSING:
			return step(attached ? XB_CLOSING : XB_NONE);
		default:
			if (back == PT_XENBUS_STATE_CLOSED)
				return step(attached ? XB_CLOSED : XB_NONE);
			return step(XB_CLOSED);
		}
	default:
		/*
		 * Initialising (fresh from the toolstack), or a value the
		 * back-end never writes: make the offer (again).
		 */
		return step(XB_OFFER);
	}
}

struct xb_step xb_decide_offline(int back, int front, int attached)
{
	if (front == XB_STATE_MISSING)
		return step(XB_GONE);
	if (back == PT_XENBUS_STATE_CLOSED)
		return step(attached ? XB_CLOSED : XB_NONE);
	switch (front) {
	case PT_XENBUS_STATE_INITIALISED:
	case PT_XENBUS_STATE_CONNECTED:
	case PT_XENBUS_STATE_CLOSING:
		/* It may have requests in flight: let them finish. */
		return step(back == PT_XENBUS_STATE_CLOSING ? XB_NONE
							    : XB_DRAIN);
	default:
		/* Closed, never started or nonsense: nothing to wait for. */
		return step(XB_CLOSED);
	}
}

const char *xb_action_name(enum xb_action a)
{
	static const char *const names[] = {
		[XB_NONE] = "none",	  [XB_OFFER] = "offer",
		[XB_CONNECT] = "connect", [XB_ATTACH] = "attach",
		[XB_CLOSING] = "closing", [XB_CLOSED] = "closed",
		[XB_REINIT] = "reinit",	  [XB_GONE] = "gone",
		[XB_BROKEN] = "broken",	  [XB_DRAIN] = "drain",
	};

	return (unsigned int)a < sizeof(names) / sizeof(names[0]) ? names[a]
								  : "?";
}

const char *xb_state_name(int state)
{
	static const char *const names[] = {
		"Unknown",   "Initialising", "InitWait", "Initialised",
		"Connected", "Closing",	     "Closed",
	};

	if (state == XB_STATE_MISSING)
		return "missing";
	if (state >= 0 && state <= (int)PT_XENBUS_STATE_CLOSED)
		return names[state];
	return "malformed";
}

int xb_parse_u32(const char *s, uint32_t max, uint32_t *out)
{
	uint64_t v = 0;

	if (!s || !*s || (s[0] == '0' && s[1]))
		return -EINVAL;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -EINVAL;
		v = v * 10u + (uint64_t)(*s - '0');
		if (v > max)
			return -EINVAL;
	}
	*out = (uint32_t)v;
	return 0;
}

int xb_parse_state(const char *s)
{
	uint32_t v;

	if (!s)
		return XB_STATE_MISSING;
	if (xb_parse_u32(s, 99, &v))
		return XB_STATE_MALFORMED;
	return (int)v;
}

int xb_parse_hex64(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	int digits = 0;

	if (!s)
		return -EINVAL;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	for (; *s; s++, digits++) {
		int d;

		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			return -EINVAL;
		if (digits == 16)
			return -EINVAL;
		v = (v << 4) | (uint64_t)d;
	}
	if (!digits)
		return -EINVAL;
	*out = v;
	return 0;
}

int xb_parse_refs(const char *s, uint32_t *refs, uint32_t max, uint32_t *n)
{
	uint32_t count = 0;

	if (!s || !*s)
		return -EINVAL;
	for (;;) {
		char num[11];
		size_t len = 0;

		while (s[len] && s[len] != ' ') {
			if (len == sizeof(num) - 1)
				return -EINVAL;
			num[len] = s[len];
			len++;
		}
		num[len] = 0;
		if (count == max || xb_parse_u32(num, UINT32_MAX, &refs[count]))
			return -EINVAL;
		count++;
		s += len;
		if (!*s)
			break;
		s++; /* one space, then another number: not "1  2", "1 " */
	}
	*n = count;
	return 0;
}
