// SPDX-License-Identifier: MIT
/*
 * In-guest test that event-port, message and grant calls refuse bad input
 * with the documented status and change nothing. Two instances:
 *   role=test peer=<helper id>    runs the cases, one RESULT line each
 *   role=helper peer=<test id>    offers ports and a connection for the
 *                                 cases that need a second partition,
 *                                 checks its own ports did not change,
 *                                 then ends (so the tester sees a peer die)
 * The tester runs with interrupts off and dispatches by polling, so that
 * pending bits stay visible to its checks.
 */
#include <partita-guest/guest.h>

#include "fmt.h"
#include "report.h"
#include "string.h"

#define NO_SUCH_PARTITION 200u
#define MSG_READY 1u
#define MSG_DONE 2u
#define WAIT_NS (60ull * 1000000000ull)

/* The helper's ports (lowest free first): see helper(). */
#define H_OFFERED 1u /* UNBOUND, offered to the tester */
#define H_SELF 2u    /* UNBOUND, offered to the helper itself */
#define H_PAIR_A 3u  /* INTERDOMAIN with H_PAIR_B, both in the helper */
#define H_PAIR_B 4u

static uint32_t self_id, peer;
static volatile uint32_t msgs_in, last_type;
static uint8_t spare_page[PT_PAGE_SIZE] __attribute__((aligned(PT_PAGE_SIZE)));
static uint8_t grant_pages[3][PT_PAGE_SIZE]
	__attribute__((aligned(PT_PAGE_SIZE)));
static struct pt_msg_post_in raw_post __attribute__((aligned(8)));

static struct report_tally tally = { .suite = "messaging-bad-input" };
#define note(...) report_case(&tally, __VA_ARGS__)

static uint16_t fast(uint16_t code, uint64_t rdx, uint64_t r8)
{
	return pt_hc_status(pt_hypercall_fast(pt_hc_input(code, 1, 0, 0), rdx,
					      r8, NULL, NULL));
}

/* A status case: `got` is a PT_STATUS, `extra` says whether nothing
 * changed (checked by the caller). */
static void expect(const char *name, uint16_t got, uint16_t want, int extra,
		   const char *extra_what)
{
	note(name, got == want && extra, "status=0x%04x want=0x%04x%s%s", got,
	     want, extra ? "" : " changed: ", extra ? "" : extra_what);
}

static void expect2(const char *name, uint16_t got, uint16_t want1,
		    uint16_t want2, int extra, const char *extra_what)
{
	note(name, (got == want1 || got == want2) && extra,
	     "status=0x%04x want=0x%04x|0x%04x%s%s", got, want1, want2,
	     extra ? "" : " changed: ", extra ? "" : extra_what);
}

static uint32_t port_state(uint32_t port)
{
	struct pt_evtchn_status st;

	if (pt_call_evtchn_status(port, &st))
		return 0xFFFFFFFFu;
	return st.state;
}

static int port_is(uint32_t port, uint32_t state, uint32_t remote)
{
	struct pt_evtchn_status st;

	return !pt_call_evtchn_status(port, &st) && st.state == state &&
	       st.remote_id == remote;
}

static void on_message(const struct pt_msg *msg, void *ctx)
{
	(void)ctx;
	last_type = msg->header.message_type;
	pt_atomic_add32(&msgs_in, 1);
}

/* Polls (interrupts off) until n messages arrived; 1 if they did. */
static int poll_messages(uint32_t n)
{
	uint64_t deadline = pt_time_ns() + WAIT_NS;

	while (pt_atomic_load32(&msgs_in) < n) {
		pt_msg_poll();
		pt_evtchn_poll();
		if (pt_time_ns() > deadline)
			return 0;
		pt_call_block(pt_time_ns() + 1000000);
	}
	return 1;
}

static int post_peer(uint32_t type)
{
	uint32_t conn = pt_msg_connection_id(peer, 0, 0);
	uint64_t deadline = pt_time_ns() + WAIT_NS;
	int ret;

	while ((ret = pt_msg_post_retry(conn, type, &self_id, 4, 0, NULL)) ==
		       -PT_STATUS_INVALID_CONNECTION_ID &&
	       pt_time_ns() < deadline)
		pt_sleep_ns(1000000);
	return ret;
}

