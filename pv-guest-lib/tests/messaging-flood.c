// SPDX-License-Identifier: MIT
/*
 * In-guest test that flooding events and messages at a slow receiver
 * loses nothing and leaves both sides responsive. Two instances:
 *   role=sender peer=<id>     binds the receiver's port and, until
 *                             MESSAGES posts were accepted, sends an event
 *                             and posts the next sequence number, counting
 *                             full-queue answers (it does not wait)
 *   role=receiver peer=<id>   listens with a queue of depth DEPTH and
 *                             takes messages only in bursts (interrupts
 *                             off for a while between them); checks the
 *                             numbers arrive complete and in order
 * At the end each tells the other its counts: the receiver must have
 * received exactly what the sender had accepted.
 */
#include <partita-guest/guest.h>

#include "report.h"
#include "string.h"

#define MESSAGES 2000u
#define DEPTH 2u
#define STALL_NS 1000000ull		 /* receiver: 1 ms without upcalls */
#define WAIT_NS (180ull * 1000000000ull) /* whole run */

#define MSG_DATA 1u
#define MSG_DONE 2u  /* sender -> receiver: accepted, refused, events */
#define MSG_COUNT 3u /* receiver -> sender: received, disorder, events */

static int is_sender;
static uint32_t self_id, peer;
static volatile uint32_t events_seen, data_in, disorder, next_seq;
static volatile uint32_t control_in, control_type, control[3];

static void on_event(uint32_t port, void *ctx)
{
	pt_atomic_add32(&events_seen, 1);
}

static void on_message(const struct pt_msg *msg, void *ctx)
{
	uint32_t v[3] = { 0 };

	memcpy(v, msg->payload,
	       msg->header.payload_size < sizeof(v) ? msg->header.payload_size
						    : sizeof(v));
	if (msg->header.message_type == MSG_DATA) {
		if (v[0] != next_seq)
			pt_atomic_add32(&disorder, 1);
		next_seq = v[0] + 1;
		pt_atomic_add32(&data_in, 1);
		return;
	}
	control_type = msg->header.message_type;
	for (unsigned i = 0; i < 3; i++)
		control[i] = v[i];
	pt_atomic_add32(&control_in, 1);
}

static void on_timer(unsigned event, unsigned vcpu, void *arg)
{
}

static int post_control(uint32_t type, uint32_t a, uint32_t b, uint32_t c,
			uint64_t deadline)
{
	uint32_t v[3] = { a, b, c };
	uint32_t conn = pt_msg_connection_id(peer, 0, 0);
	int ret;

	while ((ret = pt_msg_post_retry(conn, type, v, sizeof(v), 0, NULL)) ==
		       -PT_STATUS_INVALID_CONNECTION_ID &&
	       pt_time_ns() < deadline)
		pt_sleep_ns(1000000);
	return ret;
}

/* sti; hlt until a control message came or the deadline passed. */
static int wait_control(uint64_t deadline)
{
	pt_irq_disable();
	while (!pt_atomic_load32(&control_in) && pt_time_ns() < deadline)
		pt_safe_halt();
	return pt_atomic_load32(&control_in) != 0;
}

static int sender(uint64_t deadline)
{
	uint32_t port = 0, accepted = 0, refused = 0, sends = 0;
	int ret;

	ret = pt_evtchn_bind_wait(peer, 0, 1, deadline, &port);
	if (ret)
		return report("messaging-flood", 0, "role=sender bind 0x%04x",
			      -ret);
	while (accepted < MESSAGES && pt_time_ns() < deadline) {
		if (pt_call_evtchn_send(port) == 0)
			sends++;
		ret = pt_call_msg_post(pt_msg_connection_id(peer, 0, 0),
				       MSG_DATA, &accepted, sizeof(accepted));
		if (ret == 0)
			accepted++;
		else if (ret == -PT_STATUS_INSUFFICIENT_BUFFERS)
			refused++;
		else if (ret != -PT_STATUS_INVALID_CONNECTION_ID)
			break; /* not listening yet is fine; others are not */
	}
	if (ret && ret != -PT_STATUS_INSUFFICIENT_BUFFERS)
		return report("messaging-flood", 0,
			      "role=sender post status=0x%04x accepted=%u",
			      -ret, accepted);
	ret = post_control(MSG_DONE, accepted, refused, sends, deadline);
	if (ret || !wait_control(deadline) || control_type != MSG_COUNT)
		return report("messaging-flood", 0,
			      "role=sender no count from the receiver "
			      "(post 0x%04x)",
			      -ret);
	return report("messaging-flood",
		      accepted == MESSAGES && control[0] == accepted &&
			      control[1] == 0 && refused > 0 &&
			      control[2] >= 1 && control[2] <= sends,
		      "role=sender accepted=%u refused=%u received=%u "
		      "disorder=%u sends=%u events_seen=%u",
		      accepted, refused, control[0], control[1], sends,
		      control[2]);
}

static int receiver(uint64_t deadline)
{
	uint32_t port = 0, seen;
	int ret;

	pt_evtchn_set_handler(1, on_event, NULL);
	ret = pt_evtchn_alloc_wait(peer, 0, deadline, &port);
	if (ret || port != 1)
		return report("messaging-flood", 0,
			      "role=receiver alloc 0x%04x port=%u", -ret, port);
	/* Slow: take upcalls only between stalls. */
	pt_irq_disable();
	while (!pt_atomic_load32(&control_in) && pt_time_ns() < deadline) {
		uint64_t until = pt_time_ns() + STALL_NS;

		while (pt_time_ns() < until)
			pt_pause();
		pt_safe_halt();
	}
	if (!pt_atomic_load32(&control_in) || control_type != MSG_DONE)
		return report("messaging-flood", 0,
			      "role=receiver no done message, received=%u",
			      data_in);
	seen = pt_atomic_load32(&events_seen);
	ret = post_control(MSG_COUNT, data_in, disorder, seen, deadline);
	return report("messaging-flood",
		      !ret && data_in == control[0] && disorder == 0 &&
			      seen >= 1 && seen <= control[2],
		      "role=receiver received=%u accepted=%u refused=%u "
		      "disorder=%u events_seen=%u sends=%u reply=0x%04x",
		      data_in, control[0], control[1], disorder, seen,
		      control[2], -ret);
}

int guest_main(const struct pt_start_info *si, unsigned vcpu)
{
	uint64_t deadline;
	char role[10];
	int ret;

	pt_guest_init();
	if (vcpu != 0)
		return 0;
	self_id = si->partition_id;
	peer = (uint32_t)pt_cmdline_u64("peer", 0);
	pt_cmdline_str("role", role, sizeof(role));
	is_sender = !strcmp(role, "sender");
	if (!peer || peer == self_id ||
	    (!is_sender && strcmp(role, "receiver")))
		pt_panic("messaging-flood: need role=sender|receiver and "
			 "peer=<other id>");
	deadline = pt_time_ns() + WAIT_NS;
	/* A timer at the deadline ends any HLT wait that nothing else ends. */
	pt_event_register(PT_EVENT_TIMER, on_timer, NULL);
	pt_call_set_timer(deadline + 1000000);
	ret = pt_evtchn_init();
	if (!ret)
		ret = pt_msg_listen(0, peer, is_sender ? 0 : DEPTH, on_message,
				    NULL, NULL);
	if (ret)
		pt_panic("messaging-flood: set-up status 0x%x", -ret);
	ret = is_sender ? sender(deadline) : receiver(deadline);
	pt_call_set_timer(0);
	return ret ? 0 : 1;
}
