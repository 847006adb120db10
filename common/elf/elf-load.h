/* SPDX-License-Identifier: GPL-2.0-only */
/* Loads an ELF64 guest image's segments into guest memory, checking all. */
#ifndef PARTITA_ELF_LOAD_H
#define PARTITA_ELF_LOAD_H

/*
 * Shared by the hypervisor (freestanding) and `partita check` (host), so
 * that a config check refuses exactly what PARTITION_START would: only
 * <stdint.h> and common/string.h.
 */
#include <stdint.h>

struct elf_image_info {
	uint64_t entry;
	uint64_t lo; /* lowest loaded GPA */
	uint64_t hi; /* end of the highest segment */
};

/* Copies `len` bytes to guest-physical `gpa`; returns 0 or -1. */
typedef int (*elf_copy_fn)(void *ctx, uint64_t gpa, const void *src,
			   uint64_t len);

/*
 * Validates the whole image first (an x86-64 ELF64 executable whose PT_LOAD
 * segments lie in [min_gpa, max_gpa) and whose entry is inside one), then
 * copies. Returns 0, or -1 with *why set to a sentence for the log.
 */
int elf_load(const void *image, uint64_t size, uint64_t min_gpa,
	     uint64_t max_gpa, elf_copy_fn copy, void *ctx,
	     struct elf_image_info *info, const char **why);

#endif
