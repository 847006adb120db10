// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of hypercall input decoding (core/hcall-dispatch.c). */
#include <partita/call-names.h>
#include <criterion/criterion.h>
#include <hv/frame.h>
#include <hv/hcall.h>
#include <hv/partition.h>
#include <partita/hypercall.h>
#include <stdlib.h>
#include <string.h>

#include "hv-shim.h"
#include "test-util.h"

#define GUEST_PAGES 64ull
#define GUEST_BYTES (GUEST_PAGES * PAGE_SIZE)
#define RO_PAGE 0x8000ull /* mapped without write access */

static struct partition part;
static struct hcall_regs regs;
static struct hcall_ctx ctx;

static void setup(void)
{
	shim_reset();
	shim_pool_init(GUEST_PAGES + 16);
	test_partition_init(&part, 2, GUEST_BYTES);
	cr_assert_eq(arch_npt_map(&part, RO_PAGE,
				  frame_alloc(2, FRAME_KIND_RAM), NPT_READ),
		     0);
}

TestSuite(hcall_decode, .init = setup, .fini = shim_teardown);

static int decode(u64 rcx, u64 rdx, u64 r8, const struct hcall_desc **d)
{
	regs = (struct hcall_regs){ 0xAAAA, rcx, rdx, r8 };
	ctx = (struct hcall_ctx){ .v = &part.vcpus[0],
				  .p = &part,
				  .regs = &regs };
	return hcall_decode(&ctx, d);
}

static int status_of(u64 rcx, u64 rdx, u64 r8)
{
	const struct hcall_desc *d;

	return decode(rcx, rdx, r8, &d);
}

static u64 call(u16 code, u32 reps, u32 start)
{
	return pt_hc_input(code, 0, reps, start);
}

static u64 fast(u16 code)
{
	return pt_hc_input(code, 1, 0, 0);
}

static void put_console(u64 gpa, u32 length, u32 reserved)
{
	struct pt_console_write_in *in = test_gpa(&part, gpa);

	in->length = length;
	in->reserved = reserved;
}

/* The dispatch tables and protocols/partita/call-names.h list the same
 * codes: every named code is served, every served code is named. */
Test(hcall_decode, every_call_code_is_found)
{
#define CODE(c, n) c,
	static const u16 codes[] = { PT_CALL_NAME_LIST(CODE) };
#undef CODE
	u32 served = 0;

	for (u32 i = 0; i < ARRAY_SIZE(codes); i++) {
		const struct hcall_desc *d = hcall_lookup(codes[i]);

		cr_assert_not_null(d, "%s (0x%x) is not served",
				   pt_call_name(codes[i]), codes[i]);
		cr_assert_eq(d->code, codes[i]);
		cr_assert(d->invoke || d->rep_element);
		cr_assert_leq(d->in_size, sizeof(union hcall_input),
			      "%s: its input block does not fit the copy",
			      pt_call_name(codes[i]));
	}
	for (u32 code = 0; code <= 0xFFFF; code++) {
		if (!hcall_lookup((u16)code))
			continue;
		served++;
		cr_assert_not_null(pt_call_name(code),
				   "call 0x%x has no name in call-names.h",
				   code);
	}
	cr_assert_eq(served, ARRAY_SIZE(codes));
}

Test(hcall_decode, reserved_bits_are_invalid_input)
{
	static const int bits[] = { 17, 20, 31, 44, 47, 60, 63 };
	const struct hcall_desc *d = (void *)1;

	for (u32 i = 0; i < ARRAY_SIZE(bits); i++) {
		cr_assert_eq(
			decode(fast(PT_CALL_NULL) | BIT(bits[i]), 0, 0, &d),
			PT_STATUS_INVALID_HYPERCALL_INPUT, "bit %d", bits[i]);
		cr_assert_null(d);
	}
	cr_assert_eq(status_of(fast(PT_CALL_NULL), 0, 0), PT_STATUS_SUCCESS);
}

