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
 *   0xA000  the event page, already registered (events.h)      } only when
 *   0xB000  the store ring page (store-ring.h)                 } a root
 *   0x10000 the grant table, already registered, max_grant_    } partition
 *           frames frames (at most 64: up to 0x4FFFF)          } exists
 *   0x100000 and up: the ELF image's PT_LOAD segments.
 *
 * The store lives in the root partition, so where there is one the
 * hypervisor prepares the guest's way to it before the first instruction,
 * as Xen's toolstack does: it registers the event page and the grant table
 * above, allocates event port store_port unbound for the root (always
 * PT_STORE_PORT in a fresh partition), and writes grant entry
 * store_grant_ref (PT_STORE_GRANT_REF) giving the root read-write access
 * to the ring page. The root's toolstack names both to the store daemon
 * (INTRODUCE), which maps the page through that grant and binds the port;
 * it never maps other guest memory. The guest library adopts the
 * registered page and table instead of registering its own. Without a
 * root the four fields are zero and nothing is registered.
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
#define PT_START_INFO_VERSION 2u
#define PT_GUEST_EVENT_PAGE_GPA 0xA000ull
#define PT_GUEST_STORE_RING_GPA 0xB000ull
#define PT_GUEST_GRANT_TABLE_GPA 0x10000ull

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
	/* Version 2: the way to the store (zero without a root partition). */
	uint64_t event_page_gpa;     /* registered event page, or 0 */
	uint64_t store_ring_gpa;     /* struct pt_store_ring_page, or 0 */
	uint64_t grant_table_gpa;    /* registered grant table, or 0 */
	uint32_t grant_table_frames; /* its size in frames */
	uint32_t store_port;	     /* unbound port for the root, or 0 */
	uint32_t store_grant_ref;    /* grants the ring page to the root */
	uint32_t store_domid;	     /* the partition serving the store: 0 */
};
PT_ABI_OFFSET(struct pt_start_info, memory_bytes, 16);
PT_ABI_OFFSET(struct pt_start_info, name, 56);
PT_ABI_OFFSET(struct pt_start_info, event_page_gpa, 344);
PT_ABI_OFFSET(struct pt_start_info, store_port, 372);
PT_ABI_SIZE(struct pt_start_info, 384);

#endif
