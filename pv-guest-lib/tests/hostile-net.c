// SPDX-License-Identifier: MIT
/*
 * The hostile front-end's network cases, on net/0: it connects like any
 * guest (receive buffers posted), then transmits chains the library would
 * never build, or stops taking frames, and reports what happened. The
 * back-end must drop and count bad frames without forwarding them; the
 * root test checks that, and that backd and the other guests carry on.
 * Cases (secs=N for the floods, default 5):
 *   net-zero-frame   a frame of 0 bytes (the header alone), and of 1 byte
 *   net-oversize     a frame of 64 KiB + 4 KiB in 17 segments (indirect)
 *   net-too-split    a 120-byte frame in 40 segments (indirect): dropped
 *   net-fatal-split  a 100-byte frame in 100 segments (indirect): no
 *                    driver does that, the back-end gives up on the NIC
 *   net-zero-frags   a chain of four zero-length descriptors, and an
 *                    indirect table of three
 *   net-no-rx        connects and never takes a received frame
 *   net-event-flood  events on the port as fast as they go
 *   net-tx-flood     valid broadcast frames as fast as they go
 */
#include <partita-guest/guest.h>
#include <partita-guest/vnet.h>

#include "fmt.h"
#include "hostile.h"
#include "string.h"

#define TXQ PT_VIRTIO_NET_TX_QUEUE
#define ANSWER_NS (10 * HOSTILE_SEC)
#define HDR PT_VNET_HDR_BYTES
/* IEEE 802 local experimental ethertype: nothing in the root parses it. */
#define ETHERTYPE_EXPERIMENTAL 0x88B5u

static struct pt_vnet nic;

static struct pt_vdev *dev(void)
{
	return &nic.front.dev;
}

static uint32_t pool_buf(uint32_t len)
{
	uint32_t off = 0;

	if (pt_vpool_alloc_aligned(&dev()->pool, len, 64, &off))
		pt_panic("hostile-net: pool full");
	memset(pt_vpool_ptr(&dev()->pool, off), 0, len);
	return off;
}

static const char *outcome(const struct hostile_used *u, char *buf,
			   unsigned cap)
{
	char says[128];

	hostile_backend_says(&nic.front.xb, says, sizeof(says));
	if (u->answered)
		fmt_snprintf(buf, cap, "given back (len %u), %s", u->len, says);
	else
		fmt_snprintf(buf, cap, "not given back, %s", says);
	return buf;
}

static void zero_frame(void)
{
	uint32_t b = pool_buf(HDR + 1);
	struct hostile_seg hdr_only = { b, HDR, 0 }, one = { b, HDR + 1, 0 };
	struct hostile_used u;
	char a[200], c[200];

	hostile_chain(dev(), TXQ, &hdr_only, 1, ANSWER_NS, &u);
	outcome(&u, a, sizeof(a));
	hostile_chain(dev(), TXQ, &one, 1, ANSWER_NS, &u);
	hostile_done("0-byte frame: %s; 1-byte frame: %s", a,
		     outcome(&u, c, sizeof(c)));
}

/*
 * A header and a frame of `segs` equal pieces of one buffer, through an
 * indirect table (a queue of 256 takes tables of up to 256 entries).
 */
static void split(unsigned segs, unsigned piece)
{
	struct hostile_seg s[101];
	uint32_t hdr = pool_buf(HDR), data = pool_buf(segs * piece);
	uint32_t table = pool_buf((segs + 1) * 16);
	uint8_t *f = pt_vpool_ptr(&dev()->pool, data);
	struct hostile_used u;
	char a[200];

	if (segs + 1 > sizeof(s) / sizeof(s[0]) || segs * piece < 14)
		pt_panic("hostile-net: bad split");
	/* A plausible Ethernet header, so only the size or shape is wrong. */
	memset(f, 0xff, 6);
	memcpy(f + 6, nic.mac, 6);
	f[12] = ETHERTYPE_EXPERIMENTAL >> 8;
	f[13] = ETHERTYPE_EXPERIMENTAL & 0xff;
	s[0] = (struct hostile_seg){ hdr, HDR, 0 };
	for (unsigned i = 0; i < segs; i++)
		s[1 + i] = (struct hostile_seg){ data + i * piece, piece, 0 };
	hostile_chain_indirect(dev(), TXQ, s, segs + 1, table, ANSWER_NS, &u);
	hostile_done("a %u-byte frame in %u segments: %s", segs * piece,
		     segs + 1, outcome(&u, a, sizeof(a)));
}

