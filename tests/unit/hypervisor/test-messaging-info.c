// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of PARTITION_MESSAGING: what the root sees of a partition. */
#include <criterion/criterion.h>
#include <hv/hcall.h>
#include <hv/partition.h>
#include <partita/events.h>
#include <partita/grants.h>
#include <partita/hypercall.h>
#include <partita/messages.h>
#include <string.h>

#include "hv-shim.h"
#include "msg-env.h"

static struct partition *pa, *pb;
static struct vcpu *va, *vb, *vr;

static void setup(void)
{
	env_boot(ENV_POOL_FOR(3));
	pa = env_guest("alpha", 2, 0, 4);
	pb = env_guest("beta", 1, 0, 0);
	va = &pa->vcpus[0];
	vb = &pb->vcpus[0];
	vr = &env_root->vcpus[0];
}

TestSuite(messaging_info, .init = setup, .fini = shim_teardown);

static u16 ask(struct vcpu *v, u32 id, u32 reserved, u64 from)
{
	struct pt_partition_ref ref = { id, reserved, from };

	memset(env_out(v), 0xEE, PAGE_SIZE);
	return env_mem(v, PT_CALL_PARTITION_MESSAGING, &ref, sizeof(ref));
}

static struct pt_messaging_info *info(u32 id, u64 from)
{
	cr_assert_eq(ask(vr, id, 0, from), PT_STATUS_SUCCESS);
	return env_out(vr);
}

static u32 fast_out(struct vcpu *v, u16 code, u64 rdx, u64 r8)
{
	u64 out = 0;

	cr_assert_eq(env_fast(v, code, rdx, r8, &out, NULL), PT_STATUS_SUCCESS);
	return (u32)out;
}

Test(messaging_info, refusals)
{
	cr_assert_eq(ask(va, pa->id, 0, 0), PT_STATUS_ACCESS_DENIED);
	cr_assert_eq(ask(vr, 9, 0, 0), PT_STATUS_INVALID_PARTITION_ID);
	cr_assert_eq(ask(vr, MAX_PARTITIONS, 0, 0),
		     PT_STATUS_INVALID_PARTITION_ID);
	cr_assert_eq(ask(vr, pa->id, 1, 0), PT_STATUS_INVALID_PARAMETER);
	cr_assert_eq(ask(vr, pa->id, 0, PT_EVTCHN_PORTS),
		     PT_STATUS_INVALID_PORT_ID);
	cr_assert_eq(*(u32 *)env_out(vr), 0xEEEEEEEE);
}

Test(messaging_info, a_fresh_partition)
{
	struct pt_messaging_info *in = info(pa->id, 0);

	cr_assert_eq(in->id, pa->id);
	cr_assert_eq(in->max_ports, PT_EVTCHN_DEFAULT_CAP);
	cr_assert_eq(in->ports_in_use, 0);
	cr_assert_eq(in->port_count, 0);
	cr_assert_eq(in->next_port, 0);
	cr_assert_eq(in->connection_count, 0);
	cr_assert_eq(in->grant_frames, 0);
	cr_assert_eq(in->event_page_gpa, 0);
	cr_assert_eq(in->sends + in->deliveries + in->masked_sends, 0);
	cr_assert_eq(in->posts + in->queue_full + in->messages_in, 0);
	cr_assert_eq(in->grant_maps + in->grant_copies + in->maps_held, 0);
	cr_assert_eq(in->reserved[0] | in->reserved[1], 0);
	cr_assert_eq(in->connections[0].id, 0);
	/* Nothing written past the header when no port is listed. */
	cr_assert_eq(in->ports[0].port, 0);
	cr_assert_eq(info(ROOT_PARTITION_ID, 0)->max_ports,
		     PT_EVTCHN_PORTS - 1);
}

