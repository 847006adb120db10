// SPDX-License-Identifier: GPL-2.0-only
/*
 * Pages a partition shares with the hypervisor must not overlap each other:
 * the checks, which callers make and act on under shared_pages_lock so
 * that two vCPUs cannot register the same page at once.
 */
#include <hv/partition.h>
#include <partita/msr.h>
#include <partita/status.h>

static bool msr_page_in(u64 msr, u64 lo, u64 hi)
{
	u64 gpa = (msr >> PT_MSR_PAGE_GPFN_SHIFT) << PAGE_SHIFT;

	return (msr & PT_MSR_PAGE_ENABLE) && gpa >= lo && gpa < hi;
}

static bool page_in(u64 gpa, u64 lo, u64 hi)
{
	return gpa && gpa >= lo && gpa < hi;
}

/*
 * Whether [gpa, end) overlaps a page the partition shares now, leaving out
 * the registration being replaced: the hypercall page (skip_hypercall) or
 * `skip_vpap`'s VPAP.
 */
static bool overlaps_shared(const struct partition *p, u64 gpa, u64 end,
			    bool skip_hypercall, const struct vcpu *skip_vpap)
{
	u64 table = p->grant.table_gpa;

	if ((!skip_hypercall && msr_page_in(p->hypercall_msr, gpa, end)) ||
	    page_in(p->evtchn.page_gpa, gpa, end))
		return true;
	/* Overlap of the two ranges [gpa, end) and the grant table. */
	if (table && table < end &&
	    gpa < table + (u64)p->grant.frames * PAGE_SIZE)
		return true;
	for (u32 i = 0; i < p->vcpu_count; i++) {
		const struct vcpu *v = &p->vcpus[i];

		if ((v != skip_vpap && msr_page_in(v->vpap_msr, gpa, end)) ||
		    page_in(v->msg.page_gpa, gpa, end))
			return true;
	}
	return false;
}

int partition_check_shared_pages(const struct partition *p, u64 gpa, u64 pages)
{
	u64 end = gpa + pages * PAGE_SIZE;

	if (gpa & (PAGE_SIZE - 1))
		return PT_STATUS_INVALID_ALIGNMENT;
	if (pages == 0 || end < gpa || end > p->memory_bytes)
		return PT_STATUS_INVALID_GPA;
	for (u64 page = gpa; page < end; page += PAGE_SIZE) {
		if (!partition_gpa_to_hva(p, page, true))
			return PT_STATUS_INVALID_GPA;
	}
	return overlaps_shared(p, gpa, end, false, NULL)
		       ? PT_STATUS_INVALID_PARAMETER
		       : PT_STATUS_SUCCESS;
}

bool partition_msr_page_overlaps(const struct partition *p, u64 gpa,
				 const struct vcpu *vpap_of)
{
	gpa &= ~(PAGE_SIZE - 1);
	return overlaps_shared(p, gpa, gpa + PAGE_SIZE, vpap_of == NULL,
			       vpap_of);
}
