/* SPDX-License-Identifier: GPL-2.0-only */
/* The XSA-155 race tests' hostile guest: a thread flipping shared fields (needs _GNU_SOURCE). */
#ifndef PARTITA_BACKD_RACE_TEST_UTIL_H
#define PARTITA_BACKD_RACE_TEST_UTIL_H

#include <criterion/criterion.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <time.h>

/*
 * Each case races for this long or this many rounds (a file stays < 2 s),
 * unless it has not seen both outcomes yet: then up to RACE_MAX_NS, for a
 * busy machine that kept the guest thread off its CPU.
 */
#define RACE_NS 200000000ll
#define RACE_ROUNDS 400000u
#define RACE_MAX_NS 1000000000ll

/*
 * The values each flipped field takes are chosen so that a torn read (a
 * byte-wise copy catching half of each) can only give one of the two
 * values or one the checks refuse: so a handed-out value that is neither
 * is a second fetch, not a torn first one.
 */
struct flip {
	void *at;
	unsigned int bytes; /* 1, 2, 4 or 8 */
	uint64_t v[2];
};

static struct flip flips[8];
static unsigned int nflips;
static int stop, running;
static pthread_t flipper;

static void store(const struct flip *f, uint64_t v)
{
	switch (f->bytes) {
	case 1:
		__atomic_store_n((uint8_t *)f->at, (uint8_t)v,
				 __ATOMIC_RELAXED);
		break;
	case 2:
		__atomic_store_n((uint16_t *)f->at, (uint16_t)v,
				 __ATOMIC_RELAXED);
		break;
	case 4:
		__atomic_store_n((uint32_t *)f->at, (uint32_t)v,
				 __ATOMIC_RELAXED);
		break;
	default:
		__atomic_store_n((uint64_t *)f->at, v, __ATOMIC_RELAXED);
	}
}

/* The hostile guest: toggles every registered field, as fast as it can. */
static void *flip_loop(void *arg)
{
	unsigned int n = 0;

	while (!__atomic_load_n(&stop, __ATOMIC_RELAXED)) {
		for (unsigned int i = 0; i < nflips; i++)
			store(&flips[i], flips[i].v[(n >> i) & 1]);
		n++;
	}
	return NULL;
}

static void flip(void *at, unsigned int bytes, uint64_t a, uint64_t b)
{
	cr_assert_lt(nflips, sizeof(flips) / sizeof(flips[0]));
	flips[nflips++] = (struct flip){ at, bytes, { a, b } };
}

/* Puts thread th on the k-th CPU this process may use, if there are two. */
static void pin(pthread_t th, int k)
{
	cpu_set_t all, one;
	int seen = 0;

	if (sched_getaffinity(0, sizeof(all), &all) || CPU_COUNT(&all) < 2)
		return;
	CPU_ZERO(&one);
	for (int cpu = 0; cpu < CPU_SETSIZE; cpu++)
		if (CPU_ISSET(cpu, &all) && seen++ == k) {
			CPU_SET(cpu, &one);
			break;
		}
	pthread_setaffinity_np(th, sizeof(one), &one);
}

static void race_reset(void)
{
	nflips = 0;
	stop = running = 0;
}

static void start(void)
{
	cr_assert_eq(pthread_create(&flipper, NULL, flip_loop, NULL), 0);
	/*
	 * On a busy machine the scheduler may keep both threads on one CPU,
	 * where the guest only changes a field between our time slices and
	 * no second fetch is ever caught: one CPU each, so they overlap.
	 */
	pin(flipper, 1);
	pin(pthread_self(), 0);
	running = 1;
}

static void finish(void)
{
	if (!running)
		return;
	__atomic_store_n(&stop, 1, __ATOMIC_RELAXED);
	pthread_join(flipper, NULL);
	running = 0;
}

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

/* Go on racing, `rounds` done since `begin`, both outcomes seen or not? */
static int racing(long long begin, unsigned long rounds, int both)
{
	long long t = now_ns() - begin;

	if (!both)
		return t < RACE_MAX_NS;
	return rounds < RACE_ROUNDS && t < RACE_NS;
}

#endif
