// SPDX-License-Identifier: MIT
/* Per-vCPU VP assist pages, hypervisor time and sleeping until a deadline. */
#include <partita/msr.h>
#include <partita-guest/discovery.h>
#include <partita-guest/hypercall.h>
#include <partita-guest/vpap.h>

#include "guest-internal.h"

/* struct pt_vpap is smaller than a page; each VPAP gets a page of its own. */
union guest_vpap_page {
	struct pt_vpap vpap;
	uint8_t bytes[PT_PAGE_SIZE];
};

static union guest_vpap_page guest_vpap_pages[PT_GUEST_MAX_VCPUS]
	__attribute__((aligned(PT_PAGE_SIZE)));

volatile struct pt_vpap *guest_vpaps[PT_GUEST_MAX_VCPUS];

/* Any enabled VPAP, for reading the time scale. */
static volatile struct pt_vpap *volatile guest_time_vpap;

volatile struct pt_vpap *pt_vpap_page(unsigned vcpu)
{
	return &guest_vpap_pages[vcpu % PT_GUEST_MAX_VCPUS].vpap;
}

volatile struct pt_vpap *pt_vpap_enable(void)
{
	const struct pt_discovery *d = pt_discovery();
	unsigned vcpu = pt_vcpu_index();
	volatile struct pt_vpap *v = pt_vpap_page(vcpu);

	if (!d || vcpu >= PT_GUEST_MAX_VCPUS)
		return NULL;
	pt_wrmsr(d->msr_vp_assist, pt_gpa(v) | PT_MSR_PAGE_ENABLE);
	if (v->magic != PT_VPAP_MAGIC || v->version != PT_VPAP_VERSION ||
	    v->vcpu_index != vcpu)
		return NULL;
	guest_vpaps[vcpu] = v;
	if (!guest_time_vpap)
		guest_time_vpap = v;
	return v;
}

volatile struct pt_vpap *pt_vpap(void)
{
	unsigned vcpu = pt_vcpu_index();

	return vcpu < PT_GUEST_MAX_VCPUS ? guest_vpaps[vcpu] : NULL;
}

uint64_t pt_time_ns(void)
{
	volatile struct pt_vpap *v = guest_time_vpap;

	return v ? pt_vpap_time_ns(v) : 0;
}

uint64_t pt_cycles_to_ns(uint64_t cycles)
{
	volatile struct pt_vpap *v = guest_time_vpap;

	return v ? pt_vpap_cycles_to_ns(v, cycles) : 0;
}

void pt_sleep_until(uint64_t deadline_ns)
{
	if (!guest_time_vpap)
		return; /* no clock to wait for */
	while (pt_time_ns() < deadline_ns) {
		if (pt_call_block(deadline_ns))
			break; /* no page or refused: do not spin on it */
	}
}

void pt_sleep_ns(uint64_t ns)
{
	pt_sleep_until(pt_time_ns() + ns);
}
