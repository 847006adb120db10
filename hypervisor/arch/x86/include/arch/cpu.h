/* SPDX-License-Identifier: GPL-2.0-only */
/* x86 CPU tables (GDT, IDT, TSS) and the per-CPU areas that hold them. */
#ifndef ARCH_CPU_H
#define ARCH_CPU_H

#include <hv/types.h>

struct cpu_local;

/* Fills the shared IDT once, before any CPU loads it. */
void cpu_build_idt(void);
/* Loads this CPU's GDT, TSS and the IDT. */
void cpu_load_tables(void);
/* The per-CPU area and stack of CPU `id`; NULL when out of memory. */
struct cpu_local *cpu_alloc(u32 id, u32 apic_id);

#endif