Test(hcall_decode, unknown_code)
{
	static const u16 codes[] = { 0x0000, 0x000B, 0x000F, 0x0012,
				     0x003F, 0x0044, 0x0080, 0xFFFF };
	const struct hcall_desc *d = (void *)1;

	for (u32 i = 0; i < ARRAY_SIZE(codes); i++) {
		cr_assert_eq(decode(fast(codes[i]), 0, 0, &d),
			     PT_STATUS_INVALID_HYPERCALL_CODE, "0x%x",
			     codes[i]);
		cr_assert_null(d);
		cr_assert_null(hcall_lookup(codes[i]));
	}
}

Test(hcall_decode, fields_are_decoded)
{
	const struct hcall_desc *d;

	cr_assert_eq(decode(pt_hc_input(PT_CALL_QUERY_PAGES, 0, 0xFFF, 0x7FE),
			    0, 0x10000, &d),
		     PT_STATUS_SUCCESS);
	cr_assert_eq(d, hcall_lookup(PT_CALL_QUERY_PAGES));
	cr_assert_eq(ctx.code, PT_CALL_QUERY_PAGES);
	cr_assert_not(ctx.fast);
	cr_assert_eq(ctx.rep_count, 0xFFF);
	cr_assert_eq(ctx.rep_start, 0x7FE);
}

Test(hcall_decode, root_only_calls)
{
	/* A guest is refused before anything else is looked at. */
	cr_assert_eq(status_of(call(PT_CALL_LOG_READ, 0, 0), 0x1000, 0x2000),
		     PT_STATUS_ACCESS_DENIED);
	cr_assert_eq(status_of(call(PT_CALL_LOG_READ, 0, 0), 0x1001, 0x2000),
		     PT_STATUS_ACCESS_DENIED);
	cr_assert_eq(status_of(fast(PT_CALL_PARTITION_LIST), 0, 0),
		     PT_STATUS_ACCESS_DENIED);
	part.id = ROOT_PARTITION_ID;
	cr_assert_eq(status_of(call(PT_CALL_LOG_READ, 0, 0), 0x1000, 0x2000),
		     PT_STATUS_SUCCESS);
	cr_assert_eq(status_of(call(PT_CALL_PARTITION_LIST, 0, 0), 0, 0x3000),
		     PT_STATUS_SUCCESS);
	/* The root still gets its inputs checked. */
	cr_assert_eq(status_of(call(PT_CALL_LOG_READ, 0, 0), 0x1000, 0x2008),
		     PT_STATUS_INVALID_ALIGNMENT, "a page-sized block");
	cr_assert_eq(status_of(fast(PT_CALL_PARTITION_LIST), 0, 0),
		     PT_STATUS_INVALID_HYPERCALL_INPUT);
}

Test(hcall_decode, fast_flag_must_match_the_call)
{
	/* Memory-only calls refuse the fast form... */
	cr_assert_eq(status_of(fast(PT_CALL_CONSOLE_WRITE), 0x1000, 0),
		     PT_STATUS_INVALID_HYPERCALL_INPUT);
	cr_assert_eq(status_of(fast(PT_CALL_SELF_INFO), 0, 0x1000),
		     PT_STATUS_INVALID_HYPERCALL_INPUT);
	cr_assert_eq(status_of(pt_hc_input(PT_CALL_QUERY_PAGES, 1, 1, 0),
			       0x1000, 0x2000),
		     PT_STATUS_INVALID_HYPERCALL_INPUT);
	/* ...and fast-only calls the memory form. */
	cr_assert_eq(status_of(call(PT_CALL_NULL, 0, 0), 0, 0),
		     PT_STATUS_INVALID_HYPERCALL_INPUT);
	cr_assert_eq(status_of(call(PT_CALL_GET_VERSION, 0, 0), 0, 0),
		     PT_STATUS_INVALID_HYPERCALL_INPUT);
	cr_assert_eq(status_of(call(PT_CALL_ZERO_PAGES, 1, 0), 0, 0),
		     PT_STATUS_INVALID_HYPERCALL_INPUT);
}

