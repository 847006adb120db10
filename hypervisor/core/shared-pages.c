// SPDX-License-Identifier: GPL-2.0-only
/* Pages a partition shares with the hypervisor must not overlap each other. */
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

int partition_check_shared_pages(const struct partition *p, u64 gpa, u64 pages)
{
	u64 end = gpa + pages * PAGE_SIZE;
	u64 table = p->grant.table_gpa;

	if (gpa & (PAGE_SIZE - 1))
		return PT_STATUS_INVALID_ALIGNMENT;
	if (pages == 0 || end < gpa || end > p->memory_bytes)
		return PT_STATUS_INVALID_GPA;
	for (u64 page = gpa; page < end; page += PAGE_SIZE) {
		if (!partition_gpa_to_hva(p, page, true))
			return PT_STATUS_INVALID_GPA;
	}
	if (msr_page_in(p->hypercall_msr, gpa, end) ||
	    page_in(p->evtchn.page_gpa, gpa, end))
		return PT_STATUS_INVALID_PARAMETER;
	/* Overlap of the two ranges [gpa, end) and the grant table. */
	if (table && table < end &&
	    gpa < table + (u64)p->grant.frames * PAGE_SIZE)
		return PT_STATUS_INVALID_PARAMETER;
	for (u32 i = 0; i < p->vcpu_count; i++) {
		if (msr_page_in(p->vcpus[i].vpap_msr, gpa, end) ||
		    page_in(p->vcpus[i].msg.page_gpa, gpa, end))
			return PT_STATUS_INVALID_PARAMETER;
	}
	return PT_STATUS_SUCCESS;
}
