// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of messages: connections, posting, queues and their bounds. */
#include <criterion/criterion.h>
#include <hv/frame.h>
#include <hv/hcall.h>
#include <hv/message.h>
#include <hv/partition.h>
#include <partita/hypercall.h>
#include <partita/messages.h>
#include <partita/root.h>
#include <partita/vpap.h>
#include <string.h>

#include "hv-shim.h"
#include "msg-env.h"

/* Receiver A with two vCPUs, sender B; the root is partition 0. */
static struct partition *pa, *pb;
static struct vcpu *va, *va1, *vb, *vr;

static void setup(void)
{
	env_boot(ENV_POOL_FOR(3));
	pa = env_guest("alpha", 2, 0, 0);
	pb = env_guest("beta", 1, 0, 0);
	va = &pa->vcpus[0];
	va1 = &pa->vcpus[1];
	vb = &pb->vcpus[0];
	vr = &env_root->vcpus[0];
}

TestSuite(message, .init = setup, .fini = shim_teardown);

/* ---- Helpers ---------------------------------------------------------- */

static u16 create(struct vcpu *v, u32 vcpu, u32 slot, u32 sender, u32 depth,
		  u32 *id)
{
	struct pt_msg_connection_in in = { vcpu, slot, sender, depth };
	struct pt_msg_connection_out *out = env_out(v);
	u16 status;

	memset(out, 0xEE, sizeof(*out));
	status = env_mem(v, PT_CALL_MSG_CREATE_CONNECTION, &in, sizeof(in));
	if (!status) {
		cr_assert_eq(out->reserved, 0);
		if (id)
			*id = out->connection_id;
	}
	return status;
}

static u32 create_ok(struct vcpu *v, u32 vcpu, u32 slot, u32 sender, u32 depth)
{
	u32 id = 0;

	cr_assert_eq(create(v, vcpu, slot, sender, depth, &id),
		     PT_STATUS_SUCCESS);
	cr_assert_eq(id, pt_msg_connection_id(v->part->id, vcpu, slot));
	return id;
}

/* Payload byte i of a message tagged `tag`. */
static u8 pbyte(u32 tag, u32 i)
{
	return (u8)(tag * 31 + i * 7 + 1);
}

static u16 post(struct vcpu *v, u32 id, u32 type, u32 size, u32 tag)
{
	struct pt_msg_post_in in;

	memset(&in, 0, sizeof(in));
	in.connection_id = id;
	in.message_type = type;
	in.payload_size = size;
	for (u32 i = 0; i < PT_MSG_PAYLOAD_MAX; i++)
		in.payload[i] = pbyte(tag, i);
	return env_mem(v, PT_CALL_MSG_POST, &in, sizeof(in));
}

static u16 set_page(struct vcpu *v, u64 gpa)
{
	return env_fast(v, PT_CALL_MSG_SET_PAGE, gpa, 0, NULL, NULL);
}

static struct pt_msg_slot *slot_of(struct vcpu *v, u32 slot)
{
	struct pt_msg_page *page =
		env_gpa(v->part, ENV_MSG_GPA + v->index * PAGE_SIZE);

	return &page->slots[slot];
}

static u16 eom(struct vcpu *v, u64 slot)
{
	return env_fast(v, PT_CALL_MSG_EOM, slot, 0, NULL, NULL);
}

/* The receiver's side: checks the message in `slot` carries `tag`, frees
 * the slot and calls EOM. */
static void take(struct vcpu *v, u32 slot, u32 id, u32 sender, u32 tag,
		 u32 size)
{
	struct pt_msg_slot *s = slot_of(v, slot);

	cr_assert_eq(s->header.message_type, tag + 1, "slot has %u, want %u",
		     s->header.message_type, tag + 1);
	cr_assert_eq(s->header.payload_size, size);
	cr_assert_eq(s->header.connection_id, id);
	cr_assert_eq(s->header.sender_id, sender);
	cr_assert_eq(s->header.reserved, 0);
	for (u32 i = 0; i < size; i++)
		cr_assert_eq(s->payload[i], pbyte(tag, i));
	s->header.message_type = PT_MSG_TYPE_NONE;
	cr_assert_eq(eom(v, slot), PT_STATUS_SUCCESS);
}