Test(hcall_decode, rep_count_and_start_rules)
{
	/* Not a rep call: both fields must be zero. */
	cr_assert_eq(status_of(pt_hc_input(PT_CALL_NULL, 1, 1, 0), 0, 0),
		     PT_STATUS_INVALID_HYPERCALL_INPUT);
	cr_assert_eq(status_of(pt_hc_input(PT_CALL_NULL, 1, 0, 1), 0, 0),
		     PT_STATUS_INVALID_HYPERCALL_INPUT);
	/* A rep call: count > 0 and start < count. */
	cr_assert_eq(status_of(pt_hc_input(PT_CALL_ZERO_PAGES, 1, 0, 0), 0, 0),
		     PT_STATUS_INVALID_HYPERCALL_INPUT);
	cr_assert_eq(status_of(pt_hc_input(PT_CALL_ZERO_PAGES, 1, 4, 4), 0, 0),
		     PT_STATUS_INVALID_HYPERCALL_INPUT);
	cr_assert_eq(status_of(pt_hc_input(PT_CALL_ZERO_PAGES, 1, 4, 9), 0, 0),
		     PT_STATUS_INVALID_HYPERCALL_INPUT);
	cr_assert_eq(status_of(pt_hc_input(PT_CALL_ZERO_PAGES, 1, 4, 3), 0, 0),
		     PT_STATUS_SUCCESS);
	cr_assert_eq(
		status_of(pt_hc_input(PT_CALL_ZERO_PAGES, 1, 0xFFF, 0), 0, 0),
		PT_STATUS_SUCCESS);
}

Test(hcall_decode, misaligned_gpa)
{
	for (u64 off = 1; off < 8; off++) {
		cr_assert_eq(status_of(call(PT_CALL_SELF_INFO, 0, 0), 0,
				       0x1000 + off),
			     PT_STATUS_INVALID_ALIGNMENT);
		cr_assert_eq(status_of(call(PT_CALL_CONSOLE_WRITE, 0, 0),
				       0x1000 + off, 0),
			     PT_STATUS_INVALID_ALIGNMENT);
		cr_assert_eq(status_of(call(PT_CALL_QUERY_PAGES, 2, 0),
				       0x1000 + off, 0x2000),
			     PT_STATUS_INVALID_ALIGNMENT);
		cr_assert_eq(status_of(call(PT_CALL_QUERY_PAGES, 2, 0), 0x1000,
				       0x2000 + off),
			     PT_STATUS_INVALID_ALIGNMENT);
	}
}

Test(hcall_decode, block_crossing_a_page)
{
	u64 last = 0x2000 - sizeof(struct pt_self_info);

	cr_assert_eq(status_of(call(PT_CALL_SELF_INFO, 0, 0), 0, last),
		     PT_STATUS_SUCCESS);
	cr_assert_eq(status_of(call(PT_CALL_SELF_INFO, 0, 0), 0, last + 8),
		     PT_STATUS_INVALID_ALIGNMENT);
	part.id = ROOT_PARTITION_ID;
	/* A page-sized output block must be page aligned. */
	cr_assert_eq(status_of(call(PT_CALL_PARTITION_LIST, 0, 0), 0, 0x3008),
		     PT_STATUS_INVALID_ALIGNMENT);
}

Test(hcall_decode, gpa_outside_guest_memory)
{
	static const u64 bad[] = { GUEST_BYTES, GUEST_BYTES + 0x1000,
				   0x100000000ull, SHIM_PHYS_BASE,
				   0xFFFFFFFFFFFFF000ull };

	for (u32 i = 0; i < ARRAY_SIZE(bad); i++) {
		cr_assert_eq(
			status_of(call(PT_CALL_SELF_INFO, 0, 0), 0, bad[i]),
			PT_STATUS_INVALID_GPA);
		cr_assert_eq(
			status_of(call(PT_CALL_CONSOLE_WRITE, 0, 0), bad[i], 0),
			PT_STATUS_INVALID_GPA);
	}
	cr_assert_eq(
		status_of(call(PT_CALL_SELF_INFO, 0, 0), 0, GUEST_BYTES - 0x40),
		PT_STATUS_SUCCESS);
}

