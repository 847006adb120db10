/* SPDX-License-Identifier: MIT */
/* Messages: per-vCPU message pages, receive callbacks, post with retry. */
#ifndef PARTITA_GUEST_MESSAGE_H
#define PARTITA_GUEST_MESSAGE_H

#include <stdint.h>
#include <partita/messages.h>

/* A received message, copied out of its slot (payload_size <= 240). */
struct pt_msg {
	struct pt_msg_header header;
	uint8_t payload[PT_MSG_PAYLOAD_MAX];
};

/*
 * Receive callback: runs in the upcall handler (interrupts disabled) or in
 * pt_msg_poll, on the vCPU that listens. The slot was already handed back
 * (MSG_EOM) when it runs, so `msg` is the library's copy, valid only
 * during the call.
 */
typedef void (*pt_msg_fn)(const struct pt_msg *msg, void *ctx);

/*
 * Takes a page of RAM and registers it as the calling vCPU's message page
 * (MSG_SET_PAGE), hooking PT_EVENT_MESSAGES into the upcall path. Later
 * calls on the same vCPU return 0. Returns 0 or a negated status.
 */
int pt_msg_init(void);

/* The calling vCPU's message page, NULL before pt_msg_init there. */
volatile struct pt_msg_page *pt_msg_page(void);

/*
 * Listens on slot `slot` of the calling vCPU's message page (pt_msg_init
 * is called if needed): creates the connection with the one partition
 * allowed to post (`sender`, or PT_MSG_ANY_SENDER) and its queue depth
 * (0: PT_MSG_QUEUE_DEFAULT); every message that arrives calls
 * callback(msg, ctx). *connection_id (may be NULL) receives the id.
 * Returns 0 or a negated status.
 */
int pt_msg_listen(uint32_t slot, uint32_t sender, uint32_t depth,
		  pt_msg_fn callback, void *ctx, uint32_t *connection_id);

/* Deletes the connection of the calling vCPU's slot and its callback. */
int pt_msg_unlisten(uint32_t slot);

/*
 * Handles the calling vCPU's filled slots without an upcall (for code that
 * runs with interrupts off). Returns how many messages it handled.
 */
unsigned pt_msg_poll(void);

/*
 * Posts one message; while the receiver's queue is full
 * (PT_STATUS_INSUFFICIENT_BUFFERS) yields the CPU (PT_CALL_YIELD) and
 * tries again, up to max_tries attempts in all (0: no limit). *retries
 * (may be NULL) receives how many extra attempts it took. Returns 0 or
 * the negated status of the last attempt. Do not call it from a callback
 * with no limit: the receiver may be waiting for this vCPU.
 */
int pt_msg_post_retry(uint32_t connection_id, uint32_t message_type,
		      const void *buf, uint32_t len, unsigned max_tries,
		      unsigned *retries);

/* Messages handed to callbacks, and slots refused as malformed. */
uint64_t pt_msg_received(void);
uint64_t pt_msg_malformed(void);

#endif
