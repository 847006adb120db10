// SPDX-License-Identifier: GPL-2.0-only
/* Places the root's Linux bzImage in memory as the x86 boot protocol asks. */
#include "linux-image.h"
#include <hv/log.h>
#include <string.h>

/* Offsets in the bzImage's real-mode header (Documentation/x86/boot). */
#define HDR_SETUP_SECTS 0x1F1
#define HDR_JUMP 0x200
#define HDR_MAGIC 0x202
#define HDR_VERSION 0x206
#define HDR_INITRD_ADDR_MAX 0x22C
#define HDR_KERNEL_ALIGNMENT 0x230
#define HDR_RELOCATABLE 0x234
#define HDR_XLOADFLAGS 0x236
#define HDR_PREF_ADDRESS 0x258
#define HDR_INIT_SIZE 0x260
#define HDR_END_MIN 0x264
#define HDR_MAGIC_VALUE 0x53726448 /* "HdrS" */
#define XLF_KERNEL_64 BIT(0)
#define XLF_CAN_BE_LOADED_ABOVE_4G BIT(1)
#define ENTRY_64_OFFSET 0x200

static u64 get(const u8 *file, u32 off, u32 len)
{
	u64 v = 0;

	memcpy(&v, file + off, len);
	return v;
}

static EFI_STATUS alloc_at(EFI_BOOT_SERVICES *bs, EFI_ALLOCATE_TYPE type,
			   u64 addr, u64 bytes, u64 *out)
{
	EFI_PHYSICAL_ADDRESS a = addr;
	EFI_STATUS s =
		bs->AllocatePages(type, EfiLoaderData,
				  ALIGN_UP(bytes, PAGE_SIZE) / PAGE_SIZE, &a);

	*out = a;
	return s;
}

/*
 * Copies the protected-mode kernel to its preferred address (or, if it is
 * relocatable, to any suitably aligned place below 4 GiB) with room for
 * init_size, the memory it needs to decompress itself in place.
 */
EFI_STATUS linux_place_kernel(EFI_BOOT_SERVICES *bs, const u8 *file, u64 size,
			      struct boot_linux *out)
{
	u64 payload_off, payload_size, init_size, align, pref, need, base;
	u32 setup_sects;

	if (size < HDR_END_MIN || get(file, HDR_MAGIC, 4) != HDR_MAGIC_VALUE ||
	    get(file, HDR_VERSION, 2) < 0x020C ||
	    !(get(file, HDR_XLOADFLAGS, 2) & XLF_KERNEL_64)) {
		hv_err("boot: the root kernel is not a 64-bit bzImage (boot "
		       "protocol 2.12 or later)");
		return EFI_UNSUPPORTED;
	}
	setup_sects = file[HDR_SETUP_SECTS] ? file[HDR_SETUP_SECTS] : 4;
	payload_off = (setup_sects + 1ull) * 512;
	if (payload_off >= size)
		return EFI_LOAD_ERROR;
	payload_size = size - payload_off;
	init_size = get(file, HDR_INIT_SIZE, 4);
	align = get(file, HDR_KERNEL_ALIGNMENT, 4);
	pref = get(file, HDR_PREF_ADDRESS, 8);
	need = MAX(init_size, payload_size);

	if (EFI_ERROR(alloc_at(bs, AllocateAddress, pref, need, &base))) {
		if (!get(file, HDR_RELOCATABLE, 1) || !align ||
		    (align & (align - 1)) ||
		    EFI_ERROR(alloc_at(bs, AllocateMaxAddress, 0xFFFFFFFFull,
				       need + align, &base))) {
			hv_err("boot: no room for the root kernel (%llu bytes)",
			       (unsigned long long)need);
			return EFI_OUT_OF_RESOURCES;
		}
		base = ALIGN_UP(base, align);
	}
	memcpy((void *)base, file + payload_off, payload_size);
	out->load_addr = base;
	out->entry = base + ENTRY_64_OFFSET;
	out->setup_header = file + HDR_SETUP_SECTS;
	out->setup_header_len =
		HDR_JUMP + 2 + file[HDR_JUMP + 1] - HDR_SETUP_SECTS;
	return EFI_SUCCESS;
}

/* The highest address the kernel accepts for the initrd's last byte. */
u64 linux_initrd_max(const u8 *file)
{
	if (get(file, HDR_XLOADFLAGS, 2) & XLF_CAN_BE_LOADED_ABOVE_4G)
		return ~0ull;
	return get(file, HDR_INITRD_ADDR_MAX, 4);
}
