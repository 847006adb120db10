/* SPDX-License-Identifier: MIT */
/* The root driver's interface to user space: /dev/partita ioctls and reads. */
#ifndef PARTITA_ROOT_IOCTL_H
#define PARTITA_ROOT_IOCTL_H

#include <linux/ioctl.h>

#include "abi-types.h"
#include "grants.h"
#include "messages.h"
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
 * Errors (errno), on every file the driver hands out: ENOTTY an unknown
 * request (or GET_VERSION of another size), EPROTO a known request of
 * another size or a version mismatch, EPERM a request that acts (a
 * hypercall, an open, any request or mmap on a messaging file) without
 * CAP_SYS_ADMIN at the time it is made, EFAULT a bad user pointer (also
 * after a call that was made, when its answer cannot be written back),
 * EINVAL a reserved field, flag or out-of-range value, E2BIG a block, list
 * or batch over its limit (docs/root-driver.md has the table).
 */
#define PT_ROOT_IOCTL_VERSION 2u

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
 * 43:32), which the caller must check. A memory rep call's list must fit
 * the page: QUERY_PAGES and GRANT_UNMAP 512 elements, GRANT_MAP 256,
 * GRANT_COPY 170 (E2BIG beyond); other memory rep calls are EINVAL.
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

/*
 * Messaging for root user space (CAP_SYS_ADMIN, for the open and again
 * for every request and mmap on the new file; read and poll need none).
 * Three requests on /dev/partita each return a new file descriptor
 * (O_CLOEXEC) of its own kind; closing it undoes everything made through
 * it.
 *
 * PT_IOC_EVTCHN_OPEN: an event port file, as Xen's evtchn device. Its
 * requests take struct pt_ioc_evtchn: BIND_UNBOUND (remote_id; out port),
 * BIND_INTERDOMAIN (remote_id, remote_port; out port), BIND_VIRQ (virq;
 * out port), UNBIND (port), NOTIFY (port: EVTCHN_SEND), UNMASK (port). The
 * ports are the root's, bound to its vCPU 0. read() blocks until a port
 * bound through this file fires, then returns one uint32_t port number per
 * fired port (as many as fit; at least 4 bytes must be asked for). A port
 * that fired is masked until the reader calls UNMASK, so a flooding peer
 * costs one wake-up per read. poll() reports POLLIN while ports wait.
 * Errors: hypervisor statuses map to errno (INVALID_PORT_ID, NOT_FOUND:
 * ENOENT; INVALID_PARTITION_ID: ESRCH; ACCESS_DENIED: EACCES;
 * NO_RESOURCES: ENOSPC; INVALID_PARTITION_STATE: EBUSY; INVALID_PARAMETER:
 * EINVAL), and a port not bound through this file is ENOENT.
 *
 * PT_IOC_GNTDEV_OPEN: a grant mapping file, as Xen's gntdev. MAP_GRANTS
 * (struct pt_ioc_gnt_map) maps `count` grants of one granter into the
 * root's grant window and returns an offset; mmap() of the file at that
 * offset with count pages gives them to the process (PROT_WRITE needs a
 * read-write mapping). UNMAP_GRANTS (offset) unmaps them again once no
 * mmap of them is left (EBUSY before). COPY (struct pt_ioc_gnt_copy) is
 * GRANT_COPY between a grant and a user buffer; a refused copy fails the
 * ioctl with the errno of its status and also fills `status`. A failed map unwinds what
 * it mapped and reports the failing element (index, status).
 *
 * PT_IOC_MSG_OPEN: a message file. CONNECT (struct pt_ioc_msg_connect)
 * creates a connection to the root's vCPU 0 on a free slot; messages that
 * arrive through it are read() from this file as struct pt_ioc_msg, whole
 * messages only. POST (struct pt_ioc_msg_post) posts to any connection;
 * the ioctl succeeds whenever the call was made, and its `status` is the
 * hypervisor's (PT_STATUS_INSUFFICIENT_BUFFERS when the queue is full:
 * retry). poll() reports POLLIN while messages wait.
 */
struct pt_ioc_evtchn {
	uint32_t abi_version; /* in: PT_ROOT_IOCTL_VERSION */
	uint32_t port;	      /* in or out, as the request says */
	uint32_t remote_id;   /* in: the other partition */
	uint32_t remote_port; /* in: BIND_INTERDOMAIN */
	uint32_t virq;	      /* in: BIND_VIRQ */
	uint32_t reserved;    /* in: must be zero */
};
PT_ABI_SIZE(struct pt_ioc_evtchn, 24);

#define PT_IOC_GNT_MAP_MAX 64u	      /* grants in one MAP_GRANTS */
#define PT_IOC_GNT_READONLY (1u << 0) /* map read-only */

struct pt_ioc_gnt_map {
	uint32_t abi_version;	/* in */
	uint32_t granter;	/* in: partition id */
	uint32_t count;		/* in: 1 .. PT_IOC_GNT_MAP_MAX */
	uint32_t flags;		/* in: PT_IOC_GNT_* */
	uint64_t refs_ptr;	/* in: user address of uint32_t refs[count] */
	uint64_t offset;	/* out: for mmap() and UNMAP_GRANTS */
	uint32_t failed_index;	/* out: the element that failed, if any */
	uint32_t failed_status; /* out: its hypervisor status */
};
PT_ABI_SIZE(struct pt_ioc_gnt_map, 40);

