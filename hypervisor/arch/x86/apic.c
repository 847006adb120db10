// SPDX-License-Identifier: GPL-2.0-only
/* The local APIC: timer, inter-processor interrupts, starting CPUs. */
#include <arch/apic.h>
#include <arch/cpu-local.h>
#include <arch/x86.h>
#include <hv/arch.h>
#include <hv/time.h>

/* xAPIC MMIO registers (QEMU 7.2's TCG APIC has no x2APIC mode). */
#define APIC_ID 0x020
#define APIC_TPR 0x080
#define APIC_EOI 0x0B0
#define APIC_SVR 0x0F0
#define APIC_ICR_LO 0x300
#define APIC_ICR_HI 0x310
#define APIC_LVT_TIMER 0x320
#define APIC_TIMER_INIT 0x380
#define APIC_TIMER_CUR 0x390
#define APIC_TIMER_DIV 0x3E0
#define ICR_PENDING BIT(12)
#define APIC_DIVIDE_BY_16 0x3
#define TIMER_MAX_NS 10000000000ull /* 10 s */

static volatile u8 *apic_base;
u64 apic_timer_hz;

static u32 apic_read(u32 reg)
{
	return *(volatile u32 *)(apic_base + reg);
}

static void apic_write(u32 reg, u32 v)
{
	*(volatile u32 *)(apic_base + reg) = v;
}

void apic_init_cpu(void)
{
	u64 base = rdmsr(MSR_APIC_BASE);

	wrmsr(MSR_APIC_BASE, base | BIT(11)); /* globally enabled */
	apic_base = (volatile u8 *)(base & ~0xFFFull);
	apic_write(APIC_SVR, 0x100 | VECTOR_SPURIOUS);
	apic_write(APIC_TPR, 0);
	apic_write(APIC_TIMER_DIV, APIC_DIVIDE_BY_16);
	apic_write(APIC_LVT_TIMER, VECTOR_TIMER); /* one-shot */
	apic_write(APIC_TIMER_INIT, 0);
}

u32 apic_id(void)
{
	return apic_read(APIC_ID) >> 24;
}

void apic_eoi(void)
{
	apic_write(APIC_EOI, 0);
}

static void icr_send(u32 dest, u32 low)
{
	while (apic_read(APIC_ICR_LO) & ICR_PENDING)
		__builtin_ia32_pause();
	apic_write(APIC_ICR_HI, dest << 24);
	apic_write(APIC_ICR_LO, low);
}

void apic_send_ipi(u32 dest, u8 vector)
{
	icr_send(dest, 0x4000u | vector); /* fixed, physical, assert */
}

void apic_send_ipi_mode(u32 dest, u8 vector, bool logical)
{
	icr_send(dest, 0x4000u | (logical ? BIT(11) : 0) | vector);
}

static void delay_us(u64 us)
{
	u64 end = rdtsc() + time_ns_to_ticks(us * 1000);

	while (rdtsc() < end)
		__builtin_ia32_pause();
}

void apic_send_init_sipi(u32 dest, u32 start_page)
{
	icr_send(dest, 0x4500); /* INIT */
	delay_us(10000);
	for (int i = 0; i < 2; i++) {
		icr_send(dest, 0x4600 | (start_page & 0xFF)); /* STARTUP */
		delay_us(200);
	}
}

void apic_timer_start_count(u32 count)
{
	apic_write(APIC_TIMER_INIT, count);
}

u32 apic_timer_current(void)
{
	return apic_read(APIC_TIMER_CUR);
}

void arch_timer_arm(u64 deadline_ns)
{
	u64 now, ticks;

	if (!deadline_ns) {
		apic_write(APIC_TIMER_INIT, 0);
		return;
	}
	now = time_now_ns();
	/* Capped so the product cannot overflow and the count fits 32 bits;
	 * a later deadline is re-armed when this one fires. */
	ticks = deadline_ns > now ? MIN(deadline_ns - now, TIMER_MAX_NS) *
					    apic_timer_hz / 1000000000ull
				  : 0;
	apic_write(APIC_TIMER_INIT, (u32)MAX(MIN(ticks, 0xFFFFFFFFull), 1ull));
}

void arch_kick_cpu(u32 cpu)
{
	struct cpu_local *c = cpu < MAX_CPUS ? cpu_locals[cpu] : NULL;

	if (c && c->online)
		apic_send_ipi(c->apic_id, VECTOR_KICK);
}
