/* SPDX-License-Identifier: GPL-2.0-only */
/* Placing the root's Linux kernel image (bzImage) where it can run. */
#ifndef BOOT_LINUX_IMAGE_H
#define BOOT_LINUX_IMAGE_H

#include <efi.h>
#include <hv/boot-info.h>

/*
 * Copies the protected-mode kernel to its preferred address (or any
 * aligned place below 4 GiB if it is relocatable) and fills `out`.
 */
EFI_STATUS linux_place_kernel(EFI_BOOT_SERVICES *bs, const u8 *file, u64 size,
			      struct boot_linux *out);
/* The highest address the kernel accepts for the initrd's last byte. */
u64 linux_initrd_max(const u8 *file);

#endif
