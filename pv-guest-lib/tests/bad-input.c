// SPDX-License-Identifier: MIT
/*
 * In-guest test that the hypervisor refuses malformed hypercalls with the
 * documented status, and injects #GP for bad MSR accesses.
 */
#include <partita/msr.h>
#include <partita-guest/guest.h>

#include "fmt.h"
#include "report.h"
#include "string.h"

/* Two pages for blocks: page boundaries at known places. */
static uint8_t blocks[2][PT_PAGE_SIZE] __attribute__((aligned(PT_PAGE_SIZE)));
static uint64_t rep_in[8], rep_out[8];

static struct report_tally tally = { .suite = "bad-input" };
#define note(...) report_case(&tally, __VA_ARGS__)

static void expect_status(const char *name, uint64_t result, uint16_t want)
{
	uint16_t got = pt_hc_status(result);

	note(name, got == want, "status=0x%04x want=0x%04x", got, want);
}

static uint64_t mem(uint16_t code, uint64_t in, uint64_t out)
{
	return pt_hypercall(pt_hc_input(code, 0, 0, 0), in, out);
}

static uint64_t fast(uint16_t code, uint64_t rdx, uint64_t r8)
{
	return pt_hypercall_fast(pt_hc_input(code, 1, 0, 0), rdx, r8, NULL,
				 NULL);
}

static struct pt_console_write_in *console_block(size_t offset, uint32_t len,
						 uint32_t reserved)
{
	struct pt_console_write_in *in = (void *)(blocks[0] + offset);

	in->length = len;
	in->reserved = reserved;
	return in;
}

static void test_decode(void)
{
	static const uint16_t unknown[] = { 0x0000, 0x00FF, 0x7FFF, 0xFFFF };
	static const unsigned reserved_bits[] = { 17, 31, 44, 47, 60, 63 };
	uint64_t gpa0 = pt_gpa(blocks[0]);
	char name[48];

	for (unsigned i = 0; i < sizeof(unknown) / sizeof(unknown[0]); i++) {
		fmt_snprintf(name, sizeof(name), "unknown-code-0x%04x",
			     unknown[i]);
		expect_status(name, mem(unknown[i], gpa0, gpa0),
			      PT_STATUS_INVALID_HYPERCALL_CODE);
	}
	for (unsigned i = 0; i < sizeof(reserved_bits) / sizeof(unsigned);
	     i++) {
		fmt_snprintf(name, sizeof(name), "reserved-input-bit-%u",
			     reserved_bits[i]);
		expect_status(
			name,
			pt_hypercall_fast(pt_hc_input(PT_CALL_NULL, 1, 0, 0) |
						  (1ull << reserved_bits[i]),
					  0, 0, NULL, NULL),
			PT_STATUS_INVALID_HYPERCALL_INPUT);
	}
	expect_status("rep-count-on-null",
		      pt_hypercall_fast(pt_hc_input(PT_CALL_NULL, 1, 1, 0), 0,
					0, NULL, NULL),
		      PT_STATUS_INVALID_HYPERCALL_INPUT);
	expect_status(
		"rep-count-on-self-info",
		pt_hypercall(pt_hc_input(PT_CALL_SELF_INFO, 0, 2, 0), 0, gpa0),
		PT_STATUS_INVALID_HYPERCALL_INPUT);
	rep_in[0] = rep_in[1] = 1;
	expect_status("rep-start-beyond-count",
		      pt_hypercall(pt_hc_input(PT_CALL_QUERY_PAGES, 0, 2, 3),
				   pt_gpa(rep_in), pt_gpa(rep_out)),
		      PT_STATUS_INVALID_HYPERCALL_INPUT);
	console_block(0, 4, 0);
	expect_status(
		"fast-console-write",
		pt_hypercall_fast(pt_hc_input(PT_CALL_CONSOLE_WRITE, 1, 0, 0),
				  gpa0, 0, NULL, NULL),
		PT_STATUS_INVALID_HYPERCALL_INPUT);
	expect_status("fast-self-info",
		      pt_hypercall_fast(pt_hc_input(PT_CALL_SELF_INFO, 1, 0, 0),
					0, gpa0, NULL, NULL),
		      PT_STATUS_INVALID_HYPERCALL_INPUT);
}

