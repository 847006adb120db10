/* SPDX-License-Identifier: GPL-2.0-only */
/* What the EFI loader hands to the hypervisor after leaving boot services. */
#ifndef HV_BOOT_INFO_H
#define HV_BOOT_INFO_H

#include "boot-config.h"
#include "types.h"

struct boot_module {
	const void *data;
	u64 size;
};

/* The root's Linux kernel as the loader placed it (boot protocol). */
struct boot_linux {
	u64 load_addr; /* protected-mode kernel, at its preferred address */
	u64 entry;     /* 64-bit entry point */
	const u8 *setup_header; /* bytes 0x1F1.. of the bzImage */
	u32 setup_header_len;
	u64 initrd_addr;
	u64 initrd_size;
	u64 boot_area; /* 64 KiB below 4 GiB: GDT, boot_params, tables */
};

/* The firmware's final memory map, as EFI descriptors. */
struct boot_memory_map {
	const void *descriptors;
	u64 size;
	u64 descriptor_size;
};

struct boot_info {
	struct boot_config config;
	struct boot_module images[BOOT_MAX_GUESTS]; /* per config guest */
	struct boot_linux root_linux; /* when config.root.present */
	struct boot_memory_map memory_map;
	u64 image_base; /* the hypervisor's own image */
	u64 image_size;
	u64 pool_base; /* guest memory pool, page aligned */
	u64 pool_frames;
	u64 heap_base; /* hypervisor-private memory below 4 GiB */
	u64 heap_size;
	u64 trampoline_pa; /* one page below 1 MiB for starting CPUs */
	u64 acpi_rsdp;
	void *efi_runtime; /* EFI runtime services, for power-off */
};

/* The generic entry, on the boot CPU, after the loader is done. */
__attribute__((noreturn)) void hv_main(struct boot_info *bi);

/* Hypervisor-private memory handed out once at start-up (never freed). */
void heap_init(u64 base, u64 size);
void *heap_alloc(u64 size, u64 align);

#endif
