/* SPDX-License-Identifier: MIT */
/* How a guest partition starts: its memory layout and the start-info page. */
#ifndef PARTITA_START_INFO_H
#define PARTITA_START_INFO_H

#include "abi-types.h"

/*
 * A guest starts in 64-bit mode on every vCPU at the ELF entry point with:
 *   RDI = PT_GUEST_START_INFO_GPA, RSI = vCPU index, RFLAGS.IF = 0,
 *   CS = 0x08 (64-bit code), DS/ES/SS = 0x10, RSP undefined (the guest
 *   sets its own stack first).
 * Guest-physical memory is RAM from 0 to memory_bytes. The hypervisor puts:
 *   0x1000  the start-info page (struct pt_start_info)
 *   0x2000  a GDT (null, 0x08 code64, 0x10 data)
 *   0x3000  page tables identity-mapping all RAM (2 MiB pages, RWX) and
 *           the grant window (grants.h) at 4 GiB: PML4 0x3000, PDPT
 *           0x4000, RAM page directories from 0x5000, the window's 0x9000
 *   0x100000 and up: the ELF image's PT_LOAD segments.
 * All RAM starts zeroed, so an image's .bss (memsz beyond filesz) is zero;
 * everything from free_start up to memory_bytes is the guest's to use.
 */
#define PT_GUEST_START_INFO_GPA 0x1000ull
#define PT_GUEST_GDT_GPA 0x2000ull
#define PT_GUEST_PAGE_TABLE_GPA 0x3000ull
#define PT_GUEST_WINDOW_PD_GPA 0x9000ull
#define PT_GUEST_IMAGE_MIN_GPA 0x100000ull
#define PT_GUEST_CODE_SELECTOR 0x08u
#define PT_GUEST_DATA_SELECTOR 0x10u

#define PT_START_INFO_MAGIC 0x54524154u /* "TART" */
#define PT_START_INFO_VERSION 1u

struct pt_start_info {
	uint32_t magic;
	uint16_t version;
	uint16_t size;
	uint32_t partition_id;
	uint32_t vcpu_count;
	uint64_t memory_bytes;
	uint64_t image_start; /* GPA range of the loaded image */
	uint64_t image_end;
	uint64_t free_start; /* first free GPA, page aligned */
	uint32_t weight;
	uint32_t flags; /* reserved, zero */
	char name[32];
	char cmdline[256];
};
PT_ABI_OFFSET(struct pt_start_info, memory_bytes, 16);
PT_ABI_OFFSET(struct pt_start_info, name, 56);
PT_ABI_SIZE(struct pt_start_info, 344);

#endif
