/* SPDX-License-Identifier: MIT */
/* Messages (Hyper-V SynIC style): per-vCPU message pages and connections. */
#ifndef PARTITA_MESSAGES_H
#define PARTITA_MESSAGES_H

#include "abi-types.h"

/*
 * Each vCPU may register a message page (MSG_SET_PAGE, made on that vCPU):
 * PT_MSG_SLOTS slots of PT_MSG_SLOT_SIZE bytes, a 16-byte header and up to
 * PT_MSG_PAYLOAD_MAX bytes of payload.
 *
 * A receiver creates a connection (MSG_CREATE_CONNECTION) that names one of
 * its vCPUs and one slot of that vCPU's page, the one partition allowed to
 * post to it (or PT_MSG_ANY_SENDER) and the depth of its queue (1 ..
 * PT_MSG_QUEUE_MAX, 0 = PT_MSG_QUEUE_DEFAULT). A slot serves at most one
 * connection. Its id is pt_msg_connection_id(receiver, vcpu, slot), so a
 * sender that knows where the receiver listens can compute it.
 *
 * MSG_POST copies the message into the connection's queue, or straight
 * into the slot when the slot is empty (message_type 0) and nothing is
 * queued; the slot then carries PT_MSG_FLAG_PENDING if more messages wait.
 * A message that reaches a slot raises PT_EVENT_MESSAGES (the root:
 * PT_ROOT_EVENT_MESSAGES) on the receiving vCPU and sets the slot's bit in
 * that vCPU's VPAP msg_slots_pending. A full queue answers
 * PT_STATUS_INSUFFICIENT_BUFFERS and keeps nothing of the message: the
 * sender retries later; no accepted message is ever dropped.
 *
 * The receiver reads the slot, sets message_type to 0, then calls MSG_EOM
 * (end of message) with the slot index on the same vCPU; the hypervisor
 * then moves the next queued message, if any, into the slot. Queued
 * messages also move in when the page is registered.
 *
 * When the receiver ends, its connections go away with what they queued;
 * posting to them answers PT_STATUS_INVALID_CONNECTION_ID.
 */
#define PT_MSG_SLOTS 16u
#define PT_MSG_SLOT_SIZE 256u
#define PT_MSG_HEADER_SIZE 16u
#define PT_MSG_PAYLOAD_MAX (PT_MSG_SLOT_SIZE - PT_MSG_HEADER_SIZE)
#define PT_MSG_QUEUE_DEFAULT 4u
#define PT_MSG_QUEUE_MAX 16u
#define PT_MSG_ANY_SENDER 0xFFFFFFFFu

/* Slot header flags. */
#define PT_MSG_FLAG_PENDING (1u << 0) /* more messages are queued */

/* message_type 0 marks a free slot; senders use 1 .. 0x7FFFFFFF. */
#define PT_MSG_TYPE_NONE 0u
#define PT_MSG_TYPE_MAX 0x7FFFFFFFu

#define PT_MSG_CONNECTION_BASE 0x10000u

static inline uint32_t pt_msg_connection_id(uint32_t receiver, uint32_t vcpu,
					    uint32_t slot)
{
	return PT_MSG_CONNECTION_BASE | (receiver << 8) | ((vcpu & 15u) << 4) |
	       (slot & 15u);
}

struct pt_msg_header {
	uint32_t message_type; /* [both] hv fills, receiver sets 0 when done */
	uint8_t payload_size;  /* bytes of payload, <= PT_MSG_PAYLOAD_MAX */
	uint8_t flags;	       /* PT_MSG_FLAG_* */
	uint16_t reserved;
	uint32_t connection_id; /* the connection it came through */
	uint32_t sender_id;	/* partition that posted it */
};
PT_ABI_SIZE(struct pt_msg_header, PT_MSG_HEADER_SIZE);

struct pt_msg_slot {
	struct pt_msg_header header;
	uint8_t payload[PT_MSG_PAYLOAD_MAX];
};
PT_ABI_SIZE(struct pt_msg_slot, PT_MSG_SLOT_SIZE);

struct pt_msg_page {
	struct pt_msg_slot slots[PT_MSG_SLOTS];
};
PT_ABI_SIZE(struct pt_msg_page, PT_PAGE_SIZE);

/*
 * Calls (codes in hypercall.h):
 *
 * MSG_SET_PAGE           fast: RDX = message page GPA for the calling vCPU,
 *                        or 0 to forget it (queued messages stay queued)
 * MSG_CREATE_CONNECTION  memory: in pt_msg_connection_in,
 *                        out pt_msg_connection_out
 * MSG_DELETE_CONNECTION  fast: RDX = connection id (the receiver's own)
 * MSG_POST               memory: in pt_msg_post_in
 * MSG_EOM                fast: RDX = slot index, on the receiving vCPU
 */
struct pt_msg_connection_in {
	uint32_t vcpu; /* receiving vCPU of the caller */
	uint32_t slot; /* 0 .. PT_MSG_SLOTS - 1 */
	uint32_t
		sender; /* partition id allowed to post, or PT_MSG_ANY_SENDER */
	uint32_t depth; /* queue depth, 0 = PT_MSG_QUEUE_DEFAULT */
};
PT_ABI_SIZE(struct pt_msg_connection_in, 16);

struct pt_msg_connection_out {
	uint32_t connection_id;
	uint32_t reserved;
};
PT_ABI_SIZE(struct pt_msg_connection_out, 8);

struct pt_msg_post_in {
	uint32_t connection_id;
	uint32_t message_type; /* 1 .. PT_MSG_TYPE_MAX */
	uint32_t payload_size; /* 0 .. PT_MSG_PAYLOAD_MAX */
	uint32_t reserved;     /* must be zero */
	uint8_t payload[PT_MSG_PAYLOAD_MAX];
};
PT_ABI_SIZE(struct pt_msg_post_in, 256);

#endif
