/* SPDX-License-Identifier: MIT */
/* Event ports: doorbells between partitions, and the event page they use. */
#ifndef PARTITA_EVENTS_H
#define PARTITA_EVENTS_H

#include "abi-types.h"

/*
 * Every partition has a table of PT_EVTCHN_PORTS ports; port 0 is never
 * handed out. How many may be in use at once is its cap (partition config
 * max_event_ports, default PT_EVTCHN_DEFAULT_CAP; the root's is
 * PT_EVTCHN_PORTS - 1). A port is in one state:
 *
 *   FREE         not in use
 *   UNBOUND      allocated and offered to one named remote partition, which
 *                may bind it with EVTCHN_BIND_INTERDOMAIN
 *   INTERDOMAIN  connected to a port of another partition (or of itself):
 *                a send on either end makes the other end pending
 *   VIRQ         raised by the hypervisor (PT_VIRQ_*)
 *
 * Delivery is two-level, as in Xen. The partition registers one event page
 * (struct pt_event_page, EVTCHN_SET_PAGE) holding a pending bit and a mask
 * bit per port. Making port P pending sets pending bit P; if the bit was
 * clear and mask bit P is clear, the hypervisor sets bit P / 64 of the
 * bound vCPU's VPAP evtchn_pending_sel, then raises PT_EVENT_PORTS in that
 * vCPU's pending_events (the root: PT_ROOT_EVENT_PORTS and its MSI), which
 * gives the usual upcall. A pending bit that is already set absorbs further
 * sends (coalescing); a send to a masked port only sets pending. Unmasking
 * a pending port with EVTCHN_UNMASK raises it again.
 *
 * The guest's side of a delivery: clear upcall_pending, take the
 * PT_EVENT_PORTS bit out of pending_events, exchange evtchn_pending_sel
 * with 0, and for each selected word handle the ports that are pending and
 * not masked, clearing each pending bit (atomically) before handling it.
 * The guest may set and clear mask bits itself; it uses EVTCHN_UNMASK when
 * a port may have become pending while masked.
 *
 * When a partition ends, its ports close. The other end of each of its
 * interdomain ports becomes UNBOUND (offered to the partition that ended,
 * which can never bind it: a new partition with the same id is another
 * partition), is made pending, and the peer's PT_VIRQ_PEER_DIED port, if
 * bound, is raised: that is the peer's notice.
 */
#define PT_EVTCHN_PORTS 4096u
#define PT_EVTCHN_DEFAULT_CAP 1023u
#define PT_EVTCHN_WORDS (PT_EVTCHN_PORTS / 64u)

#define PT_EVTCHN_STATE_FREE 0u
#define PT_EVTCHN_STATE_UNBOUND 1u
#define PT_EVTCHN_STATE_INTERDOMAIN 2u
#define PT_EVTCHN_STATE_VIRQ 3u

/*
 * Virtual IRQs. TIMER is per vCPU (bound once on each vCPU that wants it;
 * while it is bound, the one-shot timer raises the port instead of
 * PT_EVENT_TIMER). The others are one per partition, delivered to the vCPU
 * named at bind time. CONSOLE, PARTITION and LOG are the root's only.
 */
#define PT_VIRQ_TIMER 0u     /* the vCPU's one-shot timer fired */
#define PT_VIRQ_CONSOLE 1u   /* root: a guest wrote to its debug console */
#define PT_VIRQ_PARTITION 2u /* root: a partition changed state */
#define PT_VIRQ_PEER_DIED 3u /* the peer of one of our ports ended */
#define PT_VIRQ_LOG 4u	     /* root: new text in the hypervisor log */
#define PT_VIRQ_COUNT 5u

/* The event page: page-aligned, in the partition's own RAM. */
struct pt_event_page {
	uint64_t pending[PT_EVTCHN_WORDS]; /* [both] hv sets, guest clears */
	uint64_t mask[PT_EVTCHN_WORDS];	   /* [guest] (EVTCHN_MASK sets too) */
	uint8_t reserved[PT_PAGE_SIZE - 16u * PT_EVTCHN_WORDS];
};
PT_ABI_OFFSET(struct pt_event_page, mask, 512);
PT_ABI_SIZE(struct pt_event_page, PT_PAGE_SIZE);

/*
 * Calls (codes in hypercall.h; fast calls unless said otherwise). Register
 * arguments that hold two values put the second in bits 63:32.
 *
 * EVTCHN_SET_PAGE        RDX = event page GPA, or 0 to close every port of
 *                        the caller and forget the page (the root's driver
 *                        does this before it unloads). A page may be
 *                        registered once; registering another while one is
 *                        registered is INVALID_PARTITION_STATE.
 * EVTCHN_ALLOC_UNBOUND   RDX = remote partition id | vCPU << 32
 *                        out RDX = the new port, offered to remote
 * EVTCHN_BIND_INTERDOMAIN RDX = remote partition id | vCPU << 32,
 *                        R8 = the remote's port (UNBOUND, offered to us)
 *                        out RDX = the new local port
 * EVTCHN_BIND_VIRQ       RDX = PT_VIRQ_*, R8 = vCPU; out RDX = the port
 * EVTCHN_CLOSE           RDX = port (the peer's end becomes UNBOUND)
 * EVTCHN_SEND            RDX = port: INTERDOMAIN makes the peer's end
 *                        pending; UNBOUND succeeds and delivers nothing (as
 *                        in Xen: the peer is not there yet, or ended)
 * EVTCHN_STATUS          memory call: in pt_evtchn_ref, out pt_evtchn_status
 * EVTCHN_BIND_VCPU       RDX = port, R8 = vCPU that gets its upcalls
 * EVTCHN_MASK            RDX = port: sets its mask bit
 * EVTCHN_UNMASK          RDX = port: clears its mask bit; if pending,
 *                        delivers it as a new send would
 */
struct pt_evtchn_ref {
	uint32_t port;
	uint32_t reserved; /* must be zero */
};
PT_ABI_SIZE(struct pt_evtchn_ref, 8);

struct pt_evtchn_status {
	uint32_t port;
	uint32_t state;	      /* PT_EVTCHN_STATE_* */
	uint32_t vcpu;	      /* vCPU that gets its upcalls */
	uint32_t remote_id;   /* UNBOUND, INTERDOMAIN: the other partition */
	uint32_t remote_port; /* INTERDOMAIN: the other end's port */
	uint32_t virq;	      /* VIRQ: PT_VIRQ_* */
	uint8_t pending;      /* from the event page */
	uint8_t masked;
	uint8_t reserved[6];
};
PT_ABI_SIZE(struct pt_evtchn_status, 32);

#endif
