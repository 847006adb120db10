/* SPDX-License-Identifier: GPL-2.0-only */
/* Loads an ELF64 guest image's segments into guest memory, checking all. */
#ifndef HV_ELF_LOAD_H
#define HV_ELF_LOAD_H

#include "types.h"

struct elf_image_info {
	u64 entry;
	u64 lo; /* lowest loaded GPA */
	u64 hi; /* end of the highest segment */
};

/* Copies `len` bytes to guest-physical `gpa`; returns 0 or -1. */
typedef int (*elf_copy_fn)(void *ctx, u64 gpa, const void *src, u64 len);

/*
 * Validates the whole image first (an x86-64 ELF64 executable whose PT_LOAD
 * segments lie in [min_gpa, max_gpa) and whose entry is inside one), then
 * copies. Returns 0, or -1 with *why set to a sentence for the log.
 */
int elf_load(const void *image, u64 size, u64 min_gpa, u64 max_gpa,
	     elf_copy_fn copy, void *ctx, struct elf_image_info *info,
	     const char **why);

#endif
