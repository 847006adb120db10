/* SPDX-License-Identifier: GPL-2.0-only */
/* Parsing the arguments of vcpu-pin and sched: CPU lists, weights, caps. */
#ifndef PARTITA_SCHED_ARGS_H
#define PARTITA_SCHED_ARGS_H

#include <stddef.h>
#include <stdint.h>

#define SCHED_WEIGHT_MAX 65535u
#define SCHED_CAP_MAX 100u

#define SCHED_CPUS_UNUSABLE (-2)

/*
 * Each returns 0, or -1 with one sentence in why (for a usage error).
 * weight: 1 to 65535. cap: 0 to 100, with or without '%', or "none" (0).
 * vcpu: a vCPU index, 0 to 7. cpus: "1-3,5" as a config's cpus, or "all"
 * (every CPU in `usable`); every CPU must be in `usable` (the CPUs that
 * run guests), else SCHED_CPUS_UNUSABLE and why names the first one that
 * is not.
 */
int sched_parse_weight(const char *text, uint32_t *weight, char *why,
		       size_t size);
int sched_parse_cap(const char *text, uint32_t *cap, char *why, size_t size);
int sched_parse_vcpu(const char *text, uint32_t *vcpu, char *why, size_t size);
int sched_parse_cpus(const char *text, uint64_t usable, uint64_t *mask,
		     char *why, size_t size);

#endif
