/* SPDX-License-Identifier: GPL-2.0-only */
/* What the SVM files share among themselves (nothing outside svm/ uses it). */
#ifndef SVM_SVM_H
#define SVM_SVM_H

#include <arch/vcpu-state.h>
#include <hv/types.h>

/* One VMRUN with the guest's general registers (vmrun.asm). */
void svm_vmrun(u64 vmcb_pa, struct guest_gprs *regs);
/* The instruction after its VMRUN: where every #VMEXIT resumes the host. */
extern const u8 svm_vmrun_host_resume[];

struct vcpu;
struct vmcb;
/*
 * Logs the state of an exit that is about to kill the guest, in two lines
 * (svm-exit-report.c): what the exit recorded, what the VMRUN started
 * from, and what the faulting GPA is when it is the hypervisor's own.
 */
void svm_report_exit(const struct vcpu *v, const struct vmcb *vmcb);
/*
 * True when the VMCB's guest state is the hypervisor's own: RIP at the
 * VMSAVE after its VMRUN and CR3 its own page tables. The hypervisor never
 * writes either field with those; QEMU 7.2's TCG has saved its host state
 * as the guest's (docs/testing.md, "Known emulator issues"). A guest that
 * set both on purpose would be killed all the same, under that name.
 */
bool svm_exit_holds_host_state(const struct vmcb *vmcb);
/*
 * A shutdown the emulator caused: a "not present" fetch #PF at the very
 * RIP the last VMRUN entered at (nothing of the guest ran), then faults
 * on the #PF and #DF gates, while the guest's page tables, as they stand,
 * permit all three accesses.
 */
bool svm_shutdown_lost_paging(const struct vcpu *v, const struct vmcb *vmcb);

/* Set by vendor_init_global from CPUID 0x8000000A and the EFER probe. */
extern bool svm_has_nrip;
extern u64 svm_efer_writable;

#endif
