// SPDX-License-Identifier: MIT
/*
 * In-guest test that hypercalls are the kernel's only: code at CPL 3 that
 * executes vmmcall, directly or through the hypercall page, gets #UD and
 * the call is not served (it asks for a crash shutdown, which would end
 * this partition).
 */
#include <partita-guest/guest.h>

#include "report.h"
#include "string.h"

/*
 * The test builds its own GDT (with user segments and a TSS, whose RSP0 is
 * the stack the CPU switches to when an exception leaves user mode) and
 * its own IDT (#UD, #GP and #PF come back to the kernel; anything else is
 * a failure), and makes the boot page tables user-accessible.
 */
#define SEL_KCODE 0x08
#define SEL_KDATA 0x10
#define SEL_UDATA (0x18 | 3)
#define SEL_UCODE (0x20 | 3)
#define SEL_TSS 0x28

struct tss64 {
	uint32_t reserved0;
	uint64_t rsp0, rsp1, rsp2;
	uint64_t reserved1;
	uint64_t ist[7];
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base;
} __attribute__((packed));

struct idt_gate {
	uint16_t offset_lo, selector;
	uint8_t ist, type;
	uint16_t offset_mid;
	uint32_t offset_hi, reserved;
};

static uint64_t gdt[7] __attribute__((aligned(16)));
static struct tss64 tss __attribute__((aligned(16)));
static struct idt_gate idt[256] __attribute__((aligned(16)));
static uint8_t kernel_stack[8192] __attribute__((aligned(16)));
uint8_t user_stack[8192] __attribute__((aligned(16)));

/* Filled by the exception stub: what came back from user mode. */
volatile uint64_t user_trap_vector, user_trap_rip, user_trap_cs;
/* Where the stub resumes the kernel: saved by run_user. */
uint64_t kernel_resume_rsp;

uint64_t user_hypercall_page; /* the page's GPA, for the user code */

/* run_user(entry): enters user mode at entry; returns when it traps. */
uint64_t run_user(uint64_t entry);
void user_trap_ud(void), user_trap_gp(void), user_trap_pf(void),
	user_trap_other(void);
void user_direct_vmmcall(void), user_page_call(void);
extern const char user_direct_site[], user_page_site[];

__asm__(".text\n"
	".globl run_user\n"
	"run_user:\n"
	"	push %rbx; push %rbp; push %r12; push %r13; push %r14; push "
	"%r15\n"
	"	mov %rsp, kernel_resume_rsp(%rip)\n"
	"	lea user_stack+8192(%rip), %rax\n"
	"	pushq $0x1b\n" /* SS: user data, RPL 3 */
	"	pushq %rax\n"  /* RSP */
	"	pushq $0x2\n"  /* RFLAGS: interrupts off */
	"	pushq $0x23\n" /* CS: user code, RPL 3 */
	"	pushq %rdi\n"  /* RIP */
	"	iretq\n"
	/* Exception stubs: record, then go back to run_user's caller. */
	".macro trap_stub name, vector, has_error\n"
	"\\name:\n"
	"	.if \\has_error\n"
	"	add $8, %rsp\n"
	"	.endif\n"
	"	movq $\\vector, user_trap_vector(%rip)\n"
	"	mov (%rsp), %rax\n"
	"	mov %rax, user_trap_rip(%rip)\n"
	"	mov 8(%rsp), %rax\n"
	"	mov %rax, user_trap_cs(%rip)\n"
	"	mov kernel_resume_rsp(%rip), %rsp\n"
	"	mov $0x10, %ax\n"
	"	mov %ax, %ss\n"
	"	pop %r15; pop %r14; pop %r13; pop %r12; pop %rbp; pop %rbx\n"
	"	mov user_trap_vector(%rip), %rax\n"
	"	ret\n"
	".endm\n"
	".globl user_trap_ud, user_trap_gp, user_trap_pf, user_trap_other\n"
	"trap_stub user_trap_ud, 6, 0\n"
	"trap_stub user_trap_gp, 13, 1\n"
	"trap_stub user_trap_pf, 14, 1\n"
	"trap_stub user_trap_other, 255, 0\n"
	/* User code: ask for a crash shutdown, which must not be served. */
	".globl user_direct_vmmcall, user_page_call\n"
	".globl user_direct_site, user_page_site\n"
	"user_direct_vmmcall:\n"
	"	mov $0x10008, %rcx\n" /* SHUTDOWN_SELF, fast */
	"	mov $1, %rdx\n"	      /* PT_SHUTDOWN_CRASH */
	"	xor %r8, %r8\n"
	"user_direct_site:\n"
	"	vmmcall\n"
	"	ud2\n"
	"user_page_call:\n"
	"	mov $0x10008, %rcx\n"
	"	mov $1, %rdx\n"
	"	xor %r8, %r8\n"
	"	mov user_hypercall_page(%rip), %rax\n"
	"user_page_site:\n"
	"	call *%rax\n"
	"	ud2\n");

