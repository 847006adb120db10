// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of the root's notification PCI function (root/notify-device.c). */
#include <arch/root.h>
#include <criterion/criterion.h>
#include <partita/root.h>
#include <string.h>

#include "hv-shim.h"

/* Config space offsets (PCI Local Bus spec 6.1, 6.8.1). */
#define CFG_COMMAND 0x04
#define CFG_STATUS 0x06
#define CFG_REVISION 0x08
#define CFG_HEADER_TYPE 0x0E
#define CFG_BAR0 0x10
#define CFG_ROM 0x30
#define CFG_CAP_PTR 0x34
#define CFG_INT_LINE 0x3C
#define CFG_INT_PIN 0x3D
#define STATUS_CAP_LIST 0x0010
#define CAP_ID_MSI 0x05
#define MSI PT_PCI_MSI_CAP_OFFSET
#define MSI_CTRL (MSI + 2)
#define MSI_ADDR_LO (MSI + 4)
#define MSI_ADDR_HI (MSI + 8)
#define MSI_DATA (MSI + 12)
#define MSI_CTRL_ENABLE 0x0001
#define MSI_CTRL_MMC 0x000E /* multiple message capable */
#define MSI_CTRL_MME 0x0070 /* multiple message enable */
#define MSI_CTRL_64BIT 0x0080
#define MSI_CTRL_MASKABLE 0x0100

static void setup(void)
{
	shim_reset();
	notify_device_init(5);
}

TestSuite(notify, .init = setup);

static u32 rd(u32 offset, u32 size)
{
	return notify_config_read(offset, size);
}

static void wr(u32 offset, u32 size, u32 value)
{
	notify_config_write(offset, size, value);
}

/* What Linux's MSI set-up writes: address, data, then the enable bit. */
static void program_msi(u32 addr_lo, u32 addr_hi, u16 data, bool enable)
{
	wr(MSI_ADDR_LO, 4, addr_lo);
	wr(MSI_ADDR_HI, 4, addr_hi);
	wr(MSI_DATA, 2, data);
	wr(MSI_CTRL, 2,
	   (rd(MSI_CTRL, 2) & ~MSI_CTRL_ENABLE) |
		   (enable ? MSI_CTRL_ENABLE : 0));
}

Test(notify, identity_and_class)
{
	cr_assert_eq(notify_device_slot(), 5);
	cr_assert_eq(rd(0x00, 2), PT_PCI_VENDOR_ID);
	cr_assert_eq(rd(0x02, 2), PT_PCI_DEVICE_ID);
	cr_assert_eq(rd(0x00, 4), PT_PCI_DEVICE_ID << 16 | PT_PCI_VENDOR_ID);
	cr_assert_eq(rd(0x01, 1), PT_PCI_VENDOR_ID >> 8);
	/* Revision 1, class 08h/80h/00h. */
	cr_assert_eq(rd(CFG_REVISION, 4), PT_PCI_CLASS << 8 | 1);
	cr_assert_eq(rd(CFG_REVISION, 1), 1);
	cr_assert_eq(rd(0x09, 1), PT_PCI_CLASS & 0xFF);
	cr_assert_eq(rd(0x0A, 1), (PT_PCI_CLASS >> 8) & 0xFF);
	cr_assert_eq(rd(0x0B, 1), PT_PCI_CLASS >> 16);
	/* A type 0, single-function header. */
	cr_assert_eq(rd(CFG_HEADER_TYPE, 1), 0);
	cr_assert_eq(rd(0x2C, 2), PT_PCI_VENDOR_ID);
	cr_assert_eq(rd(0x2E, 2), PT_PCI_DEVICE_ID);
	/* No legacy interrupt pin: MSI only. */
	cr_assert_eq(rd(CFG_INT_PIN, 1), 0);
	/* Off after reset. */
	cr_assert_eq(rd(CFG_COMMAND, 2), 0);
}

