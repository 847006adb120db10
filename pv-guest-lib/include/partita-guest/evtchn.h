/* SPDX-License-Identifier: MIT */
/* Event ports: the partition's event page and per-port handlers. */
#ifndef PARTITA_GUEST_EVTCHN_H
#define PARTITA_GUEST_EVTCHN_H

#include <stdint.h>
#include <partita/events.h>

/*
 * Handler of one port: runs in the upcall handler (interrupts disabled) or
 * inside pt_evtchn_poll, after the port's pending bit was cleared, so a
 * send that arrives while it runs calls it again. Keep it short; it may
 * make fast hypercalls (EVTCHN_SEND to answer) and set flags.
 */
typedef void (*pt_evtchn_fn)(uint32_t port, void *ctx);

/*
 * Takes a page of RAM (pt_pages_alloc), registers it as the partition's
 * event page with EVTCHN_SET_PAGE and hooks PT_EVENT_PORTS into the upcall
 * path. Call once after pt_guest_init, on any vCPU; later calls return 0.
 * Returns 0 or a negated status (-PT_STATUS_INSUFFICIENT_MEMORY when no
 * page is left).
 */
int pt_evtchn_init(void);

/* The registered event page, NULL before pt_evtchn_init. */
volatile struct pt_event_page *pt_evtchn_page(void);

/*
 * Sets (fn != NULL) or clears the handler of `port`. A pending port
 * without a handler has its pending bit cleared and is counted as
 * unhandled. Returns 0, or -PT_STATUS_INVALID_PORT_ID for a bad number.
 */
int pt_evtchn_set_handler(uint32_t port, pt_evtchn_fn fn, void *ctx);

/*
 * Dispatches the calling vCPU's pending ports without an upcall, for code
 * that runs with interrupts off: takes PT_EVENT_PORTS out of
 * pending_events and runs the handlers. Returns how many ran.
 */
unsigned pt_evtchn_poll(void);

/*
 * Masking. pt_evtchn_mask sets the port's mask bit in the page (no call
 * needed: a send then only sets pending). pt_evtchn_unmask clears it and,
 * if the port became pending meanwhile, asks the hypervisor
 * (EVTCHN_UNMASK) to deliver it. Both return 0 or a negated status.
 */
int pt_evtchn_mask(uint32_t port);
int pt_evtchn_unmask(uint32_t port);

/*
 * For partitions that start together, where the other one may not exist
 * yet: pt_evtchn_alloc_wait retries EVTCHN_ALLOC_UNBOUND while the remote
 * is unknown (INVALID_PARTITION_ID); pt_evtchn_bind_wait retries
 * EVTCHN_BIND_INTERDOMAIN while the remote is unknown or has not offered
 * the port yet (INVALID_PORT_ID). Both sleep 1 ms between tries and stop
 * at hypervisor time deadline_ns; they return the last call's status.
 */
int pt_evtchn_alloc_wait(uint32_t remote_id, uint32_t vcpu,
			 uint64_t deadline_ns, uint32_t *port);
int pt_evtchn_bind_wait(uint32_t remote_id, uint32_t vcpu, uint32_t remote_port,
			uint64_t deadline_ns, uint32_t *port);

/* Closes the port (EVTCHN_CLOSE) and forgets its handler. */
int pt_evtchn_close(uint32_t port);

/* Ports whose handler ran / that were pending without a handler. */
uint64_t pt_evtchn_handled(void);
uint64_t pt_evtchn_unhandled(void);

#endif
