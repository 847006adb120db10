// SPDX-License-Identifier: MIT
/* The interrupt descriptor table shared by every vCPU of the guest. */
#include <partita/start-info.h>
#include <partita-guest/events.h>

#include "guest-internal.h"

/* A 64-bit interrupt gate (AMD APM vol. 2, 4.8.4 "Gate Descriptors"). */
struct guest_idt_gate {
	uint16_t offset_low;
	uint16_t selector;
	uint8_t ist;	   /* bits 2:0; 0 = stay on the current stack */
	uint8_t type_attr; /* P, DPL, type */
	uint16_t offset_mid;
	uint32_t offset_high;
	uint32_t reserved;
};
PT_ABI_SIZE(struct guest_idt_gate, 16);

/* Present, DPL 0, type 0xE: interrupt gate, so handlers start with IF=0. */
#define GUEST_GATE_INTERRUPT 0x8E

struct guest_idt_pointer {
	uint16_t limit;
	uint64_t base;
} __attribute__((packed));

extern const uint64_t guest_trap_stubs[256];

static struct guest_idt_gate guest_idt[256] __attribute__((aligned(16)));
static volatile uint32_t guest_idt_state; /* 0 empty, 1 building, 2 ready */

static void guest_idt_build(void)
{
	for (unsigned v = 0; v < 256; v++) {
		uint64_t addr = guest_trap_stubs[v];
		struct guest_idt_gate *g = &guest_idt[v];

		g->offset_low = (uint16_t)addr;
		g->selector = PT_GUEST_CODE_SELECTOR;
		g->ist = 0;
		g->type_attr = GUEST_GATE_INTERRUPT;
		g->offset_mid = (uint16_t)(addr >> 16);
		g->offset_high = (uint32_t)(addr >> 32);
		g->reserved = 0;
	}
}

void pt_idt_load(void)
{
	struct guest_idt_pointer ptr = {
		.limit = sizeof(guest_idt) - 1,
		.base = (uint64_t)(uintptr_t)guest_idt,
	};
	uint32_t expected = 0;

	if (__atomic_compare_exchange_n(&guest_idt_state, &expected, 1, 0,
					__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
		guest_idt_build();
		__atomic_store_n(&guest_idt_state, 2, __ATOMIC_RELEASE);
	}
	while (__atomic_load_n(&guest_idt_state, __ATOMIC_ACQUIRE) != 2)
		__asm__ volatile("pause");
	__asm__ volatile("lidt %0" : : "m"(ptr) : "memory");
}

__attribute__((noreturn)) void pt_triple_fault(void)
{
	struct guest_idt_pointer empty = { 0, 0 };

	__asm__ volatile("cli; lidt %0; int3" : : "m"(empty) : "memory");
	for (;;)
		__asm__ volatile("ud2");
}
