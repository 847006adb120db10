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

	if (push_output(rc, &moved)) {
		conn->broken = 1;
		rc->why = "reply ring indices out of range";
	}
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

/* The reader stops while the guest has this many replies it did not take. */
static int reply_backlog(const struct store_conn *conn)
{
	uint32_t limit = conn->st->quota.requests;

	if (conn->privileged || !limit)
		return conn->out_head != NULL;
	return conn->out_replies >= limit;
}

int store_ring_conn_serve(struct store_ring_conn *rc, uint32_t budget,
			  int *more)
{
	struct store_conn *conn = rc->conn;
	uint32_t handled = 0;
	int moved = 0, progress;

	*more = 0;
	if (conn->broken)
		return -EIO;
	do {
		uint8_t *dst;
		uint32_t want;
		int n, ret;

		progress = 0;
		if (push_output(rc, &moved)) {
			rc->why = "reply ring indices out of range";
			goto err_broken;
		}
		/*
		 * A guest that does not read its replies gets no more
		 * service; the ring itself is the flow control.
		 */
		if (reply_backlog(conn))
			break;
		if (budget && handled == budget) {
			*more = store_ring_pending(&rc->page->req_prod,
						   &rc->page->req_cons) != 0;
			break;
		}
		want = store_rx_want(&conn->rx, &dst);
		n = store_ring_read(rc->page->req, &rc->page->req_prod,
				    &rc->page->req_cons, dst, want);
		if (n < 0) {
			rc->why = "request producer more than a ring ahead";
			goto err_broken;
		}
		if (n == 0)
			break;
		moved = progress = 1;
		ret = store_rx_commit(&conn->rx, (uint32_t)n);
		if (ret < 0) {
			rc->why = "request header over 4096 payload bytes";
			goto err_broken;
		}
		if (ret == 1) {
			handled++;
			if (store_conn_rx_ready(conn)) {
				/* the reply may have hit bad reply indices */
				if (!rc->why)
					rc->why = "output quota exceeded";
				goto err_broken;
			}
		}
	} while (progress);
	if (moved && rc->notify)
		rc->notify(rc->ctx);
	return 0;

err_broken:
	conn->broken = 1;
	return -EIO;
}

int store_ring_conn_service(struct store_ring_conn *rc)
{
	int more;

	return store_ring_conn_serve(rc, 0, &more);
}