Test(hcall_decode, output_in_read_only_page)
{
	put_console(RO_PAGE, 4, 0);
	cr_assert_eq(status_of(call(PT_CALL_SELF_INFO, 0, 0), 0, RO_PAGE),
		     PT_STATUS_INVALID_GPA);
	/* Reading from it is fine. */
	cr_assert_eq(status_of(call(PT_CALL_CONSOLE_WRITE, 0, 0), RO_PAGE, 0),
		     PT_STATUS_SUCCESS);
	cr_assert_eq(
		status_of(call(PT_CALL_QUERY_PAGES, 4, 0), RO_PAGE, 0x1000),
		PT_STATUS_SUCCESS);
	cr_assert_eq(
		status_of(call(PT_CALL_QUERY_PAGES, 4, 0), 0x1000, RO_PAGE),
		PT_STATUS_INVALID_GPA);
}

Test(hcall_decode, rep_lists)
{
	u64 end = GUEST_BYTES;

	/* The list may end exactly at the end of guest memory. */
	cr_assert_eq(status_of(call(PT_CALL_QUERY_PAGES, 512, 0), end - 4096,
			       end - 8192),
		     PT_STATUS_SUCCESS);
	cr_assert_eq(status_of(call(PT_CALL_QUERY_PAGES, 513, 0), end - 4096,
			       0x1000),
		     PT_STATUS_INVALID_GPA);
	cr_assert_eq(status_of(call(PT_CALL_QUERY_PAGES, 513, 0), 0x1000,
			       end - 4096),
		     PT_STATUS_INVALID_GPA);
	/* Wrapping around the address space. */
	cr_assert_eq(status_of(call(PT_CALL_QUERY_PAGES, 2, 0),
			       0xFFFFFFFFFFFFFFF8ull, 0x1000),
		     PT_STATUS_INVALID_GPA);
	/* Only [start, count) is checked: elements 0-3 are read-only. */
	cr_assert_eq(status_of(call(PT_CALL_QUERY_PAGES, 8, 4), 0x1000,
			       RO_PAGE + PAGE_SIZE - 4 * 8),
		     PT_STATUS_SUCCESS);
	cr_assert_eq(status_of(call(PT_CALL_QUERY_PAGES, 8, 3), 0x1000,
			       RO_PAGE + PAGE_SIZE - 4 * 8),
		     PT_STATUS_INVALID_GPA);
}

Test(hcall_decode, rep_list_over_a_hole)
{
	/* Pages past the mapped 64 count as guest memory but are absent. */
	part.memory_bytes = 2 * GUEST_BYTES;
	cr_assert_eq(status_of(call(PT_CALL_QUERY_PAGES, 2, 0), GUEST_BYTES - 8,
			       0x1000),
		     PT_STATUS_INVALID_GPA);
	cr_assert_eq(status_of(call(PT_CALL_QUERY_PAGES, 1, 0), GUEST_BYTES - 8,
			       0x1000),
		     PT_STATUS_SUCCESS);
	cr_assert_eq(status_of(call(PT_CALL_SELF_INFO, 0, 0), 0, GUEST_BYTES),
		     PT_STATUS_INVALID_GPA);
}

