/* SPDX-License-Identifier: GPL-2.0-only */
/* The back-end's xenbus state machine and the parsers of front-end keys. */
#ifndef PARTITA_BACKD_XENBUS_BACK_H
#define PARTITA_BACKD_XENBUS_BACK_H

#include <stdint.h>

#include <partita/xenbus.h>

/* A front-end state key that is absent, or present but not a number. */
#define XB_STATE_MISSING (-1)
#define XB_STATE_MALFORMED (-2)

enum xb_action {
	XB_NONE,    /* nothing to do */
	XB_OFFER,   /* write the device's offer, move to InitWait */
	XB_CONNECT, /* read the front-end's keys, map, bind: Connected */
	XB_ATTACH,  /* Connected in the store but nothing held: re-attach */
	XB_CLOSING, /* release everything, move to Closing */
	XB_CLOSED,  /* release everything, move to Closing then Closed */
	XB_REINIT,  /* front-end started again: release, back to InitWait */
	XB_GONE,    /* the front-end directory vanished: release */
	XB_BROKEN,  /* a transition the table does not allow */
	XB_DRAIN,   /* detach asked: move to Closing, keep serving */
};

struct xb_step {
	enum xb_action action;
	const char *why; /* XB_BROKEN: what was refused */
};

/*
 * What the back-end does next, given its own state in the store, the
 * front-end's (a PT_XENBUS_STATE_* or XB_STATE_*) and whether it holds the
 * device's rings and port. Watch events coalesce, so the back-end judges
 * the front-end's state against its own rather than against the previous
 * front-end value it happened to see: a front-end that went Closing,
 * Closed, Initialising while we looked away is a restart, not an error.
 * Applying a step changes the back-end state; decide again until XB_NONE.
 */
struct xb_step xb_decide(int back, int front, int attached);

/*
 * The same once the toolstack has written `online` = "0" (detach,
 * docs/split-drivers.md section 7): the back-end moves to Closing but
 * keeps serving what the front-end has in flight until the front-end is
 * Closed, then releases everything and moves to Closed; it never offers
 * the device again.
 */
struct xb_step xb_decide_offline(int back, int front, int attached);

const char *xb_action_name(enum xb_action a);
const char *xb_state_name(int state);

/* "4" -> 4; "" or "x" or "07" or "4 " -> XB_STATE_MALFORMED; NULL -> MISSING. */
int xb_parse_state(const char *s);
/* Strict decimal, no sign or spaces, at most max. 0 or -EINVAL. */
int xb_parse_u32(const char *s, uint32_t max, uint32_t *out);
/* Hex digits, with or without 0x, at most 16 of them. 0 or -EINVAL. */
int xb_parse_hex64(const char *s, uint64_t *out);
/* Decimal refs separated by single spaces; at most max of them. */
int xb_parse_refs(const char *s, uint32_t *refs, uint32_t max, uint32_t *n);

#endif
