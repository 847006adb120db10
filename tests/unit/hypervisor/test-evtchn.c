// SPDX-License-Identifier: GPL-2.0-only
/* Unit tests of event ports: binding, delivery, virqs and partition end. */
#include <criterion/criterion.h>
#include <hv/evtchn.h>
#include <hv/frame.h>
#include <hv/hcall.h>
#include <hv/partition.h>
#include <hv/root.h>
#include <hv/sched.h>
#include <hv/time.h>
#include <partita/events.h>
#include <partita/hypercall.h>
#include <partita/msr.h>
#include <partita/root.h>
#include <partita/vpap.h>
#include <string.h>

#include "hv-shim.h"
#include "msg-env.h"

/* Two guests: A with two vCPUs, B with one; the root is partition 0. */
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

TestSuite(evtchn, .init = setup, .fini = shim_teardown);

/* ---- Helpers ---------------------------------------------------------- */

static u16 set_page(struct vcpu *v, u64 gpa)
{
	return env_fast(v, PT_CALL_EVTCHN_SET_PAGE, gpa, 0, NULL, NULL);
}

static struct pt_event_page *page_of(struct partition *p)
{
	return env_gpa(p, ENV_EVENT_GPA);
}

static u64 id_vcpu(u32 id, u32 vcpu)
{
	return id | (u64)vcpu << 32;
}

static u16 alloc_unbound(struct vcpu *v, u32 remote, u32 vcpu, u32 *port)
{
	u64 rdx = 0xDEAD;
	u16 status = env_fast(v, PT_CALL_EVTCHN_ALLOC_UNBOUND,
			      id_vcpu(remote, vcpu), 0, &rdx, NULL);

	if (port)
		*port = (u32)rdx;
	return status;
}

static u32 alloc_ok(struct vcpu *v, u32 remote, u32 vcpu)
{
	u32 port = 0;

	cr_assert_eq(alloc_unbound(v, remote, vcpu, &port), PT_STATUS_SUCCESS);
	cr_assert_neq(port, 0);
	return port;
}

static u16 bind_inter(struct vcpu *v, u32 remote, u64 rport, u32 vcpu,
		      u32 *port)
{
	u64 rdx = 0xDEAD;
	u16 status = env_fast(v, PT_CALL_EVTCHN_BIND_INTERDOMAIN,
			      id_vcpu(remote, vcpu), rport, &rdx, NULL);

	if (port)
		*port = (u32)rdx;
	return status;
}

static u16 bind_virq(struct vcpu *v, u64 virq, u32 vcpu, u32 *port)
{
	u64 rdx = 0xDEAD;
	u16 status =
		env_fast(v, PT_CALL_EVTCHN_BIND_VIRQ, virq, vcpu, &rdx, NULL);

	if (port)
		*port = (u32)rdx;
	return status;
}

static u16 port_call(struct vcpu *v, u16 code, u64 port)
{
	return env_fast(v, code, port, 0, NULL, NULL);
}

static u16 send(struct vcpu *v, u64 port)
{
	return port_call(v, PT_CALL_EVTCHN_SEND, port);
}

static u16 evclose(struct vcpu *v, u64 port)
{
	return port_call(v, PT_CALL_EVTCHN_CLOSE, port);
}

static struct pt_evtchn_status status_of(struct vcpu *v, u32 port)
{
	struct pt_evtchn_ref ref = { port, 0 };

	memset(env_out(v), 0xEE, sizeof(struct pt_evtchn_status));
	cr_assert_eq(env_mem(v, PT_CALL_EVTCHN_STATUS, &ref, sizeof(ref)),
		     PT_STATUS_SUCCESS);
	return *(struct pt_evtchn_status *)env_out(v);
}

static bool pending(struct partition *p, u32 port)
{
	return page_of(p)->pending[port / 64] & BIT(port % 64);
}

/* A and B with event pages, VPAPs, and port pair a <-> b (a on A's vCPU
 * `avcpu`, offered by A and bound by B). */
static void pair(u32 avcpu, u32 *a, u32 *b)
{
	if (!pa->evtchn.page)
		cr_assert_eq(set_page(va, ENV_EVENT_GPA), PT_STATUS_SUCCESS);
	if (!pb->evtchn.page)
		cr_assert_eq(set_page(vb, ENV_EVENT_GPA), PT_STATUS_SUCCESS);
	*a = alloc_ok(va, pb->id, avcpu);
	cr_assert_eq(bind_inter(vb, pa->id, *a, 0, b), PT_STATUS_SUCCESS);
}

/* Nothing of a delivery is visible on v. */
static void no_upcall(const struct pt_vpap *vpap)
{
	cr_assert_eq(vpap->evtchn_pending_sel, 0);
	cr_assert_eq(vpap->pending_events & BIT(PT_EVENT_PORTS), 0);
	cr_assert_eq(vpap->upcall_pending, 0);
}

static void ack(struct pt_vpap *vpap)
{
	vpap->evtchn_pending_sel = 0;
	vpap->pending_events = 0;
	vpap->upcall_pending = 0;
}

/* ---- Allocation ------------------------------------------------------- */

Test(evtchn, alloc_needs_an_event_page)
{
	cr_assert_eq(alloc_unbound(va, pb->id, 0, NULL),
		     PT_STATUS_INVALID_PARTITION_STATE);
	cr_assert_eq(pa->evtchn.in_use, 0);
}

Test(evtchn, alloc_gives_the_lowest_free_port_and_counts_bucket_frames)
{
	u64 owned = frame_count_owned(pa->id);
	u32 port;

	cr_assert_eq(set_page(va, ENV_EVENT_GPA), PT_STATUS_SUCCESS);
	cr_assert_eq(frame_count_owned(pa->id), owned, "the page is its RAM");
	/* The first bucket was made at START for the store port
	 * (store_seed), which env_guest closed again: buckets stay. */
	cr_assert_eq(alloc_ok(va, pb->id, 1), 1, "port 1 first");
	cr_assert_eq(frame_count_owned(pa->id), owned, "the bucket is there");
	for (u32 n = 2; n < EVTCHN_BUCKET_PORTS; n++)
		cr_assert_eq(alloc_ok(va, pb->id, 0), n);
	cr_assert_eq(frame_count_owned(pa->id), owned);
	/* The first port of the second bucket takes another frame. */
	cr_assert_eq(alloc_ok(va, pb->id, 0), EVTCHN_BUCKET_PORTS);
	cr_assert_eq(frame_count_owned(pa->id), owned + 1);
	cr_assert_eq(pa->evtchn.in_use, EVTCHN_BUCKET_PORTS);
	/* A closed port is the next one handed out. */
	cr_assert_eq(evclose(va, 3), PT_STATUS_SUCCESS);
	cr_assert_eq(evclose(va, 200), PT_STATUS_SUCCESS);
	cr_assert_eq(alloc_ok(va, ROOT_PARTITION_ID, 0), 3);
	cr_assert_eq(alloc_ok(va, ROOT_PARTITION_ID, 0), 200);
	cr_assert_eq(alloc_ok(va, ROOT_PARTITION_ID, 0),
		     EVTCHN_BUCKET_PORTS + 1);
	port = 1;
	cr_assert_eq(status_of(va, port).state, PT_EVTCHN_STATE_UNBOUND);
	cr_assert_eq(status_of(va, port).remote_id, pb->id);
	cr_assert_eq(status_of(va, port).vcpu, 1);
	cr_assert_eq(frame_pool_check(), 0);
}

