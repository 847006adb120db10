/* SPDX-License-Identifier: MIT */
/* CPUID discovery leaves (0x40000000 and up) that identify Partita. */
#ifndef PARTITA_CPUID_H
#define PARTITA_CPUID_H

/*
 * Leaf 1 ECX bit 31 says "a hypervisor is present"; then:
 *
 * 0x40000000  EAX = highest Partita leaf,
 *             EBX:ECX:EDX = "PartitaHyper" (ASCII, little-endian per reg)
 * 0x40000001  EAX = interface version (major << 16 | minor)
 *             EBX = feature bits (PT_FEATURE_*), ECX = EDX = 0
 * 0x40000002  EAX = guest OS ID MSR, EBX = hypercall page MSR,
 *             ECX = VP assist page MSR, EDX = 0
 * 0x40000003  EAX = maximum rep count, EBX = continuation budget in us,
 *             ECX = maximum partitions, EDX = maximum vCPUs per partition
 * 0x40000004  EAX:EBX = TSC frequency in kHz (low:high), ECX = EDX = 0
 */
#define PT_CPUID_LEAF_VENDOR 0x40000000u
#define PT_CPUID_LEAF_VERSION 0x40000001u
#define PT_CPUID_LEAF_MSRS 0x40000002u
#define PT_CPUID_LEAF_LIMITS 0x40000003u
#define PT_CPUID_LEAF_TIME 0x40000004u
#define PT_CPUID_LEAF_MAX PT_CPUID_LEAF_TIME

#define PT_CPUID_HV_PRESENT_BIT 31 /* leaf 1, ECX */

/* "PartitaHyper" split over EBX, ECX, EDX. */
#define PT_CPUID_SIG_EBX 0x74726150u /* "Part" */
#define PT_CPUID_SIG_ECX 0x48617469u /* "itaH" */
#define PT_CPUID_SIG_EDX 0x72657079u /* "yper" */

#define PT_INTERFACE_MAJOR 1u
#define PT_INTERFACE_MINOR 0u
#define PT_INTERFACE_VERSION ((PT_INTERFACE_MAJOR << 16) | PT_INTERFACE_MINOR)

#define PT_FEATURE_HYPERCALL_PAGE (1u << 0)
#define PT_FEATURE_VPAP (1u << 1)
#define PT_FEATURE_TIMER (1u << 2)
#define PT_FEATURE_REP_CONTINUATION (1u << 3)
#define PT_FEATURE_CALL_STATS (1u << 4)
#define PT_FEATURE_EVENT_PORTS (1u << 5)
#define PT_FEATURE_MESSAGES (1u << 6)
#define PT_FEATURE_GRANTS (1u << 7)

#endif