Test(notify, capability_list_leads_to_a_64_bit_msi)
{
	u32 ctrl, pos, hops = 0;

	cr_assert(rd(CFG_STATUS, 2) & STATUS_CAP_LIST);
	cr_assert_eq(rd(CFG_CAP_PTR, 1), PT_PCI_MSI_CAP_OFFSET);
	/* Walk the list as Linux does: the MSI capability, then the end. */
	for (pos = rd(CFG_CAP_PTR, 1) & ~3u; pos; pos = rd(pos + 1, 1) & ~3u) {
		cr_assert_lt(++hops, 48, "a loop in the capability list");
		cr_assert_geq(pos, 0x40, "capabilities live above the header");
		if (rd(pos, 1) == CAP_ID_MSI)
			break;
	}
	cr_assert_eq(pos, MSI);
	cr_assert_eq(rd(MSI + 1, 1), 0, "the last capability");
	ctrl = rd(MSI_CTRL, 2);
	cr_assert(ctrl & MSI_CTRL_64BIT);
	cr_assert_eq(ctrl & MSI_CTRL_MMC, 0, "one vector");
	cr_assert_eq(ctrl & MSI_CTRL_ENABLE, 0, "off until the driver");
	cr_assert_eq(ctrl & MSI_CTRL_MASKABLE, 0);
	cr_assert_eq(rd(MSI_ADDR_LO, 4), 0);
	cr_assert_eq(rd(MSI_ADDR_HI, 4), 0);
	cr_assert_eq(rd(MSI_DATA, 2), 0);
}

Test(notify, no_bars)
{
	for (u32 bar = CFG_BAR0; bar <= 0x24; bar += 4) {
		cr_assert_eq(rd(bar, 4), 0);
		/* Sizing: all ones written, zero read back means no BAR. */
		wr(bar, 4, 0xFFFFFFFF);
		cr_assert_eq(rd(bar, 4), 0, "BAR at 0x%x", bar);
		wr(bar, 1, 0xFF);
		cr_assert_eq(rd(bar, 4), 0, "BAR at 0x%x", bar);
	}
	wr(CFG_ROM, 4, 0xFFFFFFFF);
	cr_assert_eq(rd(CFG_ROM, 4), 0, "no expansion ROM");
}

Test(notify, read_only_fields_stay)
{
	u32 before[64];

	for (u32 i = 0; i < 64; i++)
		before[i] = rd(i * 4, 4);
	/* Everything but the writable registers, with ones and zeros. */
	for (u32 off = 0; off < 256; off += 4) {
		if (off == CFG_COMMAND || off == 0x0C || off == CFG_INT_LINE ||
		    off == MSI || off == MSI_ADDR_LO || off == MSI_ADDR_HI ||
		    off == MSI_DATA)
			continue;
		wr(off, 4, 0xFFFFFFFF);
		cr_assert_eq(rd(off, 4), before[off / 4], "0x%x", off);
		wr(off, 4, 0);
		cr_assert_eq(rd(off, 4), before[off / 4], "0x%x", off);
	}
	/* The read-only halves of the registers shared with writable ones. */
	wr(CFG_COMMAND, 4, 0xFFFFFFFF);
	cr_assert_eq(rd(CFG_STATUS, 2), STATUS_CAP_LIST);
	wr(0x0C, 4, 0xFFFFFFFF);
	cr_assert_eq(rd(CFG_HEADER_TYPE, 1), 0);
	cr_assert_eq(rd(0x0F, 1), 0, "no BIST");
	wr(CFG_INT_LINE, 4, 0xFFFFFFFF);
	cr_assert_eq(rd(CFG_INT_PIN, 1), 0);
	cr_assert_eq(rd(0x3E, 2), 0);
	wr(MSI, 4, 0);
	cr_assert_eq(rd(MSI, 1), CAP_ID_MSI);
	cr_assert_eq(rd(MSI + 1, 1), 0);
	cr_assert(rd(MSI_CTRL, 2) & MSI_CTRL_64BIT, "64-bit cleared");
	wr(MSI, 4, 0xFFFFFFFF);
	cr_assert_eq(rd(MSI, 1), CAP_ID_MSI);
	/* Only the enable bit of the control word moves. */
	cr_assert_eq(rd(MSI_CTRL, 2), MSI_CTRL_64BIT | MSI_CTRL_ENABLE);
	cr_assert_eq(rd(MSI_CTRL, 2) & MSI_CTRL_MME, 0);
	/* The two low address bits and the data's upper half read zero. */
	wr(MSI_ADDR_LO, 4, 0xFFFFFFFF);
	cr_assert_eq(rd(MSI_ADDR_LO, 4), 0xFFFFFFFC);
	wr(MSI_DATA, 4, 0xFFFFFFFF);
	cr_assert_eq(rd(MSI_DATA, 4), 0xFFFF);
	cr_assert_eq(rd(0x00, 4), before[0]);
	cr_assert_eq(rd(CFG_REVISION, 4), before[CFG_REVISION / 4]);
	cr_assert_eq(rd(CFG_CAP_PTR, 1), PT_PCI_MSI_CAP_OFFSET);
}