Test(evtchn, alloc_refuses_bad_arguments_and_changes_nothing)
{
	cr_assert_eq(set_page(va, ENV_EVENT_GPA), PT_STATUS_SUCCESS);
	cr_assert_eq(alloc_unbound(va, pb->id, 2, NULL),
		     PT_STATUS_INVALID_VP_INDEX);
	cr_assert_eq(alloc_unbound(va, MAX_PARTITIONS, 0, NULL),
		     PT_STATUS_INVALID_PARTITION_ID);
	cr_assert_eq(alloc_unbound(va, 0xFFFFFFFFu, 0, NULL),
		     PT_STATUS_INVALID_PARTITION_ID);
	cr_assert_eq(alloc_unbound(va, 7, 0, NULL),
		     PT_STATUS_INVALID_PARTITION_ID, "no partition 7");
	cr_assert_eq(pa->evtchn.in_use, 0);
	/* Every call with the fast flag only: a memory form is refused. */
	cr_assert_eq(
		pt_hc_status(env_call(
			va, pt_hc_input(PT_CALL_EVTCHN_ALLOC_UNBOUND, 0, 0, 0),
			ENV_IN_GPA, ENV_OUT_GPA, NULL)),
		PT_STATUS_INVALID_HYPERCALL_INPUT);
	cr_assert_eq(alloc_ok(va, pb->id, 0), 1);
}

Test(evtchn, cap_from_the_config_then_no_resources)
{
	struct partition *pc = env_guest("gamma", 1, 3, 0);
	struct vcpu *vc = &pc->vcpus[0];

	cr_assert_eq(pc->evtchn.cap, 3);
	cr_assert_eq(set_page(vc, ENV_EVENT_GPA), PT_STATUS_SUCCESS);
	for (u32 i = 1; i <= 3; i++)
		cr_assert_eq(alloc_ok(vc, pb->id, 0), i);
	cr_assert_eq(alloc_unbound(vc, pb->id, 0, NULL),
		     PT_STATUS_NO_RESOURCES);
	cr_assert_eq(bind_virq(vc, PT_VIRQ_PEER_DIED, 0, NULL),
		     PT_STATUS_NO_RESOURCES);
	cr_assert_eq(pc->evtchn.in_use, 3);
	/* Closing one makes room for exactly one. */
	cr_assert_eq(evclose(vc, 2), PT_STATUS_SUCCESS);
	cr_assert_eq(alloc_ok(vc, pb->id, 0), 2);
	cr_assert_eq(alloc_unbound(vc, pb->id, 0, NULL),
		     PT_STATUS_NO_RESOURCES);
}

Test(evtchn, default_cap_is_1023)
{
	cr_assert_eq(pa->evtchn.cap, PT_EVTCHN_DEFAULT_CAP);
	cr_assert_eq(set_page(va, ENV_EVENT_GPA), PT_STATUS_SUCCESS);
	for (u32 i = 1; i <= PT_EVTCHN_DEFAULT_CAP; i++)
		cr_assert_eq(alloc_ok(va, pb->id, 0), i);
	cr_assert_eq(alloc_unbound(va, pb->id, 0, NULL),
		     PT_STATUS_NO_RESOURCES);
	cr_assert_eq(pa->evtchn.in_use, PT_EVTCHN_DEFAULT_CAP);
	cr_assert_eq(frame_pool_check(), 0);
}

Test(evtchn, root_cap_is_every_port)
{
	u64 owned = frame_count_owned(ROOT_PARTITION_ID);

	cr_assert_eq(env_root->evtchn.cap, PT_EVTCHN_PORTS - 1);
	cr_assert_eq(set_page(vr, ENV_EVENT_GPA), PT_STATUS_SUCCESS);
	for (u32 i = 1; i < PT_EVTCHN_PORTS; i++)
		cr_assert_eq(alloc_ok(vr, pa->id, 0), i);
	cr_assert_eq(alloc_unbound(vr, pa->id, 0, NULL),
		     PT_STATUS_NO_RESOURCES);
	cr_assert_eq(frame_count_owned(ROOT_PARTITION_ID),
		     owned + EVTCHN_BUCKETS);
	/* The last port works like any other. */
	cr_assert_eq(
		bind_inter(vb, ROOT_PARTITION_ID, PT_EVTCHN_PORTS - 1, 0, NULL),
		PT_STATUS_INVALID_PARTITION_STATE, "B has no page");
	cr_assert_eq(set_page(vb, ENV_EVENT_GPA), PT_STATUS_SUCCESS);
	cr_assert_eq(
		bind_inter(vb, ROOT_PARTITION_ID, PT_EVTCHN_PORTS - 1, 0, NULL),
		PT_STATUS_ACCESS_DENIED, "offered to A");
	cr_assert_eq(
		bind_inter(va, ROOT_PARTITION_ID, PT_EVTCHN_PORTS - 1, 0, NULL),
		PT_STATUS_INVALID_PARTITION_STATE, "A has no page");
}

/* ---- Binding ---------------------------------------------------------- */

Test(evtchn, bind_interdomain_connects_both_ends)
{
	struct pt_evtchn_status s;
	u32 a, b;

	pair(1, &a, &b);
	cr_assert_eq(a, 1);
	cr_assert_eq(b, 1);
	s = status_of(va, a);
	cr_assert_eq(s.port, a);
	cr_assert_eq(s.state, PT_EVTCHN_STATE_INTERDOMAIN);
	cr_assert_eq(s.vcpu, 1);
	cr_assert_eq(s.remote_id, pb->id);
	cr_assert_eq(s.remote_port, b);
	s = status_of(vb, b);
	cr_assert_eq(s.state, PT_EVTCHN_STATE_INTERDOMAIN);
	cr_assert_eq(s.vcpu, 0);
	cr_assert_eq(s.remote_id, pa->id);
	cr_assert_eq(s.remote_port, a);
	/* Bound: nobody can bind it again. */
	cr_assert_eq(bind_inter(vb, pa->id, a, 0, NULL),
		     PT_STATUS_INVALID_PORT_ID);
	cr_assert_eq(pb->evtchn.in_use, 1);
}

Test(evtchn, bind_interdomain_refusals_change_nothing)
{
	u32 to_root, to_b;

	cr_assert_eq(set_page(va, ENV_EVENT_GPA), PT_STATUS_SUCCESS);
	cr_assert_eq(set_page(vb, ENV_EVENT_GPA), PT_STATUS_SUCCESS);
	to_root = alloc_ok(va, ROOT_PARTITION_ID, 0);
	to_b = alloc_ok(va, pb->id, 0);
	cr_assert_eq(bind_inter(vb, pa->id, to_root, 0, NULL),
		     PT_STATUS_ACCESS_DENIED, "offered to another");
	cr_assert_eq(bind_inter(vb, pa->id, 99, 0, NULL),
		     PT_STATUS_INVALID_PORT_ID, "a free port");
	cr_assert_eq(bind_inter(vb, pa->id, 0, 0, NULL),
		     PT_STATUS_INVALID_PORT_ID);
	cr_assert_eq(bind_inter(vb, pa->id, PT_EVTCHN_PORTS, 0, NULL),
		     PT_STATUS_INVALID_PORT_ID);
	cr_assert_eq(bind_inter(vb, pa->id, 1ull << 32 | to_b, 0, NULL),
		     PT_STATUS_INVALID_PORT_ID, "R8 bits above the port");
	cr_assert_eq(bind_inter(vb, pa->id, to_b, 1, NULL),
		     PT_STATUS_INVALID_VP_INDEX);
	cr_assert_eq(bind_inter(vb, 9, to_b, 0, NULL),
		     PT_STATUS_INVALID_PARTITION_ID);
	cr_assert_eq(bind_inter(vb, MAX_PARTITIONS, to_b, 0, NULL),
		     PT_STATUS_INVALID_PARTITION_ID);
	cr_assert_eq(pb->evtchn.in_use, 0);
	cr_assert_eq(status_of(va, to_b).state, PT_EVTCHN_STATE_UNBOUND);
	cr_assert_eq(status_of(va, to_root).state, PT_EVTCHN_STATE_UNBOUND);
	/* The root's binding of what was offered to it works. */
	cr_assert_eq(set_page(vr, ENV_EVENT_GPA), PT_STATUS_SUCCESS);
	cr_assert_eq(bind_inter(vr, pa->id, to_root, 0, NULL),
		     PT_STATUS_SUCCESS);
}

