/* SPDX-License-Identifier: GPL-2.0-only */
/* Ticket spinlocks: fair between the few physical CPUs we run on. */
#ifndef HV_SPINLOCK_H
#define HV_SPINLOCK_H

#include "types.h"

struct spinlock {
	volatile u32 next;
	volatile u32 owner;
};

#define SPINLOCK_INIT \
	{             \
		0, 0  \
	}

static inline void spin_lock(struct spinlock *l)
{
	u32 me = __atomic_fetch_add(&l->next, 1, __ATOMIC_ACQUIRE);

	while (__atomic_load_n(&l->owner, __ATOMIC_ACQUIRE) != me)
		__builtin_ia32_pause();
}

/* Takes the lock only if nobody holds or waits for it. */
static inline bool spin_trylock(struct spinlock *l)
{
	u32 owner = __atomic_load_n(&l->owner, __ATOMIC_RELAXED);
	u32 expected = owner;

	return __atomic_compare_exchange_n(&l->next, &expected, owner + 1,
					   false, __ATOMIC_ACQUIRE,
					   __ATOMIC_RELAXED);
}

static inline void spin_unlock(struct spinlock *l)
{
	__atomic_store_n(&l->owner, l->owner + 1, __ATOMIC_RELEASE);
}

#endif