Test(messaging_info, counters_ports_connections_and_grants)
{
	struct pt_messaging_info *in;
	struct pt_msg_connection_in conn = { 1, 3, pb->id, 2 };
	struct pt_msg_post_in post;
	struct pt_grant_map_in *map = env_gpa(pb, ENV_LIST_GPA);
	struct pt_grant_copy *cp;
	struct pt_grant_entry *table = env_gpa(pa, ENV_TABLE_GPA);
	u32 a, b, v, id;

	cr_assert_eq(env_fast(va, PT_CALL_EVTCHN_SET_PAGE, ENV_EVENT_GPA, 0,
			      NULL, NULL),
		     PT_STATUS_SUCCESS);
	cr_assert_eq(env_fast(vb, PT_CALL_EVTCHN_SET_PAGE, ENV_EVENT_GPA, 0,
			      NULL, NULL),
		     PT_STATUS_SUCCESS);
	a = fast_out(va, PT_CALL_EVTCHN_ALLOC_UNBOUND, pb->id | 1ull << 32, 0);
	b = fast_out(vb, PT_CALL_EVTCHN_BIND_INTERDOMAIN, pa->id, a);
	v = fast_out(va, PT_CALL_EVTCHN_BIND_VIRQ, PT_VIRQ_PEER_DIED, 0);
	cr_assert_eq(env_fast(va, PT_CALL_EVTCHN_MASK, v, 0, NULL, NULL),
		     PT_STATUS_SUCCESS);
	/* B sends twice (one delivery), A sends once to B. */
	cr_assert_eq(env_fast(vb, PT_CALL_EVTCHN_SEND, b, 0, NULL, NULL),
		     PT_STATUS_SUCCESS);
	cr_assert_eq(env_fast(vb, PT_CALL_EVTCHN_SEND, b, 0, NULL, NULL),
		     PT_STATUS_SUCCESS);
	cr_assert_eq(env_fast(va, PT_CALL_EVTCHN_SEND, a, 0, NULL, NULL),
		     PT_STATUS_SUCCESS);
	/* A masked send: the virq. */
	evtchn_raise_virq(pa, PT_VIRQ_PEER_DIED);

	cr_assert_eq(
		env_mem(va, PT_CALL_MSG_CREATE_CONNECTION, &conn, sizeof(conn)),
		PT_STATUS_SUCCESS);
	id = pt_msg_connection_id(pa->id, 1, 3);
	memset(&post, 0, sizeof(post));
	post.connection_id = id;
	post.message_type = 1;
	for (u32 i = 0; i < 4; i++)
		env_mem(vb, PT_CALL_MSG_POST, &post, sizeof(post));

	cr_assert_eq(env_fast(va, PT_CALL_GRANT_SET_TABLE, ENV_TABLE_GPA, 4,
			      NULL, NULL),
		     PT_STATUS_SUCCESS);
	table[7] = (struct pt_grant_entry){ PT_GRANT_PERMIT, (u16)pb->id,
					    ENV_DATA_GPA >> PAGE_SHIFT };
	map[0] = (struct pt_grant_map_in){ (u16)pa->id, 0, 7,
					   PT_GUEST_GRANT_WINDOW_GPA };
	cr_assert_eq(
		pt_hc_status(env_rep(vb, PT_CALL_GRANT_MAP, 1, ENV_LIST_GPA,
				     ENV_LIST_GPA + PAGE_SIZE)),
		PT_STATUS_SUCCESS);
	cp = env_gpa(pb, ENV_LIST_GPA);
	*cp = (struct pt_grant_copy){ (u16)pa->id, 0, 7, 0, 8, ENV_DATA_GPA };
	cr_assert_eq(pt_hc_status(env_rep(vb, PT_CALL_GRANT_COPY, 1,
					  ENV_LIST_GPA, 0)),
		     PT_STATUS_SUCCESS);

	in = info(pa->id, 0);
	cr_assert_eq(in->ports_in_use, 2);
	cr_assert_eq(in->port_count, 2);
	cr_assert_eq(in->next_port, 0);
	cr_assert_eq(in->event_page_gpa, ENV_EVENT_GPA);
	cr_assert_eq(in->sends, 1);
	cr_assert_eq(in->deliveries, 1);
	cr_assert_eq(in->masked_sends, 1);
	cr_assert_eq(in->messages_in, 0, "no message page");
	cr_assert_eq(in->connection_count, 1);
	cr_assert_eq(in->connections[0].id, id);
	cr_assert_eq(in->connections[0].vcpu, 1);
	cr_assert_eq(in->connections[0].slot, 3);
	cr_assert_eq(in->connections[0].depth, 2);
	cr_assert_eq(in->connections[0].sender, pb->id);
	cr_assert_eq(in->connections[0].queued, 2);
	cr_assert_eq(in->connections[0].reserved, 0);
	cr_assert_eq(in->connections[1].id, 0);
	cr_assert_eq(in->grant_frames, 4);
	cr_assert_eq(in->grants_mapped, 1);
	cr_assert_eq(in->maps_held, 0);
	/* The ports, in order. */
	cr_assert_eq(in->ports[0].port, a);
	cr_assert_eq(in->ports[0].state, PT_EVTCHN_STATE_INTERDOMAIN);
	cr_assert_eq(in->ports[0].vcpu, 1);
	cr_assert_eq(in->ports[0].pending, 1);
	cr_assert_eq(in->ports[0].masked, 0);
	cr_assert_eq(in->ports[0].remote_port, b);
	cr_assert_eq(in->ports[0].remote_id, pb->id);
	cr_assert_eq(in->ports[0].reserved, 0);
	cr_assert_eq(in->ports[1].port, v);
	cr_assert_eq(in->ports[1].state, PT_EVTCHN_STATE_VIRQ);
	cr_assert_eq(in->ports[1].remote_port, PT_VIRQ_PEER_DIED);
	cr_assert_eq(in->ports[1].remote_id, 0);
	cr_assert_eq(in->ports[1].pending, 1);
	cr_assert_eq(in->ports[1].masked, 1);
	cr_assert_eq(in->ports[2].port, 0, "the rest of the page is clear");

	in = info(pb->id, 0);
	cr_assert_eq(in->sends, 2);
	cr_assert_eq(in->deliveries, 1);
	cr_assert_eq(in->posts, 2);
	cr_assert_eq(in->queue_full, 2);
	cr_assert_eq(in->maps_held, 1);
	cr_assert_eq(in->grant_maps, 1);
	cr_assert_eq(in->grant_copies, 1);
	cr_assert_eq(in->grants_mapped, 0);
	cr_assert_eq(in->ports[0].port, b);
	cr_assert_eq(in->ports[0].remote_port, a);
}