Test(evtchn, a_partition_may_connect_to_itself)
{
	struct pt_vpap *vpap = env_vpap(va);
	u32 a, b;

	cr_assert_eq(set_page(va, ENV_EVENT_GPA), PT_STATUS_SUCCESS);
	a = alloc_ok(va, pa->id, 0);
	cr_assert_eq(bind_inter(va, pa->id, a, 0, &b), PT_STATUS_SUCCESS);
	cr_assert_eq(b, 2);
	cr_assert_eq(send(va, a), PT_STATUS_SUCCESS);
	cr_assert(pending(pa, b));
	cr_assert_not(pending(pa, a));
	cr_assert_eq(vpap->evtchn_pending_sel, 1);
	cr_assert_eq(evclose(va, b), PT_STATUS_SUCCESS);
	cr_assert_eq(status_of(va, a).state, PT_EVTCHN_STATE_UNBOUND);
	cr_assert_eq(status_of(va, a).remote_id, pa->id);
	cr_assert_eq(pa->evtchn.in_use, 1);
}

/* ---- Sending ---------------------------------------------------------- */

Test(evtchn, send_makes_the_peer_pending_with_selector_and_upcall)
{
	struct pt_vpap *vpap0 = env_vpap(va), *vpap1 = env_vpap(va1);
	struct pt_vpap *vpapb = env_vpap(vb);
	u32 a, b;

	cr_assert_eq(set_page(va, ENV_EVENT_GPA), PT_STATUS_SUCCESS);
	/* Push A's port into the second word of the bitmaps. */
	for (u32 i = 1; i < 70; i++)
		alloc_ok(va, ROOT_PARTITION_ID, 0);
	pair(1, &a, &b);
	cr_assert_eq(a, 70);
	cr_assert_eq(send(vb, b), PT_STATUS_SUCCESS);
	cr_assert(pending(pa, a));
	cr_assert_eq(page_of(pa)->pending[0], 0);
	cr_assert_eq(vpap1->evtchn_pending_sel, BIT(1), "word 70 / 64");
	cr_assert_eq(vpap1->pending_events, BIT(PT_EVENT_PORTS));
	cr_assert_eq(vpap1->upcall_pending, 1);
	no_upcall(vpap0);
	no_upcall(vpapb);
	cr_assert_not(pending(pb, b), "the sender's end is untouched");
	cr_assert_eq(pb->evtchn.sends, 1);
	cr_assert_eq(pa->evtchn.deliveries, 1);

	/* Coalescing: pending already, a second send delivers nothing. */
	ack(vpap1);
	cr_assert_eq(send(vb, b), PT_STATUS_SUCCESS);
	no_upcall(vpap1);
	cr_assert(pending(pa, a));
	cr_assert_eq(pb->evtchn.sends, 2);
	cr_assert_eq(pa->evtchn.deliveries, 1);

	/* The guest handled it (cleared pending): the next one delivers. */
	page_of(pa)->pending[1] = 0;
	cr_assert_eq(send(vb, b), PT_STATUS_SUCCESS);
	cr_assert_eq(vpap1->evtchn_pending_sel, BIT(1));
	cr_assert_eq(pa->evtchn.deliveries, 2);

	/* The other direction. */
	cr_assert_eq(send(va, a), PT_STATUS_SUCCESS);
	cr_assert(pending(pb, b));
	cr_assert_eq(vpapb->evtchn_pending_sel, BIT(0));
	cr_assert_eq(vpapb->pending_events, BIT(PT_EVENT_PORTS));
}

Test(evtchn, selector_kept_until_the_vpap_is_enabled)
{
	struct pt_vpap *vpap;
	u32 a, b;

	pair(0, &a, &b);
	cr_assert_eq(send(vb, b), PT_STATUS_SUCCESS);
	cr_assert_eq(va->evtchn.sel_pending, BIT(0));
	cr_assert_eq(va->pending_events, BIT(PT_EVENT_PORTS));
	vpap = env_vpap(va);
	cr_assert_eq(vpap->evtchn_pending_sel, BIT(0));
	cr_assert_eq(vpap->pending_events, BIT(PT_EVENT_PORTS));
	cr_assert_eq(va->evtchn.sel_pending, 0);
}

Test(evtchn, masked_port_gets_pending_only_and_unmask_raises_it)
{
	struct pt_vpap *vpap = env_vpap(va);
	u32 a, b;

	pair(0, &a, &b);
	cr_assert_eq(port_call(va, PT_CALL_EVTCHN_MASK, a), PT_STATUS_SUCCESS);
	cr_assert(page_of(pa)->mask[0] & BIT(a));
	cr_assert(status_of(va, a).masked);
	cr_assert_eq(send(vb, b), PT_STATUS_SUCCESS);
	cr_assert(pending(pa, a));
	no_upcall(vpap);
	cr_assert_eq(pa->evtchn.masked_sends, 1);
	cr_assert_eq(pa->evtchn.deliveries, 0);
	/* More sends coalesce: counted once. */
	cr_assert_eq(send(vb, b), PT_STATUS_SUCCESS);
	cr_assert_eq(pa->evtchn.masked_sends, 1);

	cr_assert_eq(port_call(va, PT_CALL_EVTCHN_UNMASK, a),
		     PT_STATUS_SUCCESS);
	cr_assert_not(page_of(pa)->mask[0] & BIT(a));
	cr_assert_eq(vpap->evtchn_pending_sel, BIT(0));
	cr_assert_eq(vpap->pending_events, BIT(PT_EVENT_PORTS));
	cr_assert_eq(vpap->upcall_pending, 1);
	cr_assert_eq(pa->evtchn.deliveries, 1);

	/* Unmasking a port that is not pending raises nothing. */
	ack(vpap);
	page_of(pa)->pending[0] = 0;
	cr_assert_eq(port_call(va, PT_CALL_EVTCHN_UNMASK, a),
		     PT_STATUS_SUCCESS);
	no_upcall(vpap);
	cr_assert_eq(pa->evtchn.deliveries, 1);

	/* A mask bit the guest sets itself counts the same. */
	page_of(pa)->mask[0] |= BIT(a);
	cr_assert_eq(send(vb, b), PT_STATUS_SUCCESS);
	no_upcall(vpap);
	cr_assert_eq(pa->evtchn.masked_sends, 2);
}

Test(evtchn, mask_and_unmask_need_a_port_in_use)
{
	cr_assert_eq(set_page(va, ENV_EVENT_GPA), PT_STATUS_SUCCESS);
	cr_assert_eq(port_call(va, PT_CALL_EVTCHN_MASK, 5),
		     PT_STATUS_INVALID_PORT_ID);
	cr_assert_eq(port_call(va, PT_CALL_EVTCHN_UNMASK, 0),
		     PT_STATUS_INVALID_PORT_ID);
	cr_assert_eq(port_call(va, PT_CALL_EVTCHN_MASK, PT_EVTCHN_PORTS),
		     PT_STATUS_INVALID_PORT_ID);
	cr_assert_eq(page_of(pa)->mask[0], 0);
}

Test(evtchn, send_on_unbound_succeeds_and_delivers_nothing)
{
	struct pt_vpap *vpapb = env_vpap(vb);
	struct pt_event_page before;
	u32 a;

	cr_assert_eq(set_page(va, ENV_EVENT_GPA), PT_STATUS_SUCCESS);
	cr_assert_eq(set_page(vb, ENV_EVENT_GPA), PT_STATUS_SUCCESS);
	a = alloc_ok(va, pb->id, 0);
	memcpy(&before, page_of(pb), sizeof(before));
	cr_assert_eq(send(va, a), PT_STATUS_SUCCESS);
	cr_assert_eq(memcmp(&before, page_of(pb), sizeof(before)), 0);
	cr_assert_not(pending(pa, a));
	no_upcall(vpapb);
	cr_assert_eq(pa->evtchn.sends, 1);
	cr_assert_eq(pb->evtchn.deliveries, 0);
}

