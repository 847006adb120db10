/* SPDX-License-Identifier: GPL-2.0-only */
/* Guest connections: each introduced guest's ring page, port and service. */
#ifndef PARTITA_STORED_GUESTS_H
#define PARTITA_STORED_GUESTS_H

#include <partita/store-ring.h>
#include "store-core.h"
#include "store-ring-conn.h"

/*
 * What the store needs from the hypervisor to reach a guest, kept behind
 * this table so the logic is unit-testable: the daemon's implementation
 * (stored-hv.c) uses /dev/partita, the unit tests an in-memory page.
 * Each returns 0 or a negative errno.
 */
struct store_hv_ops {
	/*
	 * Called on the first INTRODUCE (the daemon runs without a
	 * hypervisor until then). -EIO: there is none to reach.
	 */
	int (*open)(void *ctx);
	/* Maps the one page `ref` of `domid` grants, writable; nothing else. */
	int (*map_ring)(void *ctx, uint32_t domid, uint32_t ref,
			struct pt_store_ring_page **page, void **handle);
	void (*unmap_ring)(void *ctx, void *handle);
	/* A local port connected to `remote_port` of `domid`. */
	int (*bind)(void *ctx, uint32_t domid, uint32_t remote_port,
		    uint32_t *port);
	void (*unbind)(void *ctx, uint32_t port);
	void (*notify)(void *ctx, uint32_t port);
};

struct store_guest {
	struct store_guest *next;
	struct store *st;
	uint32_t domid, ref, remote_port, port;
	void *map;
	struct store_ring_conn *rc;
	int pending;	   /* woken, or its budget ran out: serve it again */
	int broken;	   /* violated the ring protocol: no more service */
	uint64_t notifies; /* sent to the guest */
};

/* Requests one guest may have handled per wake-up before others' turn. */
#define STORE_GUEST_BUDGET 8u

int store_guest_introduce(struct store *st, uint32_t domid, uint32_t ref,
			  uint32_t port);
/* Unmaps, unbinds and frees domid's connection, if it has one. */
void store_guest_disconnect(struct store *st, uint32_t domid);
struct store_guest *store_guest_find(struct store *st, uint32_t domid);
struct store_guest *store_guest_by_port(struct store *st, uint32_t port);
/* The guest notified its port: serve it on the next store_guests_serve(). */
void store_guest_wake(struct store_guest *g);
/*
 * One round: every pending guest handles at most `budget` requests (and
 * gets its queued output). Returns 1 when some guest still has work, so
 * the caller comes back after its other clients' turn without sleeping.
 */
int store_guests_serve(struct store *st, uint32_t budget);
/* Counts for people and tests: the CONTROL "stats" reply and the log. */
int store_stats_format(struct store *st, char *buf, size_t cap);

/*
 * Everything partition `domid` left in the store: its home, its back-end
 * directories, nodes it owns anywhere, and permission entries naming it
 * (so a later partition with the same id inherits nothing).
 */
int store_domain_scrub(struct store *st, uint32_t domid);

#endif