static void test_blocks(const struct pt_start_info *si)
{
	uint64_t gpa0 = pt_gpa(blocks[0]), end = si->memory_bytes;

	console_block(4, 4, 0);
	expect_status("misaligned-console-input",
		      mem(PT_CALL_CONSOLE_WRITE, gpa0 + 4, 0),
		      PT_STATUS_INVALID_ALIGNMENT);
	expect_status("misaligned-self-info-output",
		      mem(PT_CALL_SELF_INFO, 0, gpa0 + 4),
		      PT_STATUS_INVALID_ALIGNMENT);
	expect_status("misaligned-query-input",
		      pt_hypercall(pt_hc_input(PT_CALL_QUERY_PAGES, 0, 1, 0),
				   pt_gpa(rep_in) + 4, pt_gpa(rep_out)),
		      PT_STATUS_INVALID_ALIGNMENT);
	expect_status("self-info-crosses-page",
		      mem(PT_CALL_SELF_INFO, 0, gpa0 + PT_PAGE_SIZE - 32),
		      PT_STATUS_INVALID_ALIGNMENT);
	console_block(PT_PAGE_SIZE - 8, 16, 0);
	expect_status("console-text-crosses-page",
		      mem(PT_CALL_CONSOLE_WRITE, gpa0 + PT_PAGE_SIZE - 8, 0),
		      PT_STATUS_INVALID_ALIGNMENT);
	expect_status("self-info-beyond-memory", mem(PT_CALL_SELF_INFO, 0, end),
		      PT_STATUS_INVALID_GPA);
	expect_status("console-beyond-memory",
		      mem(PT_CALL_CONSOLE_WRITE, end + PT_PAGE_SIZE, 0),
		      PT_STATUS_INVALID_GPA);
	expect_status("self-info-top-of-address-space",
		      mem(PT_CALL_SELF_INFO, 0, ~0ull - 63),
		      PT_STATUS_INVALID_GPA);
	console_block(0, PT_CONSOLE_WRITE_MAX + 1, 0);
	expect_status("console-too-long", mem(PT_CALL_CONSOLE_WRITE, gpa0, 0),
		      PT_STATUS_INVALID_PARAMETER);
	console_block(0, 4, 1);
	expect_status("console-reserved-nonzero",
		      mem(PT_CALL_CONSOLE_WRITE, gpa0, 0),
		      PT_STATUS_INVALID_PARAMETER);
}

static void test_rep_elements(const struct pt_start_info *si)
{
	uint64_t ram_pages = si->memory_bytes >> PT_PAGE_SHIFT, result;

	rep_in[0] = 1;
	rep_in[1] = ram_pages;
	rep_in[2] = 1ull << 40;
	memset(rep_out, 0xFF, sizeof(rep_out));
	result = pt_hypercall(pt_hc_input(PT_CALL_QUERY_PAGES, 0, 3, 0),
			      pt_gpa(rep_in), pt_gpa(rep_out));
	note("query-outside-memory",
	     pt_hc_status(result) == 0 && pt_hc_reps_done(result) == 3 &&
		     (rep_out[0] & PT_PAGE_INFO_PRESENT) && rep_out[1] == 0 &&
		     rep_out[2] == 0,
	     "status=0x%04x reps=%u info=0x%lx/0x%lx/0x%lx",
	     pt_hc_status(result), pt_hc_reps_done(result),
	     (unsigned long)rep_out[0], (unsigned long)rep_out[1],
	     (unsigned long)rep_out[2]);

	/* The last three RAM pages are free; element 3 is past the end. */
	result = pt_hypercall_fast(pt_hc_input(PT_CALL_ZERO_PAGES, 1, 5, 0),
				   ram_pages - 3, 0, NULL, NULL);
	note("zero-outside-memory",
	     pt_hc_status(result) == PT_STATUS_INVALID_GPA &&
		     pt_hc_reps_done(result) == 3,
	     "status=0x%04x want=0x%04x reps=%u want_reps=3",
	     pt_hc_status(result), PT_STATUS_INVALID_GPA,
	     pt_hc_reps_done(result));
}

