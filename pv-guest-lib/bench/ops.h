/* SPDX-License-Identifier: MIT */
/* The benchmark suite's guest operations: one named entry per measurement. */
#ifndef PARTITA_GUEST_BENCH_OPS_H
#define PARTITA_GUEST_BENCH_OPS_H

#include <stdint.h>

/*
 * One operation of the suite. The runner calls setup once (if any), then
 * `once` for every warm-up round and sample, interleaved with the other
 * selected operations, so that slow phases of the host hit them alike.
 * `once` returns 0 with *ticks = TSC ticks of one sample, or a negative
 * status, which ends the operation ("PTBENCH-FAIL").
 */
struct bench_op {
	const char *name;
	unsigned samples_div; /* samples = suite samples / samples_div */
	unsigned per;	      /* elements per sample: a rep count, else 1 */
	int (*setup)(void);
	int (*once)(uint64_t *ticks);
};

/* The tables, in the order the runner reports them. */
extern const struct bench_op bench_ops_core[];	   /* bench-ops-core.c */
extern const struct bench_op bench_ops_rep[];	   /* bench-ops-rep.c */
extern const struct bench_op bench_ops_timer[];	   /* bench-ops-timer.c */
extern const struct bench_op bench_ops_msg[];	   /* bench-ops-msg.c */
extern const struct bench_op bench_ops_pingpong[]; /* bench-ops-pingpong.c */

/* The partition's own id, for operations on its own objects. */
extern uint32_t bench_self_id;

#endif
