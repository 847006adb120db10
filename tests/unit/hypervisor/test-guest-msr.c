// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the synthetic MSRs (arch/x86/guest-msr.c, compiled for
 * this program alone): the guest OS ID gates the hypercall page, also
 * when another vCPU changes it in the middle of an enable; a VPAP moved,
 * enabled again or disabled loses no pending bit.
 */
#include <arch/guest-emul.h>
#include <criterion/criterion.h>
#include <hv/events.h>
#include <hv/partition.h>
#include <partita/msr.h>
#include <partita/vpap.h>
#include <pthread.h>

#include "hv-shim.h"
#include "msg-env.h"

/* svm.c's stub is not in the host build: any 8 bytes do here. */
const u8 arch_hypercall_stub[] = { 0xF3, 0x0F, 0x1E, 0xFA,
				   0x0F, 0x01, 0xD9, 0xC3 };
const u32 arch_hypercall_stub_len = sizeof(arch_hypercall_stub);

#define EN PT_MSR_PAGE_ENABLE

static struct partition *g;
static struct vcpu *v0, *v1;

static void setup(void)
{
	env_boot(ENV_POOL_FOR(1));
	g = env_guest("g", 2, 0, 0);
	v0 = &g->vcpus[0];
	v1 = &g->vcpus[1];
}

TestSuite(guest_msr, .init = setup, .fini = shim_teardown);

Test(guest_msr, the_os_id_gates_the_hypercall_page)
{
	u64 value = 0;

	/* Without an OS ID the write is taken but the page stays off. */
	cr_assert_eq(guest_wrmsr(v0, PT_MSR_HYPERCALL, ENV_HCALL_GPA | EN), 0);
	cr_assert_eq(g->hypercall_msr, ENV_HCALL_GPA);
	cr_assert_eq(guest_wrmsr(v0, PT_MSR_GUEST_OS_ID, 0x1234), 0);
	cr_assert_eq(guest_wrmsr(v0, PT_MSR_HYPERCALL, ENV_HCALL_GPA | EN), 0);
	cr_assert_eq(guest_rdmsr(v1, PT_MSR_HYPERCALL, &value), 0);
	cr_assert_eq(value, ENV_HCALL_GPA | EN);
	/* Forgetting the OS turns the page off. */
	cr_assert_eq(guest_wrmsr(v1, PT_MSR_GUEST_OS_ID, 0), 0);
	cr_assert_eq(g->hypercall_msr & EN, 0);
	/* Reserved bits are #GP (-1), whatever the OS ID. */
	cr_assert_eq(guest_wrmsr(v0, PT_MSR_HYPERCALL, ENV_HCALL_GPA | 2), -1);
}

struct msr_write {
	struct vcpu *v;
	u32 msr;
	u64 value;
	int rc;
	int done;
};

static void *write_msr(void *arg)
{
	struct msr_write *w = arg;

	w->rc = guest_wrmsr(w->v, w->msr, w->value);
	__atomic_store_n(&w->done, 1, __ATOMIC_RELEASE);
	return NULL;
}

/*
 * vCPU 0 enables the hypercall page while a third vCPU holds the shared
 * pages' lock (it is registering an event page, say); vCPU 1 forgets the
 * OS meanwhile. However the two land, the page may not end up enabled
 * with no OS ID: the OS ID is read and written under that lock.
 */
