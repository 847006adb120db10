/* SPDX-License-Identifier: GPL-2.0-only */
/* The firmware's entry into the loader (called by gnu-efi's crt0). */
#ifndef BOOT_EFI_ENTRY_H
#define BOOT_EFI_ENTRY_H

#include <efi.h>

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab);

#endif
