/* SPDX-License-Identifier: GPL-2.0-only */
/* What the hypervisor reads from ACPI: the CPUs' local APIC ids (MADT). */
#ifndef ARCH_ACPI_H
#define ARCH_ACPI_H

#include <hv/types.h>

/*
 * Fills apic_ids with the enabled CPUs' APIC ids, the boot CPU's first;
 * returns how many (at most max, at least 1).
 */
u32 acpi_cpu_apic_ids(u64 rsdp_pa, u32 boot_apic_id, u32 *apic_ids, u32 max);

#endif