Test(messaging_info, ports_page_by_page)
{
	struct pt_messaging_info *in;
	u32 n = PT_MESSAGING_PORTS_MAX + 40, seen = 0, from = 0, calls = 0;

	cr_assert_eq(PT_MESSAGING_PORTS_MAX, 232);
	cr_assert_eq(env_fast(va, PT_CALL_EVTCHN_SET_PAGE, ENV_EVENT_GPA, 0,
			      NULL, NULL),
		     PT_STATUS_SUCCESS);
	for (u32 i = 0; i < n; i++)
		fast_out(va, PT_CALL_EVTCHN_ALLOC_UNBOUND, pb->id, 0);
	/* Gaps: every third port closed. */
	for (u32 p = 3; p <= n; p += 3)
		cr_assert_eq(
			env_fast(va, PT_CALL_EVTCHN_CLOSE, p, 0, NULL, NULL),
			PT_STATUS_SUCCESS);
	/* More ports than one page holds, after the gaps. */
	for (u32 i = 0; i < 200; i++)
		fast_out(va, PT_CALL_EVTCHN_ALLOC_UNBOUND, pb->id, 0);
	do {
		u32 last = from ? from - 1 : 0;

		in = info(pa->id, from);
		calls++;
		cr_assert_eq(in->ports_in_use, pa->evtchn.in_use);
		cr_assert_leq(in->port_count, PT_MESSAGING_PORTS_MAX);
		for (u32 i = 0; i < in->port_count; i++) {
			cr_assert_gt(in->ports[i].port, last, "in order");
			cr_assert_eq(in->ports[i].state,
				     PT_EVTCHN_STATE_UNBOUND);
			cr_assert_eq(in->ports[i].remote_id, pb->id);
			last = in->ports[i].port;
		}
		seen += in->port_count;
		if (in->next_port) {
			cr_assert_eq(in->port_count, PT_MESSAGING_PORTS_MAX);
			cr_assert_gt(in->next_port, last);
		}
		from = in->next_port;
	} while (from);
	cr_assert_eq(seen, pa->evtchn.in_use);
	cr_assert_eq(calls, 2);
	/* From a port beyond the last: nothing, complete. */
	in = info(pa->id, 4000);
	cr_assert_eq(in->port_count, 0);
	cr_assert_eq(in->next_port, 0);
	/* From the middle of the list. */
	in = info(pa->id, 100);
	cr_assert_eq(in->ports[0].port, 100);
	cr_assert_eq(in->port_count, PT_MESSAGING_PORTS_MAX);
	cr_assert_eq(in->next_port, 100 + PT_MESSAGING_PORTS_MAX,
		     "the gaps were filled: ports 1 to %u in use",
		     pa->evtchn.in_use);
}

