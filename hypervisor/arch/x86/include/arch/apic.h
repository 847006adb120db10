/* SPDX-License-Identifier: GPL-2.0-only */
/* The local APIC: timer, inter-processor interrupts, starting CPUs. */
#ifndef ARCH_APIC_H
#define ARCH_APIC_H

#include <hv/types.h>

#define VECTOR_TIMER 0xF0
#define VECTOR_KICK 0xF1
#define VECTOR_SPURIOUS 0xFF

void apic_init_cpu(void);
u32 apic_id(void);
void apic_eoi(void);
void apic_send_ipi(u32 apic_id, u8 vector);
/* Fixed delivery; `logical` makes dest a logical destination mask. */
void apic_send_ipi_mode(u32 dest, u8 vector, bool logical);
void apic_send_init_sipi(u32 apic_id, u32 start_page);
/* Timer ticks per second, measured by calibrate.c. */
extern u64 apic_timer_hz;
void apic_timer_start_count(u32 count);
u32 apic_timer_current(void);

#endif