Test(notify, writable_fields_change)
{
	wr(CFG_COMMAND, 2, 0xFFFF);
	/* I/O, memory, bus master and INTx disable. */
	cr_assert_eq(rd(CFG_COMMAND, 2), 0x0407);
	wr(CFG_COMMAND, 2, 0x0004);
	cr_assert_eq(rd(CFG_COMMAND, 2), 0x0004);
	wr(CFG_COMMAND, 2, 0);
	cr_assert_eq(rd(CFG_COMMAND, 2), 0);
	wr(0x0C, 1, 0x10); /* cache line size */
	wr(0x0D, 1, 0x40); /* latency timer */
	cr_assert_eq(rd(0x0C, 2), 0x4010);
	wr(CFG_INT_LINE, 2, 0xFF0B);
	cr_assert_eq(rd(CFG_INT_LINE, 1), 0x0B);
	cr_assert_eq(rd(CFG_INT_PIN, 1), 0);
	wr(MSI_ADDR_LO, 4, 0xFEE01000);
	wr(MSI_ADDR_HI, 4, 0x12345678);
	wr(MSI_DATA, 2, 0x4041);
	cr_assert_eq(rd(MSI_ADDR_LO, 4), 0xFEE01000);
	cr_assert_eq(rd(MSI_ADDR_HI, 4), 0x12345678);
	cr_assert_eq(rd(MSI_DATA, 2), 0x4041);
	/* Byte and word writes change only their bytes. */
	wr(MSI_ADDR_LO + 1, 1, 0x30);
	cr_assert_eq(rd(MSI_ADDR_LO, 4), 0xFEE03000);
	wr(MSI_ADDR_HI + 2, 2, 0);
	cr_assert_eq(rd(MSI_ADDR_HI, 4), 0x5678);
	wr(MSI_CTRL, 2, MSI_CTRL_ENABLE);
	cr_assert_eq(rd(MSI_CTRL, 2), MSI_CTRL_64BIT | MSI_CTRL_ENABLE);
	/* A dword write at the capability header reaches the control word. */
	wr(MSI, 4, 0);
	cr_assert_eq(rd(MSI_CTRL, 2), MSI_CTRL_64BIT);
}

Test(notify, accesses_past_the_config_space)
{
	cr_assert_eq(rd(0xFC, 4), 0);
	cr_assert_eq(rd(0xFE, 4), 0xFFFFFFFF);
	cr_assert_eq(rd(0xFF, 2), 0xFFFFFFFF);
	cr_assert_eq(rd(0x100, 1), 0xFFFFFFFF);
	cr_assert_eq(rd(0xFFFFFFF0u, 4), 0xFFFFFFFF);
	wr(0xFE, 4, 0xFFFFFFFF); /* ignored, nothing overrun */
	wr(0x100, 4, 0xFFFFFFFF);
	cr_assert_eq(rd(0xFC, 4), 0);
}

