/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The hooks a virtualization vendor (AMD SVM today) provides to the
 * vendor-neutral x86 code. Exactly one vendor's objects are linked in
 * (hypervisor/CMakeLists.txt: HV_VENDOR_SOURCES); nothing outside the
 * vendor's folder names its functions.
 */
#ifndef ARCH_VENDOR_H
#define ARCH_VENDOR_H

/* Once, on the boot CPU: checks the CPU and builds shared structures
 * (permission maps). Stops the machine if the extension is missing. */
void vendor_init_global(void);
/* On every CPU: enables the extension and its host save area. */
void vendor_init_cpu(void);

#endif
