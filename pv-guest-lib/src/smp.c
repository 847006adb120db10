// SPDX-License-Identifier: MIT
/* vCPU identity, spin locks and spin barriers. */
#include <partita-guest/cpu.h>
#include <partita-guest/hypercall.h>
#include <partita-guest/smp.h>
#include <partita-guest/start.h>

#include "guest-internal.h"

unsigned pt_vcpu_index(void)
{
	uint64_t sp;

	__asm__ volatile("mov %%rsp, %0" : "=r"(sp));
	return (unsigned)((sp - 1 - (uint64_t)(uintptr_t)guest_stacks) >>
			  GUEST_STACK_SHIFT);
}

unsigned pt_vcpu_count(void)
{
	return pt_start_info()->vcpu_count;
}

/* Spinning vCPUs may share a physical CPU with the one they wait for. */
static void guest_spin_pause(unsigned *spins)
{
	pt_pause();
	if (++*spins % 1024 == 0 && pt_hypercall_page_ready())
		pt_call_yield();
}

void pt_spin_lock(struct pt_spinlock *lock)
{
	unsigned spins = 0;

	while (__atomic_exchange_n(&lock->locked, 1, __ATOMIC_ACQUIRE))
		while (__atomic_load_n(&lock->locked, __ATOMIC_RELAXED))
			guest_spin_pause(&spins);
}

void pt_spin_unlock(struct pt_spinlock *lock)
{
	__atomic_store_n(&lock->locked, 0, __ATOMIC_RELEASE);
}

void pt_barrier_wait(struct pt_barrier *b, unsigned count)
{
	uint32_t generation = __atomic_load_n(&b->generation, __ATOMIC_ACQUIRE);
	unsigned spins = 0;

	if (__atomic_add_fetch(&b->arrived, 1, __ATOMIC_ACQ_REL) == count) {
		__atomic_store_n(&b->arrived, 0, __ATOMIC_RELAXED);
		__atomic_store_n(&b->generation, generation + 1,
				 __ATOMIC_RELEASE);
		return;
	}
	while (__atomic_load_n(&b->generation, __ATOMIC_ACQUIRE) == generation)
		guest_spin_pause(&spins);
}

void pt_spin_until_set(const volatile uint32_t *flag)
{
	unsigned spins = 0;

	while (!__atomic_load_n(flag, __ATOMIC_ACQUIRE))
		guest_spin_pause(&spins);
}
