/* SPDX-License-Identifier: MIT */
/* Synthetic MSRs: guest OS identity, hypercall page and VP assist page. */
#ifndef PARTITA_MSR_H
#define PARTITA_MSR_H

/*
 * The numbers are also published in CPUID leaf 0x40000002; guests should
 * read them from there.
 *
 * GUEST_OS_ID: any non-zero value identifies the guest OS. Until it is
 * non-zero, the hypercall page cannot be enabled.
 *
 * HYPERCALL: bit 0 enable, bits 63:12 guest page frame number. Writing it
 * with enable set (and a guest OS ID set) overlays the guest page with the
 * call stub. Without a guest OS ID the write is accepted but the enable bit
 * reads back as 0. A GPFN outside the guest's memory raises #GP.
 *
 * VP_ASSIST: bit 0 enable, bits 63:12 GPFN of this vCPU's assist page.
 * Enabling it zeroes the whole struct pt_vpap and fills in the
 * hypervisor's fields, so set upcall_vector after enabling.
 *
 * GUEST_OS_ID and HYPERCALL are per partition (any vCPU may write them);
 * VP_ASSIST and VP_INDEX are per vCPU.
 */
#define PT_MSR_GUEST_OS_ID 0x40000000u
#define PT_MSR_HYPERCALL 0x40000001u
#define PT_MSR_VP_ASSIST 0x40000002u
#define PT_MSR_VP_INDEX 0x40000003u /* read-only: this vCPU's index */

#define PT_MSR_PAGE_ENABLE 0x1ull
#define PT_MSR_PAGE_GPFN_SHIFT 12
#define PT_MSR_PAGE_RESERVED_MASK 0xFFEull /* bits 11:1 must be zero */

#endif
