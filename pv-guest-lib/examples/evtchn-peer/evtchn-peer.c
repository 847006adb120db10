// SPDX-License-Identifier: MIT
/*
 * The root's partner for event and message tests. It offers an unbound
 * port to the root and listens on a connection (vCPU 0, slot 0, sender 0,
 * depth 4), then waits until the root binds the port. Command line:
 *   mode=echo                     answer every event on the port with one
 *                                 send; post every message back to the
 *                                 connection named in its first 4 bytes
 *   mode=flood secs=N conn=0xID   first, for N seconds, send and post
 *                                 (type 1, 240 bytes) to 0xID as fast as
 *                                 it can, counting full-queue answers;
 *                                 then echo
 *   mode=storm secs=N             offer four more ports to the root and
 *                                 send on them, with random pauses, for
 *                                 N seconds or until shut down (the
 *                                 root's bind/unbind race, evrace.sh)
 * It powers off when the root asks it to shut down.
 */
#include <partita-guest/guest.h>

#include "evtchn-peer.h"
#include "string.h"

#define ROOT_ID EVTCHN_PEER_ROOT_ID
#define DEPTH 4u
#define RING 256u /* received messages waiting to be echoed */

static volatile uint32_t shutdown_requested;
static volatile uint64_t events_echoed, messages_echoed, ring_overflows;
static uint32_t port;

/* Filled by the receive callback (upcall), emptied by the main loop. */
static struct pt_msg ring[RING];
static volatile uint32_t ring_head, ring_tail;

static void on_shutdown_request(unsigned event, unsigned vcpu, void *arg)
{
	pt_atomic_store32(&shutdown_requested, 1);
}

static void maybe_report(void)
{
	uint64_t e = pt_atomic_load(&events_echoed);
	uint64_t m = pt_atomic_load(&messages_echoed);

	if ((e + m) % 1000 == 0)
		pt_printf("evtchn-peer: echoed events=%lu messages=%lu\n",
			  (unsigned long)e, (unsigned long)m);
}

static void on_event(uint32_t p, void *ctx)
{
	(void)ctx;
	if (pt_call_evtchn_send(p) == 0) {
		pt_atomic_add(&events_echoed, 1);
		maybe_report();
	}
}

static void on_message(const struct pt_msg *msg, void *ctx)
{
	uint32_t head = ring_head;

	(void)ctx;
	if (head - pt_atomic_load32(&ring_tail) >= RING) {
		pt_atomic_add(&ring_overflows, 1);
		return;
	}
	memcpy(&ring[head % RING], msg, sizeof(*msg));
	pt_atomic_store32(&ring_head, head + 1);
}

/* Posts one queued message back; 0 when there was none. */
static int echo_one(void)
{
	uint32_t tail = pt_atomic_load32(&ring_tail), to;
	struct pt_msg *m;
	int echoed = 0, ret;

	if (tail == pt_atomic_load32(&ring_head))
		return 0;
	m = &ring[tail % RING];
	if (m->header.payload_size >= 4) {
		memcpy(&to, m->payload, sizeof(to)); /* x86: little endian */
		ret = pt_msg_post_retry(to, m->header.message_type, m->payload,
					m->header.payload_size, 0, NULL);
		if (ret)
			pt_printf("evtchn-peer: echo to 0x%x: status 0x%x\n",
				  to, -ret);
		echoed = !ret;
	}
	/* The slot may be refilled from here on. */
	pt_atomic_store32(&ring_tail, tail + 1);
	if (echoed) {
		pt_atomic_add(&messages_echoed, 1);
		maybe_report();
	}
	return 1;
}

static void wait_bound(void)
{
	struct pt_evtchn_status st;

	for (;;) {
		if (pt_call_evtchn_status(port, &st))
			pt_panic("evtchn-peer: status of port %u failed", port);
		if (st.state == PT_EVTCHN_STATE_INTERDOMAIN)
			break;
		if (pt_atomic_load32(&shutdown_requested))
			return;
		pt_sleep_ns(1000000);
	}
	pt_printf("evtchn-peer: bound\n");
}

static void flood(uint64_t secs, uint32_t conn, uint32_t own_conn)
{
	uint64_t end = pt_time_ns() + secs * 1000000000ull;
	uint64_t sends = 0, posts = 0, full = 0;
	uint8_t payload[PT_MSG_PAYLOAD_MAX];

	for (size_t i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)i;
	memcpy(payload, &own_conn, sizeof(own_conn));
	while (pt_time_ns() < end && !pt_atomic_load32(&shutdown_requested)) {
		int ret;

		if (pt_call_evtchn_send(port) == 0)
			sends++;
		memcpy(payload + 4, &posts, sizeof(uint32_t));
		ret = pt_call_msg_post(conn, 1, payload, sizeof(payload));
		if (ret == 0)
			posts++;
		else if (ret == -PT_STATUS_INSUFFICIENT_BUFFERS)
			full++;
		/* Echo what the root sends meanwhile, as echo mode would. */
		echo_one();
	}
	pt_printf("RESULT evtchn-flood DONE sends=%lu posts=%lu "
		  "queue_full=%lu\n",
		  (unsigned long)sends, (unsigned long)posts,
		  (unsigned long)full);
}

int guest_main(const struct pt_start_info *si, unsigned vcpu)
{
	uint32_t conn = 0;
	char mode[8];
	int ret;

	pt_guest_init();
	if (vcpu != 0)
		return 0;
	pt_cmdline_str("mode", mode, sizeof(mode));
	if (strcmp(mode, "echo") && strcmp(mode, "flood") &&
	    strcmp(mode, "storm"))
		pt_panic("evtchn-peer: need mode=echo, flood or storm");
	pt_event_register(PT_EVENT_SHUTDOWN_REQUEST, on_shutdown_request, NULL);
	ret = pt_evtchn_init();
	if (!ret)
		ret = pt_call_evtchn_alloc_unbound(ROOT_ID, 0, &port);
	if (!ret)
		ret = pt_evtchn_set_handler(port, on_event, NULL);
	if (ret)
		pt_panic("evtchn-peer: port set-up: status 0x%x", -ret);
	pt_printf("evtchn-peer: port=%u\n", port);
	ret = pt_msg_listen(0, ROOT_ID, DEPTH, on_message, NULL, &conn);
	if (ret)
		pt_panic("evtchn-peer: listen: status 0x%x", -ret);
	pt_printf("evtchn-peer: connection=0x%x\n", conn);
	pt_irq_enable();
	if (!strcmp(mode, "storm")) {
		evtchn_peer_storm(pt_cmdline_u64("secs", 60),
				  &shutdown_requested);
		while (!pt_atomic_load32(&shutdown_requested))
			pt_sleep_ns(10000000);
		pt_printf("evtchn-peer: shutdown requested, goodbye\n");
		return 0;
	}
	wait_bound();

	if (!strcmp(mode, "flood"))
		flood(pt_cmdline_u64("secs", 10),
		      (uint32_t)pt_cmdline_u64("conn", PT_MSG_CONNECTION_BASE),
		      conn);
	for (;;) {
		pt_irq_disable();
		if (pt_atomic_load32(&shutdown_requested))
			break;
		if (ring_head == ring_tail) {
			pt_safe_halt();
			continue;
		}
		pt_irq_enable();
		echo_one();
	}
	pt_printf("evtchn-peer: shutdown requested (events=%lu messages=%lu "
		  "overflows=%lu), goodbye\n",
		  (unsigned long)events_echoed, (unsigned long)messages_echoed,
		  (unsigned long)ring_overflows);
	return 0;
}