Test(hcall_decode, console_write_input)
{
	put_console(0x1000, 12, 0);
	cr_assert_eq(status_of(call(PT_CALL_CONSOLE_WRITE, 0, 0), 0x1000, 0),
		     PT_STATUS_SUCCESS);
	cr_assert_eq(ctx.input.console_write.length, 12);
	cr_assert_eq(ctx.in, test_gpa(&part, 0x1000));
	put_console(0x1000, 12, 1);
	cr_assert_eq(status_of(call(PT_CALL_CONSOLE_WRITE, 0, 0), 0x1000, 0),
		     PT_STATUS_INVALID_PARAMETER);
	put_console(0x1000, PT_CONSOLE_WRITE_MAX + 1, 0);
	cr_assert_eq(status_of(call(PT_CALL_CONSOLE_WRITE, 0, 0), 0x1000, 0),
		     PT_STATUS_INVALID_PARAMETER);
	put_console(0x1000, PT_CONSOLE_WRITE_MAX, 0);
	cr_assert_eq(status_of(call(PT_CALL_CONSOLE_WRITE, 0, 0), 0x1000, 0),
		     PT_STATUS_SUCCESS, "the text fills the page exactly");
	put_console(0x1008, PT_CONSOLE_WRITE_MAX, 0);
	cr_assert_eq(status_of(call(PT_CALL_CONSOLE_WRITE, 0, 0), 0x1008, 0),
		     PT_STATUS_INVALID_ALIGNMENT, "text crosses the page");
	put_console(0x1FF8, 1, 0);
	cr_assert_eq(status_of(call(PT_CALL_CONSOLE_WRITE, 0, 0), 0x1FF8, 0),
		     PT_STATUS_INVALID_ALIGNMENT);
	put_console(0x1FF8, 0, 0);
	cr_assert_eq(status_of(call(PT_CALL_CONSOLE_WRITE, 0, 0), 0x1FF8, 0),
		     PT_STATUS_SUCCESS);
}

Test(hcall_decode, call_specific_parameters)
{
	cr_assert_eq(
		status_of(fast(PT_CALL_SHUTDOWN_SELF), PT_SHUTDOWN_CRASH, 0),
		PT_STATUS_SUCCESS);
	cr_assert_eq(status_of(fast(PT_CALL_SHUTDOWN_SELF), 2, 0),
		     PT_STATUS_INVALID_PARAMETER);
	cr_assert_eq(status_of(fast(PT_CALL_GET_CALL_STATS),
			       PT_CALL_STATS_MAX - 1, 0),
		     PT_STATUS_SUCCESS);
	cr_assert_eq(
		status_of(fast(PT_CALL_GET_CALL_STATS), PT_CALL_STATS_MAX, 0),
		PT_STATUS_INVALID_PARAMETER);
}

