/* SPDX-License-Identifier: GPL-2.0-only */
/* Event ports: per-partition port tables, binding, sending and delivery. */
#ifndef HV_EVTCHN_H
#define HV_EVTCHN_H

#include "types.h"
#include "spinlock.h"
#include <partita/events.h>
#include <partita/hypercall.h>

struct partition;
struct vcpu;

/* One port. remote_gen names the other partition's incarnation, so a new
 * partition that reuses an id is never taken for the one that had it. */
struct evtchn_port {
	u8 state; /* PT_EVTCHN_STATE_* */
	u8 vcpu;
	u16 remote_port; /* INTERDOMAIN: the peer's port; VIRQ: the virq */
	u16 remote_id;
	u16 reserved;
	u64 remote_gen;
};

#define EVTCHN_BUCKET_PORTS (PAGE_SIZE / sizeof(struct evtchn_port))
#define EVTCHN_BUCKETS (PT_EVTCHN_PORTS / EVTCHN_BUCKET_PORTS)

/*
 * A partition's ports. Buckets of ports are frames the partition owns,
 * taken when first needed. partition->evtchn_lock guards everything here
 * and the event page's use; it survives the slot's reuse.
 *
 * Lock order: sched CPU lock, then evtchn locks (two partitions' in slot
 * order), then a vCPU's vpap_lock. Waking a vCPU (sched_wake) and
 * root_notify happen after the evtchn locks are dropped.
 */
struct evtchn_state {
	bool closed;	  /* ending or resetting: no new ports */
	u32 close_cursor; /* the next port to close */
	u32 cap;	  /* ports in use at most */
	u32 in_use;
	u64 page_gpa;
	struct pt_event_page *page;
	struct evtchn_port *buckets[EVTCHN_BUCKETS];
	u16 virq_port[PT_VIRQ_COUNT]; /* per-partition virqs; 0 = unbound */
	u64 sends, deliveries, masked_sends;
};

/* Per-vCPU part: its timer virq and selector bits kept while it has no
 * VPAP yet. */
struct evtchn_vcpu {
	u16 timer_port;
	u64 sel_pending;
};

/* Sets the cap of a new partition (0: the default). */
void evtchn_init(struct partition *p, u32 cap);

/* The calls; each returns a PT_STATUS_*. */
/* With gpa 0 it closes ports until deadline_tsc and sets *again while
 * some are left: the caller makes the call again (a continuation). */
int evtchn_set_page(struct partition *p, u64 gpa, u64 deadline_tsc,
		    bool *again);
int evtchn_alloc_unbound(struct partition *p, u32 remote_id, u32 vcpu,
			 u32 *port);
int evtchn_bind_interdomain(struct partition *p, u32 remote_id, u32 remote_port,
			    u32 vcpu, u32 *port);
int evtchn_bind_virq(struct partition *p, u32 virq, u32 vcpu, u32 *port);
int evtchn_close(struct partition *p, u32 port);
int evtchn_send(struct partition *p, u32 port);
int evtchn_status(struct partition *p, u32 port, struct pt_evtchn_status *out);
int evtchn_bind_vcpu(struct partition *p, u32 port, u32 vcpu);
int evtchn_mask(struct partition *p, u32 port, bool mask);

/*
 * Raises a per-partition virq (PT_VIRQ_*) if the partition bound it; true
 * if it did. Safe from any CPU, with no lock held.
 */
bool evtchn_raise_virq(struct partition *p, u32 virq);
/*
 * The timer of `v` fired: raises its PT_VIRQ_TIMER port if bound (true)
 * without waking it; the caller holds v's scheduler CPU lock and wakes it.
 */
bool evtchn_timer_fired(struct vcpu *v);
/* Moves selector bits kept while v had no VPAP into the VPAP just enabled
 * (called under v->vpap_lock). */
void evtchn_sel_to_vpap(struct vcpu *v);

/*
 * The partition is ending: no new ports, nothing delivered into it. Then
 * evtchn_close_step closes its ports in slices until deadline_tsc (peers'
 * ends turn UNBOUND and each peer gets its notice); true once all are.
 */
void evtchn_partition_end(struct partition *p);
bool evtchn_close_step(struct partition *p, u64 deadline_tsc);

/* For PARTITION_MESSAGING: ports in use from `from`, up to max entries. */
u32 evtchn_list(struct partition *p, u32 from, struct pt_port_info *out,
		u32 max, u32 *next);

#endif
