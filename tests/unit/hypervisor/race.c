// SPDX-License-Identifier: GPL-2.0-only
/* Helpers for tests that race host threads against each other. */
#define _GNU_SOURCE /* CPU_SET, pthread_setaffinity_np */
#include "race.h"

#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define RACE_MAX_THREADS 8

struct racer {
	void *(*fn)(void *);
	void *arg;
};

static pthread_t threads[RACE_MAX_THREADS];
static struct racer racers[RACE_MAX_THREADS];
static u32 nthreads;

/* A racer stuck in a spinlock has no cancellation point: it may be
 * cancelled anywhere, so that a failing test stops it before its memory
 * goes. */
static void *trampoline(void *arg)
{
	struct racer *r = arg;

	pthread_setcanceltype(PTHREAD_CANCEL_ASYNCHRONOUS, NULL);
	return r->fn(r->arg);
}

static u64 now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000 + (u64)ts.tv_nsec / 1000000;
}

void race_spin_until(const volatile u32 *v, u32 want)
{
	/* A few pauses first: the other side is usually on another CPU and
	 * a yield would lose the moment both start together. */
	for (u32 n = 0; __atomic_load_n(v, __ATOMIC_ACQUIRE) < want; n++) {
		if (n < 200)
			__builtin_ia32_pause();
		else
			sched_yield();
	}
}

void race_breathe(u32 *pass)
{
	if ((++*pass & 15) == 0)
		sched_yield();
}

void race_line_up(volatile u32 *ready, u32 n)
{
	__atomic_fetch_add(ready, 1, __ATOMIC_ACQ_REL);
	race_spin_until(ready, n);
}

bool race_wait(const volatile u32 *v, u32 want)
{
	u64 deadline = now_ms() + RACE_WAIT_MS;

	for (u32 n = 0; __atomic_load_n(v, __ATOMIC_ACQUIRE) < want; n++) {
		if (n < 200) {
			__builtin_ia32_pause();
			continue;
		}
		if (now_ms() >= deadline) {
			/* Stuck: stop the racers before the test's memory is
			 * freed under them, and let the test fail. */
			for (u32 i = 0; i < nthreads; i++)
				pthread_cancel(threads[i]);
			race_join_all();
			return false;
		}
		/* Sleep rather than spin: the racers need the CPUs. */
		nanosleep(&(struct timespec){ 0, 20000 }, NULL);
	}
	return true;
}

u32 race_cpus(void)
{
	cpu_set_t all;

	return sched_getaffinity(0, sizeof(all), &all) ? 1
						       : (u32)CPU_COUNT(&all);
}

void race_pin_self(u32 k)
{
	cpu_set_t all, one;
	u32 seen = 0, n;

	if (sched_getaffinity(0, sizeof(all), &all) || CPU_COUNT(&all) < 2)
		return;
	n = (u32)CPU_COUNT(&all);
	CPU_ZERO(&one);
	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
		if (CPU_ISSET(cpu, &all) && seen++ == k % n) {
			CPU_SET(cpu, &one);
			break;
		}
	}
	pthread_setaffinity_np(pthread_self(), sizeof(one), &one);
}

void race_start(void *(*fn)(void *), void *arg)
{
	if (nthreads == RACE_MAX_THREADS) {
		fprintf(stderr, "race: too many threads\n");
		abort();
	}
	racers[nthreads] = (struct racer){ fn, arg };
	if (pthread_create(&threads[nthreads], NULL, trampoline,
			   &racers[nthreads])) {
		fprintf(stderr, "race: cannot start a thread\n");
		abort();
	}
	nthreads++;
}

void race_join_all(void)
{
	for (u32 i = 0; i < nthreads; i++)
		pthread_join(threads[i], NULL);
	nthreads = 0;
}