static u64 next_random(u64 *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Random inputs near the valid ones: a mix of codes, flags and GPAs. */
static void random_input(u64 *seed, u64 *rcx, u64 *rdx, u64 *r8)
{
	static const u16 codes[] = { PT_CALL_CONSOLE_WRITE,  PT_CALL_SELF_INFO,
				     PT_CALL_QUERY_PAGES,    PT_CALL_ZERO_PAGES,
				     PT_CALL_SHUTDOWN_SELF,  PT_CALL_LOG_READ,
				     PT_CALL_GET_CALL_STATS, 0x77 };
	u64 r = next_random(seed);

	*rcx = pt_hc_input(codes[r % ARRAY_SIZE(codes)], (r >> 3) & 1,
			   (r >> 8) % 8, (r >> 16) % 8);
	if ((r >> 24) % 16 == 0)
		*rcx |= BIT(17 + (r >> 28) % 15);
	*rdx = next_random(seed) % (GUEST_BYTES + 0x3000);
	*r8 = next_random(seed) % (GUEST_BYTES + 0x3000);
	if ((r >> 40) & 1)
		*rdx &= ~7ull;
	if ((r >> 41) & 1)
		*r8 &= ~0xFFFull;
}

/* seL4-style: decoding reads, never writes, whatever it decides. */
Test(hcall_decode, decode_changes_no_state)
{
	static struct partition before;
	u8 *memory = malloc(GUEST_BYTES), *hva;
	u64 seed = 0x9E3779B97F4A7C15ull;
	u32 outcomes[0x200] = { 0 };

	for (u64 gpa = 0; gpa < GUEST_BYTES; gpa += PAGE_SIZE)
		memset(test_gpa(&part, gpa), (int)(gpa >> 12) + 1, PAGE_SIZE);
	put_console(0x1000, 8, 0);
	put_console(0x2000, 8, 1);
	for (u64 gpa = 0; gpa < GUEST_BYTES; gpa += PAGE_SIZE)
		memcpy(memory + gpa, test_gpa(&part, gpa), PAGE_SIZE);
	before = part;
	for (int i = 0; i < 3000; i++) {
		u64 rcx, rdx, r8;
		int status;

		random_input(&seed, &rcx, &rdx, &r8);
		status = status_of(rcx, rdx, r8);
		outcomes[status & 0x1FF]++;
		cr_assert_eq(regs.rcx, rcx);
		cr_assert_eq(regs.rdx, rdx);
		cr_assert_eq(regs.r8, r8);
		cr_assert_eq(regs.rax, 0xAAAA);
		cr_assert(!memcmp(&part, &before, sizeof(part)),
			  "partition changed by rcx 0x%llx",
			  (unsigned long long)rcx);
	}
	for (u64 gpa = 0; gpa < GUEST_BYTES; gpa += PAGE_SIZE) {
		hva = test_gpa(&part, gpa);
		cr_assert(!memcmp(memory + gpa, hva, PAGE_SIZE),
			  "guest page 0x%llx changed", (unsigned long long)gpa);
	}
	/* The inputs did reach every outcome. */
	cr_assert(outcomes[PT_STATUS_SUCCESS]);
	cr_assert(outcomes[PT_STATUS_INVALID_HYPERCALL_CODE]);
	cr_assert(outcomes[PT_STATUS_INVALID_HYPERCALL_INPUT]);
	cr_assert(outcomes[PT_STATUS_INVALID_ALIGNMENT]);
	cr_assert(outcomes[PT_STATUS_INVALID_PARAMETER]);
	cr_assert(outcomes[PT_STATUS_ACCESS_DENIED]);
	cr_assert(outcomes[PT_STATUS_INVALID_GPA]);
	free(memory);
}

/* Through hcall_dispatch: a refused call writes only RAX. */
Test(hcall_decode, refused_call_writes_only_the_status)
{
	const struct {
		u64 rcx, rdx, r8;
		int status;
	} cases[] = {
		{ pt_hc_input(PT_CALL_ZERO_PAGES, 1, 4, 4), 1, 0,
		  PT_STATUS_INVALID_HYPERCALL_INPUT },
		{ pt_hc_input(PT_CALL_SELF_INFO, 0, 0, 0), 0, 0x1FF0,
		  PT_STATUS_INVALID_ALIGNMENT },
		{ pt_hc_input(PT_CALL_SHUTDOWN_SELF, 1, 0, 0), 7, 0,
		  PT_STATUS_INVALID_PARAMETER },
		{ pt_hc_input(PT_CALL_CONSOLE_WRITE, 0, 0, 0), 0x2000, 0,
		  PT_STATUS_INVALID_PARAMETER },
		{ pt_hc_input(PT_CALL_LOG_READ, 0, 0, 0), 0x1000, 0x3000,
		  PT_STATUS_ACCESS_DENIED },
	};

	put_console(0x2000, 8, 1);
	memset(test_gpa(&part, 0x1000), 0x11, PAGE_SIZE);
	memset(test_gpa(&part, 0x3000), 0x33, PAGE_SIZE);
	shim_log_clear();
	for (u32 i = 0; i < ARRAY_SIZE(cases); i++) {
		struct hcall_regs r = { 0, cases[i].rcx, cases[i].rdx,
					cases[i].r8 };

		cr_assert_eq(hcall_dispatch(&part.vcpus[0], &r, shim_tsc),
			     HCALL_DONE);
		cr_assert_eq(r.rax, (u64)cases[i].status, "case %u", i);
		cr_assert_eq(r.rcx, cases[i].rcx);
		cr_assert_eq(r.rdx, cases[i].rdx);
		cr_assert_eq(r.r8, cases[i].r8);
	}
	cr_assert_eq(part.state, PART_STATE_RUNNING);
	cr_assert_eq(((u8 *)test_gpa(&part, 0x1000))[0], 0x11);
	cr_assert_eq(((u8 *)test_gpa(&part, 0x1000))[4095], 0x11);
	cr_assert_eq(((u8 *)test_gpa(&part, 0x3000))[0], 0x33);
	cr_assert_eq(shim_log_len(), 0, "%s", shim_log());
}

/* The messaging calls: which form each takes, and who may make it. */
Test(hcall_decode, messaging_call_forms)
{
	static const struct {
		u16 code;
		u16 flags;
	} calls[] = {
		{ PT_CALL_EVTCHN_SET_PAGE, HC_FAST_OK },
		{ PT_CALL_EVTCHN_ALLOC_UNBOUND, HC_FAST_OK },
		{ PT_CALL_EVTCHN_BIND_INTERDOMAIN, HC_FAST_OK },
		{ PT_CALL_EVTCHN_BIND_VIRQ, HC_FAST_OK },
		{ PT_CALL_EVTCHN_CLOSE, HC_FAST_OK },
		{ PT_CALL_EVTCHN_SEND, HC_FAST_OK },
		{ PT_CALL_EVTCHN_STATUS, HC_MEM_OK },
		{ PT_CALL_EVTCHN_BIND_VCPU, HC_FAST_OK },
		{ PT_CALL_EVTCHN_MASK, HC_FAST_OK },
		{ PT_CALL_EVTCHN_UNMASK, HC_FAST_OK },
		{ PT_CALL_MSG_SET_PAGE, HC_FAST_OK },
		{ PT_CALL_MSG_CREATE_CONNECTION, HC_MEM_OK },
		{ PT_CALL_MSG_DELETE_CONNECTION, HC_FAST_OK },
		{ PT_CALL_MSG_POST, HC_MEM_OK },
		{ PT_CALL_MSG_EOM, HC_FAST_OK },
		{ PT_CALL_GRANT_SET_TABLE, HC_FAST_OK },
		{ PT_CALL_GRANT_MAP, HC_MEM_OK | HC_REP },
		{ PT_CALL_GRANT_UNMAP, HC_MEM_OK | HC_REP },
		{ PT_CALL_GRANT_COPY, HC_MEM_OK | HC_REP },
		{ PT_CALL_GRANT_END_ACCESS, HC_FAST_OK },
		{ PT_CALL_GRANT_QUERY, HC_FAST_OK },
		{ PT_CALL_GRANT_WINDOW, HC_FAST_OK },
		{ PT_CALL_PARTITION_MESSAGING, HC_MEM_OK | HC_ROOT_ONLY },
		/* Scheduling (hcall-sched.c), root-only like the above. */
		{ PT_CALL_VCPU_LIST, HC_MEM_OK | HC_ROOT_ONLY },
		{ PT_CALL_VCPU_SET_AFFINITY, HC_FAST_OK | HC_ROOT_ONLY },
		{ PT_CALL_PARTITION_SCHED, HC_MEM_OK | HC_ROOT_ONLY },
	};
	static const u16 unknown[] = { 0x005F, 0x006A, 0x006F,
				       0x0075, 0x0077, 0x007F };

	for (u32 i = 0; i < ARRAY_SIZE(calls); i++) {
		const struct hcall_desc *d = hcall_lookup(calls[i].code);

		cr_assert_not_null(d, "code 0x%x", calls[i].code);
		cr_assert_eq(d->flags, calls[i].flags, "code 0x%x",
			     calls[i].code);
		cr_assert_lt(d->code, PT_CALL_STATS_MAX, "its stats are kept");
		cr_assert(d->invoke || d->rep_element);
		/* The other form is refused before anything is looked at. */
		if (!(d->flags & HC_MEM_OK))
			cr_assert_eq(
				status_of(pt_hc_input(d->code, 0, 0, 0), 0, 0),
				d->flags & HC_ROOT_ONLY
					? PT_STATUS_ACCESS_DENIED
					: PT_STATUS_INVALID_HYPERCALL_INPUT,
				"code 0x%x", d->code);
		if (!(d->flags & HC_FAST_OK))
			cr_assert_eq(
				status_of(fast(d->code), 0, 0),
				d->flags & HC_ROOT_ONLY
					? PT_STATUS_ACCESS_DENIED
					: PT_STATUS_INVALID_HYPERCALL_INPUT,
				"code 0x%x", d->code);
		/* Only rep calls take a rep count. */
		if (!(d->flags & HC_REP))
			cr_assert_eq(
				status_of(pt_hc_input(d->code,
						      d->flags & HC_FAST_OK, 1,
						      0),
					  0, 0),
				d->flags & HC_ROOT_ONLY
					? PT_STATUS_ACCESS_DENIED
					: PT_STATUS_INVALID_HYPERCALL_INPUT,
				"code 0x%x", d->code);
	}
	for (u32 i = 0; i < ARRAY_SIZE(unknown); i++)
		cr_assert_null(hcall_lookup(unknown[i]), "0x%x", unknown[i]);
}

/*
 * Decode copies the input block once; what invoke uses is that copy. A
 * guest that rewrites its block between the two (another vCPU) changes
 * nothing: the console gets the 12 bytes that were checked, not 4000.
 */
Test(hcall_decode, invoke_uses_the_checked_copy)
{
	const struct hcall_desc *d;
	char *text = (char *)test_gpa(&part, 0x1000) + 8;

	put_console(0x1000, 12, 0);
	memcpy(text, "hello world\n", 12);
	cr_assert_eq(decode(call(PT_CALL_CONSOLE_WRITE, 0, 0), 0x1000, 0, &d),
		     PT_STATUS_SUCCESS);
	put_console(0x1000, 4000, 1); /* the guest rewrites its block */
	cr_assert_eq(d->invoke(&ctx), PT_STATUS_SUCCESS);
	cr_assert_eq(part.console_seq, 12);
}

/*
 * The dispatcher's fast path skips decode()'s generic checks: the router
 * may send it only inputs those checks accept, and should send it every
 * fast input without rep fields to a fast, non-rep call the caller may
 * use. Checked for every code up to 0x1FF, each form and rep shape, a
 * reserved bit, from a guest and from the root.
 */
static void check_route(u64 rcx)
{
	const struct hcall_desc *route = hcall_fast_route(&part, rcx);
	const struct hcall_desc *d = NULL;
	int status = decode(rcx, 0, 0, &d);
	bool generic_ok = status != PT_STATUS_INVALID_HYPERCALL_INPUT &&
			  status != PT_STATUS_INVALID_HYPERCALL_CODE &&
			  status != PT_STATUS_ACCESS_DENIED;

	if (route) {
		cr_assert(generic_ok,
			  "rcx 0x%llx routed fast, decode says 0x%x",
			  (unsigned long long)rcx, status);
		cr_assert_eq(route, d, "rcx 0x%llx: another descriptor",
			     (unsigned long long)rcx);
	} else if (generic_ok && d && (rcx & PT_HC_FAST) &&
		   !(rcx >> PT_HC_REP_COUNT_SHIFT) && !(d->flags & HC_REP)) {
		cr_assert_fail("rcx 0x%llx (%s) passes decode but not the "
			       "fast route",
			       (unsigned long long)rcx,
			       part.id == ROOT_PARTITION_ID ? "root" : "guest");
	}
}

Test(hcall_decode, fast_route_agrees_with_decode)
{
	static const u32 reps[][2] = { { 0, 0 }, { 1, 0 }, { 2, 1 } };
	u32 routed = 0;

	for (int root = 0; root < 2; root++) {
		part.id = root ? ROOT_PARTITION_ID : 2;
		for (u32 code = 0; code < 0x200; code++) {
			for (int f = 0; f < 2; f++) {
				for (u32 r = 0; r < ARRAY_SIZE(reps); r++) {
					u64 rcx = pt_hc_input((u16)code, f,
							      reps[r][0],
							      reps[r][1]);

					check_route(rcx);
					check_route(rcx | (1ull << 17));
					routed += hcall_fast_route(&part,
								   rcx) != NULL;
				}
			}
		}
	}
	/* The property is not vacuous: the null call alone, from both. */
	cr_assert_geq(routed, 2);
	cr_assert_eq(hcall_fast_route(&part, fast(PT_CALL_NULL)),
		     hcall_lookup(PT_CALL_NULL));
}
