// SPDX-License-Identifier: MIT
/*
 * Worker guest next to the hypercall fuzzer: does checked work while the
 * fuzzer runs (rewrites and verifies 1 MiB of its memory, counts one-shot
 * timer upcalls, drains the messages the fuzzer posts to it, clears the
 * event ports the fuzzer may bind) until the fuzzer's "done" message, then
 * prints RESULT hcall-fuzz-worker and powers off.
 *
 * cmdline: fuzzer=ID (the fuzzer's partition), max_secs=N (give up: FAIL).
 */
#include <partita/events.h>
#include <partita/messages.h>
#include <partita-guest/cmdline.h>
#include <partita-guest/guest.h>

#include "hcall-fuzz.h"
#include "report.h"
#include "string.h"

#define REGION_WORDS ((1u << 20) / 8)
#define TIMER_PERIOD_NS 1000000ull

static uint64_t region[REGION_WORDS];
static struct pt_msg_page msg_page __attribute__((aligned(4096)));
static struct pt_event_page event_page __attribute__((aligned(4096)));
static struct pt_msg_connection_in conn_in __attribute__((aligned(16)));
static struct pt_msg_connection_out conn_out __attribute__((aligned(16)));

static volatile uint64_t armed_deadline, fires, early, max_late_ns;
static volatile uint32_t timer_armed;

static uint64_t pattern(uint64_t i, uint64_t pass)
{
	uint64_t x = i * 0x9E3779B97F4A7C15ull ^ pass * 0xC2B2AE3D27D4EB4Full;

	x ^= x >> 29;
	x *= 0xBF58476D1CE4E5B9ull;
	return x ^ (x >> 32);
}

static void on_timer(unsigned event, unsigned vcpu, void *arg)
{
	uint64_t now = pt_time_ns(), deadline = armed_deadline;

	fires++;
	if (now < deadline)
		early++;
	else if (now - deadline > max_late_ns)
		max_late_ns = now - deadline;
	pt_atomic_store32(&timer_armed, 0);
}

static uint16_t fast(uint16_t code, uint64_t rdx, uint64_t r8, uint64_t *out)
{
	return pt_hc_status(pt_hypercall_fast(pt_hc_input(code, 1, 0, 0), rdx,
					      r8, out, NULL));
}

struct worker {
	uint32_t fuzzer_id, conn_id;
	uint64_t messages, junk, bad_headers, events, ports;
	int done, fuzzer_gone;
};

/*
 * Whether the fuzzer partition still exists: a port offered to it is
 * refused with INVALID_PARTITION_ID once it is gone (then the worker need
 * not wait for a done message that will never come). Not
 * INVALID_PARTITION_STATE: that also answers while the fuzzer has its
 * event ports closed (a random EVTCHN_SET_PAGE of 0, which the fuzzer
 * makes), and the worker gave up on a live fuzzer for it.
 */
static int fuzzer_gone(struct worker *w)
{
	uint64_t port = 0;
	uint16_t st =
		fast(PT_CALL_EVTCHN_ALLOC_UNBOUND, w->fuzzer_id, 0, &port);

	if (st == PT_STATUS_SUCCESS)
		fast(PT_CALL_EVTCHN_CLOSE, port, 0, NULL);
	return st == PT_STATUS_INVALID_PARTITION_ID;
}

/* Takes every message waiting in slot 0; the header must be sane. */
static void drain_messages(struct worker *w)
{
	volatile struct pt_msg_slot *s = &msg_page.slots[0];

	for (unsigned n = 0; n < 32 && s->header.message_type; n++) {
		uint32_t type = s->header.message_type;
		uint8_t size = s->header.payload_size;

		w->messages++;
		if (size > PT_MSG_PAYLOAD_MAX ||
		    s->header.connection_id != w->conn_id ||
		    s->header.sender_id != w->fuzzer_id)
			w->bad_headers++;
		if (type == FZ_DONE_TYPE &&
		    !memcmp((const void *)s->payload, FZ_DONE_MAGIC,
			    sizeof(FZ_DONE_MAGIC)))
			w->done = 1;
		else
			w->junk++;
		s->header.message_type = 0;
		fast(PT_CALL_MSG_EOM, 0, 0, NULL);
	}
}

static void drain_events(struct worker *w)
{
	for (unsigned i = 0; i < PT_EVTCHN_WORDS; i++) {
		uint64_t bits = __atomic_exchange_n(&event_page.pending[i], 0,
						    __ATOMIC_SEQ_CST);

		for (; bits; bits &= bits - 1) /* no libgcc popcount */
			w->events++;
	}
}