/* Registration of the event and message pages: bad GPAs first. */
static void test_pages(const struct pt_start_info *si)
{
	uint64_t hc = pt_hypercall_page_gpa(), vp = pt_gpa(pt_vpap_page(0));
	static const struct {
		const char *what;
		uint16_t code;
	} kinds[] = { { "evtchn-page", PT_CALL_EVTCHN_SET_PAGE },
		      { "msg-page", PT_CALL_MSG_SET_PAGE } };
	char name[64];
	int ret;

	for (unsigned k = 0; k < 2; k++) {
		uint16_t c = kinds[k].code;
		const char *w = kinds[k].what;

		fmt_snprintf(name, sizeof(name), "%s-outside-ram", w);
		expect(name, fast(c, si->memory_bytes, 0),
		       PT_STATUS_INVALID_GPA, 1, "");
		fmt_snprintf(name, sizeof(name), "%s-far-outside-ram", w);
		expect(name, fast(c, 1ull << 40, 0), PT_STATUS_INVALID_GPA, 1,
		       "");
		fmt_snprintf(name, sizeof(name), "%s-in-grant-window", w);
		expect(name, fast(c, PT_GUEST_GRANT_WINDOW_GPA, 0),
		       PT_STATUS_INVALID_GPA, 1, "");
		fmt_snprintf(name, sizeof(name), "%s-misaligned", w);
		expect(name, fast(c, pt_gpa(spare_page) + 8, 0),
		       PT_STATUS_INVALID_ALIGNMENT, 1, "");
		fmt_snprintf(name, sizeof(name), "%s-on-hypercall-page", w);
		expect(name, fast(c, hc, 0), PT_STATUS_INVALID_PARAMETER,
		       pt_call_null() == 0, "hypercall page broken");
		fmt_snprintf(name, sizeof(name), "%s-on-vpap", w);
		expect(name, fast(c, vp, 0), PT_STATUS_INVALID_PARAMETER,
		       pt_vpap_page(0)->magic == PT_VPAP_MAGIC,
		       "VPAP header overwritten");
	}
	/* None of the above registered anything: the real ones work. */
	ret = pt_evtchn_init();
	note("evtchn-page-none-registered", ret == 0, "status=0x%04x", -ret);
	expect("evtchn-page-twice",
	       fast(PT_CALL_EVTCHN_SET_PAGE, pt_gpa(spare_page), 0),
	       PT_STATUS_INVALID_PARTITION_STATE, 1, "");
	ret = pt_msg_listen(0, peer, 0, on_message, NULL, NULL);
	note("msg-page-none-registered", ret == 0, "status=0x%04x", -ret);
}

