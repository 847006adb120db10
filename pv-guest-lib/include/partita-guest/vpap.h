/* SPDX-License-Identifier: MIT */
/* Per-vCPU VP assist pages and hypervisor time read without an exit. */
#ifndef PARTITA_GUEST_VPAP_H
#define PARTITA_GUEST_VPAP_H

#include <stdint.h>
#include <partita/vpap.h>

#include "cpu.h"

/*
 * Enables the VP assist page of the calling vCPU (a page of the library's,
 * one per vCPU) and checks the header the hypervisor filled in (magic,
 * version, vCPU index). Returns the page, or NULL when the check fails.
 * Needs pt_discover() first (for the MSR number).
 */
volatile struct pt_vpap *pt_vpap_enable(void);

/* The calling vCPU's VPAP once enabled, else NULL. */
volatile struct pt_vpap *pt_vpap(void);

/*
 * The page the library uses as vCPU `vcpu`'s VPAP, enabled or not (tests
 * that drive the MSR themselves use it).
 */
volatile struct pt_vpap *pt_vpap_page(unsigned vcpu);

/* Converts a TSC difference to ns with the scale the hypervisor published. */
static inline uint64_t pt_vpap_cycles_to_ns(const volatile struct pt_vpap *v,
					    uint64_t cycles)
{
	return (uint64_t)(((unsigned __int128)cycles * v->tsc_mul) >> 32);
}

/* Hypervisor time in ns: ((rdtsc - tsc_base) * tsc_mul) >> 32. */
static inline uint64_t pt_vpap_time_ns(const volatile struct pt_vpap *v)
{
	return pt_vpap_cycles_to_ns(v, pt_rdtsc() - v->tsc_base);
}

/*
 * Hypervisor time in ns from any enabled VPAP (the scale is the same on
 * every vCPU); 0 while no VPAP is enabled.
 */
uint64_t pt_time_ns(void);

/* TSC cycles to ns with any enabled VPAP's scale; 0 while none is. */
uint64_t pt_cycles_to_ns(uint64_t cycles);

/*
 * Sleeps until hypervisor time deadline_ns with PT_CALL_BLOCK (an earlier
 * wake-up by an event blocks again). Works with or without upcalls.
 */
void pt_sleep_until(uint64_t deadline_ns);
void pt_sleep_ns(uint64_t ns);

#endif