Test(notify, no_signal_until_msi_is_programmed_and_enabled)
{
	cr_assert_not(notify_device_signal());
	/* Programmed but not enabled. */
	program_msi(0xFEE01000, 0, 0x41, false);
	cr_assert_not(notify_device_signal());
	/* Enabled, but not an APIC address. */
	program_msi(0xFED01000, 0, 0x41, true);
	cr_assert_not(notify_device_signal());
	program_msi(0xFEF01000, 0, 0x41, true);
	cr_assert_not(notify_device_signal());
	program_msi(0x00001000, 0, 0x41, true);
	cr_assert_not(notify_device_signal());
	/* Above 4 GiB is not the APIC either. */
	program_msi(0xFEE01000, 1, 0x41, true);
	cr_assert_not(notify_device_signal());
	cr_assert_eq(shim_ipi_count, 0);
}

Test(notify, signal_sends_the_programmed_vector_physical)
{
	program_msi(0xFEE01000, 0, 0x41, true);
	cr_assert(notify_device_signal());
	cr_assert_eq(shim_ipi_count, 1);
	cr_assert_eq(shim_last_ipi.dest, 1);
	cr_assert_eq(shim_last_ipi.vector, 0x41);
	cr_assert_not(shim_last_ipi.logical);
	/* Edge, assert, fixed: only the low byte is the vector. */
	program_msi(0xFEEFF000, 0, 0x40EF, true);
	cr_assert(notify_device_signal());
	cr_assert_eq(shim_ipi_count, 2);
	cr_assert_eq(shim_last_ipi.dest, 0xFF);
	cr_assert_eq(shim_last_ipi.vector, 0xEF);
	cr_assert_not(shim_last_ipi.logical);
	/* Every signal is a message of its own. */
	cr_assert(notify_device_signal());
	cr_assert_eq(shim_ipi_count, 3);
	/* Disabled again: silence. */
	program_msi(0xFEEFF000, 0, 0x40EF, false);
	cr_assert_not(notify_device_signal());
	cr_assert_eq(shim_ipi_count, 3);
}

Test(notify, signal_sends_the_programmed_vector_logical)
{
	/* Destination mode (bit 2) set: a logical destination mask. */
	program_msi(0xFEE03004, 0, 0x22, true);
	cr_assert(notify_device_signal());
	cr_assert_eq(shim_ipi_count, 1);
	cr_assert_eq(shim_last_ipi.dest, 0x03);
	cr_assert_eq(shim_last_ipi.vector, 0x22);
	cr_assert(shim_last_ipi.logical);
	/* The redirection hint (bit 3) alone is not logical mode. */
	program_msi(0xFEE02008, 0, 0x23, true);
	cr_assert(notify_device_signal());
	cr_assert_eq(shim_last_ipi.dest, 0x02);
	cr_assert_eq(shim_last_ipi.vector, 0x23);
	cr_assert_not(shim_last_ipi.logical);
}

Test(notify, reprogramming_moves_the_interrupt)
{
	/* Linux moves an IRQ to another CPU by rewriting address and data. */
	program_msi(0xFEE00000, 0, 0x30, true);
	cr_assert(notify_device_signal());
	cr_assert_eq(shim_last_ipi.dest, 0);
	cr_assert_eq(shim_last_ipi.vector, 0x30);
	wr(MSI_ADDR_LO, 4, 0xFEE07000);
	wr(MSI_DATA, 2, 0x31);
	cr_assert(notify_device_signal());
	cr_assert_eq(shim_last_ipi.dest, 7);
	cr_assert_eq(shim_last_ipi.vector, 0x31);
	cr_assert_eq(shim_ipi_count, 2);
}
