// SPDX-License-Identifier: MIT
/* evtchn-peer's storm mode: events on several root ports, paced at random. */
#include <partita-guest/guest.h>

#include "evtchn-peer.h"

#define STORM_PORTS 4u
#define GAP_MAX_NS 40000u /* the longest random pause between two sends */

/*
 * A mix of back-to-back sends and pauses of up to GAP_MAX_NS: a port the
 * root unmasks while no send is pending fires later, from this CPU, at a
 * moment of its own, so the root's notification interrupt lands anywhere
 * in the root's bind, read, unbind and close paths, not only inside its
 * unmask hypercall.
 */
static uint64_t next_gap(uint64_t *seed)
{
	*seed = *seed * 6364136223846793005ull + 1442695040888963407ull;
	if ((*seed >> 60) < 4)
		return 0; /* a quarter of the sends come back to back */
	return (*seed >> 33) % GAP_MAX_NS;
}

void evtchn_peer_storm(uint64_t secs, volatile uint32_t *stop)
{
	uint64_t end = pt_time_ns() + secs * 1000000000ull;
	uint64_t seed = pt_rdtsc(), sends = 0, bad = 0;
	uint32_t ports[STORM_PORTS];
	int ret = 0;

	for (uint32_t i = 0; i < STORM_PORTS; i++) {
		ret = pt_call_evtchn_alloc_unbound(EVTCHN_PEER_ROOT_ID, 0,
						   &ports[i]);
		if (ret)
			pt_panic("evtchn-peer: storm port %u: status 0x%x", i,
				 -ret);
	}
	/* The root binds them again and again: each close offers them back. */
	pt_printf("evtchn-peer: storm ports=%u,%u,%u,%u\n", ports[0], ports[1],
		  ports[2], ports[3]);
	while (pt_time_ns() < end && !pt_atomic_load32(stop)) {
		uint64_t until = pt_time_ns() + next_gap(&seed);

		/* A send on a port the root has not bound succeeds too. */
		ret = pt_call_evtchn_send(ports[sends % STORM_PORTS]);
		if (ret && bad++ == 0)
			pt_printf("evtchn-peer: storm send on port %u: status "
				  "0x%x\n",
				  ports[sends % STORM_PORTS], -ret);
		sends++;
		while (pt_time_ns() < until)
			pt_pause();
	}
	pt_printf("RESULT evtchn-storm %s sends=%lu bad=%lu\n",
		  bad ? "FAIL" : "DONE", (unsigned long)sends,
		  (unsigned long)bad);
}
