// SPDX-License-Identifier: GPL-2.0-only
/* The root's grant window is never a hypercall block, list or page of its. */
#include <criterion/criterion.h>
#include <hv/arch.h>
#include <hv/frame.h>
#include <hv/grant.h>
#include <hv/hcall.h>
#include <hv/partition.h>
#include <partita/grants.h>
#include <partita/hypercall.h>
#include <string.h>

#include "hv-shim.h"
#include "msg-env.h"

#define PATTERN 0x5A
#define RO_REF 1 /* A's data page 0, granted read-only */
#define RW_REF 2 /* A's data page 1, granted read-write */
#define ZERO_REF 3 /* A's data page 2, all zero, read-only */

static struct partition *pa;
static struct vcpu *vr;
static u64 base; /* the root's window: RO_REF, RW_REF, ZERO_REF mapped there */
static u8 before[3][PAGE_SIZE];

static u8 *a_page(u32 i)
{
	return env_gpa(pa, ENV_DATA_GPA + i * PAGE_SIZE);
}

static void grant(u32 ref, u32 page, u16 flags)
{
	struct pt_grant_entry *e =
		(struct pt_grant_entry *)env_gpa(pa, ENV_TABLE_GPA) + ref;

	e->target = ROOT_PARTITION_ID;
	e->gpfn = (u32)((ENV_DATA_GPA >> PAGE_SHIFT) + page);
	e->flags = flags;
}

static void map_into_window(u32 ref, u32 slot, bool ro)
{
	struct pt_grant_map_in in = { (u16)pa->id,
				      ro ? PT_GRANT_MAP_READONLY : 0, ref,
				      base + slot * PAGE_SIZE };
	u32 handle;

	cr_assert_eq(grant_map(env_root, &in, &handle), PT_STATUS_SUCCESS);
}

static void setup(void)
{
	u64 size;

	env_boot(ENV_POOL_FOR(2));
	pa = env_guest("alpha", 1, 0, 0);
	vr = &env_root->vcpus[0];
	grant_window(env_root, &base, &size);
	cr_assert_eq(size, 1ull << 30);
	/* As on the machine: the window is the top GiB of the root's
	 * address space, inside memory_bytes. Only the window check in
	 * partition_gpa_to_hva keeps it out (the shim's arch_root_ram says
	 * everything is RAM). */
	env_root->memory_bytes = base + size;

	cr_assert_eq(grant_set_table(pa, ENV_TABLE_GPA, 1), PT_STATUS_SUCCESS);
	memset(a_page(0), PATTERN, PAGE_SIZE);
	memset(a_page(1), PATTERN, PAGE_SIZE);
	grant(RO_REF, 0, PT_GRANT_PERMIT | PT_GRANT_READONLY);
	grant(RW_REF, 1, PT_GRANT_PERMIT);
	grant(ZERO_REF, 2, PT_GRANT_PERMIT | PT_GRANT_READONLY);
	map_into_window(RO_REF, 0, true);
	map_into_window(RW_REF, 1, false);
	map_into_window(ZERO_REF, 2, true);
	/* A console request laid out in the granted pages: if the root could
	 * point CONSOLE_WRITE at them, it would be accepted. */
	for (u32 i = 0; i < 2; i++) {
		struct pt_console_write_in *in = (void *)a_page(i);

		in->length = 8;
		in->reserved = 0;
		memcpy(in->text, "GRANTED\n", 8);
	}
	for (u32 i = 0; i < 3; i++)
		memcpy(before[i], a_page(i), PAGE_SIZE);
	shim_log_clear();
}

TestSuite(root_window, .init = setup, .fini = shim_teardown);

/* A's granted frames are as they were. */
static void frames_unchanged(void)
{
	for (u32 i = 0; i < 3; i++)
		cr_assert_eq(memcmp(before[i], a_page(i), PAGE_SIZE), 0,
			     "granted page %u changed", i);
}

static u16 mem_call(u16 code, u64 in_gpa, u64 out_gpa)
{
	return pt_hc_status(
		env_call(vr, pt_hc_input(code, 0, 0, 0), in_gpa, out_gpa, NULL));
}

static u64 rep_call(u16 code, u32 count, u64 rdx, u64 r8)
{
	return env_rep(vr, code, count, rdx, r8);
}

