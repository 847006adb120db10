/* SPDX-License-Identifier: GPL-2.0-only */
/* A fake hypervisor behind ioctl(), for testing libpartita-root on a host. */
#ifndef PARTITA_TEST_FAKE_HV_H
#define PARTITA_TEST_FAKE_HV_H

#include <stdint.h>

#include <partita/events.h>
#include <partita/hypercall.h>

#define FAKE_MAX 8
#define FAKE_TABLE_FRAMES 8u /* frames CREATE takes for tables */
#define FAKE_NO_FAILURE UINT64_MAX

struct fake_part {
	int live;
	uint32_t state;
	uint64_t pages; /* populated */
	uint64_t loaded_bytes;
	struct pt_partition_create_in in;
};

/* What PARTITION_MESSAGING tells of one partition. */
struct fake_messaging {
	struct pt_messaging_info info;		    /* header and counters */
	struct pt_port_info ports[PT_EVTCHN_PORTS]; /* in port order */
	uint32_t port_count;
};

/*
 * The test links with -Wl,--wrap=ioctl: PT_IOC_* requests on any file go
 * to this fake. Partitions live in parts[1..]; the root is id 0.
 */
struct fake_hv {
	struct fake_part parts[FAKE_MAX];
	uint64_t pool_total, pool_free;
	/* Knobs: fail when the pool's population reaches this page, ... */
	uint64_t fail_populate_at;
	int fail_load_call; /* 1-based LOAD call that fails, 0: none */
	int fail_start;
	int fail_destroy;
	/* PARTITION_MESSAGING: ports per answer (0: as many as fit). */
	uint32_t messaging_page_ports;
	int messaging_bad_next; /* pages after the first do not advance */
	unsigned int messaging_calls;
	/*
	 * The messaging files act as a peer that echoes: NOTIFY on a bound
	 * port fires it back, POST to a guest's connection comes back on
	 * the connection id in the payload's first 4 bytes. The first
	 * post_full posts answer INSUFFICIENT_BUFFERS.
	 */
	unsigned int post_full;
	unsigned int posts, notifies, unmasks;
	uint32_t root_ports_bound;
	/* What was seen. */
	unsigned int populate_calls, max_rep_count, load_calls, destroy_calls;
	unsigned int start_calls;
	uint64_t populate_next_gpfn; /* the GPFNs came in order from 0 */
	int populate_out_of_order;
};

extern struct fake_hv fake_hv;
extern struct fake_messaging fake_messaging[FAKE_MAX];

/* Empties the fake: pool of `frames`, no partition, no failure knobs. */
void fake_hv_reset(uint64_t frames);
/* A running partition made without the library, for lookups. */
uint32_t fake_hv_add(const char *name, uint32_t state);
unsigned int fake_hv_live(void);
/* Adds a port in use to partition id's messaging state (in port order). */
void fake_hv_add_port(uint32_t id, uint16_t port, uint8_t state,
		      uint32_t remote_id, uint16_t remote_port);

#endif
