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

struct boot_info {
	struct boot_config config;
	struct boot_module images[BOOT_MAX_GUESTS]; /* per config guest */
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
