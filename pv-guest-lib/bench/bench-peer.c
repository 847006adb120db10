// SPDX-License-Identifier: MIT
/*
 * The suite's peer vCPUs (1 and up): they answer vCPU 0's ping-pong
 * operations, waiting as a guest would, in `sti; hlt`. Which peer is on
 * vCPU 0's physical CPU and which is not is read, not assumed.
 */
#include <partita-guest/guest.h>

#include "pingpong.h"
#include "string.h"

/* How long vCPU 0 waits for the peers' set-up before going on without. */
#define PEER_START_NS (5ull * 1000000000ull)

struct bench_peer bench_peers[PT_GUEST_MAX_VCPUS];

/* Receive callback (upcall, on the peer): the serve loop posts the reply. */
static void on_ping_message(const struct pt_msg *msg, void *ctx)
{
	struct bench_peer *p = ctx;

	if (msg->header.payload_size != BENCH_PING_BYTES ||
	    msg->header.message_type != BENCH_PING_TYPE) {
		pt_atomic_add32(&p->bad_pings, 1);
		return; /* no reply: vCPU 0 gives up and reports it */
	}
	memcpy(p->reply, msg->payload, BENCH_PING_BYTES);
	pt_atomic_store32(&p->reply_due, 1);
}

/*
 * The reply is posted from here rather than from the callback, as a
 * guest's receive path would hand work to its main loop (evtchn-peer,
 * pingpong). Event answers need no loop: their handler sends.
 */
static __attribute__((noreturn)) void serve(struct bench_peer *p)
{
	for (;;) {
		uint32_t to;
		int ret;

		pt_irq_disable();
		if (!pt_atomic_load32(&p->reply_due)) {
			pt_safe_halt(); /* sti; hlt: woken by the next upcall */
			continue;
		}
		pt_atomic_store32(&p->reply_due, 0);
		memcpy(&to, p->reply, sizeof(to)); /* x86: little endian */
		ret = pt_call_msg_post(to, BENCH_PING_TYPE, p->reply,
				       BENCH_PING_BYTES);
		if (ret) {
			pt_atomic_add32(&p->post_failures, 1);
			pt_atomic_store32(&p->last_post_status, (uint32_t)-ret);
		}
	}
}

void bench_peer_main(uint32_t self_id, unsigned vcpu)
{
	struct bench_peer *p = &bench_peers[vcpu % PT_GUEST_MAX_VCPUS];
	struct pt_self_info info;
	int ret = pt_call_self_info(&info);

	if (!ret) {
		p->physical_cpu = info.physical_cpu;
		ret = pt_msg_listen(BENCH_PEER_SLOT, self_id, 0,
				    on_ping_message, p, &p->connection);
	}
	p->status = ret;
	pt_atomic_store32(&p->ready, 1);
	serve(p);
}

unsigned bench_peers_start(void)
{
	unsigned count = pt_vcpu_count(), ready = 0;
	uint64_t give_up = pt_time_ns() + PEER_START_NS;
	struct pt_self_info info;
	int ret = pt_call_self_info(&info);

	bench_peers[0].status = ret;
	bench_peers[0].physical_cpu = ret ? ~0u : info.physical_cpu;
	pt_printf("PTBENCH-INFO vcpu=0 cpu=%u\n", bench_peers[0].physical_cpu);
	for (unsigned k = 1; k < count && k < PT_GUEST_MAX_VCPUS; k++) {
		struct bench_peer *p = &bench_peers[k];

		/* A peer on this CPU needs it to get as far as `ready`. */
		while (!pt_atomic_load32(&p->ready) && pt_time_ns() < give_up)
			pt_call_yield();
		if (!pt_atomic_load32(&p->ready)) {
			pt_printf("PTBENCH-INFO vcpu=%u not ready\n", k);
			continue;
		}
		pt_printf("PTBENCH-INFO vcpu=%u cpu=%u status=0x%x\n", k,
			  p->physical_cpu, -p->status);
		ready += !p->status;
	}
	return ready;
}

unsigned bench_peer_find(int same_cpu)
{
	unsigned count = pt_vcpu_count();

	if (bench_peers[0].status)
		return 0;
	for (unsigned k = 1; k < count && k < PT_GUEST_MAX_VCPUS; k++) {
		const struct bench_peer *p = &bench_peers[k];

		if (pt_atomic_load32(&p->ready) && !p->status &&
		    (p->physical_cpu == bench_peers[0].physical_cpu) ==
			    !!same_cpu)
			return k;
	}
	return 0;
}
