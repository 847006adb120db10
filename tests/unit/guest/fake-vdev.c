// SPDX-License-Identifier: MIT
/* Resets every fake vdev.c runs against, and the one vCPU it runs on. */
#include <partita-guest/smp.h>

#include "fake-vdev.h"

unsigned pt_vcpu_index(void)
{
	return 0;
}

void fake_vdev_reset(uint64_t now_ns)
{
	fake_pages_reset();
	fake_grant_reset();
	fake_evtchn_reset();
	fake_clock_reset(now_ns);
	fake_irq_remove();
}
