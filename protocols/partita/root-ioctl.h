/* SPDX-License-Identifier: MIT */
/* The root driver's interface to user space: /dev/partita ioctls and reads. */
#ifndef PARTITA_ROOT_IOCTL_H
#define PARTITA_ROOT_IOCTL_H

#include <linux/ioctl.h>

#include "abi-types.h"
#include "root.h"

/*
 * /dev/partita belongs to partita.ko in the root partition. Every request
 * that does work carries abi_version; the driver refuses any other value
 * with EPROTO (and a kernel log line naming both versions), so a tool and a
 * driver from different builds never misread each other's structures.
 * PT_IOC_GET_VERSION is the one request whose layout never changes: tools
 * call it first to say which versions disagree.
 *
 * Events: read() on an open file blocks until one of the events selected
 * with PT_IOC_SET_EVENT_MASK is pending, then returns one uint64_t with
 * bit (1 << PT_ROOT_EVENT_*) set for each pending event and clears them.
 * A new file wants every root event. O_NONBLOCK makes read() fail with
 * EAGAIN instead of blocking; poll() reports POLLIN while an event is
 * pending. Events are interrupts from the hypervisor (root.h), never
 * polled; each open file has its own pending set.
 *
 * Errors (errno): EPROTO version mismatch, EPERM hypercalls without
 * CAP_SYS_ADMIN, EINVAL a reserved field or flag set or a size too large,
 * EFAULT a bad user pointer, ENOTTY an unknown request.
 */
#define PT_ROOT_IOCTL_VERSION 1u

#define PT_ROOT_DEVICE_PATH "/dev/partita"
#define PT_IOC_MAGIC 0xE7 /* Partita's own; not registered upstream */

/* struct pt_ioc_version.flags */
#define PT_ROOT_DRV_NOTIFY (1u << 0) /* notification interrupt in use */
#define PT_ROOT_DRV_VPAP (1u << 1)   /* the root's VP assist page is enabled */

/* PT_IOC_GET_VERSION (out): frozen layout, valid for every version. */
struct pt_ioc_version {
	uint32_t abi_version;	    /* the driver's PT_ROOT_IOCTL_VERSION */
	uint32_t interface_version; /* hypervisor, CPUID 0x40000001 EAX */
	uint32_t features;	    /* hypervisor, CPUID 0x40000001 EBX */
	uint32_t flags;		    /* PT_ROOT_DRV_* */
	uint64_t notify_irqs;	    /* notification interrupts taken so far */
	uint64_t reserved[3];
};
PT_ABI_SIZE(struct pt_ioc_version, 48);

/* struct pt_ioc_hypercall.flags */
#define PT_IOC_HC_FAST (1u << 0) /* register call: fast_in/fast_out */

#define PT_IOC_HC_BLOCK_MAX PT_PAGE_SIZE /* in_size and out_size limit */

/*
 * PT_IOC_HYPERCALL (in/out): one hypercall made by the driver for the
 * caller (needs CAP_SYS_ADMIN).
 *
 * Memory call: the driver copies in_size bytes from in_ptr to the start of
 * a zeroed, page-aligned input page and passes its GPA in RDX; it passes a
 * zeroed, page-aligned output page in R8 and copies its first out_size
 * bytes to out_ptr after the call, whatever the status. Fast call: RDX and
 * R8 are fast_in[0] and fast_in[1]; afterwards fast_out[] hold them.
 *
 * The ioctl itself succeeds whenever the hypercall was made: the
 * hypervisor's answer is in result (RAX: status 15:0, reps completed
 * 43:32), which the caller must check.
 */
struct pt_ioc_hypercall {
	uint32_t abi_version; /* in: PT_ROOT_IOCTL_VERSION */
	uint16_t code;	      /* in: PT_CALL_* */
	uint16_t flags;	      /* in: PT_IOC_HC_* */
	uint16_t rep_count;   /* in: 0 or 1..PT_HC_REP_MAX */
	uint16_t rep_start;   /* in: < rep_count */
	uint32_t reserved;    /* in: must be zero */
	uint64_t in_ptr;      /* in: user address of the input block */
	uint64_t out_ptr;     /* in: user address for the output block */
	uint32_t in_size;     /* in: 0..PT_IOC_HC_BLOCK_MAX */
	uint32_t out_size;    /* in: 0..PT_IOC_HC_BLOCK_MAX */
	uint64_t fast_in[2];  /* in: RDX, R8 of a fast call */
	uint64_t fast_out[2]; /* out: RDX, R8 after a fast call */
	uint64_t result;      /* out: RAX */
};
PT_ABI_OFFSET(struct pt_ioc_hypercall, in_ptr, 16);
PT_ABI_OFFSET(struct pt_ioc_hypercall, fast_in, 40);
PT_ABI_OFFSET(struct pt_ioc_hypercall, result, 72);
PT_ABI_SIZE(struct pt_ioc_hypercall, 80);

/* PT_IOC_SET_EVENT_MASK (in): which root events this file waits for. */
struct pt_ioc_event_mask {
	uint32_t abi_version; /* in: PT_ROOT_IOCTL_VERSION */
	uint32_t reserved;    /* in: must be zero */
	uint64_t mask; /* in: bits (1 << PT_ROOT_EVENT_*); others EINVAL */
};
PT_ABI_SIZE(struct pt_ioc_event_mask, 16);

#define PT_IOC_GET_VERSION _IOR(PT_IOC_MAGIC, 0x00, struct pt_ioc_version)
#define PT_IOC_HYPERCALL _IOWR(PT_IOC_MAGIC, 0x01, struct pt_ioc_hypercall)
#define PT_IOC_SET_EVENT_MASK _IOW(PT_IOC_MAGIC, 0x02, struct pt_ioc_event_mask)

/* Every event a root file can wait for. */
#define PT_ROOT_EVENT_ALL                                             \
	((1ull << PT_ROOT_EVENT_LOG) | (1ull << PT_ROOT_EVENT_PING) | \
	 (1ull << PT_ROOT_EVENT_PARTITION) | (1ull << PT_ROOT_EVENT_CONSOLE))

#endif
