// SPDX-License-Identifier: MIT
/*
 * Example pair: two instances exchange ROUNDS events, then ROUNDS
 * messages, one at a time, counting and checking sequence numbers on both
 * sides. Command line: role=ping peer=<id> or role=pong peer=<id>.
 *
 * Events: pong allocates an unbound port offered to ping (the lowest free
 * port, so 1) and answers every event on it from its handler; ping binds
 * it (retrying while pong has not allocated it yet), sends, and waits for
 * the answer. Messages: each side listens on slot 0 of its vCPU 0 with the
 * other as the only sender; ping posts sequence numbers, pong checks and
 * posts them back. Ping first tells pong how many events it sent, so both
 * sides check the event count. Ping times every round trip.
 */
#include <partita-guest/guest.h>

#include "stats.h"
#include "string.h"

#define ROUNDS 10000u
#define PONG_PORT 1u /* pong's first allocation */
#define PHASE_TIMEOUT_NS (120ull * 1000000000ull)
#define STALL_NS (2ull * 1000000000ull) /* one round trip: ~0.2 ms */

/* Message types. Payload: one uint32_t, the sequence number or count. */
#define MSG_SEQ 1u
#define MSG_EVENTS_DONE 2u

static int is_ping;
static uint32_t peer;

static volatile uint32_t events_in;
static volatile uint32_t messages_in;
static volatile uint32_t last_type, last_value, bad_messages;
static volatile uint32_t timer_fired, failed_sends;
static uint32_t post_full, post_unknown; /* for the failure report */

/*
 * Where vCPU 0 is and since when, for a failure report: a stall shows
 * whether a guest waited for its peer, for its own timer, or was inside
 * a call. The first unexpected post status is kept too.
 */
enum where { W_START, W_WAIT, W_POST, W_POSTED, W_POST_SLEEP };
static const char *const where_names[] = { "start", "wait", "post", "posted",
					   "post-sleep" };
static volatile enum where where_now;
static volatile uint64_t where_since_ns, where_exits, where_runtime_ns;
static uint32_t first_refusal, first_refusal_value;
static uint64_t first_refusal_ns;

static void at(enum where w)
{
	volatile struct pt_vpap *v = pt_vpap();

	where_now = w;
	where_since_ns = pt_time_ns();
	/* The hypervisor's view of this vCPU then, to compare with now: did
	 * it run or exit at all while the guest seemed stuck? */
	where_exits = v ? v->stat_exits : 0;
	where_runtime_ns = v ? v->stat_runtime_ns : 0;
}

static uint64_t event_cycles[ROUNDS], message_cycles[ROUNDS];

static void on_event(uint32_t port, void *ctx)
{
	(void)ctx;
	pt_atomic_add32(&events_in, 1);
	/* Pong answers at once, from the handler. */
	if (!is_ping && pt_call_evtchn_send(port))
		pt_atomic_add32(&failed_sends, 1);
}

static void on_message(const struct pt_msg *msg, void *ctx)
{
	uint32_t value;

	(void)ctx;
	if (msg->header.sender_id != peer || msg->header.payload_size != 4) {
		pt_atomic_add32(&bad_messages, 1);
		return;
	}
	memcpy(&value, msg->payload, sizeof(value));
	last_type = msg->header.message_type;
	last_value = value;
	pt_atomic_add32(&messages_in, 1);
}

static void on_timer(unsigned event, unsigned vcpu, void *arg)
{
	pt_atomic_store32(&timer_fired, 1);
}

