/* SPDX-License-Identifier: MIT */
/* The shared page through which a guest partition talks to the store. */
#ifndef PARTITA_STORE_RING_H
#define PARTITA_STORE_RING_H

#include "abi-types.h"

/*
 * One page shared between a guest and the root's store daemon, laid out
 * like xenstore's xenstore_domain_interface. Both rings carry the same
 * byte stream as the socket (struct pt_store_msg_hdr plus payload); a
 * message may wrap and may be split across several notifications.
 *
 * Indices are free-running uint32_t counters; the byte at index i lives at
 * ring[i & (PT_STORE_RING_SIZE - 1)]. The producer writes data, then (after
 * a write barrier) advances *_prod; the consumer reads *_prod, reads the
 * data (after a read barrier), then advances *_cons. prod - cons is never
 * more than PT_STORE_RING_SIZE; a side that sees otherwise treats the ring
 * as broken. The guest owns req_prod and rsp_cons; the server owns req_cons
 * and rsp_prod. After advancing an index a side notifies the other.
 */
#define PT_STORE_RING_SIZE 1024u

struct pt_store_ring_page {
	uint8_t req[PT_STORE_RING_SIZE]; /* guest to server: requests */
	uint8_t rsp[PT_STORE_RING_SIZE]; /* server to guest: replies, events */
	uint32_t req_cons;
	uint32_t req_prod;
	uint32_t rsp_cons;
	uint32_t rsp_prod;
	uint32_t server_features; /* PT_STORE_RING_FEATURE_*; none yet: 0 */
	uint32_t connection;	  /* PT_STORE_RING_CONNECTED */
};
PT_ABI_SIZE(struct pt_store_ring_page, 2072);
PT_ABI_OFFSET(struct pt_store_ring_page, req, 0);
PT_ABI_OFFSET(struct pt_store_ring_page, rsp, 1024);
PT_ABI_OFFSET(struct pt_store_ring_page, req_cons, 2048);
PT_ABI_OFFSET(struct pt_store_ring_page, req_prod, 2052);
PT_ABI_OFFSET(struct pt_store_ring_page, rsp_cons, 2056);
PT_ABI_OFFSET(struct pt_store_ring_page, rsp_prod, 2060);
PT_ABI_OFFSET(struct pt_store_ring_page, server_features, 2064);
PT_ABI_OFFSET(struct pt_store_ring_page, connection, 2068);

#define PT_STORE_RING_CONNECTED 0u

/* What a fresh guest's start-info names (start-info.h): grant entry 0 is
 * left free for the guest, as in Xen. */
#define PT_STORE_GRANT_REF 1u
#define PT_STORE_PORT 1u

#endif