Test(messaging_info, connections_listed_are_at_most_16)
{
	struct pt_messaging_info *in;

	for (u32 vcpu = 0; vcpu < 2; vcpu++) {
		for (u32 slot = 0; slot < PT_MSG_SLOTS; slot++) {
			struct pt_msg_connection_in c = { vcpu, slot,
							  PT_MSG_ANY_SENDER,
							  1 };

			cr_assert_eq(env_mem(va, PT_CALL_MSG_CREATE_CONNECTION,
					     &c, sizeof(c)),
				     PT_STATUS_SUCCESS);
		}
	}
	in = info(pa->id, 0);
	cr_assert_eq(in->connection_count, 32);
	for (u32 i = 0; i < PT_MESSAGING_CONNECTIONS_LISTED; i++)
		cr_assert_eq(in->connections[i].id,
			     pt_msg_connection_id(pa->id, 0, i));
}

/* CREATE takes the caps: 0 for the defaults, else in range. */
static u16 create_with(const char *name, u32 ports, u32 frames)
{
	struct pt_partition_create_in in;

	memset(&in, 0, sizeof(in));
	strcpy(in.name, name);
	in.memory_bytes = ENV_GUEST_BYTES;
	in.vcpu_count = 1;
	in.weight = 1;
	in.cpu_mask = ~0ull;
	in.max_event_ports = ports;
	in.max_grant_frames = frames;
	return env_mem(vr, PT_CALL_PARTITION_CREATE, &in, sizeof(in));
}

Test(messaging_info, create_takes_the_messaging_caps)
{
	struct partition *p;

	cr_assert_eq(create_with("x", PT_EVTCHN_PORTS, 0),
		     PT_STATUS_INVALID_PARAMETER);
	cr_assert_eq(create_with("x", ~0u, 0), PT_STATUS_INVALID_PARAMETER);
	cr_assert_eq(create_with("x", 0, PT_GRANT_FRAMES_MAX + 1),
		     PT_STATUS_INVALID_PARAMETER);
	cr_assert_eq(create_with("x", PT_EVTCHN_PORTS - 1, PT_GRANT_FRAMES_MAX),
		     PT_STATUS_SUCCESS);
	p = partition_find("x");
	cr_assert_eq(p->evtchn.cap, PT_EVTCHN_PORTS - 1);
	cr_assert_eq(p->grant.max_frames, PT_GRANT_FRAMES_MAX);
	cr_assert_eq(info(p->id, 0)->max_ports, PT_EVTCHN_PORTS - 1);
	cr_assert_eq(create_with("y", 0, 0), PT_STATUS_SUCCESS);
	p = partition_find("y");
	cr_assert_eq(p->evtchn.cap, PT_EVTCHN_DEFAULT_CAP);
	cr_assert_eq(p->grant.max_frames, PT_GRANT_DEFAULT_FRAMES);
}