Test(evtchn, send_and_close_on_free_or_out_of_range_ports)
{
	u32 virq_port;

	cr_assert_eq(send(va, 1), PT_STATUS_INVALID_PORT_ID, "no page");
	cr_assert_eq(set_page(va, ENV_EVENT_GPA), PT_STATUS_SUCCESS);
	cr_assert_eq(send(va, 1), PT_STATUS_INVALID_PORT_ID);
	cr_assert_eq(evclose(va, 1), PT_STATUS_INVALID_PORT_ID);
	cr_assert_eq(send(va, 0), PT_STATUS_INVALID_PORT_ID);
	cr_assert_eq(evclose(va, 0), PT_STATUS_INVALID_PORT_ID);
	cr_assert_eq(send(va, PT_EVTCHN_PORTS), PT_STATUS_INVALID_PORT_ID);
	cr_assert_eq(evclose(va, PT_EVTCHN_PORTS), PT_STATUS_INVALID_PORT_ID);
	cr_assert_eq(send(va, 1ull << 32 | 1), PT_STATUS_INVALID_PORT_ID);
	cr_assert_eq(send(va, ~0ull), PT_STATUS_INVALID_PORT_ID);
	cr_assert_eq(bind_virq(va, PT_VIRQ_PEER_DIED, 0, &virq_port),
		     PT_STATUS_SUCCESS);
	cr_assert_eq(send(va, virq_port), PT_STATUS_INVALID_PORT_ID,
		     "only the hypervisor raises a virq");
	cr_assert_eq(pa->evtchn.sends, 0);
	/* Double close. */
	cr_assert_eq(evclose(va, virq_port), PT_STATUS_SUCCESS);
	cr_assert_eq(evclose(va, virq_port), PT_STATUS_INVALID_PORT_ID);
	cr_assert_eq(pa->evtchn.in_use, 0);
}

/* ---- Closing ---------------------------------------------------------- */

Test(evtchn, close_turns_the_peer_unbound_offered_back_to_us)
{
	struct pt_vpap *vpapa = env_vpap(va);
	struct pt_evtchn_status s;
	u32 a, b, a2;

	pair(0, &a, &b);
	cr_assert_eq(evclose(va, a), PT_STATUS_SUCCESS);
	cr_assert_eq(status_of(va, a).state, PT_EVTCHN_STATE_FREE);
	s = status_of(vb, b);
	cr_assert_eq(s.state, PT_EVTCHN_STATE_UNBOUND);
	cr_assert_eq(s.remote_id, pa->id);
	cr_assert_eq(s.remote_port, 0);
	cr_assert_not(s.pending, "a close is no death notice");
	/* B's sends go nowhere now. */
	cr_assert_eq(send(vb, b), PT_STATUS_SUCCESS);
	no_upcall(vpapa);
	cr_assert_eq(page_of(pa)->pending[0], 0);
	cr_assert_eq(send(va, a), PT_STATUS_INVALID_PORT_ID);
	cr_assert_eq(evclose(va, a), PT_STATUS_INVALID_PORT_ID);
	/* A binds B's end again and the pair works. */
	cr_assert_eq(bind_inter(va, pb->id, b, 0, &a2), PT_STATUS_SUCCESS);
	cr_assert_eq(a2, a);
	cr_assert_eq(status_of(vb, b).remote_port, a2);
	cr_assert_eq(send(vb, b), PT_STATUS_SUCCESS);
	cr_assert(pending(pa, a2));
	cr_assert_eq(vpapa->evtchn_pending_sel, BIT(0));
}

Test(evtchn, close_clears_our_pending_bit)
{
	u32 a, b;

	pair(0, &a, &b);
	cr_assert_eq(send(vb, b), PT_STATUS_SUCCESS);
	cr_assert(pending(pa, a));
	cr_assert_eq(evclose(va, a), PT_STATUS_SUCCESS);
	cr_assert_not(pending(pa, a), "a new port must not start pending");
	cr_assert_eq(alloc_ok(va, pb->id, 0), a);
	cr_assert_not(status_of(va, a).pending);
}

/* ---- Virtual IRQs ----------------------------------------------------- */

Test(evtchn, virq_binding_rules)
{
	u32 port, timer0, timer1;

	cr_assert_eq(set_page(va, ENV_EVENT_GPA), PT_STATUS_SUCCESS);
	cr_assert_eq(bind_virq(va, PT_VIRQ_PEER_DIED, 1, &port),
		     PT_STATUS_SUCCESS);
	cr_assert_eq(port, 1);
	cr_assert_eq(status_of(va, port).state, PT_EVTCHN_STATE_VIRQ);
	cr_assert_eq(status_of(va, port).virq, PT_VIRQ_PEER_DIED);
	cr_assert_eq(status_of(va, port).vcpu, 1);
	cr_assert_eq(status_of(va, port).remote_id, 0);
	cr_assert_eq(bind_virq(va, PT_VIRQ_PEER_DIED, 0, NULL),
		     PT_STATUS_OBJECT_IN_USE, "bound twice");
	cr_assert_eq(bind_virq(va, PT_VIRQ_TIMER, 2, NULL),
		     PT_STATUS_INVALID_VP_INDEX);
	cr_assert_eq(bind_virq(va, PT_VIRQ_PEER_DIED, 2, NULL),
		     PT_STATUS_INVALID_VP_INDEX);
	cr_assert_eq(bind_virq(va, PT_VIRQ_COUNT, 0, NULL),
		     PT_STATUS_INVALID_PARAMETER);
	cr_assert_eq(bind_virq(va, 1ull << 32, 0, NULL),
		     PT_STATUS_INVALID_PARAMETER);
	cr_assert_eq(bind_virq(va, PT_VIRQ_CONSOLE, 0, NULL),
		     PT_STATUS_ACCESS_DENIED);
	cr_assert_eq(bind_virq(va, PT_VIRQ_PARTITION, 0, NULL),
		     PT_STATUS_ACCESS_DENIED);
	cr_assert_eq(bind_virq(va, PT_VIRQ_LOG, 0, NULL),
		     PT_STATUS_ACCESS_DENIED);
	cr_assert_eq(pa->evtchn.in_use, 1);
	/* The timer is per vCPU: once on each. */
	cr_assert_eq(bind_virq(va, PT_VIRQ_TIMER, 0, &timer0),
		     PT_STATUS_SUCCESS);
	cr_assert_eq(bind_virq(va, PT_VIRQ_TIMER, 1, &timer1),
		     PT_STATUS_SUCCESS);
	cr_assert_eq(bind_virq(va, PT_VIRQ_TIMER, 1, NULL),
		     PT_STATUS_OBJECT_IN_USE);
	cr_assert_eq(va->evtchn.timer_port, timer0);
	cr_assert_eq(va1->evtchn.timer_port, timer1);
	/* A vCPU's timer port stays with it. */
	cr_assert_eq(
		env_fast(va, PT_CALL_EVTCHN_BIND_VCPU, timer0, 1, NULL, NULL),
		PT_STATUS_OPERATION_DENIED);
	/* Closed, it may be bound again. */
	cr_assert_eq(evclose(va, timer1), PT_STATUS_SUCCESS);
	cr_assert_eq(va1->evtchn.timer_port, 0);
	cr_assert_eq(bind_virq(va, PT_VIRQ_TIMER, 1, NULL), PT_STATUS_SUCCESS);
	cr_assert_eq(evclose(va, port), PT_STATUS_SUCCESS);
	cr_assert_eq(bind_virq(va, PT_VIRQ_PEER_DIED, 0, NULL),
		     PT_STATUS_SUCCESS);
}

