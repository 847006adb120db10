/* SPDX-License-Identifier: GPL-2.0-only */
/* The daemon's side of a guest's shared store page. */
#ifndef PARTITA_STORED_RING_CONN_H
#define PARTITA_STORED_RING_CONN_H

#include <partita/store-ring.h>
#include "store-core.h"

/*
 * A guest connection: requests come from page->req, replies and watch
 * events go to page->rsp. notify() tells the guest that indices moved;
 * store-guests.c calls the service functions when the guest's port fires
 * (tests call them directly on an in-memory page).
 */
struct store_ring_conn {
	struct store_conn *conn;
	struct pt_store_ring_page *page;
	void (*notify)(void *ctx);
	void *ctx;
	const char *why; /* what broke the ring, once it is broken */
};

struct store_ring_conn *store_ring_conn_new(struct store *st, uint32_t domid,
					    struct pt_store_ring_page *page,
					    void (*notify)(void *ctx),
					    void *ctx);
void store_ring_conn_free(struct store_ring_conn *rc);
/*
 * Handles every complete request on the ring and moves queued output
 * into it. Returns 0, or -EIO when the guest broke the ring or the framing:
 * the caller then drops the connection (and, later, tells the toolstack).
 */
int store_ring_conn_service(struct store_ring_conn *rc);
/*
 * The same, but handles at most `budget` requests (0: no limit); *more is
 * set when requests were left on the ring for a later turn.
 */
int store_ring_conn_serve(struct store_ring_conn *rc, uint32_t budget,
			  int *more);

#endif
