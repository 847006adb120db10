// SPDX-License-Identifier: GPL-2.0-only
/* The rep family over guest pages: query their state, zero them. */
#include <hv/arch.h>
#include <hv/hcall.h>
#include <hv/partition.h>
#include <partita/msr.h>
#include <string.h>

static bool page_is_zero(const u64 *page)
{
	for (u32 i = 0; i < PAGE_SIZE / 8; i++) {
		if (page[i])
			return false;
	}
	return true;
}

static bool is_vpap_gpfn(const struct partition *p, u64 gpfn)
{
	for (u32 i = 0; i < p->vcpu_count; i++) {
		u64 msr = p->vcpus[i].vpap_msr;

		if ((msr & PT_MSR_PAGE_ENABLE) &&
		    (msr >> PT_MSR_PAGE_GPFN_SHIFT) == gpfn)
			return true;
	}
	return false;
}

static u64 page_info(const struct partition *p, u64 gpfn)
{
	u64 hypercall = p->hypercall_msr, info;
	const void *page;
	u32 flags = 0;
	u64 hpa;

	if (gpfn >= p->memory_bytes >> PAGE_SHIFT)
		return 0;
	hpa = arch_npt_lookup(p, gpfn << PAGE_SHIFT, &flags);
	if (hpa == NPT_NO_PAGE)
		return 0;
	info = PT_PAGE_INFO_PRESENT;
	if (flags & NPT_WRITE)
		info |= PT_PAGE_INFO_WRITABLE;
	if ((hypercall & PT_MSR_PAGE_ENABLE) &&
	    (hypercall >> PT_MSR_PAGE_GPFN_SHIFT) == gpfn)
		info |= PT_PAGE_INFO_HYPERCALL;
	if (is_vpap_gpfn(p, gpfn))
		info |= PT_PAGE_INFO_VPAP;
	/* Read only what the hypervisor may touch: not the root's page 0,
	 * MMIO or grant window (partition_gpa_to_hva() knows). */
	page = partition_gpa_to_hva(p, gpfn << PAGE_SHIFT, false);
	if (page && page_is_zero(page))
		info |= PT_PAGE_INFO_ZERO;
	return info;
}

static int query_element(struct hcall_ctx *c, u32 i)
{
	const u64 *in =
		partition_gpa_to_hva(c->p, c->regs->rdx + 8ull * i, false);
	u64 *out = partition_gpa_to_hva(c->p, c->regs->r8 + 8ull * i, true);

	if (!in || !out)
		return PT_STATUS_INVALID_GPA;
	*out = page_info(c->p, READ_ONCE(*in));
	return PT_STATUS_SUCCESS;
}

static int zero_element(struct hcall_ctx *c, u32 i)
{
	u64 gpfn = c->regs->rdx + i;
	void *page;

	if (gpfn < c->regs->rdx || gpfn >= c->p->memory_bytes >> PAGE_SHIFT)
		return PT_STATUS_INVALID_GPA;
	page = partition_gpa_to_hva(c->p, gpfn << PAGE_SHIFT, true);
	if (!page)
		return PT_STATUS_INVALID_GPA;
	memset(page, 0, PAGE_SIZE);
	return PT_STATUS_SUCCESS;
}

const struct hcall_desc hcall_pages_table[] = {
	{ .code = PT_CALL_QUERY_PAGES,
	  .flags = HC_MEM_OK | HC_REP,
	  .rep_in_size = 8,
	  .rep_out_size = 8,
	  .rep_element = query_element },
	{ .code = PT_CALL_ZERO_PAGES,
	  .flags = HC_FAST_OK | HC_REP,
	  .rep_element = zero_element },
};
const u32 hcall_pages_count = ARRAY_SIZE(hcall_pages_table);