Test(evtchn, root_virqs)
{
	struct pt_vpap *vpap = env_vpap(vr);
	u32 part, log, console;

	cr_assert_eq(set_page(vr, ENV_EVENT_GPA), PT_STATUS_SUCCESS);
	cr_assert_eq(bind_virq(vr, PT_VIRQ_TIMER, 0, NULL),
		     PT_STATUS_OPERATION_DENIED, "Linux owns its timer");
	cr_assert_eq(bind_virq(vr, PT_VIRQ_PARTITION, 0, &part),
		     PT_STATUS_SUCCESS);
	cr_assert_eq(bind_virq(vr, PT_VIRQ_LOG, 0, &log), PT_STATUS_SUCCESS);
	cr_assert_eq(bind_virq(vr, PT_VIRQ_CONSOLE, 0, &console),
		     PT_STATUS_SUCCESS);
	ack(vpap);
	root_notify(PT_ROOT_EVENT_PARTITION);
	cr_assert(pending(env_root, part));
	cr_assert_not(pending(env_root, log));
	cr_assert_not(pending(env_root, console));
	/* The root learns through its own event bits and MSI. */
	cr_assert(vpap->pending_events & BIT(PT_ROOT_EVENT_PORTS));
	cr_assert_eq(vpap->evtchn_pending_sel, BIT(0));
	cr_assert(evtchn_raise_virq(env_root, PT_VIRQ_CONSOLE));
	cr_assert(pending(env_root, console));
	/* Not bound: nothing raised. */
	cr_assert_not(evtchn_raise_virq(env_root, PT_VIRQ_PEER_DIED));
}

Test(evtchn, timer_fires_through_its_port)
{
	struct pt_vpap *vpap = env_vpap(va);
	u32 port;

	cr_assert_not(evtchn_timer_fired(va), "no port bound");
	cr_assert_eq(set_page(va, ENV_EVENT_GPA), PT_STATUS_SUCCESS);
	cr_assert_eq(bind_virq(va, PT_VIRQ_TIMER, 0, &port), PT_STATUS_SUCCESS);
	cr_assert(evtchn_timer_fired(va));
	cr_assert(pending(pa, port));
	cr_assert_eq(vpap->evtchn_pending_sel, BIT(0));
	cr_assert_eq(vpap->pending_events, BIT(PT_EVENT_PORTS));
	cr_assert_eq(vpap->upcall_pending, 1);
	/* vCPU 1 has no timer port. */
	cr_assert_not(evtchn_timer_fired(va1));
	/* Masked: pending only, still "bound" so PT_EVENT_TIMER stays off. */
	ack(vpap);
	page_of(pa)->pending[0] = 0;
	page_of(pa)->mask[0] = BIT(port);
	cr_assert(evtchn_timer_fired(va));
	cr_assert(pending(pa, port));
	no_upcall(vpap);
}

Test(evtchn, bind_vcpu_moves_the_upcalls)
{
	struct pt_vpap *vpap0 = env_vpap(va), *vpap1 = env_vpap(va1);
	u32 a, b;

	pair(0, &a, &b);
	cr_assert_eq(env_fast(va, PT_CALL_EVTCHN_BIND_VCPU, a, 1, NULL, NULL),
		     PT_STATUS_SUCCESS);
	cr_assert_eq(status_of(va, a).vcpu, 1);
	cr_assert_eq(send(vb, b), PT_STATUS_SUCCESS);
	no_upcall(vpap0);
	cr_assert_eq(vpap1->evtchn_pending_sel, BIT(0));
	cr_assert_eq(env_fast(va, PT_CALL_EVTCHN_BIND_VCPU, a, 2, NULL, NULL),
		     PT_STATUS_INVALID_VP_INDEX);
	cr_assert_eq(env_fast(va, PT_CALL_EVTCHN_BIND_VCPU, 77, 0, NULL, NULL),
		     PT_STATUS_INVALID_PORT_ID);
	cr_assert_eq(status_of(va, a).vcpu, 1);
}

/* What the root would find when its interrupt for a peer's end arrives
 * (the driver's acknowledgement included, so that each later notice
 * signals again). */
static u32 death_end_port, death_virq_port;
static u32 death_signals, death_signals_with_notice;
static struct pt_vpap *death_root_vpap;

static void look_at_death_notice(void)
{
	ack(death_root_vpap);
	if (!pending(env_root, death_end_port))
		return; /* e.g. the partition's state change, signalled first */
	death_signals++;
	death_signals_with_notice += pending(env_root, death_virq_port);
}

/*
 * A peer that ends leaves our end UNBOUND and pending and raises our
 * PEER_DIED port in one step: whoever is told of the unbound end (or
 * sees it) also finds the notice pending. They were two steps, and a
 * guest polling its port state could see UNBOUND with no notice yet.
 */
Test(evtchn, peer_death_notice_is_pending_with_the_unbound_end)
{
	struct pt_vpap *vpap = env_vpap(vr);
	u32 r;

	cr_assert_eq(set_page(vr, ENV_EVENT_GPA), PT_STATUS_SUCCESS);
	cr_assert_eq(set_page(vb, ENV_EVENT_GPA), PT_STATUS_SUCCESS);
	r = death_end_port = alloc_ok(vr, pb->id, 0);
	cr_assert_eq(bind_inter(vb, ROOT_PARTITION_ID, r, 0, NULL),
		     PT_STATUS_SUCCESS);
	cr_assert_eq(bind_virq(vr, PT_VIRQ_PEER_DIED, 0, &death_virq_port),
		     PT_STATUS_SUCCESS);
	ack(vpap);
	death_root_vpap = vpap;
	shim_root_signal_hook = look_at_death_notice;
	env_destroy(pb->id);
	shim_root_signal_hook = NULL;
	cr_assert_eq(status_of(vr, r).state, PT_EVTCHN_STATE_UNBOUND);
	cr_assert(pending(env_root, r));
	cr_assert(pending(env_root, death_virq_port));
	cr_assert_geq(death_signals, 1);
	cr_assert_eq(death_signals_with_notice, death_signals,
		     "the root was signalled for its unbound end before its "
		     "PEER_DIED port was pending");
}

/* ---- Status ----------------------------------------------------------- */

Test(evtchn, status_reports_every_field_and_checks_its_input)
{
	struct pt_evtchn_ref bad = { 1, 1 };
	struct pt_evtchn_status s;
	u32 a, b, v;

	pair(1, &a, &b);
	cr_assert_eq(bind_virq(va, PT_VIRQ_PEER_DIED, 0, &v),
		     PT_STATUS_SUCCESS);
	cr_assert_eq(send(vb, b), PT_STATUS_SUCCESS);
	cr_assert_eq(port_call(va, PT_CALL_EVTCHN_MASK, v), PT_STATUS_SUCCESS);
	s = status_of(va, a);
	cr_assert_eq(s.port, a);
	cr_assert_eq(s.state, PT_EVTCHN_STATE_INTERDOMAIN);
	cr_assert_eq(s.vcpu, 1);
	cr_assert_eq(s.remote_id, pb->id);
	cr_assert_eq(s.remote_port, b);
	cr_assert_eq(s.virq, 0);
	cr_assert_eq(s.pending, 1);
	cr_assert_eq(s.masked, 0);
	cr_assert_eq(memcmp(s.reserved, (u8[6]){ 0 }, 6), 0);
	s = status_of(va, v);
	cr_assert_eq(s.state, PT_EVTCHN_STATE_VIRQ);
	cr_assert_eq(s.virq, PT_VIRQ_PEER_DIED);
	cr_assert_eq(s.remote_id, 0);
	cr_assert_eq(s.remote_port, 0);
	cr_assert_eq(s.pending, 0);
	cr_assert_eq(s.masked, 1);
	/* A free port is FREE, not an error. */
	s = status_of(va, 4000);
	cr_assert_eq(s.port, 4000);
	cr_assert_eq(s.state, PT_EVTCHN_STATE_FREE);
	cr_assert_eq(s.remote_id, 0);
	/* Bad references. */
	memset(env_out(va), 0xEE, sizeof(s));
	cr_assert_eq(env_mem(va, PT_CALL_EVTCHN_STATUS, &bad, sizeof(bad)),
		     PT_STATUS_INVALID_PARAMETER);
	bad = (struct pt_evtchn_ref){ 0, 0 };
	cr_assert_eq(env_mem(va, PT_CALL_EVTCHN_STATUS, &bad, sizeof(bad)),
		     PT_STATUS_INVALID_PORT_ID);
	bad.port = PT_EVTCHN_PORTS;
	cr_assert_eq(env_mem(va, PT_CALL_EVTCHN_STATUS, &bad, sizeof(bad)),
		     PT_STATUS_INVALID_PORT_ID);
	cr_assert_eq(*(u32 *)env_out(va), 0xEEEEEEEE, "output on error");
}

