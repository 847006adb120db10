/* SPDX-License-Identifier: MIT */
/*
 * The world pv-guest-lib/virtio/vdev.c sees, faked for host tests: pages,
 * the grant table, event ports, the clock and the interrupt flag. The
 * fakes behave as the hypervisor documents (protocols/partita/) and let
 * a test play a hostile back-end: keep grants mapped, storm a port.
 */
#ifndef TESTS_UNIT_GUEST_FAKE_VDEV_H
#define TESTS_UNIT_GUEST_FAKE_VDEV_H

#include <stddef.h>
#include <stdint.h>
#include <partita-guest/evtchn.h>

/* --- pages (fake-pages.c) --- */

/* What fresh pages hold: not zero, so a page nobody cleared shows. */
#define FAKE_PAGE_FILL 0xA5u

/* Frees every page handed out and forgets them. */
void fake_pages_reset(void);
/* Pages pt_pages_alloc handed out since the last reset. */
size_t fake_pages_handed_out(void);
/* 1 if the page at gpfn came from pt_pages_alloc. */
int fake_pages_owns(uint64_t gpfn);
/* 1 if every byte of the page at gpfn is 0. */
int fake_page_is_zero(uint64_t gpfn);

/* --- grant table (fake-grant.c) --- */

#define FAKE_GRANT_REFS 2048u /* more than one device's rings and pool */
#define FAKE_GRANT_BUSY_FOREVER UINT32_MAX

struct fake_grant {
	uint8_t used; /* granted and not ended */
	uint8_t readonly;
	uint8_t dirty; /* the page held non-zero bytes when granted */
	uint32_t target;
	uint64_t gpfn;
	uint32_t busy; /* end calls still to answer OBJECT_IN_USE */
};

extern struct fake_grant fake_grants[FAKE_GRANT_REFS];
extern unsigned fake_grant_allocs; /* pt_grant_alloc calls that worked */
extern unsigned fake_grant_ends;   /* pt_grant_end_access calls */
extern unsigned fake_grant_dirty;  /* grants of a page that was not zero */
/* Non-zero n: the n-th pt_grant_alloc counted from when it was set fails. */
extern int fake_grant_fail_at;

void fake_grant_reset(void);
/* The back-end maps ref: its next `tries` end calls answer in use. */
void fake_grant_map(uint32_t ref, uint32_t tries);
/* The live ref granting the page at gpfn, or 0. */
uint32_t fake_grant_ref_of(uint64_t gpfn);
/* Grants not ended. */
unsigned fake_grant_live(void);

/* --- event ports (fake-evtchn.c) --- */

#define FAKE_PORTS 64u

struct fake_port {
	uint8_t open;
	uint8_t pending;
	uint8_t masked; /* the guest's bit in the event page */
	uint32_t remote;
	pt_evtchn_fn fn;
	void *ctx;
};

extern struct fake_port fake_ports[FAKE_PORTS];
extern unsigned fake_mask_calls, fake_unmask_calls, fake_sends;
extern unsigned fake_handler_runs;
extern int fake_evtchn_alloc_status; /* what pt_evtchn_alloc_wait says */

void fake_evtchn_reset(void);
/* The back-end signals port: pending, delivered once unmasked. */
void fake_backend_send(uint32_t port);
/* 1 if a pending, unmasked port waits for the upcall. */
int fake_evtchn_deliverable(void);
/* The upcall: runs the handlers of pending unmasked ports. */
void fake_evtchn_upcall(void);

/* --- clock and blocking (fake-clock.c) --- */

extern uint64_t fake_now_ns;
extern unsigned fake_blocks, fake_sleeps;
/* Runs at each PT_CALL_BLOCK before it decides (the back-end's turn). */
extern void (*fake_block_hook)(uint64_t deadline_ns);

void fake_clock_reset(uint64_t now_ns);

/* --- the interrupt flag (fake-irq.c) --- */

/*
 * pt_vdev_wait runs CLI and STI, which fault in user mode. These trap
 * the fault, step over the instruction and keep a virtual IF; STI runs
 * fake_evtchn_upcall as the real one would let the upcall in.
 */
void fake_irq_install(void);
void fake_irq_remove(void);
extern unsigned fake_sti_count;

/* All of the above back to a fresh guest at time now_ns. */
void fake_vdev_reset(uint64_t now_ns);

#endif