static void print_state(void)
{
	volatile struct pt_vpap *v = pt_vpap();
	const volatile struct pt_msg_page *mp = pt_msg_page();

	pt_printf("pingpong: state upcall_pending=%u upcall_mask=%u "
		  "pending_events=0x%lx msg_slots_pending=0x%lx "
		  "evtchn_pending_sel=0x%lx upcalls=%lu events_seen=0x%lx\n",
		  v->upcall_pending, v->upcall_mask,
		  (unsigned long)v->pending_events,
		  (unsigned long)v->msg_slots_pending,
		  (unsigned long)v->evtchn_pending_sel,
		  (unsigned long)pt_upcall_count(),
		  (unsigned long)pt_upcall_events_seen());
	pt_printf("pingpong: state where=%s since=%lu now=%lu "
		  "first-refusal=0x%x value=%u at=%lu\n",
		  where_names[where_now], (unsigned long)where_since_ns,
		  (unsigned long)pt_time_ns(), first_refusal,
		  first_refusal_value, (unsigned long)first_refusal_ns);
	pt_printf("pingpong: state exits=%lu (then %lu) runtime_ns=%lu "
		  "(then %lu) hypercalls=%lu upcalls=%lu timer_fires=%lu\n",
		  (unsigned long)v->stat_exits, (unsigned long)where_exits,
		  (unsigned long)v->stat_runtime_ns,
		  (unsigned long)where_runtime_ns,
		  (unsigned long)v->stat_hypercalls,
		  (unsigned long)v->stat_upcalls,
		  (unsigned long)v->stat_timer_fires);
	/* Our own connection answers ACCESS_DENIED (not the allowed
	 * sender) while it exists, INVALID_CONNECTION_ID once it is gone. */
	pt_printf(
		"pingpong: state own-connection-probe=0x%x peer-probe=0x%x\n",
		-pt_call_msg_post(pt_msg_connection_id(
					  pt_start_info()->partition_id, 0, 0),
				  1, "x", 1),
		-pt_call_msg_post(pt_msg_connection_id(peer, 0, 1), 1, "x", 1));
	if (pt_evtchn_page())
		pt_printf("pingpong: state pending[0]=0x%lx mask[0]=0x%lx "
			  "handled=%lu unhandled=%lu failed-sends=%u "
			  "post-full=%u post-unknown=%u\n",
			  (unsigned long)pt_evtchn_page()->pending[0],
			  (unsigned long)pt_evtchn_page()->mask[0],
			  (unsigned long)pt_evtchn_handled(),
			  (unsigned long)pt_evtchn_unhandled(), failed_sends,
			  post_full, post_unknown);
	if (mp)
		pt_printf("pingpong: state slot0 type=%u size=%u flags=0x%x "
			  "conn=0x%x sender=%u first-word=%u\n",
			  mp->slots[0].header.message_type,
			  mp->slots[0].header.payload_size,
			  mp->slots[0].header.flags,
			  mp->slots[0].header.connection_id,
			  mp->slots[0].header.sender_id,
			  *(const volatile uint32_t *)mp->slots[0].payload);
}

/*
 * Waits with interrupts enabled only inside `sti; hlt` until *counter
 * reaches want or the phase deadline passes (the watchdog timer wakes the
 * HLT). Returns 1 when reached. one_round: the wait is for one round
 * trip, so a wait of STALL_NS is reported (once) with the VPAP state.
 */
static int wait_count(volatile uint32_t *counter, uint32_t want,
		      uint64_t deadline, int one_round)
{
	uint64_t stall = one_round ? pt_time_ns() + STALL_NS : 0, halts = 0;

	at(W_WAIT);
	while (pt_atomic_load32(counter) < want) {
		uint64_t now = pt_time_ns();

		if (now > deadline)
			return 0;
		if (stall && now > stall) {
			/* Still waiting long after a round trip should have
			 * ended: show what is pending while it is stuck. */
			pt_printf("pingpong: stalled waiting for %u (have %u), "
				  "%lu halts returned\n",
				  want, pt_atomic_load32(counter),
				  (unsigned long)halts);
			print_state();
			stall = 0;
		}
		pt_safe_halt();
		halts++;
	}
	return 1;
}

/* On a failure: what the VPAP and message slot 0 say, for the report. */

static uint64_t phase_start(void)
{
	uint64_t deadline = pt_time_ns() + PHASE_TIMEOUT_NS;

	pt_call_set_timer(deadline + 1000000);
	return deadline;
}