/* ---- The event page --------------------------------------------------- */

Test(evtchn, set_page_checks_the_gpa)
{
	struct pt_vpap *vpap = env_vpap(va1);

	(void)vpap;
	cr_assert_eq(set_page(va, ENV_EVENT_GPA + 8),
		     PT_STATUS_INVALID_ALIGNMENT);
	cr_assert_eq(set_page(va, ENV_GUEST_BYTES), PT_STATUS_INVALID_GPA);
	cr_assert_eq(set_page(va, PT_GUEST_GRANT_WINDOW_GPA),
		     PT_STATUS_INVALID_GPA);
	cr_assert_eq(set_page(va, ~0ull & PAGE_MASK), PT_STATUS_INVALID_GPA);
	cr_assert_eq(set_page(va, ENV_HCALL_GPA), PT_STATUS_INVALID_PARAMETER,
		     "the hypercall page");
	cr_assert_eq(set_page(va, ENV_VPAP_GPA + PAGE_SIZE),
		     PT_STATUS_INVALID_PARAMETER, "vCPU 1's VPAP");
	cr_assert_eq(
		env_fast(va, PT_CALL_MSG_SET_PAGE, ENV_MSG_GPA, 0, NULL, NULL),
		PT_STATUS_SUCCESS);
	cr_assert_eq(set_page(va, ENV_MSG_GPA), PT_STATUS_INVALID_PARAMETER,
		     "a message page");
	cr_assert_eq(env_fast(va, PT_CALL_GRANT_SET_TABLE, ENV_TABLE_GPA, 2,
			      NULL, NULL),
		     PT_STATUS_SUCCESS);
	cr_assert_eq(set_page(va, ENV_TABLE_GPA + PAGE_SIZE),
		     PT_STATUS_INVALID_PARAMETER, "the grant table");
	cr_assert_null(pa->evtchn.page);
	cr_assert_eq(pa->evtchn.page_gpa, 0);

	memset(page_of(pa), 0x5A, PAGE_SIZE);
	cr_assert_eq(set_page(va, ENV_EVENT_GPA), PT_STATUS_SUCCESS);
	cr_assert_eq(pa->evtchn.page_gpa, ENV_EVENT_GPA);
	cr_assert_eq(page_of(pa)->pending[3], 0, "the page starts clear");
	cr_assert_eq(page_of(pa)->mask[63], 0);
	cr_assert_eq(set_page(va, ENV_EVENT_GPA + 4 * PAGE_SIZE),
		     PT_STATUS_INVALID_PARTITION_STATE, "registered already");
	cr_assert_eq(pa->evtchn.page_gpa, ENV_EVENT_GPA);
	/* Message pages and grant tables may not overlap it either. */
	cr_assert_eq(env_fast(va1, PT_CALL_MSG_SET_PAGE, ENV_EVENT_GPA, 0, NULL,
			      NULL),
		     PT_STATUS_INVALID_PARAMETER);
}

/*
 * The MSR side of the same rule: a hypercall-page or VPAP MSR write may
 * not land on the event page, a message page, the grant table or another
 * of these pages, but may be rewritten where it is. (The fuzzer moved its
 * hypercall page away, registered the old page as its event page meanwhile,
 * and moved the hypercall page back: event deliveries then changed the
 * call stub.)
 */
Test(evtchn, msr_pages_may_not_land_on_shared_pages)
{
	u64 hc = ENV_HCALL_GPA | PT_MSR_PAGE_ENABLE;

	env_vpap(va);
	cr_assert_eq(pa->hypercall_msr, hc);
	cr_assert_eq(set_page(va, ENV_EVENT_GPA), PT_STATUS_SUCCESS);
	cr_assert_eq(
		env_fast(va1, PT_CALL_MSG_SET_PAGE, ENV_MSG_GPA, 0, NULL, NULL),
		PT_STATUS_SUCCESS);
	cr_assert_eq(env_fast(va, PT_CALL_GRANT_SET_TABLE, ENV_TABLE_GPA, 2,
			      NULL, NULL),
		     PT_STATUS_SUCCESS);
	/* The hypercall page (vpap_of NULL). */
	cr_assert(partition_msr_page_overlaps(pa, ENV_EVENT_GPA | 1, NULL));
	cr_assert(partition_msr_page_overlaps(pa, ENV_MSG_GPA | 1, NULL));
	cr_assert(partition_msr_page_overlaps(
		pa, (ENV_TABLE_GPA + PAGE_SIZE) | 1, NULL));
	cr_assert(partition_msr_page_overlaps(pa, ENV_VPAP_GPA | 1, NULL),
		  "vCPU 0's VPAP");
	cr_assert_not(partition_msr_page_overlaps(pa, hc, NULL),
		      "rewritten where it is");
	cr_assert_not(partition_msr_page_overlaps(pa, ENV_DATA_GPA | 1, NULL));
	/* A VPAP. */
	cr_assert(partition_msr_page_overlaps(pa, hc, va1));
	cr_assert(partition_msr_page_overlaps(pa, ENV_VPAP_GPA | 1, va1),
		  "vCPU 0's VPAP is not vCPU 1's");
	cr_assert(partition_msr_page_overlaps(pa, ENV_EVENT_GPA | 1, va1));
	cr_assert_not(partition_msr_page_overlaps(pa, ENV_VPAP_GPA | 1, va));
	cr_assert_not(partition_msr_page_overlaps(pa, ENV_DATA_GPA | 1, va1));
	/* Moved away, the old hypercall page may be registered; moving the
	 * hypercall page back onto it is then refused. */
	pa->hypercall_msr = ENV_DATA_GPA | PT_MSR_PAGE_ENABLE;
	cr_assert_eq(env_fast(va, PT_CALL_MSG_SET_PAGE, ENV_HCALL_GPA, 0, NULL,
			      NULL),
		     PT_STATUS_SUCCESS);
	cr_assert(partition_msr_page_overlaps(pa, hc, NULL));
}

Test(evtchn, set_page_zero_closes_every_port_and_starts_over)
{
	struct pt_vpap *vpapb = env_vpap(vb);
	u32 a, b, v;

	pair(0, &a, &b);
	cr_assert_eq(bind_virq(va, PT_VIRQ_PEER_DIED, 0, &v),
		     PT_STATUS_SUCCESS);
	cr_assert_eq(set_page(va, 0), PT_STATUS_SUCCESS);
	cr_assert_eq(pa->evtchn.in_use, 0);
	cr_assert_null(pa->evtchn.page);
	cr_assert_eq(pa->evtchn.page_gpa, 0);
	cr_assert_eq(status_of(vb, b).state, PT_EVTCHN_STATE_UNBOUND);
	cr_assert_eq(status_of(vb, b).remote_id, pa->id);
	/* Every port went as at the end: the peer got its notice. */
	cr_assert(pending(pb, b));
	cr_assert_eq(vpapb->evtchn_pending_sel, BIT(0));
	/* Without a page there is nothing to open... */
	cr_assert_eq(alloc_unbound(va, pb->id, 0, NULL),
		     PT_STATUS_INVALID_PARTITION_STATE);
	cr_assert_eq(set_page(va, 0), PT_STATUS_SUCCESS, "twice is fine");
	/* ...with a page again, everything works as before. */
	cr_assert_eq(set_page(va, ENV_EVENT_GPA + PAGE_SIZE * 4),
		     PT_STATUS_SUCCESS);
	cr_assert_eq(bind_inter(va, pb->id, b, 0, &a), PT_STATUS_SUCCESS);
	cr_assert_eq(a, 1);
	cr_assert_eq(send(vb, b), PT_STATUS_SUCCESS);
	cr_assert(((struct pt_event_page *)env_gpa(pa, ENV_EVENT_GPA +
							       PAGE_SIZE * 4))
			  ->pending[0] &
		  BIT(a));
}

