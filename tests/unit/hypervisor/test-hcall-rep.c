// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of rep hypercall continuation with a fake clock. */
#include <criterion/criterion.h>
#include <hv/frame.h>
#include <hv/hcall.h>
#include <hv/partition.h>
#include <hv/time.h>
#include <partita/hypercall.h>
#include <partita/msr.h>
#include <string.h>

#include "hv-shim.h"
#include "test-util.h"

#define GUEST_PAGES 64ull
#define RO_GPFN 8ull
#define START_MASK (PT_HC_REP_MASK << PT_HC_REP_START_SHIFT)
/* Ticks of one entry's budget: one tick is 1 ns with the shim's clock. */
#define BUDGET_TICKS (HCALL_WORK_BUDGET_US * 1000ull)

static struct partition part;
static struct pt_vpap vpap;
static struct vcpu *v;

static void setup(void)
{
	shim_reset();
	shim_pool_init(GUEST_PAGES + 32); /* and a small root */
	test_partition_init(&part, 3, GUEST_PAGES * PAGE_SIZE);
	cr_assert_eq(arch_npt_map(&part, RO_GPFN << PAGE_SHIFT,
				  frame_alloc(3, FRAME_KIND_RAM), NPT_READ),
		     0);
	v = &part.vcpus[0];
	memset(&vpap, 0, sizeof(vpap));
	v->vpap = &vpap;
	shim_tsc = 1000000000ull; /* one second after boot */
}

TestSuite(hcall_rep, .init = setup, .fini = shim_teardown);

static u8 *page(u64 gpfn)
{
	return test_gpa(&part, gpfn << PAGE_SHIFT);
}

static bool page_all(u64 gpfn, u8 value)
{
	const u8 *p = page(gpfn);

	for (u64 i = 0; i < PAGE_SIZE; i++) {
		if (p[i] != value)
			return false;
	}
	return true;
}

static u32 rep_start(const struct hcall_regs *r)
{
	return (u32)((r->rcx >> PT_HC_REP_START_SHIFT) & PT_HC_REP_MASK);
}

/* Elements one entry gets done while arch_tsc advances `step` per call. */
static u32 per_entry(u64 step)
{
	return (u32)((BUDGET_TICKS + step - 1) / step) + 1;
}

/*
 * Zeroes `count` pages from `first`, re-entering while it asks to. After
 * each entry, checks what it did and marks the done pages 0xCD, so a page
 * zeroed twice would show. Returns the number of entries.
 */
static u32 zero_pages(u64 first, u32 count, u64 step, u64 entry_age,
		      struct hcall_regs *r)
{
	u64 rcx = pt_hc_input(PT_CALL_ZERO_PAGES, 1, count, 0);
	u32 entries = 0, done = 0;

	*r = (struct hcall_regs){ 0x1234, rcx, first, 0x5678 };
	shim_tsc_step = step;
	for (;;) {
		enum hcall_result res;

		entries++;
		cr_assert(entries <= count, "no progress");
		res = hcall_dispatch(v, r, shim_tsc - entry_age);
		cr_assert_eq(r->rdx, first);
		cr_assert_eq(r->r8, 0x5678);
		cr_assert_eq(r->rcx & ~START_MASK, rcx & ~START_MASK,
			     "only the start index may change");
		if (res == HCALL_DONE)
			return entries;
		cr_assert_eq(res, HCALL_RETRY);
		cr_assert_eq(r->rax, 0x1234, "RAX is written once, at the end");
		cr_assert_gt(rep_start(r), done, "an entry made no progress");
		cr_assert_lt(rep_start(r), count);
		for (u32 i = done; i < rep_start(r); i++) {
			cr_assert(page_all(first + i, 0), "page %u", i);
			memset(page(first + i), 0xCD, PAGE_SIZE);
		}
		for (u32 i = rep_start(r); i < count; i++) {
			if (first + i < GUEST_PAGES)
				cr_assert(page_all(first + i, 0xAB),
					  "page %u early", i);
		}
		done = rep_start(r);
	}
}

static void fill_pages(u64 first, u64 n, u8 value)
{
	for (u64 i = 0; i < n; i++)
		memset(page(first + i), value, PAGE_SIZE);
}

Test(hcall_rep, zero_pages_continues_until_done)
{
	struct hcall_regs r;
	u32 entries, per = per_entry(5000), last;

	cr_assert_gt(per, 1, "the test needs several elements per entry");

	fill_pages(9, 50, 0xAB);
	entries = zero_pages(10, 40, 5000, 0, &r);
	cr_assert_eq(pt_hc_status(r.rax), PT_STATUS_SUCCESS);
	cr_assert_eq(pt_hc_reps_done(r.rax), 40);
	/* The budget decides how much each entry does. */
	cr_assert_eq(entries, (40 + per - 1) / per);
	/* Each page was zeroed exactly once: earlier ones kept their mark. */
	last = (entries - 1) * per;
	for (u32 i = 0; i < 40; i++)
		cr_assert(page_all(10 + i, i < last ? 0xCD : 0), "page %u", i);
	cr_assert(page_all(9, 0xAB), "page before the range");
	cr_assert(page_all(50, 0xAB), "page after the range");
	/* One call, entries - 1 continuations. */
	cr_assert_eq(vpap.stat_hypercalls, 1);
	cr_assert_eq(vpap.stat_continuations, entries - 1);
	cr_assert_eq(part.hcall_stats[PT_CALL_ZERO_PAGES].count, 1);
}

