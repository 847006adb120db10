// SPDX-License-Identifier: MIT
/*
 * Ping-pong operations of the suite: vCPU 0 sends an event (or posts a
 * message) to a peer vCPU of its own partition, on its own physical CPU
 * or on the other one, and waits in `sti; hlt` until the peer's answer
 * has run its handler; one sample is that round trip as vCPU 0 sees it.
 */
#include <partita-guest/guest.h>

#include "ops.h"
#include "pingpong.h"
#include "string.h"

/* A lost answer fails the operation after this instead of hanging. */
#define ANSWER_GIVE_UP_NS 1000000000ull
/* vCPU 0's slot for replies (message_post_receive_self has slot 1). */
#define REPLY_SLOT 2u

struct event_pair {
	unsigned peer;		   /* its vCPU; 0 until set up */
	uint32_t port;		   /* vCPU 0's end; the peer's answers */
	volatile uint32_t answers; /* counted by vCPU 0's handler */
};

static struct event_pair event_same, event_other;
static unsigned message_peer_same, message_peer_other;
static uint32_t reply_connection;
static uint32_t ping_seq;
static volatile uint32_t replies, bad_replies;
static volatile uint32_t failed_answers; /* the peers' sends that failed */

/* On vCPU 0: the peer's answer. */
static void on_answer(uint32_t port, void *ctx)
{
	struct event_pair *pair = ctx;

	pt_atomic_add32(&pair->answers, 1);
}

/* On the peer (its port's vCPU): answer at once, from the upcall. */
static void on_ping(uint32_t port, void *ctx)
{
	if (pt_call_evtchn_send(port))
		pt_atomic_add32(&failed_answers, 1);
}

/* On vCPU 0: a reply must carry the sequence number just posted. */
static void on_reply(const struct pt_msg *msg, void *ctx)
{
	uint32_t seq;

	memcpy(&seq, msg->payload + 4, sizeof(seq));
	if (msg->header.sender_id != bench_self_id ||
	    msg->header.payload_size != BENCH_PING_BYTES || seq != ping_seq)
		pt_atomic_add32(&bad_replies, 1);
	else
		pt_atomic_add32(&replies, 1);
}

static unsigned find_peer(int same_cpu)
{
	unsigned peer = bench_peer_find(same_cpu);

	if (!peer)
		pt_printf("PTBENCH-INFO no ready peer vCPU on %s CPU than "
			  "vCPU 0 (%u vCPUs; scripts/bench.sh gives the "
			  "guest one on each)\n",
			  same_cpu ? "the same" : "another", pt_vcpu_count());
	return peer;
}

/* A port of the peer's bound to one of vCPU 0's, each with its handler. */
static int setup_event_pair(struct event_pair *pair, int same_cpu)
{
	unsigned peer = find_peer(same_cpu);
	uint32_t peer_port = 0;
	int ret;

	if (!peer)
		return -PT_STATUS_INVALID_VP_INDEX;
	ret = pt_evtchn_init();
	if (!ret)
		ret = pt_call_evtchn_alloc_unbound(bench_self_id, peer,
						   &peer_port);
	if (!ret)
		ret = pt_call_evtchn_bind_interdomain(bench_self_id, 0,
						      peer_port, &pair->port);
	if (!ret)
		ret = pt_evtchn_set_handler(peer_port, on_ping, NULL);
	if (!ret)
		ret = pt_evtchn_set_handler(pair->port, on_answer, pair);
	if (!ret)
		pair->peer = peer;
	return ret;
}

static int setup_event_same(void)
{
	return setup_event_pair(&event_same, 1);
}

static int setup_event_other(void)
{
	return setup_event_pair(&event_other, 0);
}

static int setup_message(unsigned *peer, int same_cpu)
{
	int ret = 0;

	*peer = find_peer(same_cpu);
	if (!*peer)
		return -PT_STATUS_INVALID_VP_INDEX;
	if (!reply_connection)
		ret = pt_msg_listen(REPLY_SLOT, bench_self_id, 0, on_reply,
				    NULL, &reply_connection);
	return ret;
}

