// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of svm_prepare_upcall(): the VPAP's upcall becomes the
 * virtual interrupt line on entry, except inside an interrupt shadow,
 * where QEMU would deliver it before the guest's HLT and lose the wake-up.
 */
#include <criterion/criterion.h>
#include <partita/vpap.h>
#include <string.h>

#include "svm-bridge.h"

#define SHADOW 1ull
#define V_IRQ (1ull << 8)
#define V_IGN_TPR (1ull << 20)
#define PRIO(ctl) (((ctl) >> 16) & 0xF)
#define VECTOR(ctl) (((ctl) >> 32) & 0xFF)
/* V_TPR and V_INTR_MASKING: bits the upcall must leave as they are. */
#define OTHER_BITS (0x7ull | (1ull << 24))

static struct pt_vpap vpap;

static void setup(void)
{
	memset(&vpap, 0, sizeof(vpap));
	vpap.upcall_vector = 0xF3;
	vpap.upcall_pending = 1;
}

TestSuite(svm_upcall, .init = setup);

Test(svm_upcall, a_pending_upcall_raises_the_line_with_its_vector)
{
	u64 ctl = bridge_prepare_upcall(&vpap, 0, OTHER_BITS);

	cr_assert(ctl & V_IRQ);
	cr_assert(ctl & V_IGN_TPR);
	cr_assert_eq(PRIO(ctl), 0xF);
	cr_assert_eq(VECTOR(ctl), 0xF3);
	cr_assert_eq(ctl & OTHER_BITS, OTHER_BITS);
}

Test(svm_upcall, an_entry_in_an_interrupt_shadow_holds_the_upcall_back)
{
	/* "sti" then an exit: the HLT after it must run (and exit) first. */
	u64 ctl = bridge_prepare_upcall(&vpap, SHADOW, OTHER_BITS | V_IRQ);

	cr_assert_not(ctl & V_IRQ, "upcall raised inside a shadow");
	cr_assert_eq(VECTOR(ctl), 0);
	cr_assert_eq(ctl & OTHER_BITS, OTHER_BITS);
	/* The next entry, past the shadow, raises it. */
	cr_assert(bridge_prepare_upcall(&vpap, 0, ctl) & V_IRQ);
}

Test(svm_upcall, nothing_pending_masked_or_no_vector_lowers_the_line)
{
	u64 raised = OTHER_BITS | V_IRQ | (0xF3ull << 32) | (0xFull << 16);

	vpap.upcall_pending = 0;
	cr_assert_eq(bridge_prepare_upcall(&vpap, 0, raised), OTHER_BITS);
	vpap.upcall_pending = 1;
	vpap.upcall_mask = 1;
	cr_assert_eq(bridge_prepare_upcall(&vpap, 0, raised), OTHER_BITS);
	vpap.upcall_mask = 0;
	vpap.upcall_vector = 31; /* an exception's vector: never raised */
	cr_assert_eq(bridge_prepare_upcall(&vpap, 0, raised), OTHER_BITS);
	cr_assert_eq(bridge_prepare_upcall(NULL, 0, raised), OTHER_BITS);
}
