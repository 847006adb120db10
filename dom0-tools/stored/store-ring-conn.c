// SPDX-License-Identifier: GPL-2.0-only
/* Moves a guest's requests and replies between its ring page and the store. */
#include <stdlib.h>
#include <errno.h>
#include "store-ring-conn.h"
#include "store-ring-io.h"

static int push_output(struct store_ring_conn *rc, int *moved);

/* Watch events for the guest can be queued by any other connection. */
static void ring_kick(struct store_conn *conn)
{
	struct store_ring_conn *rc = conn->transport;
	int moved = 0;

	if (push_output(rc, &moved))
		conn->broken = 1;
	if (moved && rc->notify)
		rc->notify(rc->ctx);
}

struct store_ring_conn *store_ring_conn_new(struct store *st, uint32_t domid,
					    struct pt_store_ring_page *page,
					    void (*notify)(void *ctx),
					    void *ctx)
{
	struct store_ring_conn *rc = calloc(1, sizeof(*rc));

	if (!rc)
		return NULL;
	rc->conn = store_conn_new(st, domid, domid == 0);
	if (!rc->conn) {
		free(rc);
		return NULL;
	}
	rc->conn->transport = rc;
	rc->conn->kick = ring_kick;
	rc->page = page;
	rc->notify = notify;
	rc->ctx = ctx;
	page->server_features = 0;
	page->connection = PT_STORE_RING_CONNECTED;
	return rc;
}

void store_ring_conn_free(struct store_ring_conn *rc)
{
	store_conn_free(rc->conn);
	free(rc);
}

static int push_output(struct store_ring_conn *rc, int *moved)
{
	struct store_conn *conn = rc->conn;

	while (conn->out_head) {
		struct store_out *o = conn->out_head;
		int n = store_ring_write(rc->page->rsp, &rc->page->rsp_prod,
					 &rc->page->rsp_cons, o->data + o->off,
					 o->len - o->off);

		if (n < 0)
			return -EIO;
		if (n == 0)
			break;
		store_conn_out_advance(conn, (uint32_t)n);
		*moved = 1;
	}
	return 0;
}

int store_ring_conn_service(struct store_ring_conn *rc)
{
	struct store_conn *conn = rc->conn;
	int moved = 0, progress;

	do {
		uint8_t *dst;
		uint32_t want;
		int n, ret;

		progress = 0;
		if (push_output(rc, &moved))
			goto err_broken;
		/*
		 * A guest that does not read its replies gets no more
		 * service; the ring itself is the flow control.
		 */
		if (conn->out_head)
			break;
		want = store_rx_want(&conn->rx, &dst);
		n = store_ring_read(rc->page->req, &rc->page->req_prod,
				    &rc->page->req_cons, dst, want);
		if (n < 0)
			goto err_broken;
		if (n == 0)
			break;
		moved = progress = 1;
		ret = store_rx_commit(&conn->rx, (uint32_t)n);
		if (ret < 0)
			goto err_broken;
		if (ret == 1 && store_conn_rx_ready(conn))
			goto err_broken;
	} while (progress);
	if (moved && rc->notify)
		rc->notify(rc->ctx);
	return 0;

err_broken:
	conn->broken = 1;
	return -EIO;
}