/* ---- Connections ------------------------------------------------------ */

Test(message, create_gives_the_computed_id_and_takes_a_queue_frame)
{
	u64 owned = frame_count_owned(pa->id);
	u32 id;

	id = create_ok(va, 1, 5, pb->id, 0);
	cr_assert_eq(id, PT_MSG_CONNECTION_BASE | pa->id << 8 | 1 << 4 | 5);
	cr_assert_eq(frame_count_owned(pa->id), owned + 1);
	cr_assert_eq(va1->msg.conns[5].depth, PT_MSG_QUEUE_DEFAULT);
	cr_assert_eq(pa->msg.connections, 1);
	/* The same slot again, on either vCPU's behalf. */
	cr_assert_eq(create(va, 1, 5, PT_MSG_ANY_SENDER, 2, NULL),
		     PT_STATUS_OBJECT_IN_USE);
	cr_assert_eq(create(va1, 1, 5, pb->id, 2, NULL),
		     PT_STATUS_OBJECT_IN_USE);
	/* The same slot number of the other vCPU is another slot. */
	create_ok(va, 0, 5, PT_MSG_ANY_SENDER, PT_MSG_QUEUE_MAX);
	cr_assert_eq(va->msg.conns[5].depth, PT_MSG_QUEUE_MAX);
	create_ok(va, 0, PT_MSG_SLOTS - 1, ROOT_PARTITION_ID, 1);
	cr_assert_eq(pa->msg.connections, 3);
	cr_assert_eq(frame_count_owned(pa->id), owned + 3);
}

Test(message, create_refuses_bad_fields_and_allocates_nothing)
{
	u64 owned = frame_count_owned(pa->id);

	cr_assert_eq(create(va, 2, 0, pb->id, 0, NULL),
		     PT_STATUS_INVALID_VP_INDEX);
	cr_assert_eq(create(va, ~0u, 0, pb->id, 0, NULL),
		     PT_STATUS_INVALID_VP_INDEX);
	cr_assert_eq(create(va, 0, PT_MSG_SLOTS, pb->id, 0, NULL),
		     PT_STATUS_INVALID_PARAMETER);
	cr_assert_eq(create(va, 0, 0, pb->id, PT_MSG_QUEUE_MAX + 1, NULL),
		     PT_STATUS_INVALID_PARAMETER);
	cr_assert_eq(create(va, 0, 0, pb->id, ~0u, NULL),
		     PT_STATUS_INVALID_PARAMETER);
	cr_assert_eq(create(va, 0, 0, MAX_PARTITIONS, 0, NULL),
		     PT_STATUS_INVALID_PARAMETER);
	cr_assert_eq(create(va, 0, 0, 0xFFFFFFFEu, 0, NULL),
		     PT_STATUS_INVALID_PARAMETER);
	/* (The output block is written on error too: connection id 0.) */
	cr_assert_eq(*(u32 *)env_out(va), 0);
	cr_assert_eq(frame_count_owned(pa->id), owned);
	cr_assert_eq(pa->msg.connections, 0);
}