/*
 * Posts until accepted or the deadline: a full queue is retried after a
 * yield, an unknown connection (the peer does not listen yet) after 1 ms.
 */
static int post(uint32_t type, uint32_t value, uint64_t deadline)
{
	uint32_t conn = pt_msg_connection_id(peer, 0, 0);
	unsigned retries = 0;
	int ret;

	for (;;) {
		at(W_POST);
		ret = pt_msg_post_retry(conn, type, &value, sizeof(value), 1000,
					&retries);
		at(W_POSTED);
		post_full += retries;
		if (ret && !first_refusal) {
			first_refusal = (uint32_t)-ret;
			first_refusal_value = value;
			first_refusal_ns = pt_time_ns();
		}
		if (ret == -PT_STATUS_INVALID_CONNECTION_ID)
			post_unknown++;
		if ((ret != -PT_STATUS_INVALID_CONNECTION_ID &&
		     ret != -PT_STATUS_INSUFFICIENT_BUFFERS) ||
		    pt_time_ns() >= deadline)
			return ret;
		if (ret == -PT_STATUS_INVALID_CONNECTION_ID) {
			at(W_POST_SLEEP);
			pt_sleep_ns(1000000);
		}
	}
}

static uint32_t bind_pong_port(uint64_t deadline)
{
	uint32_t port = 0;
	int ret;

	/* Pong may not exist yet, or not have allocated the port. */
	ret = pt_evtchn_bind_wait(peer, 0, PONG_PORT, deadline, &port);
	if (ret)
		pt_printf("RESULT pingpong-events FAIL role=ping bind "
			  "status=0x%x\n",
			  -ret);
	return ret ? 0 : port;
}

static void print_timings(const char *what, uint64_t *cycles)
{
	stats_summarise("pingpong: INFO", what, cycles, ROUNDS);
}

static int ping_events(uint32_t port)
{
	uint64_t deadline = phase_start();

	for (uint32_t i = 0; i < ROUNDS; i++) {
		uint64_t t0 = pt_rdtsc_ordered();
		int ret = pt_call_evtchn_send(port);

		if (ret || !wait_count(&events_in, i + 1, deadline, 1)) {
			pt_printf("RESULT pingpong-events FAIL role=ping "
				  "round=%u send=0x%x received=%u\n",
				  i, -ret, pt_atomic_load32(&events_in));
			print_state();
			return 0;
		}
		event_cycles[i] = pt_rdtsc_ordered() - t0;
	}
	pt_printf("RESULT pingpong-events PASS role=ping count=%u\n", ROUNDS);
	print_timings("event_round_trip_ns", event_cycles);
	return 1;
}

static int ping_messages(void)
{
	uint64_t deadline = phase_start();
	int ret;

	/* Message 1: how many events ping sent; pong answers its count. */
	ret = post(MSG_EVENTS_DONE, ROUNDS, deadline);
	if (ret || !wait_count(&messages_in, 1, deadline, 1) ||
	    last_type != MSG_EVENTS_DONE || last_value != ROUNDS) {
		pt_printf("RESULT pingpong-messages FAIL role=ping "
			  "events-done post=0x%x type=%u value=%u\n",
			  -ret, last_type, last_value);
		print_state();
		return 0;
	}
	for (uint32_t i = 0; i < ROUNDS; i++) {
		uint64_t t0 = pt_rdtsc_ordered();

		ret = post(MSG_SEQ, i, deadline);
		if (ret || !wait_count(&messages_in, i + 2, deadline, 1) ||
		    last_type != MSG_SEQ || last_value != i || bad_messages) {
			pt_printf("RESULT pingpong-messages FAIL role=ping "
				  "seq=%u post=0x%x got type=%u seq=%u "
				  "received=%u bad=%u\n",
				  i, -ret, last_type, last_value,
				  pt_atomic_load32(&messages_in), bad_messages);
			print_state();
			return 0;
		}
		message_cycles[i] = pt_rdtsc_ordered() - t0;
	}
	pt_printf("RESULT pingpong-messages PASS role=ping count=%u\n", ROUNDS);
	print_timings("message_round_trip_ns", message_cycles);
	return 1;
}