Test(hcall_rep, whole_call_in_one_entry_when_time_stands_still)
{
	struct hcall_regs r;

	fill_pages(10, 40, 0xAB);
	cr_assert_eq(zero_pages(10, 40, 0, 0, &r), 1);
	cr_assert_eq(pt_hc_reps_done(r.rax), 40);
	for (u32 i = 0; i < 40; i++)
		cr_assert(page_all(10 + i, 0));
	cr_assert_eq(vpap.stat_continuations, 0);
}

Test(hcall_rep, one_element_per_entry_with_budget_spent)
{
	struct hcall_regs r;

	fill_pages(10, 12, 0xAB);
	/* The vCPU left guest mode a second ago: no budget at all. */
	cr_assert_eq(zero_pages(10, 12, 1, 1000000000ull, &r), 12);
	cr_assert_eq(pt_hc_status(r.rax), PT_STATUS_SUCCESS);
	cr_assert_eq(pt_hc_reps_done(r.rax), 12);
	cr_assert_eq(vpap.stat_continuations, 11);
}

Test(hcall_rep, resumes_from_the_start_index)
{
	struct hcall_regs r = { 0, pt_hc_input(PT_CALL_ZERO_PAGES, 1, 8, 5), 10,
				0 };

	fill_pages(10, 8, 0xAB);
	cr_assert_eq(hcall_dispatch(v, &r, shim_tsc), HCALL_DONE);
	cr_assert_eq(pt_hc_reps_done(r.rax), 8);
	for (u32 i = 0; i < 8; i++)
		cr_assert(page_all(10 + i, i < 5 ? 0xAB : 0), "page %u", i);
}

Test(hcall_rep, failing_element_stops_at_its_index)
{
	struct hcall_regs r;

	/* GPFNs 59..63 exist, 64 does not: element 5 fails. */
	fill_pages(59, 5, 0xAB);
	zero_pages(59, 10, 10000, 0, &r);
	cr_assert_eq(pt_hc_status(r.rax), PT_STATUS_INVALID_GPA);
	cr_assert_eq(pt_hc_reps_done(r.rax), 5);
	cr_assert_eq(part.hcall_stats[PT_CALL_ZERO_PAGES].count, 1);
}

Test(hcall_rep, failing_first_element_of_an_entry)
{
	struct hcall_regs r;

	/* One element per entry: the failure is an entry's first element. */
	fill_pages(60, 4, 0xAB);
	zero_pages(60, 6, 1, 1000000000ull, &r);
	cr_assert_eq(pt_hc_status(r.rax), PT_STATUS_INVALID_GPA);
	cr_assert_eq(pt_hc_reps_done(r.rax), 4);
}

Test(hcall_rep, failing_element_in_a_read_only_page)
{
	struct hcall_regs r;

	fill_pages(RO_GPFN - 3, 3, 0xAB);
	zero_pages(RO_GPFN - 3, 6, 0, 0, &r);
	cr_assert_eq(pt_hc_status(r.rax), PT_STATUS_INVALID_GPA);
	cr_assert_eq(pt_hc_reps_done(r.rax), 3);
	cr_assert(page_all(RO_GPFN - 1, 0));
}

/* QUERY_PAGES: a memory rep call with input and output lists. */
#define IN_GPA 0x1000ull
#define OUT_GPA 0x2000ull
#define NQUERY 300u
#define UNSEEN 0xFFFFFFFFFFFFFFFFull
#define MARK 0x5A5A5A5A5A5A5A5Aull

static u64 query_gpfn(u32 i)
{
	return (u64)(i * 7) % (GUEST_PAGES + 6);
}

static u64 expected_info(u64 gpfn)
{
	u64 info;

	if (gpfn >= GUEST_PAGES)
		return 0;
	info = PT_PAGE_INFO_PRESENT;
	if (gpfn != RO_GPFN)
		info |= PT_PAGE_INFO_WRITABLE;
	if (gpfn == 30)
		info |= PT_PAGE_INFO_HYPERCALL;
	if (gpfn == 31)
		info |= PT_PAGE_INFO_VPAP;
	if (gpfn != 1 && gpfn != 2 && gpfn != 20)
		info |= PT_PAGE_INFO_ZERO;
	return info;
}

