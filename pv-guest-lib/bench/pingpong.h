/* SPDX-License-Identifier: MIT */
/* The suite's peer vCPUs: what vCPU 0's ping-pong operations know of them. */
#ifndef PARTITA_GUEST_BENCH_PINGPONG_H
#define PARTITA_GUEST_BENCH_PINGPONG_H

#include <stdint.h>

#include <partita-guest/smp.h>

/* The message slot every peer vCPU listens on, vCPU 0 as the sender. */
#define BENCH_PEER_SLOT 0u
/* Ping and reply payloads: the connection to reply to, then a sequence. */
#define BENCH_PING_BYTES 16u
#define BENCH_PING_TYPE 3u

/*
 * One vCPU of the suite's partition. A peer (vCPU 1 and up) fills it in
 * and sets `ready` before it serves; vCPU 0 fills in its own CPU.
 */
struct bench_peer {
	volatile uint32_t ready;
	int status;	       /* of its set-up: 0 or a negated status */
	uint32_t physical_cpu; /* from SELF_INFO; vCPUs do not move here */
	uint32_t connection;   /* where vCPU 0 posts its pings */
	/* Written by the peer's receive callback, read by its serve loop. */
	volatile uint32_t reply_due;
	uint8_t reply[BENCH_PING_BYTES];
	volatile uint32_t bad_pings; /* not BENCH_PING_TYPE/_BYTES */
	volatile uint32_t post_failures, last_post_status;
};

extern struct bench_peer bench_peers[PT_GUEST_MAX_VCPUS];

/*
 * What a peer vCPU runs instead of the operations: it reads its CPU,
 * listens on BENCH_PEER_SLOT, sets `ready`, then waits with `sti; hlt`
 * (the library's wait) and answers: events from the port handlers that
 * vCPU 0's set-up gave it, messages by posting the payload back to the
 * connection named in its first 4 bytes. It never returns; vCPU 0's
 * shutdown ends it.
 */
__attribute__((noreturn)) void bench_peer_main(uint32_t self_id, unsigned vcpu);

/*
 * On vCPU 0, before any operation runs: reads its own CPU and waits (at
 * most a few seconds) until every peer is ready, so that no set-up of
 * theirs overlaps a sample. Prints one PTBENCH-INFO line with the vCPUs'
 * CPUs. Returns how many peers are ready.
 */
unsigned bench_peers_start(void);

/*
 * A ready peer on vCPU 0's physical CPU (same = 1) or on another one
 * (same = 0): its index, or 0 when there is none.
 */
unsigned bench_peer_find(int same_cpu);

#endif
