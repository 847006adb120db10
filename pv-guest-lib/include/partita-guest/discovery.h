/* SPDX-License-Identifier: MIT */
/* Finding the Partita hypervisor and its parameters through CPUID. */
#ifndef PARTITA_GUEST_DISCOVERY_H
#define PARTITA_GUEST_DISCOVERY_H

#include <stdint.h>
#include <partita/cpuid.h>

/* What CPUID leaves 0x40000000..0x40000004 say (see partita/cpuid.h). */
struct pt_discovery {
	uint32_t max_leaf;
	uint32_t version;  /* major << 16 | minor */
	uint32_t features; /* PT_FEATURE_* */
	uint32_t msr_guest_os_id;
	uint32_t msr_hypercall;
	uint32_t msr_vp_assist;
	uint32_t max_rep_count;
	uint32_t budget_us;
	uint32_t max_partitions;
	uint32_t max_vcpus;
	uint64_t tsc_khz;
};

/*
 * Reads the discovery leaves into *d. Returns 0, or -1 when no hypervisor or
 * a hypervisor other than Partita answers (then *d is left zeroed).
 */
int pt_discover(struct pt_discovery *d);

/*
 * The discovery result cached by the first successful pt_discover() call
 * (pt_guest_init makes that call), or NULL before it.
 */
const struct pt_discovery *pt_discovery(void);

#endif
