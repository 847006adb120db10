// SPDX-License-Identifier: MIT
/* The hypercall page and the per-vCPU staging pages for hypercall blocks. */
#include <partita/msr.h>
#include <partita-guest/cpu.h>
#include <partita-guest/discovery.h>
#include <partita-guest/hypercall.h>

#include "guest-internal.h"

/*
 * The hypervisor overlays this page with its call stub, so nothing else may
 * share it: a whole aligned page of its own.
 */
static uint8_t guest_hypercall_page[PT_PAGE_SIZE]
	__attribute__((aligned(PT_PAGE_SIZE)));

static uint8_t guest_scratch[PT_GUEST_MAX_VCPUS][PT_PAGE_SIZE]
	__attribute__((aligned(PT_PAGE_SIZE)));

void *guest_scratch_page(unsigned vcpu)
{
	return guest_scratch[vcpu % PT_GUEST_MAX_VCPUS];
}

uint64_t pt_hypercall_page_gpa(void)
{
	return pt_gpa(guest_hypercall_page);
}

int pt_hypercall_page_ready(void)
{
	return __atomic_load_n(&pt_hypercall_entry, __ATOMIC_ACQUIRE) ==
	       pt_gpa(guest_hypercall_page);
}

int pt_hypercall_page_enable(uint64_t os_id)
{
	const struct pt_discovery *d = pt_discovery();
	uint64_t gpa = pt_hypercall_page_gpa();

	if (!d)
		return -1;
	pt_wrmsr(d->msr_guest_os_id, os_id ? os_id : PT_GUEST_OS_ID_DEFAULT);
	pt_wrmsr(d->msr_hypercall, gpa | PT_MSR_PAGE_ENABLE);
	if (pt_rdmsr(d->msr_hypercall) != (gpa | PT_MSR_PAGE_ENABLE))
		return -1;
	__atomic_store_n(&pt_hypercall_entry, gpa, __ATOMIC_RELEASE);
	return 0;
}