static int set_up_messaging(struct worker *w)
{
	uint64_t port = 0;
	uint16_t st;

	st = fast(PT_CALL_MSG_SET_PAGE, pt_gpa(&msg_page), 0, NULL);
	if (st)
		return report("hcall-fuzz-worker", 0, "MSG_SET_PAGE 0x%04x",
			      st);
	conn_in.vcpu = 0;
	conn_in.slot = 0;
	conn_in.sender = PT_MSG_ANY_SENDER;
	conn_in.depth = PT_MSG_QUEUE_MAX;
	st = pt_hc_status(pt_hypercall(
		pt_hc_input(PT_CALL_MSG_CREATE_CONNECTION, 0, 0, 0),
		pt_gpa(&conn_in), pt_gpa(&conn_out)));
	if (st)
		return report("hcall-fuzz-worker", 0,
			      "MSG_CREATE_CONNECTION 0x%04x", st);
	w->conn_id = conn_out.connection_id;
	st = fast(PT_CALL_EVTCHN_SET_PAGE, pt_gpa(&event_page), 0, NULL);
	if (st)
		return report("hcall-fuzz-worker", 0, "EVTCHN_SET_PAGE 0x%04x",
			      st);
	/* ports offered to the fuzzer: its random binds may take them */
	for (unsigned i = 0; i < 4; i++) {
		st = fast(PT_CALL_EVTCHN_ALLOC_UNBOUND, w->fuzzer_id, 0, &port);
		if (st)
			return report("hcall-fuzz-worker", 0,
				      "EVTCHN_ALLOC_UNBOUND 0x%04x", st);
		w->ports++;
	}
	pt_printf("hcall-fuzz-worker: connection 0x%x, %lu ports offered to "
		  "partition %u, last port %lu\n",
		  w->conn_id, (unsigned long)w->ports, w->fuzzer_id,
		  (unsigned long)port);
	return 1;
}

int guest_main(const struct pt_start_info *si, unsigned vcpu)
{
	struct worker w = { 0 };
	uint64_t pass = 0, bad = 0, start, limit, after_done = 0, probe = 0;

	pt_guest_init();
	if (vcpu != 0)
		return 0;
	w.fuzzer_id = (uint32_t)pt_cmdline_u64("fuzzer", si->partition_id - 1);
	limit = pt_cmdline_u64("max_secs", 300) * 1000000000ull;
	pt_event_register(PT_EVENT_TIMER, on_timer, NULL);
	if (!set_up_messaging(&w))
		return 1;
	for (uint64_t i = 0; i < REGION_WORDS; i++)
		region[i] = pattern(i, 0);
	start = pt_time_ns();
	pt_irq_enable();
	while (after_done < 3) {
		/* verify the last pass's words, then write this pass's */
		for (uint64_t i = 0; i < REGION_WORDS; i++) {
			bad += region[i] != pattern(i, pass);
			region[i] = pattern(i, pass + 1);
		}
		pass++;
		if (!pt_atomic_load32(&timer_armed)) {
			armed_deadline = pt_time_ns() + TIMER_PERIOD_NS;
			pt_atomic_store32(&timer_armed, 1);
			pt_call_set_timer(armed_deadline);
		}
		drain_messages(&w);
		drain_events(&w);
		after_done += w.done;
		if (!w.done && pt_time_ns() - probe > 500000000ull) {
			probe = pt_time_ns();
			w.fuzzer_gone = fuzzer_gone(&w);
			if (w.fuzzer_gone)
				break;
		}
		if (pt_time_ns() - start > limit)
			break;
	}
	pt_call_set_timer(0);
	pt_irq_disable();
	report("hcall-fuzz-worker",
	       w.done && !bad && fires && !early && !w.bad_headers,
	       "passes=%lu words_checked=%lu bad_words=%lu timer_fires=%lu "
	       "early=%lu max_late_us=%lu messages=%lu junk=%lu "
	       "bad_headers=%lu events=%lu%s",
	       (unsigned long)pass, (unsigned long)(pass * REGION_WORDS),
	       (unsigned long)bad, (unsigned long)fires, (unsigned long)early,
	       (unsigned long)(max_late_ns / 1000), (unsigned long)w.messages,
	       (unsigned long)w.junk, (unsigned long)w.bad_headers,
	       (unsigned long)w.events,
	       w.done	       ? ""
	       : w.fuzzer_gone ? " (the fuzzer ended without its done message)"
			       : " (no done message from the fuzzer in time)");
	return 0;
}
