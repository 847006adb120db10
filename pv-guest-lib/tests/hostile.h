/* SPDX-License-Identifier: MIT */
/* The hostile front-end's shared parts: reporting, stopping, raw chains. */
#ifndef PARTITA_GUEST_TEST_HOSTILE_H
#define PARTITA_GUEST_TEST_HOSTILE_H

#include <stdint.h>
#include <partita-guest/xenbus.h>

#define HOSTILE_SEC 1000000000ull

/* The case=NAME of this run. */
extern char hostile_which[32];

/* "RESULT hostile-<case> DONE <what>" and "... FAIL <why>". */
void hostile_done(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void hostile_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Set by a shutdown request; the device named here is woken by it. */
int hostile_stopping(void);
void hostile_wake_on_stop(struct pt_vdev *d);

/* Sends on the device's port as fast as it goes for secs seconds (or
 * until shut down); returns the sends. */
uint64_t hostile_event_flood(struct pt_vdev *d, uint64_t secs);

/*
 * Raw chains, written by hand into queue qi's ring (the library's own
 * bookkeeping is bypassed, so nothing the library would refuse is kept
 * from the back-end): descriptors from 0 on, or one descriptor naming a
 * table at pool offset `table`. Each waits up to timeout_ns for the used
 * entry and reports it.
 */
struct hostile_seg {
	uint64_t addr; /* pool offset */
	uint32_t len;
	uint16_t flags; /* PT_VRING_DESC_F_WRITE or 0 */
};

struct hostile_used {
	int answered; /* 1: a used entry came */
	uint32_t id, len;
};

void hostile_chain(struct pt_vdev *d, unsigned qi, const struct hostile_seg *s,
		   unsigned n, uint64_t timeout_ns, struct hostile_used *u);
void hostile_chain_indirect(struct pt_vdev *d, unsigned qi,
			    const struct hostile_seg *s, unsigned n,
			    uint32_t table, uint64_t timeout_ns,
			    struct hostile_used *u);

/* "state N" or "state N, broken: why" of the device's back-end. */
void hostile_backend_says(struct pt_xenbus *xb, char *buf, unsigned cap);

/* The block and net cases: 1 if case= named one of theirs (it ran). */
int hostile_blk_case(void);
int hostile_net_case(void);

#endif