static void test_ports(void)
{
	uint32_t port = 0, p = 0, q = 0, t = 0;
	struct pt_evtchn_status st;
	uint16_t s;
	int ret;

	/* The helper said it is ready: its port 1 is offered to us. */
	ret = pt_call_evtchn_bind_interdomain(peer, 0, H_OFFERED, &port);
	note("bind-offered-port",
	     ret == 0 && port == 1 &&
		     port_is(1, PT_EVTCHN_STATE_INTERDOMAIN, peer),
	     "status=0x%04x port=%u", -ret, port);

	expect("send-port-out-of-range",
	       fast(PT_CALL_EVTCHN_SEND, PT_EVTCHN_PORTS, 0),
	       PT_STATUS_INVALID_PORT_ID, 1, "");
	expect("send-port-high-bits",
	       fast(PT_CALL_EVTCHN_SEND, (1ull << 32) | 1u, 0),
	       PT_STATUS_INVALID_PORT_ID, 1, "");
	expect("send-port-zero", fast(PT_CALL_EVTCHN_SEND, 0, 0),
	       PT_STATUS_INVALID_PORT_ID, 1, "");
	expect("close-port-zero", fast(PT_CALL_EVTCHN_CLOSE, 0, 0),
	       PT_STATUS_INVALID_PORT_ID, 1, "");
	ret = pt_call_evtchn_status(PT_EVTCHN_PORTS, &st);
	expect("status-port-out-of-range", (uint16_t)-ret,
	       PT_STATUS_INVALID_PORT_ID, 1, "");
	expect("mask-port-out-of-range",
	       fast(PT_CALL_EVTCHN_MASK, PT_EVTCHN_PORTS, 0),
	       PT_STATUS_INVALID_PORT_ID, 1, "");

	expect("send-port-not-bound", fast(PT_CALL_EVTCHN_SEND, 100, 0),
	       PT_STATUS_INVALID_PORT_ID,
	       port_state(100) == PT_EVTCHN_STATE_FREE, "port 100 not FREE");
	expect("close-port-not-bound", fast(PT_CALL_EVTCHN_CLOSE, 100, 0),
	       PT_STATUS_INVALID_PORT_ID,
	       port_state(100) == PT_EVTCHN_STATE_FREE, "port 100 not FREE");
	expect("bind-vcpu-port-not-bound",
	       fast(PT_CALL_EVTCHN_BIND_VCPU, 100, 0),
	       PT_STATUS_INVALID_PORT_ID,
	       port_state(100) == PT_EVTCHN_STATE_FREE, "port 100 not FREE");

	/* Port numbers that are bound only in the helper. */
	expect("send-other-partitions-port",
	       fast(PT_CALL_EVTCHN_SEND, H_PAIR_B, 0),
	       PT_STATUS_INVALID_PORT_ID,
	       port_state(H_PAIR_B) == PT_EVTCHN_STATE_FREE, "port 4 not FREE");
	expect("close-other-partitions-port",
	       fast(PT_CALL_EVTCHN_CLOSE, H_PAIR_B, 0),
	       PT_STATUS_INVALID_PORT_ID,
	       port_state(H_PAIR_B) == PT_EVTCHN_STATE_FREE, "port 4 not FREE");
	s = pt_hc_status(pt_hypercall_fast(
		pt_hc_input(PT_CALL_EVTCHN_BIND_INTERDOMAIN, 1, 0, 0), peer,
		H_SELF, NULL, NULL));
	expect("bind-port-offered-to-another", s, PT_STATUS_ACCESS_DENIED,
	       port_state(2) == PT_EVTCHN_STATE_FREE, "a local port appeared");
	s = fast(PT_CALL_EVTCHN_BIND_INTERDOMAIN, peer, H_PAIR_A);
	expect("bind-port-already-interdomain", s, PT_STATUS_INVALID_PORT_ID,
	       port_state(2) == PT_EVTCHN_STATE_FREE, "a local port appeared");
	s = fast(PT_CALL_EVTCHN_BIND_INTERDOMAIN, peer, H_OFFERED);
	expect("bind-port-twice", s, PT_STATUS_INVALID_PORT_ID,
	       port_state(2) == PT_EVTCHN_STATE_FREE, "a local port appeared");
	s = fast(PT_CALL_EVTCHN_BIND_INTERDOMAIN, peer, 50);
	expect("bind-port-not-offered", s, PT_STATUS_INVALID_PORT_ID,
	       port_state(2) == PT_EVTCHN_STATE_FREE, "a local port appeared");
	s = fast(PT_CALL_EVTCHN_BIND_INTERDOMAIN, peer, PT_EVTCHN_PORTS);
	expect("bind-remote-port-out-of-range", s, PT_STATUS_INVALID_PORT_ID,
	       port_state(2) == PT_EVTCHN_STATE_FREE, "a local port appeared");
	s = fast(PT_CALL_EVTCHN_BIND_INTERDOMAIN, NO_SUCH_PARTITION, 1);
	expect("bind-no-such-partition", s, PT_STATUS_INVALID_PARTITION_ID,
	       port_state(2) == PT_EVTCHN_STATE_FREE, "a local port appeared");
	s = fast(PT_CALL_EVTCHN_ALLOC_UNBOUND, NO_SUCH_PARTITION, 0);
	expect("alloc-for-no-such-partition", s, PT_STATUS_INVALID_PARTITION_ID,
	       port_state(2) == PT_EVTCHN_STATE_FREE, "a local port appeared");
	s = fast(PT_CALL_EVTCHN_ALLOC_UNBOUND, peer | (5ull << 32), 0);
	expect("alloc-for-no-such-vcpu", s, PT_STATUS_INVALID_VP_INDEX,
	       port_state(2) == PT_EVTCHN_STATE_FREE, "a local port appeared");

	/* A pair of our own: p offered to ourselves, q bound to it. */
	ret = pt_call_evtchn_alloc_unbound(self_id, 0, &p);
	if (!ret)
		ret = pt_call_evtchn_bind_interdomain(self_id, 0, p, &q);
	note("self-pair",
	     ret == 0 && port_is(p, 2, self_id) && port_is(q, 2, self_id),
	     "status=0x%04x p=%u q=%u", -ret, p, q);
	ret = pt_call_evtchn_close(q);
	s = fast(PT_CALL_EVTCHN_SEND, q, 0);
	expect("send-on-closed-port", s, PT_STATUS_INVALID_PORT_ID,
	       !ret && port_state(q) == PT_EVTCHN_STATE_FREE &&
		       port_is(p, PT_EVTCHN_STATE_UNBOUND, self_id),
	       "close failed, q not FREE or p not UNBOUND");
	s = fast(PT_CALL_EVTCHN_CLOSE, q, 0);
	expect("double-close", s, PT_STATUS_INVALID_PORT_ID,
	       port_state(q) == PT_EVTCHN_STATE_FREE &&
		       port_is(p, PT_EVTCHN_STATE_UNBOUND, self_id),
	       "q not FREE or p not UNBOUND");
	s = fast(PT_CALL_EVTCHN_SEND, p, 0);
	pt_call_evtchn_status(p, &st);
	expect("send-on-unbound-delivers-nothing", s, PT_STATUS_SUCCESS,
	       !st.pending && port_state(q) == PT_EVTCHN_STATE_FREE,
	       "something became pending");
	pt_call_evtchn_close(p);

	/* Virtual IRQs. */
	ret = pt_call_evtchn_bind_virq(PT_VIRQ_TIMER, 0, &t);
	s = fast(PT_CALL_EVTCHN_BIND_VIRQ, PT_VIRQ_TIMER, 0);
	pt_call_evtchn_status(t, &st);
	expect("virq-timer-bound-twice", s, PT_STATUS_OBJECT_IN_USE,
	       !ret && st.state == PT_EVTCHN_STATE_VIRQ &&
		       st.virq == PT_VIRQ_TIMER &&
		       port_state(t + 1) == PT_EVTCHN_STATE_FREE,
	       "first bind failed or a second port appeared");
	pt_call_evtchn_close(t);
	ret = pt_call_evtchn_bind_virq(PT_VIRQ_PEER_DIED, 0, &t);
	s = fast(PT_CALL_EVTCHN_BIND_VIRQ, PT_VIRQ_PEER_DIED, 0);
	expect("virq-peer-died-bound-twice", s, PT_STATUS_OBJECT_IN_USE,
	       !ret && port_state(t + 1) == PT_EVTCHN_STATE_FREE,
	       "first bind failed or a second port appeared");
	/* t stays bound: the helper's end is our notice below. */
	s = fast(PT_CALL_EVTCHN_BIND_VIRQ, PT_VIRQ_TIMER, 5);
	expect("virq-no-such-vcpu", s, PT_STATUS_INVALID_VP_INDEX,
	       port_state(t + 1) == PT_EVTCHN_STATE_FREE, "a port appeared");
	s = fast(PT_CALL_EVTCHN_BIND_VIRQ, PT_VIRQ_TIMER, PT_GUEST_MAX_VCPUS);
	expect("virq-vcpu-out-of-range", s, PT_STATUS_INVALID_VP_INDEX,
	       port_state(t + 1) == PT_EVTCHN_STATE_FREE, "a port appeared");
	s = fast(PT_CALL_EVTCHN_BIND_VIRQ, PT_VIRQ_COUNT, 0);
	expect("virq-out-of-range", s, PT_STATUS_INVALID_PARAMETER,
	       port_state(t + 1) == PT_EVTCHN_STATE_FREE, "a port appeared");
	s = fast(PT_CALL_EVTCHN_BIND_VIRQ, PT_VIRQ_CONSOLE, 0);
	expect("virq-root-only", s, PT_STATUS_ACCESS_DENIED,
	       port_state(t + 1) == PT_EVTCHN_STATE_FREE, "a port appeared");
	s = fast(PT_CALL_EVTCHN_BIND_VCPU, 1, 5);
	pt_call_evtchn_status(1, &st);
	expect("bind-vcpu-no-such-vcpu", s, PT_STATUS_INVALID_VP_INDEX,
	       st.vcpu == 0, "port 1 moved");
}

