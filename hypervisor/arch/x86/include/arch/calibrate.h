/* SPDX-License-Identifier: GPL-2.0-only */
/* TSC and local APIC timer rates, measured against the PIT at boot. */
#ifndef ARCH_CALIBRATE_H
#define ARCH_CALIBRATE_H

#include <hv/types.h>

/* Returns the TSC rate in kHz; records the APIC timer's rate. */
u64 calibrate_timers(void);

#endif
