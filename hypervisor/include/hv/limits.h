/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hypervisor's size limits, each defined once here and tied at build
 * time to the ABI figures that expose it, so that no internal array can be
 * smaller (or a mask narrower) than what the interface promises.
 */
#ifndef HV_LIMITS_H
#define HV_LIMITS_H

#include <partita/hypercall.h>

/* Physical CPUs: one bit each in a partition's u64 cpu_mask. */
#define MAX_CPUS 64
/* Partitions at once, the root included (ids 0..63). */
#define MAX_PARTITIONS 64
/* vCPUs of one partition. */
#define MAX_VCPUS PT_PARTITION_MAX_VCPUS

_Static_assert(MAX_CPUS <= 64, "cpu_mask is a u64: one bit per CPU");
_Static_assert(MAX_CPUS == PT_HV_INFO_MAX_CPUS,
	       "HV_INFO describes every CPU the hypervisor can run");
_Static_assert(MAX_PARTITIONS <= PT_PARTITION_LIST_MAX,
	       "PARTITION_LIST fits every partition in one page");
/* Message connection ids pack the receiver in 8 bits and the vCPU in 4
 * (protocols/partita/messages.h). */
_Static_assert(MAX_PARTITIONS <= 256 && MAX_VCPUS <= 16,
	       "connection ids carry the receiver and the vCPU");

#endif