static void test_messages(void)
{
	uint32_t own5 = pt_msg_connection_id(self_id, 0, 5), conn = 0;
	struct pt_msg_connection_in in = { 0, 2, 0, 1 };
	uint64_t before;
	int ret;

	expect("post-unknown-connection",
	       (uint16_t)-pt_call_msg_post(own5, 1, "x", 1),
	       PT_STATUS_INVALID_CONNECTION_ID, 1, "");
	expect("post-malformed-connection-id",
	       (uint16_t)-pt_call_msg_post(0x1234, 1, "x", 1),
	       PT_STATUS_INVALID_CONNECTION_ID, 1, "");
	expect("post-no-such-partition",
	       (uint16_t)-pt_call_msg_post(
		       pt_msg_connection_id(NO_SUCH_PARTITION, 0, 0), 1, "x",
		       1),
	       PT_STATUS_INVALID_CONNECTION_ID, 1, "");
	/* Slot 0 listens to the helper only. */
	expect("post-not-the-allowed-sender",
	       (uint16_t)-pt_call_msg_post(pt_msg_connection_id(self_id, 0, 0),
					   1, "x", 1),
	       PT_STATUS_ACCESS_DENIED, 1, "");

	/* Slot 2: our own connection, for posts to ourselves. */
	in.sender = self_id;
	ret = pt_call_msg_create_connection(&in, &conn);
	note("self-connection",
	     !ret && conn == pt_msg_connection_id(self_id, 0, 2),
	     "status=0x%04x id=0x%x", -ret, conn);
	before = pt_msg_received();
	memset(&raw_post, 0, sizeof(raw_post));
	raw_post.connection_id = conn;
	raw_post.message_type = 1;
	raw_post.payload_size = PT_MSG_PAYLOAD_MAX + 1;
	expect("payload-over-240",
	       pt_hc_status(pt_hypercall(pt_hc_input(PT_CALL_MSG_POST, 0, 0, 0),
					 pt_gpa(&raw_post), 0)),
	       PT_STATUS_INVALID_PARAMETER, !(pt_vpap()->msg_slots_pending & 4),
	       "a message arrived");
	raw_post.payload_size = 0xFFFFFFFFu;
	expect("payload-size-huge",
	       pt_hc_status(pt_hypercall(pt_hc_input(PT_CALL_MSG_POST, 0, 0, 0),
					 pt_gpa(&raw_post), 0)),
	       PT_STATUS_INVALID_PARAMETER, !(pt_vpap()->msg_slots_pending & 4),
	       "a message arrived");
	raw_post.payload_size = 4;
	raw_post.message_type = 0;
	expect("message-type-zero",
	       pt_hc_status(pt_hypercall(pt_hc_input(PT_CALL_MSG_POST, 0, 0, 0),
					 pt_gpa(&raw_post), 0)),
	       PT_STATUS_INVALID_PARAMETER, !(pt_vpap()->msg_slots_pending & 4),
	       "a message arrived");
	raw_post.message_type = PT_MSG_TYPE_MAX + 1;
	expect("message-type-too-big",
	       pt_hc_status(pt_hypercall(pt_hc_input(PT_CALL_MSG_POST, 0, 0, 0),
					 pt_gpa(&raw_post), 0)),
	       PT_STATUS_INVALID_PARAMETER, !(pt_vpap()->msg_slots_pending & 4),
	       "a message arrived");
	raw_post.message_type = 1;
	raw_post.reserved = 1;
	expect("post-reserved-nonzero",
	       pt_hc_status(pt_hypercall(pt_hc_input(PT_CALL_MSG_POST, 0, 0, 0),
					 pt_gpa(&raw_post), 0)),
	       PT_STATUS_INVALID_PARAMETER, !(pt_vpap()->msg_slots_pending & 4),
	       "a message arrived");
	/* A good one goes through: the refused ones left no trace. */
	ret = pt_call_msg_post(conn, 7, "good", 4);
	pt_msg_poll();
	note("post-self-delivered-once",
	     !ret && pt_msg_received() == before + 1,
	     "status=0x%04x received=%lu", -ret,
	     (unsigned long)(pt_msg_received() - before));
	/* Polling took every event: no upcall is left asked for (the
	 * hypervisor would keep raising it for nothing). */
	pt_evtchn_poll();
	note("poll-leaves-no-stale-upcall",
	     pt_vpap()->pending_events != 0 || !pt_vpap()->upcall_pending,
	     "upcall_pending=%u pending_events=0x%llx",
	     (unsigned)pt_vpap()->upcall_pending,
	     (unsigned long long)pt_vpap()->pending_events);

	in.slot = 2;
	expect("connection-slot-taken",
	       (uint16_t)-pt_call_msg_create_connection(&in, NULL),
	       PT_STATUS_OBJECT_IN_USE, 1, "");
	in.slot = PT_MSG_SLOTS;
	expect("connection-slot-out-of-range",
	       (uint16_t)-pt_call_msg_create_connection(&in, NULL),
	       PT_STATUS_INVALID_PARAMETER, 1, "");
	in.slot = 3;
	in.depth = PT_MSG_QUEUE_MAX + 1;
	expect("connection-depth-too-big",
	       (uint16_t)-pt_call_msg_create_connection(&in, NULL),
	       PT_STATUS_INVALID_PARAMETER, 1, "");
	in.depth = 1;
	in.vcpu = 5;
	expect("connection-no-such-vcpu",
	       (uint16_t)-pt_call_msg_create_connection(&in, NULL),
	       PT_STATUS_INVALID_VP_INDEX, 1, "");
	expect("eom-slot-out-of-range", fast(PT_CALL_MSG_EOM, PT_MSG_SLOTS, 0),
	       PT_STATUS_INVALID_PARAMETER, 1, "");
	expect("delete-unknown-connection",
	       fast(PT_CALL_MSG_DELETE_CONNECTION, own5, 0),
	       PT_STATUS_INVALID_CONNECTION_ID, 1, "");
}