/* Pong: answers each message as it comes; the events answer themselves. */
static int pong(void)
{
	uint64_t deadline = phase_start();
	uint32_t events;
	int ret;

	/* The whole event phase passes before this message comes. */
	if (!wait_count(&messages_in, 1, deadline, 0) ||
	    last_type != MSG_EVENTS_DONE) {
		pt_printf(
			"RESULT pingpong-events FAIL role=pong no events-done "
			"message (events=%u)\n",
			pt_atomic_load32(&events_in));
		print_state();
		return 0;
	}
	events = pt_atomic_load32(&events_in);
	if (events != ROUNDS || last_value != ROUNDS) {
		pt_printf("RESULT pingpong-events FAIL role=pong received=%u "
			  "ping-sent=%u\n",
			  events, last_value);
		return 0;
	}
	pt_printf("RESULT pingpong-events PASS role=pong count=%u\n", events);
	ret = post(MSG_EVENTS_DONE, events, deadline);
	for (uint32_t i = 0; !ret && i < ROUNDS; i++) {
		if (!wait_count(&messages_in, i + 2, deadline, 1) ||
		    last_type != MSG_SEQ || last_value != i || bad_messages) {
			pt_printf("RESULT pingpong-messages FAIL role=pong "
				  "want seq=%u got type=%u seq=%u received=%u "
				  "bad=%u\n",
				  i, last_type, last_value,
				  pt_atomic_load32(&messages_in), bad_messages);
			print_state();
			return 0;
		}
		ret = post(MSG_SEQ, i, deadline);
	}
	if (ret) {
		pt_printf("RESULT pingpong-messages FAIL role=pong post "
			  "status=0x%x\n",
			  -ret);
		return 0;
	}
	pt_printf("RESULT pingpong-messages PASS role=pong count=%u\n", ROUNDS);
	return 1;
}

int guest_main(const struct pt_start_info *si, unsigned vcpu)
{
	char role[8];
	uint32_t port = 0;
	int ret, ok;

	pt_guest_init();
	if (vcpu != 0)
		return 0;
	pt_cmdline_str("role", role, sizeof(role));
	is_ping = !strcmp(role, "ping");
	peer = (uint32_t)pt_cmdline_u64("peer", 0);
	if ((!is_ping && strcmp(role, "pong")) || !peer ||
	    peer == si->partition_id)
		pt_panic("pingpong: need role=ping|pong and peer=<other id>");
	pt_event_register(PT_EVENT_TIMER, on_timer, NULL);
	ret = pt_evtchn_init();
	if (!ret)
		ret = pt_msg_listen(0, peer, 0, on_message, NULL, NULL);
	if (ret)
		pt_panic("pingpong: event page or listen: status 0x%x", -ret);

	if (is_ping) {
		port = bind_pong_port(pt_time_ns() + PHASE_TIMEOUT_NS);
		if (!port || pt_evtchn_set_handler(port, on_event, NULL))
			return 1;
		pt_printf("pingpong: ping %u bound port %u to pong %u port "
			  "%u\n",
			  si->partition_id, port, peer, PONG_PORT);
		ok = ping_events(port) && ping_messages();
	} else {
		/* The handler is there before ping can bind and send. */
		pt_evtchn_set_handler(PONG_PORT, on_event, NULL);
		ret = pt_evtchn_alloc_wait(
			peer, 0, pt_time_ns() + PHASE_TIMEOUT_NS, &port);
		if (ret || port != PONG_PORT) {
			pt_printf("RESULT pingpong-events FAIL role=pong "
				  "alloc status=0x%x port=%u want %u\n",
				  -ret, port, PONG_PORT);
			return 1;
		}
		pt_printf("pingpong: pong %u offers port %u to ping %u\n",
			  si->partition_id, port, peer);
		ok = pong();
	}
	pt_call_set_timer(0);
	return ok ? 0 : 1;
}
