/* SPDX-License-Identifier: MIT */
/* What the root partition's driver needs: its notification device, events. */
#ifndef PARTITA_ROOT_H
#define PARTITA_ROOT_H

#include "abi-types.h"

/*
 * Notifications to the root are interrupts, never polling. The hypervisor
 * presents one synthetic PCI function on bus 0 of the root (config space
 * through ports 0xCF8-0xCFF; the root is booted with pci=nommconf). It has
 * no BARs and one MSI capability (64-bit address, one vector). The root's
 * driver enables MSI the normal Linux way; to notify, the hypervisor sets
 * bits in the root vCPU's VPAP pending_events and sends the programmed MSI
 * vector to the programmed CPU. No EOI or acknowledgement hypercall is
 * needed: the driver exchanges pending_events to 0 in its handler.
 *
 * The IDs are Partita's own, not registered with the PCI-SIG.
 */
#define PT_PCI_VENDOR_ID 0x5041u /* "PA" */
#define PT_PCI_DEVICE_ID 0x5254u /* "RT" */
#define PT_PCI_CLASS 0x088000u	 /* system peripheral, other */
#define PT_PCI_MSI_CAP_OFFSET 0x40u

/* Event bits in the root vCPU's VPAP pending_events. */
#define PT_ROOT_EVENT_LOG 1u	   /* new text in the hypervisor log */
#define PT_ROOT_EVENT_PING 2u	   /* answer to PT_CALL_ROOT_PING */
#define PT_ROOT_EVENT_PARTITION 3u /* a partition changed state */
#define PT_ROOT_EVENT_CONSOLE 4u   /* a guest wrote to its console */
#define PT_ROOT_EVENT_PORTS 5u	   /* event ports pending (events.h) */
#define PT_ROOT_EVENT_MESSAGES 6u  /* message slots filled (messages.h) */

/*
 * The root partition's guest-physical memory is host-physical memory,
 * identity-mapped, except the hypervisor's own memory and the guest pool:
 * those are e820 "reserved" for the root, and a root access to them is
 * refused with #GP(0) injected at the faulting instruction (and logged).
 */

#endif
