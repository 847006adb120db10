/* SPDX-License-Identifier: GPL-2.0-only */
/* Helpers for tests that race host threads against each other. */
#ifndef HV_TEST_RACE_H
#define HV_TEST_RACE_H

#include <hv/types.h>

/*
 * A deadlock must fail a test, not hang the suite: the main thread waits
 * for the racers with a bound, and the racers never call cr_assert (its
 * longjmp is only safe on the test's own thread); they count failures.
 */
#define RACE_WAIT_MS 20000 /* far above a slow run on a loaded machine */

/* Spins (yielding: the machine may have fewer CPUs than racers) until
 * *v is at least `want`. */
void race_spin_until(const volatile u32 *v, u32 want);
/* The same with a bound of RACE_WAIT_MS; false if it ran out, once every
 * racer is cancelled and joined. */
bool race_wait(const volatile u32 *v, u32 want);
/* Each of n racers calls this first: none starts before all are there. */
void race_line_up(volatile u32 *ready, u32 n);
/*
 * Hammering racers call this each pass: every 16th call yields. The core's
 * ticket locks spin without yielding, which is right for the hypervisor's
 * CPUs but not for host threads on fewer CPUs than threads: a racer
 * preempted holding or queued for a lock would stall the others for a
 * whole time slice. Yielding between passes, never inside one, makes that
 * rarer and keeps the tests quick.
 */
void race_breathe(u32 *pass);
/*
 * Puts the calling thread on the k-th CPU this process may use (k modulo
 * their number), so that two racers pinned 0 and 1 run at the same time
 * on a busy 2-CPU machine instead of taking turns on one. Nothing if the
 * process may use only one CPU.
 */
void race_pin_self(u32 k);
/* The CPUs this process may use. */
u32 race_cpus(void);
/* Starts a racer thread; aborts if it cannot. */
void race_start(void *(*fn)(void *), void *arg);
/* Joins every racer started, once each has finished (race_wait first). */
void race_join_all(void);

#endif