Test(hcall_rep, query_pages_continues_and_reports_each_page)
{
	u64 *in = (u64 *)page(1), *out = (u64 *)page(2);
	u64 rcx = pt_hc_input(PT_CALL_QUERY_PAGES, 0, NQUERY, 0);
	struct hcall_regs r = { 0, rcx, IN_GPA, OUT_GPA };
	u32 entries = 0, done = 0;

	for (u32 i = 0; i < NQUERY; i++) {
		in[i] = query_gpfn(i);
		out[i] = UNSEEN;
	}
	page(20)[100] = 1;
	part.hypercall_msr =
		(30ull << PT_MSR_PAGE_GPFN_SHIFT) | PT_MSR_PAGE_ENABLE;
	v->vpap_msr = (31ull << PT_MSR_PAGE_GPFN_SHIFT) | PT_MSR_PAGE_ENABLE;
	/* Disabled overlays do not count. */
	part.vcpus[1].vpap_msr = 32ull << PT_MSR_PAGE_GPFN_SHIFT;
	part.vcpu_count = 2;
	shim_tsc_step = 3000;
	for (;;) {
		enum hcall_result res = hcall_dispatch(v, &r, shim_tsc);

		cr_assert(++entries < NQUERY);
		if (res == HCALL_DONE)
			break;
		cr_assert_eq(rep_start(&r), done + per_entry(3000));
		for (u32 i = done; i < rep_start(&r); i++) {
			cr_assert_eq(out[i], expected_info(query_gpfn(i)),
				     "element %u", i);
			out[i] = MARK;
		}
		for (u32 i = rep_start(&r); i < NQUERY; i++)
			cr_assert_eq(out[i], UNSEEN, "element %u early", i);
		done = rep_start(&r);
	}
	cr_assert_eq(pt_hc_status(r.rax), PT_STATUS_SUCCESS);
	cr_assert_eq(pt_hc_reps_done(r.rax), NQUERY);
	cr_assert_gt(entries, 10);
	for (u32 i = 0; i < NQUERY; i++)
		cr_assert_eq(out[i],
			     i < done ? MARK : expected_info(query_gpfn(i)),
			     "element %u", i);
}

/*
 * The root's identity map covers page 0 and MMIO too; QUERY_PAGES reports
 * them present but never reads them (page 0 is unmapped in the
 * hypervisor, an MMIO read can have side effects), and a list placed
 * there is an invalid address, not a read.
 */
Test(hcall_rep, root_query_never_reads_page_0_or_mmio)
{
	static struct partition root;
	struct vcpu *rv;
	u64 *in, *out, rcx;
	struct hcall_regs r;

	test_partition_init(&root, ROOT_PARTITION_ID, 13 * PAGE_SIZE);
	rv = &root.vcpus[0];
	rv->vpap = &vpap;
	shim_root_window_base = 0; /* no grant window in this small root */
	shim_root_mmio_base = 10ull << PAGE_SHIFT;
	shim_root_mmio_size = 2ull << PAGE_SHIFT;
	in = (u64 *)test_gpa(&root, 1ull << PAGE_SHIFT);
	out = (u64 *)test_gpa(&root, 2ull << PAGE_SHIFT);
	in[0] = 0;  /* page 0 */
	in[1] = 10; /* "MMIO" */
	in[2] = 12; /* RAM after it: zero, and read */
	for (u32 i = 0; i < 3; i++)
		out[i] = UNSEEN;
	rcx = pt_hc_input(PT_CALL_QUERY_PAGES, 0, 3, 0);
	r = (struct hcall_regs){ 0, rcx, 1ull << PAGE_SHIFT,
				 2ull << PAGE_SHIFT };
	cr_assert_eq(hcall_dispatch(rv, &r, shim_tsc), HCALL_DONE);
	cr_assert_eq(pt_hc_status(r.rax), PT_STATUS_SUCCESS);
	cr_assert_eq(out[0], PT_PAGE_INFO_PRESENT | PT_PAGE_INFO_WRITABLE);
	cr_assert_eq(out[1], PT_PAGE_INFO_PRESENT | PT_PAGE_INFO_WRITABLE);
	cr_assert_eq(out[2], PT_PAGE_INFO_PRESENT | PT_PAGE_INFO_WRITABLE |
				     PT_PAGE_INFO_ZERO);

	/* An input list in "MMIO" is refused, not read. */
	r = (struct hcall_regs){ 0, rcx, 10ull << PAGE_SHIFT,
				 2ull << PAGE_SHIFT };
	hcall_dispatch(rv, &r, shim_tsc);
	cr_assert_eq(pt_hc_status(r.rax), PT_STATUS_INVALID_GPA);
}

Test(hcall_rep, worst_entry_time_is_recorded)
{
	u64 worst = per_entry(5000) * 5000ull;
	struct hcall_regs r;

	fill_pages(10, 40, 0xAB);
	zero_pages(10, 40, 5000, 0, &r);
	/* A full entry reads the clock once per element, plus once. */
	cr_assert_eq(v->worst_entry_ticks, worst); /* 1 GHz: ticks are ns */
	cr_assert_eq(vpap.stat_worst_entry_ns, worst);
	cr_assert_eq(part.hcall_stats[PT_CALL_ZERO_PAGES].worst_ticks, worst);
}