Test(root_window, the_window_is_mapped_and_the_control_calls_work)
{
	/* The grants are there, as the root sees them. */
	cr_assert_neq(arch_npt_lookup(env_root, base, &(u32){ 0 }),
		      NPT_NO_PAGE);
	cr_assert_eq(mem_call(PT_CALL_SELF_INFO, 0, ENV_OUT_GPA),
		     PT_STATUS_SUCCESS);
	memcpy(env_gpa(env_root, ENV_IN_GPA), a_page(0), 16);
	cr_assert_eq(mem_call(PT_CALL_CONSOLE_WRITE, ENV_IN_GPA, 0),
		     PT_STATUS_SUCCESS);
	cr_assert(shim_log_has("GRANTED"), "the log shows the root's text");
	frames_unchanged();
}

Test(root_window, an_output_block_in_the_window_is_refused)
{
	for (u32 slot = 0; slot < 2; slot++)
		cr_assert_eq(mem_call(PT_CALL_SELF_INFO, 0,
				      base + slot * PAGE_SIZE),
			     PT_STATUS_INVALID_GPA,
			     "SELF_INFO into window page %u", slot);
	frames_unchanged();
}

Test(root_window, an_input_block_in_the_window_is_refused)
{
	for (u32 slot = 0; slot < 2; slot++)
		cr_assert_eq(mem_call(PT_CALL_CONSOLE_WRITE,
				      base + slot * PAGE_SIZE, 0),
			     PT_STATUS_INVALID_GPA,
			     "CONSOLE_WRITE from window page %u", slot);
	cr_assert_not(shim_log_has("GRANTED"), "%s", shim_log());
	frames_unchanged();
}

Test(root_window, rep_lists_in_the_window_are_refused)
{
	u64 *list = env_gpa(env_root, ENV_LIST_GPA);
	u64 *out = env_gpa(env_root, ENV_OUT_GPA);
	u64 rax;

	list[0] = ENV_IN_GPA >> PAGE_SHIFT;
	/* The input list in the window (both grants). */
	for (u32 slot = 0; slot < 2; slot++) {
		rax = rep_call(PT_CALL_QUERY_PAGES, 1, base + slot * PAGE_SIZE,
			       ENV_OUT_GPA);
		cr_assert_eq(pt_hc_status(rax), PT_STATUS_INVALID_GPA);
		cr_assert_eq(pt_hc_reps_done(rax), 0);
	}
	/* The output list in the window: the writable grant. */
	rax = rep_call(PT_CALL_QUERY_PAGES, 1, ENV_LIST_GPA, base + PAGE_SIZE);
	cr_assert_eq(pt_hc_status(rax), PT_STATUS_INVALID_GPA);
	cr_assert_eq(pt_hc_reps_done(rax), 0);
	frames_unchanged();
	/* A good list still works. */
	out[0] = 0;
	rax = rep_call(PT_CALL_QUERY_PAGES, 1, ENV_LIST_GPA, ENV_OUT_GPA);
	cr_assert_eq(pt_hc_status(rax), PT_STATUS_SUCCESS);
	cr_assert(out[0] & PT_PAGE_INFO_PRESENT);
}

Test(root_window, window_pages_are_not_the_roots_to_read_or_zero)
{
	u64 *list = env_gpa(env_root, ENV_LIST_GPA);
	u64 *out = env_gpa(env_root, ENV_OUT_GPA);
	u64 rax;

	/* QUERY_PAGES sees a window page mapped, but does not look into it:
	 * the all-zero grant is not reported ZERO. */
	list[0] = (base >> PAGE_SHIFT) + 2;
	out[0] = ~0ull;
	rax = rep_call(PT_CALL_QUERY_PAGES, 1, ENV_LIST_GPA, ENV_OUT_GPA);
	cr_assert_eq(pt_hc_status(rax), PT_STATUS_SUCCESS);
	cr_assert(out[0] & PT_PAGE_INFO_PRESENT);
	cr_assert_not(out[0] & PT_PAGE_INFO_ZERO, "read through the window");
	/* ZERO_PAGES of the writable grant: A's page stays as it is. */
	rax = env_call(vr, pt_hc_input(PT_CALL_ZERO_PAGES, 1, 1, 0),
		       (base >> PAGE_SHIFT) + 1, 0, NULL);
	cr_assert_eq(pt_hc_status(rax), PT_STATUS_INVALID_GPA);
	frames_unchanged();
}
