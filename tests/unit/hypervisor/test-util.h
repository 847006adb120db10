/* SPDX-License-Identifier: GPL-2.0-only */
/* Helpers shared by the hypervisor unit tests: ELF images, test partitions. */
#ifndef HV_TEST_UTIL_H
#define HV_TEST_UTIL_H

#include <hv/partition.h>
#include <hv/types.h>

struct test_segment {
	u32 type; /* PT_LOAD = 1 */
	u64 paddr;
	u64 filesz;
	u64 memsz;
};

/* Byte `off` of segment `seg`'s file contents in a built image. */
u8 test_elf_byte(u32 seg, u64 off);

/*
 * Builds an x86-64 ELF64 ET_EXEC image into `buf` (8-byte aligned): the
 * header, `n` program headers right after it, then each segment's file
 * bytes. Returns the image size; aborts when `cap` is too small.
 */
size_t test_elf_build(void *buf, size_t cap, u64 entry,
		      const struct test_segment *seg, u32 n);

/*
 * A running partition without partition_create: `id`, one vCPU, RAM from
 * GPA 0 to `memory_bytes` mapped RWX through the real nested page tables.
 */
void test_partition_init(struct partition *p, u32 id, u64 memory_bytes);

/* Host address of guest byte `gpa` of a test partition (must be mapped). */
void *test_gpa(const struct partition *p, u64 gpa);

#endif
