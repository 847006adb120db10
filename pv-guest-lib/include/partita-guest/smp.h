/* SPDX-License-Identifier: MIT */
/* vCPU identity, atomics, spin locks and spin barriers for guests. */
#ifndef PARTITA_GUEST_SMP_H
#define PARTITA_GUEST_SMP_H

#include <stdint.h>

#include "cpu.h"

/* vCPUs the library has room for (stacks, VPAPs, staging pages). */
#define PT_GUEST_MAX_VCPUS 8u

/*
 * The calling vCPU's index, without an exit: derived from which of the
 * library's per-vCPU stacks the code is running on (guests keep the stack
 * crt0 gave them).
 */
unsigned pt_vcpu_index(void);
/* vCPUs of this partition, from the start-info page. */
unsigned pt_vcpu_count(void);

static inline uint64_t pt_atomic_load(const volatile uint64_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static inline void pt_atomic_store(volatile uint64_t *p, uint64_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

static inline uint64_t pt_atomic_add(volatile uint64_t *p, uint64_t v)
{
	return __atomic_add_fetch(p, v, __ATOMIC_SEQ_CST);
}

static inline uint64_t pt_atomic_xchg(volatile uint64_t *p, uint64_t v)
{
	return __atomic_exchange_n(p, v, __ATOMIC_SEQ_CST);
}

/* Returns 1 and stores desired if *p held expected, else 0. */
static inline int pt_atomic_cmpxchg(volatile uint64_t *p, uint64_t expected,
				    uint64_t desired)
{
	return __atomic_compare_exchange_n(p, &expected, desired, 0,
					   __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}

static inline uint32_t pt_atomic_load32(const volatile uint32_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static inline void pt_atomic_store32(volatile uint32_t *p, uint32_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

static inline uint32_t pt_atomic_add32(volatile uint32_t *p, uint32_t v)
{
	return __atomic_add_fetch(p, v, __ATOMIC_SEQ_CST);
}

struct pt_spinlock {
	volatile uint32_t locked;
};

#define PT_SPINLOCK_INIT \
	{                \
		0        \
	}

void pt_spin_lock(struct pt_spinlock *lock);
void pt_spin_unlock(struct pt_spinlock *lock);

/*
 * A reusable barrier for `count` vCPUs (zero-initialise it). Waiters spin
 * and, once the hypercall page is up, yield now and then so that vCPUs
 * sharing a physical CPU make progress.
 */
struct pt_barrier {
	volatile uint32_t arrived;
	volatile uint32_t generation;
};

void pt_barrier_wait(struct pt_barrier *barrier, unsigned count);

/* Spins (yielding now and then) until *flag is non-zero. */
void pt_spin_until_set(const volatile uint32_t *flag);

#endif
