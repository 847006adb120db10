// SPDX-License-Identifier: GPL-2.0-only
/* Starts the root's Linux kernel through the x86 64-bit boot protocol. */
#include <arch/e820.h>
#include <arch/root.h>
#include <hv/boot-info.h>
#include <hv/log.h>
#include <fmt.h>
#include <string.h>

/* boot_params offsets (Documentation/x86/zero-page). */
#define BP_ACPI_RSDP 0x070
#define BP_EXT_RAMDISK_IMAGE 0x0C0
#define BP_EXT_RAMDISK_SIZE 0x0C4
#define BP_EXT_CMD_LINE_PTR 0x0C8
#define BP_E820_ENTRIES 0x1E8
#define BP_SETUP_HEADER 0x1F1
#define BP_TYPE_OF_LOADER 0x210
#define BP_LOADFLAGS 0x211
#define BP_CODE32_START 0x214
#define BP_RAMDISK_IMAGE 0x218
#define BP_RAMDISK_SIZE 0x21C
#define BP_CMD_LINE_PTR 0x228
#define BP_CMDLINE_SIZE 0x238
#define BP_E820_TABLE 0x2D0
#define LOADED_HIGH 0x01

/* Where things go in the 64 KiB boot area. */
#define AREA_GDT 0x0000
#define AREA_BOOT_PARAMS 0x1000
#define AREA_CMDLINE 0x2000
#define AREA_CMDLINE_MAX 0x1000
#define AREA_PML4 0x3000
#define AREA_PDPT 0x4000

static void put(u8 *bp, u32 off, u64 v, u32 len)
{
	memcpy(bp + off, &v, len);
}

/* The boot protocol's segments: __BOOT_CS 0x10, __BOOT_DS 0x18. */
static void write_gdt(u8 *area)
{
	static const u64 gdt[4] = { 0, 0, 0x00AF9A000000FFFFull,
				    0x00CF92000000FFFFull };

	memcpy(area + AREA_GDT, gdt, sizeof(gdt));
}

/* 512 GiB identity-mapped with 1 GiB pages, enough to reach the kernel,
 * boot_params, command line and initrd (all below 4 GiB here). */
static void write_page_tables(u8 *area, u64 area_pa)
{
	u64 *pml4 = (u64 *)(area + AREA_PML4);
	u64 *pdpt = (u64 *)(area + AREA_PDPT);

	memset(pml4, 0, PAGE_SIZE);
	pml4[0] = (area_pa + AREA_PDPT) | 0x3;
	for (u64 i = 0; i < 512; i++)
		pdpt[i] = (i << 30) | 0x83; /* present, writable, 1 GiB */
}

static int write_cmdline(u8 *area, const char *cfg, u32 max)
{
	char *cmdline = (char *)(area + AREA_CMDLINE);
	int n;

	/*
	 * One CPU for the root; PCI configuration through the ports we trap;
	 * and the xAPIC with plain MSIs, the form our notification device
	 * speaks (with x2APIC or interrupt remapping the MSI data Linux
	 * writes would be a remapping index, and our APIC writes ignored).
	 */
	n = fmt_snprintf(cmdline, MIN(max, AREA_CMDLINE_MAX),
			 "%s%snr_cpus=1 pci=nommconf nox2apic intremap=off",
			 cfg, cfg[0] ? " " : "");
	return n < (int)MIN(max, AREA_CMDLINE_MAX) ? 0 : -1;
}

int linux_prepare_boot(const struct boot_info *bi,
		       const struct e820_entry *e820, u32 e820_count,
		       struct linux_start *start)
{
	const struct boot_linux *lx = &bi->root_linux;
	u8 *area = (u8 *)lx->boot_area, *bp = area + AREA_BOOT_PARAMS;
	u64 cmdline_pa = lx->boot_area + AREA_CMDLINE;
	u32 cmdline_max;

	memset(area, 0, AREA_PDPT + PAGE_SIZE);
	memcpy(bp + BP_SETUP_HEADER, lx->setup_header, lx->setup_header_len);
	memcpy(&cmdline_max, bp + BP_CMDLINE_SIZE, 4);
	if (!cmdline_max)
		cmdline_max = 256; /* protocols before 2.06 */
	if (write_cmdline(area, bi->config.root.cmdline, cmdline_max + 1)) {
		hv_err("root: the command line is longer than the kernel's "
		       "%u bytes",
		       cmdline_max);
		return -1;
	}
	put(bp, BP_TYPE_OF_LOADER, 0xFF, 1);
	bp[BP_LOADFLAGS] |= LOADED_HIGH;
	put(bp, BP_CODE32_START, lx->load_addr, 4);
	put(bp, BP_RAMDISK_IMAGE, lx->initrd_addr, 4);
	put(bp, BP_RAMDISK_SIZE, lx->initrd_size, 4);
	put(bp, BP_EXT_RAMDISK_IMAGE, lx->initrd_addr >> 32, 4);
	put(bp, BP_EXT_RAMDISK_SIZE, lx->initrd_size >> 32, 4);
	put(bp, BP_CMD_LINE_PTR, cmdline_pa, 4);
	put(bp, BP_EXT_CMD_LINE_PTR, cmdline_pa >> 32, 4);
	put(bp, BP_ACPI_RSDP, bi->acpi_rsdp, 8);
	put(bp, BP_E820_ENTRIES, e820_count, 1);
	memcpy(bp + BP_E820_TABLE, e820, e820_count * sizeof(*e820));
	write_gdt(area);
	write_page_tables(area, lx->boot_area);

	start->entry = lx->entry;
	start->boot_params = lx->boot_area + AREA_BOOT_PARAMS;
	start->cr3 = lx->boot_area + AREA_PML4;
	start->gdt = lx->boot_area + AREA_GDT;
	start->gdt_limit = 4 * 8 - 1;
	hv_info("root: command line \"%s\"",
		(const char *)(area + AREA_CMDLINE));
	return 0;
}
