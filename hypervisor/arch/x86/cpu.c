// SPDX-License-Identifier: GPL-2.0-only
/* Per-CPU tables: the hypervisor's own GDT and IDT, stacks, CPU identity. */
#include <arch/asm-symbols.h>
#include <arch/cpu.h>
#include <arch/cpu-local.h>
#include <arch/x86.h>
#include <hv/arch.h>
#include <hv/boot-info.h>

struct cpu_local *cpu_locals[MAX_CPUS];
static u32 cpus_present;

struct idt_gate {
	u16 offset_lo;
	u16 selector;
	u8 ist;
	u8 type_attr;
	u16 offset_mid;
	u32 offset_hi;
	u32 reserved;
} __attribute__((packed));

struct table_pointer {
	u16 limit;
	u64 base;
} __attribute__((packed));

static const u64 gdt[] __attribute__((aligned(16))) = {
	0, 0x00AF9A000000FFFFull, /* 0x08: 64-bit code */
	0x00CF92000000FFFFull,	  /* 0x10: data */
};
static struct idt_gate idt[256] __attribute__((aligned(16)));

void cpu_build_idt(void)
{
	for (u32 v = 0; v < 256; v++) {
		u64 addr = isr_table[v];

		idt[v] = (struct idt_gate){
			.offset_lo = (u16)addr,
			.selector = 0x08,
			.type_attr = 0x8E, /* present, ring 0 interrupt gate */
			.offset_mid = (u16)(addr >> 16),
			.offset_hi = (u32)(addr >> 32),
		};
	}
}

void cpu_load_tables(void)
{
	struct table_pointer g = { sizeof(gdt) - 1, (u64)gdt };
	struct table_pointer i = { sizeof(idt) - 1, (u64)idt };

	__asm__ volatile("lgdt %0" ::"m"(g));
	load_segments();
	__asm__ volatile("lidt %0" ::"m"(i));
	/* SSE state must be saveable for guests (fxsave/fxrstor). */
	write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
	write_cr0((read_cr0() | CR0_MP | CR0_NE) & ~BIT(2) & ~BIT(3));
}

/* Allocates CPU `id`'s stack with its cpu_local at the bottom. */
struct cpu_local *cpu_alloc(u32 id, u32 apic_id)
{
	u8 *stack = heap_alloc(CPU_STACK_SIZE, CPU_STACK_SIZE);
	struct cpu_local *c = (struct cpu_local *)stack;

	c->id = id;
	c->apic_id = apic_id;
	c->stack_top = (u64)stack + CPU_STACK_SIZE - 16;
	cpu_locals[id] = c;
	if (id + 1 > cpus_present)
		cpus_present = id + 1;
	return c;
}

u32 arch_cpu_count(void)
{
	return cpus_present;
}

bool arch_cpu_online(u32 cpu)
{
	return cpu < cpus_present && cpu_locals[cpu]->online;
}

u32 arch_cpu_apic_id(u32 cpu)
{
	return cpu < cpus_present ? cpu_locals[cpu]->apic_id : 0;
}

void *phys_to_virt(u64 pa)
{
	return (void *)pa;
}

void arch_idle(void)
{
	/* sti's one-instruction shadow makes "sti; hlt" race-free. */
	__asm__ volatile("sti; hlt; cli" ::: "memory");
}

void arch_halt_all(void)
{
	for (;;)
		__asm__ volatile("cli; hlt");
}