/* ---- Partition end ---------------------------------------------------- */

Test(evtchn, end_closes_every_port_and_gives_peers_notice)
{
	struct pt_vpap *vpapb = env_vpap(vb);
	u32 a1, b1, a2, b2, died, to_b, bid = pb->id, aid = pa->id;
	struct partition *pc;
	u64 gen_a = pa->generation;

	pair(0, &a1, &b1);
	pair(1, &a2, &b2);
	to_b = alloc_ok(va, pb->id, 0);
	cr_assert_eq(bind_virq(vb, PT_VIRQ_PEER_DIED, 0, &died),
		     PT_STATUS_SUCCESS);
	cr_assert_eq(bind_virq(va, PT_VIRQ_PEER_DIED, 0, NULL),
		     PT_STATUS_SUCCESS);
	ack(vpapb);
	env_destroy(aid);
	cr_assert_eq(pa->evtchn.in_use, 0);
	cr_assert_eq(frame_count_owned(aid), 0, "its buckets went too");
	cr_assert_eq(status_of(vb, b1).state, PT_EVTCHN_STATE_UNBOUND);
	cr_assert_eq(status_of(vb, b1).remote_id, aid);
	cr_assert_eq(status_of(vb, b2).state, PT_EVTCHN_STATE_UNBOUND);
	cr_assert(pending(pb, b1));
	cr_assert(pending(pb, b2));
	cr_assert(pending(pb, died), "PEER_DIED raised");
	cr_assert_eq(vpapb->evtchn_pending_sel, BIT(0));
	cr_assert_eq(vpapb->pending_events, BIT(PT_EVENT_PORTS));
	/* Sending on it delivers nothing and fails nothing. */
	cr_assert_eq(send(vb, b1), PT_STATUS_SUCCESS);
	/* The ended one's offer cannot be bound any more... */
	cr_assert_eq(bind_inter(vb, aid, to_b, 0, NULL),
		     PT_STATUS_INVALID_PARTITION_ID);

	/* ...and a new partition with the same id is another partition. */
	env_reuse_id_next(aid);
	pc = env_guest("gamma", 1, 0, 0);
	cr_assert_eq(pc->id, aid);
	cr_assert_neq(pc->generation, gen_a);
	cr_assert_eq(pc->evtchn.in_use, 0);
	cr_assert_eq(set_page(&pc->vcpus[0], ENV_EVENT_GPA), PT_STATUS_SUCCESS);
	cr_assert_eq(bind_inter(&pc->vcpus[0], bid, b1, 0, NULL),
		     PT_STATUS_ACCESS_DENIED);
	cr_assert_eq(status_of(&pc->vcpus[0], to_b).state,
		     PT_EVTCHN_STATE_FREE);
	cr_assert_eq(bind_inter(vb, aid, to_b, 0, NULL),
		     PT_STATUS_INVALID_PORT_ID);
	/* B closes its dead ends; everything goes back. */
	cr_assert_eq(evclose(vb, b1), PT_STATUS_SUCCESS);
	cr_assert_eq(evclose(vb, b2), PT_STATUS_SUCCESS);
	env_destroy(pc->id);
	env_destroy(bid);
	env_pool_is_back();
}

Test(evtchn, peer_of_a_crashed_and_kept_partition_gets_notice)
{
	struct pt_vpap *vpapb = env_vpap(vb), *vpapa = env_vpap(va);
	u32 a, b;

	pair(0, &a, &b);
	pa->on_crash = PT_ON_CRASH_PRESERVE;
	partition_end(pa, PT_SHUTDOWN_CRASH, "test crash");
	/* Ending: nothing reaches it any more... */
	cr_assert_eq(send(vb, b), PT_STATUS_SUCCESS);
	cr_assert_not(pending(pa, a));
	no_upcall(vpapa);
	/* ...nobody opens or binds its ports... */
	cr_assert_eq(bind_inter(vb, pa->id, 1, 0, NULL),
		     PT_STATUS_INVALID_PARTITION_STATE);
	cr_assert_eq(alloc_unbound(vb, pa->id, 0, NULL),
		     PT_STATUS_INVALID_PARTITION_STATE);
	/* ...and once its vCPUs are off, kept, its peers get their notice. */
	for (u32 i = 0; i < pa->vcpu_count; i++)
		partition_vcpu_gone(&pa->vcpus[i]);
	cr_assert_eq(pa->state, PART_STATE_CRASHED);
	cr_assert_eq(pa->evtchn.in_use, 0);
	cr_assert_eq(status_of(vb, b).state, PT_EVTCHN_STATE_UNBOUND);
	cr_assert(pending(pb, b));
	cr_assert_eq(vpapb->evtchn_pending_sel, BIT(0));
	env_destroy(pa->id);
	env_destroy(pb->id);
	env_pool_is_back();
}

Test(evtchn, set_page_zero_closes_in_slices)
{
	struct hcall_regs r;
	u32 a, b;

	pair(0, &a, &b);
	for (u32 i = 0; i < 200; i++)
		pair(0, &a, &b);
	/* 2 us a clock read: a few ports per entry. */
	shim_tsc_step = 2000;
	env_call(va, pt_hc_input(PT_CALL_EVTCHN_SET_PAGE, 1, 0, 0), 0, 0, &r);
	cr_assert_eq(pt_hc_status(r.rax), PT_STATUS_SUCCESS);
	cr_assert_gt(
		hcall_stat_entries(&pa->hcall_stats[PT_CALL_EVTCHN_SET_PAGE]),
		1, "one entry closed them all");
	cr_assert_eq(pa->hcall_stats[PT_CALL_EVTCHN_SET_PAGE].count, 3,
		     "env_guest's giving up the store's page, registering "
		     "and closing: three calls");
	cr_assert_eq(pa->evtchn.in_use, 0);
	cr_assert_eq(pb->evtchn.in_use, 201);
	cr_assert_eq(status_of(vb, b).state, PT_EVTCHN_STATE_UNBOUND);
	cr_assert_eq(set_page(va, ENV_EVENT_GPA), PT_STATUS_SUCCESS);
	cr_assert_eq(alloc_ok(va, pb->id, 0), 1);
}

/* ---- The timer through the scheduler ---------------------------------- */

static struct partition *tp;
static u32 timer_port, timer_runs;
static bool timer_seen;
extern void (*shim_idle_hook)(void);

/* Nothing else runs: time jumps to the armed timer. */
static void idle_to_deadline(void)
{
	if (shim_timer_deadline > shim_tsc)
		shim_tsc = shim_timer_deadline;
}

static enum vcpu_action timer_guest(struct vcpu *v)
{
	struct pt_vpap *vpap;

	if (timer_runs++ == 0) {
		vpap = env_vpap(v);
		cr_assert_eq(set_page(v, ENV_EVENT_GPA), PT_STATUS_SUCCESS);
		cr_assert_eq(bind_virq(v, PT_VIRQ_TIMER, 0, &timer_port),
			     PT_STATUS_SUCCESS);
		cr_assert_eq(env_fast(v, PT_CALL_SET_TIMER,
				      time_now_ns() + 1000000, 0, NULL, NULL),
			     PT_STATUS_SUCCESS);
		(void)vpap;
		return VCPU_BLOCK;
	}
	vpap = v->vpap;
	timer_seen = pending(tp, timer_port) &&
		     vpap->pending_events == BIT(PT_EVENT_PORTS) &&
		     vpap->evtchn_pending_sel == BIT(0) &&
		     vpap->stat_timer_fires == 1;
	partition_end(v->part, PT_SHUTDOWN_POWEROFF, "done");
	return VCPU_GONE;
}

