// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of what each hypercall does once its input was decoded. */
#include <criterion/criterion.h>
#include <hv/frame.h>
#include <hv/hcall.h>
#include <hv/log.h>
#include <hv/partition.h>
#include <hv/sched.h>
#include <partita/cpuid.h>
#include <partita/hypercall.h>
#include <string.h>

#include "hv-shim.h"
#include "test-util.h"

#define GUEST_BYTES (32 * PAGE_SIZE)

static struct partition part;
static struct vcpu *v;
static u64 entry_age; /* how long ago the vCPU left guest mode (ns) */

static void setup(void)
{
	shim_reset();
	shim_pool_init(64);
	sched_init(2);
	test_partition_init(&part, 2, GUEST_BYTES);
	v = &part.vcpus[0];
	shim_tsc = 2500000000ull; /* 2.5 s after boot */
}

TestSuite(hcall_invoke, .init = setup, .fini = shim_teardown);

static enum hcall_result run(u64 rcx, u64 rdx, u64 r8, struct hcall_regs *out)
{
	*out = (struct hcall_regs){ 0xAAAA, rcx, rdx, r8 };
	return hcall_dispatch(v, out, shim_tsc - entry_age);
}

static u64 fast(u16 code)
{
	return pt_hc_input(code, 1, 0, 0);
}

static u64 mem(u16 code)
{
	return pt_hc_input(code, 0, 0, 0);
}

Test(hcall_invoke, null_and_version)
{
	struct hcall_regs r;

	cr_assert_eq(run(fast(PT_CALL_NULL), 5, 6, &r), HCALL_DONE);
	cr_assert_eq(r.rax, PT_STATUS_SUCCESS);
	cr_assert_eq(r.rdx, 5);
	cr_assert_eq(run(fast(PT_CALL_GET_VERSION), 0, 0, &r), HCALL_DONE);
	cr_assert_eq(r.rax, PT_STATUS_SUCCESS);
	cr_assert_eq(r.rdx, PT_INTERFACE_VERSION);
	cr_assert(r.r8 & PT_FEATURE_REP_CONTINUATION);
	cr_assert(r.r8 & PT_FEATURE_CALL_STATS);
}

Test(hcall_invoke, self_info)
{
	struct pt_self_info *out = test_gpa(&part, 0x3000);
	struct hcall_regs r;

	memset(out, 0xFF, PAGE_SIZE);
	v->index = 0;
	v->cpu = 1;
	cr_assert_eq(run(mem(PT_CALL_SELF_INFO), 0, 0x3000, &r), HCALL_DONE);
	cr_assert_eq(r.rax, PT_STATUS_SUCCESS);
	cr_assert_eq(out->partition_id, 2);
	cr_assert_eq(out->vcpu_count, 1);
	cr_assert_eq(out->weight, 256);
	cr_assert_eq(out->memory_bytes, GUEST_BYTES);
	cr_assert_eq(out->physical_cpu, 1);
	cr_assert_eq(out->reserved, 0);
	cr_assert_str_eq(out->name, "test2");
	/* Nothing past the block. */
	cr_assert_eq(((u8 *)out)[sizeof(*out)], 0xFF);
}

Test(hcall_invoke, console_write_logs_tagged_lines)
{
	struct pt_console_write_in *in = test_gpa(&part, 0x1000);
	static const char text[] = "hello\nworld";
	struct hcall_regs r;

	in->length = sizeof(text) - 1;
	in->reserved = 0;
	memcpy(in->text, text, sizeof(text) - 1);
	part.console_tokens = 10;
	cr_assert_eq(run(mem(PT_CALL_CONSOLE_WRITE), 0x1000, 0, &r),
		     HCALL_DONE);
	cr_assert_eq(r.rax, PT_STATUS_SUCCESS);
	cr_assert(shim_log_has("[    2.500000] INF p2:test2: hello\n"), "%s",
		  shim_log());
	/* "world" waits for its newline. */
	cr_assert_not(shim_log_has("world"));
	cr_assert_eq(part.console_len, 5);
}

Test(hcall_invoke, console_write_longer_than_the_copy_buffer)
{
	struct pt_console_write_in *in = test_gpa(&part, 0x1000);
	struct hcall_regs r;

	/* 600 bytes: copied in pieces, split into lines of 159. */
	in->length = 600;
	in->reserved = 0;
	for (u32 i = 0; i < 600; i++)
		in->text[i] = (u8)('a' + i % 26);
	in->text[599] = '\n';
	part.console_tokens = 10;
	run(mem(PT_CALL_CONSOLE_WRITE), 0x1000, 0, &r);
	cr_assert_eq(r.rax, PT_STATUS_SUCCESS);
	cr_assert_eq(shim_log_count("INF p2:test2: "), 4);
	cr_assert(shim_log_has("p2:test2: abcdefghijklmnopqrstuvwxyzabc"));
}