static void zero_frags(void)
{
	struct hostile_seg z[4] = {
		{ 0, 0, 0 }, { 0, 0, 0 }, { 0, 0, 0 }, { 0, 0, 0 }
	};
	uint32_t table = pool_buf(3 * 16);
	struct hostile_used u;
	char a[200], c[200];

	hostile_chain(dev(), TXQ, z, 4, ANSWER_NS, &u);
	outcome(&u, a, sizeof(a));
	hostile_chain_indirect(dev(), TXQ, z, 3, table, ANSWER_NS, &u);
	hostile_done("4 zero-length descriptors: %s; indirect table of 3: %s",
		     a, outcome(&u, c, sizeof(c)));
}

static void tx_flood(uint64_t secs)
{
	uint8_t frame[PT_VIRTIO_NET_FRAME_MIN + 46], scratch[1];
	uint64_t end = pt_time_ns() + secs * HOSTILE_SEC, sent = 0, refused = 0;

	memset(frame, 0, sizeof(frame));
	memset(frame, 0xff, 6);
	memcpy(frame + 6, nic.mac, 6);
	frame[12] = ETHERTYPE_EXPERIMENTAL >> 8;
	frame[13] = ETHERTYPE_EXPERIMENTAL & 0xff;
	while (pt_time_ns() < end && !hostile_stopping()) {
		int ret = pt_vnet_send(&nic, frame, sizeof(frame), end);

		if (ret == -PT_DEV_ETIMEDOUT)
			break;
		if (ret) {
			refused++;
			break;
		}
		sent++;
		/* Received frames are taken and dropped: only tx floods. */
		while (pt_vnet_recv(&nic, scratch, 1, 1) > 0)
			;
	}
	hostile_done("%llu frames sent in %llu s%s", (unsigned long long)sent,
		     (unsigned long long)secs,
		     refused ? ", then the device failed" : "");
}

int hostile_net_case(void)
{
	static const char *const names[] = {
		"net-zero-frame",  "net-oversize",   "net-too-split",
		"net-fatal-split", "net-zero-frags", "net-no-rx",
		"net-event-flood", "net-tx-flood"
	};
	uint64_t secs = pt_cmdline_u64("secs", 5);
	unsigned i;
	int ret;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(hostile_which, names[i]))
			break;
	if (i == sizeof(names) / sizeof(names[0]))
		return 0;
	ret = pt_vnet_open(&nic, 0, pt_time_ns() + 60 * HOSTILE_SEC);
	if (ret) {
		hostile_fail("net/0: %s (%s)", pt_dev_strerror(ret),
			     nic.front.xb.why);
		return 1;
	}
	hostile_wake_on_stop(dev());
	pt_printf("hostile-front: net/0 connected, mac "
		  "%02x:%02x:%02x:%02x:%02x:%02x, port %u\n",
		  nic.mac[0], nic.mac[1], nic.mac[2], nic.mac[3], nic.mac[4],
		  nic.mac[5], dev()->port);
	if (!strcmp(hostile_which, "net-zero-frame"))
		zero_frame();
	else if (!strcmp(hostile_which, "net-oversize"))
		split(17, 4096);
	else if (!strcmp(hostile_which, "net-too-split"))
		split(40, 3);
	else if (!strcmp(hostile_which, "net-fatal-split"))
		split(100, 1);
	else if (!strcmp(hostile_which, "net-zero-frags"))
		zero_frags();
	else if (!strcmp(hostile_which, "net-no-rx"))
		hostile_done("%u receive buffers posted, none will be taken",
			     nic.q.nbufs);
	else if (!strcmp(hostile_which, "net-event-flood"))
		hostile_done(
			"%llu events in %llu s",
			(unsigned long long)hostile_event_flood(dev(), secs),
			(unsigned long long)secs);
	else
		tx_flood(secs);
	return 1;
}
