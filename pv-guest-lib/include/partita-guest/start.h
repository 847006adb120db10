/* SPDX-License-Identifier: MIT */
/* Guest entry: what crt0 calls, the start-info page and one-call set-up. */
#ifndef PARTITA_GUEST_START_H
#define PARTITA_GUEST_START_H

#include <partita/start-info.h>

/*
 * The guest program's entry, called by crt0 on every vCPU with interrupts
 * disabled, on a per-vCPU stack, after .bss was cleared. Nothing else is
 * set up: no hypercall page, VPAP or IDT (call pt_guest_init for those).
 *
 * When it returns on vCPU 0 the partition shuts down (PT_SHUTDOWN_POWEROFF
 * for 0, PT_SHUTDOWN_CRASH otherwise); other vCPUs halt for good.
 */
int guest_main(const struct pt_start_info *si, unsigned vcpu);

/* The start-info page (at PT_GUEST_START_INFO_GPA). */
static inline const struct pt_start_info *pt_start_info(void)
{
	return (const struct pt_start_info *)(unsigned long)
		PT_GUEST_START_INFO_GPA;
}

/*
 * Everything a usual guest wants, on every vCPU: on vCPU 0 discovery, the
 * hypercall page, the IDT, the VPAP and upcalls on PT_GUEST_UPCALL_VECTOR;
 * other vCPUs wait for vCPU 0 to get that far, then do their own IDT, VPAP
 * and upcalls. Returns 0; on failure panics (a triple fault if the
 * hypercall page could not be enabled).
 */
int pt_guest_init(void);

/* First and last (exclusive) GPA of the loaded image, from the linker. */
uint64_t pt_image_start(void);
uint64_t pt_image_end(void);

#endif