Test(hcall_invoke, set_timer)
{
	static struct pt_vpap vpap;
	struct hcall_regs r;

	v->cpu = 1; /* another CPU: it gets kicked */
	cr_assert_eq(run(fast(PT_CALL_SET_TIMER), 123456789, 0, &r),
		     HCALL_DONE);
	cr_assert_eq(r.rax, PT_STATUS_SUCCESS);
	cr_assert_eq(v->timer_deadline_ns, 123456789);
	cr_assert_eq(shim_kicks[1], 1);
	/* Mirrored into the VP assist page once there is one. */
	v->vpap = &vpap;
	run(fast(PT_CALL_SET_TIMER), 0, 0, &r);
	cr_assert_eq(v->timer_deadline_ns, 0);
	cr_assert_eq(vpap.timer_deadline_ns, 0);
	run(fast(PT_CALL_SET_TIMER), 77, 0, &r);
	cr_assert_eq(vpap.timer_deadline_ns, 77);
}

Test(hcall_invoke, yield_and_block)
{
	struct hcall_regs r;

	cr_assert_eq(run(fast(PT_CALL_YIELD), 0, 0, &r), HCALL_YIELD);
	cr_assert_eq(r.rax, PT_STATUS_SUCCESS);
	cr_assert_eq(run(fast(PT_CALL_BLOCK), 999, 0, &r), HCALL_BLOCK);
	cr_assert_eq(r.rax, PT_STATUS_SUCCESS);
	cr_assert_eq(v->block_deadline_ns, 999);
	/* A refused call asks for nothing beyond DONE. */
	cr_assert_eq(run(fast(PT_CALL_YIELD) | BIT(20), 0, 0, &r), HCALL_DONE);
}

Test(hcall_invoke, shutdown_self)
{
	struct hcall_regs r;

	part.cpu_mask = 1;
	cr_assert_eq(
		run(fast(PT_CALL_SHUTDOWN_SELF), PT_SHUTDOWN_POWEROFF, 0, &r),
		HCALL_GONE);
	cr_assert_eq(part.state, PART_STATE_DYING);
	cr_assert_eq(part.exit_reason, PT_SHUTDOWN_POWEROFF);
	cr_assert_str_eq(part.exit_detail, "poweroff");
	cr_assert_eq(v->state, VCPU_STATE_DEAD);
	cr_assert_not(shim_log_has("killed"));
}

Test(hcall_invoke, shutdown_self_as_crash)
{
	struct hcall_regs r;

	cr_assert_eq(run(fast(PT_CALL_SHUTDOWN_SELF), PT_SHUTDOWN_CRASH, 0, &r),
		     HCALL_GONE);
	cr_assert_eq(part.exit_reason, PT_SHUTDOWN_CRASH);
	cr_assert(shim_log_has("ERR p2:test2: killed: the guest reported a "
			       "crash\n"),
		  "%s", shim_log());
}

Test(hcall_invoke, call_stats)
{
	struct hcall_regs r;

	for (int i = 0; i < 5; i++) {
		entry_age = (u64)(i * 37 % 5) * 100;
		run(fast(PT_CALL_NULL), 0, 0, &r);
	}
	entry_age = 0;
	cr_assert_eq(run(fast(PT_CALL_GET_CALL_STATS), PT_CALL_NULL, 0, &r),
		     HCALL_DONE);
	cr_assert_eq(r.rax, PT_STATUS_SUCCESS);
	cr_assert_eq(r.rdx, 5);
	cr_assert_eq(r.r8, 400, "worst entry");
	cr_assert_eq(part.hcall_stats[PT_CALL_GET_CALL_STATS].count, 1);
	/* Reading with the reset flag zeroes the figures afterwards. */
	run(fast(PT_CALL_GET_CALL_STATS), PT_CALL_NULL, PT_CALL_STATS_RESET,
	    &r);
	cr_assert_eq(r.rax, PT_STATUS_SUCCESS);
	cr_assert_eq(r.rdx, 5);
	cr_assert_eq(part.hcall_stats[PT_CALL_NULL].count, 0);
	cr_assert_eq(part.hcall_stats[PT_CALL_NULL].worst_ticks, 0);
	run(fast(PT_CALL_GET_CALL_STATS), PT_CALL_NULL, 2, &r);
	cr_assert_eq(r.rax, PT_STATUS_INVALID_PARAMETER, "unknown flag");
}
