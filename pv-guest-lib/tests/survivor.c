// SPDX-License-Identifier: MIT
/*
 * Containment test guest: keeps working (memory checksums, timer sleeps)
 * for about two seconds while its neighbours die, then reports that its
 * memory and its timer were unaffected.
 */
#include <partita-guest/guest.h>

#include "report.h"

#define ROUNDS 20
#define ROUND_NS 100000000ull /* 100 ms */
#define WORK_WORDS (64u * 1024 / 8)

static uint64_t work[WORK_WORDS];
static volatile uint32_t timer_fired;

static void on_timer(unsigned event, unsigned vcpu, void *arg)
{
	pt_atomic_store32(&timer_fired, 1);
}

static uint64_t checksum(void)
{
	uint64_t sum = 0;

	for (unsigned i = 0; i < WORK_WORDS; i++)
		sum = (sum << 1 | sum >> 63) ^ work[i];
	return sum;
}

int guest_main(const struct pt_start_info *si, unsigned vcpu)
{
	uint64_t expected, start, slept_short = 0, bad_sums = 0;

	pt_guest_init();
	if (vcpu != 0)
		return 0;
	for (unsigned i = 0; i < WORK_WORDS; i++)
		work[i] = 0x9E3779B97F4A7C15ull * (i + 1);
	expected = checksum();
	pt_event_register(PT_EVENT_TIMER, on_timer, NULL);
	start = pt_time_ns();
	pt_printf("survivor: working for %u rounds of %lu ms\n", ROUNDS,
		  (unsigned long)(ROUND_NS / 1000000));
	for (unsigned r = 0; r < ROUNDS; r++) {
		uint64_t deadline = pt_time_ns() + ROUND_NS;

		bad_sums += checksum() != expected;
		pt_atomic_store32(&timer_fired, 0);
		pt_call_set_timer(deadline);
		pt_wait_flag(&timer_fired);
		pt_irq_enable();
		slept_short += pt_time_ns() < deadline;
	}
	report("survivor", bad_sums == 0 && slept_short == 0,
	       "rounds=%u bad_checksums=%lu early_wakeups=%lu elapsed_ms=%lu",
	       ROUNDS, (unsigned long)bad_sums, (unsigned long)slept_short,
	       (unsigned long)((pt_time_ns() - start) / 1000000));
	return 0;
}
