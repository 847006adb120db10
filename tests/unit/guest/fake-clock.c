// SPDX-License-Identifier: MIT
/*
 * Hypervisor time for host tests: a counter the test sets, which sleeping
 * and PT_CALL_BLOCK move forward at once, so rate-limit windows pass
 * without waiting.
 */
#include <stdio.h>
#include <stdlib.h>
#include <partita-guest/hypercall.h>
#include <partita-guest/vpap.h>

#include "fake-vdev.h"

uint64_t fake_now_ns;
unsigned fake_blocks, fake_sleeps;
void (*fake_block_hook)(uint64_t deadline_ns);

void fake_clock_reset(uint64_t now_ns)
{
	fake_now_ns = now_ns;
	fake_blocks = fake_sleeps = 0;
	fake_block_hook = NULL;
}

uint64_t pt_time_ns(void)
{
	return fake_now_ns;
}

void pt_sleep_ns(uint64_t ns)
{
	fake_sleeps++;
	fake_now_ns += ns;
}

int pt_call_block(uint64_t deadline_ns)
{
	fake_blocks++;
	if (fake_block_hook)
		fake_block_hook(deadline_ns);
	/* An event that is already deliverable makes BLOCK return at once. */
	if (fake_evtchn_deliverable())
		return 0;
	if (!deadline_ns) {
		/* Nothing would ever wake the vCPU: the test is wrong. */
		fprintf(stderr, "fake PT_CALL_BLOCK: no deadline, no event\n");
		abort();
	}
	if (fake_now_ns < deadline_ns)
		fake_now_ns = deadline_ns;
	return 0;
}
