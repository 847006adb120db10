// SPDX-License-Identifier: GPL-2.0-only
/* Messages: per-vCPU message pages, connections and their bounded queues. */
#include <hv/arch.h>
#include <hv/events.h>
#include <hv/frame.h>
#include <hv/message.h>
#include <hv/partition.h>
#include <hv/root.h>
#include <partita/root.h>
#include <partita/status.h>
#include <partita/vpap.h>
#include <string.h>

static bool alive(const struct partition *p)
{
	u32 state = READ_ONCE(p->state);

	return (state == PART_STATE_RUNNING || state == PART_STATE_CREATED) &&
	       !p->msg.closed;
}

/* The connection an id names, if it exists (the caller holds the lock). */
static struct msg_conn *conn_of(struct partition *r, u32 vcpu, u32 slot, u32 id)
{
	struct msg_conn *conn;

	if (vcpu >= r->vcpu_count || slot >= PT_MSG_SLOTS)
		return NULL;
	conn = &r->vcpus[vcpu].msg.conns[slot];
	return conn->id == id ? conn : NULL;
}

static void notify(struct vcpu *v)
{
	if (!v)
		return;
	if (v->part->id == ROOT_PARTITION_ID)
		root_notify(PT_ROOT_EVENT_MESSAGES);
	else
		vcpu_raise_event(v, PT_EVENT_MESSAGES);
}

static struct pt_msg_slot *queued(const struct msg_conn *conn, u32 i)
{
	return (struct pt_msg_slot *)phys_to_virt(conn->queue_pa) +
	       (conn->head + i) % conn->depth;
}

/*
 * Moves the oldest queued message of `slot` into the message page if the
 * slot is free. Returns the vCPU to notify after the lock is dropped.
 */
static struct vcpu *deliver_locked(struct partition *p, struct vcpu *v,
				   u32 slot)
{
	struct msg_conn *conn = &v->msg.conns[slot];
	struct pt_msg_page *page = v->msg.page;
	struct pt_msg_slot *dst, *src;

	if (!page || !conn->id || !conn->count)
		return NULL;
	dst = &page->slots[slot];
	if (READ_ONCE(dst->header.message_type) != PT_MSG_TYPE_NONE) {
		/* Still busy: the receiver learns that more waits. */
		__atomic_fetch_or(&dst->header.flags, PT_MSG_FLAG_PENDING,
				  __ATOMIC_SEQ_CST);
		return NULL;
	}
	src = queued(conn, 0);
	conn->head = (u8)((conn->head + 1) % conn->depth);
	conn->count--;
	memcpy(dst->payload, src->payload, PT_MSG_PAYLOAD_MAX);
	dst->header.payload_size = src->header.payload_size;
	dst->header.flags = conn->count ? PT_MSG_FLAG_PENDING : 0;
	dst->header.reserved = 0;
	dst->header.connection_id = src->header.connection_id;
	dst->header.sender_id = src->header.sender_id;
	/* The type last: a receiver that sees it sees the whole message. */
	__atomic_store_n(&dst->header.message_type, src->header.message_type,
			 __ATOMIC_RELEASE);
	p->msg.messages_in++;
	spin_lock(&v->vpap_lock);
	if (v->vpap)
		__atomic_fetch_or(&v->vpap->msg_slots_pending, BIT(slot),
				  __ATOMIC_SEQ_CST);
	else
		v->msg.slots_pending |= BIT(slot);
	spin_unlock(&v->vpap_lock);
	return v;
}

int msg_set_page(struct vcpu *v, u64 gpa)
{
	struct partition *p = v->part;
	struct vcpu *target = NULL;
	struct pt_msg_page *page = NULL;

	if (gpa) {
		page = partition_gpa_to_hva(p, gpa, true);
		if (!page)
			return PT_STATUS_INVALID_GPA;
	}
	spin_lock(&p->msg_lock);
	if (gpa && (v->msg.page || !alive(p))) {
		spin_unlock(&p->msg_lock);
		return PT_STATUS_INVALID_PARTITION_STATE;
	}
	if (page)
		memset(page, 0, sizeof(*page));
	v->msg.page = page;
	v->msg.page_gpa = gpa;
	/* Messages that waited for a page move in now. */
	for (u32 slot = 0; slot < PT_MSG_SLOTS && page; slot++) {
		if (deliver_locked(p, v, slot))
			target = v;
	}
	spin_unlock(&p->msg_lock);
	notify(target);
	return PT_STATUS_SUCCESS;
}

int msg_create_connection(struct partition *p,
			  const struct pt_msg_connection_in *in, u32 *id)
{
	u32 depth = in->depth ? in->depth : PT_MSG_QUEUE_DEFAULT;
	struct msg_conn *conn;
	int status = PT_STATUS_SUCCESS;
	u64 pa;

	if (in->vcpu >= p->vcpu_count)
		return PT_STATUS_INVALID_VP_INDEX;
	if (in->slot >= PT_MSG_SLOTS || depth > PT_MSG_QUEUE_MAX ||
	    (in->sender != PT_MSG_ANY_SENDER && in->sender >= MAX_PARTITIONS))
		return PT_STATUS_INVALID_PARAMETER;
	spin_lock(&p->msg_lock);
	conn = &p->vcpus[in->vcpu].msg.conns[in->slot];
	if (!alive(p))
		status = PT_STATUS_INVALID_PARTITION_STATE;
	else if (conn->id)
		status = PT_STATUS_OBJECT_IN_USE;
	else if (!(pa = frame_alloc((u16)p->id, FRAME_KIND_CONTROL)))
		status = PT_STATUS_INSUFFICIENT_MEMORY;
	if (!status) {
		memset(conn, 0, sizeof(*conn));
		conn->id = pt_msg_connection_id(p->id, in->vcpu, in->slot);
		conn->sender = in->sender;
		conn->depth = (u8)depth;
		conn->queue_pa = pa;
		p->msg.connections++;
		*id = conn->id;
	}
	spin_unlock(&p->msg_lock);
	return status;
}