static void set_gate(unsigned vector, void (*fn)(void))
{
	uint64_t a = (uint64_t)(uintptr_t)fn;

	idt[vector] = (struct idt_gate){
		(uint16_t)a,	     SEL_KCODE,		  0, 0x8E,
		(uint16_t)(a >> 16), (uint32_t)(a >> 32), 0
	};
}

/* Code/data descriptors: present, DPL, and L for 64-bit code. */
static uint64_t seg(int code, unsigned dpl)
{
	return code ? 0x00AF9A000000FFFFull | ((uint64_t)dpl << 45)
		    : 0x00CF92000000FFFFull | ((uint64_t)dpl << 45);
}

static void load_tables(void)
{
	uint64_t base = (uint64_t)(uintptr_t)&tss, limit = sizeof(tss) - 1;
	struct {
		uint16_t limit;
		uint64_t base;
	} __attribute__((packed))
	gdtr = { sizeof(gdt) - 1, (uint64_t)(uintptr_t)gdt },
	idtr = { sizeof(idt) - 1, (uint64_t)(uintptr_t)idt };

	gdt[1] = seg(1, 0);
	gdt[2] = seg(0, 0);
	gdt[3] = seg(0, 3);
	gdt[4] = seg(1, 3);
	/* 64-bit available TSS (type 9), present. */
	gdt[5] = (limit & 0xFFFF) | ((base & 0xFFFFFF) << 16) |
		 (0x89ull << 40) | ((base >> 24) & 0xFF) << 56;
	gdt[6] = base >> 32;
	tss.rsp0 = (uint64_t)(uintptr_t)(kernel_stack + sizeof(kernel_stack));
	tss.iomap_base = sizeof(tss);
	for (unsigned v = 0; v < 256; v++)
		set_gate(v, user_trap_other);
	set_gate(6, user_trap_ud);
	set_gate(13, user_trap_gp);
	set_gate(14, user_trap_pf);
	__asm__ volatile("lgdt %0\n"
			 "pushq $0x08; lea 1f(%%rip), %%rax; pushq %%rax\n"
			 "lretq\n"
			 "1: mov $0x10, %%ax; mov %%ax, %%ds; mov %%ax, %%es\n"
			 "mov %%ax, %%ss\n"
			 "mov $0x28, %%ax; ltr %%ax\n"
			 "lidt %1"
			 :
			 : "m"(gdtr), "m"(idtr)
			 : "rax", "memory");
}

/* The user bit on every level of the boot identity map of RAM. */
static void open_page_tables(const struct pt_start_info *si)
{
	volatile uint64_t *pml4 =
		(uint64_t *)(uintptr_t)PT_GUEST_PAGE_TABLE_GPA;
	volatile uint64_t *pdpt = (uint64_t *)(uintptr_t)(pml4[0] & ~0xFFFull);
	uint64_t cr3;

	pml4[0] |= 4;
	for (uint64_t gib = 0; gib * (1ull << 30) < si->memory_bytes; gib++) {
		volatile uint64_t *pd =
			(uint64_t *)(uintptr_t)(pdpt[gib] & ~0xFFFull);

		pdpt[gib] |= 4;
		for (unsigned i = 0; i < 512; i++) {
			if (pd[i] & 1)
				pd[i] |= 4;
		}
	}
	__asm__ volatile("mov %%cr3, %0; mov %0, %%cr3" : "=r"(cr3)::"memory");
}

static int check(const char *name, uint64_t vector, const char *site)
{
	int pass = vector == 6 && user_trap_rip == (uint64_t)(uintptr_t)site &&
		   (user_trap_cs & 3) == 3;

	return report(name, pass, "vector=%lu rip=0x%lx cs=0x%lx site=0x%lx",
		      (unsigned long)vector, (unsigned long)user_trap_rip,
		      (unsigned long)user_trap_cs,
		      (unsigned long)(uintptr_t)site);
}

int guest_main(const struct pt_start_info *si, unsigned vcpu)
{
	int failures = 0;
	uint64_t vector;

	pt_guest_init();
	if (vcpu != 0)
		return 0;
	user_hypercall_page = pt_hypercall_page_gpa();
	load_tables();
	open_page_tables(si);

	vector = run_user((uint64_t)(uintptr_t)user_direct_vmmcall);
	failures += !check("user-vmmcall-ud", vector, user_direct_site);
	/* Through the page the #UD is at the page's vmmcall (after endbr64). */
	vector = run_user((uint64_t)(uintptr_t)user_page_call);
	failures += !report("user-hypercall-page-ud",
			    vector == 6 &&
				    user_trap_rip == user_hypercall_page + 4 &&
				    (user_trap_cs & 3) == 3,
			    "vector=%lu rip=0x%lx page=0x%lx",
			    (unsigned long)vector, (unsigned long)user_trap_rip,
			    (unsigned long)user_hypercall_page);
	/* Back to the library's IDT before anything can raise an upcall. */
	pt_idt_load();
	/* The kernel still reaches the hypervisor. */
	failures += !report("kernel-hypercall", pt_call_null() == 0, "null");
	report("user-hypercall", failures == 0, "failed=%d", failures);
	return 0;
}
