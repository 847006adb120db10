// SPDX-License-Identifier: GPL-2.0-only
/* x86 bring-up: the boot CPU's tables and timers, then the other CPUs. */
#include <arch/acpi.h>
#include <arch/asm-symbols.h>
#include <arch/apic.h>
#include <arch/calibrate.h>
#include <arch/cpu.h>
#include <arch/cpu-local.h>
#include <arch/paging.h>
#include <arch/serial.h>
#include <arch/vendor.h>
#include <arch/x86.h>
#include <hv/arch.h>
#include <hv/boot-info.h>
#include <hv/log.h>
#include <hv/sched.h>
#include <hv/time.h>
#include <string.h>

/* Mirrors the parameter block at the end of ap-trampoline.asm. */
struct ap_params {
	u32 cr3;
	u32 far_offset;
	u16 far_selector;
	u16 pad;
	u64 stack;
	u64 arg;
	u64 entry;
	u64 gdt_offset;
	u64 long_mode_offset;
	u64 gdt_pointer_offset;
} __attribute__((packed));

/* The legacy PIC is remapped away from exception vectors, then masked
 * (QEMU needs this before the APIC timer is used). */
static void pic_disable(void)
{
	static const u8 init[][2] = {
		{ 0x20, 0x11 }, { 0xA0, 0x11 }, { 0x21, 0x20 }, { 0xA1, 0x28 },
		{ 0x21, 0x04 }, { 0xA1, 0x02 }, { 0x21, 0x01 }, { 0xA1, 0x01 },
		{ 0x21, 0xFF }, { 0xA1, 0xFF },
	};

	for (u32 i = 0; i < ARRAY_SIZE(init); i++)
		outb(init[i][0], init[i][1]);
}

static void (*boot_cpu_continue)(struct boot_info *);

static void boot_cpu_on_own_stack(void *arg)
{
	boot_cpu_continue(arg);
}

void arch_switch_to_boot_stack(struct boot_info *bi,
			       void (*fn)(struct boot_info *))
{
	struct cpu_local *c;

	serial_init();
	paging_build();
	paging_load();
	cpu_build_idt();
	c = cpu_alloc(0, 0);
	boot_cpu_continue = fn;
	call_on_stack(bi, boot_cpu_on_own_stack, c->stack_top);
}

void arch_init_boot_cpu(struct boot_info *bi)
{
	struct cpu_local *self = this_cpu();
	u32 apic_ids[MAX_CPUS], n;
	u64 tsc_khz;

	cpu_load_tables();
	pic_disable();
	apic_init_cpu();
	self->apic_id = apic_id();
	tsc_khz = calibrate_timers();
	time_init(rdtsc(), tsc_khz);
	hv_info("TSC %llu.%03llu MHz, APIC timer %llu kHz (PIT-calibrated)",
		(unsigned long long)(tsc_khz / 1000),
		(unsigned long long)(tsc_khz % 1000),
		(unsigned long long)(apic_timer_hz / 1000));

	n = acpi_cpu_apic_ids(bi->acpi_rsdp, self->apic_id, apic_ids, MAX_CPUS);
	for (u32 i = 1; i < n; i++)
		cpu_alloc(i, apic_ids[i]);
	for (u32 i = 0; i < n; i++)
		cpu_locals[i]->hsave_pa = (u64)heap_alloc(PAGE_SIZE, PAGE_SIZE);
	vendor_init_global();
	vendor_init_cpu();
	self->online = true;
}

static void ap_entry(struct cpu_local *c)
{
	cpu_load_tables();
	apic_init_cpu();
	vendor_init_cpu();
	WRITE_ONCE(c->online, true);
	sched_run_cpu();
	arch_halt_all();
}

void arch_start_other_cpus(struct boot_info *bi)
{
	u8 *page = phys_to_virt(bi->trampoline_pa);
	u64 size = (u64)(ap_trampoline_end - ap_trampoline_start);
	struct ap_params *params =
		(struct ap_params *)(page + (ap_trampoline_params -
					     ap_trampoline_start));

	memcpy(page, ap_trampoline_start, size);
	params->cr3 = (u32)paging_cr3();
	params->far_offset =
		(u32)(bi->trampoline_pa + params->long_mode_offset);
	params->far_selector = 0x08;
	params->entry = (u64)ap_entry;
	*(u32 *)(page + params->gdt_pointer_offset + 2) =
		(u32)(bi->trampoline_pa + params->gdt_offset);

	for (u32 i = 1; i < arch_cpu_count(); i++) {
		struct cpu_local *c = cpu_locals[i];
		u64 deadline;

		params->stack = c->stack_top;
		params->arg = (u64)c;
		__atomic_thread_fence(__ATOMIC_SEQ_CST);
		apic_send_init_sipi(c->apic_id,
				    (u32)(bi->trampoline_pa >> PAGE_SHIFT));
		deadline = time_now_ns() + 500000000ull;
		while (!READ_ONCE(c->online) && time_now_ns() < deadline)
			__builtin_ia32_pause();
		if (c->online)
			hv_info("CPU %u (APIC %u) online", i, c->apic_id);
		else {
			/* It might still start later on the shared parameter
			 * block: start no more CPUs after this one. */
			hv_err("CPU %u (APIC %u) did not start; not starting "
			       "the CPUs after it",
			       i, c->apic_id);
			break;
		}
	}
}