Test(message, delete_frees_the_slot_and_its_queue)
{
	u64 owned = frame_count_owned(pa->id);
	u32 id = create_ok(va, 0, 3, pb->id, 2);

	cr_assert_eq(post(vb, id, 1, 8, 0), PT_STATUS_SUCCESS, "queued");
	cr_assert_eq(
		env_fast(vb, PT_CALL_MSG_DELETE_CONNECTION, id, 0, NULL, NULL),
		PT_STATUS_INVALID_CONNECTION_ID, "not B's");
	cr_assert_eq(env_fast(va, PT_CALL_MSG_DELETE_CONNECTION,
			      (u64)1 << 32 | id, 0, NULL, NULL),
		     PT_STATUS_INVALID_CONNECTION_ID);
	cr_assert_eq(env_fast(va, PT_CALL_MSG_DELETE_CONNECTION, id + 1, 0,
			      NULL, NULL),
		     PT_STATUS_INVALID_CONNECTION_ID, "no connection there");
	cr_assert_eq(
		env_fast(va, PT_CALL_MSG_DELETE_CONNECTION, id, 0, NULL, NULL),
		PT_STATUS_SUCCESS);
	cr_assert_eq(frame_count_owned(pa->id), owned);
	cr_assert_eq(pa->msg.connections, 0);
	cr_assert_eq(
		env_fast(va, PT_CALL_MSG_DELETE_CONNECTION, id, 0, NULL, NULL),
		PT_STATUS_INVALID_CONNECTION_ID, "twice");
	cr_assert_eq(post(vb, id, 1, 8, 0), PT_STATUS_INVALID_CONNECTION_ID);
	/* The slot serves a new connection, with an empty queue. */
	create_ok(va, 0, 3, pb->id, 2);
	cr_assert_eq(va->msg.conns[3].count, 0);
	cr_assert_eq(frame_pool_check(), 0);
}

/* ---- Posting ---------------------------------------------------------- */

Test(message, post_into_a_free_slot)
{
	struct pt_vpap *vpap1 = env_vpap(va1), *vpap0 = env_vpap(va);
	struct pt_msg_slot *s;
	u32 id = create_ok(va, 1, 5, pb->id, 0);

	cr_assert_eq(set_page(va1, ENV_MSG_GPA + PAGE_SIZE), PT_STATUS_SUCCESS);
	cr_assert_eq(post(vb, id, 7, 3, 0), PT_STATUS_SUCCESS);
	s = slot_of(va1, 5);
	cr_assert_eq(s->header.message_type, 7);
	cr_assert_eq(s->header.payload_size, 3);
	cr_assert_eq(s->header.flags, 0);
	cr_assert_eq(s->header.reserved, 0);
	cr_assert_eq(s->header.connection_id, id);
	cr_assert_eq(s->header.sender_id, pb->id);
	for (u32 i = 0; i < 3; i++)
		cr_assert_eq(s->payload[i], pbyte(0, i));
	cr_assert_eq(s->payload[3], 0, "nothing past the payload");
	cr_assert_eq(s->payload[PT_MSG_PAYLOAD_MAX - 1], 0);
	cr_assert_eq(slot_of(va1, 4)->header.message_type, 0);
	cr_assert_eq(vpap1->msg_slots_pending, BIT(5));
	cr_assert_eq(vpap1->pending_events, BIT(PT_EVENT_MESSAGES));
	cr_assert_eq(vpap1->upcall_pending, 1);
	cr_assert_eq(vpap0->pending_events, 0);
	cr_assert_eq(vpap0->msg_slots_pending, 0);
	cr_assert_eq(pb->msg.posts, 1);
	cr_assert_eq(pa->msg.messages_in, 1);
	cr_assert_eq(va1->msg.conns[5].count, 0);
	/* Full payload, highest type. */
	s->header.message_type = PT_MSG_TYPE_NONE;
	cr_assert_eq(eom(va1, 5), PT_STATUS_SUCCESS);
	cr_assert_eq(post(vb, id, PT_MSG_TYPE_MAX, PT_MSG_PAYLOAD_MAX, 1),
		     PT_STATUS_SUCCESS);
	cr_assert_eq(s->header.message_type, PT_MSG_TYPE_MAX);
	cr_assert_eq(s->header.payload_size, PT_MSG_PAYLOAD_MAX);
	cr_assert_eq(s->payload[PT_MSG_PAYLOAD_MAX - 1],
		     pbyte(1, PT_MSG_PAYLOAD_MAX - 1));
}

