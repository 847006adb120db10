/* SPDX-License-Identifier: GPL-2.0-only */
/* x86 pieces of the root partition: Linux start, ports, notification. */
#ifndef ARCH_ROOT_H
#define ARCH_ROOT_H

#include <arch/e820.h>
#include <hv/types.h>

struct boot_info;
struct vcpu;

/* What the root's vCPU starts with (64-bit boot protocol). */
struct linux_start {
	u64 entry;
	u64 boot_params;
	u64 cr3;
	u64 gdt;
	u32 gdt_limit;
};

int linux_prepare_boot(const struct boot_info *bi,
		       const struct e820_entry *e820, u32 e820_count,
		       struct linux_start *start);
int arch_vcpu_init_root(struct vcpu *v, const struct linux_start *ls);

/* Ports the root may not use directly: COM2 (ours) and PCI conf1. */
#define LOG_PORT_BASE 0x2F8
#define LOG_PORT_COUNT 8
#define PCI_CONF1_ADDR 0xCF8
#define PCI_CONF1_DATA 0xCFC

/* Picks a free slot on bus 0 for the notification function. */
void root_io_init(void);
/* An IN (*value out) or OUT (*value in) of `size` bytes to a trapped
 * port. Returns false for accesses the root is refused (#GP). */
bool root_io_access(u16 port, u32 size, bool in, u32 *value);

/* The synthetic PCI function through which the root is notified. */
void notify_device_init(u32 slot);
u32 notify_device_slot(void);
u32 notify_config_read(u32 offset, u32 size);
void notify_config_write(u32 offset, u32 size, u32 value);
/* Sends the MSI the root's driver programmed; false if it has none. */
bool notify_device_signal(void);

#endif
