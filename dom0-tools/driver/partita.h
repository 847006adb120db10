/* SPDX-License-Identifier: GPL-2.0-only */
/* Internal interfaces between the parts of partita.ko, the root's driver. */
#ifndef PARTITA_DRIVER_H
#define PARTITA_DRIVER_H

#include <linux/mutex.h>
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

/* The root's partition id: connection ids of its slots are built from it. */
#define PARTITA_ROOT_ID 0u

/*
 * partita-hcall.c: the hypercall page and the one pair of pages for memory
 * calls. partita_hcall() may sleep only in the sense that the hypervisor
 * may continue a long call. Every root hypercall is made with
 * partita_hcall_lock held (the hypervisor keeps a continued call's
 * progress per vCPU), and the in/out pages belong to the holder. The lock
 * is a mutex: never call from atomic context.
 */
extern struct mutex partita_hcall_lock;
int partita_hcall_enable(void);
void partita_hcall_disable(void);
u64 partita_hcall(u64 input, u64 *rdx, u64 *r8);
void *partita_hcall_in(void);
void *partita_hcall_out(void);
u64 partita_hcall_memory(u64 input);
u16 partita_fast_call(u16 code, u64 *rdx, u64 *r8);
int partita_status_errno(u16 status);

/* partita-vpap.c: the root vCPU's VP assist page and its event bits. */
int partita_vpap_enable(void);
void partita_vpap_disable(void);
u64 partita_vpap_take_events(void);
u64 partita_vpap_take_port_sel(void);
u64 partita_vpap_take_msg_slots(void);

/* partita-notify.c: the hypervisor's notification PCI function and MSI. */
int partita_notify_init(void);
void partita_notify_exit(void);
bool partita_notify_active(void);
u64 partita_notify_irqs(void);

/* partita-dev.c: /dev/partita and the per-file event sets. */
int partita_dev_init(void);
void partita_dev_exit(void);
void partita_events_deliver(u64 events);

/*
 * The messaging files, each opened by an ioctl on /dev/partita and
 * returned as a new file descriptor. *_init registers what the hypervisor
 * needs at load; when it refuses, the rest of the driver still loads and
 * *_open answers ENODEV.
 */
/* partita-evtchn.c: the root's event page and event port files. */
int partita_evtchn_init(void);
void partita_evtchn_exit(void);
void partita_evtchn_deliver(void); /* notification IRQ: ports pending */
long partita_evtchn_open(void);

/* partita-msg.c: the root vCPU's message page and message files. */
int partita_msg_init(void);
void partita_msg_exit(void);
void partita_msg_kick(void); /* notification IRQ: slots filled */
long partita_msg_open(void);

/* partita-gntdev.c: the root's grant window and grant mapping files. */
int partita_gntdev_init(void);
void partita_gntdev_exit(void);
long partita_gntdev_open(void);

/* partita-dev.c helpers shared by the files above. */
int partita_check_admin(void); /* 0, or -EPERM without CAP_SYS_ADMIN */
int partita_check_version(u32 version, const char *request);
long partita_ioctl_mismatch(unsigned int cmd, const unsigned int *known,
			    unsigned int count);

#endif
