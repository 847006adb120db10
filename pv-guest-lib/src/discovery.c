// SPDX-License-Identifier: MIT
/* Finding the Partita hypervisor and its parameters through CPUID. */
#include <partita-guest/cpu.h>
#include <partita-guest/discovery.h>

#include "string.h"

static struct pt_discovery guest_discovery;
static volatile int guest_discovered;

int pt_discover(struct pt_discovery *d)
{
	struct pt_cpuid_regs r;

	memset(d, 0, sizeof(*d));
	r = pt_cpuid(1, 0);
	if (!(r.ecx & (1u << PT_CPUID_HV_PRESENT_BIT)))
		return -1;
	r = pt_cpuid(PT_CPUID_LEAF_VENDOR, 0);
	if (r.ebx != PT_CPUID_SIG_EBX || r.ecx != PT_CPUID_SIG_ECX ||
	    r.edx != PT_CPUID_SIG_EDX || r.eax < PT_CPUID_LEAF_MSRS)
		return -1;
	d->max_leaf = r.eax;

	r = pt_cpuid(PT_CPUID_LEAF_VERSION, 0);
	d->version = r.eax;
	d->features = r.ebx;

	r = pt_cpuid(PT_CPUID_LEAF_MSRS, 0);
	d->msr_guest_os_id = r.eax;
	d->msr_hypercall = r.ebx;
	d->msr_vp_assist = r.ecx;

	if (d->max_leaf >= PT_CPUID_LEAF_LIMITS) {
		r = pt_cpuid(PT_CPUID_LEAF_LIMITS, 0);
		d->max_rep_count = r.eax;
		d->budget_us = r.ebx;
		d->max_partitions = r.ecx;
		d->max_vcpus = r.edx;
	}
	if (d->max_leaf >= PT_CPUID_LEAF_TIME) {
		r = pt_cpuid(PT_CPUID_LEAF_TIME, 0);
		d->tsc_khz = ((uint64_t)r.ebx << 32) | r.eax;
	}

	if (!guest_discovered) {
		guest_discovery = *d;
		__atomic_store_n(&guest_discovered, 1, __ATOMIC_RELEASE);
	}
	return 0;
}

const struct pt_discovery *pt_discovery(void)
{
	return __atomic_load_n(&guest_discovered, __ATOMIC_ACQUIRE)
		       ? &guest_discovery
		       : NULL;
}