static uint64_t maps_of(uint32_t ref)
{
	uint64_t maps = ~0ull;

	pt_grant_query(ref, &maps, NULL);
	return maps;
}

static uint16_t map_one(uint32_t granter, uint32_t ref, uint16_t flags,
			uint64_t gpa, uint32_t *handle)
{
	static struct pt_grant_map_in in __attribute__((aligned(16)));
	static struct pt_grant_map_out out __attribute__((aligned(8)));
	int ret;

	in.granter = (uint16_t)granter;
	in.flags = flags;
	in.ref = ref;
	in.gpa = gpa;
	out.handle = 0xFFFFFFFFu;
	ret = pt_call_grant_map(&in, &out, 1, NULL);
	if (handle)
		*handle = out.handle;
	return (uint16_t)-ret;
}

static uint16_t unmap_one(uint64_t handle)
{
	static uint64_t h;

	h = handle;
	return (uint16_t)-pt_call_grant_unmap(&h, 1, NULL);
}

static void test_grants(const struct pt_start_info *si)
{
	uint64_t w = PT_GUEST_GRANT_WINDOW_GPA, outside = si->memory_bytes;
	uint64_t gp0 = pt_gpa(grant_pages[0]) >> PT_PAGE_SHIFT;
	uint64_t gp1 = pt_gpa(grant_pages[1]) >> PT_PAGE_SHIFT;
	uint32_t entries, handle = 0, refs[2], handles[2];
	struct pt_grant_copy op __attribute__((aligned(8)));
	uint32_t flags = 0;
	size_t failed = 0;
	void *addr = NULL;
	uint16_t s;
	int ret;

	ret = pt_grant_table_init(1);
	entries = pt_grant_table_entries();
	note("grant-table", !ret && entries == PT_GRANT_ENTRIES_PER_FRAME,
	     "status=0x%04x entries=%u", -ret, entries);

	expect("end-access-ref-out-of-range",
	       fast(PT_CALL_GRANT_END_ACCESS, entries, 0),
	       PT_STATUS_INVALID_GRANT_REF, 1, "");
	expect("query-ref-out-of-range", fast(PT_CALL_GRANT_QUERY, entries, 0),
	       PT_STATUS_INVALID_GRANT_REF, 1, "");
	expect("query-ref-huge", fast(PT_CALL_GRANT_QUERY, 0xFFFFFFFFull, 0),
	       PT_STATUS_INVALID_GRANT_REF, 1, "");
	expect("map-ref-out-of-range", map_one(self_id, entries, 0, w, NULL),
	       PT_STATUS_INVALID_GRANT_REF, 1, "");
	expect("map-ref-grants-nothing", map_one(self_id, 7, 0, w, NULL),
	       PT_STATUS_INVALID_GRANT_REF, maps_of(7) == 0, "mapped");

	/* Ref 2: a frame outside our RAM, granted to ourselves. */
	pt_grant_access(2, self_id, outside >> PT_PAGE_SHIFT, 0);
	expect("map-frame-not-owned", map_one(self_id, 2, 0, w, NULL),
	       PT_STATUS_INVALID_GPA, maps_of(2) == 0, "mapping counted");
	pt_grant_end_access(2);
	pt_grant_access(2, self_id, w >> PT_PAGE_SHIFT, 0);
	expect("map-frame-in-grant-window", map_one(self_id, 2, 0, w, NULL),
	       PT_STATUS_INVALID_GPA, maps_of(2) == 0, "mapping counted");
	pt_grant_end_access(2);

	/* Ref 3: meant for the helper. */
	pt_grant_access(3, peer, gp0, 0);
	expect("map-grant-for-another", map_one(self_id, 3, 0, w, NULL),
	       PT_STATUS_ACCESS_DENIED, maps_of(3) == 0, "mapping counted");
	memset(&op, 0, sizeof(op));
	op.granter = (uint16_t)self_id;
	op.ref = 3;
	op.length = 16;
	op.local_gpa = pt_gpa(grant_pages[2]);
	expect("copy-grant-for-another",
	       (uint16_t)-pt_call_grant_copy(&op, 1, NULL),
	       PT_STATUS_ACCESS_DENIED, 1, "");
	pt_grant_end_access(3);

	/* Ref 4: read-only for ourselves. */
	grant_pages[1][0] = 0x5A;
	pt_grant_access(4, self_id, gp1, 1);
	expect("map-readonly-grant-read-write", map_one(self_id, 4, 0, w, NULL),
	       PT_STATUS_ACCESS_DENIED, maps_of(4) == 0, "mapping counted");
	op.ref = 4;
	op.flags = PT_GRANT_COPY_TO_GRANT;
	expect("copy-to-readonly-grant",
	       (uint16_t)-pt_call_grant_copy(&op, 1, NULL),
	       PT_STATUS_ACCESS_DENIED, grant_pages[1][0] == 0x5A,
	       "the page was written");
	s = map_one(self_id, 4, PT_GRANT_MAP_READONLY, w, &handle);
	note("map-readonly-grant-read-only",
	     s == 0 && maps_of(4) == 1 &&
		     *(volatile uint8_t *)(uintptr_t)w == 0x5A,
	     "status=0x%04x maps=%lu", s, (unsigned long)maps_of(4));
	s = unmap_one(handle);
	note("unmap", s == 0 && maps_of(4) == 0, "status=0x%04x maps=%lu", s,
	     (unsigned long)maps_of(4));
	expect("unmap-twice", unmap_one(handle), PT_STATUS_INVALID_HANDLE,
	       maps_of(4) == 0, "mapping count moved");
	expect("unmap-never-mapped", unmap_one(0x7777),
	       PT_STATUS_INVALID_HANDLE, 1, "");
	expect("unmap-handle-huge", unmap_one(~0ull), PT_STATUS_INVALID_HANDLE,
	       1, "");

	/* Ref 5: ending access while mapped. */
	pt_grant_access(5, self_id, gp0, 0);
	s = map_one(self_id, 5, 0, w, &handle);
	if (!s)
		*(volatile uint32_t *)(uintptr_t)w = 0xC0FFEE;
	note("map-own-grant",
	     s == 0 && maps_of(5) == 1 &&
		     *(volatile uint32_t *)grant_pages[0] == 0xC0FFEE,
	     "status=0x%04x", s);
	ret = pt_grant_end_access(5);
	pt_grant_query(5, NULL, &flags);
	expect("end-access-while-mapped", (uint16_t)-ret,
	       PT_STATUS_OBJECT_IN_USE, maps_of(5) == 1 && (flags & 1),
	       "mapping or entry gone");
	unmap_one(handle);
	ret = pt_grant_end_access(5);
	flags = 0xFF;
	pt_grant_query(5, NULL, &flags);
	note("end-access-after-unmap", !ret && flags == 0,
	     "status=0x%04x flags=0x%x", -ret, flags);

	/* The library unwinds a batch whose second element fails. */
	pt_grant_access(6, self_id, gp0, 0);
	refs[0] = 6;
	refs[1] = entries;
	ret = pt_grant_map(self_id, refs, 2, 0, &addr, handles, &failed);
	note("map-batch-unwinds",
	     ret == -PT_STATUS_INVALID_GRANT_REF && failed == 1 &&
		     maps_of(6) == 0,
	     "status=0x%04x failed=%zu maps=%lu", -ret, failed,
	     (unsigned long)maps_of(6));
	pt_grant_end_access(6);

	expect("map-no-such-partition",
	       map_one(NO_SUCH_PARTITION, 1, 0, w, NULL),
	       PT_STATUS_INVALID_PARTITION_ID, 1, "");
	op.granter = NO_SUCH_PARTITION;
	op.ref = 1;
	op.flags = 0;
	expect("copy-no-such-partition",
	       (uint16_t)-pt_call_grant_copy(&op, 1, NULL),
	       PT_STATUS_INVALID_PARTITION_ID, 1, "");
}