struct pt_ioc_gnt_unmap {
	uint32_t abi_version; /* in */
	uint32_t reserved;    /* in: must be zero */
	uint64_t offset;      /* in: from MAP_GRANTS */
};
PT_ABI_SIZE(struct pt_ioc_gnt_unmap, 16);

struct pt_ioc_gnt_copy {
	uint32_t abi_version; /* in */
	uint32_t granter;     /* in */
	uint32_t ref;	      /* in */
	uint32_t flags;	      /* in: PT_GRANT_COPY_TO_GRANT or 0 */
	uint32_t offset;      /* in: in the granted frame */
	uint32_t length;      /* in: 1 .. 4096, offset + length <= 4096 */
	uint64_t buf_ptr;     /* in: user buffer of length bytes */
	uint32_t status;      /* out: the hypervisor's status */
	uint32_t reserved;
};
PT_ABI_SIZE(struct pt_ioc_gnt_copy, 40);

struct pt_ioc_msg_connect {
	uint32_t abi_version;	/* in */
	uint32_t sender;	/* in: partition id or PT_MSG_ANY_SENDER */
	uint32_t depth;		/* in: 0 = default */
	uint32_t connection_id; /* out */
};
PT_ABI_SIZE(struct pt_ioc_msg_connect, 16);

struct pt_ioc_msg_post {
	uint32_t abi_version;	   /* in */
	uint32_t status;	   /* out: PT_STATUS_* from the hypervisor */
	struct pt_msg_post_in msg; /* in */
};
PT_ABI_SIZE(struct pt_ioc_msg_post, 264);

/* One received message, as read() returns it. */
struct pt_ioc_msg {
	uint32_t connection_id;
	uint32_t sender_id;
	uint32_t message_type;
	uint32_t payload_size;
	uint8_t payload[PT_MSG_PAYLOAD_MAX];
};
PT_ABI_SIZE(struct pt_ioc_msg, 256);

#define PT_IOC_GET_VERSION _IOR(PT_IOC_MAGIC, 0x00, struct pt_ioc_version)
#define PT_IOC_HYPERCALL _IOWR(PT_IOC_MAGIC, 0x01, struct pt_ioc_hypercall)
#define PT_IOC_SET_EVENT_MASK _IOW(PT_IOC_MAGIC, 0x02, struct pt_ioc_event_mask)
#define PT_IOC_EVTCHN_OPEN _IO(PT_IOC_MAGIC, 0x10)
#define PT_IOC_GNTDEV_OPEN _IO(PT_IOC_MAGIC, 0x11)
#define PT_IOC_MSG_OPEN _IO(PT_IOC_MAGIC, 0x12)
/* On an event port file. */
#define PT_IOC_EVTCHN_BIND_UNBOUND \
	_IOWR(PT_IOC_MAGIC, 0x20, struct pt_ioc_evtchn)
#define PT_IOC_EVTCHN_BIND_INTERDOMAIN \
	_IOWR(PT_IOC_MAGIC, 0x21, struct pt_ioc_evtchn)
#define PT_IOC_EVTCHN_BIND_VIRQ _IOWR(PT_IOC_MAGIC, 0x22, struct pt_ioc_evtchn)
#define PT_IOC_EVTCHN_UNBIND _IOW(PT_IOC_MAGIC, 0x23, struct pt_ioc_evtchn)
#define PT_IOC_EVTCHN_NOTIFY _IOW(PT_IOC_MAGIC, 0x24, struct pt_ioc_evtchn)
#define PT_IOC_EVTCHN_UNMASK _IOW(PT_IOC_MAGIC, 0x25, struct pt_ioc_evtchn)
/* On a grant mapping file. */
#define PT_IOC_GNT_MAP_GRANTS _IOWR(PT_IOC_MAGIC, 0x30, struct pt_ioc_gnt_map)
#define PT_IOC_GNT_UNMAP_GRANTS \
	_IOW(PT_IOC_MAGIC, 0x31, struct pt_ioc_gnt_unmap)
#define PT_IOC_GNT_COPY _IOWR(PT_IOC_MAGIC, 0x32, struct pt_ioc_gnt_copy)
/* On a message file. */
#define PT_IOC_MSG_CONNECT _IOWR(PT_IOC_MAGIC, 0x40, struct pt_ioc_msg_connect)
#define PT_IOC_MSG_POST _IOWR(PT_IOC_MAGIC, 0x41, struct pt_ioc_msg_post)

/* Every event a root file can wait for. */
#define PT_ROOT_EVENT_ALL                                             \
	((1ull << PT_ROOT_EVENT_LOG) | (1ull << PT_ROOT_EVENT_PING) | \
	 (1ull << PT_ROOT_EVENT_PARTITION) | (1ull << PT_ROOT_EVENT_CONSOLE))
/* Handled inside the driver (message and port files), never read(). */
#define PT_ROOT_EVENT_DRIVER \
	((1ull << PT_ROOT_EVENT_PORTS) | (1ull << PT_ROOT_EVENT_MESSAGES))

#endif
