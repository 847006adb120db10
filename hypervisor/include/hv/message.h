/* SPDX-License-Identifier: GPL-2.0-only */
/* Messages: per-vCPU message pages, connections and their bounded queues. */
#ifndef HV_MESSAGE_H
#define HV_MESSAGE_H

#include "types.h"
#include "spinlock.h"
#include <partita/hypercall.h>
#include <partita/messages.h>

struct partition;
struct vcpu;

/* A connection to one slot; its queue is one frame the receiver owns. */
struct msg_conn {
	u32 id; /* 0: the slot has no connection */
	u32 sender;
	u8 depth, head, count, reserved;
	u64 queue_pa; /* depth messages of PT_MSG_SLOT_SIZE bytes */
};

struct msg_vcpu {
	u64 page_gpa;
	struct pt_msg_page *page;
	u64 slots_pending; /* kept while the vCPU has no VPAP */
	struct msg_conn conns[PT_MSG_SLOTS];
};

/*
 * A partition's messaging state. partition->msg_lock guards it and its
 * vCPUs' msg_vcpu parts, and survives the slot's reuse. Lock order: msg lock, then a vCPU's
 * vpap_lock, then the frame pool's; nothing is woken under it.
 */
struct msg_state {
	bool closed;
	u32 connections;
	u64 posts, queue_full, messages_in;
};

/* The calls; each returns a PT_STATUS_*. */
int msg_set_page(struct vcpu *v, u64 gpa);
int msg_create_connection(struct partition *p,
			  const struct pt_msg_connection_in *in, u32 *id);
int msg_delete_connection(struct partition *p, u32 id);
int msg_post(struct partition *sender, const struct pt_msg_post_in *in);
int msg_eom(struct vcpu *v, u32 slot);

/* Moves slot bits kept while v had no VPAP into it (under vpap_lock). */
void msg_slots_to_vpap(struct vcpu *v);
/* The partition is ending: its connections and their queues go. */
void msg_partition_end(struct partition *p);
/* For PARTITION_MESSAGING: up to max connections. */
u32 msg_list(struct partition *p, struct pt_connection_info *out, u32 max);

#endif
