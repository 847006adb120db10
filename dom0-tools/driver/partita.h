/* SPDX-License-Identifier: GPL-2.0-only */
/* Internal interfaces between the parts of partita.ko, the root's driver. */
#ifndef PARTITA_DRIVER_H
#define PARTITA_DRIVER_H

#include <linux/types.h>

#include <partita/hypercall.h>
#include <partita/root-ioctl.h>

/* What discovery found out about the hypervisor (CPUID 0x40000000+). */
struct partita_hv {
	u32 interface_version;
	u32 features;
	u32 msr_guest_os_id;
	u32 msr_hypercall;
	u32 msr_vp_assist;
};

extern struct partita_hv partita_hv;

/*
 * partita-hcall.c: the hypercall page. partita_hcall() may sleep only in
 * the sense that the hypervisor may continue a long call; the caller holds
 * partita_hcall_lock whenever it uses the shared input and output pages.
 */
int partita_hcall_enable(void);
void partita_hcall_disable(void);
u64 partita_hcall(u64 input, u64 *rdx, u64 *r8);

/* partita-vpap.c: the root vCPU's VP assist page and its event bits. */
int partita_vpap_enable(void);
void partita_vpap_disable(void);
u64 partita_vpap_take_events(void);

/* partita-notify.c: the hypervisor's notification PCI function and MSI. */
int partita_notify_init(void);
void partita_notify_exit(void);
bool partita_notify_active(void);
u64 partita_notify_irqs(void);

/* partita-dev.c: /dev/partita and the per-file event sets. */
int partita_dev_init(void);
void partita_dev_exit(void);
void partita_events_deliver(u64 events);

#endif
