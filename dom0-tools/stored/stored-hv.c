// SPDX-License-Identifier: GPL-2.0-only
/* The store's hypervisor interface over /dev/partita (libpartita-root). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include "stored-hv.h"

static int hv_open(void *ctx)
{
	struct stored_hv *hv = ctx;
	int err;

	err = root_open(&hv->dev, NULL);
	if (err) {
		fprintf(stderr, "partita-stored: cannot serve guests: %s\n",
			root_error(&hv->dev));
		return -EIO;
	}
	err = root_evtchn_open(&hv->dev, &hv->ev);
	if (err)
		goto err_dev;
	err = root_gntdev_open(&hv->dev, &hv->gnt);
	if (err)
		goto err_ev;
	hv->open = 1;
	/*
	 * Without the partition-state VIRQ guests are still served; only
	 * RELEASE over the socket then ends their connections.
	 */
	if (root_evtchn_bind_virq(&hv->ev, PT_VIRQ_PARTITION, &hv->virq_port) ==
	    0)
		hv->virq_bound = 1;
	else
		fprintf(stderr,
			"partita-stored: no partition-state events (%s): "
			"guests are released only by RELEASE\n",
			root_error(&hv->dev));
	fprintf(stderr, "partita-stored: serving guests through %s\n",
		getenv("PARTITA_DEVICE") ? getenv("PARTITA_DEVICE")
					 : "/dev/partita");
	return 0;

err_ev:
	root_evtchn_close(&hv->ev);
err_dev:
	fprintf(stderr, "partita-stored: cannot serve guests: %s\n",
		root_error(&hv->dev));
	root_close(&hv->dev);
	return -EIO;
}

/* A refused map or bind means the introduction named no usable ring. */
static int refused(struct stored_hv *hv, uint32_t domid, const char *what,
		   int err)
{
	fprintf(stderr, "partita-stored: domain %u: %s: %s\n", domid, what,
		root_error(&hv->dev));
	return err == -ENOMEM ? -ENOMEM : -EINVAL;
}

/*
 * A mapped ring, and which life of partition `granter` granted it: ids are
 * reused (rarely), so a guest whose id is listed again with another
 * creation time has ended too.
 */
struct stored_ring {
	struct root_gnt_mapping m;
	uint64_t created_ns;
};

static int hv_map_ring(void *ctx, uint32_t domid, uint32_t ref,
		       struct pt_store_ring_page **page, void **handle)
{
	struct stored_hv *hv = ctx;
	struct stored_ring *r = calloc(1, sizeof(*r));
	struct pt_partition_info info;
	int err;

	if (!r)
		return -ENOMEM;
	err = root_partition_info(&hv->dev, domid, &info);
	if (err) {
		free(r);
		return refused(hv, domid, "looking it up", err);
	}
	r->created_ns = info.created_ns;
	/* Exactly the one page the guest granted, writable: nothing else. */
	err = root_gnt_map(&hv->gnt, domid, &ref, 1, 0, &r->m);
	if (err) {
		free(r);
		return refused(hv, domid, "mapping its store ring", err);
	}
	*page = r->m.addr;
	*handle = r;
	return 0;
}

static void hv_unmap_ring(void *ctx, void *handle)
{
	struct stored_hv *hv = ctx;
	struct stored_ring *r = handle;

	if (root_gnt_unmap(&hv->gnt, &r->m))
		fprintf(stderr, "partita-stored: domain %u: unmapping: %s\n",
			r->m.granter, root_error(&hv->dev));
	free(r);
}

static int hv_bind(void *ctx, uint32_t domid, uint32_t remote_port,
		   uint32_t *port)
{
	struct stored_hv *hv = ctx;
	int err =
		root_evtchn_bind_interdomain(&hv->ev, domid, remote_port, port);

	return err ? refused(hv, domid, "binding its store port", err) : 0;
}

static void hv_unbind(void *ctx, uint32_t port)
{
	struct stored_hv *hv = ctx;

	if (root_evtchn_unbind(&hv->ev, port))
		fprintf(stderr, "partita-stored: unbinding port %u: %s\n", port,
			root_error(&hv->dev));
}

static void hv_notify(void *ctx, uint32_t port)
{
	struct stored_hv *hv = ctx;

	/* A guest that ended meanwhile is released on the VIRQ. */
	root_evtchn_notify(&hv->ev, port);
}

const struct store_hv_ops stored_hv_ops = {
	.open = hv_open,
	.map_ring = hv_map_ring,
	.unmap_ring = hv_unmap_ring,
	.bind = hv_bind,
	.unbind = hv_unbind,
	.notify = hv_notify,
};

int stored_hv_fd(const struct stored_hv *hv)
{
	return hv->open ? root_evtchn_fd(&hv->ev) : -1;
}

static int ended(uint32_t state)
{
	return state == PT_PARTITION_STATE_SHUTDOWN ||
	       state == PT_PARTITION_STATE_CRASHED;
}

void stored_hv_check_partitions(struct stored_hv *hv)
{
	static struct pt_partition_entry list[PT_PARTITION_LIST_MAX];
	struct store *st = hv->st;
	struct store_guest *g, *next;
	uint32_t count, i;

	if (!hv->open || !st->guests)
		return;
	if (root_partition_list(&hv->dev, list, PT_PARTITION_LIST_MAX,
				&count)) {
		fprintf(stderr, "partita-stored: listing partitions: %s\n",
			root_error(&hv->dev));
		return;
	}
	for (g = st->guests; g; g = next) {
		const struct stored_ring *r = g->map;
		struct pt_partition_info info;
		uint32_t domid = g->domid;
		int gone = 1;

		next = g->next; /* releasing frees g */
		for (i = 0; i < count; i++)
			if (list[i].id == domid)
				gone = ended(list[i].state);
		if (!gone && !root_partition_info(&hv->dev, domid, &info))
			gone = info.created_ns != r->created_ns;
		if (!gone)
			continue;
		store_domain_release(st, domid);
		store_flush_fires(st);
	}
}

void stored_hv_events(struct stored_hv *hv)
{
	uint32_t ports[64];
	int partitions = 0;
	size_t n, i;

	if (!hv->open)
		return;
	while (root_evtchn_wait(&hv->ev, 0, ports, 64, &n) == 0 && n) {
		for (i = 0; i < n; i++) {
			struct store_guest *g;

			/* Unmask first: a notify from now on fires again. */
			root_evtchn_unmask(&hv->ev, ports[i]);
			if (hv->virq_bound && ports[i] == hv->virq_port) {
				partitions = 1;
				continue;
			}
			g = store_guest_by_port(hv->st, ports[i]);
			if (g)
				store_guest_wake(g);
		}
		if (n < 64)
			break;
	}
	if (partitions)
		stored_hv_check_partitions(hv);
}

void stored_hv_close(struct stored_hv *hv)
{
	if (!hv->open)
		return;
	root_gntdev_close(&hv->gnt);
	root_evtchn_close(&hv->ev);
	root_close(&hv->dev);
	hv->open = 0;
}
