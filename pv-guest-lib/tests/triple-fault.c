// SPDX-License-Identifier: MIT
/*
 * Containment test guest: loads an empty IDT and traps, a triple fault that
 * must kill this partition only.
 */
#include <partita-guest/guest.h>

#include "report.h"

int guest_main(const struct pt_start_info *si, unsigned vcpu)
{
	pt_guest_init();
	if (vcpu != 0)
		return 0;
	pt_printf("triple-fault: loading an empty IDT and executing int3, "
		  "expecting to be killed\n");
	pt_triple_fault();
}