/* The helper ends; our end of its port becomes UNBOUND with a notice. */
static void test_peer_gone(void)
{
	uint64_t deadline = pt_time_ns() + WAIT_NS;
	struct pt_evtchn_status st;
	struct pt_grant_copy op __attribute__((aligned(8)));
	uint32_t died_port = 0;
	uint16_t s;
	int ret;

	for (uint32_t p = 1; p < 16; p++) {
		if (!pt_call_evtchn_status(p, &st) &&
		    st.state == PT_EVTCHN_STATE_VIRQ &&
		    st.virq == PT_VIRQ_PEER_DIED)
			died_port = p;
	}
	ret = post_peer(MSG_DONE);
	while (port_state(1) == PT_EVTCHN_STATE_INTERDOMAIN &&
	       pt_time_ns() < deadline)
		pt_sleep_ns(1000000);
	pt_call_evtchn_status(1, &st);
	note("peer-ended-port-unbound",
	     !ret && st.state == PT_EVTCHN_STATE_UNBOUND &&
		     st.remote_id == peer && st.pending,
	     "post=0x%04x state=%u remote=%u pending=%u", -ret, st.state,
	     st.remote_id, st.pending);
	pt_call_evtchn_status(died_port, &st);
	note("peer-died-virq-pending", died_port && st.pending,
	     "port=%u pending=%u", died_port, st.pending);
	expect("send-after-peer-ended", fast(PT_CALL_EVTCHN_SEND, 1, 0),
	       PT_STATUS_SUCCESS, 1, "");

	/* Wait until it is really gone, not only dying. */
	while (pt_time_ns() < deadline &&
	       fast(PT_CALL_EVTCHN_BIND_INTERDOMAIN, peer, 1) ==
		       PT_STATUS_INVALID_PARTITION_STATE)
		pt_sleep_ns(1000000);
	s = fast(PT_CALL_EVTCHN_BIND_INTERDOMAIN, peer, 1);
	expect2("bind-to-ended-partition", s, PT_STATUS_INVALID_PARTITION_ID,
		PT_STATUS_INVALID_PARTITION_STATE,
		port_state(2) == PT_EVTCHN_STATE_FREE ||
			port_state(2) == PT_EVTCHN_STATE_VIRQ,
		"a port appeared");
	s = fast(PT_CALL_EVTCHN_ALLOC_UNBOUND, peer, 0);
	expect2("alloc-for-ended-partition", s, PT_STATUS_INVALID_PARTITION_ID,
		PT_STATUS_INVALID_PARTITION_STATE, 1, "");
	expect("post-to-ended-partition",
	       (uint16_t)-pt_call_msg_post(pt_msg_connection_id(peer, 0, 0), 1,
					   "x", 1),
	       PT_STATUS_INVALID_CONNECTION_ID, 1, "");
	expect2("map-from-ended-partition",
		map_one(peer, 1, 0, PT_GUEST_GRANT_WINDOW_GPA, NULL),
		PT_STATUS_INVALID_PARTITION_ID,
		PT_STATUS_INVALID_PARTITION_STATE, 1, "");
	memset(&op, 0, sizeof(op));
	op.granter = (uint16_t)peer;
	op.ref = 1;
	op.length = 16;
	op.local_gpa = pt_gpa(grant_pages[2]);
	expect2("copy-from-ended-partition",
		(uint16_t)-pt_call_grant_copy(&op, 1, NULL),
		PT_STATUS_INVALID_PARTITION_ID,
		PT_STATUS_INVALID_PARTITION_STATE, 1, "");
}