Test(message, busy_slot_queues_up_to_the_depth_then_insufficient_buffers)
{
	struct pt_vpap *vpap = env_vpap(va);
	struct pt_msg_slot *s = slot_of(va, 2);
	u32 id = create_ok(va, 0, 2, pb->id, 4);

	cr_assert_eq(set_page(va, ENV_MSG_GPA), PT_STATUS_SUCCESS);
	for (u32 tag = 0; tag < 5; tag++)
		cr_assert_eq(post(vb, id, tag + 1, 10 + tag, tag),
			     PT_STATUS_SUCCESS, "post %u", tag);
	cr_assert_eq(s->header.message_type, 1, "the first is in the slot");
	cr_assert_eq(s->header.flags, PT_MSG_FLAG_PENDING);
	cr_assert_eq(va->msg.conns[2].count, 4);
	/* Full: refused, counted, nothing kept. */
	cr_assert_eq(post(vb, id, 99, 10, 98), PT_STATUS_INSUFFICIENT_BUFFERS);
	cr_assert_eq(post(vb, id, 99, 10, 98), PT_STATUS_INSUFFICIENT_BUFFERS);
	cr_assert_eq(pb->msg.queue_full, 2);
	cr_assert_eq(pb->msg.posts, 5);
	cr_assert_eq(va->msg.conns[2].count, 4);
	cr_assert_eq(pa->msg.messages_in, 1);
	cr_assert_eq(s->header.message_type, 1);

	/* EOM moves the next one in, in order; PENDING while more wait. */
	vpap->msg_slots_pending = 0;
	for (u32 tag = 0; tag < 5; tag++) {
		cr_assert_eq(s->header.flags, tag < 4 ? PT_MSG_FLAG_PENDING : 0,
			     "message %u", tag);
		take(va, 2, id, pb->id, tag, 10 + tag);
		if (tag < 4)
			cr_assert_eq(vpap->msg_slots_pending, BIT(2));
		vpap->msg_slots_pending = 0;
	}
	cr_assert_eq(s->header.message_type, 0);
	cr_assert_eq(vpap->msg_slots_pending, 0);
	cr_assert_eq(pa->msg.messages_in, 5);
	/* EOM with nothing waiting changes nothing. */
	cr_assert_eq(eom(va, 2), PT_STATUS_SUCCESS);
	cr_assert_eq(s->header.message_type, 0);
	/* Room again. */
	cr_assert_eq(post(vb, id, 1, 1, 0), PT_STATUS_SUCCESS);
	cr_assert_eq(s->header.message_type, 1);
}

Test(message, eom_before_the_slot_is_freed_keeps_the_message)
{
	struct pt_msg_slot *s = slot_of(va, 0);
	u32 id = create_ok(va, 0, 0, pb->id, 1);

	cr_assert_eq(set_page(va, ENV_MSG_GPA), PT_STATUS_SUCCESS);
	cr_assert_eq(post(vb, id, 1, 4, 0), PT_STATUS_SUCCESS);
	cr_assert_eq(post(vb, id, 2, 4, 1), PT_STATUS_SUCCESS);
	cr_assert_eq(post(vb, id, 3, 4, 2), PT_STATUS_INSUFFICIENT_BUFFERS,
		     "depth 1");
	/* The receiver did not clear message_type: nothing moves. */
	cr_assert_eq(eom(va, 0), PT_STATUS_SUCCESS);
	cr_assert_eq(s->header.message_type, 1);
	cr_assert_eq(s->payload[0], pbyte(0, 0));
	cr_assert_eq(s->header.flags, PT_MSG_FLAG_PENDING);
	/* EOM on another vCPU is about that vCPU's slot. */
	s->header.message_type = 0;
	cr_assert_eq(eom(va1, 0), PT_STATUS_SUCCESS);
	cr_assert_eq(s->header.message_type, 0);
	cr_assert_eq(eom(va, 0), PT_STATUS_SUCCESS);
	cr_assert_eq(s->header.message_type, 2);
	cr_assert_eq(eom(va, PT_MSG_SLOTS), PT_STATUS_INVALID_PARAMETER);
	cr_assert_eq(eom(va, ~0ull), PT_STATUS_INVALID_PARAMETER);
}