/* Splits an id into receiver, vCPU and slot; false if it cannot be one. */
static bool split_id(u32 id, u32 *receiver, u32 *vcpu, u32 *slot)
{
	if ((id & ~0xFFFFu) != PT_MSG_CONNECTION_BASE)
		return false;
	*receiver = (id >> 8) & 0xFF;
	*vcpu = (id >> 4) & 15;
	*slot = id & 15;
	return *receiver < MAX_PARTITIONS && *vcpu < MAX_VCPUS;
}

static void conn_free_locked(struct partition *p, struct msg_conn *conn)
{
	u64 pa = conn->queue_pa;

	memset(conn, 0, sizeof(*conn));
	p->msg.connections--;
	frame_free(pa);
}

int msg_delete_connection(struct partition *p, u32 id)
{
	struct msg_conn *conn;
	u32 receiver, vcpu, slot;

	if (!split_id(id, &receiver, &vcpu, &slot) || receiver != p->id)
		return PT_STATUS_INVALID_CONNECTION_ID;
	spin_lock(&p->msg_lock);
	conn = conn_of(p, vcpu, slot, id);
	if (conn)
		conn_free_locked(p, conn);
	spin_unlock(&p->msg_lock);
	return conn ? PT_STATUS_SUCCESS : PT_STATUS_INVALID_CONNECTION_ID;
}

int msg_post(struct partition *sender, const struct pt_msg_post_in *in)
{
	struct vcpu *target = NULL;
	struct pt_msg_slot *dst;
	struct msg_conn *conn;
	struct partition *r;
	u32 receiver, vcpu, slot;
	int status = PT_STATUS_SUCCESS;

	if (!split_id(in->connection_id, &receiver, &vcpu, &slot))
		return PT_STATUS_INVALID_CONNECTION_ID;
	r = partition_get(receiver);
	if (!r)
		return PT_STATUS_INVALID_CONNECTION_ID;
	spin_lock(&r->msg_lock);
	conn = alive(r) ? conn_of(r, vcpu, slot, in->connection_id) : NULL;
	if (!conn)
		status = PT_STATUS_INVALID_CONNECTION_ID;
	else if (conn->sender != PT_MSG_ANY_SENDER &&
		 conn->sender != sender->id)
		status = PT_STATUS_ACCESS_DENIED;
	else if (conn->count == conn->depth)
		status = PT_STATUS_INSUFFICIENT_BUFFERS;
	if (!status) {
		dst = queued(conn, conn->count);
		memset(dst, 0, sizeof(*dst));
		dst->header.message_type = in->message_type;
		dst->header.payload_size = (u8)in->payload_size;
		dst->header.connection_id = in->connection_id;
		dst->header.sender_id = sender->id;
		memcpy(dst->payload, in->payload, in->payload_size);
		conn->count++;
		target = deliver_locked(r, &r->vcpus[vcpu], slot);
	}
	spin_unlock(&r->msg_lock);
	if (status == PT_STATUS_INSUFFICIENT_BUFFERS)
		__atomic_fetch_add(&sender->msg.queue_full, 1,
				   __ATOMIC_RELAXED);
	else if (!status)
		__atomic_fetch_add(&sender->msg.posts, 1, __ATOMIC_RELAXED);
	notify(target);
	return status;
}

int msg_eom(struct vcpu *v, u32 slot)
{
	struct partition *p = v->part;
	struct vcpu *target;

	if (slot >= PT_MSG_SLOTS)
		return PT_STATUS_INVALID_PARAMETER;
	spin_lock(&p->msg_lock);
	target = deliver_locked(p, v, slot);
	spin_unlock(&p->msg_lock);
	notify(target);
	return PT_STATUS_SUCCESS;
}

void msg_slots_to_vpap(struct vcpu *v)
{
	u64 bits = v->msg.slots_pending;

	v->msg.slots_pending = 0;
	if (bits && v->vpap)
		__atomic_fetch_or(&v->vpap->msg_slots_pending, bits,
				  __ATOMIC_SEQ_CST);
}

void msg_partition_end(struct partition *p)
{
	spin_lock(&p->msg_lock);
	p->msg.closed = true;
	/* The queue frames are the partition's: teardown scrubs them with
	 * the rest, so this stays a few stores whatever it had. */
	for (u32 i = 0; i < p->vcpu_count; i++) {
		struct msg_vcpu *mv = &p->vcpus[i].msg;

		memset(mv->conns, 0, sizeof(mv->conns));
		mv->page = NULL;
		mv->page_gpa = 0;
	}
	p->msg.connections = 0;
	spin_unlock(&p->msg_lock);
}

u32 msg_list(struct partition *p, struct pt_connection_info *out, u32 max)
{
	u32 n = 0;

	spin_lock(&p->msg_lock);
	for (u32 i = 0; i < p->vcpu_count; i++) {
		for (u32 slot = 0; slot < PT_MSG_SLOTS && n < max; slot++) {
			const struct msg_conn *conn =
				&p->vcpus[i].msg.conns[slot];

			if (!conn->id)
				continue;
			memset(&out[n], 0, sizeof(out[n]));
			out[n].id = conn->id;
			out[n].vcpu = (u16)i;
			out[n].slot = (u8)slot;
			out[n].depth = conn->depth;
			out[n].sender = conn->sender;
			out[n].queued = conn->count;
			n++;
		}
	}
	spin_unlock(&p->msg_lock);
	return n;
}