Test(evtchn_timer, the_scheduler_fires_a_bound_timer_through_its_port)
{
	struct partition_config cfg = { .name = "ticker",
					.memory_bytes = ENV_GUEST_BYTES,
					.vcpu_count = 1,
					.weight = 256,
					.cpu_mask = 1 };
	const char *why = "";

	shim_reset();
	shim_pool_init(ENV_GUEST_FRAMES + 16);
	shim_cpu_count = 1;
	sched_init(1);
	cr_assert_eq(partition_new(&cfg, &tp, &why), 0, "%s", why);
	for (u64 g = 0; g < ENV_GUEST_BYTES / PAGE_SIZE; g++)
		cr_assert_eq(partition_populate(tp, g), 0);
	cr_assert_eq(partition_start(tp, 0x100000, 0x100000, 0x100000), 0);
	shim_vcpu_run_fn = timer_guest;
	shim_idle_hook = idle_to_deadline;
	sched_run_cpu();
	shim_idle_hook = NULL;
	cr_assert_eq(timer_runs, 2, "woken by the port");
	cr_assert(timer_seen, "the port, not PT_EVENT_TIMER");
	cr_assert_eq(frame_pool_check(), 0);
	cr_assert_eq(frame_pool_stats().free, ENV_GUEST_FRAMES + 16);
	shim_teardown();
}

/* ---- Races, as far as two host threads reach them ---------------------- */

#include <pthread.h>
#include <sched.h>

#define RACE_ROUNDS 20000

static volatile bool race_stop;
static u32 race_port_b;
static u64 race_sends, race_bad;

/* B sends as fast as it can; every send must succeed (its end stays in
 * use: bound, or UNBOUND while A has closed its end). */
static void *sender(void *arg)
{
	(void)arg;
	while (!race_stop) {
		if (evtchn_send(pb, race_port_b) != PT_STATUS_SUCCESS)
			race_bad++;
		__atomic_fetch_add(&race_sends, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

Test(evtchn, sends_race_close_and_rebind)
{
	struct pt_evtchn_status s;
	pthread_t t;
	u32 a, b, again;

	pair(0, &a, &b);
	race_port_b = b;
	race_stop = false;
	cr_assert_eq(pthread_create(&t, NULL, sender, NULL), 0);
	/* The rounds start once the sender is sending. */
	while (!__atomic_load_n(&race_sends, __ATOMIC_RELAXED))
		sched_yield();
	for (u32 i = 0; i < RACE_ROUNDS; i++) {
		cr_assert_eq(evtchn_close(pa, a), PT_STATUS_SUCCESS);
		/* The guest handles what arrived before the close. */
		page_of(pa)->pending[0] = 0;
		cr_assert_eq(evtchn_bind_interdomain(pa, pb->id, b, 0, &again),
			     PT_STATUS_SUCCESS, "round %u", i);
		cr_assert_eq(again, a);
	}
	race_stop = true;
	pthread_join(t, NULL);
	cr_assert_eq(race_bad, 0, "%llu of %llu sends failed",
		     (unsigned long long)race_bad,
		     (unsigned long long)race_sends);
	cr_assert_gt(race_sends, 0);
	cr_assert_eq(pa->evtchn.in_use, 1);
	cr_assert_eq(pb->evtchn.in_use, 1);
	cr_assert_eq(pb->evtchn.sends, race_sends);
	cr_assert_leq(pa->evtchn.deliveries, race_sends);
	/* Both ends agree. */
	evtchn_status(pa, a, &s);
	cr_assert_eq(s.state, PT_EVTCHN_STATE_INTERDOMAIN);
	cr_assert_eq(s.remote_port, b);
	evtchn_status(pb, b, &s);
	cr_assert_eq(s.state, PT_EVTCHN_STATE_INTERDOMAIN);
	cr_assert_eq(s.remote_port, a);
	/* Only port a of A was ever pending. */
	cr_assert_eq(page_of(pa)->pending[0] & ~BIT(a), 0);
	for (u32 w = 1; w < PT_EVTCHN_WORDS; w++)
		cr_assert_eq(page_of(pa)->pending[w], 0);
	cr_assert_eq(send(vb, b), PT_STATUS_SUCCESS);
	cr_assert(pending(pa, a));
}

static void *closer_of_everything(void *arg)
{
	(void)arg;
	bool again = true;

	while (again)
		evtchn_set_page(pa, 0, 0, &again); /* a port at a time */
	race_stop = true;
	return NULL;
}

Test(evtchn, sends_race_set_page_zero)
{
	pthread_t t;
	u32 a, b;

	pair(0, &a, &b);
	for (u32 i = 0; i < 300; i++) {
		u32 x, y;

		pair(0, &x, &y);
	}
	race_stop = false;
	cr_assert_eq(pthread_create(&t, NULL, closer_of_everything, NULL), 0);
	while (!race_stop)
		cr_assert_eq(evtchn_send(pb, b), PT_STATUS_SUCCESS);
	pthread_join(t, NULL);
	cr_assert_eq(pa->evtchn.in_use, 0);
	cr_assert_eq(pb->evtchn.in_use, 301);
	for (u32 port = 1; port <= 301; port++) {
		struct pt_evtchn_status s;

		evtchn_status(pb, port, &s);
		cr_assert_eq(s.state, PT_EVTCHN_STATE_UNBOUND, "port %u", port);
		cr_assert(s.pending, "port %u got its notice", port);
	}
	cr_assert_eq(frame_pool_check(), 0);
}

Test(evtchn, an_ended_partitions_ports_close_in_teardown_slices)
{
	u32 a, b, entries;

	for (u32 i = 0; i < 300; i++)
		pair(0, &a, &b);
	shim_tsc_step = 2000; /* 2 us a clock read: a few ports a slice */
	entries = env_destroy(pa->id);
	cr_assert_gt(entries, 3, "%u entries", entries);
	cr_assert_eq(pb->evtchn.in_use, 300);
	for (u32 port = 1; port <= 300; port++) {
		struct pt_evtchn_status s;

		evtchn_status(pb, port, &s);
		cr_assert_eq(s.state, PT_EVTCHN_STATE_UNBOUND, "port %u", port);
		cr_assert(s.pending, "port %u got its notice", port);
	}
	env_destroy(pb->id);
	env_pool_is_back();
}

Test(evtchn, the_roots_set_page_zero_returns_call_pending_between_slices)
{
	u64 input = pt_hc_input(PT_CALL_EVTCHN_SET_PAGE, 1, 0, 0);
	struct hcall_regs r = { 0xAAAA, input, 0, 0 };
	u32 pending = 0;

	cr_assert_eq(set_page(vr, ENV_EVENT_GPA), PT_STATUS_SUCCESS);
	for (u32 i = 0; i < 300; i++)
		alloc_ok(vr, pa->id, 0);
	shim_tsc_step = 2000;
	for (;;) {
		cr_assert_eq(hcall_dispatch(vr, &r, shim_tsc), HCALL_DONE);
		if (pt_hc_status(r.rax) != PT_STATUS_CALL_PENDING)
			break;
		/* The same call again: RCX, RDX and R8 as they were. */
		cr_assert_eq(r.rcx, input);
		cr_assert_eq(r.rdx, 0);
		cr_assert_eq(pt_hc_reps_done(r.rax), 0);
		cr_assert_lt(++pending, 1000);
	}
	cr_assert_eq(pt_hc_status(r.rax), PT_STATUS_SUCCESS);
	cr_assert_gt(pending, 1, "closed in one slice");
	cr_assert_eq(env_root->evtchn.in_use, 0);
	cr_assert_null(env_root->evtchn.page);
	/* Meanwhile nothing opened: the root was mid-reset. */
	cr_assert_eq(set_page(vr, ENV_EVENT_GPA), PT_STATUS_SUCCESS);
	cr_assert_eq(alloc_ok(vr, pa->id, 0), 1);
}