static void test_root_only(void)
{
	struct pt_log_read_in *in = (void *)blocks[0];

	in->from_seq = 0;
	expect_status("root-only-log-read",
		      mem(PT_CALL_LOG_READ, pt_gpa(in), pt_gpa(blocks[1])),
		      PT_STATUS_ACCESS_DENIED);
	expect_status("root-only-partition-list",
		      mem(PT_CALL_PARTITION_LIST, 0, pt_gpa(blocks[1])),
		      PT_STATUS_ACCESS_DENIED);
}

/* WRMSR through the generic expect-one-exception facility. */
static int wrmsr_expect_gp(uint32_t msr, uint64_t value,
			   struct pt_trap_frame *frame, uint64_t *site)
{
	pt_expect_exception(PT_VECTOR_GP, 2); /* wrmsr is 0f 30 */
	__asm__ volatile("lea 1f(%%rip), %0\n\t"
			 "1: wrmsr"
			 : "=&r"(*site)
			 : "c"(msr), "a"((uint32_t)value),
			   "d"((uint32_t)(value >> 32))
			 : "memory");
	return pt_expect_take(frame);
}

static void test_msrs(const struct pt_start_info *si)
{
	uint64_t page = pt_hypercall_page_gpa(), value = 0, site = 0;
	uint64_t before = pt_rdmsr(PT_MSR_HYPERCALL);
	struct pt_trap_frame frame;
	int vec, seen;

	vec = pt_rdmsr_safe(0x400000FFu, &value);
	note("rdmsr-unknown-synthetic-gp", vec == PT_VECTOR_GP,
	     "vector=%d want=13", vec);
	vec = pt_rdmsr_safe(0x12345678u, &value);
	note("rdmsr-unknown-gp", vec == PT_VECTOR_GP, "vector=%d want=13", vec);

	memset(&frame, 0, sizeof(frame));
	seen = wrmsr_expect_gp(PT_MSR_HYPERCALL,
			       page | PT_MSR_PAGE_ENABLE | 0x2, &frame, &site);
	note("hypercall-msr-reserved-bits-gp",
	     seen && frame.rip == site && frame.error_code == 0,
	     "seen=%d rip=0x%lx site=0x%lx error=0x%lx", seen,
	     (unsigned long)frame.rip, (unsigned long)site,
	     (unsigned long)frame.error_code);
	vec = pt_wrmsr_safe(PT_MSR_HYPERCALL,
			    si->memory_bytes | PT_MSR_PAGE_ENABLE);
	note("hypercall-msr-gpfn-outside-memory-gp", vec == PT_VECTOR_GP,
	     "vector=%d want=13", vec);
	note("hypercall-page-intact",
	     pt_rdmsr(PT_MSR_HYPERCALL) == before && pt_call_null() == 0,
	     "msr=0x%lx before=0x%lx",
	     (unsigned long)pt_rdmsr(PT_MSR_HYPERCALL), (unsigned long)before);
}

int guest_main(const struct pt_start_info *si, unsigned vcpu)
{
	pt_guest_init();
	if (vcpu != 0)
		return 0;
	test_decode();
	test_blocks(si);
	test_rep_elements(si);
	test_root_only();
	test_msrs(si);
	/* Last: a hypervisor that wrongly accepts it ends this partition. */
	expect_status("shutdown-unknown-reason",
		      fast(PT_CALL_SHUTDOWN_SELF, 7, 0),
		      PT_STATUS_INVALID_PARAMETER);
	report_suite(&tally);
	return 0;
}
