// SPDX-License-Identifier: GPL-2.0-only
/* Partita's synthetic MSRs: guest OS ID, hypercall page, VP assist page. */
#include <arch/guest-emul.h>
#include <hv/events.h>
#include <hv/log.h>
#include <hv/partition.h>
#include <hv/time.h>
#include <partita/msr.h>
#include <string.h>

/* The guest page at `msr`'s GPFN, if it is the guest's own RAM. */
static void *msr_page(struct vcpu *v, u64 msr)
{
	u64 gpa = msr & ~(PT_PAGE_SIZE - 1ull);

	return partition_gpa_to_hva(v->part, gpa, true);
}

static int write_hypercall_msr(struct vcpu *v, u64 value)
{
	struct partition *p = v->part;
	u8 *page;

	if (value & PT_MSR_PAGE_RESERVED_MASK)
		return -1;
	page = (value & PT_MSR_PAGE_ENABLE) ? msr_page(v, value) : NULL;
	/* The OS ID is read under the lock its write takes: another vCPU
	 * forgetting the OS meanwhile must leave the page disabled. */
	spin_lock(&p->shared_pages_lock);
	if (!(value & PT_MSR_PAGE_ENABLE) || !p->guest_os_id) {
		/* Accepted, but without a guest OS ID it stays disabled. */
		p->hypercall_msr = value & ~PT_MSR_PAGE_ENABLE;
		spin_unlock(&p->shared_pages_lock);
		return 0;
	}
	if (!page || partition_msr_page_overlaps(p, value, NULL)) {
		spin_unlock(&p->shared_pages_lock);
		return -1;
	}
	/* The overlay: the stub, then int3 so stray calls trap. */
	memset(page, 0xCC, PT_PAGE_SIZE);
	memcpy(page, arch_hypercall_stub, arch_hypercall_stub_len);
	p->hypercall_msr = value;
	spin_unlock(&p->shared_pages_lock);
	return 0;
}

/*
 * Takes the VPAP away from the event raisers (they keep events inside the
 * hypervisor from now on, under the same lock) and keeps there what the
 * guest had not yet taken from it: a VPAP disabled, moved or enabled
 * again on its own page loses no event, and the page can be zeroed with
 * nobody writing into it.
 */
static void vpap_detach(struct vcpu *v)
{
	struct pt_vpap *old;

	spin_lock(&v->vpap_lock);
	old = v->vpap;
	if (old) {
		WRITE_ONCE(v->vpap, NULL);
		__atomic_fetch_or(&v->pending_events,
				  __atomic_exchange_n(&old->pending_events, 0,
						      __ATOMIC_SEQ_CST),
				  __ATOMIC_SEQ_CST);
		v->evtchn.sel_pending |= __atomic_exchange_n(
			&old->evtchn_pending_sel, 0, __ATOMIC_SEQ_CST);
		v->msg.slots_pending |= __atomic_exchange_n(
			&old->msg_slots_pending, 0, __ATOMIC_SEQ_CST);
	}
	spin_unlock(&v->vpap_lock);
}

static int write_vpap_msr(struct vcpu *v, u64 value)
{
	struct pt_vpap *vpap;

	if (value & PT_MSR_PAGE_RESERVED_MASK)
		return -1;
	if (!(value & PT_MSR_PAGE_ENABLE)) {
		vpap_detach(v);
		v->vpap_msr = value;
		return 0;
	}
	vpap = msr_page(v, value);
	if (!vpap)
		return -1;
	spin_lock(&v->part->shared_pages_lock);
	if (partition_msr_page_overlaps(v->part, value, v)) {
		spin_unlock(&v->part->shared_pages_lock);
		return -1;
	}
	vpap_detach(v);
	memset(vpap, 0, sizeof(*vpap));
	vpap->magic = PT_VPAP_MAGIC;
	vpap->version = PT_VPAP_VERSION;
	vpap->size = sizeof(*vpap);
	vpap->partition_id = v->part->id;
	vpap->vcpu_index = v->index;
	vpap->tsc_base = hv_time.tsc_base;
	vpap->tsc_mul = hv_time.tsc_mul;
	vpap->tsc_khz = hv_time.tsc_khz;
	vpap->timer_deadline_ns = v->timer_deadline_ns;
	vpap->stat_runtime_ns = v->runtime_ns;
	vpap->stat_worst_entry_ns = time_ticks_to_ns(v->worst_entry_ticks);
	v->vpap_msr = value;
	spin_lock(&v->vpap_lock);
	WRITE_ONCE(v->vpap, vpap);
	spin_unlock(&v->vpap_lock);
	spin_unlock(&v->part->shared_pages_lock);
	vcpu_events_to_vpap(v);
	return 0;
}

int guest_rdmsr(struct vcpu *v, u32 msr, u64 *value)
{
	switch (msr) {
	case PT_MSR_GUEST_OS_ID:
		*value = v->part->guest_os_id;
		return 0;
	case PT_MSR_HYPERCALL:
		*value = v->part->hypercall_msr;
		return 0;
	case PT_MSR_VP_ASSIST:
		*value = v->vpap_msr;
		return 0;
	case PT_MSR_VP_INDEX:
		*value = v->index;
		return 0;
	}
	return -1;
}

int guest_wrmsr(struct vcpu *v, u32 msr, u64 value)
{
	switch (msr) {
	case PT_MSR_GUEST_OS_ID:
		spin_lock(&v->part->shared_pages_lock);
		v->part->guest_os_id = value;
		if (!value) /* forgetting the OS also disables the page */
			v->part->hypercall_msr &= ~PT_MSR_PAGE_ENABLE;
		spin_unlock(&v->part->shared_pages_lock);
		return 0;
	case PT_MSR_HYPERCALL:
		return write_hypercall_msr(v, value);
	case PT_MSR_VP_ASSIST:
		return write_vpap_msr(v, value);
	}
	return -1;
}
