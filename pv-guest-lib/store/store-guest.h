/* SPDX-License-Identifier: MIT */
/* The guest's store client over its shared ring page (freestanding). */
#ifndef PARTITA_STORE_GUEST_H
#define PARTITA_STORE_GUEST_H

#include <stdint.h>
#include <partita/store-ring.h>
#include "store-msg.h"

/*
 * The transport is supplied by the guest: notify() signals the store (the
 * event port, once events exist) after this side moved an index; wait()
 * blocks until the store signals back, and returns 0, or a negative error
 * to give up (the request then fails with that error). expired(), if
 * given, does not block: 0 while the caller's time lasts, else the error
 * to give up with. It is asked before every wait (for room to send or
 * for a reply) and after every message that is not the reply, so a store
 * that never stops sending (events, stale replies) or never stops
 * signalling cannot hold a request past it, while a reply already in the
 * ring is always taken. None may call back into this client.
 */
struct store_guest_ops {
	void (*notify)(void *ctx);
	int (*wait)(void *ctx);
	void *ctx;
	int (*expired)(void *ctx);
};

/* Messages store_guest_pump takes at most per call (then it returns). */
#define STORE_GUEST_PUMP_MAX 64

/* Watch events that arrive while a reply is awaited wait here. */
#define STORE_GUEST_EVENT_SLOTS 4

struct store_guest_event {
	uint32_t len;
	uint8_t data[PT_STORE_PAYLOAD_MAX + 1];
};

/*
 * All state lives in this structure (about 24 KiB): no allocation. One
 * request at a time; not safe to share between vCPUs without a lock.
 */
struct store_guest {
	struct pt_store_ring_page *page;
	const struct store_guest_ops *ops;
	uint32_t next_req;
	int broken; /* the ring or the stream is corrupt: every call fails */
	uint32_t events_lost; /* events dropped because all slots were full */
	uint32_t ev_head, ev_count;
	struct store_guest_event events[STORE_GUEST_EVENT_SLOTS];
	struct store_rx rx;
};

int store_guest_init(struct store_guest *g, struct pt_store_ring_page *page,
		     const struct store_guest_ops *ops);

/*
 * Sends a request whose payload is part1 then part2 (either may be empty)
 * and waits for the reply; copies at most cap bytes of its payload to
 * reply and its full length to *len. Returns 0, a negative STORE_E* error
 * from the store, -STORE_E2BIG if the reply did not fit, or -STORE_EIO.
 */
int store_guest_request(struct store_guest *g, uint32_t type, uint32_t tx,
			const void *part1, uint32_t len1, const void *part2,
			uint32_t len2, void *reply, uint32_t cap,
			uint32_t *len);

/* Reads a value; it is NUL-terminated in buf (so cap must exceed it). */
int store_guest_read(struct store_guest *g, uint32_t tx, const char *path,
		     char *buf, uint32_t cap, uint32_t *len);
int store_guest_write(struct store_guest *g, uint32_t tx, const char *path,
		      const void *value, uint32_t len);
int store_guest_mkdir(struct store_guest *g, uint32_t tx, const char *path);
int store_guest_rm(struct store_guest *g, uint32_t tx, const char *path);
int store_guest_directory(struct store_guest *g, uint32_t tx, const char *path,
			  char *buf, uint32_t cap, uint32_t *len);
int store_guest_txn_start(struct store_guest *g, uint32_t *tx);
int store_guest_txn_end(struct store_guest *g, uint32_t tx, int commit);
int store_guest_watch(struct store_guest *g, const char *path,
		      const char *token);
int store_guest_unwatch(struct store_guest *g, const char *path,
			const char *token);
/*
 * Moves what the store sent meanwhile out of the ring without blocking,
 * at most STORE_GUEST_PUMP_MAX messages (a store that never stops sending
 * cannot keep the caller here), keeping watch events for
 * store_guest_next_event. 0 or -STORE_EIO (the ring is broken).
 */
int store_guest_pump(struct store_guest *g);

/*
 * Takes one pending watch event without blocking: returns 1 and copies the
 * path and token (NUL-terminated, truncated to the caps), or 0 if none.
 */
int store_guest_next_event(struct store_guest *g, char *path, uint32_t pcap,
			   char *token, uint32_t tcap);

#endif