Test(message, many_posts_arrive_in_order)
{
	u32 id = create_ok(va, 1, 9, PT_MSG_ANY_SENDER, PT_MSG_QUEUE_MAX);
	u32 sent = 0, got = 0, refused = 0;

	cr_assert_eq(set_page(va1, ENV_MSG_GPA + PAGE_SIZE), PT_STATUS_SUCCESS);
	/* The sender posts until refused; then the receiver takes some. */
	while (got < 300) {
		while (sent < 300) {
			u16 st = post(vb, id, sent + 1, sent % 241, sent);

			if (st == PT_STATUS_INSUFFICIENT_BUFFERS) {
				refused++;
				break;
			}
			cr_assert_eq(st, PT_STATUS_SUCCESS);
			sent++;
		}
		for (u32 n = 0; n < 1 + got % 5 && got < sent; n++, got++)
			take(va1, 9, id, pb->id, got, got % 241);
	}
	cr_assert_eq(got, 300);
	cr_assert_gt(refused, 10);
	cr_assert_eq(pb->msg.queue_full, refused);
	cr_assert_eq(pb->msg.posts, 300);
	cr_assert_eq(pa->msg.messages_in, 300);
}

Test(message, post_refusals)
{
	u32 only_b = create_ok(va, 0, 0, pb->id, 0);
	u32 any = create_ok(va, 0, 1, PT_MSG_ANY_SENDER, 0);

	cr_assert_eq(post(vr, only_b, 1, 1, 0), PT_STATUS_ACCESS_DENIED);
	cr_assert_eq(post(va, only_b, 1, 1, 0), PT_STATUS_ACCESS_DENIED,
		     "not even the receiver");
	cr_assert_eq(post(vr, any, 1, 1, 0), PT_STATUS_SUCCESS);
	cr_assert_eq(post(va, any, 2, 1, 0), PT_STATUS_SUCCESS);
	/* Ids that name no connection. */
	cr_assert_eq(post(vb, only_b + 2, 1, 1, 0),
		     PT_STATUS_INVALID_CONNECTION_ID);
	cr_assert_eq(post(vb, pt_msg_connection_id(pa->id, 2, 0), 1, 1, 0),
		     PT_STATUS_INVALID_CONNECTION_ID, "no vCPU 2");
	cr_assert_eq(post(vb, pt_msg_connection_id(pa->id, 15, 0), 1, 1, 0),
		     PT_STATUS_INVALID_CONNECTION_ID);
	cr_assert_eq(post(vb, pt_msg_connection_id(9, 0, 0), 1, 1, 0),
		     PT_STATUS_INVALID_CONNECTION_ID, "no partition 9");
	cr_assert_eq(post(vb, pt_msg_connection_id(200, 0, 0), 1, 1, 0),
		     PT_STATUS_INVALID_CONNECTION_ID);
	cr_assert_eq(post(vb, only_b & 0xFFFF, 1, 1, 0),
		     PT_STATUS_INVALID_CONNECTION_ID, "no base");
	cr_assert_eq(post(vb, only_b | 0x20000, 1, 1, 0),
		     PT_STATUS_INVALID_CONNECTION_ID);
	cr_assert_eq(post(vb, 0, 1, 1, 0), PT_STATUS_INVALID_CONNECTION_ID);
	/* Bad messages. */
	cr_assert_eq(post(vb, only_b, 1, PT_MSG_PAYLOAD_MAX + 1, 0),
		     PT_STATUS_INVALID_PARAMETER);
	cr_assert_eq(post(vb, only_b, 1, ~0u, 0), PT_STATUS_INVALID_PARAMETER);
	cr_assert_eq(post(vb, only_b, PT_MSG_TYPE_NONE, 1, 0),
		     PT_STATUS_INVALID_PARAMETER);
	cr_assert_eq(post(vb, only_b, PT_MSG_TYPE_MAX + 1, 1, 0),
		     PT_STATUS_INVALID_PARAMETER);
	{
		struct pt_msg_post_in in;

		memset(&in, 0, sizeof(in));
		in.connection_id = only_b;
		in.message_type = 1;
		in.reserved = 1;
		cr_assert_eq(env_mem(vb, PT_CALL_MSG_POST, &in, sizeof(in)),
			     PT_STATUS_INVALID_PARAMETER);
	}
	cr_assert_eq(pb->msg.posts, 0);
	cr_assert_eq(pb->msg.queue_full, 0);
	cr_assert_eq(va->msg.conns[0].count, 0, "nothing queued");
	cr_assert_eq(va->msg.conns[1].count, 2);
}