static int tester(const struct pt_start_info *si)
{
	test_pages(si);
	if (!poll_messages(1) || last_type != MSG_READY) {
		note("helper-ready", 0, "no ready message (got %u)", msgs_in);
		return 1;
	}
	test_ports();
	test_messages();
	test_grants(si);
	test_peer_gone();
	report_suite(&tally);
	return 0;
}

/* Helper: its ports, a connection, then waits for the tester's "done". */
static int helper(void)
{
	uint32_t p[4] = { 0 };
	int ret, ok;

	ret = pt_evtchn_init();
	if (!ret)
		ret = pt_evtchn_alloc_wait(peer, 0, pt_time_ns() + WAIT_NS,
					   &p[0]);
	if (!ret)
		ret = pt_call_evtchn_alloc_unbound(self_id, 0, &p[1]);
	if (!ret)
		ret = pt_call_evtchn_alloc_unbound(self_id, 0, &p[2]);
	if (!ret)
		ret = pt_call_evtchn_bind_interdomain(self_id, 0, p[2], &p[3]);
	if (!ret)
		ret = pt_msg_listen(0, peer, 0, on_message, NULL, NULL);
	if (ret || p[0] != H_OFFERED || p[1] != H_SELF || p[2] != H_PAIR_A ||
	    p[3] != H_PAIR_B) {
		report("messaging-bad-input/helper-setup", 0,
		       "status=0x%04x ports=%u,%u,%u,%u", -ret, p[0], p[1],
		       p[2], p[3]);
		return 1;
	}
	if (post_peer(MSG_READY))
		return 1;
	/* Until the tester is done, with upcalls this time. */
	pt_irq_disable();
	while (pt_atomic_load32(&msgs_in) < 1)
		pt_safe_halt();
	ok = port_is(H_OFFERED, PT_EVTCHN_STATE_INTERDOMAIN, peer) &&
	     port_is(H_SELF, PT_EVTCHN_STATE_UNBOUND, self_id) &&
	     port_is(H_PAIR_A, PT_EVTCHN_STATE_INTERDOMAIN, self_id) &&
	     port_is(H_PAIR_B, PT_EVTCHN_STATE_INTERDOMAIN, self_id) &&
	     port_state(5) == PT_EVTCHN_STATE_FREE;
	report("messaging-bad-input/helper-ports-unchanged", ok,
	       "states=%u,%u,%u,%u,%u", port_state(1), port_state(2),
	       port_state(3), port_state(4), port_state(5));
	return ok ? 0 : 1;
}

int guest_main(const struct pt_start_info *si, unsigned vcpu)
{
	char role[8];

	pt_guest_init();
	if (vcpu != 0)
		return 0;
	self_id = si->partition_id;
	peer = (uint32_t)pt_cmdline_u64("peer", 0);
	pt_cmdline_str("role", role, sizeof(role));
	if (!peer || peer == self_id)
		pt_panic("messaging-bad-input: need peer=<other id>");
	if (!strcmp(role, "helper"))
		return helper();
	if (strcmp(role, "test"))
		pt_panic("messaging-bad-input: need role=test|helper");
	return tester(si);
}
