// SPDX-License-Identifier: GPL-2.0-only
/* Measures the TSC and local APIC timer rates against the PIT. */
#include <arch/calibrate.h>
#include <arch/apic.h>
#include <arch/x86.h>
#include <hv/types.h>

#define PIT_HZ 1193182ull
#define PIT_CH2_DATA 0x42
#define PIT_COMMAND 0x43
#define PIT_GATE_PORT 0x61
#define CALIBRATE_MS 50ull

/*
 * PIT channel 2 in mode 0 counts down once; its output (port 0x61 bit 5)
 * rises at zero. Meanwhile we note how far the TSC and the APIC timer moved.
 * Returns the TSC rate in kHz and sets apic_timer_hz.
 */
u64 calibrate_timers(void)
{
	u16 count = (u16)(PIT_HZ * CALIBRATE_MS / 1000);
	u8 gate = inb(PIT_GATE_PORT);
	u64 t0, t1;
	u32 apic_left;

	outb(PIT_GATE_PORT, (u8)((gate & ~0x02) | 0x01)); /* speaker off */
	outb(PIT_COMMAND, 0xB0); /* channel 2, lo/hi byte, mode 0 */
	outb(PIT_CH2_DATA, (u8)count);
	outb(PIT_CH2_DATA, (u8)(count >> 8));
	apic_timer_start_count(0xFFFFFFFFu);
	t0 = rdtsc();
	while (!(inb(PIT_GATE_PORT) & 0x20))
		__builtin_ia32_pause();
	t1 = rdtsc();
	apic_left = apic_timer_current();
	apic_timer_start_count(0);
	outb(PIT_GATE_PORT, gate);

	apic_timer_hz = (0xFFFFFFFFull - apic_left) * PIT_HZ / count;
	return (t1 - t0) * PIT_HZ / count / 1000;
}
