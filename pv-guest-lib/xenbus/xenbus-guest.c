// SPDX-License-Identifier: MIT
/*
 * The xenbus helper's store ops in a running guest (the pt_store_* calls),
 * and the store port waking device waits.
 */
#include <partita-guest/cpu.h>
#include <partita-guest/start.h>
#include <partita-guest/store.h>
#include <partita-guest/vpap.h>
#include <partita-guest/xenbus.h>

/* pt_store_wait_event takes a timeout; "no deadline" waits in slices. */
#define SLICE_NS (60ull * 1000000000ull)

static int guest_read(void *ctx, uint32_t tx, const char *path, char *buf,
		      uint32_t cap)
{
	return pt_store_read(tx, path, buf, cap, NULL);
}

static int guest_write(void *ctx, uint32_t tx, const char *path,
		       const char *value)
{
	return pt_store_write(tx, path, value);
}

static int guest_directory(void *ctx, uint32_t tx, const char *path, char *buf,
			   uint32_t cap, uint32_t *len)
{
	return pt_store_directory(tx, path, buf, cap, len);
}

static int guest_watch(void *ctx, const char *path, const char *token)
{
	return pt_store_watch(path, token);
}

static int guest_unwatch(void *ctx, const char *path, const char *token)
{
	return pt_store_unwatch(path, token);
}

static int guest_txn_start(void *ctx, uint32_t *tx)
{
	return pt_store_txn_start(tx);
}

static int guest_txn_end(void *ctx, uint32_t tx, int commit)
{
	return pt_store_txn_end(tx, commit);
}

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
		if (ret != -PT_STORE_ETIMEDOUT)
			return -PT_DEV_ESTORE;
		if (deadline_ns)
			return -PT_DEV_ETIMEDOUT;
	}
}

static const struct pt_xenbus_ops guest_ops = {
	.read = guest_read,
	.write = guest_write,
	.directory = guest_directory,
	.watch = guest_watch,
	.unwatch = guest_unwatch,
	.txn_start = guest_txn_start,
	.txn_end = guest_txn_end,
	.wait_event = guest_wait_event,
};

const struct pt_xenbus_ops *pt_xenbus_guest_ops(void)
{
	return &guest_ops;
}

int pt_xenbus_open_self(struct pt_xenbus *xb, const char *type, unsigned n)
{
	int ret = pt_store_init(0);

	return pt_xenbus_open(xb, ret ? NULL : &guest_ops,
			      pt_start_info()->partition_id, type, n);
}

static struct pt_vdev *wake_list[PT_XENBUS_WAKE_MAX];

/* The store port's handler calls this: interrupts are off. */
static void wake_devices(void *ctx)
{
	for (unsigned i = 0; i < PT_XENBUS_WAKE_MAX; i++)
		if (wake_list[i])
			pt_vdev_wake(wake_list[i]);
}

void pt_xenbus_wake_add(struct pt_vdev *d)
{
	uint64_t flags = pt_irq_save();
	int free_slot = -1;

	for (unsigned i = 0; i < PT_XENBUS_WAKE_MAX; i++) {
		if (wake_list[i] == d)
			free_slot = -2;
		else if (!wake_list[i] && free_slot == -1)
			free_slot = (int)i;
	}
	if (free_slot >= 0)
		wake_list[free_slot] = d;
	pt_irq_restore(flags);
	pt_store_set_notify(wake_devices, NULL);
}

void pt_xenbus_wake_remove(struct pt_vdev *d)
{
	uint64_t flags = pt_irq_save();

	for (unsigned i = 0; i < PT_XENBUS_WAKE_MAX; i++)
		if (wake_list[i] == d)
			wake_list[i] = NULL;
	pt_irq_restore(flags);
}