/* ---- Message pages ---------------------------------------------------- */

Test(message, queued_messages_move_in_when_the_page_is_registered)
{
	u32 id = create_ok(va, 0, 4, pb->id, 3);
	struct pt_msg_slot *s = slot_of(va, 4);
	struct pt_vpap *vpap;

	memset(s, 0x77, sizeof(*s));
	for (u32 tag = 0; tag < 3; tag++)
		cr_assert_eq(post(vb, id, tag + 1, 5, tag), PT_STATUS_SUCCESS);
	cr_assert_eq(post(vb, id, 9, 5, 9), PT_STATUS_INSUFFICIENT_BUFFERS);
	cr_assert_eq(pa->msg.messages_in, 0);
	/* No VPAP yet either: the slot bit waits in the vCPU. */
	cr_assert_eq(set_page(va, ENV_MSG_GPA), PT_STATUS_SUCCESS);
	cr_assert_eq(s->header.message_type, 1);
	cr_assert_eq(s->header.flags, PT_MSG_FLAG_PENDING);
	cr_assert_eq(slot_of(va, 3)->header.message_type, 0, "page cleared");
	cr_assert_eq(va->msg.slots_pending, BIT(4));
	cr_assert(va->pending_events & BIT(PT_EVENT_MESSAGES));
	vpap = env_vpap(va);
	cr_assert_eq(vpap->msg_slots_pending, BIT(4));
	cr_assert_eq(va->msg.slots_pending, 0);
	take(va, 4, id, pb->id, 0, 5);
	take(va, 4, id, pb->id, 1, 5);
	take(va, 4, id, pb->id, 2, 5);
	cr_assert_eq(s->header.message_type, 0);

	/* Forgetting the page keeps new messages queued. */
	cr_assert_eq(set_page(va, 0), PT_STATUS_SUCCESS);
	cr_assert_eq(post(vb, id, 5, 5, 4), PT_STATUS_SUCCESS);
	cr_assert_eq(va->msg.conns[4].count, 1);
	cr_assert_eq(set_page(va, ENV_MSG_GPA + 8 * PAGE_SIZE),
		     PT_STATUS_SUCCESS);
	cr_assert_eq(va->msg.conns[4].count, 0);
	cr_assert_eq(
		((struct pt_msg_page *)env_gpa(pa, ENV_MSG_GPA + 8 * PAGE_SIZE))
			->slots[4]
			.header.message_type,
		5);
}

Test(message, set_page_checks_the_gpa)
{
	env_vpap(va1);
	cr_assert_eq(set_page(va, ENV_MSG_GPA + 1),
		     PT_STATUS_INVALID_ALIGNMENT);
	cr_assert_eq(set_page(va, ENV_GUEST_BYTES), PT_STATUS_INVALID_GPA);
	cr_assert_eq(set_page(va, ENV_HCALL_GPA), PT_STATUS_INVALID_PARAMETER);
	cr_assert_eq(set_page(va, ENV_VPAP_GPA + PAGE_SIZE),
		     PT_STATUS_INVALID_PARAMETER);
	cr_assert_eq(env_fast(va, PT_CALL_EVTCHN_SET_PAGE, ENV_EVENT_GPA, 0,
			      NULL, NULL),
		     PT_STATUS_SUCCESS);
	cr_assert_eq(set_page(va, ENV_EVENT_GPA), PT_STATUS_INVALID_PARAMETER);
	cr_assert_null(va->msg.page);
	cr_assert_eq(set_page(va, ENV_MSG_GPA), PT_STATUS_SUCCESS);
	cr_assert_eq(set_page(va1, ENV_MSG_GPA), PT_STATUS_INVALID_PARAMETER,
		     "vCPU 0's page");
	cr_assert_eq(set_page(va, ENV_MSG_GPA + 2 * PAGE_SIZE),
		     PT_STATUS_INVALID_PARTITION_STATE, "registered already");
	cr_assert_eq(va->msg.page_gpa, ENV_MSG_GPA);
	cr_assert_eq(set_page(va1, ENV_MSG_GPA + PAGE_SIZE), PT_STATUS_SUCCESS);
}

