// SPDX-License-Identifier: GPL-2.0-only
/* Guest connections: ring page and port per introduced guest, fair service. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include "store-guests.h"

struct store_guest *store_guest_find(struct store *st, uint32_t domid)
{
	struct store_guest *g;

	for (g = st->guests; g; g = g->next)
		if (g->domid == domid)
			return g;
	return NULL;
}

struct store_guest *store_guest_by_port(struct store *st, uint32_t port)
{
	struct store_guest *g;

	for (g = st->guests; g; g = g->next)
		if (g->port == port)
			return g;
	return NULL;
}

static void guest_notify(void *ctx)
{
	struct store_guest *g = ctx;

	g->notifies++;
	g->st->hv->notify(g->st->hv_ctx, g->port);
}

/* Logged once per guest, with its id, so the toolstack can tell. */
static void guest_broken(struct store_guest *g)
{
	if (g->broken)
		return;
	g->broken = 1;
	g->pending = 0;
	fprintf(stderr,
		"partita-stored: domain %u: store ring broken (%s); "
		"connection closed\n",
		g->domid, g->rc->why ? g->rc->why : "protocol violation");
}

/* One turn: returns 1 when the guest left requests for a later turn. */
static int guest_serve(struct store_guest *g, uint32_t budget)
{
	int more = 0;

	if (g->broken)
		return 0;
	if (store_ring_conn_serve(g->rc, budget, &more)) {
		guest_broken(g);
		return 0;
	}
	return more;
}

int store_guest_introduce(struct store *st, uint32_t domid, uint32_t ref,
			  uint32_t port)
{
	struct store_guest *g = store_guest_find(st, domid);
	struct pt_store_ring_page *page = NULL;
	int ret;

	/* The same introduction twice is harmless; a different one is not. */
	if (g)
		return g->ref == ref && g->remote_port == port ? 0 : -EEXIST;
	if (!st->hv_open) {
		ret = st->hv->open(st->hv_ctx);
		if (ret)
			return ret;
		st->hv_open = 1;
	}
	g = calloc(1, sizeof(*g));
	if (!g)
		return -ENOMEM;
	g->st = st;
	g->domid = domid;
	g->ref = ref;
	g->remote_port = port;
	ret = st->hv->map_ring(st->hv_ctx, domid, ref, &page, &g->map);
	if (ret)
		goto err_free;
	ret = st->hv->bind(st->hv_ctx, domid, port, &g->port);
	if (ret)
		goto err_unmap;
	ret = -ENOMEM;
	g->rc = store_ring_conn_new(st, domid, page, guest_notify, g);
	if (!g->rc)
		goto err_unbind;
	/*
	 * The guest ran before it was introduced and may have written
	 * requests already: serve them on the next round (not from here,
	 * inside the INTRODUCE request's handler).
	 */
	g->pending = 1;
	g->next = st->guests;
	st->guests = g;
	return 0;

err_unbind:
	st->hv->unbind(st->hv_ctx, g->port);
err_unmap:
	st->hv->unmap_ring(st->hv_ctx, g->map);
err_free:
	free(g);
	return ret;
}

void store_guest_disconnect(struct store *st, uint32_t domid)
{
	struct store_guest **pp, *g;

	for (pp = &st->guests; *pp; pp = &(*pp)->next)
		if ((*pp)->domid == domid)
			break;
	g = *pp;
	if (!g)
		return;
	*pp = g->next;
	/* Its watches and transactions go with the connection. */
	store_ring_conn_free(g->rc);
	st->hv->unbind(st->hv_ctx, g->port);
	st->hv->unmap_ring(st->hv_ctx, g->map);
	free(g);
}

void store_guest_wake(struct store_guest *g)
{
	if (!g->broken)
		g->pending = 1;
}

int store_guests_serve(struct store *st, uint32_t budget)
{
	struct store_guest *g;
	int again = 0;

	for (g = st->guests; g; g = g->next) {
		if (!g->pending)
			continue;
		g->pending = guest_serve(g, budget);
		again |= g->pending;
	}
	return again;
}

int store_stats_format(struct store *st, char *buf, size_t cap)
{
	struct store_guest *g;
	struct store_conn *c;
	uint32_t guests = 0, broken = 0, conns = 0, watches = 0, txns = 0;
	int n;

	for (g = st->guests; g; g = g->next) {
		guests++;
		broken += g->broken ? 1 : 0;
	}
	for (c = st->conns; c; c = c->next) {
		conns++;
		watches += c->nwatches;
		txns += c->ntxns;
	}
	n = snprintf(buf, cap,
		     "introduced %" PRIu64 " released %" PRIu64
		     " guests %u broken %u connections %u nodes %u "
		     "watches %u transactions %u",
		     st->introduced_total, st->released_total, guests, broken,
		     conns, store_tree_count(st->root), watches, txns);
	return n < 0 || (size_t)n >= cap ? -E2BIG : n;
}
