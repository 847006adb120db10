// SPDX-License-Identifier: MIT
/* The xenbus helper's waiter in a running guest: the store's watch events. */
#include <partita-guest/start.h>
#include <partita-guest/store.h>
#include <partita-guest/vpap.h>
#include <partita-guest/xenbus.h>

/* pt_store_wait_event takes a timeout; "no deadline" waits in slices. */
#define SLICE_NS (3600ull * 1000000000ull)

static int guest_wait_event(void *ctx, char *path, uint32_t pcap, char *token,
			    uint32_t tcap, uint64_t deadline_ns)
{
	for (;;) {
		uint64_t now = pt_time_ns(), timeout = SLICE_NS;
		int ret;

		if (deadline_ns) {
			if (now >= deadline_ns)
				return -PT_DEV_ETIMEDOUT;
			timeout = deadline_ns - now;
		}
		ret = pt_store_wait_event(path, pcap, token, tcap, timeout);
		if (ret == 0)
			return 0;
		/* The clock, not the status, says whether time ran out. */
		if (pt_time_ns() - now + 1000000ull < timeout)
			return -PT_DEV_ESTORE;
		if (deadline_ns)
			return -PT_DEV_ETIMEDOUT;
	}
}

static const struct pt_xenbus_ops guest_ops = { guest_wait_event, NULL };

const struct pt_xenbus_ops *pt_xenbus_guest_ops(void)
{
	return &guest_ops;
}

int pt_xenbus_open_self(struct pt_xenbus *xb, const char *type, unsigned n)
{
	struct store_guest *st = pt_store();

	if (!st && pt_store_init() == 0)
		st = pt_store();
	return pt_xenbus_open(xb, st, &guest_ops, pt_start_info()->partition_id,
			      type, n);
}