Test(message, the_root_receives_through_its_notification)
{
	struct pt_vpap *vpap = env_vpap(vr);
	u32 id = create_ok(vr, 0, 0, PT_MSG_ANY_SENDER, 0);

	cr_assert_eq(id, 0x10000);
	cr_assert_eq(set_page(vr, ENV_MSG_GPA), PT_STATUS_SUCCESS);
	vpap->pending_events = 0;
	cr_assert_eq(post(vb, id, 3, 2, 0), PT_STATUS_SUCCESS);
	cr_assert_eq(slot_of(vr, 0)->header.message_type, 3);
	cr_assert_eq(slot_of(vr, 0)->header.sender_id, pb->id);
	cr_assert_eq(vpap->msg_slots_pending, BIT(0));
	cr_assert(vpap->pending_events & BIT(PT_ROOT_EVENT_MESSAGES));
}

/* ---- Partition end ---------------------------------------------------- */

Test(message, receiver_end_drops_its_connections)
{
	u32 ids[3], aid = pa->id;

	ids[0] = create_ok(va, 0, 0, pb->id, 4);
	ids[1] = create_ok(va, 1, 7, PT_MSG_ANY_SENDER, 16);
	ids[2] = create_ok(va, 1, 8, pb->id, 2);
	for (u32 i = 0; i < 3; i++) {
		cr_assert_eq(post(vb, ids[i], 1, 4, i), PT_STATUS_SUCCESS);
		cr_assert_eq(post(vb, ids[i], 1, 4, i), PT_STATUS_SUCCESS);
	}
	/* Dying: posts fail at once, before its vCPUs are even off. */
	partition_end(pa, PT_SHUTDOWN_CRASH, "test");
	for (u32 i = 0; i < 3; i++)
		cr_assert_eq(post(vb, ids[i], 1, 4, i),
			     PT_STATUS_INVALID_CONNECTION_ID);
	cr_assert_eq(pa->msg.connections, 0);
	cr_assert_eq(create(va, 0, 3, pb->id, 0, NULL),
		     PT_STATUS_INVALID_PARTITION_STATE);
	env_destroy(aid);
	for (u32 i = 0; i < 3; i++)
		cr_assert_eq(post(vb, ids[i], 1, 4, i),
			     PT_STATUS_INVALID_CONNECTION_ID);
	/* A new partition in the slot has none of them. */
	env_reuse_id_next(aid);
	pa = env_guest("gamma", 2, 0, 0);
	cr_assert_eq(pa->id, aid);
	cr_assert_eq(post(vb, ids[1], 1, 4, 0),
		     PT_STATUS_INVALID_CONNECTION_ID);
	env_destroy(aid);
	env_destroy(pb->id);
	env_pool_is_back();
}

Test(message, sender_end_keeps_what_it_posted)
{
	u32 id = create_ok(va, 0, 0, pb->id, 4);

	cr_assert_eq(set_page(va, ENV_MSG_GPA), PT_STATUS_SUCCESS);
	cr_assert_eq(post(vb, id, 1, 4, 0), PT_STATUS_SUCCESS);
	cr_assert_eq(post(vb, id, 2, 4, 1), PT_STATUS_SUCCESS);
	env_destroy(pb->id);
	/* Accepted messages are never dropped. */
	take(va, 0, id, pb->id, 0, 4);
	take(va, 0, id, pb->id, 1, 4);
	env_destroy(pa->id);
	env_pool_is_back();
}
