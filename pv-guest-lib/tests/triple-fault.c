// SPDX-License-Identifier: MIT
/*
 * Containment test guest: a triple fault that must kill this partition
 * only. Without a case it loads an empty IDT and traps. case=nested
 * disables its hypercall page and executes ud2: the library's crash
 * report then takes a second #UD at its own hypercall, and so hands both
 * exceptions to the hypervisor's kill report in registers.
 */
#include <partita-guest/guest.h>
#include <partita/msr.h>

#include "report.h"
#include "string.h"

/* A ud2 at an address the test can print and look for. */
extern const char crash_ud2_site[];
__asm__(".text\n.globl crash_ud2_site\ncrash_ud2_site:\n\tud2\n");

int guest_main(const struct pt_start_info *si, unsigned vcpu)
{
	char what[16];

	pt_guest_init();
	if (vcpu != 0)
		return 0;
	if (pt_cmdline_str("case", what, sizeof(what)) &&
	    !strcmp(what, "nested")) {
		pt_printf(
			"triple-fault: ud2 at 0x%lx, hypercall page at 0x%lx, "
			"turning the page off\n",
			(unsigned long)(uintptr_t)crash_ud2_site,
			(unsigned long)pt_hypercall_page_gpa());
		pt_wrmsr(PT_MSR_HYPERCALL, 0);
		((void (*)(void))(uintptr_t)crash_ud2_site)();
	}
	pt_printf("triple-fault: loading an empty IDT and executing int3, "
		  "expecting to be killed\n");
	pt_triple_fault();
}
