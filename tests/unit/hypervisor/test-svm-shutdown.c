// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of svm_shutdown_lost_paging(): only the one shape the
 * emulator was seen to make is called an emulator fault; every triple
 * fault a guest can make by itself with its own tables stays a triple
 * fault (so the hcall-fuzz test's rerun cannot excuse it).
 */
#include <criterion/criterion.h>
#include <hv/arch.h>
#include <hv/partition.h>
#include <string.h>

#include "hv-shim.h"
#include "svm-bridge.h"
#include "test-util.h"

#define RAM (4ull << 20)
#define P 0x1ull
#define W 0x2ull
#define NX (1ull << 63)
#define CR0_PE_PG_WP ((1ull << 31) | (1ull << 16) | 1ull)
#define CR4_PAE (1ull << 5)
#define EFER_LME_LMA_NXE ((1ull << 8) | (1ull << 10) | (1ull << 11))
/* EXITINTINFO: valid, exception, error code valid, vector 14. */
#define PF_INFO(err) \
	((1ull << 31) | (3ull << 8) | (1ull << 11) | 14 | ((u64)(err) << 32))
#define CODE 0x200000ull
#define IDT 0x201000ull
#define STACK_TOP 0x203000ull

static struct partition part;

static void setup(void)
{
	shim_reset();
	shim_pool_init(RAM / PAGE_SIZE + 16);
	test_partition_init(&part, 2, RAM);
}

TestSuite(svm_shutdown, .init = setup, .fini = shim_teardown);

static void put(u64 gpa, u64 value)
{
	memcpy(test_gpa(&part, gpa), &value, sizeof(value));
}

/* Tables at 0x20000: code, IDT and stack pages at VA 0x200000-0x202fff. */
static void tables(u64 code, u64 idt, u64 stack)
{
	put(0x20000, 0x21000 | P | W);
	put(0x21000, 0x22000 | P | W);
	put(0x22000 + 8, 0x23000 | P | W);
	put(0x23000, 0x100000 | code);
	put(0x23000 + 8, 0x101000 | idt);
	put(0x23000 + 16, 0x102000 | stack);
}

/* The shape seen from QEMU: a not-present fetch at the entry RIP, CR2
 * the #DF gate, nothing injected on entry. */
static struct bridge_shutdown seen(void)
{
	return (struct bridge_shutdown){
		.cr0 = CR0_PE_PG_WP,
		.cr3 = 0x20000,
		.cr4 = CR4_PAE,
		.efer = EFER_LME_LMA_NXE,
		.rip = CODE,
		.cr2 = IDT + 8 * 16,
		.idt = IDT,
		.exit_int_info = PF_INFO(0x10),
		.entry_rip = CODE,
	};
}

static bool lost(const struct bridge_shutdown *s)
{
	return bridge_shutdown_lost_paging(&part, s);
}

Test(svm_shutdown, the_emulators_shape_with_intact_tables)
{
	struct bridge_shutdown s = seen();

	tables(P | W, P | W, P | W);
	cr_assert(lost(&s));
}

Test(svm_shutdown, faults_the_guests_own_tables_explain_are_not_excused)
{
	struct bridge_shutdown s = seen();

	/* Code on an NX page. */
	tables(P | W | NX, P | W, P | W);
	cr_assert_not(lost(&s));
	/* The IDT page with a reserved address bit. */
	tables(P | W, P | W | (1ull << 51), P | W);
	cr_assert_not(lost(&s));
	/* Nothing mapped at the IDT. */
	tables(P | W, 0, P | W);
	cr_assert_not(lost(&s));
}

Test(svm_shutdown, other_shapes_are_plain_triple_faults)
{
	struct bridge_shutdown s;

	tables(P | W, P | W, P);
	/* A data fault, then a push to a read-only stack: CR2 the stack. */
	s = seen();
	s.exit_int_info = PF_INFO(0x0);
	s.cr2 = STACK_TOP - 8;
	cr_assert_not(lost(&s));
	/* The right error code but CR2 elsewhere than the #DF gate. */
	s = seen();
	s.cr2 = STACK_TOP - 8;
	cr_assert_not(lost(&s));
	/* A protection fault on the fetch (P set). */
	s = seen();
	s.exit_int_info = PF_INFO(0x11);
	cr_assert_not(lost(&s));
	/* The guest ran: RIP moved on from where it entered. */
	s = seen();
	s.entry_rip = CODE + 4;
	cr_assert_not(lost(&s));
	/* An event injected on entry (a re-delivered #PF, say). */
	s = seen();
	s.entry_event_inject = PF_INFO(0x10);
	cr_assert_not(lost(&s));
	/* Not a #PF at all. */
	s = seen();
	s.exit_int_info = (1ull << 31) | (3ull << 8) | 13;
	cr_assert_not(lost(&s));
}
