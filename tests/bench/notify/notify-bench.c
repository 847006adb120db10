// SPDX-License-Identifier: GPL-2.0-only
/* partita-notify-bench: ROOT_PING to wake-up latency of a blocked read(). */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <partita/root.h>

#include "entry-bounds.h"
#include "ptbench-print.h"
#include "root-client.h"

#define BENCH_WARMUP 10
#define BENCH_DEFAULT_COUNT 1000
#define BENCH_MAX_COUNT 1000000

/*
 * The waiter thread blocks in read() on its own /dev/partita file, which
 * wants only PT_ROOT_EVENT_PING. The main thread waits until the waiter is
 * asleep in the kernel, takes a time stamp, and pings; the waiter stamps
 * the moment read() returns. That difference is the figure: hypercall,
 * MSI, handler, wake-up and scheduling back to user space.
 */
struct bench {
	struct root_dev waiter_dev;
	struct root_dev caller_dev;
	_Atomic int armed; /* round the waiter is about to block for */
	_Atomic pid_t waiter_tid;
	uint64_t woken_ns;
	int waiter_err;
	int done_pipe[2];
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void *waiter_main(void *arg)
{
	struct bench *b = arg;
	uint64_t events;
	char token = 0;

	atomic_store(&b->waiter_tid, (pid_t)syscall(SYS_gettid));
	for (int round = 1;; round++) {
		int err;

		atomic_store(&b->armed, round);
		do {
			err = root_events_read(&b->waiter_dev, &events);
		} while (err == -EINTR);
		b->woken_ns = now_ns();
		b->waiter_err = err;
		if (write(b->done_pipe[1], &token, 1) != 1 || err)
			return NULL;
	}
}

/* The waiter is asleep (state S) after arming the given round. */
static int waiter_asleep(struct bench *b, int round)
{
	char path[64], stat[256], *state;
	FILE *f;
	size_t n;

	if (atomic_load(&b->armed) != round)
		return 0;
	snprintf(path, sizeof(path), "/proc/self/task/%d/stat",
		 (int)atomic_load(&b->waiter_tid));
	f = fopen(path, "r");
	if (!f)
		return 1; /* no /proc: fall back to "armed" alone */
	n = fread(stat, 1, sizeof(stat) - 1, f);
	fclose(f);
	stat[n] = '\0';
	state = strrchr(stat, ')');
	return state && state[1] == ' ' && state[2] == 'S';
}

static int compare_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void report(const char *what, uint64_t *ns, int n)
{
	qsort(ns, (size_t)n, sizeof(*ns), compare_u64);
	printf("%-32s min %8.1f  median %8.1f  p99 %8.1f  max %8.1f us\n", what,
	       ns[0] / 1e3, ns[n / 2] / 1e3, ns[(n * 99) / 100] / 1e3,
	       ns[n - 1] / 1e3);
}

static int fail(const struct root_dev *dev, int err)
{
	fprintf(stderr, "partita-notify-bench: %s\n", root_error(dev));
	return root_error_is_unavailable(err) ? 3 : 1;
}

static int run(struct bench *b, int count, uint64_t *wake, uint64_t *call,
	       uint64_t *null_call)
{
	char token;
	int err;

	for (int i = 0; i < count + BENCH_WARMUP; i++) {
		uint64_t start, returned;
		int round = i + 1;

		while (!waiter_asleep(b, round))
			sched_yield();
		start = now_ns();
		err = root_ping(&b->caller_dev);
		returned = now_ns();
		if (err)
			return fail(&b->caller_dev, err);
		if (read(b->done_pipe[0], &token, 1) != 1 || b->waiter_err)
			return fail(&b->waiter_dev, b->waiter_err);
		if (i >= BENCH_WARMUP) {
			wake[i - BENCH_WARMUP] = b->woken_ns - start;
			call[i - BENCH_WARMUP] = returned - start;
		}
	}
	for (int i = 0; i < count; i++) {
		uint64_t start = now_ns();

		err = root_null_call(&b->caller_dev);
		if (err)
			return fail(&b->caller_dev, err);
		null_call[i] = now_ns() - start;
	}
	return 0;
}

int main(int argc, char **argv)
{
	static struct bench b;
	uint64_t *wake, *call, *null_call;
	pthread_t waiter;
	int count = BENCH_DEFAULT_COUNT, records = 0, err, rc;

	/* --bounds [--reset]: the root's entry-time histograms instead. */
	if (argc > 1 && !strcmp(argv[1], "--bounds"))
		return entry_bounds_main(argc == 3 &&
					 !strcmp(argv[2], "--reset"));
	/* --records: also the suite's PTBENCH lines (scripts/bench.sh). */
	if (argc > 1 && !strcmp(argv[1], "--records")) {
		records = 1;
		argc--;
		argv++;
	}
	if (argc > 2 || (argc == 2 && (count = atoi(argv[1])) <= 0) ||
	    count > BENCH_MAX_COUNT) {
		fprintf(stderr,
			"usage: partita-notify-bench [--records] [COUNT]  "
			"(1..%d, default %d)\n"
			"       partita-notify-bench --bounds [--reset]\n",
			BENCH_MAX_COUNT, BENCH_DEFAULT_COUNT);
		return 2;
	}
	err = root_open(&b.waiter_dev, NULL);
	if (err)
		return fail(&b.waiter_dev, err);
	err = root_open(&b.caller_dev, NULL);
	if (err)
		return fail(&b.caller_dev, err);
	if (!root_notify_available(&b.waiter_dev)) {
		fprintf(stderr,
			"partita-notify-bench: partita.ko found no "
			"notification device: pings would never wake anyone\n");
		return 3;
	}
	err = root_events_set_mask(&b.waiter_dev, 1ull << PT_ROOT_EVENT_PING);
	if (!err)
		err = root_events_set_mask(&b.caller_dev, 0);
	if (err)
		return fail(&b.waiter_dev, err);
	wake = calloc((size_t)count, sizeof(*wake));
	call = calloc((size_t)count, sizeof(*call));
	null_call = calloc((size_t)count, sizeof(*null_call));
	if (!wake || !call || !null_call || pipe(b.done_pipe) ||
	    pthread_create(&waiter, NULL, waiter_main, &b)) {
		fprintf(stderr, "partita-notify-bench: out of resources\n");
		return 1;
	}
	rc = run(&b, count, wake, call, null_call);
	if (rc)
		return rc; /* the waiter is left blocked; exit ends it */
	printf("partita-notify-bench: %d pings after %d warm-up, one root "
	       "CPU\n",
	       count, BENCH_WARMUP);
	report("ping -> blocked read() woken", wake, count);
	report("ping ioctl round trip", call, count);
	report("NULL ioctl round trip", null_call, count);
	if (records) { /* report() sorted each set */
		ptbench_print("root_ping_wake_read", wake, count, BENCH_WARMUP);
		ptbench_print("root_ping_ioctl", call, count, BENCH_WARMUP);
		ptbench_print("root_ioctl_null", null_call, count, 0);
	}
	return 0;
}
