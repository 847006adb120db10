/* SPDX-License-Identifier: GPL-2.0-only */
/* The root partition: the privileged partition 0 that runs Linux. */
#ifndef HV_ROOT_H
#define HV_ROOT_H

#include "types.h"

struct boot_info;
struct partition;

/* Reserves the root's CPU, so guests are kept off it. */
void root_reserve_cpu(const struct boot_info *bi);
/* Builds partition 0 from the boot config; false if there is none. */
bool root_create(const struct boot_info *bi);
bool root_present(void);
/* The root partition ran and ended: the machine goes down. */
bool root_ended(void);
/* Lets the root's CPU start Linux (after boot guests are created). */
void root_release(void);
bool root_is_cpu(u32 cpu);
u64 root_cpu_mask(void);

/* Runs the root's vCPU on this CPU; returns only if the root ends. */
void root_run(void);

/*
 * Sets event `bit` (PT_ROOT_EVENT_*) for the root and interrupts it unless
 * an earlier notification is still unacknowledged. Safe from any CPU; must
 * not be called with the log lock held.
 */
void root_notify(unsigned bit);
/* PT_CALL_ROOT_PING: counts and answers with PT_ROOT_EVENT_PING. */
void root_ping(void);

/* Architecture: partition 0's memory view, boot state and vCPU. */
int arch_root_build(struct partition *p, const struct boot_info *bi);
/* Interrupts the root (its notification MSI); false if not set up. */
bool arch_root_signal(void);

#endif