Test(guest_msr, forgetting_the_os_during_an_enable_leaves_the_page_off)
{
	struct msr_write enable = { .v = v0,
				    .msr = PT_MSR_HYPERCALL,
				    .value = ENV_HCALL_GPA | EN,
				    .rc = -2 };
	struct msr_write forget = {
		.v = v1, .msr = PT_MSR_GUEST_OS_ID, .value = 0, .rc = -2
	};
	pthread_t a, b;
	u32 ticket;

	cr_assert_eq(guest_wrmsr(v0, PT_MSR_GUEST_OS_ID, 0x1234), 0);
	spin_lock(&g->shared_pages_lock);
	ticket = g->shared_pages_lock.owner;
	cr_assert_eq(pthread_create(&a, NULL, write_msr, &enable), 0);
	/* vCPU 0 is queued on the lock (its ticket taken)... */
	while (__atomic_load_n(&g->shared_pages_lock.next, __ATOMIC_ACQUIRE) !=
	       ticket + 2)
		;
	/* ...and vCPU 1 queues behind it (or, were its write unlocked,
	 * is done at once). */
	cr_assert_eq(pthread_create(&b, NULL, write_msr, &forget), 0);
	while (__atomic_load_n(&g->shared_pages_lock.next, __ATOMIC_ACQUIRE) !=
		       ticket + 3 &&
	       !__atomic_load_n(&forget.done, __ATOMIC_ACQUIRE))
		;
	spin_unlock(&g->shared_pages_lock);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	cr_assert_eq(enable.rc, 0);
	cr_assert_eq(forget.rc, 0);
	cr_assert_eq(g->guest_os_id, 0);
	cr_assert_eq(g->hypercall_msr & EN, 0,
		     "hypercall_msr 0x%llx enabled with no guest OS ID",
		     (unsigned long long)g->hypercall_msr);
}

#define VPAP_A (ENV_VPAP_GPA | EN)
#define VPAP_B ((ENV_VPAP_GPA + 2 * PT_PAGE_SIZE) | EN) /* past both vCPUs' */

/* Events, a port selector and a message slot pending, none taken yet. */
static struct pt_vpap *vpap_with_pending_bits(u64 msr)
{
	struct pt_vpap *vpap;

	cr_assert_eq(guest_wrmsr(v0, PT_MSR_VP_ASSIST, msr), 0);
	vpap = env_gpa(g, msr & ~(u64)EN);
	vcpu_raise_event(v0, PT_EVENT_MESSAGES);
	vpap->evtchn_pending_sel = 0x5;
	vpap->msg_slots_pending = 0x2;
	return vpap;
}

static void assert_bits_arrived(const struct pt_vpap *vpap)
{
	cr_assert_eq(vpap->magic, PT_VPAP_MAGIC);
	cr_assert_eq(vpap->pending_events, BIT(PT_EVENT_MESSAGES));
	cr_assert_eq(vpap->evtchn_pending_sel, 0x5);
	cr_assert_eq(vpap->msg_slots_pending, 0x2);
	cr_assert_eq(vpap->upcall_pending, 1);
}

Test(guest_msr, moving_the_vpap_carries_what_the_guest_had_not_taken)
{
	struct pt_vpap *a = vpap_with_pending_bits(VPAP_A);

	cr_assert_eq(guest_wrmsr(v0, PT_MSR_VP_ASSIST, VPAP_B), 0);
	assert_bits_arrived(env_gpa(g, VPAP_B & ~(u64)EN));
	/* Taken from the old page, not copied: nothing is seen twice. */
	cr_assert_eq(a->pending_events | a->evtchn_pending_sel |
			     a->msg_slots_pending,
		     0);
}

Test(guest_msr, enabling_the_vpap_again_on_its_page_keeps_its_bits)
{
	vpap_with_pending_bits(VPAP_A);
	cr_assert_eq(guest_wrmsr(v0, PT_MSR_VP_ASSIST, VPAP_A), 0);
	assert_bits_arrived(env_gpa(g, VPAP_A & ~(u64)EN));
}

Test(guest_msr, bits_pending_at_a_disable_arrive_at_the_next_enable)
{
	vpap_with_pending_bits(VPAP_A);
	cr_assert_eq(guest_wrmsr(v0, PT_MSR_VP_ASSIST, ENV_VPAP_GPA), 0);
	cr_assert_null(v0->vpap);
	cr_assert(vcpu_events_pending(v0), "the wake-up went with the page");
	cr_assert_eq(guest_wrmsr(v0, PT_MSR_VP_ASSIST, VPAP_B), 0);
	assert_bits_arrived(env_gpa(g, VPAP_B & ~(u64)EN));
}