static int setup_message_same(void)
{
	return setup_message(&message_peer_same, 1);
}

static int setup_message_other(void)
{
	return setup_message(&message_peer_other, 0);
}

/*
 * The library's wait (pt_wait_flag): interrupts on only inside `sti;
 * hlt`, so an answer that came first is taken at the HLT and none is
 * missed. The watchdog timer set by the caller wakes a lost one.
 */
static int wait_count(volatile uint32_t *count, uint32_t want,
		      uint64_t give_up_ns)
{
	while (pt_atomic_load32(count) != want) {
		pt_safe_halt();
		if (pt_atomic_load32(count) != want &&
		    pt_time_ns() >= give_up_ns)
			return -PT_STATUS_NOT_FOUND;
	}
	return 0;
}

static void report_lost(const char *what, unsigned peer)
{
	const struct bench_peer *p = &bench_peers[peer];

	pt_printf("PTBENCH-INFO no %s from vCPU %u within 1 s: its failed "
		  "event sends %u, bad pings %u, failed posts %u (last "
		  "status 0x%x), bad replies %u\n",
		  what, peer, failed_answers, p->bad_pings, p->post_failures,
		  p->last_post_status, bad_replies);
}

static int once_event(struct event_pair *pair, uint64_t *ticks)
{
	uint32_t want = pair->answers + 1;
	uint64_t give_up = pt_time_ns() + ANSWER_GIVE_UP_NS, t0;
	int ret = pt_call_set_timer(give_up); /* the watchdog */

	if (ret)
		return ret;
	t0 = pt_rdtsc_ordered();
	ret = pt_call_evtchn_send(pair->port);
	if (!ret)
		ret = wait_count(&pair->answers, want, give_up);
	*ticks = pt_rdtsc_ordered() - t0;
	pt_call_set_timer(0);
	if (ret == -PT_STATUS_NOT_FOUND)
		report_lost("answer", pair->peer);
	return ret;
}

static int once_event_same(uint64_t *ticks)
{
	return once_event(&event_same, ticks);
}

static int once_event_other(uint64_t *ticks)
{
	return once_event(&event_other, ticks);
}

/* Posts {reply connection, sequence, 0, 0}; the peer posts it back. */
static int once_message(unsigned peer, uint64_t *ticks)
{
	uint32_t payload[BENCH_PING_BYTES / 4] = { reply_connection,
						   ++ping_seq };
	uint32_t want = replies + 1;
	uint64_t give_up = pt_time_ns() + ANSWER_GIVE_UP_NS, t0;
	int ret = pt_call_set_timer(give_up);

	if (ret)
		return ret;
	t0 = pt_rdtsc_ordered();
	ret = pt_call_msg_post(bench_peers[peer].connection, BENCH_PING_TYPE,
			       payload, sizeof(payload));
	if (!ret)
		ret = wait_count(&replies, want, give_up);
	*ticks = pt_rdtsc_ordered() - t0;
	pt_call_set_timer(0);
	if (ret == -PT_STATUS_NOT_FOUND)
		report_lost("reply", peer);
	return ret;
}

static int once_message_same(uint64_t *ticks)
{
	return once_message(message_peer_same, ticks);
}

static int once_message_other(uint64_t *ticks)
{
	return once_message(message_peer_other, ticks);
}

const struct bench_op bench_ops_pingpong[] = {
	{ "event_pingpong_same_cpu", 10, 1, setup_event_same, once_event_same },
	{ "event_pingpong_other_cpu", 10, 1, setup_event_other,
	  once_event_other },
	{ "message_pingpong_same_cpu", 10, 1, setup_message_same,
	  once_message_same },
	{ "message_pingpong_other_cpu", 10, 1, setup_message_other,
	  once_message_other },
	{ NULL, 0, 0, NULL, NULL },
};
